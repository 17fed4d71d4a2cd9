// `kube-traffic-lens check`: analyse paths and print diagnostics as text, JSON or SARIF.
// With `--cache DIR`, a run over exactly the same files and settings prints the stored result, and
// otherwise unchanged files are read back from the parse cache (see node/analysisCache.ts).
import { analyze } from '../engine';
import type { AnalysedRenders } from '../engine/helm';
import { cachedResultOf, type CachedResult } from '../node/analysisCache';
import { formatJson } from './format/json';
import { locate, positionsFromTexts, positionsOf, type LocatedDiagnostic, type PositionOf } from './format/located';
import { formatSarif } from './format/sarif';
import { formatStylish } from './format/stylish';
import { renderCharts, type CliHelm } from './helm';
import {
  closeCache,
  loadInput,
  openCache,
  parseCommon,
  progressReporter,
  renderedBuilds,
  reportUnreadable,
  type CommonOptions,
  type LoadedInput,
} from './options';

export async function runCheck(args: string[]): Promise<number> {
  const options = parseCommon(args, ['text', 'json', 'sarif'], 'text');
  const progress = progressReporter();
  const input = loadInput(options, process.cwd(), progress.onProgress);
  progress.done();
  const unreadableExit = reportUnreadable(options, input.read);
  const helm = await renderCharts(input.read.files, input.config);

  const { result, located, files, texts, positionOf, errors } = checkInput(options, input, process.cwd(), helm);
  for (const f of result.ruleFailures)
    process.stderr.write(
      `kube-traffic-lens: internal error in rule ${f.rule} on ${f.resource}: ${f.error.split('\n')[0]}\n`,
    );
  switch (options.format) {
    case 'json':
      process.stdout.write(formatJson(located, result.resourceCount, files));
      break;
    case 'sarif':
      process.stdout.write(
        formatSarif(located, positionOf, (file, span) =>
          (texts.get(file) ?? helm.map.textOf(file))?.slice(span.start, span.end),
        ),
      );
      break;
    default:
      process.stdout.write(
        formatStylish(located, result.resourceCount, files, { color: !!process.stdout.isTTY && !process.env.NO_COLOR }),
      );
  }
  return Math.max(unreadableExit, errors ? 1 : 0);
}

/** What `check` computed, before it is printed. */
export interface CheckOutcome {
  readonly result: CachedResult;
  readonly located: readonly LocatedDiagnostic[];
  /** Files read or skipped: the report's `files`. */
  readonly files: number;
  readonly texts: ReadonlyMap<string, string>;
  readonly positionOf: PositionOf;
  /** Whether any reported diagnostic is an error (after chart findings moved to their templates). */
  readonly errors: boolean;
}

/**
 * The analysis behind `check` over the loaded input (plus rendered charts, when given): from the
 * result cache when it holds this workspace, else analysed (and stored). The in-process rule tester
 * (test/support/ruleTester.ts) calls this too, so fixtures are judged exactly as the command judges them.
 */
export function checkInput(
  options: CommonOptions,
  { config, read }: LoadedInput,
  base: string,
  helm?: CliHelm,
): CheckOutcome {
  const files = helm?.allFiles ?? read.files;
  const cache = openCache(options, base);
  const fingerprint = cache?.fingerprint(files, read.skipped, config);
  let result: CachedResult | undefined = fingerprint === undefined ? undefined : cache?.loadResult(fingerprint);
  const texts = new Map(files.map((f) => [f.path, f.text]));
  let positionOf: PositionOf;
  let analysedRenders: AnalysedRenders | undefined;
  if (result) {
    positionOf = positionsFromTexts(texts);
  } else {
    const input = {
      skipped: read.skipped,
      config,
      parse: cache?.parser(),
      rendered: renderedBuilds(config, read.files),
    };
    // A chart's value sets are analysed each in a world of its own (cli/helm.ts).
    const charts = helm?.analyse(input);
    const analysis = charts?.analysis ?? analyze({ ...input, files });
    const resources = charts?.resources ?? analysis.workspace.resources;
    result = cachedResultOf({ ...analysis, workspace: { ...analysis.workspace, resources } });
    if (charts) result = { ...result, diagnostics: charts.diagnostics };
    analysedRenders = { resources, textOf: (f) => texts.get(f) };
    positionOf = positionsOf(analysis);
    if (cache && fingerprint !== undefined) cache.saveResult(fingerprint, result);
  }
  closeCache(cache);
  let diagnostics = result.diagnostics;
  if (helm) {
    // Findings in rendered charts go to the template and values lines that wrote them.
    diagnostics = helm.finish(result.diagnostics, analysedRenders);
    const chartLines = helm.linesOf(() => undefined);
    const workspacePosition = positionOf;
    positionOf = (file, offset) => chartLines(file)?.position(offset) ?? workspacePosition(file, offset);
  }
  return {
    result,
    located: locate(diagnostics, positionOf),
    files: read.files.length + read.skipped.length,
    texts,
    positionOf,
    errors: diagnostics.some((d) => d.severity === 'error'),
  };
}
