// Gateway API (gateway.networking.k8s.io): Gateways with listeners, the route kinds with their
// parentRefs and backendRefs (defaults as the API defines them: parentRef group/kind Gateway in
// the route's namespace; backendRef group "" kind Service in the route's namespace), and
// ReferenceGrants that allow cross-namespace references.
import { hasPlaceholder } from '../placeholders';
import { readLabelSelector, type Selector } from '../selectors';
import type { Span } from '../text';
import { asScalar, get, getPath, integerValue, seqItems, stringValue } from '../tree';
import type { Resource } from './resource';

export const GATEWAY_GROUP = 'gateway.networking.k8s.io';
export const ROUTE_KINDS = new Set(['HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute', 'UDPRoute']);

export interface Listener {
  readonly name: string;
  readonly port: number | undefined;
  readonly protocol: string | undefined;
  readonly hostname: string | undefined;
  /** allowedRoutes.namespaces.from: Same (default), All, Selector. */
  readonly from: 'Same' | 'All' | 'Selector';
  readonly namespaceSelector: Selector | undefined;
  /** allowedRoutes.kinds; empty means the defaults for the protocol. */
  readonly kinds: readonly { group: string; kind: string }[];
}

export interface Gateway {
  readonly resource: Resource;
  readonly listeners: readonly Listener[];
}

export interface ParentRef {
  readonly group: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly sectionName: string | undefined;
  readonly port: number | undefined;
  readonly span: Span;
  readonly nameSpan: Span;
  readonly sectionNameSpan: Span | undefined;
}

export interface BackendRef {
  readonly group: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly port: number | undefined;
  readonly weight: number | undefined;
  readonly span: Span;
  readonly nameSpan: Span;
  readonly portSpan: Span | undefined;
  readonly namespaceExplicit: boolean;
}

/** A backendRef to a core Service (group "" and kind Service, the defaults), not to another kind. */
export function isServiceBackend(b: Pick<BackendRef, 'group' | 'kind'>): boolean {
  return b.group === '' && b.kind === 'Service';
}

export interface RouteRule {
  readonly matches: readonly { path: string | undefined }[];
  readonly backendRefs: readonly BackendRef[];
}

export interface Route {
  readonly resource: Resource;
  readonly hostnames: readonly string[];
  readonly parentRefs: readonly ParentRef[];
  readonly rules: readonly RouteRule[];
}

export interface ReferenceGrant {
  readonly resource: Resource;
  readonly from: readonly { group: string; kind: string; namespace: string }[];
  readonly to: readonly { group: string; kind: string; name: string | undefined }[];
}

const isGatewayApi = (r: Resource) => r.apiVersion.startsWith(`${GATEWAY_GROUP}/`);

export function readGateway(resource: Resource): Gateway | undefined {
  if (resource.kind !== 'Gateway' || !isGatewayApi(resource)) return undefined;
  const listeners = seqItems(getPath(resource.node, 'spec', 'listeners')).map<Listener>((l) => {
    const from = stringValue(getPath(l, 'allowedRoutes', 'namespaces', 'from'));
    return {
      name: stringValue(get(l, 'name')) ?? '',
      port: integerValue(get(l, 'port')),
      protocol: stringValue(get(l, 'protocol')),
      hostname: stringValue(get(l, 'hostname')),
      from: from === 'All' || from === 'Selector' ? from : 'Same',
      namespaceSelector: readLabelSelector(getPath(l, 'allowedRoutes', 'namespaces', 'selector')),
      kinds: seqItems(getPath(l, 'allowedRoutes', 'kinds')).map((k) => ({
        group: stringValue(get(k, 'group')) ?? GATEWAY_GROUP,
        kind: stringValue(get(k, 'kind')) ?? '',
      })),
    };
  });
  return { resource, listeners };
}

