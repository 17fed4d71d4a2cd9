// Rule: service-reference-missing
// A container is given an address that is unambiguously a cluster DNS name (…svc, …svc.cluster.local,
// or svc.ns with ns a namespace of the workspace) and no such Service exists: the name never
// resolves. A bare host name with no matching Service may be external and is never reported. Services
// are often installed by Helm releases or operators outside the workspace (a database chart, a
// monitoring stack), and manifests are applied with `kubectl -n`, so a missing name is reported only
// when the workspace shows the likely mistake: a Service of a similar name (a typo) in that
// namespace. The API server's own `kubernetes.default` Service always exists. A bare `name:port`
// (resolved in the pod's namespace through its DNS search path) is reported on the same evidence, or
// when the same manifest resolves it in another kustomize build: an overlay that moves an app to
// another namespace, or deletes the Service it relies on, breaks the reference in that build only.
// With completeWorkspace every cluster DNS name that nothing defines is an error; near a custom
// resource of an unknown kind (which may create the Service) the finding is information.
import type { TrafficGraph } from '../graph';
import { isMirroredName } from '../model/multicluster';
import { directoryOf, type Resource } from '../model/resource';
import { editDistance, isNearMiss, mayCreate } from './near-miss';
import { defineRule } from './rule';

export default defineRule({
  id: 'service-reference-missing',
  severity: 'warning',
  description: 'A container refers to a cluster DNS name of a Service that does not exist.',
  remediation: 'Fix the Service name or namespace in the address, or create the Service.',
  reach: 'workspace',
  check: {
    workload(ctx, workload) {
      const resource = workload.resource;
      const seen = new Set<string>();
      for (const ref of ctx.graph.serviceReferences(workload)) {
        if (ctx.graph.servicesNamed(ref.namespace, ref.service).length > 0) continue;
        if (ref.service === 'kubernetes' && ref.namespace === 'default') continue;
        // A multi-cluster mirror of a Service exported from another cluster's manifests.
        if (ctx.graph.servicesIn(ref.namespace).some((s) => isMirroredName(s.resource, ref.service))) continue;
        const similar = ctx.graph
          .servicesIn(ref.namespace)
          .find(
            (s) =>
              s.resource.name !== ref.service &&
              (ref.clusterDns ? isNearMiss(s.resource.name, ref.service, 4) : isTypo(s.resource.name, ref.service)),
          );
        const otherBuild = similar
          ? undefined
          : resolvedInAnotherBuild(ctx.graph, resource, ref.service, ref.namespace, ref.namespaceWritten);
        // In a closed world (completeWorkspace) a cluster DNS name that nothing defines certainly fails;
        // a bare name may still be an external host.
        const closed = ctx.config.completeWorkspace && ref.clusterDns;
        if (!similar && !otherBuild && !closed) continue;
        const key = `${ref.workloadSpan.start}|${ref.host}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const via = ref.via ? ` (ConfigMap '${ref.via.configMap.name}', key ${ref.via.key})` : '';
        const hint = similar
          ? ` Did you mean '${similar.resource.name}'?`
          : otherBuild
            ? ` The same manifest in kustomize build '${otherBuild.build}' finds it in namespace '${otherBuild.namespace}'.`
            : '';
        const found = similar?.resource ?? otherBuild?.service;
        // A custom resource of a kind nobody describes, applied with the workload there, may make it.
        const hidden = ctx.config.completeWorkspace ? undefined : ctx.graph.hiddenProducerNear(ref.namespace, resource);
        ctx.report({
          span: ref.workloadSpan,
          severity: hidden ? 'info' : !found ? 'error' : undefined,
          message: `'${ref.host}'${via} names Service '${ref.service}' in namespace '${ref.namespace}', which does not exist.${hint}${hidden ? mayCreate(hidden, 'it') : ''}`,
          related: [
            ...(found
              ? [
                  {
                    resource: found,
                    message: similar ? 'a Service of a similar name' : 'the Service in the other build',
                  },
                ]
              : []),
            ...(ref.via
              ? [{ resource: ref.via.configMap, span: ref.span, message: `${ref.via.key} = ${ref.host}` }]
              : []),
            ...(hidden ? [{ resource: hidden, message: 'may create the Service' }] : []),
          ],
        });
      }
    },
  },
});

/**
 * Another kustomize instance of the same workload document, in another namespace, where a
 * reference by the short name (no namespace written) finds the Service.
 */
function resolvedInAnotherBuild(
  graph: TrafficGraph,
  resource: Resource,
  service: string,
  namespace: string,
  namespaceWritten: string | undefined,
): { build: string; namespace: string; service: Resource } | undefined {
  if (resource.build === undefined || namespaceWritten !== undefined) return undefined;
  for (const other of graph.instancesIn('directory', directoryOf(resource.file))) {
    if (
      other === resource ||
      other.file !== resource.file ||
      other.docIndex !== resource.docIndex ||
      other.itemIndex !== resource.itemIndex
    )
      continue;
    const ns = other.namespace ?? 'default';
    if (ns === namespace || other.build === undefined) continue;
    const found = graph.servicesNamed(ns, service).find((s) => s.resource.build === other.build);
    if (found) return { build: other.build, namespace: ns, service: found.resource };
  }
  return undefined;
}

/**
 * A bare name may be an external host, so only a typo counts as evidence: one edit (two in a long
 * name), and not another component of the same app (`postgres-operator` beside `postgres-operator-ui`).
 */
function isTypo(existing: string, written: string): boolean {
  if (
    existing.startsWith(`${written}-`) ||
    written.startsWith(`${existing}-`) ||
    existing.endsWith(`-${written}`) ||
    written.endsWith(`-${existing}`)
  )
    return false;
  const limit = written.length >= 10 ? 2 : 1;
  return editDistance(existing, written, limit) <= limit;
}
