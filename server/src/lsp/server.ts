// The language server: the wiring of its parts. WorkspaceFiles keeps the files (indexed folders,
// the disk mirror of open and changed documents, watched files), AnalysisScheduler decides when they
// are analysed (debounce, cancellation, warm-up, slices), DiagnosticsPublisher sends what changed,
// and the request handlers answer from the last completed analysis (LastAnalysis). toProto.ts
// shapes every LSP value. Each part gets the others it needs as objects; none shares variables.
import * as lsp from 'vscode-languageserver/node';
import { Analyzer } from '../engine';
import { WorkspaceTrustedNotification } from '../protocol';
import { CONFIG_FILE_NAME } from '../node/readWorkspace';
import { registerCustomHandlers } from './customHandlers';
import { validatingDocuments } from './documentSync';
import { registerHandlers } from './handlers';
import { HelmState } from './helmState';
import { indexWorkspace } from './indexing';
import { KustomizeRenders } from './kustomizeRenders';
import { LastAnalysis } from './lastAnalysis';
import { DiagnosticsPublisher } from './publisher';
import { RequestActivity } from './requestActivity';
import { RequestContext } from './requestContext';
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
  const helm = new HelmState(
    (message) => console.log(message),
    // Further value sets rendered after indexing: analyse them with the rest.
    () => !files.indexing && scheduler.schedule(0),
  );
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
  const activity = new RequestActivity(console);
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
    helm,
    console,
  });

  async function refreshConfig() {
    publisher.convertAllAgain(); // the cap or the filters may change: convert everything again
    await settings.refresh();
    files.forgetListedPaths();
  }

  connection.onInitialize((params) => {
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    files.roots = folders.map(proto.uriToPath).filter((p): p is string => p !== undefined);
    canRegisterWatchers = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    publisher.canRefreshCodeLenses = params.capabilities.workspace?.codeLens?.refreshSupport === true;
    settings.initialize(params);
    helm.trusted = settings.workspaceTrusted;
    if (settings.storagePath) cache.open(settings.storagePath);
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
    settings.trustWorkspace();
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

  const at = new RequestContext({ last, helm, settings });
  registerHandlers(connection, activity, { at, helm, documents, currentText: (f) => files.currentText(f) });
  registerCustomHandlers(connection, activity, { at, helm, settings });

  documents.listen(connection);
  connection.listen();
}
