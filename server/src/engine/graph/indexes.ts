// The graph's indexes, written once in one table (INDEXES): each entry says where its values come
// from (a ViewSource), how they are keyed and how they are kept (lists by key, one value by key,
// counts by key, or one list of every value), and whether the graph builds it up front or on first
// use. Everything else follows from the table: the type of each index, the full build in steps,
// and the derivation from the previous graph's indexes through a ResourceChange, which shares their
// unchanged entries (Overlay) so that a one-document edit costs a few entries instead of 20,000.
// A new index is one entry here and a question in trafficGraph.ts that reads it.
import { pushTo } from '../arrays';
import { Overlay, type Defined, type ResourceChange } from '../incremental';
import { byDocument, directoryOf, type Resource } from '../model/resource';
import type { Workload } from '../model/workload';
import { placeKey } from './deployUnits';
import { ingressClaimKeys } from './ingressClaims';
import {
  everyInstance,
  everyService,
  everyWorkload,
  typedView,
  viewsOf,
  type TypedView,
  type ViewKind,
  type ViewSource,
} from './views';

/** The key (or keys) of a value; undefined leaves the value out of the index. */
type Key = string | undefined | readonly string[];

/** Values in a list index: views of an instance, or instances (resource order follows their instance). */
type Listed = { readonly resource: Resource } | Resource;

/** The change being applied to every index: removed instances, and where each file sits in the new order. */
interface AppliedChange {
  readonly removed: ReadonlySet<Resource>;
  readonly position: (file: string) => number;
}

/** Fills or updates one index, visiting the instances its source reads. */
interface Writer {
  add(r: Resource, v: TypedView): void;
  remove(r: Resource, v: TypedView): void;
}

interface IndexWriter<T> extends Writer {
  done(): T;
}

/** One index of the table: what it holds (T), and how it is built and updated. */
interface Index<T> {
  readonly kinds: readonly ViewKind[] | 'every';
  /** Built on first use (TrafficGraph asks for it) rather than with the graph. */
  readonly lazy: boolean;
  build(): IndexWriter<T>;
  update(previous: T, change: AppliedChange): IndexWriter<T>;
}

interface Options {
  readonly lazy?: boolean;
}

/** Calls f for each key of a value. */
function eachKey(key: Key, f: (key: string) => void): void {
  if (key === undefined) return;
  if (typeof key === 'string') f(key);
  else for (const k of key) f(k);
}

const noRemoval = () => {
  throw new Error('indexes: a full build removes nothing');
};

/** Lists of values by key, in resource order. */
function listsBy<V extends Listed>(
  source: ViewSource<V>,
  key: (value: V, r: Resource) => Key,
  options: Options = {},
): Index<Overlay<string, readonly V[]>> {
  return {
    kinds: source.kinds,
    lazy: options.lazy ?? false,
    build() {
      const map = new Map<string, V[]>();
      const found = (value: V, r: Resource) => {
        // No closure per value: the full build visits every instance.
        const k = key(value, r);
        if (typeof k === 'string') pushTo(map, k, value);
        else if (k !== undefined) for (const each of k) pushTo(map, each, value);
      };
      return {
        add: (r, v) => source.each(r, v, found),
        remove: noRemoval,
        done: () => Overlay.of<string, readonly V[]>(map),
      };
    },
    update(previous, change) {
      const changes = new Map<string, { removed: boolean; added: V[] }>();
      const entry = (k: string) => {
        let e = changes.get(k);
        if (!e) changes.set(k, (e = { removed: false, added: [] }));
        return e;
      };
      return {
        add: (r, v) => source.each(r, v, (value) => eachKey(key(value, r), (k) => entry(k).added.push(value))),
        remove: (r, v) => source.each(r, v, (value) => eachKey(key(value, r), (k) => (entry(k).removed = true))),
        done() {
          const updates = new Map<string, readonly V[] | undefined>();
          for (const [k, e] of changes) {
            const list = mergeInOrder(
              previous.get(k) ?? [],
              e.removed ? change.removed : undefined,
              e.added,
              change.position,
            );
            updates.set(k, list.length > 0 ? list : undefined);
          }
          return previous.with(updates);
        },
      };
    },
  };
}

