// What rules apply to: typed views of a resource (a workload's pod template, a Service, a route, a
// NetworkPolicy ...), each read from the graph or the model in one place. A rule declares a check
// per view it judges (Rule.check); the registry calls each with the view of every resource that has
// it. A rule over workloads therefore covers every kind model/workload.ts reads (the built-in
// controllers, Argo Rollouts, OpenShift DeploymentConfigs, any custom resource with a pod template)
// without listing kinds, and a new view is one entry here.
import type { TrafficGraph } from '../graph';
import { typedView, viewOfKind } from '../graph/views';
import type { DisruptionBudget } from '../model/disruptionBudget';
import { ROUTE_KINDS, type Route } from '../model/gateway';
import type { Ingress } from '../model/ingress';
import { readVirtualService, type VirtualServiceView } from '../model/istio';
import { readMonitor, type Monitor } from '../model/monitor';
import type { AttachmentDefinition } from '../model/multus';
import type { NetworkPolicy } from '../model/networkPolicy';
import { OwnFact } from '../model/ownFacts';
import { apiGroup, type Resource } from '../model/resource';
import type { Service } from '../model/service';
import type { Workload } from '../model/workload';

export interface RuleViews {
  /** Every resource instance, as written (rules that judge fields of several kinds or any kind). */
  readonly resource: Resource;
  /** A pod template and what runs it: every kind model/workload.ts reads, built-in or custom. */
  readonly workload: Workload;
  /** A StatefulSet's pod template: the workloads with a governing Service (spec.serviceName). */
  readonly statefulSet: Workload;
  /** A core v1 Service. */
  readonly service: Service;
  /** An Ingress (networking.k8s.io/v1 and the beta shapes). */
  readonly ingress: Ingress;
  /** A networking.k8s.io/v1 NetworkPolicy. */
  readonly policy: NetworkPolicy;
  /** A Gateway API route (model/gateway.ts ROUTE_KINDS). */
  readonly route: Route;
  /** A PodDisruptionBudget (policy/*). */
  readonly budget: DisruptionBudget;
  /** An autoscaler with a scaleTargetRef: a HorizontalPodAutoscaler (autoscaling/*) or a KEDA ScaledObject. */
  readonly scaler: Resource;
  /** A Prometheus operator ServiceMonitor or PodMonitor. */
  readonly monitor: Monitor;
  /** An Istio VirtualService. */
  readonly virtualService: VirtualServiceView;
  /** A Multus NetworkAttachmentDefinition. */
  readonly attachment: AttachmentDefinition;
}

export type ViewName = keyof RuleViews;

interface ViewReader<V> {
  /** The only kinds that may have the view (a cheap test before reading); undefined: any kind. */
  readonly kinds?: ReadonlySet<string>;
  read(graph: TrafficGraph, resource: Resource): V | undefined;
}

const kinds = (...names: string[]) => new Set(names);

// Views the graph does not read: read once per instance, with its other own facts (model/ownFacts.ts).
const MONITOR_KINDS = kinds('ServiceMonitor', 'PodMonitor');
const monitorView = new OwnFact(MONITOR_KINDS, readMonitor);
const VIRTUAL_SERVICE_KINDS = kinds('VirtualService');
const virtualServiceView = new OwnFact(VIRTUAL_SERVICE_KINDS, readVirtualService);

/** How each view is read; the order is the order in which a rule's checks run on one resource. */
export const VIEWS: { readonly [V in ViewName]: ViewReader<RuleViews[V]> } = {
  resource: { read: (_, r) => r },
  workload: { read: (g, r) => g.workload(r) },
  statefulSet: { kinds: kinds('StatefulSet'), read: (g, r) => g.workload(r) },
  service: { kinds: kinds('Service'), read: (g, r) => g.service(r) },
  ingress: { kinds: kinds('Ingress'), read: (g, r) => g.ingress(r) },
  policy: { kinds: kinds('NetworkPolicy'), read: (g, r) => g.networkPolicy(r) },
  route: { kinds: ROUTE_KINDS, read: (g, r) => g.route(r) },
  // The graph's cached view: three rules judge each budget, and the selector they ask about is then
  // one object (TrafficGraph.workloadsSelecting answers once per selector).
  budget: { kinds: kinds('PodDisruptionBudget'), read: (_, r) => viewOfKind(typedView(r), 'pdb') },
  scaler: {
    kinds: kinds('HorizontalPodAutoscaler', 'ScaledObject'),
    read: (_, r) =>
      (r.kind === 'HorizontalPodAutoscaler' && r.apiVersion.startsWith('autoscaling/')) ||
      (r.kind === 'ScaledObject' && apiGroup(r.apiVersion) === 'keda.sh')
        ? r
        : undefined,
  },
  monitor: { kinds: MONITOR_KINDS, read: (_, r) => monitorView.of(r) },
  virtualService: { kinds: VIRTUAL_SERVICE_KINDS, read: (_, r) => virtualServiceView.of(r) },
  attachment: { kinds: kinds('NetworkAttachmentDefinition'), read: (_, r) => viewOfKind(typedView(r), 'nad') },
};

export const VIEW_NAMES = Object.keys(VIEWS) as ViewName[];

/** The view of a resource, if it has it. */
export function viewOf<V extends ViewName>(graph: TrafficGraph, resource: Resource, name: V): RuleViews[V] | undefined {
  const reader: ViewReader<RuleViews[V]> = VIEWS[name];
  return reader.kinds && !reader.kinds.has(resource.kind) ? undefined : reader.read(graph, resource);
}
