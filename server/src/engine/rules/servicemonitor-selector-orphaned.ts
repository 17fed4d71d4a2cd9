// Rule: servicemonitor-selector-orphaned
// A ServiceMonitor selects Services by label in the namespaces of its namespaceSelector (its own
// namespace by default); a PodMonitor selects pods the same way. When nothing matches, Prometheus
// scrapes nothing and the metrics silently disappear. Namespaces with no Services (or pod
// templates) in the workspace are not judged, nor monitors of any namespace (namespaceSelector.any):
// their targets may be installed by other means (an istiod Service, a cloud agent).
import { formatSelector, selectorMatchesLabels, selectorMayMatch } from '../selectors';
import { mayCreate } from './near-miss';
import { defineRule } from './rule';

export default defineRule({
  id: 'servicemonitor-selector-orphaned',
  severity: 'warning',
  description: 'A ServiceMonitor or PodMonitor selects no Service or pod in its namespaces.',
  remediation:
    'Match the labels of the Services (ServiceMonitor) or pods (PodMonitor) to scrape, in the namespaces of namespaceSelector.',
  reach: 'workspace',
  check: {
    monitor(ctx, monitor) {
      const resource = monitor.resource;
      if (!monitor.selector || monitor.selector.invalid || monitor.namespaces === undefined) return;
      const selector = monitor.selector;
      const inScope = (ns: string | undefined) =>
        monitor.namespaces === undefined || monitor.namespaces.includes(ns ?? 'default');
      const keys = selector.terms.map((t) => t.key);
      // Targets applied with the monitor that follow its labelling scheme (use one of its keys): without
      // them, the targets are installed by other means (an operator's own pod, a chart) and not judged.
      let judgeable: boolean;
      if (monitor.target === 'Service') {
        const candidates = ctx.graph.services.filter((s) => inScope(s.resource.namespace));
        if (candidates.length === 0 || candidates.some((s) => selectorMatchesLabels(selector, s.resource.labels)))
          return;
        judgeable = candidates.some(
          (s) => ctx.graph.appliedTogether(s.resource, resource) && keys.some((k) => k in s.resource.labels),
        );
      } else {
        const candidates = ctx.graph.workloads.filter((w) => inScope(w.template.namespace));
        if (candidates.length === 0 || candidates.some((w) => selectorMayMatch(selector, w.template.labels))) return;
        judgeable = candidates.some(
          (w) => ctx.graph.appliedTogether(w.resource, resource) && keys.some((k) => k in w.template.labels.declared),
        );
      }
      if (!judgeable && !ctx.config.completeWorkspace) return;
      const hidden = ctx.config.completeWorkspace
        ? undefined
        : monitor.namespaces.map((ns) => ctx.graph.hiddenProducerNear(ns, resource)).find((r) => r !== undefined);
      const where = `namespace${monitor.namespaces.length > 1 ? 's' : ''} ${monitor.namespaces.map((n) => `'${n}'`).join(', ')}`;
      const what = monitor.target === 'Service' ? 'Service' : 'pod template';
      ctx.report({
        span: selector.span,
        severity: hidden ? 'info' : undefined,
        message: `Selector ${formatSelector(selector)} matches no ${what} in ${where}; nothing is scraped.${hidden ? mayCreate(hidden, `such ${what}s`) : ''}`,
        related: hidden ? [{ resource: hidden, message: `may create ${what}s` }] : [],
      });
    },
  },
});
