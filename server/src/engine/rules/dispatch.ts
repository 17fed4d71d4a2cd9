// The registry's side of the view contract (rules/views.ts): which rules apply to a resource (those
// with a check for a view it may have) and running a rule's checks on it with each view. The
// analyzer asks both; nothing else calls a rule.
import type { TrafficGraph } from '../graph';
import type { Resource } from '../model/resource';
import type { Rule, RuleContext, ViewChecks } from './rule';
import { VIEWS, VIEW_NAMES, viewOf, type ViewName } from './views';

export interface ApplicableRules {
  /** In registry order. */
  readonly all: readonly Rule[];
  /** Those of workspace reach. */
  readonly wide: readonly Rule[];
}

export class RuleDispatch {
  /** By the names of the views a resource may have (few distinct sets in any workspace). */
  private readonly bySignature = new Map<string, ApplicableRules>();

  constructor(private readonly rules: readonly Rule[]) {}

  /** The rules with a check for a view this resource may have. */
  rulesFor(graph: TrafficGraph, resource: Resource): ApplicableRules {
    const names = mayHave(graph, resource);
    const signature = names.join(',');
    let found = this.bySignature.get(signature);
    if (!found) {
      const all = this.rules.filter((rule) => names.some((name) => rule.check[name] !== undefined));
      found = { all, wide: all.filter((r) => r.reach === 'workspace') };
      this.bySignature.set(signature, found);
    }
    return found;
  }
}

/**
 * The views a resource may have: a view limited to some kinds counts when the kind is one of them
 * (its check reads the view and finds out), the others are read. `graph` is the analysis's own,
 * never the read-tracking one: a resource's own views change only with the resource.
 */
function mayHave(graph: TrafficGraph, resource: Resource): ViewName[] {
  return VIEW_NAMES.filter((name) => {
    const kinds = VIEWS[name].kinds;
    return kinds ? kinds.has(resource.kind) : viewOf(graph, resource, name) !== undefined;
  });
}

/** Runs each check of the rule whose view the resource has, in VIEWS order. */
export function runChecks(rule: Rule, ctx: RuleContext, resource: Resource, graph: TrafficGraph): void {
  for (const name of VIEW_NAMES) runCheck(rule.check, name, ctx, resource, graph);
}

function runCheck<V extends ViewName>(
  checks: ViewChecks,
  name: V,
  ctx: RuleContext,
  resource: Resource,
  graph: TrafficGraph,
): void {
  const check = checks[name];
  if (!check) return;
  const view = viewOf(graph, resource, name);
  if (view !== undefined) check(ctx, view);
}
