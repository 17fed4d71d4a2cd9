// Shared by the DNS rules: the Service addresses a pod template resolves through the cluster DNS.
import type { TrafficGraph } from '../graph';
import type { ServiceReference } from '../model/references';
import type { Workload } from '../model/workload';

/** References that need the cluster DNS: unambiguous cluster names, or short names of Services the workspace defines. */
export function clusterDnsReferences(graph: TrafficGraph, workload: Workload): ServiceReference[] {
  return graph
    .serviceReferences(workload)
    .filter((r) => r.clusterDns || graph.servicesNamed(r.namespace, r.service).length > 0);
}
