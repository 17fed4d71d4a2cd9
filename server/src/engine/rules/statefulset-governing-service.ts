// Rule: statefulset-governing-service
// A StatefulSet's pods get DNS names of their own, `<sts>-<n>.<serviceName>.<ns>.svc.cluster.local`,
// only through its governing Service: the pod's hostname is its name and its subdomain is
// spec.serviceName (pkg/controller/statefulset/stateful_set_utils.go, initIdentity), and the cluster
// DNS publishes `hostname.subdomain` records only for pods selected by a headless Service of that
// name (Kubernetes DNS specification, "Records for a Service with ClusterIP None"). Reported:
// - the governing Service exists but its selector does not match the StatefulSet's pods;
// - a per-pod name in a container's configuration (`db-3.db.data.svc.cluster.local`) that names another
//   Service than the governing one, an ordinal the StatefulSet does not have (n >= replicas, when
//   replicas is fixed and no HPA scales it), or a governing Service that is not headless (for
//   single-replica sets: statefulset-service-not-headless covers replicated ones).
import type { TrafficGraph } from '../graph';
import type { ServiceReference } from '../model/references';
import { isMirroredName } from '../model/multicluster';
import type { Workload } from '../model/workload';
import { selectorMayMatch } from '../selectors';
import { governingService } from './governingService';
import { defineRule, type RuleContext } from './rule';
import type { Resource } from '../model/resource';

interface PodName {
  readonly statefulSet: string;
  readonly ordinal: number;
  readonly service: string;
  readonly namespace: string;
}

/**
 * `<sts>-<n>.<svc>.<ns>.svc[.cluster.local]`, or undefined. Shorter forms (`db-0.db`) are not read:
 * the address reader keeps only hosts that are unambiguously cluster DNS names.
 */
function perPodName(ref: ServiceReference): PodName | undefined {
  const labels = ref.host.split('.');
  if (labels.length < 4 || labels[3] !== 'svc') return undefined;
  const rest = labels.slice(4).join('.');
  if (rest !== '' && rest !== 'cluster.local') return undefined;
  const m = /^([a-z0-9](?:[-a-z0-9]*[a-z0-9])?)-(\d+)$/.exec(labels[0]);
  if (!m) return undefined;
  return { statefulSet: m[1], ordinal: Number(m[2]), service: labels[1], namespace: labels[2] };
}

function governingServiceName(r: Resource): string | undefined {
  return governingService.of(r)?.name;
}

function checkSelection(ctx: RuleContext, workload: Workload): void {
  const r = workload.resource;
  const governing = governingService.of(r);
  const span = governing?.span;
  const name = governing?.name;
  if (!span || !name || r.namesTransformed) return;
  const services = ctx.graph.servicesNamed(r.namespace ?? 'default', name);
  // Missing: statefulset-service-missing. Without a selector: endpoints are managed by hand.
  // The selector is compared with this StatefulSet's own pod labels (not with the copy of it the
  // Service's selection keeps: another copy of the object may be defined elsewhere).
  if (
    services.length === 0 ||
    services.some((s) => !s.selector || selectorMayMatch(s.selector, workload.template.labels))
  )
    return;
  ctx.report({
    span,
    message: `Governing Service '${name}' does not select the pods of StatefulSet '${r.name}': they get no per-pod DNS names (${r.name}-0.${name}).`,
    related: [
      {
        resource: services[0].resource,
        span: services[0].selector?.span,
        message: 'selector of the governing Service',
      },
    ],
  });
}

/** What is wrong with a per-pod name, judged against one StatefulSet definition (undefined: fine). */
function problemWith(graph: TrafficGraph, pod: PodName, sts: Workload): string | undefined {
  const governing = governingServiceName(sts.resource);
  if (!governing) return undefined;
  if (pod.service !== governing) {
    // Per-endpoint names of a multi-cluster mirror of the governing Service resolve too.
    if (graph.servicesNamed(pod.namespace, governing).some((s) => isMirroredName(s.resource, pod.service)))
      return undefined;
    return `per-pod names of StatefulSet '${pod.statefulSet}' exist only under its governing Service '${governing}', not '${pod.service}'`;
  }
  const replicas = sts.replicas ?? 1;
  const scaled = graph.autoscalersOf(sts).length > 0;
  const fixed = governingService.of(sts.resource)?.replicasWritten === true && !scaled;
  if (fixed && pod.ordinal >= replicas)
    return `StatefulSet '${pod.statefulSet}' has ${replicas} replica${replicas === 1 ? '' : 's'} (${pod.statefulSet}-0${replicas > 1 ? ` to ${pod.statefulSet}-${replicas - 1}` : ''}): pod ${pod.statefulSet}-${pod.ordinal} does not exist`;
  const services = graph.servicesNamed(pod.namespace, governing);
  // Replicated sets with a non-headless Service are statefulset-service-not-headless's.
  if (services.length > 0 && !services.some((s) => s.headless) && replicas <= 1 && !scaled) {
    return `governing Service '${governing}' is not headless (clusterIP: None), so no per-pod DNS records are published`;
  }
  return undefined;
}

export default defineRule({
  id: 'statefulset-governing-service',
  severity: 'warning',
  description: "A StatefulSet's governing Service does not give its pods the DNS names they are addressed by.",
  remediation:
    "Make the governing Service headless and select the StatefulSet's pods; address pods as <statefulset>-<ordinal>.<serviceName> with an ordinal below replicas.",
  reach: 'workspace',
  check: {
    statefulSet: checkSelection,
    workload(ctx, workload) {
      const seen = new Set<string>();
      for (const ref of ctx.graph.serviceReferences(workload)) {
        const pod = perPodName(ref);
        if (!pod) continue;
        const sets = ctx.graph
          .resourcesWithId(`StatefulSet/${pod.namespace}/${pod.statefulSet}`)
          .map((r) => ctx.graph.workload(r))
          .filter((w): w is Workload => !!w && !w.resource.namesTransformed);
        if (sets.length === 0) continue;
        // Variants of the StatefulSet may differ: one that gives the name is enough.
        const problems = sets.map((s) => problemWith(ctx.graph, pod, s));
        const problem = problems.every((p) => p !== undefined) ? problems[0] : undefined;
        const key = `${ref.workloadSpan.start}|${ref.host}`;
        if (!problem || seen.has(key)) continue;
        seen.add(key);
        const via = ref.via ? ` (ConfigMap '${ref.via.configMap.name}', key ${ref.via.key})` : '';
        ctx.report({
          span: ref.workloadSpan,
          message: `'${ref.host}'${via} does not resolve: ${problem}.`,
          related: [
            { resource: sets[0].resource, message: `StatefulSet ${pod.statefulSet}` },
            ...(ref.via
              ? [{ resource: ref.via.configMap, span: ref.span, message: `${ref.via.key} = ${ref.host}` }]
              : []),
          ],
        });
      }
    },
  },
});
