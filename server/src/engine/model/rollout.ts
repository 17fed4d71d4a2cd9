// What an Argo Rollout (argoproj.io) does at run time to the objects around it, beyond making its
// pods: the parts of its spec the graph needs, read as the Argo Rollouts controller reads them.
import { apiGroup, type Resource } from './resource';
import { getPath, seqItems, stringValue } from '../tree';
import { labelMapsUnder } from './labelMaps';
import { OwnFact } from './ownFacts';

/** Whether the resource is an Argo Rollout. */
export function isArgoRollout(r: Resource): boolean {
  return r.kind === 'Rollout' && apiGroup(r.apiVersion) === 'argoproj.io';
}

/** An AWS Load Balancer Controller action a Rollout writes on an Ingress (its canary weights). */
export interface AlbAction {
  readonly ingress: string;
  /** The backend service name whose `use-annotation` port the action serves. */
  readonly service: string;
}

/**
 * The ALB actions of a canary Rollout's traffic routing: the controller writes the annotation
 * `alb.ingress.kubernetes.io/actions.<rootService>` on each Ingress named in
 * spec.strategy.canary.trafficRouting.alb (ingress, or ingresses), the root service being
 * alb.rootService, else canary.stableService (argo-rollouts rollout/trafficrouting/alb). The
 * Ingress's backend names that service with port `use-annotation`.
 */
export function albActionsOf(r: Resource): readonly AlbAction[] {
  return (isArgoRollout(r) && albActions.of(r)) || [];
}

/** A Rollout's ALB actions, read from its tree once (model/ownFacts.ts); none: undefined. */
const albActions = new OwnFact(new Set(['Rollout']), (r) => {
  if (!isArgoRollout(r)) return undefined;
  const actions = readAlbActions(r);
  return actions.length > 0 ? actions : undefined;
});

function readAlbActions(r: Resource): readonly AlbAction[] {
  const canary = getPath(r.node, 'spec', 'strategy', 'canary');
  const alb = getPath(canary, 'trafficRouting', 'alb');
  if (!alb) return [];
  const service = stringValue(getPath(alb, 'rootService')) ?? stringValue(getPath(canary, 'stableService'));
  if (!service) return [];
  const ingresses = [stringValue(getPath(alb, 'ingress')), ...seqItems(getPath(alb, 'ingresses')).map(stringValue)];
  return ingresses.filter((i): i is string => !!i).map((ingress) => ({ ingress, service }));
}

/**
 * Labels some of a Rollout's pods carry besides its template's: those its strategy writes, as the
 * controller applies them at run time. An experiment step's templates override the template's
 * labels with their metadata.labels, and select them with selector.matchLabels
 * (rollout/experiment.go GetExperimentFromTemplate); canaryMetadata, stableMetadata,
 * activeMetadata and previewMetadata add ephemeral labels to the pods of that role.
 */
export function rolloutLabelVariants(r: Resource): ReadonlyMap<string, ReadonlySet<string>> {
  if (!isArgoRollout(r)) return new Map();
  return labelMapsUnder(getPath(r.node, 'spec', 'strategy'), (key) => key === 'labels' || key === 'matchLabels');
}
