// Rule: service-target-port-unmatched
// A numeric targetPort that no container of the selected pods declares. kube-proxy still forwards
// to that number, so the port may work if the process listens anyway; but when every selected
// template declares its ports and none is this one, the port is almost always a mistake.
// containerPort is informational in the API, so a template that declares no ports is never judged,
// and neither is a template that some Service reaches on a declared port: it then declares only a
// subset of what it listens on (jaeger, collectors, echo servers and SPIRE do), so the rest is unknowable.
// Each port of a multi-port Service is judged on its own evidence, though: a port whose name is a
// container port's name with another number (`http` -> 8000 while the container's `http` is 8080),
// or whose number is a declared port with two adjacent digits swapped (a typo; a digit added or
// changed is not evidence: 18080 beside 8080 and 8443 beside 9443 are real, distinct ports),
// is reported even when the Service's other ports reach declared ports.
import type { Service, ServicePort } from '../model/service';
import type { Workload } from '../model/workload';
import { reachedOnDeclaredPort } from '../servicePorts';
import { defineRule } from './rule';
import { describeDeclaredPorts, describeWorkloads, servicePortOutcomes } from './service-ports';

export default defineRule({
  id: 'service-target-port-unmatched',
  severity: 'warning',
  description: 'A numeric targetPort is not declared by any container of the selected pods.',
  remediation: 'Set targetPort to the containerPort the application listens on (or name the port and target the name).',
  check: {
    service(ctx, service) {
      const resource = service.resource;
      for (const { port, resolutions } of servicePortOutcomes(ctx.graph, service)) {
        if (typeof port.targetPort !== 'number') continue;
        // Every template must declare ports, none may serve this one in any protocol, and no Service
        // may reach any of them on a declared port.
        if (!resolutions.every((r) => r.status === 'undeclared')) continue;
        const evidence = likelyMeant(
          service,
          port,
          resolutions.map((r) => r.workload),
        );
        if (!evidence && resolutions.some((r) => reachedOnDeclaredPort(ctx.graph, r.workload))) continue;
        const workloads = resolutions.map((r) => r.workload);
        const what = port.targetPortExplicit
          ? `targetPort ${port.targetPort}`
          : `Port ${port.port} (targetPort defaults to it)`;
        ctx.report({
          span: port.targetPortSpan,
          message: `${what} is not declared by any container of ${describeWorkloads(workloads)}, which declare${workloads.length === 1 ? 's' : ''} ${describeDeclaredPorts(workloads)}.${evidence ?? ''}`,
          related: workloads.map((w) => ({
            resource: w.resource,
            message: `selected by Service ${resource.name}; declares ${describeDeclaredPorts([w])}`,
          })),
        });
      }
    },
  },
});

/** What the port likely meant, from its name or swapped digits, among ports no other port of the Service targets. */
function likelyMeant(service: Service, port: ServicePort, workloads: readonly Workload[]): string | undefined {
  const declared = workloads
    .flatMap((w) => w.template.containers.flatMap((c) => c.ports))
    .filter((p) => p.protocol === port.protocol);
  if (port.name) {
    const named = declared.find((p) => p.name === port.name && p.containerPort !== port.targetPort);
    if (named)
      return ` The Service port is named '${port.name}', and the container port '${port.name}' is ${named.containerPort}.`;
  }
  const targeted = new Set(service.ports.filter((p) => p !== port).map((p) => p.targetPort));
  const written = String(port.targetPort);
  const near = declared.find(
    (p) =>
      !targeted.has(p.containerPort) &&
      !(p.name !== undefined && targeted.has(p.name)) &&
      isTransposition(String(p.containerPort), written),
  );
  return near ? ` Did you mean ${near.containerPort}${near.name ? ` (${near.name})` : ''}?` : undefined;
}

function isTransposition(a: string, b: string): boolean {
  if (a.length !== b.length || a === b) return false;
  const diff = [...a].flatMap((c, i) => (c === b[i] ? [] : [i]));
  return diff.length === 2 && diff[1] === diff[0] + 1 && a[diff[0]] === b[diff[1]] && a[diff[1]] === b[diff[0]];
}
