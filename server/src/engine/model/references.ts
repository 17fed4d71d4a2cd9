// East-west references: Service addresses a workload's containers are given in env values, args
// and commands, and in ConfigMap values they read through envFrom / valueFrom — after expanding
// $(VAR) the way the kubelet does, so that a host and a port kept in two variables and joined in an
// argument are read as one address. Hosts in the cluster DNS forms svc, svc.ns, svc.ns.svc and
// svc.ns.svc.cluster.local (optionally a per-pod name in front, a scheme, a port and a path).
import { blankPlaceholders } from '../placeholders';
import type { Span } from '../text';
import { asScalar, get, getPath, seqItems, stringEntries, stringValue } from '../tree';
import type { Resource } from './resource';
import { OwnFact } from './ownFacts';
import { templateSpec, type Workload } from './workload';
import type { YNode } from '../syntax';
import { pushAll } from '../arrays';

export interface ServiceReference {
  /** The Service name and namespace the host resolves to (namespace: the pod's unless written). */
  readonly service: string;
  readonly namespace: string;
  /** Whether the host is unambiguously a cluster DNS name (.svc, .svc.cluster.local, or svc.<workspace namespace>). */
  readonly clusterDns: boolean;
  readonly namespaceWritten: string | undefined;
  readonly port: number | undefined;
  readonly host: string;
  /** Where the reference was written (the env value, the argument, or the ConfigMap value). */
  readonly file: string;
  readonly span: Span;
  /** Where in the workload it enters: the value or argument itself, or the envFrom / valueFrom that reads a ConfigMap. */
  readonly workloadSpan: Span;
  /** `ConfigMap name, key KEY` when it comes from a ConfigMap. */
  readonly via: { configMap: Resource; key: string } | undefined;
}

interface TextSource {
  readonly text: string;
  readonly file: string;
  readonly span: Span;
  readonly workloadSpan: Span;
  readonly via: { configMap: Resource; key: string } | undefined;
}

/** ConfigMap data of a namespace, looked up by the references' reader. */
export type ConfigMapLookup = (namespace: string, name: string) => Resource | undefined;

const HOST =
  /(?:\b[a-z][a-z0-9+.-]*:\/\/)?(?:[^\s@/"',;]+@)?\b([a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*)(?::(\d{1,5}))?(?=$|[\s/"',;?#)\]])/g;

/** The kubelet's $(VAR) expansion: defined variables are replaced, $$ escapes, others stay. */
export function expandVariables(text: string, vars: ReadonlyMap<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name: string | undefined) =>
    m === '$$' ? '$' : (vars.get(name!) ?? m),
  );
}

/**
 * What a container's reading of addresses goes through, in order: its envFrom ConfigMaps, its env
 * values and ConfigMap keys, then its command and args. Read from the workload's own tree; the
 * ConfigMaps and the namespaces are resolved later, against the graph.
 */
type SourceStep =
  | { readonly kind: 'envFrom'; readonly configMap: string; readonly prefix: string; readonly workloadSpan: Span }
  | { readonly kind: 'value'; readonly name: string; readonly text: string; readonly span: Span }
  | {
      readonly kind: 'configMapKey';
      readonly name: string;
      readonly configMap: string;
      readonly key: string | undefined;
      readonly workloadSpan: Span;
    }
  | { readonly kind: 'argument'; readonly text: string; readonly span: Span };

/** Each container's steps (init containers first); none for a container that reads no address. */
type ReferenceSources = readonly (readonly SourceStep[])[];

const NO_SOURCES: ReferenceSources = Object.freeze([]);

/**
 * The sources of a resource's own pod template, read from its tree once (model/ownFacts.ts); pods
 * an operator makes (model/producers.ts) have no template tree, so no sources.
 */
const templateSources = new OwnFact(undefined, (resource) => {
  const sources = readSources(templateSpec(resource));
  return sources.length > 0 ? sources : undefined;
});

