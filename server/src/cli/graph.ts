// `kube-traffic-lens graph`: the traffic paths. (Placeholder until the graph exporter lands.)
import { parseCommon } from './options';

export function runGraph(args: string[]): number {
  parseCommon(args, ['text', 'json', 'mermaid', 'dot'], 'text');
  throw new Error('graph output is not implemented yet');
}
