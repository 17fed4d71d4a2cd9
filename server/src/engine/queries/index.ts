// Editor queries over an Analysis: plain data in (file path, offset), plain data out (markdown,
// spans). The language server converts these to LSP types; nothing here knows the protocol.
import { placeInFile, type Analysis } from '../analysis';
import type { Diagnostic } from '../diagnostics';
import type { Span } from '../text';
import { codeActions } from './actions';
import { completion } from './completion';
import { hover } from './hover';
import { codeLenses as lensesOf } from './lenses';
import {
  definition,
  documentSymbols as symbolsOfFile,
  references,
  workspaceSymbols as symbolsOfWorkspace,
} from './navigation';
import type {
  CodeActionResult,
  CodeLensResult,
  CompletionEntry,
  HoverResult,
  QueryOptions,
  SourceLocation,
  SymbolInfo,
} from './types';

export * from './types';

/*
 * The query API; each feature lives in its own module. Offsets in and out are file offsets: the
 * trees of a framed file (origin.ts) are in frames, so what a feature finds is resolved here (a
 * framed offset given in is taken as it is).
 */

/** A file's span in file offsets. */
function inFile(analysis: Analysis): (file: string, span: Span) => Span {
  return (file, span) => placeInFile(analysis, file, span).span;
}

function locationsInFile(analysis: Analysis, found: readonly SourceLocation[]): SourceLocation[] {
  const resolve = inFile(analysis);
  return found.map((l) => ({ ...l, span: resolve(l.file, l.span) }));
}

export function hoverAt(
  analysis: Analysis,
  file: string,
  offset: number,
  options: QueryOptions,
): HoverResult | undefined {
  const h = hover(analysis, file, offset, options);
  return h && { ...h, span: inFile(analysis)(file, h.span) };
}

export function definitionAt(analysis: Analysis, file: string, offset: number): SourceLocation[] {
  return locationsInFile(analysis, definition(analysis, file, offset));
}

export function referencesAt(
  analysis: Analysis,
  file: string,
  offset: number,
  includeDeclaration: boolean,
): SourceLocation[] {
  return locationsInFile(analysis, references(analysis, file, offset, includeDeclaration));
}

/** `text` is the current buffer, which may not parse; `analysis` is the last analysis of the workspace. */
export function completionAt(analysis: Analysis, file: string, offset: number, text: string): CompletionEntry[] {
  return completion(analysis, file, offset, text);
}

/** `text` is the file's current text (for the indentation of inserted lines). */
export function codeActionsAt(
  analysis: Analysis,
  file: string,
  span: Span,
  diagnostics: readonly Diagnostic[],
  text: string,
): CodeActionResult[] {
  return codeActions(analysis, file, span, diagnostics, text);
}

export function codeLenses(analysis: Analysis, file: string): CodeLensResult[] {
  const resolve = inFile(analysis);
  return lensesOf(analysis, file).map((l) => ({
    ...l,
    span: resolve(file, l.span),
    ...(l.peek ? { peek: locationsInFile(analysis, l.peek) } : {}),
  }));
}

function symbolsInFile(analysis: Analysis, symbols: readonly SymbolInfo[]): SymbolInfo[] {
  const resolve = inFile(analysis);
  return symbols.map((s) => ({ ...s, span: resolve(s.file, s.span), selectionSpan: resolve(s.file, s.selectionSpan) }));
}

export function documentSymbols(analysis: Analysis, file: string): SymbolInfo[] {
  return symbolsInFile(analysis, symbolsOfFile(analysis, file));
}

export function workspaceSymbols(analysis: Analysis, query: string): SymbolInfo[] {
  return symbolsInFile(analysis, symbolsOfWorkspace(analysis, query));
}
