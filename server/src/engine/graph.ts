// The traffic graph: typed views of every resource instance, indexes by namespace and name, and the
// questions rules and queries ask (what a Service selects, where a port lands, what routes to a
// Service). Built once per analysis; all lookups are index hits, not scans of the workspace.
import { readAutoscaler, type Autoscaler } from './model/autoscaler';
import { readDisruptionBudget, type DisruptionBudget } from './model/disruptionBudget';
import { readEndpoints, type ManualEndpoints } from './model/endpoints';
import { readAttachmentDefinition, type AttachmentDefinition } from './model/multus';
import { readReferences, type ServiceReference } from './model/references';
import { readGateway, readReferenceGrant, readRoute, type Gateway, type ReferenceGrant, type Route } from './model/gateway';
import { allBackends, readIngress, type Ingress, type IngressBackend, type IngressPath } from './model/ingress';
import { readNetworkPolicy, type NetworkPolicy } from './model/networkPolicy';
import { apiGroup, directoryOf, keptTogether, type Resource } from './model/resource';
import { readService, type Service, type ServicePort } from './model/service';
import { declaresAnyPort, readWorkload, type Container, type ContainerPort, type Workload } from './model/workload';
import { selectorMayMatch, type Selector } from './selectors';

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
  | { kind: 'none' };

/** Service references per workload object, with what they were read from (see serviceReferences). */
const referenceCache = new WeakMap<Workload, { namespacesKey: string; configMaps: [string, string, Resource | undefined][]; refs: ServiceReference[] }>();

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

export class TrafficGraph {
  readonly workloads: readonly Workload[];
  readonly services: readonly Service[];
  readonly ingresses: readonly Ingress[];
  readonly networkPolicies: readonly NetworkPolicy[];
  readonly namespaces: ReadonlySet<string>;

  private readonly workloadByKey = new Map<string, Workload>();
  private readonly serviceByKey = new Map<string, Service>();
  private readonly ingressByKey = new Map<string, Ingress>();
  private readonly policyByKey = new Map<string, NetworkPolicy>();
  private readonly workloadsByNamespace = new Map<string, Workload[]>();
  private readonly servicesByName = new Map<string, Service[]>();
  private readonly resourcesById = new Map<string, Resource[]>();
  private readonly autoscalersByTarget = new Map<string, Autoscaler[]>();
  private readonly budgetsByNamespace = new Map<string, DisruptionBudget[]>();
  private readonly endpointsByService = new Map<string, ManualEndpoints[]>();
  private readonly attachmentsByName = new Map<string, AttachmentDefinition[]>();
  private readonly gatewaysByName = new Map<string, Gateway[]>();
  private gatewayCount = 0;
  private readonly routeByKey = new Map<string, Route>();
  private readonly grantsByNamespace = new Map<string, ReferenceGrant[]>();
  private attachmentCount = 0;
  private readonly selectedCache = new Map<Service, Workload[]>();
  private selectingIndex: Map<Workload, Service[]> | undefined;
  private routesIndex: Map<Service, BackendTarget[]> | undefined;
  private appliedTogetherIndex: Map<Resource, Resource[]> | undefined;
  private servicesByPlace: Map<string, Service[]> | undefined;
  private policiesByNamespace: Map<string, NetworkPolicy[]> | undefined;
  private namespacesKeyMemo: string | undefined;
  private readonly policiesSelectingCache = new Map<Workload, NetworkPolicy[]>();
  private workloadsByPlace: Map<string, Workload[]> | undefined;

