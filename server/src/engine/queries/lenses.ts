// Code lenses above Services and Ingresses: where their traffic goes, what routes to them, and a
// "Show traffic" command for the client's traffic map.
import type { Analysis } from '../analysis';
import { describeReplicas } from '../paths';
import { SHOW_TRAFFIC_COMMAND, type CodeLensResult } from './types';
import { resourcesInFile } from './locate';

export function codeLenses(analysis: Analysis, file: string): CodeLensResult[] {
  const g = analysis.graph;
  const out: CodeLensResult[] = [];
  for (const r of resourcesInFile(analysis, file)) {
    const span = r.kindSpan;
    const service = g.service(r);
    const ingress = g.ingress(r);
    if (!service && !ingress) continue;
    if (service) {
      if (service.selector) {
        const workloads = g.workloadsSelectedBy(service);
        const title = workloads.length
          ? `→ ${workloads.map((w) => `${w.resource.kind} ${w.resource.name} (${describeReplicas(w, g)})`).join(', ')}`
          : '→ no pods (selector matches nothing)';
        out.push({ span, title });
      } else if (service.type === 'ExternalName') out.push({ span, title: `→ CNAME ${service.externalName ?? '?'}` });
      else out.push({ span, title: '→ manual endpoints' });
      const routes = g.routesTo(service).length;
      if (routes) out.push({ span, title: `← ${routes} route${routes === 1 ? '' : 's'}` });
    }
    if (ingress) {
      const targets = g.backendTargets(ingress);
      const broken = targets.filter((t) => t.services.length === 0 || t.ports.every((p) => !p.port)).length;
      out.push({ span, title: `→ ${targets.length} backend${targets.length === 1 ? '' : 's'}${broken ? `, ${broken} broken` : ''}` });
    }
    out.push({ span, title: 'Show traffic', command: { id: SHOW_TRAFFIC_COMMAND, arguments: [r.id] } });
  }
  return out;
}
