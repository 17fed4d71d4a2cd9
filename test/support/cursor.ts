// Cursor markers for query tests, as in rust-analyzer's fixtures: `$0` written inside the fixture
// text marks the offset a query is asked at, instead of a searched substring plus a character count.
import * as assert from 'node:assert/strict';

export const CURSOR = '$0';

/** Removes the one `$0` from `marked`: the text without it, and the offset where it was. */
export function extractCursor(marked: string): { text: string; offset: number } {
  const offset = marked.indexOf(CURSOR);
  assert.ok(offset >= 0, `no ${CURSOR} marker in ${JSON.stringify(marked)}`);
  assert.equal(marked.indexOf(CURSOR, offset + 1), -1, `more than one ${CURSOR} marker in ${JSON.stringify(marked)}`);
  return { text: marked.slice(0, offset) + marked.slice(offset + CURSOR.length), offset };
}

/**
 * The offset in `text` marked by a piece of that text with a `$0` inside (for fixtures shared with
 * other tests, which cannot carry the marker themselves). The piece must occur exactly once, so
 * the mark cannot silently move to another place when the fixture grows.
 */
export function cursorIn(text: string, markedPiece: string): number {
  const { text: piece, offset } = extractCursor(markedPiece);
  const at = text.indexOf(piece);
  assert.ok(at >= 0, `${JSON.stringify(piece)} does not occur in the text`);
  assert.equal(text.indexOf(piece, at + 1), -1, `${JSON.stringify(piece)} occurs more than once; mark a longer piece`);
  return at + offset;
}
