// The contract every rule follows: metadata (id, default severity, description, remediation) and
// checks per typed view (rules/views.ts) that may consult the whole graph and report at exact spans.
import type { AnalysisConfig, Severity } from '../config';
import type { TrafficGraph } from '../graph';
import type { Resource } from '../model/resource';
import type { Span } from '../text';
import type { RuleViews, ViewName } from './views';

export interface RelatedRef {
  readonly resource: Resource;
  /** Defaults to the resource's name (or kind) when not given. */
  readonly span?: Span;
  readonly message: string;
}

export interface Report {
  readonly span: Span;
  readonly message: string;
  /**
   * The certainty of this finding when it differs from the rule's default: rules grade down to
   * `info` what is plausible but cannot be known (pods or Services may come from elsewhere).
   */
  readonly severity?: Severity;
  readonly related?: readonly RelatedRef[];
}

export interface RuleContext {
  readonly graph: TrafficGraph;
  readonly config: AnalysisConfig;
  report(report: Report): void;
}

/**
 * A rule's checks by the view they judge: `workload(ctx, workload)` runs on every resource that has
 * a pod template, whatever its kind. A resource with several views (a StatefulSet is a workload and
 * a statefulSet) gets each check the rule declares for them.
 */
export type ViewChecks = { readonly [V in ViewName]?: (ctx: RuleContext, view: RuleViews[V]) => void };

export interface Rule {
  readonly id: string;
  readonly severity: Severity;
  readonly description: string;
  readonly remediation: string;
  /**
   * What a check may look at besides the resource: resources of its own namespace, directory or
   * build ('local', the default), or anything in the workspace ('workspace', for references across
   * namespaces). Re-analysis re-runs 'workspace' rules on every change.
   */
  readonly reach?: 'local' | 'workspace';
  readonly check: ViewChecks;
}

export function defineRule(rule: Rule): Rule {
  return rule;
}

/** Rules that come from reading files rather than from a check (syntax, skipped files). */
export interface BuiltinRuleMeta {
  readonly id: string;
  readonly severity: Severity;
  readonly description: string;
}

/** Kept for rules that import it from here; it lives in the model, below rules and queries. */
export { resourceAnchor } from '../model/resource';
