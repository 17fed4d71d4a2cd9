// The located YAML tree that syntax.ts and the fast paths (fastParse.ts) build: node types, their
// compact run-time classes and factories, and the parse result. Both parsers import it; neither
// imports the other's module for it (syntax.ts -> fastParse.ts -> yamlTree.ts).
import type { Frames } from './origin';
import type { Span } from './text';

export type YNode = YMap | YSeq | YScalar;

export interface YMap {
  readonly type: 'map';
  readonly span: Span;
  readonly pairs: readonly YPair[];
}

export interface YPair {
  readonly key: YScalar;
  /** null when the key has no value at all (`spec:`); a null scalar is still a YScalar. */
  readonly value: YNode | null;
}

export interface YSeq {
  readonly type: 'seq';
  readonly span: Span;
  readonly items: readonly (YNode | null)[];
}

export interface YScalar {
  readonly type: 'scalar';
  readonly span: Span;
  readonly value: string | number | boolean | null;
  /** The scalar as written, for non-string scalars (`1.0`, `yes`); equal to value for strings. */
  readonly text: string;
}

// The runtime representation is compact, because a workspace holds the trees of every file: one
// object per node with its offsets inline (no span object until one is asked for), the node type on
// the prototype, exact-size arrays, and short strings (keys, names, ports) shared through an intern
// table. `span` builds a fresh { start, end } on each access.

export abstract class ScalarNode implements YScalar {
  declare readonly type: 'scalar';
  abstract readonly start: number;
  abstract readonly end: number;
  abstract readonly value: string | number | boolean | null;
  abstract readonly text: string;
  get span(): Span {
    return { start: this.start, end: this.end };
  }
}
(ScalarNode.prototype as { type: string }).type = 'scalar';

// Most scalars are strings written as they read (`name: web`): their text is their value, and a
// plain one-line string ends where its value does. Such scalars keep only what they cannot derive
// (a field less is 8 bytes of every node a workspace keeps).

/** A scalar whose text differs from its value (numbers, booleans, null, ...). */
class WrittenScalar extends ScalarNode {
  constructor(
    readonly start: number,
    readonly end: number,
    readonly value: string | number | boolean | null,
    readonly text: string,
  ) {
    super();
  }
}

/** A string scalar whose source is longer than its value (quoted, folded, multi-line). */
class StringScalar extends ScalarNode {
  constructor(
    readonly start: number,
    readonly end: number,
    readonly value: string,
  ) {
    super();
  }
  get text(): string {
    return this.value;
  }
}

/** A string scalar whose source is its value. */
class PlainScalar extends ScalarNode {
  constructor(
    readonly start: number,
    readonly value: string,
  ) {
    super();
  }
  get end(): number {
    return this.start + this.value.length;
  }
  get text(): string {
    return this.value;
  }
}

/** A scalar of strings already shared (syntax.ts interns as it reads); others use `scalarNode`. */
export function makeScalar(
  start: number,
  end: number,
  value: string | number | boolean | null,
  text: string,
): ScalarNode {
  if (typeof value !== 'string' || text !== value) return new WrittenScalar(start, end, value, text);
  return end - start === value.length ? new PlainScalar(start, value) : new StringScalar(start, end, value);
}

export class MapNode implements YMap {
  declare readonly type: 'map';
  constructor(
    readonly start: number,
    readonly end: number,
    readonly pairs: readonly YPair[],
  ) {}
  get span(): Span {
    return { start: this.start, end: this.end };
  }
}
(MapNode.prototype as { type: string }).type = 'map';

export class SeqNode implements YSeq {
  declare readonly type: 'seq';
  constructor(
    readonly start: number,
    readonly end: number,
    readonly items: readonly (YNode | null)[],
  ) {}
  get span(): Span {
    return { start: this.start, end: this.end };
  }
}
(SeqNode.prototype as { type: string }).type = 'seq';

