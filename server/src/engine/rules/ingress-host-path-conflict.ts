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
import type { Ingress } from '../model/ingress';
import { directoryOf, type Resource } from '../model/resource';
import type { Span } from '../text';
import { get, getPath, seqItems, stringValue } from '../tree';
import { defineRule } from './rule';

interface Claim {
  readonly key: string;
  readonly label: string;
  readonly span: Span;
}

function normalisedPath(path: string | undefined, pathType: string | undefined): string {
  const p = path ?? '/';
  return pathType === 'Prefix' && p.length > 1 ? p.replace(/\/+$/, '') : p;
}

function claims(ingress: Ingress): Claim[] {
  const out: Claim[] = [];
  const v1 = ingress.resource.apiVersion === 'networking.k8s.io/v1';
  for (const rule of seqItems(getPath(ingress.resource.node, 'spec', 'rules'))) {
    const hostNode = get(rule, 'host');
    const host = stringValue(hostNode) ?? '*';
    for (const p of seqItems(getPath(rule, 'http', 'paths'))) {
      const pathNode = get(p, 'path');
      // v1beta1 has no pathType: the controller decides, as ImplementationSpecific.
      const pathType = (v1 && stringValue(get(p, 'pathType'))) || 'ImplementationSpecific';
      const path = normalisedPath(stringValue(pathNode), pathType);
      out.push({
        key: `${host}\u0000${path}\u0000${pathType}`,
        label: `${host}${path} (${pathType})`,
        span: (pathNode ?? hostNode ?? p).span,
      });
    }
  }
  return out;
}

const isCanary = (r: Resource) => r.annotations['nginx.ingress.kubernetes.io/canary'] === 'true';

/** Ingresses applied together with this one: its kustomize build, or its file outside builds. */
function ingressesAppliedWith(graph: TrafficGraph, r: Resource): Ingress[] {
  const scope =
    r.build !== undefined
      ? graph.instancesIn('build', r.build)
      : graph.instancesIn('directory', directoryOf(r.file)).filter((o) => o.file === r.file && o.build === undefined);
  return scope
    .map((o) => (o.kind === 'Ingress' && o !== r && o.id !== r.id ? graph.ingress(o) : undefined))
    .filter((i): i is Ingress => i !== undefined);
}

export default defineRule({
  id: 'ingress-host-path-conflict',
  severity: 'warning',
  description: 'Two Ingresses of the same class claim the same host and path; the controller serves only one.',
  remediation:
    'Keep each host and path in one Ingress (merge the rules), or give the Ingresses different classes or hosts.',
  reach: 'workspace',
  check: {
    ingress(ctx, ingress) {
      const resource = ingress.resource;
      if (isCanary(resource)) return;
      const mine = claims(ingress);
      if (mine.length === 0) return;
      for (const other of ingressesAppliedWith(ctx.graph, resource)) {
        if (other.className !== ingress.className || isCanary(other.resource)) continue;
        const theirs = new Set(claims(other).map((c) => c.key));
        for (const claim of mine) {
          if (!theirs.has(claim.key)) continue;
          const o = other.resource;
          ctx.report({
            span: claim.span,
            message: `${claim.label} is also claimed by Ingress '${o.namespace}/${o.name}'${ingress.className ? ` of class '${ingress.className}'` : ''}; the controller routes it to only one of the two.`,
            related: [{ resource: o, message: `also claims ${claim.label}` }],
          });
        }
      }
    },
  },
});
