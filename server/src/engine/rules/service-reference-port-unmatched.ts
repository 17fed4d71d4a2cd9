// Rule: service-reference-port-unmatched
// A container connects to a Service address with a port the Service does not define (clients use
// the Service's port, not the container's). Headless Services are not checked: their DNS names lead
// straight to pods, on container ports.
import { describeServicePort, servicePortFor } from '../model/service';
import { defineRule } from './rule';

export default defineRule({
  id: 'service-reference-port-unmatched',
  severity: 'warning',
  description: 'A container connects to a Service on a port the Service does not define.',
  remediation: "Use one of the Service's ports (spec.ports[].port) in the address.",
  reach: 'workspace',
  check: {
    workload(ctx, workload) {
      const seen = new Set<string>();
      for (const ref of ctx.graph.serviceReferences(workload)) {
        if (ref.port === undefined) continue;
        const services = ctx.graph.servicesNamed(ref.namespace, ref.service);
        if (
          services.length === 0 ||
          services.some(
            (s) =>
              s.headless ||
              s.type === 'ExternalName' ||
              s.producer?.portsOpen ||
              servicePortFor(s, ref.port) !== undefined,
          )
        )
          continue;
        const key = `${ref.workloadSpan.start}|${ref.host}|${ref.port}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const ports = services[0].ports.map(describeServicePort).join(', ') || 'none';
        const via = ref.via ? ` (ConfigMap '${ref.via.configMap.name}', key ${ref.via.key})` : '';
        ctx.report({
          span: ref.workloadSpan,
          message: `'${ref.host}:${ref.port}'${via}: Service '${ref.namespace}/${ref.service}' has no port ${ref.port} (its ports: ${ports}).`,
          related: [
            { resource: services[0].resource, message: `ports: ${ports}` },
            ...(ref.via ? [{ resource: ref.via.configMap, span: ref.span, message: ref.via.key }] : []),
          ],
        });
      }
    },
  },
});
