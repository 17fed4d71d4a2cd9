// What a request is answered from: the last completed analysis, seen from the request's document
// (nothing for a document edited since, whose offsets would point elsewhere), and the places an
// answer shows, moved from a rendered chart to the template or values line that wrote them.
import type * as lsp from 'vscode-languageserver/node';
import type { Analysis, AnalysisConfig, LineIndex } from '../engine';
import type { QueryOptions, SourceLocation } from '../engine/queries';
import type { HelmState } from './helmState';
import type { LastAnalysis } from './lastAnalysis';
import * as proto from './toProto';

/** A request's document in the last analysis. */
export interface DocumentAt {
  readonly a: Analysis;
  readonly file: string;
  readonly lines: LineIndex;
  /** The text the analysis read (joined on first use: most requests never ask, and a bundle's is megabytes). */
  readonly text: string;
}

export interface RequestContextParts {
  readonly last: LastAnalysis;
  readonly helm: HelmState;
  readonly settings: { readonly config: AnalysisConfig };
}

export class RequestContext {
  constructor(private readonly parts: RequestContextParts) {}

  /** The last completed analysis; undefined before the first. */
  get analysis(): Analysis | undefined {
    return this.parts.last.analysis;
  }

  /** Whether the last analysis read the file as it is now (its offsets are valid for it). */
  isCurrent(file: string, uri?: string): boolean {
    return this.parts.last.isCurrent(file, uri);
  }

  /**
   * The analysis and the file path for a request's document, when both are known and the document
   * is as the analysis read it (`acceptEdited`: also when it was edited since).
   */
  document(uri: string, acceptEdited = false): DocumentAt | undefined {
    const { last } = this.parts;
    const file = proto.uriToPath(uri);
    const a = last.analysis;
    if (!file || !a) return undefined;
    const lines = a.workspace.files.get(file)?.lines;
    if (!lines) return undefined;
    // Edited since the analysis (the next one is on its way): its offsets would point elsewhere.
    if (!acceptEdited && !last.isCurrent(file, uri)) return undefined;
    return {
      a,
      file,
      lines,
      get text() {
        return last.analysedText(file) ?? '';
      },
    };
  }

  /** A place to show the user: a rendered chart's is the template or values line that wrote it. */
  sourceOf<T extends SourceLocation>(l: T): T {
    const source = this.parts.helm.locate(l.file, l.span);
    return source ? { ...l, file: source.file, span: source.span } : l;
  }

  /** The lines of a file of the analysis, or of a chart's file. */
  linesFor(file: string): LineIndex | undefined {
    return this.parts.helm.linesOf((f) => this.parts.last.analysis?.workspace.files.get(f)?.lines)(file);
  }

  /** A link to a place, as hovers write it (the file's URI and its line). */
  readonly linkTo = (file: string, span: { start: number; end?: number }): string => {
    const at = this.sourceOf({ file, span: { start: span.start, end: span.end ?? span.start } });
    return proto.lineLink(at.file, this.linesFor(at.file), at.span.start);
  };

  /** What hovers need besides the analysis. */
  queryOptions(): QueryOptions {
    return { linkTo: this.linkTo, serviceCIDR: this.parts.settings.config.serviceCIDR };
  }

  /** A position on a chart's template line stands for the rendered node it wrote (definition, references). */
  renderedAt(c: { a: Analysis; file: string }, offset: number): { file: string; offset: number } {
    return (
      (c.a.workspace.files.get(c.file)?.role === 'template'
        ? this.parts.helm.toRendered(c.file, offset)
        : undefined) ?? {
        file: c.file,
        offset,
      }
    );
  }

  /** Found places as LSP locations; those in files edited since the analysis are left out. */
  locations(found: readonly SourceLocation[]): lsp.Location[] {
    return found.flatMap((f) => {
      if (!this.isCurrent(f.file)) return [];
      const l = this.sourceOf(f);
      const lines = this.linesFor(l.file);
      return lines ? [proto.location(l.file, lines, l.span)] : [];
    });
  }
}
