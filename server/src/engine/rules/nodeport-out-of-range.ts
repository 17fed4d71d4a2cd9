// Rule: nodeport-out-of-range
// A NodePort or LoadBalancer Service that asks for a nodePort outside the cluster's node port range
// (kube-apiserver --service-node-port-range, 30000-32767 by default; setting nodePortRange) is
// rejected by the API server: "provided port is not in the valid range".
import { defineRule } from './rule';

export default defineRule({
  id: 'nodeport-out-of-range',
  severity: 'error',
  description: "A Service's nodePort is outside the cluster's node port range.",
  remediation: 'Pick a nodePort inside the range, or leave nodePort out and let the cluster allocate one.',
  check: {
    service(ctx, service) {
      if (service.type !== 'NodePort' && service.type !== 'LoadBalancer') return;
      const { min, max } = ctx.config.nodePortRange;
      for (const port of service.ports) {
        // 0 (or absent) asks the cluster to allocate one.
        if (port.nodePort === undefined || port.nodePort === 0 || !port.nodePortSpan) continue;
        if (port.nodePort >= min && port.nodePort <= max) continue;
        ctx.report({
          span: port.nodePortSpan,
          message: `nodePort ${port.nodePort} is outside the node port range ${min}-${max}; the API server rejects the Service.`,
        });
      }
    },
  },
});
