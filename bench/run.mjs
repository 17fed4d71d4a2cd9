// `npm run bench`: the engine against the floor named in the scale issue — the `yaml` package's own
// parseAllDocuments over the same files — at 1,000, 5,000 and 20,000 resources, one resource per
// file and several per file, measured in one run. Also the CLI's wall time and the process's RSS.
// A benchmark, not a test: it asserts nothing. Ratios are engine time / floor time.
// Precision and recall on the same shapes: the clean workspace must give no diagnostics at all
// ('clean diags'), and a variant with planted faults (bench/generate.mjs) must give every expected
// diagnostic ('found' of 'expected') and no other warning or error ('other'), through the CLI.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { generateFaultyWorkspace, generateWorkspace } from './generate.mjs';

const require = createRequire(import.meta.url);
const { parseAllDocuments } = require('yaml');
const { analyze, DEFAULT_CONFIG } = require('../out/server/src/engine/index.js');
const { readWorkspace } = require('../out/server/src/node/readWorkspace.js');

const best = (runs, fn) => {
  let min = Infinity;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    min = Math.min(min, performance.now() - t);
  }
  return min;
};

/** `check --format json` in `dir`, paths relative to it. */
function check(dir) {
  const r = spawnSync(process.execPath, [path.resolve('dist/cli.js'), 'check', '--format', 'json', '.'], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0 && r.status !== 1) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
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

const rows = [];
// BENCH_SIZES=1000,5000 limits the sizes (the 20,000 run takes minutes on a shared machine).
const SIZES = process.env.BENCH_SIZES ? process.env.BENCH_SIZES.split(',').map(Number) : [1000, 5000, 20000];
for (const size of SIZES) {
  for (const multiDocument of [false, true]) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-bench-'));
    const count = generateWorkspace(dir, size, { multiDocument });
    const { files } = readWorkspace([dir], { base: dir, config: DEFAULT_CONFIG });
    const runs = size >= 20000 ? 2 : 3;
    const floor = best(runs, () => files.forEach((f) => parseAllDocuments(f.text)));
    let diagnostics = 0;
    const engine = best(runs, () => (diagnostics = analyze({ files, config: DEFAULT_CONFIG }).diagnostics.length));
    const t = performance.now();
    const cli = check(dir);
    const cliMs = performance.now() - t;
    const planted = generateFaultyWorkspace(dir, size, { multiDocument });
    const { found, other } = score(planted.expected, check(dir).diagnostics);
    rows.push([
      `${count}`,
      multiDocument ? 'per app' : 'per resource',
      files.length,
      floor.toFixed(0),
      engine.toFixed(0),
      (engine / floor).toFixed(2),
      cliMs.toFixed(0),
      (cliMs / floor).toFixed(2),
      `${diagnostics}/${cli.diagnostics.length}`,
      planted.faults.length,
      planted.expected.length,
      found,
      other.length,
    ]);
    for (const d of other)
      console.error(
        `other diagnostic at ${count} ${multiDocument ? 'per app' : 'per resource'}: ${d.file}:${d.line} ${d.rule} ${d.message}`,
      );
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
// Real manifests: the corpus beside the repository (comments, Helm templates, kustomize, broken
// files), where the parser's fast paths apply less often than in generated files.
const CORPUS = path.resolve('../shared/corpus');
if (fs.existsSync(CORPUS) && !process.env.BENCH_SIZES) {
  const { files } = readWorkspace([CORPUS], { base: CORPUS, config: DEFAULT_CONFIG });
  const floor = best(5, () => files.forEach((f) => parseAllDocuments(f.text)));
  let analysis;
  const engine = best(5, () => (analysis = analyze({ files, config: DEFAULT_CONFIG })));
  const t = performance.now();
  check(CORPUS);
  const cliMs = performance.now() - t;
  const resources = new Set(analysis.workspace.resources.map((r) => `${r.file}#${r.docIndex}.${r.itemIndex ?? ''}`))
    .size;
  rows.push([
    `${resources}`,
    'real corpus',
    files.length,
    floor.toFixed(0),
    engine.toFixed(0),
    (engine / floor).toFixed(2),
    cliMs.toFixed(0),
    (cliMs / floor).toFixed(2),
    '-',
    '-',
    '-',
    '-',
    '-',
  ]);
}
const header = [
  'resources',
  'layout',
  'files',
  'floor ms',
  'engine ms',
  'ratio',
  'CLI wall ms',
  'CLI ratio',
  'clean diags',
  'faults',
  'expected',
  'found',
  'other',
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
const line = (r) => r.map((c, i) => String(c).padStart(widths[i])).join('  ');
console.log(
  `\nKube Traffic Lens engine vs the yaml parseAllDocuments floor — ${os.cpus().length} cores, Node ${process.version}\n`,
);
console.log(line(header));
for (const r of rows) console.log(line(r));
console.log(
  `\nratio: engine (in process, files already read) / floor. CLI ratio: the whole \`check\` process (start, read, analyse,\nprint) / floor.`,
);
console.log(
  `clean diags: diagnostics on the clean workspace (engine/CLI), must be 0. faults: planted; expected: the\ndiagnostics they must cause; found: those reported (recall); other: any other warning or error (must be 0).`,
);
console.log(`\nprocess RSS at the end: ${Math.round(process.memoryUsage().rss / 1e6)} MB`);
