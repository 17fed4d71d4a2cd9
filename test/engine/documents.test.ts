// Parsing a file document by document (documents.ts) against parsing it whole (parseYaml): the
// same documents, spans, values, node classes and problems, for a fresh parse and after edits
// that reuse the unchanged documents (edit in the middle, a `---` inserted or deleted, a document
// turned into a comment, block and quoted scalars holding marker-like text, directives, BOM, CRLF,
// syntax errors in one document). Over the corpus, fixtures and examples too, and fast-check edits.
import { test, describe } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import {
  changeBetween,
  documentStarts,
  documentStartsAfter,
  inFileOffsets,
  isMovedTreeSteps,
  readDocuments,
  type DocumentReading,
} from '../../server/src/engine/documents';
import { parseYaml } from '../../server/src/engine/syntax';
import { SplicedText, type SourceText } from '../../server/src/engine/splicedText';
import { overShapeLimits } from '../../server/src/engine/shape';
import { DEFAULT_CONFIG } from '../../server/src/engine';
import { REPO_ROOT } from '../support/cli';
import { corpusDir, needsCorpus } from '../support/corpus';
import { yamlFiles } from '../support/yamlFiles';
import { runSteps } from '../support/steps';
import { runToEnd } from '../../server/src/engine/incremental';
import { MAX_FRAMES } from '../../server/src/engine/origin';
import type { YNode } from '../../server/src/engine/yamlTree';

const isMovedTree = (a: YNode | null, b: YNode | null, delta: number) => runToEnd(isMovedTreeSteps(a, b, delta));

/** As the workspace reads it: a lone CR is a line break (read.ts). */
const asRead = (text: string) => text.replace(/\r(?!\n)/g, '\n');
const readTexts = (files: string[]) => files.map((f) => ({ label: f, text: asRead(fs.readFileSync(f, 'utf8')) }));

const LIMITS = { maxNodesPerFile: DEFAULT_CONFIG.maxNodesPerFile, maxNestingDepth: DEFAULT_CONFIG.maxNestingDepth };

/** Each test runs twice: documents at file offsets, and framed (origin.ts), compared in file offsets. */
const MODES = [false, true] as const;

function run(
  text: string,
  previous: DocumentReading | undefined,
  framed: boolean,
): { reading: DocumentReading; yields: number } {
  const { value, yields } = runSteps(readDocuments(text, previous, LIMITS, 2, framed));
  assert.ok('parsed' in value, `within the shape limits: ${'over' in value ? value.over : ''}`);
  return { reading: value, yields };
}

/** The reading equals the whole file's parse, fresh and from `previous`. */
function agrees(text: string, label: string, previous: DocumentReading | undefined, framed: boolean): DocumentReading {
  const whole = parseYaml(text);
  const fresh = run(text, undefined, framed).reading;
  assert.deepStrictEqual(inFileOffsets(fresh.parsed), whole, `fresh: ${label}`);
  if (!previous) return fresh;
  const again = run(text, previous, framed).reading;
  assert.deepStrictEqual(inFileOffsets(again.parsed), whole, `after an edit: ${label}`);
  return again;
}

