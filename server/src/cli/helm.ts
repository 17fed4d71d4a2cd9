// The CLI's Helm step: renders the charts among the files read (always: the CLI is run on
// purpose), adds the renders to the analysed files, and places diagnostics on template lines.
import * as path from 'node:path';
import type { AnalysisConfig, Diagnostic, LineIndex, WorkspaceFile } from '../engine';
import { chartLineIndexes, HelmSourceMap, isRenderedPath, withHelm, type AnalysedRenders } from '../engine/helm';
import { HelmRenderer, type HelmRun } from '../node/helm';

export interface CliHelm {
  /** The files to analyse: those read, and the rendered charts. */
  readonly files: readonly WorkspaceFile[];
  readonly run: HelmRun;
  readonly map: HelmSourceMap;
  /** The analysis's diagnostics placed on template and values lines, with rendering's own. */
  finish(diagnostics: readonly Diagnostic[], analysed?: AnalysedRenders): Diagnostic[];
  linesOf(workspaceLines: (file: string) => LineIndex | undefined): (file: string) => LineIndex | undefined;
}

export async function renderCharts(files: readonly WorkspaceFile[], config: AnalysisConfig): Promise<CliHelm> {
  const renderer = new HelmRenderer((p) => path.resolve(process.cwd(), p));
  const run = await renderer.renderWorkspace(files, config.helm);
  const texts = new Map(files.map((f) => [f.path, f.text]));
  const map = new HelmSourceMap(run.sources, (f) => texts.get(f));
  return {
    files: run.files.length ? [...files, ...run.files] : files,
    run,
    map,
    // The rendered text is no file a reader of the report can open: its related location is dropped.
    finish: (diagnostics, analysed) =>
      withHelm(diagnostics, map, run, analysed).map((d) =>
        d.related.some((r) => isRenderedPath(r.file))
          ? { ...d, related: d.related.filter((r) => !isRenderedPath(r.file)) }
          : d,
      ),
    linesOf: (workspaceLines) => chartLineIndexes(map, workspaceLines),
  };
}
