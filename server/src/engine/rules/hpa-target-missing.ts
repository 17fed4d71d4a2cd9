// Rule: hpa-target-missing
// A HorizontalPodAutoscaler (or a KEDA ScaledObject, which drives one) scales the object its
// scaleTargetRef names: kind, API group (the version does not matter: the HPA controller maps
// group and kind through the RESTMapper and reads the /scale subresource) and name, in the
// autoscaler's own namespace (pkg/controller/podautoscaler/horizontal.go, reconcileAutoscaler).
// A target that does not exist, or whose kind has no scale subresource (DaemonSet, Job, CronJob,
// Pod), leaves the autoscaler failing with "the HPA controller was unable to get the target's
// current scale" and nothing is scaled.
// The world is open (the target may come from another repository or a Helm release), so a missing
// target is reported only when the workspace shows the likely mistake: an object of the same kind
// with a similar name (the quick fix renames), or objects of that kind managed beside the autoscaler.
import type { TrafficGraph } from '../graph';
import { apiGroup, keptTogether, type Resource } from '../model/resource';
import type { Span } from '../text';
import { get, getPath, stringValue } from '../tree';
import { editDistance } from './near-miss';
import { ownFact } from './ownFacts';
import { defineRule } from './rule';

/** Built-in kinds without a scale subresource: an autoscaler cannot scale them. */
const NOT_SCALABLE = new Set(['DaemonSet', 'Job', 'CronJob', 'Pod']);
/** The API group of the built-in kinds a scaleTargetRef names. */
const BUILTIN_GROUP: Readonly<Record<string, string>> = {
  Deployment: 'apps',
  StatefulSet: 'apps',
  ReplicaSet: 'apps',
  DaemonSet: 'apps',
  ReplicationController: '',
  Job: 'batch',
  CronJob: 'batch',
  Pod: '',
};

interface TargetRef {
  readonly kind: string;
  readonly group: string;
  readonly name: string;
  readonly nameSpan: Span;
  readonly kindSpan: Span | undefined;
}

/**
 * scaleTargetRef of an HPA (autoscaling/*) or a KEDA ScaledObject (kind and apiVersion default to
 * apps/v1 Deployment), read from the autoscaler's tree once (rules/ownFacts.ts).
 */
const targetRef = ownFact('any', (resource) =>
  resource.kind === 'HorizontalPodAutoscaler' || resource.kind === 'ScaledObject' ? readTargetRef(resource) : undefined,
);

function readTargetRef(resource: Resource): TargetRef | undefined {
  const ref = getPath(resource.node, 'spec', 'scaleTargetRef');
  const nameNode = get(ref, 'name');
  const name = stringValue(nameNode);
  if (!nameNode || !name) return undefined;
  const kindNode = get(ref, 'kind');
  const apiVersion = stringValue(get(ref, 'apiVersion'));
  if (resource.kind === 'ScaledObject') {
    const kind = stringValue(kindNode) ?? 'Deployment';
    return {
      kind,
      group: apiVersion !== undefined ? apiGroup(apiVersion) : (BUILTIN_GROUP[kind] ?? ''),
      name,
      nameSpan: nameNode.span,
      kindSpan: kindNode?.span,
    };
  }
  const kind = stringValue(kindNode);
  if (!kind) return undefined;
  // An HPA without apiVersion means the core group; only judge groups we can compare reliably.
  return {
    kind,
    group: apiVersion !== undefined ? apiGroup(apiVersion) : (BUILTIN_GROUP[kind] ?? ''),
    name,
    nameSpan: nameNode.span,
    kindSpan: kindNode?.span,
  };
}

function objectsOfKind(graph: TrafficGraph, namespace: string, kind: string): Resource[] {
  return graph.instancesIn('namespace', namespace).filter((r) => r.kind === kind);
}

export default defineRule({
  id: 'hpa-target-missing',
  severity: 'warning',
  description: "An autoscaler's scaleTargetRef names no scalable object in its namespace.",
  remediation:
    'Name an existing Deployment, StatefulSet, ReplicaSet or scalable custom resource of the same namespace, with its API group in apiVersion.',
  check: {
    scaler(ctx, resource) {
      if (resource.namesTransformed) return;
      const ref = targetRef.of(resource);
      if (!ref) return;
      const ns = resource.namespace ?? 'default';
      const what = `${resource.kind === 'ScaledObject' ? 'ScaledObject' : 'HorizontalPodAutoscaler'}`;
      if (NOT_SCALABLE.has(ref.kind) && BUILTIN_GROUP[ref.kind] === ref.group) {
        ctx.report({
          span: ref.kindSpan ?? ref.nameSpan,
          message: `A ${ref.kind} has no scale subresource: the ${what} cannot scale '${ref.name}' and reports "unable to get the target's current scale".`,
        });
        return;
      }
      const sameKind = objectsOfKind(ctx.graph, ns, ref.kind);
      const named = sameKind.filter((r) => r.name === ref.name);
      if (named.some((r) => apiGroup(r.apiVersion) === ref.group)) return;
      if (named.length > 0) {
        const actual = apiGroup(named[0].apiVersion);
        ctx.report({
          span: ref.nameSpan,
          message: `${ref.kind} '${ref.name}' is in API group '${actual || 'core'}', but scaleTargetRef names group '${ref.group || 'core'}': the ${what} finds no such object. Set apiVersion to ${named[0].apiVersion}.`,
          related: [{ resource: named[0], message: `${ref.kind} in API group '${actual || 'core'}'` }],
        });
        return;
      }
      const candidates = sameKind.filter(
        (r) => apiGroup(r.apiVersion) === ref.group && keptTogether(r.file, resource.file),
      );
      let nearest: Resource | undefined;
      let best = Infinity;
      for (const r of candidates) {
        const limit = Math.max(1, Math.floor(Math.max(ref.name.length, r.name.length) / 3));
        const d = editDistance(ref.name, r.name, Math.min(limit, best - 1));
        if (d <= limit && d < best) {
          nearest = r;
          best = d;
        }
      }
      // Without a near miss, only where this namespace's objects of that kind are managed beside the autoscaler.
      if (!nearest && candidates.length === 0) return;
      ctx.report({
        span: ref.nameSpan,
        message: `No ${ref.kind} '${ref.name}' in namespace '${ns}': the ${what} scales nothing.${nearest ? ` Did you mean '${nearest.name}'?` : ''}`,
        related: nearest ? [{ resource: nearest, message: `${ref.kind} with a similar name` }] : [],
      });
    },
  },
});
