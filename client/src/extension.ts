// The VS Code side of Kube Traffic Lens: starts the bundled language server, shows its log in the
// "Kube Traffic Lens" output channel and indexing state in the status bar, and contributes the
// commands. All analysis happens in the server; this file only wires VS Code to it.
import * as vscode from 'vscode';
import {
  LanguageClient,
  State,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { IndexStatusNotification, ResourceAtRequest, type IndexStatusParams } from '../../server/src/protocol';
import { registerRenderedManifests } from './renderedManifest';
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
    debug: {
      module: serverModule,
      transport: TransportKind.ipc,
      options: { execArgv: [...SERVER_EXEC_ARGV, '--nolazy', '--inspect=6019'] },
    },
  };
  const initializationOptions = {
    storagePath: context.storageUri?.fsPath,
    syntaxDiagnostics: vscode.extensions.getExtension('redhat.vscode-yaml') === undefined,
    // Untrusted (Restricted Mode): no helm, kubectl or kustomize process is started, and the
    // repository's settings file may only lower the work limits.
    workspaceTrusted: vscode.workspace.isTrusted,
  };
  // Trust granted: restart with charts rendered and the repository's settings applied in full.
  context.subscriptions.push(
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      initializationOptions.workspaceTrusted = true;
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
      // Chart templates, where an extension (vscode-kubernetes-tools) gives them a language of their own.
      { scheme: 'file', language: 'helm' },
    ],
    synchronize: { configurationSection: 'kubeTrafficLens' },
    outputChannel: output,
    // Red Hat's YAML extension already reports YAML syntax errors: do not report them twice.
    initializationOptions,
    middleware: {
      // Lenses that count locations peek them: the server sends VS Code's showReferences command
      // with protocol values, which the command needs as VS Code objects.
      provideCodeLenses: async (document, token, next) => {
        const lenses = await next(document, token);
        for (const lens of lenses ?? []) {
          const args = lens.command?.arguments;
          if (lens.command?.command !== 'editor.action.showReferences' || !args || !client) continue;
          const p2c = client.protocol2CodeConverter;
          lens.command.arguments = [
            vscode.Uri.parse(args[0] as string),
            p2c.asPosition(args[1]),
            (args[2] as Parameters<typeof p2c.asLocation>[0][]).map((l) => p2c.asLocation(l)),
          ];
        }
        return lenses;
      },
    },
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
    vscode.commands.registerCommand('kubeTrafficLens.showTrafficMapFullWidth', async () => {
      if (client) await TrafficMapPanel.showFullWidth(context, client);
    }),
    vscode.commands.registerCommand('kubeTrafficLens.showTraffic', async (resourceId?: unknown) => {
      if (!client) return;
      const id = typeof resourceId === 'string' ? resourceId : await resourceAtCursor();
      if (!id) {
        void vscode.window.showInformationMessage(
          'Kube Traffic Lens: put the cursor in a Kubernetes resource to show its traffic.',
        );
        return;
      }
      TrafficMapPanel.show(context, client, id);
    }),
    vscode.commands.registerCommand('kubeTrafficLens.exportTrafficMapSvg', async () => {
      if (!client) return;
      const panel = TrafficMapPanel.instance ?? TrafficMapPanel.show(context, client);
      const svg = await panel.exportSvg();
      const target = await vscode.window.showSaveDialog({
        filters: { SVG: ['svg'] },
        defaultUri: vscode.workspace.workspaceFolders?.[0]
          ? vscode.Uri.joinPath(vscode.workspace.workspaceFolders[0].uri, 'traffic-map.svg')
          : undefined,
      });
      if (target) await vscode.workspace.fs.writeFile(target, Buffer.from(svg, 'utf8'));
    }),
  );

  registerRenderedManifests(context, () => client);

  await client.start();
  client.onNotification(IndexStatusNotification, (p) => showIndexStatus(status, p));
}

/** Resources and skipped files; hidden where there is nothing Kubernetes to show. */
function showIndexStatus(status: vscode.StatusBarItem, p: IndexStatusParams): void {
  const skippedCount = p.skippedCount ?? 0;
  if (!p.indexing && p.resources === 0 && skippedCount === 0) {
    status.hide();
    return;
  }
  status.show();
  if (p.indexing) {
    status.text = `$(sync~spin) Kube Traffic Lens: ${p.files} files`;
    status.tooltip = 'Kube Traffic Lens: indexing manifests';
    return;
  }
  const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
  status.text = `$(type-hierarchy) ${plural(p.resources, 'resource')}${skippedCount ? ` · ${skippedCount} skipped` : ''}`;
  const tooltip = new vscode.MarkdownString(
    `Kube Traffic Lens: ${plural(p.resources, 'resource')} in ${plural(p.files, 'file')}`,
  );
  if (skippedCount) {
    tooltip.appendMarkdown(`\n\n**Not analysed** (${skippedCount}):\n`);
    for (const s of p.skipped ?? [])
      tooltip.appendMarkdown(
        `\n- ${escapeMarkdown(vscode.workspace.asRelativePath(s.path))}: ${escapeMarkdown(s.reason)}`,
      );
    if ((p.skipped?.length ?? 0) < skippedCount)
      tooltip.appendMarkdown(`\n- and ${skippedCount - (p.skipped?.length ?? 0)} more (see Problems)`);
  }
  status.tooltip = tooltip;
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}

/** `Kind/namespace/name` of the resource under the cursor, as the server's last analysis sees it. */
async function resourceAtCursor(): Promise<string | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || !client) return undefined;
  const at = await client
    .sendRequest(ResourceAtRequest, {
      textDocument: { uri: editor.document.uri.toString() },
      position: editor.selection.active,
    })
    .catch(() => null);
  return at?.resource;
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
