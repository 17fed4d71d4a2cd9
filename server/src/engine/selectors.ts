// Label selectors exactly as the API machinery evaluates them (k8s.io/apimachinery/pkg/labels):
// equality-based maps (Service, ReplicationController) and LabelSelector (matchLabels AND
// matchExpressions with In, NotIn, Exists, DoesNotExist). Pods also carry labels that controllers
// add at run time; those are modelled as predicates on the value, since the value is not known
// statically (a pod-template-hash) or only partly (a StatefulSet pod's name).
import { hasPlaceholder } from './placeholders';
import type { YNode } from './syntax';
import { spanAt, type Span } from './text';
import { asMap, contentSpan, get, seqItems, stringEntries, stringValue, asScalar, type StringEntry } from './tree';

export interface SelectorTerm {
  readonly key: string;
  readonly operator: 'Equals' | 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  readonly values: readonly string[];
  /** The selector entry (`app: web`, or the matchExpressions item). */
  readonly span: Span;
  readonly valueSpan: Span | undefined;
}

export interface Selector {
  readonly terms: readonly SelectorTerm[];
  readonly span: Span;
  /** An invalid selector (unknown operator, In with no values): the API server would reject it. */
  readonly invalid: boolean;
}

/**
 * A term read from a manifest, its spans kept as offsets and built on access: a view lives as long
 * as its resource, and a span object is 40 bytes (a workspace's selectors held about 3 per term).
 */
class WrittenTerm implements SelectorTerm {
  constructor(
    readonly key: string,
    readonly operator: SelectorTerm['operator'],
    readonly values: readonly string[],
    private readonly start: number,
    private readonly end: number,
    /** -1 when no values are written. */
    private readonly valueStart: number,
    private readonly valueEnd: number,
  ) {}

  get span(): Span {
    return { start: this.start, end: this.end };
  }

  get valueSpan(): Span | undefined {
    return spanAt(this.valueStart, this.valueEnd);
  }
}

/** A selector read from a manifest, its span kept as offsets (as a WrittenTerm's). */
class WrittenSelector implements Selector {
  private readonly start: number;
  private readonly end: number;

  constructor(
    readonly terms: readonly SelectorTerm[],
    span: Span,
    readonly invalid: boolean,
  ) {
    this.start = span.start;
    this.end = span.end;
  }

  get span(): Span {
    return { start: this.start, end: this.end };
  }
}

/** An equality map such as `Service.spec.selector`. Empty or absent: undefined (selects nothing by selector). */
export function readEqualitySelector(node: YNode | null | undefined): Selector | undefined {
  const map = asMap(node);
  if (!map) return undefined;
  const terms = stringEntries(map).map<SelectorTerm>(equalityTerm);
  return terms.length ? new WrittenSelector(terms, contentSpan(map), false) : undefined;
}

