#!/usr/bin/env node
// The test command's runner (npm test builds first): every test file under out/test, two at a time
// (the suite is measured on 2 cores), the slowest first. Node starts files in the order given, and
// a long file started last sets the wall time: the hostile table alone is about 40% of the suite.
// One argument is understood: --test-name-pattern=REGEX, as for `node --test`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'out/test');

/** The slowest files, slowest first (measured with code-server and helm present, as in CI). */
const SLOWEST_FIRST = [
  'resilience/hostile',
  'e2e/editor',
  'e2e/map',
  'e2e/helm',
  'webview/map',
  'cli',
  'engine/incremental',
  'resilience/generated',
  'resilience/cacheFaults',
  'cli-cache',
  'lint',
  'engine/fastParse',
].map((name) => path.join(OUT, `${name}.test.js`));

function testFiles(dir) {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => {
      const p = path.join(dir, e.name);
      return e.isDirectory() ? testFiles(p) : e.name.endsWith('.test.js') ? [p] : [];
    })
    .sort();
}

const all = testFiles(OUT);
// A name that no longer matches a file fails the run, so the list cannot quietly go stale.
const missing = SLOWEST_FIRST.filter((f) => !all.includes(f));
if (missing.length > 0) {
  console.error(`scripts/test.mjs: no such test file: ${missing.map((f) => path.relative(ROOT, f)).join(', ')}`);
  process.exit(2);
}
const ordered = [...SLOWEST_FIRST, ...all.filter((f) => !SLOWEST_FIRST.includes(f))];
// `node --test FILE...` sorts the files it is given; run() starts them in the order given.
const namePattern = process.argv.slice(2).find((a) => a.startsWith('--test-name-pattern='));
const stream = run({
  files: ordered,
  concurrency: 2,
  testNamePatterns: namePattern ? [namePattern.slice('--test-name-pattern='.length)] : undefined,
});
stream.on('test:fail', (event) => {
  // A failing subtest fails its file's test too; a todo test's failure fails nothing.
  if (!event.todo) process.exitCode = 1;
});
stream.compose(spec).pipe(process.stdout);
