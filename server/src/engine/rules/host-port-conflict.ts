// Rule: host-port-conflict
// Host ports are per node: a pod with hostNetwork claims each of its containerPorts on its node,
// other pods the hostPorts they declare. Two pods claiming the same port and protocol cannot run on
// one node, so the scheduler leaves one Pending there. Reported only when the two certainly share a
// node: one of them is a DaemonSet that runs everywhere (no nodeSelector, no node affinity). Compared
// among workloads applied together (same file or build).
import type { Workload } from '../model/workload';
import { get } from '../tree';
import { ownFact } from './ownFacts';
import { defineRule } from './rule';

interface Claim {
  readonly port: number;
  readonly protocol: string;
  readonly span: { start: number; end: number };
}

function hostClaims(w: Workload): Claim[] {
  return w.template.containers.flatMap((c) =>
    c.ports.flatMap((p) => {
      if (w.template.hostNetwork) return [{ port: p.containerPort, protocol: p.protocol, span: p.numberSpan }];
      return p.hostPort ? [{ port: p.hostPort, protocol: p.protocol, span: p.span }] : [];
    }),
  );
}

/** A DaemonSet with no node selection runs a pod on every schedulable node (model/ownFacts.ts). */
const selectsNoNodes = ownFact('workload', (w) =>
  w.resource.kind === 'DaemonSet'
    ? !get(w.template.spec, 'nodeSelector') && !get(get(w.template.spec, 'affinity'), 'nodeAffinity')
    : undefined,
);

function runsEverywhere(w: Workload): boolean {
  // What an operator makes has no template spec: nothing selects nodes.
  return (
    w.resource.kind === 'DaemonSet' && (w.template.producer !== undefined || selectsNoNodes.of(w.resource) === true)
  );
}

export default defineRule({
  id: 'host-port-conflict',
  severity: 'warning',
  description: 'Two pod templates that certainly share a node claim the same host port.',
  remediation:
    'Use different host ports, or keep the pods apart with node selectors; prefer a Service over host ports.',
  check: {
    workload(ctx, workload) {
      const resource = workload.resource;
      const mine = hostClaims(workload);
      if (mine.length === 0) return;
      for (const other of ctx.graph.hostPortWorkloadsAppliedNear(workload)) {
        if (!runsEverywhere(workload) && !runsEverywhere(other)) continue;
        const theirs = hostClaims(other);
        for (const claim of mine) {
          if (!theirs.some((t) => t.port === claim.port && t.protocol === claim.protocol)) continue;
          const how = other.template.hostNetwork ? 'with hostNetwork' : 'as a hostPort';
          ctx.report({
            span: claim.span,
            message: `Host port ${claim.port}/${claim.protocol} is also claimed ${how} by ${other.resource.kind} '${other.resource.namespace}/${other.resource.name}', and the two share every node ${runsEverywhere(other) ? `('${other.resource.name}' runs on all nodes)` : `('${resource.name}' runs on all nodes)`}: one of them stays Pending there.`,
            related: [{ resource: other.resource, message: `also claims host port ${claim.port}/${claim.protocol}` }],
          });
        }
      }
    },
  },
});
