// Rule: istio-host-missing
// A VirtualService destination (route, mirror) names a host of Istio's service registry: a
// Kubernetes Service (a short name means `<name>.<VirtualService namespace>.svc.cluster.local`) or
// a ServiceEntry host, visible from the namespaces the VirtualService is exported to (Service
// annotation networking.istio.io/exportTo, ServiceEntry exportTo). A host that matches nothing, or
// a port the Service does not have, gets no cluster: requests fail with 503 (istioctl analyze:
// IST0101 ReferencedResourceNotFound). The world is open, so a missing cluster name is reported
// only where the workspace defines Services of its namespace in the VirtualService's directory (or
// one below it: infrastructure such as istiod is installed elsewhere), and other hosts only when a
// ServiceEntry defines them but hides them (exportTo) from the VirtualService.
import { clusterService } from '../model/istio';
import { directoryOf } from '../model/resource';
import { resolveDestination } from './istio-destinations';
import { servicePortFor } from '../model/service';
import { defineRule } from './rule';

function sameOrBelow(dir: string, base: string): boolean {
  return dir === base || base === '.' || dir.startsWith(`${base}/`);
}

export default defineRule({
  id: 'istio-host-missing',
  severity: 'warning',
  description: 'A VirtualService destination host (or host:port) matches no Service or ServiceEntry visible to it.',
  remediation:
    'Name an existing Service (short name in the same namespace, or name.namespace.svc.cluster.local) or ServiceEntry host exported to this namespace, and a port it defines.',
  reach: 'workspace',
  check: {
    virtualService(ctx, vs) {
      const resource = vs.resource;
      if (resource.namesTransformed) return;
      for (const d of vs.destinations) {
        const { matches, blindNamespaces, services } = resolveDestination(ctx.graph, vs, d);
        if (blindNamespaces.length > 0) {
          ctx.report({
            span: d.hostSpan,
            message: `Host '${d.fqdn}' is not exported to namespace${blindNamespaces.length > 1 ? 's' : ''} ${blindNamespaces.map((n) => `'${n}'`).join(', ')}, where this VirtualService applies; its traffic has no destination there.`,
            related: [{ resource: matches[0].resource, message: 'defines the host, with exportTo' }],
          });
          continue;
        }
        if (matches.length === 0) {
          const svc = clusterService(d.fqdn);
          if (
            !svc ||
            !ctx.graph
              .servicesIn(svc.namespace)
              .some((s) => sameOrBelow(directoryOf(s.resource.file), directoryOf(resource.file)))
          )
            continue;
          ctx.report({
            span: d.hostSpan,
            message: `No Service '${svc.name}' in namespace '${svc.namespace}' and no ServiceEntry for '${d.fqdn}'; requests routed here fail (503).`,
          });
          continue;
        }
        if (d.port === undefined || !d.portSpan || services.length === 0) continue;
        // An operator-made Service whose ports follow configuration the table does not read may have it.
        if (services.some((s) => s.producer?.portsOpen || servicePortFor(s, d.port) !== undefined)) continue;
        const ports = [...new Set(services.flatMap((s) => s.ports.map((p) => p.port)))].join(', ');
        ctx.report({
          span: d.portSpan,
          message: `Service '${services[0].resource.namespace}/${services[0].resource.name}' has no port ${d.port} (its ports: ${ports || 'none'}); requests routed here fail (503).`,
          related: [{ resource: services[0].resource, message: `ports ${ports}` }],
        });
      }
    },
  },
});
