// The parse cache's codec: every tree the parser produces comes back identical after a trip
// through JSON text (values, texts, spans, problems, shared alias targets), and damaged data is
// refused rather than trusted. The corpus part skips when the corpus is absent (test/support/corpus.ts).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeParsedFile, encodeParsedFile } from '../../server/src/engine/parsedCodec';
import { parseYaml, type ParsedFile, type YMap } from '../../server/src/engine/syntax';
import { REPO_ROOT } from '../support/cli';
import { corpusDir, needsCorpus } from '../support/corpus';
import { yamlFiles } from '../support/yamlFiles';

const roundTrip = (parsed: ParsedFile) => decodeParsedFile(JSON.parse(JSON.stringify(encodeParsedFile(parsed))));

/** Asserts that every file parses and comes back unchanged; returns how many documents there were. */
function assertRoundTrips(files: string[]): number {
  let documents = 0;
  for (const file of files) {
    const parsed = parseYaml(fs.readFileSync(file, 'utf8'));
    documents += parsed.documents.length;
    assert.deepStrictEqual(roundTrip(parsed), parsed, file);
  }
  return documents;
}

test('every fixture and example manifest survives the round trip unchanged', () => {
  const files = [...yamlFiles(path.join(REPO_ROOT, 'test/fixtures')), ...yamlFiles(path.join(REPO_ROOT, 'examples'))];
  assert.ok(files.length > 100, `found ${files.length} files`);
  assert.ok(assertRoundTrips(files) > 300);
});

test('every corpus manifest survives the round trip unchanged', needsCorpus, () => {
  const files = yamlFiles(corpusDir());
  assert.ok(files.length > 500, `found ${files.length} files`);
  assert.ok(assertRoundTrips(files) > 500);
});

test('scalars of every type, problems and empty documents keep their values and texts', () => {
  const text = [
    'a: 1.0',
    'b: yes',
    'c: ~',
    'd: .nan',
    'e: -.inf',
    'f: "80"',
    'g: 0x1F',
    'h: true',
    'i:',
    'j: [1, "x", null]',
    'k: k',
    'k: again',
    '---',
    '---',
    'bad: [unclosed',
    '',
  ].join('\n');
  const parsed = parseYaml(text);
  assert.ok(parsed.problems.some((p) => p.rule === 'yaml-duplicate-key'));
  assert.ok(parsed.problems.some((p) => p.rule === 'yaml-syntax'));
  const decoded = roundTrip(parsed);
  assert.deepStrictEqual(decoded, parsed);
  const values = (
    decoded!.documents[0].contents as YMap as unknown as { pairs: { value: { value: unknown } | null }[] }
  ).pairs.map((p) => p.value?.value);
  assert.ok(values.some((v) => Number.isNaN(v)));
  assert.ok(values.includes(-Infinity));
});

test('nodes shared by aliases stay shared after decoding, so an alias-heavy document does not grow', () => {
  const parsed = parseYaml('base: &b {x: 1, y: [1, 2]}\none: *b\ntwo: *b\nthree: *b\n');
  const values = (file: ParsedFile) => (file.documents[0].contents as YMap).pairs.map((p) => p.value);
  const before = values(parsed);
  assert.equal(before[2], before[1], 'the parser shares alias targets');
  const encoded = JSON.stringify(encodeParsedFile(parsed));
  assert.ok((encoded.match(/"y"/g)?.length ?? 0) <= 2, encoded);
  const decoded = roundTrip(parsed)!;
  const after = values(decoded);
  for (let i = 0; i < before.length; i++) {
    for (let j = 0; j < before.length; j++) assert.equal(after[i] === after[j], before[i] === before[j], `${i} ${j}`);
  }
  assert.deepStrictEqual(decoded, parsed);
});

test('damaged data is refused', () => {
  const good = encodeParsedFile(parseYaml('a: {b: [1]}\n'));
  for (const bad of [
    null,
    42,
    'text',
    {},
    { documents: [] },
    { documents: [[0, 0, 5]], problems: [] },
    { documents: [[0, 0, 5, [9, 0, 1]]], problems: [] },
    { documents: [[0, 0, 5, [2, 0, 5, [0, 0, 1, 'a']]]], problems: [] }, // a key without its value
    { documents: [[0, 0, 5, [5, 7]]], problems: [] }, // a reference to nothing
    { documents: [[0, -1, 5, null]], problems: [] },
    { documents: good.documents, problems: [[0, 1, 'x', 'not-a-rule']] },
  ]) {
    assert.equal(decodeParsedFile(bad), undefined, JSON.stringify(bad));
  }
  assert.ok(decodeParsedFile(JSON.parse(JSON.stringify(good))));
});
