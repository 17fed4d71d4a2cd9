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

/** One row of the distance table, reused by every call (grown to the longest string asked). */
let distanceRow = new Int32Array(64);

/**
 * Levenshtein distance, for ranking candidate names and label values. With `max`, the exact
 * distance when it is at most `max`, else some number above it: the search stops as soon as a
 * row's smallest entry is over `max` (or the lengths alone differ by more), as every near-miss
 * search only wants distances up to its limit, over thousands of candidates.
 */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (distanceRow.length < b.length + 1) distanceRow = new Int32Array(b.length + 1);
  const row = distanceRow;
  for (let j = 0; j <= b.length; j++) row[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    let smallest = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(current + 1, row[j - 1] + 1, prev + (a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1));
      if (row[j] < smallest) smallest = row[j];
      prev = current;
    }
    // Entries never decrease down the table: no path through this row ends within max.
    if (smallest > max) return max + 1;
  }
  return row[b.length];
}

/**
 * Whether `candidate` is a near miss of the name `wanted`: at most one `divisor`th of its characters
 * differ (one at least), as the rules' "did you mean" hints count them.
 */
export function isNearMiss(candidate: string, wanted: string, divisor = 3): boolean {
  const limit = Math.max(1, Math.floor(wanted.length / divisor));
  return editDistance(candidate, wanted, limit) <= limit;
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
    const limit = Math.max(1, Math.floor(Math.max(wanted.length, actual.length) / 3));
    const distance = editDistance(wanted, actual, Math.min(limit, bestDistance - 1));
    if (distance > limit || distance >= bestDistance) continue;
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
