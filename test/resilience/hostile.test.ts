// Hostile inputs: each gives a clear diagnostic or a skip, never a crash or a hang, and the rest of
// the workspace is still analysed (a sentinel Service in every workspace must still be reported).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { REPO_ROOT, runCli, type JsonReport } from '../support/cli';
import { hasRule, LspClient, uri as lspUri } from '../support/lspClient';
import type { FsFault } from '../support/fsFaults'; // types only: importing the preload would patch this process

const SENTINEL =
  'apiVersion: v1\nkind: Service\nmetadata:\n  name: sentinel\nspec:\n  selector:\n    app: sentinl\n  ports: [{port: 80}]\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: {app: sentinel}\nspec:\n  containers: [{name: c, image: i}]\n';

const billionLaughs = [
  'apiVersion: v1',
  'kind: ConfigMap',
  'metadata: {name: lol}',
  'data:',
  '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
]
  .concat(
    ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].map(
      (k, i) =>
        `  ${k}: &${k} [${Array(9)
          .fill(`*${String.fromCharCode(97 + i)}`)
          .join(',')}]`,
    ),
  )
  .join('\n');

const CASES: { name: string; content: string | Buffer; expect?: RegExp }[] = [
  { name: 'alias bomb', content: billionLaughs, expect: /alias/ },
  {
    name: 'deeply nested',
    content: `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: ${'['.repeat(5000)}${']'.repeat(5000)}\n`,
  },
  { name: 'binary with NUL', content: Buffer.from([0, 1, 2, 255, 254, 0, 10, 0x61, 0x3a, 0x20, 0]) },
  {
    name: 'invalid UTF-8',
    content: Buffer.concat([
      Buffer.from('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: '),
      Buffer.from([0xc3, 0x28, 0xff]),
      Buffer.from('\n'),
    ]),
  },
  { name: 'tabs for indentation', content: 'apiVersion: v1\nkind: Service\nmetadata:\n\tname: tabs\n' },
  {
    name: 'duplicate keys',
    content: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: dup\n  name: dup2\n',
    expect: /Duplicate key 'name'/,
  },
  {
    name: 'wrong types',
    content:
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w}\nspec:\n  replicas: many\n  selector: {matchLabels: {app: w}}\n  template:\n    metadata: {labels: {app: w}}\n    spec:\n      containers:\n        - name: c\n          ports: [{containerPort: "80"}, {containerPort: 8080.5}, {containerPort: [1]}]\n---\napiVersion: v1\nkind: Service\nmetadata: {name: w}\nspec:\n  selector: {app: w}\n  ports: [{port: "80", targetPort: 8080.5}, {port: {a: 1}}, {port: 81, targetPort: [x]}]\n',
  },
  {
    name: 'null sections',
    content:
      'apiVersion: v1\nkind: Service\nmetadata:\nspec:\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: n}\nspec:\n  template:\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i}\nspec:\n  rules:\n    - http:\n        paths:\n          - backend:\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: np}\nspec:\n  podSelector:\n  ingress:\n    - from:\n        -\n',
  },
  {
    name: 'scalars where maps belong',
    content:
      'apiVersion: v1\nkind: Service\nmetadata: just-a-string\nspec: 42\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, labels: [a, b]}\nspec: {selector: yes, template: {metadata: {labels: 7}, spec: {containers: "none"}}}\n',
  },
  {
    name: 'ten thousand documents',
    content: Array.from(
      { length: 10000 },
      (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-${i}}\n`,
    ).join('---\n'),
  },
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
    assert.ok(
      report.diagnostics.some((d) => d.rule === 'service-selector-orphaned' && d.file.endsWith('sentinel.yaml')),
      'the sentinel is still reported',
    );
    if (c.expect)
      assert.ok(
        report.diagnostics.some((d) => d.file.endsWith('hostile.yaml') && c.expect!.test(d.message)),
        JSON.stringify(report.diagnostics),
      );
  });
}

test('a 50 MB file is skipped with an information diagnostic', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-hostile-'));
  fs.writeFileSync(path.join(dir, 'sentinel.yaml'), SENTINEL);
  const fd = fs.openSync(path.join(dir, 'huge.yaml'), 'w');
  const chunk = Buffer.from(
    `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {k: "${'x'.repeat(1024 * 1024)}"}\n---\n`,
  );
  for (let i = 0; i < 50; i++) fs.writeSync(fd, chunk);
  fs.closeSync(fd);
  const report = JSON.parse(runCli(['check', '--format', 'json', dir]).stdout) as {
    diagnostics: { rule: string; file: string }[];
  };
  assert.ok(report.diagnostics.some((d) => d.rule === 'file-too-large' && d.file.endsWith('huge.yaml')));
  assert.ok(report.diagnostics.some((d) => d.rule === 'service-selector-orphaned'));
});

// The file system changing or refusing under the walk, simulated in the CLI process by a preload
// (tests may run as root, where chmod 000 stops nothing): an unreadable file or directory is
// reported with a one-line warning naming it and exit 2, or skipped with --allow-unreadable; one
// deleted between the walk and the read is skipped silently.
const ORPHAN = (name: string) =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  selector:\n    app: ${name}\n  ports: [{port: 80}]\n`;
const FS_FAULTS = path.join(REPO_ROOT, 'out/test/support/fsFaults.js');
const FS_FAULTS_ENV = 'KTL_FS_FAULTS';

const FS_CASES: {
  name: string;
  fault: FsFault['fault'];
  target: string;
  files: Record<string, string>;
  stderr: RegExp | null;
}[] = [
  {
    name: 'an unreadable file (EACCES)',
    fault: 'eacces-read',
    target: 'locked.yaml',
    files: { 'locked.yaml': ORPHAN('locked') },
    stderr: /warning: skipped unreadable locked\.yaml \(EACCES: permission denied\)/,
  },
  {
    name: 'an unreadable directory (EACCES)',
    fault: 'eacces-readdir',
    target: 'locked',
    files: { 'locked/a.yaml': ORPHAN('locked') },
    stderr: /warning: skipped unreadable locked \(EACCES: permission denied\)/,
  },
  {
    name: 'a file deleted mid-index (ENOENT)',
    fault: 'vanish',
    target: 'gone.yaml',
    files: { 'gone.yaml': ORPHAN('gone') },
    stderr: null,
  },
  {
    name: 'a directory deleted mid-index (ENOENT)',
    fault: 'vanish',
    target: 'gone',
    files: { 'gone/a.yaml': ORPHAN('gone') },
    stderr: null,
  },
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
    assert.ok(
      report.diagnostics.some((d) => d.rule === 'service-selector-orphaned' && d.file === 'sentinel.yaml'),
      'the sentinel is still reported',
    );
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

// ---------------------------------------------------------------------------------------------
// The hostile-input table (issue 13, D1-D13): every row runs through the CLI as a process and
// through the language server over stdio. For each row: the CLI exits as documented with the
// sentinel still reported (where it analyses); the server indexes, answers hovers within 100 ms
// at p95 (closed loop: one hover at a time) during a storm of edits and the row's own action,
// publishes the sentinel's orphaned-selector diagnostic and clears it when the sentinel is fixed,
// and stays under 500 MB resident. Sizes are the smallest that still trigger each fault.

interface RowContext {
  readonly dir: string;
  readonly client: LspClient;
}

interface Row {
  readonly name: string;
  /** A known gap (issue 13 stays open for it): the row runs and reports, and may fail. */
  readonly todo?: string;
  /** Creates the row's hostile input in the workspace (the sentinel is written first). */
  readonly setup: (dir: string) => void;
  /** CLI arguments after `check --format json` (default: the workspace); expected exit codes. */
  readonly cli?:
    | {
        args?: (dir: string) => string[];
        exit: readonly number[];
        stderr?: RegExp;
        sentinel?: boolean;
        check?: (report: JsonReport, dir: string) => void;
      }
    | false;
  /** Server settings and initialization options; the row's action, repeated during the storm; a final check. */
  readonly lsp?:
    | {
        settings?: Record<string, unknown>;
        init?: (dir: string) => Record<string, unknown>;
        action?: (c: RowContext, round: number) => Promise<void>;
        check?: (c: RowContext) => Promise<void>;
      }
    | false;
}

const SENTINEL_DIR = 'sentinel';
const ROW_FIGURES: { row: string; cli: string; hoverP95: string; hovers: number; rssMb: string }[] = [];

function writeTree(dir: string, files: Record<string, string | Buffer>): void {
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
}

/** The CLI as a process, with its peak resident memory (reported by the process itself). */
function runCliMeasured(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): { status: number | null; stdout: string; stderr: string; rssMb: number } {
  const cli = path.join(REPO_ROOT, 'dist/cli.js');
  const wrapper = `process.argv = [process.argv[0], ${JSON.stringify(cli)}, ...JSON.parse(process.env.KTL_ARGS)]; process.on('exit', () => require('fs').writeSync(2, '\\nKTL_MAXRSS_KB=' + process.resourceUsage().maxRSS + '\\n')); require(${JSON.stringify(cli)});`;
  const r = spawnSync(process.execPath, ['-e', wrapper], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', KTL_ARGS: JSON.stringify(args), ...env },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: 60_000,
  });
  const m = /\nKTL_MAXRSS_KB=(\d+)\n$/.exec(r.stderr ?? '');
  return {
    status: r.status,
    stdout: r.stdout,
    stderr: (r.stderr ?? '').replace(/\nKTL_MAXRSS_KB=\d+\n$/, ''),
    rssMb: m ? Number(m[1]) / 1024 : NaN,
  };
}

function peakRssMb(pid: number | undefined): number {
  const status = pid ? fs.readFileSync(`/proc/${pid}/status`, 'utf8') : '';
  const m = /VmHWM:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) / 1024 : NaN;
}

const sentinelFile = (dir: string) => path.join(dir, SENTINEL_DIR, 'sentinel.yaml');
const churnFile = (dir: string) => path.join(dir, SENTINEL_DIR, 'churn.yaml');
const churnText = (i: number) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: churn\ndata:\n  round: "${i}"\n`;
const hostileUri = (dir: string, file: string) => lspUri(path.join(dir, file));

const DUPLICATES = 130_000; // > ~125k: the count that made push(...x) throw
const dupFile = (n: number) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: d}\ndata:\n${'  a: b\n'.repeat(n)}`;
const ALIAS_HEAVY = [
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata: {name: web}',
  'spec:',
  '  selector: {matchLabels: {app: web}}',
  '  template:',
  '    metadata: {labels: {app: web}}',
  '    spec:',
  '      containers: [{name: c, image: i}]',
  '      x0: &a0 [1,1,1,1,1,1,1,1,1,1]',
]
  .concat(Array.from({ length: 7 }, (_, i) => `      x${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(',')}]`))
  .join('\n');

// Files just under the default maxFileSize (16 MiB): one of many documents, and one document.
const BUNDLE_DOCUMENTS = 10_000;
const BUNDLE_DOCUMENT_LINES = 25;
const bigBundle = () =>
  Array.from(
    { length: BUNDLE_DOCUMENTS },
    (_, i) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n${Array.from({ length: 20 }, (_, k) => `  key-${k}: "${'v'.repeat(60)}"\n`).join('')}`,
  ).join('---\n');
/** A data line of the middle document (each document is its lines and a `---` line). */
const BUNDLE_MIDDLE_LINE = (BUNDLE_DOCUMENTS / 2) * (BUNDLE_DOCUMENT_LINES + 1) + 10;
const DOCUMENT_KEYS = 200_000;
const bigDocument = () =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: one\ndata:\n${Array.from({ length: DOCUMENT_KEYS }, (_, k) => `  key-${k}: "${'v'.repeat(60)}"\n`).join('')}`;
const DOCUMENT_MIDDLE_LINE = 5 + DOCUMENT_KEYS / 2;

/** A row action: opens the file, then each round replaces a value on the given line. */
const editInTheMiddle =
  (file: string, text: () => string, line: number) =>
  async ({ client, dir }: RowContext, round: number) => {
    const uri = hostileUri(dir, file);
    if (round === 0)
      await client.notify('textDocument/didOpen', {
        textDocument: { uri, languageId: 'yaml', version: 1, text: text() },
      });
    await client.notify('textDocument/didChange', {
      textDocument: { uri, version: round + 2 },
      contentChanges: [
        { range: { start: { line, character: 16 }, end: { line, character: 17 } }, text: String(round % 10) },
      ],
    });
  };

const ROWS: Row[] = [
  {
    name: 'D1 one file with 130,000 duplicate keys',
    setup: (dir) => writeTree(dir, { 'd/dup.yaml': dupFile(DUPLICATES) }),
    cli: {
      exit: [0],
      check: (r) => assert.ok(r.diagnostics.filter((d) => d.rule === 'yaml-duplicate-key').length >= DUPLICATES - 1),
    },
    lsp: {
      check: async ({ client, dir }) => {
        const ds = await client.waitFor(
          hostileUri(dir, 'd/dup.yaml'),
          (d) => !!d?.some((x) => x.code === 'analysis-incomplete'),
          'the capped list with its summary',
        );
        assert.equal(ds.length, 1000, 'maxDiagnosticsPerFile');
      },
    },
  },
  {
    name: 'D1 140 files of 1,000 duplicate keys',
    setup: (dir) => {
      for (let i = 0; i < 140; i++) writeTree(dir, { [`many/dup-${i}.yaml`]: dupFile(1000) });
    },
    cli: { exit: [0] },
    lsp: {},
  },
  {
    name: 'D1 a 130,000-item list with the cache on',
    setup: (dir) =>
      writeTree(dir, {
        'l/list.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: l}\ndata:\n  l:\n${'  - 1\n'.repeat(DUPLICATES)}`,
      }),
    cli: {
      args: (dir) => ['--cache', path.join(dir, '.cache'), dir],
      exit: [0],
      check: (_r, dir) => {
        // The cache, kept inside the analysed tree, is tagged (CACHEDIR.TAG) and never read as manifests.
        const again = runCli(['check', '--format', 'json', dir]);
        assert.equal((JSON.parse(again.stdout) as JsonReport).files, 3, again.stdout.slice(0, 300));
      },
    },
    lsp: { init: (dir) => ({ storagePath: path.join(dir, '.storage') }) },
  },
  {
    name: 'D2 .kube-traffic-lens.yaml linked to /dev/zero',
    setup: (dir) => fs.symlinkSync('/dev/zero', path.join(dir, '.kube-traffic-lens.yaml')),
    cli: { exit: [0], stderr: /\.kube-traffic-lens\.yaml: not read \(ELOOP/ },
    lsp: {},
  },
  {
    name: 'D2 .kube-traffic-lens.yaml is a FIFO; a manifest FIFO',
    setup: (dir) => {
      execFileSync('mkfifo', [path.join(dir, '.kube-traffic-lens.yaml')]);
      execFileSync('mkfifo', [path.join(dir, 'fifo.yaml')]);
    },
    cli: { exit: [0], stderr: /not read \(ENOTREG/ },
    lsp: {},
  },
  {
    name: 'D2 cache files linked to /dev/zero and a FIFO',
    setup: (dir) => {
      for (const store of ['.cache', '.storage/cache']) {
        fs.mkdirSync(path.join(dir, store), { recursive: true });
        fs.symlinkSync('/dev/zero', path.join(dir, store, 'parse-v1.json'));
        execFileSync('mkfifo', [path.join(dir, store, 'result-v1.json')]);
      }
    },
    cli: { args: (dir) => ['--cache', path.join(dir, '.cache'), dir], exit: [0] },
    lsp: { init: (dir) => ({ storagePath: path.join(dir, '.storage') }) },
  },
  {
    name: 'D3 completion at the end of a 60,000-character token',
    setup: (dir) =>
      writeTree(dir, {
        'c/token.yaml': `apiVersion: v1\nkind: Service\nmetadata:\n  name: t\nspec:\n  ports: [{port: 80, targetPort: ${'a'.repeat(60_000)}}]\n`,
      }),
    // The 60,000-character targetPort is no valid port name: the API server rejects it (exit 1).
    cli: { exit: [1], check: (r) => assert.ok(r.diagnostics.some((d) => d.rule === 'service-spec-invalid')) },
    lsp: {
      action: async ({ client, dir }) => {
        const text = fs.readFileSync(path.join(dir, 'c/token.yaml'), 'utf8');
        await client.notify('textDocument/didOpen', {
          textDocument: { uri: hostileUri(dir, 'c/token.yaml'), languageId: 'yaml', version: 1, text },
        });
        const line = 5;
        await client.request('textDocument/completion', {
          textDocument: { uri: hostileUri(dir, 'c/token.yaml') },
          position: { line, character: 60_030 },
        });
      },
    },
  },
  {
    name: 'D4 a forged result cache (diagnostics emptied, MAC kept)',
    setup: (dir) => {
      // A closed world (completeWorkspace): the missing backend is an error, so the run exits 1.
      writeTree(dir, {
        '.kube-traffic-lens.yaml': 'completeWorkspace: true\n',
        'e/ingress.yaml':
          'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i}\nspec:\n  rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: nowhere, port: {number: 80}}}}]}}]\n',
      });
      const cacheDir = path.join(dir, '.cache');
      runCli(['check', '--cache', cacheDir, dir], { env: { XDG_STATE_HOME: path.join(dir, '.state') } });
      const file = path.join(cacheDir, 'result-v1.json');
      const signed = JSON.parse(fs.readFileSync(file, 'utf8'));
      signed.body.result.diagnostics = [];
      fs.writeFileSync(file, JSON.stringify(signed));
    },
    cli: {
      args: (dir) => ['--cache', path.join(dir, '.cache'), dir],
      exit: [1],
      check: (r) => assert.ok(r.diagnostics.some((d) => d.rule === 'ingress-backend-service-missing')),
    },
    lsp: false,
  },
  {
    name: 'D5 /dev/zero as PATH',
    setup: () => {},
    cli: {
      args: () => ['/dev/zero'],
      exit: [2],
      stderr: /^kube-traffic-lens: cannot read path '\/dev\/zero': not a regular file or directory\n$/,
      sentinel: false,
    },
    lsp: false,
  },
  {
    name: 'D5 /dev/null as PATH',
    setup: () => {},
    cli: { args: () => ['/dev/null'], exit: [2], stderr: /not a regular file or directory/, sentinel: false },
    lsp: false,
  },
  {
    name: 'D5 /proc/self as PATH',
    setup: () => {},
    cli: {
      args: () => ['/proc/self'],
      exit: [2],
      stderr: /cannot read path '\/proc\/self': no manifest/,
      sentinel: false,
    },
    lsp: false,
  },
  {
    name: 'D5 a FIFO as PATH',
    setup: (dir) => execFileSync('mkfifo', [path.join(dir, 'p.fifo')]),
    cli: {
      args: (dir) => [path.join(dir, 'p.fifo')],
      exit: [2],
      stderr: /not a regular file or directory/,
      sentinel: false,
    },
    lsp: false,
  },
  {
    name: 'D6 an open document over maxFileSize',
    setup: (dir) =>
      writeTree(dir, {
        '.kube-traffic-lens.yaml': 'maxFileSize: 200000\n',
        'big/big.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata: {k: "${'x'.repeat(300_000)}"}\n`,
      }),
    cli: { exit: [0], check: (r) => assert.ok(r.diagnostics.some((d) => d.rule === 'file-too-large')) },
    lsp: {
      action: async ({ client, dir }, round) => {
        if (round === 0)
          await client.notify('textDocument/didOpen', {
            textDocument: {
              uri: hostileUri(dir, 'big/big.yaml'),
              languageId: 'yaml',
              version: 1,
              text: fs.readFileSync(path.join(dir, 'big/big.yaml'), 'utf8'),
            },
          });
      },
      check: async ({ client, dir }) => {
        await client.waitFor(
          hostileUri(dir, 'big/big.yaml'),
          hasRule('file-too-large'),
          'file-too-large in the editor',
        );
      },
    },
  },
  {
    name: 'D6 4,000 workloads applied together in one file',
    setup: (dir) =>
      writeTree(dir, {
        'w/all.yaml': Array.from(
          { length: 4000 },
          (_, i) =>
            `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w${i}}\nspec:\n  selector: {matchLabels: {app: w${i}}}\n  template:\n    metadata: {labels: {app: w${i}}}\n    spec: {containers: [{name: c, image: i, ports: [{containerPort: 80}]}]}\n`,
        ).join('---\n'),
      }),
    cli: { exit: [0] },
    lsp: {},
  },
  {
    name: 'D6 3,000 orphaned Services over 3,000 templates in one namespace',
    setup: (dir) =>
      writeTree(dir, {
        'o/all.yaml': Array.from(
          { length: 3000 },
          (_, i) =>
            `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d${i}}\nspec:\n  selector: {matchLabels: {app: app-${i}}}\n  template:\n    metadata: {labels: {app: app-${i}}}\n    spec: {containers: [{name: c, image: i}]}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: s${i}}\nspec: {selector: {app: other-${i}}, ports: [{port: 80}]}\n`,
        ).join('---\n'),
      }),
    cli: {
      exit: [0],
      check: (r) => assert.ok(r.diagnostics.filter((d) => d.rule === 'service-selector-orphaned').length >= 3000),
    },
    lsp: {},
  },
  {
    name: 'D6 a 15 MiB bundle of 10,000 documents, open and edited in the middle',
    // An edit costs what it changes in the server's copy (lsp/textDocument.ts) and in the parts
    // read again (documents.ts); a burst of edits costs one analysis (lsp/scheduler.ts). The
    // hovers right after the 15 MiB didOpen still wait for its decoding (~40 ms alone).
    setup: (dir) => writeTree(dir, { 'big/bundle.yaml': bigBundle() }),
    cli: { exit: [0] },
    lsp: { action: editInTheMiddle('big/bundle.yaml', bigBundle, BUNDLE_MIDDLE_LINE) },
  },
  {
    name: 'D6 one document of 15 MiB, open and edited in the middle',
    // The document is pre-checked and read in slices (shape.ts overShapeLimitsSteps, fastParse.ts
    // parseDirectSteps), an edit costs what it changes in the server's copy (lsp/textDocument.ts),
    // and a moved tree is compared in steps (documents.ts isMovedTreeSteps).
    setup: (dir) => writeTree(dir, { 'big/one.yaml': bigDocument() }),
    cli: { exit: [0] },
    lsp: { action: editInTheMiddle('big/one.yaml', bigDocument, DOCUMENT_MIDDLE_LINE) },
  },
  {
    name: 'D6 a million-deep flow nesting',
    setup: (dir) =>
      writeTree(dir, {
        'n/deep.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: {k: ${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}}\n`,
      }),
    cli: {
      exit: [0],
      check: (r) =>
        assert.ok(r.diagnostics.some((d) => d.rule === 'analysis-incomplete' && /nested deeper/.test(d.message))),
    },
    lsp: {
      check: async ({ client, dir }) => {
        await client.waitFor(hostileUri(dir, 'n/deep.yaml'), hasRule('analysis-incomplete'), 'nesting refused');
      },
    },
  },
  {
    name: 'D7 a manifest rewritten and build-output JSON churning during start-up',
    setup: (dir) =>
      writeTree(dir, Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`many/cm-${i}.yaml`, churnText(i)]))),
    cli: { exit: [0] },
    lsp: {
      action: async ({ client, dir }, round) => {
        fs.writeFileSync(path.join(dir, 'many/cm-0.yaml'), churnText(1000 + round));
        fs.writeFileSync(path.join(dir, 'out.json'), `{"round": ${round}}`);
        await client.notify('workspace/didChangeWatchedFiles', {
          changes: [
            { uri: hostileUri(dir, 'many/cm-0.yaml'), type: 2 },
            { uri: hostileUri(dir, 'out.json'), type: 2 },
          ],
        });
      },
    },
  },
  {
    name: 'D8 D10 a Service name with newlines, %%, brackets and ESC sequences',
    setup: (dir) =>
      writeTree(dir, {
        'x/evil.yaml':
          'apiVersion: v1\nkind: Service\nmetadata:\n  name: "a\\"]\\n%%\\nclick n0 call alert(1)\\u001b]0;t\\u0007\\nall checks passed"\nspec: {selector: {app: none}, ports: [{port: 80}]}\n',
      }),
    cli: {
      exit: [0],
      check: (_r, dir) => {
        const text = runCli(['check', dir]).stdout;
        assert.doesNotMatch(text, /\u001b/);
        assert.ok(!text.split('\n').some((l) => l.startsWith('all checks passed')));
        const mermaid = runCli(['graph', '--format', 'mermaid', dir]).stdout;
        assert.ok(!mermaid.split('\n').some((l) => /^\s*(click|%%)/.test(l)));
      },
    },
    lsp: {},
  },
  {
    name: 'D9 an exclude glob built for backtracking',
    setup: (dir) =>
      writeTree(dir, {
        '.kube-traffic-lens.yaml': 'exclude: ["**/*a*a*a*a*a*a*a*a*a*a*a*a*ax"]\n',
        [`g/${'a'.repeat(34)}.yaml`]: churnText(0),
      }),
    cli: { exit: [0] },
    lsp: {},
  },
  {
    name: 'D11 a link planted in a shared cache directory',
    setup: (dir) => {
      fs.mkdirSync(path.join(dir, '.cache'));
      fs.writeFileSync(path.join(dir, 'victim.txt'), 'untouched');
      for (const name of ['parse-v1.json', 'result-v1.json'])
        fs.symlinkSync(path.join(dir, 'victim.txt'), path.join(dir, '.cache', `${name}.tmp`));
    },
    cli: {
      args: (dir) => ['--cache', path.join(dir, '.cache'), dir],
      exit: [0],
      check: (_r, dir) => assert.equal(fs.readFileSync(path.join(dir, 'victim.txt'), 'utf8'), 'untouched'),
    },
    lsp: false,
  },
  {
    name: 'D12 an edit whose range lies past the end of the document',
    setup: (dir) => writeTree(dir, { 'r/doc.yaml': churnText(0) }),
    cli: { exit: [0] },
    lsp: {
      action: async ({ client, dir }, round) => {
        const u = hostileUri(dir, 'r/doc.yaml');
        if (round === 0)
          await client.notify('textDocument/didOpen', {
            textDocument: { uri: u, languageId: 'yaml', version: 1, text: churnText(0) },
          });
        await client.notify('textDocument/didChange', {
          textDocument: { uri: u, version: round + 2 },
          contentChanges: [
            {
              range: { start: { line: 900 + round, character: 0 }, end: { line: 901 + round, character: 3 } },
              text: 'kind: [',
            },
          ],
        });
      },
      check: async ({ client, dir }) => {
        assert.ok(
          client.log.some((l) => /refused an edit at 900:0/.test(l)),
          'the edit was refused',
        );
        assert.ok(
          !client.diagnostics.get(hostileUri(dir, 'r/doc.yaml'))?.some((d) => d.code === 'yaml-syntax'),
          'the refused text was not applied',
        );
      },
    },
  },
  {
    name: 'D13 UTF-16, CR-only line ends, and an alias-heavy Deployment beside its Service',
    setup: (dir) =>
      writeTree(dir, {
        'u/u16.yaml': Buffer.concat([
          Buffer.from([0xff, 0xfe]),
          Buffer.from(
            'apiVersion: v1\nkind: Service\nmetadata:\n  name: sixteen\nspec:\n  selector: {app: sixteen}\n  ports: [{port: 80}]\n',
            'utf16le',
          ),
        ]),
        'u/pod.yaml':
          'apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {app: sixteen}}\nspec: {containers: [{name: c, image: i}]}\n',
        'u/cr.yaml': 'apiVersion: v1\rkind: ConfigMap\rmetadata:\r  name: cr\rdata:\r  k: v\r',
        'a/web.yaml': `${ALIAS_HEAVY}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: web}, ports: [{port: 80}]}\n`,
      }),
    cli: {
      exit: [0],
      check: (r) => {
        assert.ok(
          !r.diagnostics.some((d) => d.file.endsWith('cr.yaml') && d.rule === 'yaml-syntax'),
          'CR-only is not a syntax error',
        );
        assert.ok(!r.diagnostics.some((d) => d.file.endsWith('u16.yaml')), 'UTF-16 read: its Service selects the Pod');
        assert.ok(
          r.diagnostics.some((d) => d.file.endsWith('web.yaml') && d.rule === 'analysis-incomplete'),
          'the alias-heavy Deployment is said to be unread',
        );
        assert.ok(
          !r.diagnostics.some((d) => d.file.endsWith('web.yaml') && d.rule === 'service-selector-orphaned'),
          'its Service is not accused',
        );
      },
    },
    lsp: {
      check: async ({ client, dir }) => {
        await client.waitFor(hostileUri(dir, 'a/web.yaml'), hasRule('analysis-incomplete'), 'alias-heavy note');
        assert.ok(
          !client.diagnostics.get(hostileUri(dir, 'a/web.yaml'))?.some((d) => d.code === 'service-selector-orphaned'),
        );
        assert.ok(!client.diagnostics.get(hostileUri(dir, 'u/cr.yaml'))?.length);
      },
    },
  },
];

/** Closed-loop hovers on the sentinel Service while `storm` runs; their latencies in ms. */
async function hoverDuring(client: LspClient, dir: string, storm: Promise<void>): Promise<number[]> {
  let done = false;
  void storm.finally(() => (done = true));
  const latencies: number[] = [];
  const textDocument = { uri: lspUri(sentinelFile(dir)) };
  while (!done || latencies.length < 20) {
    const started = performance.now();
    await client.request('textDocument/hover', { textDocument, position: { line: 3, character: 9 } });
    latencies.push(performance.now() - started);
  }
  return latencies;
}

const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];

