// The graph's indexes: built from scratch in steps, or derived from the previous graph's indexes
// through what changed (sharing their unchanged entries, see incremental.ts).
import { pushAll, pushTo } from '../arrays';
import { Overlay, type Defined, type ResourceChange } from '../incremental';
import type { Autoscaler } from '../model/autoscaler';
import type { DisruptionBudget } from '../model/disruptionBudget';
import type { ManualEndpoints } from '../model/endpoints';
import type { Gateway, ReferenceGrant, Route } from '../model/gateway';
import type { Ingress } from '../model/ingress';
import type { AttachmentDefinition } from '../model/multus';
import type { NetworkPolicy } from '../model/networkPolicy';
import { directoryOf, type Resource } from '../model/resource';
import type { Service } from '../model/service';
import type { Workload } from '../model/workload';
import { typedView, type TypedView } from './views';

/** Resources the full build of a graph indexes between two yields (TrafficGraph.steps). */
const RESOURCES_PER_STEP = 1024;

/** Everything a graph indexes; a derived graph shares most of it with the graph it came from. */
export interface GraphIndexes {
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
export function* buildIndexes(resources: readonly Resource[]): Generator<void, GraphIndexes> {
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
      (index, key, value) => pushTo(lists[index], key, value),
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
export function deriveIndexes(previous: GraphIndexes, change: ResourceChange): GraphIndexes {
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
export function mergeInOrder<V extends { resource: Resource } | Resource>(
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

/** Lists of views by key, in the order given (resource order). */
export function listIndex<V extends { resource: Resource }>(
  views: readonly V[],
  keys: (v: V) => readonly string[],
): Overlay<string, readonly V[]> {
  const map = new Map<string, V[]>();
  for (const v of views) for (const key of keys(v)) pushTo(map, key, v);
  return Overlay.of<string, readonly V[]>(map);
}

/** A list index with the removed views' entries dropped and the added ones merged in resource order. */
export function deriveListIndex<V extends { resource: Resource }>(
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
