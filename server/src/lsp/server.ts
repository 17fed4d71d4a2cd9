// The language server: the wiring of its parts. WorkspaceFiles keeps the files (indexed folders,
// the disk mirror of open and changed documents, watched files), AnalysisScheduler decides when they
// are analysed (debounce, cancellation, warm-up, slices), DiagnosticsPublisher sends what changed,
// and the request handlers answer from the last completed analysis (LastAnalysis). toProto.ts
// shapes every LSP value. Each part gets the others it needs as objects; none shares variables.
import * as lsp from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Analyzer, LineIndex, type Analysis } from '../engine';
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
import { CONFIG_FILE_NAME } from '../node/readWorkspace';
import { HelmState } from './helmState';
import { indexWorkspace } from './indexing';
import { KustomizeRenders } from './kustomizeRenders';
import { LastAnalysis } from './lastAnalysis';
import { DiagnosticsPublisher } from './publisher';
import { RequestActivity } from './requestActivity';
import { AnalysisScheduler } from './scheduler';
import { ServerSettings } from './settings';
import { StartupCache } from './startupCache';
import * as proto from './toProto';
import { WorkspaceFiles } from './workspaceFiles';

export function startServer(): void {
  const connection = lsp.createConnection(lsp.ProposedFeatures.all);
  const console = connection.console;
  const documents = new lsp.TextDocuments(validatingDocuments((uri, why) => console.warn(`${uri}: ${why}`)));
  const analyzer = new Analyzer();
  let canRegisterWatchers = false;

  /** Rendered Helm charts (helmState.ts): their renders are analysed as files; never rendered untrusted. */
  const helm = new HelmState((message) => console.log(message));
  const settings = new ServerSettings(connection);
  const files = new WorkspaceFiles({
    documents,
    helm,
    settings,
    console,
    onReadBatch: (done) => publisher.indexingProgress(done),
    onChartFileChanged: () => scheduler.scheduleCharts(),
    onConfigFileChanged: () => {
      settings.loadFile(files.roots);
      void applyConfigChange();
    },
  });
  const publisher = new DiagnosticsPublisher({ connection, helm, settings, files });
  const activity = new RequestActivity();
  activity.listenForMessages();
  const last = new LastAnalysis(files);
  const cache = new StartupCache({ files, settings, publisher, console });
  const kustomize = new KustomizeRenders({ settings, files, console });
  const scheduler = new AnalysisScheduler({
    analyzer,
    files,
    settings,
    publisher,
    last,
    activity,
    kustomize,
    cache,
    console,
  });

  /** Runs a handler; an exception is logged and the request answered with the fallback. */
  function guard<P, R>(name: string, fallback: R, handler: (params: P) => R): (params: P) => R {
    return (params: P) => {
      activity.started();
      try {
        return handler(params);
      } catch (err) {
        console.error(`${name} failed: ${(err as Error)?.stack ?? String(err)}`);
        return fallback;
      } finally {
        activity.answered();
      }
    };
  }

  async function refreshConfig() {
    publisher.convertAllAgain(); // the cap or the filters may change: convert everything again
    await settings.refresh();
    files.forgetListedPaths();
  }

  connection.onInitialize((params) => {
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    files.roots = folders.map(proto.uriToPath).filter((p): p is string => p !== undefined);
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
    if (typeof options?.storagePath === 'string' && options.storagePath) cache.open(options.storagePath);
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
    settings.loadFile(files.roots);
    await refreshConfig();
    await indexWorkspace({ connection, files, helm, settings, scheduler, cache }).catch((err) =>
      console.error(`indexing failed: ${(err as Error)?.stack ?? String(err)}`),
    );
  });

  /** Settings changed: re-read the folders if what is read changed, then analyse again. */
  async function applyConfigChange() {
    const before = settings.listingKey();
    await refreshConfig();
    if (!files.indexing && settings.listingKey() !== before) {
      console.log('exclude or maxFileSize changed: listing the folders again');
      await files.readListing();
    }
    scheduler.schedule(0);
    scheduler.scheduleCharts();
  }

  connection.onDidChangeConfiguration(() => applyConfigChange());

  // The user trusted the workspace: charts are rendered now.
  connection.onNotification(WorkspaceTrustedNotification, () => {
    settings.workspaceTrusted = true;
    helm.trusted = true;
    scheduler.scheduleCharts();
  });

  // Excluded or non-manifest paths, and rewrites with the same text, cancel and cost nothing.
  // During indexing the first analysis is still to come and reads what changed.
  connection.onDidChangeWatchedFiles((params) => {
    if (files.applyWatchedChanges(params.changes) && !files.indexing) scheduler.schedule();
  });
  documents.onDidOpen((e) => files.documentOpened(e.document));
  documents.onDidChangeContent((e) => {
    if (files.documentChanged(e.document) && !files.indexing) scheduler.schedule();
  });
  documents.onDidClose((e) => {
    if (files.documentClosed(e.document) && !files.indexing) scheduler.schedule();
  });
  documents.onDidSave((e) => files.documentSaved(e.document));

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
    const a = last.analysis;
    if (!file || !a) return undefined;
    const lines = a.workspace.files.get(file)?.lines;
    if (!lines) return undefined;
    // Edited since the analysis (the next one is on its way): its offsets would point elsewhere.
    if (!acceptEdited && !last.isCurrent(file, uri)) return undefined;
    const text = last.analysedText(file) ?? '';
    return { a, file, lines, text };
  }

  /** A place to show the user: a rendered chart's is the template or values line that wrote it. */
  const sourceOf = <T extends { file: string; span: { start: number; end: number } }>(l: T): T => {
    const source = helm.locate(l.file, l.span);
    return source ? { ...l, file: source.file, span: source.span } : l;
  };
  const linesFor = (file: string) => helm.linesOf((f) => last.analysis?.workspace.files.get(f)?.lines)(file);

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
      if (!last.isCurrent(found.file)) return [];
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
      const a = last.analysis;
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
      const linesOf = (file: string) => (last.isCurrent(file) ? c.a.workspace.files.get(file)?.lines : undefined);
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
      const diagnostics = (last.analysis?.diagnostics ?? [])
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
      const lines = file ? last.analysis?.workspace.files.get(file)?.lines : undefined;
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
    guard('trafficMap', null, () => {
      const analysis = last.analysis;
      return analysis
        ? helm.trafficMap(
            buildTrafficMap(analysis, { ingressControllerNamespaces: settings.config.ingressControllerNamespaces }),
          )
        : null;
    }),
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
      const analysis = last.analysis;
      const r = analysis?.workspace.resources.find((x) => x.id === params.resource);
      if (!analysis || !r || !last.isCurrent(r.file)) return null;
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
