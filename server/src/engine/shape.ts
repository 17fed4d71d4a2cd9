// A linear pre-check of a file's size in YAML nodes and its nesting depth, before it is parsed:
// the parser and the tree conversion cost time and stack in proportion to these (a 1.9 MB file of
// a million nested `[` blocked the language server for 48 s at 1.4 GB). Estimates, erring on
// the side of counting: lines and flow items for nodes, open flow brackets plus indentation levels
// for depth. Quotes are tracked as YAML opens them (at the start of a token), so brackets inside
// quoted strings do not count.

export interface ShapeLimits {
  readonly maxNodesPerFile: number;
  readonly maxNestingDepth: number;
}

/** A text's size and depth as the pre-check counts them. */
export interface Shape {
  readonly nodes: number;
  /** The deepest nesting met (indentation levels, plus open flow collections). */
  readonly depth: number;
  /** Whether no quoted string or flow collection is open at the end (as the pre-check tracks them). */
  readonly closed: boolean;
}

/** Why the file is over a limit, or undefined when it is within both. */
export function overShapeLimits(text: string, limits: ShapeLimits): string | undefined {
  if (surelyWithin(text, limits)) return undefined;
  const scan = new ShapeScan(text, limits);
  scan.run(text.length);
  return scan.over;
}

/** Characters scanned between two yields of overShapeLimitsSteps (well under a millisecond). */
const CHARS_PER_STEP = 32 * 1024;

/**
 * overShapeLimits in steps: a yield every CHARS_PER_STEP characters (for texts of megabytes).
 * `from`: start at a document marker with nothing open before it (documents.ts), the text before
 * it counted already: a marker line at column 0 ends every indentation level, so the scan goes on
 * from there as it would have.
 */
export function* overShapeLimitsSteps(
  text: string,
  limits: ShapeLimits,
  from?: { readonly at: number; readonly nodes: number; readonly depth: number },
): Generator<void, string | undefined> {
  if (!from && surelyWithin(text, limits)) return undefined;
  const scan = new ShapeScan(text, limits, from);
  for (let to = (from?.at ?? 0) + CHARS_PER_STEP; !scan.run(Math.min(to, text.length)); to += CHARS_PER_STEP) yield;
  return scan.over;
}

/** Lines of at least n leading spaces, by n (n below MAX_PATTERN_INDENT). */
const INDENTED_AT_LEAST = new Map<number, RegExp>();
/** Deeper limits (not the settings': they are capped at 256, config.ts) are left to the scan. */
const MAX_PATTERN_INDENT = 1024;

/**
 * Whether the scan below cannot find the text over either limit, told from bounds that native
 * searches find faster than the scan reads (most texts, which the scan would read whole for
 * nothing). Nodes: the scan counts at most two per character (a line's first character, and a
 * bracket or comma), so a text shorter than half the limit is within it. Depth: the scan's
 * indentation levels are a stack of strictly increasing indents from 0, so they number at most the
 * largest indent plus one, and its open flow collections at most the text's `[` and `{`: with
 * `brackets` of those, no line indented by `limit - brackets` spaces or more keeps the depth
 * within the limit.
 */
function surelyWithin(text: string, limits: ShapeLimits): boolean {
  if (text.length * 2 >= limits.maxNodesPerFile || limits.maxNestingDepth > MAX_PATTERN_INDENT) return false;
  let brackets = 0;
  for (const bracket of ['[', '{']) {
    for (let i = text.indexOf(bracket); i >= 0; i = text.indexOf(bracket, i + 1)) {
      if (++brackets >= limits.maxNestingDepth) return false;
    }
  }
  const indent = limits.maxNestingDepth - brackets;
  let deep = INDENTED_AT_LEAST.get(indent);
  if (!deep) INDENTED_AT_LEAST.set(indent, (deep = new RegExp(`(?:^|[\\n\\r]) {${indent}}`)));
  return !deep.test(text);
}

const NO_LIMITS: ShapeLimits = { maxNodesPerFile: Infinity, maxNestingDepth: Infinity };

/**
 * A part of a file's shape, counted from a line start with nothing open (documents.ts: a part
 * from one document marker to the next). Parts that all end closed add up to the file's: their
 * nodes sum, their depths take the maximum, since a marker line at column 0 ends every
 * indentation level.
 */
export function shapeOf(text: string): Shape {
  const scan = new ShapeScan(text, NO_LIMITS);
  scan.run(text.length);
  return {
    nodes: scan.nodes,
    depth: scan.depth,
    closed: scan.over === undefined && scan.quote === 0 && scan.flow === 0,
  };
}

