// The traffic graph: typed views of every resource instance, indexes by namespace and name, and the
// questions rules and queries ask (what a Service selects, where a port lands, what routes to a
// Service). Built once per analysis (in steps: TrafficGraph.steps), or derived from the previous
// analysis's graph when the load says which instances were removed and added: the new graph shares
// the previous one's index maps and layers the changed keys over them, so a one-document edit
// costs a few index entries instead of 20,000. All lookups are index hits, not scans of the workspace.
import { pushTo } from '../arrays';
import { runToEnd, type ResourceChange } from '../incremental';
import { INDEX_FROM, LabelIndex } from '../labelIndex';
import type { Autoscaler } from '../model/autoscaler';
import type { DisruptionBudget } from '../model/disruptionBudget';
import type { ManualEndpoints } from '../model/endpoints';
import type { Gateway, ReferenceGrant, Route } from '../model/gateway';
import { allBackends, type Ingress, type IngressBackend, type IngressPath } from '../model/ingress';
import type { AttachmentDefinition } from '../model/multus';
import type { NetworkPolicy } from '../model/networkPolicy';
import type { ProducedViews } from '../model/producers';
import { readReferences, type ServiceReference } from '../model/references';
import { directoryOf, keptTogether, type Resource } from '../model/resource';
import { albActionsOf } from '../model/rollout';
import { servicePortFor, type Service, type ServicePort } from '../model/service';
import type { Workload } from '../model/workload';
import { selectorMayMatch, type Selector } from '../selectors';
import { appliedTogetherKey, byPosition, oneCopyEach, placeKey } from './deployUnits';
import { GraphIndexes, mergeInOrder } from './indexes';
import { resolveServicePort, type PortResolution } from './ports';
import { typedView, viewOfKind } from './views';

export interface BackendTarget {
  readonly ingress: Ingress;
  readonly backend: IngressBackend;
  readonly path: IngressPath | undefined;
  /** Services of that name in the Ingress's namespace (several when variants of an app coexist). */
  readonly services: readonly Service[];
  /** The service ports the backend port picks, per service. */
  readonly ports: readonly { service: Service; port: ServicePort | undefined }[];
}

/** Service references per workload object, with what they were read from (see serviceReferences). */
const referenceCache = new WeakMap<
  Workload,
  { namespacesKey: string; configMaps: [string, string, Resource | undefined][]; refs: ServiceReference[] }
>();

const NO_INGRESSES: readonly Ingress[] = Object.freeze([]);

export class TrafficGraph {
  readonly workloads: readonly Workload[];
  readonly services: readonly Service[];
  readonly ingresses: readonly Ingress[];
  readonly networkPolicies: readonly NetworkPolicy[];
  /** The indexes, for a graph derived from this one. */
  private readonly ix: GraphIndexes;

