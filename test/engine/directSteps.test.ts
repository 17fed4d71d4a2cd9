// The stepped reading of one large document (fastParse.ts parseDirectSteps, shape.ts
// overShapeLimitsSteps, and documents.ts for texts it parses whole) against the reading in one
// step: the same result, exactly (documents, spans, values, node classes, problems, or the same
// decline), over the corpus, the fixtures and examples, hand-written edge cases, generated
// documents over the stepped threshold (read line by line, declined to the CST reader, over the
// shape limits), small texts the line-by-line reader declines (an anchor, a tab, a flow map over
// two lines, an unclosed quote) and one it reports (a repeated key). Also the stepped comparison of
// a moved tree (isMovedTreeSteps).
import { test, describe } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMovedTreeSteps, readDocuments, wholeReading } from '../../server/src/engine/documents';
import { parseDirect, parseDirectSteps } from '../../server/src/engine/fastParse';
import { overShapeLimits, overShapeLimitsSteps, type ShapeLimits } from '../../server/src/engine/shape';
import { parseYamlFast, parseYamlReporting, parseYamlReportingSteps } from '../../server/src/engine/syntax';
import { TREE_BUILDERS } from '../../server/src/engine/yamlTree';
import { DEFAULT_CONFIG } from '../../server/src/engine';
import { REPO_ROOT } from '../support/cli';
import { CORPUS_DIR, corpusDir, needsCorpus } from '../support/corpus';
import { yamlFiles } from '../support/yamlFiles';
import { runSteps } from '../support/steps';

const LIMITS: ShapeLimits = {
  maxNodesPerFile: DEFAULT_CONFIG.maxNodesPerFile,
  maxNestingDepth: DEFAULT_CONFIG.maxNestingDepth,
};

const readTexts = (files: string[]) => files.map((f) => ({ label: f, text: fs.readFileSync(f, 'utf8') }));
const LOCAL = readTexts([
  ...yamlFiles(path.join(REPO_ROOT, 'test/fixtures')),
  ...yamlFiles(path.join(REPO_ROOT, 'examples')),
]);

/** The line-by-line reading in steps equals the one in one step (both undefined when it declines). */
function directAgrees(text: string, label: string): { accepted: boolean; yields: number } {
  const whole = parseDirect(text, TREE_BUILDERS);
  const { value, yields } = runSteps(parseDirectSteps(text, TREE_BUILDERS));
  assert.deepStrictEqual(value, whole, label);
  return { accepted: whole !== undefined, yields };
}

/** The shape pre-check in steps says what the one-step pre-check says, under several limits. */
function shapeAgrees(text: string, label: string): void {
  for (const limits of [
    LIMITS,
    { maxNodesPerFile: 40, maxNestingDepth: 3 },
    { maxNodesPerFile: 2000, maxNestingDepth: 8 },
  ])
    assert.equal(runSteps(overShapeLimitsSteps(text, limits)).value, overShapeLimits(text, limits), label);
}

/**
 * A text's reading by documents.ts (stepped when it is long and parsed whole) against the reading in
 * one step (wholeReading, what documents.ts did before), or the pre-check's refusal. Returns the yields.
 */
function readingAgrees(text: string, limits: ShapeLimits, label: string): number {
  const { value, yields } = runSteps(readDocuments(text, undefined, limits));
  const over = overShapeLimits(text, limits);
  if (over !== undefined) assert.deepStrictEqual(value, { over }, label);
  else assert.deepStrictEqual(value, wholeReading(text), label);
  return yields;
}

