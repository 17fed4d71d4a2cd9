// Two fast paths for syntax.ts's parseYaml, tried in turn before the composer path: parseDirect
// reads the plainest texts line by line (see its comment below); parseFast (this first part)
// builds the located tree straight from the `yaml` package's CST, without
// the Composer's Document/Scalar/YAMLMap objects. It reproduces exactly what the composer (with the
// options parseYaml uses: YAML 1.2 core schema, strict: false, uniqueKeys) and syntax.ts's Converter
// produce for the common manifest subset, and declines (returns undefined) as soon as it meets
// anything else: any error the composer would report but a repeated key, anchors, aliases, tags,
// directives, explicit or complex keys, tabs around indentation, block scalars at a document's
// root, and pairs inside flow sequences. A declined text goes through the composer as before, so
// every other problem (and the quoted-continuation repair) still comes from there. A repeated key
// is reported here as the composer path reports it (syntax.ts withDuplicateKeyErrors).
//
// Each check below mirrors a place in node_modules/yaml/dist/compose/* (named in the comments);
// test/engine/fastParse.test.ts compares both paths over the corpus, fixtures, generated workspaces
// and mutations of them.
import { CST, Parser } from 'yaml';
import { duplicateKeyProblem } from './yamlTree';
import type {
  ParsedFile,
  SourceDocument,
  SyntaxProblem,
  TreeBuilders,
  YNode,
  YPair,
  YScalar,
  YMap,
  YSeq,
} from './yamlTree';

type Token = CST.Token;
type SourceToken = CST.SourceToken;

/** Thrown to leave the fast path; the caller falls back to the composer. */
const DECLINE = new Error('fast path declined');

/** Shallower than syntax.ts's MAX_DEPTH, so that whatever that limit reports comes from the composer path. */
const MAX_FAST_DEPTH = 256;

const NO_PROBLEMS = Object.freeze([]) as readonly never[];

/** Keys of one map compared one by one for repeats; beyond, a set of them. */
const KEYS_COMPARED_ONE_BY_ONE = 16;

const keyOf = (pair: unknown) => (pair as { keyValue?: unknown }).keyValue;

/**
 * Whether `value` repeats the key of one of the pairs from..to of a map: equal as === (the `yaml`
 * package's rule with uniqueKeys, compose/util-map-includes.js, so NaN never repeats), found in
 * `seen` once the map has grown past a few keys (comparing with every earlier key is quadratic in
 * a map of 200,000 keys).
 */
function repeatsKey(
  pairs: readonly unknown[],
  from: number,
  to: number,
  value: unknown,
  seen: Set<unknown> | undefined,
) {
  if (value !== value) return false;
  if (seen) return seen.has(value);
  for (let i = from; i < to; i++) if (keyOf(pairs[i]) === value) return true;
  return false;
}

/** The set repeatsKey looks in, after pairs[to - 1] joined the map: none while the map is small. */
function keysSeen(pairs: readonly unknown[], from: number, to: number, seen: Set<unknown> | undefined) {
  if (seen) {
    const value = keyOf(pairs[to - 1]);
    if (value === value) seen.add(value);
    return seen;
  }
  if (to - from < KEYS_COMPARED_ONE_BY_ONE) return undefined;
  const set = new Set<unknown>();
  for (let i = from; i < to; i++) {
    const value = keyOf(pairs[i]);
    if (value === value) set.add(value);
  }
  return set;
}

/**
 * The ParsedFile the composer path would give for `text`, or undefined when the text holds anything
 * this path does not reproduce. Repeated keys are the only problems it reports.
 */
export function parseFast(text: string, b: TreeBuilders): ParsedFile | undefined {
  try {
    return new FastParser(b).parse(text);
  } catch {
    // DECLINE, or anything unexpected (a stack overflow on deep input): the composer path decides.
    return undefined;
  }
}

class FastParser {
  constructor(private readonly b: TreeBuilders) {}

  private text = '';
  /** The repeated keys met so far, in text order. */
  private problems: SyntaxProblem[] | undefined;

  /** A key starting at `at` repeats an earlier key of its map. */
  private repeated(at: number): void {
    (this.problems ??= []).push(duplicateKeyProblem(this.text, at));
  }

  /** range[2] of the node built last (its end including trailing comments and whitespace). */
  private lastEnd = 0;

  // Results of props(), read by the caller right after the call.
  private pFound: SourceToken | null = null;
  private pComma = false;
  private pHasNewline = false;
  private pHasComment = false;
  private pEnd = 0;

  parse(text: string): ParsedFile {
    this.text = text;
    const documents: SourceDocument[] = [];
    const length = text.length;
    let start = -1;
    let end = 0;
    let contents: YNode | null = null;
    const flush = () => {
      if (start < 0) return;
      documents.push({
        index: documents.length,
        span: { start: Math.min(start, length), end: Math.min(end, length) },
        contents,
      });
    };
    for (const token of new Parser().parse(text)) {
      switch (token.type) {
        case 'document': {
          flush();
          // compose-doc.js
          this.props(token.start, 'doc-start', false, true, token.offset);
          const value = token.value;
          if (this.pFound && value && (value.type === 'block-map' || value.type === 'block-seq') && !this.pHasNewline)
            throw DECLINE;
          contents = value ? this.node(value, 0, true) : this.empty(this.pEnd, token.start);
          const contentEnd = this.lastEnd;
          start = token.offset;
          end = resolveEnd(token.end, contentEnd);
          break;
        }
        case 'doc-end':
          // composer.js: a doc-end without a document is an error.
          if (start < 0) throw DECLINE;
          end = resolveEnd(token.end, token.offset + token.source.length);
          break;
        case 'byte-order-mark':
        case 'space':
        case 'comment':
        case 'newline':
          break;
        default:
          // directives, errors
          throw DECLINE;
      }
    }
    flush();
    return {
      documents: documents.length <= 16 ? documents.slice() : documents,
      problems: this.problems ? this.problems.slice() : NO_PROBLEMS,
    };
  }

