// Rule: duplicate-cluster-ip
// A cluster IP belongs to one Service: a second Service asking for the same spec.clusterIP is
// rejected ("provided IP is already allocated"). Compared among Services applied together (same
// file or kustomize build), like node ports.
import { parseAddress } from '../addresses';
import { get, seqItems, asScalar } from '../tree';
import type { Service } from '../model/service';
import { defineRule } from './rule';

function clusterIPs(service: Service): { text: string; normalized: string; span: { start: number; end: number } }[] {
  const spec = get(service.resource.node, 'spec');
  const nodes = [get(spec, 'clusterIP'), ...seqItems(get(spec, 'clusterIPs'))];
  const out = new Map<string, { text: string; normalized: string; span: { start: number; end: number } }>();
  for (const n of nodes) {
    const s = asScalar(n);
    const parsed = s ? parseAddress(s.text) : undefined;
    if (s && parsed && !out.has(parsed.address.toString()))
      out.set(parsed.address.toString(), { text: s.text, normalized: parsed.address.toString(), span: s.span });
  }
  return [...out.values()];
}

export default defineRule({
  id: 'duplicate-cluster-ip',
  severity: 'error',
  description: 'Two Services claim the same clusterIP.',
  remediation: 'Leave clusterIP out so that the cluster allocates one, or give each Service its own.',
  check: {
    service(ctx, service) {
      const mine = clusterIPs(service);
      if (mine.length === 0) return;
      for (const other of ctx.graph.servicesAppliedNear(service)) {
        const theirs = new Set(clusterIPs(other).map((c) => c.normalized));
        for (const ip of mine) {
          if (!theirs.has(ip.normalized)) continue;
          ctx.report({
            span: ip.span,
            message: `clusterIP ${ip.text} is also claimed by Service '${other.resource.namespace}/${other.resource.name}'; one of them cannot be created.`,
            related: [{ resource: other.resource, message: `also claims ${ip.text}` }],
          });
        }
      }
    },
  },
});
