// Services as the API server defaults them: type ClusterIP, protocol TCP, targetPort = port when
// absent, 0 or empty (pkg/apis/core/v1/defaults.go SetDefaults_Service).
import { readEqualitySelector, withAddedTerms, type Selector } from '../selectors';
import { spanAt, type Span } from '../text';
import { asScalar, exact, get, getPath, integerValue, seqItems, stringValue } from '../tree';
import type { Producer } from './producer';
import { resourceAnchor, type Resource } from './resource';
import { readProtocol, type Protocol } from './workload';

export type ServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';

export interface ServicePort {
  readonly name: string | undefined;
  readonly protocol: Protocol;
  readonly port: number;
  /** A number, or a container port name. */
  readonly targetPort: number | string;
  /** Whether targetPort was written (false: defaulted to port). */
  readonly targetPortExplicit: boolean;
  readonly nodePort: number | undefined;
  readonly nodePortSpan: Span | undefined;
  readonly span: Span;
  readonly portSpan: Span;
  /** Where the targetPort value is, or the port's when defaulted. */
  readonly targetPortSpan: Span;
  readonly nameSpan: Span | undefined;
}

/**
 * A port read from a manifest, its spans kept as offsets and built on access: a view lives as long
 * as its resource, and a span object is 40 bytes (five per port).
 */
class WrittenServicePort implements ServicePort {
  private readonly start: number;
  private readonly end: number;
  private readonly portStart: number;
  private readonly portEnd: number;
  private readonly targetStart: number;
  private readonly targetEnd: number;
  /** -1 when not written, as nodePortStart. */
  private readonly nameStart: number;
  private readonly nameEnd: number;
  private readonly nodePortStart: number;
  private readonly nodePortEnd: number;

  constructor(
    readonly name: string | undefined,
    readonly protocol: Protocol,
    readonly port: number,
    readonly targetPort: number | string,
    readonly targetPortExplicit: boolean,
    readonly nodePort: number | undefined,
    span: Span,
    portSpan: Span,
    targetPortSpan: Span,
    nameSpan: Span | undefined,
    nodePortSpan: Span | undefined,
  ) {
    this.start = span.start;
    this.end = span.end;
    this.portStart = portSpan.start;
    this.portEnd = portSpan.end;
    this.targetStart = targetPortSpan.start;
    this.targetEnd = targetPortSpan.end;
    this.nameStart = nameSpan?.start ?? -1;
    this.nameEnd = nameSpan?.end ?? -1;
    this.nodePortStart = nodePortSpan?.start ?? -1;
    this.nodePortEnd = nodePortSpan?.end ?? -1;
  }

  get span(): Span {
    return { start: this.start, end: this.end };
  }

  get portSpan(): Span {
    return { start: this.portStart, end: this.portEnd };
  }

  get targetPortSpan(): Span {
    return { start: this.targetStart, end: this.targetEnd };
  }

  get nameSpan(): Span | undefined {
    return spanAt(this.nameStart, this.nameEnd);
  }

  get nodePortSpan(): Span | undefined {
    return spanAt(this.nodePortStart, this.nodePortEnd);
  }
}

export interface Service {
  readonly resource: Resource;
  readonly type: ServiceType;
  readonly clusterIP: string | undefined;
  readonly headless: boolean;
  readonly externalName: string | undefined;
  readonly externalIPs: readonly string[];
  /** undefined: no selector, so endpoints are managed by hand (Endpoints/EndpointSlices). */
  readonly selector: Selector | undefined;
  readonly ports: readonly ServicePort[];
  /** Set for Services an operator creates from a custom resource (model/producers.ts). */
  readonly producer?: Producer;
}

const TYPES = new Set<ServiceType>(['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName']);

export function readService(resource: Resource): Service | undefined {
  if (resource.kind !== 'Service' || resource.apiVersion !== 'v1') return undefined;
  const spec = get(resource.node, 'spec');
  const typeName = stringValue(get(spec, 'type'));
  const type: ServiceType = typeName && TYPES.has(typeName as ServiceType) ? (typeName as ServiceType) : 'ClusterIP';
  const clusterIP = stringValue(get(spec, 'clusterIP'));
  const ports: ServicePort[] = [];
  for (const p of seqItems(get(spec, 'ports'))) {
    const portNode = asScalar(get(p, 'port'));
    const port = integerValue(portNode);
    if (port === undefined || !portNode) continue;
    const targetNode = asScalar(get(p, 'targetPort'));
    let targetPort: number | string = port;
    let targetPortExplicit = false;
    if (targetNode && targetNode.value !== null) {
      const raw = targetNode.value;
      // A quoted number is an IntOrString string; the API rejects it as a name, so read it as the number meant.
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : undefined;
      if (n !== undefined && Number.isInteger(n)) {
        if (n !== 0) {
          targetPort = n;
          targetPortExplicit = true;
        }
      } else if (typeof raw === 'string' && raw !== '') {
        targetPort = raw;
        targetPortExplicit = true;
      }
    }
    const nameNode = asScalar(get(p, 'name'));
    const nodePortNode = get(p, 'nodePort');
    ports.push(
      new WrittenServicePort(
        stringValue(nameNode) || undefined,
        readProtocol(get(p, 'protocol')),
        port,
        targetPort,
        targetPortExplicit,
        integerValue(nodePortNode),
        p.span,
        portNode.span,
        (targetNode ?? portNode).span,
        nameNode?.span,
        nodePortNode?.span,
      ),
    );
  }
  // kustomize's commonLabels (and labels with includeSelectors) write spec.selector, creating it on a
  // Service that has none (its label field spec for Service spec/selector says create: true).
  const added = resource.buildLabels?.selector;
  const created =
    added && Object.keys(added).length > 0 ? { terms: [], span: resourceAnchor(resource), invalid: false } : undefined;
  const selector = withAddedTerms(readEqualitySelector(get(spec, 'selector')) ?? created, added);
  return {
    resource,
    type,
    clusterIP,
    headless: clusterIP === 'None',
    externalName: stringValue(get(spec, 'externalName')),
    externalIPs: seqItems(get(spec, 'externalIPs'))
      .map(stringValue)
      .filter((s): s is string => !!s),
    selector: type === 'ExternalName' ? undefined : selector,
    ports: exact(ports),
  };
}

export function selectorNodeSpan(service: Service): Span | undefined {
  return getPath(service.resource.node, 'spec', 'selector')?.span;
}

export function describeServicePort(p: ServicePort): string {
  return p.name ? `${p.port} (${p.name})` : `${p.port}`;
}

/**
 * The Service port a reference means, by the Kubernetes API's own definitions: an Ingress backend
 * names it by `number` ("the numerical port number (e.g. 80) on the Service") or by `name` ("the
 * name of the port on the Service"), networking.k8s.io/v1 ServiceBackendPort; a Gateway API
 * backendRef by `port`, the Service port number; an Istio destination by `port.number`, which may
 * be left out when the Service has a single port ("If a service exposes only a single port it is not
 * required to explicitly select the port"). A number is matched against `port`, never `targetPort`
 * (the container's side, resolved per pod by the endpoints controller: see servicePorts.ts). No port
 * means the Service's only port; with several it means none of them. A cluster DNS address in a
 * container's configuration is read the same way: with a port, the Service port of that number.
 */
export function servicePortFor(service: Service, port: number | string | undefined): ServicePort | undefined {
  if (port === undefined) return service.ports.length === 1 ? service.ports[0] : undefined;
  return service.ports.find((p) => (typeof port === 'number' ? p.port === port : p.name === port));
}