  /**
   * resolve-props.js for the tokens this path accepts (spaces without tabs, comments, newlines, the
   * indicator once, commas in flow collections); throws DECLINE wherever it would report an error
   * or meets anchors and tags.
   */
  private props(
    tokens: readonly SourceToken[],
    indicator: string,
    flow: boolean,
    startOnNewline: boolean,
    offset: number,
  ): void {
    let hasSpace = startOnNewline;
    let found: SourceToken | null = null;
    let comma = false;
    let hasNewline = false;
    let hasComment = false;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i];
      switch (token.type) {
        case 'space':
          if (token.source.includes('\t')) throw DECLINE;
          hasSpace = true;
          break;
        case 'comment':
          if (!hasSpace) throw DECLINE;
          hasComment = true;
          break;
        case 'newline':
          hasNewline = true;
          hasSpace = true;
          break;
        case 'comma':
          if (!flow || comma) throw DECLINE;
          comma = true;
          hasSpace = false;
          break;
        default:
          if (token.type !== indicator || found) throw DECLINE;
          found = token;
          hasSpace = false;
      }
    }
    const last = tokens[tokens.length - 1];
    this.pFound = found;
    this.pComma = comma;
    this.pHasNewline = hasNewline;
    this.pHasComment = hasComment;
    this.pEnd = last ? last.offset + last.source.length : offset;
  }

  /** compose-node.js composeEmptyNode, with the props just read (pHasComment, pEnd). */
  private empty(offset: number, before: readonly SourceToken[] | undefined): YScalar {
    const pos = emptyScalarPosition(offset, before);
    this.lastEnd = this.pHasComment ? this.pEnd : pos;
    return this.b.scalar(pos, pos, null, '');
  }

  private node(token: Token, depth: number, atRoot: boolean): YNode {
    if (depth > MAX_FAST_DEPTH) throw DECLINE;
    switch (token.type) {
      case 'scalar':
        return this.plain(token);
      case 'single-quoted-scalar':
      case 'double-quoted-scalar':
        return this.resolved(token);
      case 'block-scalar':
        // resolve-block-scalar.js treats a root block scalar differently (ctx.atRoot).
        if (atRoot) throw DECLINE;
        return this.resolved(token);
      case 'block-map':
        return this.blockMap(token, depth);
      case 'block-seq':
        return this.blockSeq(token, depth);
      case 'flow-collection':
        return this.flow(token, depth);
      default:
        // aliases, errors
        throw DECLINE;
    }
  }

  // Results of a key's reading (keyScalar), read by the caller right after the call.
  private kStart = 0;
  private kEnd = 0;
  private kValue: string | number | boolean | null = null;
  private kText = '';

  /** A plain scalar (resolve-flow-scalar.js plainValue + the core schema's tags). */
  private plain(token: CST.FlowScalar): YScalar {
    this.readPlain(token);
    return this.b.scalar(this.kStart, this.kEnd, this.kValue, this.kText);
  }

  private readPlain(token: CST.FlowScalar): void {
    const source = token.source;
    let str: string;
    if (source.length === 0 || source.includes('\n') || BAD_PLAIN_START.includes(source[0])) {
      const r = CST.resolveAsScalar(token, false, decline);
      if (!r) throw DECLINE;
      str = r.value;
      this.kStart = r.range[0];
      this.kEnd = r.range[1];
      this.lastEnd = r.range[2];
    } else {
      str = source;
      this.kStart = token.offset;
      this.kEnd = token.offset + source.length;
      this.lastEnd = resolveEnd(token.end, this.kEnd);
    }
    this.kValue = coreValue(str);
    this.kText = str;
  }

  /** Quoted and block scalars: always strings in the core schema without tags. */
  private resolved(token: CST.FlowScalar | CST.BlockScalar): YScalar {
    this.readResolved(token);
    return this.b.scalar(this.kStart, this.kEnd, this.kValue, this.kText);
  }

  private readResolved(token: CST.FlowScalar | CST.BlockScalar): void {
    const r = CST.resolveAsScalar(token, false, decline);
    if (!r) throw DECLINE;
    this.kStart = r.range[0];
    this.kEnd = r.range[1];
    this.lastEnd = r.range[2];
    this.kValue = this.kText = r.value;
  }

  /** A scalar key (plain or quoted) into kStart, kEnd, kValue, kText and lastEnd. */
  private readKey(key: Token | null | undefined): void {
    if (!key) throw DECLINE;
    if (key.type === 'scalar') this.readPlain(key);
    else if (key.type === 'single-quoted-scalar' || key.type === 'double-quoted-scalar') this.readResolved(key);
    else throw DECLINE;
  }

  /** resolve-block-map.js */
  private blockMap(bm: CST.BlockMap, depth: number): YMap {
    const pairs: YPair[] = new Array(bm.items.length);
    let n = 0;
    let seen: Set<unknown> | undefined;
    let offset = bm.offset;
    let commentEnd: number | null = null;
    for (const item of bm.items) {
      const { start, key, sep, value } = item;
      this.props(start, 'explicit-key-ind', false, true, offset);
      if (this.pFound) throw DECLINE; // explicit keys
      if (key) {
        if (key.type === 'block-seq') throw DECLINE;
        if ('indent' in key && key.indent !== bm.indent) throw DECLINE;
      }
      if (!sep) {
        // A key without a separator is silently dropped by the composer: not a case to mirror.
        if (key) throw DECLINE;
        commentEnd = this.pEnd;
        continue;
      }
      if (containsNewline(key)) throw DECLINE;
      this.readKey(key);
      const kStart = this.kStart;
      const kEnd = this.kEnd;
      const kValue = this.kValue;
      const kText = this.kText;
      if (repeatsKey(pairs, 0, n, kValue, seen)) this.repeated(kStart);
      this.props(sep, 'map-value-ind', false, false, this.lastEnd);
      offset = this.pEnd;
      if (!this.pFound) throw DECLINE; // implicit keys need a value
      if (value?.type === 'block-map' && !this.pHasNewline) throw DECLINE;
      const valueNode = value ? this.node(value, depth + 1, false) : this.empty(offset, sep);
      offset = this.lastEnd;
      pairs[n++] = this.b.pair(kStart, kEnd, kValue, kText, valueNode);
      seen = keysSeen(pairs, 0, n, seen);
    }
    if (commentEnd && commentEnd < offset) throw DECLINE;
    if (n < pairs.length) pairs.length = n;
    this.lastEnd = commentEnd ?? offset;
    return this.b.map(bm.offset, offset, pairs);
  }

  /** resolve-block-seq.js */
  private blockSeq(bs: CST.BlockSequence, depth: number): YSeq {
    const items: YNode[] = new Array(bs.items.length);
    let n = 0;
    let offset = bs.offset;
    let commentEnd: number | null = null;
    for (const { start, value } of bs.items) {
      this.props(start, 'seq-item-ind', false, true, offset);
      if (!this.pFound) {
        if (value) throw DECLINE;
        commentEnd = this.pEnd;
        continue;
      }
      items[n++] = value ? this.node(value, depth + 1, false) : this.empty(this.pEnd, start);
      offset = this.lastEnd;
    }
    if (n < items.length) items.length = n;
    this.lastEnd = commentEnd ?? offset;
    return this.b.seq(bs.offset, offset, items);
  }

  /** resolve-flow-collection.js, without pairs in flow sequences. */
  private flow(fc: CST.FlowCollection, depth: number): YNode {
    const isMap = fc.start.source === '{';
    const pairs: YPair[] = [];
    const items: YNode[] = [];
    let seen: Set<unknown> | undefined;
    let offset = fc.offset + fc.start.source.length;
    const count = fc.items.length;
    for (let i = 0; i < count; i++) {
      const { start, key, sep, value } = fc.items[i];
      this.props(start, 'explicit-key-ind', true, false, offset);
      if (this.pFound) throw DECLINE;
      if (!sep && !value) {
        if (key) throw DECLINE;
        if ((i === 0 && this.pComma) || i < count - 1) throw DECLINE;
        offset = this.pEnd;
        continue;
      }
      if (i === 0 ? this.pComma : !this.pComma) throw DECLINE;
      if (isBlock(value)) throw DECLINE;
      if (!isMap && !sep) {
        if (key || !value) throw DECLINE;
        items.push(this.node(value, depth + 1, false));
        offset = this.lastEnd;
        continue;
      }
      if (!isMap || !sep) throw DECLINE;
      this.readKey(key);
      const kStart = this.kStart;
      const kEnd = this.kEnd;
      const kValue = this.kValue;
      const kText = this.kText;
      if (repeatsKey(pairs, 0, pairs.length, kValue, seen)) this.repeated(kStart);
      this.props(sep, 'map-value-ind', true, false, this.lastEnd);
      let valueNode: YNode | null = null;
      if (this.pFound) valueNode = value ? this.node(value, depth + 1, false) : this.empty(this.pEnd, sep);
      else if (value) throw DECLINE;
      offset = valueNode ? this.lastEnd : this.pEnd;
      pairs.push(this.b.pair(kStart, kEnd, kValue, kText, valueNode));
      seen = keysSeen(pairs, 0, pairs.length, seen);
    }
    const ends = fc.end;
    const ce = ends[0];
    if (!ce || ce.source !== (isMap ? '}' : ']')) throw DECLINE;
    const cePos = ce.offset + ce.source.length;
    this.lastEnd = ends.length > 1 ? resolveEnd(ends.slice(1), cePos) : cePos;
    return isMap ? this.b.map(fc.offset, cePos, pairs.slice()) : this.b.seq(fc.offset, cePos, items.slice());
  }
}

