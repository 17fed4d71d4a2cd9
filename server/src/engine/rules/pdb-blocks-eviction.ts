// Rule: pdb-blocks-eviction
// A PodDisruptionBudget that allows no disruption makes every voluntary eviction of its pods fail
// with 429 "Cannot evict pod as it would violate the pod's disruption budget": `kubectl drain`,
// node upgrades and the cluster autoscaler wait forever. The disruption controller computes
// disruptionsAllowed = healthy - desiredHealthy (pkg/controller/disruption/disruption.go,
// getExpectedPodCount): maxUnavailable 0 or "0%" and minAvailable "100%" allow none whatever the
// pod count; an integer minAvailable allows none when it is at least the number of pods, and a
// percentage minAvailable is rounded up (GetScaledValueFromIntOrPercent with roundUp). The pod count
// is the selected workloads' replicas, or the minimum of an HPA that scales them (at its minimum,
// nothing can be evicted); DaemonSets, Jobs and unknown workloads leave it unknown.
import { maxOf } from '../arrays';
import type { TrafficGraph } from '../graph';
import { budgetValue } from '../model/disruptionBudget';
import type { Workload } from '../model/workload';
import { defineRule } from './rule';

/** The smallest number of pods the selected workloads run, or undefined when unknown. */
function minimumPods(graph: TrafficGraph, workloads: readonly Workload[]): number | undefined {
  let total = 0;
  for (const w of workloads) {
    // Job pods come and go by completion, not by a replica count the budget can rely on.
    if (w.perNode || w.replicas === undefined || w.resource.kind === 'Job' || w.resource.kind === 'CronJob')
      return undefined;
    const autoscalers = graph.autoscalersOf(w);
    total += autoscalers.length > 0 ? -maxOf(autoscalers.map((a) => -a.minReplicas)) : w.replicas;
  }
  return total;
}

export default defineRule({
  id: 'pdb-blocks-eviction',
  severity: 'warning',
  description: 'A PodDisruptionBudget allows no voluntary eviction; node drains block.',
  remediation:
    'Allow at least one disruption: maxUnavailable: 1, or a minAvailable below the number of replicas (run more replicas).',
  check: {
    budget(ctx, budget) {
      const resource = budget.resource;
      const max = budgetValue(budget.maxUnavailable);
      const min = budgetValue(budget.minAvailable);
      const blocked =
        'the budget allows no voluntary eviction, so `kubectl drain` and node upgrades block on these pods';
      if (budget.maxUnavailable && max && ('count' in max ? max.count === 0 : max.percent === 0)) {
        ctx.report({
          span: budget.maxUnavailable.span,
          message: `maxUnavailable ${budget.maxUnavailable.text}: ${blocked}.`,
        });
        return;
      }
      if (!budget.minAvailable || !min) return;
      if ('percent' in min && min.percent >= 100) {
        ctx.report({
          span: budget.minAvailable.span,
          message: `minAvailable ${budget.minAvailable.text}: ${blocked}.`,
        });
        return;
      }
      if (budget.selector.invalid || budget.selector.terms.length === 0) return;
      const workloads = ctx.graph.workloadsSelecting(budget.selector, resource.namespace ?? 'default');
      const pods = workloads.length > 0 ? minimumPods(ctx.graph, workloads) : undefined;
      if (pods === undefined || pods === 0) return;
      const required = 'count' in min ? min.count : Math.ceil((min.percent * pods) / 100);
      if (required < pods) return;
      const scaled = workloads.some((w) => ctx.graph.autoscalersOf(w).length > 0) ? ' at the autoscaler minimum' : '';
      const names = workloads.map((w) => `${w.resource.kind} '${w.resource.name}'`).join(', ');
      ctx.report({
        span: budget.minAvailable.span,
        message: `minAvailable ${budget.minAvailable.text} requires ${required} of the ${pods} pod${pods === 1 ? '' : 's'} of ${names}${scaled} to stay available: ${blocked}.`,
        related: workloads.map((w) => ({ resource: w.resource, message: 'pods covered by the budget' })),
      });
    },
  },
});
