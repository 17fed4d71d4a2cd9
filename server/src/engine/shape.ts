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

/** Why the file is over a limit, or undefined when it is within both. */
export function overShapeLimits(text: string, limits: ShapeLimits): string | undefined {
  let nodes = 0;
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
        if (++nodes > limits.maxNodesPerFile)
          return `more than ${limits.maxNodesPerFile} YAML nodes (setting maxNodesPerFile)`;
        if (indents.length > limits.maxNestingDepth)
          return `nested deeper than ${limits.maxNestingDepth} levels (setting maxNestingDepth)`;
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
      if (++flow + indents.length > limits.maxNestingDepth)
        return `nested deeper than ${limits.maxNestingDepth} levels (setting maxNestingDepth)`;
      if (++nodes > limits.maxNodesPerFile)
        return `more than ${limits.maxNodesPerFile} YAML nodes (setting maxNodesPerFile)`;
    } else if (c === ']' || c === '}') flow = Math.max(0, flow - 1);
    else if (c === ',' && flow > 0 && ++nodes > limits.maxNodesPerFile)
      return `more than ${limits.maxNodesPerFile} YAML nodes (setting maxNodesPerFile)`;
    previous = c;
  }
  return undefined;
}