function decline(): void {
  throw DECLINE;
}

const isBlock = (token: Token | null | undefined) =>
  !!token && (token.type === 'block-map' || token.type === 'block-seq');

/** resolve-flow-scalar.js plainValue: characters a plain scalar may not start with (an error). */
const BAD_PLAIN_START = '\t,%|>@`';

/** resolve-end.js with strict: false; anything but spaces, comments and newlines is an error. */
function resolveEnd(end: readonly SourceToken[] | undefined, offset: number): number {
  if (end) {
    for (let i = 0; i < end.length; i++) {
      const token = end[i];
      const type = token.type;
      if (type !== 'space' && type !== 'comment' && type !== 'newline') throw DECLINE;
      offset += token.source.length;
    }
  }
  return offset;
}

/** util-empty-scalar-position.js (pos always null). */
function emptyScalarPosition(offset: number, before: readonly SourceToken[] | undefined): number {
  if (before) {
    for (let i = before.length - 1; i >= 0; --i) {
      let st: SourceToken | undefined = before[i];
      switch (st.type) {
        case 'space':
        case 'comment':
        case 'newline':
          offset -= st.source.length;
          continue;
      }
      st = before[++i];
      while (st?.type === 'space') {
        offset += st.source.length;
        st = before[++i];
      }
      break;
    }
  }
  return offset;
}

/** util-contains-newline.js for the key tokens this path reads (others decline later anyway). */
function containsNewline(key: Token | null | undefined): boolean {
  if (!key) return false;
  switch (key.type) {
    case 'alias':
    case 'scalar':
    case 'double-quoted-scalar':
    case 'single-quoted-scalar':
      if (key.source.includes('\n')) return true;
      if (key.end) for (const st of key.end) if (st.type === 'newline') return true;
      return false;
    default:
      return true;
  }
}

// The YAML 1.2 core schema's scalar tags (schema/core/*.js, schema/common/null.js), tried in the
// schema's order; anything else is a string.
const NULL_RE = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL_RE = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT_RE = /^0o[0-7]+$/;
const INT_RE = /^[-+]?[0-9]+$/;
const INT_HEX_RE = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN_RE = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP_RE = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT_RE = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

/** The value of a plain scalar's string under the core schema (intAsBigInt off). */
export function coreValue(str: string): string | number | boolean | null {
  if (str.length === 0) return null;
  const c = str.charCodeAt(0);
  // Only these first characters can start a null, a bool or a number: the rest are strings.
  if (c === 126 /* ~ */ || c === 110 /* n */ || c === 78 /* N */) return NULL_RE.test(str) ? null : str;
  if (c === 116 /* t */ || c === 84 /* T */ || c === 102 /* f */ || c === 70 /* F */)
    return BOOL_RE.test(str) ? c === 116 || c === 84 : str;
  if (!((c >= 48 && c <= 57) || c === 43 /* + */ || c === 45 /* - */ || c === 46 /* . */)) return str;
  if (INT_OCT_RE.test(str)) return parseInt(str.substring(2), 8);
  if (INT_RE.test(str)) return parseInt(str, 10);
  if (INT_HEX_RE.test(str)) return parseInt(str.substring(2), 16);
  if (FLOAT_NAN_RE.test(str))
    return str.slice(-3).toLowerCase() === 'nan'
      ? NaN
      : str[0] === '-'
        ? Number.NEGATIVE_INFINITY
        : Number.POSITIVE_INFINITY;
  if (FLOAT_EXP_RE.test(str)) return parseFloat(str);
  if (FLOAT_RE.test(str)) return parseFloat(str);
  return str;
}

// ---------------------------------------------------------------------------------------------
// A faster path still, for the texts tools and people write: it reads the lines directly, without
// the `yaml` lexer. It accepts block maps with plain keys, block sequences, plain or quoted
// scalars without escapes (values may go on over lines indented past their collection), comments
// (whole lines at any indentation, and after a value or a key), empty lines and `---` separators,
// block scalars and flow collections (sequences and maps of scalars and of each other, `key: value`
// pairs; a value's may go on over lines between its items), and escapes in a value's one-line
// double quotes; no tabs, CRs, anchors, aliases, tags, directives or other escapes (and a few
// characters decline wherever they occur). Every span and document range it gives is the one the
// composer path gives for that subset (the differential test checks it); anything it is not sure
// of declines to parseFast. A key repeated in its map is the one problem it reports (its own
// check is linear; the composer path's is a second walk after the `yaml` composer).
//
// Comments and empty lines change ranges only through where the `yaml` parser (parse/parser.js)
// attaches them, which this path mirrors: lines of them after a scalar whose comments are indented
// past the collection holding it join that scalar's end (atIndentedComment); the rest stays with
// the innermost collection when it ends if one of its comments is indented at least as far as that
// collection, else moves to its parent and finally to the document's end (pop). Before a nested
// collection or a document's first node they change nothing.

/** ASCII characters that decline the direct path wherever they occur: controls (but `\n`) and DEL. */
const DIRECT_REJECT = new Uint8Array(128);
for (let c = 0; c < 32; c++) if (c !== 10) DIRECT_REJECT[c] = 1;
DIRECT_REJECT[127] = 1;

/** Characters a plain value may not start with here (indicators, or what the composer reports). */
const PLAIN_START_REJECT = new Uint8Array(128);
for (const ch of '#&*!%?|>{}[]`@,:') PLAIN_START_REJECT[ch.charCodeAt(0)] = 1;

/** resolve-flow-scalar.js escapeCodes: the characters a backslash and one character stand for. */
const ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
};

/**
 * The value of a one-line double-quoted scalar's text t[from, to), its escapes read as
 * resolve-flow-scalar.js doubleQuotedValue reads them: the one-character escapes, and `\x`, `\u`,
 * `\U` with two, four or eight hex digits. An escape it reports as invalid declines.
 */
function unescaped(t: string, from: number, to: number): string {
  let out = '';
  let run = from;
  for (let i = from; i < to; i++) {
    if (t.charCodeAt(i) !== 92 /* backslash */) continue;
    out += t.slice(run, i);
    const next = t[i + 1];
    const simple = Object.hasOwn(ESCAPES, next) ? ESCAPES[next] : undefined;
    if (simple !== undefined) {
      out += simple;
      i += 1;
    } else {
      const length = next === 'x' ? 2 : next === 'u' ? 4 : next === 'U' ? 8 : 0;
      const hex = t.slice(i + 2, i + 2 + length);
      if (length === 0 || i + 2 + length > to || !/^[0-9a-fA-F]+$/.test(hex)) throw DECLINE;
      const code = parseInt(hex, 16);
      if (code > 0x10ffff) throw DECLINE;
      out += String.fromCodePoint(code);
      i += 1 + length;
    }
    run = i + 1;
  }
  return out + t.slice(run, to);
}

/**
 * A scalar's text over several lines folded as resolve-flow-scalar.js foldLines folds it (plain
 * scalars, and quoted ones between their quotes without escapes): the first line loses its
 * trailing spaces, the others their leading and trailing spaces, the last its leading ones; lines
 * are joined by a space, and each empty line between two is a line break.
 */
