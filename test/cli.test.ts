// The CLI as users and CI run it: exit codes, usage errors, and the shape of the JSON and SARIF reports.
import { test, describe } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { checkJson, CLI, REPO_ROOT, runCli } from './support/cli';
import { checkInProcess } from './support/ruleTester';

const BROKEN = 'test/fixtures/cli/broken';
const CLEAN = 'test/fixtures/cli/clean';

describe('exit codes', () => {
  test('0 when there is no error', () => {
    const r = runCli(['check', CLEAN]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /No problems \(3 resources in 1 file\)/);
  });
  test('1 when there are errors', () => {
    assert.equal(runCli(['check', BROKEN]).status, 1);
  });
  for (const [name, args, message] of [
    ['unknown command', ['frobnicate'], /unknown command 'frobnicate'/],
    ['unknown format', ['check', '--format', 'xml', CLEAN], /unknown format 'xml'/],
    ['unknown option', ['check', '--colour', CLEAN], /Unknown option '--colour'/],
    ['missing path', ['check', 'no/such/dir'], /cannot read path 'no\/such\/dir': no such file or directory/],
    ['missing config', ['check', '--config', 'nope.yaml', CLEAN], /cannot read config file 'nope.yaml'/],
  ] as const) {
    test(`2 for ${name}, with one line and no stack trace`, () => {
      const r = runCli(args as unknown as string[]);
      assert.equal(r.status, 2);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      assert.equal(r.stdout, '');
    });
  }
  test('a reader that closes the pipe early: no stack trace, the analysis exit code', async () => {
    // 2,000 orphaned Services: a report far larger than the pipe's buffer.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-epipe-'));
    try {
      fs.writeFileSync(
        path.join(dir, 'many.yaml'),
        Array.from(
          { length: 2000 },
          (_, i) =>
            `apiVersion: v1\nkind: Service\nmetadata: {name: s${i}}\nspec: {selector: {app: none}, ports: [{port: 80}]}\n`,
        ).join('---\n'),
      );
      const child = spawn(process.execPath, [CLI, 'check', '--format', 'json', dir], { cwd: REPO_ROOT });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdout.once('data', () => child.stdout.destroy());
      const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
      assert.equal(stderr, '');
      assert.equal(code, 0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  test('--help and --version', () => {
    const help = runCli(['--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /check \[PATH\.\.\.\]/);
    assert.match(runCli(['--version']).stdout, /^\d+\.\d+\.\d+/);
  });
});

describe('JSON report', () => {
  test('has version 1, counts and every diagnostic field', () => {
    const report = checkJson([BROKEN]);
    assert.equal(report.version, 1);
    assert.equal(report.files, 2);
    // The ConfigMap with the syntax error is kept as the parser recovered it (no finding drawn from it).
    assert.equal(report.resources, 5);
    const d = report.diagnostics.find((x) => x.rule === 'service-selector-orphaned');
    assert.ok(d, JSON.stringify(report.diagnostics));
    assert.deepEqual(Object.keys(d), [
      'file',
      'line',
      'column',
      'endLine',
      'endColumn',
      'severity',
      'rule',
      'message',
      'resource',
    ]);
    assert.equal(d.file, `${BROKEN}/app.yaml`);
    assert.deepEqual([d.line, d.column, d.endLine, d.endColumn], [26, 5, 26, 14]);
    assert.equal(d.severity, 'warning');
    assert.equal(d.resource, 'Service/default/web');
    const syntax = report.diagnostics.find((x) => x.rule === 'yaml-syntax');
    assert.ok(syntax && syntax.severity === 'error' && syntax.file === `${BROKEN}/syntax-error.yaml`);
  });
});

describe('SARIF report', () => {
  test('is SARIF 2.1.0 with rule metadata and located results', () => {
    const r = runCli(['check', '--format', 'sarif', BROKEN]);
    assert.equal(r.status, 1);
    const sarif = JSON.parse(r.stdout);
    assert.equal(sarif.version, '2.1.0');
    assert.match(sarif.$schema, /sarif-2\.1\.0/);
    const run = sarif.runs[0];
    assert.equal(run.tool.driver.name, 'kube-traffic-lens');
    const rules = run.tool.driver.rules as { id: string; helpUri: string; defaultConfiguration: { level: string } }[];
    const orphaned = rules.find((x) => x.id === 'service-selector-orphaned');
    assert.ok(orphaned);
    assert.match(orphaned.helpUri, /docs\/rules\/service-selector-orphaned\.md$/);
    assert.equal(orphaned.defaultConfiguration.level, 'warning');
    const result = run.results.find((x: { ruleId: string }) => x.ruleId === 'service-selector-orphaned');
    assert.equal(rules[result.ruleIndex].id, 'service-selector-orphaned');
    assert.equal(result.level, 'warning');
    const loc = result.locations[0].physicalLocation;
    assert.equal(loc.artifactLocation.uri, `${BROKEN}/app.yaml`);
    assert.equal(loc.artifactLocation.uriBaseId, '%SRCROOT%');
    assert.deepEqual(loc.region, { startLine: 26, startColumn: 5, endLine: 26, endColumn: 14 });
    assert.match(result.partialFingerprints['kubeTrafficLens/v1'], /^[0-9a-f]{32}$/);
    assert.equal(result.relatedLocations[0].physicalLocation.artifactLocation.uri, `${BROKEN}/app.yaml`);
  });
});

describe('SARIF fingerprints', () => {
  test('stay the same when lines move and when a hint in the message changes', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-sarif-'));
    try {
      fs.cpSync(BROKEN, dir, { recursive: true });
      const fingerprints = () => {
        const sarif = JSON.parse(runCli(['check', '--format', 'sarif', '.'], { cwd: dir }).stdout);
        return Object.fromEntries(
          sarif.runs[0].results.map(
            (x: { ruleId: string; message: { text: string }; partialFingerprints: Record<string, string> }) => [
              x.ruleId,
              { fp: x.partialFingerprints['kubeTrafficLens/v1'], message: x.message.text },
            ],
          ),
        );
      };
      const before = fingerprints();
      assert.ok(before['service-selector-orphaned'], 'the orphaned selector is reported');
      const app = path.join(dir, 'app.yaml');
      // Lines move, and the Deployment the message names as the closest match is renamed.
      fs.writeFileSync(
        app,
        `# moved down\n\n${fs.readFileSync(app, 'utf8').replace(/^ {2}name: web$/m, '  name: web-frontend')}`,
      );
      const after = fingerprints();
      assert.notEqual(after['service-selector-orphaned'].message, before['service-selector-orphaned'].message);
      for (const rule of Object.keys(before)) assert.equal(after[rule]?.fp, before[rule].fp, rule);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('text report', () => {
  test('is grouped by file with line:col, severity, message, rule and a summary', () => {
    const r = runCli(['check', BROKEN]);
    assert.match(
      r.stdout,
      /^test\/fixtures\/cli\/broken\/app\.yaml\n {2}26:5 {2}warning {2}Selector app=webb matches no pod template/m,
    );
    assert.match(r.stdout, /service-selector-orphaned$/m);
    assert.match(r.stdout, /✖ 2 problems \(1 error, 1 warning, 0 info\) in 5 resources in 2 files/);
    assert.doesNotMatch(r.stdout, /\u001b\[/, 'no color when not a terminal');
    assert.equal(r.stderr, '', 'no progress output when stderr is not a terminal');
  });
});

describe('the in-process rule tester', () => {
  // The rule fixtures run in process (test/support/ruleTester.ts); that is sound only while the
  // process prints exactly what the tester computes, settings file and kustomize builds included.
  for (const target of [
    'test/fixtures/cli/configured',
    'test/fixtures/cli/broken',
    'test/fixtures/rules/duplicate-resource/invalid-build',
    'test/fixtures/rules/cluster-ip-outside-service-cidr/invalid',
  ]) {
    test(`reports what the process reports: ${target}`, () => {
      const report = checkJson([target]);
      assert.ok(report.diagnostics.length > 0, 'a case with findings');
      assert.deepEqual(checkInProcess([target]), report);
    });
  }
});

describe('configuration', () => {
  test('.kube-traffic-lens.yaml at the root overrides severity, excludes globs and sets the default namespace', () => {
    const report = checkJson(['test/fixtures/cli/configured']);
    assert.equal(report.resources, 2, 'the excluded tree is not read');
    assert.equal(report.diagnostics.length, 1);
    const d = report.diagnostics[0];
    assert.equal(d.severity, 'error');
    assert.equal(d.resource, 'Service/payments/billing');
    assert.equal(runCli(['check', 'test/fixtures/cli/configured']).status, 1);
  });
  test('--config FILE replaces the discovered settings; off silences a rule', () => {
    const report = checkJson(['test/fixtures/cli/configured'], {
      extraArgs: ['--config', 'test/fixtures/cli/configured/off.yaml'],
    });
    assert.equal(report.resources, 3, 'no exclude from the discovered file');
    assert.deepEqual(report.diagnostics, []);
  });
});

describe('a folder inside a kustomize tree', () => {
  test('is judged with what the enclosing kustomization builds it with, unseen', () => {
    const alone = checkJson(['test/fixtures/cli/alone/db']);
    assert.deepEqual(
      alone.diagnostics.map((d) => `${d.severity} ${d.rule}`),
      ['warning networkpolicy-peer-selector-orphaned'],
      'without an enclosing build, the peer selects nothing',
    );
    const enclosed = checkJson(['test/fixtures/cli/enclosed/base/db']);
    assert.equal(enclosed.files, 3, 'the enclosing kustomization is read, its other entries are not');
    assert.deepEqual(
      enclosed.diagnostics.filter((d) => d.severity !== 'info').map((d) => d.rule),
      [],
    );
    assert.deepEqual(checkJson(['test/fixtures/cli/enclosed/base']).diagnostics, [], 'the whole build is right');
  });
});

describe('suppression', () => {
  test('a disable-next-line comment and the ignore annotation silence only the named rule', () => {
    const report = checkJson(['test/fixtures/cli/suppressed']);
    assert.equal(report.resources, 4);
    assert.deepEqual(
      report.diagnostics.map((d) => `${d.resource} ${d.rule}`),
      ['Service/default/other-rule-disabled service-selector-orphaned'],
    );
  });
});

describe('graph', () => {
  test('text lists each path from its entry to the container port', () => {
    const r = runCli(['graph', CLEAN]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^namespace shop$/m);
    assert.match(
      r.stdout,
      /^ {2}http:\/\/api\.example\.com\/ -> Service api:80 -> Deployment api \(2 pods\) -> api:8080$/m,
    );
    assert.match(
      r.stdout,
      /^ {2}NodePort :30080 on every node -> Service api:80 -> Deployment api \(2 pods\) -> api:8080$/m,
    );
    assert.match(
      r.stdout,
      /^ {2}api\.shop\.svc\.cluster\.local:80 -> Service api:80 -> Deployment api \(2 pods\) -> api:8080$/m,
    );
    assert.match(r.stdout, /3 traffic paths, 0 broken/);
  });
  test('json has stable ids, edges with ports and broken edges marked', () => {
    const clean = JSON.parse(runCli(['graph', '--format', 'json', CLEAN]).stdout);
    assert.equal(clean.version, 1);
    const ids = clean.nodes.map((n: { id: string }) => n.id);
    assert.deepEqual(ids, [
      'Deployment/shop/api',
      'Deployment/shop/api:8080',
      'Ingress/shop/api#api.example.com/',
      'NodePort/shop/api',
      'Service/shop/api',
    ]);
    const selects = clean.edges.find((e: { kind: string }) => e.kind === 'selects');
    assert.deepEqual(selects, {
      from: 'Service/shop/api',
      to: 'Deployment/shop/api',
      kind: 'selects',
      label: '80 -> http',
      broken: false,
    });
    const service = clean.nodes.find((n: { id: string }) => n.id === 'Service/shop/api');
    assert.equal(service.file, `${CLEAN}/app.yaml`);
    assert.equal(service.line, 23);
    const broken = JSON.parse(runCli(['graph', '--format', 'json', BROKEN]).stdout);
    const orphan = broken.edges.find((e: { broken: boolean }) => e.broken);
    assert.equal(orphan.from, 'Service/default/web');
    assert.equal(orphan.reason, 'the selector matches no pod template');
    assert.ok(
      broken.paths.some(
        (p: { broken?: string; entry: string }) => p.entry === 'web.default.svc.cluster.local:80' && p.broken,
      ),
    );
  });
  test('mermaid and dot are well-formed, grouped by namespace, with broken edges dashed', () => {
    const mermaid = runCli(['graph', '--format', 'mermaid', BROKEN]).stdout;
    assert.match(mermaid, /^flowchart LR\n {2}subgraph n\d+\["namespace default"\]/);
    assert.match(mermaid, / -\.->\|"selector ✖ the selector matches no pod template"\| /);
    const dot = runCli(['graph', '--format', 'dot', BROKEN]).stdout;
    assert.match(dot, /^digraph traffic \{\n {2}rankdir=LR;/);
    assert.match(dot, /subgraph "cluster_0" \{\n {4}label="namespace default";/);
    assert.match(
      dot,
      /"Service\/default\/web" -> "Service\/default\/web#no-endpoints" \[label="selector ✖ the selector matches no pod template", color=red, fontcolor=red, style=dashed\];/,
    );
    assert.match(dot, /\}\n$/);
  });
});

describe('graph: east-west calls and Gateway API routes', () => {
  test('a workload given a Service address calls it; NetworkPolicies that deny the call break the edge', () => {
    const map = JSON.parse(runCli(['graph', '--format', 'json', 'examples']).stdout);
    assert.deepEqual(
      map.edges.filter((e: { kind: string }) => e.kind === 'calls'),
      [
        {
          from: 'Deployment/shop/tomcat',
          to: 'Service/shop/postgres',
          kind: 'calls',
          label: ':5432',
          broken: true,
          reason: 'denied by NetworkPolicy default-deny',
          policy: { verdict: 'denied', policies: [{ id: 'NetworkPolicy/shop/default-deny', name: 'default-deny' }] },
        },
      ],
    );
  });
  test('the map denies exactly the flows traffic-denied-by-networkpolicy reports, naming the policies', () => {
    const dir = 'test/fixtures/rules/traffic-denied-by-networkpolicy';
    for (const name of fs.readdirSync(path.join(REPO_ROOT, dir))) {
      const map = JSON.parse(runCli(['graph', '--format', 'json', `${dir}/${name}`]).stdout);
      const verdicts = map.edges
        .filter((e: { policy?: unknown }) => e.policy)
        .map((e: { policy: { verdict: string; policies: unknown[] } }) => e.policy);
      if (name.startsWith('invalid'))
        assert.ok(
          verdicts.some(
            (v: { verdict: string; policies: unknown[] }) => v.verdict === 'denied' && v.policies.length > 0,
          ),
          name,
        );
      else
        assert.ok(
          verdicts.every((v: { verdict: string }) => v.verdict === 'allowed'),
          name,
        );
    }
  });
  test('workloads no Service selects are nodes marked unselected; a missing Service points at its reference', () => {
    const map = JSON.parse(runCli(['graph', '--format', 'json', 'examples']).stdout);
    assert.deepEqual(
      map.nodes.filter((n: { unselected?: boolean }) => n.unselected).map((n: { id: string }) => n.id),
      ['Deployment/shop/redis'],
    );
    const admin = map.nodes.find((n: { id: string }) => n.id === 'Service/shop/admin');
    assert.deepEqual([admin.kind, admin.file, admin.line], ['Missing', 'examples/shop/ingress.yaml', 37]);
  });
  test('route rules are entries with weighted backends', () => {
    const r = runCli(['graph', 'test/fixtures/rules/route-backend-service-missing/valid.yaml']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stdout,
      /^ {2}Gateway edge\/http \*\/ \(89%\) -> Service web:80 -> Deployment web \(1 pod\) -> web:8080$/m,
    );
    assert.match(
      r.stdout,
      /^ {2}Gateway edge\/http \*\/ \(10%\) -> Service web:80 -> Deployment web \(1 pod\) -> web:8080$/m,
    );
  });
});

test('the text summary names the files that were not analysed', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-skipped-'));
  try {
    fs.writeFileSync(path.join(dir, '.kube-traffic-lens.yaml'), 'maxFileSize: 1000\n');
    fs.writeFileSync(
      path.join(dir, 'big.yaml'),
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata: {k: "${'x'.repeat(2000)}"}\n`,
    );
    fs.writeFileSync(path.join(dir, 'small.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: small}\n');
    const r = runCli(['check', dir]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^ℹ 1 file not analysed \(see the information above\): .*big\.yaml$/m);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
