// Rule: pdb-overlap
// The eviction API refuses to evict a pod that more than one PodDisruptionBudget selects
// (pkg/registry/core/pod/storage/eviction.go: "This pod has more than one PodDisruptionBudget,
// which the eviction subresource does not support", HTTP 500), so drains of those pods fail.
// Compared among budgets applied together (same file or same kustomize build), because
// repositories keep alternative variants side by side.
import type { Resource } from '../model/resource';
import { formatSelector } from '../selectors';
import { defineRule } from './rule';

export default defineRule({
  id: 'pdb-overlap',
  severity: 'warning',
  description: 'A pod template is selected by more than one PodDisruptionBudget; its pods cannot be evicted.',
  remediation: 'Keep one PodDisruptionBudget per set of pods: narrow the selectors so that they do not overlap.',
  check: {
    budget(ctx, budget) {
      const resource = budget.resource;
      if (budget.selector.invalid) return;
      const reported = new Set<Resource>();
      for (const w of ctx.graph.workloadsSelecting(budget.selector, resource.namespace ?? 'default')) {
        for (const other of ctx.graph.disruptionBudgetsFor(w)) {
          const o = other.resource;
          if (o === resource || o.id === resource.id || reported.has(o) || !ctx.graph.sameFileOrBuild(resource, o))
            continue;
          reported.add(o);
          ctx.report({
            span: budget.selector.span,
            message: `The pods of ${w.resource.kind} '${w.resource.name}' are also selected by PodDisruptionBudget '${o.name}' (${formatSelector(other.selector)}); the eviction API refuses pods with more than one budget, so drains fail.`,
            related: [{ resource: o, span: other.selector.span, message: 'another budget selecting the same pods' }],
          });
        }
      }
    },
  },
});
