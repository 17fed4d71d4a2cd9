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

/** `target.splice(start, deleteCount, ...items)` for items of any length. */
export function spliceAll<T>(target: T[], start: number, deleteCount: number, items: readonly T[]): void {
  const tail = target.splice(start + deleteCount);
  target.length = start;
  pushAll(target, items);
  pushAll(target, tail);
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
