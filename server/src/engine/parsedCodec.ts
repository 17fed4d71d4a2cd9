// ParsedFile <-> plain JSON data, for the persistent parse cache (a file whose text is unchanged
// is read back from the cache instead of parsed again). The encoding is compact nested arrays:
//
//   scalar  [0, start, end, value]           value is a JSON string, number, boolean or null
//           [0, start, end, value, text]     when the text as written differs from the value
//           [1, start, end, "NaN"|"Infinity"|"-Infinity", text]   non-finite numbers (not JSON)
//   map     [2, start, end, key1, value1, key2, value2, ...]      keys are scalars, values may be null
//   seq     [3, start, end, item1, item2, ...]                    items may be null
//   shared  [4, id, node]  first occurrence of a node reached more than once (YAML aliases share
//           [5, id]        the converted target); later occurrences refer to it, so an alias-heavy
//                          document stays as small in the cache as in memory.
//
// Decoding validates shapes and returns undefined for anything malformed: a damaged cache entry
// is parsed again, never trusted.
import {
  mapNode,
  pairOf,
  scalarNode,
  seqNode,
  type ParsedFile,
  type SourceDocument,
  type SyntaxProblem,
  type YNode,
  type YPair,
  type YScalar,
} from './syntax';
import { pushAll } from './arrays';

export type EncodedNode = readonly unknown[];

export interface EncodedParsedFile {
  readonly documents: readonly (readonly [
    index: number,
    start: number,
    end: number,
    contents: EncodedNode | null,
    damaged?: 1,
  ])[];
  readonly problems: readonly (readonly [start: number, end: number, message: string, rule: SyntaxProblem['rule']])[];
}

export function encodeParsedFile(parsed: ParsedFile): EncodedParsedFile {
  const shared = findSharedNodes(parsed);
  const ids = new Map<YNode, number>();
  const encode = (node: YNode | null): EncodedNode | null => {
    if (node === null) return null;
    if (shared.has(node)) {
      const id = ids.get(node);
      if (id !== undefined) return [5, id];
      ids.set(node, ids.size);
      return [4, ids.size - 1, encodeOwn(node)];
    }
    return encodeOwn(node);
  };
  const encodeOwn = (node: YNode): EncodedNode => {
    const { start, end } = node.span;
    switch (node.type) {
      case 'scalar': {
        const v = node.value;
        if (typeof v === 'number' && !Number.isFinite(v)) return [1, start, end, String(v), node.text];
        return node.text === v ? [0, start, end, v] : [0, start, end, v, node.text];
      }
      case 'map': {
        const out: unknown[] = [2, start, end];
        for (const p of node.pairs) out.push(encode(p.key), encode(p.value));
        return out;
      }
      case 'seq': {
        const out: unknown[] = [3, start, end];
        for (const item of node.items) out.push(encode(item));
        return out;
      }
    }
  };
  return {
    documents: parsed.documents.map((d) =>
      d.damaged
        ? ([d.index, d.span.start, d.span.end, encode(d.contents), 1] as const)
        : ([d.index, d.span.start, d.span.end, encode(d.contents)] as const),
    ),
    problems: parsed.problems.map((p) => [p.span.start, p.span.end, p.message, p.rule] as const),
  };
}

/** Nodes reachable along more than one path (alias targets). */
function findSharedNodes(parsed: ParsedFile): Set<YNode> {
  const seen = new Set<YNode>();
  const shared = new Set<YNode>();
  const stack: (YNode | null)[] = parsed.documents.map((d) => d.contents);
  while (stack.length) {
    const node = stack.pop();
    if (!node) continue;
    if (seen.has(node)) {
      shared.add(node);
      continue;
    }
    seen.add(node);
    if (node.type === 'map') for (const p of node.pairs) stack.push(p.key, p.value);
    else if (node.type === 'seq') pushAll(stack, node.items);
  }
  return shared;
}

class Malformed extends Error {}

export function decodeParsedFile(data: unknown): ParsedFile | undefined {
  try {
    if (!isRecord(data) || !Array.isArray(data.documents) || !Array.isArray(data.problems)) return undefined;
    const refs = new Map<number, YNode>();
    const documents: SourceDocument[] = data.documents.map((d: unknown) => {
      if (!Array.isArray(d) || (d.length !== 4 && !(d.length === 5 && d[4] === 1))) throw new Malformed();
      const document = {
        index: int(d[0]),
        span: { start: int(d[1]), end: int(d[2]) },
        contents: d[3] === null ? null : decodeNode(d[3], refs),
      };
      return d.length === 5 ? { ...document, damaged: true as const } : document;
    });
    const problems: SyntaxProblem[] = data.problems.map((p: unknown) => {
      if (
        !Array.isArray(p) ||
        p.length !== 4 ||
        typeof p[2] !== 'string' ||
        (p[3] !== 'yaml-syntax' && p[3] !== 'yaml-duplicate-key' && p[3] !== 'analysis-incomplete')
      )
        throw new Malformed();
      return { span: { start: int(p[0]), end: int(p[1]) }, message: p[2], rule: p[3] };
    });
    return { documents, problems };
  } catch (err) {
    if (err instanceof Malformed || err instanceof RangeError) return undefined;
    throw err;
  }
}

function decodeNode(data: unknown, refs: Map<number, YNode>): YNode {
  if (!Array.isArray(data) || data.length < 2) throw new Malformed();
  switch (data[0]) {
    case 4: {
      const node = decodeNode(data[2], refs);
      refs.set(int(data[1]), node);
      return node;
    }
    case 5: {
      const node = refs.get(int(data[1]));
      if (!node) throw new Malformed();
      return node;
    }
    case 0:
    case 1:
      return decodeScalar(data);
    case 2: {
      if (data.length % 2 === 0) throw new Malformed();
      const pairs: YPair[] = [];
      for (let i = 3; i < data.length; i += 2) {
        const key = decodeNode(data[i], refs);
        if (key.type !== 'scalar') throw new Malformed();
        pairs.push(pairOf(key, data[i + 1] === null ? null : decodeNode(data[i + 1], refs)));
      }
      return mapNode(int(data[1]), int(data[2]), pairs);
    }
    case 3: {
      const items: (YNode | null)[] = [];
      for (let i = 3; i < data.length; i++) items.push(data[i] === null ? null : decodeNode(data[i], refs));
      return seqNode(int(data[1]), int(data[2]), items);
    }
    default:
      throw new Malformed();
  }
}

function decodeScalar(data: readonly unknown[]): YScalar {
  const start = int(data[1]);
  const end = int(data[2]);
  if (data[0] === 1) {
    if (typeof data[4] !== 'string' || (data[3] !== 'NaN' && data[3] !== 'Infinity' && data[3] !== '-Infinity'))
      throw new Malformed();
    return scalarNode(start, end, Number(data[3]), data[4]);
  }
  const value = data[3];
  if (value !== null && typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
    throw new Malformed();
  if (data.length === 4) {
    if (typeof value !== 'string') throw new Malformed();
    return scalarNode(start, end, value, value);
  }
  if (data.length !== 5 || typeof data[4] !== 'string') throw new Malformed();
  return scalarNode(start, end, value, data[4]);
}

function int(v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new Malformed();
  return v;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