const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const HASH = 35;
const BACKSLASH = 92;
const DOUBLE_QUOTE = 34;
const SINGLE_QUOTE = 39;

/** Characters after which a quote opens a quoted scalar: white space (as `\s` matches it) and `[{,:-`. */
function opensQuote(c: number): boolean {
  switch (c) {
    case 9:
    case 10:
    case 11:
    case 12:
    case 13:
    case 32: // tab, LF, VT, FF, CR, space
    case 91:
    case 123:
    case 44:
    case 58:
    case 45: // [ { , : -
    case 0xa0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202f:
    case 0x205f:
    case 0x3000:
    case 0xfeff:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200a;
  }
}

/**
 * The pre-check's scan, resumable: `run` goes on from where the last call stopped. It reads
 * character codes and jumps over comments (a search for the line's end) rather than taking each
 * character as a string: every file is scanned before it is parsed. Exported for its tests.
 */
export class ShapeScan {
  nodes = 0;
  depth = 0;
  flow = 0;
  /** The open quote's character code, or 0. */
  quote = 0;
  /** Set when a limit is met (the scan stops there). */
  over: string | undefined;
  private comment = false;
  private lineStart = true;
  private indent = 0;
  private readonly indents: number[] = [];
  private previous = LF;
  private at = 0;
  /** Whether the text has a CR (a comment ends at either line break; without one, at the next LF). */
  private readonly hasCR: boolean;

  constructor(
    private readonly text: string,
    private readonly limits: ShapeLimits,
    from?: { readonly at: number; readonly nodes: number; readonly depth: number },
  ) {
    this.hasCR = text.includes('\r');
    if (from) {
      this.at = from.at;
      this.nodes = from.nodes;
      this.depth = from.depth;
    }
  }

  /** Scans up to `to` (or a little past it: an escape takes two characters); whether the scan has ended. */
  run(to: number): boolean {
    const { text, limits, indents, hasCR } = this;
    let { nodes, depth, flow, quote, comment, lineStart, indent, previous } = this;
    let i = this.at;
    for (; i < to; i++) {
      if (comment && !hasCR) {
        // The rest of a comment changes nothing: on to its line's end.
        const end = text.indexOf('\n', i);
        i = end < 0 || end > to ? to : end;
        if (i === to) break;
      }
      const c = text.charCodeAt(i);
      if (c === LF || c === CR) {
        comment = false;
        lineStart = true;
        indent = 0;
        previous = c;
        continue;
      }
      if (lineStart) {
        if (c === SPACE) {
          indent++;
          continue;
        }
        lineStart = false;
        if (quote === 0 && flow === 0 && c !== HASH) {
          while (indents.length > 0 && indents[indents.length - 1] >= indent) indents.pop();
          indents.push(indent);
          if (indents.length > depth) depth = indents.length;
          if (++nodes > limits.maxNodesPerFile) {
            this.over = nodesOver(limits);
            break;
          }
          if (indents.length > limits.maxNestingDepth) {
            this.over = depthOver(limits);
            break;
          }
        }
      }
      if (comment) continue;
      if (quote !== 0) {
        if (c === BACKSLASH && quote === DOUBLE_QUOTE) i++;
        else if (c === quote) quote = 0;
      } else if (c === HASH && (previous === SPACE || previous === TAB || previous === LF || previous === CR))
        comment = true;
      else if ((c === DOUBLE_QUOTE || c === SINGLE_QUOTE) && opensQuote(previous)) quote = c;
      else if (c === 91 /* [ */ || c === 123 /* { */) {
        if (++flow + indents.length > depth) depth = flow + indents.length;
        if (flow + indents.length > limits.maxNestingDepth) {
          this.over = depthOver(limits);
          break;
        }
        if (++nodes > limits.maxNodesPerFile) {
          this.over = nodesOver(limits);
          break;
        }
      } else if (c === 93 /* ] */ || c === 125 /* } */) flow = Math.max(0, flow - 1);
      else if (c === 44 /* , */ && flow > 0 && ++nodes > limits.maxNodesPerFile) {
        this.over = nodesOver(limits);
        break;
      }
      previous = c;
    }
    this.nodes = nodes;
    this.depth = depth;
    this.flow = flow;
    this.quote = quote;
    this.comment = comment;
    this.lineStart = lineStart;
    this.indent = indent;
    this.previous = previous;
    this.at = i;
    return this.over !== undefined || i >= this.text.length;
  }
}

const nodesOver = (limits: ShapeLimits) => `more than ${limits.maxNodesPerFile} YAML nodes (setting maxNodesPerFile)`;
const depthOver = (limits: ShapeLimits) =>
  `nested deeper than ${limits.maxNestingDepth} levels (setting maxNestingDepth)`;
