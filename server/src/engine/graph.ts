// The traffic graph: typed views of every resource instance, indexes by namespace and name, and the
// questions rules and queries ask (what a Service selects, where a port lands, what routes to a
// Service). Built once per analysis (in steps: TrafficGraph.steps), or derived from the previous
// analysis's graph when the load says which instances were removed and added: the new graph shares
// the previous one's index maps and layers the changed keys over them, so a one-document edit
// costs a few index entries instead of 20,000. All lookups are index hits, not scans of the workspace.
import { pushAll } from './arrays';
import { Overlay, runToEnd, type Defined, type ResourceChange } from './incremental';
import { hasPlaceholder } from './placeholders';
import { readAutoscaler, type Autoscaler } from './model/autoscaler';
import { readDisruptionBudget, type DisruptionBudget } from './model/disruptionBudget';
import { readEndpoints, type ManualEndpoints } from './model/endpoints';
import { readAttachmentDefinition, type AttachmentDefinition } from './model/multus';
import { readReferences, type ServiceReference } from './model/references';
import {
  readGateway,
  readReferenceGrant,
  readRoute,
  type Gateway,
  type ReferenceGrant,
  type Route,
} from './model/gateway';
import { allBackends, readIngress, type Ingress, type IngressBackend, type IngressPath } from './model/ingress';
import { readNetworkPolicy, type NetworkPolicy } from './model/networkPolicy';
import { apiGroup, directoryOf, keptTogether, type Resource } from './model/resource';
import { producerClass, readProduced, type ProducedViews } from './model/producers';
import { readService, type Service, type ServicePort } from './model/service';
import { declaresAnyPort, readWorkload, type Container, type ContainerPort, type Workload } from './model/workload';
import { selectorMayMatch, type Selector } from './selectors';
import { INDEX_FROM, LabelIndex } from './labelIndex';

export type PortResolutionStatus =
  | 'resolved' // the port is served by a declared container port
  | 'assumed' // a numeric port the template does not declare while it declares none at all: traffic goes there, unverified
  | 'undeclared' // a numeric port that no container declares, while some declare ports
  | 'name-unresolved' // a named targetPort that no container declares: no endpoints
  | 'protocol-mismatch'; // declared, but with another protocol

export interface PortResolution {
  readonly workload: Workload;
  readonly status: PortResolutionStatus;
  readonly containerPort: number | undefined;
  readonly container: Container | undefined;
  readonly declared: ContainerPort | undefined;
}

export interface BackendTarget {
  readonly ingress: Ingress;
  readonly backend: IngressBackend;
  readonly path: IngressPath | undefined;
  /** Services of that name in the Ingress's namespace (several when variants of an app coexist). */
  readonly services: readonly Service[];
  /** The service ports the backend port picks, per service. */
  readonly ports: readonly { service: Service; port: ServicePort | undefined }[];
}

type TypedView =
  | { kind: 'workload'; view: Workload }
  | { kind: 'service'; view: Service }
  | { kind: 'ingress'; view: Ingress }
  | { kind: 'policy'; view: NetworkPolicy }
  | { kind: 'hpa'; view: Autoscaler }
  | { kind: 'pdb'; view: DisruptionBudget }
  | { kind: 'endpoints'; view: ManualEndpoints }
  | { kind: 'nad'; view: AttachmentDefinition }
  | { kind: 'gateway'; view: Gateway }
  | { kind: 'route'; view: Route }
  | { kind: 'grant'; view: ReferenceGrant }
  | { kind: 'produced'; view: ProducedViews }
  | { kind: 'hidden'; view: Resource }
  | { kind: 'none' };

/** Service references per workload object, with what they were read from (see serviceReferences). */
const referenceCache = new WeakMap<
  Workload,
  { namespacesKey: string; configMaps: [string, string, Resource | undefined][]; refs: ServiceReference[] }
>();

/** Typed views depend only on the resource, so they are read once per resource object. */
const viewCache = new WeakMap<Resource, TypedView>();

/** Readers of the typed views, tried in order; the first that recognises the resource wins. */
const VIEW_READERS: readonly ((r: Resource) => TypedView | undefined)[] = [
  (r) => as('workload', readWorkload(r)),
  (r) => as('service', readService(r)),
  (r) => as('ingress', readIngress(r)),
  (r) => as('policy', readNetworkPolicy(r)),
  (r) => as('hpa', readAutoscaler(r)),
  (r) => as('pdb', readDisruptionBudget(r)),
  (r) => as('endpoints', readEndpoints(r)),
  (r) => as('nad', readAttachmentDefinition(r)),
  (r) => as('gateway', readGateway(r)),
  (r) => as('route', readRoute(r)),
  (r) => as('grant', readReferenceGrant(r)),
  (r) => as('produced', readProduced(r)),
  (r) => as('hidden', producerClass(r) === 'unknown' ? r : undefined),
];

function as<K extends TypedView['kind']>(kind: K, view: unknown): TypedView | undefined {
  return view === undefined ? undefined : ({ kind, view } as TypedView);
}

function typedView(r: Resource): TypedView {
  let v = viewCache.get(r);
  if (v) return v;
  v = { kind: 'none' };
  for (const read of VIEW_READERS) {
    const found = read(r);
    if (found) {
      v = found;
      break;
    }
  }
  viewCache.set(r, v);
  return v;
}

/** Resources the full build of a graph indexes between two yields (TrafficGraph.steps). */
const RESOURCES_PER_STEP = 1024;

/** Everything a graph indexes; a derived graph shares most of it with the graph it came from. */
interface GraphIndexes {
  readonly workloads: readonly Workload[];
  readonly services: readonly Service[];
  readonly ingresses: readonly Ingress[];
  readonly networkPolicies: readonly NetworkPolicy[];
  readonly routes: readonly Route[];
  readonly attachments: readonly AttachmentDefinition[];
  readonly gatewayCount: number;
  readonly namespaces: ReadonlySet<string>;
  /** How many resources name each namespace (in metadata, or as a Namespace object). */
  readonly namespaceCounts: Overlay<string, number>;
  readonly workloadByKey: Overlay<string, Workload>;
  readonly serviceByKey: Overlay<string, Service>;
  readonly ingressByKey: Overlay<string, Ingress>;
  readonly policyByKey: Overlay<string, NetworkPolicy>;
  readonly routeByKey: Overlay<string, Route>;
  readonly workloadsByNamespace: Overlay<string, readonly Workload[]>;
  readonly servicesByName: Overlay<string, readonly Service[]>;
  readonly resourcesById: Overlay<string, readonly Resource[]>;
  readonly autoscalersByTarget: Overlay<string, readonly Autoscaler[]>;
  readonly budgetsByNamespace: Overlay<string, readonly DisruptionBudget[]>;
  readonly endpointsByService: Overlay<string, readonly ManualEndpoints[]>;
  readonly attachmentsByName: Overlay<string, readonly AttachmentDefinition[]>;
  readonly gatewaysByName: Overlay<string, readonly Gateway[]>;
  readonly grantsByNamespace: Overlay<string, readonly ReferenceGrant[]>;
  readonly resourcesByNamespace: Overlay<string, readonly Resource[]>;
  readonly servicesByNamespace: Overlay<string, readonly Service[]>;
  readonly ingressesByNamespace: Overlay<string, readonly Ingress[]>;
  readonly resourcesByDirectory: Overlay<string, readonly Resource[]>;
  readonly resourcesByBuild: Overlay<string, readonly Resource[]>;
  /** Custom resources of kinds nobody describes, which may create pods and Services (model/producers.ts). */
  readonly hiddenProducersByNamespace: Overlay<string, readonly Resource[]>;
  readonly gatewaysByNamespace: Overlay<string, readonly Gateway[]>;
}

