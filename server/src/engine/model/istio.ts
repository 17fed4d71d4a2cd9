// Istio traffic routing (networking.istio.io): VirtualService destinations and gateways,
// DestinationRule subsets, ServiceEntry hosts, and which hosts a namespace sees (exportTo), read
// once per workspace for the Istio rules. Hosts are resolved as Istio's ResolveShortnameToFQDN does:
// a name without a dot is `<name>.<namespace of the config>.svc.cluster.local`; anything else is
// taken as written.
import type { YNode } from '../syntax';
import type { Span } from '../text';
import { asScalar, get, getPath, integerValue, seqItems, stringEntries, stringValue } from '../tree';
import { OwnFact } from './ownFacts';
import { apiGroup, type Resource } from './resource';

export const ISTIO_GROUP = 'networking.istio.io';
const CLUSTER_SUFFIX = '.svc.cluster.local';

export interface IstioDestination {
  readonly host: string;
  readonly fqdn: string;
  readonly hostSpan: Span;
  readonly span: Span;
  readonly subset: string | undefined;
  readonly subsetSpan: Span | undefined;
  readonly port: number | undefined;
  readonly portSpan: Span | undefined;
  /** The route's weight (percent), when written; mirrors have none. */
  readonly weight: number | undefined;
}

export interface VirtualServiceView {
  readonly resource: Resource;
  readonly namespace: string;
  readonly exportTo: readonly string[];
  readonly gateways: readonly { readonly name: string; readonly span: Span }[];
  readonly destinations: readonly IstioDestination[];
}

export const isIstio = (r: Resource) => apiGroup(r.apiVersion) === ISTIO_GROUP;

export function resolveIstioHost(host: string, namespace: string): string {
  return host === '*' || host.includes('.') || /^[0-9a-f:]+$/i.test(host)
    ? host
    : `${host}.${namespace}${CLUSTER_SUFFIX}`;
}

/** `name.ns.svc.cluster.local` -> { name, namespace } */
export function clusterService(fqdn: string): { name: string; namespace: string } | undefined {
  if (!fqdn.endsWith(CLUSTER_SUFFIX)) return undefined;
  const labels = fqdn.slice(0, -CLUSTER_SUFFIX.length).split('.');
  return labels.length === 2 ? { name: labels[0], namespace: labels[1] } : undefined;
}

function readDestination(
  node: YNode | undefined,
  namespace: string,
  weight: number | undefined,
): IstioDestination | undefined {
  const hostNode = asScalar(get(node, 'host'));
  const host = stringValue(hostNode);
  if (!node || !hostNode || !host) return undefined;
  const subsetNode = asScalar(get(node, 'subset'));
  const portNode = getPath(node, 'port', 'number');
  return {
    host,
    fqdn: resolveIstioHost(host, namespace),
    hostSpan: hostNode.span,
    span: node.span,
    subset: stringValue(subsetNode),
    subsetSpan: subsetNode?.span,
    port: integerValue(portNode),
    portSpan: portNode?.span,
    weight,
  };
}

export function readVirtualService(resource: Resource): VirtualServiceView | undefined {
  if (resource.kind !== 'VirtualService' || !isIstio(resource)) return undefined;
  const namespace = resource.namespace ?? 'default';
  const spec = get(resource.node, 'spec');
  const destinations: IstioDestination[] = [];
  const add = (node: YNode | undefined, weight?: number) => {
    const d = readDestination(node, namespace, weight);
    if (d) destinations.push(d);
  };
  for (const kind of ['http', 'tcp', 'tls']) {
    for (const route of seqItems(get(spec, kind))) {
      for (const r of seqItems(get(route, 'route'))) add(get(r, 'destination'), integerValue(get(r, 'weight')));
      if (kind === 'http') {
        add(get(route, 'mirror'));
        for (const m of seqItems(get(route, 'mirrors'))) add(get(m, 'destination'));
      }
    }
  }
  const gateways = seqItems(get(spec, 'gateways')).flatMap((g) => {
    const s = asScalar(g);
    return s && typeof s.value === 'string' ? [{ name: s.value, span: s.span }] : [];
  });
  return { resource, namespace, exportTo: exportList(get(spec, 'exportTo')), gateways, destinations };
}

function exportList(node: YNode | undefined): string[] {
  return seqItems(node)
    .map(stringValue)
    .filter((s): s is string => !!s);
}

/** Whether a config exported to `exportTo` (empty: everywhere) from `owner` is visible in `namespace`. */
export function visibleIn(exportTo: readonly string[], owner: string, namespace: string): boolean {
  if (exportTo.length === 0) return true;
  return exportTo.some((e) => e === '*' || e === namespace || (e === '.' && owner === namespace));
}

export interface IstioHost {
  readonly host: string;
  readonly owner: string;
  readonly exportTo: readonly string[];
  readonly resource: Resource;
}

