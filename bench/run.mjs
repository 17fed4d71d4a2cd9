// `npm run bench`: the engine against the floor named in the scale issue — the `yaml` package's own
// parseAllDocuments over the same files — at 1,000, 5,000 and 20,000 resources, one resource per
// file and several per file, measured in one run. Also the CLI's wall time and the process's RSS.
// A benchmark, not a test: it asserts nothing. Ratios are engine time / floor time.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { generateWorkspace } from './generate.mjs';

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

const rows = [];
for (const size of [1000, 5000, 20000]) {
  for (const multiDocument of [false, true]) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-bench-'));
    const count = generateWorkspace(dir, size, { multiDocument });
    const { files } = readWorkspace([dir], { base: dir, config: DEFAULT_CONFIG });
    const runs = size >= 20000 ? 2 : 3;
    const floor = best(runs, () => files.forEach((f) => parseAllDocuments(f.text)));
    let diagnostics = 0;
    const engine = best(runs, () => (diagnostics = analyze({ files, config: DEFAULT_CONFIG }).diagnostics.length));
    const t = performance.now();
    const cli = spawnSync(process.execPath, [path.resolve('dist/cli.js'), 'check', '--format', 'json', dir], { encoding: 'utf8', maxBuffer: 1 << 28 });
    const cliMs = performance.now() - t;
    if (cli.status !== 0 && cli.status !== 1) throw new Error(cli.stderr);
    rows.push([`${count}`, multiDocument ? 'per app' : 'per resource', files.length, floor.toFixed(0), engine.toFixed(0), (engine / floor).toFixed(2), cliMs.toFixed(0), diagnostics]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
const header = ['resources', 'layout', 'files', 'floor ms', 'engine ms', 'ratio', 'CLI wall ms', 'diagnostics'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
const line = (r) => r.map((c, i) => String(c).padStart(widths[i])).join('  ');
console.log(`\nKube Traffic Lens engine vs the yaml parseAllDocuments floor — ${os.cpus().length} cores, Node ${process.version}\n`);
console.log(line(header));
for (const r of rows) console.log(line(r));
console.log(`\nprocess RSS at the end: ${Math.round(process.memoryUsage().rss / 1e6)} MB`);
