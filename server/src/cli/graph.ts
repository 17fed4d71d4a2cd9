// `kube-traffic-lens graph`: the traffic paths of the manifests under the given paths.
import { analyze } from '../engine';
import { buildTrafficMap } from '../engine/paths';
import { formatGraphDot, formatGraphJson, formatGraphMermaid, formatGraphText } from './format/graph';
import { loadInput, parseCommon, progressReporter } from './options';

export function runGraph(args: string[]): number {
  const options = parseCommon(args, ['text', 'json', 'mermaid', 'dot'], 'text');
  const progress = progressReporter();
  const { config, read } = loadInput(options, progress.onProgress);
  progress.done();
  const map = buildTrafficMap(analyze({ files: read.files, skipped: read.skipped, config }));
  switch (options.format) {
    case 'json':
      process.stdout.write(formatGraphJson(map));
      break;
    case 'mermaid':
      process.stdout.write(formatGraphMermaid(map));
      break;
    case 'dot':
      process.stdout.write(formatGraphDot(map));
      break;
    default:
      process.stdout.write(formatGraphText(map, { color: !!process.stdout.isTTY && !process.env.NO_COLOR }));
  }
  return 0;
}
