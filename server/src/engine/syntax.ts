// YAML text -> a light, located value tree per document. Parsing never throws: problems come back
// as data beside whatever could be read. The `yaml` package's AST is dropped after conversion, so
// only the compact tree (values and spans) stays alive for a file.
import {
  parseAllDocuments,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Document,
  type Node as YamlAstNode,
  type Scalar,
} from 'yaml';
import { parseDirect, parseDirectSteps, parseFast } from './fastParse';
import {
  duplicateKeyProblem,
  intern,
  makePair,
  makeScalar,
  MapNode,
  pairKeyText,
  SeqNode,
  TREE_BUILDERS as BUILDERS,
  type ParsedFile,
  type SourceDocument,
  type SyntaxProblem,
  type YNode,
  type YPair,
  type YScalar,
} from './yamlTree';

export { flatString, mapNode, pairOf, PairNode, scalarNode, seqNode } from './yamlTree';
export type { ParsedFile, SourceDocument, SyntaxProblem, YMap, YNode, YPair, YScalar, YSeq } from './yamlTree';

/** Whether a merge key's value is an alias, or a sequence of aliases. */
function isMergeOfAliases(value: unknown): boolean {
  return isAlias(value) || (isSeq(value) && value.items.length > 0 && value.items.every((i) => isAlias(i)));
}

/**
 * The pairs of merged maps added where the map has no such key: keys written in the map win, and
 * of several merged maps the first that has a key gives it (the YAML merge key specification, as
 * go-yaml applies it). A merged value that is not a map is ignored.
 */
function mergeInto(pairs: YPair[], merges: readonly (YNode | null)[]): void {
  const keys = new Set(pairs.map(pairKeyText));
  const sources = merges.flatMap((m) => (m?.type === 'seq' ? m.items : [m]));
  for (const source of sources) {
    if (source?.type !== 'map') continue;
    for (const p of source.pairs) {
      const key = pairKeyText(p);
      if (keys.has(key)) continue;
      keys.add(key);
      pairs.push(p);
    }
  }
}

/** The `yaml` package's own default; an alias bomb is cut off here instead of expanding. */
const MAX_ALIAS_COUNT = 100;
/** Deeper nesting than this is not a manifest; stop before the stack does. */
const MAX_DEPTH = 512;
/** Nodes a document may stand for once aliases are expanded (a billion-laughs document stands for 10^9). */
const MAX_EXPANDED_NODES = 1_000_000;

class DocumentTooComplex extends Error {}

export function parseYaml(text: string): ParsedFile {
  return parseDirect(text, BUILDERS) ?? parseFast(text, BUILDERS) ?? parseYamlComposed(text);
}

/** The tree read line by line for the plainest texts (fastParse.ts), or undefined. Exported for the differential test. */
export function parseYamlDirect(text: string): ParsedFile | undefined {
  return parseDirect(text, BUILDERS);
}

/**
 * The tree built straight from the `yaml` CST (fastParse.ts), or undefined when the text holds
 * anything that path does not reproduce exactly. Exported for the differential test.
 */
export function parseYamlFast(text: string): ParsedFile | undefined {
  return parseFast(text, BUILDERS);
}

/** The `yaml` composer's Document, converted: the reference path, and the one for every text the fast path declines. */
export function parseYamlComposed(text: string): ParsedFile {
  return composed(text).parsed;
}

/**
 * parseYaml, saying whether the text needed the re-read of quoted scalars below. That re-read is
 * decided for a whole text (kept only when the re-read text has no syntax error at all), so a
 * file whose documents are parsed one by one (documents.ts) falls back to the whole file then.
 */
export function parseYamlReporting(text: string): { readonly parsed: ParsedFile; readonly reread: boolean } {
  const direct = parseDirect(text, BUILDERS);
  return direct ? { parsed: direct, reread: false } : notDirect(text);
}

/**
 * parseYamlReporting in steps (for texts of megabytes): the line-by-line reading yields as it
 * goes; a text it declines is read by the other paths in one step, as parseYamlReporting does.
 */