  /**
   * @param templateDirs directories holding files skipped as templates (Helm, `{{ }}`): pods they
   *   would create are invisible, so selections near them cannot be judged.
   */
  constructor(
    readonly resources: readonly Resource[],
    private readonly templateDirs: ReadonlySet<string> = new Set(),
  ) {
    const workloads: Workload[] = [];
    const services: Service[] = [];
    const ingresses: Ingress[] = [];
    const policies: NetworkPolicy[] = [];
    const namespaces = new Set<string>();
    for (const r of resources) {
      if (r.namespace) namespaces.add(r.namespace);
      if (r.kind === 'Namespace') namespaces.add(r.name);
      push(this.resourcesById, r.id, r);
      const v = typedView(r);
      switch (v.kind) {
        case 'workload':
          workloads.push(v.view);
          this.workloadByKey.set(r.key, v.view);
          push(this.workloadsByNamespace, v.view.template.namespace, v.view);
          break;
        case 'service':
          services.push(v.view);
          this.serviceByKey.set(r.key, v.view);
          push(this.servicesByName, `${r.namespace}/${r.name}`, v.view);
          break;
        case 'ingress':
          ingresses.push(v.view);
          this.ingressByKey.set(r.key, v.view);
          break;
        case 'policy':
          policies.push(v.view);
          this.policyByKey.set(r.key, v.view);
          break;
        case 'hpa':
          push(this.autoscalersByTarget, `${r.namespace}/${v.view.targetKind}/${v.view.targetName}`, v.view);
          break;
        case 'pdb':
          push(this.budgetsByNamespace, r.namespace ?? 'default', v.view);
          break;
        case 'endpoints':
          push(this.endpointsByService, `${r.namespace}/${v.view.serviceName}`, v.view);
          break;
        case 'gateway':
          push(this.gatewaysByName, `${r.namespace}/${r.name}`, v.view);
          this.gatewayCount++;
          break;
        case 'route':
          this.routeByKey.set(r.key, v.view);
          break;
        case 'grant':
          push(this.grantsByNamespace, r.namespace ?? 'default', v.view);
          break;
        case 'nad':
          push(this.attachmentsByName, `${r.namespace}/${r.name}`, v.view);
          this.attachmentCount++;
          break;
      }
    }
    this.workloads = workloads;
    this.services = services;
    this.ingresses = ingresses;
    this.networkPolicies = policies;
    this.namespaces = namespaces;
  }

  workload(r: Resource): Workload | undefined {
    return this.workloadByKey.get(r.key);
  }

  service(r: Resource): Service | undefined {
    return this.serviceByKey.get(r.key);
  }

  ingress(r: Resource): Ingress | undefined {
    return this.ingressByKey.get(r.key);
  }

  networkPolicy(r: Resource): NetworkPolicy | undefined {
    return this.policyByKey.get(r.key);
  }

  /**
   * Whether "selects nothing" can be concluded for a selector in this namespace: the workspace must
   * define some pod template there kept with the selecting file (else its pods are deployed by
   * something we do not see: an operator, a Helm release, another repository's manifests), and no
   * unrendered template may sit beside the selecting file. Some such template must use one of the
   * selector's label keys.
   */
  canJudgeSelectionIn(namespace: string, file: string, selectorKeys: readonly string[]): boolean {
    if (this.templateDirs.has(directoryOf(file))) return false;
    // A selector whose keys no template kept with it uses follows a labelling scheme this
    // workspace does not define (a Helm chart's app.kubernetes.io/name beside manifests that use
    // app): its pods come from elsewhere.
    return this.workloadsIn(namespace).some(
      (w) => keptTogether(w.resource.file, file) && (selectorKeys.length === 0 || selectorKeys.some((k) => k in w.template.labels.declared)),
    );
  }

  /**
   * Every definition of this resource's object (group, kind, namespace, name) that is applied
   * together with it: the same kustomize build, or for resources outside builds, the same file.
   * Ordered by file and position, so the first entry is the first definition.
   */
  definitionsAppliedWith(resource: Resource): readonly Resource[] {
    if (!this.appliedTogetherIndex) {
      // Indexed by resource object (the string keys are not kept): rules ask about their own resource.
      const byKey = new Map<string, Resource[]>();
      for (const r of this.resources) push(byKey, appliedTogetherKey(r), r);
      this.appliedTogetherIndex = new Map();
      for (const list of byKey.values()) {
        if (list.length > 1) list.sort(byPosition);
        for (const r of list) this.appliedTogetherIndex.set(r, list);
      }
    }
    const found = this.appliedTogetherIndex.get(resource);
    if (found) return found;
    const key = appliedTogetherKey(resource);
    return this.resources.filter((r) => appliedTogetherKey(r) === key).sort(byPosition);
  }

  /**
   * Other Services applied together with this one, whatever their namespace: those in the same
   * file or the same kustomize build. Cluster-wide claims (node ports, cluster IPs) are compared
   * among these only, because repositories keep alternative variants of an app in separate files
   * (an IPv4 and an IPv6 variant side by side) that are never applied to one cluster together.
   */
  servicesAppliedNear(service: Service): Service[] {
    if (!this.servicesByPlace) {
      this.servicesByPlace = new Map();
      for (const s of this.services) for (const key of placeKeys(s.resource)) push(this.servicesByPlace, key, s);
    }
    const out = new Set<Service>();
    for (const key of placeKeys(service.resource)) for (const s of this.servicesByPlace.get(key) ?? []) if (s.resource.id !== service.resource.id) out.add(s);
    return [...out];
  }

