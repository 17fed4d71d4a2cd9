// The "did you mean" of the orphaned-selector rules: the pod template a selector most nearly
// matches, either one label value away (usually a typo) or matching fully in another namespace.
import { DEFAULT_LIMITS } from '../config';
import type { TrafficGraph } from '../graph';
import type { Workload } from '../model/workload';
import { selectorMayMatch, termMayMatch, type Selector } from '../selectors';
import type { Span } from '../text';
import type { Resource } from '../model/resource';
import type { RelatedRef, RuleContext } from './rule';

export type NearMiss =
  | { kind: 'value'; workload: Workload; key: string; actual: string; termSpan: Span }
  | { kind: 'namespace'; workload: Workload };

/** Levenshtein distance, for ranking candidate label values. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = current;
    }
  }
  return row[b.length];
}

/**
 * A template in the namespace failing exactly one equality term while carrying that key with a
 * similar value (at most a third of the characters differ); otherwise a template in another
 * namespace that the whole selector matches. Only templates kept with the selecting file count:
 * a similar label in an unrelated app elsewhere in the repository is no hint.
 */
export function nearestMiss(graph: TrafficGraph, selector: Selector, namespace: string, file: string, maxCandidates: number = DEFAULT_LIMITS.maxNearMissCandidates): NearMiss | undefined {
  let best: (NearMiss & { kind: 'value' }) | undefined;
  let bestDistance = Infinity;
  // Bounded: only templates that can fail at most one term (an index), and at most maxCandidates
  // of them (a hint found among the first is as good; thousands of orphans were quadratic).
  let budget = maxCandidates;
  for (const w of graph.workloadCandidates(selector, namespace, true)) {
    if (budget-- <= 0) break;
    if (!graph.filesAppliedTogether(w.resource, file)) continue;
    const failing = selector.terms.filter((t) => !termMayMatch(t, w.template.labels));
    if (failing.length !== 1 || failing[0].operator !== 'Equals') continue;
    const actual = w.template.labels.declared[failing[0].key];
    if (actual === undefined) continue;
    const wanted = failing[0].values[0];
    const distance = editDistance(wanted, actual);
    if (distance > Math.max(1, Math.floor(Math.max(wanted.length, actual.length) / 3)) || distance >= bestDistance) continue;
    best = { kind: 'value', workload: w, key: failing[0].key, actual, termSpan: failing[0].span };
    bestDistance = distance;
  }
  if (best) return best;
  // Other namespaces: only templates the selector may match (the label index), with a budget of their own.
  budget = maxCandidates;
  for (const other of graph.namespacesWithWorkloads()) {
    if (other === namespace) continue;
    for (const w of graph.workloadCandidates(selector, other, false, true)) {
      if (budget-- <= 0) return undefined;
      if (graph.filesAppliedTogether(w.resource, file) && selectorMayMatch(selector, w.template.labels)) return { kind: 'namespace', workload: w };
    }
  }
  return undefined;
}

/** The sentence and related location a near miss adds to a diagnostic. */
export function describeNearMiss(miss: NearMiss | undefined): { hint: string; related: RelatedRef[] } {
  if (miss?.kind === 'value') {
    const r = miss.workload.resource;
    return {
      hint: ` Closest: ${r.kind} '${r.name}' has ${miss.key}=${miss.actual}.`,
      related: [{ resource: r, span: miss.workload.template.labelSpans.get(miss.key), message: `has ${miss.key}=${miss.actual}` }],
    };
  }
  if (miss?.kind === 'namespace') {
    const r = miss.workload.resource;
    return {
      hint: ` ${r.kind} '${r.name}' matches, but in namespace '${miss.workload.template.namespace}'.`,
      related: [{ resource: r, message: `matching pod template in namespace ${miss.workload.template.namespace}` }],
    };
  }
  return { hint: '', related: [] };
}

/**
 * Reports a selector that selects nothing, at the failing entry of a near miss or at the selector,
 * with the near miss appended to `message`. Without a near miss, nothing is reported where pods may
 * come from outside the workspace (graph.canJudgeSelectionIn).
 */
export function reportSelectsNothing(ctx: RuleContext, resource: Resource, selector: Selector, namespace: string, message: string): void {
  const miss = nearestMiss(ctx.graph, selector, namespace, resource.file, ctx.config.maxNearMissCandidates);
  // Pods of the same kustomize build that match, but in another namespace: the build's namespaces
  // are likely rewritten where it is installed (an OLM bundle installs into one namespace), or one
  // namespace was forgotten. Plausible either way; the tool cannot know which.
  const elsewhere = resource.build === undefined ? undefined : ctx.graph.instancesIn('build', resource.build)
    .map((r) => ctx.graph.workload(r))
    .find((w) => w !== undefined && w.template.namespace !== namespace && selectorMayMatch(selector, w.template.labels));
  if (elsewhere) {
    ctx.report({
      span: selector.span,
      severity: 'info',
      message: `${message} Pod templates of the same kustomize build match in namespace '${elsewhere.template.namespace}' (${elsewhere.resource.kind} '${elsewhere.resource.name}'), and a selector only selects in its own namespace.`,
      related: [{ resource: elsewhere.resource, message: 'matching pod template in another namespace' }],
    });
    return;
  }
  const { hint, related } = describeNearMiss(miss);
  const span = miss?.kind === 'value' ? miss.termSpan : selector.span;
  if (!miss && !ctx.config.completeWorkspace && !ctx.graph.canJudgeSelectionIn(namespace, resource.file, selector.terms.map((t) => t.key))) return;
  // A custom resource of a kind nobody describes, applied with this one, may create the pods: plausible, not known.
  const hidden = ctx.config.completeWorkspace ? undefined : ctx.graph.hiddenProducerNear(namespace, resource);
  if (hidden) {
    ctx.report({ span, severity: 'info', message: `${message}${hint}${mayCreate(hidden, 'such pods')}`, related: [...related, { resource: hidden, message: 'may create pods' }] });
    return;
  }
  // A label key that no pod template applied with it carries at all follows a labelling scheme
  // defined elsewhere (an installer's pods, a mesh gateway) as often as it is a forgotten label:
  // plausible, not known.
  const foreign = miss || ctx.config.completeWorkspace ? undefined : selector.terms.find((t) => t.operator !== 'NotIn' && t.operator !== 'DoesNotExist' && !ctx.graph.labelKeyUsedNear(namespace, resource.file, t.key));
  if (foreign) {
    ctx.report({ span, severity: 'info', message: `${message} No pod template applied with it has the label '${foreign.key}'; its pods may be made elsewhere.`, related });
    return;
  }
  ctx.report({ span, message: `${message}${hint}`, related });
}

/** The sentence of a finding graded down because a custom resource of an unknown kind may satisfy it. */
export function mayCreate(producer: Resource, what: string): string {
  return ` ${producer.kind} '${producer.name}' (a custom resource of a kind this tool does not know) is applied in the same namespace and may create ${what}.`;
}