/** One ConfigMap of `keys` data entries (the hostile table's 15 MiB document, at a size given). */
const configMap = (keys: number) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: one\ndata:\n${Array.from({ length: keys }, (_, k) => `  key-${k}: "${'v'.repeat(60)}"\n`).join('')}`;

/** Over documents.ts's threshold (1 MiB) for the stepped reading. */
const BIG = 1.05 * 1024 * 1024;
const BIG_KEYS = Math.ceil(BIG / 72);

/** One document nesting the texts in turn under keys of its root map (lines indented by two spaces), up to `size` (one at least). */
function nested(texts: readonly string[], size: number): string {
  const parts: string[] = [];
  let length = 0;
  for (let i = 0; texts.length > 0 && (i === 0 || length < size); i++) {
    const text = texts[i % texts.length];
    const part = `f${i}:\n${text
      .split('\n')
      .map((line) => (line === '' ? line : `  ${line}`))
      .join('\n')}${text.endsWith('\n') ? '' : '\n'}`;
    parts.push(part);
    length += part.length;
  }
  return parts.join('');
}

/** A text as an item of a block sequence at the root's indentation. */
const asItem = (text: string) => `- ${text.replace(/\n(?=.)/g, '\n  ')}${text.endsWith('\n') ? '' : '\n'}`;

/** The texts of one document with a map at its root that the line-by-line reader accepts, also nested and as items. */
const plainMaps = (texts: readonly { text: string }[]) =>
  texts
    .map((t) => t.text)
    .filter((text) => {
      const parsed = parseDirect(text, TREE_BUILDERS);
      const one = parsed?.documents.length === 1 && parsed.documents[0].contents?.type === 'map';
      return (
        one &&
        parseDirect(nested([text], 0), TREE_BUILDERS) !== undefined &&
        parseDirect(`items:\n${asItem(text)}`, TREE_BUILDERS) !== undefined
      );
    });

const EDGE_CASES = [
  '',
  '\n',
  '# c\n',
  '---\n',
  'a: 1\n',
  'a:\n  - b\n  - c: d\n    e: |\n      x\n      y\n  -\n    f: [1, "2"]\n# end\n',
  'a:\n- b\n- c\nd: e\n',
  'a: # c\n  b: 1\n\n  # d\nz: 2\n',
  'a: 1\na: 2\n',
  'a: &x 1\nb: *x\n',
  'a:\tb\n',
  '- - - a\n    - b\n  - c\n- d\n',
  // Comments indented one past a collection join its last scalar; block scalars indented one past it.
  'a:\n- x\n # c\n- y\n',
  'a: x\n # c\nb: y\n',
  '- |\n x\n- >-\n y\n\n z\n',
  'a: |\n b\nc: >+\n d\n',
];

describe('a large document read in steps equals the reading in one step', () => {
  test('on the shared corpus', needsCorpus, () => {
    const corpus = readTexts(yamlFiles(corpusDir()));
    assert.ok(corpus.length > 100, `corpus files: ${corpus.length}`);
    let accepted = 0;
    for (const { label, text } of corpus) {
      if (directAgrees(text, label).accepted) accepted++;
      shapeAgrees(text, label);
    }
    assert.ok(accepted > corpus.length / 2, `the line-by-line reader accepted ${accepted} of ${corpus.length}`);
  });

  test('on the fixtures, examples and edge cases', () => {
    assert.ok(LOCAL.length > 50, `local files: ${LOCAL.length}`);
    let accepted = 0;
    for (const { label, text } of [...LOCAL, ...EDGE_CASES.map((text) => ({ label: JSON.stringify(text), text }))]) {
      if (directAgrees(text, label).accepted) accepted++;
      shapeAgrees(text, label);
    }
    assert.ok(accepted > 20, `the line-by-line reader accepted ${accepted}`);
  });

  test('on a document of many keys, read in many steps', () => {
    const text = configMap(BIG_KEYS);
    assert.ok(text.length > BIG);
    const { accepted, yields } = directAgrees(text, 'configMap');
    assert.ok(accepted, 'the line-by-line reader accepts it');
    assert.ok(yields > 100, `yields: ${yields}`);
    shapeAgrees(text, 'configMap');
    // documents.ts: the pre-check and the parse both in steps.
    assert.ok(readingAgrees(text, LIMITS, 'configMap') > yields, 'documents.ts reads it in steps');
  });

  test('on large documents built of the corpus or the fixtures (nested maps, sequences, comments, block scalars)', () => {
    const sources = plainMaps(fs.existsSync(CORPUS_DIR) ? readTexts(yamlFiles(CORPUS_DIR)) : LOCAL);
    assert.ok(sources.length > 20, `sources: ${sources.length}`);
    const text = nested(sources, BIG);
    const { accepted, yields } = directAgrees(text, 'nested');
    shapeAgrees(text, 'nested');
    readingAgrees(text, LIMITS, 'nested');
    // Each source alone is accepted, and nesting keeps it so: the large text is read line by line too.
    assert.ok(accepted && yields > 100, `accepted: ${accepted}, yields: ${yields}`);
    const sequence = `items:\n${sources.slice(0, 200).map(asItem).join('')}`;
    const seqText = nested([sequence], BIG);
    assert.ok(directAgrees(seqText, 'sequence').accepted, 'the sequences are read line by line');
    readingAgrees(seqText, LIMITS, 'sequence');
  });

  test('on documents the line-by-line reader declines: the other readers take them as before', () => {
    // Small ones: what parseYamlReportingSteps does after a decline does not depend on the size.
    const base = configMap(50);
    const variants: [string, string][] = [
      // Read line by line, and reported.
      ['a repeated key at the end', `${base}  key-0: "again"\n`],
      // Read by the composer.
      ['an unclosed quote at the end (re-read)', `${base}  last: "x\n  y: "z"\n`],
      ['an anchor and an alias', `${base}  last: &a x\n  alias: *a\n`],
      // Read from the CST.
      ['a tab at the end', `${base}  last: "a\tb"\n`],
      ['an escaped line break in double quotes at the end', `${base}  last: "a\\\n    b"\n`],
      // Read line by line.
      ['a second document', `${base}---\nkind: Other\n`],
    ];
    for (const [label, text] of [...variants, ...EDGE_CASES.map((t): [string, string] => [JSON.stringify(t), t])]) {
      directAgrees(text, label);
      assert.deepStrictEqual(runSteps(parseYamlReportingSteps(text)).value, parseYamlReporting(text), label);
    }
    assert.ok(
      parseDirect(variants[0][1], TREE_BUILDERS)?.problems.some((p) => p.rule === 'yaml-duplicate-key'),
      'the repeated key is read line by line and reported',
    );
    assert.ok(parseYamlReporting(variants[1][1]).reread, 'the unclosed quote is re-read');
    // A large one through documents.ts (the CST reader: a second of reading each time).
    const large = `${configMap(BIG_KEYS)}  last: "a\tb"\n`;
    assert.equal(parseDirect(large, TREE_BUILDERS), undefined, 'the tab declines');
    assert.ok(parseYamlFast(large), 'the CST reader reads it');
    readingAgrees(large, LIMITS, 'a large document with a tab in a quoted value');
  });

  test('on a large document over the shape limits', () => {
    const text = configMap(BIG_KEYS);
    for (const limits of [
      { maxNodesPerFile: 1000, maxNestingDepth: 64 },
      { maxNodesPerFile: LIMITS.maxNodesPerFile, maxNestingDepth: 1 },
    ]) {
      const { value } = runSteps(readDocuments(text, undefined, limits));
      assert.ok('over' in value && value.over !== undefined, `over the limits ${JSON.stringify(limits)}`);
      readingAgrees(text, limits, 'over the limits');
    }
  });
});

