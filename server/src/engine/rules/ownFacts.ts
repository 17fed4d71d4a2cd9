// Rules' own facts (model/ownFacts.ts), declared by the typed view they are read from: a check
// asks `fact.of(resource)` for what it would otherwise walk the resource's tree for, and findings
// that depend on the resource alone are made once per instance (ownFindings).
import { typedView, viewOfKind, type ViewKind, type ViewKinds } from '../graph/views';
import { ROUTE_KINDS } from '../model/gateway';
import { OwnFact } from '../model/ownFacts';
import type { Resource } from '../model/resource';
import type { Report, RuleContext } from './rule';

/** The views only resources of some kinds have: their facts are not read for the others. */
const VIEW_RESOURCE_KINDS: Partial<Record<ViewKind, ReadonlySet<string>>> = {
  service: new Set(['Service']),
  ingress: new Set(['Ingress']),
  policy: new Set(['NetworkPolicy']),
  route: ROUTE_KINDS,
};

type ViewOf<K extends ViewKind | 'any'> = K extends ViewKind ? ViewKinds[K] : Resource;

/**
 * A fact read from the instance's typed view of that kind (graph/views.ts; 'any': from every
 * instance): undefined for an instance without one. Declared once, at a rule's top level.
 */
export function ownFact<K extends ViewKind | 'any', F>(
  kind: K,
  read: (view: ViewOf<K>, resource: Resource) => F | undefined,
): OwnFact<F> {
  if (kind === 'any') return new OwnFact(undefined, (resource) => read(resource as ViewOf<K>, resource));
  const viewKind = kind as ViewKind;
  return new OwnFact(VIEW_RESOURCE_KINDS[viewKind], (resource) => {
    const view = viewOfKind(typedView(resource), viewKind);
    return view === undefined ? undefined : read(view as ViewOf<K>, resource);
  });
}

/**
 * Findings that depend on the resource alone (what the API server rejects in its own fields): made
 * once per instance, and reported again whenever the rule judges it.
 */
export class OwnFindings {
  constructor(private readonly fact: OwnFact<readonly Report[]>) {}

  reportOn(ctx: RuleContext, resource: Resource): void {
    const found = this.fact.of(resource);
    if (found) for (const r of found) ctx.report(r);
  }
}

export function ownFindings<K extends ViewKind | 'any'>(
  kind: K,
  judge: (view: ViewOf<K>, report: (r: Report) => void, resource: Resource) => void,
): OwnFindings {
  return new OwnFindings(
    ownFact(kind, (view, resource) => {
      let found: Report[] | undefined;
      judge(view, (r) => (found ??= []).push(r), resource);
      return found;
    }),
  );
}
