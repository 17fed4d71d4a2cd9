// Every rule is well formed: its file is named by its id, it has a docs page with the required
// sections, and fixtures with at least one valid and one invalid case. The registry is sorted.
// The README's rule table lists every rule of the registry with its default severity, and the
// settings the extension declares (package.json `contributes.configuration`) are exactly those of
// the engine's configuration, with the same defaults. All driven by the registry and DEFAULT_CONFIG:
// a new rule needs only its README row, a new setting its package.json entry and README mention.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULES, BUILTIN_RULES, DEFAULT_CONFIG, normalizeConfig } from '../server/src/engine';
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
    assert.ok(
      fs.existsSync(path.join(REPO_ROOT, 'server/src/engine/rules', `${rule.id}.ts`)),
      'source file named by the id',
    );
    assert.ok(rule.description.length > 10 && rule.remediation.length > 10, 'description and remediation');
    assert.ok(Object.keys(rule.check).length > 0, 'checks at least one view');
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

/** The section of README.md under a `## ` heading, up to the next one. */
function readmeSection(heading: string): string {
  const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(`\n## ${heading}\n`);
  assert.ok(start >= 0, `README has a ${heading} section`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

test('the README rule table lists every rule with its default severity and docs page', () => {
  const rows = new Map<string, { severity: string; link: string }>();
  for (const m of readmeSection('Rules').matchAll(/^\| \[([a-z0-9-]+)\]\(([^)]+)\) \| ([a-z]+) \|/gm)) {
    assert.ok(!rows.has(m[1]), `${m[1]} has one row`);
    rows.set(m[1], { link: m[2], severity: m[3] });
  }
  const registry = [...RULES, ...BUILTIN_RULES];
  assert.ok(rows.size > 10, `rows: ${rows.size}`);
  assert.deepEqual([...rows.keys()].sort(), registry.map((r) => r.id).sort(), 'README rows and registry ids');
  for (const rule of registry) {
    assert.deepEqual(
      rows.get(rule.id),
      { link: `docs/rules/${rule.id}.md`, severity: rule.severity },
      `README row of ${rule.id}`,
    );
  }
});

interface DeclaredSetting {
  readonly default: unknown;
  readonly markdownDescription?: string;
  readonly description?: string;
}

const SETTINGS_PREFIX = 'kubeTrafficLens.';
const declared = (): Record<string, DeclaredSetting> =>
  (
    JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
      contributes: { configuration: { properties: Record<string, DeclaredSetting> } };
    }
  ).contributes.configuration.properties;

/**
 * Settings declared nested (`kubeTrafficLens.helm.path`) arrive in the server as nested objects
 * (`helm: { path }`); normalizeConfig reads some of them into flat keys of AnalysisConfig.
 */
const NESTED_CONFIG_KEYS: Record<string, string> = {
  'kustomize.renderer': 'kustomizeRenderer',
  'kustomize.path': 'kustomizePath',
};
/** Binaries the tool runs: chosen by the user, never read from a repository's configuration file. */
const USER_ONLY = new Set(['helm.path', 'kustomize.path']);

/** The raw settings object for one declared setting, and the value the engine makes of it. */
function settingIn(
  name: string,
  value: unknown,
): { raw: Record<string, unknown>; read: (c: typeof DEFAULT_CONFIG) => unknown; configKey: string } {
  const parts = name.split('.');
  if (parts.length === 1) return { raw: { [name]: value }, read: (c) => c[name as keyof typeof c], configKey: name };
  const [outer, inner] = parts;
  const flat = NESTED_CONFIG_KEYS[name];
  return {
    raw: { [outer]: { [inner]: value } },
    read: (c) =>
      flat ? c[flat as keyof typeof c] : (c[outer as keyof typeof c] as unknown as Record<string, unknown>)[inner],
    configKey: flat ?? outer,
  };
}

test('package.json declares exactly the settings the engine reads, with its defaults', () => {
  // The language server reads the whole `kubeTrafficLens` section and normalises it into an
  // AnalysisConfig (engine/config.ts), so the settings reach exactly the keys of DEFAULT_CONFIG.
  const properties = declared();
  const names = Object.keys(properties).map((k) => {
    assert.ok(k.startsWith(SETTINGS_PREFIX), `${k} is under ${SETTINGS_PREFIX}`);
    return k.slice(SETTINGS_PREFIX.length);
  });
  assert.deepEqual(
    [...new Set(names.map((n) => settingIn(n, undefined).configKey))].sort(),
    Object.keys(DEFAULT_CONFIG).sort(),
  );
  for (const name of names) {
    const setting = properties[SETTINGS_PREFIX + name];
    assert.ok((setting.markdownDescription ?? setting.description ?? '').length > 10, `${name} is described`);
    const problems: { message: string }[] = [];
    const { raw, read } = settingIn(name, setting.default);
    const config = normalizeConfig(raw, DEFAULT_CONFIG, problems);
    assert.deepEqual(problems, [], `the declared default of ${name} is accepted`);
    assert.deepEqual(read(config), read(DEFAULT_CONFIG), `the declared default of ${name} is the engine's`);
  }
});

test('the README configuration section shows every setting a repository may set, and no binary path', () => {
  const section = readmeSection('Configuration');
  for (const name of Object.keys(declared()).map((k) => k.slice(SETTINGS_PREFIX.length))) {
    const [outer, inner] = name.split('.');
    if (USER_ONLY.has(name)) {
      assert.doesNotMatch(
        section,
        new RegExp(`^${outer}:.*(\\n\\s+.*)*\\n\\s+${inner}:`, 'm'),
        `${name} is not shown in the configuration file`,
      );
      continue;
    }
    assert.match(section, new RegExp(`^${outer}:`, 'm'), `${name} in the README's configuration example`);
    if (inner)
      assert.match(
        section,
        new RegExp(`^${outer}:.*(\\n\\s+.*)*\\n\\s+${inner}:`, 'm'),
        `${name} in the README's configuration example`,
      );
  }
});