type ListIndex =
  | 'workloadsByNamespace'
  | 'servicesByName'
  | 'resourcesById'
  | 'autoscalersByTarget'
  | 'budgetsByNamespace'
  | 'endpointsByService'
  | 'attachmentsByName'
  | 'gatewaysByName'
  | 'grantsByNamespace'
  | 'resourcesByNamespace'
  | 'servicesByNamespace'
  | 'ingressesByNamespace'
  | 'resourcesByDirectory'
  | 'resourcesByBuild'
  | 'hiddenProducersByNamespace'
  | 'gatewaysByNamespace';

/** Calls add for every index entry of one resource (the single definition of what is indexed where). */
function indexEntries(
  r: Resource,
  v: TypedView,
  list: (index: ListIndex, key: string, value: { resource: Resource } | Resource) => void,
  byKey: (
    index: 'workloadByKey' | 'serviceByKey' | 'ingressByKey' | 'policyByKey' | 'routeByKey',
    value: unknown,
  ) => void,
  namespace: (ns: string) => void,
): void {
  if (r.namespace) namespace(r.namespace);
  if (r.kind === 'Namespace') namespace(r.name);
  list('resourcesById', r.id, r);
  list('resourcesByNamespace', r.namespace ?? '', r);
  list('resourcesByDirectory', directoryOf(r.file), r);
  if (r.build !== undefined) list('resourcesByBuild', r.build, r);
  switch (v.kind) {
    case 'workload':
      byKey('workloadByKey', v.view);
      list('workloadsByNamespace', v.view.template.namespace, v.view);
      break;
    case 'service':
      byKey('serviceByKey', v.view);
      list('servicesByName', `${r.namespace}/${r.name}`, v.view);
      list('servicesByNamespace', r.namespace ?? 'default', v.view);
      break;
    case 'ingress':
      byKey('ingressByKey', v.view);
      list('ingressesByNamespace', r.namespace ?? 'default', v.view);
      break;
    case 'policy':
      byKey('policyByKey', v.view);
      break;
    case 'hpa':
      list('autoscalersByTarget', `${r.namespace}/${v.view.targetKind}/${v.view.targetName}`, v.view);
      break;
    case 'pdb':
      list('budgetsByNamespace', r.namespace ?? 'default', v.view);
      break;
    case 'endpoints':
      list('endpointsByService', `${r.namespace}/${v.view.serviceName}`, v.view);
      break;
    case 'gateway':
      list('gatewaysByName', `${r.namespace}/${r.name}`, v.view);
      list('gatewaysByNamespace', r.namespace ?? 'default', v.view);
      break;
    case 'route':
      byKey('routeByKey', v.view);
      break;
    case 'grant':
      list('grantsByNamespace', r.namespace ?? 'default', v.view);
      break;
    case 'nad':
      list('attachmentsByName', `${r.namespace}/${r.name}`, v.view);
      break;
    case 'produced':
      for (const w of v.view.workloads) list('workloadsByNamespace', w.template.namespace, w);
      for (const s of v.view.services) {
        list('servicesByName', `${s.resource.namespace}/${s.resource.name}`, s);
        list('servicesByNamespace', s.resource.namespace ?? 'default', s);
      }
      break;
    case 'hidden':
      list('hiddenProducersByNamespace', r.namespace ?? 'default', r);
      break;
  }
}

/** The instance an index entry belongs to: for an operator-made view, the custom resource that makes it. */
const resourceOf = (v: { resource: Resource } | Resource): Resource => {
  const r = ('resource' in v ? v.resource : v) as Resource;
  return r.producedBy ?? r;
};

/** Builds every index from scratch, yielding every RESOURCES_PER_STEP resources. */
function* buildIndexes(resources: readonly Resource[]): Generator<void, GraphIndexes> {
  const workloads: Workload[] = [];
  const services: Service[] = [];
  const ingresses: Ingress[] = [];
  const policies: NetworkPolicy[] = [];
  const routes: Route[] = [];
  const attachments: AttachmentDefinition[] = [];
  let gatewayCount = 0;
  const namespaces = new Set<string>();
  const namespaceCounts = new Map<string, number>();
  const byKey = {
    workloadByKey: new Map<string, unknown>(),
    serviceByKey: new Map<string, unknown>(),
    ingressByKey: new Map<string, unknown>(),
    policyByKey: new Map<string, unknown>(),
    routeByKey: new Map<string, unknown>(),
  };
  const lists: Record<ListIndex, Map<string, unknown[]>> = {
    workloadsByNamespace: new Map(),
    servicesByName: new Map(),
    resourcesById: new Map(),
    autoscalersByTarget: new Map(),
    budgetsByNamespace: new Map(),
    endpointsByService: new Map(),
    attachmentsByName: new Map(),
    gatewaysByName: new Map(),
    grantsByNamespace: new Map(),
    resourcesByNamespace: new Map(),
    servicesByNamespace: new Map(),
    ingressesByNamespace: new Map(),
    resourcesByDirectory: new Map(),
    resourcesByBuild: new Map(),
    hiddenProducersByNamespace: new Map(),
    gatewaysByNamespace: new Map(),
  };
  let step = 0;
  for (const r of resources) {
    if (++step % RESOURCES_PER_STEP === 0) yield;
    const v = typedView(r);
    indexEntries(
      r,
      v,
      (index, key, value) => push(lists[index], key, value),
      (index, value) => byKey[index].set(r.key, value),
      (ns) => {
        namespaces.add(ns);
        namespaceCounts.set(ns, (namespaceCounts.get(ns) ?? 0) + 1);
      },
    );
    switch (v.kind) {
      case 'workload':
        workloads.push(v.view);
        break;
      case 'service':
        services.push(v.view);
        break;
      case 'ingress':
        ingresses.push(v.view);
        break;
      case 'policy':
        policies.push(v.view);
        break;
      case 'route':
        routes.push(v.view);
        break;
      case 'nad':
        attachments.push(v.view);
        break;
      case 'gateway':
        gatewayCount++;
        break;
      case 'produced':
        pushAll(workloads, v.view.workloads);
        pushAll(services, v.view.services);
        break;
    }
  }
  const layered = <V extends Defined>(m: Map<string, unknown>) => Overlay.of(m as Map<string, V>);
  return {
    workloads,
    services,
    ingresses,
    networkPolicies: policies,
    routes,
    attachments,
    gatewayCount,
    namespaces,
    namespaceCounts: Overlay.of(namespaceCounts),
    workloadByKey: layered(byKey.workloadByKey),
    serviceByKey: layered(byKey.serviceByKey),
    ingressByKey: layered(byKey.ingressByKey),
    policyByKey: layered(byKey.policyByKey),
    routeByKey: layered(byKey.routeByKey),
    workloadsByNamespace: layered(lists.workloadsByNamespace),
    servicesByName: layered(lists.servicesByName),
    resourcesById: layered(lists.resourcesById),
    autoscalersByTarget: layered(lists.autoscalersByTarget),
    budgetsByNamespace: layered(lists.budgetsByNamespace),
    endpointsByService: layered(lists.endpointsByService),
    attachmentsByName: layered(lists.attachmentsByName),
    gatewaysByName: layered(lists.gatewaysByName),
    grantsByNamespace: layered(lists.grantsByNamespace),
    resourcesByNamespace: layered(lists.resourcesByNamespace),
    servicesByNamespace: layered(lists.servicesByNamespace),
    ingressesByNamespace: layered(lists.ingressesByNamespace),
    resourcesByDirectory: layered(lists.resourcesByDirectory),
    resourcesByBuild: layered(lists.resourcesByBuild),
    hiddenProducersByNamespace: layered(lists.hiddenProducersByNamespace),
    gatewaysByNamespace: layered(lists.gatewaysByNamespace),
  };
}

