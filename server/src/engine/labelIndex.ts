// Pod templates of one namespace indexed by their labels, so that "which templates can this
// selector match" looks at the templates carrying one of its required labels instead of every
// template of the namespace (thousands of Services over thousands of templates in one namespace
// were quadratic). Candidates are a superset of the matches, in resource order; callers still test
// each one with selectorMayMatch.
import type { Workload } from './model/workload';
import type { Selector, SelectorTerm } from './selectors';

/** Namespaces with fewer templates are scanned: an index would cost more than it saves. */
export const INDEX_FROM = 32;

export class LabelIndex {
  /** `key\0value` of declared labels -> templates. */
  private readonly byValue = new Map<string, Workload[]>();
  /** key -> templates that declare it or may get it at run time. */
  private readonly byKey = new Map<string, Workload[]>();
  /** key -> templates whose run-time labels may carry it (their value is a predicate). */
  private readonly byRuntimeKey = new Map<string, Workload[]>();
  private readonly position = new Map<Workload, number>();
  /** Key prefix an operator owns -> templates whose pods may carry any key under it. */
  private readonly byOwnedPrefix = new Map<string, Workload[]>();

  constructor(readonly workloads: readonly Workload[]) {
    workloads.forEach((w, i) => {
      this.position.set(w, i);
      const labels = w.template.labels;
      for (const key of Object.keys(labels.declared)) {
        add(this.byValue, `${key}\u0000${labels.declared[key]}`, w);
        add(this.byKey, key, w);
      }
      for (const [key, values] of labels.alternatives ?? [])
        for (const value of values) add(this.byValue, `${key}\u0000${value}`, w);
      for (const prefix of labels.ownedPrefixes ?? []) add(this.byOwnedPrefix, prefix, w);
      for (const key of labels.runtime.keys()) {
        add(this.byRuntimeKey, key, w);
        if (!Object.prototype.hasOwnProperty.call(labels.declared, key)) add(this.byKey, key, w);
      }
    });
  }

  /** Templates that may satisfy this term, or undefined when the term narrows nothing (NotIn, DoesNotExist). */
  private termCandidates(t: SelectorTerm): readonly Workload[] | undefined {
    const owned = this.ownedCandidates(t.key);
    if (t.operator === 'Exists') {
      const keyed = this.byKey.get(t.key) ?? [];
      return owned.length === 0 ? keyed : this.merge([keyed, ...owned]);
    }
    if (t.operator !== 'Equals' && t.operator !== 'In') return undefined;
    const lists: (readonly Workload[])[] = t.values.map((v) => this.byValue.get(`${t.key}\u0000${v}`) ?? []);
    const runtime = this.byRuntimeKey.get(t.key);
    if (runtime) lists.push(runtime);
    for (const list of owned) lists.push(list);
    return this.merge(lists);
  }

  /** A superset of the templates the selector can match (all of them when no term narrows), in resource order. */
  candidates(selector: Selector): readonly Workload[] {
    let best: readonly Workload[] | undefined;
    for (const t of selector.terms) {
      const c = this.termCandidates(t);
      if (c && (best === undefined || c.length < best.length)) best = c;
      if (best?.length === 0) break;
    }
    return best ?? this.workloads;
  }

  /**
   * A superset of the templates that fail at most one term: those satisfying one of two narrowing
   * terms (failing one term, a template satisfies every other), or, for a selector with one
   * narrowing term, those carrying its key. For the near-miss search.
   */
  nearCandidates(selector: Selector): readonly Workload[] {
    const narrowing = selector.terms
      .map((t) => this.termCandidates(t))
      .filter((c): c is readonly Workload[] => c !== undefined)
      .sort((a, b) => a.length - b.length);
    if (narrowing.length >= 2) return this.merge([narrowing[0], narrowing[1]]);
    const keyed = selector.terms.find((t) => t.operator === 'Equals' || t.operator === 'In');
    return keyed ? (this.byKey.get(keyed.key) ?? []) : this.workloads;
  }

  /** Templates whose operator owns a prefix of the key (none in most namespaces). */
  private ownedCandidates(key: string): readonly (readonly Workload[])[] {
    if (this.byOwnedPrefix.size === 0) return NO_LISTS;
    const out: (readonly Workload[])[] = [];
    for (const [prefix, list] of this.byOwnedPrefix) if (key.startsWith(prefix)) out.push(list);
    return out;
  }

  private merge(lists: readonly (readonly Workload[])[]): readonly Workload[] {
    const nonEmpty = lists.filter((l) => l.length > 0);
    if (nonEmpty.length <= 1) return nonEmpty[0] ?? [];
    const seen = new Set<Workload>();
    const out: Workload[] = [];
    for (const l of nonEmpty) {
      for (const w of l) {
        if (seen.has(w)) continue;
        seen.add(w);
        out.push(w);
      }
    }
    return out.sort((a, b) => this.position.get(a)! - this.position.get(b)!);
  }
}

const NO_LISTS: readonly (readonly Workload[])[] = [];

function add(map: Map<string, Workload[]>, key: string, w: Workload): void {
  const list = map.get(key);
  if (list) list.push(w);
  else map.set(key, [w]);
}