/** A metav1.LabelSelector. An empty one (`{}`) selects everything; absent (null) selects nothing. */
export function readLabelSelector(node: YNode | null | undefined): Selector | undefined {
  const map = asMap(node);
  if (!map) {
    const scalar = asScalar(node);
    // `podSelector: {}` written as `podSelector:` with nothing is null in YAML: the API treats it as empty.
    return scalar && scalar.value === null ? { terms: [], span: scalar.span, invalid: false } : undefined;
  }
  const terms: SelectorTerm[] = [];
  let invalid = false;
  for (const e of stringEntries(get(map, 'matchLabels'))) terms.push(equalityTerm(e));
  for (const expr of seqItems(get(map, 'matchExpressions'))) {
    const key = stringValue(get(expr, 'key'));
    const operator = stringValue(get(expr, 'operator'));
    const values = seqItems(get(expr, 'values'))
      .map((v) => asScalar(v)?.text)
      .filter((v): v is string => v !== undefined);
    if (!key || !operator || !['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(operator)) {
      invalid = true;
      continue;
    }
    if ((operator === 'In' || operator === 'NotIn') && values.length === 0) invalid = true;
    const span = expr.span;
    const valueSpan = get(expr, 'values')?.span;
    terms.push(
      new WrittenTerm(
        key,
        operator as SelectorTerm['operator'],
        values,
        span.start,
        span.end,
        valueSpan?.start ?? -1,
        valueSpan?.end ?? -1,
      ),
    );
  }
  // An exact-size copy: grown by push, the array would keep room for 16 terms as long as the view lives.
  return new WrittenSelector(terms.slice(), contentSpan(map), invalid);
}

/** `key: value`, the term of a label map entry. */
function equalityTerm(e: StringEntry): SelectorTerm {
  const valueSpan = e.valueSpan;
  return new WrittenTerm(e.key, 'Equals', [e.value], e.keySpan.start, valueSpan.end, valueSpan.start, valueSpan.end);
}

/** Adds equality terms (kustomize commonLabels on selectors). */
export function withAddedTerms(
  selector: Selector | undefined,
  labels: Readonly<Record<string, string>> | undefined,
): Selector | undefined {
  if (!selector || !labels || Object.keys(labels).length === 0) return selector;
  const keys = new Set(Object.keys(labels));
  const terms = selector.terms.filter((t) => !(t.operator === 'Equals' && keys.has(t.key)));
  for (const [key, value] of Object.entries(labels)) {
    terms.push({ key, operator: 'Equals', values: [value], span: selector.span, valueSpan: undefined });
  }
  return { terms, span: selector.span, invalid: selector.invalid };
}

/** The labels a pod will carry: declared ones plus those its controller adds at run time. */
export interface PodLabels {
  readonly declared: Readonly<Record<string, string>>;
  /** Run-time labels: key -> whether a given value is possible (undefined: the key is not added). */
  readonly runtime: ReadonlyMap<string, (value: string) => boolean>;
  /** Run-time keys that may as well be absent (labels an operator may or may not copy). */
  readonly mayLack?: ReadonlySet<string>;
  /**
   * Values some of the template's pods carry instead of the declared one: an Argo Rollouts
   * experiment's pods, whose labels its step overrides, or ephemeral canary metadata.
   */
  readonly alternatives?: ReadonlyMap<string, ReadonlySet<string>>;
  /**
   * Key prefixes (`elasticsearch.k8s.elastic.co/`) an operator owns: it may set keys under them that
   * nobody lists (a node's roles), with any value, or not at all.
   */
  readonly ownedPrefixes?: readonly string[];
}

/** Whether the key is under a prefix the pods' operator owns, and not otherwise known. */
function ownedKey(pod: PodLabels, key: string): boolean {
  return pod.ownedPrefixes !== undefined && pod.ownedPrefixes.some((prefix) => key.startsWith(prefix));
}

/**
 * Whether some pod from the template can carry labels the selector matches. Run-time labels whose
 * value is not known make a term possibly true, which is what "not orphaned" needs.
 */
export function selectorMayMatch(selector: Selector, pod: PodLabels): boolean {
  // A loop, not every(): a closure per call was a tenth of what the rules of a cold check allocate.
  const terms = selector.terms;
  for (let i = 0; i < terms.length; i++) if (!termMayMatch(terms[i], pod)) return false;
  return true;
}

export function termMayMatch(t: SelectorTerm, pod: PodLabels): boolean {
  const declared = Object.prototype.hasOwnProperty.call(pod.declared, t.key) ? pod.declared[t.key] : undefined;
  // A substitution placeholder (`${ENV}`, a kustomize replacement) may become any value.
  if (t.values.some(hasPlaceholder) && t.operator !== 'Exists' && t.operator !== 'DoesNotExist') return true;
  if (hasPlaceholder(declared) && (t.operator === 'Equals' || t.operator === 'In' || t.operator === 'NotIn'))
    return true;
  const runtime = pod.runtime.get(t.key);
  if (declared === undefined && runtime === undefined && ownedKey(pod, t.key)) return true;
  const has = declared !== undefined || runtime !== undefined;
  switch (t.operator) {
    case 'Equals':
    case 'In': {
      if (declared === undefined) return runtime !== undefined && t.values.some(runtime);
      if (t.values.includes(declared)) return true;
      const alternatives = pod.alternatives?.get(t.key);
      return alternatives !== undefined && t.values.some((v) => alternatives.has(v));
    }
    case 'NotIn': {
      if (declared === undefined) return true; // absent keys satisfy NotIn; a run-time value may be outside the list
      if (!t.values.includes(declared)) return true;
      const alternatives = pod.alternatives?.get(t.key);
      return alternatives !== undefined && [...alternatives].some((v) => !t.values.includes(v));
    }
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has || (declared === undefined && pod.mayLack?.has(t.key) === true);
  }
}

/** Whether plain labels (of a Namespace, a Service) satisfy the selector. */
export function selectorMatchesLabels(selector: Selector, labels: Readonly<Record<string, string>>): boolean {
  return selectorMayMatch(selector, { declared: labels, runtime: NO_RUNTIME_LABELS });
}

export const NO_RUNTIME_LABELS: ReadonlyMap<string, (value: string) => boolean> = new Map();

export function formatSelector(selector: Selector): string {
  if (selector.terms.length === 0) return '{} (everything)';
  return selector.terms
    .map((t) => {
      switch (t.operator) {
        case 'Equals':
          return `${t.key}=${t.values[0]}`;
        case 'In':
          return `${t.key} in (${t.values.join(', ')})`;
        case 'NotIn':
          return `${t.key} notin (${t.values.join(', ')})`;
        case 'Exists':
          return t.key;
        case 'DoesNotExist':
          return `!${t.key}`;
      }
    })
    .join(', ');
}
