// Where a node of a kustomize-built resource was written. A build's tree is the base document with
// patches applied; nodes taken from a patch keep the offsets they have in the patch file, moved
// into that file's slot (offset + slot * SLOT_SIZE), so that one number still says both file and
// position and every existing span consumer keeps working. Only the edges of the engine
// (diagnostics, related locations) resolve a slotted span back to its file.
import type { Span } from './text';

/** Room for one file's offsets: 64 GiB, far above any file the readers accept. */
export const SLOT_SIZE = 2 ** 36;

/** The files whose nodes appear in built trees, by slot (slot 1 is files[0]); shared by a load. */
export class OriginTable {
  readonly files: string[] = [];
  private readonly slots = new Map<string, number>();

  /** The offset that moves a position of `file` into its slot. */
  baseOf(file: string): number {
    let slot = this.slots.get(file);
    if (slot === undefined) {
      this.files.push(file);
      slot = this.files.length;
      this.slots.set(file, slot);
    }
    return slot * SLOT_SIZE;
  }
}

/** The file and span a span of a resource of `file` stands for (itself unless it is slotted). */
export function resolveSpan(
  file: string,
  span: Span,
  origins: readonly string[] | undefined,
): { file: string; span: Span } {
  if (span.start < SLOT_SIZE || !origins) return { file, span };
  const slot = Math.floor(span.start / SLOT_SIZE);
  const other = origins[slot - 1];
  if (other === undefined) return { file, span: { start: 0, end: 0 } };
  const base = slot * SLOT_SIZE;
  return { file: other, span: { start: span.start - base, end: Math.max(span.start, span.end) - base } };
}

/** The file a slotted offset belongs to, or undefined for the resource's own file. */
export function originFile(offset: number, origins: readonly string[] | undefined): string | undefined {
  if (offset < SLOT_SIZE || !origins) return undefined;
  return origins[Math.floor(offset / SLOT_SIZE) - 1];
}

// Framed offsets. The documents of an install bundle (a file of thousands of documents, read one
// document at a time by documents.ts) have offsets relative to their own start, in their *frame*:
// FRAMED + frame * FRAME_UNIT + offset, a part taking as many units as its length needs. An edit in
// the middle of the bundle then moves no tree after it: only the frames' starts change, kept once
// per part in the file's reading (`Frames`). The trees, resources and rule results of the documents
// it moved stay the same objects. A framed offset is a position in its own file, like a plain one;
// the edges resolve it (`Frames.absolute`, `LineIndex.position`, the analysis's diagnostics), and
// editor queries frame the offset they are asked about (`Frames.framed`).
//
// Framed offsets lie between plain ones (a string holds fewer than 2^29 characters) and 2^31, and
// below the kustomize slots: small integers, which V8 keeps inline in a tree node. Offsets of 2^31
// and more are heap numbers: a bundle's trees took a quarter more memory and its cold reading a
// third more time.

/** Where framed offsets start. */
export const FRAMED = 2 ** 30;
/** A frame's unit of room; a part takes `framesFor(length)` consecutive units. */
export const FRAME_UNIT = 2 ** 12;
/** Units a file's framed offsets may take (below 2^31); past this, its next reading numbers anew. */
export const MAX_FRAMES = 2 ** 18 - 1;

/** Whether an offset is framed. */
export function isFramed(offset: number): boolean {
  return offset >= FRAMED && offset < FRAMED + MAX_FRAMES * FRAME_UNIT;
}

/** The offset `offset` of a part whose frame starts at unit `frame`. */
export function framedOffset(frame: number, offset: number): number {
  return FRAMED + frame * FRAME_UNIT + offset;
}

/**
 * The units a part of this length takes: room for every offset of its parse, which is read with the
 * next document marker after it (a problem where the marker cuts a node short lies past its end).
 */
export function framesFor(length: number): number {
  return Math.floor((length + 4) / FRAME_UNIT) + 1;
}

/** A part of a framed reading: its frame's first unit and its length. */
export interface FramedPart {
  readonly frame: number;
  readonly length: number;
}

