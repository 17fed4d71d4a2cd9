// What an Ingress claims on its controller: each host and path with the kind of match. Read by the
// graph's index of claims per deploy unit (indexes.ts) and by rules/ingress-host-path-conflict, so
// that Ingresses competing for a path are found by key instead of comparing every pair of a unit.
import type { Ingress } from '../model/ingress';
import type { Span } from '../text';

export interface IngressClaim {
  /** Host, normalised path and path type: equal keys compete for the same traffic. */
  readonly key: string;
  readonly label: string;
  readonly span: Span;
}

/** Prefix paths compare without a trailing slash (path elements match, networking.k8s.io/v1 HTTPIngressPath). */
function normalisedPath(path: string | undefined, pathType: string | undefined): string {
  const p = path ?? '/';
  return pathType === 'Prefix' && p.length > 1 ? p.replace(/\/+$/, '') : p;
}

export function ingressClaims(ingress: Ingress): IngressClaim[] {
  const v1 = ingress.resource.apiVersion === 'networking.k8s.io/v1';
  return ingress.paths.map((p) => {
    const host = p.host ?? '*';
    // v1beta1 has no pathType: the controller decides, as ImplementationSpecific.
    const pathType = (v1 && p.pathType) || 'ImplementationSpecific';
    const path = normalisedPath(p.path, pathType);
    return { key: `${host}\u0000${path}\u0000${pathType}`, label: `${host}${path} (${pathType})`, span: p.span };
  });
}

/** The index keys of an Ingress's claims: its deploy unit (placeKey) and each distinct claim. */
export function ingressClaimKeys(ingress: Ingress, place: string): string[] | undefined {
  if (ingress.resource.kind !== 'Ingress') return undefined;
  const keys = new Set<string>();
  for (const claim of ingressClaims(ingress)) keys.add(`${place}\u0000${claim.key}`);
  return keys.size > 0 ? [...keys] : undefined;
}
