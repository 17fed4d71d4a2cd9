// The orphaned-selector rules' report, with the near miss (engine/nearMiss.ts) as its hint.
import type { Resource } from '../model/resource';
import type { Workload } from '../model/workload';
import { getPath, stringValue } from '../tree';
import { nearestMiss, type NearMiss } from '../nearMiss';
import { selectorMayMatch, type Selector } from '../selectors';
import { ownFact } from './ownFacts';
import type { RelatedRef, RuleContext } from './rule';

export { editDistance, isNearMiss, nearestMiss, type NearMiss } from '../nearMiss';

/** The sentence and related location a near miss adds to a diagnostic. */
export function describeNearMiss(miss: NearMiss | undefined): { hint: string; related: RelatedRef[] } {
  if (miss?.kind === 'value') {
    const r = miss.workload.resource;
    return {
      hint: ` Closest: ${r.kind} '${r.name}' has ${miss.key}=${miss.actual}.`,
      related: [
        {
          resource: r,
          span: miss.workload.template.labelSpans.get(miss.key),
          message: `has ${miss.key}=${miss.actual}`,
        },
      ],
    };
  }
  if (miss?.kind === 'namespace') {
    const r = miss.workload.resource;
    return {
      hint: ` ${r.kind} '${r.name}' matches, but in namespace '${miss.workload.template.namespace}'.`,
      related: [{ resource: r, message: `matching pod template in namespace ${miss.workload.template.namespace}` }],
    };
  }
  return { hint: '', related: [] };
}

/**
 * Reports a selector that selects nothing, at the failing entry of a near miss or at the selector,
 * with the near miss appended to `message`. Without a near miss, nothing is reported where pods may
 * come from outside the workspace (graph.canJudgeSelectionIn).
 */
export function reportSelectsNothing(
  ctx: RuleContext,
  resource: Resource,
  selector: Selector,
  namespace: string,
  message: string,
): void {
  const miss = nearestMiss(ctx.graph, selector, namespace, resource.file, ctx.config.maxNearMissCandidates);
  // Pods of the same kustomize build that match, but in another namespace: the build's namespaces
  // are likely rewritten where it is installed (an OLM bundle installs into one namespace), or one
  // namespace was forgotten. Plausible either way; the tool cannot know which.
  const elsewhere =
    resource.build === undefined
      ? undefined
      : ctx.graph
          .instancesIn('build', resource.build)
          .map((r) => ctx.graph.workload(r))
          .find(
            (w) =>
              w !== undefined && w.template.namespace !== namespace && selectorMayMatch(selector, w.template.labels),
          );
  if (elsewhere) {
    ctx.report({
      span: selector.span,
      severity: 'info',
      message: `${message} Pod templates of the same kustomize build match in namespace '${elsewhere.template.namespace}' (${elsewhere.resource.kind} '${elsewhere.resource.name}'), and a selector only selects in its own namespace.`,
      related: [{ resource: elsewhere.resource, message: 'matching pod template in another namespace' }],
    });
    return;
  }
  const { hint, related } = describeNearMiss(miss);
  const span = miss?.kind === 'value' ? miss.termSpan : selector.span;
  // The matching pods are written in this very namespace, and a kustomization moved them to
  // another: the namespace is a placeholder its builds rewrite (kubebuilder's `system`), and this
  // resource is likely installed through such a build too. Plausible, not known.
  if (
    miss?.kind === 'namespace' &&
    !ctx.config.completeWorkspace &&
    writtenNamespaceRewritten(miss.workload, namespace)
  ) {
    ctx.report({
      span,
      severity: 'info',
      message: `${message}${hint} ${miss.workload.resource.kind} '${miss.workload.resource.name}' is written in namespace '${namespace}' too, and a kustomization moves it: '${namespace}' is likely a placeholder that the build installing this resource rewrites as well.`,
      related,
    });
    return;
  }
  if (
    !miss &&
    !ctx.config.completeWorkspace &&
    !ctx.graph.canJudgeSelectionIn(
      namespace,
      resource.file,
      selector.terms.map((t) => t.key),
    )
  )
    return;
  // A custom resource of a kind nobody describes, applied with this one, may create the pods: plausible, not known.
  const hidden = ctx.config.completeWorkspace ? undefined : ctx.graph.hiddenProducerNear(namespace, resource);
  if (hidden) {
    ctx.report({
      span,
      severity: 'info',
      message: `${message}${hint}${mayCreate(hidden, 'such pods')}`,
      related: [...related, { resource: hidden, message: 'may create pods' }],
    });
    return;
  }
  // Its build holds resources the workspace does not show (remote or missing entries, the rest of
  // an enclosing build the CLI was not given): a near miss is a hint, not evidence.
  if (!ctx.config.completeWorkspace && ctx.graph.hidesResourcesNear(resource.file)) {
    ctx.report({
      span,
      severity: 'info',
      message: `${message}${hint} Resources this workspace does not show are applied with it, and may hold such pods.`,
      related,
    });
    return;
  }
  // A label key that no pod template applied with it carries at all follows a labelling scheme
  // defined elsewhere (an installer's pods, a mesh gateway) as often as it is a forgotten label:
  // plausible, not known.
  const foreign =
    miss || ctx.config.completeWorkspace
      ? undefined
      : selector.terms.find(
          (t) =>
            t.operator !== 'NotIn' &&
            t.operator !== 'DoesNotExist' &&
            !ctx.graph.labelKeyUsedNear(namespace, resource.file, t.key),
        );
  if (foreign) {
    ctx.report({
      span,
      severity: 'info',
      message: `${message} No pod template applied with it has the label '${foreign.key}'; its pods may be made elsewhere.`,
      related,
    });
    return;
  }
  ctx.report({ span, message: `${message}${hint}`, related });
}

/** The namespace written in a resource whose namespace a kustomization set (model/ownFacts.ts). */
const writtenNamespace = ownFact('any', (r) =>
  r.namespaceOrigin === 'kustomize' ? stringValue(getPath(r.node, 'metadata', 'namespace')) : undefined,
);

/** Whether the workload was written in `namespace` and a kustomization set another. */
function writtenNamespaceRewritten(workload: Workload, namespace: string): boolean {
  const r = workload.resource;
  return r.namespaceOrigin === 'kustomize' && r.namespace !== namespace && writtenNamespace.of(r) === namespace;
}

/** The sentence of a finding graded down because a custom resource of an unknown kind may satisfy it. */
export function mayCreate(producer: Resource, what: string): string {
  return ` ${producer.kind} '${producer.name}' (a custom resource of a kind this tool does not know) is applied in the same namespace and may create ${what}.`;
}
