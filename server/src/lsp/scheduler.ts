// The analysis scheduler: decides when the workspace is analysed again. A change bumps the
// generation and starts an analysis after a debounce (none when the last one was quick); one
// analysis runs at a time, in slices of Analyzer.runAsync between which requests are answered, and
// a newer change cancels it unless nothing was published for a while. The first analysis after
// indexing is followed by a warm-up (an edit and its undo, unpublished) and one full garbage
// collection. Each completed analysis goes to the publisher.
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import type * as lsp from 'vscode-languageserver/node';
import { CANCELLED, type Analysis, type Analyzer } from '../engine';
import { SplicedText } from '../engine/splicedText';
import { fileWithText, type SkippedFile, type WorkspaceFile } from '../engine/workspace';
import type { HelmState } from './helmState';
import type { KustomizeRenders } from './kustomizeRenders';
import type { LastAnalysis } from './lastAnalysis';
import { withTemplateNotes, type DiagnosticsPublisher } from './publisher';
import type { RequestActivity } from './requestActivity';
import type { ServerSettings } from './settings';
import type { StartupCache } from './startupCache';
import type { WorkspaceFiles } from './workspaceFiles';

/** The longest wait after an edit: a burst of keystrokes costs one analysis. */
const DEBOUNCE_MS = 150;
/**
 * Incremental analyses faster than this start at once: a newer change cancels a running analysis
 * anyway, and changes that arrive together (a tool's burst of edits) are still coalesced by the
 * timer. Slower ones wait as long as the last one took, up to DEBOUNCE_MS, so that typing does not
 * start and cancel one analysis per keystroke.
 */
const IMMEDIATE_BELOW_MS = 50;
/**
 * How long a slice of analysis may block requests: a hover that arrives meanwhile waits for the
 * rest of it. At half a millisecond a hover during a full re-analysis is as quick as an idle one
 * at p95 (bench:lsp); the extra yields cost no measurable time.
 */
const SLICE_MS = 0.5;
/** The warm-up after indexing edits a file no larger than this. */
const WARM_UP_MAX_FILE = 64 * 1024;
/** See reanalyse: after this long without a publish, a running analysis is not cancelled. */
const MAX_STALE_MS = 1000;
/** The wait after a chart's file changed before it is rendered again. */
const HELM_DEBOUNCE_MS = 200;

/**
 * The warm-up's edit of a file: a line break added at the end of the document nearest its middle
 * (for a file read document by document, as an edit in a bundle's middle, with parts before and
 * after it), or at the file's end; spliced into the text, as an editor's edit reaches the engine.
 */
export function warmUpEdit(text: string): SplicedText {
  const at = text.indexOf('\n---', text.length >> 1);
  const where = at < 0 ? text.length : at + 1;
  return new SplicedText(text, { start: where, beforeEnd: where, afterEnd: where + 1 }, '\n');
}

/**
 * One full garbage collection right after indexing, while the user reads the first diagnostics:
 * indexing leaves a large heap of dead parse objects, and V8 otherwise collects it incrementally
 * during the first edits (slowing them) and keeps the memory resident meanwhile.
 */
function collectIndexingGarbage(): void {
  try {
    v8.setFlagsFromString('--expose-gc');
    (vm.runInNewContext('gc') as () => void)();
  } catch {
    // not available in this runtime: V8 collects in its own time
  }
}

export interface AnalysisSchedulerOptions {
  readonly analyzer: Analyzer;
  readonly files: WorkspaceFiles;
  readonly settings: ServerSettings;
  readonly publisher: DiagnosticsPublisher;
  readonly last: LastAnalysis;
  readonly activity: RequestActivity;
  readonly kustomize: KustomizeRenders;
  readonly cache: StartupCache;
  /** Rendered charts: the warm-up while they render, their further value sets after each analysis. */
  readonly helm: HelmState;
  readonly console: Pick<lsp.RemoteConsole, 'log' | 'error'>;
}

type Slicing = { sliceMs: number; isCancelled: () => boolean; isBusy: () => boolean };

export class AnalysisScheduler {
  /** Bumped by every change; an analysis started for an older generation is overtaken. */
  private generation = 0;
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private helmTimer: NodeJS.Timeout | undefined;
  /**
   * How long the last incremental analysis took; after one was overtaken, at least how long it ran
   * and at least IMMEDIATE_BELOW_MS: changes came faster than it could finish, so the next waits
   * for a pause in the burst instead of starting (and being overtaken) at each change. The next
   * completed analysis says again how long one takes.
   */
  private lastDurationMs = 0;
  /** When the first change not yet taken by an analysis came. */
  private pendingSince: number | undefined;
  /** The wait before the analysis that runs next. */
  private debounceMs = 0;
  private cancelledAnalyses = 0;
  private lastPublishedAt = -Infinity;
  /** Resolves the promise indexing waits on, once the first analysis is published. */
  private firstAnalysisDone: (() => void) | undefined;

