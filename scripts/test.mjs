#!/usr/bin/env node
// The test command's runner (npm test builds first): every test file under out/test, two at a time
// (the suite is measured on 2 cores), the slowest first, then the editor end-to-end files one at a
// time. Node starts files in the order given, and a long file started last sets the wall time: the
// hostile table alone is about 40% of the suite.
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
const namePattern = process.argv.slice(2).find((a) => a.startsWith('--test-name-pattern='));

/** Runs the files, `concurrency` at a time, in the order given; resolves when their report is out. */
function runFiles(files, concurrency) {
  // `node --test FILE...` sorts the files it is given; run() starts them in the order given.
  const stream = run({
    files,
    concurrency,
    testNamePatterns: namePattern ? [namePattern.slice('--test-name-pattern='.length)] : undefined,
  });
  stream.on('test:fail', (event) => {
    // A failing subtest fails its file's test too; a todo test's failure fails nothing.
    if (!event.todo) process.exitCode = 1;
  });
  const report = stream.compose(spec);
  report.pipe(process.stdout, { end: false });
  return new Promise((resolve) => report.on('end', resolve));
}

// The editor end to end (code-server, Chromium, the extension host and the server) loads both
// cores by itself: those files run after the others, one at a time. Beside the hostile table or
// each other, a window once waited more than two minutes for the extension.
const endToEnd = ordered.filter((f) => f.includes(`${path.sep}e2e${path.sep}`));
await runFiles(
  ordered.filter((f) => !endToEnd.includes(f)),
  2,
);
if (endToEnd.length > 0) {
  console.log('\n# The editor end to end (code-server and Chromium), one file at a time\n');
  await runFiles(endToEnd, 1);
}
