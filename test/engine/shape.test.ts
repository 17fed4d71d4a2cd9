// The shape pre-check (engine/shape.ts) reads character codes and jumps over comments; it must
// count exactly as the scan first written one character string at a time (test/support/
// referenceShapeScan.ts): the same nodes, depth, open state and refusal, for whole texts and for
// scans resumed at any place (the steps of a large file), over the examples, fixtures, the corpus
// and random YAML-like texts. overShapeLimits, which skips the scan where native searches bound
// both counts, must refuse exactly the texts the whole scan refuses, with the same reason.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { overShapeLimits, overShapeLimitsSteps, ShapeScan, type ShapeLimits } from '../../server/src/engine/shape';
import { runToEnd } from '../../server/src/engine/incremental';
import { REPO_ROOT } from '../support/cli';
import { corpusDir, needsCorpus } from '../support/corpus';
import { ReferenceShapeScan } from '../support/referenceShapeScan';
import { yamlFiles } from '../support/yamlFiles';

const UNLIMITED: ShapeLimits = { maxNodesPerFile: Infinity, maxNestingDepth: Infinity };

/** What a scan ends with, run to `stops` in turn and then to the end. */
function outcome(scan: ShapeScan | ReferenceShapeScan, length: number, stops: readonly number[]) {
  for (const to of stops) if (scan.run(Math.min(to, length))) break;
  scan.run(length);
  return { nodes: scan.nodes, depth: scan.depth, over: scan.over, open: scan.flow > 0 || !!scan.quote };
}

function agrees(text: string, limits: ShapeLimits, stops: readonly number[], label: string): void {
  assert.deepEqual(
    outcome(new ShapeScan(text, limits), text.length, stops),
    outcome(new ReferenceShapeScan(text, limits), text.length, stops),
    label,
  );
}

test('the pre-check counts as the reference over the examples and fixtures', () => {
  const files = [...yamlFiles(path.join(REPO_ROOT, 'examples')), ...yamlFiles(path.join(REPO_ROOT, 'test/fixtures'))];
  assert.ok(files.length > 50, `${files.length} files`);
  for (const f of files) {
    const text = fs.readFileSync(f, 'utf8');
    agrees(text, UNLIMITED, [], f);
    agrees(text, { maxNodesPerFile: 20, maxNestingDepth: 4 }, [7, 64, 65, 300], `${f}, small limits, in steps`);
  }
});

test('the pre-check counts as the reference over the corpus', needsCorpus, () => {
  const files = yamlFiles(corpusDir());
  assert.ok(files.length > 1000, `${files.length} files`);
  for (const f of files) agrees(fs.readFileSync(f, 'utf8'), UNLIMITED, [1000], f);
});

test('the pre-check counts as the reference over random texts, resumed anywhere (fast-check)', () => {
  const piece = fc.constantFrom(
    ...['a', 'key: ', '- ', '  ', '\n', '\r', '\r\n', '\t', '#', ' # c', '"', "'", '\\', '[', ']', '{', '}', ','],
    ...[':', '-', 'x"y', "x'y", '\u00a0', '\u2028', '\u2003', '\ufeff', '---\n', '"a\\"b"', "'it''s'"],
  );
  const text = fc.array(piece, { maxLength: 60 }).map((ps) => ps.join(''));
  fc.assert(
    fc.property(
      text,
      fc.array(fc.nat({ max: 200 }), { maxLength: 4 }),
      fc.integer({ min: 1, max: 30 }),
      fc.integer({ min: 1, max: 8 }),
      (t, stops, maxNodes, maxDepth) => {
        const sorted = [...stops].sort((a, b) => a - b);
        agrees(t, UNLIMITED, sorted, JSON.stringify(t));
        agrees(t, { maxNodesPerFile: maxNodes, maxNestingDepth: maxDepth }, sorted, JSON.stringify(t));
      },
    ),
    { numRuns: 3000, seed: 11 },
  );
});

/** The whole scan's refusal, with no shortcut. */
const scanned = (text: string, limits: ShapeLimits) => outcome(new ShapeScan(text, limits), text.length, []).over;

