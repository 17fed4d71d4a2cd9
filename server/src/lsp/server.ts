// The language server: indexes the workspace folders in the background, keeps open documents over
// disk contents and closed files current through file watching, re-analyses after edits (debounced,
// newer edits supersede older work) and publishes diagnostics for every file whose diagnostics
// changed, open or not. Requests are answered from the last analysis by the engine's queries.
//
// Analysis runs in time slices (Analyzer.runAsync), so requests are answered while it runs, from
// the last completed analysis; a document whose text changed since then gets no answer rather
// than one at stale offsets. A change (edit, watched file, settings) cancels the running analysis
// and schedules a new one.
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import * as lsp from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  Analyzer,
  CANCELLED,
  DEFAULT_CONFIG,
  LineIndex,
  lineIndexesOf,
  normalizeConfig,
  parseConfigFile,
  type Analysis,
  type AnalysisConfig,
  type Diagnostic,
  type RenderedBuild,
} from '../engine';
import { isKustomizationFile } from '../engine/kustomize';
import { renderKustomizations } from '../node/kustomizeRenderer';
import { boundUntrusted } from '../engine/config';
import { buildTrafficMap } from '../engine/paths';
import * as queries from '../engine/queries';
import { locate } from '../engine/queries/locate';
import {
  IndexStatusNotification,
  ResourceAtRequest,
  ResourceDetailsRequest,
  TrafficMapRequest,
  RenderedManifestRequest,
  RenderedManifestsRequest,
  WorkspaceTrustedNotification,
} from '../protocol';
import type { FileParser, SkippedFile, WorkspaceFile } from '../engine/workspace';
import { AnalysisCache, cachedResultOf } from '../node/analysisCache';
import {
  CONFIG_FILE_NAME,
  decode,
  describeError,
  isListedManifest,
  isManifestName,
  listManifests,
  readConfigFile,
} from '../node/readWorkspace';
import { readRegularFile } from '../node/safeRead';
import { HelmState } from './helmState';
import * as proto from './toProto';

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
const READ_BATCH = 200;
/** The warm-up after indexing edits a file no larger than this. */
const WARM_UP_MAX_FILE = 64 * 1024;
/** See reanalyse: after this long without a publish, a running analysis is not cancelled. */
const MAX_STALE_MS = 1000;
/** Only files that look like manifests get diagnostics (a broken CI workflow is not ours to report). */
const LOOKS_LIKE_MANIFEST = /^[ \t]*apiVersion[ \t]*:/m; // [ \t], not \s: no backtracking over blank lines
/** Notes on files that are not analysed: published on the file whatever it looks like, and listed in the status. */
const SKIP_NOTES = new Set(['helm-template-skipped', 'file-too-large']);
/** Skipped files named in the status notification at most (the count is always given). */
const MAX_SKIPPED_LISTED = 50;

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

/**
 * Calls listener when a message from the client arrives, before the connection dispatches it: on
 * the transports our clients use (VS Code's node IPC, --stdio); on others it is never called.
 */
function onIncomingMessage(listener: () => void): void {
  if (process.argv.includes('--node-ipc')) process.on('message', listener);
  else if (process.argv.includes('--stdio')) process.stdin.on('data', listener);
}

