// Rule: route-hostname-mismatch
// An HTTPRoute, GRPCRoute or TLSRoute with hostnames attaches to a listener only when one of its
// hostnames intersects the listener's hostname (Gateway API, HTTPRouteSpec.Hostnames and
// Listener.Hostname): a listener without hostname matches any; an exact name matches itself; a
// wildcard `*.example.com` matches any name with that suffix and at least one more label
// (`a.example.com`, `a.b.example.com`), not `example.com`. When no listener the route's parentRef
// selects intersects, the route is not accepted (Accepted=False, reason NoMatchingListenerHostname)
// and none of its traffic is routed.
import type { Listener } from '../model/gateway';
import { GATEWAY_GROUP } from '../model/gateway';
import { getPath } from '../tree';
import { ownFact } from './ownFacts';
import { defineRule } from './rule';

const HOSTNAME_ROUTES = new Set(['HTTPRoute', 'GRPCRoute', 'TLSRoute']);

/** Whether a wildcard (`*.example.com`) covers a name: the suffix plus at least one more label. */
function wildcardCovers(wildcard: string, name: string): boolean {
  // A name (or a narrower wildcard, `*.a.example.com`) ending in ".example.com" with more before it.
  const suffix = wildcard.slice(1);
  return name.endsWith(suffix) && name.length > suffix.length;
}

/** Whether a route hostname and a listener hostname have a name in common. */
export function hostnamesIntersect(route: string, listener: string | undefined): boolean {
  if (listener === undefined || listener === '') return true;
  const r = route.toLowerCase();
  const l = listener.toLowerCase();
  if (r === l) return true;
  if (l.startsWith('*.') && wildcardCovers(l, r)) return true;
  if (r.startsWith('*.') && wildcardCovers(r, l)) return true;
  return false;
}

/** Where a route writes its hostnames (model/ownFacts.ts). */
const hostnamesSpan = ownFact('route', (route) =>
  HOSTNAME_ROUTES.has(route.resource.kind) && route.hostnames.length > 0
    ? getPath(route.resource.node, 'spec', 'hostnames')?.span
    : undefined,
);

export default defineRule({
  id: 'route-hostname-mismatch',
  severity: 'warning',
  description: "A route's hostnames match no hostname of the Gateway listeners it attaches to.",
  remediation:
    'Use hostnames the listener serves (or a wildcard it covers), or attach to a listener for these hostnames.',
  reach: 'workspace',
  check: {
    route(ctx, route) {
      const resource = route.resource;
      if (!HOSTNAME_ROUTES.has(resource.kind) || route.hostnames.length === 0) return;
      for (const parent of route.parentRefs) {
        if (parent.group !== GATEWAY_GROUP || parent.kind !== 'Gateway') continue;
        const gateways = ctx.graph.gatewaysNamed(parent.namespace, parent.name);
        const listeners: Listener[] = gateways.flatMap((g) =>
          g.listeners.filter(
            (l) =>
              (parent.sectionName === undefined || l.name === parent.sectionName) &&
              (parent.port === undefined || l.port === parent.port),
          ),
        );
        // Missing Gateways or listeners are route-parent-missing's.
        if (listeners.length === 0) continue;
        if (listeners.some((l) => route.hostnames.some((h) => hostnamesIntersect(h, l.hostname)))) continue;
        const served = [...new Set(listeners.map((l) => l.hostname!))].join(', ');
        ctx.report({
          span: hostnamesSpan.of(resource) ?? parent.nameSpan,
          message: `No hostname of this route (${route.hostnames.join(', ')}) matches the listener hostnames of Gateway '${parent.namespace}/${parent.name}'${parent.sectionName ? ` listener '${parent.sectionName}'` : ''} (${served}); the route is not accepted there.`,
          related: [{ resource: gateways[0].resource, message: `listener hostnames: ${served}` }],
        });
      }
    },
  },
});
