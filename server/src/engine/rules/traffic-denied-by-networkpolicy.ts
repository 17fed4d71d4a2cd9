// Rule: traffic-denied-by-networkpolicy
// A workload is given the address of a Service (an east-west reference), but the NetworkPolicies
// deny that traffic: the source's egress or every destination pod's ingress. Connections then
// time out. Only references whose Service, port and destination pods are all known are judged, and
// only policies kept with both workloads count: in the same directory as each of them, an enclosing
// directory, or a sibling directory (manifests/ beside manifests-policy/). Policy collections
// elsewhere in a repository (recipes, other apps) are not assumed to share their cluster.
import { decide, policiesKeptWith, serviceFlowVerdicts, summarizeVerdicts } from '../reachability';
import type { Ingress } from '../model/ingress';
import { landingPort, servicePortFor } from '../servicePorts';
import { defineRule, type RelatedRef, type RuleContext } from './rule';

export default defineRule({
  id: 'traffic-denied-by-networkpolicy',
  severity: 'warning',
  description: 'NetworkPolicies deny traffic that a workload is configured to send to a Service.',
  remediation:
    "Allow the flow: an egress rule on the source's policies and an ingress rule on the destination's, for this port.",
  reach: 'workspace',
  check: {
    ingress: checkIngress,
    workload(ctx, from) {
      const resource = from.resource;
      const seen = new Set<string>();
      for (const ref of ctx.graph.serviceReferences(from)) {
        const service = ctx.graph.servicesNamed(ref.namespace, ref.service)[0];
        if (!service?.selector) continue;
        const port = servicePortFor(service, ref.port);
        if (!port) continue;
        const verdicts = serviceFlowVerdicts(ctx.graph, from, service, port);
        const { denied, policies } = summarizeVerdicts(verdicts.map((v) => v.verdict));
        if (!denied) continue;
        const key = `${ref.workloadSpan.start}|${service.resource.id}|${port.port}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const egressDenied = verdicts.every(({ verdict }) => !verdict.egress.allowed);
        const side = egressDenied
          ? `the egress policies of ${resource.kind} '${resource.name}'`
          : `the ingress policies of ${verdicts.map(({ to }) => `${to.resource.kind} '${to.resource.name}'`).join(', ')}`;
        ctx.report({
          span: ref.workloadSpan,
          message: `Traffic to Service '${service.resource.namespace}/${service.resource.name}:${port.port}' is denied by ${side} (${policies.map((p) => p.resource.name).join(', ')}).`,
          related: policies.map((p) => ({
            resource: p.resource,
            message: 'isolates these pods without allowing this flow',
          })),
        });
      }
    },
  },
});

/**
 * Ingress backends the ingress controller cannot reach. The controller's pods are the workloads in
 * the namespaces of the ingressControllerNamespaces setting, or controllers recognised in the
 * workspace (ingress-nginx and the like: app.kubernetes.io/component=controller with an ingress name).
 */
function checkIngress(ctx: RuleContext, ingress: Ingress) {
  const controllers = ctx.graph.ingressControllers(ctx.config.ingressControllerNamespaces);
  if (controllers.length === 0) return;
  for (const target of ctx.graph.backendTargets(ingress)) {
    const { service, port } = target.ports[0] ?? {};
    if (!service?.selector || !port) continue;
    const destinations = ctx.graph.workloadsSelectedBy(service).filter((w) => !w.rejected); // rejected ones never run
    const verdicts = destinations.flatMap((to) => {
      const landing = landingPort(ctx.graph.resolveServicePort(port, to));
      if (landing === undefined) return [];
      return controllers.map((from) =>
        decide(ctx.graph, { from, to, port: landing, protocol: port.protocol }, policiesKeptWith(from, to)),
      );
    });
    if (verdicts.length === 0 || verdicts.some((v) => v.allowed)) continue;
    const policies = new Map<string, RelatedRef>();
    for (const v of verdicts)
      for (const p of [
        ...(v.egress.allowed ? [] : v.egress.policies),
        ...(v.ingress.allowed ? [] : v.ingress.policies),
      ])
        policies.set(p.resource.key, { resource: p.resource, message: 'denies the ingress controller' });
    ctx.report({
      span: target.backend.serviceNameSpan,
      message: `The ingress controller cannot reach Service '${service.resource.name}:${port.port}': denied by ${[...policies.values()].map((p) => p.resource.name).join(', ')}.`,
      related: [...policies.values()],
    });
  }
}
