// `npm run bench:lsp`: the language server on a generated workspace of about 20,000 resources,
// driven over stdio like an editor. Reports time to first complete diagnostics, the latency from a
// didChange to the resulting publishDiagnostics (p50/p95, including the 150 ms debounce), hover
// latency, and the server's resident memory. A benchmark, not a test: it asserts nothing.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import rpc from 'vscode-jsonrpc/node';
import { generateWorkspace } from './generate.mjs';

const RESOURCES = Number(process.env.RESOURCES ?? 20000);
const EDITS = 20;
const HOVERS = 50;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-bench-lsp-'));
const count = generateWorkspace(dir, RESOURCES);
const uri = (p) => pathToFileURL(p).href;

const server = spawn(process.execPath, [path.resolve('dist/cli.js'), 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
const conn = rpc.createMessageConnection(new rpc.StreamMessageReader(server.stdout), new rpc.StreamMessageWriter(server.stdin));
const listeners = [];
conn.onNotification('textDocument/publishDiagnostics', (p) => listeners.forEach((l) => l(p)));
let indexed;
const indexDone = new Promise((resolve) => (indexed = resolve));
conn.onNotification('kubeTrafficLens/indexStatus', (p) => {
  if (!p.indexing) indexed(p);
});
conn.onRequest('window/workDoneProgress/create', () => null);
conn.onRequest('client/registerCapability', () => null);
conn.onRequest('workspace/configuration', (p) => p.items.map(() => ({})));
conn.listen();

const percentile = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))];
const rssMb = () => {
  const status = fs.readFileSync(`/proc/${server.pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024);
};

const started = performance.now();
await conn.sendRequest('initialize', {
  processId: process.pid,
  rootUri: uri(dir),
  workspaceFolders: [{ uri: uri(dir), name: 'bench' }],
  capabilities: { window: { workDoneProgress: true }, workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true } } },
});
await conn.sendNotification('initialized', {});
const status = await indexDone;
const firstDiagnostics = performance.now() - started;

// Edits: toggle a Deployment's template label so that its Service (another file) loses and regains
// its endpoints; each edit must republish the Service's file.
const deployment = path.join(dir, 'team-7', 'svc-3-0.yaml');
const serviceUri = uri(path.join(dir, 'team-7', 'svc-3-1.yaml'));
let text = fs.readFileSync(deployment, 'utf8');
await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(deployment), languageId: 'yaml', version: 1, text } });
const editLatencies = [];
for (let i = 0; i < EDITS; i++) {
  const from = i % 2 === 0 ? 'app: svc-3\n        tier' : 'app: svc-3x\n        tier';
  const to = i % 2 === 0 ? 'app: svc-3x\n        tier' : 'app: svc-3\n        tier';
  text = text.replace(from, to);
  const published = new Promise((resolve) => listeners.push(function once(p) {
    if (p.uri !== serviceUri) return;
    listeners.splice(listeners.indexOf(once), 1);
    resolve();
  }));
  const t0 = performance.now();
  await conn.sendNotification('textDocument/didChange', { textDocument: { uri: uri(deployment), version: i + 2 }, contentChanges: [{ text }] });
  await published;
  editLatencies.push(performance.now() - t0);
}

const hoverLatencies = [];
for (let i = 0; i < HOVERS; i++) {
  const t0 = performance.now();
  await conn.sendRequest('textDocument/hover', { textDocument: { uri: serviceUri }, position: { line: 3, character: 8 } });
  hoverLatencies.push(performance.now() - t0);
}
const rss = rssMb();

const rows = [
  ['resources', `${count} (${status.resources} instances read)`],
  ['time to first complete diagnostics', `${(firstDiagnostics / 1000).toFixed(2)} s`],
  ['didChange -> publishDiagnostics p50', `${percentile(editLatencies, 50).toFixed(0)} ms (150 ms of it is the debounce)`],
  ['didChange -> publishDiagnostics p95', `${percentile(editLatencies, 95).toFixed(0)} ms`],
  ['hover p50 / p95', `${percentile(hoverLatencies, 50).toFixed(1)} / ${percentile(hoverLatencies, 95).toFixed(1)} ms`],
  ['server RSS after indexing and edits', `${rss} MB`],
];
const width = Math.max(...rows.map((r) => r[0].length));
console.log(`\nKube Traffic Lens language server, ${os.cpus().length} cores, Node ${process.version}\n`);
for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);

await conn.sendRequest('shutdown');
await conn.sendNotification('exit');
conn.dispose();
server.kill();
fs.rmSync(dir, { recursive: true, force: true });