/** One value per key (an instance's own view by the instance's key). */
function oneBy<V extends Defined>(
  source: ViewSource<V>,
  key: (value: V, r: Resource) => string,
): Index<Overlay<string, V>> {
  return {
    kinds: source.kinds,
    lazy: false,
    build() {
      const map = new Map<string, V>();
      const found = (value: V, r: Resource) => map.set(key(value, r), value);
      return { add: (r, v) => source.each(r, v, found), remove: noRemoval, done: () => Overlay.of(map) };
    },
    update(previous) {
      const changes = new Map<string, V | undefined>();
      return {
        add: (r, v) => source.each(r, v, (value) => changes.set(key(value, r), value)),
        remove: (r, v) => source.each(r, v, (value) => changes.set(key(value, r), undefined)),
        done: () => previous.with(changes),
      };
    },
  };
}

/** How many values each key has (keys with none are absent). */
function countsBy<V>(source: ViewSource<V>, key: (value: V, r: Resource) => Key): Index<Overlay<string, number>> {
  return {
    kinds: source.kinds,
    lazy: false,
    build() {
      const map = new Map<string, number>();
      const count = (k: string) => map.set(k, (map.get(k) ?? 0) + 1);
      const found = (value: V, r: Resource) => eachKey(key(value, r), count); // count is made once
      return { add: (r, v) => source.each(r, v, found), remove: noRemoval, done: () => Overlay.of(map) };
    },
    update(previous) {
      const counts = new Map<string, number>();
      const by = (delta: number) => (k: string) => counts.set(k, (counts.get(k) ?? previous.get(k) ?? 0) + delta);
      const plus = by(1);
      const minus = by(-1);
      return {
        add: (r, v) => source.each(r, v, (value) => eachKey(key(value, r), plus)),
        remove: (r, v) => source.each(r, v, (value) => eachKey(key(value, r), minus)),
        done() {
          const updates = new Map<string, number | undefined>();
          for (const [k, n] of counts) updates.set(k, n > 0 ? n : undefined);
          return previous.with(updates);
        },
      };
    },
  };
}

/** Every value, in resource order. */
function every<V extends Listed>(source: ViewSource<V>): Index<readonly V[]> {
  return {
    kinds: source.kinds,
    lazy: false,
    build() {
      const list: V[] = [];
      const found = (value: V) => list.push(value);
      return { add: (r, v) => source.each(r, v, found), remove: noRemoval, done: () => list };
    },
    update(previous, change) {
      let removed = false;
      const added: V[] = [];
      return {
        add: (r, v) => source.each(r, v, (value) => added.push(value)),
        remove: (r, v) => source.each(r, v, () => (removed = true)),
        done: () =>
          removed || added.length > 0
            ? mergeInOrder(previous, removed ? change.removed : undefined, added, change.position)
            : previous,
      };
    },
  };
}

const inNamespace = (v: { resource: Resource }) => v.resource.namespace ?? 'default';
const nameInNamespace = (v: { resource: Resource }) => `${v.resource.namespace}/${v.resource.name}`;
const instanceKey = (_v: unknown, r: Resource) => r.key;

/** Workloads that claim host ports (hostNetwork with container ports, or hostPorts). */
export function claimsHostPorts(w: Workload): boolean {
  return w.template.containers.some((c) => c.ports.some((p) => w.template.hostNetwork || p.hostPort !== undefined));
}

/** Cilium and Calico policy resources (Calico's NetworkPolicy is in projectcalico.org). */
const CNI_POLICY_KINDS = new Set([
  'CiliumNetworkPolicy',
  'CiliumClusterwideNetworkPolicy',
  'GlobalNetworkPolicy',
  'NetworkSet',
  'GlobalNetworkSet',
]);
const isCniPolicy = (r: Resource) =>
  CNI_POLICY_KINDS.has(r.kind) || (r.kind === 'NetworkPolicy' && r.apiVersion.includes('projectcalico.org'));

