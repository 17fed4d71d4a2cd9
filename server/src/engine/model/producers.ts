// The open-world model of producers: what a resource may create at run time besides itself. A
// custom resource of a kind in the operator table (operators.ts) yields the Services and pod
// templates the operator makes, as typed views marked with the resource that produces them; a
// custom resource of a kind nobody describes is a hidden producer (it may make pods or Services
// we cannot see), which selection and reference rules must take into account.
import { NO_RUNTIME_LABELS, type Selector, type SelectorTerm } from '../selectors';
import type { YNode } from '../syntax';
import { getPath, getPathOf, integerValue, scalarText, seqItems, stringEntries, stringValue } from '../tree';
import { addLabel, labelMapsUnder } from './labelMaps';
import {
  INERT_KINDS,
  OPERATORS,
  type Condition,
  type OperatorEntry,
  type PortTemplate,
  type PortsFrom,
  type ProducedPods,
} from './operators';
import { apiGroup, resourceId, type Resource } from './resource';
import type { Service, ServicePort } from './service';
import type { Container, ContainerPort, Workload } from './workload';

/** What the views of an operator-made object know about their origin. */
export type { Producer } from './producer';
import type { Producer } from './producer';

export type ProducerClass = 'builtin' | 'catalog' | 'inert' | 'unknown';

const ENTRY_BY_KIND = new Map<string, OperatorEntry>();
for (const e of OPERATORS) for (const k of e.kinds) ENTRY_BY_KIND.set(`${e.group}/${k}`, e);

/**
 * Groups served by Kubernetes itself (no dot, or `*.k8s.io` such as networking.k8s.io and the
 * Gateway API): their objects are modelled by the rules, never hidden producers.
 */
function isBuiltinGroup(group: string): boolean {
  return !group.includes('.') || group.endsWith('.k8s.io') || group === 'k8s.io';
}

/** How a resource takes part in the open world (kustomize and test-harness kinds never reach here). */
export function producerClass(r: Resource): ProducerClass {
  const group = apiGroup(r.apiVersion);
  if (isBuiltinGroup(group)) return 'builtin';
  if (ENTRY_BY_KIND.has(`${group}/${r.kind}`)) return 'catalog';
  const inert = INERT_KINDS[group];
  if (inert === '*' || inert?.includes(r.kind)) return 'inert';
  return 'unknown';
}

export interface ProducedViews {
  readonly producer: Producer;
  readonly workloads: readonly Workload[];
  readonly services: readonly Service[];
}

/** The Services and pod templates an operator in the table makes from this resource, if any. */
export function readProduced(r: Resource): ProducedViews | undefined {
  const entry = ENTRY_BY_KIND.get(`${apiGroup(r.apiVersion)}/${r.kind}`);
  if (!entry || !r.name) return undefined;
  const namespace = r.namespace ?? 'default';
  const fill = (template: string) => fillTemplate(template, r, namespace);
  const fillAll = (m: Readonly<Record<string, string>>) =>
    Object.fromEntries(Object.entries(m).map(([k, v]) => [k, fill(v)]));
  const producer: Producer = { resource: r, operator: entry.operator, source: entry.source, portsOpen: true };
  const workloads: Workload[] = [];
  // Read once for all the pod templates of the resource (64 node sets walk it once).
  let written: ReadonlyMap<string, ReadonlySet<string>> | undefined;
  for (const p of entry.pods ?? []) {
    if (!holds(p.when, r)) continue;
    written ??= labelsWrittenIn(r);
    const kind = p.kindFrom
      ? (p.kindFrom.kinds[stringValue(getPathOf(r.node, p.kindFrom.path)) ?? ''] ?? p.kindFrom.default)
      : p.kind;
    // One workload, or one per item of a list (bounded: a manifest is not a database).
    const items: (YNode | undefined)[] = p.each ? seqItems(getPathOf(r.node, p.each)).slice(0, 64) : [undefined];
    for (const item of items) workloads.push(podTemplateView(r, p, kind, item, namespace, producer, written));
  }
  const services: Service[] = [];
  for (const s of entry.services ?? []) {
    if (!holds(s.when, r)) continue;
    const labels = fillAll(s.labels ?? {});
    const resource = virtualResource(r, 'Service', fill(s.name), namespace, labels);
    const ports: ServicePort[] = [...listedPorts(s.portsFrom, r), ...fixedPorts(s.ports, r)].map((port) => ({
      name: port.name,
      protocol: port.protocol,
      port: port.port,
      targetPort: port.targetPort ?? port.port,
      targetPortExplicit: port.targetPort !== undefined,
      nodePort: undefined,
      nodePortSpan: undefined,
      span: r.span,
      portSpan: r.span,
      targetPortSpan: r.span,
      nameSpan: undefined,
    }));
    services.push({
      resource,
      type: 'ClusterIP',
      clusterIP: s.headless ? 'None' : undefined,
      headless: s.headless === true,
      externalName: undefined,
      externalIPs: [],
      selector: s.selector ? equalitySelector(fillAll(s.selector), r) : undefined,
      ports,
      producer: { ...producer, portsOpen: s.morePorts === true || s.portsFrom !== undefined },
    });
  }
  return workloads.length + services.length > 0 ? { producer, workloads, services } : undefined;
}