export function* parseYamlReportingSteps(
  text: string,
): Generator<void, { readonly parsed: ParsedFile; readonly reread: boolean }> {
  const direct = yield* parseDirectSteps(text, BUILDERS);
  return direct ? { parsed: direct, reread: false } : notDirect(text);
}

function notDirect(text: string): { readonly parsed: ParsedFile; readonly reread: boolean } {
  const fast = parseFast(text, BUILDERS);
  return fast ? { parsed: fast, reread: false } : composed(text);
}

function composed(text: string): { readonly parsed: ParsedFile; readonly reread: boolean } {
  const first = parseWith(text, identity);
  if (!first.problems.some((p) => p.message.startsWith('Missing closing'))) return { parsed: first, reread: false };
  return { parsed: parseYamlReread(text, first), reread: true };
}

function parseYamlReread(text: string, first: ParsedFile): ParsedFile {
  // Go's YAML reader (used by kubectl) accepts quoted scalars whose continuation lines are not
  // indented past their key, which the YAML spec and the `yaml` package reject. Real manifests
  // rely on it (Multus network annotations), so re-read with those lines indented, mapping every
  // offset back to the original text.
  const repaired = indentQuotedContinuations(text);
  if (!repaired) return first;
  const second = parseWith(repaired.text, repaired.toOriginal, text.length);
  return second.problems.some((p) => p.rule === 'yaml-syntax') ? first : second;
}

const identity = (offset: number) => offset;

/** An error of the document, or a repeated key found by duplicateKeyOffsets. */
type ParseError = { readonly code: string; readonly pos?: readonly [number, number]; readonly message: string };

/**
 * The document's errors with its repeated keys among them, in text order: what the `yaml`
 * package reports with `uniqueKeys: true` (a DUPLICATE_KEY error at the later key, a test tool
 * compares the two over the corpus), found in linear time.
 */
export function withDuplicateKeyErrors(doc: Document.Parsed): readonly ParseError[] {
  const offsets = duplicateKeyOffsets(doc);
  if (offsets.length === 0) return doc.errors;
  const out: ParseError[] = [];
  let d = 0;
  for (const err of doc.errors) {
    const at = err.pos?.[0] ?? -1;
    for (; d < offsets.length && offsets[d] < at; d++) out.push(duplicateKeyError(offsets[d]));
    out.push(err);
  }
  for (; d < offsets.length; d++) out.push(duplicateKeyError(offsets[d]));
  return out;
}

const duplicateKeyError = (at: number): ParseError => ({
  code: 'DUPLICATE_KEY',
  pos: [at, at + 1],
  message: 'Map keys must be unique',
});

/**
 * Where a map repeats a key, in text order. The rule is the `yaml` package's with `uniqueKeys:
 * true` (compose/util-map-includes.js): two keys are the same when they are the same node or two
 * scalars with equal values (===, so NaN never repeats). The walk is iterative: nesting is deep
 * in hostile files.
 */
function duplicateKeyOffsets(doc: Document.Parsed): number[] {
  const offsets: number[] = [];
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      let seen: Set<unknown> | undefined;
      const items = node.items as unknown[];
      for (const item of items) {
        if (!isPair(item)) continue;
        const key = item.key;
        if (isScalar(key)) {
          const value = key.value;
          if (typeof value !== 'number' || !Number.isNaN(value)) {
            seen ??= new Set();
            if (seen.has(value) && key.range) offsets.push(key.range[0]);
            else seen.add(value);
          }
        } else if (key !== null && typeof key === 'object') stack.push(key);
        stack.push(item.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items as unknown[]) stack.push(isPair(item) ? item.value : item);
    }
  }
  return offsets.sort((a, b) => a - b);
}

