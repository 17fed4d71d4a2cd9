// Rule: service-target-port-unmatched
// A numeric targetPort that no container of the selected pods declares. kube-proxy still forwards
// to that number, so the port may work if the process listens anyway; but when every selected
// template declares its ports and none is this one, the port is almost always a mistake.
// containerPort is informational in the API, so a template that declares no ports is never judged,
// and neither is a template that some Service reaches on a declared port: it then declares only a
// subset of what it listens on (jaeger, collectors, echo servers and SPIRE do), so the rest is unknowable.
import type { TrafficGraph } from '../graph';
import type { Workload } from '../model/workload';
import { defineRule } from './rule';
import { describeDeclaredPorts, describeWorkloads, servicePortOutcomes } from './service-ports';

export default defineRule({
  id: 'service-target-port-unmatched',
  severity: 'warning',
  description: 'A numeric targetPort is not declared by any container of the selected pods.',
  remediation: 'Set targetPort to the containerPort the application listens on (or name the port and target the name).',
  kinds: ['Service'],
  check(ctx, resource) {
    const service = ctx.graph.service(resource);
    if (!service) return;
    for (const { port, resolutions } of servicePortOutcomes(ctx.graph, service)) {
      if (typeof port.targetPort !== 'number') continue;
      // Every template must declare ports, none may serve this one in any protocol, and no Service
      // may reach any of them on a declared port.
      if (!resolutions.every((r) => r.status === 'undeclared' && !servesADeclaredPort(ctx.graph, r.workload))) continue;
      const workloads = resolutions.map((r) => r.workload);
      const what = port.targetPortExplicit ? `targetPort ${port.targetPort}` : `Port ${port.port} (targetPort defaults to it)`;
      ctx.report({
        span: port.targetPortSpan,
        message: `${what} is not declared by any container of ${describeWorkloads(workloads)}, which declare${workloads.length === 1 ? 's' : ''} ${describeDeclaredPorts(workloads)}.`,
        related: workloads.map((w) => ({ resource: w.resource, message: `selected by Service ${resource.name}; declares ${describeDeclaredPorts([w])}` })),
      });
    }
  },
});

function servesADeclaredPort(graph: TrafficGraph, workload: Workload): boolean {
  return graph.servicesSelecting(workload).some((s) => s.ports.some((p) => graph.resolveServicePort(p, workload).status === 'resolved'));
}
