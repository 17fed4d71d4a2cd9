// The standard LSP requests (hover, definition, references, symbols, lenses, completion, code
// actions): one function each, over the last analysis as the request context sees it, calling the
// engine's queries and shaping the answer with toProto.
import type * as lsp from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import * as queries from '../engine/queries';
import type { HelmState } from './helmState';
import type { RequestActivity } from './requestActivity';
import type { RequestContext } from './requestContext';
import * as proto from './toProto';

export interface HandlerParts {
  readonly at: RequestContext;
  readonly helm: HelmState;
  /** The open documents' current texts (completion reads them, typing goes ahead of analysis). */
  readonly documents: Pick<lsp.TextDocuments<TextDocument>, 'get'>;
  /** A file's text now (open document, else disk): chart fixes check the text they replace. */
  readonly currentText: (file: string) => string | undefined;
}

/** Registers the standard requests' handlers, each inside the activity's guard. */
export function registerHandlers(connection: lsp.Connection, activity: RequestActivity, parts: HandlerParts): void {
  const guarded = <P, R>(name: string, fallback: R, handler: (parts: HandlerParts, params: P) => R) =>
    activity.guard(name, fallback, (params: P) => handler(parts, params));
  connection.onHover(guarded('hover', null, hover));
  connection.onDefinition(guarded('definition', [] as lsp.Location[], definition));
  connection.onReferences(guarded('references', [] as lsp.Location[], references));
  connection.onDocumentSymbol(guarded('documentSymbol', [] as lsp.DocumentSymbol[], documentSymbols));
  connection.onWorkspaceSymbol(guarded('workspaceSymbol', [] as lsp.SymbolInformation[], workspaceSymbols));
  connection.onCodeLens(guarded('codeLens', [] as lsp.CodeLens[], codeLenses));
  connection.onCompletion(guarded('completion', [] as lsp.CompletionItem[], completion));
  connection.onCodeAction(guarded('codeAction', [] as lsp.CodeAction[], codeActions));
}

export function hover({ at, helm }: HandlerParts, params: lsp.HoverParams): lsp.Hover | null {
  const c = at.document(params.textDocument.uri);
  if (!c) return null;
  const offset = c.lines.offset(params.position);
  // On a chart's template line: the hover of what it rendered to.
  const rendered = c.a.workspace.files.get(c.file)?.role === 'template' ? helm.toRendered(c.file, offset) : undefined;
  if (rendered) {
    const h = queries.hoverAt(c.a, rendered.file, rendered.offset, at.queryOptions());
    return h ? proto.hover(h.markdown) : null;
  }
  const h = queries.hoverAt(c.a, c.file, offset, at.queryOptions());
  return h ? proto.hover(h.markdown, proto.range(c.lines, h.span)) : null;
}

export function definition({ at }: HandlerParts, params: lsp.DefinitionParams): lsp.Location[] {
  const c = at.document(params.textDocument.uri);
  if (!c) return [];
  const rendered = at.renderedAt(c, c.lines.offset(params.position));
  return at.locations(queries.definitionAt(c.a, rendered.file, rendered.offset));
}

export function references({ at }: HandlerParts, params: lsp.ReferenceParams): lsp.Location[] {
  const c = at.document(params.textDocument.uri);
  if (!c) return [];
  const rendered = at.renderedAt(c, c.lines.offset(params.position));
  return at.locations(queries.referencesAt(c.a, rendered.file, rendered.offset, params.context.includeDeclaration));
}

export function documentSymbols({ at }: HandlerParts, params: lsp.DocumentSymbolParams): lsp.DocumentSymbol[] {
  const c = at.document(params.textDocument.uri);
  return c ? queries.documentSymbols(c.a, c.file).map((s) => proto.documentSymbol(s, c.lines)) : [];
}

export function workspaceSymbols({ at }: HandlerParts, params: lsp.WorkspaceSymbolParams): lsp.SymbolInformation[] {
  const a = at.analysis;
  if (!a) return [];
  return queries.workspaceSymbols(a, params.query).flatMap((s) => {
    const source = at.sourceOf({ file: s.file, span: s.selectionSpan });
    const lines = at.linesFor(source.file);
    return lines ? [proto.symbolInformation(s, source, lines)] : [];
  });
}

export function codeLenses({ at, helm }: HandlerParts, params: lsp.CodeLensParams): lsp.CodeLens[] {
  const c = at.document(params.textDocument.uri);
  if (!c) return [];
  // On a chart's template: the lenses of what it rendered to, on the lines that wrote them.
  const lenses =
    c.a.workspace.files.get(c.file)?.role === 'template'
      ? helm.rendersFor(c.file).flatMap((r) =>
          queries.codeLenses(c.a, r.path).flatMap((l) => {
            const source = helm.locate(r.path, l.span);
            return source?.file === c.file ? [{ ...l, span: source.span }] : [];
          }),
        )
      : queries.codeLenses(c.a, c.file);
  const linesOf = (file: string) => (at.isCurrent(file) ? c.a.workspace.files.get(file)?.lines : undefined);
  return lenses.flatMap((l) => proto.codeLens(l, c.file, linesOf) ?? []);
}

export function completion({ at, documents }: HandlerParts, params: lsp.CompletionParams): lsp.CompletionItem[] {
  // Completion reads the document's current text itself (typing goes ahead of analysis).
  const c = at.document(params.textDocument.uri, true);
  const doc = documents.get(params.textDocument.uri);
  if (!c || !doc) return [];
  const offset = doc.offsetAt(params.position);
  return queries
    .completionAt(c.a, c.file, offset, doc.getText())
    .map((e) => proto.completionItem(e, (o) => doc.positionAt(o)));
}

export function codeActions({ at, helm, currentText }: HandlerParts, params: lsp.CodeActionParams): lsp.CodeAction[] {
  const c = at.document(params.textDocument.uri);
  if (!c) return [];
  const sent = params.context.diagnostics;
  const ours = proto.diagnosticsSent(c.a.diagnostics, c.file, sent, c.lines);
  const span = { start: c.lines.offset(params.range.start), end: c.lines.offset(params.range.end) };
  const linesOf = (file: string) => c.a.workspace.files.get(file)?.lines;
  // On a chart's line: fixes of the rendered text, moved there when that is exact (helmState.ts).
  const shown = (rule: string, start: number) => proto.isSentAt(sent, rule, start, c.lines);
  const chartFixes = helm.codeActions(c.a, c.file, shown, currentText);
  return [...queries.codeActionsAt(c.a, c.file, span, ours, c.text), ...chartFixes].map((action) =>
    proto.codeAction(action, sent, c.lines, linesOf),
  );
}
