// The shape pre-check's scan (engine/shape.ts) as first written, one character string at a time:
// the reference the faster scan is compared with (test/engine/shape.test.ts). Not used by the engine.
import type { ShapeLimits } from '../../server/src/engine/shape';

/** The pre-check's scan, resumable: `run` goes on from where the last call stopped. */
export class ReferenceShapeScan {
  nodes = 0;
  depth = 0;
  flow = 0;
  quote = '';
  /** Set when a limit is met (the scan stops there). */
  over: string | undefined;
  private comment = false;
  private lineStart = true;
  private indent = 0;
  private readonly indents: number[] = [];
  private previous = '\n';
  private at = 0;

  constructor(
    private readonly text: string,
    private readonly limits: ShapeLimits,
  ) {}

  /** Scans up to `to` (or a little past it: an escape takes two characters); whether the scan has ended. */
  run(to: number): boolean {
    const { text, limits, indents } = this;
    let { nodes, depth, flow, quote, comment, lineStart, indent, previous } = this;
    let i = this.at;
    for (; i < to; i++) {
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
      if (quote !== '') {
        if (c === '\\' && quote === '"') i++;
        else if (c === quote) quote = '';
      } else if (c === '#' && (previous === ' ' || previous === '\t' || previous === '\n' || previous === '\r'))
        comment = true;
      else if ((c === '"' || c === "'") && /[\s[{,:-]/.test(previous)) quote = c;
      else if (c === '[' || c === '{') {
        if (++flow + indents.length > depth) depth = flow + indents.length;
        if (flow + indents.length > limits.maxNestingDepth) {
          this.over = depthOver(limits);
          break;
        }
        if (++nodes > limits.maxNodesPerFile) {
          this.over = nodesOver(limits);
          break;
        }
      } else if (c === ']' || c === '}') flow = Math.max(0, flow - 1);
      else if (c === ',' && flow > 0 && ++nodes > limits.maxNodesPerFile) {
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