function parseWith(text: string, toOriginal: (offset: number) => number, originalLength = text.length): ParsedFile {
  const documents: SourceDocument[] = [];
  const problems: SyntaxProblem[] = [];
  let docs: Document.Parsed[];
  // Each problem the parser finds is an Error object; capturing a stack trace for each made a file
  // of 130,000 duplicate keys take seconds (and the garbage as long again). Nobody reads them.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    // Repeated keys are found by duplicateKeyErrors below: the package's own check compares each
    // key with every earlier one of its map (a map of 200,000 keys took minutes).
    docs = parseAllDocuments(text, {
      uniqueKeys: false,
      prettyErrors: false,
      keepSourceTokens: false,
      strict: false,
    }) as Document.Parsed[];
    if (!Array.isArray(docs)) docs = [];
  } catch (err) {
    // The parser is not supposed to throw, but a stack overflow on pathological input can.
    problems.push({
      span: { start: 0, end: 0 },
      message: `YAML could not be parsed: ${(err as Error).message}`,
      rule: 'analysis-incomplete',
    });
    return { documents, problems };
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  // Aliases are written `*name`: without a `*`, the alias bookkeeping can be skipped.
  const mayHaveAliases = text.includes('*');
  docs.forEach((doc, index) => {
    const range = doc.range ?? [0, 0, 0];
    const docSpan = {
      start: Math.min(toOriginal(range[0]), originalLength),
      end: Math.min(toOriginal(range[2] ?? range[1]), originalLength),
    };
    let fatal = false;
    // After a syntax error the parser's structure is its recovery guess, so its further complaints
    // (duplicate keys included) are mostly consequences: one clear error per document is what
    // helps. Duplicate keys written before the error are real and kept.
    const errors = withDuplicateKeyErrors(doc);
    const firstFatal = errors.find((e) => e.code !== 'DUPLICATE_KEY');
    const fatalAt = firstFatal?.pos?.[0] ?? (firstFatal ? -1 : Infinity);
    for (const err of errors) {
      if (fatal && err.code !== 'DUPLICATE_KEY') continue;
      if (err.code === 'DUPLICATE_KEY') {
        if (err.pos && err.pos[0] < fatalAt)
          problems.push(duplicateKeyProblem(text, err.pos[0], toOriginal, originalLength));
        continue;
      }
      const start = err.pos ? Math.min(Math.max(0, toOriginal(err.pos[0])), originalLength) : docSpan.start;
      const end = err.pos ? Math.min(Math.max(0, toOriginal(err.pos[1])), originalLength) : docSpan.start;
      fatal = true;
      problems.push({
        span: { start, end: Math.max(start, end) },
        message: firstLine(err.message),
        rule: 'yaml-syntax',
      });
    }
    let contents: YNode | null = null;
    if (doc.contents) {
      try {
        // A document with a syntax error is kept as the parser recovered it (the workspace marks
        // its resources as damaged): a value being typed must not make the object vanish.
        contents = new Converter(doc, text, toOriginal, mayHaveAliases).convert(doc.contents as YamlAstNode, 0);
      } catch (err) {
        if (fatal) contents = null;
        else {
          if (!(err instanceof DocumentTooComplex) && !(err instanceof RangeError)) throw err;
          const message = err instanceof DocumentTooComplex ? err.message : 'Document is nested too deeply to analyse.';
          problems.push({ span: { start: docSpan.start, end: docSpan.start }, message, rule: 'analysis-incomplete' });
        }
      }
    }
    documents.push(fatal ? { index, span: docSpan, contents, damaged: true } : { index, span: docSpan, contents });
  });
  // Exact-size copies: an array built with push keeps room for 17 items.
  return {
    documents: documents.length <= 16 ? documents.slice() : documents,
    problems: problems.length === 0 ? NO_PROBLEMS : problems.slice(),
  };
}

const NO_PROBLEMS: readonly SyntaxProblem[] = Object.freeze([]);

function firstLine(message: string): string {
  const line = message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  // The parser quotes whole unexpected tokens, which can be pages long.
  return line.replace(/: "(.{0,40})[^]*"$/, (_m, head: string) => `: "${head.replace(/\n.*/, '')}..."`);
}

