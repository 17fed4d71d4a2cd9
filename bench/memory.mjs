// `node --expose-gc bench/memory.mjs` (after a build): the heap that analysing ~20,000 generated
// resources retains (parsed trees alone, and the whole analysis), and CPU times (all threads, so
// GC helpers count) of the engine against the yaml parseAllDocuments floor. DIR=... picks another
// workspace, RUNS=n the repetitions (best of). A benchmark, not a test: it asserts nothing.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import { generateWorkspace } from './generate.mjs';
const require = createRequire(import.meta.url);
const { parseAllDocuments } = require('yaml');
const { analyze, DEFAULT_CONFIG } = require('../out/server/src/engine/index.js');
const { parseYaml } = require('../out/server/src/engine/syntax.js');
const { readWorkspace } = require('../out/server/src/node/readWorkspace.js');
const dir = process.env.DIR ?? '/tmp/ktl-ws20k';
if (!fs.existsSync(dir)) {
  fs.mkdirSync(dir);
  generateWorkspace(dir, 20000, {});
}
const { files } = readWorkspace([dir], { base: dir, config: DEFAULT_CONFIG });
const cpu = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
const heap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1e6;
};
const h0 = heap();
const runs = Number(process.env.RUNS ?? 2);
const out = {};
{
  let t = cpu();
  let a = analyze({ files, config: DEFAULT_CONFIG });
  out.coldMs = Math.round(cpu() - t);
  out.analysisMB = +(heap() - h0).toFixed(1);
  out.resources = a.workspace.resources.length;
  out.diagnostics = a.diagnostics.length;
  out.rssMB = Math.round(process.memoryUsage().rss / 1e6);
  a = undefined;
  heap();
  for (let i = 1; i < runs; i++) {
    t = cpu();
    analyze({ files, config: DEFAULT_CONFIG });
    out.coldMs = Math.min(out.coldMs, Math.round(cpu() - t));
    heap();
  }
}
{
  let floor = Infinity;
  for (let i = 0; i < runs; i++) {
    const t = cpu();
    files.forEach((f) => parseAllDocuments(f.text));
    floor = Math.min(floor, cpu() - t);
    heap();
  }
  out.floorMs = Math.round(floor);
}
{
  let parse = Infinity;
  let parsed;
  for (let i = 0; i < runs; i++) {
    parsed = undefined;
    heap();
    const t = cpu();
    parsed = new Map(files.map((f) => [f.path, parseYaml(f.text)]));
    parse = Math.min(parse, cpu() - t);
  }
  out.parseMs = Math.round(parse);
  out.treesMB = +(heap() - h0).toFixed(1);
  let noparse = Infinity;
  for (let i = 0; i < runs; i++) {
    const t = cpu();
    analyze({ files, config: DEFAULT_CONFIG, parse: (f) => parsed.get(f.path) });
    noparse = Math.min(noparse, cpu() - t);
    heap();
  }
  out.noParseMs = Math.round(noparse);
}
out.textsMB = +h0.toFixed(1);
out.ratio = +(out.coldMs / out.floorMs).toFixed(2);
console.log(JSON.stringify(out));
