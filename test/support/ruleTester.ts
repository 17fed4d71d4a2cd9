// The in-process rule tester (as ESLint's RuleTester): runs a fixture case of
// test/fixtures/rules/<rule-id>/ through the same code path as `kube-traffic-lens check --format
// json` (settings file lookup, workspace reading, kustomize, analysis, positions), without starting
// a process, and asserts its caret annotations (test/support/fixtures.ts).
//
// A case is one file (analysed alone) or a directory (analysed as one workspace). It asserts exactly
// the annotated diagnostics of the rule under test and of every rule its annotations mention, with
// their line, start and end column, severity and, after `--`, a piece of the message.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkInput } from '../../server/src/cli/check';
import { jsonReport, type JsonReport } from '../../server/src/cli/format/json';
import { loadInput, type CommonOptions } from '../../server/src/cli/options';
import { REPO_ROOT } from './cli';
import { manifestFiles, readExpectations, type Expectation } from './fixtures';

export const RULE_FIXTURES = path.join(REPO_ROOT, 'test/fixtures/rules');

/**
 * `check --format json PATHS` run in this process from the directory `base` (default: the
 * repository root), as data. Unreadable paths throw, as the command exits 2 on them.
 */
export function checkInProcess(paths: string[], base = REPO_ROOT): JsonReport {
  const options: CommonOptions = {
    paths,
    format: 'json',
    configFile: undefined,
    cacheDir: undefined,
    allowUnreadable: false,
    helm: undefined,
    noHelm: true,
    kustomizeRenderer: undefined,
    complete: false,
  };
  const outcome = checkInput(options, loadInput(options, base), base);
  assert.deepEqual(outcome.result.ruleFailures, [], 'no rule threw');
  return jsonReport(outcome.located, outcome.result.resourceCount, outcome.files);
}

/** The cases of one rule's fixture directory: file and directory names, sorted. */
export function fixtureCases(rule: string): string[] {
  return fs.readdirSync(path.join(RULE_FIXTURES, rule)).sort();
}

type Keyed = Pick<Expectation, 'file' | 'line' | 'column' | 'severity' | 'rule'>;
const key = (d: Keyed) => `${d.file}:${d.line}:${d.column} ${d.severity} ${d.rule}`;

/** Runs one case of `rule` and asserts its annotations; see the header. */
export function runRuleCase(rule: string, entry: string): void {
  const casePath = path.join(RULE_FIXTURES, rule, entry);
  const files = fs.statSync(casePath).isDirectory() ? manifestFiles(casePath) : [casePath];
  const expected = files.flatMap((f) => readExpectations(f, path.relative(REPO_ROOT, f).split(path.sep).join('/')));
  const judged = new Set([rule, ...expected.map((e) => e.rule)]);
  const report = checkInProcess([path.relative(REPO_ROOT, casePath)]);
  assert.ok(report.resources > 0, `${entry}: no resources were read, so the case proves nothing`);
  const actual = report.diagnostics.filter((d) => judged.has(d.rule));
  assert.deepEqual(
    actual.map(key).sort(),
    expected.map(key).sort(),
    `diagnostics of ${entry}:\n${actual.map((d) => `${key(d)} ${d.message}`).join('\n')}`,
  );
  for (const e of expected) {
    const d = actual.find((a) => key(a) === key(e))!;
    if (d.line === d.endLine) assert.equal(d.endColumn, e.endColumn, `end column of ${key(e)}`);
    if (e.messageIncludes) assert.ok(d.message.includes(e.messageIncludes), `message of ${key(e)}: ${d.message}`);
  }
}
