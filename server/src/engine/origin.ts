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
  if (span.start < SLOT_SIZE || span.start >= FRAMED || !origins) return { file, span };
  const slot = Math.floor(span.start / SLOT_SIZE);
  const other = origins[slot - 1];
  if (other === undefined) return { file, span: { start: 0, end: 0 } };
  const base = slot * SLOT_SIZE;
  return { file: other, span: { start: span.start - base, end: Math.max(span.start, span.end) - base } };
}

/** The file a slotted offset belongs to, or undefined for the resource's own file. */
export function originFile(offset: number, origins: readonly string[] | undefined): string | undefined {
  if (offset < SLOT_SIZE || offset >= FRAMED || !origins) return undefined;
  return origins[Math.floor(offset / SLOT_SIZE) - 1];
}

// Framed offsets. The documents of an install bundle (a file of thousands of documents, read one
// document at a time by documents.ts) have offsets relative to their own start, in their *frame*:
// FRAMED + frame * FRAME_SIZE + offset. An edit in the middle of the bundle then moves no tree after
// it: only the frame's start changes, kept once per document in the file's reading (`Frames`). The
// trees, resources and rule results of the documents it moved stay the same objects. A framed offset
// is a position in its own file, like a plain one; the edges resolve it (`Frames.absolute`,
// `LineIndex.position`, the analysis's diagnostics), and editor queries frame the offset they are
// asked about (`Frames.framed`). Frames lie above the kustomize slots (2^52 = 2^16 slots).

/** Where framed offsets start. */
export const FRAMED = 2 ** 52;
/** Room for one document's offsets (1 GiB): 2^22 frames fit below 2^53, the last exact integer. */
export const FRAME_SIZE = 2 ** 30;
/** Frames a file may number; past this, its next reading starts numbering again. */
export const MAX_FRAMES = 2 ** 22;

/** The offset `offset` of a document in `frame`. */
export function framedOffset(frame: number, offset: number): number {
  return FRAMED + frame * FRAME_SIZE + offset;
}

/** Where each frame of a file's reading starts: parts in file order, with their frame and start. */
export class Frames {
  private byFrame: Float64Array | undefined;

  /** `frames[i]` is the frame of the part starting at `starts[i]` (ascending). */
  constructor(
    private readonly starts: readonly number[],
    private readonly frames: readonly number[],
  ) {}

  /** The file offset a framed offset stands for (an offset not framed as itself). */
  absolute(offset: number): number {
    if (offset < FRAMED) return offset;
    const frame = Math.floor((offset - FRAMED) / FRAME_SIZE);
    if (!this.byFrame) {
      let max = 0;
      for (const f of this.frames) if (f > max) max = f;
      const table = new Float64Array(max + 1).fill(-1);
      for (let i = 0; i < this.frames.length; i++) table[this.frames[i]] = this.starts[i];
      this.byFrame = table;
    }
    const start = frame < this.byFrame.length ? this.byFrame[frame] : -1;
    // A frame of another reading (a stale span): the file's start rather than a wrong line.
    return start < 0 ? 0 : start + (offset - FRAMED - frame * FRAME_SIZE);
  }

  /** The framed offset of a file offset: in the frame of the part that contains it (a framed one as itself). */
  framed(offset: number): number {
    if (offset >= FRAMED) return offset;
    let lo = 0;
    let hi = this.starts.length - 1;
    if (hi < 0 || offset < this.starts[0]) return offset;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return framedOffset(this.frames[lo], offset - this.starts[lo]);
  }

  /** The framed offset of a file offset at a part's start, in the frame of the part before (its end). */
  framedAtEnd(offset: number): number | undefined {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid] === offset)
        return mid > 0 ? framedOffset(this.frames[mid - 1], offset - this.starts[mid - 1]) : undefined;
      if (this.starts[mid] < offset) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** A span of the file in the frame of the part its start lies in. */
  framedSpan(span: Span): Span {
    const start = this.framed(span.start);
    return start === span.start ? span : { start, end: start + (span.end - span.start) };
  }

  /** A span with framed offsets resolved. */
  absoluteSpan(span: Span): Span {
    return span.start < FRAMED && span.end < FRAMED
      ? span
      : { start: this.absolute(span.start), end: this.absolute(span.end) };
  }
}