function foldLines(inner: string): string {
  let nl = inner.indexOf('\n');
  let out = inner.slice(0, nl).replace(/ +$/, '');
  let sep = ' ';
  let pos = nl + 1;
  for (nl = inner.indexOf('\n', pos); nl >= 0; pos = nl + 1, nl = inner.indexOf('\n', pos)) {
    const line = inner.slice(pos, nl).trim();
    if (line === '') {
      if (sep === '\n') out += sep;
      else sep = '\n';
    } else {
      out += sep + line;
      sep = ' ';
    }
  }
  return out + sep + inner.slice(pos).replace(/^ +/, '');
}

/** Characters that decline a plain scalar inside a flow sequence (where they would end it or mean more). */
const FLOW_PLAIN_REJECT = new Uint8Array(128);
for (const ch of '[]{}:#"\'') FLOW_PLAIN_REJECT[ch.charCodeAt(0)] = 1;

/** ASCII characters a plain key may not start with here: indicators, quotes, and `-`, `?`, `:`. */
const KEY_START_REJECT = new Uint8Array(128);
for (let c = 0; c <= 32; c++) KEY_START_REJECT[c] = 1;
for (const ch of '-?:,[]{}#&*!|>\'"%@`') KEY_START_REJECT[ch.charCodeAt(0)] = 1;

const MAX_DIRECT_DEPTH = 128;
const MAX_DIRECT_KEY = 256;

/** The ParsedFile the composer path would give for `text`, or undefined outside the subset above. */
export function parseDirect(text: string, b: TreeBuilders): ParsedFile | undefined {
  if (hasDirectReject(text, 0, text.length)) return undefined;
  try {
    // Read without a yield: the steps end at their first next().
    const read = new DirectParser(text, b).parse(false).next();
    return read.done ? read.value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * parseDirect in steps, for texts of megabytes (one document of 15 MiB took 400 ms to read): a
 * yield every DIRECT_CHARS_PER_STEP characters, so that the language server answers requests
 * meanwhile. The same reading (the collections' loops are the only code written twice, around the
 * same per-line methods), so the same result; test/engine/directSteps.test.ts compares them.
 */
export function* parseDirectSteps(text: string, b: TreeBuilders): Generator<void, ParsedFile | undefined> {
  for (let at = 0; at < text.length; at += REJECT_CHARS_PER_STEP) {
    if (hasDirectReject(text, at, Math.min(text.length, at + REJECT_CHARS_PER_STEP))) return undefined;
    yield;
  }
  try {
    return yield* new DirectParser(text, b).parse(true);
  } catch {
    return undefined;
  }
}

/** Characters of the text read between two yields of parseDirectSteps (a fraction of a millisecond). */
const DIRECT_CHARS_PER_STEP = 8 * 1024;
/** Characters checked for rejected ones between two yields of parseDirectSteps. */
const REJECT_CHARS_PER_STEP = 64 * 1024;

/** Whether text[from, to) holds a character that declines the direct path. */
function hasDirectReject(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c < 128) {
      if (DIRECT_REJECT[c] === 1) return true;
    } else if (c === 0x85 || c === 0xa0 || c === 0x2028 || c === 0x2029 || c === 0xfeff) {
      // NEL, no-break space, line and paragraph separators, byte-order marks: not this path's to judge.
      return true;
    }
  }
  return false;
}

class DirectParser {
  /** The current line: start, content start (after the indentation), end (its `\n` or the text's end). */
  private ls = 0;
  private ci = 0;
  private le = 0;
  /** Indentation of the current line; -1 at the end of the text and on a `---` line. */
  private indent = -1;
  private eof = false;
  private marker = false;
  /** Where the next node starts on the current line (after `- ` for sequence items). */
  private cur = 0;
  /** range[2] of the node built last. */
  private lastEnd = 0;
  /** Start of the comment and empty lines before the current line not attached yet (-1: none). */
  private triviaStart = -1;
  /** The indentation of the deepest comment from deepestFrom to the current line (settle's cache). */
  private deepestFrom = -1;
  private deepest = -1;
  /** Pairs and items of the collections being read, innermost last. */
  private readonly stack: (YPair | YNode)[] = [];
  /** The repeated keys met so far, in text order (each is met after everything before it). */
  private problems: SyntaxProblem[] | undefined;
  /** Past the flow collection or value read last (flowCollection, flowValue). */
  private flowEnd = 0;
  /** While a value's flow collection is read: the indentation of the collection holding it (else -1). */
  private flowCol = -1;
  /** Where the sliced reading yields next (see due). */
  private yieldAt = DIRECT_CHARS_PER_STEP;
  // The key mapKey read last (and where its value starts on the line), read right after the call.
  private kStart = 0;
  private kEnd = 0;
  private kValue: string | number | boolean | null = null;
  private kText = '';
  private valueAt = 0;
  // The empty value nestedFollows found (when it returns false), read by emptyValue right after.
  private emptyAt = 0;
  private emptyComment = false;

  constructor(
    private readonly text: string,
    private readonly b: TreeBuilders,
  ) {}

  /** Loads the first content line at or after `from`, passing comment and empty lines (triviaStart). */
  private load(from: number): void {
    const t = this.text;
    const n = t.length;
    this.triviaStart = -1;
    let ls = from;
    for (;;) {
      if (ls >= n) {
        this.eof = true;
        this.marker = false;
        this.indent = -1;
        this.ls = this.ci = this.le = n;
        return;
      }
      const le = this.lineEndAt(ls);
      const ci = this.spaces(ls, le);
      // Empty lines and lines of spaces are alike to the parser (space and newline tokens).
      if (ci < le && t.charCodeAt(ci) !== 35 /* # */) {
        this.ls = ls;
        this.ci = ci;
        this.le = le;
        this.cur = ci;
        this.marker = false;
        this.indent = ci - ls;
        if (ci === ls && (t.startsWith('---', ls) || t.startsWith('...', ls))) {
          if (le - ls !== 3 || t.charCodeAt(ls) !== 45) throw DECLINE;
          this.marker = true;
          this.indent = -1;
        }
        return;
      }
      if (this.triviaStart < 0) this.triviaStart = ls;
      ls = le + 1;
    }
  }

  private next(): void {
    this.load(this.le + 1);
  }

  /** range[2] of a scalar that ends its line: past the line's newline. */
  private lineEnd(): number {
    return this.le < this.text.length ? this.le + 1 : this.le;
  }

  /**
   * After a scalar ending its line in a collection indented `col`: the comment lines indented past
   * `col` that follow (with the empty lines among them, up to the last such comment) join the
   * scalar's end (parser.js atIndentedComment).
   */
  private absorb(col: number): void {
    const from = this.triviaStart;
    if (from < 0) return;
    const to = this.ls;
    let absorbed = -1;
    for (let p = from; p < to;) {
      const le = Math.min(this.lineEndAt(p), to);
      const ci = this.spaces(p, le);
      if (ci < le) {
        if (ci - p <= col) break;
        absorbed = le < to ? le + 1 : to;
      }
      p = le + 1;
    }
    if (absorbed < 0) return;
    this.lastEnd = absorbed;
    this.triviaStart = absorbed < to ? absorbed : -1;
  }

