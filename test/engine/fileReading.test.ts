// A file's reading after an edit (workspace/read.ts) equals a fresh reading: its role, its
// resource documents (those of the documents the edit left alone taken from the last reading: an
// edit in a bundle reads one document again) and its line index (derived from the last one).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { DEFAULT_CONFIG, LineIndex } from '../../server/src/engine';
import { changeBetween } from '../../server/src/engine/documents';
import { runToEnd } from '../../server/src/engine/incremental';
import type { Span } from '../../server/src/engine/text';
import { readFileEntry, type FileEntry } from '../../server/src/engine/workspace/read';

const LIMITS = { maxNodesPerFile: DEFAULT_CONFIG.maxNodesPerFile, maxNestingDepth: DEFAULT_CONFIG.maxNestingDepth };
const read = (text: string, previous?: FileEntry) =>
  runToEnd(readFileEntry({ path: 'apps/bundle.yaml', text }, false, undefined, LIMITS, previous));

const configMap = (i: number) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\ndata:\n  k: v${i}\n`;
const list =
  'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Service\n    metadata: {name: a}\n  - apiVersion: v1\n    kind: Service\n    metadata: {name: b}\n';
const harness = 'apiVersion: chainsaw.kyverno.io/v1alpha1\nkind: Test\nmetadata:\n  name: t\nspec: {}\n';
const base = Array.from({ length: 20 }, (_, i) => (i === 7 ? list : i === 12 ? 'just: data\n' : configMap(i))).join(
  '---\n',
);
const mid = base.indexOf('name: c10');

const EDITS: [string, string][] = [
  ['a value in the middle', base.replace('v10', 'v10x')],
  ['a document split in two', `${base.slice(0, mid)}---\n${base.slice(mid)}`],
  ['two documents joined', base.replace('---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c11', '\nx: 1\n')],
  ['a List item removed', base.replace('  - apiVersion: v1\n    kind: Service\n    metadata: {name: b}\n', '')],
  [
    'a document no longer a resource',
    base.replace('kind: ConfigMap\nmetadata:\n  name: c10', 'metadata:\n  name: c10'),
  ],
  ['a harness document added', base.replace(configMap(15), harness)],
  ['the first document changed', base.replace('name: c0', 'name: c0x')],
  ['the last document changed', base.replace('name: c19', 'name: c19x')],
];

/** The resource documents in file offsets (documents are framed, origin.ts: frames differ between readings). */
const summary = (e: FileEntry) =>
  e.docs.map((d) => {
    const at = (s: Span) => e.parsed?.frames?.absoluteSpan(s) ?? s;
    return {
      docIndex: d.docIndex,
      itemIndex: d.itemIndex,
      kind: d.kind,
      apiVersion: d.apiVersion,
      damaged: d.damaged,
      kindSpan: at(d.kindSpan),
      span: at(d.node.span),
    };
  });

test('a reading after an edit equals a fresh reading, reusing the documents the edit left alone', () => {
  const before = read(base);
  assert.equal(before.role, 'manifest');
  assert.equal(before.docs.length, 19 + 1, 'the List gives two, the plain data none');
  for (const [label, text] of EDITS) {
    const again = read(text, before);
    const fresh = read(text);
    assert.equal(again.role, fresh.role, label);
    assert.deepStrictEqual(summary(again), summary(fresh), label);
    assert.ok(
      fresh.role === (label.includes('harness') ? 'test' : 'manifest') &&
        (fresh.role === 'test' || summary(fresh).length > 0),
      label,
    );
  }
  // The documents an edit left alone keep their resource documents: the same objects.
  const edited = read(base.replace('v10', 'v10x'), before);
  const kept = edited.docs.filter((d, i) => d === before.docs[i]).length;
  assert.equal(kept, before.docs.length - 1, 'all but the edited document');
});

test('a line index derived from the last one over an edit equals a fresh one (fast-check)', () => {
  const pieces = ['\n', 'a', 'ab\ncd', '\n\n', '---\n', 'x: 1\n', ''];
  fc.assert(
    fc.property(
      fc.string({ unit: fc.constantFrom('a', ' ', '\n', '-', ':') }),
      fc.nat(),
      fc.nat(30),
      fc.constantFrom(...pieces),
      (base, at, cut, piece) => {
        const from = at % (base.length + 1);
        const edited = base.slice(0, from) + piece + base.slice(Math.min(base.length, from + cut));
        const derived = new LineIndex(edited, undefined, {
          before: new LineIndex(base),
          change: changeBetween(base, edited),
        });
        const fresh = new LineIndex(edited);
        assert.equal(derived.lineCount, fresh.lineCount);
        for (let o = 0; o <= edited.length; o++) assert.deepEqual(derived.position(o), fresh.position(o));
      },
    ),
    { numRuns: 500, seed: 5 },
  );
});

test('line indexes derived over chains of edits equal fresh ones, in blocks of any size (fast-check)', () => {
  const pieces = ['\n', 'a', 'ab\ncd', '\n\n', '---\n', 'x: 1\n', '', '\n'.repeat(9)];
  const edit = fc.record({ at: fc.nat(), cut: fc.nat(40), piece: fc.constantFrom(...pieces) });
  let rebuilt = 0;
  fc.assert(
    fc.property(
      fc.string({ unit: fc.constantFrom('a', '\n', '\n', 'b: c\n'), maxLength: 80 }),
      fc.array(edit, { minLength: 1, maxLength: 8 }),
      fc.integer({ min: 1, max: 5 }),
      (base, edits, blockLines) => {
        let text = base;
        let lines = new LineIndex(text, undefined, undefined, blockLines);
        for (const { at, cut, piece } of edits) {
          const from = at % (text.length + 1);
          const edited = text.slice(0, from) + piece + text.slice(Math.min(text.length, from + cut));
          lines = new LineIndex(edited, undefined, { before: lines, change: changeBetween(text, edited) }, blockLines);
          text = edited;
          const fresh = new LineIndex(text);
          assert.equal(lines.lineCount, fresh.lineCount);
          for (let o = -1; o <= text.length + 1; o++) assert.deepEqual(lines.position(o), fresh.position(o));
          for (let line = -1; line <= fresh.lineCount; line++) {
            assert.equal(lines.lineStart(line), fresh.lineStart(line), `lineStart ${line}`);
            for (const character of [0, 1, 3, 100])
              assert.equal(lines.offset({ line, character }), fresh.offset({ line, character }));
          }
          rebuilt++;
        }
      },
    ),
    { numRuns: 300, seed: 11 },
  );
  assert.ok(rebuilt > 300);
});

test('a bundle edited in its middle gives its line index from the last one, as a fresh one', () => {
  const before = read(base);
  void before.lines; // built, as publishing diagnostics builds it
  const text = base.replace('v10', 'v10\nextra: line\n#');
  const edited = read(text, before);
  const fresh = new LineIndex(text);
  assert.equal(edited.lines.lineCount, fresh.lineCount);
  for (let o = 0; o <= text.length; o += 7) assert.deepEqual(edited.lines.position(o), fresh.position(o));
});

test('disable comments after an edit of a file that had none are those of a fresh reading', () => {
  const marker = '# kube-traffic-lens-disable-next-line';
  const at = base.indexOf('name: c10');
  const edits: [string, string][] = [
    ['a value changed', base.replace('v10', 'v10x')],
    ['a comment added in the change', `${base.slice(0, at)}${marker}\n${base.slice(at)}`],
    // The marker completed by an edit of its last characters: found through the margin around the change.
    ['a marker completed at its end', `${base.slice(0, at)}${marker.slice(0, -4)}\n${base.slice(at)}`],
    ['a comment far from the change, never read', base],
  ];
  for (const [label, text] of edits) {
    const before = read(text === base ? base : base.replace('v10', 'v10-before'));
    assert.equal(before.disabledLines.size, 0, `${label}: none before`);
    const edited = read(text, before);
    const fresh = read(text);
    assert.deepEqual([...edited.disabledLines], [...fresh.disabledLines], label);
  }
  // The marker completed: the last reading had it cut short, the edit completes it.
  const cut = `${base.slice(0, at)}${marker.slice(0, -4)}\n${base.slice(at)}`;
  const before = read(cut);
  assert.equal(before.disabledLines.size, 0);
  const completed = read(`${base.slice(0, at)}${marker}\n${base.slice(at)}`, before);
  assert.equal(completed.disabledLines.size, 1, 'the completed marker is found');
});
