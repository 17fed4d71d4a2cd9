// Workloads and the pod templates they run: labels (declared and added by controllers at run
// time), containers and their declared ports, replicas. Pods come from the built-in controllers and
// from any other kind whose `spec.template` has `spec.containers` (Argo Rollouts, OpenShift
// DeploymentConfigs, ...).
import {
  readEqualitySelector,
  readLabelSelector,
  termMayMatch,
  withAddedTerms,
  type PodLabels,
  type Selector,
} from '../selectors';
import type { YMap, YNode } from '../syntax';
import { spanAt, type Span } from '../text';
import {
  asMap,
  asScalar,
  boolValue,
  exact,
  get,
  getPath,
  integerValue,
  seqItems,
  stringEntries,
  stringValue,
} from '../tree';
import { POD_TEMPLATE_PATHS } from './kinds';
import type { Producer } from './producer';
import { apiGroup, type Resource } from './resource';
import { rolloutLabelVariants } from './rollout';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export function readProtocol(node: YNode | null | undefined): Protocol {
  const p = stringValue(node);
  return p === 'UDP' || p === 'SCTP' ? p : 'TCP'; // the API defaults protocol to TCP
}

export interface ContainerPort {
  readonly name: string | undefined;
  readonly containerPort: number;
  readonly protocol: Protocol;
  readonly hostPort: number | undefined;
  readonly span: Span;
  readonly numberSpan: Span;
  readonly nameSpan: Span | undefined;
}

export interface Container {
  readonly name: string;
  /** Regular containers, and init containers with `restartPolicy: Always` (sidecars), which serve traffic. */
  readonly role: 'container' | 'sidecar';
  readonly ports: readonly ContainerPort[];
  readonly node: YMap;
  readonly nameSpan: Span | undefined;
}

export interface PodTemplate {
  readonly owner: Resource;
  readonly namespace: string;
  readonly labels: PodLabels;
  /** The template's `metadata.labels` mapping (or the Pod's own), for locations. */
  readonly labelsSpan: Span | undefined;
  readonly labelSpans: ReadonlyMap<string, Span>;
  readonly containers: readonly Container[];
  readonly spec: YMap | undefined;
  /** The template's (or the Pod's) metadata, for annotations. */
  readonly metadata: YMap | undefined;
  readonly hostNetwork: boolean;
  /** Set for pods an operator creates from a custom resource (model/producers.ts). */
  readonly producer?: Producer;
}

export interface Workload {
  readonly resource: Resource;
  readonly template: PodTemplate;
  /** The controller's own selector (undefined for Pods and when absent). */
  readonly selector: Selector | undefined;
  readonly selectorNode: YNode | undefined;
  /** Desired replicas; undefined for DaemonSets (one per eligible node). */
  readonly replicas: number | undefined;
  readonly perNode: boolean;
  /**
   * The API server rejects the object: its selector does not match its own template's labels
   * (apps/v1 validation, rule workload-selector-mismatch). It never runs, so no other finding
   * involves it.
   */
  readonly rejected?: boolean;
}

export function declaresAnyPort(template: PodTemplate): boolean {
  return template.containers.some((c) => c.ports.length > 0);
}

function templateNode(resource: Resource): YMap | undefined {
  const builtin = POD_TEMPLATE_PATHS[resource.kind];
  if (builtin !== undefined)
    return builtin.length === 0
      ? resource.node
      : asMap(builtin.reduce<YNode | undefined>((node, key) => get(node, key), resource.node));
  // Custom resources that embed a pod template the same way Deployments do.
  const template = asMap(getPath(resource.node, 'spec', 'template'));
  return template &&
    get(get(template, 'spec'), 'containers') &&
    seqItems(getPath(template, 'spec', 'containers')).length
    ? template
    : undefined;
}

