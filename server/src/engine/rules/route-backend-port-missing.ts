// Rule: route-backend-port-missing
// A backendRef to a Service must give a port (the API requires it for Services) and the port must
// be one of the Service's ports (spec.ports[].port, not the container's).
import { describeServicePort, servicePortFor } from '../model/service';
import { isServiceBackend } from '../model/gateway';
import { defineRule } from './rule';

export default defineRule({
  id: 'route-backend-port-missing',
  severity: 'error',
  description: "A route's backendRef has no port, or a port the Service does not define.",
  remediation: "Set port to one of the Service's ports (spec.ports[].port).",
  reach: 'workspace',
  check: {
    route(ctx, route) {
      const resource = route.resource;
      if (resource.namesTransformed) return;
      for (const rule of route.rules) {
        for (const backend of rule.backendRefs) {
          if (!isServiceBackend(backend)) continue;
          const services = ctx.graph.servicesNamed(backend.namespace, backend.name);
          if (services.length === 0) continue;
          if (backend.port === undefined) {
            ctx.report({
              span: backend.nameSpan,
              message: `backendRef to Service '${backend.name}' has no port; the API requires one for Service backends.`,
            });
            continue;
          }
          // Operator-made Services may have ports the operator table does not list.
          if (services.some((s) => s.producer?.portsOpen || servicePortFor(s, backend.port) !== undefined)) continue;
          const ports = services[0].ports.map(describeServicePort).join(', ') || 'none';
          ctx.report({
            span: backend.portSpan ?? backend.nameSpan,
            message: `Service '${backend.name}' has no port ${backend.port} (its ports: ${ports}).`,
            related: [{ resource: services[0].resource, message: `ports: ${ports}` }],
          });
        }
      }
    },
  },
});
