// The VS Code side of Kube Traffic Lens: starts the bundled language server, shows its log in the
// "Kube Traffic Lens" output channel and indexing state in the status bar, and contributes the
// commands. All analysis happens in the server; this file only wires VS Code to it.
import * as vscode from 'vscode';
import { LanguageClient, State, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

const OUTPUT_CHANNEL_NAME = 'Kube Traffic Lens';
let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME, { log: true });
  const serverModule = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
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
    initializationOptions: { storagePath: context.storageUri?.fsPath },
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
      void vscode.window.showInformationMessage('The traffic map is not available in this build yet.');
    }),
    vscode.commands.registerCommand('kubeTrafficLens.showTraffic', () => {
      void vscode.window.showInformationMessage('The traffic map is not available in this build yet.');
    }),
    vscode.commands.registerCommand('kubeTrafficLens.exportTrafficMapSvg', () => {
      void vscode.window.showInformationMessage('The traffic map is not available in this build yet.');
    }),
  );

  await client.start();
  client.onNotification('kubeTrafficLens/indexStatus', (p: { resources: number; files: number; indexing: boolean }) => {
    status.text = p.indexing ? `$(sync~spin) Kube Traffic Lens: ${p.files} files` : `$(type-hierarchy) ${p.resources} resources`;
    status.tooltip = p.indexing ? 'Kube Traffic Lens: indexing manifests' : `Kube Traffic Lens: ${p.resources} resources in ${p.files} files`;
  });
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
