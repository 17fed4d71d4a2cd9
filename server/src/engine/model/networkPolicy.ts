// NetworkPolicy (networking.k8s.io/v1): the pods it isolates and its ingress/egress peers.
import { readLabelSelector, type Selector } from '../selectors';
import type { Span } from '../text';
import { asScalar, exact, get, integerValue, seqItems, stringValue } from '../tree';
import type { Resource } from './resource';

export interface PolicyPeer {
  readonly direction: 'ingress' | 'egress';
  readonly podSelector: Selector | undefined;
  readonly namespaceSelector: Selector | undefined;
  readonly hasIpBlock: boolean;
  readonly span: Span;
}

export interface PolicyPort {
  readonly protocol: string;
  /** A number, a container port name, or undefined for every port. */
  readonly port: number | string | undefined;
  readonly endPort: number | undefined;
}

/** One ingress or egress rule: peers (empty: every peer) and ports (empty: every port). */
export interface PolicyRule {
  readonly direction: 'ingress' | 'egress';
  readonly peers: readonly PolicyPeer[];
  readonly ports: readonly PolicyPort[];
}

export interface NetworkPolicy {
  readonly resource: Resource;
  readonly rules: readonly PolicyRule[];
  /** Required by the API; `{}` selects every pod in the namespace. */
  readonly podSelector: Selector;
  readonly policyTypes: readonly ('Ingress' | 'Egress')[];
  readonly peers: readonly PolicyPeer[];
}

export function readNetworkPolicy(resource: Resource): NetworkPolicy | undefined {
  if (resource.kind !== 'NetworkPolicy' || resource.apiVersion !== 'networking.k8s.io/v1') return undefined;
  const spec = get(resource.node, 'spec');
  const peers: PolicyPeer[] = [];
  const rules: PolicyRule[] = [];
  for (const [direction, rulesKey, peersKey] of [
    ['ingress', 'ingress', 'from'],
    ['egress', 'egress', 'to'],
  ] as const) {
    for (const rule of seqItems(get(spec, rulesKey))) {
      const rulePeers: PolicyPeer[] = [];
      const ports = seqItems(get(rule, 'ports')).map<PolicyPort>((p) => {
        const portNode = asScalar(get(p, 'port'));
        const raw = portNode?.value;
        return {
          protocol: stringValue(get(p, 'protocol')) ?? 'TCP',
          port:
            typeof raw === 'number'
              ? raw
              : typeof raw === 'string' && raw !== ''
                ? /^\d+$/.test(raw)
                  ? Number(raw)
                  : raw
                : undefined,
          endPort: integerValue(get(p, 'endPort')),
        };
      });
      for (const peer of seqItems(get(rule, peersKey))) {
        const podNode = get(peer, 'podSelector');
        const nsNode = get(peer, 'namespaceSelector');
        const parsed: PolicyPeer = {
          direction,
          podSelector: podNode !== undefined ? readLabelSelector(podNode) : undefined,
          namespaceSelector: nsNode !== undefined ? readLabelSelector(nsNode) : undefined,
          hasIpBlock: get(peer, 'ipBlock') !== undefined,
          span: peer.span,
        };
        peers.push(parsed);
        rulePeers.push(parsed);
      }
      rules.push({ direction, peers: exact(rulePeers), ports });
    }
  }
  const declaredTypes = seqItems(get(spec, 'policyTypes'))
    .map(stringValue)
    .filter((t): t is 'Ingress' | 'Egress' => t === 'Ingress' || t === 'Egress');
  // API defaulting: Ingress always, Egress when egress rules are present.
  const policyTypes = declaredTypes.length
    ? declaredTypes
    : (['Ingress', ...(get(spec, 'egress') ? ['Egress' as const] : [])] as ('Ingress' | 'Egress')[]);
  // podSelector is a struct, not a pointer, in the Go type: absent decodes as {} and selects every pod.
  const podSelector = readLabelSelector(get(spec, 'podSelector')) ?? {
    terms: [],
    span: resource.kindSpan,
    invalid: false,
  };
  return { resource, rules: exact(rules), podSelector, policyTypes, peers: exact(peers) };
}