/** The workload view of one pod template the operator makes (`item`: the list item it is made for). */
function podTemplateView(
  r: Resource,
  p: ProducedPods,
  kind: string,
  item: YNode | undefined,
  namespace: string,
  producer: Producer,
  written: ReadonlyMap<string, ReadonlySet<string>>,
): Workload {
  const itemName = item ? (stringValue(getPath(item, 'name')) ?? '') : '';
  const fill = (t: string) => fillTemplate(t.replace(/\{item\}/g, itemName), r, namespace);
  const resource = virtualResource(r, kind, fill(p.name), namespace, {});
  // The operator's labels over those it copies from the resource (labelsFrom).
  const declared: Record<string, string> = {};
  for (const path of p.labelsFrom ?? [])
    for (const e of stringEntries(getPathOf(item ?? r.node, path))) declared[e.key] = e.value;
  for (const [k, v] of Object.entries(p.labels)) declared[k] = fill(v);
  const runtime = new Map<string, (v: string) => boolean>();
  for (const key of p.runtimeLabels ?? []) runtime.set(key, () => true);
  // Labels written anywhere in the resource may reach its pods: operators copy the resource's own
  // labels, or a pod template's, or an "inherited metadata" block, each in its own way (the table
  // says which, where it knows). Such a label may be there or not: selection by it stays possible.
  const mayLack = new Set<string>();
  for (const [key, values] of written) {
    if (Object.prototype.hasOwnProperty.call(declared, key) || runtime.has(key)) continue;
    runtime.set(key, (v) => values.has(v));
    mayLack.add(key);
  }
  const ports: ContainerPort[] = [...fixedPorts(p.ports, r), ...listedPorts(p.portsFrom, r)].map((port) => ({
    name: port.name,
    containerPort: port.port,
    protocol: port.protocol,
    hostPort: undefined,
    span: r.span,
    numberSpan: r.span,
    nameSpan: undefined,
  }));
  const container: Container = {
    name: producer.operator,
    role: 'container',
    ports,
    // Looked up on each read, like a template container's: a view outlives the trees (workspace/trees.ts).
    get node() {
      return r.node;
    },
    nameSpan: undefined,
  };
  const ownedPrefixes = operatorOwnedPrefixes(r, Object.keys(p.labels));
  return {
    resource,
    template: {
      owner: resource,
      namespace,
      labels: {
        declared,
        runtime: runtime.size > 0 ? runtime : NO_RUNTIME_LABELS,
        ...(mayLack.size > 0 ? { mayLack } : {}),
        ...(ownedPrefixes.length > 0 ? { ownedPrefixes } : {}),
      },
      labelsSpan: undefined,
      labelSpans: new Map(),
      containers: [container],
      spec: undefined,
      metadata: undefined,
      hostNetwork: false,
      producer,
    },
    selector: undefined,
    selectorNode: undefined,
    replicas:
      kind === 'DaemonSet'
        ? undefined
        : ((p.replicasFrom && integerValue(getPathOf(item ?? r.node, p.replicasFrom))) ?? 1),
    perNode: kind === 'DaemonSet',
  };
}

/**
 * The label key prefixes an operator owns: those of the keys the table gives its pods, and its
 * resource's API group, but not the shared app.kubernetes.io or Kubernetes' own (*.kubernetes.io,
 * *.k8s.io). Operators set more keys under their own prefix than the table lists (ECK labels each
 * Elasticsearch pod elasticsearch.k8s.elastic.co/node-master, -data, -ingest... from its roles).
 */
function operatorOwnedPrefixes(r: Resource, keys: readonly string[]): string[] {
  const domains = new Set<string>([apiGroup(r.apiVersion)]);
  for (const key of keys) {
    const slash = key.indexOf('/');
    if (slash > 0) domains.add(key.slice(0, slash));
  }
  return [...domains].filter((d) => d.includes('.') && !/(^|\.)(kubernetes\.io|k8s\.io)$/.test(d)).map((d) => `${d}/`);
}