export function startServer(): void {
  const connection = lsp.createConnection(lsp.ProposedFeatures.all);
  const documents = new lsp.TextDocuments(validatingDocuments((uri, why) => connection.console.warn(`${uri}: ${why}`)));
  const analyzer = new Analyzer();
  const disk = new Map<string, string>();
  const tooLarge = new Map<string, number>();
  /** Files that could not be read, with the reason: not analysed, and said so. */
  const unreadable = new Map<string, string>();
  let roots: string[] = [];
  /** Whether the editor trusts the workspace: only then may the kustomize renderer binary run. */
  /** Restricted Mode when false (set at initialize): no process is started, limits only lowered. */
  let workspaceTrusted = true;
  /** Exact mode's rendered builds, kept while the files of kustomize folders are unchanged. */
  let renderedFor:
    { key: string; config: AnalysisConfig; rendered: ReadonlyMap<string, RenderedBuild> | undefined } | undefined;
  let fileConfig: unknown;
  let settings: unknown;
  let config: AnalysisConfig = DEFAULT_CONFIG;
  let analysis: Analysis | undefined;
  /**
   * The texts the last completed analysis read (its file list, and where each path is in it; the
   * index is kept while the list of paths is the same): requests on a changed document wait for the next.
   */
  let analysed: {
    files: readonly WorkspaceFile[];
    paths: readonly string[] | undefined;
    index: ReadonlyMap<string, number>;
  } = { files: [], paths: undefined, index: new Map() };
  const analysedText = (file: string): string | undefined => {
    const i = analysed.index.get(file);
    return i === undefined ? undefined : analysed.files[i]?.text;
  };
  /** Bumped by every change; an analysis started for an older generation is overtaken. */
  let generation = 0;
  let running: Promise<void> | undefined;
  let lastDurationMs = 0; // of the last incremental analysis
  let debounceMs = 0; // the wait before the analysis that runs next
  let cancelledAnalyses = 0;
  let lastPublishedAt = -Infinity;
  let firstAnalysisDone: (() => void) | undefined;
  let paths: string[] | undefined; // sorted paths of disk files and open manifests, until one appears or goes
  let lastFiles: { paths: readonly string[] | undefined; files: readonly WorkspaceFile[] } = {
    paths: undefined,
    files: [],
  };
  let published = new Map<string, string>(); // uri -> JSON of what was last sent
  let publishedSources = new Map<string, readonly Diagnostic[]>(); // uri -> the engine's diagnostics it was made from
  let indexing = true;
  let timer: NodeJS.Timeout | undefined;
  let canRegisterWatchers = false;
  let canReadConfiguration = false;
  let syntaxDiagnostics = true;
  /** The client re-asks for code lenses when told (LSP 3.16 workspace/codeLens/refresh). */
  let canRefreshCodeLenses = false;
  /** The persistent cache in the client's storage (initializationOptions.storagePath), if given. */
  let cache: AnalysisCache | undefined;
  /** The parser of the next analysis: the cache's for the first one, then the Analyzer's own. */
  let parseForNextRun: FileParser | undefined;

  const log = (message: string) => connection.console.log(message);
  /** Rendered Helm charts (helmState.ts): their renders are analysed as files; never rendered untrusted. */
  const helm = new HelmState(log, () => !indexing && schedule(0));
  let helmTimer: NodeJS.Timeout | undefined;

  /**
   * Requests answered in the last turns. The connection writes a response a turn or two after the
   * handler returns; a running analysis waits meanwhile instead of putting a slice in between.
   */
  let answering = 0;
  const answered = () => setImmediate(() => setImmediate(() => answering--));
  // From the moment a message arrives, too: the connection dispatches it on a later turn, and the
  // analysis's next slice, queued before it, would otherwise run first (a hover waited a whole
  // slice more than it had to).
  onIncomingMessage(() => {
    answering++;
    answered();
  });

  /** Runs a handler; an exception is logged and the request answered with the fallback. */
  function guard<P, R>(name: string, fallback: R, handler: (params: P) => R): (params: P) => R {
    return (params: P) => {
      answering++;
      try {
        return handler(params);
      } catch (err) {
        connection.console.error(`${name} failed: ${(err as Error)?.stack ?? String(err)}`);
        return fallback;
      } finally {
        answered();
      }
    };
  }

  function isManifestPath(p: string): boolean {
    return isManifestName(path.basename(p));
  }

  /**
   * Whether a file is part of the analysed workspace: what indexing would list (inside a folder,
   * not in .git or node_modules, not excluded, not through a symbolic link). An opened or changed
   * file elsewhere is not analysed. Without folders, every opened manifest is.
   */
  function isAnalysedPath(p: string): boolean {
    if (roots.length === 0) return isManifestPath(p);
    // Asked for every open document at every analysis: remembered until the settings or the files change.
    let listed = listedPaths.get(p);
    if (listed === undefined) listedPaths.set(p, (listed = isListedManifest(p, roots, config)));
    return listed;
  }
  const listedPaths = new Map<string, boolean>();

  /**
   * Open manifests by path, with their current text; those over maxFileSize are not analysed
   * (like files on disk: an information diagnostic says so) and are listed in tooLargeOpen.
   */
  function openManifests(tooLargeOpen?: Map<string, number>): Map<string, string> {
    const open = new Map<string, string>();
    for (const doc of documents.all()) {
      const p = proto.uriToPath(doc.uri);
      if (!p || !isAnalysedPath(p)) continue;
      const text = doc.getText();
      // UTF-8 bytes: at least one per UTF-16 unit, at most three.
      const size = text.length * 3 <= config.maxFileSize ? 0 : Buffer.byteLength(text, 'utf8');
      if (size > config.maxFileSize) tooLargeOpen?.set(p, size);
      else open.set(p, text);
    }
    return open;
  }

  let tooLargeOpenKey = '';
  function currentFiles(): { files: WorkspaceFile[]; skipped: SkippedFile[]; paths: readonly string[] } {
    const tooLargeOpen = new Map<string, number>();
    const open = openManifests(tooLargeOpen);
    const largeKey = [...tooLargeOpen.keys()].join('\u0000');
    if (largeKey !== tooLargeOpenKey) paths = undefined; // an open document went over the limit or back
    tooLargeOpenKey = largeKey;
    if (!paths) {
      const all = new Set(disk.keys());
      for (const p of open.keys()) all.add(p);
      for (const p of tooLargeOpen.keys()) all.delete(p);
      for (const f of helm.files) all.add(f.path);
      paths = [...all].sort((a, b) => (a < b ? -1 : 1));
    }
    // The last list's entry is kept where the text is the same (no 20k new objects per analysis).
    const last = lastFiles.paths === paths ? lastFiles.files : undefined;
    const files = paths.map((p, i) => {
      const text = open.get(p) ?? disk.get(p) ?? helm.renderedText(p) ?? '';
      const before = last?.[i];
      if (before && before.text === text) return before;
      const rendered = helm.renderedText(p) === undefined ? undefined : helm.files.find((f) => f.path === p);
      return rendered ?? { path: p, text };
    });
    lastFiles = { paths, files };
    const skipped = [...tooLarge]
      .filter(([p]) => !disk.has(p) && !open.has(p) && !tooLargeOpen.has(p))
      .map(([p, size]) => ({ path: p, size }));
    for (const [p, size] of tooLargeOpen) skipped.push({ path: p, size });
    skipped.sort((a, b) => (a.path < b.path ? -1 : 1));
    return { files, skipped, paths };
  }

  /** The text a request sees for a file now: the open document's, else what is on disk. */
  function currentText(file: string, uri = proto.pathToUri(file)): string | undefined {
    return documents.get(uri)?.getText() ?? disk.get(file) ?? helm.renderedText(file);
  }

  /** Whether the last analysis read the file as it is now (its offsets are valid for it). */
  function isCurrent(file: string, uri?: string): boolean {
    const text = analysedText(file);
    return text !== undefined && text === currentText(file, uri);
  }

  /**
   * Exact mode (kubeTrafficLens.kustomize.renderer): kustomize builds rendered by the binary, only in
   * a trusted workspace; rendered again when a file of a kustomize folder changes.
   */
  function renderedBuilds(files: readonly WorkspaceFile[]): ReadonlyMap<string, RenderedBuild> | undefined {
    if (config.kustomizeRenderer === 'builtin') return undefined;
    if (!workspaceTrusted) {
      if (renderedFor?.config !== config)
        connection.console.warn(
          'kustomize.renderer is ignored: the workspace is not trusted (the builtin renderer is used)',
        );
      renderedFor = { key: '', config, rendered: undefined };
      return undefined;
    }
    const dirs = new Set(files.filter((f) => isKustomizationFile(f.path)).map((f) => path.posix.dirname(f.path)));
    const relevant = files.filter((f) => dirs.has(path.posix.dirname(f.path)));
    const key = createHash('sha1')
      .update(relevant.map((f) => `${f.path}\u0000${f.text}`).join('\u0001'))
      .digest('hex');
    if (renderedFor && renderedFor.key === key && renderedFor.config === config) return renderedFor.rendered;
    const result = renderKustomizations(relevant, roots[0] ?? process.cwd(), config, [
      path.resolve(__dirname, '..'),
      ...roots,
    ]);
    for (const p of result.problems) connection.console.warn(`kustomize ${p}`);
    renderedFor = { key, config, rendered: result.rendered };
    return result.rendered;
  }

  /** One analysis for the current generation, in slices; stops when a newer change comes. */
  async function reanalyse(): Promise<void> {
    const mine = generation;
    const { files, skipped, paths: filePaths } = currentFiles();
    const started = performance.now();
    log(`analysis started: ${files.length} files`);
    const stats = { slices: 0, longestSliceMs: 0 };
    // A newer change cancels this analysis only while what is published is recent: the first
    // analysis after start-up, and any that starts when nothing was published for MAX_STALE_MS,
    // run to the end and publish (the newer change is analysed next), so that a steady stream of
    // changes cannot keep diagnostics from coming.
    const mayCancel = analysis !== undefined && performance.now() - lastPublishedAt < MAX_STALE_MS;
    const inSlices = {
      sliceMs: SLICE_MS,
      isCancelled: () => mayCancel && generation !== mine,
      isBusy: () => answering > 0,
    };
    // The first analysis reads unchanged files back from the persistent cache (kept for a restart
    // if a change overtakes it); later ones parse what changed, through the Analyzer's own cache.
    const parse = parseForNextRun;
    const result = await analyzer.runAsync(
      { files, skipped, config, parse, rendered: renderedBuilds(files) },
      { ...inSlices, stats },
    );
    if (result === CANCELLED) {
      cancelledAnalyses++;
      log(`analysis cancelled: overtaken by a newer change (${cancelledAnalyses} so far)`);
      return;
    }
    analysis = result;
    // files follows filePaths: the index by path is rebuilt only when the list of paths changed.
    analysed = {
      files,
      paths: filePaths,
      index: analysed.paths === filePaths ? analysed.index : new Map(filePaths.map((p, i) => [p, i])),
    };
    for (const f of result.ruleFailures) connection.console.error(`rule ${f.rule} failed on ${f.resource}: ${f.error}`);
    const templateNotes = unnotedTemplates(result);
    const publishResult = () =>
      publish(
        templateNotes.length ? [...result.diagnostics, ...templateNotes] : result.diagnostics,
        (file) => result.workspace.files.get(file)?.lines,
        analysedText,
        result.workspace.resources,
      );
    // Charts' further value sets, each in a world of its own (helmState.ts): their findings join.
    const valueSetsAnalysed = helm.valueSetsAnalysed;
    if (valueSetsAnalysed) publishResult();
    if ((await helm.analyseValueSets(files, skipped, config, inSlices)) || !valueSetsAnalysed) publishResult();
    lastPublishedAt = performance.now();
    // Lenses asked for while a document was ahead of the analysis were answered empty: ask again.
    if (canRefreshCodeLenses) void connection.sendRequest(lsp.CodeLensRefreshRequest.type).catch(() => undefined);
    if (parse) {
      parseForNextRun = undefined;
      if (cache) saveCache(cache, files, skipped, result);
    }
    const durationMs = performance.now() - started;
    // A full analysis (the first, a settings change) says nothing about how long an edit's takes.
    if (result.rulesRunFor < result.workspace.resources.length) lastDurationMs = durationMs;
    log(
      `analysed ${files.length} files, ${result.workspace.resources.length} resources (rules run for ${result.rulesRunFor}, workspace-reach rules for ${result.wideRulesRunFor} more) and published in ${durationMs.toFixed(1)} ms, after a ${Math.round(debounceMs)} ms wait; ${stats.slices + 1} slices, the longest ${stats.longestSliceMs.toFixed(1)} ms`,
    );
    if (firstAnalysisDone) {
      // The diagnostics are out. Before edits are taken: an edit of one workload's file and its
      // undo, analysed like any edit, warm what an edit's analysis uses (indexes built on first
      // use, the code paths of a patched load and a derived graph, compiled and optimised), so that
      // the first real edit is as quick as the next (it took 4x as long); then the indexing
      // garbage is collected. Neither result is published, and the second leaves the Analyzer at
      // the files as they are.
      // The sample is a small file (re-reading a large one twice would only delay the first edit).
      const small = (r: { file: string }) => (analysedText(r.file)?.length ?? Infinity) <= WARM_UP_MAX_FILE;
      const sample =
        result.workspace.resources.find((r) => r.kind === 'Deployment' && small(r)) ??
        result.workspace.resources.find(small);
      const edited = files.map((f) => (f.path === sample?.file ? { path: f.path, text: `${f.text}\n` } : f));
      try {
        for (const warm of [edited, [...files]]) {
          if (inSlices.isCancelled()) break;
          await analyzer.runAsync({ files: warm, skipped, config }, inSlices);
        }
      } catch (err) {
        // Only a warm-up: indexing is done whatever happened to it.
        connection.console.error(`warm-up analysis failed: ${(err as Error)?.stack ?? String(err)}`);
      }
      collectIndexingGarbage();
    }
    const charts = helm.notRendered;
    const notAnalysed = [
      ...[...result.diagnostics, ...templateNotes]
        .filter((d) => SKIP_NOTES.has(d.rule))
        .map((d) => ({ path: d.file, reason: d.message })),
      ...[...unreadable].map(([p, reason]) => ({ path: p, reason: `cannot be read (${reason})` })),
    ];
    void connection.sendNotification(IndexStatusNotification, {
      resources: result.workspace.resources.length,
      files: files.length,
      indexing,
      cancelledAnalyses,
      chartsNotRendered: charts.count,
      chartsNotRenderedReason: charts.reason,
      skipped: notAnalysed.slice(0, MAX_SKIPPED_LISTED),
      skippedCount: notAnalysed.length,
    });
    firstAnalysisDone?.();
    firstAnalysisDone = undefined;
  }

  /** Runs analyses until one completes for the latest generation; one at a time. */
  async function analyseLatest(): Promise<void> {
    while (running) await running;
    if (timer) return; // a newer change is waiting for its debounce: it starts the next analysis
    const run = reanalyse().catch((err) => {
      connection.console.error(`analysis failed: ${(err as Error)?.stack ?? String(err)}`);
      // Indexing ends all the same: the next change analyses again.
      firstAnalysisDone?.();
      firstAnalysisDone = undefined;
    });
    running = run;
    await run;
    if (running === run) running = undefined;
  }

  function publish(
    analysed: readonly Diagnostic[],
    workspaceLines: (file: string) => LineIndex | undefined,
    textOf: (file: string) => string | undefined,
    resources?: Analysis['workspace']['resources'],
  ) {
    // Findings in rendered charts go to the template and values lines that wrote them.
    const diagnostics = helm.finish(analysed, { resources: resources ?? [], textOf });
    const linesOf = helm.linesOf(workspaceLines);
    const manifestMemo = new Map<string, boolean>();
    const looksLikeManifest = (file: string) => {
      let yes = manifestMemo.get(file);
      if (yes === undefined)
        manifestMemo.set(file, (yes = LOOKS_LIKE_MANIFEST.test(textOf(file) ?? '') || helm.isChartFile(file)));
      return yes;
    };
    const byFile = new Map<string, Diagnostic[]>();
    for (const d of diagnostics) {
      // A chart that is not rendered is said once, on its Chart.yaml; its templates stay quiet.
      if (d.rule === 'helm-template-skipped' && path.basename(d.file) !== 'Chart.yaml' && helm.isChartFile(d.file))
        continue;
      // A skipped file has no text to look at: the note is the reason, said as the CLI says it.
      if (!SKIP_NOTES.has(d.rule) && !looksLikeManifest(d.file)) continue;
      if (!syntaxDiagnostics && (d.rule === 'yaml-syntax' || d.rule === 'yaml-duplicate-key')) continue;
      const list = byFile.get(d.file);
      if (list) list.push(d);
      else byFile.set(d.file, [d]);
    }
    for (const [file, reason] of unreadable) {
      if (!byFile.has(file)) byFile.set(file, [unreadableNote(file, reason)]);
    }
    const next = new Map<string, string>();
    const nextSources = new Map<string, readonly Diagnostic[]>();
    for (const [file, all] of byFile) {
      const uriOf = proto.pathToUri(file);
      nextSources.set(uriOf, all);
      // The same diagnostic objects as last time (an unchanged file's findings are kept by the
      // engine): nothing to convert or send.
      const before = publishedSources.get(uriOf);
      if (before && before.length === all.length && before.every((d, i) => d === all[i]) && published.has(uriOf)) {
        next.set(uriOf, published.get(uriOf)!);
        continue;
      }
      // Capped before conversion: a file with 130,000 findings costs a bounded list per publish.
      const { kept, summary } = capped(all, config.maxDiagnosticsPerFile);
      const diagnostics: lsp.Diagnostic[] = [];
      for (const d of kept) {
        const converted = proto.diagnostic(d, linesOf);
        if (converted) diagnostics.push(converted);
      }
      if (summary) diagnostics.push(summary);
      const uri = proto.pathToUri(file);
      const json = JSON.stringify(diagnostics);
      next.set(uri, json);
      if (published.get(uri) !== json) void connection.sendDiagnostics({ uri, diagnostics });
    }
    for (const uri of published.keys()) if (!next.has(uri)) void connection.sendDiagnostics({ uri, diagnostics: [] });
    published = next;
    publishedSources = nextSources;
  }

  /** A change: the running analysis is overtaken, a new one starts after the debounce. */
  function schedule(delay = lastDurationMs < IMMEDIATE_BELOW_MS ? 0 : Math.min(DEBOUNCE_MS, lastDurationMs)) {
    generation++;
    debounceMs = delay;
    if (timer) clearTimeout(timer);
    // A newer edit restarts the wait, so a burst of keystrokes costs one analysis.
    timer = setTimeout(() => {
      timer = undefined;
      void analyseLatest();
    }, delay);
  }

  /** Reads a file into the disk map; whether what the analysis sees changed. */
  function readDiskFile(p: string): boolean {
    const wasListed = disk.has(p);
    const before = disk.get(p);
    const sizeBefore = tooLarge.get(p);
    try {
      // A regular file only, not through a link, size checked on the descriptor (a FIFO or a link
      // to /dev/zero put in the workspace neither hangs the server nor fills its memory).
      const read = readRegularFile(p, config.maxFileSize);
      const text = read.buffer === undefined ? undefined : decode(read.buffer);
      if (read.buffer === undefined) {
        tooLarge.set(p, read.size);
        disk.delete(p);
      } else if (p.toLowerCase().endsWith('.json') && !(text!.includes('"apiVersion"') && text!.includes('"kind"'))) {
        // JSON counts only as a manifest: build output a dev server rewrites costs nothing.
        disk.delete(p);
        tooLarge.delete(p);
      } else {
        disk.set(p, text!);
        tooLarge.delete(p);
      }
      unreadable.delete(p);
    } catch (err) {
      disk.delete(p);
      tooLarge.delete(p);
      unreadable.delete(p);
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') {
        connection.console.warn(`skipped unreadable ${p} (${describeError(err)})`);
        unreadable.set(p, describeError(err));
      }
    }
    if (disk.has(p) !== wasListed) paths = undefined; // a file appeared or went: the sorted list is rebuilt
    return disk.get(p) !== before || tooLarge.get(p) !== sizeBefore;
  }

  function loadFileConfig() {
    fileConfig = undefined;
    for (const root of roots) {
      const file = path.join(root, CONFIG_FILE_NAME);
      let text: string;
      try {
        text = readConfigFile(file, root);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT' && code !== 'ENOTDIR')
          connection.console.warn(`${file}: not read (${describeError(err)})`);
        continue;
      }
      try {
        const { config: c, problems } = parseConfigFile(text);
        problems.forEach((p) => connection.console.warn(`${file}: ${p.message}`));
        fileConfig = workspaceTrusted ? c : boundUntrusted(c);
      } catch (err) {
        connection.console.warn(`${file}: ${(err as Error).message}`);
      }
      break;
    }
  }

  async function refreshConfig() {
    publishedSources = new Map(); // the cap or the filters may change: convert everything again
    if (canReadConfiguration) {
      try {
        settings = await connection.workspace.getConfiguration('kubeTrafficLens');
      } catch {
        settings = undefined;
      }
    }
    const fromFile = fileConfig as AnalysisConfig | undefined;
    const problems: { message: string }[] = [];
    config = normalizeConfig(settingsForEngine(settings), fromFile ?? DEFAULT_CONFIG, problems);
    listedPaths.clear();
    problems.forEach((p) => connection.console.warn(`settings: ${p.message}`));
  }

  /** Lists the folders and reads every manifest, in batches between which requests are answered. */
  async function readListing(
    progress?: { report(percentage: number, message: string): void },
    onListed?: (paths: ReadonlySet<string>) => void,
  ) {
    const entries = listManifests(roots, config, (dir, error) =>
      connection.console.warn(`skipped unreadable directory ${dir} (${error})`),
    );
    const listed = new Set(entries.map((e) => e.absolutePath.split(path.sep).join('/')));
    onListed?.(listed);
    for (const p of [...disk.keys(), ...tooLarge.keys(), ...unreadable.keys()]) {
      if (listed.has(p)) continue;
      disk.delete(p);
      tooLarge.delete(p);
      unreadable.delete(p);
      paths = undefined;
    }
    const all = [...listed];
    for (let i = 0; i < all.length; i += READ_BATCH) {
      for (const p of all.slice(i, i + READ_BATCH)) readDiskFile(p);
      const done = Math.min(i + READ_BATCH, all.length);
      progress?.report(Math.round((done / Math.max(1, all.length)) * 100), `${done}/${all.length} files`);
      void connection.sendNotification(IndexStatusNotification, { resources: 0, files: done, indexing: true });
      await new Promise((resolve) => setImmediate(resolve)); // let requests in between batches
    }
  }

  /** The settings that decide which files are read; when they change, the folders are listed again. */
  const listingSettings = () => JSON.stringify([config.exclude, config.maxFileSize]);

  async function indexWorkspace() {
    const progress = await connection.window.createWorkDoneProgress().catch(() => undefined);
    progress?.begin('Kube Traffic Lens: indexing manifests', 0, 'listing files', false);
    // Charts are rendered as soon as they are listed: helm runs in processes of its own while the
    // files are read, and meanwhile what was read is analysed, unpublished, so that the first
    // published analysis (with the renders) finds the engine warm and the readings made.
    let rendering: Promise<boolean> = Promise.resolve(false);
    await readListing(progress, (listed) => {
      const chartFiles = [...listed].filter((p) => ['Chart.yaml', 'requirements.yaml'].includes(path.basename(p)));
      rendering = refreshHelm(
        chartFiles.flatMap((p) => {
          try {
            const read = readRegularFile(p, config.maxFileSize);
            return read.buffer ? [{ path: p, text: decode(read.buffer) }] : [];
          } catch {
            return [];
          }
        }),
      );
    });
    if (helm.rendering) {
      try {
        const { files, skipped } = currentFiles();
        const before = await analyzer.runAsync(
          { files, skipped, config },
          { sliceMs: SLICE_MS, isCancelled: () => false, isBusy: () => answering > 0 },
        );
        // A workspace of charts only has nothing to analyse yet: a small sample compiles the engine's code.
        if (before === CANCELLED || before.workspace.resources.length === 0)
          await helm.warmUp(config, SLICE_MS, () => answering > 0);
      } catch (err) {
        connection.console.error(`analysis while rendering failed: ${(err as Error)?.stack ?? String(err)}`);
      }
    }
    await rendering;
    indexing = false;
    if (cache) {
      parseForNextRun = cache.parser();
      publishCachedResult(cache);
    }
    const analysed = new Promise<void>((resolve) => (firstAnalysisDone = resolve));
    schedule(0);
    await analysed;
    progress?.done();
  }

  /**
   * A warm start: when the workspace is exactly as the cache last saw it, its diagnostics are
   * published before the analysis runs (which then confirms them; unchanged diagnostics are not
   * sent again). Anything different — one byte, a setting — and nothing is published early.
   */
  function publishCachedResult(store: AnalysisCache) {
    const { files, skipped } = currentFiles();
    const result = store.loadResult(store.fingerprint(files, skipped, config));
    if (!result) return;
    const texts = new Map(files.map((f) => [f.path, f.text]));
    const textOf = (file: string) => texts.get(file);
    publish(result.diagnostics, lineIndexesOf(textOf), textOf);
    log(`published ${result.diagnostics.length} cached diagnostics for an unchanged workspace`);
  }

  /** Stores the first analysis's trees and result; the next start of an unchanged workspace reuses them. */
  function saveCache(
    store: AnalysisCache,
    files: readonly WorkspaceFile[],
    skipped: readonly SkippedFile[],
    a: Analysis,
  ) {
    setImmediate(() => {
      try {
        store.saveResult(store.fingerprint(files, skipped, config), cachedResultOf(a));
        store.saveParsed();
        log(
          `cache: ${store.hits} files read back, ${store.misses} parsed${store.writeError ? `; cannot write ${store.dir} (${store.writeError})` : ''}`,
        );
      } catch (err) {
        connection.console.error(`cache not saved: ${(err as Error)?.stack ?? String(err)}`);
      }
    });
  }

  /** Renders the charts again (the renderer re-runs helm only for charts whose files changed). */
  async function refreshHelm(
    files: readonly WorkspaceFile[] = [...disk].map(([p, text]) => ({ path: p, text })),
  ): Promise<boolean> {
    try {
      const changed = await helm.refresh(files, config.helm);
      if (changed) paths = undefined;
      return changed;
    } catch (err) {
      connection.console.error(`helm rendering failed: ${(err as Error)?.stack ?? String(err)}`);
      return false;
    }
  }

  /** A chart's file changed: render again after a short wait, then analyse if a render changed. */
  function scheduleHelm() {
    if (helmTimer) clearTimeout(helmTimer);
    helmTimer = setTimeout(() => {
      helmTimer = undefined;
      if (indexing) return;
      void refreshHelm().then((changed) => {
        if (changed) schedule(0);
      });
    }, 200);
  }

  connection.onInitialize((params) => {
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    roots = folders.map(proto.uriToPath).filter((p): p is string => p !== undefined);
    canRegisterWatchers = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    canReadConfiguration = params.capabilities.workspace?.configuration === true;
    canRefreshCodeLenses = params.capabilities.workspace?.codeLens?.refreshSupport === true;
    const options = params.initializationOptions as
      { syntaxDiagnostics?: unknown; storagePath?: unknown; workspaceTrusted?: unknown } | undefined;
    // VS Code says whether the workspace is trusted (Restricted Mode): then no helm, kubectl or
    // kustomize process is started and the repository's settings file may only lower limits. Other
    // editors have no such notion and pass nothing: their user opened the folder on purpose.
    workspaceTrusted = options?.workspaceTrusted !== false;
    helm.trusted = workspaceTrusted;
    syntaxDiagnostics = options?.syntaxDiagnostics !== false;
    if (typeof options?.storagePath === 'string' && options.storagePath)
      cache = new AnalysisCache(path.join(options.storagePath, 'cache'));
    return {
      capabilities: {
        textDocumentSync: {
          openClose: true,
          change: lsp.TextDocumentSyncKind.Incremental,
          save: { includeText: false },
        },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        documentSymbolProvider: true,
        workspaceSymbolProvider: true,
        codeActionProvider: { codeActionKinds: [lsp.CodeActionKind.QuickFix] },
        codeLensProvider: { resolveProvider: false },
        completionProvider: { triggerCharacters: [':', ' '] },
        workspace: { workspaceFolders: { supported: true } },
      },
      serverInfo: { name: 'kube-traffic-lens' },
    };
  });

  connection.onInitialized(async () => {
    if (canRegisterWatchers) {
      await connection.client.register(lsp.DidChangeWatchedFilesNotification.type, {
        watchers: [
          { globPattern: '**/*.{yaml,yml,json}' },
          { globPattern: '**/Kustomization' },
          { globPattern: `**/${CONFIG_FILE_NAME}` },
          { globPattern: '**/*.tpl' },
        ],
      });
    }
    loadFileConfig();
    await refreshConfig();
    await indexWorkspace().catch((err) =>
      connection.console.error(`indexing failed: ${(err as Error)?.stack ?? String(err)}`),
    );
  });

  /** Settings changed: re-read the folders if what is read changed, then analyse again. */
  async function applyConfigChange() {
    const before = listingSettings();
    await refreshConfig();
    if (!indexing && listingSettings() !== before) {
      log('exclude or maxFileSize changed: listing the folders again');
      await readListing();
    }
    schedule(0);
    scheduleHelm();
  }

  connection.onDidChangeConfiguration(() => applyConfigChange());

  // The user trusted the workspace: charts are rendered now.
  connection.onNotification(WorkspaceTrustedNotification, () => {
    workspaceTrusted = true;
    helm.trusted = true;
    scheduleHelm();
  });

  connection.onDidChangeWatchedFiles((params) => {
    // A link or directory on the way may have appeared or gone: only with creations and deletions.
    if (params.changes.some((c) => c.type !== lsp.FileChangeType.Changed)) listedPaths.clear();
    let changed = false;
    for (const change of params.changes) {
      const p = proto.uriToPath(change.uri);
      if (!p) continue;
      if (helm.concernsCharts(p)) scheduleHelm();
      if (path.basename(p) === CONFIG_FILE_NAME) {
        loadFileConfig();
        void applyConfigChange();
        continue;
      }
      if (change.type === lsp.FileChangeType.Deleted) {
        if (!disk.has(p) && !tooLarge.has(p)) continue; // excluded, not a manifest, or never read
        disk.delete(p);
        tooLarge.delete(p);
        unreadable.delete(p);
        paths = undefined;
        changed = true;
      } else if (isAnalysedPath(p)) changed = readDiskFile(p) || changed;
    }
    // Excluded or non-manifest paths, and rewrites with the same text, cancel and cost nothing.
    // During indexing the first analysis is still to come and reads what changed.
    if (changed && !indexing) schedule();
  });

  /** Opening or closing a document whose text is what is on disk changes nothing to analyse. */
  const sameAsDisk = (doc: TextDocument) => {
    const p = proto.uriToPath(doc.uri);
    return p !== undefined && disk.get(p) === doc.getText();
  };
  const opening = new Set<string>();
  documents.onDidOpen((e) => {
    if (!sameAsDisk(e.document)) paths = undefined;
    opening.add(e.document.uri);
  });
  documents.onDidChangeContent((e) => {
    const opened = opening.delete(e.document.uri);
    if (opened && sameAsDisk(e.document)) return; // do not cancel a running analysis for nothing
    if (!indexing) schedule();
  });
  documents.onDidClose((e) => {
    opening.delete(e.document.uri);
    const unchanged = sameAsDisk(e.document);
    paths = undefined;
    const p = proto.uriToPath(e.document.uri);
    if (p && isAnalysedPath(p)) readDiskFile(p); // disk is the truth again
    if (!indexing && !(unchanged && sameAsDisk(e.document))) schedule();
  });
  documents.onDidSave((e) => {
    const p = proto.uriToPath(e.document.uri);
    if (p && helm.concernsCharts(p)) scheduleHelm();
    if (p && isAnalysedPath(p)) readDiskFile(p);
  });

  /** The analysis and the file path for a request's document, when both are known. */
  function context(
    uri: string,
    acceptEdited = false,
  ):
    | {
        a: Analysis;
        file: string;
        lines: NonNullable<ReturnType<Analysis['workspace']['files']['get']>>['lines'];
        text: string;
      }
    | undefined {
    const file = proto.uriToPath(uri);
    const a = analysis;
    if (!file || !a) return undefined;
    const lines = a.workspace.files.get(file)?.lines;
    if (!lines) return undefined;
    // Edited since the analysis (the next one is on its way): its offsets would point elsewhere.
    if (!acceptEdited && !isCurrent(file, uri)) return undefined;
    const text = analysedText(file) ?? '';
    return { a, file, lines, text };
  }

  /** A place to show the user: a rendered chart's is the template or values line that wrote it. */
  const sourceOf = <T extends { file: string; span: { start: number; end: number } }>(l: T): T => {
    const source = helm.locate(l.file, l.span);
    return source ? { ...l, file: source.file, span: source.span } : l;
  };
  const linesFor = (file: string) => helm.linesOf((f) => analysis?.workspace.files.get(f)?.lines)(file);

  const linkTo = (file: string, span: { start: number; end?: number }) => {
    const at = sourceOf({ file, span: { start: span.start, end: span.end ?? span.start } });
    const lines = linesFor(at.file);
    const line = lines ? lines.position(at.span.start).line + 1 : 1;
    return `${proto.pathToUri(at.file)}#L${line}`;
  };

  /** A position on a chart's template line stands for the rendered node it wrote (definition, references). */
  function renderedAt(c: { a: Analysis; file: string }, offset: number): { file: string; offset: number } {
    return (
      (c.a.workspace.files.get(c.file)?.role === 'template' ? helm.toRendered(c.file, offset) : undefined) ?? {
        file: c.file,
        offset,
      }
    );
  }

  connection.onHover(
    guard('hover', null, (params: lsp.HoverParams): lsp.Hover | null => {
      const c = context(params.textDocument.uri);
      if (!c) return null;
      const offset = c.lines.offset(params.position);
      // On a chart's template line: the hover of what it rendered to.
      const rendered =
        c.a.workspace.files.get(c.file)?.role === 'template' ? helm.toRendered(c.file, offset) : undefined;
      if (rendered) {
        const h = queries.hoverAt(c.a, rendered.file, rendered.offset, { linkTo, serviceCIDR: config.serviceCIDR });
        return h ? { contents: { kind: lsp.MarkupKind.Markdown, value: h.markdown } } : null;
      }
      const h = queries.hoverAt(c.a, c.file, offset, { linkTo, serviceCIDR: config.serviceCIDR });
      return h
        ? { contents: { kind: lsp.MarkupKind.Markdown, value: h.markdown }, range: proto.range(c.lines, h.span) }
        : null;
    }),
  );

  const toLocations = (locations: queries.SourceLocation[]): lsp.Location[] =>
    locations.flatMap((found) => {
      if (!isCurrent(found.file)) return [];
      const l = sourceOf(found);
      const lines = linesFor(l.file);
      return lines ? [{ uri: proto.pathToUri(l.file), range: proto.range(lines, l.span) }] : [];
    });

  connection.onDefinition(
    guard('definition', [] as lsp.Location[], (params: lsp.DefinitionParams) => {
      const c = context(params.textDocument.uri);
      if (!c) return [];
      const at = renderedAt(c, c.lines.offset(params.position));
      return toLocations(queries.definitionAt(c.a, at.file, at.offset));
    }),
  );

  connection.onReferences(
    guard('references', [] as lsp.Location[], (params: lsp.ReferenceParams) => {
      const c = context(params.textDocument.uri);
      if (!c) return [];
      const at = renderedAt(c, c.lines.offset(params.position));
      return toLocations(queries.referencesAt(c.a, at.file, at.offset, params.context.includeDeclaration));
    }),
  );

  connection.onDocumentSymbol(
    guard('documentSymbol', [] as lsp.DocumentSymbol[], (params: lsp.DocumentSymbolParams) => {
      const c = context(params.textDocument.uri);
      return c ? queries.documentSymbols(c.a, c.file).map((s) => proto.documentSymbol(s, c.lines)) : [];
    }),
  );

  connection.onWorkspaceSymbol(
    guard('workspaceSymbol', [] as lsp.SymbolInformation[], (params: lsp.WorkspaceSymbolParams) => {
      const a = analysis;
      if (!a) return [];
      return queries.workspaceSymbols(a, params.query).flatMap((s) => {
        const at = sourceOf({ file: s.file, span: s.selectionSpan });
        const lines = linesFor(at.file);
        return lines
          ? [
              {
                name: s.name,
                kind: proto.symbolKind(s.kind),
                containerName: `${s.kind}${s.namespace ? ` · ${s.namespace}` : ''}`,
                location: { uri: proto.pathToUri(at.file), range: proto.range(lines, at.span) },
              },
            ]
          : [];
      });
    }),
  );

  connection.onCodeLens(
    guard('codeLens', [] as lsp.CodeLens[], (params: lsp.CodeLensParams) => {
      const c = context(params.textDocument.uri);
      if (!c) return [];
      // On a chart's template: the lenses of what it rendered to, on the lines that wrote them.
      const lenses =
        c.a.workspace.files.get(c.file)?.role === 'template'
          ? helm.rendersFor(c.file).flatMap((r) =>
              queries.codeLenses(c.a, r.path).flatMap((l) => {
                const at = helm.locate(r.path, l.span);
                return at?.file === c.file ? [{ ...l, span: at.span }] : [];
              }),
            )
          : queries.codeLenses(c.a, c.file);
      const linesOf = (file: string) => (isCurrent(file) ? c.a.workspace.files.get(file)?.lines : undefined);
      return lenses.flatMap((l) => proto.codeLens(l, c.file, linesOf) ?? []);
    }),
  );

  connection.onCompletion(
    guard('completion', [] as lsp.CompletionItem[], (params: lsp.CompletionParams) => {
      // Completion reads the document's current text itself (typing goes ahead of analysis).
      const c = context(params.textDocument.uri, true);
      const doc = documents.get(params.textDocument.uri);
      if (!c || !doc) return [];
      const offset = doc.offsetAt(params.position);
      const kinds: Record<queries.CompletionKind, lsp.CompletionItemKind> = {
        service: lsp.CompletionItemKind.Reference,
        port: lsp.CompletionItemKind.Value,
        'port-name': lsp.CompletionItemKind.EnumMember,
        'label-key': lsp.CompletionItemKind.Property,
        'label-value': lsp.CompletionItemKind.Value,
      };
      return queries.completionAt(c.a, c.file, offset, doc.getText()).map((e) => ({
        label: e.label,
        kind: kinds[e.kind],
        detail: e.detail,
        ...(e.replace
          ? {
              textEdit: {
                range: { start: doc.positionAt(e.replace.start), end: doc.positionAt(e.replace.end) },
                newText: e.insertText ?? e.label,
              },
            }
          : { insertText: e.insertText }),
      }));
    }),
  );

  connection.onCodeAction(
    guard('codeAction', [] as lsp.CodeAction[], (params: lsp.CodeActionParams) => {
      const c = context(params.textDocument.uri);
      if (!c) return [];
      const ours = c.a.diagnostics.filter(
        (d) =>
          d.file === c.file &&
          params.context.diagnostics.some(
            (pd) =>
              pd.source === 'kube-traffic-lens' &&
              pd.code === d.rule &&
              c.lines.offset(pd.range.start) === d.span.start,
          ),
      );
      const span = { start: c.lines.offset(params.range.start), end: c.lines.offset(params.range.end) };
      // On a chart's line: fixes of the rendered text, moved there when that is exact (helmState.ts).
      const shown = (rule: string, start: number) =>
        params.context.diagnostics.some(
          (pd) => pd.source === 'kube-traffic-lens' && pd.code === rule && c.lines.offset(pd.range.start) === start,
        );
      const chartFixes = helm.codeActions(c.a, c.file, shown, (f) => currentText(f));
      return [...queries.codeActionsAt(c.a, c.file, span, ours, c.text), ...chartFixes].map((action) => {
        const changes: Record<string, lsp.TextEdit[]> = {};
        for (const e of action.edits) {
          const lines = c.a.workspace.files.get(e.file)?.lines;
          if (!lines) continue;
          (changes[proto.pathToUri(e.file)] ??= []).push({ range: proto.range(lines, e.span), newText: e.newText });
        }
        const diagnostic = params.context.diagnostics.find(
          (pd) =>
            action.diagnostic &&
            pd.code === action.diagnostic.rule &&
            c.lines.offset(pd.range.start) === action.diagnostic.span.start,
        );
        return {
          title: action.title,
          kind: lsp.CodeActionKind.QuickFix,
          diagnostics: diagnostic ? [diagnostic] : undefined,
          isPreferred: action.isPreferred,
          edit: { changes },
        };
      });
    }),
  );

  // The client's read-only view of rendered charts (client/src/renderedManifest.ts).
  connection.onRequest(
    RenderedManifestRequest,
    guard('renderedManifest', null, (params: { path: string }) => {
      const text = helm.renderedText(params.path);
      if (text === undefined) return null;
      const lines = new LineIndex(text);
      // The diagnostics found in this render, at their rendered places.
      const diagnostics = (analysis?.diagnostics ?? [])
        .filter((d) => d.file === params.path)
        .map((d) => ({ range: proto.range(lines, d.span), severity: d.severity, rule: d.rule, message: d.message }));
      return { path: params.path, text, diagnostics };
    }),
  );

  connection.onRequest(
    RenderedManifestsRequest,
    guard('renderedManifests', null, (params: { uri?: string; position?: lsp.Position }) => {
      // The renders of the chart a document belongs to, and the rendered line of a position in it.
      const file = params.uri ? proto.uriToPath(params.uri) : undefined;
      const lines = file ? analysis?.workspace.files.get(file)?.lines : undefined;
      const at = file && lines && params.position ? helm.toRendered(file, lines.offset(params.position)) : undefined;
      const renders = helm
        .rendersFor(file)
        .map((r) => ({ path: r.path, title: `${r.chartName}: release ${r.release} (${r.valueSet})` }));
      const line = at ? new LineIndex(helm.renderedText(at.file) ?? '').position(at.offset).line : undefined;
      return { renders, at: at && { path: at.file, line } };
    }),
  );

  connection.onRequest(
    TrafficMapRequest,
    guard('trafficMap', null, () =>
      analysis
        ? helm.trafficMap(
            buildTrafficMap(analysis, { ingressControllerNamespaces: config.ingressControllerNamespaces }),
          )
        : null,
    ),
  );

  connection.onRequest(
    ResourceAtRequest,
    guard('resourceAt', null, (params: lsp.TextDocumentPositionParams) => {
      const c = context(params.textDocument.uri);
      const r = c && locate(c.a, c.file, c.lines.offset(params.position))?.resource;
      return r ? { resource: r.id, kind: r.kind, name: r.name, namespace: r.namespace } : null;
    }),
  );

  connection.onRequest(
    ResourceDetailsRequest,
    guard('resourceDetails', null, (params: { resource: string }) => {
      const r = analysis?.workspace.resources.find((x) => x.id === params.resource);
      if (!analysis || !r || !isCurrent(r.file)) return null;
      const h = queries.hoverAt(analysis, r.file, (r.nameSpan ?? r.span).start, {
        linkTo,
        serviceCIDR: config.serviceCIDR,
      });
      return h ? { markdown: h.markdown } : null;
    }),
  );

  documents.listen(connection);
  connection.listen();
}

