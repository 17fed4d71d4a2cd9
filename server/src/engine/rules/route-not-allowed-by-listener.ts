// Rule: route-not-allowed-by-listener
// A Gateway listener accepts routes from its own namespace (allowedRoutes.namespaces.from: Same,
// the default), all namespaces, or namespaces matching a selector, and only route kinds it lists
// (by default those of its protocol). A route that no referenced listener accepts is not attached.
import { selectorMatchesLabels } from '../selectors';
import { defaultRouteKinds, GATEWAY_GROUP, type Listener } from '../model/gateway';
import { defineRule } from './rule';

export default defineRule({
  id: 'route-not-allowed-by-listener',
  severity: 'warning',
  description: "No listener of the route's parent Gateway accepts the route's namespace or kind.",
  remediation:
    'Attach to a listener whose allowedRoutes admit this namespace and kind, or widen allowedRoutes (from: All, or a namespace selector).',
  reach: 'workspace',
  check: {
    route(ctx, route) {
      const resource = route.resource;
      const ns = resource.namespace ?? 'default';
      for (const parent of route.parentRefs) {
        if (parent.group !== GATEWAY_GROUP || parent.kind !== 'Gateway') continue;
        const gateways = ctx.graph.gatewaysNamed(parent.namespace, parent.name);
        if (gateways.length === 0) continue; // route-parent-missing
        const listeners = gateways.flatMap((g) =>
          g.listeners
            .filter((l) => parent.sectionName === undefined || l.name === parent.sectionName)
            .map((l) => ({ g, l })),
        );
        if (listeners.length === 0) continue;
        const reasons = listeners.map(({ g, l }) =>
          refusal(ctx.graph.namespaceLabels(ns), l, g.resource.namespace ?? 'default', ns, resource.kind),
        );
        if (reasons.some((r) => r === undefined)) continue;
        ctx.report({
          span: parent.nameSpan,
          message: `Gateway '${parent.namespace}/${parent.name}' does not accept this route: ${[...new Set(reasons)].join('; ')}.`,
          related: [{ resource: gateways[0].resource, message: 'allowedRoutes of its listeners' }],
        });
      }
    },
  },
});

function refusal(
  routeNamespaceLabels: Record<string, string>,
  l: Listener,
  gatewayNamespace: string,
  routeNamespace: string,
  kind: string,
): string | undefined {
  const kinds = l.kinds.length
    ? l.kinds.filter((k) => k.group === GATEWAY_GROUP).map((k) => k.kind)
    : defaultRouteKinds(l.protocol);
  if (!kinds.includes(kind)) return `listener '${l.name}' accepts ${kinds.join(', ') || 'no route kinds'}`;
  if (l.from === 'Same' && routeNamespace !== gatewayNamespace)
    return `listener '${l.name}' accepts routes from namespace '${gatewayNamespace}' only`;
  if (
    l.from === 'Selector' &&
    !(l.namespaceSelector && selectorMatchesLabels(l.namespaceSelector, routeNamespaceLabels))
  ) {
    return `listener '${l.name}' accepts namespaces selected by its selector, which '${routeNamespace}' does not match`;
  }
  return undefined;
}
