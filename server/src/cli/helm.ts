// The CLI's Helm step: renders the charts among the files read (always: the CLI is run on
// purpose), adds the renders to the analysed files (each further value set of a chart in a world
// of its own, engine/helm/valueSets.ts), and places diagnostics on template lines.
import * as path from 'node:path';
import {
  Analyzer,
  type Analysis,
  type AnalysisConfig,
  type AnalyzeInput,
  type Diagnostic,
  type LineIndex,
  type WorkspaceFile,
} from '../engine';
import {
  chartLineIndexes,
  HelmSourceMap,
  isOwnRender,
  isRenderedPath,
  withHelm,
  worldCount,
  worldFiles,
  type AnalysedRenders,
} from '../engine/helm';
import type { Resource } from '../engine/model/resource';
import { HelmRenderer, type HelmRun } from '../node/helm';

export interface CliHelm {
  /** The files to analyse: those read, and each chart's render with its first value set. */
  readonly files: readonly WorkspaceFile[];
  /** Every render, of every value set (what the cache's fingerprint covers). */
  readonly allFiles: readonly WorkspaceFile[];
  /**
   * Analyses `files`, then each further value set in its world: the diagnostics and resources of
   * those renders join the first analysis's.
   */
  analyse(input: Omit<AnalyzeInput, 'files'>): ValueSetAnalysis;
  readonly run: HelmRun;
  readonly map: HelmSourceMap;
  /** The analysis's diagnostics placed on template and values lines, with rendering's own. */
  finish(diagnostics: readonly Diagnostic[], analysed?: AnalysedRenders): Diagnostic[];
  linesOf(workspaceLines: (file: string) => LineIndex | undefined): (file: string) => LineIndex | undefined;
}

export interface ValueSetAnalysis {
  /** The analysis of the workspace with each chart's first value set. */
  readonly analysis: Analysis;
  readonly diagnostics: readonly Diagnostic[];
  /** Resources of every world's own renders too (the report's count, placing findings). */
  readonly resources: readonly Resource[];
}

export async function renderCharts(files: readonly WorkspaceFile[], config: AnalysisConfig): Promise<CliHelm> {
  const renderer = new HelmRenderer((p) => path.resolve(process.cwd(), p));
  const run = await renderer.renderWorkspace(files, config.helm);
  const texts = new Map(files.map((f) => [f.path, f.text]));
  const map = new HelmSourceMap(run.sources, (f) => texts.get(f));
  const renders = run.sources.renders;
  return {
    files: run.files.length ? worldFiles(files, run.files, renders, 0) : files,
    allFiles: run.files.length ? [...files, ...run.files] : files,
    analyse: (input) => {
      // One process, one check: every tree is kept for it (nothing outlives it to keep smaller).
      // Further worlds are runs of the same Analyzer; without them it is made for one run.
      const worlds = worldCount(renders);
      const analyzer = new Analyzer({ trees: 'keep', once: worlds <= 1 });
      const analysis = analyzer.run({ ...input, files: worldFiles(files, run.files, renders, 0) });
      const diagnostics = [...analysis.diagnostics];
      const resources = [...analysis.workspace.resources];
      // Each further world differs from the last by a few renders: analysed incrementally.
      for (let k = 1; k < worlds; k++) {
        const world = analyzer.run({ ...input, files: worldFiles(files, run.files, renders, k) });
        for (const d of world.diagnostics) if (isOwnRender(d.file, k)) diagnostics.push(d);
        for (const r of world.workspace.resources) if (isOwnRender(r.file, k)) resources.push(r);
      }
      return { analysis, diagnostics, resources };
    },
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
