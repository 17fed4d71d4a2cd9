// Rule: istio-subset-missing
// A VirtualService destination subset must be defined by a DestinationRule for that host, looked up
// in the VirtualService's namespace, the host's namespace and the root namespace (istio-system) and
// exported to the VirtualService; otherwise requests fail with 503 "no healthy upstream"
// (istioctl analyze: IST0101 for the subset). A subset's pods are those the Service selects that
// also carry the subset's labels; a subset that selects no pod template gets no endpoints (IST0173
// DestinationRuleSubsetNotSelectPods). DestinationRules often live elsewhere, so a subset is judged
// only when the workspace defines a DestinationRule for the host, and its pods only when the
// Service's own pods are in the workspace.
import { clusterService, hostCovers, istioIndex, visibleIn } from '../model/istio';
import { selectorMayMatch, type Selector } from '../selectors';
import { resolveDestination } from './istio-destinations';
import { defineRule } from './rule';

const ROOT_NAMESPACE = 'istio-system';

export default defineRule({
  id: 'istio-subset-missing',
  severity: 'warning',
  description:
    'A VirtualService destination subset is not defined by a DestinationRule for its host, or selects no pods.',
  remediation: 'Define the subset in the DestinationRule for that host (name and labels), or fix the subset name.',
  reach: 'workspace',
  check: {
    virtualService(ctx, vs) {
      const index = istioIndex(ctx.graph.resources);
      for (const d of vs.destinations) {
        if (d.subset === undefined || !d.subsetSpan) continue;
        const hostNs = clusterService(d.fqdn)?.namespace;
        const rules = index.destinationRules.filter(
          (r) =>
            hostCovers(r.fqdn, d.fqdn) &&
            (r.namespace === vs.namespace || r.namespace === hostNs || r.namespace === ROOT_NAMESPACE) &&
            visibleIn(r.exportTo, r.namespace, vs.namespace),
        );
        if (rules.length === 0) continue;
        const defining = rules.find((r) => r.subsets.has(d.subset!));
        if (!defining) {
          const names = [...new Set(rules.flatMap((r) => [...r.subsets.keys()]))].join(', ');
          ctx.report({
            span: d.subsetSpan,
            message: `No DestinationRule for '${d.fqdn}' defines subset '${d.subset}' (defined: ${names || 'none'}); requests routed here fail (503).`,
            related: [{ resource: rules[0].resource, message: `subsets: ${names || 'none'}` }],
          });
          continue;
        }
        const { services } = resolveDestination(ctx.graph, vs, d);
        const labels = defining.subsets.get(d.subset)!;
        if (services.length === 0 || Object.keys(labels).length === 0) continue;
        const servicePods = [...new Set(services.flatMap((s) => ctx.graph.workloadsSelectedBy(s)))];
        if (servicePods.length === 0) continue;
        const subsetSelector: Selector = {
          terms: Object.entries(labels).map(([key, value]) => ({
            key,
            operator: 'Equals',
            values: [value],
            span: d.subsetSpan!,
            valueSpan: undefined,
          })),
          span: d.subsetSpan,
          invalid: false,
        };
        if (servicePods.some((w) => selectorMayMatch(subsetSelector, w.template.labels))) continue;
        const wanted = Object.entries(labels)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ');
        ctx.report({
          span: d.subsetSpan,
          message: `Subset '${d.subset}' (${wanted}) selects none of the pods of Service '${services[0].resource.name}' (${servicePods.map((w) => `${w.resource.kind} '${w.resource.name}'`).join(', ')}); it has no endpoints and requests fail (503).`,
          related: [{ resource: defining.resource, message: `subset ${d.subset}: ${wanted}` }],
        });
      }
    },
  },
});
