// The traffic map: nodes, edges and end-to-end traffic paths computed from the graph, as plain data
// for the CLI's `graph` formats and the editor's traffic map. A path runs from an entry (Ingress
// host/path, LoadBalancer, NodePort on every node, a Gateway API or Istio route, or the in-cluster
// DNS name) through a Service port to each selected workload and the container port that receives
// the traffic.
import type { Analysis } from './analysis';
import { originFile } from './origin';
import type { PortResolution, TrafficGraph } from './graph';
import type { IngressPath } from './model/ingress';
import type { Resource } from './model/resource';
import { isServiceBackend, type Route } from './model/gateway';
import { decide, policiesKeptWith, serviceFlowVerdicts, summarizeVerdicts, type Verdict } from './reachability';
import { clusterService, istioIndex, readVirtualService, type VirtualServiceView } from './model/istio';
import { selectorMatchesLabels, type Selector } from './selectors';
import type { Service, ServicePort } from './model/service';
import { landingPort, servicePortFor } from './servicePorts';
import type { Workload } from './model/workload';
import { getPath, seqItems, stringValue } from './tree';

export type MapNodeKind =
  'Ingress' | 'Route' | 'LoadBalancer' | 'NodePort' | 'Service' | 'Workload' | 'ContainerPort' | 'Missing';

export interface MapNode {
  /** Stable across edits: `Kind/namespace/name`, with a `#...` or `:port` suffix for parts of a resource. */
  readonly id: string;
  readonly kind: MapNodeKind;
  readonly label: string;
  readonly namespace: string | undefined;
  /** The resource this node stands for (`Kind/namespace/name`), when there is one. */
  readonly resource: string | undefined;
  readonly file: string | undefined;
  /**
   * 1-based line of the resource (or the part) in its file. A Missing Service's file and line are
   * those of the first reference to it (the Ingress backend or route backendRef).
   */
  readonly line: number | undefined;
  /** A workload no Service selects: it receives no Service traffic (drawn dimmed). */
  readonly unselected?: boolean;
}

export type MapEdgeKind = 'routes' | 'exposes' | 'selects' | 'targets' | 'calls';

/**
 * What NetworkPolicies decide about the traffic of an edge, when a policy isolates either end:
 * denied with the policies that isolate without allowing it, or allowed with those that allow it.
 * Absent when no policy applies (all traffic allowed) or the source pods are unknown.
 */
export interface PolicyVerdict {
  readonly verdict: 'allowed' | 'denied';
  readonly policies: readonly { readonly id: string; readonly name: string }[];
}

export interface MapEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: MapEdgeKind;
  readonly label: string;
  readonly broken: boolean;
  readonly reason: string | undefined;
  readonly policy?: PolicyVerdict;
}

export interface PathHop {
  readonly node: string;
  readonly label: string;
}

export interface TrafficPath {
  readonly namespace: string;
  readonly entry: string;
  readonly hops: readonly PathHop[];
  /** Why the path does not deliver traffic, when it does not. */
  readonly broken: string | undefined;
}

export interface TrafficMap {
  readonly version: 1;
  readonly nodes: readonly MapNode[];
  readonly edges: readonly MapEdge[];
  readonly paths: readonly TrafficPath[];
}

export interface TrafficMapOptions {
  /** Where the ingress controller's pods run (the ingressControllerNamespaces setting). */
  readonly ingressControllerNamespaces?: readonly string[];
}

export function buildTrafficMap(analysis: Analysis, options: TrafficMapOptions = {}): TrafficMap {
  return new TrafficMapBuilder(analysis, options).build();
}

/** A policy verdict summary from the flow verdicts of one edge (undefined when nothing isolates). */
function policyVerdict(verdicts: readonly Verdict[]): PolicyVerdict | undefined {
  if (!verdicts.some((v) => v.egress.isolated || v.ingress.isolated)) return undefined;
  const { denied, policies } = summarizeVerdicts(verdicts);
  return {
    verdict: denied ? 'denied' : 'allowed',
    policies: policies.map((p) => ({ id: p.resource.id, name: p.resource.name })),
  };
}

