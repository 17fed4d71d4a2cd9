// PodDisruptionBudgets (policy/v1, v1beta1): which pods they protect and how many may be evicted,
// for hovers on pod templates and the disruption rules.
import { readLabelSelector, withAddedTerms, type Selector } from '../selectors';
import type { YScalar } from '../syntax';
import { asScalar, get, getPath } from '../tree';
import type { Resource } from './resource';

export interface DisruptionBudget {
  readonly resource: Resource;
  readonly selector: Selector;
  /** spec.minAvailable / spec.maxUnavailable as written (an int or a percentage string). */
  readonly minAvailable: YScalar | undefined;
  readonly maxUnavailable: YScalar | undefined;
}

export function readDisruptionBudget(resource: Resource): DisruptionBudget | undefined {
  if (resource.kind !== 'PodDisruptionBudget' || !resource.apiVersion.startsWith('policy/')) return undefined;
  const spec = get(resource.node, 'spec');
  // kustomize commonLabels / labels.includeSelectors add their labels to spec.selector.matchLabels.
  const selector = withAddedTerms(readLabelSelector(get(spec, 'selector')), resource.buildLabels?.selector);
  return selector
    ? {
        resource,
        selector,
        minAvailable: asScalar(getPath(spec, 'minAvailable')),
        maxUnavailable: asScalar(getPath(spec, 'maxUnavailable')),
      }
    : undefined;
}

/** An IntOrString budget value: a whole number, or a percentage ("25%"); undefined when neither. */
export function budgetValue(
  node: YScalar | undefined,
): { readonly count: number } | { readonly percent: number } | undefined {
  const v = node?.value;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return { count: v };
  if (typeof v === 'string') {
    const m = /^(\d+)%$/.exec(v);
    if (m) return { percent: Number(m[1]) };
  }
  return undefined;
}
