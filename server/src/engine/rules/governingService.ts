// What the StatefulSet rules read of a StatefulSet's own spec, from its tree once
// (model/ownFacts.ts): the governing Service it names (spec.serviceName) and whether it fixes its
// replicas.
import type { Span } from '../text';
import { getPath, stringValue } from '../tree';
import { ownFact } from './ownFacts';

export interface GoverningService {
  /** spec.serviceName as a string; undefined when it is not one. */
  readonly name: string | undefined;
  /** Where spec.serviceName is written; undefined when it is not. */
  readonly span: Span | undefined;
  /** Whether spec.replicas is written. */
  readonly replicasWritten: boolean;
}

export const governingService = ownFact('workload', (_, resource): GoverningService | undefined => {
  if (resource.kind !== 'StatefulSet') return undefined;
  const node = getPath(resource.node, 'spec', 'serviceName');
  return {
    name: stringValue(node),
    span: node?.span,
    replicasWritten: getPath(resource.node, 'spec', 'replicas') !== undefined,
  };
});