/** Where each frame of a file's reading starts: parts in file order, with their first unit and start. */
export class Frames {
  /** By unit: the part whose frame holds it (-1: none; a unit of a replaced part may name another). */
  private partOfUnit: Int32Array | undefined;
  /** The last reading's frames, while this one's table may be derived from theirs (see unitTable). */
  private before: { readonly parts: readonly FramedPart[]; readonly partOfUnit: Int32Array } | undefined;

  /**
   * `parts[i]` starts at `starts[i]` (ascending). `previous`: the frames of the reading this one
   * was made from (documents.ts), whose table this one's is derived from when it has one.
   */
  constructor(
    private readonly starts: readonly number[],
    private readonly parts: readonly FramedPart[],
    previous?: Frames,
    /** When known: the parts outside [from, to) are the previous reading's, at the same index. */
    private changed?: readonly [from: number, to: number],
  ) {
    // Only a built table is taken: a chain of unbuilt ones would keep every older reading alive.
    if (previous?.partOfUnit) this.before = { parts: previous.parts, partOfUnit: previous.partOfUnit };
  }

  /** The file offset a framed offset stands for (an offset not framed as itself). */
  absolute(offset: number): number {
    if (!isFramed(offset)) return offset;
    const unit = Math.floor((offset - FRAMED) / FRAME_UNIT);
    const table = (this.partOfUnit ??= this.unitTable());
    const part = unit < table.length ? table[unit] : -1;
    const p = part >= 0 ? this.parts[part] : undefined;
    // A frame of another reading (a stale span): the file's start rather than a wrong line.
    if (!p || unit < p.frame || unit >= p.frame + framesFor(p.length)) return 0;
    return this.starts[part] + (offset - framedOffset(p.frame, 0));
  }

  /**
   * The part of each unit. Derived from the last reading's when both have as many parts (an edit
   * inside a document of a bundle): a part the edit left alone is the same object at the same
   * place and keeps its units, so only the others' units are written (a copy of the table instead
   * of 20,000 fills). A replaced part's old units may still name its place: `absolute` checks.
   */
  private unitTable(): Int32Array {
    const before = this.before;
    this.before = undefined;
    const derived = before !== undefined && before.parts.length === this.parts.length;
    // Only the parts that may differ are looked at (all of them without the hint).
    const [from, to] = derived && this.changed ? this.changed : [0, this.parts.length];
    this.changed = undefined;
    let units = derived ? before.partOfUnit.length : 0;
    for (let i = from; i < to; i++) {
      const { frame, length } = this.parts[i];
      if (!derived || this.parts[i] !== before.parts[i]) units = Math.max(units, frame + framesFor(length));
    }
    const table = new Int32Array(units).fill(-1);
    if (derived) table.set(before.partOfUnit);
    for (let i = from; i < to; i++) {
      if (derived && this.parts[i] === before.parts[i]) continue;
      const { frame, length } = this.parts[i];
      table.fill(i, frame, frame + framesFor(length));
    }
    return table;
  }

  /** The framed offset of a file offset: in the frame of the part that contains it (a framed one as itself). */
  framed(offset: number): number {
    if (isFramed(offset)) return offset;
    const part = this.partAt(offset);
    return part < 0 ? offset : framedOffset(this.parts[part].frame, offset - this.starts[part]);
  }

  /** The framed offset of a file offset at a part's start, in the frame of the part before (its end). */
  framedAtEnd(offset: number): number | undefined {
    const part = this.partAt(offset);
    if (part <= 0 || this.starts[part] !== offset) return undefined;
    return framedOffset(this.parts[part - 1].frame, offset - this.starts[part - 1]);
  }

  /** The part a file offset lies in: the last whose start is not after it (-1: before the first). */
  private partAt(offset: number): number {
    let lo = -1;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** A span of the file in the frame of the part its start lies in. */
  framedSpan(span: Span): Span {
    const start = this.framed(span.start);
    return start === span.start ? span : { start, end: start + (span.end - span.start) };
  }

  /** A span with framed offsets resolved (its end in its start's part). */
  absoluteSpan(span: Span): Span {
    if (!isFramed(span.start)) return span;
    const start = this.absolute(span.start);
    return { start, end: start + (span.end - span.start) };
  }
}
