// The overlay map of the incremental layer: a derived map answers and iterates exactly as a plain
// map of the same entries would (changed keys in place, new keys last), shares its base, and is
// flattened once its changes pass the threshold.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { MAX_OVERLAY_CHANGES, Overlay, runToEnd } from '../../server/src/engine/incremental';

const base = () =>
  new Map([
    ['a', 1],
    ['b', 2],
    ['c', 3],
  ]);

test('an overlay with changes reads, counts and iterates as the changed map, in the base order', () => {
  const original = Overlay.of(base());
  const next = original.with([
    ['b', 20],
    ['a', undefined],
    ['d', 4],
  ]);
  assert.deepEqual(
    [...next],
    [
      ['b', 20],
      ['c', 3],
      ['d', 4],
    ],
  );
  assert.equal(next.size, 3);
  assert.equal(next.get('a'), undefined);
  assert.equal(next.has('a'), false);
  assert.equal(next.get('b'), 20);
  assert.equal(next.has('d'), true);
  assert.deepEqual([...next.keys()], ['b', 'c', 'd']);
  assert.deepEqual([...next.values()], [20, 3, 4]);
  const seen: string[] = [];
  next.forEach((v, k) => seen.push(`${k}=${v}`));
  assert.deepEqual(seen, ['b=20', 'c=3', 'd=4']);
  // The overlay it came from is unchanged.
  assert.deepEqual([...original], [...base()]);
  assert.equal(original.with([]), original, 'no change derives the same map');
});

test('a draft reads its own writes; a key removed and set again comes back in place', () => {
  const first = Overlay.of(base()).with([['a', undefined]]);
  const draft = first.edit();
  assert.equal(draft.has('a'), false);
  draft.set('a', 10);
  draft.set('e', 5);
  draft.delete('e'); // a new key deleted leaves no trace
  draft.delete('c');
  assert.equal(draft.get('a'), 10);
  assert.equal(draft.has('c'), false);
  const published = draft.done();
  assert.deepEqual(
    [...published],
    [
      ['a', 10],
      ['b', 2],
    ],
  );
  assert.equal(published.size, 2);
  assert.throws(() => draft.set('x', 1), /after done/);
  assert.equal(first.edit().done(), first, 'an untouched draft publishes the map it edits');
  assert.equal(Overlay.of(published), published);
});

test('changes beyond the threshold are flattened into a new base with the same entries', () => {
  const plain = new Map<number, number>();
  for (let i = 0; i < 2 * MAX_OVERLAY_CHANGES; i++) plain.set(i, i);
  let overlay = Overlay.of(new Map(plain));
  for (let i = 0; i < 2 * MAX_OVERLAY_CHANGES; i += 2) {
    overlay = overlay.with([
      [i, undefined],
      [10_000 + i, i],
    ]);
    plain.delete(i);
    plain.set(10_000 + i, i);
  }
  assert.deepEqual([...overlay], [...plain]);
  assert.equal(overlay.size, plain.size);
  // A flattened overlay keeps no changes: the next derivation starts from an empty change set.
  const internal = overlay as unknown as { changed: ReadonlyMap<number, unknown> | undefined };
  assert.ok((internal.changed?.size ?? 0) <= MAX_OVERLAY_CHANGES);
});

test('runToEnd returns what the steps return', () => {
  function* steps() {
    yield;
    yield;
    return 'done';
  }
  assert.equal(runToEnd(steps()), 'done');
});
