// `npm run bench:helm`: time to first diagnostics for a Helm chart of 30 templates in the language
// server (started, indexed, chart rendered and analysed, findings published on the template lines),
// against `helm template`'s own time for the chart, as ratios: counting the server's start, and
// from the moment it answered `initialize` (what the "within 2x" is judged on); and the
// time of a re-render after an edit of one template. Medians and minimums of RUNS runs (the
// minimum is the steadier figure on a busy machine). TIMELINE=1 prints, for the first run, the
// server's log lines with their time after `initialize` was answered. Uses KTL_HELM,
// .cache/tools/bin/helm or helm on PATH. A benchmark, not a test: it asserts nothing.
import { spawn, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import rpc from 'vscode-jsonrpc/node';

const helm = [
  process.env.KTL_HELM,
  path.resolve('.cache/tools/bin/helm'),
  ...(process.env.PATH ?? '').split(path.delimiter).map((d) => path.join(d, 'helm')),
].find((p) => p && fs.existsSync(p));
if (!helm) {
  console.error('bench:helm needs helm: KTL_HELM, node scripts/install-k8s-tools.mjs, or helm on PATH');
  process.exit(1);
}
const RUNS = Number(process.env.RUNS ?? 5);
const APPS = 15; // a Deployment and a Service template each: 30 templates
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-bench-helm-'));
const chart = path.join(dir, 'shop');
fs.mkdirSync(path.join(chart, 'templates'), { recursive: true });
fs.writeFileSync(path.join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: shop\nversion: 1.0.0\n');
fs.writeFileSync(
  path.join(chart, 'templates/_helpers.tpl'),
  '{{- define "shop.labels" -}}\napp.kubernetes.io/instance: {{ .Release.Name }}\n{{- end }}\n',
);
let values = 'replicas: 2\nimage: registry.example/app:1.0\n';
for (let i = 0; i < APPS; i++) {
  values += `app${i}:\n  port: ${8000 + i}\n  enabled: true\n`;
  fs.writeFileSync(
    path.join(chart, `templates/app${i}-deployment.yaml`),
    `{{- if .Values.app${i}.enabled }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-app${i}
  labels:
    {{- include "shop.labels" . | nindent 4 }}
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels:
      app: {{ .Release.Name }}-app${i}
  template:
    metadata:
      labels:
        app: {{ .Release.Name }}-app${i}
        {{- include "shop.labels" . | nindent 8 }}
    spec:
      containers:
        - name: app
          image: {{ .Values.image | quote }}
          ports:
            - name: http
              containerPort: {{ .Values.app${i}.port }}
          env:
            - name: NEXT
              value: "http://{{ .Release.Name }}-app${(i + 1) % APPS}:80"
{{- end }}
`,
  );
  // The last Service targets a port name no container declares: one finding to wait for.
  fs.writeFileSync(
    path.join(chart, `templates/app${i}-service.yaml`),
    `apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}-app${i}
spec:
  selector:
    app: {{ .Release.Name }}-app${i}
  ports:
    - port: 80
      targetPort: ${i === APPS - 1 ? 'htp' : 'http'}
`,
  );
}
fs.writeFileSync(path.join(chart, 'values.yaml'), values);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const helmTimes = [];
for (let i = 0; i < RUNS; i++) {
  const t = performance.now();
  execFileSync(helm, ['template', 'shop', chart], { stdio: ['ignore', 'ignore', 'inherit'] });
  helmTimes.push(performance.now() - t);
}

const target = pathToFileURL(path.join(chart, `templates/app${APPS - 1}-service.yaml`)).href;
async function firstDiagnostics(timeline) {
  const server = spawn(
    process.execPath,
    [
      '--max-semi-space-size=4',
      '--heap-growing-percent=25',
      '--v8-pool-size=1',
      path.resolve('dist/cli.js'),
      'lsp',
      '--stdio',
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const conn = rpc.createMessageConnection(
    new rpc.StreamMessageReader(server.stdout),
    new rpc.StreamMessageWriter(server.stdin),
  );
  let found;
  const published = new Promise((resolve) => (found = resolve));
  conn.onNotification('textDocument/publishDiagnostics', (p) => {
    if (p.uri === target && p.diagnostics.length) found(performance.now());
  });
  // The server's own account of the render and of the first analysis that published.
  let helmMs;
  let analysisMs;
  conn.onNotification('window/logMessage', (p) => {
    if (timeline) timeline.push(`${(performance.now() - ready).toFixed(1).padStart(8)} ms  ${p.message.slice(0, 150)}`);
    const h = /helm: .* in (\d+) ms/.exec(p.message);
    if (h && helmMs === undefined) helmMs = Number(h[1]);
    const a = /published in ([\d.]+) ms/.exec(p.message);
    if (a && analysisMs === undefined) analysisMs = Number(a[1]);
  });
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.onRequest('client/registerCapability', () => null);
  conn.onRequest('workspace/configuration', (p) => p.items.map(() => ({ helm: { path: helm } })));
  conn.listen();
  const started = performance.now();
  let ready = Infinity;
  await conn.sendRequest('initialize', {
    processId: process.pid,
    rootUri: pathToFileURL(dir).href,
    workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'bench' }],
    initializationOptions: { workspaceTrusted: true },
    capabilities: {
      window: { workDoneProgress: true },
      workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true } },
    },
  });
  ready = performance.now();
  await conn.sendNotification('initialized', {});
  const at = await published;
  timeline?.push(`${(at - ready).toFixed(1).padStart(8)} ms  (the finding arrives on the template line)`);
  // An edit of one template, saved: the chart is rendered again and the finding goes.
  const file = path.join(chart, `templates/app${APPS - 1}-service.yaml`);
  const text = fs.readFileSync(file, 'utf8');
  let cleared;
  const gone = new Promise((resolve) => (cleared = resolve));
  conn.onNotification('textDocument/publishDiagnostics', (p) => {
    if (p.uri === target && p.diagnostics.length === 0) cleared(performance.now());
  });
  fs.writeFileSync(file, text.replace('htp', 'http'));
  const edited = performance.now();
  await conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: target, type: 2 }] });
  const clearedAt = await gone;
  fs.writeFileSync(file, text);
  await conn.sendRequest('shutdown').catch(() => {});
  server.kill();
  return { first: at - started, afterStart: at - ready, rerender: clearedAt - edited, helmMs, analysisMs };
}

