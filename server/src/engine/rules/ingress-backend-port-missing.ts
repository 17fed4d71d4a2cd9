// Rule: ingress-backend-port-missing
// An Ingress backend's port (number or name) must be a port the Service defines (ServiceBackendPort
// refers to the Service's port, not the container's). networking.k8s.io/v1 requires the port; the
// beta APIs too (servicePort). A missing port is reported when the Service has more than one.
import { describeServicePort, servicePortFor } from '../model/service';
import { servicePortsReaching } from '../servicePorts';
import { describeRoute } from './ingress-backend-service-missing';
import { defineRule } from './rule';

export default defineRule({
  id: 'ingress-backend-port-missing',
  severity: 'error',
  description: 'An Ingress backend port is not a port of the Service it names.',
  remediation:
    "Use one of the Service's port numbers or port names (spec.ports[].port / .name), not the container port.",
  check: {
    ingress(ctx, ingress) {
      const resource = ingress.resource;
      if (resource.namesTransformed) return;
      for (const target of ctx.graph.backendTargets(ingress)) {
        if (target.services.length === 0) continue;
        // Variants of one app may define the Service differently: judge only when none has the port.
        // Operator-made Services may have ports the operator table does not list.
        if (target.services.some((s) => s.producer?.portsOpen || servicePortFor(s, target.backend.port) !== undefined))
          continue;
        const service = target.services[0];
        const ports = service.ports.map(describeServicePort).join(', ') || 'none';
        const wanted =
          target.backend.port === undefined
            ? 'no port'
            : typeof target.backend.port === 'number'
              ? `port ${target.backend.port}`
              : `port '${target.backend.port}'`;
        const wantedNumber = target.backend.port;
        const isContainerPort =
          typeof wantedNumber === 'number' && servicePortsReaching(ctx.graph, service, wantedNumber).length > 0;
        const containerPortHint = isContainerPort
          ? ` ${wantedNumber} is a targetPort (the container's port); the backend must name the Service port.`
          : '';
        ctx.report({
          span: target.backend.portSpan ?? target.backend.serviceNameSpan,
          message: `Service '${service.resource.name}' has no ${wanted === 'no port' ? 'single port to default to' : wanted} (its ports: ${ports}); requests for ${describeRoute(target.path)} fail.${containerPortHint}`,
          related: [{ resource: service.resource, message: `ports: ${ports}` }],
        });
      }
    },
  },
});