function refusesAsTheScan(text: string, limits: ShapeLimits, label: string): void {
  const expected = scanned(text, limits);
  assert.equal(overShapeLimits(text, limits), expected, label);
  assert.equal(runToEnd(overShapeLimitsSteps(text, limits)), expected, `${label}, in steps`);
}

test('overShapeLimits refuses exactly what the scan refuses, at the bounds of its shortcut', () => {
  const limits: ShapeLimits = { maxNodesPerFile: 1000, maxNestingDepth: 8 };
  const deep = (spaces: number, brackets: string) =>
    `a:\n${Array.from({ length: spaces }, (_, i) => `${' '.repeat(i + 1)}k${i}:\n`).join('')}${' '.repeat(spaces)}v: ${brackets}\n`;
  let refused = 0;
  for (let spaces = 0; spaces <= 10; spaces++) {
    for (const brackets of ['', '[', '[[', '{[', '[1, {a: [2]}]', '"[{"', '# [{']) {
      const text = deep(spaces, brackets);
      if (scanned(text, limits) !== undefined) refused++;
      refusesAsTheScan(text, limits, JSON.stringify(text));
      refusesAsTheScan(text.replace(/\n/g, '\r'), limits, `${JSON.stringify(text)} with CR`);
    }
  }
  // Both sides of the shortcut are crossed: texts within the limit, and texts over it.
  assert.ok(refused > 10 && refused < 70, `${refused} refused`);
  // Node counts: at half the limit the shortcut no longer applies; the scan decides.
  for (const length of [498, 499, 500, 501, 999, 1000, 1001]) {
    const text = 'a, '.repeat(Math.ceil(length / 3)).slice(0, length);
    for (const t of [text, `[${text}]`, text.replace(/ /g, '\n')])
      refusesAsTheScan(t, { maxNodesPerFile: 1000, maxNestingDepth: 256 }, `${t.length} characters`);
  }
});

function refusesAsTheScanIn(files: readonly string[]): void {
  let refused = 0;
  for (const f of files) {
    const text = fs.readFileSync(f, 'utf8');
    for (const limits of [
      { maxNodesPerFile: 2_000_000, maxNestingDepth: 256 },
      { maxNodesPerFile: 200, maxNestingDepth: 6 },
    ]) {
      if (scanned(text, limits) !== undefined) refused++;
      refusesAsTheScan(text, limits, f);
    }
  }
  // Some texts are over the small limits: both outcomes are compared.
  assert.ok(refused > 10, `${refused} refused`);
}

test('overShapeLimits refuses exactly what the scan refuses over the examples and fixtures', () => {
  const files = [...yamlFiles(path.join(REPO_ROOT, 'examples')), ...yamlFiles(path.join(REPO_ROOT, 'test/fixtures'))];
  assert.ok(files.length > 50, `${files.length} files`);
  refusesAsTheScanIn(files);
});

test('overShapeLimits refuses exactly what the scan refuses over the corpus', needsCorpus, () => {
  const files = yamlFiles(corpusDir());
  assert.ok(files.length > 1000, `${files.length} files`);
  refusesAsTheScanIn(files);
});

test('overShapeLimits refuses exactly what the scan refuses over random texts (fast-check)', () => {
  const piece = fc.constantFrom(
    ...['a', 'key: ', '- ', '  ', '    ', '\n', '\r', '\r\n', '\t', '#', ' # c', '"', "'", '\\', '[', ']', '{', '}'],
    ...[',', ':', '\u00a0', '---\n', '"a\\"b"', "'it''s'"],
  );
  fc.assert(
    fc.property(
      fc.array(piece, { maxLength: 80 }).map((ps) => ps.join('')),
      fc.integer({ min: 1, max: 120 }),
      fc.integer({ min: 1, max: 12 }),
      (t, maxNodes, maxDepth) => {
        refusesAsTheScan(t, { maxNodesPerFile: maxNodes, maxNestingDepth: maxDepth }, JSON.stringify(t));
      },
    ),
    { numRuns: 5000, seed: 7 },
  );
});
