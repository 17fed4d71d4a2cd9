// `node bench/bundleEdit.mjs` (after a build): the hostile table's row "D6 a 15 MiB bundle of 10,000
// documents, open and edited in the middle" (test/resilience/hostile.test.ts) as a repeatable
// measurement: the same workspace, the same storm (the bundle opened, a line in its middle edited 20
// times 25 ms apart, another open file rewritten each round) and the same closed-loop hovers on the
// sentinel, repeated RUNS times. Reports hover p50 / p95 / max per run and the server's peak RSS.
// HOGS=n runs n busy processes beside it (a loaded machine, as `npm test` runs two test files at
// once); PROF=dir writes the server's CPU profile (--cpu-prof) there, PRELOAD=file is loaded into the
// server first (-r), TRACE=1 prints each hover and the server's log. A benchmark: asserts nothing.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import rpc from 'vscode-jsonrpc/node';

const RUNS = Number(process.env.RUNS ?? 3);
const HOGS = Number(process.env.HOGS ?? 0);
const PROF = process.env.PROF;
const ROUNDS = 20;

const SENTINEL =
  'apiVersion: v1\nkind: Service\nmetadata:\n  name: sentinel\nspec:\n  selector:\n    app: sentinl\n  ports: [{port: 80}]\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: {app: sentinel}\nspec:\n  containers: [{name: c, image: i}]\n';
const churnText = (i) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: churn\ndata:\n  round: "${i}"\n`;
const DOCUMENTS = 10_000;
const bigBundle = () =>
  Array.from(
    { length: DOCUMENTS },
    (_, i) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n${Array.from({ length: 20 }, (_, k) => `  key-${k}: "${'v'.repeat(60)}"\n`).join('')}`,
  ).join('---\n');
const MIDDLE_LINE = (DOCUMENTS / 2) * 26 + 10;
const uri = (p) => pathToFileURL(p).href;
const percentile = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];

const hogs = Array.from({ length: HOGS }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));

async function run(n) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-bundle-edit-'));
  const write = (file, text) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  };
  write('sentinel/sentinel.yaml', SENTINEL);
  write('sentinel/churn.yaml', churnText(0));
  write('big/bundle.yaml', bigBundle());
  const prof = PROF
    ? [`--cpu-prof`, `--cpu-prof-dir=${path.resolve(PROF)}`, `--cpu-prof-name=server-${n}.cpuprofile`]
    : [];
  const preload = process.env.PRELOAD ? ['-r', path.resolve(process.env.PRELOAD)] : [];
  const server = spawn(process.execPath, [...preload, ...prof, path.resolve('dist/cli.js'), 'lsp', '--stdio'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const conn = rpc.createMessageConnection(
    new rpc.StreamMessageReader(server.stdout),
    new rpc.StreamMessageWriter(server.stdin),
  );
  const published = new Map();
  let waiters = [];
  conn.onNotification('textDocument/publishDiagnostics', (p) => {
    published.set(p.uri, p.diagnostics);
    const w = waiters;
    waiters = [];
    w.forEach((f) => f());
  });
  const waitFor = async (u, pred) => {
    while (!pred(published.get(u))) await new Promise((resolve) => waiters.push(resolve));
  };
  let indexed;
  const indexDone = new Promise((resolve) => (indexed = resolve));
  conn.onNotification('$/progress', (p) => p.value.kind === 'end' && indexed());
  conn.onNotification(
    'window/logMessage',
    (p) => process.env.TRACE && console.log(`  server: ${p.message.slice(0, 200)}`),
  );
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.onRequest('client/registerCapability', () => null);
  conn.onRequest('workspace/configuration', (p) => p.items.map(() => ({})));
  conn.listen();
  await conn.sendRequest('initialize', {
    processId: process.pid,
    rootUri: uri(dir),
    workspaceFolders: [{ uri: uri(dir), name: 'bench' }],
    capabilities: {
      window: { workDoneProgress: true },
      workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true } },
      textDocument: { hover: { contentFormat: ['markdown'] } },
    },
  });
  await conn.sendNotification('initialized', {});
  await indexDone;
  const sentinelUri = uri(path.join(dir, 'sentinel/sentinel.yaml'));
  const orphaned = (d) => !!d?.some((x) => x.code === 'service-selector-orphaned');
  await waitFor(sentinelUri, orphaned);
  const churnUri = uri(path.join(dir, 'sentinel/churn.yaml'));
  const bundleUri = uri(path.join(dir, 'big/bundle.yaml'));
  await conn.sendNotification('textDocument/didOpen', {
    textDocument: { uri: churnUri, languageId: 'yaml', version: 1, text: churnText(0) },
  });
  let done = false;
  const stormStart = performance.now();
  const storm = (async () => {
    for (let round = 0; round < ROUNDS; round++) {
      if (round === 0)
        await conn.sendNotification('textDocument/didOpen', {
          textDocument: { uri: bundleUri, languageId: 'yaml', version: 1, text: bigBundle() },
        });
      await conn.sendNotification('textDocument/didChange', {
        textDocument: { uri: bundleUri, version: round + 2 },
        contentChanges: [
          {
            range: { start: { line: MIDDLE_LINE, character: 16 }, end: { line: MIDDLE_LINE, character: 17 } },
            text: String(round % 10),
          },
        ],
      });
      await conn.sendNotification('textDocument/didChange', {
        textDocument: { uri: churnUri, version: round + 2 },
        contentChanges: [{ text: churnText(round + 1) }],
      });
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  })().finally(() => (done = true));
  const latencies = [];
  while (!done || latencies.length < 20) {
    const t0 = performance.now();
    await conn.sendRequest('textDocument/hover', {
      textDocument: { uri: sentinelUri },
      position: { line: 3, character: 9 },
    });
    latencies.push(performance.now() - t0);
    if (process.env.TRACE)
      console.log(`  hover at ${(t0 - stormStart).toFixed(0)} ms: ${(performance.now() - t0).toFixed(1)} ms`);
  }
  await storm;
  // With TRACE, the analysis after the storm is logged too.
  if (process.env.TRACE) await new Promise((resolve) => setTimeout(resolve, 3000));
  const status = fs.readFileSync(`/proc/${server.pid}/status`, 'utf8');
  const rss = Number(/VmHWM:\s+(\d+) kB/.exec(status)[1]) / 1024;
  await conn.sendRequest('shutdown');
  await conn.sendNotification('exit');
  await new Promise((resolve) => server.on('exit', resolve));
  conn.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
  const f = (x) => x.toFixed(1);
  console.log(
    `run ${n}: ${latencies.length} hovers, p50 ${f(percentile(latencies, 50))} ms, p95 ${f(percentile(latencies, 95))} ms, max ${f(Math.max(...latencies))} ms, peak RSS ${Math.round(rss)} MB`,
  );
  return percentile(latencies, 95);
}

try {
  console.log(`${RUNS} runs, ${HOGS} busy process(es) beside`);
  const p95s = [];
  for (let i = 0; i < RUNS; i++) p95s.push(await run(i));
  console.log(`p95 over runs: ${p95s.map((x) => x.toFixed(1)).join(', ')} ms`);
} finally {
  for (const h of hogs) h.kill();
}