/**
 * Documents whose incremental changes are checked against the text before they are applied: a
 * range whose line lies past the end (a client bug, or a lost notification) would otherwise be
 * clamped and silently corrupt the server's copy. Such a change is refused and the document is
 * marked out of step; later incremental changes are refused too until a full-text change (or a
 * reopen) resynchronises it. Meanwhile the document keeps its last good text.
 */
function validatingDocuments(warn: (uri: string, why: string) => void): lsp.TextDocumentsConfiguration<TextDocument> {
  const outOfStep = new Set<string>();
  return {
    create: (uri, languageId, version, content) => {
      outOfStep.delete(uri);
      return TextDocument.create(uri, languageId, version, content);
    },
    update: (document, changes, version) => {
      const valid: typeof changes = [];
      let lineCount = document.lineCount;
      for (const change of changes) {
        if (!('range' in change) || change.range === undefined) {
          outOfStep.delete(document.uri);
          valid.length = 0;
          valid.push(change);
          lineCount = Number.MAX_SAFE_INTEGER; // the lines of the new full text are not counted here
          continue;
        }
        const { start, end } = change.range;
        const inside = (p: lsp.Position) =>
          Number.isInteger(p.line) &&
          Number.isInteger(p.character) &&
          p.line >= 0 &&
          p.character >= 0 &&
          p.line < lineCount;
        const ordered = start.line < end.line || (start.line === end.line && start.character <= end.character);
        if (outOfStep.has(document.uri) || !inside(start) || !inside(end) || !ordered) {
          if (!outOfStep.has(document.uri))
            warn(
              document.uri,
              `refused an edit at ${start.line}:${start.character}-${end.line}:${end.character} outside the document (${document.lineCount} lines); keeping the last good text until the client sends the full text`,
            );
          outOfStep.add(document.uri);
          continue;
        }
        valid.push(change);
        lineCount += change.text.split('\n').length - 1 - (end.line - start.line);
      }
      return TextDocument.update(document, valid, version);
    },
  };
}

