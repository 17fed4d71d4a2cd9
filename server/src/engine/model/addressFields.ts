// Where manifests write IP addresses and CIDRs, with the span of each value: Service cluster IPs,
// external IPs, load balancer IP and source ranges, NetworkPolicy ipBlocks, Endpoints addresses
// and EndpointSlice endpoints.
import { hasPlaceholder } from '../placeholders';
import type { YNode } from '../syntax';
import type { Span } from '../text';
import { asScalar, get, getPath, seqItems, stringValue } from '../tree';
import type { Family } from '../addresses';
import type { Resource } from './resource';

export interface AddressField {
  readonly text: string;
  readonly span: Span;
  readonly form: 'address' | 'cidr';
  /** The field, for messages (`spec.externalIPs`). */
  readonly field: string;
  /** An EndpointSlice's addressType, which its addresses must have. */
  readonly requiredFamily?: Family;
}

/** Appends the field at node to out, when it holds a value. */
function scalarField(
  out: AddressField[],
  node: YNode | undefined,
  form: AddressField['form'],
  field: string,
  requiredFamily?: Family,
): void {
  const s = asScalar(node);
  // `$INBOUND_CIDRS`, `${LB_IP}`: filled in by envsubst or Flux; not an address until then.
  if (!s || s.value === null || s.text === '' || hasPlaceholder(s.text)) return;
  out.push({ text: s.text, span: s.span, form, field, requiredFamily });
}

/** No field of an object of any other kind holds an address: its tree is not read (workspace/trees.ts). */
const NONE: readonly AddressField[] = Object.freeze([]);

export function addressFields(resource: Resource): readonly AddressField[] {
  const kind = resource.kind;
  if (kind !== 'Service' && kind !== 'NetworkPolicy' && kind !== 'Endpoints' && kind !== 'EndpointSlice') return NONE;
  const out: AddressField[] = [];
  if (kind === 'Service' && resource.apiVersion === 'v1') {
    const spec = get(resource.node, 'spec');
    const clusterIP = stringValue(get(spec, 'clusterIP'));
    if (clusterIP !== 'None') scalarField(out, get(spec, 'clusterIP'), 'address', 'spec.clusterIP');
    for (const n of seqItems(get(spec, 'clusterIPs')))
      if (stringValue(n) !== 'None') scalarField(out, n, 'address', 'spec.clusterIPs');
    for (const n of seqItems(get(spec, 'externalIPs'))) scalarField(out, n, 'address', 'spec.externalIPs');
    scalarField(out, get(spec, 'loadBalancerIP'), 'address', 'spec.loadBalancerIP');
    for (const n of seqItems(get(spec, 'loadBalancerSourceRanges')))
      scalarField(out, n, 'cidr', 'spec.loadBalancerSourceRanges');
  } else if (resource.kind === 'NetworkPolicy') {
    for (const block of ipBlocks(resource)) {
      scalarField(out, get(block, 'cidr'), 'cidr', 'ipBlock.cidr');
      for (const n of seqItems(get(block, 'except'))) scalarField(out, n, 'cidr', 'ipBlock.except');
    }
  } else if (resource.kind === 'Endpoints' && resource.apiVersion === 'v1') {
    for (const subset of seqItems(get(resource.node, 'subsets'))) {
      for (const key of ['addresses', 'notReadyAddresses']) {
        for (const a of seqItems(get(subset, key))) scalarField(out, get(a, 'ip'), 'address', `subsets.${key}.ip`);
      }
    }
  } else if (resource.kind === 'EndpointSlice' && resource.apiVersion.startsWith('discovery.k8s.io/')) {
    const type = stringValue(get(resource.node, 'addressType'));
    if (type === 'IPv4' || type === 'IPv6') {
      for (const e of seqItems(get(resource.node, 'endpoints'))) {
        for (const a of seqItems(get(e, 'addresses'))) scalarField(out, a, 'address', 'endpoints.addresses', type);
      }
    }
  }
  return out;
}

/** The ipBlock mappings of a NetworkPolicy's ingress and egress peers. */
export function ipBlocks(resource: Resource): YNode[] {
  const spec = get(resource.node, 'spec');
  const out: YNode[] = [];
  for (const [rules, peers] of [
    ['ingress', 'from'],
    ['egress', 'to'],
  ]) {
    for (const rule of seqItems(get(spec, rules))) {
      for (const peer of seqItems(get(rule, peers))) {
        const block = getPath(peer, 'ipBlock');
        if (block) out.push(block);
      }
    }
  }
  return out;
}
