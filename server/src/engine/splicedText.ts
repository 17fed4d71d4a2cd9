// A file's text given as the text an adapter gave for it before and the one stretch that changed
// since, so that a keystroke in a bundle of megabytes hands the engine what changed instead of a new
// copy of the whole text. Joining the text after each edit (7 MiB for a bundle of 20,000 documents)
// cost a few milliseconds and, above all, fed the collector a large object per keystroke, which
// made a full collection every few edits. The engine reads a spliced text through `slice` and
// `charCodeAt` where an edit's work lies near the change, and joins it (`textOf`) only where a
// whole text is needed.

/** Where a text differs from an earlier one: the same before `start`, and after `beforeEnd` (`afterEnd` now). */
export interface TextChange {
  readonly start: number;
  readonly beforeEnd: number;
  readonly afterEnd: number;
}

/** A text, whole or spliced. */
export type SourceText = string | SplicedText;

/**
 * Spliced texts chained on one another are joined at this depth: each read walks the chain (an
 * edit's reading reads a few stretches), and a join copies the whole text (milliseconds for a
 * bundle), so it comes once in hundreds of keystrokes.
 */
export const MAX_SPLICE_DEPTH = 256;

export class SplicedText {
  readonly length: number;
  private whole: string | undefined;
  /** The base, until the text is joined; then only known while something else keeps it. */
  private strongBase: SourceText | undefined;
  private weakBase: WeakRef<SplicedText> | undefined;

  /**
   * `base` with [change.start, change.beforeEnd) replaced by `inserted`, whose length is
   * change.afterEnd - change.start.
   */
  constructor(
    base: SourceText,
    readonly change: TextChange,
    private inserted: string,
  ) {
    if (
      change.start < 0 ||
      change.start > change.beforeEnd ||
      change.beforeEnd > base.length ||
      inserted.length !== change.afterEnd - change.start
    )
      throw new RangeError('SplicedText: the change does not fit its base');
    this.length = base.length + change.afterEnd - change.beforeEnd;
    this.strongBase = base;
  }

  /** How many spliced texts a read walks through: none once joined, else this one and its base's. */
  get depth(): number {
    if (this.whole !== undefined) return 0;
    const base = this.strongBase;
    return 1 + (base instanceof SplicedText ? base.depth : 0);
  }

  /**
   * The text this one was spliced from. Once this one is joined it no longer keeps its base alive
   * (a chain of joined texts would keep megabytes each): the base is then known only while
   * something else holds it (the engine's last reading of the file, which `changeSince` looks for).
   */
  get base(): SourceText | undefined {
    return this.strongBase ?? this.weakBase?.deref();
  }

  /** The characters of [start, end), with String.prototype.slice's reading of its arguments. */
  slice(start = 0, end = this.length): string {
    if (this.whole !== undefined) return this.whole.slice(start, end);
    const from = clampIndex(start, this.length);
    const to = clampIndex(end, this.length);
    return from < to ? this.read(from, to) : '';
  }

  charCodeAt(index: number): number {
    if (this.whole !== undefined) return this.whole.charCodeAt(index);
    if (!(index >= 0 && index < this.length)) return NaN;
    const { start, beforeEnd, afterEnd } = this.change;
    const base = this.strongBase!;
    if (index < start) return base.charCodeAt(index);
    if (index < afterEnd) return this.inserted.charCodeAt(index - start);
    return base.charCodeAt(index - afterEnd + beforeEnd);
  }

  startsWith(search: string, position = 0): boolean {
    return this.slice(position, position + search.length) === search;
  }

  /** The whole text (joined once, then kept). */
  toString(): string {
    if (this.whole === undefined) {
      const { start, beforeEnd } = this.change;
      const base = this.strongBase!;
      // join(''): one flat string, not a rope that each later read would flatten again.
      this.whole = [base.slice(0, start), this.inserted, base.slice(beforeEnd)].join('');
      if (typeof base !== 'string') this.weakBase = new WeakRef(base);
      this.strongBase = undefined;
      this.inserted = '';
    }
    return this.whole;
  }

  /** [from, to) with 0 <= from < to <= length. */
  private read(from: number, to: number): string {
    const { start, beforeEnd, afterEnd } = this.change;
    const base = this.strongBase!;
    const delta = afterEnd - beforeEnd;
    if (to <= start) return base.slice(from, to);
    if (from >= afterEnd) return base.slice(from - delta, to - delta);
    const head = from < start ? base.slice(from, start) : '';
    const middle = this.inserted.slice(Math.max(from, start) - start, Math.min(to, afterEnd) - start);
    const tail = to > afterEnd ? base.slice(beforeEnd, to - delta) : '';
    return head + middle + tail;
  }
}

/** String.prototype.slice's reading of an index: negative from the end, clamped to the text. */
function clampIndex(index: number, length: number): number {
  const i = Math.trunc(index) || 0;
  return i < 0 ? Math.max(length + i, 0) : Math.min(i, length);
}

/** The whole text. */
export function textOf(text: SourceText): string {
  return typeof text === 'string' ? text : text.toString();
}

/**
 * Whether two texts are the same: the same object at once; one spliced from the other by the
 * stretch that changed (a request on a bundle asking whether it is as analysed, after a character
 * typed over another); else by their characters.
 */
export function sameText(a: SourceText, b: SourceText): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  return sameBySplice(a, b) ?? sameBySplice(b, a) ?? textOf(a) === textOf(b);
}

/** Whether `later`, when spliced from `earlier`, is the same text: by the stretch between them. */
function sameBySplice(later: SourceText, earlier: SourceText): boolean | undefined {
  const change = typeof later === 'string' ? undefined : changeSince(later, earlier);
  return change && later.slice(change.start, change.afterEnd) === earlier.slice(change.start, change.beforeEnd);
}

/**
 * The change from `before` to `text` when `text` was spliced from `before` (directly or over a few
 * splices in between), else undefined. Changes spliced one on another are covered by one: from
 * the first character any of them touched to the last.
 */
export function changeSince(text: SourceText, before: SourceText): TextChange | undefined {
  // The same text: nothing changed, at its end (as changeBetween says it).
  if (text === before) return { start: text.length, beforeEnd: text.length, afterEnd: text.length };
  let covering: TextChange | undefined;
  for (let t: SourceText | undefined = text; t !== undefined && typeof t !== 'string'; t = t.base) {
    covering = covering ? coveringChange(t.change, covering) : t.change;
    if (t.base === before) return covering;
  }
  return undefined;
}

/** One change covering `first` and then `second` (whose offsets are in the text after `first`). */
export function coveringChange(first: TextChange, second: TextChange): TextChange {
  const firstDelta = first.afterEnd - first.beforeEnd;
  const secondDelta = second.afterEnd - second.beforeEnd;
  const start = Math.min(first.start, second.start);
  // second's end, before it, is first's text; before first, moved back by first's delta when past it.
  const beforeEnd = Math.max(first.beforeEnd, second.beforeEnd - firstDelta);
  return { start, beforeEnd, afterEnd: beforeEnd + firstDelta + secondDelta };
}
