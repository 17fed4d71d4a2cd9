// Conversions between the engine's plain data (paths, offsets) and LSP types (URIs, positions).
// The only module besides server.ts that knows LSP types.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as lsp from 'vscode-languageserver/node';
import { LineIndex, ruleDocsUrl, type Diagnostic, type Span } from '../engine';
import { isRenderedPath } from '../engine/helm/rendered';
import type { CodeLensResult, SourceLocation, SymbolInfo } from '../engine/queries';
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
