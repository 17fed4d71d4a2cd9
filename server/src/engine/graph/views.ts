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

export type TypedView =
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
