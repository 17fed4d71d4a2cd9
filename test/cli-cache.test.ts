// `check --cache DIR` as CI runs it: the cached run reports exactly what a fresh run reports, an
// edit anywhere is seen, and a damaged, foreign or unwritable cache never changes a result.
import { test, type TestContext } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT, runCli } from './support/cli';

/** A copy of the example workspace and an empty cache directory, both removed after the test. */
function exampleWithCache(t: TestContext): { dir: string; cacheDir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-cache-ws-'));
  fs.cpSync(path.join(REPO_ROOT, 'examples/shop'), dir, { recursive: true });
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-cache-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  t.after(() => fs.rmSync(cacheDir, { recursive: true, force: true }));
  return { dir, cacheDir };
}

function check(dir: string, extra: string[] = []) {
  const r = runCli(['check', '--format', 'json', ...extra, '.'], { cwd: dir });
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  return {
    status: r.status,
    report: JSON.parse(r.stdout) as { resources: number; diagnostics: { rule: string; file: string; line: number }[] },
    stderr: r.stderr,
  };
}

/** The body of a signed cache file (`{"mac": ..., "body": ...}`). */
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')).body;

test('a warm run reports exactly what a cold run reports, in every format', (t) => {
  const { dir, cacheDir } = exampleWithCache(t);
  const fresh = check(dir);
  assert.ok(fresh.report.diagnostics.length >= 6, 'the example has its planted mistakes');
  const cold = check(dir, ['--cache', cacheDir]);
  assert.deepEqual(cold.report, fresh.report);
  assert.equal(cold.status, fresh.status);
  // The cache holds a tree for each manifest and the run's result.
  const parsed = readJson(path.join(cacheDir, 'parse-v1.json'));
  assert.ok(Object.keys(parsed.entries).length >= 5);
  const result = readJson(path.join(cacheDir, 'result-v1.json'));
  assert.equal(result.result.diagnostics.length, fresh.report.diagnostics.length);

  const warm = check(dir, ['--cache', cacheDir]);
  assert.deepEqual(warm.report, fresh.report);
  assert.equal(warm.status, fresh.status);
  for (const format of ['text', 'sarif']) {
    const a = runCli(['check', '--format', format, '.'], { cwd: dir });
    const b = runCli(['check', '--format', format, '--cache', cacheDir, '.'], { cwd: dir });
    assert.equal(b.stdout, a.stdout, format);
    assert.equal(b.status, a.status);
  }
});

test('an edited file is analysed again, and the other files come from the parse cache', (t) => {
  const { dir, cacheDir } = exampleWithCache(t);
  const before = check(dir, ['--cache', cacheDir]);
  const fingerprintBefore = readJson(path.join(cacheDir, 'result-v1.json')).fingerprint;
  // Break a Service selector in one file: its finding must appear in the cached run.
  const file = fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .find(
      (f) =>
        /\.ya?ml$/.test(f) &&
        /kind: Service\n/.test(fs.readFileSync(path.join(dir, f), 'utf8')) &&
        /selector:\n\s+app: /.test(fs.readFileSync(path.join(dir, f), 'utf8')),
    )!;
  assert.ok(file, 'a Service with an app selector');
  const text = fs.readFileSync(path.join(dir, file), 'utf8');
  fs.writeFileSync(path.join(dir, file), text.replace(/(selector:\n\s+app: )(\S+)/, '$1$2-renamed'));
  const after = check(dir, ['--cache', cacheDir]);
  assert.deepEqual(after.report, check(dir).report, 'the cached run equals a fresh run');
  assert.notDeepEqual(after.report.diagnostics, before.report.diagnostics);
  assert.ok(
    after.report.diagnostics.some(
      (d) => d.file.endsWith(path.basename(file)) && d.rule === 'service-selector-orphaned',
    ),
  );
  assert.notEqual(readJson(path.join(cacheDir, 'result-v1.json')).fingerprint, fingerprintBefore);
  // Settings are part of the fingerprint too.
  const config = path.join(dir, 'ktl-test-config.yaml');
  fs.writeFileSync(config, 'rules:\n  service-selector-orphaned: off\n');
  const configured = check(dir, ['--cache', cacheDir, '--config', config]);
  assert.ok(!configured.report.diagnostics.some((d) => d.rule === 'service-selector-orphaned'));
});

test('a damaged or foreign cache is ignored and rebuilt; an unwritable one is a warning', (t) => {
  const { dir, cacheDir } = exampleWithCache(t);
  const fresh = check(dir);
  for (const [name, content] of [
    ['truncated', '{"format":1,"engine":'],
    ['binary', '\u0000\u0001\u0002'],
    [
      'foreign engine',
      JSON.stringify({
        format: 1,
        engine: 'another-build',
        fingerprint: 'x',
        entries: {},
        result: { diagnostics: [], ruleFailures: [], resourceCount: 0 },
      }),
    ],
  ]) {
    fs.writeFileSync(path.join(cacheDir, 'parse-v1.json'), content);
    fs.writeFileSync(path.join(cacheDir, 'result-v1.json'), content);
    assert.deepEqual(check(dir, ['--cache', cacheDir]).report, fresh.report, name);
    assert.deepEqual(check(dir, ['--cache', cacheDir]).report, fresh.report, `${name}, rebuilt`);
  }
  // Damaged entries inside a well-formed cache of this engine are parsed again, never trusted.
  const signed = JSON.parse(fs.readFileSync(path.join(cacheDir, 'parse-v1.json'), 'utf8'));
  for (const hash of Object.keys(signed.body.entries))
    signed.body.entries[hash] = { documents: [[0, 0, 999999, [2, 0, 1]]], problems: [] };
  fs.writeFileSync(path.join(cacheDir, 'parse-v1.json'), JSON.stringify(signed));
  fs.rmSync(path.join(cacheDir, 'result-v1.json'));
  assert.deepEqual(check(dir, ['--cache', cacheDir]).report, fresh.report, 'damaged entries');

  const blocker = path.join(cacheDir, 'a-file');
  fs.writeFileSync(blocker, 'not a directory');
  const unwritable = check(dir, ['--cache', path.join(blocker, 'cache')]);
  assert.deepEqual(unwritable.report, fresh.report);
  assert.match(unwritable.stderr, /warning: cannot write cache in .*a-file.*cache \(ENOTDIR\); continuing without it/);
  assert.equal(unwritable.stderr.match(/cannot write cache/g)?.length, 1, 'said once');
});

test('--cache without a directory is a usage error', () => {
  const r = runCli(['check', '--cache']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--cache/);
});