for (const row of ROWS) {
  test(`hostile table: ${row.name}`, { timeout: 120_000, todo: row.todo }, async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-table-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    writeTree(dir, { [`${SENTINEL_DIR}/sentinel.yaml`]: SENTINEL, [`${SENTINEL_DIR}/churn.yaml`]: churnText(0) });
    row.setup(dir);
    const figures = { row: row.name, cli: '-', hoverP95: '-', hovers: 0, rssMb: '-' };

    if (row.cli) {
      const env = { XDG_STATE_HOME: path.join(dir, '.state') };
      const started = performance.now();
      const r = runCliMeasured(['check', '--format', 'json', ...(row.cli.args?.(dir) ?? [dir])], REPO_ROOT, env);
      const ms = performance.now() - started;
      assert.ok(row.cli.exit.includes(r.status ?? -1), `exit ${r.status}: ${r.stderr.slice(0, 500)}`);
      assert.doesNotMatch(r.stderr, /internal error/);
      if (row.cli.stderr) assert.match(r.stderr, row.cli.stderr);
      assert.ok(r.rssMb < 500, `CLI RSS ${r.rssMb} MB`);
      if (r.status !== 2) {
        const report = JSON.parse(r.stdout) as JsonReport;
        if (row.cli.sentinel !== false)
          assert.ok(
            report.diagnostics.some(
              (d) => d.rule === 'service-selector-orphaned' && d.file.endsWith('sentinel/sentinel.yaml'),
            ),
            'the sentinel is still reported',
          );
        row.cli.check?.(report, dir);
      }
      figures.cli = `exit ${r.status}, ${Math.round(ms)} ms, ${Math.round(r.rssMb)} MB`;
    }

    const lspRow = row.lsp;
    if (lspRow) {
      const client = new LspClient();
      t.after(() => client.stop());
      await client.initialize(dir, lspRow.settings ?? {}, lspRow.init?.(dir) ?? {}, {}, 60_000);
      const c = { dir, client };
      const sentinelUri = lspUri(sentinelFile(dir));
      await client.waitFor(sentinelUri, hasRule('service-selector-orphaned'), 'the sentinel diagnostic');
      // The storm: the row's own action and an edit of another open file, 20 rounds 25 ms apart.
      const churnUri = lspUri(churnFile(dir));
      await client.notify('textDocument/didOpen', {
        textDocument: { uri: churnUri, languageId: 'yaml', version: 1, text: churnText(0) },
      });
      const storm = (async () => {
        for (let round = 0; round < 20; round++) {
          await lspRow.action?.(c, round);
          await client.notify('textDocument/didChange', {
            textDocument: { uri: churnUri, version: round + 2 },
            contentChanges: [{ text: churnText(round + 1) }],
          });
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
      })();
      const latencies = await hoverDuring(client, dir, storm);
      await storm;
      await lspRow.check?.(c);
      // Still published, and it clears when the sentinel is fixed.
      await client.waitFor(
        sentinelUri,
        hasRule('service-selector-orphaned'),
        'the sentinel diagnostic after the storm',
      );
      const fixed = SENTINEL.replace('app: sentinl', 'app: sentinel');
      await client.notify('textDocument/didOpen', {
        textDocument: { uri: sentinelUri, languageId: 'yaml', version: 1, text: fixed },
      });
      await client.waitFor(
        sentinelUri,
        (d) => !d?.some((x) => x.code === 'service-selector-orphaned'),
        'the sentinel diagnostic to clear',
        20_000,
      );
      assert.equal(client.exited, undefined, 'the server is still running');
      const p95 = percentile(latencies, 95);
      const rss = peakRssMb(client.pid);
      figures.hoverP95 = `${p95.toFixed(1)} ms`;
      figures.hovers = latencies.length;
      figures.rssMb = `${Math.round(rss)} MB`;
      assert.ok(p95 < 100, `hover p95 ${p95.toFixed(1)} ms over ${latencies.length} hovers`);
      assert.ok(rss < 500, `server RSS ${rss} MB`);
    }
    ROW_FIGURES.push(figures);
    t.diagnostic(JSON.stringify(figures));
  });
}