  /** Other workloads applied together with this one (same file or build), any namespace. */
  workloadsAppliedNear(workload: Workload): Workload[] {
    if (!this.workloadsByPlace) {
      this.workloadsByPlace = new Map();
      for (const w of this.workloads) for (const key of placeKeys(w.resource)) push(this.workloadsByPlace, key, w);
    }
    const out = new Set<Workload>();
    for (const key of placeKeys(workload.resource)) for (const w of this.workloadsByPlace.get(key) ?? []) if (w.resource.id !== workload.resource.id) out.add(w);
    return [...out];
  }

  private controllersMemo: { key: string; workloads: Workload[] } | undefined;

  /**
   * The ingress controller's pod templates: workloads in the given namespaces, and controllers
   * recognised by their labels (app.kubernetes.io/component=controller, a name with "ingress").
   */
  ingressControllers(namespaces: readonly string[]): readonly Workload[] {
    const key = namespaces.join(',');
    if (this.controllersMemo?.key !== key) {
      const workloads = this.workloads.filter(
        (w) =>
          namespaces.includes(w.template.namespace) ||
          (w.template.labels.declared['app.kubernetes.io/component'] === 'controller' && /ingress/.test(w.template.labels.declared['app.kubernetes.io/name'] ?? '')),
      );
      this.controllersMemo = { key, workloads };
    }
    return this.controllersMemo.workloads;
  }

  /** PodDisruptionBudgets whose selector matches this workload's pods. */
  disruptionBudgetsFor(workload: Workload): readonly DisruptionBudget[] {
    return (this.budgetsByNamespace.get(workload.template.namespace) ?? []).filter((b) => selectorMayMatch(b.selector, workload.template.labels));
  }

  /** NetworkPolicies whose podSelector matches this workload's pods. */
  policiesSelecting(workload: Workload): readonly NetworkPolicy[] {
    let cached = this.policiesSelectingCache.get(workload);
    if (!cached) {
      if (!this.policiesByNamespace) {
        this.policiesByNamespace = new Map();
        for (const p of this.networkPolicies) push(this.policiesByNamespace, p.resource.namespace ?? 'default', p);
      }
      cached = (this.policiesByNamespace.get(workload.template.namespace) ?? []).filter((p) => selectorMayMatch(p.podSelector, workload.template.labels));
      this.policiesSelectingCache.set(workload, cached);
    }
    return cached;
  }

  /** Hand-managed Endpoints and EndpointSlices of a selector-less Service. */
  manualEndpointsOf(service: Service): readonly ManualEndpoints[] {
    return this.endpointsByService.get(`${service.resource.namespace}/${service.resource.name}`) ?? [];
  }

  /** Every Gateway API route instance. */
  get routes(): readonly Route[] {
    return [...this.routeByKey.values()];
  }

  route(r: Resource): Route | undefined {
    return this.routeByKey.get(r.key);
  }

  gatewaysNamed(namespace: string, name: string): readonly Gateway[] {
    return this.gatewaysByName.get(`${namespace}/${name}`) ?? [];
  }

  get hasGateways(): boolean {
    return this.gatewayCount > 0;
  }

  referenceGrantsIn(namespace: string): readonly ReferenceGrant[] {
    return this.grantsByNamespace.get(namespace) ?? [];
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
    if (cached && cached.namespacesKey === namespacesKey && cached.configMaps.every(([ns, name, r]) => lookup(ns, name) === r)) return cached.refs;
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
    return this.attachmentsByName.get(`${namespace}/${name}`) ?? [];
  }

  /** All NetworkAttachmentDefinitions of that name, in any namespace. */
  attachmentDefinitionsNamed(name: string): readonly AttachmentDefinition[] {
    return [...this.attachmentsByName.entries()].filter(([k]) => k.endsWith(`/${name}`)).flatMap(([, v]) => v);
  }

  /** Whether the workspace defines any NetworkAttachmentDefinition at all. */
  get hasAttachmentDefinitions(): boolean {
    return this.attachmentCount > 0;
  }

  /** HorizontalPodAutoscalers that scale this workload. */
  autoscalersOf(workload: Workload): readonly Autoscaler[] {
    const r = workload.resource;
    return this.autoscalersByTarget.get(`${r.namespace}/${r.kind}/${r.name}`) ?? [];
  }

