// Rule: statefulset-service-missing
// A StatefulSet's spec.serviceName names the governing Service that gives its pods stable DNS names
// (pod-0.service.namespace.svc). Without that Service in the namespace, the per-pod names never resolve.
import { hasPlaceholder } from '../placeholders';
import { governingService } from './governingService';
import { defineRule } from './rule';

export default defineRule({
  id: 'statefulset-service-missing',
  severity: 'warning',
  description: "A StatefulSet's serviceName names no Service in its namespace.",
  remediation:
    'Create the headless Service the StatefulSet names (clusterIP: None, selecting its pods), or fix serviceName.',
  check: {
    statefulSet(ctx, workload) {
      const resource = workload.resource;
      const governing = governingService.of(resource);
      const span = governing?.span;
      const serviceName = governing?.name;
      if (!span || !serviceName || resource.namesTransformed || hasPlaceholder(serviceName)) return;
      const ns = resource.namespace ?? 'default';
      if (ctx.graph.servicesNamed(ns, serviceName).length > 0) return;
      ctx.report({
        span,
        message: `No Service '${serviceName}' in namespace '${ns}': the StatefulSet's pods get no stable DNS names (${resource.name}-0.${serviceName}.${ns}.svc).`,
      });
    },
  },
});
