// The read-only view of a rendered Helm chart: a virtual document (URI scheme below) whose text the
// language server serves (`kubeTrafficLens/renderedManifest`), with the diagnostics found in that
// render underlined at their rendered places (decorations, so that Problems does not list them
// twice: they are already on the template lines). The command "Show Rendered Manifest" opens the
// render of the chart of the active file, at the rendered line of the cursor.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { RenderedManifestRequest, RenderedManifestsRequest, type RenderedManifest } from '../../server/src/protocol';

/** The server's toProto.ts writes related locations in this scheme: `<scheme>://render/<path>`. */
export const RENDERED_SCHEME = 'kube-traffic-lens-rendered';

export function registerRenderedManifests(
  context: vscode.ExtensionContext,
  client: () => LanguageClient | undefined,
): void {
  const latest = new Map<string, RenderedManifest>();
  const changed = new vscode.EventEmitter<vscode.Uri>();
  const errorDecoration = vscode.window.createTextEditorDecorationType({
    textDecoration: 'underline wavy var(--vscode-editorError-foreground)',
    overviewRulerColor: new vscode.ThemeColor('editorError.foreground'),
    overviewRulerLane: vscode.OverviewRulerLane.Right,
  });
  const warningDecoration = vscode.window.createTextEditorDecorationType({
    textDecoration: 'underline wavy var(--vscode-editorWarning-foreground)',
    overviewRulerColor: new vscode.ThemeColor('editorWarning.foreground'),
    overviewRulerLane: vscode.OverviewRulerLane.Right,
  });
  const infoDecoration = vscode.window.createTextEditorDecorationType({
    textDecoration: 'underline dotted var(--vscode-editorInfo-foreground)',
  });

  const decorate = (editor: vscode.TextEditor) => {
    if (editor.document.uri.scheme !== RENDERED_SCHEME) return;
    const manifest = latest.get(editor.document.uri.path);
    const of = (severity: string) =>
      (manifest?.diagnostics ?? [])
        .filter((d) => d.severity === severity)
        .map((d) => ({
          range: new vscode.Range(d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character),
          hoverMessage: new vscode.MarkdownString().appendText(`${d.message} (${d.rule})`),
        }));
    editor.setDecorations(errorDecoration, of('error'));
    editor.setDecorations(warningDecoration, of('warning'));
    editor.setDecorations(infoDecoration, [...of('info'), ...of('hint')]);
  };

  context.subscriptions.push(
    changed,
    errorDecoration,
    warningDecoration,
    infoDecoration,
    vscode.workspace.registerTextDocumentContentProvider(RENDERED_SCHEME, {
      onDidChange: changed.event,
      async provideTextDocumentContent(uri) {
        const manifest = await client()?.sendRequest(RenderedManifestRequest, { path: uri.path });
        if (!manifest) return '# This chart is not rendered now (see the Problems on its Chart.yaml).\n';
        latest.set(uri.path, manifest);
        setImmediate(() => vscode.window.visibleTextEditors.forEach(decorate));
        return manifest.text;
      },
    }),
    vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach(decorate)),
    vscode.commands.registerCommand('kubeTrafficLens.showRenderedManifest', async () => {
      const c = client();
      if (!c) return;
      const editor = vscode.window.activeTextEditor;
      const list = await c.sendRequest(RenderedManifestsRequest, {
        uri: editor?.document.uri.scheme === 'file' ? editor.document.uri.toString() : undefined,
        position: editor
          ? { line: editor.selection.active.line, character: editor.selection.active.character }
          : undefined,
      });
      if (!list || list.renders.length === 0) {
        void vscode.window.showInformationMessage(
          'Kube Traffic Lens: no Helm chart is rendered in this workspace (see the Problems on its Chart.yaml).',
        );
        return;
      }
      const own = list.at && list.renders.find((r) => r.path === list.at!.path);
      const pick =
        own ??
        (list.renders.length === 1
          ? list.renders[0]
          : await vscode.window
              .showQuickPick(
                list.renders.map((r) => ({ label: r.title, render: r })),
                { placeHolder: 'Rendered chart to show' },
              )
              .then((p) => p?.render));
      if (!pick) return;
      const uri = vscode.Uri.from({ scheme: RENDERED_SCHEME, authority: 'render', path: pick.path });
      changed.fire(uri); // show the latest render
      const doc = await vscode.workspace.openTextDocument(uri);
      const shown = await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
      const line = list.at?.path === pick.path ? list.at.line : undefined;
      if (line !== undefined) {
        shown.selection = new vscode.Selection(line, 0, line, 0);
        shown.revealRange(new vscode.Range(line, 0, line, 0), vscode.TextEditorRevealType.InCenter);
      }
      decorate(shown);
    }),
  );
}