  /**
   * A collection indented `col` ends: the pending comment and empty lines stay with it (its range
   * then ends where the next line's content starts) when one of their comments is indented at least
   * as far, else they move to its parent (parser.js pop).
   */
  private settle(col: number): void {
    const from = this.triviaStart;
    if (from < 0 || col === 0) return;
    if (this.deepestFrom !== from) {
      // The deepest comment of these lines, once: every collection ending here asks (bounded work).
      const to = this.ls;
      let deepest = -1;
      for (let p = from; p < to;) {
        const le = Math.min(this.lineEndAt(p), to);
        const ci = this.spaces(p, le);
        if (ci < le && ci - p > deepest) deepest = ci - p;
        p = le + 1;
      }
      this.deepestFrom = from;
      this.deepest = deepest;
    }
    if (this.deepest >= col) {
      this.lastEnd = this.ci;
      this.triviaStart = -1;
    }
  }

  /** The documents, read in steps when `sliced` (else without a yield). */
  *parse(sliced: boolean): Generator<void, ParsedFile> {
    const documents: SourceDocument[] = [];
    // Comments and empty lines before the first document belong to the stream.
    this.load(0);
    while (!this.eof) {
      const docStart = this.ls;
      if (this.marker) {
        const markerEnd = this.le;
        this.next();
        if (this.eof || this.marker) {
          if (this.triviaStart >= 0) throw DECLINE;
          documents.push({
            index: documents.length,
            span: { start: docStart, end: markerEnd },
            contents: this.b.scalar(markerEnd, markerEnd, null, ''),
          });
          continue;
        }
      } else if (documents.length > 0) throw DECLINE;
      if (this.indent !== 0) throw DECLINE;
      this.triviaStart = -1;
      const root = sliced ? yield* this.blockSteps(0) : this.block(0);
      if (!this.eof && !this.marker) throw DECLINE;
      // Lines left over after the root's last node end the document.
      const end = this.triviaStart >= 0 ? this.ci : this.lastEnd;
      this.triviaStart = -1;
      documents.push({ index: documents.length, span: { start: docStart, end }, contents: root });
    }
    return {
      documents: documents.length <= 16 ? documents.slice() : documents,
      problems: this.problems ? this.problems.slice() : NO_PROBLEMS,
    };
  }

  /** A key starting at `at` repeats an earlier key of its map. */
  private repeated(at: number): void {
    (this.problems ??= []).push(duplicateKeyProblem(this.text, at));
  }

  private isSeqItem(at: number): boolean {
    return this.text.charCodeAt(at) === 45 && (at + 1 === this.le || this.text.charCodeAt(at + 1) === 32);
  }

  // The collections are read by two drivers around the same per-line methods: block, map, seq and
  // nestedOrEmpty (without a yield), and their *Steps twins for the sliced reading (a yield every
  // DIRECT_CHARS_PER_STEP characters). Only the loops are written twice: a generator per collection
  // would slow the common reading of small files.

  /** A block collection starting at `cur` on the current line. */
  private block(depth: number): YNode {
    return this.seqAhead(depth) ? this.seq(depth) : this.map(depth);
  }

  private *blockSteps(depth: number): Generator<void, YNode> {
    return this.seqAhead(depth) ? yield* this.seqSteps(depth) : yield* this.mapSteps(depth);
  }

  /** Whether the block collection at `cur` is a sequence (else a map). */
  private seqAhead(depth: number): boolean {
    if (depth > MAX_DIRECT_DEPTH) throw DECLINE;
    return this.isSeqItem(this.cur);
  }

  /** In the sliced reading: whether to yield now. */
  private due(): boolean {
    if (this.ls < this.yieldAt) return false;
    this.yieldAt = this.ls + DIRECT_CHARS_PER_STEP;
    return true;
  }

  /** The end of a plain key starting at `at` (its `:`), or -1 when the line is not `key:` or `key: ...`. */
  private keyEnd(at: number): number {
    const t = this.text;
    const le = this.le;
    const c0 = t.charCodeAt(at);
    let i: number;
    if (c0 === 34 /* " */ || c0 === 39 /* ' */) {
      // A key is on one line: a quote closing on a later one is a value's. A double-quoted key
      // with escapes declines; without `:` after it, the scalar is a value (read with its escapes).
      if (c0 === 34 && this.hasBackslash(at + 1, this.le)) {
        const q = this.escapedClosingQuote(at);
        if (t.charCodeAt(q + 1) === 58 /* : */) throw DECLINE;
        return -1;
      }
      const q = this.quoteEndOnLine(at);
      if (q < 0) return -1;
      i = q + 1;
      if (t.charCodeAt(i) !== 58 || i - at > MAX_DIRECT_KEY) return -1;
    } else {
      if (c0 < 128 && KEY_START_REJECT[c0] === 1) return -1;
      // A plain key ends at `: ` (or `:` ending the line); ` #` would start a comment.
      for (i = at + 1; ; i++) {
        if (i >= le || i - at > MAX_DIRECT_KEY) return -1;
        const c = t.charCodeAt(i);
        if (c === 58 /* : */ && (i + 1 === le || t.charCodeAt(i + 1) === 32)) break;
        if (c === 35 /* # */ && t.charCodeAt(i - 1) === 32) return -1;
      }
      if (t.charCodeAt(i - 1) === 32) return -1;
    }
    if (i + 1 < le && t.charCodeAt(i + 1) !== 32) return -1;
    return i;
  }

  /**
   * After `key:` or `-` with nothing but a comment after it on its line (from `p`): the nested
   * collection on the next lines when one follows (nested tells), else the empty scalar at `emptyAt`.
   */
  private nestedOrEmpty(p: number, emptyAt: number, nested: () => boolean, depth: number): YNode {
    return this.nestedFollows(p, emptyAt, nested) ? this.block(depth + 1) : this.emptyValue();
  }

  private *nestedOrEmptySteps(
    p: number,
    emptyAt: number,
    nested: () => boolean,
    depth: number,
  ): Generator<void, YNode> {
    return this.nestedFollows(p, emptyAt, nested) ? yield* this.blockSteps(depth + 1) : this.emptyValue();
  }

  /** nestedOrEmpty's first half: moves to the next line; whether a nested collection starts there. */
  private nestedFollows(p: number, emptyAt: number, nested: () => boolean): boolean {
    const comment = p < this.le;
    // An empty scalar sits after the spaces that follow its indicator (util-empty-scalar-position.js).
    this.emptyAt = comment ? emptyAt : p;
    this.emptyComment = comment;
    this.next();
    if (!this.eof && nested()) {
      // Between a key and its nested value, comments and empty lines change no range.
      this.triviaStart = -1;
      return true;
    }
    return false;
  }

  /** nestedOrEmpty's other half: the empty value (emptyAt, emptyComment). */
  private emptyValue(): YScalar {
    // An empty value with comments after it: where the parser puts them is not mirrored here.
    if (this.emptyComment || this.triviaStart >= 0) throw DECLINE;
    this.lastEnd = this.emptyAt;
    return this.b.scalar(this.emptyAt, this.emptyAt, null, '');
  }

  private map(depth: number): YMap {
    const start = this.cur;
    const col = start - this.ls;
    const base = this.stack.length;
    const nested = () => this.indent > col || (this.indent === col && this.isSeqItem(this.ci));
    let seen: Set<unknown> | undefined;
    do {
      this.mapKey(base, seen);
      const { kStart, kEnd, kValue, kText, valueAt } = this;
      const value = this.valueOnLine(valueAt)
        ? this.lineValue(valueAt, col)
        : this.nestedOrEmpty(valueAt, kEnd + 1, nested, depth);
      this.stack.push(this.b.pair(kStart, kEnd, kValue, kText, value));
      seen = keysSeen(this.stack, base, this.stack.length, seen);
    } while (!this.mapEnds(col));
    return this.b.map(start, this.lastEnd, this.collected(base, col) as YPair[]);
  }