/**
 * The indexes of the previous graph with the change applied, equal to what buildIndexes gives for
 * the new resource list: removed entries are dropped and added ones inserted at their place in
 * resource order (by file position; entries of one file keep their order).
 */
function deriveIndexes(previous: GraphIndexes, change: ResourceChange): GraphIndexes {
  const removed = new Set(change.removed);
  const position = change.filePosition;
  const listChanges = new Map<
    ListIndex,
    Map<string, { removed: boolean; added: ({ resource: Resource } | Resource)[] }>
  >();
  const keyChanges = new Map<
    'workloadByKey' | 'serviceByKey' | 'ingressByKey' | 'policyByKey' | 'routeByKey',
    Map<string, unknown>
  >();
  const countChanges = new Map<string, number>();
  const global: Record<
    'workload' | 'service' | 'ingress' | 'policy' | 'route' | 'nad',
    { removed: boolean; added: { resource: Resource }[] }
  > = {
    workload: { removed: false, added: [] },
    service: { removed: false, added: [] },
    ingress: { removed: false, added: [] },
    policy: { removed: false, added: [] },
    route: { removed: false, added: [] },
    nad: { removed: false, added: [] },
  };
  let gatewayCount = previous.gatewayCount;
  const visit = (r: Resource, adding: boolean) => {
    const v = typedView(r);
    indexEntries(
      r,
      v,
      (index, key, value) => {
        let byKey = listChanges.get(index);
        if (!byKey) listChanges.set(index, (byKey = new Map()));
        let entry = byKey.get(key);
        if (!entry) byKey.set(key, (entry = { removed: false, added: [] }));
        if (adding) entry.added.push(value);
        else entry.removed = true;
      },
      (index, value) => {
        let changes = keyChanges.get(index);
        if (!changes) keyChanges.set(index, (changes = new Map()));
        changes.set(r.key, adding ? value : undefined);
      },
      (ns) => countChanges.set(ns, (countChanges.get(ns) ?? previous.namespaceCounts.get(ns) ?? 0) + (adding ? 1 : -1)),
    );
    if (v.kind === 'gateway') gatewayCount += adding ? 1 : -1;
    else if (v.kind === 'produced') {
      for (const [g, views] of [
        [global.workload, v.view.workloads],
        [global.service, v.view.services],
      ] as const) {
        if (views.length === 0) continue;
        if (adding) pushAll(g.added, views);
        else g.removed = true;
      }
    } else if (v.kind in global) {
      const g = global[v.kind as keyof typeof global];
      if (adding) g.added.push((v as { view: { resource: Resource } }).view);
      else g.removed = true;
    }
  };
  // Removals first: a re-read document's new instance has the same key as the old one.
  for (const r of change.removed) visit(r, false);
  for (const r of change.added) visit(r, true);

  const merged = <V extends { resource: Resource } | Resource>(
    old: readonly V[],
    entry: { removed: boolean; added: readonly V[] },
  ): V[] => mergeInOrder(old, entry.removed ? removed : undefined, entry.added, position);
  const lists = {} as Record<ListIndex, Overlay<string, readonly unknown[]>>;
  for (const index of LIST_INDEXES) {
    const prev = previous[index] as Overlay<string, readonly ({ resource: Resource } | Resource)[]>;
    const changes = listChanges.get(index);
    if (!changes) {
      lists[index] = prev;
      continue;
    }
    const updates = new Map<string, readonly ({ resource: Resource } | Resource)[] | undefined>();
    for (const [key, entry] of changes) {
      const list = merged(prev.get(key) ?? [], entry);
      updates.set(key, list.length > 0 ? list : undefined);
    }
    lists[index] = prev.with(updates) as Overlay<string, readonly unknown[]>;
  }
  const keyed = <V extends Defined>(
    index: 'workloadByKey' | 'serviceByKey' | 'ingressByKey' | 'policyByKey' | 'routeByKey',
  ): Overlay<string, V> => {
    const prev = previous[index] as unknown as Overlay<string, V>;
    const changes = keyChanges.get(index);
    return changes ? prev.with(changes as Map<string, V | undefined>) : prev;
  };
  const counts = new Map<string, number | undefined>();
  let namespacesChanged = false;
  for (const [ns, n] of countChanges) {
    counts.set(ns, n > 0 ? n : undefined);
    if (n > 0 !== previous.namespaces.has(ns)) namespacesChanged = true;
  }
  const namespaceCounts = previous.namespaceCounts.with(counts);
  let namespaces = previous.namespaces;
  if (namespacesChanged) {
    // Only membership is read (has, sorted keys), so the order may differ from a fresh build's.
    const next = new Set<string>();
    for (const ns of previous.namespaces) if ((namespaceCounts.get(ns) ?? 0) > 0) next.add(ns);
    for (const [ns, n] of countChanges) if (n > 0) next.add(ns);
    namespaces = next;
  }
  const globalList = <V extends { resource: Resource }>(old: readonly V[], kind: keyof typeof global): readonly V[] =>
    global[kind].removed || global[kind].added.length > 0
      ? merged(old, global[kind] as { removed: boolean; added: V[] })
      : old;
  return {
    workloads: globalList(previous.workloads, 'workload'),
    services: globalList(previous.services, 'service'),
    ingresses: globalList(previous.ingresses, 'ingress'),
    networkPolicies: globalList(previous.networkPolicies, 'policy'),
    routes: globalList(previous.routes, 'route'),
    attachments: globalList(previous.attachments, 'nad'),
    gatewayCount,
    namespaces,
    namespaceCounts,
    workloadByKey: keyed('workloadByKey'),
    serviceByKey: keyed('serviceByKey'),
    ingressByKey: keyed('ingressByKey'),
    policyByKey: keyed('policyByKey'),
    routeByKey: keyed('routeByKey'),
    workloadsByNamespace: lists.workloadsByNamespace as Overlay<string, readonly Workload[]>,
    servicesByName: lists.servicesByName as Overlay<string, readonly Service[]>,
    resourcesById: lists.resourcesById as Overlay<string, readonly Resource[]>,
    autoscalersByTarget: lists.autoscalersByTarget as Overlay<string, readonly Autoscaler[]>,
    budgetsByNamespace: lists.budgetsByNamespace as Overlay<string, readonly DisruptionBudget[]>,
    endpointsByService: lists.endpointsByService as Overlay<string, readonly ManualEndpoints[]>,
    attachmentsByName: lists.attachmentsByName as Overlay<string, readonly AttachmentDefinition[]>,
    gatewaysByName: lists.gatewaysByName as Overlay<string, readonly Gateway[]>,
    grantsByNamespace: lists.grantsByNamespace as Overlay<string, readonly ReferenceGrant[]>,
    resourcesByNamespace: lists.resourcesByNamespace as Overlay<string, readonly Resource[]>,
    servicesByNamespace: lists.servicesByNamespace as Overlay<string, readonly Service[]>,
    ingressesByNamespace: lists.ingressesByNamespace as Overlay<string, readonly Ingress[]>,
    resourcesByDirectory: lists.resourcesByDirectory as Overlay<string, readonly Resource[]>,
    resourcesByBuild: lists.resourcesByBuild as Overlay<string, readonly Resource[]>,
    hiddenProducersByNamespace: lists.hiddenProducersByNamespace as Overlay<string, readonly Resource[]>,
    gatewaysByNamespace: lists.gatewaysByNamespace as Overlay<string, readonly Gateway[]>,
  };
}

