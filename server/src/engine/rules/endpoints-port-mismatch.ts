// Rule: endpoints-port-mismatch
// A Service without a selector sends traffic to the Endpoints / EndpointSlices written for it by
// hand. kube-proxy matches each Service port to an endpoint port by name (unnamed when the Service
// has a single unnamed port); a Service port that no endpoint port covers has no endpoints.
import { defineRule } from './rule';

export default defineRule({
  id: 'endpoints-port-mismatch',
  severity: 'warning',
  description: "Hand-written Endpoints or EndpointSlices do not cover a selector-less Service's ports.",
  remediation: 'Give the endpoint ports the names of the Service ports (or leave both unnamed for a single port).',
  check: {
    service(ctx, service) {
      if (service.selector || service.type === 'ExternalName') return;
      const manual = ctx.graph.manualEndpointsOf(service);
      if (manual.length === 0) return;
      const endpointPorts = manual.flatMap((e) => e.ports);
      if (endpointPorts.length === 0) return;
      for (const port of service.ports) {
        if (endpointPorts.some((p) => (p.name ?? '') === (port.name ?? ''))) continue;
        const names = [
          ...new Set(endpointPorts.map((p) => (p.name ? `${p.name} (${p.port})` : `unnamed (${p.port})`))),
        ].join(', ');
        ctx.report({
          span: port.nameSpan ?? port.portSpan,
          message: `Service port ${port.name ? `'${port.name}'` : port.port} has no matching port in its Endpoints/EndpointSlices (they have ${names}); it gets no endpoints.`,
          related: manual.map((e) => ({ resource: e.resource, message: `ports: ${names}` })),
        });
      }
    },
  },
});