  private *mapSteps(depth: number): Generator<void, YMap> {
    const start = this.cur;
    const col = start - this.ls;
    const base = this.stack.length;
    const nested = () => this.indent > col || (this.indent === col && this.isSeqItem(this.ci));
    let seen: Set<unknown> | undefined;
    do {
      this.mapKey(base, seen);
      const { kStart, kEnd, kValue, kText, valueAt } = this;
      const value = this.valueOnLine(valueAt)
        ? this.lineValue(valueAt, col)
        : yield* this.nestedOrEmptySteps(valueAt, kEnd + 1, nested, depth);
      this.stack.push(this.b.pair(kStart, kEnd, kValue, kText, value));
      seen = keysSeen(this.stack, base, this.stack.length, seen);
      if (this.due()) yield;
    } while (!this.mapEnds(col));
    return this.b.map(start, this.lastEnd, this.collected(base, col) as YPair[]);
  }

  /**
   * The key of the map pair at `cur` (into kStart, kEnd, kValue, kText; valueAt: where its value
   * starts). A key that repeats one of the map's earlier keys (from `base` on the stack, or in
   * `seen` once the map has more than a few) is reported where it repeats and kept in the map, as
   * the composer path does.
   */
  private mapKey(base: number, seen: Set<unknown> | undefined): void {
    const t = this.text;
    const stack = this.stack;
    const ks = this.cur;
    const ke = this.keyEnd(ks);
    if (ke < 0) throw DECLINE;
    const q = t.charCodeAt(ks);
    // A quoted key is a string as written between its quotes; a plain one takes the core schema's type.
    const keyText = q === 39 || q === 34 ? this.quotedText(ks, ke - 1) : t.slice(ks, ke);
    const keyValue = q === 39 || q === 34 ? keyText : coreValue(keyText);
    if (repeatsKey(stack, base, stack.length, keyValue, seen)) this.repeated(ks);
    let p = ke + 1;
    while (p < this.le && t.charCodeAt(p) === 32) p++;
    this.kStart = ks;
    this.kEnd = ke;
    this.kValue = keyValue;
    this.kText = keyText;
    this.valueAt = p;
  }

  /** Whether a value starts at `p` on the current line (else the line ends there, or a comment starts). */
  private valueOnLine(p: number): boolean {
    return p < this.le && this.text.charCodeAt(p) !== 35; /* # */
  }

  /** After a pair of a map indented `col`: whether the map has ended. */
  private mapEnds(col: number): boolean {
    if (this.eof || this.indent < col) return true;
    if (this.indent > col || this.isSeqItem(this.ci)) throw DECLINE;
    return false;
  }

  /**
   * A collection's pairs or items: they collect on the shared stack and leave it as an exact-size
   * array (a pushed array keeps spare room); then its trailing comments settle. Its end is lastEnd
   * read before this call.
   */
  private collected(base: number, col: number): (YPair | YNode)[] {
    const items = this.stack.slice(base);
    this.stack.length = base;
    this.settle(col);
    return items;
  }

  private seq(depth: number): YSeq {
    const start = this.cur;
    const col = start - this.ls;
    const base = this.stack.length;
    const nested = () => this.indent > col;
    do {
      const p0 = this.cur + 1;
      const p = this.itemAt(p0);
      let item: YNode;
      if (!this.valueOnLine(p)) item = this.nestedOrEmpty(p, p0, nested, depth);
      else if (this.blockAt(p)) item = this.block(depth + 1);
      else item = this.lineValue(p, col);
      this.stack.push(item);
    } while (!this.seqEnds(col));
    return this.b.seq(start, this.lastEnd, this.collected(base, col) as YNode[]);
  }

  private *seqSteps(depth: number): Generator<void, YSeq> {
    const start = this.cur;
    const col = start - this.ls;
    const base = this.stack.length;
    const nested = () => this.indent > col;
    do {
      const p0 = this.cur + 1;
      const p = this.itemAt(p0);
      let item: YNode;
      if (!this.valueOnLine(p)) item = yield* this.nestedOrEmptySteps(p, p0, nested, depth);
      else if (this.blockAt(p)) item = yield* this.blockSteps(depth + 1);
      else item = this.lineValue(p, col);
      this.stack.push(item);
      if (this.due()) yield;
    } while (!this.seqEnds(col));
    return this.b.seq(start, this.lastEnd, this.collected(base, col) as YNode[]);
  }

  /** Where a sequence item's content starts: past the spaces after its `-` (at p0). */
  private itemAt(p0: number): number {
    let p = p0;
    while (p < this.le && this.text.charCodeAt(p) === 32) p++;
    return p;
  }

  /** Whether the item's content at `p` is a collection starting on the item's line (a `- ` or a key). */
  private blockAt(p: number): boolean {
    this.cur = p;
    return this.isSeqItem(p) || this.keyEnd(p) >= 0;
  }

  /** After an item of a sequence indented `col`: whether the sequence has ended. */
  private seqEnds(col: number): boolean {
    if (this.eof || this.indent < col) return true;
    if (this.indent > col) throw DECLINE;
    return !this.isSeqItem(this.ci);
  }

  /** The scalar value starting at `p` in a collection indented `col`, and the line after it loaded. */
  private lineValue(p: number, col: number): YNode {
    const c = this.text.charCodeAt(p);
    if (c === 124 /* | */ || c === 62 /* > */) {
      // A block scalar token has no end of its own: comments after it are never absorbed.
      const node = this.blockScalar(p, col);
      this.next();
      return node;
    }
    const node = c === 91 /* [ */ || c === 123 /* { */ ? this.flow(p, col) : this.inline(p, col);
    this.next();
    this.absorb(col);
    return node;
  }

  /**
   * A flow collection (resolve-flow-collection.js): sequences and maps, nested, of plain scalars
   * (without `:`, `#`, quotes or brackets) and quoted scalars without escapes; a map's keys are
   * plain or quoted and followed by `: ` and a value. It may go on over lines between its items
   * (flowSpaces), in a collection indented `col`. Its range ends at its closing bracket; like a
   * scalar's, its token ends past the line the bracket is on.
   */
  private flow(p: number, col: number): YNode {
    this.flowCol = col;
    const node = this.flowCollection(p, 0);
    this.flowCol = -1;
    this.afterQuoted(this.flowEnd);
    this.lastEnd = this.lineEnd();
    return node;
  }

  /**
   * Past the spaces from `i`; at the end of the line, inside a value's flow collection, past the
   * line break to the next line's content, which becomes the current line. Every such line is
   * indented past the collection holding the value (flowCol); an empty or comment line declines
   * (the parser attaches those in ways this reader does not follow).
   */
  private flowSpaces(i: number): number {
    i = this.spaces(i);
    const t = this.text;
    while (this.flowCol >= 0 && i === this.le && this.le < t.length) {
      const ls = this.le + 1;
      const le = this.lineEndAt(ls);
      const ci = this.spaces(ls, le);
      if (ci === le || ci - ls <= this.flowCol || t.charCodeAt(ci) === 35 /* # */) throw DECLINE;
      this.ls = ls;
      this.le = le;
      i = ci;
    }
    return i;
  }

  /** Past the spaces from `i` on the current line (or up to `le`). */
  private spaces(i: number, le = this.le): number {
    const t = this.text;
    while (i < le && t.charCodeAt(i) === 32) i++;
    return i;
  }

  /** The end of the line starting at `ls`: its `\n`, or the text's end. */
  private lineEndAt(ls: number): number {
    const le = this.text.indexOf('\n', ls);
    return le < 0 ? this.text.length : le;
  }

