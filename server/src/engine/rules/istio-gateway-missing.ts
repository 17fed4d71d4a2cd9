// Rule: istio-gateway-missing
// A VirtualService's `gateways` entries name the Gateways it binds to: `<namespace>/<name>`, or
// `<name>` in the VirtualService's namespace; `mesh` means the sidecars. A name that matches no
// Gateway binds to nothing there (istioctl analyze: IST0101 ReferencedResourceNotFound). Shared
// Gateways often live in another repository, so a missing one is reported only where the workspace
// defines Istio Gateways in that namespace.
import { istioIndex } from '../model/istio';
import { isNearMiss } from './near-miss';
import { defineRule } from './rule';

export default defineRule({
  id: 'istio-gateway-missing',
  severity: 'warning',
  description: "A VirtualService's gateways entry names no Gateway.",
  remediation:
    'Name an existing Gateway as <namespace>/<name> (or <name> in the same namespace), or mesh for sidecars.',
  reach: 'workspace',
  check: {
    virtualService(ctx, vs) {
      const resource = vs.resource;
      if (resource.namesTransformed) return;
      const index = istioIndex(ctx.graph.resources);
      for (const g of vs.gateways) {
        if (g.name === 'mesh') continue;
        const key = g.name.includes('/') ? g.name : `${vs.namespace}/${g.name}`;
        if (index.gateways.has(key)) continue;
        const ns = key.slice(0, key.indexOf('/'));
        if (!index.istioGatewayNamespaces.has(ns)) continue;
        const name = key.slice(ns.length + 1);
        const near = [...index.gateways]
          .filter((k) => k.startsWith(`${ns}/`))
          .map((k) => k.slice(ns.length + 1))
          .find((n) => isNearMiss(n, name));
        ctx.report({
          span: g.span,
          message: `No Gateway '${name}' in namespace '${ns}'; the VirtualService is bound to nothing there.${near ? ` Did you mean '${near}'?` : ''}`,
        });
      }
    },
  },
});
