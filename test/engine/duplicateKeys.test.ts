// Repeated keys are found in linear time by syntax.ts (the `yaml` package's own check is quadratic
// in a map's keys). They must be exactly what the package reports with `uniqueKeys: true`: the same
// errors, at the same offsets, in the same order among the document's other errors.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { parseYaml, withDuplicateKeyErrors } from '../../server/src/engine/syntax';
import { CORPUS_DIR, needsCorpus } from '../support/corpus';
import { REPO_ROOT } from '../support/cli';
import { yamlFiles } from '../support/yamlFiles';

const OPTIONS = { prettyErrors: false, keepSourceTokens: false, strict: false } as const;

function assertSameErrors(text: string, where: string): void {
  const expected = parseAllDocuments(text, { ...OPTIONS, uniqueKeys: true });
  const actual = parseAllDocuments(text, { ...OPTIONS, uniqueKeys: false });
  if (!Array.isArray(expected) || !Array.isArray(actual)) return;
  expected.forEach((doc, i) => {
    const want = doc.errors.map((e) => [e.code, e.pos]);
    const got = withDuplicateKeyErrors(actual[i]).map((e) => [e.code, e.pos]);
    assert.deepEqual(got, want, `${where}, document ${i}`);
  });
}

const CASES = [
  'a: 1\n&x a: 2\n!!str a: 3\n',
  '{a: 1, a: 2, "a": 3}\n',
  '? a\n: 1\n? a\n: 2\n',
  '<<: {a: 1}\n<<: {b: 2}\n',
  ': 1\n: 2\nnull: 3\n~: 4\n',
  'a: 1\nb: [\na: 2\n',
  '1: a\n1.0: b\n0x1: c\n"1": d\n.nan: e\n.nan: f\ntrue: g\nTrue: h\n',
  'a:\n  b: 1\n  b: 2\n  c: {d: 1, d: 2}\nl:\n- x: 1\n  x: 2\n- {y: 1, y: 1}\na: 3\n',
  'k: &a v\n*a : 2\nv: 3\n',
  'a: 1\n? [x]\n: 1\n? [x]\n: 2\na:\n',
  'a: 1\nb: "unterminated\na: 2\n',
  'a: 1\n---\na: 1\na: 2\n--- |\n  text\n',
];

test('repeated keys: the same errors as the yaml package finds, in tricky cases', () => {
  CASES.forEach((text, i) => assertSameErrors(text, `case ${i}`));
});

test('repeated keys: the same errors as the yaml package finds, in fixtures and examples', () => {
  let files = 0;
  for (const dir of ['test/fixtures', 'examples'])
    for (const file of yamlFiles(path.join(REPO_ROOT, dir))) {
      assertSameErrors(fs.readFileSync(file, 'utf8'), file);
      files++;
    }
  assert.ok(files > 100, `${files} files`);
});

test('repeated keys: the same errors as the yaml package finds, in the corpus', needsCorpus, () => {
  let withRepeats = 0;
  for (const file of yamlFiles(CORPUS_DIR)) {
    // The large install bundles only repeat what smaller files show, at most of this test's cost.
    if (fs.statSync(file).size > 256 * 1024) continue;
    const text = fs.readFileSync(file, 'utf8');
    assertSameErrors(text, file);
    if (parseYaml(text).problems.some((p) => p.rule === 'yaml-duplicate-key')) withRepeats++;
  }
  assert.ok(withRepeats > 0, 'the corpus has files with repeated keys');
});

test('a map of 30,000 keys with one repeat is read, and the repeat reported', () => {
  // Quadratic, this took half a minute; 200,000 keys (15 MiB) took many minutes.
  const keys = Array.from({ length: 30_000 }, (_, k) => `  key-${k}: v\n`).join('');
  // An anchor makes the fast reader decline: the yaml package's path is the one measured.
  const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: &n big\ndata:\n${keys}  key-7: again\n`;
  const parsed = parseYaml(text);
  const repeats = parsed.problems.filter((p) => p.rule === 'yaml-duplicate-key');
  assert.equal(repeats.length, 1);
  assert.equal(text.slice(repeats[0].span.start, repeats[0].span.end), 'key-7');
});
