// Rule: hostnetwork-dns-policy
// A pod with hostNetwork: true and dnsPolicy ClusterFirst (the default) does not use the cluster
// DNS: the kubelet falls back to the node's resolver ("ClusterFirst ... for pods running with
// hostNetwork, falls back to Default", pkg/kubelet/network/dns/dns.go getPodDNSType), so Service
// names such as db.shop.svc.cluster.local do not resolve. Such pods need
// dnsPolicy: ClusterFirstWithHostNet. Reported only when the pod's containers address Services by
// cluster DNS names (a node agent that talks to nothing in the cluster is fine); the quick fix sets it.
import { asScalar, get, stringValue } from '../tree';
import { clusterDnsReferences } from './dns-references';
import { ownFact } from './ownFacts';
import { defineRule } from './rule';

/**
 * A hostNetwork pod template's DNS policy (ClusterFirst when not written), and where to say so:
 * dnsPolicy, else hostNetwork (model/ownFacts.ts).
 */
const dnsPolicy = ownFact('workload', (workload) => {
  if (!workload.template.hostNetwork) return undefined;
  const spec = workload.template.spec;
  const policyNode = asScalar(get(spec, 'dnsPolicy'));
  return {
    policy: stringValue(policyNode) ?? 'ClusterFirst',
    written: policyNode !== undefined,
    anchor: (policyNode ?? asScalar(get(spec, 'hostNetwork')))?.span,
  };
});

export default defineRule({
  id: 'hostnetwork-dns-policy',
  severity: 'warning',
  description: 'A hostNetwork pod that addresses Services by DNS name uses the node resolver (dnsPolicy ClusterFirst).',
  remediation: 'Set dnsPolicy: ClusterFirstWithHostNet beside hostNetwork: true.',
  reach: 'workspace',
  check: {
    workload(ctx, workload) {
      const resource = workload.resource;
      if (!workload.template.hostNetwork) return;
      const dns = dnsPolicy.of(workload.resource);
      if (!dns || dns.policy !== 'ClusterFirst') return;
      const refs = clusterDnsReferences(ctx.graph, workload);
      if (refs.length === 0) return;
      const anchor = dns.anchor;
      if (!anchor) return;
      const names = [...new Set(refs.map((r) => r.host))].slice(0, 3).join(', ');
      ctx.report({
        span: anchor,
        message: `With hostNetwork and dnsPolicy ${dns.written ? 'ClusterFirst' : 'unset (ClusterFirst)'}, the pod uses the node's resolver, so ${names} will not resolve; set dnsPolicy: ClusterFirstWithHostNet.`,
        related: refs.slice(0, 3).map((r) => ({
          resource: r.via?.configMap ?? resource,
          span: r.via ? r.span : r.workloadSpan,
          message: `cluster DNS name ${r.host}`,
        })),
      });
    },
  },
});