const SEVERITY_RANK: Record<Diagnostic['severity'], number> = { error: 0, warning: 1, info: 2, hint: 3 };

/**
 * At most max diagnostics for one file: the most severe first (kept in order), and one summary in
 * place of the rest, so that a file with 130,000 duplicate keys costs the editor one bounded list.
 */
export function capped(
  list: readonly Diagnostic[],
  max: number,
): { kept: readonly Diagnostic[]; summary: lsp.Diagnostic | undefined } {
  if (list.length <= max) return { kept: list, summary: undefined };
  const room = Math.max(0, max - 1);
  // Counting sort by severity: the kept ones are the first `room` in (severity, order).
  const keep = new Set<Diagnostic>();
  for (let rank = 0; rank <= 3 && keep.size < room; rank++)
    for (const d of list) if (SEVERITY_RANK[d.severity] === rank && keep.size < room) keep.add(d);
  const hidden = { error: 0, warning: 0, info: 0, hint: 0 };
  const kept: Diagnostic[] = [];
  for (const d of list) {
    if (keep.has(d)) kept.push(d);
    else hidden[d.severity]++;
  }
  const summary: lsp.Diagnostic = {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: lsp.DiagnosticSeverity.Information,
    source: 'kube-traffic-lens',
    code: 'analysis-incomplete',
    message: `${list.length - kept.length} more diagnostics in this file are not shown (${hidden.error} errors, ${hidden.warning} warnings, ${hidden.info + hidden.hint} information; setting maxDiagnosticsPerFile is ${max}). The command line lists them all.`,
  };
  return { kept, summary };
}

