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
