// Rule: pdb-selector-orphaned
// A PodDisruptionBudget protects the pods its selector matches in its own namespace
// (pkg/controller/disruption: getPodsForPdb lists pods of the PDB's namespace by its selector). A
// selector that matches no pod template protects nothing: drains and other voluntary evictions
// take every replica down at once. The message names the nearest miss, usually the typo.
import { formatSelector } from '../selectors';
import { reportSelectsNothing } from './near-miss';
import { defineRule } from './rule';

export default defineRule({
  id: 'pdb-selector-orphaned',
  severity: 'warning',
  description: "A PodDisruptionBudget's selector matches no pod template in its namespace.",
  remediation: 'Make the selector match the pod template labels of the workload the budget is for.',
  // A near miss may be a pod template in another namespace: re-judged on every change.
  reach: 'workspace',
  check: {
    budget(ctx, budget) {
      const resource = budget.resource;
      // An empty selector matches every pod of the namespace (policy/v1) or none (v1beta1): not a typo.
      if (budget.selector.invalid || budget.selector.terms.length === 0) return;
      const ns = resource.namespace ?? 'default';
      if (ctx.graph.selectsSomeWorkload(budget.selector, ns)) return;
      reportSelectsNothing(
        ctx,
        resource,
        budget.selector,
        ns,
        `Selector ${formatSelector(budget.selector)} matches no pod template in namespace '${ns}'; the PodDisruptionBudget protects nothing.`,
      );
    },
  },
});
