// The language server's open-document text (lsp/textDocument.ts) against the library it replaces
// (vscode-languageserver-textdocument): after every edit of random sequences (insertions,
// deletions, replacements across lines, CR, LF, CR LF, surrogate pairs, characters past a line's
// end, full-text changes), the same text, line count, offsets, positions, line ranges and EOL
// characters, and the UTF-8 length of the text, with lines read whole or only as far as positions
// asked (texts without CR). Edits are those the server applies: documentSync.ts
// refuses a range out of order or on a line past the end (where the library leaves holes in its
// line table). Snapshots for the analysis (spliced from the last one) read as the text.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { TextDocument, type Position } from 'vscode-languageserver-textdocument';
import { computeLineOffsets, EditedTextDocument } from '../../server/src/lsp/textDocument';
import { MAX_SPLICE_DEPTH, textOf, type SourceText } from '../../server/src/engine/splicedText';

const ALPHABET = ['a', 'b', ' ', '-', '\n', '\r', '\r\n', '\u00e9', '\ud83d\ude00', '\ud83d', '\ude00'];
const text = fc.oneof(
  fc.array(fc.constantFrom(...ALPHABET), { maxLength: 40 }).map((parts) => parts.join('')),
  // Without CR: lines are read lazily.
  fc.array(fc.constantFrom('a', 'b', '\n', '\n\n', '\u00e9'), { maxLength: 40 }).map((parts) => parts.join('')),
);
const position = fc.record({ line: fc.integer({ min: 0, max: 5 }), character: fc.integer({ min: 0, max: 12 }) });
const change = fc.oneof(
  { weight: 9, arbitrary: fc.record({ range: fc.record({ start: position, end: position }), text }) },
  { weight: 1, arbitrary: fc.record({ text }) },
);

/** Whether documentSync.ts applies an edit of this range (on a line of the document, in order). */
const applied = (doc: TextDocument, { start, end }: { start: Position; end: Position }) =>
  start.line < doc.lineCount &&
  end.line < doc.lineCount &&
  (start.line < end.line || (start.line === end.line && start.character <= end.character));

function assertSame(mine: EditedTextDocument, theirs: TextDocument, probe: string): void {
  assert.equal(mine.lineCount, theirs.lineCount, `${probe}: lineCount`);
  assert.equal(mine.version, theirs.version);
  for (let line = -1; line <= theirs.lineCount + 1; line++) {
    assert.deepEqual(mine.getLineRange(line), theirs.getLineRange(line), `${probe}: line range ${line}`);
    assert.equal(mine.getEOLCharacters(line), theirs.getEOLCharacters(line), `${probe}: EOL of ${line}`);
    for (let character = -1; character <= 6; character++) {
      const p = { line, character };
      assert.equal(mine.offsetAt(p), theirs.offsetAt(p), `${probe}: offsetAt ${line}:${character}`);
    }
  }
  const length = theirs.getText().length;
  for (let offset = -1; offset <= length + 1; offset++)
    assert.deepEqual(mine.positionAt(offset), theirs.positionAt(offset), `${probe}: positionAt ${offset}`);
  assert.equal(mine.getText(), theirs.getText(), `${probe}: text`);
  assert.equal(mine.utf8Length, Buffer.byteLength(theirs.getText(), 'utf8'), `${probe}: UTF-8 length`);
}

test('matches vscode-languageserver-textdocument under random edits', () => {
  fc.assert(
    fc.property(
      text,
      fc.array(fc.array(change, { minLength: 1, maxLength: 3 }), { maxLength: 12 }),
      (initial, edits) => {
        const mine = new EditedTextDocument('file:///a.yaml', 'yaml', 1, initial);
        const theirs = TextDocument.create('file:///a.yaml', 'yaml', 1, initial);
        // Read the UTF-8 length first so that later edits keep it up to date rather than count it again.
        assert.equal(mine.utf8Length, Buffer.byteLength(initial, 'utf8'));
        edits.forEach((changes, i) => {
          // Some steps read nothing between edits: the pieces pile up and are joined later.
          if (i % 3 === 2) assertSame(mine, theirs, `before edit ${i}`);
          for (const c of changes) {
            if ('range' in c) {
              // Asked of a text whose lines are read only as far as the positions asked so far.
              assert.equal(mine.hasLine(c.range.start.line), c.range.start.line < theirs.lineCount);
              if (!applied(theirs, c.range)) continue;
            }
            mine.update([c], i + 2);
            TextDocument.update(theirs, [c], i + 2);
          }
        });
        assertSame(mine, theirs, 'at the end');
      },
    ),
    { numRuns: 400 },
  );
});

test('many edits without a read keep the text (pieces joined past their limit)', () => {
  const initial = Array.from({ length: 300 }, (_, i) => `line ${i}\n`).join('');
  const mine = new EditedTextDocument('file:///a.yaml', 'yaml', 1, initial);
  const theirs = TextDocument.create('file:///a.yaml', 'yaml', 1, initial);
  // More edits than the pieces kept (each edit adds up to two): joined at least once on the way.
  for (let i = 0; i < 1200; i++) {
    const line = (i * 37) % 290;
    const changes = [
      { range: { start: { line, character: 2 }, end: { line: line + (i % 3), character: 4 } }, text: `x${i}\n` },
    ];
    mine.update(changes, i + 2);
    TextDocument.update(theirs, changes, i + 2);
  }
  assertSame(mine, theirs, 'after 1,200 edits');
});

