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
  return scan(text, limits).over;
}

const NO_LIMITS: ShapeLimits = { maxNodesPerFile: Infinity, maxNestingDepth: Infinity };

/**
 * A part of a file's shape, counted from a line start with nothing open (documents.ts: a part
 * from one document marker to the next). Parts that all end closed add up to the file's: their
 * nodes sum, their depths take the maximum, since a marker line at column 0 ends every
 * indentation level.
 */
export function shapeOf(text: string): Shape {
  return scan(text, NO_LIMITS);
}

function scan(text: string, limits: ShapeLimits): Shape & { readonly over?: string } {
  let nodes = 0;
  let depth = 0;
  let flow = 0;
  let quote = '';
  let comment = false;
  let lineStart = true;
  let indent = 0;
  const indents: number[] = [];
  let previous = '\n';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n' || c === '\r') {
      comment = false;
      lineStart = true;
      indent = 0;
      previous = c;
      continue;
    }
    if (lineStart) {
      if (c === ' ') {
        indent++;
        continue;
      }
      lineStart = false;
      if (quote === '' && flow === 0 && c !== '#') {
        while (indents.length > 0 && indents[indents.length - 1] >= indent) indents.pop();
        indents.push(indent);
        if (indents.length > depth) depth = indents.length;
        if (++nodes > limits.maxNodesPerFile) return { nodes, depth, closed: false, over: nodesOver(limits) };
        if (indents.length > limits.maxNestingDepth) return { nodes, depth, closed: false, over: depthOver(limits) };
      }
    }
    if (comment) continue;
    if (quote !== '') {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = '';
    } else if (c === '#' && (previous === ' ' || previous === '\t' || previous === '\n' || previous === '\r'))
      comment = true;
    else if ((c === '"' || c === "'") && /[\s[{,:-]/.test(previous)) quote = c;
    else if (c === '[' || c === '{') {
      if (++flow + indents.length > depth) depth = flow + indents.length;
      if (flow + indents.length > limits.maxNestingDepth)
        return { nodes, depth, closed: false, over: depthOver(limits) };
      if (++nodes > limits.maxNodesPerFile) return { nodes, depth, closed: false, over: nodesOver(limits) };
    } else if (c === ']' || c === '}') flow = Math.max(0, flow - 1);
    else if (c === ',' && flow > 0 && ++nodes > limits.maxNodesPerFile)
      return { nodes, depth, closed: false, over: nodesOver(limits) };
    previous = c;
  }
  return { nodes, depth, closed: quote === '' && flow === 0 };
}

const nodesOver = (limits: ShapeLimits) => `more than ${limits.maxNodesPerFile} YAML nodes (setting maxNodesPerFile)`;
const depthOver = (limits: ShapeLimits) =>
  `nested deeper than ${limits.maxNestingDepth} levels (setting maxNestingDepth)`;
