// `npm run bench`: the cold check against three floors measured in the same run, each over the same
// files with listing and reading included — reading the bytes, js-yaml's `loadAll`, and the `yaml`
// package's `parseAllDocuments` — at 1,000, 5,000 and 20,000 resources in three layouts (a file per
// resource, a file per app, one file of all the documents as install bundles are), plus the real
// corpus. `BENCH_LARGE=1` adds 100,000 resources (a file per resource; minutes on a shared
// machine); `BENCH_SIZES=1000,5000` picks the sizes. A benchmark, not a test: it asserts nothing.
// 'engine' is the analysis in this process (read + analyse); 'check' the whole CLI process (start,
// list, read, analyse, print) with its peak resident memory. Ratios are check time / floor time.
// Precision and recall on the same shapes: the clean workspace must give no diagnostics at all
// ('clean'), and a variant with planted faults (bench/generate.mjs) must give every expected
// diagnostic ('found' of expected) and no other warning or error ('other'), through the CLI.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { generateFaultyWorkspace, generateWorkspace } from './generate.mjs';

const require = createRequire(import.meta.url);
const { parseAllDocuments } = require('yaml');
const jsYaml = require('js-yaml');
const { analyze, DEFAULT_CONFIG } = require('../out/server/src/engine/index.js');
const { listManifests, readWorkspace } = require('../out/server/src/node/readWorkspace.js');

const best = (runs, fn) => {
  let min = Infinity;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    min = Math.min(min, performance.now() - t);
  }
  return min;
};

/** Each floor lists the files as the check does, then reads (and parses) every one. */
const listed = (dir) => listManifests([dir], DEFAULT_CONFIG).map((e) => e.absolutePath);
const FLOORS = {
  bytes: (dir) => listed(dir).forEach((f) => fs.readFileSync(f)),
  jsYaml: (dir) =>
    listed(dir).forEach((f) => {
      try {
        jsYaml.loadAll(fs.readFileSync(f, 'utf8'));
      } catch {
        // a file js-yaml refuses (the corpus has some): it stopped early, which only flatters the floor
      }
    }),
  yaml: (dir) => listed(dir).forEach((f) => parseAllDocuments(fs.readFileSync(f, 'utf8'))),
};

const RSS_PROBE = path.resolve('bench/rss.cjs');
const RSS_FILE = path.join(os.tmpdir(), `ktl-bench-rss-${process.pid}`);

/** `check --format json` in `dir`, paths relative to it: the report, wall time and peak RSS (MB). */
function check(dir) {
  const t = performance.now();
  const r = spawnSync(
    process.execPath,
    ['-r', RSS_PROBE, path.resolve('dist/cli.js'), 'check', '--format', 'json', '.'],
    {
      cwd: dir,
      encoding: 'utf8',
      maxBuffer: 1 << 28,
      env: { ...process.env, KTL_BENCH_RSS_FILE: RSS_FILE },
    },
  );
  const ms = performance.now() - t;
  if (r.status !== 0 && r.status !== 1) throw new Error(r.stderr);
  const rssMb = Number(fs.readFileSync(RSS_FILE, 'utf8')) / 1024;
  return { report: JSON.parse(r.stdout), ms, rssMb };
}

/** Expected diagnostics (file, rule, line) found, and the warnings and errors nobody expected. */
function score(expected, diagnostics) {
  const key = (d) => `${d.file}:${d.line} ${d.rule}`;
  const reported = new Set(diagnostics.map(key));
  const wanted = new Set(expected.map(key));
  return {
    found: expected.filter((e) => reported.has(key(e))).length,
    other: diagnostics.filter((d) => d.severity !== 'info' && !wanted.has(key(d))),
  };
}

/**
 * One row: check, floors and engine over `dir` (`runs` times each, the best kept: one run of each at
 * 100,000 resources gave check/js-yaml ratios from 3.2x to 3.7x on the same build in one hour). The
 * check's processes run first: after the floors and the engine this process holds their heap (a
 * gigabyte at 100,000 resources), and a check run then was about a second slower at 100,000
 * resources (8.5 against 9.4 s, 7.9 against 9.0 s in two paired runs on two cores).
 */
