// Rule: nodeport-conflict
// Node ports are cluster-wide: every node listens on each one for one Service. Two Services asking
// for the same nodePort and protocol cannot both be created ("provided port is already allocated").
// Compared among Services applied together (same file or kustomize build), so that variants of
// an app kept side by side are not mistaken for one cluster.
import { defineRule } from './rule';

export default defineRule({
  id: 'nodeport-conflict',
  severity: 'error',
  description: 'Two Services claim the same nodePort and protocol.',
  remediation: 'Give each Service its own nodePort, or leave nodePort out and let the cluster allocate one.',
  check: {
    service(ctx, service) {
      if (service.type !== 'NodePort' && service.type !== 'LoadBalancer') return;
      const others = ctx.graph
        .servicesAppliedNear(service)
        .filter((s) => s.type === 'NodePort' || s.type === 'LoadBalancer');
      for (const port of service.ports) {
        if (!port.nodePort || !port.nodePortSpan) continue;
        const rival = others.find((s) =>
          s.ports.some((p) => p.nodePort === port.nodePort && p.protocol === port.protocol),
        );
        if (!rival) continue;
        ctx.report({
          span: port.nodePortSpan,
          message: `nodePort ${port.nodePort}/${port.protocol} is also claimed by Service '${rival.resource.namespace}/${rival.resource.name}'; node ports are cluster-wide, so one of them cannot be created.`,
          related: [{ resource: rival.resource, message: `also claims nodePort ${port.nodePort}/${port.protocol}` }],
        });
      }
    },
  },
});
