// The VS Code side of Kube Traffic Lens: starts the bundled language server, shows its log in the
// "Kube Traffic Lens" output channel and indexing state in the status bar, and contributes the
// commands. All analysis happens in the server; this file only wires VS Code to it.
import * as vscode from 'vscode';
import { LanguageClient, State, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { TrafficMapPanel } from './trafficMapPanel';

const OUTPUT_CHANNEL_NAME = 'Kube Traffic Lens';
/**
 * The server is long-lived and holds every file's reading: a small young generation and a heap
 * that grows by a quarter past what is live at each full collection (V8's defaults let it double
 * or more) keep its resident memory near the live heap. One V8 helper thread instead of four: the
 * server is a background process sharing the cores with the editor, and on two cores the parallel
 * collections' helpers lengthened the pauses that delay a hover during a full re-analysis (p99 of
 * the 1 ms analysis slices 8 -> 4 ms; npm run bench:lsp). Electron's run-as-node (VS Code
 * desktop) parses Node's options, so it accepts this one, but sizes its own V8 platform: there it
 * changes nothing.
 */
const SERVER_EXEC_ARGV = ['--max-semi-space-size=4', '--heap-growing-percent=25', '--v8-pool-size=1'];
let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME, { log: true });
  const serverModule = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: SERVER_EXEC_ARGV } },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: [...SERVER_EXEC_ARGV, '--nolazy', '--inspect=6019'] } },
  };
  const initializationOptions = {
    storagePath: context.storageUri?.fsPath,
    syntaxDiagnostics: vscode.extensions.getExtension('redhat.vscode-yaml') === undefined,
    trusted: vscode.workspace.isTrusted,
  };
  // Trust granted: restart with the repository's settings applied in full.
  context.subscriptions.push(
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      initializationOptions.trusted = true;
      void client?.restart();
    }),
  );
  const clientOptions: LanguageClientOptions = {
    // Manifests are YAML (and sometimes JSON); the server decides which documents are Kubernetes
    // objects and never reports on the others.
    documentSelector: [
      { scheme: 'file', language: 'yaml' },
      { scheme: 'file', language: 'json' },
      { scheme: 'untitled', language: 'yaml' },
    ],
    synchronize: { configurationSection: 'kubeTrafficLens' },
    outputChannel: output,
    // Red Hat's YAML extension already reports YAML syntax errors: do not report them twice.
    // In Restricted Mode the server bounds what the repository's settings file may ask for.
    initializationOptions,
  };
  client = new LanguageClient('kubeTrafficLens', OUTPUT_CHANNEL_NAME, serverOptions, clientOptions);

  const status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 10);
  status.name = OUTPUT_CHANNEL_NAME;
  status.text = '$(sync~spin) Kube Traffic Lens';
  status.tooltip = 'Kube Traffic Lens: indexing manifests';
  status.command = 'kubeTrafficLens.showTrafficMap';
  status.show();
  context.subscriptions.push(status, output);

  client.onDidChangeState((e) => {
    if (e.newState === State.Stopped) {
      status.text = '$(error) Kube Traffic Lens';
      status.tooltip = 'Kube Traffic Lens: the language server stopped. Run "Kube Traffic Lens: Restart Server".';
    }
  });

  context.subscriptions.push(
    vscode.commands.registerCommand('kubeTrafficLens.restartServer', async () => {
      await client?.restart();
    }),
    vscode.commands.registerCommand('kubeTrafficLens.showTrafficMap', () => {
      if (client) TrafficMapPanel.show(context, client);
    }),
    vscode.commands.registerCommand('kubeTrafficLens.showTraffic', async (resourceId?: unknown) => {
      if (!client) return;
      const id = typeof resourceId === 'string' ? resourceId : await resourceAtCursor();
      if (!id) {
        void vscode.window.showInformationMessage('Kube Traffic Lens: put the cursor in a Kubernetes resource to show its traffic.');
        return;
      }
      TrafficMapPanel.show(context, client, id);
    }),
    vscode.commands.registerCommand('kubeTrafficLens.exportTrafficMapSvg', async () => {
      if (!client) return;
      const panel = TrafficMapPanel.instance ?? TrafficMapPanel.show(context, client);
      const svg = await panel.exportSvg();
      const target = await vscode.window.showSaveDialog({ filters: { SVG: ['svg'] }, defaultUri: vscode.workspace.workspaceFolders?.[0] ? vscode.Uri.joinPath(vscode.workspace.workspaceFolders[0].uri, 'traffic-map.svg') : undefined });
      if (target) await vscode.workspace.fs.writeFile(target, Buffer.from(svg, 'utf8'));
    }),
  );

  await client.start();
  client.onNotification('kubeTrafficLens/indexStatus', (p: { resources: number; files: number; indexing: boolean }) => {
    status.text = p.indexing ? `$(sync~spin) Kube Traffic Lens: ${p.files} files` : `$(type-hierarchy) ${p.resources} resources`;
    status.tooltip = p.indexing ? 'Kube Traffic Lens: indexing manifests' : `Kube Traffic Lens: ${p.resources} resources in ${p.files} files`;
  });
}

/** `Kind/namespace/name` of the resource under the cursor, from the server's document symbols. */
async function resourceAtCursor(): Promise<string | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return undefined;
  const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', editor.document.uri);
  const symbol = symbols?.find((s) => s.range.contains(editor.selection.active) && s.name.includes('/'));
  if (!symbol) return undefined;
  const [kind, name] = symbol.name.split('/');
  const namespace = symbol.detail?.startsWith('namespace ') ? symbol.detail.slice('namespace '.length) : undefined;
  return namespace ? `${kind}/${namespace}/${name}` : `${kind}/${name}`;
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