  /** The flow collection whose bracket is at `p`, `depth` collections deep; flowEnd: past its closing bracket. */
  private flowCollection(p: number, depth: number): YNode {
    if (depth > MAX_DIRECT_DEPTH) throw DECLINE;
    const t = this.text;
    const isSeq = t.charCodeAt(p) === 91;
    const close = isSeq ? 93 /* ] */ : 125; /* } */
    const stack = this.stack;
    const base = stack.length;
    let seen: Set<unknown> | undefined;
    let i = this.flowSpaces(p + 1);
    if (t.charCodeAt(i) === close) i++;
    else {
      for (;;) {
        if (isSeq) stack.push(this.flowValue(i, depth));
        else {
          const ks = i;
          const c = t.charCodeAt(i);
          let ke: number;
          let keyText: string;
          let keyValue: string | number | boolean | null;
          if (c === 34 /* " */ || c === 39 /* ' */) {
            ke = this.closingQuote(i) + 1;
            keyText = this.quotedText(ks, ke - 1);
            keyValue = keyText;
          } else {
            if (i >= this.le || (c < 128 && KEY_START_REJECT[c] === 1)) throw DECLINE;
            // A plain key ends at its `:` (no `:`, flow indicator, quote or `#` inside, no space before).
            for (ke = i + 1; ke < this.le && t.charCodeAt(ke) !== 58; ke++) {
              const ch = t.charCodeAt(ke);
              if (ch === 44 || (ch < 128 && FLOW_PLAIN_REJECT[ch] === 1)) throw DECLINE;
            }
            if (t.charCodeAt(ke - 1) === 32) throw DECLINE;
            keyText = t.slice(ks, ke);
            keyValue = coreValue(keyText);
          }
          // `key: value`: an implicit key without its value, or a value not after `: `, is declined.
          if (ke >= this.le || t.charCodeAt(ke) !== 58 || t.charCodeAt(ke + 1) !== 32) throw DECLINE;
          const vs = this.spaces(ke + 1);
          const v = t.charCodeAt(vs);
          if (vs >= this.le || v === 44 || v === 93 || v === 125) throw DECLINE;
          if (repeatsKey(stack, base, stack.length, keyValue, seen)) this.repeated(ks);
          const value = this.flowValue(vs, depth);
          stack.push(this.b.pair(ks, ke, keyValue, keyText, value));
          seen = keysSeen(stack, base, stack.length, seen);
        }
        i = this.flowSpaces(this.flowEnd);
        const ch = t.charCodeAt(i++);
        if (ch === close) break;
        if (ch !== 44) throw DECLINE;
        i = this.flowSpaces(i);
        // An empty item or a trailing comma: declined.
        const next = t.charCodeAt(i);
        if (i >= this.le || next === 44 || next === 93 || next === 125) throw DECLINE;
      }
    }
    this.flowEnd = i;
    const items = stack.slice(base);
    stack.length = base;
    return isSeq ? this.b.seq(p, i, items as YNode[]) : this.b.map(p, i, items as YPair[]);
  }

  /** A value of a flow collection at `i`: a collection, a quoted or a plain scalar; flowEnd: past it. */
  private flowValue(i: number, depth: number): YNode {
    const t = this.text;
    const le = this.le;
    const c = t.charCodeAt(i);
    const s = i;
    if (c === 91 /* [ */ || c === 123 /* { */) return this.flowCollection(i, depth + 1);
    if (c === 34 /* " */ || c === 39 /* ' */) {
      const q = this.closingQuote(i);
      const value = this.quotedText(s, q);
      this.flowEnd = q + 1;
      return this.b.scalar(s, q + 1, value, value);
    }
    if (i >= le || (c < 128 && PLAIN_START_REJECT[c] === 1) || (c === 45 && t.charCodeAt(i + 1) === 32)) throw DECLINE;
    for (; i < le; i++) {
      const ch = t.charCodeAt(i);
      if (ch === 44 /* , */ || ch === 93 /* ] */ || ch === 125 /* } */) break;
      if (ch < 128 && FLOW_PLAIN_REJECT[ch] === 1) throw DECLINE;
    }
    if (i >= le) throw DECLINE;
    let e = i;
    while (t.charCodeAt(e - 1) === 32) e--;
    const source = t.slice(s, e);
    this.flowEnd = i;
    return this.b.scalar(s, e, coreValue(source), source);
  }

  /**
   * The value of the quoted scalar (without escapes) from its opening quote at `p` to its closing
   * one at `q` on the current line: as written, folded when it opened on an earlier line
   * (quotedOverLines), with a single-quoted scalar's doubled quotes read as one.
   */
  private quotedText(p: number, q: number): string {
    const written = this.text.slice(p + 1, q);
    const inner = p >= this.ls ? written : foldLines(written);
    return this.text.charCodeAt(p) === 39 ? inner.replace(/''/g, "'") : inner;
  }

  /** Whether t[from, to) holds a backslash (an escape in double quotes). */
  private hasBackslash(from: number, to: number): boolean {
    const t = this.text;
    for (let i = from; i < to; i++) if (t.charCodeAt(i) === 92 /* backslash */) return true;
    return false;
  }

  /**
   * The closing quote of a double-quoted scalar opening at `p` with escapes, on its line (an escape
   * takes the character after it; one at the line's end, a line break escaped, declines).
   */
  private escapedClosingQuote(p: number): number {
    const t = this.text;
    for (let i = p + 1; i < this.le; i++) {
      const ch = t.charCodeAt(i);
      if (ch === 92 /* backslash */) {
        if (++i >= this.le) throw DECLINE;
      } else if (ch === 34) return i;
    }
    throw DECLINE;
  }

  /** The quote closing the quoted scalar opening at `p` on its line (`''` in single quotes is a quote), or -1. */
  private quoteEndOnLine(p: number): number {
    const t = this.text;
    const quote = t.charCodeAt(p);
    for (let i = p + 1; i < this.le; i++) {
      if (t.charCodeAt(i) !== quote) continue;
      if (quote === 39 && i + 1 < this.le && t.charCodeAt(i + 1) === 39) i++;
      else return i;
    }
    return -1;
  }

  /**
   * The closing quote of a quoted scalar opening at `p` and closing on a later line, which becomes
   * the current line. Every line it continues on holds nothing or is indented past its
   * collection's `col`; double quotes hold no escape (escaped line breaks fold otherwise). Declines
   * otherwise, and when it never closes.
   */
  private quotedOverLines(p: number, col: number): number {
    const t = this.text;
    const n = t.length;
    const quote = t.charCodeAt(p);
    let q = -1;
    for (let i = this.le + 1; i < n;) {
      const found = t.indexOf(quote === 39 ? "'" : '"', i);
      if (found < 0) throw DECLINE;
      if (quote === 39 && t.charCodeAt(found + 1) === 39) {
        i = found + 2;
        continue;
      }
      q = found;
      break;
    }
    if (q < 0) throw DECLINE;
    if (quote === 34 && this.hasBackslash(p + 1, q)) throw DECLINE;
    let ls = this.le + 1;
    for (;;) {
      const le = this.lineEndAt(ls);
      const ci = this.spaces(ls, le);
      if (ci < le && ci - ls <= col) throw DECLINE;
      if (q < le) {
        this.ls = ls;
        this.le = le;
        return q;
      }
      ls = le + 1;
    }
  }

  /** The closing quote of the one-line quoted scalar opening at `p` (no escapes in double quotes). */
  private closingQuote(p: number): number {
    const q = this.quoteEndOnLine(p);
    if (q < 0 || (this.text.charCodeAt(p) === 34 && this.hasBackslash(p + 1, q))) throw DECLINE;
    return q;
  }

