// Rule: service-reference-missing
// A container is given an address that is unambiguously a cluster DNS name (…svc, …svc.cluster.local,
// or svc.ns with ns a namespace of the workspace) and no such Service exists: the name never
// resolves. A bare host name with no matching Service may be external and is never reported. Services
// are often installed by Helm releases or operators outside the workspace (a database chart, a
// monitoring stack), and manifests are applied with `kubectl -n`, so a missing name is reported only
// when the workspace shows the likely mistake: a Service of a similar name (a typo) in that
// namespace. The API server's own `kubernetes.default` Service always exists. With completeWorkspace
// every cluster DNS name that nothing defines is an error; near a custom resource of an unknown kind
// (which may create the Service) the finding is information.
import { editDistance, mayCreate } from './near-miss';
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
      const similar = ctx.graph.servicesIn(ref.namespace).find((s) => editDistance(s.resource.name, ref.service) <= Math.max(1, Math.floor(ref.service.length / 4)));
      // In a closed world (completeWorkspace) a cluster DNS name that nothing defines certainly fails.
      if (!similar && !ctx.config.completeWorkspace) continue;
      const key = `${ref.workloadSpan.start}|${ref.host}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const via = ref.via ? ` (ConfigMap '${ref.via.configMap.name}', key ${ref.via.key})` : '';
      // A custom resource of a kind nobody describes, applied with the workload there, may make it.
      const hidden = ctx.config.completeWorkspace ? undefined : ctx.graph.hiddenProducerNear(ref.namespace, resource);
      ctx.report({
        span: ref.workloadSpan,
        severity: hidden ? 'info' : ctx.config.completeWorkspace ? 'error' : undefined,
        message: `'${ref.host}'${via} names Service '${ref.service}' in namespace '${ref.namespace}', which does not exist.${similar ? ` Did you mean '${similar.resource.name}'?` : ''}${hidden ? mayCreate(hidden, 'it') : ''}`,
        related: [
          ...(similar ? [{ resource: similar.resource, message: 'a Service of a similar name' }] : []),
          ...(ref.via ? [{ resource: ref.via.configMap, span: ref.span, message: `${ref.via.key} = ${ref.host}` }] : []),
          ...(hidden ? [{ resource: hidden, message: 'may create the Service' }] : []),
        ],
      });
    }
  },
});
