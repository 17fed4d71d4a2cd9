// Rule: service-selector-orphaned
// A Service whose selector matches no pod template in its namespace gets no endpoints: every
// connection to it fails. The message names the nearest miss, which is usually the typo.
import { formatSelector } from '../selectors';
import { reportSelectsNothing } from './near-miss';
import { defineRule } from './rule';

export default defineRule({
  id: 'service-selector-orphaned',
  severity: 'warning',
  description: 'Service selector matches no pod template in its namespace.',
  remediation:
    'Make the selector match the pod template labels of a workload in the same namespace, or remove the selector and manage Endpoints by hand.',
  // A near miss may be a pod template in another namespace: re-judged on every change.
  reach: 'workspace',
  check: {
    service(ctx, service) {
      const resource = service.resource;
      if (!service.selector || service.selector.invalid) return;
      if (ctx.graph.workloadsSelectedBy(service).length > 0) return;
      const ns = resource.namespace ?? 'default';
      reportSelectsNothing(
        ctx,
        resource,
        service.selector,
        ns,
        `Selector ${formatSelector(service.selector)} matches no pod template in namespace '${ns}'; the Service has no endpoints.`,
      );
    },
  },
});