/** A file the server could not read: said on the file, as the CLI warns about it. */
function unreadableNote(file: string, reason: string): Diagnostic {
  return {
    file,
    span: { start: 0, end: 0 },
    severity: 'info',
    rule: 'analysis-incomplete',
    related: [],
    message: `File not analysed: it cannot be read (${reason}).`,
  };
}

/**
 * Template files the engine set aside without a note of their own (`{{ }}` in a templates/
 * directory outside a Helm chart; a chart has one note, on its Chart.yaml): a note each, so that
 * what is not analysed shows in Problems and the status.
 */
function unnotedTemplates(a: Analysis): Diagnostic[] {
  const noted = new Set<string>();
  const charts: string[] = [];
  for (const d of a.diagnostics) {
    if (d.rule !== 'helm-template-skipped') continue;
    noted.add(d.file);
    if (d.file === 'Chart.yaml' || d.file.endsWith('/Chart.yaml')) charts.push(d.file.slice(0, -'Chart.yaml'.length));
  }
  const out: Diagnostic[] = [];
  for (const [file, f] of a.workspace.files) {
    if (f.role !== 'template' || noted.has(file) || charts.some((dir) => file.startsWith(dir))) continue;
    out.push({
      file,
      span: { start: 0, end: 0 },
      severity: 'info',
      rule: 'helm-template-skipped',
      related: [],
      message: 'File contains template syntax ({{ }}) and is not analysed until rendered.',
    });
  }
  return out;
}

/** VS Code settings: empty strings mean "not set". */
function settingsForEngine(raw: unknown): unknown {
  if (!raw || typeof raw !== 'object') return undefined;
  const r = { ...(raw as Record<string, unknown>) };
  for (const key of ['defaultNamespace', 'serviceCIDR', 'nodePortRange']) if (r[key] === '') delete r[key];
  if (Array.isArray(r.exclude) && r.exclude.length === 0) delete r.exclude;
  if (r.maxFileSize === null) delete r.maxFileSize;
  return r;
}
