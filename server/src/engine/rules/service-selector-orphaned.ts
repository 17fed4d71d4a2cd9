// Rule: service-selector-orphaned
// A Service whose selector matches no pod template in its namespace gets no endpoints: every
// connection to it fails. The message names the nearest miss, which is usually the typo.
import { formatSelector, selectorMayMatch, termMayMatch, type Selector } from '../selectors';
import type { Workload } from '../model/workload';
import type { TrafficGraph } from '../graph';
import { defineRule, type RelatedRef } from './rule';

export default defineRule({
  id: 'service-selector-orphaned',
  severity: 'warning',
  description: 'Service selector matches no pod template in its namespace.',
  remediation: 'Make the selector match the pod template labels of a workload in the same namespace, or remove the selector and manage Endpoints by hand.',
  kinds: ['Service'],
  check(ctx, resource) {
    const service = ctx.graph.service(resource);
    if (!service?.selector || service.selector.invalid) return;
    if (ctx.graph.workloadsSelectedBy(service).length > 0) return;
    const ns = resource.namespace ?? 'default';
    const miss = nearestMiss(ctx.graph, service.selector, ns);
    const related: RelatedRef[] = [];
    let hint = '';
    if (miss?.kind === 'value') {
      hint = ` Closest: ${miss.workload.resource.kind} '${miss.workload.resource.name}' has ${miss.key}=${miss.actual}.`;
      related.push({ resource: miss.workload.resource, span: miss.workload.template.labelSpans.get(miss.key), message: `has ${miss.key}=${miss.actual}` });
    } else if (miss?.kind === 'namespace') {
      hint = ` ${miss.workload.resource.kind} '${miss.workload.resource.name}' matches, but in namespace '${miss.workload.template.namespace}'.`;
      related.push({ resource: miss.workload.resource, message: `matching pod template in namespace ${miss.workload.template.namespace}` });
    }
    const failing = miss?.kind === 'value' ? service.selector.terms.find((t) => t.key === miss.key) : undefined;
    ctx.report({
      span: failing?.span ?? service.selector.span,
      message: `Selector ${formatSelector(service.selector)} matches no pod template in namespace '${ns}'; the Service has no endpoints.${hint}`,
      related,
    });
  },
});

type NearMiss =
  | { kind: 'value'; workload: Workload; key: string; actual: string }
  | { kind: 'namespace'; workload: Workload };

/**
 * The nearest miss: a template in the namespace that fails exactly one equality term while having
 * the key; otherwise a template in another namespace that matches the whole selector.
 */
export function nearestMiss(graph: TrafficGraph, selector: Selector, namespace: string): NearMiss | undefined {
  for (const w of graph.workloadsIn(namespace)) {
    const failing = selector.terms.filter((t) => !termMayMatch(t, w.template.labels));
    if (failing.length !== 1 || failing[0].operator !== 'Equals') continue;
    const actual = w.template.labels.declared[failing[0].key];
    if (actual !== undefined) return { kind: 'value', workload: w, key: failing[0].key, actual };
  }
  for (const w of graph.workloads) {
    if (w.template.namespace !== namespace && selectorMayMatch(selector, w.template.labels)) return { kind: 'namespace', workload: w };
  }
  return undefined;
}
