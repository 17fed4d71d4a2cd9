// Rule: ingress-host-path-conflict
// Two Ingresses of the same class that claim the same host and path with the same kind of match
// compete for it: the controller serves one of them (ingress-nginx keeps the oldest Ingress's
// location, others log "location already defined" and are ignored), so one backend never receives
// that traffic. Compared among Ingresses applied together (same file or kustomize build), across
// namespaces (a host is cluster-wide for a controller), with the effective class (ingressClassName,
// else the kubernetes.io/ingress.class annotation; none is the default class). Prefix paths compare
// without a trailing slash (path elements match, networking.k8s.io/v1 HTTPIngressPath). Canary
// Ingresses (nginx.ingress.kubernetes.io/canary: "true") share a host and path on purpose.
import type { TrafficGraph } from '../graph';
import { ingressClaims, type IngressClaim } from '../graph/ingressClaims';
import type { Ingress } from '../model/ingress';
import { directoryOf, type Resource } from '../model/resource';
import { defineRule } from './rule';

const isCanary = (r: Resource) => r.annotations['nginx.ingress.kubernetes.io/canary'] === 'true';

/** The first Ingress applied with this one, in resource order, that competes for a claim. */
function firstCompetitor(graph: TrafficGraph, ingress: Ingress, claim: IngressClaim): Ingress | undefined {
  const r = ingress.resource;
  for (const other of graph.ingressesClaimingNear(r, claim.key)) {
    const o = other.resource;
    if (o === r || o.id === r.id || other.className !== ingress.className || isCanary(o)) continue;
    return other;
  }
  return undefined;
}

/** Instances applied together with this one, in resource order: its kustomize build, or its file outside builds. */
function appliedWith(graph: TrafficGraph, r: Resource): readonly Resource[] {
  return r.build !== undefined
    ? graph.instancesIn('build', r.build)
    : graph.instancesIn('directory', directoryOf(r.file)).filter((o) => o.file === r.file && o.build === undefined);
}

export default defineRule({
  id: 'ingress-host-path-conflict',
  severity: 'warning',
  description: 'Two Ingresses of the same class claim the same host and path; the controller serves only one.',
  remediation:
    'Keep each host and path in one Ingress (merge the rules), or give the Ingresses different classes or hosts.',
  // Local reach: competitors are applied together with it (same file, so same directory, or same
  // build), though maybe in other namespaces; a local rule re-runs when its directory or build changed.
  check: {
    ingress(ctx, ingress) {
      const resource = ingress.resource;
      if (isCanary(resource)) return;
      // One finding per claimed span: the first competing Ingress in resource order (claims without
      // a path share their host's span), found through the index of claims by deploy unit.
      const bySpan = new Map<string, IngressClaim[]>();
      for (const claim of ingressClaims(ingress)) {
        const at = `${claim.span.start}:${claim.span.end}`;
        const group = bySpan.get(at);
        if (group) group.push(claim);
        else bySpan.set(at, [claim]);
      }
      for (const group of bySpan.values()) {
        let other: Ingress | undefined;
        const found = new Set<Ingress>();
        for (const claim of group) {
          const competitor = firstCompetitor(ctx.graph, ingress, claim);
          if (competitor) found.add(competitor);
        }
        if (found.size === 0) continue;
        if (found.size === 1) [other] = found;
        else {
          const rank = new Map(appliedWith(ctx.graph, resource).map((o, i) => [o, i]));
          other = [...found].sort((a, b) => (rank.get(a.resource) ?? 0) - (rank.get(b.resource) ?? 0))[0];
        }
        const theirs = new Set(ingressClaims(other).map((c) => c.key));
        const claim = group.find((c) => theirs.has(c.key));
        if (!claim) continue;
        const o = other.resource;
        ctx.report({
          span: claim.span,
          message: `${claim.label} is also claimed by Ingress '${o.namespace}/${o.name}'${ingress.className ? ` of class '${ingress.className}'` : ''}; the controller routes it to only one of the two.`,
          related: [{ resource: o, message: `also claims ${claim.label}` }],
        });
      }
    },
  },
});
