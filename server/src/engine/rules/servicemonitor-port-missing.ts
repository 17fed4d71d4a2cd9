// Rule: servicemonitor-port-missing
// A ServiceMonitor endpoint's `port` is the name of a Service port; a PodMonitor's is the name of a
// container port. A name that none of the selected targets has is never scraped.
import { selectorMatchesLabels, selectorMayMatch } from '../selectors';
import { defineRule } from './rule';

export default defineRule({
  id: 'servicemonitor-port-missing',
  severity: 'error',
  description: 'A ServiceMonitor or PodMonitor endpoint names a port the selected Services or pods do not have.',
  remediation:
    'Use the name of a Service port (ServiceMonitor) or a container port (PodMonitor) of the selected targets.',
  reach: 'workspace',
  check: {
    monitor(ctx, monitor) {
      if (!monitor.selector || monitor.selector.invalid) return;
      const selector = monitor.selector;
      const inScope = (ns: string | undefined) =>
        monitor.namespaces === undefined || monitor.namespaces.includes(ns ?? 'default');
      const names =
        monitor.target === 'Service'
          ? ctx.graph.services
              .filter((s) => inScope(s.resource.namespace) && selectorMatchesLabels(selector, s.resource.labels))
              .map((s) => s.ports.map((p) => p.name))
          : ctx.graph.workloads
              .filter((w) => inScope(w.template.namespace) && selectorMayMatch(selector, w.template.labels))
              .map((w) => w.template.containers.flatMap((c) => c.ports.map((p) => p.name)));
      if (names.length === 0) return; // servicemonitor-selector-orphaned
      // Operator-made targets may have ports the operator table does not list.
      const open =
        monitor.target === 'Service'
          ? ctx.graph.services.some(
              (s) =>
                s.producer?.portsOpen &&
                inScope(s.resource.namespace) &&
                selectorMatchesLabels(selector, s.resource.labels),
            )
          : ctx.graph.workloads.some(
              (w) =>
                w.template.producer?.portsOpen &&
                inScope(w.template.namespace) &&
                selectorMayMatch(selector, w.template.labels),
            );
      if (open) return;
      const known = new Set(names.flat().filter((n): n is string => !!n));
      for (const port of monitor.ports) {
        if (known.has(port.name)) continue;
        ctx.report({
          span: port.span,
          message: `No selected ${monitor.target === 'Service' ? 'Service has a port' : 'pod has a container port'} named '${port.name}' (names: ${[...known].join(', ') || 'none'}); this endpoint is never scraped.`,
        });
      }
    },
  },
});
