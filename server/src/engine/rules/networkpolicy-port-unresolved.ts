// Rule: networkpolicy-port-unresolved
// A named port in a NetworkPolicy rule is resolved on the destination pod: the pods the policy
// selects for ingress rules, the peer pods for egress rules (networking.k8s.io/v1
// NetworkPolicyPort.Port: "a named port on a pod"; the network plugin matches the container port
// of that name and protocol). When no destination pod declares that name, the port matches nothing
// and the rule allows no traffic on it. Judged only where the destination pods are known: ingress
// rules of a policy whose podSelector selects pod templates of the workspace, and egress rules whose
// peers are all bare podSelectors (pods of the policy's namespace) that select some.
import type { TrafficGraph } from '../graph';
import type { Workload } from '../model/workload';
import { readLabelSelector } from '../selectors';
import type { YNode } from '../syntax';
import { asScalar, get, seqItems, stringValue } from '../tree';
import { isNearMiss } from './near-miss';
import { defineRule } from './rule';

/** The pods an egress rule sends to, when every peer is a bare podSelector; undefined when unknown. */
function egressDestinations(graph: TrafficGraph, rule: YNode, namespace: string): Workload[] | undefined {
  const peers = seqItems(get(rule, 'to'));
  if (peers.length === 0) return undefined;
  const out = new Set<Workload>();
  for (const peer of peers) {
    if (get(peer, 'namespaceSelector') !== undefined || get(peer, 'ipBlock') !== undefined) return undefined;
    const selector = readLabelSelector(get(peer, 'podSelector'));
    if (!selector || selector.invalid) return undefined;
    for (const w of graph.workloadsSelecting(selector, namespace)) out.add(w);
  }
  return [...out];
}

export default defineRule({
  id: 'networkpolicy-port-unresolved',
  severity: 'warning',
  description: 'A named port in a NetworkPolicy rule is declared by no destination pod; the rule allows nothing on it.',
  remediation:
    'Use a container port name the destination pods declare (containers[].ports[].name), or the port number.',
  check: {
    policy(ctx, policy) {
      const resource = policy.resource;
      if (policy.podSelector.invalid) return;
      const ns = resource.namespace ?? 'default';
      const spec = get(resource.node, 'spec');
      const selected = ctx.graph.workloadsSelecting(policy.podSelector, ns);
      for (const direction of ['ingress', 'egress'] as const) {
        for (const rule of seqItems(get(spec, direction))) {
          const destinations = direction === 'ingress' ? selected : egressDestinations(ctx.graph, rule, ns);
          if (!destinations || destinations.length === 0) continue;
          const declared = destinations.flatMap((w) =>
            w.template.containers.flatMap((c) => c.ports.map((p) => ({ name: p.name, protocol: p.protocol }))),
          );
          for (const p of seqItems(get(rule, 'ports'))) {
            const portNode = asScalar(get(p, 'port'));
            const name =
              typeof portNode?.value === 'string' && !/^\d+$/.test(portNode.value) ? portNode.value : undefined;
            if (!name || !portNode) continue;
            const protocol = stringValue(get(p, 'protocol')) ?? 'TCP';
            if (declared.some((d) => d.name === name && d.protocol === protocol)) continue;
            const otherProtocol = declared.find((d) => d.name === name);
            const names = [...new Set(declared.map((d) => d.name).filter((n): n is string => !!n))];
            const near = names.find((n) => isNearMiss(n, name));
            const pods = destinations.map((w) => `${w.resource.kind} '${w.resource.name}'`).join(', ');
            const side = direction === 'ingress' ? 'selected pods' : 'destination pods';
            const detail = otherProtocol
              ? ` (it is declared for ${otherProtocol.protocol})`
              : names.length
                ? ` (declared names: ${names.join(', ')})`
                : ' (no container port has a name)';
            ctx.report({
              span: portNode.span,
              message: `No container of the ${side} (${pods}) declares port '${name}'/${protocol}${detail}: this ${direction} rule allows nothing on it.${near && !otherProtocol ? ` Did you mean '${near}'?` : ''}`,
              related: destinations.slice(0, 3).map((w) => ({
                resource: w.resource,
                message: `${direction === 'ingress' ? 'selected' : 'destination'} pod template`,
              })),
            });
          }
        }
      }
    },
  },
});
