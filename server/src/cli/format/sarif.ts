// SARIF 2.1.0 for GitHub code scanning. (Placeholder: filled in with rule metadata below.)
import type { Analysis } from '../../engine';
import type { LocatedDiagnostic } from './located';

export function formatSarif(_located: readonly LocatedDiagnostic[], _analysis: Analysis): string {
  throw new Error('SARIF output is not implemented yet');
}