const LIST_INDEXES: readonly ListIndex[] = [
  'workloadsByNamespace',
  'servicesByName',
  'resourcesById',
  'autoscalersByTarget',
  'budgetsByNamespace',
  'endpointsByService',
  'attachmentsByName',
  'gatewaysByName',
  'grantsByNamespace',
  'resourcesByNamespace',
  'servicesByNamespace',
  'ingressesByNamespace',
  'resourcesByDirectory',
  'resourcesByBuild',
  'hiddenProducersByNamespace',
  'gatewaysByNamespace',
];

/**
 * A list in resource order without the removed instances' entries and with the added ones at their
 * place: after every entry of a file that comes no later (added entries come in resource order).
 */
function mergeInOrder<V extends { resource: Resource } | Resource>(
  old: readonly V[],
  removed: ReadonlySet<Resource> | undefined,
  added: readonly V[],
  position: (file: string) => number,
): V[] {
  const out = removed ? old.filter((v) => !removed.has(resourceOf(v))) : old.slice();
  for (const v of added) {
    const p = position(resourceOf(v).file);
    let lo = 0;
    let hi = out.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (position(resourceOf(out[mid]).file) <= p) lo = mid + 1;
      else hi = mid;
    }
    out.splice(lo, 0, v);
  }
  return out;
}

export class TrafficGraph {
  readonly workloads: readonly Workload[];
  readonly services: readonly Service[];
  readonly ingresses: readonly Ingress[];
  readonly networkPolicies: readonly NetworkPolicy[];
  readonly namespaces: ReadonlySet<string>;
  /** The indexes, for a graph derived from this one. */
  private readonly ix: GraphIndexes;

  private readonly selectedCache = new Map<Service, readonly Workload[]>();
  private readonly selectingCache = new Map<Workload, Service[]>();
  private readonly targetsCache = new Map<Ingress, BackendTarget[]>();
  private servicesByPlace: Overlay<string, readonly Service[]> | undefined;
  private policiesByNamespace: Overlay<string, readonly NetworkPolicy[]> | undefined;
  private namespacesKeyMemo: string | undefined;
  private readonly policiesSelectingCache = new Map<Workload, NetworkPolicy[]>();

  /**
   * @param templateDirs directories holding files whose resources are unknown (templates, skipped
   *   or unreadable files): pods they would create are invisible, so selections near them cannot be judged.
   */
  constructor(
    readonly resources: readonly Resource[],
    private readonly templateDirs: ReadonlySet<string> = new Set(),
    indexes?: GraphIndexes,
  ) {
    this.ix = indexes ?? runToEnd(buildIndexes(resources));
    this.workloads = this.ix.workloads;
    this.services = this.ix.services;
    this.ingresses = this.ix.ingresses;
    this.networkPolicies = this.ix.networkPolicies;
    this.namespaces = this.ix.namespaces;
  }

  /**
   * The graph of these resources as steps (Analyzer.runAsync): built from scratch with a yield every
   * few hundred resources, or, given the graph of the previous resource list and what changed
   * since, derived from it (sharing its unchanged index entries; the previous graph is unchanged).
   */
  static *steps(
    resources: readonly Resource[],
    templateDirs: ReadonlySet<string>,
    previous?: { readonly graph: TrafficGraph; readonly change: ResourceChange },
  ): Generator<void, TrafficGraph> {
    if (!previous) return new TrafficGraph(resources, templateDirs, yield* buildIndexes(resources));
    const graph = new TrafficGraph(resources, templateDirs, deriveIndexes(previous.graph.ix, previous.change));
    graph.inheritIndexes(previous.graph, previous.change);
    return graph;
  }

  workload(r: Resource): Workload | undefined {
    return this.ix.workloadByKey.get(r.key);
  }

  service(r: Resource): Service | undefined {
    return this.ix.serviceByKey.get(r.key);
  }

  ingress(r: Resource): Ingress | undefined {
    return this.ix.ingressByKey.get(r.key);
  }

  /** What an operator in the table makes from this custom resource (model/operators.ts). */
  produced(r: Resource): ProducedViews | undefined {
    const v = typedView(r);
    return v.kind === 'produced' ? v.view : undefined;
  }

