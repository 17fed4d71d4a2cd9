// Rule: route-backend-not-permitted
// A backendRef into another namespace is allowed only when a ReferenceGrant in that namespace lets
// routes of this kind from the route's namespace refer to Services (all, or this one by name).
// Without it the reference is refused (ResolvedRefs=False, RefNotPermitted). A mesh consumer route
// (GAMMA) whose backend is the very Service it attaches to needs no grant.
import { GATEWAY_GROUP } from '../model/gateway';
import { defineRule } from './rule';

export default defineRule({
  id: 'route-backend-not-permitted',
  severity: 'error',
  description: 'A cross-namespace backendRef has no ReferenceGrant allowing it.',
  remediation:
    "Add a ReferenceGrant in the backend's namespace: from this route kind and namespace, to Service (optionally by name).",
  reach: 'workspace',
  check: {
    route(ctx, route) {
      const resource = route.resource;
      const from = resource.namespace ?? 'default';
      for (const rule of route.rules) {
        for (const backend of rule.backendRefs) {
          if (backend.namespace === from) continue;
          const consumerRoute = route.parentRefs.some(
            (p) =>
              p.group === '' && p.kind === 'Service' && p.name === backend.name && p.namespace === backend.namespace,
          );
          if (consumerRoute) continue;
          const permitted = ctx.graph
            .referenceGrantsIn(backend.namespace)
            .some(
              (g) =>
                g.from.some((f) => f.group === GATEWAY_GROUP && f.kind === resource.kind && f.namespace === from) &&
                g.to.some(
                  (t) =>
                    t.group === backend.group &&
                    t.kind === backend.kind &&
                    (t.name === undefined || t.name === backend.name),
                ),
            );
          if (permitted) continue;
          ctx.report({
            span: backend.nameSpan,
            message: `No ReferenceGrant in namespace '${backend.namespace}' allows ${resource.kind}s from '${from}' to refer to ${backend.kind} '${backend.name}'; the reference is refused.`,
          });
        }
      }
    },
  },
});
