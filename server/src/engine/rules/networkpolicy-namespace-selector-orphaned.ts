// Rule: networkpolicy-namespace-selector-orphaned
// A NetworkPolicy peer's namespaceSelector selects namespaces by their labels; every namespace
// carries the automatic label kubernetes.io/metadata.name=<name> (set by the API server since 1.21).
// A selector that no namespace matches makes the peer match nothing, so the rule allows no traffic.
// Namespaces and their labels often come from outside a repository (cluster bootstrap, another
// team), so the rule judges only where the workspace manages namespaces beside the policy: it
// defines Namespace objects kept with the policy's file (same, nested or sibling directory), and
// those objects use every label key of the selector. A selector on the automatic name label alone
// is reported only with a near miss (a namespace of a similar name): a namespace such as
// ingress-nginx is usually installed elsewhere. The namespaces counted are those objects with their
// labels, every namespace the workspace's resources use and the built-in ones (with the automatic
// label only). `{}` selects every namespace.
import type { TrafficGraph } from '../graph';
import { keptTogether, type Resource } from '../model/resource';
import { formatSelector, selectorMatchesLabels } from '../selectors';
import { isNearMiss } from './near-miss';
import { defineRule } from './rule';

const BUILTIN_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
const NAME_LABEL = 'kubernetes.io/metadata.name';

interface KnownNamespaces {
  readonly objects: readonly Resource[];
  /** Every namespace the workspace knows, with its labels (the automatic name label at least). */
  readonly labels: ReadonlyMap<string, Readonly<Record<string, string>>>;
}

const knownMemo = new WeakMap<ReadonlySet<string>, { clusterScoped: readonly Resource[]; known: KnownNamespaces }>();

/**
 * Read once per analysis: the same for every policy. Each policy still asks the graph for the
 * cluster-scoped objects (a question about namespace '' only), so that what it read is known.
 */
function knownNamespaces(graph: TrafficGraph): KnownNamespaces {
  const clusterScoped = graph.instancesIn('namespace', '');
  const namespaces = graph.namespaces;
  // By the graph's set of namespaces (one per analysis), while the cluster-scoped objects are the same.
  const memo = knownMemo.get(namespaces);
  if (memo && (memo.clusterScoped === clusterScoped || (memo.clusterScoped.length === 0 && clusterScoped.length === 0)))
    return memo.known;
  const objects = clusterScoped.filter((r) => r.kind === 'Namespace' && r.apiVersion === 'v1');
  const labels = new Map<string, Record<string, string>>();
  for (const name of [...BUILTIN_NAMESPACES, ...namespaces]) labels.set(name, { [NAME_LABEL]: name });
  for (const o of objects) labels.set(o.name, { ...(labels.get(o.name) ?? {}), ...o.labels, [NAME_LABEL]: o.name });
  const known = { objects, labels };
  knownMemo.set(namespaces, { clusterScoped, known });
  return known;
}

export default defineRule({
  id: 'networkpolicy-namespace-selector-orphaned',
  severity: 'warning',
  description:
    "A NetworkPolicy peer's namespaceSelector matches no namespace of the workspace; the peer matches nothing.",
  remediation:
    'Select labels the namespace carries (kubernetes.io/metadata.name: <name> always works), or label the Namespace.',
  reach: 'workspace',
  check: {
    policy(ctx, policy) {
      const resource = policy.resource;
      const { objects, labels: labelsByName } = knownNamespaces(ctx.graph);
      const near = objects.filter((o) => keptTogether(o.file, resource.file));
      if (near.length === 0) return;
      const managedKeys = new Set(near.flatMap((o) => Object.keys(o.labels)));
      for (const peer of policy.peers) {
        const selector = peer.namespaceSelector;
        if (!selector || selector.invalid || selector.terms.length === 0) continue;
        if ([...labelsByName.values()].some((labels) => selectorMatchesLabels(selector, labels))) continue;
        // The nearest namespace name when the selector names one by its automatic label.
        const wanted = selector.terms.find((t) => t.key === NAME_LABEL && t.operator === 'Equals')?.values[0];
        const similar = wanted !== undefined ? [...labelsByName.keys()].find((n) => isNearMiss(n, wanted)) : undefined;
        const keysManaged = selector.terms.every((t) => t.key !== NAME_LABEL && managedKeys.has(t.key));
        if (!similar && !keysManaged) continue;
        const direction = peer.direction === 'ingress' ? 'from' : 'to';
        ctx.report({
          span: selector.terms.length === 1 ? selector.terms[0].span : selector.span,
          message: `namespaceSelector ${formatSelector(selector)} (${direction}) matches no namespace defined or used in the workspace; this peer matches nothing.${similar ? ` Did you mean '${similar}'?` : ''}`,
        });
      }
    },
  },
});