  networkPolicy(r: Resource): NetworkPolicy | undefined {
    return this.ix.policyByKey.get(r.key);
  }

  /**
   * Whether "selects nothing" can be concluded for a selector in this namespace: the workspace must
   * define some pod template there kept with the selecting file (else its pods are deployed by
   * something we do not see: an operator, a Helm release, another repository's manifests), and no
   * unrendered template may sit beside the selecting file. Some such template must use one of the
   * selector's label keys.
   */
  /** appliedTogether for an instance and a file outside builds (the file of a selecting resource). */
  filesAppliedTogether(r: Resource, file: string): boolean {
    const rr = r.producedBy ?? r;
    if (rr.file === file) return true;
    if (!keptTogether(rr.file, file)) return false;
    return (
      !(rr.build === undefined && this.isCollectionDirectory(directoryOf(rr.file))) &&
      !this.isCollectionDirectory(directoryOf(file))
    );
  }

  /** Whether a pod template of the namespace applied with this file carries the label key (written, or added at run time). */
  labelKeyUsedNear(namespace: string, file: string, key: string): boolean {
    const memoKey = `${namespace}\u0000${file}\u0000${key}`;
    let known = this.labelKeyMemo.get(memoKey);
    if (known === undefined) {
      known = this.workloadsIn(namespace).some(
        (w) =>
          (key in w.template.labels.declared || w.template.labels.runtime.has(key)) &&
          this.filesAppliedTogether(w.resource, file),
      );
      this.labelKeyMemo.set(memoKey, known);
    }
    return known;
  }

  private readonly labelKeyMemo = new Map<string, boolean>();

  canJudgeSelectionIn(namespace: string, file: string, selectorKeys: readonly string[]): boolean {
    if (this.templateDirs.has(directoryOf(file))) return false;
    // Remembered per (namespace, file, keys), so that thousands of orphaned selectors in one file
    // do not each scan the namespace.
    const memoKey = `${namespace}\u0000${file}\u0000${selectorKeys.join('\u0000')}`;
    let known = this.judgeMemo.get(memoKey);
    if (known === undefined) {
      // A selector whose keys no template kept with it uses follows a labelling scheme this
      // workspace does not define (a Helm chart's app.kubernetes.io/name beside manifests that use
      // app): its pods come from elsewhere.
      known = this.workloadsIn(namespace).some(
        (w) =>
          this.filesAppliedTogether(w.resource, file) &&
          (selectorKeys.length === 0 || selectorKeys.some((k) => k in w.template.labels.declared)),
      );
      this.judgeMemo.set(memoKey, known);
    }
    return known;
  }

  private readonly judgeMemo = new Map<string, boolean>();

  /**
   * Every definition of this resource's object (group, kind, namespace, name) that is applied
   * together with it: the same kustomize build, or for resources outside builds, the same file.
   * Ordered by file and position, so the first entry is the first definition.
   */
  definitionsAppliedWith(resource: Resource): readonly Resource[] {
    // Definitions of one object share its id (kind, namespace, name): the id index narrows them
    // down without an index of its own (which would be rebuilt on every analysis).
    if (resource.namespace === '') {
      const key = appliedTogetherKey(resource);
      return this.resources.filter((r) => appliedTogetherKey(r) === key).sort(byPosition);
    }
    const sameId = this.resourcesWithId(resource.id);
    if (sameId.length === 1 && sameId[0] === resource) return sameId;
    const key = appliedTogetherKey(resource);
    return sameId.filter((r) => appliedTogetherKey(r) === key).sort(byPosition);
  }

  /**
   * Other Services applied together with this one, whatever their namespace: those in the same
   * file or the same kustomize build. Cluster-wide claims (node ports, cluster IPs) are compared
   * among these only, because repositories keep alternative variants of an app in separate files
   * (an IPv4 and an IPv6 variant side by side) that are never applied to one cluster together.
   */
  servicesAppliedNear(service: Service): Service[] {
    this.servicesByPlace ??= listIndex(this.services, (s) => (s.producer ? [] : placeKeys(s.resource)));
    const out = new Set<Service>();
    for (const key of placeKeys(service.resource))
      for (const s of this.servicesByPlace.get(key) ?? []) if (s.resource.id !== service.resource.id) out.add(s);
    return [...out];
  }

  private hostClaimersByPlace: Overlay<string, readonly Workload[]> | undefined;

  /**
   * Other workloads applied together with this one that claim host ports (hostNetwork with
   * container ports, or hostPorts): indexed apart, so that a file of thousands of ordinary
   * workloads costs nothing here.
   */
  hostPortWorkloadsAppliedNear(workload: Workload): Workload[] {
    this.hostClaimersByPlace ??= listIndex(
      this.workloads.filter((w) => claimsHostPorts(w) && !w.template.producer),
      (w) => placeKeys(w.resource),
    );
    const out = new Set<Workload>();
    for (const key of placeKeys(workload.resource))
      for (const w of this.hostClaimersByPlace.get(key) ?? [])
        if (w.resource.id !== workload.resource.id && !w.rejected) out.add(w); // a rejected workload never runs
    return [...out];
  }

  private controllersMemo: { key: string; namespaces: readonly string[]; workloads: readonly Workload[] } | undefined;

  /**
   * The ingress controller's pod templates: workloads in the given namespaces, and controllers
   * recognised by their labels (app.kubernetes.io/component=controller, a name with "ingress").
   */
  ingressControllers(namespaces: readonly string[]): readonly Workload[] {
    const key = namespaces.join(',');
    if (this.controllersMemo?.key !== key)
      this.controllersMemo = {
        key,
        namespaces,
        workloads: this.workloads.filter((w) => isIngressController(w, namespaces)),
      };
    return this.controllersMemo.workloads;
  }