const any = () => true;
const digits = (v: string) => /^\d+$/.test(v);
/** Run-time labels that do not depend on the resource's name, shared by all resources of a kind (never modified). */
const SHARED_RUNTIME_LABELS: Readonly<Record<string, Map<string, (value: string) => boolean>>> = {
  Deployment: new Map([['pod-template-hash', any]]),
  DaemonSet: new Map([
    ['controller-revision-hash', any],
    ['pod-template-generation', digits],
  ]),
  Rollout: new Map([['rollouts-pod-template-hash', any]]),
};
const NO_RUNTIME_LABELS = new Map<string, (value: string) => boolean>();

/** Kinds whose selector the API server validates against the template (apps/v1, batch/v1, core/v1 validation). */
const API_VALIDATED_KINDS = new Set([
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'ReplicationController',
]);

/**
 * Who refuses this workload when its selector does not match its own template's labels
 * (workload-selector-mismatch), or undefined when nobody validates that: the API server for the
 * built-in controllers ("`selector` does not match template `labels`") and for OpenShift
 * DeploymentConfigs (openshift-apiserver ValidateDeploymentConfigSpec calls the same
 * ValidatePodTemplateSpecForRC as ReplicationControllers); for an Argo Rollout, its
 * controller, which validates the template with ValidatePodTemplateSpecForReplicaSet
 * (argo-rollouts pkg/apis/rollouts/validation, ValidateRolloutSpec), marks it InvalidSpec and
 * creates no pods.
 */
export function selectorValidatedBy(resource: Resource): 'the API server' | 'the Argo Rollouts controller' | undefined {
  if (API_VALIDATED_KINDS.has(resource.kind)) return 'the API server';
  const group = apiGroup(resource.apiVersion);
  if (resource.kind === 'DeploymentConfig' && (group === 'apps.openshift.io' || group === '')) return 'the API server';
  if (resource.kind === 'Rollout' && group === 'argoproj.io') return 'the Argo Rollouts controller';
  return undefined;
}

/**
 * An Argo Rollout's pod labels with those its strategy gives some of its pods (model/rollout.ts):
 * another value of a template label, or a label that only those pods carry.
 */
function withRolloutVariants(resource: Resource, labels: PodLabels): PodLabels {
  const variants = rolloutLabelVariants(resource);
  if (variants.size === 0) return labels;
  const runtime = new Map(labels.runtime);
  const mayLack = new Set<string>();
  const alternatives = new Map<string, Set<string>>();
  for (const [key, values] of variants) {
    const declared = Object.prototype.hasOwnProperty.call(labels.declared, key) ? labels.declared[key] : undefined;
    if (declared !== undefined) {
      const others = new Set([...values].filter((v) => v !== declared));
      if (others.size > 0) alternatives.set(key, others);
    } else if (!runtime.has(key)) {
      runtime.set(key, (v) => values.has(v));
      mayLack.add(key);
    }
  }
  return {
    declared: labels.declared,
    runtime,
    ...(mayLack.size > 0 ? { mayLack } : {}),
    ...(alternatives.size > 0 ? { alternatives } : {}),
  };
}

/** Labels a controller adds to the pods it creates (k8s.io/kubernetes/pkg/controller/...). */
function runtimeLabels(resource: Resource): Map<string, (value: string) => boolean> {
  const shared = Object.prototype.hasOwnProperty.call(SHARED_RUNTIME_LABELS, resource.kind)
    ? SHARED_RUNTIME_LABELS[resource.kind]
    : undefined;
  if (shared) return shared;
  if (
    resource.kind !== 'StatefulSet' &&
    resource.kind !== 'Job' &&
    resource.kind !== 'CronJob' &&
    resource.kind !== 'DeploymentConfig'
  )
    return NO_RUNTIME_LABELS;
  const m = new Map<string, (value: string) => boolean>();
  switch (resource.kind) {
    case 'StatefulSet':
      m.set('controller-revision-hash', any);
      m.set(
        'statefulset.kubernetes.io/pod-name',
        (v) => v.startsWith(`${resource.name}-`) && digits(v.slice(resource.name.length + 1)),
      );
      m.set('apps.kubernetes.io/pod-index', digits);
      break;
    case 'Job':
      for (const k of ['job-name', 'batch.kubernetes.io/job-name']) m.set(k, (v) => v === resource.name);
      for (const k of ['controller-uid', 'batch.kubernetes.io/controller-uid']) m.set(k, any);
      m.set('batch.kubernetes.io/job-completion-index', digits);
      break;
    case 'CronJob':
      for (const k of ['job-name', 'batch.kubernetes.io/job-name']) m.set(k, (v) => v.startsWith(`${resource.name}-`));
      for (const k of ['controller-uid', 'batch.kubernetes.io/controller-uid']) m.set(k, any);
      break;
    case 'DeploymentConfig':
      m.set('deploymentconfig', (v) => v === resource.name);
      m.set('deployment', (v) => v.startsWith(`${resource.name}-`));
      break;
  }
  return m;
}

