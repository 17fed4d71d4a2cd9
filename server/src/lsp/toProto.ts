// Conversions between the engine's plain data (paths, offsets, query results) and LSP types (URIs,
// positions, diagnostics, hovers, completion items, code actions, symbols, lenses, and the payloads
// of protocol.ts that carry positions): every value the server sends that is made from engine data
// is shaped here, so the other modules of lsp/ only move engine data around.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as lsp from 'vscode-languageserver/node';
import { LineIndex, ruleDocsUrl, type Diagnostic, type Span } from '../engine';
import { isRenderedPath } from '../engine/helm/rendered';
import type {
  CodeActionResult,
  CodeLensResult,
  CompletionEntry,
  CompletionKind,
  SourceLocation,
  SymbolInfo,
} from '../engine/queries';
import type { ChartRender } from '../engine/helm';
import type { Resource } from '../engine/model/resource';
import type { RenderedManifest, RenderList, ResourceAtResult } from '../protocol';
import { RENDERED_SCHEME } from './helmState';

export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri).split('\\').join('/');
  } catch {
    return undefined;
  }
}

/** A file's URI; a rendered chart's is in the client's read-only view (RENDERED_SCHEME). */
export function pathToUri(path: string): string {
  if (isRenderedPath(path)) return `${RENDERED_SCHEME}://render${pathToFileURL(path).pathname}`;
  return pathToFileURL(path).href;
}

export function range(lines: LineIndex, span: Span): lsp.Range {
  return { start: lines.position(span.start), end: lines.position(span.end) };
}

/** A link to the line of an offset in a file (the first line when its lines are unknown), for Markdown. */
export function lineLink(file: string, lines: LineIndex | undefined, offset: number): string {
  const line = lines ? lines.position(offset).line + 1 : 1;
  return `${pathToUri(file)}#L${line}`;
}

export function location(file: string, lines: LineIndex, span: Span): lsp.Location {
  return { uri: pathToUri(file), range: range(lines, span) };
}

const SEVERITY: Record<Diagnostic['severity'], lsp.DiagnosticSeverity> = {
  error: lsp.DiagnosticSeverity.Error,
  warning: lsp.DiagnosticSeverity.Warning,
  info: lsp.DiagnosticSeverity.Information,
  hint: lsp.DiagnosticSeverity.Hint,
};

/**
 * The rule's docs page: the copy shipped beside the bundled server (dist/server.js -> docs/rules/,
 * in the .vsix), so that the link works offline and opens inside the editor; the web page when run
 * from elsewhere (tests from out/, a package without the docs).
 */
export function ruleDocsHref(rule: string): string {
  let href = bundledDocs.get(rule);
  if (href === undefined) {
    const file = path.join(__dirname, '..', 'docs', 'rules', `${rule}.md`);
    href = /^[a-z0-9-]+$/.test(rule) && fs.existsSync(file) ? pathToUri(file) : ruleDocsUrl(rule);
    bundledDocs.set(rule, href);
  }
  return href;
}
const bundledDocs = new Map<string, string>();

const EMPTY_LINES = new LineIndex('');

export function diagnostic(
  d: Diagnostic,
  linesOf: (file: string) => LineIndex | undefined,
): lsp.Diagnostic | undefined {
  // A skipped file (too large) was never read: its note sits at the start.
  const lines = linesOf(d.file) ?? (d.span.end === 0 ? EMPTY_LINES : undefined);
  if (!lines) return undefined;
  const related = d.related.flatMap((r) => {
    const rl = linesOf(r.file);
    return rl ? [{ location: { uri: pathToUri(r.file), range: range(rl, r.span) }, message: r.message }] : [];
  });
  return {
    range: range(lines, d.span),
    severity: SEVERITY[d.severity],
    code: d.rule,
    codeDescription: { href: ruleDocsHref(d.rule) },
    source: 'kube-traffic-lens',
    message: d.message,
    ...(related.length ? { relatedInformation: related } : {}),
    data: { rule: d.rule, start: d.span.start, end: d.span.end },
  };
}

const SYMBOL_KIND: Record<string, lsp.SymbolKind> = {
  Service: lsp.SymbolKind.Interface,
  Ingress: lsp.SymbolKind.Event,
  NetworkPolicy: lsp.SymbolKind.Key,
  Namespace: lsp.SymbolKind.Namespace,
  ConfigMap: lsp.SymbolKind.Object,
  Secret: lsp.SymbolKind.Object,
};

export function symbolKind(kind: string): lsp.SymbolKind {
  if (
    ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod', 'ReplicationController'].includes(
      kind,
    )
  )
    return lsp.SymbolKind.Class;
  return SYMBOL_KIND[kind] ?? lsp.SymbolKind.Struct;
}

export function documentSymbol(s: SymbolInfo, lines: LineIndex): lsp.DocumentSymbol {
  return {
    name: s.name,
    detail: s.namespace ? `namespace ${s.namespace}` : undefined,
    kind: symbolKind(s.kind),
    range: range(lines, s.span),
    selectionRange: range(lines, s.selectionSpan),
  };
}

/** The command VS Code peeks locations with; its client converts the arguments (extension.ts). */
export const PEEK_LOCATIONS_COMMAND = 'editor.action.showReferences';

