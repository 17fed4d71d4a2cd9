// Property-based tests with fast-check over real manifests from ../shared/corpus: mutated inputs
// never make the engine throw, every diagnostic lies inside its file, and the result does not
// depend on the order the files are read in. Skipped when the corpus is absent (test/support/corpus.ts).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { analyze, DEFAULT_CONFIG, type Analysis } from '../../server/src/engine';
import { corpusDir, needsCorpus } from '../support/corpus';
import { manifestFiles } from '../support/fixtures';

const SCOPES = [
  'voting-app',
  'sock-shop/manifests',
  'sock-shop/manifests-policy',
  'acs-security-demos',
  'k8s-examples/web/guestbook-go',
  'podinfo-kustomize/deploy',
];
let files: { path: string; text: string }[] | undefined;
/** The sample of the corpus, read on first use (inside a test, so that a missing corpus fails or skips that test). */
const sample = () =>
  (files ??= SCOPES.flatMap((s) => manifestFiles(corpusDir(s))).map((f) => ({
    path: path.relative(corpusDir(), f).split(path.sep).join('/'),
    text: fs.readFileSync(f, 'utf8'),
  })));

const summary = (a: Analysis) =>
  a.diagnostics.map((d) => `${d.file}:${d.span.start}-${d.span.end} ${d.rule} ${d.message}`);

test('the result does not depend on the order files are read in', needsCorpus, () => {
  const FILES = sample();
  assert.ok(FILES.length > 40);
  const expected = summary(analyze({ files: FILES, config: DEFAULT_CONFIG }));
  assert.ok(expected.length > 0, 'the sample has findings (sock-shop policies)');
  fc.assert(
    fc.property(fc.shuffledSubarray(FILES, { minLength: FILES.length, maxLength: FILES.length }), (shuffled) => {
      assert.deepEqual(summary(analyze({ files: shuffled, config: DEFAULT_CONFIG })), expected);
    }),
    { numRuns: 25, seed: 7 },
  );
});

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.constantFrom(
      '{',
      '[',
      ':',
      '- ',
      '\t',
      '"',
      "'",
      '&a ',
      '*a',
      '\n---\n',
      '\u0000',
      '{{ x }}',
      '\n  ',
      'port: "x"',
    ),
  }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 400 }) }),
);

function mutate(
  text: string,
  m: fc.Arbitrary<unknown> extends never ? never : { kind: string; at: number; length?: number; text?: string },
): string {
  const at = text.length ? m.at % text.length : 0;
  if (m.kind === 'delete') return text.slice(0, at) + text.slice(at + (m.length ?? 1));
  if (m.kind === 'insert') return text.slice(0, at) + (m.text ?? '') + text.slice(at);
  return text.slice(0, at) + text.slice(at, at + (m.length ?? 1)) + text.slice(at);
}

test('mutated manifests never make the engine throw, and diagnostics stay inside their files', needsCorpus, () => {
  const FILES = sample();
  fc.assert(
    fc.property(
      fc.nat({ max: FILES.length - 1 }),
      fc.array(mutation, { minLength: 1, maxLength: 5 }),
      (index, mutations) => {
        const file = FILES[index];
        const text = mutations.reduce((t, m) => mutate(t, m), file.text);
        const files = FILES.map((f, i) => (i === index ? { path: f.path, text } : f));
        const a = analyze({ files, config: DEFAULT_CONFIG });
        assert.deepEqual(a.ruleFailures, []);
        const lengths = new Map(files.map((f) => [f.path, f.text.length]));
        for (const d of a.diagnostics) {
          const length = lengths.get(d.file) ?? 0;
          assert.ok(
            d.span.start >= 0 && d.span.start <= d.span.end && d.span.end <= length,
            `${d.rule} at ${d.span.start}-${d.span.end} in ${d.file} (${length})`,
          );
        }
      },
    ),
    { numRuns: 150, seed: 42 },
  );
});
