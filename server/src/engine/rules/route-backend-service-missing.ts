// Rule: route-backend-service-missing
// A route's backendRef (group "" and kind Service by default) names a Service that does not exist
// in its namespace (the route's unless given). The implementation answers 500 for the requests of
// that rule (HTTPRoute) or drops the connections. Reported when the workspace has Services in that
// namespace, so that namespaces managed elsewhere are not judged.
import { gradeMissingName } from './certainty';
import { defineRule } from './rule';

export default defineRule({
  id: 'route-backend-service-missing',
  severity: 'error',
  description: "A route's backendRef names a Service that does not exist.",
  remediation: 'Name an existing Service (and its namespace when it is in another one, with a ReferenceGrant there).',
  kinds: ['HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute', 'UDPRoute'],
  reach: 'workspace',
  check(ctx, resource) {
    const route = ctx.graph.route(resource);
    if (!route || resource.namesTransformed) return;
    for (const rule of route.rules) {
      for (const backend of rule.backendRefs) {
        if (backend.group !== '' || backend.kind !== 'Service') continue;
        if (ctx.graph.servicesNamed(backend.namespace, backend.name).length > 0) continue;
        if (!ctx.config.completeWorkspace && !ctx.graph.hasServicesIn(backend.namespace)) continue;
        const grade = gradeMissingName(ctx, resource, backend.namespace, ctx.graph.servicesIn(backend.namespace), 'Services');
        ctx.report({ span: backend.nameSpan, severity: grade.severity, message: `No Service '${backend.name}' in namespace '${backend.namespace}'; requests routed to this backend fail.${grade.note}`, related: grade.related });
      }
    }
  },
});