  /**
   * The indexes this graph builds on first use, taken over from the graph it was derived from
   * when that one had built them, with the change applied (the same lists a build would give).
   */
  private inheritIndexes(previous: TrafficGraph, change: ResourceChange): void {
    const removed = new Set(change.removed);
    const views = (rs: readonly Resource[], kind: 'workload' | 'service' | 'policy') => {
      const out: { resource: Resource }[] = [];
      for (const r of rs) {
        const v = typedView(r);
        if (v.kind === kind) out.push(v.view);
      }
      return out;
    };
    const workloads = {
      removed: views(change.removed, 'workload') as Workload[],
      added: views(change.added, 'workload') as Workload[],
    };
    const derive = <V extends { resource: Resource }>(
      index: Overlay<string, readonly V[]> | undefined,
      changed: { removed: V[]; added: V[] },
      keys: (v: V) => readonly string[],
    ) => index && deriveListIndex(index, changed.removed, changed.added, keys, removed, change.filePosition);
    this.hostClaimersByPlace = derive(
      previous.hostClaimersByPlace,
      { removed: workloads.removed.filter(claimsHostPorts), added: workloads.added.filter(claimsHostPorts) },
      (w) => placeKeys(w.resource),
    );
    this.servicesByPlace = derive(
      previous.servicesByPlace,
      { removed: views(change.removed, 'service') as Service[], added: views(change.added, 'service') as Service[] },
      (s) => placeKeys(s.resource),
    );
    this.policiesByNamespace = derive(
      previous.policiesByNamespace,
      {
        removed: views(change.removed, 'policy') as NetworkPolicy[],
        added: views(change.added, 'policy') as NetworkPolicy[],
      },
      policyNamespace,
    );
    const memo = previous.controllersMemo;
    if (memo) {
      const added = workloads.added.filter((w) => isIngressController(w, memo.namespaces));
      const changed = added.length > 0 || workloads.removed.some((w) => memo.workloads.includes(w));
      this.controllersMemo = changed
        ? { ...memo, workloads: mergeInOrder(memo.workloads, removed, added, change.filePosition) }
        : memo;
    }
  }

  /** PodDisruptionBudgets whose selector matches this workload's pods. */
  disruptionBudgetsFor(workload: Workload): readonly DisruptionBudget[] {
    return (this.ix.budgetsByNamespace.get(workload.template.namespace) ?? []).filter((b) =>
      selectorMayMatch(b.selector, workload.template.labels),
    );
  }

  /** NetworkPolicies whose podSelector matches this workload's pods. */
  policiesSelecting(workload: Workload): readonly NetworkPolicy[] {
    let cached = this.policiesSelectingCache.get(workload);
    if (!cached) {
      this.policiesByNamespace ??= listIndex(this.networkPolicies, policyNamespace);
      cached = (this.policiesByNamespace.get(workload.template.namespace) ?? []).filter((p) =>
        selectorMayMatch(p.podSelector, workload.template.labels),
      );
      this.policiesSelectingCache.set(workload, cached);
    }
    return cached;
  }

  /** Hand-managed Endpoints and EndpointSlices of a selector-less Service. */
  manualEndpointsOf(service: Service): readonly ManualEndpoints[] {
    return this.ix.endpointsByService.get(`${service.resource.namespace}/${service.resource.name}`) ?? [];
  }

  /** Every Gateway API route instance. */
  get routes(): readonly Route[] {
    return this.ix.routes;
  }

  route(r: Resource): Route | undefined {
    return this.ix.routeByKey.get(r.key);
  }

  gatewaysNamed(namespace: string, name: string): readonly Gateway[] {
    return this.ix.gatewaysByName.get(`${namespace}/${name}`) ?? [];
  }

  gatewaysIn(namespace: string): readonly Gateway[] {
    return this.ix.gatewaysByNamespace.get(namespace) ?? [];
  }

  get hasGateways(): boolean {
    return this.ix.gatewayCount > 0;
  }

  referenceGrantsIn(namespace: string): readonly ReferenceGrant[] {
    return this.ix.grantsByNamespace.get(namespace) ?? [];
  }

  /**
   * A custom resource of a kind nobody describes, in this namespace and kept with this file (the
   * same deploy unit): it may create pods and Services the workspace cannot show.
   */
  hiddenProducerNear(namespace: string, near: Resource): Resource | undefined {
    return this.hiddenProducersIn(namespace).find((r) => this.appliedTogether(r, near));
  }

  private readonly collectionMemo = new Map<string, boolean>();

  /**
   * Whether two resources are certainly applied together: the same kustomize build, or outside
   * builds the same file. Conflicts between two definitions (overlapping selectors, two budgets
   * on one pod) are judged only so; files side by side may be alternatives.
   */
  sameFileOrBuild(a: Resource, b: Resource): boolean {
    return placeKeys(a)[0] === placeKeys(b)[0];
  }

  /**
   * Whether two instances belong to one deploy unit: the same kustomize build, or outside builds
   * the same file or files kept together (the same, a nested or a sibling directory), unless one of them lies in a
   * collection directory (see isCollectionDirectory), whose files are units of their own.
   */
  appliedTogether(a: Resource, b: Resource): boolean {
    const ra = a.producedBy ?? a;
    const rb = b.producedBy ?? b;
    // A kustomize build is applied as a whole; two builds of one base (staging, prod) are
    // alternatives, never applied together, and a build takes in nothing it does not list.
    if (ra.build !== undefined || rb.build !== undefined) return ra.build === rb.build;
    if (ra.file === rb.file) return true;
    if (!keptTogether(ra.file, rb.file)) return false;
    return (
      !(ra.build === undefined && this.isCollectionDirectory(directoryOf(ra.file))) &&
      !(rb.build === undefined && this.isCollectionDirectory(directoryOf(rb.file)))
    );
  }

  /**
   * A directory whose files define the same object more than once (outside kustomize builds) holds
   * alternatives side by side (snippets of a documentation page, variants of a sample, successive
   * versions of a route applied in turn), not one app: each file is a deploy unit of its own.
   */
  isCollectionDirectory(dir: string): boolean {
    let known = this.collectionMemo.get(dir);
    if (known === undefined) {
      const fileOf = new Map<string, string>();
      known = false;
      for (const r of this.instancesIn('directory', dir)) {
        if (r.build !== undefined || r.kind === 'Namespace') continue;
        const seen = fileOf.get(r.id);
        if (seen === undefined) fileOf.set(r.id, r.file);
        else if (seen !== r.file) {
          known = true;
          break;
        }
      }
      this.collectionMemo.set(dir, known);
    }
    return known;
  }

  /** Custom resources of kinds nobody describes in a namespace: they may create pods and Services. */
  hiddenProducersIn(namespace: string): readonly Resource[] {
    return this.ix.hiddenProducersByNamespace.get(namespace) ?? [];
  }

  /** Services of a namespace, operator-made ones included, in resource order. */
  servicesIn(namespace: string): readonly Service[] {
    return this.ix.servicesByNamespace.get(namespace) ?? [];
  }

  /** Services of a namespace (for judging whether the workspace knows that namespace's Services). */
  hasServicesIn(namespace: string): boolean {
    return this.services.some((s) => s.resource.namespace === namespace);
  }

  /** Labels of a namespace: its Namespace object's labels plus the automatic kubernetes.io/metadata.name. */
  namespaceLabels(namespace: string): Record<string, string> {
    const ns = this.resourcesWithId(`Namespace/${namespace}`)[0];
    return { ...(ns?.labels ?? {}), 'kubernetes.io/metadata.name': namespace };
  }

