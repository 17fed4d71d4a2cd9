// Ingress in networking.k8s.io/v1 and in the older networking.k8s.io/v1beta1 and
// extensions/v1beta1 shapes, read into one model of rules, paths and backends.
import { hasPlaceholder } from '../placeholders';
import type { Span } from '../text';
import { asScalar, get, getPath, integerValue, seqItems, stringValue, type StringEntry } from '../tree';
import type { Resource } from './resource';
import type { YNode } from '../syntax';

export interface IngressBackend {
  /** Service backends only; `resource` backends (a bucket, a custom object) are not Services. */
  readonly serviceName: string;
  readonly serviceNameSpan: Span;
  readonly port: number | string | undefined;
  readonly portSpan: Span | undefined;
  readonly span: Span;
  /** A controller action rather than a Service (the AWS Load Balancer Controller's `use-annotation`). */
  readonly isControllerAction: boolean;
}

export interface IngressPath {
  readonly host: string | undefined;
  readonly path: string | undefined;
  readonly pathType: string | undefined;
  readonly backend: IngressBackend | undefined;
  /** Where the path is claimed: its path field, else its rule's host, else the item. */
  readonly span: Span;
}

export interface Ingress {
  readonly resource: Resource;
  readonly className: string | undefined;
  readonly tlsHosts: readonly string[];
  readonly defaultBackend: IngressBackend | undefined;
  readonly paths: readonly IngressPath[];
}

const INGRESS_API_VERSIONS = new Set(['networking.k8s.io/v1', 'networking.k8s.io/v1beta1', 'extensions/v1beta1']);

export function readIngress(resource: Resource): Ingress | undefined {
  if (resource.kind !== 'Ingress' || !INGRESS_API_VERSIONS.has(resource.apiVersion)) return undefined;
  const v1 = resource.apiVersion === 'networking.k8s.io/v1';
  const spec = get(resource.node, 'spec');
  const readBackend = (node: YNode | undefined) =>
    v1 ? readV1Backend(node, resource) : readBetaBackend(node, resource);
  const paths: IngressPath[] = [];
  for (const rule of seqItems(get(spec, 'rules'))) {
    const hostNode = get(rule, 'host');
    const host = stringValue(hostNode);
    for (const p of seqItems(getPath(rule, 'http', 'paths'))) {
      const pathNode = get(p, 'path');
      paths.push({
        host,
        path: stringValue(pathNode),
        pathType: stringValue(get(p, 'pathType')),
        backend: readBackend(get(p, 'backend')),
        span: (pathNode ?? hostNode ?? p).span,
      });
    }
  }
  return {
    resource,
    className: stringValue(get(spec, 'ingressClassName')) ?? resource.annotations['kubernetes.io/ingress.class'],
    tlsHosts: seqItems(get(spec, 'tls'))
      .flatMap((t) => seqItems(get(t, 'hosts')).map(stringValue))
      .filter((h): h is string => !!h),
    defaultBackend: readBackend(get(spec, v1 ? 'defaultBackend' : 'backend')),
    paths,
  };
}

function isAlbAction(resource: Resource, serviceName: string, port: number | string | undefined): boolean {
  return (
    port === 'use-annotation' && resource.annotations[`alb.ingress.kubernetes.io/actions.${serviceName}`] !== undefined
  );
}

function readV1Backend(node: YNode | undefined, resource: Resource): IngressBackend | undefined {
  const service = get(node, 'service');
  const nameNode = asScalar(get(service, 'name'));
  if (!node || !nameNode || typeof nameNode.value !== 'string') return undefined;
  const numberNode = asScalar(getPath(service, 'port', 'number'));
  const portNameNode = asScalar(getPath(service, 'port', 'name'));
  const port = integerValue(numberNode) ?? stringValue(portNameNode);
  return {
    serviceName: nameNode.value,
    serviceNameSpan: nameNode.span,
    port,
    portSpan: (numberNode ?? portNameNode)?.span,
    span: node.span,
    // An ALB action, or a backend written as a substitution placeholder: not a Service we can look up.
    isControllerAction:
      isAlbAction(resource, nameNode.value, port) ||
      hasPlaceholder(nameNode.value) ||
      (typeof port === 'string' && hasPlaceholder(port)),
  };
}

function readBetaBackend(node: YNode | undefined, resource: Resource): IngressBackend | undefined {
  const nameNode = asScalar(get(node, 'serviceName'));
  if (!node || !nameNode || typeof nameNode.value !== 'string') return undefined;
  const portNode = asScalar(get(node, 'servicePort'));
  const raw = portNode?.value;
  const port =
    typeof raw === 'number' ? raw : typeof raw === 'string' ? (/^\d+$/.test(raw) ? Number(raw) : raw) : undefined;
  return {
    serviceName: nameNode.value,
    serviceNameSpan: nameNode.span,
    port,
    portSpan: portNode?.span,
    span: node.span,
    isControllerAction: isAlbAction(resource, nameNode.value, port),
  };
}

export function allBackends(ingress: Ingress): { backend: IngressBackend; path: IngressPath | undefined }[] {
  const out: { backend: IngressBackend; path: IngressPath | undefined }[] = [];
  if (ingress.defaultBackend) out.push({ backend: ingress.defaultBackend, path: undefined });
  for (const p of ingress.paths) if (p.backend) out.push({ backend: p.backend, path: p });
  return out;
}

export type { StringEntry };
