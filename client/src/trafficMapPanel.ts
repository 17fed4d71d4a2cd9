// Hosts the traffic map webview: one panel, a strict Content-Security-Policy with a nonce, local
// resources limited to the extension's dist folder, and only known, validated messages accepted
// (a node can be revealed only if the server reported it, at the location the server gave).
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ResourceDetailsRequest, TrafficMapRequest } from '../../server/src/protocol';
import { isFromWebview, type ToWebview, type TrafficMap } from '../webview/model';

export class TrafficMapPanel {
  private static current: TrafficMapPanel | undefined;
  private map: TrafficMap | undefined;
  private ready = false;
  private pendingFocus: string | undefined;
  private svgRequest: ((svg: string) => void) | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  static show(
    context: vscode.ExtensionContext,
    client: LanguageClient,
    focus?: string,
    column: vscode.ViewColumn = vscode.ViewColumn.Beside,
    preserveFocus = true,
  ): TrafficMapPanel {
    if (TrafficMapPanel.current) {
      TrafficMapPanel.current.panel.reveal(column === vscode.ViewColumn.Beside ? undefined : column, preserveFocus);
      TrafficMapPanel.current.focus(focus);
      return TrafficMapPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(
      'kubeTrafficLens.trafficMap',
      'Traffic Map',
      { viewColumn: column, preserveFocus },
      {
        enableScripts: true,
        retainContextWhenHidden: true,
        localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist')],
      },
    );
    TrafficMapPanel.current = new TrafficMapPanel(panel, context, client);
    TrafficMapPanel.current.pendingFocus = focus;
    return TrafficMapPanel.current;
  }

  /**
   * The map alone in its own editor group, that group maximised (the other groups and the side
   * bars hidden until the user restores them), for maps too large for half a window.
   */
  static async showFullWidth(context: vscode.ExtensionContext, client: LanguageClient): Promise<TrafficMapPanel> {
    const current = TrafficMapPanel.current;
    // A map sharing a group with other editors moves to a group of its own first.
    if (
      current &&
      vscode.window.tabGroups.all.some(
        (g) =>
          g.tabs.length > 1 &&
          g.tabs.some(
            (t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('kubeTrafficLens.trafficMap'),
          ),
      )
    ) {
      current.panel.reveal(current.panel.viewColumn, false);
      await vscode.commands.executeCommand('workbench.action.moveEditorToNextGroup');
    }
    const shown = TrafficMapPanel.show(
      context,
      client,
      undefined,
      current ? (current.panel.viewColumn ?? vscode.ViewColumn.Beside) : vscode.ViewColumn.Beside,
      false,
    );
    shown.panel.reveal(shown.panel.viewColumn, false);
    // "View: Maximize Editor Group and Hide Side Bars": not a toggle, so running it twice is harmless.
    await vscode.commands
      .executeCommand('workbench.action.maximizeEditorHideSidebar')
      .then(undefined, () =>
        vscode.window.tabGroups.all.length > 1
          ? vscode.commands.executeCommand('workbench.action.toggleMaximizeEditorGroup')
          : undefined,
      );
    return shown;
  }

  static get instance(): TrafficMapPanel | undefined {
    return TrafficMapPanel.current;
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    context: vscode.ExtensionContext,
    private readonly client: LanguageClient,
  ) {
    panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'icon.png');
    panel.webview.html = this.html(panel.webview, context.extensionUri);
    panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
    panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m), undefined, this.disposables);
    // The map follows the workspace: every change of diagnostics means the analysis changed.
    vscode.languages.onDidChangeDiagnostics(() => this.scheduleRefresh(), undefined, this.disposables);
  }

  private html(webview: vscode.Webview, extensionUri: vscode.Uri): string {
    const nonce = randomBytes(16).toString('base64');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js'));
    const csp = [
      `default-src 'none'`,
      `img-src ${webview.cspSource} data:`,
      `style-src ${webview.cspSource} 'nonce-${nonce}'`,
      `script-src 'nonce-${nonce}'`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Traffic Map</title>
</head>
<body>
<div id="app"></div>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
  }

  focus(resource: string | undefined) {
    if (this.ready) void this.post({ type: 'focus', resource });
    else this.pendingFocus = resource;
  }

  private post(message: ToWebview) {
    return this.panel.webview.postMessage(message);
  }

  private scheduleRefresh() {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refresh(), 300);
  }

  async refresh() {
    const map = await this.client.sendRequest(TrafficMapRequest, {}).catch(() => null);
    if (!map) return;
    this.map = map;
    if (this.ready) void this.post({ type: 'map', map });
  }

  /** The map as SVG, drawn by the webview's renderer. */
  exportSvg(): Promise<string> {
    return new Promise((resolve) => {
      this.svgRequest = resolve;
      void this.post({ type: 'exportSvg' });
    });
  }

  private async receive(message: unknown) {
    if (!isFromWebview(message)) return; // only known commands
    switch (message.type) {
      case 'ready':
        this.ready = true;
        await this.refresh();
        if (this.pendingFocus !== undefined) void this.post({ type: 'focus', resource: this.pendingFocus });
        this.pendingFocus = undefined;
        break;
      case 'reveal': {
        // Only a node the server reported, at the location it reported.
        const node = this.map?.nodes.find((n) => n.id === message.nodeId);
        if (node?.file) await openAt(vscode.Uri.file(node.file), node.line ?? 1);
        break;
      }
      case 'details': {
        // The hover of a node's resource, for the side panel; only for a node the server reported.
        const node = this.map?.nodes.find((n) => n.id === message.nodeId);
        const details = node?.resource
          ? await this.client.sendRequest(ResourceDetailsRequest, { resource: node.resource }).catch(() => null)
          : null;
        void this.post({ type: 'details', nodeId: message.nodeId, markdown: details?.markdown });
        break;
      }
      case 'openLink': {
        // A link of the side panel's hover: only a file the map shows, at the line it names.
        const match = /^file:\/\/[^#]+(?:#L(\d+))?$/.exec(message.target);
        if (!match) return;
        const uri = vscode.Uri.parse(message.target.replace(/#.*$/, ''));
        if (!this.map?.nodes.some((n) => n.file !== undefined && vscode.Uri.file(n.file).fsPath === uri.fsPath)) return;
        await openAt(uri, Number(match[1] ?? 1));
        break;
      }
      case 'painted': // measured by the tests and benchmarks, through the page
        break;
      case 'svg':
        this.svgRequest?.(message.svg);
        this.svgRequest = undefined;
        break;
    }
  }

  private dispose() {
    TrafficMapPanel.current = undefined;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.disposables.forEach((d) => d.dispose());
  }
}

/** Opens a file in the first editor group with the cursor at the start of a 1-based line. */
async function openAt(uri: vscode.Uri, line: number) {
  const editor = await vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.One, preserveFocus: false });
  const start = new vscode.Position(Math.max(0, line - 1), 0);
  editor.selection = new vscode.Selection(start, start);
  editor.revealRange(new vscode.Range(start, start), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}
