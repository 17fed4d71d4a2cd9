// Array helpers that hold for inputs of any length. Spreading an array into a call's arguments
// (`push(...items)`, `Math.max(...values)`) puts every item on the stack and throws RangeError
// above about 120,000 items; test/architecture.test.ts keeps such spreads out of the code.

/** Appends every item to target, in order; returns target. */
export function pushAll<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item);
  return target;
}

/** The largest of the values, or `floor` when there are none (or all are smaller). */
export function maxOf(values: Iterable<number>, floor = -Infinity): number {
  let max = floor;
  for (const v of values) if (v > max) max = v;
  return max;
}

/**
 * `target.splice(start, deleteCount, ...items)` for items of any length, in place: the items after
 * the replaced ones are moved, not copied out and pushed back (an edit in a bundle replaces a few
 * of 20,000 resources).
 */
export function spliceAll<T>(target: T[], start: number, deleteCount: number, items: readonly T[]): void {
  const length = target.length;
  const grow = items.length - deleteCount;
  if (grow > 0) {
    // Grown by push, not by `length`: a list given holes would stay a slower holey array for good.
    for (let i = 0; i < grow; i++) target.push(items[0]);
    target.copyWithin(start + items.length, start + deleteCount, length);
  } else if (grow < 0) {
    target.copyWithin(start + items.length, start + deleteCount, length);
    target.length = length + grow;
  }
  for (let i = 0; i < items.length; i++) target[start + i] = items[i];
}

/**
 * `[...a.slice(0, head), ...middle, ...b.slice(tailFrom)]`, allocated once at its size: a list
 * rebuilt from the ends of an earlier one and a few new items in between.
 */
export function joinedRanges<T>(
  a: readonly T[],
  head: number,
  middle: readonly T[],
  b: readonly T[],
  tailFrom: number,
): T[] {
  const out = new Array<T>(head + middle.length + (b.length - tailFrom));
  let at = 0;
  for (let i = 0; i < head; i++) out[at++] = a[i];
  for (let i = 0; i < middle.length; i++) out[at++] = middle[i];
  for (let i = tailFrom; i < b.length; i++) out[at++] = b[i];
  return out;
}

/**
 * How many of two lists' first items, and of their last items after those, are the same (`same`,
 * identity by default): what an edit of a file left alone before and after it.
 */
export function commonEnds<T>(
  a: readonly T[],
  b: readonly T[],
  same: (x: T, y: T) => boolean = Object.is,
): [head: number, tail: number] {
  const n = Math.min(a.length, b.length);
  let head = 0;
  while (head < n && same(a[head], b[head])) head++;
  let tail = 0;
  while (tail < n - head && same(a[a.length - 1 - tail], b[b.length - 1 - tail])) tail++;
  return [head, tail];
}

/** Appends value to the list at key (created when missing), in place: grouping costs one push per item, not a copy. */
export function pushTo<K, V>(groups: Map<K, V[]>, key: K, value: V): void {
  const list = groups.get(key);
  if (list) list.push(value);
  else groups.set(key, [value]);
}