/** The template's `spec` (the Pod's own for a Pod). */
export function templateSpec(resource: Resource): YMap | undefined {
  return asMap(get(templateNode(resource), 'spec'));
}

/**
 * A container of a resource's pod template. Its tree is looked up in the resource's on each read,
 * never held: a view outlives the run that read it, and a plain manifest's trees do not
 * (workspace/trees.ts).
 */
class TemplateContainer implements Container {
  constructor(
    readonly name: string,
    readonly role: Container['role'],
    readonly ports: readonly ContainerPort[],
    readonly nameSpan: Span | undefined,
    private readonly owner: Resource,
    /** Its place among the template's containers (or init containers, for a sidecar). */
    private readonly index: number,
  ) {}

  get node(): YMap {
    const list = this.role === 'container' ? 'containers' : 'initContainers';
    return asMap(seqItems(get(templateSpec(this.owner), list))[this.index])!;
  }
}

/** A resource's pod template; its spec and metadata are looked up on each read, like a container's tree. */
class ResourcePodTemplate implements PodTemplate {
  constructor(
    readonly owner: Resource,
    readonly namespace: string,
    readonly labels: PodLabels,
    readonly labelsSpan: Span | undefined,
    readonly labelSpans: ReadonlyMap<string, Span>,
    readonly containers: readonly Container[],
    readonly hostNetwork: boolean,
  ) {}

  get spec(): YMap | undefined {
    return templateSpec(this.owner);
  }

  get metadata(): YMap | undefined {
    return asMap(get(templateNode(this.owner), 'metadata')); // a Pod's template is the Pod itself
  }
}

/** A workload read from its resource; its selector's tree is looked up on each read. */
class ResourceWorkload implements Workload {
  constructor(
    readonly resource: Resource,
    readonly template: PodTemplate,
    readonly selector: Selector | undefined,
    private readonly hasSelectorNode: boolean,
    readonly replicas: number | undefined,
    readonly perNode: boolean,
    readonly rejected: boolean,
  ) {}

  get selectorNode(): YNode | undefined {
    return this.hasSelectorNode ? getPath(this.resource.node, 'spec', 'selector') : undefined;
  }
}

/**
 * A container port read from a manifest, its spans kept as offsets and built on access: a view
 * lives as long as its resource, and a span object is 40 bytes (three per port).
 */
class WrittenContainerPort implements ContainerPort {
  private readonly start: number;
  private readonly end: number;
  private readonly numberStart: number;
  private readonly numberEnd: number;
  /** -1 when no name is written. */
  private readonly nameStart: number;
  private readonly nameEnd: number;

  constructor(
    readonly name: string | undefined,
    readonly containerPort: number,
    readonly protocol: Protocol,
    readonly hostPort: number | undefined,
    span: Span,
    numberSpan: Span,
    nameSpan: Span | undefined,
  ) {
    this.start = span.start;
    this.end = span.end;
    this.numberStart = numberSpan.start;
    this.numberEnd = numberSpan.end;
    this.nameStart = nameSpan?.start ?? -1;
    this.nameEnd = nameSpan?.end ?? -1;
  }

  get span(): Span {
    return { start: this.start, end: this.end };
  }

  get numberSpan(): Span {
    return { start: this.numberStart, end: this.numberEnd };
  }

  get nameSpan(): Span | undefined {
    return spanAt(this.nameStart, this.nameEnd);
  }
}

