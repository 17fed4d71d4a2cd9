// The incremental layer shared by loading and the graph: what changed between two resource lists
// (`ResourceChange`), the one map a derived result shares with the result it came from (`Overlay`),
// and `runToEnd`, which drives a computation written as steps (a generator that yields between
// slices of work) synchronously.
import type { Resource } from './model/resource';

/**
 * What changed from one resource list to the next: instances removed and added (each in resource
 * order), and the position of each file in the new list's file order (a file's instances are
 * contiguous, so file positions order instances of different files).
 */
export interface ResourceChange {
  readonly removed: readonly Resource[];
  readonly added: readonly Resource[];
  readonly filePosition: (file: string) => number;
}

/** Drives a computation written as steps to its end, synchronously. */
export function runToEnd<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Changed keys an overlay keeps beside its base; beyond this, publishing flattens them into a new base. */
export const MAX_OVERLAY_CHANGES = 512;

/** Any value but undefined (which marks a removed key where changes are given). */
export type Defined = NonNullable<unknown> | null;

const REMOVED: unique symbol = Symbol('removed');

/**
 * A map derived from another without copying it: a base never modified once built, and the few
 * keys changed since (set or removed). Iterates in the base's order, changed keys in place and new
 * keys last. An overlay never changes; `with` and `edit` derive new ones. Values are never
 * undefined (undefined in `with` means removed).
 */
export class Overlay<K, V extends Defined> implements ReadonlyMap<K, V> {
  private constructor(
    private readonly base: ReadonlyMap<K, V>,
    /** Changed keys, REMOVED for a removed key of the base; undefined when nothing changed. */
    private readonly changed: ReadonlyMap<K, V | typeof REMOVED> | undefined,
    readonly size: number,
  ) {}

  /** The map as an overlay: itself when it is one, else an overlay of it (which must then not change). */
  static of<K, V extends Defined>(map: ReadonlyMap<K, V> = new Map()): Overlay<K, V> {
    return map instanceof Overlay ? map : new Overlay(map, undefined, map.size);
  }

  get(k: K): V | undefined {
    const changed = this.changed;
    if (changed !== undefined) {
      const v = changed.get(k);
      if (v !== undefined) return v === REMOVED ? undefined : v;
    }
    return this.base.get(k);
  }

  has(k: K): boolean {
    const v = this.changed?.get(k);
    return v !== undefined ? v !== REMOVED : this.base.has(k);
  }

  /** This map with the changes applied (undefined: the key is removed). */
  with(changes: Iterable<readonly [K, V | undefined]>): Overlay<K, V> {
    const draft = this.edit();
    for (const [k, v] of changes) {
      if (v === undefined) draft.delete(k);
      else draft.set(k, v);
    }
    return draft.done();
  }

  /**
   * A draft of the next map (loading patches a few files' entries into the last load's maps): set
   * and delete keys, read through it, then publish it with `done`.
   */
  edit(): OverlayDraft<K, V> {
    const base = this.base;
    const changed = new Map(this.changed);
    let touched = false;
    let published = false;
    const write = () => {
      if (published) throw new Error('Overlay: a draft was written after done()');
      touched = true;
    };
    return {
      get: (k) => {
        const v = changed.get(k);
        if (v !== undefined) return v === REMOVED ? undefined : v;
        return base.get(k);
      },
      has: (k) => {
        const v = changed.get(k);
        return v !== undefined ? v !== REMOVED : base.has(k);
      },
      set: (k, v) => {
        write();
        changed.set(k, v);
      },
      delete: (k) => {
        write();
        if (base.has(k)) changed.set(k, REMOVED);
        else changed.delete(k);
      },
      done: () => {
        published = true;
        return touched ? Overlay.publish(base, changed) : this;
      },
    };
  }

  *entries(): MapIterator<[K, V]> {
    const changed = this.changed;
    if (changed === undefined) {
      yield* this.base.entries();
      return;
    }
    for (const [k, v] of this.base) {
      const c = changed.get(k);
      if (c === REMOVED) continue;
      yield [k, c !== undefined ? c : v];
    }
    for (const [k, c] of changed) if (c !== REMOVED && !this.base.has(k)) yield [k, c];
  }

  *keys(): MapIterator<K> {
    for (const [k] of this.entries()) yield k;
  }

  *values(): MapIterator<V> {
    for (const [, v] of this.entries()) yield v;
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  forEach(callback: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.entries()) callback.call(thisArg, v, k, this);
  }

  /** The overlay of a draft's changes, flattened into a new base when they are more than MAX_OVERLAY_CHANGES. */
  private static publish<K, V extends Defined>(
    base: ReadonlyMap<K, V>,
    changed: ReadonlyMap<K, V | typeof REMOVED>,
  ): Overlay<K, V> {
    let size = base.size;
    for (const [k, v] of changed) {
      if (v === REMOVED)
        size--; // only keys of the base are marked removed
      else if (!base.has(k)) size++;
    }
    const overlay = new Overlay(base, changed.size > 0 ? changed : undefined, size);
    if (changed.size <= MAX_OVERLAY_CHANGES) return overlay;
    return new Overlay(new Map(overlay), undefined, size);
  }
}

/**
 * The next version of an overlay while it is written. Reads see the writes; `done` publishes the
 * result (the overlay edited when nothing was written), after which the draft accepts no writes.
 */
export interface OverlayDraft<K, V extends Defined> {
  get(k: K): V | undefined;
  has(k: K): boolean;
  set(k: K, v: V): void;
  delete(k: K): void;
  done(): Overlay<K, V>;
}
