// A text spliced from an earlier one (splicedText.ts) against the string it stands for: the same
// length, characters, slices (String.prototype.slice's reading of every argument) and prefixes,
// over random chains of splices, before and after it is joined; the change `changeSince` gives
// covers every splice between two texts of a chain; a joined text no longer keeps its base alive
// (its string base is then forgotten: a perf fallback only, the engine compares texts instead).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { changeSince, sameText, SplicedText, textOf, type SourceText } from '../../server/src/engine/splicedText';

const text = fc
  .array(fc.constantFrom('a', 'b', '-', '\n', '\r', '{', '\u00e9', '\ud83d\ude00'), { maxLength: 30 })
  .map((p) => p.join(''));
/** A splice as fractions of the text's length, and the inserted text. */
const splice = fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), cut: fc.nat(6), inserted: text });

/** Applies a splice to a text (`whole` its characters, never joined here), as a SplicedText and as a string. */
function apply(
  base: SourceText,
  whole: string,
  s: { at: number; cut: number; inserted: string },
): [SplicedText, string] {
  const start = Math.floor(s.at * whole.length);
  const beforeEnd = Math.min(whole.length, start + s.cut);
  const expected = whole.slice(0, start) + s.inserted + whole.slice(beforeEnd);
  return [new SplicedText(base, { start, beforeEnd, afterEnd: start + s.inserted.length }, s.inserted), expected];
}

function assertReadsAs(spliced: SplicedText, expected: string, label: string): void {
  assert.equal(spliced.length, expected.length, `${label}: length`);
  for (let i = -1; i <= expected.length; i++)
    assert.deepEqual(spliced.charCodeAt(i), expected.charCodeAt(i), `${label}: charCodeAt ${i}`);
  const ends = [
    undefined,
    -expected.length - 2,
    -3,
    -1,
    0,
    1,
    2,
    expected.length >> 1,
    expected.length,
    expected.length + 3,
  ];
  for (const a of ends)
    for (const b of ends) assert.equal(spliced.slice(a, b), expected.slice(a, b), `${label}: slice(${a}, ${b})`);
  for (let i = 0; i <= expected.length; i++)
    assert.equal(spliced.startsWith('a-', i), expected.startsWith('a-', i), `${label}: startsWith at ${i}`);
}

test('a chain of splices reads as the text it stands for, before and after it is joined', () => {
  fc.assert(
    fc.property(text, fc.array(splice, { minLength: 1, maxLength: 8 }), fc.nat(8), (initial, splices, joinAt) => {
      let last: SplicedText | undefined;
      let expected = initial;
      splices.forEach((s, i) => {
        const [next, nextText] = apply(last ?? initial, expected, s);
        assertReadsAs(next, nextText, `splice ${i}`);
        if (i === joinAt) assert.equal(next.toString(), nextText);
        last = next;
        expected = nextText;
      });
      assert.equal(textOf(last!), expected);
      assertReadsAs(last!, expected, 'joined');
    }),
    { numRuns: 300 },
  );
});

test('changeSince covers every splice between two texts of a chain, and nothing outside it differs', () => {
  fc.assert(
    fc.property(text, fc.array(splice, { minLength: 1, maxLength: 8 }), fc.nat(8), (initial, splices, fromAt) => {
      const chain: SourceText[] = [initial];
      const texts = [initial];
      for (const s of splices) {
        const [next, nextText] = apply(chain[chain.length - 1], texts[texts.length - 1], s);
        chain.push(next);
        texts.push(nextText);
      }
      const fromIndex = Math.min(fromAt, chain.length - 1);
      const from = chain[fromIndex];
      const to = chain[chain.length - 1];
      const change = changeSince(to, from);
      assert.ok(change, 'a text of the chain is found');
      const before = texts[fromIndex];
      const after = texts[texts.length - 1];
      assert.ok(change.start <= change.beforeEnd && change.beforeEnd <= before.length);
      assert.equal(after.length - before.length, change.afterEnd - change.beforeEnd);
      assert.equal(
        before.slice(0, change.start) + after.slice(change.start, change.afterEnd) + before.slice(change.beforeEnd),
        after,
      );
      assert.equal(sameText(to, from), before === after);
    }),
    { numRuns: 300 },
  );
  // Its base (a string: found by its characters), a text not in the chain, and the same text.
  const [spliced] = apply('abc', 'abc', { at: 0.5, cut: 1, inserted: 'x' });
  assert.deepEqual(changeSince(spliced, 'abc'), { start: 1, beforeEnd: 2, afterEnd: 2 });
  assert.equal(changeSince(spliced, 'abd'), undefined);
  assert.equal(changeSince(spliced, new SplicedText('axc', { start: 0, beforeEnd: 0, afterEnd: 0 }, '')), undefined);
  assert.deepEqual(changeSince(spliced, spliced), { start: 3, beforeEnd: 3, afterEnd: 3 });
});

test('texts of one chain are compared by the stretch between them, without joining them', () => {
  const base = 'a: 1\n'.repeat(1000);
  const typedOver = new SplicedText(base, { start: 10, beforeEnd: 11, afterEnd: 11 }, '2');
  const typedBack = new SplicedText(typedOver, { start: 10, beforeEnd: 11, afterEnd: 11 }, base[10]);
  assert.equal(sameText(typedOver, base), false);
  assert.equal(sameText(base, typedOver), false);
  assert.equal(sameText(typedBack, base), true);
  assert.equal(sameText(typedOver, typedBack), false);
  // Neither was joined to answer.
  assert.equal(typedOver.depth, 1);
  assert.equal(typedBack.depth, 2);
  // Texts of no common chain: by their characters.
  assert.equal(sameText(new SplicedText('ab', { start: 0, beforeEnd: 1, afterEnd: 1 }, 'x'), 'xb'), true);
});

test('a splice that does not fit its base is refused', () => {
  assert.throws(() => new SplicedText('abc', { start: 2, beforeEnd: 4, afterEnd: 3 }, 'x'), RangeError);
  assert.throws(() => new SplicedText('abc', { start: 2, beforeEnd: 1, afterEnd: 3 }, 'x'), RangeError);
  assert.throws(() => new SplicedText('abc', { start: 1, beforeEnd: 2, afterEnd: 3 }, 'x'), RangeError);
});

test('a joined text keeps its base only while something else does', async () => {
  const first = new SplicedText('x'.repeat(1000), { start: 10, beforeEnd: 11, afterEnd: 12 }, 'ab');
  const second = new SplicedText(first, { start: 20, beforeEnd: 20, afterEnd: 21 }, 'c');
  assert.equal(second.toString().length, 1002);
  // Held here: still found, so an edit's change is read from the chain.
  assert.equal(second.base, first);
  assert.deepEqual(changeSince(second, first), { start: 20, beforeEnd: 20, afterEnd: 21 });
  // A weakly held base that nothing else holds: collected by a full collection.
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const third = (() => {
    const middle = new SplicedText('y'.repeat(1000), { start: 0, beforeEnd: 0, afterEnd: 1 }, 'z');
    const last = new SplicedText(middle, { start: 0, beforeEnd: 0, afterEnd: 1 }, 'w');
    last.toString();
    return last;
  })();
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  assert.equal(third.base, undefined);
  assert.equal(third.toString(), 'wz' + 'y'.repeat(1000));
});
