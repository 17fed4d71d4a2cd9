// PodDisruptionBudgets (policy/v1, v1beta1): which pods they protect, for hovers on pod templates.
import { readLabelSelector, type Selector } from '../selectors';
import { getPath } from '../tree';
import type { Resource } from './resource';

export interface DisruptionBudget {
  readonly resource: Resource;
  readonly selector: Selector;
}

export function readDisruptionBudget(resource: Resource): DisruptionBudget | undefined {
  if (resource.kind !== 'PodDisruptionBudget' || !resource.apiVersion.startsWith('policy/')) return undefined;
  const selector = readLabelSelector(getPath(resource.node, 'spec', 'selector'));
  return selector ? { resource, selector } : undefined;
}