const timeline = process.env.TIMELINE ? [] : undefined;
const runs = [];
for (let i = 0; i < RUNS; i++) runs.push(await firstDiagnostics(i === 0 ? timeline : undefined));
const helmMs = median(helmTimes);
const helmMin = Math.min(...helmTimes);
const stat = (key) => ({ median: median(runs.map((r) => r[key])), min: Math.min(...runs.map((r) => r[key])) });
const first = stat('first');
const afterStart = stat('afterStart');
const ms = (x) => `${x.toFixed(0).padStart(4)} ms`;
const ratio = (x, h) => `${(x / h).toFixed(2)}x`;
console.log(`chart: ${APPS * 2} templates (${APPS} Deployments, ${APPS} Services); ${RUNS} runs: median (min)`);
console.log(`helm template alone:                        ${ms(helmMs)} (${ms(helmMin)})`);
console.log(
  `first diagnostics, after the server is up:  ${ms(afterStart.median)} (${ms(afterStart.min)})  ratio ${ratio(afterStart.median, helmMs)} (${ratio(afterStart.min, helmMin)})  <- the issue's 2x`,
);
console.log(
  `first diagnostics, counting server start:   ${ms(first.median)} (${ms(first.min)})  ratio ${ratio(first.median, helmMs)} (${ratio(first.min, helmMin)})`,
);
console.log(
  `  the server's own account: render ${ms(median(runs.map((r) => r.helmMs ?? NaN)))}, first published analysis ${ms(median(runs.map((r) => r.analysisMs ?? NaN)))}`,
);
console.log(
  `edit of one template -> re-published:       ${ms(median(runs.map((r) => r.rerender)))} (includes the 200 ms wait before re-rendering)`,
);
if (timeline) console.log(`\ntimeline of the first run (ms after initialize was answered):\n${timeline.join('\n')}`);
fs.rmSync(dir, { recursive: true, force: true });