  /**
   * Service references in a workload's containers (env, args, command, ConfigMaps they read). Kept
   * across analyses while the workload, the ConfigMaps it read and the set of namespaces are the same.
   */
  serviceReferences(workload: Workload): readonly ServiceReference[] {
    const namespacesKey = (this.namespacesKeyMemo ??= [...this.namespaces].sort().join(','));
    const lookup = (ns: string, name: string) => this.resourcesWithId(`ConfigMap/${ns}/${name}`)[0];
    const cached = referenceCache.get(workload);
    if (
      cached &&
      cached.namespacesKey === namespacesKey &&
      cached.configMaps.every(([ns, name, r]) => lookup(ns, name) === r)
    )
      return cached.refs;
    const configMaps: [string, string, Resource | undefined][] = [];
    const refs = readReferences(workload, this.namespaces, (ns, name) => {
      const r = lookup(ns, name);
      configMaps.push([ns, name, r]);
      return r;
    });
    referenceCache.set(workload, { namespacesKey, configMaps, refs });
    return refs;
  }

  /** NetworkAttachmentDefinitions of that namespace and name. */
  attachmentDefinitions(namespace: string, name: string): readonly AttachmentDefinition[] {
    return this.ix.attachmentsByName.get(`${namespace}/${name}`) ?? [];
  }

  /** All NetworkAttachmentDefinitions of that name, in any namespace. */
  attachmentDefinitionsNamed(name: string): readonly AttachmentDefinition[] {
    // Grouped by namespace/name in order of first definition, as an index by that key lists them.
    const groups = new Map<string, AttachmentDefinition[]>();
    for (const a of this.ix.attachments) {
      const key = `${a.resource.namespace}/${a.resource.name}`;
      if (key.endsWith(`/${name}`)) push(groups, key, a);
    }
    return [...groups.values()].flat();
  }

  /** Whether the workspace defines any NetworkAttachmentDefinition at all. */
  get hasAttachmentDefinitions(): boolean {
    return this.ix.attachments.length > 0;
  }

  /** HorizontalPodAutoscalers that scale this workload. */
  autoscalersOf(workload: Workload): readonly Autoscaler[] {
    const r = workload.resource;
    return this.ix.autoscalersByTarget.get(`${r.namespace}/${r.kind}/${r.name}`) ?? [];
  }

  /**
   * Instances in a namespace ('' for cluster-scoped ones), a directory or a kustomize build, in
   * resource order: where the Analyzer looks for the instances an edit can affect.
   */
  instancesIn(scope: 'namespace' | 'directory' | 'build', key: string): readonly Resource[] {
    const index =
      scope === 'namespace'
        ? this.ix.resourcesByNamespace
        : scope === 'directory'
          ? this.ix.resourcesByDirectory
          : this.ix.resourcesByBuild;
    return index.get(key) ?? [];
  }

  /** All instances with this id (`Kind/ns/name`). */
  resourcesWithId(id: string): readonly Resource[] {
    return this.ix.resourcesById.get(id) ?? [];
  }

  workloadsIn(namespace: string): readonly Workload[] {
    return this.ix.workloadsByNamespace.get(namespace) ?? [];
  }

  private readonly labelIndexes = new Map<string, LabelIndex>();
  private namespaceList: readonly string[] | undefined;

  /** Namespaces that hold pod templates, in the order of their first template. */
  namespacesWithWorkloads(): readonly string[] {
    if (!this.namespaceList) {
      const seen = new Set<string>();
      for (const w of this.workloads) seen.add(w.template.namespace);
      this.namespaceList = [...seen];
    }
    return this.namespaceList;
  }

  /**
   * Pod templates of the namespace that the selector may match: a superset, in resource order,
   * found through a label index in large namespaces (built on first use, per namespace).
   */
  workloadCandidates(selector: Selector, namespace: string, near = false, alwaysIndex = false): readonly Workload[] {
    const all = this.workloadsIn(namespace);
    if (all.length < INDEX_FROM && !alwaysIndex) return all;
    let index = this.labelIndexes.get(namespace);
    if (!index || index.workloads !== all) this.labelIndexes.set(namespace, (index = new LabelIndex(all)));
    return near ? index.nearCandidates(selector) : index.candidates(selector);
  }

  servicesNamed(namespace: string, name: string): readonly Service[] {
    return this.ix.servicesByName.get(`${namespace}/${name}`) ?? [];
  }

  /** Pod templates in the Service's namespace whose pods its selector can match. */
  workloadsSelectedBy(service: Service): readonly Workload[] {
    const cached = this.selectedCache.get(service);
    if (cached) return cached;
    const selector = service.selector;
    const selected = selector
      ? this.workloadCandidates(selector, service.resource.namespace ?? 'default').filter((w) =>
          selectorMayMatch(selector, w.template.labels),
        )
      : [];
    const own = oneCopyEach(selected, service.resource);
    this.selectedCache.set(service, own);
    return own;
  }

  /** Pod templates in a namespace that a LabelSelector can match. */
  workloadsSelecting(selector: Selector, namespace: string): readonly Workload[] {
    return this.workloadCandidates(selector, namespace).filter((w) => selectorMayMatch(selector, w.template.labels));
  }

  /** Services whose selectors match this workload's pods. */
  servicesSelecting(workload: Workload): readonly Service[] {
    // Per namespace (no index of every Service's selection, which each new graph would rebuild): the
    // Services of the workload's namespace whose selector can match it, in resource order.
    let found = this.selectingCache.get(workload);
    if (found) return found;
    found = [];
    if (workload.template.producer || this.ix.workloadByKey.get(workload.resource.key) === workload) {
      for (const s of this.ix.servicesByNamespace.get(workload.template.namespace) ?? []) {
        if (s.selector && selectorMayMatch(s.selector, workload.template.labels)) found.push(s);
      }
      found = oneCopyEach(found, workload.resource);
    }
    this.selectingCache.set(workload, found);
    return found;
  }

  /** Ingress backends that name this Service. */
  routesTo(service: Service): readonly BackendTarget[] {
    // Backends resolve Service names in their Ingress's namespace: only Ingresses of the Service's namespace can name it.
    const out: BackendTarget[] = [];
    for (const ingress of this.ix.ingressesByNamespace.get(service.resource.namespace ?? 'default') ?? []) {
      let targets = this.targetsCache.get(ingress);
      if (!targets) this.targetsCache.set(ingress, (targets = this.backendTargets(ingress)));
      for (const target of targets) if (target.services.includes(service)) out.push(target);
    }
    return out;
  }

  backendTargets(ingress: Ingress): BackendTarget[] {
    const ns = ingress.resource.namespace ?? 'default';
    return allBackends(ingress)
      .filter(({ backend }) => !backend.isControllerAction)
      .map(({ backend, path }) => {
        const services = this.servicesNamed(ns, backend.serviceName);
        return {
          ingress,
          backend,
          path,
          services,
          ports: services.map((service) => ({ service, port: findServicePort(service, backend.port) })),
        };
      });
  }

