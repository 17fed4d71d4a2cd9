// Rule: cluster-ip-outside-service-cidr
// A fixed clusterIP must lie in the cluster's Service CIDR (kube-apiserver --service-cluster-ip-range)
// or the API server rejects it. Only checked when the serviceCIDR setting says what that range is.
import { cidrContainsAddress, describeCidr, parseCidr, type ParsedCidr } from '../addresses';
import { fixedClusterIPs } from './clusterIPs';
import { defineRule } from './rule';

export default defineRule({
  id: 'cluster-ip-outside-service-cidr',
  severity: 'warning',
  description: 'A clusterIP lies outside the configured Service CIDR.',
  remediation: 'Pick an address inside the Service CIDR, or leave clusterIP out so that the cluster allocates one.',
  check: {
    service(ctx, service) {
      const resource = service.resource;
      const ranges = ctx.config.serviceCIDR.map(parseCidr).filter((c): c is ParsedCidr => c !== undefined);
      if (ranges.length === 0) return;
      const seen = new Set<string>();
      for (const { text, address, span } of fixedClusterIPs.of(resource) ?? []) {
        if (seen.has(text)) continue;
        seen.add(text);
        const sameFamily = ranges.filter((r) => r.family === address.family);
        if (sameFamily.length === 0 || sameFamily.some((r) => cidrContainsAddress(r, address))) continue;
        ctx.report({
          span,
          message: `clusterIP ${text} is outside the Service CIDR ${sameFamily.map(describeCidr).join(', ')} (setting serviceCIDR); the API server rejects it.`,
        });
      }
    },
  },
});
