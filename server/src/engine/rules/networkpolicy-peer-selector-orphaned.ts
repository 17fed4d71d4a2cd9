// Rule: networkpolicy-peer-selector-orphaned
// A `from`/`to` peer that is a bare podSelector (no namespaceSelector, no ipBlock) means pods of
// the policy's own namespace. When it selects no pod template there, the rule allows nothing, which
// usually means the label is wrong.
import { formatSelector } from '../selectors';
import { reportSelectsNothing } from './near-miss';
import { defineRule } from './rule';

export default defineRule({
  id: 'networkpolicy-peer-selector-orphaned',
  severity: 'warning',
  description: "A NetworkPolicy peer's podSelector selects no pod template in the policy's namespace.",
  remediation: 'Fix the peer labels, or add a namespaceSelector if the peers live in another namespace.',
  // A near miss may be a pod template in another namespace: re-judged on every change.
  reach: 'workspace',
  check: {
    policy(ctx, policy) {
      const resource = policy.resource;
      const ns = resource.namespace ?? 'default';
      for (const peer of policy.peers) {
        const selector = peer.podSelector;
        if (!selector || peer.namespaceSelector || peer.hasIpBlock || selector.terms.length === 0 || selector.invalid)
          continue;
        if (ctx.graph.selectsSomeWorkload(selector, ns)) continue;
        const direction = peer.direction === 'ingress' ? 'from' : 'to';
        reportSelectsNothing(
          ctx,
          resource,
          selector,
          ns,
          `Peer podSelector ${formatSelector(selector)} (${direction}) selects no pod template in namespace '${ns}'; this rule allows no traffic.`,
        );
      }
    },
  },
});
