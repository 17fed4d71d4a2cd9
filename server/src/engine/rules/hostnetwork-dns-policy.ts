// Rule: hostnetwork-dns-policy
// A pod with hostNetwork: true and dnsPolicy ClusterFirst (the default) does not use the cluster
// DNS: the kubelet falls back to the node's resolver ("ClusterFirst ... for pods running with
// hostNetwork, falls back to Default", pkg/kubelet/network/dns/dns.go getPodDNSType), so Service
// names such as db.shop.svc.cluster.local do not resolve. Such pods need
// dnsPolicy: ClusterFirstWithHostNet. Reported only when the pod's containers address Services by
// cluster DNS names (a node agent that talks to nothing in the cluster is fine); the quick fix sets it.
import { asScalar, get, stringValue } from '../tree';
import { clusterDnsReferences } from './dns-references';
import { defineRule } from './rule';

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
      const spec = workload.template.spec;
      const policyNode = asScalar(get(spec, 'dnsPolicy'));
      const policy = stringValue(policyNode) ?? 'ClusterFirst';
      if (policy !== 'ClusterFirst') return;
      const refs = clusterDnsReferences(ctx.graph, workload);
      if (refs.length === 0) return;
      const anchor = policyNode ?? asScalar(get(spec, 'hostNetwork'));
      if (!anchor) return;
      const names = [...new Set(refs.map((r) => r.host))].slice(0, 3).join(', ');
      ctx.report({
        span: anchor.span,
        message: `With hostNetwork and dnsPolicy ${policyNode ? 'ClusterFirst' : 'unset (ClusterFirst)'}, the pod uses the node's resolver, so ${names} will not resolve; set dnsPolicy: ClusterFirstWithHostNet.`,
        related: refs.slice(0, 3).map((r) => ({
          resource: r.via?.configMap ?? resource,
          span: r.via ? r.span : r.workloadSpan,
          message: `cluster DNS name ${r.host}`,
        })),
      });
    },
  },
});