test('a large tree moved by an edit is compared in steps', () => {
  const text = configMap(20_000);
  const tree = (t: string) => runSteps(parseDirectSteps(t, TREE_BUILDERS)).value!.documents[0].contents;
  const before = tree(text);
  const moved = tree(`# a comment\n${text}`);
  const changed = tree(text.replace('key-19999: "v', 'key-19999: "w'));
  const delta = '# a comment\n'.length;
  // The root, apiVersion, kind, metadata, its name, data and its values (keys are held by their pairs).
  const nodes = 6 + 20_000;
  const run = (a: typeof before, b: typeof before, d: number, budget?: number) =>
    runSteps(isMovedTreeSteps(a, b, d, budget));
  const same = run(before, moved, delta, nodes);
  assert.equal(same.value, true);
  assert.ok(same.yields >= 9, `yields: ${same.yields}`);
  assert.equal(run(before, moved, delta, nodes - 1).value, false, 'over the budget');
  assert.equal(run(before, moved, delta + 1).value, false, 'another delta');
  const differs = run(before, changed, 0);
  assert.equal(differs.value, false, 'a value changed at the end');
  // The data map is one node of 20,000 pairs: its pairs are compared in steps too.
  assert.ok(differs.yields >= 4, `yields: ${differs.yields}`);
  assert.equal(run(before, before, 0).value, true);
});
