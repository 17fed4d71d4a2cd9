// The "did you mean" of the orphaned-selector rules and of the editor's quick fixes: the pod
// template a selector most nearly matches, either one label value away (usually a typo) or matching
// fully in another namespace. Below rules and queries, so that both find the same near miss.
import { DEFAULT_LIMITS } from './config';
import type { TrafficGraph } from './graph';
import type { Workload } from './model/workload';
import { selectorMayMatch, termMayMatch, type Selector } from './selectors';
import type { Span } from './text';

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
export function nearestMiss(
  graph: TrafficGraph,
  selector: Selector,
  namespace: string,
  file: string,
  maxCandidates: number = DEFAULT_LIMITS.maxNearMissCandidates,
): NearMiss | undefined {
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
    if (distance > Math.max(1, Math.floor(Math.max(wanted.length, actual.length) / 3)) || distance >= bestDistance)
      continue;
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
      if (graph.filesAppliedTogether(w.resource, file) && selectorMayMatch(selector, w.template.labels))
        return { kind: 'namespace', workload: w };
    }
  }
  return undefined;
}
