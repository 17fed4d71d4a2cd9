// The data the editor queries take and return, and the client command they name. Kept apart from
// index.ts so that the query modules import their result types without importing the module that
// imports them (no import cycle).
import type { Diagnostic } from '../diagnostics';
import type { Span } from '../text';

export interface SourceLocation {
  readonly file: string;
  readonly span: Span;
}

export interface QueryOptions {
  /** Makes a markdown link target for a location (the server turns it into a file URI with a line). */
  readonly linkTo: (file: string, span: Span) => string;
  /** Configured ranges (serviceCIDR) that address hovers compare against. */
  readonly serviceCIDR?: readonly string[];
}

export interface HoverResult {
  readonly markdown: string;
  /** The node the hover is about, for the editor's highlight. */
  readonly span: Span;
}

export type CompletionKind = 'service' | 'port' | 'port-name' | 'label-key' | 'label-value';

export interface CompletionEntry {
  readonly label: string;
  readonly kind: CompletionKind;
  readonly detail?: string;
  readonly documentation?: string;
  readonly insertText?: string;
  /** The text the completion replaces; the word at the cursor when absent. */
  readonly replace?: Span;
}

export interface TextEdit {
  readonly file: string;
  readonly span: Span;
  readonly newText: string;
}

export interface CodeActionResult {
  readonly title: string;
  readonly kind: 'quickfix';
  readonly diagnostic: Diagnostic | undefined;
  readonly edits: readonly TextEdit[];
  readonly isPreferred?: boolean;
}

export interface SymbolInfo {
  /** `Kind/name` for documents; the resource name for workspace symbols. */
  readonly name: string;
  readonly kind: string;
  readonly namespace: string | undefined;
  readonly file: string;
  readonly span: Span;
  readonly selectionSpan: Span;
}

export interface CodeLensResult {
  readonly span: Span;
  readonly title: string;
  /** The client command to run (`kubeTrafficLens.showTraffic` with the resource id), if any. */
  readonly command?: { readonly id: string; readonly arguments: readonly unknown[] };
  /** The locations the lens counts: clicking it peeks them (the language server makes the command). */
  readonly peek?: readonly SourceLocation[];
}

export const SHOW_TRAFFIC_COMMAND = 'kubeTrafficLens.showTraffic';
