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
  /** By the set of views a resource may have, as a bit set over VIEW_NAMES (few distinct sets in any workspace). */
  private readonly bySignature = new Map<number, ApplicableRules>();

  constructor(private readonly rules: readonly Rule[]) {}

  /** The rules with a check for a view this resource may have. */
  rulesFor(graph: TrafficGraph, resource: Resource): ApplicableRules {
    const signature = mayHave(graph, resource);
    let found = this.bySignature.get(signature);
    if (!found) {
      const all = this.rules.filter((rule) => checkedViews(rule).some((name) => signature & bit(name)));
      found = { all, wide: all.filter((r) => r.reach === 'workspace') };
      this.bySignature.set(signature, found);
    }
    return found;
  }
}

const bit = (name: ViewName) => 1 << VIEW_NAMES.indexOf(name);

/**
 * The views a resource may have, as a bit set: a view limited to some kinds counts when the kind is
 * one of them (its check reads the view and finds out), the others are read. `graph` is the
 * analysis's own, never the read-tracking one: a resource's own views change only with the resource.
 */
function mayHave(graph: TrafficGraph, resource: Resource): number {
  let signature = 0;
  for (let i = 0; i < VIEW_NAMES.length; i++) {
    const name = VIEW_NAMES[i];
    const kinds = VIEWS[name].kinds;
    if (kinds ? kinds.has(resource.kind) : viewOf(graph, resource, name) !== undefined) signature |= 1 << i;
  }
  return signature;
}

/** The views a rule has checks for, in VIEWS order (read once per rule). */
const checkedViewsMemo = new WeakMap<Rule, readonly ViewName[]>();
function checkedViews(rule: Rule): readonly ViewName[] {
  let names = checkedViewsMemo.get(rule);
  if (!names) {
    names = VIEW_NAMES.filter((name) => rule.check[name] !== undefined);
    checkedViewsMemo.set(rule, names);
  }
  return names;
}

/** Runs each check of the rule whose view the resource has, in VIEWS order. */
export function runChecks(rule: Rule, ctx: RuleContext, resource: Resource, graph: TrafficGraph): void {
  const names = checkedViews(rule);
  for (let i = 0; i < names.length; i++) runCheck(rule.check, names[i], ctx, resource, graph);
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
