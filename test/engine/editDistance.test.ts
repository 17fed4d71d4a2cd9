// The near-miss distance (engine/nearMiss.ts): the Levenshtein distance, and with a limit the same
// distance when within it and a number above it otherwise (the search stops early), as every
// "did you mean" hint of the rules and quick fixes counts it.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { editDistance, isNearMiss } from '../../server/src/engine/nearMiss';

/** The textbook table, written out in full: what editDistance must agree with. */
function levenshtein(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => i + j));
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length][b.length];
}

const name = fc.stringMatching(/^[a-e-]{0,14}$/);

test('editDistance is the Levenshtein distance, and with a limit exact within it', () => {
  fc.assert(
    fc.property(name, name, fc.integer({ min: 0, max: 6 }), (a, b, max) => {
      const exact = levenshtein(a, b);
      assert.equal(editDistance(a, b), exact);
      const limited = editDistance(a, b, max);
      if (exact <= max) assert.equal(limited, exact);
      else assert.ok(limited > max, `${a} ~ ${b}: ${limited} within ${max}, exactly ${exact}`);
    }),
    { numRuns: 2000, seed: 3 },
  );
  // A long string against a short one, and the table's row grown between calls.
  assert.equal(editDistance('a'.repeat(300), 'a', 2), 3);
  assert.equal(editDistance('frontend', 'frontend-v2'.repeat(20)), 212);
  assert.equal(editDistance('kitten', 'sitting'), 3);
});

test('isNearMiss allows a third of the wanted name (one at least), or the fraction given', () => {
  assert.equal(isNearMiss('fronted', 'frontend'), true); // one of eight
  assert.equal(isNearMiss('backend', 'frontend'), false);
  assert.equal(isNearMiss('ab', 'a'), true); // one at least
  assert.equal(isNearMiss('paymnts', 'payments', 4), true); // one of eight; a quarter (two) allowed
  assert.equal(isNearMiss('pymnt', 'payments', 4), false); // three of eight
});
