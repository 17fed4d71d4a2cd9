// Rule: duplicate-resource
// The same object (API group, kind, namespace, name) defined twice where both definitions are
// applied together: in one file, or in one kustomize build (kustomize itself refuses to build it;
// `kubectl apply` silently lets the second win). Alternative variants of an app in separate files
// or directories are not applied together and are not reported, nor is one object written in two
// API versions.
import { apiGroup } from '../model/resource';
import { defineRule } from './rule';

export default defineRule({
  id: 'duplicate-resource',
  severity: 'warning',
  description: 'The same kind/namespace/name is defined twice in one file or one kustomize build.',
  remediation:
    'Remove one definition, or give them different names; patch the base in an overlay instead of redefining it.',
  check: {
    resource(ctx, resource) {
      // One object written in two API versions (a sample per served version, listed together for an
      // OLM bundle) is two representations, not a conflict: kustomize's resource ids include the
      // version, so it builds them, and the API server converts between them.
      const twins = ctx.graph.definitionsAppliedWith(resource).filter((r) => r.apiVersion === resource.apiVersion);
      const first = twins[0];
      if (!first || first === resource) return;
      const where = resource.build ? `kustomize build '${resource.build}'` : 'this file';
      const group = apiGroup(resource.apiVersion);
      ctx.report({
        span: resource.nameSpan ?? resource.kindSpan,
        message: `${resource.kind}${group ? `.${group}` : ''} '${resource.name}' in namespace '${resource.namespace ?? '(cluster)'}' is already defined in ${where} (${first.file === resource.file ? 'above' : first.file}); the later definition wins.`,
        related: [{ resource: first, message: 'first definition' }],
      });
    },
  },
});
