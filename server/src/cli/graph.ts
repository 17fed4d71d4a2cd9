// `kube-traffic-lens graph`: the traffic paths of the manifests under the given paths.
import { analyze } from '../engine';
import { mapOnChartLines } from '../engine/helm';
import { buildTrafficMap } from '../engine/paths';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatGraphDot, formatGraphHtml, formatGraphJson, formatGraphMermaid, formatGraphText } from './format/graph';
import { renderCharts } from './helm';
import {
  closeCache,
  loadInput,
  openCache,
  parseCommon,
  progressReporter,
  renderedBuilds,
  reportUnreadable,
  UsageError,
} from './options';

export async function runGraph(args: string[]): Promise<number> {
  const options = parseCommon(args, ['text', 'json', 'mermaid', 'dot', 'html'], 'text');
  const progress = progressReporter();
  const { config, read } = loadInput(options, process.cwd(), progress.onProgress);
  progress.done();
  const unreadableExit = reportUnreadable(options, read);
  const helm = await renderCharts(read.files, config);
  const cache = openCache(options, process.cwd());
  const map = mapOnChartLines(
    buildTrafficMap(
      analyze({
        files: helm.files,
        skipped: read.skipped,
        config,
        parse: cache?.parser(),
        rendered: renderedBuilds(config, read.files),
      }),
      { ingressControllerNamespaces: config.ingressControllerNamespaces },
    ),
    helm.map,
  );
  closeCache(cache);
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
    case 'html':
      process.stdout.write(formatGraphHtml(map, readWebviewScript()));
      break;
    default:
      process.stdout.write(formatGraphText(map, { color: !!process.stdout.isTTY && !process.env.NO_COLOR }));
  }
  return unreadableExit;
}

/** The traffic-map page script, bundled beside this CLI (dist/webview.js). */
function readWebviewScript(): string {
  const file = path.join(__dirname, 'webview.js');
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`the HTML map needs ${file}; run npm run build`, false);
  }
}