/** "3 pods", "one pod per node", or "2-10 pods (HPA)" when an autoscaler owns the count. */
export function describeReplicas(w: Workload, graph: TrafficGraph): string {
  if (w.perNode) return 'one pod per node';
  const hpa = graph.autoscalersOf(w)[0];
  if (hpa) return `${hpa.minReplicas}-${hpa.maxReplicas ?? '?'} pods (HPA)`;
  const n = w.replicas ?? 1;
  return `${n} pod${n === 1 ? '' : 's'}`;
}

/** Order of entries in listings: outside-in (Ingress, load balancer, node port, external IP, DNS). */
function entryRank(entry: string): number {
  if (/^https?:\/\//.test(entry) || entry.endsWith('(default backend)') || entry.startsWith('Gateway ')) return 0;
  if (entry.startsWith('LoadBalancer')) return 1;
  if (entry.startsWith('NodePort')) return 2;
  if (entry.endsWith('(externalIP)')) return 3;
  return 4;
}

function describeResolutionProblem(r: PortResolution, port: ServicePort): string | undefined {
  switch (r.status) {
    case 'name-unresolved':
      return `no container port named '${port.targetPort}'`;
    case 'undeclared':
      return `no container declares port ${port.targetPort}`;
    case 'protocol-mismatch':
      return `container port is ${r.declared?.protocol}, Service port is ${port.protocol}`;
    default:
      return undefined;
  }
}

/** The rules whose findings are port problems the map draws. */
const PORT_RULES = [
  'service-target-port-unmatched',
  'service-target-port-name-unresolved',
  'service-port-protocol-mismatch',
];

class TrafficMapBuilder {
  private readonly nodes = new Map<string, MapNode>();
  private readonly edges = new Map<string, MapEdge>();
  private readonly paths: TrafficPath[] = [];
  private readonly graph: TrafficGraph;
  private readonly ingressControllers: readonly Workload[];
  /** `resource|rule` of every diagnostic: a link is drawn broken only where check reports it. */
  private readonly reported = new Set<string>();

  constructor(
    private readonly analysis: Analysis,
    options: TrafficMapOptions,
  ) {
    for (const d of analysis.diagnostics) if (d.resource) this.reported.add(`${d.resource}|${d.rule}`);
    this.graph = analysis.graph;
    this.ingressControllers = this.graph.ingressControllers(options.ingressControllerNamespaces ?? []);
  }

  build(): TrafficMap {
    const services = uniqueById(this.graph.services, (s) => s.resource);
    for (const service of services) this.addService(service);
    for (const ingress of uniqueById(this.graph.ingresses, (i) => i.resource)) {
      for (const target of this.graph.backendTargets(ingress))
        this.addIngressBackend(ingress.resource, target.path, target);
    }
    for (const route of uniqueById(this.graph.routes, (r) => r.resource)) this.addRoute(route);
    const virtualServices = this.graph.resources.filter((r) => r.kind === 'VirtualService').map(readVirtualService);
    for (const vs of uniqueById(
      virtualServices.filter((v): v is VirtualServiceView => v !== undefined),
      (v) => v.resource,
    ))
      this.addVirtualService(vs);
    const workloads = uniqueById(this.graph.workloads, (x) => x.resource);
    for (const w of workloads) this.addReferences(w);
    // Workloads no Service selects still run pods: drawn (dimmed) so that the map shows every workload.
    for (const w of workloads)
      if (!this.nodes.has(w.resource.id) && this.graph.servicesSelecting(w).length === 0) this.workloadNode(w, true);
    const nodes = [...this.nodes.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const edges = [...this.edges.values()].sort((a, b) => (a.from + a.to < b.from + b.to ? -1 : 1));
    const paths = this.paths.sort(
      (a, b) =>
        a.namespace.localeCompare(b.namespace) ||
        entryRank(a.entry) - entryRank(b.entry) ||
        a.entry.localeCompare(b.entry),
    );
    return { version: 1, nodes, edges, paths };
  }

  private line(r: Resource, offset = r.span.start): number | undefined {
    // A node a kustomize patch added lies in the patch file; the map points at the resource.
    if (originFile(offset, r.origins) !== undefined) offset = r.span.start;
    const lines = this.analysis.workspace.files.get(r.file)?.lines;
    return lines ? lines.position(offset).line + 1 : undefined;
  }

  private addNode(node: MapNode) {
    if (!this.nodes.has(node.id)) this.nodes.set(node.id, node);
  }

  private addEdge(edge: MapEdge) {
    const key = `${edge.from}\u0000${edge.to}\u0000${edge.label}`;
    if (!this.edges.has(key)) this.edges.set(key, edge);
  }

  private resourceNode(r: Resource, kind: MapNodeKind, label: string): string {
    // An operator-made object is shown as such, located at the custom resource that makes it.
    const made = r.producedBy ? ` (made by ${r.producedBy.kind} ${r.producedBy.name})` : '';
    this.addNode({
      id: r.id,
      kind,
      label: `${label}${made}`,
      namespace: r.namespace,
      resource: r.id,
      file: r.file,
      line: this.line(r),
    });
    return r.id;
  }

  private workloadNode(w: Workload, unselected = false): string {
    const r = w.resource;
    const label = `${r.kind} ${r.name} (${describeReplicas(w, this.graph)})`;
    if (unselected)
      this.addNode({
        id: r.id,
        kind: 'Workload',
        label,
        namespace: r.namespace,
        resource: r.id,
        file: r.file,
        line: this.line(r),
        unselected: true,
      });
    return this.resourceNode(r, 'Workload', label);
  }

  /** The Service with its exposure entries, its selected workloads and the container ports reached. */
  private addService(service: Service) {
    const r = service.resource;
    const ns = r.namespace ?? 'default';
    const typeNote = service.type === 'ClusterIP' ? (service.headless ? ' (headless)' : '') : ` (${service.type})`;
    const serviceId = this.resourceNode(r, 'Service', `${r.name}${typeNote}`);
    const workloads = this.graph.workloadsSelectedBy(service);
    if (service.selector && workloads.length === 0 && !service.producer) {
      // Broken only where check says so; otherwise the pods may come from outside the workspace.
      const broken = this.reported.has(`${r.id}|service-selector-orphaned`);
      const missing = `${serviceId}#no-endpoints`;
      this.addNode({
        id: missing,
        kind: 'Missing',
        label: broken ? 'no matching pods' : 'pods not in the workspace',
        namespace: ns,
        resource: undefined,
        file: r.file,
        line: this.line(r),
      });
      this.addEdge({
        from: serviceId,
        to: missing,
        kind: 'selects',
        label: 'selector',
        broken,
        reason: broken
          ? 'the selector matches no pod template'
          : 'no pod template here matches; the pods may be created elsewhere',
      });
    }
    for (const port of service.ports) {
      const entries: { id: string | undefined; label: string }[] = [];
      if (service.type === 'LoadBalancer')
        entries.push(this.exposure(service, 'LoadBalancer', `LoadBalancer :${port.port}`, `${port.port}`));
      if ((service.type === 'NodePort' || service.type === 'LoadBalancer') && port.nodePort !== undefined) {
        entries.push(
          this.exposure(
            service,
            'NodePort',
            `NodePort :${port.nodePort} on every node`,
            `${port.nodePort} -> ${port.port}`,
          ),
        );
      } else if (service.type === 'NodePort') {
        entries.push(this.exposure(service, 'NodePort', 'NodePort (allocated) on every node', `-> ${port.port}`));
      }
      for (const ip of service.externalIPs) entries.push({ id: undefined, label: `${ip}:${port.port} (externalIP)` });
      if (service.type !== 'ExternalName')
        entries.push({ id: undefined, label: `${r.name}.${ns}.svc.cluster.local:${port.port}` });
      for (const entry of entries)
        this.addPath(ns, entry.label, entry.id ? [{ node: entry.id, label: entry.label }] : [], service, port);
      for (const w of workloads) this.addPortEdges(service, port, w);
    }
  }

  private exposure(
    service: Service,
    kind: 'LoadBalancer' | 'NodePort',
    label: string,
    edgeLabel: string,
  ): { id: string; label: string } {
    const r = service.resource;
    const id = `${kind}/${r.namespace}/${r.name}`;
    this.addNode({
      id,
      kind,
      label: kind === 'LoadBalancer' ? 'LoadBalancer' : 'NodePort (every node)',
      namespace: r.namespace,
      resource: r.id,
      file: r.file,
      line: this.line(r),
    });
    this.addEdge({ from: id, to: r.id, kind: 'exposes', label: edgeLabel, broken: false, reason: undefined });
    return { id, label };
  }

  private containerPortNode(w: Workload, resolution: PortResolution, port: ServicePort): string {
    const r = w.resource;
    const number = resolution.containerPort ?? port.targetPort;
    const id = `${r.id}:${number}`;
    const name = resolution.declared?.name ? ` (${resolution.declared.name})` : '';
    const container = resolution.container ? `${resolution.container.name}:` : '';
    const line = resolution.declared ? this.line(r, resolution.declared.span.start) : this.line(r);
    this.addNode({
      id,
      kind: 'ContainerPort',
      label: `${container}${number}${name}`,
      namespace: r.namespace,
      resource: r.id,
      file: r.file,
      line,
    });
    return id;
  }

  private addPortEdges(service: Service, port: ServicePort, w: Workload) {
    const workloadId = this.workloadNode(w);
    const resolution = this.graph.resolveServicePort(port, w);
    const problem = this.reportedProblem(service, resolution, port);
    this.addEdge({
      from: service.resource.id,
      to: workloadId,
      kind: 'selects',
      label: `${port.port} -> ${port.targetPort}`,
      broken: problem !== undefined,
      reason: problem,
    });
    const target = this.containerPortNode(w, resolution, port);
    this.addEdge({
      from: workloadId,
      to: target,
      kind: 'targets',
      label: `${port.protocol}`,
      broken: problem !== undefined,
      reason: problem,
    });
  }

  /**
   * Istio VirtualServices: each http/tcp/tls route as an entry (its gateways and hosts) to weighted
   * destinations; a subset keeps the pods that carry its DestinationRule labels.
   */
  private addVirtualService(vs: VirtualServiceView) {
    const r = vs.resource;
    const hosts = seqHosts(r);
    const gateways = vs.gateways.map((g) => g.name).filter((g) => g !== 'mesh');
    const label = `${gateways.length ? `Gateway ${gateways.join(', ')} ` : ''}${hosts}`;
    const entryId = `${r.id}#routes`;
    this.addNode({
      id: entryId,
      kind: 'Route',
      label: `VirtualService ${r.name}: ${hosts}`,
      namespace: vs.namespace,
      resource: r.id,
      file: r.file,
      line: this.line(r),
    });
    const index = istioIndex(this.graph.resources);
    for (const d of vs.destinations) {
      const svc = clusterService(d.fqdn);
      const copies = svc ? this.graph.servicesNamed(svc.namespace, svc.name) : [];
      if (copies.length === 0) continue;
      const { service, port } = preferredCopy(this.graph, portsOf(copies, d.port), r);
      const subset =
        d.subset !== undefined
          ? index.destinationRules.find((dr) => dr.fqdn === d.fqdn && dr.subsets.has(d.subset!))?.subsets.get(d.subset)
          : undefined;
      const note =
        d.subset !== undefined || d.weight !== undefined
          ? ` (${[d.subset !== undefined ? `subset ${d.subset}` : '', d.weight !== undefined ? `${d.weight}%` : ''].filter(Boolean).join(', ')})`
          : '';
      const reason = port
        ? undefined
        : d.port !== undefined
          ? `Service '${service.resource.name}' has no port ${d.port}`
          : `Service '${service.resource.name}' has several ports and none is given`;
      this.addEdge({
        from: entryId,
        to: service.resource.id,
        kind: 'routes',
        label: `:${port?.port ?? d.port ?? '?'}${note}`,
        broken: reason !== undefined,
        reason,
      });
      const entry = `${label}${note}`;
      if (port)
        this.addPath(
          vs.namespace,
          entry,
          [{ node: entryId, label: entry }],
          service,
          port,
          undefined,
          subset && labelSelector(subset),
        );
      else
        this.paths.push({
          namespace: vs.namespace,
          entry,
          hops: [
            { node: entryId, label: entry },
            { node: service.resource.id, label: `Service ${service.resource.name}` },
          ],
          broken: reason,
        });
    }
  }

  /** A port's problem as the map shows it: only one that check reports for the Service. */
  private reportedProblem(service: Service, resolution: PortResolution, port: ServicePort): string | undefined {
    const problem = describeResolutionProblem(resolution, port);
    if (problem === undefined) return undefined;
    const id = service.resource.id;
    return PORT_RULES.some((rule) => this.reported.has(`${id}|${rule}`)) ? problem : undefined;
  }

  private addPath(
    namespace: string,
    entry: string,
    prefix: PathHop[],
    service: Service,
    port: ServicePort,
    brokenBefore?: string,
    subset?: Selector,
  ) {
    const serviceHop = { node: service.resource.id, label: `Service ${service.resource.name}:${port.port}` };
    if (brokenBefore) {
      this.paths.push({ namespace, entry, hops: [...prefix, serviceHop], broken: brokenBefore });
      return;
    }
    if (service.type === 'ExternalName') {
      this.paths.push({
        namespace,
        entry,
        hops: [
          ...prefix,
          serviceHop,
          { node: `dns:${service.externalName}`, label: `CNAME ${service.externalName ?? '?'}` },
        ],
        broken: undefined,
      });
      return;
    }
    if (!service.selector) {
      this.paths.push({
        namespace,
        entry,
        hops: [...prefix, serviceHop, { node: `${service.resource.id}#endpoints`, label: 'manual Endpoints' }],
        broken: undefined,
      });
      return;
    }
    const workloads = this.graph
      .workloadsSelectedBy(service)
      .filter((w) => !subset || selectorMatchesLabels(subset, w.template.labels.declared));
    if (workloads.length === 0 && service.producer) {
      // An operator-made Service whose pods the operator makes from resources not in the workspace.
      this.paths.push({
        namespace,
        entry,
        hops: [
          ...prefix,
          serviceHop,
          { node: `${service.resource.id}#operator-pods`, label: `pods the ${service.producer.operator} runs` },
        ],
        broken: undefined,
      });
      return;
    }
    if (workloads.length === 0) {
      const broken = subset
        ? "the subset selects none of the Service's pod templates"
        : this.reported.has(`${service.resource.id}|service-selector-orphaned`)
          ? 'the selector matches no pod template'
          : undefined;
      this.paths.push({ namespace, entry, hops: [...prefix, serviceHop], broken });
      return;
    }
    for (const w of workloads) {
      const resolution = this.graph.resolveServicePort(port, w);
      const problem = this.reportedProblem(service, resolution, port);
      const workloadHop = {
        node: w.resource.id,
        label: `${w.resource.kind} ${w.resource.name} (${describeReplicas(w, this.graph)})`,
      };
      const number = resolution.containerPort ?? port.targetPort;
      const portHop = {
        node: `${w.resource.id}:${number}`,
        label: `${resolution.container ? `${resolution.container.name}:` : ''}${number}`,
      };
      this.paths.push({ namespace, entry, hops: [...prefix, serviceHop, workloadHop, portHop], broken: problem });
    }
  }

  /** Gateway API routes: each rule as an entry (its Gateway, hostnames and path) to weighted backends. */
  private addRoute(route: Route) {
    const r = route.resource;
    const ns = r.namespace ?? 'default';
    const gateways = route.parentRefs
      .filter((p) => p.kind === 'Gateway')
      .map((p) => `${p.name}${p.sectionName ? `/${p.sectionName}` : ''}`);
    const hosts = route.hostnames.length ? route.hostnames.join(',') : '*';
    route.rules.forEach((rule, i) => {
      const path =
        rule.matches
          .map((m) => m.path)
          .filter(Boolean)
          .join(',') || '/';
      const label = `${gateways.length ? `Gateway ${gateways.join(', ')} ` : ''}${hosts}${path}`;
      const entryId = `${r.id}#rule-${i}`;
      this.addNode({
        id: entryId,
        kind: 'Route',
        label: `${r.kind} ${r.name}: ${hosts}${path}`,
        namespace: ns,
        resource: r.id,
        file: r.file,
        line: this.line(r),
      });
      const total = rule.backendRefs.reduce((n, b) => n + (b.weight ?? 1), 0);
      for (const b of rule.backendRefs) {
        if (!isServiceBackend(b)) continue;
        const weight =
          rule.backendRefs.length > 1 ? ` (${Math.round(((b.weight ?? 1) / Math.max(1, total)) * 100)}%)` : '';
        const services = this.graph.servicesNamed(b.namespace, b.name);
        if (services.length === 0) {
          this.addMissingService(
            { id: entryId, label, namespace: ns },
            r,
            'route-backend-service-missing',
            b.namespace,
            b.name,
            b.nameSpan.start,
            `:${b.port ?? '?'}${weight}`,
          );
          continue;
        }
        const { service, port } = preferredCopy(this.graph, portsOf(services, b.port), r);
        const reason = port ? undefined : `Service '${b.name}' has no port ${b.port ?? '(none given)'}`;
        this.addEdge({
          from: entryId,
          to: service.resource.id,
          kind: 'routes',
          label: `:${b.port ?? '?'}${weight}`,
          broken: reason !== undefined,
          reason,
        });
        if (port) this.addPath(ns, `${label}${weight}`, [{ node: entryId, label: `${label}${weight}` }], service, port);
        else
          this.paths.push({
            namespace: ns,
            entry: label,
            hops: [
              { node: entryId, label },
              { node: service.resource.id, label: `Service ${b.name}` },
            ],
            broken: reason,
          });
      }
    });
  }

  /** East-west: a workload that is given a Service's address calls that Service. */
  private addReferences(w: Workload) {
    const seen = new Set<string>();
    for (const ref of this.graph.serviceReferences(w)) {
      const service = this.graph.servicesNamed(ref.namespace, ref.service)[0];
      if (!service) continue;
      const key = `${service.resource.id}:${ref.port ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      this.workloadNode(w);
      const policy = this.callPolicy(w, service, ref.port);
      const denied =
        policy?.verdict === 'denied'
          ? `denied by NetworkPolicy ${policy.policies.map((p) => p.name).join(', ')}`
          : undefined;
      this.addEdge({
        from: w.resource.id,
        to: service.resource.id,
        kind: 'calls',
        label: ref.port !== undefined ? `:${ref.port}` : '',
        broken: denied !== undefined,
        reason: denied,
        ...(policy ? { policy } : {}),
      });
    }
  }

  /** What NetworkPolicies decide about a workload's calls to a Service (denied when every destination is). */
  private callPolicy(from: Workload, service: Service, portNumber: number | undefined): PolicyVerdict | undefined {
    const port = servicePortFor(service, portNumber);
    if (!port) return undefined;
    return policyVerdict(serviceFlowVerdicts(this.graph, from, service, port).map((v) => v.verdict));
  }

  /** What NetworkPolicies decide about the ingress controller's traffic to a backend (known controllers only). */
  private ingressPolicy(service: Service, port: ServicePort): PolicyVerdict | undefined {
    if (this.ingressControllers.length === 0 || !service.selector) return undefined;
    const verdicts = this.graph.workloadsSelectedBy(service).flatMap((to) => {
      const landing = landingPort(this.graph.resolveServicePort(port, to));
      if (landing === undefined) return [];
      return this.ingressControllers.map((from) =>
        decide(this.graph, { from, to, port: landing, protocol: port.protocol }, policiesKeptWith(from, to)),
      );
    });
    return policyVerdict(verdicts);
  }

  /**
   * A backend naming a Service the workspace does not define: a node that points at the reference,
   * drawn broken only where check reports it (the rule given); otherwise the Service may come from
   * outside the workspace.
   */
  private addMissingService(
    entry: { readonly id: string; readonly label: string; readonly namespace: string },
    owner: Resource,
    rule: string,
    namespace: string,
    name: string,
    nameOffset: number,
    edgeLabel: string,
  ) {
    const missingId = `Service/${namespace}/${name}`;
    const broken = this.reported.has(`${owner.id}|${rule}`);
    const reason = broken
      ? `no Service '${name}' in namespace '${namespace}'`
      : `Service '${name}' is not in the workspace`;
    this.addNode({
      id: missingId,
      kind: 'Missing',
      label: `${name} (${broken ? 'missing Service' : 'not in the workspace'})`,
      namespace,
      resource: undefined,
      file: owner.file,
      line: this.line(owner, nameOffset),
    });
    this.addEdge({ from: entry.id, to: missingId, kind: 'routes', label: edgeLabel, broken, reason });
    this.paths.push({
      namespace: entry.namespace,
      entry: entry.label,
      hops: [
        { node: entry.id, label: entry.label },
        { node: missingId, label: `Service ${name}` },
      ],
      broken: broken ? reason : undefined,
    });
  }

  private addIngressBackend(
    ingress: Resource,
    path: IngressPath | undefined,
    target: ReturnType<TrafficGraph['backendTargets']>[number],
  ) {
    const ns = ingress.namespace ?? 'default';
    const host = path?.host ?? '*';
    const tls = this.graph.ingress(ingress)?.tlsHosts.includes(host) ? 'https' : 'http';
    const where = path ? `${tls}://${host}${path.path ?? '/'}` : `${ingress.name} (default backend)`;
    const entryId = `${ingress.id}#${path ? `${host}${path.path ?? '/'}` : 'default'}`;
    this.addNode({
      id: entryId,
      kind: 'Ingress',
      label: where,
      namespace: ns,
      resource: ingress.id,
      file: ingress.file,
      line: this.line(ingress, target.backend.span.start),
    });
    const portText = target.backend.port === undefined ? '' : `:${target.backend.port}`;
    if (target.services.length === 0) {
      const name = target.backend.serviceName;
      this.addMissingService(
        { id: entryId, label: where, namespace: ns },
        ingress,
        'ingress-backend-service-missing',
        ns,
        name,
        target.backend.serviceNameSpan.start,
        portText,
      );
      return;
    }
    const { service, port } = preferredCopy(this.graph, target.ports, ingress);
    const reason = port
      ? undefined
      : `Service '${service.resource.name}' has no port ${target.backend.port ?? '(none given)'}`;
    const policy = port ? this.ingressPolicy(service, port) : undefined;
    this.addEdge({
      from: entryId,
      to: service.resource.id,
      kind: 'routes',
      label: portText,
      broken: reason !== undefined,
      reason,
      ...(policy ? { policy } : {}),
    });
    if (port) this.addPath(ns, where, [{ node: entryId, label: where }], service, port);
    else
      this.paths.push({
        namespace: ns,
        entry: where,
        hops: [
          { node: entryId, label: where },
          { node: service.resource.id, label: `Service ${service.resource.name}${portText}` },
        ],
        broken: reason,
      });
  }
}

/** Each copy of a Service with its port that a reference names (undefined: it has none). */
function portsOf(copies: readonly Service[], wanted: number | string | undefined): ServiceCopyPort[] {
  return copies.map((service) => ({ service, port: servicePortFor(service, wanted) }));
}

interface ServiceCopyPort {
  readonly service: Service;
  readonly port: ServicePort | undefined;
}

/**
 * Of the definitions of one Service (variants of an app kept side by side), the one a reference
 * takes: the copy applied with the referring resource that has the port, else the copy applied
 * with it, else one that has the port, else the first. The map draws one path per reference.
 */
function preferredCopy(graph: TrafficGraph, copies: readonly ServiceCopyPort[], referrer: Resource): ServiceCopyPort {
  const together = copies.filter((c) => graph.appliedTogether(c.service.resource, referrer));
  const served = (c: ServiceCopyPort) => c.port !== undefined;
  return together.find(served) ?? together[0] ?? copies.find(served) ?? copies[0];
}

function seqHosts(r: Resource): string {
  const hosts = seqItems(getPath(r.node, 'spec', 'hosts'))
    .map(stringValue)
    .filter((h): h is string => !!h);
  return hosts.length ? hosts.join(',') : '*';
}

/** A subset's labels as an equality selector. */
function labelSelector(labels: Readonly<Record<string, string>>): Selector {
  const span = { start: 0, end: 0 };
  return {
    terms: Object.entries(labels).map(([key, value]) => ({
      key,
      operator: 'Equals' as const,
      values: [value],
      span,
      valueSpan: undefined,
    })),
    span,
    invalid: false,
  };
}

function uniqueById<T>(items: readonly T[], resourceOf: (t: T) => Resource): T[] {
  const seen = new Set<string>();
  return items.filter((t) => {
    const id = resourceOf(t).id;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
