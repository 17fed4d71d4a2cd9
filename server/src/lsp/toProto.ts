// Conversions between the engine's plain data (paths, offsets) and LSP types (URIs, positions).
// The only module besides server.ts that knows LSP types.
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as lsp from 'vscode-languageserver/node';
import { LineIndex, ruleDocsUrl, type Diagnostic, type Span } from '../engine';
import type { SymbolInfo } from '../engine/queries';

export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri).split('\\').join('/');
  } catch {
    return undefined;
  }
}

export function pathToUri(path: string): string {
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

const EMPTY_LINES = new LineIndex('');

export function diagnostic(d: Diagnostic, linesOf: (file: string) => LineIndex | undefined): lsp.Diagnostic | undefined {
  // A file skipped as too large has no text: its diagnostic sits at the start (offset 0).
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
    codeDescription: { href: ruleDocsUrl(d.rule) },
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
  if (['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod', 'ReplicationController'].includes(kind)) return lsp.SymbolKind.Class;
  return SYMBOL_KIND[kind] ?? lsp.SymbolKind.Struct;
}

export function documentSymbol(s: SymbolInfo, lines: LineIndex): lsp.DocumentSymbol {
  return { name: s.name, detail: s.namespace ? `namespace ${s.namespace}` : undefined, kind: symbolKind(s.kind), range: range(lines, s.span), selectionRange: range(lines, s.selectionSpan) };
}
