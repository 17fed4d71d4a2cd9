// `node --expose-gc bench/memory.mjs` (after a build): the heap that analysing ~20,000 generated
// resources (one file each) retains (parsed trees alone, the whole analysis, and what an Analyzer
// keeps between runs as the language server does), per resource too, the peak RSS of the CLI's
// `check` of the same workspace, and CPU times (all threads, so GC helpers count) of the engine
// against the yaml parseAllDocuments floor. RESOURCES=n generates n resources instead (100000 for
// the 3 KB-per-resource and 300 MB RSS targets), DIR=... picks another workspace, RUNS=n the
// repetitions (best of), CLI=0 skips the CLI. A benchmark, not a test: it asserts nothing.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateWorkspace } from './generate.mjs';
const require = createRequire(import.meta.url);
const { parseAllDocuments } = require('yaml');
const { analyze, Analyzer, DEFAULT_CONFIG } = require('../out/server/src/engine/index.js');
const { parseYaml } = require('../out/server/src/engine/syntax.js');
const { readWorkspace } = require('../out/server/src/node/readWorkspace.js');
const wanted = Number(process.env.RESOURCES ?? 20000);
const dir = process.env.DIR ?? `/tmp/ktl-ws${wanted % 1000 === 0 ? `${wanted / 1000}k` : wanted}`;
if (!fs.existsSync(dir)) {
  fs.mkdirSync(dir);
  generateWorkspace(dir, wanted, {});
}
const { files } = readWorkspace([dir], { base: dir, config: DEFAULT_CONFIG });
const cpu = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
// A new turn first: a WeakRef keeps its target alive until the end of the job that made or read it.
const heap = async () => {
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1e6;
};
const h0 = await heap();
const runs = Number(process.env.RUNS ?? 2);
const out = {};
{
  let t = cpu();
  let a = analyze({ files, config: DEFAULT_CONFIG });
  out.coldMs = Math.round(cpu() - t);
  out.analysisMB = +((await heap()) - h0).toFixed(1);
  out.resources = a.workspace.resources.length;
  out.diagnostics = a.diagnostics.length;
  out.rssMB = Math.round(process.memoryUsage().rss / 1e6);
  a = undefined;
  await heap();
  // What the language server keeps between analyses: the Analyzer's caches and its last analysis.
  const before = await heap();
  let analyzer = new Analyzer();
  analyzer.run({ files, config: DEFAULT_CONFIG });
  out.keptMB = +((await heap()) - before).toFixed(1);
  analyzer = undefined;
  await heap();
  for (let i = 1; i < runs; i++) {
    t = cpu();
    analyze({ files, config: DEFAULT_CONFIG });
    out.coldMs = Math.min(out.coldMs, Math.round(cpu() - t));
    await heap();
  }
}
{
  let floor = Infinity;
  for (let i = 0; i < runs; i++) {
    const t = cpu();
    files.forEach((f) => parseAllDocuments(f.text));
    floor = Math.min(floor, cpu() - t);
    await heap();
  }
  out.floorMs = Math.round(floor);
}
{
  let parse = Infinity;
  let parsed;
  for (let i = 0; i < runs; i++) {
    parsed = undefined;
    await heap();
    const t = cpu();
    parsed = new Map(files.map((f) => [f.path, parseYaml(f.text)]));
    parse = Math.min(parse, cpu() - t);
  }
  out.parseMs = Math.round(parse);
  out.treesMB = +((await heap()) - h0).toFixed(1);
  let noparse = Infinity;
  for (let i = 0; i < runs; i++) {
    const t = cpu();
    analyze({ files, config: DEFAULT_CONFIG, parse: (f) => parsed.get(f.path) });
    noparse = Math.min(noparse, cpu() - t);
    await heap();
  }
  out.noParseMs = Math.round(noparse);
}
out.textsMB = +h0.toFixed(1);
out.ratio = +(out.coldMs / out.floorMs).toFixed(2);
const perResource = (mb) => +((mb * 1000) / out.resources).toFixed(2);
out.analysisKBPerResource = perResource(out.analysisMB);
out.keptKBPerResource = perResource(out.keptMB);
out.keptWithTextsKBPerResource = perResource(out.keptMB + out.textsMB);
out.treesKBPerResource = perResource(out.treesMB);
if (process.env.CLI !== '0') out.cliPeakRssMB = cliPeakRss();
console.log(JSON.stringify(out));

/** The peak RSS of `check` over the workspace, as the operating system counts it (maxRSS at exit). */
function cliPeakRss() {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const cli = path.join(here, '..', 'dist', 'cli.js');
  // The probe bench/run.mjs preloads too: it reports the main thread's peak, not the reading worker's.
  const rssFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-memory-')), 'maxrss');
  const run = spawnSync(
    process.execPath,
    ['--require', path.join(here, 'rss.cjs'), cli, 'check', dir, '--format', 'json'],
    { stdio: 'ignore', env: { ...process.env, KTL_BENCH_RSS_FILE: rssFile } },
  );
  const kb = fs.existsSync(rssFile) ? Number(fs.readFileSync(rssFile, 'utf8')) : undefined;
  fs.rmSync(path.dirname(rssFile), { recursive: true, force: true });
  return kb ? Math.round(kb / 1000) : `failed (exit ${run.status}, ${run.signal ?? 'no signal'})`;
}
