// Prometheus operator monitors (monitoring.coreos.com/v1, and Azure's azmonitoring.coreos.com/v1):
// a ServiceMonitor selects Services by label in the namespaces of its namespaceSelector (its own by
// default) and scrapes the named ports of its endpoints; a PodMonitor does the same with pods and
// container port names.
import { readLabelSelector, type Selector } from '../selectors';
import type { Span } from '../text';
import { asScalar, boolValue, get, getPath, seqItems, stringValue } from '../tree';
import { apiGroup, type Resource } from './resource';

export interface Monitor {
  readonly resource: Resource;
  readonly target: 'Service' | 'Pod';
  readonly selector: Selector | undefined;
  /** undefined: any namespace. */
  readonly namespaces: readonly string[] | undefined;
  readonly ports: readonly { name: string; span: Span }[];
}

/**
 * The API groups of these monitors: the Prometheus Operator's, and Azure Monitor's managed
 * Prometheus, which reads the same ServiceMonitor and PodMonitor under its own group.
 */
export const MONITOR_GROUPS: readonly string[] = ['monitoring.coreos.com', 'azmonitoring.coreos.com'];

export function readMonitor(resource: Resource): Monitor | undefined {
  if (!MONITOR_GROUPS.includes(apiGroup(resource.apiVersion))) return undefined;
  const target = resource.kind === 'ServiceMonitor' ? 'Service' : resource.kind === 'PodMonitor' ? 'Pod' : undefined;
  if (!target) return undefined;
  const spec = get(resource.node, 'spec');
  const nsSelector = get(spec, 'namespaceSelector');
  const any = boolValue(get(nsSelector, 'any')) === true;
  const matchNames = seqItems(get(nsSelector, 'matchNames'))
    .map(stringValue)
    .filter((s): s is string => !!s);
  const endpoints = seqItems(get(spec, target === 'Service' ? 'endpoints' : 'podMetricsEndpoints'));
  return {
    resource,
    target,
    selector: readLabelSelector(getPath(spec, 'selector')),
    namespaces: any ? undefined : matchNames.length ? matchNames : [resource.namespace ?? 'default'],
    ports: endpoints.flatMap((e) => {
      const p = asScalar(get(e, 'port'));
      return p && typeof p.value === 'string' ? [{ name: p.value, span: p.span }] : [];
    }),
  };
}
