// Rule: route-parent-missing
// A Gateway API route attaches to the Gateways its parentRefs name (in the route's namespace unless
// one is given) and, with sectionName, to one listener. A Gateway that does not exist, or a
// listener name it does not have, leaves the route unattached: no traffic reaches it. Gateway
// parents are checked when the workspace defines Gateways at all. A Service parent (GAMMA, mesh
// routing: group "" or "core", kind Service) must exist too, judged where the workspace defines
// Services in that namespace.
import { GATEWAY_GROUP } from '../model/gateway';
import { gradeMissingName } from './certainty';
import { defineRule } from './rule';

export default defineRule({
  id: 'route-parent-missing',
  severity: 'error',
  description: "A route's parentRef names a Gateway, a listener of it, or a Service (GAMMA) that does not exist.",
  remediation:
    'Name an existing Gateway (with its namespace when it is in another one) and one of its listener names as sectionName.',
  reach: 'workspace',
  check: {
    route(ctx, route) {
      const resource = route.resource;
      if (resource.namesTransformed) return;
      for (const parent of route.parentRefs) {
        if ((parent.group === '' || parent.group === 'core') && parent.kind === 'Service') {
          if (
            ctx.graph.servicesNamed(parent.namespace, parent.name).length > 0 ||
            !ctx.graph.hasServicesIn(parent.namespace)
          )
            continue;
          ctx.report({
            span: parent.nameSpan,
            message: `No Service '${parent.name}' in namespace '${parent.namespace}'; the mesh route (GAMMA) is attached to nothing.`,
          });
          continue;
        }
        if (parent.group !== GATEWAY_GROUP || parent.kind !== 'Gateway' || !ctx.graph.hasGateways) continue;
        const gateways = ctx.graph.gatewaysNamed(parent.namespace, parent.name);
        if (gateways.length === 0) {
          const grade = gradeMissingName(
            ctx,
            resource,
            parent.namespace,
            ctx.graph.gatewaysIn(parent.namespace),
            'Gateways',
            false,
          );
          ctx.report({
            span: parent.nameSpan,
            severity: grade.severity,
            message: `No Gateway '${parent.name}' in namespace '${parent.namespace}'; the route is attached to nothing there.${grade.note}`,
            related: grade.related,
          });
          continue;
        }
        if (
          parent.sectionName !== undefined &&
          !gateways.some((g) => g.listeners.some((l) => l.name === parent.sectionName))
        ) {
          const names = [...new Set(gateways.flatMap((g) => g.listeners.map((l) => l.name)))].join(', ');
          ctx.report({
            span: parent.sectionNameSpan ?? parent.nameSpan,
            message: `Gateway '${parent.namespace}/${parent.name}' has no listener '${parent.sectionName}' (its listeners: ${names || 'none'}).`,
            related: [{ resource: gateways[0].resource, message: `listeners: ${names}` }],
          });
        }
      }
    },
  },
});
