// Rule: networkpolicy-selector-orphaned
// A NetworkPolicy whose non-empty podSelector selects no pod template in its namespace protects
// nothing: the pods it was written for stay as open (or as isolated) as before. `{}` selects every
// pod of the namespace and is never reported.
import { formatSelector } from '../selectors';
import { reportSelectsNothing } from './near-miss';
import { defineRule } from './rule';

export default defineRule({
  id: 'networkpolicy-selector-orphaned',
  severity: 'warning',
  description: 'A NetworkPolicy podSelector selects no pod template in its namespace.',
  remediation: "Make spec.podSelector match the labels of the pods the policy is for, in the policy's namespace.",
  // A near miss may be a pod template in another namespace: re-judged on every change.
  reach: 'workspace',
  check: {
    policy(ctx, policy) {
      const resource = policy.resource;
      if (policy.podSelector.terms.length === 0 || policy.podSelector.invalid) return;
      const ns = resource.namespace ?? 'default';
      if (ctx.graph.selectsSomeWorkload(policy.podSelector, ns)) return;
      reportSelectsNothing(
        ctx,
        resource,
        policy.podSelector,
        ns,
        `podSelector ${formatSelector(policy.podSelector)} selects no pod template in namespace '${ns}'; the policy applies to nothing.`,
      );
    },
  },
});
