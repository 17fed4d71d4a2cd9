// Rule: service-port-protocol-mismatch
// The container port a Service port lands on is declared with another protocol (TCP is the default
// on both sides). A named targetPort then does not resolve at all (the endpoints controller matches
// name and protocol); a numeric one sends, say, UDP to a port the container declares as TCP, which
// is information: declarations are informational, and the process may serve UDP there.
import { defineRule } from './rule';
import { servicePortOutcomes } from './service-ports';

export default defineRule({
  id: 'service-port-protocol-mismatch',
  severity: 'warning',
  description: 'The container port a Service port targets is declared with another protocol.',
  remediation: 'Give the Service port and the container port the same protocol (TCP, UDP or SCTP).',
  check: {
    service(ctx, service) {
      for (const { port, resolutions } of servicePortOutcomes(ctx.graph, service)) {
        if (resolutions.some((r) => r.status === 'resolved')) continue;
        const mismatch = resolutions.find((r) => r.status === 'protocol-mismatch');
        if (!mismatch?.declared || !mismatch.container) continue;
        const named = typeof port.targetPort === 'string';
        const target = named ? `'${port.targetPort}'` : `${port.targetPort}`;
        // A named targetPort does not resolve (certain); a number is forwarded all the same, and
        // containerPort is informational: the process may serve the Service's protocol there, its
        // declaration only left at the TCP default (plausible, not known).
        ctx.report({
          span: port.targetPortSpan,
          severity: named ? undefined : 'info',
          message: `Port ${port.port}/${port.protocol} targets ${target}, which container '${mismatch.container.name}' of ${mismatch.workload.resource.kind} '${mismatch.workload.resource.name}' declares as ${mismatch.declared.protocol}.${named ? '' : ` Packets are forwarded to ${target}/${port.protocol} all the same: if the process serves ${port.protocol} there, only the declaration is wrong.`}`,
          related: [
            {
              resource: mismatch.workload.resource,
              span: mismatch.declared.span,
              message: `declares ${mismatch.declared.containerPort}/${mismatch.declared.protocol}`,
            },
          ],
        });
      }
    },
  },
});
