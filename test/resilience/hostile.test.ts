// Hostile inputs: each gives a clear diagnostic or a skip, never a crash or a hang, and the rest of
// the workspace is still analysed (a sentinel Service in every workspace must still be reported).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT, runCli, type JsonReport } from '../support/cli';
import type { FsFault } from '../support/fsFaults'; // types only: importing the preload would patch this process

const SENTINEL = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: sentinel\nspec:\n  selector:\n    app: sentinl\n  ports: [{port: 80}]\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: {app: sentinel}\nspec:\n  containers: [{name: c, image: i}]\n';

const billionLaughs = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: lol}', 'data:', '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
  .concat(['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].map((k, i) => `  ${k}: &${k} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`))
  .join('\n');

const CASES: { name: string; content: string | Buffer; expect?: RegExp }[] = [
  { name: 'alias bomb', content: billionLaughs, expect: /alias/ },
  { name: 'deeply nested', content: `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: ${'['.repeat(5000)}${']'.repeat(5000)}\n` },
  { name: 'binary with NUL', content: Buffer.from([0, 1, 2, 255, 254, 0, 10, 0x61, 0x3a, 0x20, 0]) },
  { name: 'invalid UTF-8', content: Buffer.concat([Buffer.from('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: '), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('\n')]) },
  { name: 'tabs for indentation', content: 'apiVersion: v1\nkind: Service\nmetadata:\n\tname: tabs\n' },
  { name: 'duplicate keys', content: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: dup\n  name: dup2\n', expect: /Duplicate key 'name'/ },
  { name: 'wrong types', content: 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w}\nspec:\n  replicas: many\n  selector: {matchLabels: {app: w}}\n  template:\n    metadata: {labels: {app: w}}\n    spec:\n      containers:\n        - name: c\n          ports: [{containerPort: "80"}, {containerPort: 8080.5}, {containerPort: [1]}]\n---\napiVersion: v1\nkind: Service\nmetadata: {name: w}\nspec:\n  selector: {app: w}\n  ports: [{port: "80", targetPort: 8080.5}, {port: {a: 1}}, {port: 81, targetPort: [x]}]\n' },
  { name: 'null sections', content: 'apiVersion: v1\nkind: Service\nmetadata:\nspec:\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: n}\nspec:\n  template:\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i}\nspec:\n  rules:\n    - http:\n        paths:\n          - backend:\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: np}\nspec:\n  podSelector:\n  ingress:\n    - from:\n        -\n' },
  { name: 'scalars where maps belong', content: 'apiVersion: v1\nkind: Service\nmetadata: just-a-string\nspec: 42\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, labels: [a, b]}\nspec: {selector: yes, template: {metadata: {labels: 7}, spec: {containers: "none"}}}\n' },
  { name: 'ten thousand documents', content: Array.from({ length: 10000 }, (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-${i}}\n`).join('---\n') },
];

for (const c of CASES) {
  test(`${c.name}: no crash, the rest is analysed`, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-hostile-'));
    fs.writeFileSync(path.join(dir, 'sentinel.yaml'), SENTINEL);
    fs.writeFileSync(path.join(dir, 'hostile.yaml'), c.content);
    const started = Date.now();
    const r = runCli(['check', '--format', 'json', dir]);
    assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /internal error/);
    assert.ok(Date.now() - started < 30_000, 'no hang');
    const report = JSON.parse(r.stdout) as { diagnostics: { file: string; rule: string; message: string }[] };
    assert.ok(report.diagnostics.some((d) => d.rule === 'service-selector-orphaned' && d.file.endsWith('sentinel.yaml')), 'the sentinel is still reported');
    if (c.expect) assert.ok(report.diagnostics.some((d) => d.file.endsWith('hostile.yaml') && c.expect!.test(d.message)), JSON.stringify(report.diagnostics));
  });
}

test('a 50 MB file is skipped with an information diagnostic', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-hostile-'));
  fs.writeFileSync(path.join(dir, 'sentinel.yaml'), SENTINEL);
  const fd = fs.openSync(path.join(dir, 'huge.yaml'), 'w');
  const chunk = Buffer.from(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {k: "${'x'.repeat(1024 * 1024)}"}\n---\n`);
  for (let i = 0; i < 50; i++) fs.writeSync(fd, chunk);
  fs.closeSync(fd);
  const report = JSON.parse(runCli(['check', '--format', 'json', dir]).stdout) as { diagnostics: { rule: string; file: string }[] };
  assert.ok(report.diagnostics.some((d) => d.rule === 'file-too-large' && d.file.endsWith('huge.yaml')));
  assert.ok(report.diagnostics.some((d) => d.rule === 'service-selector-orphaned'));
});

// The file system changing or refusing under the walk, simulated in the CLI process by a preload
// (tests may run as root, where chmod 000 stops nothing): an unreadable file or directory is
// reported with a one-line warning naming it and exit 2, or skipped with --allow-unreadable; one
// deleted between the walk and the read is skipped silently.
const ORPHAN = (name: string) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  selector:\n    app: ${name}\n  ports: [{port: 80}]\n`;
const FS_FAULTS = path.join(REPO_ROOT, 'out/test/support/fsFaults.js');
const FS_FAULTS_ENV = 'KTL_FS_FAULTS';

const FS_CASES: { name: string; fault: FsFault['fault']; target: string; files: Record<string, string>; stderr: RegExp | null }[] = [
  { name: 'an unreadable file (EACCES)', fault: 'eacces-read', target: 'locked.yaml', files: { 'locked.yaml': ORPHAN('locked') }, stderr: /warning: skipped unreadable locked\.yaml \(EACCES: permission denied\)/ },
  { name: 'an unreadable directory (EACCES)', fault: 'eacces-readdir', target: 'locked', files: { 'locked/a.yaml': ORPHAN('locked') }, stderr: /warning: skipped unreadable locked \(EACCES: permission denied\)/ },
  { name: 'a file deleted mid-index (ENOENT)', fault: 'vanish', target: 'gone.yaml', files: { 'gone.yaml': ORPHAN('gone') }, stderr: null },
  { name: 'a directory deleted mid-index (ENOENT)', fault: 'vanish', target: 'gone', files: { 'gone/a.yaml': ORPHAN('gone') }, stderr: null },
];

for (const c of FS_CASES) {
  test(`${c.name}: skipped, no crash, the rest is analysed`, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-hostile-'));
    fs.writeFileSync(path.join(dir, 'sentinel.yaml'), SENTINEL);
    for (const [file, text] of Object.entries(c.files)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
    // Without the fault, the target is read and its orphaned Service reported.
    const plain = JSON.parse(runCli(['check', '--format', 'json', '.'], { cwd: dir }).stdout) as JsonReport;
    assert.ok(plain.diagnostics.some((d) => d.file.startsWith(c.target) && d.rule === 'service-selector-orphaned'));

    const faults: FsFault[] = [{ path: path.join(dir, c.target), fault: c.fault }];
    const env = { NODE_OPTIONS: `--require ${FS_FAULTS}`, [FS_FAULTS_ENV]: JSON.stringify(faults) };
    if (c.stderr) {
      // Fails closed: a check that did not see every manifest has not passed.
      const closed = runCli(['check', '--format', 'json', '.'], { cwd: dir, env });
      assert.equal(closed.status, 2, closed.stderr);
      assert.match(closed.stderr, c.stderr);
      assert.match(closed.stderr, /1 path could not be read; exit 2 \(pass --allow-unreadable/);
    }
    const r = runCli(['check', '--format', 'json', '--allow-unreadable', '.'], { cwd: dir, env });
    assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
    const report = JSON.parse(r.stdout) as JsonReport;
    assert.ok(report.diagnostics.some((d) => d.rule === 'service-selector-orphaned' && d.file === 'sentinel.yaml'), 'the sentinel is still reported');
    assert.ok(!report.diagnostics.some((d) => d.file.startsWith(c.target)), 'nothing from the skipped file');
    if (c.stderr) {
      assert.match(r.stderr, c.stderr);
      assert.doesNotMatch(r.stderr, new RegExp(dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), 'no absolute path');
    } else {
      assert.equal(fs.existsSync(path.join(dir, c.target)), false, 'the preload deleted it mid-index');
      assert.equal(r.stderr, '', 'a vanished file is not a problem to report');
    }
  });
}
