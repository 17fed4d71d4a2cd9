// `kube-traffic-lens check`: analyse paths and print diagnostics as text, JSON or SARIF.
// With `--cache DIR`, a run over exactly the same files and settings prints the stored result, and
// otherwise unchanged files are read back from the parse cache (see node/analysisCache.ts).
import { analyze } from '../engine';
import { cachedResultOf, type CachedResult } from '../node/analysisCache';
import { formatJson } from './format/json';
import type { AnalysedRenders } from '../engine/helm';
import { renderCharts } from './helm';
import { locate, positionsFromTexts, positionsOf, type PositionOf } from './format/located';
import { formatSarif } from './format/sarif';
import { formatStylish } from './format/stylish';
import { closeCache, loadInput, openCache, parseCommon, progressReporter } from './options';

export async function runCheck(args: string[]): Promise<number> {
  const options = parseCommon(args, ['text', 'json', 'sarif'], 'text');
  const progress = progressReporter();
  const { config, read } = loadInput(options, progress.onProgress);
  progress.done();
  for (const u of read.unreadable) process.stderr.write(`kube-traffic-lens: warning: skipped unreadable ${u.path} (${u.error})\n`);

  const helm = await renderCharts(read.files, config);
  const files = helm.files;
  const cache = openCache(options);
  const fingerprint = cache?.fingerprint(files, read.skipped, config);
  let result: CachedResult | undefined = fingerprint === undefined ? undefined : cache?.loadResult(fingerprint);
  const texts = new Map(files.map((f) => [f.path, f.text]));
  let positionOf: PositionOf;
  let analysedRenders: AnalysedRenders | undefined;
  if (result) {
    positionOf = positionsFromTexts(texts);
  } else {
    const analysis = analyze({ files, skipped: read.skipped, config, parse: cache?.parser() });
    result = cachedResultOf(analysis);
    analysedRenders = { resources: analysis.workspace.resources, textOf: (f) => texts.get(f) };
    positionOf = positionsOf(analysis);
    if (cache && fingerprint !== undefined) cache.saveResult(fingerprint, result);
  }
  closeCache(cache);

  for (const f of result.ruleFailures) process.stderr.write(`kube-traffic-lens: internal error in rule ${f.rule} on ${f.resource}: ${f.error.split('\n')[0]}\n`);
  // Findings in rendered charts go to the template and values lines that wrote them.
  const diagnostics = helm.finish(result.diagnostics, analysedRenders);
  const chartLines = helm.linesOf(() => undefined);
  const workspacePosition = positionOf;
  positionOf = (file, offset) => chartLines(file)?.position(offset) ?? workspacePosition(file, offset);
  const located = locate(diagnostics, positionOf);
  const fileCount = read.files.length + read.skipped.length;
  switch (options.format) {
    case 'json':
      process.stdout.write(formatJson(located, result.resourceCount, fileCount));
      break;
    case 'sarif':
      process.stdout.write(formatSarif(located, positionOf, (file, span) => (texts.get(file) ?? helm.map.textOf(file))?.slice(span.start, span.end)));
      break;
    default:
      process.stdout.write(formatStylish(located, result.resourceCount, fileCount, { color: !!process.stdout.isTTY && !process.env.NO_COLOR }));
  }
  return diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
}
