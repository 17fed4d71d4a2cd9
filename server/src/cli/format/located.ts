// Diagnostics with 1-based lines and columns, the form every CLI output format starts from.
import { lineIndexesOf, type Analysis, type Diagnostic, type Position } from '../../engine';

export interface LocatedDiagnostic {
  readonly diagnostic: Diagnostic;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

/** Where an offset of a workspace file is, as a 0-based line and character. */
export type PositionOf = (file: string, offset: number) => Position;

export function positionsOf(analysis: Analysis): PositionOf {
  return (file, offset) => analysis.workspace.files.get(file)?.lines.position(offset) ?? { line: 0, character: 0 };
}

/** Positions from the files' texts, for results that were not computed in this run (the result cache). */
export function positionsFromTexts(texts: ReadonlyMap<string, string>): PositionOf {
  const linesOf = lineIndexesOf((file) => texts.get(file));
  return (file, offset) => linesOf(file)?.position(offset) ?? { line: 0, character: 0 };
}

export function locate(diagnostics: readonly Diagnostic[], positionOf: PositionOf): LocatedDiagnostic[] {
  return diagnostics.map((diagnostic) => {
    const start = positionOf(diagnostic.file, diagnostic.span.start);
    const end = positionOf(diagnostic.file, diagnostic.span.end);
    return {
      diagnostic,
      line: start.line + 1,
      column: start.character + 1,
      endLine: end.line + 1,
      endColumn: end.character + 1,
    };
  });
}

export interface Summary {
  readonly errors: number;
  readonly warnings: number;
  readonly infos: number;
}

export function summarize(diagnostics: readonly Diagnostic[]): Summary {
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  for (const d of diagnostics) {
    if (d.severity === 'error') errors++;
    else if (d.severity === 'warning') warnings++;
    else infos++;
  }
  return { errors, warnings, infos };
}