test('line starts found with indexOf equal those of a character loop', () => {
  const loop = (t: string) => {
    const result = [0];
    for (let i = 0; i < t.length; i++) {
      const ch = t.charCodeAt(i);
      if (ch === 13 || ch === 10) {
        if (ch === 13 && t.charCodeAt(i + 1) === 10) i++;
        result.push(i + 1);
      }
    }
    return result;
  };
  for (const t of ['', '\n', 'a\nb\n', 'a\r\nb\rc\n\n', '\r', 'x'.repeat(10) + '\n'.repeat(3)])
    assert.deepEqual(computeLineOffsets(t, true), loop(t), JSON.stringify(t));
  assert.deepEqual(computeLineOffsets('a\nb', false, 10), [12]);
});

test('snapshots splice the stretch edited since the last one, and read as the text', () => {
  const initial = Array.from({ length: 200 }, (_, i) => `line ${i}\n`).join('');
  const edit = fc.record({
    line: fc.nat(210),
    character: fc.nat(9),
    lines: fc.nat(2),
    text: fc.constantFrom('', 'x', 'ab\n', '\n', 'é'),
    snapshot: fc.boolean(),
  });
  let spliced = 0;
  fc.assert(
    fc.property(fc.array(edit, { minLength: 1, maxLength: 40 }), (edits) => {
      const mine = new EditedTextDocument('file:///a.yaml', 'yaml', 1, initial);
      const theirs = TextDocument.create('file:///a.yaml', 'yaml', 1, initial);
      let last: SourceText = mine.snapshot();
      edits.forEach((e, i) => {
        const range = {
          start: { line: e.line, character: e.character },
          end: { line: e.line + e.lines, character: 1 },
        };
        if (applied(theirs, range)) {
          mine.update([{ range, text: e.text }], i + 2);
          TextDocument.update(theirs, [{ range, text: e.text }], i + 2);
        }
        if (!e.snapshot) return;
        const now = mine.snapshot();
        // (Asked before the text is joined: a joined text forgets a string base.)
        if (typeof now !== 'string' && now !== last) {
          assert.equal(now.base, last, 'spliced from the last snapshot');
          spliced++;
        }
        assert.equal(textOf(now), theirs.getText(), `snapshot after edit ${i}`);
        // Asked again without an edit: the same text (also when the edit above was refused).
        assert.equal(mine.snapshot(), now);
        last = now;
      });
    }),
    { numRuns: 200 },
  );
  assert.ok(spliced > 100, `snapshots were spliced (${spliced})`);
  // Small edits of a long text are spliced, each on the last; past a depth, the last is joined
  // first (reads then stop at it); a full change starts again from a string.
  const mine = new EditedTextDocument('file:///a.yaml', 'yaml', 1, initial);
  const theirs = TextDocument.create('file:///a.yaml', 'yaml', 1, initial);
  let last = mine.snapshot();
  assert.equal(typeof last, 'string');
  for (let i = 0; i < MAX_SPLICE_DEPTH + 2; i++) {
    const changes = [{ range: { start: { line: 5, character: 0 }, end: { line: 5, character: 0 } }, text: 'x' }];
    mine.update(changes, i + 2);
    TextDocument.update(theirs, changes, i + 2);
    const now = mine.snapshot();
    // The document itself reads the same (its pieces are rebuilt on the joined text past the depth).
    if (i % 50 === 0 || i >= MAX_SPLICE_DEPTH - 1) assertSame(mine, theirs, `after splice ${i}`);
    assert.ok(typeof now !== 'string' && now.base === last, `splice ${i}`);
    assert.equal(now.depth, i < MAX_SPLICE_DEPTH ? i + 1 : i - MAX_SPLICE_DEPTH + 1, `depth after splice ${i}`);
    last = now;
  }
  const lineFive = initial.indexOf('line 5');
  assert.equal(textOf(last), initial.slice(0, lineFive) + 'x'.repeat(MAX_SPLICE_DEPTH + 2) + initial.slice(lineFive));
  mine.update([{ text: 'whole: 1\n' }], 100);
  assert.equal(mine.snapshot(), 'whole: 1\n');
});

test('a document holding the text read from disk splices its first edit onto it', () => {
  const onDisk = Array.from({ length: 40 }, (_, i) => `key${i}: value ${i}\n`).join('');
  // The editor's copy: equal, another string.
  const doc = new EditedTextDocument('file:///a.yaml', 'yaml', 1, onDisk.split('\n').join('\n'));
  doc.adoptEqualText(onDisk);
  assert.equal(doc.snapshot(), onDisk);
  doc.update([{ range: { start: { line: 3, character: 6 }, end: { line: 3, character: 6 } }, text: 'x' }], 2);
  const first = doc.snapshot();
  assert.ok(typeof first !== 'string', 'the first edit is spliced, not joined');
  assert.equal(first.base, onDisk);
  assert.deepEqual(first.change, {
    start: onDisk.indexOf('value 3'),
    beforeEnd: onDisk.indexOf('value 3'),
    afterEnd: onDisk.indexOf('value 3') + 1,
  });
  assert.equal(textOf(first), onDisk.replace('value 3', 'xvalue 3'));
  // A text that is not the document's (another length) is not taken: no edit is ever lost.
  const other = new EditedTextDocument('file:///b.yaml', 'yaml', 1, 'a: 1\n');
  other.adoptEqualText('a: 12\n');
  assert.equal(other.getText(), 'a: 1\n');
});
