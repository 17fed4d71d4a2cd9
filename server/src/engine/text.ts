// Source positions. Inside the engine every position is a character offset into the file text;
// line and column appear only at the edges (CLI output, LSP conversion), through LineIndex.

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

  /** `frames`: the file's frames (origin.ts `Frames`), when its reading is framed: positions of framed offsets. */
  constructor(
    text: string,
    private readonly frames?: { absolute(offset: number): number },
  ) {
    const starts: number[] = [0];
    if (text.indexOf('\r') < 0) {
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    } else {
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 10 /* \n */) starts.push(i + 1);
        else if (c === 13 /* \r */ && text.charCodeAt(i + 1) !== 10) starts.push(i + 1);
      }
    }
    this.lineStarts = Uint32Array.from(starts);
    this.length = text.length;
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
