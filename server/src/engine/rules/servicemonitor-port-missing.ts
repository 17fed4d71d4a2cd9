// Rule: servicemonitor-port-missing
// A ServiceMonitor endpoint's `port` is the name of a Service port; a PodMonitor's is the name of a
// container port. A name that none of the selected targets has is never scraped.
import { selectorMatchesLabels, selectorMayMatch } from '../selectors';
import type { Resource } from '../model/resource';
import type { Service } from '../model/service';
import { unseenSource } from './certainty';
import { defineRule, type RelatedRef, type RuleContext } from './rule';

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
      const targets =
        monitor.target === 'Service'
          ? ctx.graph.services
              .filter((s) => inScope(s.resource.namespace) && selectorMatchesLabels(selector, s.resource.labels))
              .map((s) => ({ resource: s.resource, service: s, names: s.ports.map((p) => p.name) }))
          : ctx.graph.workloads
              .filter((w) => inScope(w.template.namespace) && selectorMayMatch(selector, w.template.labels))
              .map((w) => ({
                resource: w.resource,
                names: w.template.containers.flatMap((c) => c.ports.map((p) => p.name)),
              }));
      if (targets.length === 0) return; // servicemonitor-selector-orphaned
      const known = new Set(targets.flatMap((t) => t.names).filter((n): n is string => !!n));
      const missing = monitor.ports.filter((port) => !known.has(port.name));
      if (missing.length === 0) return;
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
      const doubt = ctx.config.completeWorkspace ? undefined : unseenTargets(ctx, monitor.resource, targets);
      for (const port of missing) {
        ctx.report({
          span: port.span,
          severity: doubt ? 'info' : undefined,
          message: `No selected ${monitor.target === 'Service' ? 'Service has a port' : 'pod has a container port'} named '${port.name}' (names: ${[...known].join(', ') || 'none'}); this endpoint is never scraped.${doubt?.note ?? ''}`,
          related: doubt?.related,
        });
      }
    },
  },
});

/**
 * Why targets the workspace does not show may be the ones the monitor is for, or undefined. The
 * monitor scrapes every target its selector matches, wherever it comes from: a custom resource of
 * a kind this tool does not know, applied with it, may make them (Rook's CephCluster makes the
 * `rook-ceph-mgr` Service its example ServiceMonitor scrapes, beside user-made copies of its
 * labels), and so may the unseen part of its build; when the Services seen front pods made
 * elsewhere, or none of the targets seen is applied with it, the ones it was written for are
 * likely made elsewhere too.
 */
function unseenTargets(
  ctx: RuleContext,
  monitor: Resource,
  targets: readonly { resource: Resource; service?: Service }[],
): { note: string; related: readonly RelatedRef[] } | undefined {
  const namespaces = new Set([
    monitor.namespace ?? 'default',
    ...targets.map((t) => t.resource.namespace ?? 'default'),
  ]);
  for (const namespace of namespaces) {
    const unseen = unseenSource(ctx, monitor, namespace, 'the targets');
    if (unseen) return unseen;
  }
  // The Services seen front pods no template here makes (an operator's, a chart's): the app is
  // defined elsewhere, and so may be the Service the monitor is for (Rook's rook-ceph-mgr).
  if (targets.every((t) => t.service?.selector !== undefined && ctx.graph.workloadsSelectedBy(t.service).length === 0))
    return {
      note: ' The Services it selects here front pods that no pod template in the workspace makes: the app is defined elsewhere, and so may be the Service this endpoint is for.',
      related: [],
    };
  if (!targets.some((t) => ctx.graph.appliedTogether(t.resource, monitor)))
    return {
      note: ' None of the targets it selects here is applied with it: the ones it is for may be made elsewhere (a Helm release, an operator, another repository).',
      related: [],
    };
  return undefined;
}
