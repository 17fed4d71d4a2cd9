// Rule: ingress-backend-service-missing
// An Ingress backend names a Service that does not exist in the Ingress's namespace. Backends
// cannot cross namespaces (IngressServiceBackend has no namespace field), so the controller answers
// 503 for that host/path. Graded by certainty (certainty.ts): an error only in a closed world
// (completeWorkspace), a warning when Services applied with the Ingress live in that namespace (or
// one of that name in another), information otherwise.
import { gradeMissingName } from './certainty';
import { defineRule } from './rule';

export default defineRule({
  id: 'ingress-backend-service-missing',
  severity: 'error',
  description: "An Ingress backend names a Service that does not exist in the Ingress's namespace.",
  remediation: 'Name an existing Service of the same namespace, or create the Service.',
  check: {
    ingress(ctx, ingress) {
      const resource = ingress.resource;
      // A build that renames resources (namePrefix/nameSuffix) also rewrites backend names; we do not.
      if (resource.namesTransformed) return;
      const ns = resource.namespace ?? 'default';
      for (const target of ctx.graph.backendTargets(ingress)) {
        if (target.services.length > 0) continue;
        const elsewhere = ctx.graph.services.find(
          (s) => s.resource.name === target.backend.serviceName && s.resource.namespace !== ns,
        );
        const hint = elsewhere
          ? ` A Service of that name exists in namespace '${elsewhere.resource.namespace}', but Ingress backends cannot cross namespaces.`
          : '';
        // A Service of that name applied with the Ingress in another namespace is as strong a sign as Services beside it.
        const grade = gradeMissingName(
          ctx,
          resource,
          ns,
          elsewhere ? [...ctx.graph.servicesIn(ns), elsewhere] : ctx.graph.servicesIn(ns),
          'Services',
        );
        ctx.report({
          span: target.backend.serviceNameSpan,
          severity: grade.severity,
          message: `No Service '${target.backend.serviceName}' in namespace '${ns}'; requests for ${describeRoute(target.path)} fail.${hint}${grade.note}`,
          related: [
            ...(elsewhere
              ? [{ resource: elsewhere.resource, message: 'Service of that name in another namespace' }]
              : []),
            ...grade.related,
          ],
        });
      }
    },
  },
});

export function describeRoute(path: { host: string | undefined; path: string | undefined } | undefined): string {
  if (!path) return 'the default backend';
  return `${path.host ?? '*'}${path.path ?? '/'}`;
}
