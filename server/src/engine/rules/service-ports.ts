// Shared reading of a Service's ports against the pod templates it selects, for the three port
// rules: each reports one outcome, so a port problem is reported once, by the rule that explains it.
import type { PortResolution, TrafficGraph } from '../graph';
import type { Service, ServicePort } from '../model/service';
import type { Workload } from '../model/workload';

export interface PortOutcome {
  readonly port: ServicePort;
  readonly resolutions: readonly PortResolution[];
}

/**
 * Per Service port, where it lands in each selected template; empty when the Service selects
 * nothing, or selects a template its kustomize build patches in a way not reproduced (a patch that
 * does not apply, one that cannot be read): its ports and arguments are not known.
 */
export function servicePortOutcomes(graph: TrafficGraph, service: Service): PortOutcome[] {
  const workloads = graph.workloadsSelectedBy(service);
  if (!service.selector || workloads.length === 0 || workloads.some((w) => w.resource.uncertain)) return [];
  return service.ports.map((port) => ({ port, resolutions: workloads.map((w) => graph.resolveServicePort(port, w)) }));
}

export function describeWorkloads(workloads: readonly Workload[]): string {
  const names = workloads.map((w) => `${w.resource.kind} '${w.resource.name}'`);
  return names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
}

/** "8080/TCP (http), 8009/TCP (ajp)" over the distinct ports the templates declare. */
export function describeDeclaredPorts(workloads: readonly Workload[]): string {
  const seen = new Set<string>();
  for (const w of workloads) {
    for (const c of w.template.containers) {
      for (const p of c.ports) seen.add(`${p.containerPort}/${p.protocol}${p.name ? ` (${p.name})` : ''}`);
    }
  }
  return [...seen].join(', ') || 'none';
}
