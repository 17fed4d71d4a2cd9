// Every rule is well formed: its file is named by its id, it has a docs page with the required
// sections, and fixtures with at least one valid and one invalid case. The registry is sorted.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULES, BUILTIN_RULES } from '../server/src/engine';
import { REPO_ROOT } from './support/cli';
import { manifestFiles, readExpectations } from './support/fixtures';

test('the registry is sorted by id, without duplicates', () => {
  const ids = RULES.map((r) => r.id);
  assert.deepEqual(ids, [...new Set(ids)].sort());
  assert.ok(ids.length > 0);
});

for (const rule of RULES) {
  test(`rule ${rule.id} is complete`, () => {
    assert.match(rule.id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
    assert.ok(fs.existsSync(path.join(REPO_ROOT, 'server/src/engine/rules', `${rule.id}.ts`)), 'source file named by the id');
    assert.ok(rule.description.length > 10 && rule.remediation.length > 10, 'description and remediation');
    assert.ok(rule.kinds.length > 0);
    const fixtures = path.join(REPO_ROOT, 'test/fixtures/rules', rule.id);
    assert.ok(fs.existsSync(fixtures), 'fixtures directory');
    let valid = 0;
    let invalid = 0;
    for (const entry of fs.readdirSync(fixtures)) {
      const p = path.join(fixtures, entry);
      const files = fs.statSync(p).isDirectory() ? manifestFiles(p) : [p];
      const hits = files.flatMap((f) => readExpectations(f, f)).filter((e) => e.rule === rule.id);
      if (hits.length) invalid++;
      else valid++;
    }
    assert.ok(valid > 0, 'at least one valid case');
    assert.ok(invalid > 0, 'at least one invalid case');
  });
}

for (const meta of [...RULES, ...BUILTIN_RULES]) {
  test(`docs page for ${meta.id}`, () => {
    const file = path.join(REPO_ROOT, 'docs/rules', `${meta.id}.md`);
    assert.ok(fs.existsSync(file), `docs/rules/${meta.id}.md exists`);
    const text = fs.readFileSync(file, 'utf8');
    assert.match(text, new RegExp(`^# ${meta.id}\\b`), 'title is the rule id');
    assert.match(text, /Default severity/i);
    if (RULES.some((r) => r.id === meta.id)) {
      assert.match(text, /## Wrong/i, 'a wrong example');
      assert.match(text, /## Right/i, 'a right example');
    }
  });
}
