// Shared by the Istio rules: what a VirtualService destination host resolves to, as Istio's
// service registry sees it from the namespaces the VirtualService is exported to.
import type { TrafficGraph } from '../graph';
import {
  clusterService,
  hostsCovering,
  istioIndex,
  visibleIn,
  type IstioDestination,
  type IstioIndex,
  type VirtualServiceView,
} from '../model/istio';
import type { Service } from '../model/service';

export interface ResolvedDestination {
  /** Registry entries (Services, ServiceEntry hosts) whose host covers the destination. */
  readonly matches: IstioIndex['hosts'];
  /** The namespaces the VirtualService is exported to that cannot see any of them. */
  readonly blindNamespaces: readonly string[];
  /** The Kubernetes Services the host names, when it is a cluster name and visible. */
  readonly services: readonly Service[];
}

/** The namespaces a VirtualService is exported to ('*' for all), as the analyzer checks them. */
export function exportedNamespaces(vs: VirtualServiceView): string[] {
  if (vs.exportTo.length === 0) return [vs.namespace];
  return vs.exportTo.map((e) => (e === '.' ? vs.namespace : e));
}

function visibleTo(entry: IstioIndex['hosts'][number], ns: string): boolean {
  return ns === '*'
    ? entry.exportTo.length === 0 || entry.exportTo.includes('*')
    : visibleIn(entry.exportTo, entry.owner, ns);
}

export function resolveDestination(
  graph: TrafficGraph,
  vs: VirtualServiceView,
  d: IstioDestination,
): ResolvedDestination {
  const index = istioIndex(graph.resources);
  const svc = clusterService(d.fqdn);
  // The registry holds the Services operators make too (model/producers.ts), exported everywhere.
  const made = svc
    ? graph
        .servicesNamed(svc.namespace, svc.name)
        .filter((s) => s.producer !== undefined)
        .map((s) => ({ host: d.fqdn, owner: svc.namespace, exportTo: [], resource: s.resource }))
    : [];
  const matches: IstioIndex['hosts'] = [...hostsCovering(index, d.fqdn), ...made];
  const namespaces = exportedNamespaces(vs);
  // A match hidden by exportTo counts as "not exported" when it names the host exactly; a hidden
  // wildcard (a ServiceEntry for "*" kept to its namespace) is no match at all.
  const hidden = namespaces.filter((ns) => !matches.some((m) => visibleTo(m, ns)));
  const exact = matches.some((m) => m.host === d.fqdn);
  const blindNamespaces = matches.length > 0 && exact ? hidden : [];
  if (hidden.length > 0 && !exact) return { matches: [], blindNamespaces: [], services: [] };
  const services = svc && blindNamespaces.length === 0 ? graph.servicesNamed(svc.namespace, svc.name) : [];
  return { matches, blindNamespaces, services };
}
