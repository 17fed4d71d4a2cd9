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

/**
 * Line starts per block (about this many lines each): an edit's index is derived from the last one
 * by rebuilding the blocks the change touched and moving the others (a shift per block), so that a
 * keystroke in a bundle of 300,000 lines copies a few hundred block references, not every start.
 */
export const LINE_BLOCK = 1024;

/** Converts offsets to positions and back for one text; keeps only the line starts, not the text. */
export class LineIndex {
  /** Line starts in blocks, each non-empty and ascending: block b's are its values plus shifts[b]. */
  private readonly blocks: readonly Uint32Array[];
  private readonly shifts: Float64Array;
  /** The line number of each block's first start; the last entry is the line count. */
  private readonly firstLines: Uint32Array;
  /** Whether the text holds a CR (a lone one breaks a line): such a text is always scanned whole. */
  private readonly hasCR: boolean;

  /**
   * `frames`: the file's frames (origin.ts `Frames`), when its reading is framed: positions of framed
   * offsets. `after`: the index of the text before an edit and where the texts differ (documents.ts
   * `changeBetween`): the line starts outside the change are taken from it (moved by the edit's
   * length after it), and only the changed stretch is scanned. `blockLines`: for tests.
   */
  constructor(
    text: SourceText,
    private readonly frames?: { absolute(offset: number): number },
    after?: { readonly before: LineIndex; readonly change: { start: number; beforeEnd: number; afterEnd: number } },
    blockLines = LINE_BLOCK,
  ) {
    this.length = text.length;
    const before = after?.before;
    if (before && !before.hasCR) {
      // The text is the last one outside the change (which had no CR): only the changed stretch is
      // read, so that an edit in a spliced text (splicedText.ts) never joins it.
      const { start, afterEnd } = after.change;
      const stretch = text.slice(start, afterEnd);
      if (!stretch.includes('\r')) {
        this.hasCR = false;
        const added: number[] = [];
        for (let i = stretch.indexOf('\n'); i >= 0; i = stretch.indexOf('\n', i + 1)) added.push(start + i + 1);
        [this.blocks, this.shifts] = before.edited(after.change, added, blockLines);
        this.firstLines = firstLinesOf(this.blocks);
        return;
      }
    }
    const whole = textOf(text);
    this.hasCR = whole.indexOf('\r') >= 0;
    // Into a typed array grown by doubling: a third of the time of a list copied into one (300,000 lines).
    let all = new Uint32Array(1024);
    let count = 1;
    const push = (start: number) => {
      if (count === all.length) {
        const grown = new Uint32Array(count * 2);
        grown.set(all);
        all = grown;
      }
      all[count++] = start;
    };
    if (!this.hasCR) {
      for (let i = whole.indexOf('\n'); i >= 0; i = whole.indexOf('\n', i + 1)) push(i + 1);
    } else {
      for (let i = 0; i < whole.length; i++) {
        const c = whole.charCodeAt(i);
        if (c === 10 /* \n */) push(i + 1);
        else if (c === 13 /* \r */ && whole.charCodeAt(i + 1) !== 10) push(i + 1);
      }
    }
    all = all.slice(0, count);
    const blocks: Uint32Array[] = [];
    for (let i = 0; i < all.length; i += blockLines) blocks.push(all.subarray(i, i + blockLines));
    this.blocks = blocks;
    this.shifts = new Float64Array(blocks.length);
    this.firstLines = firstLinesOf(blocks);
  }

  readonly length: number;

  get lineCount(): number {
    return this.firstLines[this.blocks.length];
  }

  position(offset: number): Position {
    if (this.frames) offset = this.frames.absolute(offset);
    const o = Math.max(0, Math.min(offset, this.length));
    const b = this.blockAt(o);
    const block = this.blocks[b];
    const target = o - this.shifts[b];
    let lo = 0;
    let hi = block.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (block[mid] <= target) lo = mid;
      else hi = mid - 1;
    }
    return { line: this.firstLines[b] + lo, character: target - block[lo] };
  }

  offset(pos: Position): number {
    if (pos.line < 0) return 0;
    if (pos.line >= this.lineCount) return this.length;
    return Math.min(this.startOf(pos.line) + Math.max(0, pos.character), this.length);
  }

  lineStart(line: number): number {
    return this.startOf(Math.max(0, Math.min(line, this.lineCount - 1)));
  }

  /** The start of a line of the text (0 <= line < lineCount). */
  private startOf(line: number): number {
    const firstLines = this.firstLines;
    let lo = 0;
    let hi = this.blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (firstLines[mid] <= line) lo = mid;
      else hi = mid - 1;
    }
    return this.blocks[lo][line - firstLines[lo]] + this.shifts[lo];
  }

  /** The last block whose first start is at or before offset (the first block starts at 0). */
  private blockAt(offset: number): number {
    let lo = 0;
    let hi = this.blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.blocks[mid][0] + this.shifts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * The blocks and shifts of this index's text after `change`, whose stretch holds line starts
   * `added`: starts up to the change's start stay, those in the replaced stretch go, those after it
   * move by the edit's length. Blocks the change touched are rebuilt (cut again when grown past
   * twice the block size); the others are the same arrays, those after it shifted.
   */
  private edited(
    change: { start: number; beforeEnd: number; afterEnd: number },
    added: readonly number[],
    blockLines: number,
  ): [Uint32Array[], Float64Array] {
    const { start, beforeEnd, afterEnd } = change;
    const delta = afterEnd - beforeEnd;
    const first = this.blockAt(start);
    const last = this.blockAt(beforeEnd);
    const merged: number[] = [];
    for (let b = first; b <= last; b++) {
      const block = this.blocks[b];
      const shift = this.shifts[b];
      for (let k = 0; k < block.length; k++) {
        const at = block[k] + shift;
        if (at <= start) merged.push(at);
      }
    }
    for (const at of added) merged.push(at);
    for (let b = first; b <= last; b++) {
      const block = this.blocks[b];
      const shift = this.shifts[b];
      for (let k = 0; k < block.length; k++) {
        const at = block[k] + shift;
        if (at > beforeEnd) merged.push(at + delta);
      }
    }
    const rebuilt: Uint32Array[] = [];
    const pieces = merged.length > 2 * blockLines ? Math.ceil(merged.length / blockLines) : 1;
    const size = Math.ceil(merged.length / pieces);
    for (let i = 0; i < merged.length; i += size) rebuilt.push(Uint32Array.from(merged.slice(i, i + size)));
    const blocks = [...this.blocks.slice(0, first), ...rebuilt, ...this.blocks.slice(last + 1)];
    const shifts = new Float64Array(blocks.length);
    shifts.set(this.shifts.subarray(0, first));
    const after = first + rebuilt.length;
    for (let b = last + 1, j = after; b < this.blocks.length; b++, j++) shifts[j] = this.shifts[b] + delta;
    return [blocks, shifts];
  }
}

function firstLinesOf(blocks: readonly Uint32Array[]): Uint32Array {
  const firstLines = new Uint32Array(blocks.length + 1);
  for (let b = 0; b < blocks.length; b++) firstLines[b + 1] = firstLines[b] + blocks[b].length;
  return firstLines;
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

/**
 * The span at offsets a view keeps in place of a span object (40 bytes each, as long as the view
 * lives), built on access; a start of -1 stands for no span.
 */
export function spanAt(start: number, end: number): Span | undefined {
  return start < 0 ? undefined : { start, end };
}
