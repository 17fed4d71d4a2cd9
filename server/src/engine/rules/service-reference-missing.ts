// Rule: service-reference-missing
// A container is given an address that is unambiguously a cluster DNS name (…svc, …svc.cluster.local,
// or svc.ns with ns a namespace of the workspace) and no such Service exists: the name never
// resolves. A bare host name with no matching Service may be external and is never reported. Services
// are often installed by Helm releases or operators outside the workspace (a database chart, a
// monitoring stack), and manifests are applied with `kubectl -n`, so a missing name is reported only
// when the workspace shows the likely mistake: a Service of a similar name (a typo) in that
// namespace. The API server's own `kubernetes.default` Service always exists.
import { editDistance } from './near-miss';
import { defineRule } from './rule';

export default defineRule({
  id: 'service-reference-missing',
  severity: 'warning',
  description: 'A container refers to a cluster DNS name of a Service that does not exist.',
  remediation: 'Fix the Service name or namespace in the address, or create the Service.',
  kinds: ['Pod', 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'ReplicationController', 'Job', 'CronJob'],
  reach: 'workspace',
  check(ctx, resource) {
    const workload = ctx.graph.workload(resource);
    if (!workload) return;
    const seen = new Set<string>();
    for (const ref of ctx.graph.serviceReferences(workload)) {
      if (!ref.clusterDns || ctx.graph.servicesNamed(ref.namespace, ref.service).length > 0) continue;
      if (ref.service === 'kubernetes' && ref.namespace === 'default') continue;
      const similar = ctx.graph.services.find(
        (s) => s.resource.namespace === ref.namespace && editDistance(s.resource.name, ref.service) <= Math.max(1, Math.floor(ref.service.length / 4)),
      );
      if (!similar) continue;
      const key = `${ref.workloadSpan.start}|${ref.host}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const via = ref.via ? ` (ConfigMap '${ref.via.configMap.name}', key ${ref.via.key})` : '';
      ctx.report({
        span: ref.workloadSpan,
        message: `'${ref.host}'${via} names Service '${ref.service}' in namespace '${ref.namespace}', which does not exist. Did you mean '${similar.resource.name}'?`,
        related: [{ resource: similar.resource, message: 'a Service of a similar name' }, ...(ref.via ? [{ resource: ref.via.configMap, span: ref.span, message: `${ref.via.key} = ${ref.host}` }] : [])],
      });
    }
  },
});