function readContainer(node: YNode, role: Container['role'], owner: Resource, index: number): Container | undefined {
  const map = asMap(node);
  if (!map) return undefined;
  const ports: ContainerPort[] = [];
  for (const p of seqItems(get(map, 'ports'))) {
    const numberNode = asScalar(get(p, 'containerPort'));
    const containerPort = integerValue(numberNode);
    if (containerPort === undefined || !numberNode) continue;
    const nameNode = asScalar(get(p, 'name'));
    ports.push(
      new WrittenContainerPort(
        stringValue(nameNode) || undefined,
        containerPort,
        readProtocol(get(p, 'protocol')),
        integerValue(get(p, 'hostPort')),
        p.span,
        numberNode.span,
        nameNode?.span,
      ),
    );
  }
  const nameNode = asScalar(get(map, 'name'));
  return new TemplateContainer(nameNode?.text ?? '', role, exact(ports), nameNode?.span, owner, index);
}

export function readWorkload(resource: Resource): Workload | undefined {
  const template = templateNode(resource);
  if (!template) return undefined;
  const spec = asMap(get(template, 'spec'));
  const isPod = resource.kind === 'Pod';
  const labelsNode = getPath(template, 'metadata', 'labels'); // a Pod's template is the Pod itself
  const entries = stringEntries(labelsNode);
  const declared: Record<string, string> = Object.fromEntries(entries.map((e) => [e.key, e.value]));
  if (!isPod && resource.buildLabels) Object.assign(declared, resource.buildLabels.template);
  const containers: Container[] = [];
  seqItems(get(spec, 'containers')).forEach((c, index) => {
    const container = readContainer(c, 'container', resource, index);
    if (container) containers.push(container);
  });
  seqItems(get(spec, 'initContainers')).forEach((c, index) => {
    if (stringValue(get(c, 'restartPolicy')) !== 'Always') return;
    const container = readContainer(c, 'sidecar', resource, index);
    if (container) containers.push(container);
  });
  const podTemplate = new ResourcePodTemplate(
    resource,
    resource.namespace ?? 'default',
    withRolloutVariants(resource, { declared, runtime: runtimeLabels(resource) }),
    labelsNode?.span,
    new Map(entries.map((e) => [e.key, { start: e.keySpan.start, end: e.valueSpan.end }])),
    exact(containers),
    boolValue(get(spec, 'hostNetwork')) === true,
  );

  let selector: Selector | undefined;
  let selectorNode: YNode | undefined;
  // ReplicationControllers and OpenShift DeploymentConfigs select with an equality map.
  if (
    resource.kind === 'ReplicationController' ||
    (resource.kind === 'DeploymentConfig' && apiGroup(resource.apiVersion) === 'apps.openshift.io')
  ) {
    selectorNode = getPath(resource.node, 'spec', 'selector');
    selector = readEqualitySelector(selectorNode);
  } else if (!isPod && resource.kind !== 'CronJob') {
    selectorNode = getPath(resource.node, 'spec', 'selector');
    selector = selectorNode ? readLabelSelector(selectorNode) : undefined;
  }
  selector = withAddedTerms(selector, resource.buildLabels?.selector);
  const rejected =
    selector !== undefined &&
    !selector.invalid &&
    selector.terms.length > 0 &&
    selectorValidatedBy(resource) !== undefined &&
    !selector.terms.every((t) => termMayMatch(t, { declared, runtime: NO_RUNTIME_LABELS }));

  const perNode = resource.kind === 'DaemonSet';
  let replicas: number | undefined;
  if (isPod) replicas = 1;
  else if (resource.kind === 'Job') replicas = integerValue(getPath(resource.node, 'spec', 'parallelism')) ?? 1;
  else if (resource.kind === 'CronJob')
    replicas = integerValue(getPath(resource.node, 'spec', 'jobTemplate', 'spec', 'parallelism')) ?? 1;
  else if (!perNode) replicas = integerValue(getPath(resource.node, 'spec', 'replicas')) ?? 1;
  return new ResourceWorkload(resource, podTemplate, selector, selectorNode !== undefined, replicas, perNode, rejected);
}