/**
 * A mapping entry with its key scalar inline (a pair and its key are one object): `key` builds the
 * key's node on access; `keyValue` reads the key without building it (tree.ts uses it for lookups).
 * Like scalars, a key written as it reads keeps neither its text nor its end.
 */
export abstract class PairNode implements YPair {
  abstract readonly keyStart: number;
  abstract readonly keyEnd: number;
  abstract readonly keyValue: string | number | boolean | null;
  abstract readonly keyText: string;
  abstract readonly value: YNode | null;
  get key(): YScalar {
    return makeScalar(this.keyStart, this.keyEnd, this.keyValue, this.keyText);
  }
}

/** A pair's key as written, read without building the key's node. */
export function pairKeyText(p: YPair): string {
  return p instanceof PairNode ? p.keyText : p.key.text;
}

class WrittenPair extends PairNode {
  constructor(
    readonly keyStart: number,
    readonly keyEnd: number,
    readonly keyValue: string | number | boolean | null,
    readonly keyText: string,
    readonly value: YNode | null,
  ) {
    super();
  }
}

class StringPair extends PairNode {
  constructor(
    readonly keyStart: number,
    readonly keyEnd: number,
    readonly keyValue: string,
    readonly value: YNode | null,
  ) {
    super();
  }
  get keyText(): string {
    return this.keyValue;
  }
}

class PlainPair extends PairNode {
  constructor(
    readonly keyStart: number,
    readonly keyValue: string,
    readonly value: YNode | null,
  ) {
    super();
  }
  get keyEnd(): number {
    return this.keyStart + this.keyValue.length;
  }
  get keyText(): string {
    return this.keyValue;
  }
}

/** A pair of strings already shared (syntax.ts interns as it reads). */
export function makePair(
  keyStart: number,
  keyEnd: number,
  keyValue: string | number | boolean | null,
  keyText: string,
  value: YNode | null,
): PairNode {
  if (typeof keyValue !== 'string' || keyText !== keyValue)
    return new WrittenPair(keyStart, keyEnd, keyValue, keyText, value);
  return keyEnd - keyStart === keyValue.length
    ? new PlainPair(keyStart, keyValue, value)
    : new StringPair(keyStart, keyEnd, keyValue, value);
}

/** A scalar node; `text` is the scalar as written (the value itself for strings). */
export function scalarNode(start: number, end: number, value: string | number | boolean | null, text: string): YScalar {
  if (typeof value === 'string') {
    const v = intern(value);
    return makeScalar(start, end, v, text === value ? v : intern(text));
  }
  return makeScalar(start, end, value, intern(text));
}

export function mapNode(start: number, end: number, pairs: readonly YPair[]): YMap {
  return new MapNode(start, end, pairs);
}

export function seqNode(start: number, end: number, items: readonly (YNode | null)[]): YSeq {
  return new SeqNode(start, end, items);
}

export function pairOf(key: YScalar, value: YNode | null): YPair {
  const s = key.span;
  const k = scalarNode(s.start, s.end, key.value, key.text);
  return makePair(s.start, s.end, k.value, k.text, value);
}

/** A scalar moved by `delta` (documents.ts moves the documents after an edit), same strings. */
export function movedScalar(node: ScalarNode, delta: number): ScalarNode {
  return makeScalar(node.start + delta, node.end + delta, node.value, node.text);
}

/** A pair whose key is moved by `delta`, with its (moved) value. */
export function movedPair(p: PairNode, delta: number, value: YNode | null): PairNode {
  return makePair(p.keyStart + delta, p.keyEnd + delta, p.keyValue, p.keyText, value);
}

/** Strings up to this length are shared: keys, names, ports, label values. */
const INTERN_MAX_LENGTH = 40;
/** Bounds the table in a long-lived process; past it, new strings are simply not shared. */
const INTERN_MAX_ENTRIES = 100_000;
const internTable = new Map<string, string>();

