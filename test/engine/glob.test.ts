// Exclude globs: the linear-time matcher agrees with picomatch ({ dot: true }) on the patterns
// people write, and a pattern built to make a backtracking matcher explode costs microseconds.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import picomatch from 'picomatch';
import { compileGlob, MAX_GLOB_LENGTH } from '../../server/src/engine/glob';

const PATTERNS = [
  'generated/**',
  '**/generated/**',
  '**/*.json',
  '*.yaml',
  'charts/*/templates/**',
  'a/**/b/*.yml',
  '**/.github/**',
  'x?z.yaml',
  '**/[a-c]*.yaml',
  '**/[^a]*.yaml',
  'envs/{dev,prod}/**',
  '**/*.{yaml,yml}',
  'deep/**/**/leaf.yaml',
  'literal.yaml',
  '**',
  '*',
];
const PATHS = [
  'generated',
  'generated/x.yaml',
  'generated/a/b.json',
  'src/generated/x.yaml',
  'a.json',
  'd/e/f.json',
  'top.yaml',
  'd/top.yaml',
  'charts/web/templates/svc.yaml',
  'charts/web/values.yaml',
  'a/b/x.yml',
  'a/q/r/b/x.yml',
  'a/b/c/x.yml',
  '.github/workflows/ci.yaml',
  'q/.github/x.yaml',
  'xyz.yaml',
  'x/z.yaml',
  'b.yaml',
  'z.yaml',
  'envs/dev/a.yaml',
  'envs/stage/a.yaml',
  'k/m.yml',
  'deep/leaf.yaml',
  'deep/1/2/leaf.yaml',
  'literal.yaml',
  'x/literal.yaml',
  '.hidden.yaml',
];

test('agrees with picomatch (dot: true) on common patterns', () => {
  let matches = 0;
  for (const pattern of PATTERNS) {
    const ours = compileGlob(pattern);
    const theirs = picomatch(pattern, { dot: true });
    for (const p of PATHS) {
      assert.equal(ours(p), theirs(p), `${pattern} against ${p}`);
      if (ours(p)) matches++;
    }
  }
  assert.ok(matches > 40, `${matches} matches`);
});

test('[!a] negates as in POSIX shells (picomatch reads it as the characters ! and a)', () => {
  assert.equal(compileGlob('**/[!a]*.yaml')('d/x.yaml'), true);
  assert.equal(compileGlob('**/[!a]*.yaml')('d/a.yaml'), false);
});

test('a pathological pattern is matched in linear time', () => {
  const m = compileGlob('**/*a*a*a*a*a*a*a*a*a*a*a*a*ax');
  const name = `dir/${'a'.repeat(34)}.yaml`;
  const started = performance.now();
  for (let i = 0; i < 100; i++) assert.equal(m(name), false);
  assert.ok(performance.now() - started < 200, `${(performance.now() - started).toFixed(0)} ms for 100 paths`);
  assert.equal(m(`dir/${'a'.repeat(13)}x`), true);
});

test('patterns over the limits are refused', () => {
  assert.throws(() => compileGlob('a'.repeat(MAX_GLOB_LENGTH + 1)), /longer than/);
  assert.throws(() => compileGlob('{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}'), /more than 64/);
});
