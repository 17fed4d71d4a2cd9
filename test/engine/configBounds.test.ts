// Settings that bound work: read and checked like every setting, capped for untrusted workspaces.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  boundUntrusted,
  DEFAULT_CONFIG,
  DEFAULT_LIMITS,
  DEFAULT_MAX_FILE_SIZE,
  normalizeConfig,
  parseConfigFile,
} from '../../server/src/engine/config';

test('limits are read as positive whole numbers; anything else is a problem and the default stays', () => {
  const problems: { message: string }[] = [];
  const c = normalizeConfig(
    { maxNodesPerFile: 10, maxNestingDepth: 0, maxDiagnosticsPerFile: 'many', maxNearMissCandidates: 2.5 },
    DEFAULT_CONFIG,
    problems,
  );
  assert.equal(c.maxNodesPerFile, 10);
  assert.equal(c.maxNestingDepth, DEFAULT_LIMITS.maxNestingDepth);
  assert.equal(c.maxDiagnosticsPerFile, DEFAULT_LIMITS.maxDiagnosticsPerFile);
  assert.equal(c.maxNearMissCandidates, DEFAULT_LIMITS.maxNearMissCandidates);
  assert.deepEqual(
    problems.map((p) => p.message.split(' ')[0]),
    ['maxNestingDepth', 'maxDiagnosticsPerFile', 'maxNearMissCandidates'],
  );
  assert.equal(DEFAULT_CONFIG.maxFileSize, 16 * 1024 * 1024, 'issue 11: 16 MiB');
});

test('an exclude pattern over the matcher limits is refused with a problem', () => {
  const { config, problems } = parseConfigFile(`exclude: ["generated/**", "${'a'.repeat(2000)}"]\n`);
  assert.deepEqual(config.exclude, ['generated/**']);
  assert.match(problems[0].message, /ignored: pattern longer than 1024/);
});

test('an untrusted settings file may lower limits but not raise them', () => {
  const { config } = parseConfigFile(
    'maxFileSize: 10000000000\nmaxNodesPerFile: 5\nmaxNestingDepth: 100000\nexclude: [' +
      Array.from({ length: 100 }, (_, i) => `"p${i}/**"`).join(',') +
      ']\nrules: {duplicate-resource: off}\n',
  );
  const bounded = boundUntrusted(config);
  assert.equal(bounded.maxFileSize, DEFAULT_MAX_FILE_SIZE);
  assert.equal(bounded.maxNodesPerFile, 5, 'lowered: kept');
  assert.equal(bounded.maxNestingDepth, DEFAULT_LIMITS.maxNestingDepth);
  assert.equal(bounded.exclude.length, 64);
  assert.equal(bounded.rules['duplicate-resource'], 'off', 'rules change findings, not cost: kept');
});
