// The tree is linted (ESLint with the layer rules of eslint.config.mjs) and formatted (Prettier).
// Run as a test, so that npm test checks them while other test files run beside it.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT } from './support/cli';

function tool(name: string, args: string[]): void {
  const run = spawnSync(path.join(REPO_ROOT, 'node_modules/.bin', name), args, {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.equal(run.error, undefined, `${name} did not start: ${run.error?.message}`);
  assert.equal(run.status, 0, `${name} ${args.join(' ')}:\n${run.stdout}${run.stderr}`);
}

test('ESLint passes on the whole tree', () => {
  tool('eslint', ['--cache', '--cache-location', 'node_modules/.cache/eslint/', '.']);
});

test('Prettier finds every file formatted', () => {
  // Cached as ESLint is: a second run checks only the files changed since.
  tool('prettier', [
    '--check',
    '--cache',
    '--cache-location',
    'node_modules/.cache/prettier/.cache',
    '--log-level',
    'warn',
    '.',
  ]);
});
