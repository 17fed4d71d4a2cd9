// `kube-traffic-lens check`: analyse paths and print diagnostics as text, JSON or SARIF.
// With `--cache DIR`, a run over exactly the same files and settings prints the stored result, and
// otherwise unchanged files are read back from the parse cache (see node/analysisCache.ts).
import { analyze } from '../engine';
import { cachedResultOf, type CachedResult } from '../node/analysisCache';
import { formatJson } from './format/json';
import { locate, positionsFromTexts, positionsOf, type PositionOf } from './format/located';
import { formatSarif } from './format/sarif';
import { formatStylish } from './format/stylish';
import { closeCache, loadInput, openCache, parseCommon, progressReporter, renderedBuilds } from './options';

export function runCheck(args: string[]): number {
  const options = parseCommon(args, ['text', 'json', 'sarif'], 'text');
  const progress = progressReporter();
  const { config, read } = loadInput(options, progress.onProgress);
  progress.done();
  for (const u of read.unreadable) process.stderr.write(`kube-traffic-lens: warning: skipped unreadable ${u.path} (${u.error})\n`);

  const cache = openCache(options);
  const fingerprint = cache?.fingerprint(read.files, read.skipped, config);
  let result: CachedResult | undefined = fingerprint === undefined ? undefined : cache?.loadResult(fingerprint);
  const texts = new Map(read.files.map((f) => [f.path, f.text]));
  let positionOf: PositionOf;
  if (result) {
    positionOf = positionsFromTexts(texts);
  } else {
    const analysis = analyze({ files: read.files, skipped: read.skipped, config, parse: cache?.parser(), rendered: renderedBuilds(config, read.files) });
    result = cachedResultOf(analysis);
    positionOf = positionsOf(analysis);
    if (cache && fingerprint !== undefined) cache.saveResult(fingerprint, result);
  }
  closeCache(cache);

  for (const f of result.ruleFailures) process.stderr.write(`kube-traffic-lens: internal error in rule ${f.rule} on ${f.resource}: ${f.error.split('\n')[0]}\n`);
  const located = locate(result.diagnostics, positionOf);
  const files = read.files.length + read.skipped.length;
  switch (options.format) {
    case 'json':
      process.stdout.write(formatJson(located, result.resourceCount, files));
      break;
    case 'sarif':
      process.stdout.write(formatSarif(located, positionOf, (file, span) => texts.get(file)?.slice(span.start, span.end)));
      break;
    default:
      process.stdout.write(formatStylish(located, result.resourceCount, files, { color: !!process.stdout.isTTY && !process.env.NO_COLOR }));
  }
  return result.diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
}
