// Glob patterns for `exclude`, matched in time linear in the path for each pattern segment (no
// regular expressions: a repository's pattern such as `**/*a*a*a*a*a*a*a*a*ax` made a backtracking
// matcher take 20 s per path). Supported, as in picomatch with `dot: true`: `*` and `?` within a
// path segment (dot files included), `**` as a whole segment for any number of segments, character
// classes `[a-z]` `[!x]` `[^x]`, braces `{a,b}` (at most MAX_ALTERNATIVES after expansion), `\`
// escapes. Anything else is literal.

/** Patterns longer than this are refused (a problem in the settings), not compiled. */
export const MAX_GLOB_LENGTH = 1024;
/** Brace expansion stops here: `{a,b}{c,d}...` multiplies. */
const MAX_ALTERNATIVES = 64;

type Token =
  | { readonly kind: 'char'; readonly c: string }
  | { readonly kind: 'any' }
  | { readonly kind: 'star' }
  | { readonly kind: 'class'; readonly test: (c: string) => boolean };
/** A pattern segment: `**` (any number of path segments) or tokens for one segment. */
type Segment = 'globstar' | readonly Token[];

export type PathMatcher = (relPath: string) => boolean;

/** Compiles a glob; throws a readable Error for a pattern over the limits. */
export function compileGlob(glob: string): PathMatcher {
  if (glob.length > MAX_GLOB_LENGTH) throw new Error(`pattern longer than ${MAX_GLOB_LENGTH} characters`);
  const alternatives = expandBraces(glob);
  const compiled = alternatives.map((g) => g.split('/').map(compileSegment));
  return (relPath) => {
    const parts = relPath.split('/');
    return compiled.some((segments) => matchSegments(segments, parts));
  };
}

function expandBraces(glob: string): string[] {
  let out = [glob];
  for (let round = 0; round < MAX_GLOB_LENGTH; round++) {
    let changed = false;
    const next: string[] = [];
    for (const g of out) {
      const brace = innermostBrace(g);
      if (!brace) {
        next.push(g);
        continue;
      }
      changed = true;
      for (const option of brace.options) next.push(g.slice(0, brace.start) + option + g.slice(brace.end));
      if (next.length > MAX_ALTERNATIVES) throw new Error(`braces expand to more than ${MAX_ALTERNATIVES} patterns`);
    }
    out = next;
    if (!changed) return out;
  }
  return out;
}

/** The first `{...}` holding no other brace and at least one comma, unescaped. */
function innermostBrace(g: string): { start: number; end: number; options: string[] } | undefined {
  let open = -1;
  for (let i = 0; i < g.length; i++) {
    const c = g[i];
    if (c === '\\') i++;
    else if (c === '{') open = i;
    else if (c === '}' && open >= 0) {
      const body = g.slice(open + 1, i);
      if (body.includes(',')) return { start: open, end: i + 1, options: body.split(',') };
      open = -1;
    }
  }
  return undefined;
}

function compileSegment(segment: string): Segment {
  if (segment === '**') return 'globstar';
  const tokens: Token[] = [];
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === '\\' && i + 1 < segment.length) tokens.push({ kind: 'char', c: segment[++i] });
    else if (c === '*') {
      if (tokens[tokens.length - 1]?.kind !== 'star') tokens.push({ kind: 'star' }); // `**` inside a segment is `*`
    } else if (c === '?') tokens.push({ kind: 'any' });
    else if (c === '[') {
      const close = segment.indexOf(']', i + 2);
      if (close < 0) tokens.push({ kind: 'char', c });
      else {
        tokens.push({ kind: 'class', test: characterClass(segment.slice(i + 1, close)) });
        i = close;
      }
    } else tokens.push({ kind: 'char', c });
  }
  return tokens;
}

function characterClass(body: string): (c: string) => boolean {
  const negated = body[0] === '!' || body[0] === '^';
  const spec = negated ? body.slice(1) : body;
  const ranges: [string, string][] = [];
  for (let i = 0; i < spec.length; i++) {
    if (spec[i + 1] === '-' && i + 2 < spec.length) {
      ranges.push([spec[i], spec[i + 2]]);
      i += 2;
    } else ranges.push([spec[i], spec[i]]);
  }
  return (c) => ranges.some(([lo, hi]) => c >= lo && c <= hi) !== negated;
}

/** One segment against one path segment: greedy with a single backtrack point, O(pattern x name). */
function matchTokens(tokens: readonly Token[], s: string): boolean {
  let t = 0;
  let i = 0;
  let starT = -1;
  let starI = 0;
  while (i < s.length) {
    const token = tokens[t];
    if (
      token &&
      token.kind !== 'star' &&
      (token.kind === 'any' || (token.kind === 'char' ? token.c === s[i] : token.test(s[i])))
    ) {
      t++;
      i++;
    } else if (token?.kind === 'star') {
      starT = t++;
      starI = i;
    } else if (starT >= 0) {
      t = starT + 1;
      i = ++starI;
    } else return false;
  }
  while (tokens[t]?.kind === 'star') t++;
  return t === tokens.length;
}

/** Pattern segments against path segments, `**` spanning any number of them: O(segments^2) checks. */
function matchSegments(segments: readonly Segment[], parts: readonly string[]): boolean {
  // reachable[j]: the pattern's first k segments can match the path's first j segments.
  let reachable = new Array<boolean>(parts.length + 1).fill(false);
  reachable[0] = true;
  for (const segment of segments) {
    const next = new Array<boolean>(parts.length + 1).fill(false);
    if (segment === 'globstar') {
      let any = false;
      for (let j = 0; j <= parts.length; j++) {
        any ||= reachable[j];
        next[j] = any;
      }
    } else {
      for (let j = 0; j < parts.length; j++) if (reachable[j] && matchTokens(segment, parts[j])) next[j + 1] = true;
    }
    reachable = next;
  }
  return reachable[parts.length];
}
