// `npm run bench:cache`: the persistent cache on a generated workspace of about 20,000 resources
// (one Service selector broken so that there is something to report). Measures, in one run:
// the CLI `check` without a cache, its first run with `--cache` (cold, writing the cache), a warm run
// of the unchanged workspace, and a run after one file changed (every other tree read back); and
// the language server started twice with the same storage path: time to diagnostics on screen and
// to a complete analysis. Ratios are against the cold run without a cache. A benchmark: it asserts nothing.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import rpc from 'vscode-jsonrpc/node';
import { generateWorkspace } from './generate.mjs';

const RESOURCES = Number(process.env.RESOURCES ?? 20000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-bench-cache-'));
const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-bench-cache-store-'));
const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-bench-cache-lsp-'));
const count = generateWorkspace(dir, RESOURCES);
const service = path.join(dir, 'team-3', 'svc-2-1.yaml');
fs.writeFileSync(service, fs.readFileSync(service, 'utf8').replace(/app: svc-2\b/, 'app: svc-2-typo'));
const cli = path.resolve('dist/cli.js');

function check(args) {
  const t = performance.now();
  const r = spawnSync(process.execPath, [cli, 'check', '--format', 'json', ...args, dir], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const ms = performance.now() - t;
  if (r.status !== 0 && r.status !== 1) throw new Error(r.stderr);
  return { ms, diagnostics: JSON.parse(r.stdout).diagnostics.length };
}
const best = (n, fn) => Array.from({ length: n }, fn).reduce((a, b) => (b.ms < a.ms ? b : a));

const cold = best(2, () => check([]));
const first = check(['--cache', cacheDir]);
const warm = best(3, () => check(['--cache', cacheDir]));
const edited = path.join(dir, 'team-5', 'svc-1-0.yaml');
fs.appendFileSync(edited, '# touched\n');
const oneChanged = check(['--cache', cacheDir]);
fs.writeFileSync(edited, fs.readFileSync(edited, 'utf8').replace('# touched\n', ''));
const cacheMb = fs.readdirSync(cacheDir).reduce((n, f) => n + fs.statSync(path.join(cacheDir, f)).size, 0) / 1e6;

async function lspStart() {
  const server = spawn(process.execPath, [cli, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = rpc.createMessageConnection(
    new rpc.StreamMessageReader(server.stdout),
    new rpc.StreamMessageWriter(server.stdin),
  );
  const started = performance.now();
  let firstPublish;
  let indexed;
  const done = new Promise((resolve) => (indexed = resolve));
  conn.onNotification('textDocument/publishDiagnostics', (p) => {
    if (firstPublish === undefined && p.diagnostics.length) firstPublish = performance.now() - started;
  });
  conn.onNotification('kubeTrafficLens/indexStatus', (p) => {
    if (!p.indexing && p.resources > 0) indexed(performance.now() - started);
  });
  conn.onNotification(
    'window/logMessage',
    (p) => process.env.LOG && console.log(((performance.now() - started) / 1000).toFixed(2), p.message),
  );
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.onRequest('client/registerCapability', () => null);
  conn.onRequest('workspace/configuration', (p) => p.items.map(() => ({})));
  conn.listen();
  const root = pathToFileURL(dir).href;
  await conn.sendRequest('initialize', {
    processId: process.pid,
    rootUri: root,
    workspaceFolders: [{ uri: root, name: 'bench' }],
    initializationOptions: { storagePath: storage },
    capabilities: { window: { workDoneProgress: true }, workspace: { configuration: true } },
  });
  await conn.sendNotification('initialized', {});
  const complete = await done;
  await new Promise((r) => setTimeout(r, 1500)); // the cache is written after the first analysis
  await conn.sendRequest('shutdown');
  await conn.sendNotification('exit');
  conn.dispose();
  server.kill();
  return { firstPublish, complete };
}
const lspCold = await lspStart();
const lspWarm = await lspStart();

const ratio = (ms) => `${((ms / cold.ms) * 100).toFixed(0)}%`;
const rows = [
  ['check, no cache (the cold floor)', `${cold.ms.toFixed(0)} ms`, '100%'],
  ['check --cache, first run (cold, writes the cache)', `${first.ms.toFixed(0)} ms`, ratio(first.ms)],
  ['check --cache, unchanged workspace (warm)', `${warm.ms.toFixed(0)} ms`, ratio(warm.ms)],
  ['check --cache, one file changed', `${oneChanged.ms.toFixed(0)} ms`, ratio(oneChanged.ms)],
  [
    'language server cold: diagnostics shown / analysis complete',
    `${lspCold.firstPublish?.toFixed(0)} / ${lspCold.complete.toFixed(0)} ms`,
    '',
  ],
  [
    'language server warm: diagnostics shown / analysis complete',
    `${lspWarm.firstPublish?.toFixed(0)} / ${lspWarm.complete.toFixed(0)} ms`,
    `${((lspWarm.firstPublish / lspCold.firstPublish) * 100).toFixed(0)}% / ${((lspWarm.complete / lspCold.complete) * 100).toFixed(0)}%`,
  ],
];
const same = [cold, first, warm, oneChanged].every((r) => r.diagnostics === cold.diagnostics);
const w = [Math.max(...rows.map((r) => r[0].length)), Math.max(...rows.map((r) => r[1].length))];
console.log(
  `\nKube Traffic Lens persistent cache, ${count} resources, ${os.cpus().length} cores, Node ${process.version}\n`,
);
for (const r of rows) console.log(`${r[0].padEnd(w[0])}  ${r[1].padStart(w[1])}  ${r[2]}`);
console.log(
  `\ncache size ${cacheMb.toFixed(1)} MB; every run reported the same ${cold.diagnostics} diagnostics: ${same ? 'yes' : 'NO'}`,
);
for (const d of [dir, cacheDir, storage]) fs.rmSync(d, { recursive: true, force: true });