test('hostile table figures', () => {
  if (process.env.KTL_TABLE_FIGURES)
    fs.writeFileSync(process.env.KTL_TABLE_FIGURES, JSON.stringify(ROW_FIGURES, null, 1));
  const known = ROWS.filter((row) => !row.todo).map((row) => row.name);
  for (const name of known)
    assert.ok(
      ROW_FIGURES.some((f) => f.row === name),
      `row ran: ${name}`,
    );
});

// D7 at start-up: a file rewritten every 10 ms (and build-output JSON beside it) while the server
// indexes and runs its first analysis. The first analysis is not cancelled by the changes: indexing
// ends, the sentinel is published, and the latest text of the churning file is analysed next.
test('D7: changes during start-up do not starve the first analysis', { timeout: 120_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-startup-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  writeTree(dir, { [`${SENTINEL_DIR}/sentinel.yaml`]: SENTINEL });
  for (let i = 0; i < 2000; i++)
    writeTree(dir, {
      [`apps/app-${i}.yaml`]: `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a${i}}\nspec:\n  selector: {matchLabels: {app: a${i}}}\n  template:\n    metadata: {labels: {app: a${i}}}\n    spec: {containers: [{name: c, image: i, ports: [{containerPort: 80}]}]}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: a${i}}\nspec: {selector: {app: a${i}}, ports: [{port: 80}]}\n`,
    });
  const client = new LspClient();
  t.after(() => client.stop());
  let stop = false;
  let rounds = 0;
  const churn = (async () => {
    while (!stop) {
      const round = rounds++;
      fs.writeFileSync(
        path.join(dir, 'apps/app-0.yaml'),
        `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: churn}\ndata: {round: "${round}"}\n`,
      );
      fs.writeFileSync(path.join(dir, 'out.json'), `{"round": ${round}}`);
      await client.notify('workspace/didChangeWatchedFiles', {
        changes: [
          { uri: lspUri(path.join(dir, 'apps/app-0.yaml')), type: 2 },
          { uri: lspUri(path.join(dir, 'out.json')), type: 2 },
        ],
      });
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  try {
    await client.initialize(dir, {}, {}, {}, 90_000); // resolves when the first analysis is complete
    await client.waitFor(
      lspUri(sentinelFile(dir)),
      hasRule('service-selector-orphaned'),
      'the sentinel, published while changes go on',
    );
  } finally {
    stop = true;
    await churn;
  }
  assert.ok(rounds > 20, `${rounds} rewrites during start-up`);
  assert.equal(client.exited, undefined);
});
