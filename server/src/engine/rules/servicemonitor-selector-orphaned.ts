// Rule: servicemonitor-selector-orphaned
// A ServiceMonitor selects Services by label in the namespaces of its namespaceSelector (its own
// namespace by default); a PodMonitor selects pods the same way. When nothing matches, Prometheus
// scrapes nothing and the metrics silently disappear. Namespaces with no Services (or pod
// templates) in the workspace are not judged, nor monitors of any namespace (namespaceSelector.any):
// their targets may be installed by other means (an istiod Service, a cloud agent).
import { readMonitor } from '../model/monitor';
import { formatSelector, selectorMatchesLabels, selectorMayMatch } from '../selectors';
import { defineRule } from './rule';

export default defineRule({
  id: 'servicemonitor-selector-orphaned',
  severity: 'warning',
  description: 'A ServiceMonitor or PodMonitor selects no Service or pod in its namespaces.',
  remediation: "Match the labels of the Services (ServiceMonitor) or pods (PodMonitor) to scrape, in the namespaces of namespaceSelector.",
  kinds: ['ServiceMonitor', 'PodMonitor'],
  reach: 'workspace',
  check(ctx, resource) {
    const monitor = readMonitor(resource);
    if (!monitor?.selector || monitor.selector.invalid || monitor.namespaces === undefined) return;
    const selector = monitor.selector;
    const inScope = (ns: string | undefined) => monitor.namespaces === undefined || monitor.namespaces.includes(ns ?? 'default');
    if (monitor.target === 'Service') {
      const candidates = ctx.graph.services.filter((s) => inScope(s.resource.namespace));
      if (candidates.length === 0 || candidates.some((s) => selectorMatchesLabels(selector, s.resource.labels))) return;
    } else {
      const candidates = ctx.graph.workloads.filter((w) => inScope(w.template.namespace));
      if (candidates.length === 0 || candidates.some((w) => selectorMayMatch(selector, w.template.labels))) return;
    }
    const where = monitor.namespaces === undefined ? 'any namespace' : `namespace${monitor.namespaces.length > 1 ? 's' : ''} ${monitor.namespaces.map((n) => `'${n}'`).join(', ')}`;
    ctx.report({
      span: selector.span,
      message: `Selector ${formatSelector(selector)} matches no ${monitor.target === 'Service' ? 'Service' : 'pod template'} in ${where}; nothing is scraped.`,
    });
  },
});
