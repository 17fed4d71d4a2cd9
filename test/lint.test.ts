// The tree is linted (ESLint with the layer rules of eslint.config.mjs) and formatted (Prettier),
// by the package's own scripts (`npm run lint`, `npm run format:check`, both cached). Run as a
// test, so that npm test checks them while other test files run beside it.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { REPO_ROOT } from './support/cli';

function npmScript(name: string): void {
  const run = spawnSync('npm', ['run', '-s', name], { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(run.error, undefined, `npm run ${name} did not start: ${run.error?.message}`);
  assert.equal(run.status, 0, `npm run ${name}:\n${run.stdout}${run.stderr}`);
}

test('ESLint passes on the whole tree', () => {
  npmScript('lint');
});

test('Prettier finds every file formatted', () => {
  npmScript('format:check');
});
