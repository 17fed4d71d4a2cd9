// Rule: istio-port-ambiguous
// A VirtualService destination may leave out port only when the Service has a single port
// (Destination.port: "If a service exposes only a single port it is not required to explicitly
// select the port"); for a Service with several, istioctl analyze reports IST0112
// VirtualServiceDestinationPortSelectorRequired and the route does not say which port it means.
import { servicePortFor } from '../model/service';
import { resolveDestination } from './istio-destinations';
import { defineRule } from './rule';

export default defineRule({
  id: 'istio-port-ambiguous',
  severity: 'warning',
  description: 'A VirtualService destination has no port while its Service has several.',
  remediation: 'Add port.number to the destination.',
  reach: 'workspace',
  check: {
    virtualService(ctx, vs) {
      for (const d of vs.destinations) {
        if (d.port !== undefined) continue;
        const { services } = resolveDestination(ctx.graph, vs, d);
        // Variants of the Service may differ: ambiguous only when every definition has several ports.
        if (services.length === 0 || services.some((s) => s.ports.length === 0 || servicePortFor(s, undefined)))
          continue;
        const ports = services[0].ports.map((p) => (p.name ? `${p.port} (${p.name})` : `${p.port}`)).join(', ');
        ctx.report({
          span: d.hostSpan,
          message: `Service '${services[0].resource.namespace}/${services[0].resource.name}' has several ports (${ports}); this destination must say which one (port.number).`,
          related: [{ resource: services[0].resource, message: `ports ${ports}` }],
        });
      }
    },
  },
});
