// East-west references: Service addresses a workload's containers are given in env values, args
// and commands, and in ConfigMap values they read through envFrom / valueFrom — after expanding
// $(VAR) the way the kubelet does, so that a host and a port kept in two variables and joined in an
// argument are read as one address. Hosts in the cluster DNS forms svc, svc.ns, svc.ns.svc and
// svc.ns.svc.cluster.local (optionally a per-pod name in front, a scheme, a port and a path).
import { blankPlaceholders } from '../placeholders';
import type { Span } from '../text';
import { asScalar, get, getPath, seqItems, stringEntries, stringValue } from '../tree';
import type { Resource } from './resource';
import type { Workload } from './workload';
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

export function readReferences(
  workload: Workload,
  namespaces: ReadonlySet<string>,
  configMaps: ConfigMapLookup,
): ServiceReference[] {
  const ns = workload.template.namespace;
  const file = workload.resource.file;
  const out: ServiceReference[] = [];
  const containers = [
    ...seqItems(get(workload.template.spec, 'initContainers')),
    ...seqItems(get(workload.template.spec, 'containers')),
  ];
  for (const c of containers) {
    const vars = new Map<string, string>();
    const sources: TextSource[] = [];
    for (const from of seqItems(get(c, 'envFrom'))) {
      const name = stringValue(getPath(from, 'configMapRef', 'name'));
      const cm = name ? configMaps(ns, name) : undefined;
      if (!cm) continue;
      const prefix = stringValue(get(from, 'prefix')) ?? '';
      for (const e of stringEntries(get(cm.node, 'data'))) {
        vars.set(prefix + e.key, e.value);
        sources.push({
          text: e.value,
          file: cm.file,
          span: e.valueSpan,
          workloadSpan: from.span,
          via: { configMap: cm, key: e.key },
        });
      }
    }
    for (const env of seqItems(get(c, 'env'))) {
      const name = stringValue(get(env, 'name'));
      if (!name) continue;
      const valueNode = asScalar(get(env, 'value'));
      if (valueNode && valueNode.value !== null) {
        const value = expandVariables(valueNode.text, vars);
        vars.set(name, value);
        sources.push({ text: value, file, span: valueNode.span, workloadSpan: valueNode.span, via: undefined });
        continue;
      }
      const ref = getPath(env, 'valueFrom', 'configMapKeyRef');
      const cmName = stringValue(get(ref, 'name'));
      const key = stringValue(get(ref, 'key'));
      const cm = cmName ? configMaps(ns, cmName) : undefined;
      const entry = cm && key ? stringEntries(get(cm.node, 'data')).find((e) => e.key === key) : undefined;
      if (cm && entry) {
        vars.set(name, entry.value);
        sources.push({
          text: entry.value,
          file: cm.file,
          span: entry.valueSpan,
          workloadSpan: ref!.span,
          via: { configMap: cm, key: key! },
        });
      }
    }
    for (const key of ['command', 'args']) {
      for (const arg of seqItems(get(c, key))) {
        const s = asScalar(arg);
        if (s && s.value !== null)
          sources.push({
            text: expandVariables(s.text, vars),
            file,
            span: s.span,
            workloadSpan: s.span,
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