/** A lens: its command runs the client's command, or peeks the locations it counts. */
export function codeLens(
  l: CodeLensResult,
  file: string,
  linesOf: (file: string) => LineIndex | undefined,
): lsp.CodeLens | undefined {
  const lines = linesOf(file);
  if (!lines) return undefined;
  const at = range(lines, l.span);
  if (l.command)
    return { range: at, command: { title: l.title, command: l.command.id, arguments: [...l.command.arguments] } };
  const locations = (l.peek ?? []).flatMap((p: SourceLocation) => {
    const pl = linesOf(p.file);
    return pl ? [{ uri: pathToUri(p.file), range: range(pl, p.span) }] : [];
  });
  if (locations.length === 0) return { range: at, command: { title: l.title, command: '' } };
  return {
    range: at,
    command: { title: l.title, command: PEEK_LOCATIONS_COMMAND, arguments: [pathToUri(file), at.start, locations] },
  };
}

/** A hover's Markdown; the range of the node it is about when that node is in the hovered document. */
export function hover(markdown: string, at?: lsp.Range): lsp.Hover {
  const contents = { kind: lsp.MarkupKind.Markdown, value: markdown };
  return at ? { contents, range: at } : { contents };
}

/** A workspace symbol at the place shown to the user (`at`, with that file's lines). */
export function symbolInformation(s: SymbolInfo, at: SourceLocation, lines: LineIndex): lsp.SymbolInformation {
  return {
    name: s.name,
    kind: symbolKind(s.kind),
    containerName: `${s.kind}${s.namespace ? ` · ${s.namespace}` : ''}`,
    location: location(at.file, lines, at.span),
  };
}

const COMPLETION_KIND: Record<CompletionKind, lsp.CompletionItemKind> = {
  service: lsp.CompletionItemKind.Reference,
  port: lsp.CompletionItemKind.Value,
  'port-name': lsp.CompletionItemKind.EnumMember,
  'label-key': lsp.CompletionItemKind.Property,
  'label-value': lsp.CompletionItemKind.Value,
};

/** A completion item; its edit is placed in the document's current text (which may be ahead of the analysis). */
export function completionItem(e: CompletionEntry, positionAt: (offset: number) => lsp.Position): lsp.CompletionItem {
  return {
    label: e.label,
    kind: COMPLETION_KIND[e.kind],
    detail: e.detail,
    ...(e.replace
      ? {
          textEdit: {
            range: { start: positionAt(e.replace.start), end: positionAt(e.replace.end) },
            newText: e.insertText ?? e.label,
          },
        }
      : { insertText: e.insertText }),
  };
}

/** Whether a diagnostic the client sent back (a code action's context) is this one of the engine's. */
function isSentAs(sent: lsp.Diagnostic, d: Diagnostic, lines: LineIndex): boolean {
  return sent.code === d.rule && lines.offset(sent.range.start) === d.span.start;
}

/** The engine's diagnostics of a file that the client sent in a code action's context (ours only). */
export function diagnosticsSent(
  all: readonly Diagnostic[],
  file: string,
  sent: readonly lsp.Diagnostic[],
  lines: LineIndex,
): Diagnostic[] {
  return all.filter(
    (d) => d.file === file && sent.some((pd) => pd.source === 'kube-traffic-lens' && isSentAs(pd, d, lines)),
  );
}

/**
 * A quick fix: its edits by document (files without lines are left out), and the diagnostic it
 * fixes as the client sent it.
 */
/** Whether the client shows our diagnostic of this rule starting at this offset. */
export function isSentAt(sent: readonly lsp.Diagnostic[], rule: string, start: number, lines: LineIndex): boolean {
  return sent.some(
    (pd) => pd.source === 'kube-traffic-lens' && pd.code === rule && lines.offset(pd.range.start) === start,
  );
}

export function codeAction(
  action: CodeActionResult,
  sent: readonly lsp.Diagnostic[],
  lines: LineIndex,
  linesOf: (file: string) => LineIndex | undefined,
): lsp.CodeAction {
  const changes: Record<string, lsp.TextEdit[]> = {};
  for (const e of action.edits) {
    const editLines = linesOf(e.file);
    if (!editLines) continue;
    (changes[pathToUri(e.file)] ??= []).push({ range: range(editLines, e.span), newText: e.newText });
  }
  const diagnostic = sent.find((pd) => action.diagnostic && isSentAs(pd, action.diagnostic, lines));
  return {
    title: action.title,
    kind: lsp.CodeActionKind.QuickFix,
    diagnostics: diagnostic ? [diagnostic] : undefined,
    isPreferred: action.isPreferred,
    edit: { changes },
  };
}

/**
 * The note that stands for the diagnostics of a file not sent (maxDiagnosticsPerFile), with how
 * many of each severity were left out.
 */
export function omittedSummary(
  omitted: number,
  hidden: Record<Diagnostic['severity'], number>,
  max: number,
): lsp.Diagnostic {
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: lsp.DiagnosticSeverity.Information,
    source: 'kube-traffic-lens',
    code: 'analysis-incomplete',
    message: `${omitted} more diagnostics in this file are not shown (${hidden.error} errors, ${hidden.warning} warnings, ${hidden.info + hidden.hint} information; setting maxDiagnosticsPerFile is ${max}). The command line lists them all.`,
  };
}

/** A diagnostic of a rendered chart at its rendered place, for the client's read-only view. */
export function renderedDiagnostic(d: Diagnostic, lines: LineIndex): RenderedManifest['diagnostics'][number] {
  return { range: range(lines, d.span), severity: d.severity, rule: d.rule, message: d.message };
}

export function resourceAt(r: Resource): ResourceAtResult {
  return { resource: r.id, kind: r.kind, name: r.name, namespace: r.namespace };
}

/** A render in the list of a chart's renders (one release and value set). */
export function renderListEntry(r: ChartRender): RenderList['renders'][number] {
  return { path: r.path, title: `${r.chartName}: release ${r.release} (${r.valueSet})` };
}
