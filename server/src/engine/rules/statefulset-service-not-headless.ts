// Rule: statefulset-service-not-headless
// The governing Service of a StatefulSet must be headless (clusterIP: None): only a headless
// Service publishes a DNS record per pod, which is what the StatefulSet's stable identities are for.
// A single-replica StatefulSet reached through its Service's virtual IP works without them (the
// bank-of-anthos databases do exactly that), so only replicated sets, whose members find each other
// by per-pod names, are reported. A single-replica set addressed by its per-pod name is reported by
// statefulset-governing-service, which sees the address.
import { governingService } from './governingService';
import { defineRule } from './rule';

export default defineRule({
  id: 'statefulset-service-not-headless',
  severity: 'warning',
  description: "A StatefulSet's governing Service is not headless.",
  remediation:
    'Set clusterIP: None on the governing Service (add a second, normal Service if clients need a virtual IP).',
  check: {
    statefulSet(ctx, workload) {
      const resource = workload.resource;
      const governing = governingService.of(resource);
      const span = governing?.span;
      const serviceName = governing?.name;
      if (!span || !serviceName || resource.namesTransformed) return;
      if ((workload.replicas ?? 1) <= 1 && ctx.graph.autoscalersOf(workload).length === 0) return;
      const services = ctx.graph.servicesNamed(resource.namespace ?? 'default', serviceName);
      // Variants of the app may define the Service differently: one headless definition is enough.
      if (services.length === 0 || services.some((s) => s.headless)) return;
      const service = services[0];
      ctx.report({
        span,
        message: `Service '${serviceName}' is not headless (clusterIP: ${service.clusterIP ?? 'allocated'}): pods get no per-pod DNS records such as ${resource.name}-0.${serviceName}.`,
        related: [{ resource: service.resource, message: 'governing Service without clusterIP: None' }],
      });
    },
  },
});