  constructor(private readonly options: AnalysisSchedulerOptions) {}

  private log(message: string): void {
    this.options.console.log(message);
  }

  /** A change: the running analysis is overtaken, a new one starts after the debounce. */
  schedule(delay = this.lastDurationMs < IMMEDIATE_BELOW_MS ? 0 : Math.min(DEBOUNCE_MS, this.lastDurationMs)): void {
    this.generation++;
    const now = performance.now();
    this.pendingSince ??= now;
    // A newer edit restarts the wait, so a burst of keystrokes costs one analysis; but the first
    // change of a burst is analysed within MAX_STALE_MS however long the burst lasts.
    delay = Math.max(0, Math.min(delay, this.pendingSince + MAX_STALE_MS - now));
    this.debounceMs = delay;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.analyseLatest();
    }, delay);
  }

  /** A chart's file changed: render again after a short wait, then analyse if a render changed. */
  scheduleCharts(): void {
    if (this.helmTimer) clearTimeout(this.helmTimer);
    this.helmTimer = setTimeout(() => {
      this.helmTimer = undefined;
      if (this.options.files.indexing) return;
      void this.options.files.renderCharts().then((changed) => {
        if (changed) this.schedule(0);
      });
    }, HELM_DEBOUNCE_MS);
  }

  /** Schedules the first analysis after indexing; resolves once it is published (or failed). */
  firstAnalysis(): Promise<void> {
    const analysed = new Promise<void>((resolve) => (this.firstAnalysisDone = resolve));
    this.schedule(0);
    return analysed;
  }

  /**
   * While helm renders the charts at indexing: the files read so far are analysed, unpublished, so
   * that the first published analysis (with the renders) finds the engine warm and the readings made.
   */
  async analyseWhileRendering(): Promise<void> {
    const { analyzer, files: workspaceFiles, settings, activity } = this.options;
    try {
      const { files, skipped } = workspaceFiles.current();
      const before = await analyzer.runAsync(
        { files, skipped, config: settings.config },
        { sliceMs: SLICE_MS, isCancelled: () => false, isBusy: () => activity.busy },
      );
      // A workspace of charts only has nothing to analyse yet: a small sample compiles the engine's code.
      if (before === CANCELLED || before.workspace.resources.length === 0)
        await this.options.helm.warmUp(settings.config, SLICE_MS, () => activity.busy);
    } catch (err) {
      this.options.console.error(`analysis while rendering failed: ${(err as Error)?.stack ?? String(err)}`);
    }
  }

  /** Runs analyses until one completes for the latest generation; one at a time. */
  private async analyseLatest(): Promise<void> {
    while (this.running) await this.running;
    if (this.timer) return; // a newer change is waiting for its debounce: it starts the next analysis
    const run = this.reanalyse().catch((err) => {
      this.options.console.error(`analysis failed: ${(err as Error)?.stack ?? String(err)}`);
      // Indexing ends all the same: the next change analyses again.
      this.firstAnalysisDone?.();
      this.firstAnalysisDone = undefined;
    });
    this.running = run;
    await run;
    if (this.running === run) this.running = undefined;
  }

  /** One analysis for the current generation, in slices; stops when a newer change comes. */
  private async reanalyse(): Promise<void> {
    const { analyzer, settings, publisher, last, activity, cache, kustomize } = this.options;
    // Messages that came with the change are handled first: a request behind it would otherwise
    // wait for the texts read below (an open 15 MiB document is joined from its edits) and a slice.
    while (activity.busy) await new Promise((resolve) => setImmediate(resolve));
    if (this.timer) return; // a newer change came meanwhile: its analysis follows this one
    const mine = this.generation;
    this.pendingSince = undefined;
    const started = performance.now();
    const { files, skipped, paths } = this.options.files.current();
    this.log(`analysis started: ${files.length} files`);
    const stats = { slices: 0, longestSliceMs: 0 };
    // A newer change cancels this analysis only while what is published is recent: the first
    // analysis after start-up, and any that starts when nothing was published for MAX_STALE_MS,
    // run to the end and publish (the newer change is analysed next), so that a steady stream of
    // changes cannot keep diagnostics from coming.
    const mayCancel = last.analysis !== undefined && performance.now() - this.lastPublishedAt < MAX_STALE_MS;
    const inSlices: Slicing = {
      sliceMs: SLICE_MS,
      isCancelled: () => mayCancel && this.generation !== mine,
      isBusy: () => activity.busy,
    };
    // The first analysis reads unchanged files back from the persistent cache (kept for a restart
    // if a change overtakes it); later ones parse what changed, through the Analyzer's own cache.
    const parse = cache.parser;
    const result = await analyzer.runAsync(
      { files, skipped, config: settings.config, parse, rendered: kustomize.buildsFor(files) },
      { ...inSlices, stats },
    );
    if (result === CANCELLED) {
      this.cancelledAnalyses++;
      // Not known to be quick: the next change waits for a pause in the burst (see lastDurationMs).
      this.lastDurationMs = Math.max(this.lastDurationMs, performance.now() - started, IMMEDIATE_BELOW_MS);
      this.log(`analysis cancelled: overtaken by a newer change (${this.cancelledAnalyses} so far)`);
      return;
    }
    last.commit(result, files, paths);
    for (const f of result.ruleFailures)
      this.options.console.error(`rule ${f.rule} failed on ${f.resource}: ${f.error}`);
    const diagnostics = withTemplateNotes(result);
    const publishResult = () =>
      publisher.publish(
        diagnostics,
        (file) => result.workspace.files.get(file)?.lines,
        (file) => last.analysedSource(file),
        result.workspace.resources,
      );
    // Charts' further value sets, each in a world of its own (helmState.ts): their findings join.
    const helm = this.options.helm;
    const valueSetsAnalysed = helm.valueSetsAnalysed;
    if (valueSetsAnalysed) publishResult();
    if ((await helm.analyseValueSets(files, skipped, settings.config, inSlices)) || !valueSetsAnalysed) publishResult();
    this.lastPublishedAt = performance.now();
    publisher.refreshCodeLenses();
    cache.analysed(parse, files, skipped, result);
    const durationMs = performance.now() - started;
    // A full analysis (the first, a settings change) says nothing about how long an edit's takes.
    if (result.rulesRunFor < result.workspace.resources.length) this.lastDurationMs = durationMs;
    this.log(
      `analysed ${files.length} files, ${result.workspace.resources.length} resources (rules run for ${result.rulesRunFor}, workspace-reach rules for ${result.wideRulesRunFor} more) and published in ${durationMs.toFixed(1)} ms, after a ${Math.round(this.debounceMs)} ms wait; ${stats.slices + 1} slices, the longest ${stats.longestSliceMs.toFixed(1)} ms`,
    );
    if (this.firstAnalysisDone) {
      await this.warmUp(result, files, skipped, inSlices);
      collectIndexingGarbage();
    }
    publisher.analysisStatus({
      diagnostics,
      resources: result.workspace.resources.length,
      files: files.length,
      indexing: this.options.files.indexing,
      cancelledAnalyses: this.cancelledAnalyses,
    });
    this.firstAnalysisDone?.();
    this.firstAnalysisDone = undefined;
  }

  /**
   * The diagnostics are out. Before edits are taken: an edit of one workload's file and its undo,
   * analysed like any edit, warm what an edit's analysis uses (indexes built on first use, the code
   * paths of a patched load and a derived graph, compiled and optimised), so that the first real
   * edit is as quick as the next (it took 4x as long). Neither result is published, and the second
   * leaves the Analyzer at the files as they are.
   */
  private async warmUp(
    result: Analysis,
    files: readonly WorkspaceFile[],
    skipped: readonly SkippedFile[],
    inSlices: Slicing,
  ): Promise<void> {
    const { analyzer, settings, last } = this.options;
    // The sample is a small file (re-reading a large one twice would only delay the first edit), or
    // else a file read document by document (documents.ts), whatever its size: a bundle's edit
    // re-reads one document, and its paths (parts kept, lists rebuilt around the edit) are warmed.
    const small = (r: { file: string }) => (last.analysedSource(r.file)?.length ?? Infinity) <= WARM_UP_MAX_FILE;
    const inParts = (r: { file: string }) => result.workspace.files.get(r.file)?.frames !== undefined;
    const sample =
      result.workspace.resources.find((r) => r.kind === 'Deployment' && small(r)) ??
      result.workspace.resources.find(small) ??
      result.workspace.resources.find(inParts);
    const edited = files.map((f) => (f.path === sample?.file ? fileWithText(f.path, warmUpEdit(f.text), true) : f));
    try {
      let undone: Analysis | typeof CANCELLED | undefined;
      for (const warm of [edited, [...files]]) {
        if (inSlices.isCancelled()) break;
        undone = await analyzer.runAsync({ files: warm, skipped, config: settings.config }, inSlices);
      }
      // The sample's line index and disable comments, which a first finding in it would otherwise
      // look for in the whole text during the first edit: later edits derive them from these.
      const read = sample && undone && undone !== CANCELLED ? undone.workspace.files.get(sample.file) : undefined;
      if (read && !inSlices.isCancelled()) {
        void read.lines;
        void read.disabledLines;
      }
    } catch (err) {
      // Only a warm-up: indexing is done whatever happened to it.
      this.options.console.error(`warm-up analysis failed: ${(err as Error)?.stack ?? String(err)}`);
    }
  }
}
