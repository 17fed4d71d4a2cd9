// Diagnostics with 1-based lines and columns, the form every CLI output format starts from.
import type { Analysis, Diagnostic } from '../../engine';

export interface LocatedDiagnostic {
  readonly diagnostic: Diagnostic;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

export function locate(analysis: Analysis): LocatedDiagnostic[] {
  return analysis.diagnostics.map((diagnostic) => {
    const lines = analysis.workspace.files.get(diagnostic.file)?.lines;
    const start = lines?.position(diagnostic.span.start) ?? { line: 0, character: 0 };
    const end = lines?.position(diagnostic.span.end) ?? start;
    return { diagnostic, line: start.line + 1, column: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1 };
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