export function readRoute(resource: Resource): Route | undefined {
  if (!ROUTE_KINDS.has(resource.kind) || !isGatewayApi(resource)) return undefined;
  const spec = get(resource.node, 'spec');
  const ns = resource.namespace ?? 'default';
  const parentRefs = seqItems(get(spec, 'parentRefs')).flatMap<ParentRef>((p) => {
    const nameNode = asScalar(get(p, 'name'));
    // A parent written as a substitution placeholder (`${CLUSTER_NAME}`) is unknown here.
    if (
      !nameNode ||
      nameNode.value === null ||
      hasPlaceholder(nameNode.text) ||
      hasPlaceholder(stringValue(get(p, 'namespace')))
    )
      return [];
    const sectionNode = asScalar(get(p, 'sectionName'));
    return [
      {
        group: stringValue(get(p, 'group')) ?? GATEWAY_GROUP,
        kind: stringValue(get(p, 'kind')) ?? 'Gateway',
        namespace: stringValue(get(p, 'namespace')) ?? ns,
        name: nameNode.text,
        sectionName: sectionNode?.text,
        port: integerValue(get(p, 'port')),
        span: p.span,
        nameSpan: nameNode.span,
        sectionNameSpan: sectionNode?.span,
      },
    ];
  });
  const rules = seqItems(get(spec, 'rules')).map<RouteRule>((rule) => ({
    matches: seqItems(get(rule, 'matches')).map((m) => ({ path: stringValue(getPath(m, 'path', 'value')) })),
    backendRefs: seqItems(get(rule, 'backendRefs')).flatMap<BackendRef>((b) => {
      const nameNode = asScalar(get(b, 'name'));
      if (
        !nameNode ||
        nameNode.value === null ||
        hasPlaceholder(nameNode.text) ||
        hasPlaceholder(stringValue(get(b, 'namespace')))
      )
        return [];
      const nsNode = stringValue(get(b, 'namespace'));
      return [
        {
          group: stringValue(get(b, 'group')) ?? '',
          kind: stringValue(get(b, 'kind')) ?? 'Service',
          namespace: nsNode ?? ns,
          name: nameNode.text,
          port: integerValue(get(b, 'port')),
          weight: integerValue(get(b, 'weight')),
          span: b.span,
          nameSpan: nameNode.span,
          portSpan: get(b, 'port')?.span,
          namespaceExplicit: nsNode !== undefined,
        },
      ];
    }),
  }));
  return {
    resource,
    hostnames: seqItems(get(spec, 'hostnames'))
      .map(stringValue)
      .filter((h): h is string => !!h),
    parentRefs,
    rules,
  };
}

export function readReferenceGrant(resource: Resource): ReferenceGrant | undefined {
  if (resource.kind !== 'ReferenceGrant' || !isGatewayApi(resource)) return undefined;
  const spec = get(resource.node, 'spec');
  return {
    resource,
    from: seqItems(get(spec, 'from')).map((f) => ({
      group: stringValue(get(f, 'group')) ?? '',
      kind: stringValue(get(f, 'kind')) ?? '',
      namespace: stringValue(get(f, 'namespace')) ?? '',
    })),
    to: seqItems(get(spec, 'to')).map((t) => ({
      group: stringValue(get(t, 'group')) ?? '',
      kind: stringValue(get(t, 'kind')) ?? '',
      name: stringValue(get(t, 'name')),
    })),
  };
}

/** Route kinds a listener accepts when allowedRoutes.kinds is empty (by protocol, per the spec). */
export function defaultRouteKinds(protocol: string | undefined): string[] {
  switch (protocol) {
    case 'HTTP':
      return ['HTTPRoute', 'GRPCRoute'];
    case 'HTTPS':
      return ['HTTPRoute', 'GRPCRoute'];
    case 'TLS':
      return ['TLSRoute'];
    case 'TCP':
      return ['TCPRoute'];
    case 'UDP':
      return ['UDPRoute'];
    default:
      return [...ROUTE_KINDS];
  }
}