function readSources(spec: YNode | undefined): ReferenceSources {
  const out: SourceStep[][] = [];
  const containers = [...seqItems(get(spec, 'initContainers')), ...seqItems(get(spec, 'containers'))];
  for (const c of containers) {
    const steps: SourceStep[] = [];
    for (const from of seqItems(get(c, 'envFrom'))) {
      const name = stringValue(getPath(from, 'configMapRef', 'name'));
      if (name)
        steps.push({
          kind: 'envFrom',
          configMap: name,
          prefix: stringValue(get(from, 'prefix')) ?? '',
          workloadSpan: from.span,
        });
    }
    for (const env of seqItems(get(c, 'env'))) {
      const name = stringValue(get(env, 'name'));
      if (!name) continue;
      const valueNode = asScalar(get(env, 'value'));
      if (valueNode && valueNode.value !== null) {
        steps.push({ kind: 'value', name, text: valueNode.text, span: valueNode.span });
        continue;
      }
      const ref = getPath(env, 'valueFrom', 'configMapKeyRef');
      const configMap = stringValue(get(ref, 'name'));
      if (configMap)
        steps.push({
          kind: 'configMapKey',
          name,
          configMap,
          key: stringValue(get(ref, 'key')),
          workloadSpan: ref!.span,
        });
    }
    for (const key of ['command', 'args']) {
      for (const arg of seqItems(get(c, key))) {
        const s = asScalar(arg);
        if (s && s.value !== null) steps.push({ kind: 'argument', text: s.text, span: s.span });
      }
    }
    if (steps.length > 0) out.push(steps);
  }
  return out;
}

export function readReferences(
  workload: Workload,
  namespaces: ReadonlySet<string>,
  configMaps: ConfigMapLookup,
): ServiceReference[] {
  const ns = workload.template.namespace;
  const file = workload.resource.file;
  const out: ServiceReference[] = [];
  const containers = workload.template.producer ? NO_SOURCES : (templateSources.of(workload.resource) ?? NO_SOURCES);
  for (const steps of containers) {
    const vars = new Map<string, string>();
    const sources: TextSource[] = [];
    for (const step of steps) {
      if (step.kind === 'envFrom') {
        const cm = configMaps(ns, step.configMap);
        if (!cm) continue;
        for (const e of stringEntries(get(cm.node, 'data'))) {
          vars.set(step.prefix + e.key, e.value);
          sources.push({
            text: e.value,
            file: cm.file,
            span: e.valueSpan,
            workloadSpan: step.workloadSpan,
            via: { configMap: cm, key: e.key },
          });
        }
      } else if (step.kind === 'value') {
        const value = expandVariables(step.text, vars);
        vars.set(step.name, value);
        sources.push({ text: value, file, span: step.span, workloadSpan: step.span, via: undefined });
      } else if (step.kind === 'configMapKey') {
        const cm = configMaps(ns, step.configMap);
        const key = step.key;
        const entry = cm && key ? stringEntries(get(cm.node, 'data')).find((e) => e.key === key) : undefined;
        if (cm && entry && key) {
          vars.set(step.name, entry.value);
          sources.push({
            text: entry.value,
            file: cm.file,
            span: entry.valueSpan,
            workloadSpan: step.workloadSpan,
            via: { configMap: cm, key },
          });
        }
      } else {
        sources.push({
          text: expandVariables(step.text, vars),
          file,
          span: step.span,
          workloadSpan: step.span,
          via: undefined,
        });
      }
    }
    for (const source of sources) pushAll(out, referencesIn(source, ns, namespaces));
  }
  return out;
}

function referencesIn(source: TextSource, podNamespace: string, namespaces: ReadonlySet<string>): ServiceReference[] {
  const out: ServiceReference[] = [];
  // A host written as an envsubst/Flux placeholder (`${DB_HOST}:5432`) is unknown, never a Service name.
  for (const m of blankPlaceholders(source.text).matchAll(HOST)) {
    const host = m[1];
    const port = m[2] !== undefined ? Number(m[2]) : undefined;
    const labels = host.split('.');
    let service: string | undefined;
    let namespace: string | undefined;
    let clusterDns = false;
    const svcAt = labels.lastIndexOf('svc');
    if (svcAt >= 2 && (svcAt === labels.length - 1 || labels.slice(svcAt + 1).join('.') === 'cluster.local')) {
      // [pod.]service.namespace.svc[.cluster.local]
      service = labels[svcAt - 2];
      namespace = labels[svcAt - 1];
      clusterDns = true;
    } else if (labels.length === 2 && namespaces.has(labels[1]) && !/^\d+$/.test(labels[0])) {
      service = labels[0];
      namespace = labels[1];
      clusterDns = true;
    } else if (labels.length === 1 && port !== undefined && !/^\d+$/.test(host) && host !== 'localhost') {
      service = host; // a bare name with a port: a Service of the pod's namespace, or an external host
    }
    if (!service) continue;
    out.push({
      service,
      namespace: namespace ?? podNamespace,
      clusterDns,
      namespaceWritten: namespace,
      port,
      host,
      file: source.file,
      span: source.span,
      workloadSpan: source.workloadSpan,
      via: source.via,
    });
  }
  return out;
}
