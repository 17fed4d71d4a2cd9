// Rule: service-target-port-name-unresolved
// A named targetPort is looked up by the endpoints controller among the pod's container ports (by
// name and protocol). When no selected container declares the name, no pod becomes an endpoint for
// that port and connections to it fail.
import { defineRule } from './rule';
import { describeWorkloads, servicePortOutcomes } from './service-ports';

export default defineRule({
  id: 'service-target-port-name-unresolved',
  severity: 'error',
  description: 'A named targetPort is not declared by any container of the selected pods; the port has no endpoints.',
  remediation: 'Use a port name that the containers declare (spec.containers[].ports[].name), or a port number.',
  check: {
    service(ctx, service) {
      const resource = service.resource;
      for (const { port, resolutions } of servicePortOutcomes(ctx.graph, service)) {
        if (typeof port.targetPort !== 'string') continue;
        if (!resolutions.every((r) => r.status === 'name-unresolved')) continue;
        const workloads = resolutions.map((r) => r.workload);
        const names = [
          ...new Set(
            workloads.flatMap((w) =>
              w.template.containers.flatMap((c) => c.ports.map((p) => p.name)).filter((n): n is string => !!n),
            ),
          ),
        ];
        const declared = names.length ? `declared names: ${names.join(', ')}` : 'no container port has a name';
        ctx.report({
          span: port.targetPortSpan,
          message: `targetPort '${port.targetPort}' is not a port name of any container of ${describeWorkloads(workloads)} (${declared}); port ${port.port} has no endpoints.`,
          related: workloads.map((w) => ({ resource: w.resource, message: `selected by Service ${resource.name}` })),
        });
      }
    },
  },
});