function measure(dir, runs) {
  // The fastest check's report and time, the highest peak RSS of them.
  let cli = check(dir);
  for (let i = 1; i < runs; i++) {
    const again = check(dir);
    cli = { ...(again.ms < cli.ms ? again : cli), rssMb: Math.max(again.rssMb, cli.rssMb) };
  }
  const floors = Object.fromEntries(Object.entries(FLOORS).map(([name, fn]) => [name, best(runs, () => fn(dir))]));
  let files = 0;
  let diagnostics = 0;
  let analysis;
  const engine = best(runs, () => {
    const read = readWorkspace([dir], { base: dir, config: DEFAULT_CONFIG });
    files = read.files.length;
    analysis = analyze({ files: read.files, config: DEFAULT_CONFIG });
    diagnostics = analysis.diagnostics.length;
  });
  return { floors, engine, files, diagnostics, analysis, cli };
}

const ratio = (a, b) => `${(a / b).toFixed(2)}x`;
const rows = [];
function row(resources, layout, m, clean, planted) {
  rows.push([
    resources,
    layout,
    m.files,
    m.floors.bytes.toFixed(0),
    m.floors.jsYaml.toFixed(0),
    m.floors.yaml.toFixed(0),
    m.engine.toFixed(0),
    m.cli.ms.toFixed(0),
    m.cli.rssMb.toFixed(0),
    ratio(m.cli.ms, m.floors.jsYaml),
    ratio(m.cli.ms, m.floors.yaml),
    ratio(m.cli.ms, m.floors.bytes),
    clean,
    planted,
  ]);
}

const LAYOUTS = {
  'per resource': {},
  'per app': { multiDocument: true },
  'one file': { singleFile: true },
};
const SIZES = process.env.BENCH_SIZES
  ? process.env.BENCH_SIZES.split(',').map(Number)
  : [1000, 5000, 20000, ...(process.env.BENCH_LARGE ? [100000] : [])];
for (const size of SIZES) {
  // 100,000 resources: a file per resource only (the layout the language server's edit target names).
  const layouts = size > 20000 ? ['per resource'] : Object.keys(LAYOUTS);
  for (const layout of layouts) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-bench-'));
    const count = generateWorkspace(dir, size, LAYOUTS[layout]);
    const m = measure(dir, size >= 20000 ? 2 : 3);
    const planted = generateFaultyWorkspace(dir, size, LAYOUTS[layout]);
    const { found, other } = score(planted.expected, check(dir).report.diagnostics);
    row(
      count,
      layout,
      m,
      `${m.diagnostics}/${m.cli.report.diagnostics.length}`,
      `${found}/${planted.expected.length}, ${other.length}`,
    );
    for (const d of other)
      console.error(`other diagnostic at ${count} ${layout}: ${d.file}:${d.line} ${d.rule} ${d.message}`);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
// Real manifests: the corpus beside the repository (comments, Helm templates, kustomize, broken
// files), where the parser's fast paths apply less often than in generated files.
const CORPUS = path.resolve('../shared/corpus');
if (fs.existsSync(CORPUS) && !process.env.BENCH_SIZES) {
  const m = measure(CORPUS, 5);
  const resources = new Set(m.analysis.workspace.resources.map((r) => `${r.file}#${r.docIndex}.${r.itemIndex ?? ''}`))
    .size;
  row(resources, 'real corpus', m, '-', '-');
}
fs.rmSync(RSS_FILE, { force: true });

const header = [
  'resources',
  'layout',
  'files',
  'bytes ms',
  'js-yaml ms',
  'yaml ms',
  'engine ms',
  'check ms',
  'check MB',
  'check/js-yaml',
  'check/yaml',
  'check/bytes',
  'clean',
  'found, other',
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
const line = (r) => r.map((c, i) => String(c).padStart(widths[i])).join('  ');
console.log(`\nKube Traffic Lens cold check vs its floors — ${os.cpus().length} cores, Node ${process.version}\n`);
console.log(line(header));
for (const r of rows) console.log(line(r));
console.log(`
Floors, each listing and reading the same files: bytes (readFileSync), js-yaml (loadAll), yaml
(parseAllDocuments). engine: readWorkspace + analyze in this process. check: the whole CLI process
(start, list, read, analyse, print JSON), with its peak RSS. Ratios: check time / floor time.
clean: diagnostics on the clean workspace (engine/CLI), must be 0/0. found: planted faults' expected
diagnostics reported (recall) of those expected; other: any other warning or error (must be 0).`);