/** Every index of the graph. */
const INDEXES = {
  workloads: every(everyWorkload),
  services: every(everyService),
  ingresses: every(viewsOf('ingress')),
  networkPolicies: every(viewsOf('policy')),
  routes: every(viewsOf('route')),
  attachments: every(viewsOf('nad')),
  gateways: every(viewsOf('gateway')),
  /** How many resources name each namespace (in metadata, or as a Namespace object). */
  namespaceCounts: countsBy(everyInstance, (r) =>
    r.kind !== 'Namespace' ? r.namespace || undefined : r.namespace ? [r.namespace, r.name] : r.name,
  ),
  /** How many Cilium or Calico policy resources the workspace holds (key 'cni'). */
  cniPolicyCounts: countsBy(everyInstance, (r) => (isCniPolicy(r) ? 'cni' : undefined)),
  workloadByKey: oneBy(viewsOf('workload'), instanceKey),
  serviceByKey: oneBy(viewsOf('service'), instanceKey),
  ingressByKey: oneBy(viewsOf('ingress'), instanceKey),
  policyByKey: oneBy(viewsOf('policy'), instanceKey),
  routeByKey: oneBy(viewsOf('route'), instanceKey),
  workloadsByNamespace: listsBy(everyWorkload, (w) => w.template.namespace),
  servicesByName: listsBy(everyService, nameInNamespace),
  servicesByNamespace: listsBy(everyService, inNamespace),
  ingressesByNamespace: listsBy(viewsOf('ingress'), inNamespace),
  autoscalersByTarget: listsBy(viewsOf('hpa'), (h, r) => `${r.namespace}/${h.targetKind}/${h.targetName}`),
  budgetsByNamespace: listsBy(viewsOf('pdb'), inNamespace),
  endpointsByService: listsBy(viewsOf('endpoints'), (e, r) => `${r.namespace}/${e.serviceName}`),
  attachmentsByName: listsBy(viewsOf('nad'), nameInNamespace),
  gatewaysByName: listsBy(viewsOf('gateway'), nameInNamespace),
  gatewaysByNamespace: listsBy(viewsOf('gateway'), inNamespace),
  grantsByNamespace: listsBy(viewsOf('grant'), inNamespace),
  /** Custom resources of kinds nobody describes, which may create pods and Services (model/producers.ts). */
  hiddenProducersByNamespace: listsBy(viewsOf('hidden'), (r) => r.namespace ?? 'default'),
  resourcesById: listsBy(everyInstance, (r) => r.id),
  resourcesByNamespace: listsBy(everyInstance, (r) => r.namespace ?? ''),
  resourcesByDirectory: listsBy(everyInstance, (r) => directoryOf(r.file)),
  resourcesByBuild: listsBy(everyInstance, (r) => r.build),
  // Built on first use: cluster-wide claims compared among what is applied together, and policies.
  servicesByPlace: listsBy(viewsOf('service'), (s) => placeKey(s.resource), { lazy: true }),
  hostClaimersByPlace: listsBy(viewsOf('workload'), (w) => (claimsHostPorts(w) ? placeKey(w.resource) : undefined), {
    lazy: true,
  }),
  policiesByNamespace: listsBy(viewsOf('policy'), inNamespace, { lazy: true }),
  /** Ingresses by deploy unit and each host and path they claim (ingress-host-path-conflict). */
  ingressesByClaim: listsBy(
    viewsOf('ingress'),
    (i, r) => (i.resource === r ? ingressClaimKeys(i, placeKey(r)) : undefined),
    { lazy: true },
  ),
};

export type IndexName = keyof typeof INDEXES;

/** What each index holds, as its table entry says. */
export type IndexTypes = { readonly [N in IndexName]: (typeof INDEXES)[N] extends Index<infer T> ? T : never };

/** The table with each entry's type written through IndexTypes, so that generic code over names keeps them. */
const TABLE: { readonly [N in IndexName]: Index<IndexTypes[N]> } = INDEXES;
const INDEX_NAMES = Object.keys(TABLE) as IndexName[];

/** Resources the full build indexes between two yields (TrafficGraph.steps). */
const RESOURCES_PER_STEP = 1024;

const NO_WRITERS: readonly Writer[] = [];

type Built = { -readonly [N in IndexName]?: IndexTypes[N] };

