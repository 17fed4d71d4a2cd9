// A Service's fixed cluster IPs as written (spec.clusterIP, then spec.clusterIPs), those that are
// addresses: what duplicate-cluster-ip compares across Services and cluster-ip-outside-service-cidr
// checks against the setting, read from the Service's tree once (rules/ownFacts.ts).
import { parseAddress, type ParsedAddress } from '../addresses';
import type { Span } from '../text';
import { asScalar, get, seqItems } from '../tree';
import { ownFact } from './ownFacts';

export interface WrittenClusterIP {
  readonly text: string;
  readonly address: ParsedAddress;
  readonly span: Span;
}

/** In the order written, repeats included; undefined when there is none. */
export const fixedClusterIPs = ownFact('service', (service) => {
  const spec = get(service.resource.node, 'spec');
  let out: WrittenClusterIP[] | undefined;
  for (const n of [get(spec, 'clusterIP'), ...seqItems(get(spec, 'clusterIPs'))]) {
    const s = asScalar(n);
    const address = s && parseAddress(s.text);
    if (s && address) (out ??= []).push({ text: s.text, address, span: s.span });
  }
  return out;
});
