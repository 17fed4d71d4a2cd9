// Per-rule fixtures, run in process through the same code path as the `check` command
// (test/support/ruleTester.ts): test/fixtures/rules/<rule-id>/<case>, where a case is one file
// (analysed alone) or a directory (analysed as one workspace). Each case asserts exactly the
// annotated diagnostics of the rules it mentions and of the rule under test. The process interface
// itself is covered by test/cli.test.ts.
import { test, describe } from 'node:test';
import * as fs from 'node:fs';
import { fixtureCases, RULE_FIXTURES, runRuleCase } from './support/ruleTester';

for (const rule of fs.readdirSync(RULE_FIXTURES).sort()) {
  describe(rule, () => {
    for (const entry of fixtureCases(rule)) test(entry, () => runRuleCase(rule, entry));
  });
}
