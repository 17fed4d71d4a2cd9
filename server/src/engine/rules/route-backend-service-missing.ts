// Rule: route-backend-service-missing
// A route's backendRef (group "" and kind Service by default) names a Service that does not exist
// in its namespace (the route's unless given). The implementation answers 500 for the requests of
// that rule (HTTPRoute) or drops the connections. Reported when the workspace has Services in that
// namespace, so that namespaces managed elsewhere are not judged, or when a Service of that name
// applied together with the route (same file or kustomize build) is in another namespace: a
// cross-namespace backendRef needs namespace and a ReferenceGrant in the Service's namespace
// (GEP-709). The hint also names such a Service kept near the route (same or related directory).
// How sure: certainty.ts (gradeMissingName); a Service of that name applied with the route in
// another namespace is a near-certain mistake (warning).
import { keptTogether } from '../model/resource';
import { gradeMissingName } from './certainty';
import { isServiceBackend } from '../model/gateway';
import { defineRule } from './rule';

export default defineRule({
  id: 'route-backend-service-missing',
  severity: 'error',
  description: "A route's backendRef names a Service that does not exist.",
  remediation: 'Name an existing Service (and its namespace when it is in another one, with a ReferenceGrant there).',
  reach: 'workspace',
  check: {
    route(ctx, route) {
      const resource = route.resource;
      if (resource.namesTransformed) return;
      for (const rule of route.rules) {
        for (const backend of rule.backendRefs) {
          if (!isServiceBackend(backend)) continue;
          if (ctx.graph.servicesNamed(backend.namespace, backend.name).length > 0) continue;
          const others = ctx.graph.services.filter(
            (s) =>
              s.resource.name === backend.name &&
              s.resource.namespace !== backend.namespace &&
              keptTogether(s.resource.file, resource.file),
          );
          const together = others.find((s) => ctx.graph.sameFileOrBuild(s.resource, resource));
          const elsewhere = together ?? others[0];
          if (!together && !ctx.config.completeWorkspace && !ctx.graph.hasServicesIn(backend.namespace)) continue;
          const hint = elsewhere
            ? ` A Service of that name exists in namespace '${elsewhere.resource.namespace}': set namespace and add a ReferenceGrant there.`
            : '';
          const grade = together
            ? { severity: 'warning' as const, note: '', related: [] }
            : gradeMissingName(ctx, resource, backend.namespace, ctx.graph.servicesIn(backend.namespace), 'Services');
          ctx.report({
            span: backend.nameSpan,
            severity: grade.severity,
            message: `No Service '${backend.name}' in namespace '${backend.namespace}'; requests routed to this backend fail.${hint}${grade.note}`,
            related: [
              ...(elsewhere
                ? [{ resource: elsewhere.resource, message: 'Service of that name in another namespace' }]
                : []),
              ...grade.related,
            ],
          });
        }
      }
    },
  },
});
