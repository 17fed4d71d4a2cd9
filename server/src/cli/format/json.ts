// The stable JSON report (version 1). Field names and order are an interface: CI scripts parse them.
import type { LocatedDiagnostic } from './located';

export interface JsonReport {
  readonly version: 1;
  readonly files: number;
  readonly resources: number;
  readonly diagnostics: readonly {
    file: string;
    line: number;
    column: number;
    endLine: number;
    endColumn: number;
    severity: string;
    rule: string;
    message: string;
    resource?: string;
  }[];
}

export function formatJson(located: readonly LocatedDiagnostic[], resources: number, files: number): string {
  return JSON.stringify(jsonReport(located, resources, files), null, 2) + '\n';
}

/** The report `--format json` prints, as data. */
export function jsonReport(located: readonly LocatedDiagnostic[], resources: number, files: number): JsonReport {
  return {
    version: 1,
    files,
    resources,
    diagnostics: located.map(({ diagnostic: d, line, column, endLine, endColumn }) => ({
      file: d.file,
      line,
      column,
      endLine,
      endColumn,
      severity: d.severity,
      rule: d.rule,
      message: d.message,
      ...(d.resource ? { resource: d.resource } : {}),
    })),
  };
}