/** Writers of several indexes, each offered the instances whose typed view is of a kind it reads. */
class Dispatch {
  private readonly everyKind: Writer[] = [];
  private readonly byKind = new Map<TypedView['kind'], Writer[]>();
  private readonly finish: (() => void)[] = [];

  constructor(readonly built: Built) {}

  /** Starts an index's writer; its result lands in `built` when `done` is called. */
  start<N extends IndexName>(name: N, writer: IndexWriter<IndexTypes[N]>): void {
    const kinds = TABLE[name].kinds;
    if (kinds === 'every') this.everyKind.push(writer);
    else for (const kind of kinds) pushTo(this.byKind, kind, writer);
    this.finish.push(() => {
      this.built[name] = writer.done();
    });
  }

  add(r: Resource): void {
    const v = typedView(r);
    for (const w of this.everyKind) w.add(r, v);
    for (const w of this.byKind.get(v.kind) ?? NO_WRITERS) w.add(r, v);
  }

  remove(r: Resource): void {
    const v = typedView(r);
    for (const w of this.everyKind) w.remove(r, v);
    for (const w of this.byKind.get(v.kind) ?? NO_WRITERS) w.remove(r, v);
  }

  done(): Built {
    for (const f of this.finish) f();
    return this.built;
  }

  /** done, as steps: one index finished per step (finishing a list index merges its entries). */
  *doneSteps(): Generator<void, Built> {
    for (const f of this.finish) {
      f();
      yield;
    }
    return this.built;
  }
}

/**
 * The indexes of one graph: those built with it, and those built on first use (`of` builds them
 * over the graph's resources). A derived graph's indexes share the unchanged entries of these.
 */
export class GraphIndexes {
  private constructor(
    private readonly resources: readonly Resource[],
    private readonly built: Built,
  ) {}

  /** Builds every index that is not built on first use, yielding every RESOURCES_PER_STEP resources. */
  static *build(resources: readonly Resource[]): Generator<void, GraphIndexes> {
    const dispatch = new Dispatch({});
    for (const name of INDEX_NAMES) if (!TABLE[name].lazy) dispatch.start(name, TABLE[name].build());
    let step = 0;
    for (const r of resources) {
      if (++step % RESOURCES_PER_STEP === 0) yield;
      dispatch.add(r);
    }
    return new GraphIndexes(resources, dispatch.done());
  }

  /** Whether both have the index of that name built and it is the same object (no change reached it). */
  shares(other: GraphIndexes, name: IndexName): boolean {
    const mine = this.built[name];
    return mine !== undefined && mine === other.built[name];
  }

  /** The index of that name (built now when it is built on first use and was not yet). */
  of<N extends IndexName>(name: N): IndexTypes[N] {
    const found = this.built[name];
    if (found !== undefined) return found;
    const dispatch = new Dispatch(this.built);
    const writer = TABLE[name].build();
    dispatch.start(name, writer);
    for (const r of this.resources) dispatch.add(r);
    dispatch.done();
    return writer.done();
  }

  /**
   * The indexes of the new resource list, equal to what a build gives for it: removed entries are
   * dropped and added ones inserted at their place in resource order (by file position; entries of
   * one file keep their order). Indexes built on first use are derived when these have them.
   */
  *derive(resources: readonly Resource[], change: ResourceChange): Generator<void, GraphIndexes> {
    const applied: AppliedChange = { removed: new Set(change.removed), position: change.filePosition };
    const dispatch = new Dispatch({});
    for (const name of INDEX_NAMES) this.startUpdate(dispatch, name, applied);
    // Removals first: a re-read document's new instance has the same key as the old one. An edit
    // in a bundle changes thousands of instances: steps, as in build.
    let step = 0;
    for (const r of change.removed) {
      if (++step % RESOURCES_PER_STEP === 0) yield;
      dispatch.remove(r);
    }
    for (const r of change.added) {
      if (++step % RESOURCES_PER_STEP === 0) yield;
      dispatch.add(r);
    }
    return new GraphIndexes(resources, yield* dispatch.doneSteps());
  }

