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
  analyze,
  Analyzer,
  CANCELLED,
  LineIndex,
  lineIndexesOf,
  type Analysis,
  type AnalysisConfig,
  type RenderedBuild,
} from '../engine';
import { isKustomizationFile } from '../engine/kustomize';
import { renderKustomizations } from '../node/kustomizeRenderer';
import { buildTrafficMap } from '../engine/paths';
import * as queries from '../engine/queries';
import { locate } from '../engine/queries/locate';
import {
  ResourceAtRequest,
  ResourceDetailsRequest,
  TrafficMapRequest,
  RenderedManifestRequest,
  RenderedManifestsRequest,
  WorkspaceTrustedNotification,
} from '../protocol';
import type { FileParser, SkippedFile, WorkspaceFile } from '../engine/workspace';
import { AnalysisCache, cachedResultOf } from '../node/analysisCache';
import { CONFIG_FILE_NAME, decode } from '../node/readWorkspace';
import { readRegularFile } from '../node/safeRead';
import { ENGINE_WARM_UP, HelmState } from './helmState';
import { ServerSettings } from './settings';
import { WorkspaceFiles } from './workspaceFiles';
import * as proto from './toProto';
import { DiagnosticsPublisher, withTemplateNotes } from './publisher';

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
  /** Exact mode's rendered builds, kept while the files of kustomize folders are unchanged. */
  let renderedFor:
    { key: string; config: AnalysisConfig; rendered: ReadonlyMap<string, RenderedBuild> | undefined } | undefined;
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
  let timer: NodeJS.Timeout | undefined;
  let canRegisterWatchers = false;
  /** The persistent cache in the client's storage (initializationOptions.storagePath), if given. */
  let cache: AnalysisCache | undefined;
  /** The parser of the next analysis: the cache's for the first one, then the Analyzer's own. */
  let parseForNextRun: FileParser | undefined;

  const log = (message: string) => connection.console.log(message);
  /** Rendered Helm charts (helmState.ts): their renders are analysed as files; never rendered untrusted. */
  const helm = new HelmState(log);
  const settings = new ServerSettings(connection);
  const workspaceFiles = new WorkspaceFiles({
    documents,
    helm,
    settings,
    console: connection.console,
    onReadBatch: (done) => publisher.indexingProgress(done),
    onChartFileChanged: () => scheduleHelm(),
    onConfigFileChanged: () => {
      settings.loadFile(workspaceFiles.roots);
      void applyConfigChange();
    },
  });
  const publisher = new DiagnosticsPublisher({ connection, helm, settings, files: workspaceFiles });
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

  /** Whether the last analysis read the file as it is now (its offsets are valid for it). */
  function isCurrent(file: string, uri?: string): boolean {
    const text = analysedText(file);
    return text !== undefined && text === workspaceFiles.currentText(file, uri);
  }

  /**
   * Exact mode (kubeTrafficLens.kustomize.renderer): kustomize builds rendered by the binary, only in
   * a trusted workspace; rendered again when a file of a kustomize folder changes.
   */
  function renderedBuilds(files: readonly WorkspaceFile[]): ReadonlyMap<string, RenderedBuild> | undefined {
    const config = settings.config;
    if (config.kustomizeRenderer === 'builtin') return undefined;
    if (!settings.workspaceTrusted) {
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
    const result = renderKustomizations(relevant, workspaceFiles.roots[0] ?? process.cwd(), config, [
      path.resolve(__dirname, '..'),
      ...workspaceFiles.roots,
    ]);
    for (const p of result.problems) connection.console.warn(`kustomize ${p}`);
    renderedFor = { key, config, rendered: result.rendered };
    return result.rendered;
  }

  /** One analysis for the current generation, in slices; stops when a newer change comes. */
  async function reanalyse(): Promise<void> {
    const mine = generation;
    const { files, skipped, paths: filePaths } = workspaceFiles.current();
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
      { files, skipped, config: settings.config, parse, rendered: renderedBuilds(files) },
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
    const diagnostics = withTemplateNotes(result);
    publisher.publish(
      diagnostics,
      (file) => result.workspace.files.get(file)?.lines,
      analysedText,
      result.workspace.resources,
    );
    lastPublishedAt = performance.now();
    publisher.refreshCodeLenses();
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
          await analyzer.runAsync({ files: warm, skipped, config: settings.config }, inSlices);
        }
      } catch (err) {
        // Only a warm-up: indexing is done whatever happened to it.
        connection.console.error(`warm-up analysis failed: ${(err as Error)?.stack ?? String(err)}`);
      }
      collectIndexingGarbage();
    }
    publisher.analysisStatus({
      diagnostics,
      resources: result.workspace.resources.length,
      files: files.length,
      indexing: workspaceFiles.indexing,
      cancelledAnalyses,
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

  async function refreshConfig() {
    publisher.convertAllAgain();
    await settings.refresh();
    workspaceFiles.forgetListedPaths();
  }

  async function indexWorkspace() {
    const progress = await connection.window.createWorkDoneProgress().catch(() => undefined);
    progress?.begin('Kube Traffic Lens: indexing manifests', 0, 'listing files', false);
    // Charts are rendered as soon as they are listed: helm runs in processes of its own while the
    // files are read, and meanwhile what was read is analysed, unpublished, so that the first
    // published analysis (with the renders) finds the engine warm and the readings made.
    let rendering: Promise<boolean> = Promise.resolve(false);
    await workspaceFiles.readListing(progress, (listed) => {
      const chartFiles = [...listed].filter((p) => ['Chart.yaml', 'requirements.yaml'].includes(path.basename(p)));
      rendering = workspaceFiles.renderCharts(
        chartFiles.flatMap((p) => {
          try {
            const read = readRegularFile(p, settings.config.maxFileSize);
            return read.buffer ? [{ path: p, text: decode(read.buffer) }] : [];
          } catch {
            return [];
          }
        }),
      );
    });
    if (helm.rendering) {
      try {
        const { files, skipped } = workspaceFiles.current();
        const before = await analyzer.runAsync(
          { files, skipped, config: settings.config },
          { sliceMs: SLICE_MS, isCancelled: () => false, isBusy: () => answering > 0 },
        );
        // A workspace of charts only has nothing to analyse yet: a small sample compiles the engine's code.
        if (before === CANCELLED || before.workspace.resources.length === 0)
          analyze({ files: ENGINE_WARM_UP, config: settings.config });
      } catch (err) {
        connection.console.error(`analysis while rendering failed: ${(err as Error)?.stack ?? String(err)}`);
      }
    }
    await rendering;
    workspaceFiles.indexing = false;
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
    const { files, skipped } = workspaceFiles.current();
    const result = store.loadResult(store.fingerprint(files, skipped, settings.config));
    if (!result) return;
    const texts = new Map(files.map((f) => [f.path, f.text]));
    const textOf = (file: string) => texts.get(file);
    publisher.publish(result.diagnostics, lineIndexesOf(textOf), textOf);
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
        store.saveResult(store.fingerprint(files, skipped, settings.config), cachedResultOf(a));
        store.saveParsed();
        log(
          `cache: ${store.hits} files read back, ${store.misses} parsed${store.writeError ? `; cannot write ${store.dir} (${store.writeError})` : ''}`,
        );
      } catch (err) {
        connection.console.error(`cache not saved: ${(err as Error)?.stack ?? String(err)}`);
      }
    });
  }

  /** A chart's file changed: render again after a short wait, then analyse if a render changed. */
  function scheduleHelm() {
    if (helmTimer) clearTimeout(helmTimer);
    helmTimer = setTimeout(() => {
      helmTimer = undefined;
      if (workspaceFiles.indexing) return;
      void workspaceFiles.renderCharts().then((changed) => {
        if (changed) schedule(0);
      });
    }, 200);
  }

  connection.onInitialize((params) => {
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    workspaceFiles.roots = folders.map(proto.uriToPath).filter((p): p is string => p !== undefined);
    canRegisterWatchers = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    settings.canReadConfiguration = params.capabilities.workspace?.configuration === true;
    publisher.canRefreshCodeLenses = params.capabilities.workspace?.codeLens?.refreshSupport === true;
    const options = params.initializationOptions as
      { syntaxDiagnostics?: unknown; storagePath?: unknown; workspaceTrusted?: unknown } | undefined;
    // VS Code says whether the workspace is trusted (Restricted Mode): then no helm, kubectl or
    // kustomize process is started and the repository's settings file may only lower limits. Other
    // editors have no such notion and pass nothing: their user opened the folder on purpose.
    settings.workspaceTrusted = options?.workspaceTrusted !== false;
    helm.trusted = settings.workspaceTrusted;
    settings.syntaxDiagnostics = options?.syntaxDiagnostics !== false;
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
    settings.loadFile(workspaceFiles.roots);
    await refreshConfig();
    await indexWorkspace().catch((err) =>
      connection.console.error(`indexing failed: ${(err as Error)?.stack ?? String(err)}`),
    );
  });

  /** Settings changed: re-read the folders if what is read changed, then analyse again. */
  async function applyConfigChange() {
    const before = settings.listingKey();
    await refreshConfig();
    if (!workspaceFiles.indexing && settings.listingKey() !== before) {
      log('exclude or maxFileSize changed: listing the folders again');
      await workspaceFiles.readListing();
    }
    schedule(0);
    scheduleHelm();
  }

  connection.onDidChangeConfiguration(() => applyConfigChange());

  // The user trusted the workspace: charts are rendered now.
  connection.onNotification(WorkspaceTrustedNotification, () => {
    settings.workspaceTrusted = true;
    helm.trusted = true;
    scheduleHelm();
  });

  connection.onDidChangeWatchedFiles((params) => {
    // During indexing the first analysis is still to come and reads what changed.
    if (workspaceFiles.applyWatchedChanges(params.changes) && !workspaceFiles.indexing) schedule();
  });
  documents.onDidOpen((e) => workspaceFiles.documentOpened(e.document));
  documents.onDidChangeContent((e) => {
    if (workspaceFiles.documentChanged(e.document) && !workspaceFiles.indexing) schedule();
  });
  documents.onDidClose((e) => {
    if (workspaceFiles.documentClosed(e.document) && !workspaceFiles.indexing) schedule();
  });
  documents.onDidSave((e) => workspaceFiles.documentSaved(e.document));

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
        const h = queries.hoverAt(c.a, rendered.file, rendered.offset, {
          linkTo,
          serviceCIDR: settings.config.serviceCIDR,
        });
        return h ? proto.hover(h.markdown) : null;
      }
      const h = queries.hoverAt(c.a, c.file, offset, { linkTo, serviceCIDR: settings.config.serviceCIDR });
      return h ? proto.hover(h.markdown, proto.range(c.lines, h.span)) : null;
    }),
  );

  const toLocations = (locations: queries.SourceLocation[]): lsp.Location[] =>
    locations.flatMap((found) => {
      if (!isCurrent(found.file)) return [];
      const l = sourceOf(found);
      const lines = linesFor(l.file);
      return lines ? [proto.location(l.file, lines, l.span)] : [];
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
        return lines ? [proto.symbolInformation(s, at, lines)] : [];
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
      return queries
        .completionAt(c.a, c.file, offset, doc.getText())
        .map((e) => proto.completionItem(e, (o) => doc.positionAt(o)));
    }),
  );

  connection.onCodeAction(
    guard('codeAction', [] as lsp.CodeAction[], (params: lsp.CodeActionParams) => {
      const c = context(params.textDocument.uri);
      if (!c) return [];
      const sent = params.context.diagnostics;
      const ours = proto.diagnosticsSent(c.a.diagnostics, c.file, sent, c.lines);
      const span = { start: c.lines.offset(params.range.start), end: c.lines.offset(params.range.end) };
      const linesOf = (file: string) => c.a.workspace.files.get(file)?.lines;
      return queries
        .codeActionsAt(c.a, c.file, span, ours, c.text)
        .map((action) => proto.codeAction(action, sent, c.lines, linesOf));
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
        .map((d) => proto.renderedDiagnostic(d, lines));
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
            buildTrafficMap(analysis, { ingressControllerNamespaces: settings.config.ingressControllerNamespaces }),
          )
        : null,
    ),
  );

  connection.onRequest(
    ResourceAtRequest,
    guard('resourceAt', null, (params: lsp.TextDocumentPositionParams) => {
      const c = context(params.textDocument.uri);
      const r = c && locate(c.a, c.file, c.lines.offset(params.position))?.resource;
      return r ? proto.resourceAt(r) : null;
    }),
  );

  connection.onRequest(
    ResourceDetailsRequest,
    guard('resourceDetails', null, (params: { resource: string }) => {
      const r = analysis?.workspace.resources.find((x) => x.id === params.resource);
      if (!analysis || !r || !isCurrent(r.file)) return null;
      const h = queries.hoverAt(analysis, r.file, (r.nameSpan ?? r.span).start, {
        linkTo,
        serviceCIDR: settings.config.serviceCIDR,
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
