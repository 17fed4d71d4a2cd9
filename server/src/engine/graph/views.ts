// Typed views of a resource instance (a Workload, a Service, what an operator makes from a custom
// resource...): read once per resource object, by the first reader that recognises it.
import { readAutoscaler, type Autoscaler } from '../model/autoscaler';
import { readDisruptionBudget, type DisruptionBudget } from '../model/disruptionBudget';
import { readEndpoints, type ManualEndpoints } from '../model/endpoints';
import {
  readGateway,
  readReferenceGrant,
  readRoute,
  type Gateway,
  type ReferenceGrant,
  type Route,
} from '../model/gateway';
import { readIngress, type Ingress } from '../model/ingress';
import { readAttachmentDefinition, type AttachmentDefinition } from '../model/multus';
import { readNetworkPolicy, type NetworkPolicy } from '../model/networkPolicy';
import { producerClass, readProduced, type ProducedViews } from '../model/producers';
import type { Resource } from '../model/resource';
import { readService, type Service } from '../model/service';
import { readWorkload, type Workload } from '../model/workload';

/** The typed view each kind of instance has. */
export interface ViewKinds {
  workload: Workload;
  service: Service;
  ingress: Ingress;
  policy: NetworkPolicy;
  hpa: Autoscaler;
  pdb: DisruptionBudget;
  endpoints: ManualEndpoints;
  nad: AttachmentDefinition;
  gateway: Gateway;
  route: Route;
  grant: ReferenceGrant;
  /** What an operator in the table makes from a custom resource (model/operators.ts). */
  produced: ProducedViews;
  /** A custom resource of a kind nobody describes, which may create pods and Services (model/producers.ts). */
  hidden: Resource;
}

export type ViewKind = keyof ViewKinds;

/** The view of kind K with its kind (for K a union, one of them). */
type ViewOfKind<K extends ViewKind> = { [P in K]: { readonly kind: P; readonly view: ViewKinds[P] } }[K];

/** An instance's typed view, or none. */
export type TypedView = ViewOfKind<ViewKind> | { readonly kind: 'none' };

/** Typed views depend only on the resource, so they are read once per resource object. */
const viewCache = new WeakMap<Resource, TypedView>();

/** Readers of the typed views, tried in order; the first that recognises the resource wins. */
const VIEW_READERS: readonly ((r: Resource) => TypedView | undefined)[] = [
  reader('workload', readWorkload),
  reader('service', readService),
  reader('ingress', readIngress),
  reader('policy', readNetworkPolicy),
  reader('hpa', readAutoscaler),
  reader('pdb', readDisruptionBudget),
  reader('endpoints', readEndpoints),
  reader('nad', readAttachmentDefinition),
  reader('gateway', readGateway),
  reader('route', readRoute),
  reader('grant', readReferenceGrant),
  reader('produced', readProduced),
  reader('hidden', (r) => (producerClass(r) === 'unknown' ? r : undefined)),
];

function reader<K extends ViewKind>(
  kind: K,
  read: (r: Resource) => ViewKinds[K] | undefined,
): (r: Resource) => ViewOfKind<K> | undefined {
  return (r) => {
    const view = read(r);
    return view === undefined ? undefined : { kind, view };
  };
}

export function typedView(r: Resource): TypedView {
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

/** The view of that kind, when the instance's typed view is one. */
export function viewOfKind<K extends ViewKind>(v: TypedView, kind: K): ViewKinds[K] | undefined {
  // v.kind === kind makes v a ViewOfKind<K>, a narrowing TypeScript does not do for a generic K.
  return v.kind === kind ? (v as ViewOfKind<K>).view : undefined;
}

/**
 * Where an index finds its values: in one instance's typed view, the views of some kinds (an index
 * is offered only instances whose typed view is of those kinds), or the instance itself ('every').
 */
export interface ViewSource<V> {
  readonly kinds: readonly ViewKind[] | 'every';
  each(r: Resource, v: TypedView, found: (value: V, r: Resource) => void): void;
}

/** Every instance. */
export const everyInstance: ViewSource<Resource> = { kinds: 'every', each: (r, _v, found) => found(r, r) };

/** Instances' own views of one kind (not what operators make). */
export function viewsOf<K extends ViewKind>(kind: K): ViewSource<ViewKinds[K]> {
  return {
    kinds: [kind],
    each(r, v, found) {
      const view = viewOfKind(v, kind);
      if (view !== undefined) found(view, r);
    },
  };
}

/** Pod templates: of workloads, and those operators make from custom resources. */
export const everyWorkload: ViewSource<Workload> = {
  kinds: ['workload', 'produced'],
  each(r, v, found) {
    if (v.kind === 'workload') found(v.view, r);
    else if (v.kind === 'produced') for (const w of v.view.workloads) found(w, r);
  },
};

/** Services: defined, and those operators make from custom resources. */
export const everyService: ViewSource<Service> = {
  kinds: ['service', 'produced'],
  each(r, v, found) {
    if (v.kind === 'service') found(v.view, r);
    else if (v.kind === 'produced') for (const s of v.view.services) found(s, r);
  },
};
