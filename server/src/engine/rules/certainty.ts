// How certain "this name refers to nothing" is in an open world. The workspace is rarely all that
// exists: Helm releases, operators and other repositories create Services and Gateways too. So a
// name that nothing defines is an error only in a closed world (setting completeWorkspace); a
// warning when the resources applied with the referring one define others of that kind in the
// namespace (the app keeps them here, and this one is not among them: very likely a mistake);
// otherwise information (plausible that it exists elsewhere), or when a custom resource of a kind
// this tool does not know, applied with it, may create the object.
import type { Severity } from '../config';
import type { Resource } from '../model/resource';
import { mayCreate } from './near-miss';
import type { RuleContext } from './rule';

export interface MissingNameGrade {
  readonly severity: Severity | undefined;
  /** A sentence to append to the message saying why the finding is graded down ('' when it is not). */
  readonly note: string;
  readonly related: readonly { resource: Resource; message: string }[];
}

/**
 * The severity of "no <kind> named so in <namespace>" reported on `resource`. `peers` are the
 * objects of that kind the workspace has in the namespace.
 */
export function gradeMissingName(
  ctx: RuleContext,
  resource: Resource,
  namespace: string,
  peers: readonly { resource: Resource }[],
  what: string,
  operatorsMayCreate = true,
): MissingNameGrade {
  if (ctx.config.completeWorkspace) return { severity: undefined, note: '', related: [] };
  const unseen = unseenSource(ctx, resource, namespace, what, operatorsMayCreate);
  if (unseen) return unseen;
  // kube-system holds the cluster's add-ons (DNS, dashboard, metrics): Services the workspace adds
  // there say nothing about which others exist.
  if (namespace !== 'kube-system' && peers.some((p) => ctx.graph.appliedTogether(p.resource, resource)))
    return { severity: 'warning', note: '', related: [] };
  return {
    severity: 'info',
    note: ` Nothing applied with it defines ${what} in that namespace; it may be created elsewhere (a Helm release, an operator, another repository).`,
    related: [],
  };
}

/**
 * Why resources the workspace does not show may supply what `resource` refers to in `namespace`
 * (information), or undefined: a custom resource of a kind this tool does not know, applied with
 * it, whose operator may create it; or the unseen part of its kustomize build or templates.
 */
export function unseenSource(
  ctx: RuleContext,
  resource: Resource,
  namespace: string,
  what: string,
  operatorsMayCreate = true,
): MissingNameGrade | undefined {
  const hidden = operatorsMayCreate ? ctx.graph.hiddenProducerNear(namespace, resource) : undefined;
  if (hidden)
    return {
      severity: 'info',
      note: mayCreate(hidden, what),
      related: [{ resource: hidden, message: `may create ${what}` }],
    };
  if (ctx.graph.hidesResourcesNear(resource.file))
    return {
      severity: 'info',
      note: ` Resources this workspace does not show are applied with it (a kustomize build's remote, chart or missing entries, or templates): ${what} may be among them.`,
      related: [],
    };
  return undefined;
}
