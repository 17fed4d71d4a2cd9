// The shape pre-check (engine/shape.ts) reads character codes and jumps over comments; it must
// count exactly as the scan first written one character string at a time (test/support/
// referenceShapeScan.ts): the same nodes, depth, open state and refusal, for whole texts and for
// scans resumed at any place (the steps of a large file), over the examples, fixtures, the corpus
// and random YAML-like texts.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { ShapeScan, type ShapeLimits } from '../../server/src/engine/shape';
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
