// What a NetworkPolicy means in this workspace, for hovers, lenses and navigation: the pod templates
// its podSelector selects, the directions it isolates, and each rule's peers resolved to pod
// templates (networking.k8s.io/v1: a podSelector-only peer means pods of the policy's namespace; a
// namespaceSelector, pods of the matching namespaces; both, matching pods there; ipBlock peers are
// addresses, not pods). Namespaces are those the workspace knows, with their Namespace labels and
// the automatic kubernetes.io/metadata.name.
import type { TrafficGraph } from '../graph';
import type { NetworkPolicy, PolicyPeer, PolicyPort, PolicyRule } from '../model/networkPolicy';
import type { Workload } from '../model/workload';
import { selectorMatchesLabels, type Selector } from '../selectors';

export function policyNamespace(policy: NetworkPolicy): string {
  return policy.resource.namespace ?? 'default';
}

/** The pod templates of the policy's namespace its podSelector selects (`{}`: all of them). */
export function podsSelectedBy(g: TrafficGraph, policy: NetworkPolicy): readonly Workload[] {
  return g.workloadsSelecting(policy.podSelector, policyNamespace(policy));
}

/** The namespaces of the workspace a peer's namespaceSelector matches (the policy's own without one). */
export function peerNamespaces(g: TrafficGraph, policy: NetworkPolicy, peer: PolicyPeer): string[] {
  if (!peer.namespaceSelector) return [policyNamespace(policy)];
  const selector = peer.namespaceSelector;
  return [...g.namespaces].filter((ns) => selectorMatchesLabels(selector, g.namespaceLabels(ns))).sort();
}

/** The pod templates of the workspace a peer matches (none for an ipBlock). */
export function peerWorkloads(g: TrafficGraph, policy: NetworkPolicy, peer: PolicyPeer): Workload[] {
  if (peer.hasIpBlock) return [];
  return peerNamespaces(g, policy, peer).flatMap((ns) =>
    peer.podSelector ? [...g.workloadsSelecting(peer.podSelector, ns)] : [...g.workloadsIn(ns)],
  );
}

/** The pod templates a selector under the cursor selects: the policy's own, a peer's, or a peer's namespaces' pods. */
export function workloadsOfSelector(
  g: TrafficGraph,
  policy: NetworkPolicy,
  peer: PolicyPeer | undefined,
  which: 'pod' | 'namespace',
  selector: Selector,
): Workload[] {
  if (!peer) return [...g.workloadsSelecting(selector, policyNamespace(policy))];
  if (which === 'pod') return peerWorkloads(g, policy, peer);
  return peerNamespaces(g, policy, peer).flatMap((ns) => [...g.workloadsIn(ns)]);
}

/** Whether the policy isolates a direction (policyTypes, with the API's defaulting already applied). */
export function isolates(policy: NetworkPolicy, direction: 'ingress' | 'egress'): boolean {
  return policy.policyTypes.includes(direction === 'ingress' ? 'Ingress' : 'Egress');
}

/** The rules of one direction that take effect (rules of a direction the policy does not isolate are ignored). */
export function rulesOf(policy: NetworkPolicy, direction: 'ingress' | 'egress'): readonly PolicyRule[] {
  return isolates(policy, direction) ? policy.rules.filter((r) => r.direction === direction) : [];
}

/**
 * The peers the ingress rules allow, as pod templates (distinct), and whether some rule allows
 * every source or sources outside the workspace's pods (an empty peer list, an ipBlock, a namespace
 * the workspace does not show).
 */
export function allowedSources(
  g: TrafficGraph,
  policy: NetworkPolicy,
): { workloads: Workload[]; anySource: boolean; outside: boolean } {
  const workloads = new Set<Workload>();
  let anySource = false;
  let outside = false;
  for (const rule of rulesOf(policy, 'ingress')) {
    if (rule.peers.length === 0) anySource = true;
    for (const peer of rule.peers) {
      const found = peerWorkloads(g, policy, peer);
      if (peer.hasIpBlock || found.length === 0) outside = true;
      found.forEach((w) => workloads.add(w));
    }
  }
  return { workloads: [...workloads], anySource, outside };
}

export function describePolicyPort(p: PolicyPort): string {
  if (p.port === undefined) return `every ${p.protocol} port`;
  const range = p.endPort !== undefined ? `${p.port}-${p.endPort}` : String(p.port);
  return `${range}/${p.protocol}`;
}

/** `1 pod`, `3 pods`. */
export function plural(n: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : pluralNoun}`;
}

/**
 * The pods of these templates: `5 pods`, or a range where autoscalers scale them (`3-12 pods`);
 * the templates (`2 workloads`) when one runs a pod per node or its autoscaler has no maximum.
 */
export function countPods(g: TrafficGraph, workloads: readonly Workload[]): string {
  let min = 0;
  let max = 0;
  for (const w of workloads) {
    const hpa = g.autoscalersOf(w)[0];
    if (w.perNode || (hpa && hpa.maxReplicas === undefined)) return plural(workloads.length, 'workload');
    min += hpa ? (hpa.minReplicas ?? 1) : (w.replicas ?? 1);
    max += hpa ? hpa.maxReplicas! : (w.replicas ?? 1);
  }
  return min === max ? plural(min, 'pod') : `${min}-${max} pods`;
}
