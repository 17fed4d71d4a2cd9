// Per-rule fixtures, run through the CLI process: test/fixtures/rules/<rule-id>/<case>, where a
// case is one file (analysed alone) or a directory (analysed as one workspace). Each case asserts
// exactly the annotated diagnostics of the rules it mentions and of the rule under test.
import { test, describe } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkJson, REPO_ROOT } from './support/cli';
import { manifestFiles, readExpectations, type Expectation } from './support/fixtures';

const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/rules');

for (const rule of fs.readdirSync(FIXTURES).sort()) {
  describe(rule, () => {
    for (const entry of fs.readdirSync(path.join(FIXTURES, rule)).sort()) {
      const casePath = path.join(FIXTURES, rule, entry);
      test(entry, () => {
        const files = fs.statSync(casePath).isDirectory() ? manifestFiles(casePath) : [casePath];
        const expected: Expectation[] = files.flatMap((f) => readExpectations(f, path.relative(REPO_ROOT, f).split(path.sep).join('/')));
        const judged = new Set([rule, ...expected.map((e) => e.rule)]);
        const report = checkJson([path.relative(REPO_ROOT, casePath)]);
        assert.ok(report.resources > 0, `${entry}: no resources were read, so the case proves nothing`);
        const actual = report.diagnostics.filter((d) => judged.has(d.rule));
        const key = (d: { file: string; line: number; column: number; severity: string; rule: string }) =>
          `${d.file}:${d.line}:${d.column} ${d.severity} ${d.rule}`;
        assert.deepEqual(actual.map(key).sort(), expected.map(key).sort(), `diagnostics of ${entry}:\n${actual.map((d) => `${key(d)} ${d.message}`).join('\n')}`);
        for (const e of expected) {
          const d = actual.find((a) => key(a) === key(e))!;
          if (d.line === d.endLine) assert.equal(d.endColumn, e.endColumn, `end column of ${key(e)}`);
          if (e.messageIncludes) assert.ok(d.message.includes(e.messageIncludes), `message of ${key(e)}: ${d.message}`);
        }
      });
    }
  });
}
