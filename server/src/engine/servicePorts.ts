// Service ports read one way for rules, the traffic map and the editor's hovers, so that a hover
// never shows another port than the finding means: the Service port a reference means
// (model/service.ts servicePortFor), the container port a Service port's traffic reaches in a
// selected pod template, and whether a template is reached on a port it declares.
import type { PortResolution, TrafficGraph } from './graph';
import type { Service, ServicePort } from './model/service';
import type { Workload } from './model/workload';

export { servicePortFor } from './model/service';

/**
 * The container port a Service port's traffic is served on in one template, as policies and paths
 * judge it (graph.resolveServicePort, the endpoints controller's FindPort: a named targetPort is the
 * port of that name and protocol in the pod; a number is forwarded as written). Undefined when the
 * port has no endpoints there (a name no container declares, or declares with another protocol),
 * is unknown (a placeholder), or is a number the template does not declare while it declares others
 * or declares with another protocol: nothing is known to listen there (service-target-port-unmatched,
 * service-port-protocol-mismatch), so no verdict is drawn on it.
 */
export function landingPort(resolution: PortResolution): number | undefined {
  return resolution.status === 'resolved' || resolution.status === 'assumed' ? resolution.containerPort : undefined;
}

/**
 * Whether some Service reaches this template on a port one of its containers declares (with that
 * protocol): its declared ports are then known to be served, so a port that is not declared is not
 * evidence that the template declares nothing it listens on.
 */
export function reachedOnDeclaredPort(graph: TrafficGraph, workload: Workload): boolean {
  return graph
    .servicesSelecting(workload)
    .some((s) => s.ports.some((p) => graph.resolveServicePort(p, workload).status === 'resolved'));
}

/**
 * The Service ports whose traffic reaches container port `containerPort` (a written targetPort,
 * or where the port lands in a selected template): what a reference that names the container's
 * port instead of the Service's meant.
 */
export function servicePortsReaching(graph: TrafficGraph, service: Service, containerPort: number): ServicePort[] {
  const workloads = graph.workloadsSelectedBy(service);
  return service.ports.filter(
    (p) =>
      p.targetPort === containerPort ||
      workloads.some((w) => landingPort(graph.resolveServicePort(p, w)) === containerPort),
  );
}
