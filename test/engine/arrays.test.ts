// The array helpers (engine/arrays.ts) against what they stand for: spliceAll is Array#splice
// with its items spread, joinedRanges a concatenation of slices, commonEnds the shared ends.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { commonEnds, joinedRanges, spliceAll } from '../../server/src/engine/arrays';

const list = fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 30 });

test('spliceAll replaces a stretch in place as splice does, for any lengths', () => {
  fc.assert(
    fc.property(list, list, fc.nat(), fc.nat(), (target, items, s, d) => {
      const start = s % (target.length + 1);
      const deleteCount = d % (target.length - start + 1);
      const expected = [...target];
      expected.splice(start, deleteCount, ...items);
      const got = [...target];
      spliceAll(got, start, deleteCount, items);
      assert.deepEqual(got, expected);
    }),
    { numRuns: 500, seed: 17 },
  );
  const big = Array.from({ length: 200_000 }, (_, i) => i);
  spliceAll(
    big,
    10,
    1,
    Array.from({ length: 150_000 }, () => -1),
  ); // more items than a call's arguments hold
  assert.equal(big.length, 349_999);
  assert.equal(big[big.length - 1], 199_999);
});

test('joinedRanges is the slices of two lists around a middle, joined', () => {
  fc.assert(
    fc.property(list, list, list, fc.nat(), fc.nat(), (a, middle, b, h, t) => {
      const head = h % (a.length + 1);
      const tailFrom = t % (b.length + 1);
      assert.deepEqual(joinedRanges(a, head, middle, b, tailFrom), [
        ...a.slice(0, head),
        ...middle,
        ...b.slice(tailFrom),
      ]);
    }),
    { numRuns: 500, seed: 17 },
  );
});

test('commonEnds counts the shared first items, then the shared last ones after them', () => {
  fc.assert(
    fc.property(list, list, (a, b) => {
      const [head, tail] = commonEnds(a, b);
      const n = Math.min(a.length, b.length);
      assert.ok(head + tail <= n);
      for (let i = 0; i < head; i++) assert.equal(a[i], b[i]);
      assert.ok(head === n || a[head] !== b[head] || head + tail === n);
      for (let i = 1; i <= tail; i++) assert.equal(a[a.length - i], b[b.length - i]);
      if (head + tail < n) assert.notEqual(a[a.length - 1 - tail], b[b.length - 1 - tail]);
    }),
    { numRuns: 500, seed: 17 },
  );
});
