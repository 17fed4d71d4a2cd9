// Generated workspaces (bench/generate.mjs) through the CLI: the clean one gives no diagnostic at
// all, and one with planted faults gives every diagnostic the faults must cause (file, rule, line)
// and no other warning or error. Both layouts: one file per resource, one file per app.
import { test, describe } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT, runCli, type JsonReport } from '../support/cli';

interface Expected {
  file: string;
  rule: string;
  line: number;
  fault: string;
}
interface Generator {
  FAULT_KINDS: readonly { id: string }[];
  generateWorkspace(dir: string, resources: number, options?: { multiDocument?: boolean }): number;
  generateFaultyWorkspace(
    dir: string,
    resources: number,
    options?: { multiDocument?: boolean; faults?: number },
  ): { resources: number; faults: { id: string }[]; expected: Expected[] };
}

const loadGenerator = async (): Promise<Generator> =>
  (await import(pathToFileURL(path.join(REPO_ROOT, 'bench/generate.mjs')).href)) as Generator;

function check(dir: string): JsonReport {
  const r = runCli(['check', '--format', 'json', '.'], { cwd: dir });
  assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /internal error/);
  return JSON.parse(r.stdout) as JsonReport;
}

const key = (d: { file: string; line: number; rule: string }) => `${d.file}:${d.line} ${d.rule}`;

for (const multiDocument of [false, true]) {
  describe(`generated workspace of 1,000 resources, ${multiDocument ? 'one file per app' : 'one file per resource'}`, () => {
    test('clean: no diagnostic at all', async () => {
      const { generateWorkspace } = await loadGenerator();
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-generated-'));
      try {
        const resources = generateWorkspace(dir, 1000, { multiDocument });
        const report = check(dir);
        assert.equal(report.resources, resources);
        assert.ok(report.resources >= 1000);
        assert.deepEqual(report.diagnostics, []);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    test('planted faults: every expected diagnostic, nothing else', async () => {
      const { FAULT_KINDS, generateFaultyWorkspace } = await loadGenerator();
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-generated-'));
      try {
        const planted = generateFaultyWorkspace(dir, 1000, { multiDocument });
        assert.equal(planted.faults.length, FAULT_KINDS.length);
        assert.ok(new Set(planted.expected.map((e) => e.rule)).size >= 12, 'at least 12 distinct rules planted');
        const report = check(dir);
        assert.equal(report.resources, planted.resources);
        const reported = new Set(report.diagnostics.map(key));
        const missing = planted.expected.filter((e) => !reported.has(key(e)));
        assert.deepEqual(missing, [], 'recall: every planted fault is reported');
        const wanted = new Set(planted.expected.map(key));
        const other = report.diagnostics.filter((d) => d.severity !== 'info' && !wanted.has(key(d)));
        assert.deepEqual(other, [], 'no other warning or error');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

test('faults fill every slot of a small workspace without disturbing each other', async () => {
  // 95 faults in 1,000 resources: five per full namespace, every other app.
  const { generateFaultyWorkspace } = await loadGenerator();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-generated-'));
  try {
    const planted = generateFaultyWorkspace(dir, 1000, { faults: 95 });
    assert.equal(planted.faults.length, 95);
    const report = check(dir);
    const reported = new Set(report.diagnostics.map(key));
    assert.deepEqual(
      planted.expected.filter((e) => !reported.has(key(e))),
      [],
    );
    const wanted = new Set(planted.expected.map(key));
    assert.deepEqual(
      report.diagnostics.filter((d) => d.severity !== 'info' && !wanted.has(key(d))),
      [],
    );
    assert.throws(() => generateFaultyWorkspace(dir, 1000, { faults: 96 }), /at most 95 faults/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