  /** All instances with this id (`Kind/ns/name`). */
  resourcesWithId(id: string): readonly Resource[] {
    return this.resourcesById.get(id) ?? [];
  }

  workloadsIn(namespace: string): readonly Workload[] {
    return this.workloadsByNamespace.get(namespace) ?? [];
  }

  servicesNamed(namespace: string, name: string): readonly Service[] {
    return this.servicesByName.get(`${namespace}/${name}`) ?? [];
  }

  /** Pod templates in the Service's namespace whose pods its selector can match. */
  workloadsSelectedBy(service: Service): readonly Workload[] {
    const cached = this.selectedCache.get(service);
    if (cached) return cached;
    const selector = service.selector;
    const selected = selector ? this.workloadsIn(service.resource.namespace ?? 'default').filter((w) => selectorMayMatch(selector, w.template.labels)) : [];
    this.selectedCache.set(service, selected);
    return selected;
  }

  /** Pod templates in a namespace that a LabelSelector can match. */
  workloadsSelecting(selector: Selector, namespace: string): readonly Workload[] {
    return this.workloadsIn(namespace).filter((w) => selectorMayMatch(selector, w.template.labels));
  }

  /** Services whose selectors match this workload's pods. */
  servicesSelecting(workload: Workload): readonly Service[] {
    if (!this.selectingIndex) {
      this.selectingIndex = new Map();
      for (const s of this.services) for (const w of this.workloadsSelectedBy(s)) push(this.selectingIndex, w, s);
    }
    return this.selectingIndex.get(workload) ?? [];
  }

  /** Ingress backends that name this Service. */
  routesTo(service: Service): readonly BackendTarget[] {
    if (!this.routesIndex) {
      this.routesIndex = new Map();
      for (const ingress of this.ingresses) {
        for (const target of this.backendTargets(ingress)) for (const s of target.services) push(this.routesIndex, s, target);
      }
    }
    return this.routesIndex.get(service) ?? [];
  }

  backendTargets(ingress: Ingress): BackendTarget[] {
    const ns = ingress.resource.namespace ?? 'default';
    return allBackends(ingress)
      .filter(({ backend }) => !backend.isControllerAction)
      .map(({ backend, path }) => {
        const services = this.servicesNamed(ns, backend.serviceName);
        return { ingress, backend, path, services, ports: services.map((service) => ({ service, port: findServicePort(service, backend.port) })) };
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
    if (typeof port.targetPort === 'string') {
      let sameNameOtherProtocol: { container: Container; declared: ContainerPort } | undefined;
      for (const container of containers) {
        for (const declared of container.ports) {
          if (declared.name !== port.targetPort) continue;
          if (declared.protocol === port.protocol) return { workload, status: 'resolved', container, declared, containerPort: declared.containerPort };
          sameNameOtherProtocol ??= { container, declared };
        }
      }
      if (sameNameOtherProtocol) return { ...base, ...sameNameOtherProtocol, status: 'protocol-mismatch', containerPort: undefined };
      return { ...base, status: 'name-unresolved' };
    }
    let otherProtocol: { container: Container; declared: ContainerPort } | undefined;
    for (const container of containers) {
      for (const declared of container.ports) {
        if (declared.containerPort !== port.targetPort) continue;
        if (declared.protocol === port.protocol) return { workload, status: 'resolved', container, declared, containerPort: declared.containerPort };
        otherProtocol ??= { container, declared };
      }
    }
    if (otherProtocol) return { ...base, ...otherProtocol, status: 'protocol-mismatch', containerPort: port.targetPort };
    return { ...base, containerPort: port.targetPort, status: declaresAnyPort(workload.template) ? 'undeclared' : 'assumed' };
  }
}

/** The Service port an Ingress or route backend port refers to: by number, or by the port's name. */
export function findServicePort(service: Service, port: number | string | undefined): ServicePort | undefined {
  if (port === undefined) return service.ports.length === 1 ? service.ports[0] : undefined;
  return service.ports.find((p) => (typeof port === 'number' ? p.port === port : p.name === port));
}

function byPosition(a: Resource, b: Resource): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.span.start - b.span.start;
}

function placeKeys(r: Resource): string[] {
  const keys = [`file:${r.file}`];
  if (r.build !== undefined) keys.push(`build:${r.build}`);
  return keys;
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
