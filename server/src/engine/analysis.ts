// What an analysis produces, as a type: the loaded workspace, the traffic graph and the diagnostics.
// It lives below `analyze.ts` so that the consumers of a result (queries, the traffic map) need not
// import the module that computes it (the layer direction in ARCHITECTURE.md).
import type { Diagnostic } from './diagnostics';
import type { TrafficGraph } from './graph';
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
