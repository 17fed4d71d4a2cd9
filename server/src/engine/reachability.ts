// NetworkPolicy reachability: whether traffic from one pod template to another, on a port and
// protocol, is allowed, with the policies that decide it. Semantics of networking.k8s.io/v1:
// a pod is isolated for ingress (egress) when any policy selecting it has that policy type; an
// isolated direction allows only what some selecting policy's rules allow (union of rules). A peer
// with podSelector only means pods of the policy's namespace; with namespaceSelector only, all pods
// of matching namespaces; with both, matching pods in matching namespaces; ipBlock peers never
// match pod-to-pod traffic. A rule without peers allows every peer; without ports, every port.
// Named ports are the destination pod's container port names.
import type { TrafficGraph } from './graph';
import type { Service, ServicePort } from './model/service';
import type { NetworkPolicy, PolicyPeer, PolicyPort, PolicyRule } from './model/networkPolicy';
import { directoryOf, type Resource } from './model/resource';
import type { Workload } from './model/workload';
import { selectorMatchesLabels, selectorMayMatch } from './selectors';
import { landingPort } from './servicePorts';

export interface DirectionVerdict {
  readonly isolated: boolean;
  readonly allowed: boolean;
  /** Policies selecting the pod for this direction: the allowing ones when allowed, all when denied. */
  readonly policies: readonly NetworkPolicy[];
}

export interface Verdict {
  readonly allowed: boolean;
  readonly egress: DirectionVerdict;
  readonly ingress: DirectionVerdict;
}

export interface Flow {
  readonly from: Workload;
  readonly to: Workload;
  /** The destination container port and its protocol. */
  readonly port: number;
  readonly protocol: string;
}

/** `applies` limits the policies taken into account (those deployed with the workloads). */
export function decide(
  graph: TrafficGraph,
  flow: Flow,
  applies: (policy: NetworkPolicy) => boolean = () => true,
): Verdict {
  const egress = direction(graph, flow, 'egress', applies);
  const ingress = direction(graph, flow, 'ingress', applies);
  return { allowed: egress.allowed && ingress.allowed, egress, ingress };
}

function direction(
  graph: TrafficGraph,
  flow: Flow,
  which: 'ingress' | 'egress',
  applies: (policy: NetworkPolicy) => boolean,
): DirectionVerdict {
  const subject = which === 'ingress' ? flow.to : flow.from;
  const peer = which === 'ingress' ? flow.from : flow.to;
  const type = which === 'ingress' ? 'Ingress' : 'Egress';
  const selecting = graph.policiesSelecting(subject).filter((p) => p.policyTypes.includes(type) && applies(p));
  if (selecting.length === 0) return { isolated: false, allowed: true, policies: [] };
  const allowing = selecting.filter((p) =>
    p.rules.some((r) => r.direction === which && ruleAllows(graph, p, r, peer, flow)),
  );
  return { isolated: true, allowed: allowing.length > 0, policies: allowing.length ? allowing : selecting };
}

function ruleAllows(graph: TrafficGraph, policy: NetworkPolicy, rule: PolicyRule, peer: Workload, flow: Flow): boolean {
  const peersOk = rule.peers.length === 0 || rule.peers.some((p) => peerMatches(graph, policy, p, peer));
  return peersOk && (rule.ports.length === 0 || rule.ports.some((p) => portMatches(p, flow)));
}

function peerMatches(graph: TrafficGraph, policy: NetworkPolicy, peer: PolicyPeer, pod: Workload): boolean {
  if (peer.hasIpBlock) return false;
  const podNamespace = pod.template.namespace;
  if (peer.namespaceSelector) {
    if (!selectorMatchesLabels(peer.namespaceSelector, graph.namespaceLabels(podNamespace))) return false;
  } else if (podNamespace !== (policy.resource.namespace ?? 'default')) return false;
  return peer.podSelector ? selectorMayMatch(peer.podSelector, pod.template.labels) : true;
}

function portMatches(p: PolicyPort, flow: Flow): boolean {
  if (p.protocol !== flow.protocol) return false;
  if (p.port === undefined) return true;
  if (typeof p.port === 'string') {
    // A named port is resolved on the destination pod.
    return flow.to.template.containers.some((c) =>
      c.ports.some((cp) => cp.name === p.port && cp.containerPort === flow.port && cp.protocol === flow.protocol),
    );
  }
  return p.endPort !== undefined ? flow.port >= p.port && flow.port <= p.endPort : flow.port === p.port;
}

/**
 * The policies taken to apply to a flow: those kept with both workloads (in the same directory as
 * each, an enclosing directory, or a sibling directory such as manifests/ beside manifests-policy/).
 * Policy collections elsewhere in a repository are not assumed to share the workloads' cluster.
 */
export function policiesKeptWith(from: Workload, to: Workload): (policy: NetworkPolicy) => boolean {
  return (p) => keptWith(p.resource, from.resource) && keptWith(p.resource, to.resource);
}

function keptWith(policy: Resource, workload: Resource): boolean {
  const p = directoryOf(policy.file);
  const w = directoryOf(workload.file);
  if (p === '.' || w === p || w.startsWith(`${p}/`)) return true;
  return directoryOf(p) === directoryOf(w);
}

/** The verdict for traffic from a workload to each pod template a Service port delivers to. */
export function serviceFlowVerdicts(
  graph: TrafficGraph,
  from: Workload,
  service: Service,
  port: ServicePort,
): { to: Workload; verdict: Verdict }[] {
  return graph.workloadsSelectedBy(service).flatMap((to) => {
    if (to === from || to.rejected) return []; // a rejected workload never runs
    const landing = landingPort(graph.resolveServicePort(port, to));
    if (landing === undefined) return [];
    return [
      {
        to,
        verdict: decide(graph, { from, to, port: landing, protocol: port.protocol }, policiesKeptWith(from, to)),
      },
    ];
  });
}

/** Denied when every destination is denied; the policies that deny (or that allow, when allowed). */
export function summarizeVerdicts(verdicts: readonly Verdict[]): { denied: boolean; policies: NetworkPolicy[] } {
  const denied = verdicts.length > 0 && verdicts.every((v) => !v.allowed);
  const deciding = verdicts.flatMap((v) =>
    denied
      ? [...(v.egress.allowed ? [] : v.egress.policies), ...(v.ingress.allowed ? [] : v.ingress.policies)]
      : [...v.egress.policies, ...v.ingress.policies],
  );
  return { denied, policies: [...new Map(deciding.map((p) => [p.resource.key, p])).values()] };
}