export function intern<T>(s: T): T {
  if (typeof s !== 'string' || s.length > INTERN_MAX_LENGTH) return s;
  const found = internTable.get(s);
  if (found !== undefined) return found as T;
  if (internTable.size < INTERN_MAX_ENTRIES) {
    // A sliced or concatenated string would keep its parent alive: store a flat copy.
    const flat = flatString(s);
    internTable.set(flat, flat);
    return flat as T;
  }
  return s;
}

/** A string as one sequential string: not a chain of concatenated pieces or a slice of a larger one. */
export function flatString(s: string): string {
  // V8 copies a slice shorter than 13 characters into a string of its own; a longer slice would
  // point into its parent (32 bytes more, and the parent kept), so those take a JSON round trip,
  // which builds a new sequential string (exact for any string, lone surrogates included).
  if (s.length === 0) return '';
  return s.length < 13 ? (' ' + s).slice(1) : (JSON.parse(JSON.stringify(s)) as string);
}

export interface SyntaxProblem {
  readonly span: Span;
  readonly message: string;
  /** `yaml-syntax` for errors that stop a document from being read, `yaml-duplicate-key` otherwise. */
  /** analysis-incomplete: readable YAML not analysed because of a limit (aliases, nesting, size). */
  readonly rule: 'yaml-syntax' | 'yaml-duplicate-key' | 'analysis-incomplete';
}

/**
 * The problem for a map key that repeats an earlier key of its map, the key starting at `at` of
 * `text` (offsets mapped by `toOriginal` when the text is a repaired copy): spanning the key as
 * written up to its `:`, as the composer path (syntax.ts) and the line reader (fastParse.ts) both
 * report it.
 */
export function duplicateKeyProblem(
  text: string,
  at: number,
  toOriginal: (offset: number) => number = (o) => o,
  originalLength = text.length,
): SyntaxProblem {
  const keyText = /^[^:\n]*/.exec(text.slice(at, at + 256))?.[0] ?? '';
  const clamp = (o: number) => Math.min(Math.max(0, o), originalLength);
  const start = clamp(toOriginal(at));
  const end = clamp(toOriginal(Math.max(at + 1, at + keyText.trimEnd().length)));
  const key = keyText.split(/[:\n]/)[0].trim();
  return {
    span: { start, end: Math.max(start, end) },
    message: `Duplicate key${key ? ` '${key}'` : ''}: the last value wins when read, and kubectl apply --validate=strict rejects the object.`,
    rule: 'yaml-duplicate-key',
  };
}

export interface SourceDocument {
  readonly index: number;
  readonly span: Span;
  /** null for empty documents and for those the parser could not recover from a syntax error. */
  readonly contents: YNode | null;
  /** Set when a syntax error was found in the document: contents are the parser's recovery. */
  readonly damaged?: true;
}

export interface ParsedFile {
  readonly documents: readonly SourceDocument[];
  readonly problems: readonly SyntaxProblem[];
  /** Set when the documents' offsets are framed (origin.ts): where each document's frame starts. */
  readonly frames?: Frames;
}

/** The fast paths' builders (fastParse.ts): the factories above, with pair keys interned. */
export const TREE_BUILDERS: TreeBuilders = {
  scalar: scalarNode,
  map: mapNode,
  seq: seqNode,
  pair: (keyStart, keyEnd, keyValue, keyText, value) => {
    const v = intern(keyValue);
    return makePair(keyStart, keyEnd, v, keyText === keyValue ? (v as string) : intern(keyText), value);
  },
};

/** How the fast paths build nodes, so that they produce exactly the composer path's objects. */
export interface TreeBuilders {
  scalar(start: number, end: number, value: string | number | boolean | null, text: string): YScalar;
  map(start: number, end: number, pairs: readonly YPair[]): YMap;
  seq(start: number, end: number, items: readonly (YNode | null)[]): YSeq;
  pair(
    keyStart: number,
    keyEnd: number,
    keyValue: string | number | boolean | null,
    keyText: string,
    value: YNode | null,
  ): YPair;
}
