// Rule: duplicate-cluster-ip
// A cluster IP belongs to one Service: a second Service asking for the same spec.clusterIP is
// rejected ("provided IP is already allocated"). Compared among Services applied together (same
// file or kustomize build), like node ports.
import type { Span } from '../text';
import type { Service } from '../model/service';
import { fixedClusterIPs } from './clusterIPs';
import { defineRule } from './rule';

/** The Service's fixed cluster IPs, each address once. */
function clusterIPs(service: Service): { text: string; normalized: string; span: Span }[] {
  const out = new Map<string, { text: string; normalized: string; span: Span }>();
  for (const { text, address, span } of fixedClusterIPs.of(service.resource) ?? []) {
    const normalized = address.address.toString();
    if (!out.has(normalized)) out.set(normalized, { text, normalized, span });
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
