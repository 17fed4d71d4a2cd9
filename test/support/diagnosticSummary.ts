// An analysis's diagnostics as comparable lines: where, how severe, which rule, what it says and
// what it points to. Tests that compare two ways of analysing the same files compare these.
import type { Analysis } from '../../server/src/engine';

export const diagnosticSummary = (a: Analysis): string[] =>
  a.diagnostics.map(
    (d) => `${d.file}:${d.span.start}-${d.span.end} ${d.severity} ${d.rule} ${d.message} ${JSON.stringify(d.related)}`,
  );
