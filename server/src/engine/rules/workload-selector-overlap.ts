// Rule: workload-selector-overlap
// Two controllers in one namespace whose selectors both match one pod template fight over its pods:
// each counts the other's pods as its own (a ReplicaSet deletes "surplus" pods, a Deployment adopts
// them). The Kubernetes docs warn: do not create overlapping selectors. Pods (no controller) and
// Jobs and CronJobs (which select by a generated controller-uid) are not compared, and only
// workloads applied together (same file or build) are: repositories keep alternative variants
// of a workload side by side (a ReplicationController and the Deployment that replaced it).
// Custom workloads are not compared: Argo's migration guide runs a Rollout next to the Deployment
// it replaces with the same selector, and such controllers manage only what they own.
import { formatSelector } from '../selectors';
import { defineRule } from './rule';

const CONTROLLERS = ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'ReplicationController'];

export default defineRule({
  id: 'workload-selector-overlap',
  severity: 'warning',
  description: "Two workloads' selectors match the same pod template; their controllers fight over the pods.",
  remediation: 'Give each workload a label that only its own pods carry, and select on it.',
  check: {
    workload(ctx, workload) {
      const resource = workload.resource;
      if (!workload.selector || workload.selector.invalid || workload.selector.terms.length === 0) return;
      // The templates the selector may match in the namespace (a label index), applied together with it.
      for (const other of ctx.graph.workloadsSelecting(workload.selector, workload.template.namespace)) {
        if (
          other.resource.id === resource.id ||
          !ctx.graph.sameFileOrBuild(other.resource, resource) ||
          !CONTROLLERS.includes(other.resource.kind)
        )
          continue;
        ctx.report({
          span: workload.selector.span ?? workload.selectorNode?.span ?? resource.kindSpan,
          message: `Selector ${formatSelector(workload.selector)} also matches the pods of ${other.resource.kind} '${other.resource.name}'; the two controllers fight over them.`,
          related: [
            { resource: other.resource, span: other.template.labelsSpan, message: 'pod template matched by both' },
          ],
        });
      }
    },
  },
});