/**
 * The labels a resource writes: its own (metadata.labels) and every map under a key named
 * `labels` or ending in `Labels` in its spec (podMetadata.labels, podTemplate.metadata.labels,
 * template.pod.metadata.labels, inheritedMetadata.labels, podLabels, additionalLabels...), but
 * not `matchLabels`, which names the labels of pods the resource selects, not of those it makes.
 */
function labelsWrittenIn(r: Resource): Map<string, Set<string>> {
  const own = new Map<string, Set<string>>();
  for (const [key, value] of Object.entries(r.labels)) addLabel(own, key, value);
  return labelMapsUnder(
    getPath(r.node, 'spec'),
    (key) => key === 'labels' || (key.endsWith('Labels') && key !== 'matchLabels'),
    own,
  );
}

function fillTemplate(template: string, r: Resource, namespace: string): string {
  return template.replace(/\{(name|namespace|label:[^}]+)\}/g, (_m, what: string) => {
    if (what === 'name') return r.name;
    if (what === 'namespace') return namespace;
    return r.labels[what.slice('label:'.length)] ?? '';
  });
}

function holds(c: Condition | undefined, r: Resource): boolean {
  if (!c) return true;
  const at = (path: readonly string[]) => getPathOf(r.node, path);
  if (c.present && !hasValue(at(c.present))) return false;
  if (c.equals && scalarText(at(c.equals.path)) !== c.equals.value) return false;
  if (c.notEquals && scalarText(at(c.notEquals.path)) === c.notEquals.value) return false;
  if (c.notIn && seqItems(at(c.notIn.path)).some((n) => scalarText(n) === c.notIn!.value)) return false;
  if (c.label !== undefined && !r.labels[c.label]) return false;
  return true;
}

function hasValue(n: YNode | undefined): boolean {
  return n !== undefined && !(n.type === 'scalar' && n.value === null);
}

interface ResolvedPort {
  readonly name: string | undefined;
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
  readonly targetPort: number | string | undefined;
}

function fixedPorts(ports: readonly PortTemplate[] | undefined, r: Resource): ResolvedPort[] {
  return (ports ?? []).map((p) => ({
    name: p.name,
    port: (p.from && integerValue(getPathOf(r.node, p.from))) || p.port,
    protocol: p.protocol ?? 'TCP',
    targetPort: p.targetPort,
  }));
}

function listedPorts(from: PortsFrom | undefined, r: Resource): ResolvedPort[] {
  if (!from) return [];
  const out: ResolvedPort[] = [];
  for (const item of seqItems(getPathOf(r.node, from.list)).slice(0, 64)) {
    if (from.where && scalarText(getPath(item, from.where.field)) !== from.where.equals) continue;
    const port = integerValue(getPath(item, from.portField));
    const itemName = stringValue(getPath(item, 'name')) ?? '';
    if (port === undefined) continue;
    out.push({
      name: from.names?.[`${itemName}:${port}`] ?? from.name.replace('{item}', itemName),
      port,
      protocol: 'TCP',
      targetPort: undefined,
    });
  }
  return out;
}

function equalitySelector(labels: Readonly<Record<string, string>>, r: Resource): Selector {
  const terms: SelectorTerm[] = Object.entries(labels).map(([key, value]) => ({
    key,
    operator: 'Equals',
    values: [value],
    span: r.span,
    valueSpan: undefined,
  }));
  return { terms, span: r.span, invalid: false };
}

/**
 * The identity of an object the operator creates: a Resource whose locations are the custom
 * resource's (a hover or a related location points at what makes it), never indexed as a
 * definition of its own (no duplicate, no rule runs on it).
 */
function virtualResource(
  from: Resource,
  kind: string,
  name: string,
  namespace: string,
  labels: Readonly<Record<string, string>>,
): Resource {
  const id = resourceId(kind, namespace, name);
  return {
    ...from,
    id,
    key: `${from.key}>${id}`,
    apiVersion: kind === 'Service' || kind === 'Pod' ? 'v1' : 'apps/v1',
    kind,
    name,
    namespace,
    labels,
    annotations: {},
    producedBy: from,
    // Not own properties of every resource (a source document's are read on access: workspace/resources.ts).
    span: from.span,
    kindSpan: from.kindSpan,
    nameSpan: from.nameSpan,
    get node() {
      return from.node;
    },
  };
}
