// Editor queries over an Analysis: plain data in (file path, offset), plain data out (markdown,
// spans). The language server converts these to LSP types; nothing here knows the protocol.
import type { Analysis } from '../analysis';
import type { Diagnostic } from '../diagnostics';
import type { Span } from '../text';
import { codeActions } from './actions';
import { completion } from './completion';
import { hover } from './hover';
import { codeLenses } from './lenses';
import { definition, documentSymbols, references, workspaceSymbols } from './navigation';
import type { CodeActionResult, CompletionEntry, HoverResult, QueryOptions, SourceLocation } from './types';

export * from './types';

/* The query API; each feature lives in its own module. */

export function hoverAt(
  analysis: Analysis,
  file: string,
  offset: number,
  options: QueryOptions,
): HoverResult | undefined {
  return hover(analysis, file, offset, options);
}

export function definitionAt(analysis: Analysis, file: string, offset: number): SourceLocation[] {
  return definition(analysis, file, offset);
}

export function referencesAt(
  analysis: Analysis,
  file: string,
  offset: number,
  includeDeclaration: boolean,
): SourceLocation[] {
  return references(analysis, file, offset, includeDeclaration);
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

export { codeLenses, documentSymbols, workspaceSymbols };