export interface IstioIndex {
  /** Hosts of Services (FQDN) and ServiceEntries, with where they are visible. */
  readonly hosts: readonly IstioHost[];
  /** The same hosts by exact name, and the wildcard ones (`*.example.com`, `*`). */
  readonly hostsByName: ReadonlyMap<string, readonly IstioHost[]>;
  readonly wildcardHosts: readonly IstioHost[];
  readonly destinationRules: readonly {
    readonly resource: Resource;
    readonly fqdn: string;
    readonly namespace: string;
    readonly exportTo: readonly string[];
    readonly subsets: ReadonlyMap<string, Readonly<Record<string, string>>>;
  }[];
  /** Istio and Gateway API Gateways, by `namespace/name`. */
  readonly gateways: ReadonlySet<string>;
  readonly istioGatewayNamespaces: ReadonlySet<string>;
}

// What the index reads of ServiceEntries and DestinationRules, read from their trees once (model/ownFacts.ts).
const serviceEntryHosts = new OwnFact(new Set(['ServiceEntry']), (r) => {
  if (!isIstio(r)) return undefined;
  const hosts = seqItems(getPath(r.node, 'spec', 'hosts'))
    .map(stringValue)
    .filter((h): h is string => !!h);
  return { hosts, exportTo: exportList(getPath(r.node, 'spec', 'exportTo')) };
});
const destinationRuleOf = new OwnFact(new Set(['DestinationRule']), (r) => {
  const host = isIstio(r) ? stringValue(getPath(r.node, 'spec', 'host')) : undefined;
  if (!host) return undefined;
  const subsets = new Map<string, Record<string, string>>();
  for (const s of seqItems(getPath(r.node, 'spec', 'subsets'))) {
    const name = stringValue(get(s, 'name'));
    if (name) subsets.set(name, Object.fromEntries(stringEntries(get(s, 'labels')).map((e) => [e.key, e.value])));
  }
  return { host, exportTo: exportList(getPath(r.node, 'spec', 'exportTo')), subsets };
});

const indexMemo = new WeakMap<readonly Resource[], IstioIndex>();

export function istioIndex(resources: readonly Resource[]): IstioIndex {
  let index = indexMemo.get(resources);
  if (index) return index;
  const hosts: IstioHost[] = [];
  const destinationRules: IstioIndex['destinationRules'][number][] = [];
  const gateways = new Set<string>();
  const istioGatewayNamespaces = new Set<string>();
  for (const r of resources) {
    const ns = r.namespace ?? 'default';
    if (r.kind === 'Service' && r.apiVersion === 'v1') {
      const exportTo = (r.annotations['networking.istio.io/exportTo'] ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      hosts.push({ host: `${r.name}.${ns}${CLUSTER_SUFFIX}`, owner: ns, exportTo, resource: r });
    } else if (r.kind === 'ServiceEntry' && isIstio(r)) {
      const entry = serviceEntryHosts.of(r);
      if (entry)
        for (const h of entry.hosts)
          hosts.push({ host: resolveIstioHost(h, ns), owner: ns, exportTo: entry.exportTo, resource: r });
    } else if (r.kind === 'DestinationRule' && isIstio(r)) {
      const rule = destinationRuleOf.of(r);
      if (!rule) continue;
      destinationRules.push({
        resource: r,
        fqdn: resolveIstioHost(rule.host, ns),
        namespace: ns,
        exportTo: rule.exportTo,
        subsets: rule.subsets,
      });
    } else if (r.kind === 'Gateway' && (isIstio(r) || apiGroup(r.apiVersion) === 'gateway.networking.k8s.io')) {
      gateways.add(`${ns}/${r.name}`);
      if (isIstio(r)) istioGatewayNamespaces.add(ns);
    }
  }
  const hostsByName = new Map<string, IstioHost[]>();
  for (const h of hosts) {
    const list = hostsByName.get(h.host);
    if (list) list.push(h);
    else hostsByName.set(h.host, [h]);
  }
  index = {
    hosts,
    hostsByName,
    wildcardHosts: hosts.filter((h) => h.host.startsWith('*')),
    destinationRules,
    gateways,
    istioGatewayNamespaces,
  };
  indexMemo.set(resources, index);
  return index;
}

/** Registry hosts that cover a host: the exact name, or a wildcard entry over it. */
export function hostsCovering(index: IstioIndex, host: string): IstioHost[] {
  return [
    ...(index.hostsByName.get(host) ?? []),
    ...index.wildcardHosts.filter((h) => h.host !== host && hostCovers(h.host, host)),
  ];
}

/** Whether a host pattern (possibly `*.example.com`) covers a host (possibly a wildcard itself). */
export function hostCovers(pattern: string, host: string): boolean {
  if (pattern === host || pattern === '*') return true;
  if (!pattern.startsWith('*.')) return false;
  const suffix = pattern.slice(1);
  return host.endsWith(suffix) && host.length > suffix.length;
}