  private startUpdate<N extends IndexName>(dispatch: Dispatch, name: N, change: AppliedChange): void {
    const previous = this.built[name];
    if (previous !== undefined) dispatch.start(name, TABLE[name].update(previous, change));
  }
}

/** The instance an index entry belongs to: for an operator-made view, the custom resource that makes it. */
const resourceOf = (v: Listed): Resource => {
  const r = 'resource' in v ? v.resource : v;
  return r.producedBy ?? r;
};

/**
 * A list in resource order without the removed instances' entries and with the added ones at their
 * place: after every kept entry of an earlier file, or of an earlier or the same document of the
 * same file (added entries come in resource order; a file's kept instances may follow them, when
 * an edit in a bundle replaced a document in its middle).
 */
export function mergeInOrder<V extends Listed>(
  old: readonly V[],
  removed: ReadonlySet<Resource> | undefined,
  added: readonly V[],
  position: (file: string) => number,
): V[] {
  const order = resourceOrder(position);
  // A few changes in a long list (an edit among 100,000 resources): each found by binary search,
  // the list being in resource order, instead of a pass over every entry.
  const few = (n: number) => n * FEW_CHANGES_FACTOR < old.length;
  let kept: V[];
  if (!removed || removed.size === 0) kept = old.slice();
  else if (few(removed.size)) {
    kept = old.slice();
    for (const r of removed) {
      // Entries of one document (several builds, several views) are next to each other.
      for (let at = firstNotBefore(kept, r, order); at < kept.length && order(resourceOf(kept[at]), r) === 0;)
        if (removed.has(resourceOf(kept[at]))) kept.splice(at, 1);
        else at++;
    }
  } else kept = old.filter((v) => !removed.has(resourceOf(v)));
  if (added.length === 0) return kept;
  if (few(added.length)) return insertEach(kept, added, order);
  // One pass over both, each in resource order (an edit of a bundle adds thousands of entries:
  // inserting them one by one moved the whole list each time). The added entry's file position is
  // looked up once; a kept entry's once (lists hold thousands of entries).
  const out: V[] = [];
  let k = 0;
  for (let i = 0; i < added.length; i++) {
    const a = resourceOf(added[i]);
    if (i > 0 && order(a, resourceOf(added[i - 1])) < 0)
      return insertEach(out.concat(kept.slice(k)), added.slice(i), order);
    const at = position(a.file);
    for (; k < kept.length; k++) {
      const r = resourceOf(kept[k]);
      if (r.file === a.file ? order(r, a) > 0 : position(r.file) > at) break;
      out.push(kept[k]);
    }
    out.push(added[i]);
  }
  while (k < kept.length) out.push(kept[k++]);
  return out;
}

/** Changes at most a list's length divided by this are found by binary search (log2 of 100,000 is 17). */
const FEW_CHANGES_FACTOR = 32;

/** The first place in a list in resource order whose entry does not come before `r`. */
function firstNotBefore<V extends Listed>(
  list: readonly V[],
  r: Resource,
  order: (a: Resource, b: Resource) => number,
): number {
  return firstPlace(list, r, order, false);
}

/**
 * Binary search in a list in resource order: the first place whose entry comes after `r`, or, with
 * `pastEqual` false, the first whose entry does not come before it.
 */
function firstPlace<V extends Listed>(
  list: readonly V[],
  r: Resource,
  order: (a: Resource, b: Resource) => number,
  pastEqual: boolean,
): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const c = order(resourceOf(list[mid]), r);
    if (c < 0 || (pastEqual && c === 0)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Resource order: by file position, then by document and item (a file's instances follow its documents). */
function resourceOrder(position: (file: string) => number): (a: Resource, b: Resource) => number {
  return (a, b) => (a === b ? 0 : a.file !== b.file ? position(a.file) - position(b.file) : byDocument(a, b));
}

/** Added entries each inserted at its place on its own: a few, or (not expected) out of resource order. */
function insertEach<V extends Listed>(out: V[], added: readonly V[], order: (a: Resource, b: Resource) => number): V[] {
  // After entries of the same resource, so that a resource's entries keep the order they were added in.
  for (const v of added) out.splice(firstPlace(out, resourceOf(v), order, true), 0, v);
  return out;
}
