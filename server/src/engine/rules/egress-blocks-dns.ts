// Rule: egress-blocks-dns
// A pod selected by a NetworkPolicy with Egress in policyTypes may send only what some egress rule
// allows (networking.k8s.io/v1 NetworkPolicy). Name lookups go to the cluster DNS (kube-dns in
// kube-system, port 53 UDP/TCP; 5353 on OpenShift; CoreDNS names its ports dns and dns-tcp), so when
// no egress rule allows DNS every connection by Service name fails, even those a rule allows.
// A rule allows DNS when its ports allow 53 or 5353 (UDP or TCP, directly, by an endPort range, by
// the names dns/dns-tcp, or by listing no ports) and its peers can be the DNS pods: no peers, an
// ipBlock, or a namespaceSelector (a bare podSelector means the pod's own namespace). Reported only
// for pods whose containers address Services by DNS name, judged with the policies kept with the
// workload (same, enclosing or sibling directory); silent when the workspace holds Cilium or Calico
// policies, which may allow DNS on their own.
import type { NetworkPolicy, PolicyRule } from '../model/networkPolicy';
import { keptTogether } from '../model/resource';
import { clusterDnsReferences } from './dns-references';
import { defineRule } from './rule';

const DNS_PORTS = [53, 5353];
const DNS_PORT_NAMES = new Set(['dns', 'dns-tcp']);

function allowsDns(rule: PolicyRule): boolean {
  const portOk =
    rule.ports.length === 0 ||
    rule.ports.some((p) => {
      if (p.protocol !== 'UDP' && p.protocol !== 'TCP') return false;
      if (p.port === undefined) return true;
      if (typeof p.port === 'string') return DNS_PORT_NAMES.has(p.port);
      const port = p.port;
      return DNS_PORTS.some((d) => (p.endPort !== undefined ? d >= port && d <= p.endPort : d === port));
    });
  const peerOk =
    rule.peers.length === 0 || rule.peers.some((peer) => peer.hasIpBlock || peer.namespaceSelector !== undefined);
  return portOk && peerOk;
}

export default defineRule({
  id: 'egress-blocks-dns',
  severity: 'warning',
  description: 'NetworkPolicies isolate a pod for egress without allowing DNS, while it addresses Services by name.',
  remediation:
    'Add an egress rule to port 53 (UDP and TCP) toward the cluster DNS, e.g. to namespaceSelector kubernetes.io/metadata.name: kube-system.',
  reach: 'workspace',
  check: {
    workload(ctx, workload) {
      const resource = workload.resource;
      // Host-network pods are not subject to NetworkPolicy.
      if (workload.template.hostNetwork) return;
      const egressPolicies: NetworkPolicy[] = ctx.graph
        .policiesSelecting(workload)
        .filter((p) => p.policyTypes.includes('Egress') && keptTogether(p.resource.file, resource.file));
      if (egressPolicies.length === 0) return;
      if (egressPolicies.some((p) => p.rules.some((r) => r.direction === 'egress' && allowsDns(r)))) return;
      const refs = clusterDnsReferences(ctx.graph, workload);
      if (refs.length === 0 || ctx.graph.hasCniPolicies) return;
      const names = [...new Set(refs.map((r) => r.host))].slice(0, 3).join(', ');
      const policies = egressPolicies.map((p) => `'${p.resource.name}'`).join(', ');
      ctx.report({
        span: refs[0].workloadSpan,
        message: `NetworkPolicy ${policies} isolate${egressPolicies.length === 1 ? 's' : ''} these pods for egress and allow${egressPolicies.length === 1 ? 's' : ''} no DNS (port 53), so ${names} cannot be resolved.`,
        related: egressPolicies.map((p) => ({ resource: p.resource, message: 'egress policy without DNS' })),
      });
    },
  },
});
