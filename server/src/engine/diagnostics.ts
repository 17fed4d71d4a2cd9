// The engine's diagnostic: plain data with offsets, converted to lines only by the adapters.
import type { Severity } from './config';
import type { Span } from './text';
import { textOf, type SourceText } from './splicedText';

export interface RelatedLocation {
  readonly file: string;
  readonly span: Span;
  readonly message: string;
}

export interface Diagnostic {
  readonly file: string;
  readonly span: Span;
  readonly severity: Severity;
  readonly rule: string;
  readonly message: string;
  /** `Kind/namespace/name` of the resource the diagnostic is about, when there is one. */
  readonly resource?: string;
  readonly related: readonly RelatedLocation[];
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2, hint: 3 };

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
    a.span.start - b.span.start ||
    a.span.end - b.span.end ||
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
    (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0) ||
    (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)
  );
}

/** Lines (0-based) whose diagnostics a `# kube-traffic-lens-disable-next-line [rule ...]` comment silences. */
export type DisabledLines = ReadonlyMap<number, ReadonlySet<string> | 'all'>;

const DISABLE_MARKER = 'kube-traffic-lens-disable-next-line';
const DISABLE_COMMENT = /#\s*kube-traffic-lens-disable-next-line\b([^\n\r]*)/g;

const NONE_DISABLED: DisabledLines = new Map();

/**
 * The disabled lines of a text, or of one that differs from a text without any only by `change`
 * (documents.ts changeBetween): that one has none either when the changed stretch, with a marker's
 * length around it, holds no marker. An edit of a 7 MiB bundle then reads its change, not the text.
 */
export function findDisabledLines(
  source: SourceText,
  lineOf: (offset: number) => number,
  noneBefore?: { readonly start: number; readonly afterEnd: number },
): DisabledLines {
  if (noneBefore) {
    const around = DISABLE_MARKER.length - 1;
    const stretch = source.slice(Math.max(0, noneBefore.start - around), noneBefore.afterEnd + around);
    if (!stretch.includes(DISABLE_MARKER)) return NONE_DISABLED;
  }
  const text = textOf(source);
  if (!text.includes(DISABLE_MARKER)) return NONE_DISABLED;
  const out = new Map<number, Set<string> | 'all'>();
  for (const m of text.matchAll(DISABLE_COMMENT)) {
    const line = lineOf(m.index ?? 0) + 1;
    // Rule ids may be separated by commas or spaces; anything after `--` is an explanation.
    const ids = m[1]
      .split('--')[0]
      .split(/[\s,]+/)
      .filter(Boolean);
    if (ids.length === 0) out.set(line, 'all');
    else {
      const existing = out.get(line);
      if (existing === 'all') continue;
      const set = existing ?? new Set<string>();
      ids.forEach((id) => set.add(id));
      out.set(line, set);
    }
  }
  return out;
}
