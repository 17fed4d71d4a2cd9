// An open document's text as the client edits it: vscode-languageserver-textdocument's TextDocument
// (the same offsets, positions and line counts, test/lsp/textDocument.test.ts compares them under
// random edits), but an edit costs what it changes. The library rebuilds the text and reads it back
// at each edit (a copy of the whole text: 10-70 ms for a 15 MiB bundle, per keystroke, on the
// event loop); here the text is kept as pieces (slices of the last whole text and the inserted
// texts) and joined only when it is read whole (once per analysis, however many edits came in
// between). Line starts are found with indexOf (a few ms for 15 MiB instead of ~45), only as far
// as a position asks (an edit in the middle reads half the text's lines, once), and the UTF-8 size
// the file-size limit asks for is kept up to date from the edits.
import type { Position, Range, TextDocument, TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { pushAll } from '../engine/arrays';
import { coveringChange, MAX_SPLICE_DEPTH, SplicedText, type SourceText, type TextChange } from '../engine/splicedText';

const LF = 0x0a;
const CR = 0x0d;
const isEol = (c: number) => c === LF || c === CR;
const isSurrogate = (c: number) => c >= 0xd800 && c <= 0xdfff;
/**
 * Pieces kept between two readings of the whole text; the edit past this joins them. Each lookup
 * walks them (an edit makes a few lookups), and `snapshot` rebuilds them on the text it joins.
 */
const MAX_PIECES = 1024;

export class EditedTextDocument implements TextDocument {
  /** The text as pieces, in order, none empty; one piece once joined. */
  private pieces: string[];
  private length: number;
  /**
   * Where lines start, from the first: all of them, or in a text without CR those up to `scanned`
   * (every LF before it is counted; the rest are looked for when a position past it is asked).
   */
  private lines: number[] | undefined;
  private scanned = 0;
  /** The text's UTF-8 length, when known. */
  private utf8: number | undefined;
  /** The last text `snapshot` gave, and the stretch edited since (undefined: none). */
  private snapshotted: SourceText | undefined;
  private editedSince: TextChange | undefined;

  constructor(
    readonly uri: string,
    readonly languageId: string,
    private currentVersion: number,
    content: string,
  ) {
    this.pieces = content.length > 0 ? [content] : [];
    this.length = content.length;
  }

  get version(): number {
    return this.currentVersion;
  }

  get lineCount(): number {
    return this.lineOffsets(Infinity).length;
  }

  /** Whether the text has this line (`line < lineCount`), reading only as far as it. */
  hasLine(line: number): boolean {
    return line >= 0 && this.lineOffsets(line).length > line;
  }

  getText(range?: Range): string {
    const text = this.whole();
    return range ? text.substring(this.offsetAt(range.start), this.offsetAt(range.end)) : text;
  }

  /** The text's size in UTF-8 bytes (what maxFileSize limits), without encoding it after each edit. */
  get utf8Length(): number {
    return (this.utf8 ??= Buffer.byteLength(this.whole(), 'utf8'));
  }

  positionAt(offset: number): Position {
    offset = Math.max(Math.min(offset, this.length), 0);
    const lineOffsets = this.linesThrough(offset);
    let low = 0;
    let high = lineOffsets.length;
    if (high === 0) return { line: 0, character: offset };
    while (low < high) {
      const mid = Math.floor((low + high) / 2);
      if (lineOffsets[mid] > offset) high = mid;
      else low = mid + 1;
    }
    const line = low - 1;
    offset = this.beforeEol(offset, lineOffsets[line]);
    return { line, character: offset - lineOffsets[line] };
  }

  offsetAt(position: Position): number {
    const lineOffsets = this.lineOffsets(position.line + 1);
    if (position.line >= lineOffsets.length) return this.length;
    if (position.line < 0) return 0;
    const lineOffset = lineOffsets[position.line];
    if (position.character <= 0) return lineOffset;
    const nextLineOffset = position.line + 1 < lineOffsets.length ? lineOffsets[position.line + 1] : this.length;
    return this.beforeEol(Math.min(lineOffset + position.character, nextLineOffset), lineOffset);
  }

  getLineRange(line: number): Range {
    const lineOffsets = this.lineOffsets(Infinity);
    if (line >= lineOffsets.length) {
      const last = lineOffsets.length - 1;
      return {
        start: { line: last, character: 0 },
        end: { line: last, character: this.length - lineOffsets[last] },
      };
    }
    if (line < 0) return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    const start = lineOffsets[line];
    const next = line + 1 < lineOffsets.length ? lineOffsets[line + 1] : this.length;
    return { start: { line, character: 0 }, end: { line, character: this.beforeEol(next, start) - start } };
  }

  getEOLCharacters(line: number): string {
    const lineOffsets = this.lineOffsets(Infinity);
    if (line >= lineOffsets.length || line < 0) return '';
    const next = line + 1 < lineOffsets.length ? lineOffsets[line + 1] : this.length;
    return this.whole().substring(this.beforeEol(next, lineOffsets[line]), next);
  }

  /**
   * The text now, for an analysis: the last one given, spliced with the stretch edited since
   * (splicedText.ts), so that a keystroke in a bundle of megabytes does not copy the whole text.
   * Past a depth of splices the last one is joined first (it stays the base: the engine still
   * finds its last reading's text in the chain); the text is given whole when the edits since
   * cover much of it.
   */
  snapshot(): SourceText {
    const last = this.snapshotted;
    const change = this.editedSince;
    if (last !== undefined && change === undefined) return last;
    this.editedSince = undefined;
    if (last === undefined || change === undefined || change.afterEnd - change.start > this.length / 4)
      return (this.snapshotted = this.whole());
    const inserted = this.slice(change.start, change.afterEnd);
    if (typeof last !== 'string' && last.depth >= MAX_SPLICE_DEPTH) {
      // The pieces are rebuilt on that joined text too (slices of it share its characters), so
      // that they are not joined again a few edits later (each join: a copy of the whole text).
      const whole = last.toString();
      this.pieces = [whole.slice(0, change.start), inserted, whole.slice(change.beforeEnd)].filter((p) => p.length > 0);
    }
    return (this.snapshotted = new SplicedText(last, change, inserted));
  }

  /**
   * Holds `text`, which the caller has just found equal to the document's text (the text read from
   * disk, as the analysis last read it), as its own text and last snapshot: the first edit is then
   * spliced onto the very text the engine last read (splicedText.ts `changeSince`), instead of the
   * editor's copy of it that the engine would compare and the document join (a bundle's first
   * keystroke took twice as long as the next).
   */
  adoptEqualText(text: string): void {
    if (text.length !== this.length || this.editedSince !== undefined) return;
    this.pieces = text.length > 0 ? [text] : [];
    this.snapshotted = text;
  }

  /** Applies the changes in order, as TextDocument.update does. */
  update(changes: readonly TextDocumentContentChangeEvent[], version: number): void {
    for (const change of changes) {
      if ('range' in change && change.range !== undefined) this.replace(wellFormed(change.range), change.text);
      else {
        this.pieces = change.text.length > 0 ? [change.text] : [];
        this.length = change.text.length;
        this.lines = undefined;
        this.utf8 = undefined;
        this.snapshotted = undefined;
        this.editedSince = undefined;
      }
    }
    this.currentVersion = version;
  }

  private replace(range: Range, text: string): void {
    const start = this.offsetAt(range.start);
    const end = this.offsetAt(range.end);
    const insertedEnd = start + text.length;
    // The new text's character at i, read from the old text and the inserted one.
    const charAfter = (i: number) =>
      i < start ? this.charAt(i) : i < insertedEnd ? text.charCodeAt(i - start) : this.charAt(i - insertedEnd + end);
    const crlfAtStart = charAfter(start - 1) === CR && charAfter(start) === LF;
    const crlfAtEnd = charAfter(insertedEnd - 1) === CR && charAfter(insertedEnd) === LF;
    if (this.utf8 !== undefined) {
      // A surrogate pair cut or joined by the edit is counted again from the whole text.
      const edges = [this.charAt(start - 1), this.charAt(start), this.charAt(end - 1), this.charAt(end)];
      if (text.length > 0) edges.push(text.charCodeAt(0), text.charCodeAt(text.length - 1));
      this.utf8 = edges.some(isSurrogate)
        ? undefined
        : this.utf8 + Buffer.byteLength(text, 'utf8') - Buffer.byteLength(this.slice(start, end), 'utf8');
    }
    this.splice(start, end, text);
    this.noteEdited(start, end, start + text.length);
    // Line starts as the library moves them (a CR LF made at either edge, or a CR brought into a
    // text read lazily: counted again). offsetAt above read them through the range's end line.
    const lineOffsets = this.lines;
    if (crlfAtStart || crlfAtEnd || lineOffsets === undefined || (this.scanned < this.length && text.includes('\r'))) {
      this.lines = undefined;
      return;
    }
    const startLine = Math.max(range.start.line, 0);
    const endLine = Math.max(range.end.line, 0);
    const added = computeLineOffsets(text, false, start);
    if (endLine - startLine === added.length) {
      for (let i = 0; i < added.length; i++) lineOffsets[i + startLine + 1] = added[i];
    } else {
      // splice(startLine + 1, endLine - startLine, ...added), clamped as splice clamps, for any count.
      const from = Math.min(startLine + 1, lineOffsets.length);
      lineOffsets.splice(from, endLine - startLine);
      const rest = lineOffsets.splice(from);
      pushAll(lineOffsets, added);
      pushAll(lineOffsets, rest);
    }
    const diff = text.length - (end - start);
    if (diff !== 0) for (let i = startLine + 1 + added.length; i < lineOffsets.length; i++) lineOffsets[i] += diff;
    this.scanned += diff; // past the range's end line: the text not yet read moved with the edit
  }

  /** Widens the stretch edited since the last snapshot by an edit of [start, end) of the text before it. */
  private noteEdited(start: number, end: number, afterEnd: number): void {
    const since = this.editedSince;
    if (this.snapshotted === undefined) return;
    if (since === undefined) {
      this.editedSince = { start, beforeEnd: end, afterEnd };
      return;
    }
    // One change from the snapshot: `since` (to the text before this edit), then this edit.
    this.editedSince = coveringChange(since, { start, beforeEnd: end, afterEnd });
  }

  /** Replaces [start, end) of the pieces with text (slices of pieces share their characters). */
  private splice(start: number, end: number, text: string): void {
    const next: string[] = [];
    let at = 0;
    let inserted = false;
    for (const piece of this.pieces) {
      const pieceEnd = at + piece.length;
      if (pieceEnd <= start) next.push(piece);
      else {
        if (at < start) next.push(piece.substring(0, start - at));
        if (!inserted && text.length > 0) next.push(text);
        inserted = true;
        if (pieceEnd > end) next.push(at >= end ? piece : piece.substring(end - at));
      }
      at = pieceEnd;
    }
    if (!inserted && text.length > 0) next.push(text);
    this.pieces = next;
    this.length += text.length - (end - start);
    if (next.length > MAX_PIECES) this.whole();
  }

  /** The whole text, the pieces joined into one string (kept as the only piece). */
  private whole(): string {
    if (this.pieces.length === 0) return '';
    if (this.pieces.length > 1) this.pieces = [this.pieces.join('')];
    return this.pieces[0];
  }

  /** The character code at offset (NaN outside the text), read from the pieces. */
  private charAt(offset: number): number {
    if (offset < 0 || offset >= this.length) return NaN;
    let at = 0;
    for (const piece of this.pieces) {
      if (offset < at + piece.length) return piece.charCodeAt(offset - at);
      at += piece.length;
    }
    return NaN;
  }

  /** The text of [start, end), read from the pieces. */
  private slice(start: number, end: number): string {
    let out = '';
    let at = 0;
    for (const piece of this.pieces) {
      const pieceEnd = at + piece.length;
      if (pieceEnd > start && at < end)
        out += piece.substring(Math.max(start - at, 0), Math.min(end - at, piece.length));
      at = pieceEnd;
    }
    return out;
  }

  private beforeEol(offset: number, lineOffset: number): number {
    while (offset > lineOffset && isEol(this.charAt(offset - 1))) offset--;
    return offset;
  }

  /** The line starts, at least through `line` (all when the text has fewer lines). */
  private lineOffsets(line: number): number[] {
    const lines = this.lineTable();
    while (lines.length <= line && this.scanned < this.length) this.scanLine();
    return lines;
  }

  /** The line starts, at least all those at or before offset. */
  private linesThrough(offset: number): number[] {
    const lines = this.lineTable();
    while (this.scanned <= offset && this.scanned < this.length) this.scanLine();
    return lines;
  }

  private lineTable(): number[] {
    if (this.lines) return this.lines;
    const text = this.whole();
    // Without CR a line ends at each LF, found one by one as positions ask; with CR, all at once.
    if (text.includes('\r')) {
      this.scanned = text.length;
      return (this.lines = computeLineOffsets(text, true));
    }
    this.scanned = 0;
    return (this.lines = [0]);
  }

  /** Counts the next LF from `scanned` (a text without CR), or finds there is none. */
  private scanLine(): void {
    let at = 0;
    for (const piece of this.pieces) {
      const pieceEnd = at + piece.length;
      if (this.scanned < pieceEnd) {
        const lf = piece.indexOf('\n', this.scanned - at);
        if (lf >= 0) {
          this.lines!.push(at + lf + 1);
          this.scanned = at + lf + 1;
          return;
        }
        this.scanned = pieceEnd;
      }
      at = pieceEnd;
    }
    this.scanned = this.length;
  }
}

function wellFormed(range: Range): Range {
  const { start, end } = range;
  return start.line > end.line || (start.line === end.line && start.character > end.character)
    ? { start: end, end: start }
    : range;
}

/**
 * The offsets where lines start (after each LF, CR or CR LF), as the library computes them; a text
 * without CR is searched with indexOf, which is many times faster than a loop over its characters.
 */
export function computeLineOffsets(text: string, isAtLineStart: boolean, textOffset = 0): number[] {
  const result = isAtLineStart ? [textOffset] : [];
  if (!text.includes('\r')) {
    for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) result.push(textOffset + at + 1);
    return result;
  }
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (isEol(ch)) {
      if (ch === CR && i + 1 < text.length && text.charCodeAt(i + 1) === LF) i++;
      result.push(textOffset + i + 1);
    }
  }
  return result;
}
