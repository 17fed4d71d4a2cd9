// Source positions. Inside the engine every position is a character offset into the file text;
// line and column appear only at the edges (CLI output, LSP conversion), through LineIndex.
import { textOf, type SourceText } from './splicedText';

/** A half-open range [start, end) of character offsets in one file's text. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

export function span(start: number, end: number): Span {
  return { start, end };
}

export function containsOffset(s: Span, offset: number): boolean {
  return offset >= s.start && offset <= s.end;
}

/** 0-based line and UTF-16 character, as LSP counts them. */
export interface Position {
  readonly line: number;
  readonly character: number;
}

/** Converts offsets to positions and back for one text; keeps only the line starts, not the text. */
export class LineIndex {
  private readonly lineStarts: Uint32Array;
  /** Whether the text holds a CR (a lone one breaks a line): such a text is always scanned whole. */
  private readonly hasCR: boolean;

  /**
   * `frames`: the file's frames (origin.ts `Frames`), when its reading is framed: positions of framed
   * offsets. `after`: the index of the text before an edit and where the texts differ (documents.ts
   * `changeBetween`): the line starts outside the change are taken from it (moved by the edit's
   * length after it), and only the changed stretch is scanned.
   */
  constructor(
    text: SourceText,
    private readonly frames?: { absolute(offset: number): number },
    after?: { readonly before: LineIndex; readonly change: { start: number; beforeEnd: number; afterEnd: number } },
  ) {
    this.length = text.length;
    const before = after?.before;
    if (before && !before.hasCR) {
      // The text is the last one outside the change (which had no CR): only the changed stretch is
      // read, so that an edit in a spliced text (splicedText.ts) never joins it.
      const { start, beforeEnd, afterEnd } = after.change;
      const stretch = text.slice(start, afterEnd);
      if (!stretch.includes('\r')) {
        this.hasCR = false;
        const old = before.lineStarts;
        // Starts up to the change keep their place (the line break before them is unchanged).
        let head = 0;
        while (head < old.length && old[head] <= start) head++;
        const added: number[] = [];
        for (let i = stretch.indexOf('\n'); i >= 0; i = stretch.indexOf('\n', i + 1)) added.push(start + i + 1);
        let tail = head;
        while (tail < old.length && old[tail] <= beforeEnd) tail++;
        const starts = new Uint32Array(head + added.length + (old.length - tail));
        starts.set(old.subarray(0, head));
        starts.set(added, head);
        const delta = afterEnd - beforeEnd;
        for (let i = tail, j = head + added.length; i < old.length; i++, j++) starts[j] = old[i] + delta;
        this.lineStarts = starts;
        return;
      }
    }
    const whole = textOf(text);
    this.hasCR = whole.indexOf('\r') >= 0;
    const starts: number[] = [0];
    if (!this.hasCR) {
      for (let i = whole.indexOf('\n'); i >= 0; i = whole.indexOf('\n', i + 1)) starts.push(i + 1);
    } else {
      for (let i = 0; i < whole.length; i++) {
        const c = whole.charCodeAt(i);
        if (c === 10 /* \n */) starts.push(i + 1);
        else if (c === 13 /* \r */ && whole.charCodeAt(i + 1) !== 10) starts.push(i + 1);
      }
    }
    this.lineStarts = Uint32Array.from(starts);
  }

  readonly length: number;

  get lineCount(): number {
    return this.lineStarts.length;
  }

  position(offset: number): Position {
    if (this.frames) offset = this.frames.absolute(offset);
    const o = Math.max(0, Math.min(offset, this.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - this.lineStarts[lo] };
  }

  offset(pos: Position): number {
    if (pos.line < 0) return 0;
    if (pos.line >= this.lineStarts.length) return this.length;
    return Math.min(this.lineStarts[pos.line] + Math.max(0, pos.character), this.length);
  }

  lineStart(line: number): number {
    return this.lineStarts[Math.max(0, Math.min(line, this.lineStarts.length - 1))];
  }
}

/** Line indexes of the texts `textOf` gives, each built on first use (for results read from a cache). */
export function lineIndexesOf(textOf: (file: string) => string | undefined): (file: string) => LineIndex | undefined {
  const indexes = new Map<string, LineIndex>();
  return (file) => {
    let lines = indexes.get(file);
    if (lines) return lines;
    const text = textOf(file);
    if (text !== undefined) indexes.set(file, (lines = new LineIndex(text)));
    return lines;
  };
}