  /**
   * Where a Service port's traffic lands in one selected workload, as the endpoints controller
   * decides (pkg/api/v1/pod FindPort): a named targetPort is looked up by name and protocol among
   * the containers' ports; a number is used as it is, declared or not.
   */
  resolveServicePort(port: ServicePort, workload: Workload): PortResolution {
    const containers = workload.template.containers;
    const base = { workload, container: undefined, declared: undefined, containerPort: undefined };
    // A targetPort written as a substitution placeholder is unknown: traffic goes somewhere, unverified.
    if (typeof port.targetPort === 'string' && hasPlaceholder(port.targetPort)) return { ...base, status: 'assumed' };
    if (typeof port.targetPort === 'string') {
      let sameNameOtherProtocol: { container: Container; declared: ContainerPort } | undefined;
      for (const container of containers) {
        for (const declared of container.ports) {
          if (declared.name !== port.targetPort) continue;
          if (declared.protocol === port.protocol)
            return { workload, status: 'resolved', container, declared, containerPort: declared.containerPort };
          sameNameOtherProtocol ??= { container, declared };
        }
      }
      if (sameNameOtherProtocol)
        return { ...base, ...sameNameOtherProtocol, status: 'protocol-mismatch', containerPort: undefined };
      // Operator-made pods may declare ports the operator table does not list.
      return { ...base, status: workload.template.producer?.portsOpen ? 'assumed' : 'name-unresolved' };
    }
    let otherProtocol: { container: Container; declared: ContainerPort } | undefined;
    for (const container of containers) {
      for (const declared of container.ports) {
        if (declared.containerPort !== port.targetPort) continue;
        if (declared.protocol === port.protocol)
          return { workload, status: 'resolved', container, declared, containerPort: declared.containerPort };
        otherProtocol ??= { container, declared };
      }
    }
    if (otherProtocol)
      return { ...base, ...otherProtocol, status: 'protocol-mismatch', containerPort: port.targetPort };
    return {
      ...base,
      containerPort: port.targetPort,
      status: declaresAnyPort(workload.template) && !workload.template.producer?.portsOpen ? 'undeclared' : 'assumed',
    };
  }
}

/**
 * One view per object (id) among views found for `near`: where a repository keeps the same object
 * in several deploy units (a release bundle beside the split files it was built from, overlays of
 * one base), the copy applied with `near` stands for it (the same file, else the same build, the
 * same directory, a directory kept with it, else the first). A copy in another unit can neither
 * hide this unit's mistake nor count its pods twice.
 */
function oneCopyEach<V extends { resource: Resource }>(views: V[], near: Resource): V[] {
  if (views.length < 2) return views;
  const byId = new Map<string, V>();
  let duplicated = false;
  for (const v of views) {
    const id = v.resource.id;
    const held = byId.get(id);
    if (held === undefined) byId.set(id, v);
    else {
      duplicated = true;
      if (closeness(v.resource, near) > closeness(held.resource, near)) byId.set(id, v);
    }
  }
  return duplicated ? [...byId.values()] : views;
}

/** How closely an instance is applied with another: same file, same build, same directory, kept together. */
function closeness(a: Resource, b: Resource): number {
  const ra = a.producedBy ?? a;
  const rb = b.producedBy ?? b;
  if (ra.file === rb.file && ra.build === rb.build) return 5;
  if (ra.build !== undefined && ra.build === rb.build) return 4;
  if (ra.build === undefined && rb.build === undefined && directoryOf(ra.file) === directoryOf(rb.file)) return 3;
  if (keptTogether(ra.file, rb.file)) return 2;
  return 1;
}

/** The Service port an Ingress or route backend port refers to: by number, or by the port's name. */
export function findServicePort(service: Service, port: number | string | undefined): ServicePort | undefined {
  if (port === undefined) return service.ports.length === 1 ? service.ports[0] : undefined;
  return service.ports.find((p) => (typeof port === 'number' ? p.port === port : p.name === port));
}

function byPosition(a: Resource, b: Resource): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.span.start - b.span.start;
}

function isIngressController(w: Workload, namespaces: readonly string[]): boolean {
  if (w.template.producer) return false;
  return (
    namespaces.includes(w.template.namespace) ||
    (w.template.labels.declared['app.kubernetes.io/component'] === 'controller' &&
      /ingress/.test(w.template.labels.declared['app.kubernetes.io/name'] ?? ''))
  );
}

const policyNamespace = (p: NetworkPolicy) => [p.resource.namespace ?? 'default'];

/** Lists of views by key, in the order given (resource order). */
function listIndex<V extends { resource: Resource }>(
  views: readonly V[],
  keys: (v: V) => readonly string[],
): Overlay<string, readonly V[]> {
  const map = new Map<string, V[]>();
  for (const v of views) for (const key of keys(v)) push(map, key, v);
  return Overlay.of<string, readonly V[]>(map);
}

/** A list index with the removed views' entries dropped and the added ones merged in resource order. */
function deriveListIndex<V extends { resource: Resource }>(
  index: Overlay<string, readonly V[]>,
  removedViews: readonly V[],
  addedViews: readonly V[],
  keys: (v: V) => readonly string[],
  removed: ReadonlySet<Resource>,
  position: (file: string) => number,
): Overlay<string, readonly V[]> {
  const changes = new Map<string, { removed: boolean; added: V[] }>();
  const entry = (key: string) => {
    let e = changes.get(key);
    if (!e) changes.set(key, (e = { removed: false, added: [] }));
    return e;
  };
  for (const v of removedViews) for (const key of keys(v)) entry(key).removed = true;
  for (const v of addedViews) for (const key of keys(v)) entry(key).added.push(v);
  const updates = new Map<string, readonly V[] | undefined>();
  for (const [key, e] of changes) {
    const list = mergeInOrder(index.get(key) ?? [], e.removed ? removed : undefined, e.added, position);
    updates.set(key, list.length > 0 ? list : undefined);
  }
  return index.with(updates);
}

function claimsHostPorts(w: Workload): boolean {
  return w.template.containers.some((c) => c.ports.some((p) => w.template.hostNetwork || p.hostPort !== undefined));
}

/**
 * Where a resource is applied with others: its kustomize build, or else its file. Two builds of one
 * file (a base in two overlays, staging and prod) are alternatives, never applied together.
 */
function placeKeys(r: Resource): string[] {
  return r.build !== undefined ? [`build:${r.build}`] : [`file:${r.file}`];
}

function appliedTogetherKey(r: Resource): string {
  const scope = r.build !== undefined ? `build:${r.build}` : `file:${r.file}`;
  return `${scope}\u0000${apiGroup(r.apiVersion)}/${r.kind}\u0000${r.namespace ?? ''}\u0000${r.name}`;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
