// HorizontalPodAutoscalers (autoscaling/v1, v2): which workload they scale and between what bounds,
// so that replica counts can say "2-10 pods (HPA)" instead of the static spec.replicas.
import { get, getPath, integerValue, stringValue } from '../tree';
import type { Resource } from './resource';

export interface Autoscaler {
  readonly resource: Resource;
  readonly targetKind: string;
  readonly targetName: string;
  readonly minReplicas: number;
  readonly maxReplicas: number | undefined;
}

export function readAutoscaler(resource: Resource): Autoscaler | undefined {
  if (resource.kind !== 'HorizontalPodAutoscaler' || !resource.apiVersion.startsWith('autoscaling/')) return undefined;
  const spec = get(resource.node, 'spec');
  const targetKind = stringValue(getPath(spec, 'scaleTargetRef', 'kind'));
  const targetName = stringValue(getPath(spec, 'scaleTargetRef', 'name'));
  if (!targetKind || !targetName) return undefined;
  // minReplicas defaults to 1 (autoscaling/v2 HorizontalPodAutoscalerSpec).
  return {
    resource,
    targetKind,
    targetName,
    minReplicas: integerValue(get(spec, 'minReplicas')) ?? 1,
    maxReplicas: integerValue(get(spec, 'maxReplicas')),
  };
}