  private readonly selectedCache = new Map<Service, readonly Workload[]>();
  private readonly selectingCache = new Map<Workload, Service[]>();
  private readonly targetsCache = new Map<Ingress, BackendTarget[]>();
  private namespaceSet: ReadonlySet<string> | undefined;
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
    this.ix = indexes ?? runToEnd(GraphIndexes.build(resources));
    this.workloads = this.ix.of('workloads');
    this.services = this.ix.of('services');
    this.ingresses = this.ix.of('ingresses');
    this.networkPolicies = this.ix.of('networkPolicies');
  }

  /** Namespaces named by some resource (in metadata, or as a Namespace object). */
  get namespaces(): ReadonlySet<string> {
    // Only membership is read (has, sorted keys): a derived graph's order may differ from a fresh build's.
    return (this.namespaceSet ??= new Set(this.ix.of('namespaceCounts').keys()));
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
    if (!previous) return new TrafficGraph(resources, templateDirs, yield* GraphIndexes.build(resources));
    const indexes = yield* previous.graph.ix.derive(resources, previous.change);
    const graph = new TrafficGraph(resources, templateDirs, indexes);
    graph.inheritControllers(previous.graph, previous.change);
    return graph;
  }

  workload(r: Resource): Workload | undefined {
    return this.ix.of('workloadByKey').get(r.key);
  }

  service(r: Resource): Service | undefined {
    return this.ix.of('serviceByKey').get(r.key);
  }

  ingress(r: Resource): Ingress | undefined {
    return this.ix.of('ingressByKey').get(r.key);
  }

  /** What an operator in the table makes from this custom resource (model/operators.ts). */
  produced(r: Resource): ProducedViews | undefined {
    const v = typedView(r);
    return v.kind === 'produced' ? v.view : undefined;
  }

  networkPolicy(r: Resource): NetworkPolicy | undefined {
    return this.ix.of('policyByKey').get(r.key);
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

  /**
   * Whether resources the workspace does not show may be applied with this file: it lies in a
   * directory of templates, of files too large to read, or of a kustomize build with remote,
   * chart-inflated or missing entries.
   */
  hidesResourcesNear(file: string): boolean {
    return this.templateDirs.has(directoryOf(file));
  }

  canJudgeSelectionIn(namespace: string, file: string, selectorKeys: readonly string[]): boolean {
    if (this.hidesResourcesNear(file)) return false;
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
    const out = new Set<Service>();
    for (const s of this.ix.of('servicesByPlace').get(placeKey(service.resource)) ?? [])
      if (s.resource.id !== service.resource.id) out.add(s);
    return [...out];
  }

  /**
   * Other workloads applied together with this one that claim host ports (hostNetwork with
   * container ports, or hostPorts): indexed apart, so that a file of thousands of ordinary
   * workloads costs nothing here.
   */
  hostPortWorkloadsAppliedNear(workload: Workload): Workload[] {
    const out = new Set<Workload>();
    for (const w of this.ix.of('hostClaimersByPlace').get(placeKey(workload.resource)) ?? [])
      if (w.resource.id !== workload.resource.id && !w.rejected) out.add(w); // a rejected workload never runs
    return [...out];
  }

  /**
   * Whether every answer of that question is the one `previous` gave (the index it reads is the
   * same object: no change reached it), so that the Analyzer need not ask each again. False when
   * it cannot tell.
   */
  answersAsIn(previous: TrafficGraph, question: string): boolean {
    return question === 'ingressesClaimingNear' && this.ix.shares(previous.ix, 'ingressesByClaim');
  }

  /**
   * The Ingresses applied together with this resource (its kustomize build, or its file outside
   * builds) that claim a host and path (an IngressClaim key), in resource order.
   */
  ingressesClaimingNear(resource: Resource, claim: string): readonly Ingress[] {
    // One empty answer: the read scope 'answer' compares answers by identity.
    return this.ix.of('ingressesByClaim').get(`${placeKey(resource)}\u0000${claim}`) ?? NO_INGRESSES;
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
   * The ingress controllers' memo, taken over from the graph this one was derived from when that
   * one had it, with the change applied (the same list a fresh filter would give).
   */
  private inheritControllers(previous: TrafficGraph, change: ResourceChange): void {
    const memo = previous.controllersMemo;
    if (!memo) return;
    const ownWorkloads = (rs: readonly Resource[]) => {
      const out: Workload[] = [];
      for (const r of rs) {
        const w = viewOfKind(typedView(r), 'workload');
        if (w) out.push(w);
      }
      return out;
    };
    const added = ownWorkloads(change.added).filter((w) => isIngressController(w, memo.namespaces));
    const changed = added.length > 0 || ownWorkloads(change.removed).some((w) => memo.workloads.includes(w));
    this.controllersMemo = changed
      ? { ...memo, workloads: mergeInOrder(memo.workloads, new Set(change.removed), added, change.filePosition) }
      : memo;
  }

  /** PodDisruptionBudgets whose selector matches this workload's pods. */
  disruptionBudgetsFor(workload: Workload): readonly DisruptionBudget[] {
    return (this.ix.of('budgetsByNamespace').get(workload.template.namespace) ?? []).filter((b) =>
      selectorMayMatch(b.selector, workload.template.labels),
    );
  }

  /** NetworkPolicies whose podSelector matches this workload's pods. */
  policiesSelecting(workload: Workload): readonly NetworkPolicy[] {
    let cached = this.policiesSelectingCache.get(workload);
    if (!cached) {
      cached = (this.ix.of('policiesByNamespace').get(workload.template.namespace) ?? []).filter((p) =>
        selectorMayMatch(p.podSelector, workload.template.labels),
      );
      this.policiesSelectingCache.set(workload, cached);
    }
    return cached;
  }

  /** Hand-managed Endpoints and EndpointSlices of a selector-less Service. */
  manualEndpointsOf(service: Service): readonly ManualEndpoints[] {
    return this.ix.of('endpointsByService').get(`${service.resource.namespace}/${service.resource.name}`) ?? [];
  }

  /** Every Gateway API route instance. */
  get routes(): readonly Route[] {
    return this.ix.of('routes');
  }

  route(r: Resource): Route | undefined {
    return this.ix.of('routeByKey').get(r.key);
  }

  gatewaysNamed(namespace: string, name: string): readonly Gateway[] {
    return this.ix.of('gatewaysByName').get(`${namespace}/${name}`) ?? [];
  }

  gatewaysIn(namespace: string): readonly Gateway[] {
    return this.ix.of('gatewaysByNamespace').get(namespace) ?? [];
  }

  /** Whether the workspace holds Cilium or Calico policy resources, which may allow what NetworkPolicies do not. */
  get hasCniPolicies(): boolean {
    return (this.ix.of('cniPolicyCounts').get('cni') ?? 0) > 0;
  }

  get hasGateways(): boolean {
    return this.ix.of('gateways').length > 0;
  }

  referenceGrantsIn(namespace: string): readonly ReferenceGrant[] {
    return this.ix.of('grantsByNamespace').get(namespace) ?? [];
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
    return placeKey(a) === placeKey(b);
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
    return this.ix.of('hiddenProducersByNamespace').get(namespace) ?? [];
  }

  /** Services of a namespace, operator-made ones included, in resource order. */
  servicesIn(namespace: string): readonly Service[] {
    return this.ix.of('servicesByNamespace').get(namespace) ?? [];
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
    return this.ix.of('attachmentsByName').get(`${namespace}/${name}`) ?? [];
  }

  /** All NetworkAttachmentDefinitions of that name, in any namespace. */
  attachmentDefinitionsNamed(name: string): readonly AttachmentDefinition[] {
    // Grouped by namespace/name in order of first definition, as an index by that key lists them.
    const groups = new Map<string, AttachmentDefinition[]>();
    for (const a of this.ix.of('attachments')) {
      const key = `${a.resource.namespace}/${a.resource.name}`;
      if (key.endsWith(`/${name}`)) pushTo(groups, key, a);
    }
    return [...groups.values()].flat();
  }

  /** Whether the workspace defines any NetworkAttachmentDefinition at all. */
  get hasAttachmentDefinitions(): boolean {
    return this.ix.of('attachments').length > 0;
  }

  /** HorizontalPodAutoscalers that scale this workload. */
  autoscalersOf(workload: Workload): readonly Autoscaler[] {
    const r = workload.resource;
    return this.ix.of('autoscalersByTarget').get(`${r.namespace}/${r.kind}/${r.name}`) ?? [];
  }

  /**
   * Instances in a namespace ('' for cluster-scoped ones), a directory or a kustomize build, in
   * resource order: where the Analyzer looks for the instances an edit can affect.
   */
  instancesIn(scope: 'namespace' | 'directory' | 'build', key: string): readonly Resource[] {
    const index = this.ix.of(
      scope === 'namespace'
        ? 'resourcesByNamespace'
        : scope === 'directory'
          ? 'resourcesByDirectory'
          : 'resourcesByBuild',
    );
    return index.get(key) ?? [];
  }

  /** All instances with this id (`Kind/ns/name`). */
  resourcesWithId(id: string): readonly Resource[] {
    return this.ix.of('resourcesById').get(id) ?? [];
  }

  workloadsIn(namespace: string): readonly Workload[] {
    return this.ix.of('workloadsByNamespace').get(namespace) ?? [];
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
    return this.ix.of('servicesByName').get(`${namespace}/${name}`) ?? [];
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

  /**
   * Whether a LabelSelector can match some pod template in a namespace: workloadsSelecting's
   * answer is not empty, found without the list (an empty selector matches the first template).
   */
  selectsSomeWorkload(selector: Selector, namespace: string): boolean {
    const candidates = this.workloadCandidates(selector, namespace);
    for (let i = 0; i < candidates.length; i++)
      if (selectorMayMatch(selector, candidates[i].template.labels)) return true;
    return false;
  }

  /** Services whose selectors match this workload's pods. */
  servicesSelecting(workload: Workload): readonly Service[] {
    // Per namespace (no index of every Service's selection, which each new graph would rebuild): the
    // Services of the workload's namespace whose selector can match it, in resource order.
    let found = this.selectingCache.get(workload);
    if (found) return found;
    found = [];
    if (workload.template.producer || this.ix.of('workloadByKey').get(workload.resource.key) === workload) {
      for (const s of this.ix.of('servicesByNamespace').get(workload.template.namespace) ?? []) {
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
    for (const ingress of this.ix.of('ingressesByNamespace').get(service.resource.namespace ?? 'default') ?? []) {
      let targets = this.targetsCache.get(ingress);
      if (!targets) this.targetsCache.set(ingress, (targets = this.backendTargets(ingress)));
      for (const target of targets) if (target.services.includes(service)) out.push(target);
    }
    return out;
  }

  backendTargets(ingress: Ingress): BackendTarget[] {
    const ns = ingress.resource.namespace ?? 'default';
    const actions = this.rolloutAlbActions(ns);
    return allBackends(ingress)
      .filter(
        ({ backend }) =>
          !backend.isControllerAction &&
          !(backend.port === 'use-annotation' && actions.has(`${ingress.resource.name}\u0000${backend.serviceName}`)),
      )
      .map(({ backend, path }) => {
        const services = this.servicesNamed(ns, backend.serviceName);
        return {
          ingress,
          backend,
          path,
          services,
          ports: services.map((service) => ({ service, port: servicePortFor(service, backend.port) })),
        };
      });
  }

  /**
   * `ingress\0service` for each ALB action the Rollouts of a namespace write on its Ingresses: a
   * backend naming that service with port `use-annotation` is the action, not a Service port.
   */
  private rolloutAlbActions(namespace: string): ReadonlySet<string> {
    let actions = this.albActionsMemo.get(namespace);
    if (!actions) {
      actions = new Set();
      for (const w of this.workloadsIn(namespace))
        for (const a of albActionsOf(w.resource)) actions.add(`${a.ingress}\u0000${a.service}`);
      this.albActionsMemo.set(namespace, actions);
    }
    return actions;
  }

  private readonly albActionsMemo = new Map<string, Set<string>>();

  /**
   * Where a Service port's traffic lands in one selected workload, as the endpoints controller
   * decides (pkg/api/v1/pod FindPort): a named targetPort is looked up by name and protocol among
   * the containers' ports; a number is used as it is, declared or not.
   */
  resolveServicePort(port: ServicePort, workload: Workload): PortResolution {
    return resolveServicePort(port, workload);
  }
}

function isIngressController(w: Workload, namespaces: readonly string[]): boolean {
  if (w.template.producer) return false;
  return (
    namespaces.includes(w.template.namespace) ||
    (w.template.labels.declared['app.kubernetes.io/component'] === 'controller' &&
      /ingress/.test(w.template.labels.declared['app.kubernetes.io/name'] ?? ''))
  );
}