  /**
   * A block scalar whose header is at `p`, in a collection indented `col` (lexer.js
   * parseBlockScalar, compose/resolve-block-scalar.js), for content without leading empty lines,
   * lines of spaces, or (when kept with `+`) trailing empty lines. Its range ends after its last
   * line holding text; empty lines after that are left to the collections as comment lines are.
   */
  private blockScalar(p: number, col: number): YScalar {
    const t = this.text;
    const n = t.length;
    const folded = t.charCodeAt(p) === 62;
    let h = p + 1;
    let chomp = 0; // 0 clip, 45 strip (-), 43 keep (+)
    let explicit = 0;
    for (; h < this.le; h++) {
      const ch = t.charCodeAt(h);
      if ((ch === 45 || ch === 43) && chomp === 0) chomp = ch;
      else if (ch >= 49 && ch <= 57 && explicit === 0) explicit = ch - 48;
      else break;
    }
    if (h < this.le) {
      // Only spaces and a comment may follow the header.
      let i = h;
      while (i < this.le && t.charCodeAt(i) === 32) i++;
      if (i === h || i === this.le || t.charCodeAt(i) !== 35) throw DECLINE;
    }
    let ls = this.le + 1;
    if (ls >= n) throw DECLINE;
    let le = this.lineEndAt(ls);
    let ci = this.spaces(ls, le);
    // Leading empty lines, a line of spaces, or nothing indented enough (an empty scalar): declined.
    if (ci === le || ci - ls <= col) throw DECLINE;
    // Block scalars take their parent collection's indentation (parser.js startBlockValue).
    const trim = explicit > 0 ? col + explicit : ci - ls;
    if (ci - ls < trim) throw DECLINE;
    let value = '';
    let sep = '';
    let prevMoreIndented = false;
    let empty = 0;
    let lastLe = le;
    for (;;) {
      const indent = ci - ls;
      if (ci === le) {
        if (ci > ls) throw DECLINE; // a line of spaces
        empty++;
      } else {
        if (indent < trim) break; // less indented than the content: the scalar has ended
        for (; empty > 0; empty--) {
          // resolve-block-scalar.js: an empty line
          if (!folded) {
            value += sep;
            sep = '\n';
          } else if (sep === '\n') value += '\n';
          else sep = '\n';
        }
        const content = t.slice(ci, le);
        if (!folded) {
          value += sep + t.slice(ls + trim, ci) + content;
          sep = '\n';
        } else if (indent > trim) {
          // more-indented content within a folded block
          if (sep === ' ') sep = '\n';
          else if (!prevMoreIndented && sep === '\n') sep = '\n\n';
          value += sep + t.slice(ls + trim, ci) + content;
          sep = '\n';
          prevMoreIndented = true;
        } else {
          value += sep + content;
          sep = ' ';
          prevMoreIndented = false;
        }
        lastLe = le;
      }
      ls = le + 1;
      if (ls >= n) break;
      le = this.lineEndAt(ls);
      ci = this.spaces(ls, le);
    }
    if (chomp === 43) {
      if (empty > 0) throw DECLINE;
      value += '\n';
    } else if (chomp === 0) value += '\n';
    const end = lastLe < n ? lastLe + 1 : n;
    this.le = lastLe;
    this.lastEnd = end;
    return this.b.scalar(p, end, value, value);
  }

  /** What may follow a quoted scalar or flow collection ending before `q` on its line: nothing, or spaces and a comment. */
  private afterQuoted(q: number): void {
    const le = this.le;
    if (q === le) return;
    const t = this.text;
    let i = q;
    while (i < le && t.charCodeAt(i) === 32) i++;
    if (i === q || (i < le && t.charCodeAt(i) !== 35)) throw DECLINE;
  }

  /**
   * A scalar from `p` to the end of the line or a comment: quoted (closed on its line or a later
   * one), or plain, then with its continuation lines when it ends its line (in a collection
   * indented `col`).
   */
  private inline(p: number, col: number): YScalar {
    const t = this.text;
    const le = this.le;
    const c = t.charCodeAt(p);
    let node: YScalar;
    if (c === 34 /* " */ || c === 39 /* ' */) {
      const escaped = c === 34 && this.hasBackslash(p + 1, le);
      const onLine = escaped ? this.escapedClosingQuote(p) : this.quoteEndOnLine(p);
      const q = onLine >= 0 ? onLine : this.quotedOverLines(p, col);
      this.afterQuoted(q + 1);
      const value = escaped ? unescaped(t, p + 1, q) : this.quotedText(p, q);
      node = this.b.scalar(p, q + 1, value, value);
    } else {
      // A plain scalar may not start with an indicator, nor hold `: ` or end with `:`; ` #` starts a comment.
      if (
        (c < 128 && PLAIN_START_REJECT[c] === 1) ||
        (c === 45 /* - */ && (p + 1 === le || t.charCodeAt(p + 1) === 32))
      )
        throw DECLINE;
      // (Searches stay within the line: indexOf past it would make the whole read quadratic.)
      let end = le;
      let commented = false;
      for (let i = p + 1; i < le; i++) {
        if (t.charCodeAt(i) === 35 /* # */ && t.charCodeAt(i - 1) === 32) {
          end = i - 1;
          while (t.charCodeAt(end - 1) === 32) end--;
          commented = true;
          break;
        }
      }
      while (t.charCodeAt(end - 1) === 32) end--; // trailing spaces are not the scalar's
      for (let i = p + 1; i < end; i++) {
        if (t.charCodeAt(i) === 58 /* : */ && (i + 1 === end || t.charCodeAt(i + 1) === 32)) throw DECLINE;
      }
      const continuedTo = commented ? -1 : this.continuationEnd(col);
      if (continuedTo < 0) {
        const source = t.slice(p, end);
        node = this.b.scalar(p, end, coreValue(source), source);
      } else {
        // Folded over lines, a plain scalar is a string (the core schema's other types are one word).
        const value = foldLines(t.slice(p, continuedTo));
        node = this.b.scalar(p, continuedTo, value, value);
      }
    }
    this.lastEnd = this.lineEnd();
    return node;
  }

  /**
   * Where a plain scalar that ends its line ends with the lines that continue it: those after it
   * indented past its collection's `col`, up to a line indented less, a comment line or the text's
   * end (lexer.js plain scalars), with the empty lines among them; -1 when no line continues it.
   * Continuation lines starting with an indicator or holding `: ` or ` #` decline (the composer path
   * judges those). The current line then ends with the last continuation.
   */
  private continuationEnd(col: number): number {
    const t = this.text;
    const n = t.length;
    let lastLe = -1;
    let lastEnd = -1;
    for (let q = this.le + 1; q < n;) {
      const qe = this.lineEndAt(q);
      const qi = this.spaces(q, qe);
      if (qi === qe) {
        q = qe + 1;
        continue;
      }
      const c = t.charCodeAt(qi);
      if (qi - q <= col || c === 35 /* # */) break;
      if (c < 128 && KEY_START_REJECT[c] === 1) throw DECLINE;
      let ce = qe;
      while (t.charCodeAt(ce - 1) === 32) ce--;
      for (let i = qi + 1; i < ce; i++) {
        const d = t.charCodeAt(i);
        if (d === 58 /* : */ && (i + 1 === ce || t.charCodeAt(i + 1) === 32)) throw DECLINE;
        if (d === 35 /* # */ && t.charCodeAt(i - 1) === 32) throw DECLINE;
      }
      lastLe = qe;
      lastEnd = ce;
      q = qe + 1;
    }
    if (lastLe >= 0) this.le = lastLe;
    return lastEnd;
  }
}
