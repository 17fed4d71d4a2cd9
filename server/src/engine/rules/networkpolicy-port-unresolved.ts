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
import { readLabelSelector, type Selector } from '../selectors';
import type { YNode } from '../syntax';
import type { Span } from '../text';
import { asScalar, get, seqItems, stringValue } from '../tree';
import { isNearMiss } from './near-miss';
import { ownFact } from './ownFacts';
import { defineRule } from './rule';

/** A rule's named ports, with what the egress rule's destinations are read from. */
interface NamedPortRule {
  readonly direction: 'ingress' | 'egress';
  readonly ports: readonly { readonly name: string; readonly protocol: string; readonly span: Span }[];
  /** An egress rule's peers' pod selectors, when every peer is a bare podSelector; undefined when unknown. */
  readonly peerSelectors: readonly Selector[] | undefined;
}

/** The peers' selectors of an egress rule whose peers are all bare podSelectors; undefined otherwise. */
function bareSelectors(rule: YNode): Selector[] | undefined {
  const peers = seqItems(get(rule, 'to'));
  if (peers.length === 0) return undefined;
  const selectors: Selector[] = [];
  for (const peer of peers) {
    if (get(peer, 'namespaceSelector') !== undefined || get(peer, 'ipBlock') !== undefined) return undefined;
    const selector = readLabelSelector(get(peer, 'podSelector'));
    if (!selector || selector.invalid) return undefined;
    selectors.push(selector);
  }
  return selectors;
}

/** The policy's rules with named ports (read from its tree once, rules/ownFacts.ts). */
const namedPortRules = ownFact('policy', (policy) => {
  const spec = get(policy.resource.node, 'spec');
  let out: NamedPortRule[] | undefined;
  for (const direction of ['ingress', 'egress'] as const) {
    for (const rule of seqItems(get(spec, direction))) {
      const ports: NamedPortRule['ports'][number][] = [];
      for (const p of seqItems(get(rule, 'ports'))) {
        const portNode = asScalar(get(p, 'port'));
        const name = typeof portNode?.value === 'string' && !/^\d+$/.test(portNode.value) ? portNode.value : undefined;
        if (!name || !portNode) continue;
        ports.push({ name, protocol: stringValue(get(p, 'protocol')) ?? 'TCP', span: portNode.span });
      }
      if (ports.length === 0) continue;
      (out ??= []).push({
        direction,
        ports,
        peerSelectors: direction === 'egress' ? bareSelectors(rule) : undefined,
      });
    }
  }
  return out;
});

/** The pods an egress rule sends to, when every peer is a bare podSelector; undefined when unknown. */
function egressDestinations(graph: TrafficGraph, rule: NamedPortRule, namespace: string): Workload[] | undefined {
  if (!rule.peerSelectors) return undefined;
  const out = new Set<Workload>();
  for (const selector of rule.peerSelectors) for (const w of graph.workloadsSelecting(selector, namespace)) out.add(w);
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
      const rules = namedPortRules.of(resource);
      if (!rules) return;
      const selected = ctx.graph.workloadsSelecting(policy.podSelector, ns);
      for (const rule of rules) {
        const direction = rule.direction;
        const destinations = direction === 'ingress' ? selected : egressDestinations(ctx.graph, rule, ns);
        if (!destinations || destinations.length === 0) continue;
        const declared = destinations.flatMap((w) =>
          w.template.containers.flatMap((c) => c.ports.map((p) => ({ name: p.name, protocol: p.protocol }))),
        );
        for (const { name, protocol, span } of rule.ports) {
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
            span,
            message: `No container of the ${side} (${pods}) declares port '${name}'/${protocol}${detail}: this ${direction} rule allows nothing on it.${near && !otherProtocol ? ` Did you mean '${near}'?` : ''}`,
            related: destinations.slice(0, 3).map((w) => ({
              resource: w.resource,
              message: `${direction === 'ingress' ? 'selected' : 'destination'} pod template`,
            })),
          });
        }
      }
    },
  },
});
