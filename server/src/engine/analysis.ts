// What an analysis produces, as a type: the loaded workspace, the traffic graph and the diagnostics.
// It lives below `analyze.ts` so that the consumers of a result (queries, the traffic map) need not
// import the module that computes it (the layer direction in ARCHITECTURE.md).
import type { Diagnostic } from './diagnostics';
import type { TrafficGraph } from './graph';
import { resolveSpan } from './origin';
import type { Span } from './text';
import type { LoadedWorkspace } from './workspace';

export interface Analysis {
  readonly workspace: LoadedWorkspace;
  readonly graph: TrafficGraph;
  readonly diagnostics: readonly Diagnostic[];
  /** Rules that threw; reported by adapters as internal errors, never fatal. */
  readonly ruleFailures: readonly { rule: string; resource: string; error: string }[];
  /** How many resource instances had their rules run (all of them on a first analysis). */
  readonly rulesRunFor: number;
  /** How many other instances had only their rules of workspace reach run again. */
  readonly wideRulesRunFor: number;
}

/**
 * Where a span of a resource of `file` lies, in file offsets: a node a kustomize patch brought is in
 * the patch file (`origins`, origin.ts `resolveSpan`), and a framed file's offsets are resolved
 * through its frames (origin.ts `Frames`). What the edges show; diagnostics and query results are
 * resolved already.
 */
export function placeInFile(
  analysis: Pick<Analysis, 'workspace'>,
  file: string,
  span: Span,
  origins?: readonly string[],
): { file: string; span: Span } {
  const at = resolveSpan(file, span, origins);
  const frames = analysis.workspace.files.get(at.file)?.frames;
  return frames ? { file: at.file, span: frames.absoluteSpan(at.span) } : at;
}