const doc = (i: number, extra = '') =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: s${i}\n  labels: {app: a${i}}\nspec:\n  selector:\n    app: a${i}\n  ports:\n  - port: ${80 + i}\n${extra}`;
const bundle = (n: number, sep = '---\n') => Array.from({ length: n }, (_, i) => doc(i)).join(sep);

/** Edits of a multi-document text: [label, edited text]. */
function edits(base: string): [string, string][] {
  const mid = base.indexOf('name: s5');
  const midDoc = base.indexOf('---\n', mid - 200);
  return [
    ['a character in the middle', base.slice(0, mid + 7) + 'x' + base.slice(mid + 7)],
    ['same-length change', base.slice(0, mid + 7) + 'X' + base.slice(mid + 8)],
    ['a line deleted', base.slice(0, mid) + base.slice(base.indexOf('\n', mid) + 1)],
    ['a `---` inserted', base.slice(0, mid) + '---\n' + base.slice(mid)],
    ['a `---` deleted', base.slice(0, midDoc) + base.slice(midDoc + 4)],
    ['a document commented out', base.replace(/^(.*name: s5[^]*?)(?=^---)/m, (m) => m.replace(/^/gm, '# '))],
    ['a syntax error in one document', base.slice(0, mid) + 'name: [s5\n' + base.slice(base.indexOf('\n', mid) + 1)],
    ['an unclosed quote in one document', base.slice(0, mid) + 'name: "s5\n' + base.slice(base.indexOf('\n', mid) + 1)],
    [
      'a duplicate key in one document',
      base.slice(0, mid) + 'name: s5\n  name: s5b\n' + base.slice(base.indexOf('\n', mid) + 1),
    ],
    [
      'a block scalar holding marker-like text',
      base.replace('  - port: 85\n', '  - port: 85\n  x: |\n    ---\n    ...\n    %x\n'),
    ],
    ['a block scalar ended by a marker', base.replace('  - port: 85\n', '  - port: 85\n  x: |\n    a\n')],
    ['a directive', '%YAML 1.2\n---\n' + base],
    ['a directive in the middle', base.replace('---\n', '...\n%TAG !e! tag:example.com,2000:\n---\n')],
    ['a document end marker', base.replace(/---\n/, '...\n---\n')],
    ['a BOM', '\uFEFF' + base],
    ['CRLF line ends', base.replace(/\n/g, '\r\n')],
    ['a comment before the first document', '# head\n\n' + base],
    ['a marker first', '---\n' + base],
    [
      'a marker with content',
      base
        .replace('---\n', '--- # c\n')
        .replace(/---\n(?=apiVersion: v1\nkind: Service\nmetadata:\n {2}name: s7)/, '--- !!map\n'),
    ],
    ['an empty document', base.replace('---\n', '---\n---\n')],
    ['a multi-line quoted scalar', base.replace('  - port: 85\n', '  - port: 85\n  q: "a\n    b"\n')],
    ['a quoted scalar crossing a marker', base.replace('  - port: 85\n', '  - port: 85\n  q: "a\n---\n  b"\n')],
    ['a flow collection crossing a marker', base.replace('  - port: 85\n', '  - port: 85\n  f: [a,\n---\n  b]\n')],
    ['kubectl-style quoted continuation', base.replace('  - port: 85\n', '  - port: 85\n  q: "a\n b"\n')],
    ['anchors and aliases', base.replace('  labels: {app: a5}', '  labels: &l {app: a5}\n  annotations: *l')],
    ['the last document removed', base.slice(0, base.lastIndexOf('---\n'))],
    ['the first document removed', base.slice(base.indexOf('---\n') + 4)],
    [
      'a document moved',
      (() => {
        const parts = base.split('---\n');
        [parts[2], parts[6]] = [parts[6], parts[2]];
        return parts.join('---\n');
      })(),
    ],
    ['a tab after the marker', base.replace('---\n', '---\t\n')],
    ['`----` is not a marker', base.replace('---\n', '----\n')],
    ['an indented marker', base.replace('  - port: 85\n', '  - port: 85\n ---\n')],
  ];
}

for (const framed of MODES)
  describe(`parsing document by document${framed ? ', framed' : ''}`, () => {
    const read = (text: string, previous?: DocumentReading) => run(text, previous, framed);
    const agree = (text: string, label: string, previous?: DocumentReading) => agrees(text, label, previous, framed);

    test('finds the document starts YAML defines, and declines what it cannot split with certainty', () => {
      assert.deepEqual(documentStarts('a: 1\n---\nb: 2\n'), [0, 5]);
      assert.deepEqual(documentStarts('# c\n---\na: 1\n---\nb: 2\n'), [0, 13]);
      assert.deepEqual(documentStarts('---\na: 1\n---\nb: 2\n'), [0, 9]);
      assert.deepEqual(documentStarts('a: |\n  ---\n---\nb: 2\n'), [0, 11]);
      assert.equal(documentStarts('a: 1\n'), undefined);
      assert.equal(documentStarts('%YAML 1.2\n---\na: 1\n---\nb: 2\n'), undefined);
      assert.equal(documentStarts('a: 1\n...\n---\nb: 2\n'), undefined);
      assert.equal(documentStarts('a: 1\n---\n\uFEFFb: 2\n'), undefined);
      assert.deepEqual(documentStarts('a: 1\n---x\n----\n--- \nb\n'), [0, 15]);
    });

    test('equals the whole parse for a bundle and every kind of edit, and reuses what the edit left alone', () => {
      const base = bundle(12);
      const before = agree(base, 'base');
      assert.ok(before.chunks && before.chunks.length === 12, 'the bundle is read document by document');
      for (const [label, edited] of edits(base)) {
        const after = agree(edited, label, before);
        // And back: the edit undone from the edited reading.
        agree(base, `${label}, undone`, after);
      }
      // A part is parsed with the marker that follows it: one that becomes the last, or stops being
      // it, is parsed again (an unclosed flow collection ends at the marker, or at the end).
      for (const tail of ['z: [a, b\n', 'z: "open\n', 'z: |\n  text\n\n\n', 'z: a\n# trailing comment\n']) {
        const broken = `${base}---\n${tail}`;
        const followed = `${broken}---\nlast: 1\n`;
        agree(followed, `a document after a last one ending ${JSON.stringify(tail)}`, read(broken, before).reading);
        agree(broken, `the document after ${JSON.stringify(tail)} removed`, read(followed, before).reading);
      }
      // An edit in the middle keeps the documents before it (the same objects) and moves those after:
      // framed, those are the same objects too.
      const mid = base.indexOf('name: s5');
      const edited = base.slice(0, mid + 7) + 'x' + base.slice(mid + 7);
      const after = read(edited, before).reading;
      for (let i = 0; i < 5; i++) assert.equal(after.parsed.documents[i].contents, before.parsed.documents[i].contents);
      assert.notEqual(after.parsed.documents[5].contents, before.parsed.documents[5].contents);
      if (framed) assert.equal(after.parsed.documents[8].contents, before.parsed.documents[8].contents);
      else assert.notEqual(after.parsed.documents[8].contents, before.parsed.documents[8].contents);
      // A same-length change keeps every other document as it was.
      const same = base.slice(0, mid + 7) + 'X' + base.slice(mid + 8);
      const kept = read(same, before).reading;
      for (const i of [0, 4, 6, 11])
        assert.equal(kept.parsed.documents[i].contents, before.parsed.documents[i].contents);
    });

    test('the shape pre-check, added up from the documents, says what the whole text says', () => {
      const base = bundle(40);
      const before = read(base).reading;
      const texts = [
        base,
        base.replace('  - port: 85\n', '  - port: 85\n  q: "open\n'),
        base.replace('  - port: 85\n', '  - port: 85\n  f: [a, {b: [c\n'),
        base.replace('  - port: 85\n', `  - port: 85\n  deep: ${'['.repeat(40)}${']'.repeat(40)}\n`),
        base.replace(
          '  - port: 85\n',
          `  - port: 85\n${Array.from({ length: 30 }, (_, i) => `${' '.repeat(2 * i + 2)}k${i}:`).join('\n')}\n`,
        ),
      ];
      for (const [i, text] of texts.entries())
        for (const limits of [
          LIMITS,
          { maxNodesPerFile: 300, maxNestingDepth: 32 },
          { maxNodesPerFile: 10_000, maxNestingDepth: 8 },
        ]) {
          const expected = overShapeLimits(text, limits);
          for (const previous of [undefined, before]) {
            const got = runSteps(readDocuments(text, previous, limits, 2, framed)).value;
            assert.equal('over' in got ? got.over : undefined, expected, `text ${i}, ${JSON.stringify(limits)}`);
          }
        }
      assert.ok(overShapeLimits(base, { maxNodesPerFile: 300, maxNestingDepth: 32 }), 'a limit is met');
      assert.equal(
        (
          runSteps(readDocuments('---\n'.repeat(50), undefined, { maxNodesPerFile: 20, maxNestingDepth: 8 }, 2, framed))
            .value as {
            over: string;
          }
        ).over,
        overShapeLimits('---\n'.repeat(50), { maxNodesPerFile: 20, maxNestingDepth: 8 }),
      );
    });

    test('the shape pre-check with documents left open says what the whole text says (fast-check)', () => {
      // Constructs that stay open to the next marker (or close later), in random documents.
      const opener = fc.constantFrom(
        '  q: "open\n',
        "  q: 'open\n",
        '  f: [a, {b: [c\n',
        '  f: ]\n',
        '  g: [x,\n    y]\n',
        '',
      );
      fc.assert(
        fc.property(
          fc.array(opener, { minLength: 12, maxLength: 12 }),
          fc.integer({ min: 20, max: 400 }),
          fc.integer({ min: 2, max: 12 }),
          (openers, maxNodesPerFile, maxNestingDepth) => {
            const text = openers.map((o, i) => doc(i, o)).join('---\n');
            const limits = { maxNodesPerFile, maxNestingDepth };
            const got = runSteps(readDocuments(text, undefined, limits, 2, framed)).value;
            assert.equal('over' in got ? got.over : undefined, overShapeLimits(text, limits));
          },
        ),
        { numRuns: 300, seed: 41 },
      );
    });

    test('yields between documents while parsing a large file', () => {
      const { reading, yields } = read(bundle(400));
      assert.equal(reading.parsed.documents.length, 400);
      assert.ok(yields >= 20, `yields: ${yields}`);
    });

    test('equals the whole parse over the fixtures and examples', () => {
      let split = 0;
      const texts = readTexts([
        ...yamlFiles(path.join(REPO_ROOT, 'test/fixtures')),
        ...yamlFiles(path.join(REPO_ROOT, 'examples')),
      ]);
      assert.ok(texts.length > 100);
      for (const { label, text } of texts) {
        agree(text, label);
        if (documentStarts(text)) split++;
      }
      assert.ok(split > 10, `files read document by document: ${split}`);
    });

    test('equals the whole parse over the corpus', needsCorpus, () => {
      let split = 0;
      for (const { label, text } of readTexts(yamlFiles(corpusDir()))) {
        const first = agree(text, label);
        if (!first.chunks) continue;
        split++;
        // An edit in the middle of each multi-document file, then undone.
        const at = first.starts![first.starts!.length >> 1];
        const edited = `${text.slice(0, at)}# edited\n${text.slice(at)}`;
        agree(text, `${label}, undone`, agree(edited, `${label}, edited`, first));
      }
      assert.ok(split > 20, `files read document by document: ${split}`);
    });

    test('equals the whole parse after random edits (fast-check)', () => {
      const base = bundle(6);
      const before = read(base).reading;
      const pieces = [
        '---\n',
        '...\n',
        '# c\n',
        '%YAML 1.2\n',
        'x: "a\n',
        '  - b\n',
        ': :\n',
        '"\n',
        '|\n',
        'k: v\n',
        '\t',
        '\r\n',
        ' ---\n',
        '[',
        '}',
      ];
      fc.assert(
        fc.property(fc.nat(base.length), fc.nat(40), fc.constantFrom(...pieces), (at, cut, piece) => {
          const edited = base.slice(0, at) + piece + base.slice(Math.min(base.length, at + cut));
          agree(edited, JSON.stringify({ at, cut, piece }), before);
        }),
        { numRuns: 300, seed: 17 },
      );
    });

    test('finds what changed between two texts as a character loop does', () => {
      const naive = (a: string, b: string) => {
        let start = 0;
        while (start < a.length && start < b.length && a[start] === b[start]) start++;
        let end = 0;
        while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end])
          end++;
        return { start, beforeEnd: a.length - end, afterEnd: b.length - end };
      };
      const base = bundle(40);
      fc.assert(
        fc.property(fc.nat(base.length), fc.nat(3000), fc.string({ maxLength: 3000 }), (at, cut, piece) => {
          const edited = base.slice(0, at) + piece + base.slice(Math.min(base.length, at + cut));
          assert.deepEqual(changeBetween(base, edited), naive(base, edited));
          assert.deepEqual(changeBetween(edited, base), naive(edited, base));
        }),
        { numRuns: 300, seed: 13 },
      );
      assert.deepEqual(changeBetween(base, base), {
        start: base.length,
        beforeEnd: base.length,
        afterEnd: base.length,
      });
      assert.deepEqual(changeBetween('', 'abc'), { start: 0, beforeEnd: 0, afterEnd: 3 });
    });

    test('document starts found near an edit equal a fresh scan (fast-check, chains of edits)', () => {
      const pieces = [
        '---\n',
        '---',
        '\n---',
        '--',
        '-',
        '\n',
        '...\n',
        '\n...',
        '%',
        '\n%',
        '\uFEFF',
        '# c\n',
        ' ',
        '\t',
        'k: v\n',
        '\r\n',
      ];
      const edit = fc.record({ at: fc.nat(), cut: fc.nat(12), piece: fc.constantFrom(...pieces) });
      let incremental = 0;
      fc.assert(
        fc.property(fc.array(edit, { minLength: 1, maxLength: 8 }), (steps) => {
          let text = bundle(12);
          let starts = documentStarts(text);
          for (const { at, cut, piece } of steps) {
            const from = at % (text.length + 1);
            const next = text.slice(0, from) + piece + text.slice(Math.min(text.length, from + cut));
            const fresh = documentStarts(next);
            if (starts) {
              const change = changeBetween(text, next);
              if (change.start >= starts[1] + 4) incremental++;
              assert.deepEqual(documentStartsAfter(next, starts, change), fresh, JSON.stringify({ from, cut, piece }));
            }
            text = next;
            starts = fresh;
          }
        }),
        { numRuns: 400, seed: 29 },
      );
      assert.ok(incremental > 500, `edits past the second marker: ${incremental}`);
    });

    test('equals the whole parse after chains of random edits, each read from the last reading', () => {
      const pieces = ['---\n', '# c\n', 'k: v\n', '  - b\n', 'x: "a\n', '[', '\n', 'name: z\n', ''];
      const edit = fc.record({ at: fc.nat(), cut: fc.nat(60), piece: fc.constantFrom(...pieces) });
      fc.assert(
        fc.property(fc.array(edit, { minLength: 1, maxLength: 5 }), (steps) => {
          let text = bundle(10);
          let reading = read(text).reading;
          for (const { at, cut, piece } of steps) {
            const from = at % (text.length + 1);
            text = text.slice(0, from) + piece + text.slice(Math.min(text.length, from + cut));
            const { value } = runSteps(readDocuments(text, reading, LIMITS, 2, framed));
            assert.ok('parsed' in value);
            assert.deepStrictEqual(inFileOffsets(value.parsed), parseYaml(text), JSON.stringify({ from, cut, piece }));
            reading = value;
          }
        }),
        { numRuns: 150, seed: 31 },
      );
    });

    test('equals the whole parse after chains of edits given as splices, some read two at a time', () => {
      const pieces = ['---\n', '# c\n', 'k: v\n', '  - b\n', 'x: "a\n', '[', '\n', 'name: z\n', ''];
      // `wider`: the splice covers characters around the edit too (an editor's changes merged).
      const edit = fc.record({
        at: fc.nat(),
        cut: fc.nat(60),
        piece: fc.constantFrom(...pieces),
        wider: fc.nat(8),
        read: fc.boolean(),
        join: fc.boolean(),
      });
      fc.assert(
        fc.property(fc.array(edit, { minLength: 1, maxLength: 6 }), (steps) => {
          let text = bundle(10);
          let source: SourceText = text;
          let reading: DocumentReading = read(text).reading;
          for (const [i, { at, cut, piece, wider, read: readNow, join }] of steps.entries()) {
            const from = at % (text.length + 1);
            const to = Math.min(text.length, from + cut);
            const edited = text.slice(0, from) + piece + text.slice(to);
            const start = Math.max(0, from - wider);
            const beforeEnd = Math.min(text.length, to + wider);
            const afterEnd = beforeEnd + edited.length - text.length;
            const spliced: SplicedText = new SplicedText(
              source,
              { start, beforeEnd, afterEnd },
              edited.slice(start, afterEnd),
            );
            source = spliced;
            text = edited;
            if (join) spliced.toString();
            if (!readNow && i < steps.length - 1) continue;
            const { value } = runSteps(readDocuments(source, reading, LIMITS, 2, framed));
            assert.ok('parsed' in value);
            assert.deepStrictEqual(inFileOffsets(value.parsed), parseYaml(text), JSON.stringify(steps.slice(0, i + 1)));
            reading = value;
          }
        }),
        { numRuns: 150, seed: 37 },
      );
    });

    if (framed)
      test('a reading whose frames ran out is read again from nothing, equal to the whole parse', () => {
        const base = bundle(12);
        const first = read(base).reading;
        assert.ok(first.nextFrame !== undefined && first.nextFrame > 0);
        const edited = base.replace('name: s5', 'name: s5x');
        for (const nextFrame of [MAX_FRAMES - 1, MAX_FRAMES / 2 + 1]) {
          const again = read(edited, { ...first, nextFrame }).reading;
          assert.deepStrictEqual(inFileOffsets(again.parsed), parseYaml(edited));
          assert.ok(again.nextFrame! < first.nextFrame! * 2, `numbered anew: ${again.nextFrame}`);
          assert.notEqual(again.parsed.documents[0].contents, first.parsed.documents[0].contents);
        }
      });

    // Framed documents do not move: isMovedTree is for readings in file offsets.
    if (!framed)
      test('a document an edit left in place or moved is the same tree moved (isMovedTree)', () => {
        const base = bundle(12);
        const first = read(base).reading;
        const at = base.indexOf('name: s6') + 7;
        const docs = (r: DocumentReading) => r.parsed.documents.map((d) => d.contents);
        // The same length replaced: the documents after it are the same objects, unmoved.
        const same = read(`${base.slice(0, at)}X${base.slice(at + 1)}`, first).reading;
        assert.equal(docs(same)[9], docs(first)[9]);
        assert.ok(isMovedTree(docs(first)[9], docs(same)[9], 0));
        assert.ok(!isMovedTree(docs(first)[6], docs(same)[6], 0), 'the edited document changed');
        assert.ok(!isMovedTree(docs(first)[9], docs(same)[9], 1), 'not moved by another length');
        // One character inserted: the documents after it are new objects, moved by one.
        const moved = read(`${base.slice(0, at)}XY${base.slice(at + 1)}`, first).reading;
        assert.notEqual(docs(moved)[9], docs(first)[9]);
        assert.ok(isMovedTree(docs(first)[9], docs(moved)[9], 1));
        assert.ok(!isMovedTree(docs(first)[9], docs(moved)[9], 0));
        assert.ok(isMovedTree(docs(first)[2], docs(moved)[2], 0), 'before the edit: unmoved');
        // Through a reading in between (a cancelled analysis's): moved by the sum of both edits.
        const again = read(`${base.slice(0, at)}XYZ${base.slice(at + 1)}`, moved).reading;
        assert.ok(isMovedTree(docs(first)[9], docs(again)[9], 2));
        assert.ok(!isMovedTree(docs(first)[9], docs(again)[9], 1));
        assert.ok(!isMovedTree(docs(first)[8], docs(again)[9], 2), 'another document');
      });
  });