/**
 * Indents the continuation lines of multi-line quoted scalars that are not indented past the line
 * that opened them. Returns the new text and a map from its offsets to the original ones.
 */
export function indentQuotedContinuations(
  text: string,
): { text: string; toOriginal: (offset: number) => number } | undefined {
  const lines = text.split('\n');
  const out: string[] = [];
  const insertions: { at: number; count: number }[] = []; // positions in the new text
  let newOffset = 0;
  let open: { quote: string; indent: number } | undefined;
  for (const line of lines) {
    let current = line;
    if (open && current.trim() !== '') {
      const indent = current.length - current.trimStart().length;
      if (indent <= open.indent) {
        const count = open.indent + 1 - indent;
        insertions.push({ at: newOffset, count });
        current = ' '.repeat(count) + current;
      }
    }
    open = scanQuotes(current, open);
    out.push(current);
    newOffset += current.length + 1;
  }
  if (insertions.length === 0) return undefined;
  const toOriginal = (offset: number) => {
    let shift = 0;
    for (const ins of insertions) {
      if (ins.at >= offset) break;
      shift += Math.min(ins.count, offset - ins.at);
    }
    return offset - shift;
  };
  return { text: out.join('\n'), toOriginal };
}

/** Tracks whether a quoted scalar is still open at the end of a line (comments ignored outside quotes). */
function scanQuotes(
  line: string,
  open: { quote: string; indent: number } | undefined,
): { quote: string; indent: number } | undefined {
  const indent = line.length - line.trimStart().length;
  let state = open;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (state) {
      if (state.quote === "'" && c === "'") {
        if (line[i + 1] === "'") i++;
        else state = undefined;
      } else if (state.quote === '"' && c === '\\') i++;
      else if (state.quote === '"' && c === '"') state = undefined;
    } else if (c === '#' && (i === 0 || line[i - 1] === ' ')) break;
    else if ((c === "'" || c === '"') && (i === 0 || /[\s:[{,-]/.test(line[i - 1]))) state = { quote: c, indent };
  }
  return state;
}

class Converter {
  private aliasCount = 0;
  private expandedNodes = 0;
  private resolved: Map<YamlAstNode, YNode | null> | undefined;
  /**
   * Size of each converted collection with aliases expanded, so that expansion can be bounded; kept
   * only for texts that may hold aliases (a `*` somewhere).
   */
  private readonly sizes: Map<YNode, number> | undefined;

  constructor(
    private readonly doc: Document.Parsed,
    private readonly text: string,
    private readonly toOriginal: (offset: number) => number,
    mayHaveAliases: boolean,
  ) {
    this.sizes = mayHaveAliases ? new Map() : undefined;
  }

  convert(node: YamlAstNode | null | undefined, depth: number): YNode | null {
    if (node == null) return null;
    if (depth > MAX_DEPTH)
      throw new DocumentTooComplex(`Document is nested more than ${MAX_DEPTH} levels deep; not analysed.`);
    if (isScalar(node)) {
      const range = node.range ?? [0, 0, 0];
      this.expandedNodes++;
      this.readScalar(node, range);
      return makeScalar(this.toOriginal(range[0]), this.toOriginal(range[1]), this.scalarValue, this.scalarText);
    }
    if (isMap(node)) {
      const range = node.range ?? [0, 0, 0];
      const items = node.items;
      const pairs: YPair[] = new Array(items.length);
      let merges: (YNode | null)[] | undefined;
      let n = 0;
      for (let i = 0; i < items.length; i++) {
        const item = items[i];
        if (!isPair(item)) continue;
        const keyNode = item.key as YamlAstNode | null;
        if (!keyNode || !isScalar(keyNode)) continue; // complex keys never occur in Kubernetes objects
        if (depth + 1 > MAX_DEPTH)
          throw new DocumentTooComplex(`Document is nested more than ${MAX_DEPTH} levels deep; not analysed.`);
        const keyRange = keyNode.range ?? [0, 0, 0];
        this.expandedNodes++;
        this.readScalar(keyNode, keyRange);
        const keyValue = this.scalarValue;
        const keyText = this.scalarText;
        // A merge key (YAML 1.1 `<<: *base`, or a list of aliases): kubectl's YAML reader
        // (sigs.k8s.io/yaml over go-yaml) copies in the pairs of the maps named, so Kubernetes sees
        // them as written here. Only aliases are merged: the fast paths decline every text with one.
        if (keyValue === '<<' && keyNode.type === 'PLAIN' && isMergeOfAliases(item.value)) {
          (merges ??= []).push(this.convert(item.value as YamlAstNode, depth + 1));
          continue;
        }
        pairs[n++] = makePair(
          this.toOriginal(keyRange[0]),
          this.toOriginal(keyRange[1]),
          keyValue,
          keyText,
          this.convert(item.value as YamlAstNode | null, depth + 1),
        );
      }
      if (n < pairs.length) pairs.length = n;
      if (merges) mergeInto(pairs, merges);
      const map = new MapNode(this.toOriginal(range[0]), this.toOriginal(range[1]), pairs);
      if (this.sizes) {
        let size = 1;
        for (const p of pairs) size += 1 + this.sizeOf(p.value);
        this.sizes.set(map, size);
      }
      return map;
    }
    if (isSeq(node)) {
      const range = node.range ?? [0, 0, 0];
      const source = node.items;
      const items: (YNode | null)[] = new Array(source.length);
      for (let i = 0; i < source.length; i++) items[i] = this.convert(source[i] as YamlAstNode, depth + 1);
      const seq = new SeqNode(this.toOriginal(range[0]), this.toOriginal(range[1]), items);
      if (this.sizes) {
        let size = 1;
        for (const item of items) size += this.sizeOf(item);
        this.sizes.set(seq, size);
      }
      return seq;
    }
    if (isAlias(node)) {
      if (++this.aliasCount > MAX_ALIAS_COUNT) {
        throw new DocumentTooComplex(
          `Document uses more than ${MAX_ALIAS_COUNT} aliases (possible alias bomb); not analysed.`,
        );
      }
      const target = node.resolve(this.doc);
      if (!target) return null;
      // Aliases share the converted target, so the tree stays small; but anything that walks it
      // walks the expansion, so the expanded size is what is bounded.
      const resolved = (this.resolved ??= new Map());
      let converted: YNode | null;
      if (resolved.has(target)) converted = resolved.get(target) ?? null;
      else {
        converted = this.convert(target, depth + 1);
        resolved.set(target, converted);
      }
      this.expandedNodes += this.sizeOf(converted);
      if (this.expandedNodes > MAX_EXPANDED_NODES) {
        throw new DocumentTooComplex(
          'Document expands to too many nodes through aliases (possible alias bomb); not analysed.',
        );
      }
      return converted;
    }
    return null;
  }

  /** Results of readScalar (fields rather than a returned tuple: no allocation per scalar). */
  private scalarValue: string | number | boolean | null = null;
  private scalarText = '';

  /** A scalar's value and text as written, interned. */
  private readScalar(node: Scalar, range: readonly number[]): void {
    const value = node.value;
    if (typeof value === 'string') {
      this.scalarValue = this.scalarText = intern(value);
      return;
    }
    let text: string;
    if (node.type === 'PLAIN' && !node.tag && typeof node.source === 'string') text = node.source;
    else text = this.text.slice(range[0], range[1]).trim();
    const normalized =
      value === undefined ? null : typeof value === 'bigint' ? Number(value) : value instanceof Date ? text : value;
    this.scalarValue = typeof normalized === 'string' ? intern(normalized) : (normalized as YScalar['value']);
    this.scalarText = intern(text);
  }

  private sizeOf(node: YNode | null): number {
    return node ? (this.sizes?.get(node) ?? 1) : 0;
  }
}
