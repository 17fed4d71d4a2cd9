// Small, total accessors over the located YAML tree: each returns undefined instead of throwing when
// the shape is not what a manifest should have, so extractors read like the API reference.
import { SLOT_SIZE } from './origin';
import { PairNode, type YMap, type YNode, type YPair, type YScalar, type YSeq } from './syntax';
import { pairKeyText } from './yamlTree';

export function asMap(node: YNode | null | undefined): YMap | undefined {
  return node && node.type === 'map' ? node : undefined;
}

export function asSeq(node: YNode | null | undefined): YSeq | undefined {
  return node && node.type === 'seq' ? node : undefined;
}

export function asScalar(node: YNode | null | undefined): YScalar | undefined {
  return node && node.type === 'scalar' ? node : undefined;
}

export function pair(map: YMap | undefined, key: string): YPair | undefined {
  if (!map) return undefined;
  // Last one wins, as in Go's JSON decoding used by the API machinery.
  const pairs = map.pairs;
  for (let i = pairs.length - 1; i >= 0; i--) {
    const p = pairs[i];
    // Every parsed or built pair is a PairNode; anything else conforming to YPair reads its key node.
    if (((p as PairNode).keyValue ?? p.key.value) === key) return p;
  }
  return undefined;
}

/** A pair's key value, read without building the key's node. */
export function keyValue(p: YPair): string | number | boolean | null {
  return p instanceof PairNode ? p.keyValue : p.key.value;
}

/** A pair's key as written, read without building the key's node. */
export const keyText = pairKeyText;

export function get(node: YNode | null | undefined, key: string): YNode | undefined {
  return pair(asMap(node), key)?.value ?? undefined;
}

export function getPath(node: YNode | null | undefined, ...keys: string[]): YNode | undefined {
  return getPathOf(node, keys);
}

/** getPath with the keys as a list (a path read from data, of any length). */
export function getPathOf(node: YNode | null | undefined, keys: readonly string[]): YNode | undefined {
  let current: YNode | null | undefined = node;
  for (const key of keys) {
    current = get(current, key);
    if (!current) return undefined;
  }
  return current ?? undefined;
}

/** A scalar that is a string in the manifest (quoted or plain text). */
export function stringValue(node: YNode | null | undefined): string | undefined {
  const s = asScalar(node);
  return s && typeof s.value === 'string' ? s.value : undefined;
}

/** A scalar read as a string field the way a lenient reader would (numbers and booleans as written). */
export function scalarText(node: YNode | null | undefined): string | undefined {
  const s = asScalar(node);
  if (!s || s.value === null) return undefined;
  return s.text;
}

export function numberValue(node: YNode | null | undefined): number | undefined {
  const s = asScalar(node);
  return s && typeof s.value === 'number' && Number.isFinite(s.value) ? s.value : undefined;
}

export function integerValue(node: YNode | null | undefined): number | undefined {
  const n = numberValue(node);
  return n !== undefined && Number.isInteger(n) ? n : undefined;
}

export function boolValue(node: YNode | null | undefined): boolean | undefined {
  const s = asScalar(node);
  return s && typeof s.value === 'boolean' ? s.value : undefined;
}

/**
 * An array built with push has room for 17 items after its first push; one kept in a long-lived
 * view is copied to its exact size (a copy of a short array is cheaper than the slack it keeps).
 */
export function exact<T>(items: T[]): T[] {
  return items.length > 0 && items.length <= 16 ? items.slice() : items;
}

const NO_NODES: readonly YNode[] = Object.freeze([]);

export function seqItems(node: YNode | null | undefined): readonly YNode[] {
  const seq = asSeq(node);
  if (!seq) return NO_NODES;
  const items = seq.items;
  // The items themselves when none is null (the usual case): no copy.
  for (let i = 0; i < items.length; i++) if (items[i] === null) return items.filter((item) => item !== null) as YNode[];
  return items as readonly YNode[];
}

/** A string-to-string map such as labels or a Service selector, with the span of each entry. */
export interface StringEntry {
  readonly key: string;
  readonly value: string;
  readonly keySpan: YScalar['span'];
  readonly valueSpan: YScalar['span'];
}

export function stringEntries(node: YNode | null | undefined): StringEntry[] {
  const map = asMap(node);
  if (!map) return [];
  // A repeated key keeps its first position and takes the last value (as a Map would).
  const out: StringEntry[] = [];
  let index: Map<string, number> | undefined;
  for (const p of map.pairs) {
    const v = p.value;
    if (!v || v.type !== 'scalar' || v.value === null || keyValue(p) === null) continue;
    const key = keyText(p);
    const entry: StringEntry = {
      key,
      value: v.text,
      keySpan: p instanceof PairNode ? { start: p.keyStart, end: p.keyEnd } : p.key.span,
      valueSpan: v.span,
    };
    let at = -1;
    if (out.length < 8) {
      for (let i = 0; i < out.length; i++) if (out[i].key === key) at = i;
    } else {
      if (!index) {
        index = new Map();
        for (let i = 0; i < out.length; i++) index.set(out[i].key, i);
      }
      at = index.get(key) ?? -1;
    }
    if (at >= 0) out[at] = entry;
    else {
      index?.set(key, out.length);
      out.push(entry);
    }
  }
  return out;
}

/** Converts a subtree to plain JSON-like data (for output and for rules that look at values only). */
export function toPlain(node: YNode | null | undefined): unknown {
  if (!node) return null;
  switch (node.type) {
    case 'scalar':
      return node.value;
    case 'seq':
      return node.items.map(toPlain);
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const p of node.pairs) out[keyText(p)] = toPlain(p.value);
      return out;
    }
  }
}

/**
 * The span of a mapping's content, from its first key to the end of its last value: a block
 * mapping's own range runs on to the next line, which is not what a diagnostic should underline.
 */
export function contentSpan(map: YMap): YMap['span'] {
  const first = map.pairs[0];
  const last = map.pairs[map.pairs.length - 1];
  if (!first || !last) return map.span;
  const start = first instanceof PairNode ? first.keyStart : first.key.span.start;
  const end = last.value ? last.value.span.end : last instanceof PairNode ? last.keyEnd : last.key.span.end;
  // A map a kustomize patch merged holds entries of two files (origin.ts): its own span then.
  const slot = Math.floor(map.span.start / SLOT_SIZE);
  if (Math.floor(start / SLOT_SIZE) !== slot || Math.floor(end / SLOT_SIZE) !== slot || end < start) return map.span;
  return { start, end };
}
