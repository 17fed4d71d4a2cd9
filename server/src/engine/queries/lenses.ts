// Code lenses on the first line of Services, Ingresses, routes, workloads and NetworkPolicies: where
// their traffic goes and who uses them, each clickable (a peek of the locations it counts), and a
// "Show traffic" command for the client's traffic map.
import type { Analysis } from '../analysis';
import type { TrafficGraph } from '../graph';
import { servicePortFor } from '../servicePorts';
import type { Resource } from '../model/resource';
import { describeReplicas } from '../paths';
import { resourceAnchor } from '../model/resource';
import { SHOW_TRAFFIC_COMMAND, type CodeLensResult, type SourceLocation } from './types';
import { resourcesInFile } from './locate';
import { serviceUses, workloadUses } from './navigation';
import { allowedSources, countPods, plural, podsSelectedBy } from './policies';

export function codeLenses(analysis: Analysis, file: string): CodeLensResult[] {
  const g = analysis.graph;
  const out: CodeLensResult[] = [];
  for (const r of resourcesInFile(analysis, file)) {
    const lenses = lensesOf(g, r);
    if (lenses.length === 0) continue;
    // On the document's first line, above apiVersion (or the comment that opens it).
    const span = { start: r.span.start, end: r.span.start };
    for (const l of lenses) out.push({ span, ...l });
    if (g.service(r) || g.ingress(r) || g.route(r) || g.workload(r))
      out.push({ span, title: 'Show traffic', command: { id: SHOW_TRAFFIC_COMMAND, arguments: [r.id] } });
  }
  return out;
}

type Lens = Omit<CodeLensResult, 'span'>;

const anchor = (r: Resource): SourceLocation => ({ file: r.file, span: resourceAnchor(r) });

function lensesOf(g: TrafficGraph, r: Resource): Lens[] {
  const out: Lens[] = [];
  const service = g.service(r);
  if (service) {
    if (service.selector) {
      const workloads = g.workloadsSelectedBy(service);
      const title = workloads.length
        ? `→ ${workloads.map((w) => `${w.resource.kind} ${w.resource.name} (${describeReplicas(w, g)})`).join(', ')}`
        : '→ no pods (selector matches nothing)';
      out.push({
        title,
        peek: workloads.map((w) => ({
          file: w.resource.file,
          span: w.template.labelsSpan ?? resourceAnchor(w.resource),
        })),
      });
    } else if (service.type === 'ExternalName') out.push({ title: `→ CNAME ${service.externalName ?? '?'}` });
    else out.push({ title: '→ manual endpoints', peek: g.manualEndpointsOf(service).map((e) => anchor(e.resource)) });
    const uses = serviceUses(g, r);
    if (uses.routes.length) out.push({ title: `← ${plural(uses.routes.length, 'route')}`, peek: uses.routes });
    if (uses.callers.length) out.push({ title: `← ${plural(uses.callers.length, 'caller')}`, peek: uses.callers });
  }
  const ingress = g.ingress(r);
  if (ingress) {
    const targets = g.backendTargets(ingress);
    const broken = targets.filter((t) => t.services.length === 0 || t.ports.every((p) => !p.port)).length;
    out.push({
      title: `→ ${plural(targets.length, 'backend')}${broken ? `, ${broken} broken` : ''}`,
      peek: targets.flatMap((t) =>
        t.services.length
          ? t.services.map((s) => anchor(s.resource))
          : [{ file: r.file, span: t.backend.serviceNameSpan }],
      ),
    });
  }
  const route = g.route(r);
  if (route) {
    const refs = route.rules.flatMap((rule) => rule.backendRefs);
    const found = refs.flatMap((b) =>
      b.kind === 'Service' && b.group === '' ? g.servicesNamed(b.namespace, b.name).slice(0, 1) : [],
    );
    const broken = refs.filter(
      (b) =>
        b.kind === 'Service' &&
        b.group === '' &&
        !g.servicesNamed(b.namespace, b.name).some((s) => servicePortFor(s, b.port) !== undefined),
    ).length;
    out.push({
      title: `→ ${plural(refs.length, 'backend')}${broken ? `, ${broken} broken` : ''}`,
      peek: found.map((s) => anchor(s.resource)),
    });
  }
  const workload = g.workload(r);
  if (workload) {
    const uses = workloadUses(g, workload);
    out.push({
      title: uses.services.length
        ? `← selected by ${plural(uses.services.length, 'Service')}`
        : '← no Service selects these pods',
      peek: uses.services,
    });
    if (uses.policies.length)
      out.push({ title: `${plural(uses.policies.length, 'NetworkPolicy', 'NetworkPolicies')}`, peek: uses.policies });
    const calls = g
      .serviceReferences(workload)
      .flatMap((ref) => g.servicesNamed(ref.namespace, ref.service).slice(0, 1));
    const called = [...new Set(calls)];
    if (called.length)
      out.push({ title: `→ calls ${plural(called.length, 'Service')}`, peek: called.map((s) => anchor(s.resource)) });
  }
  const policy = g.networkPolicy(r);
  if (policy) {
    const selected = podsSelectedBy(g, policy);
    const sources = allowedSources(g, policy);
    const selects = selected.length ? `selects ${countPods(g, selected)}` : 'selects no pods';
    const ingressTypes = policy.policyTypes.includes('Ingress');
    const allowed = [
      sources.workloads.length ? plural(sources.workloads.length, 'source') : '',
      sources.outside ? 'sources outside the workspace' : '',
    ]
      .filter(Boolean)
      .join(' + ');
    const allows = !ingressTypes
      ? 'ingress not isolated'
      : sources.anySource
        ? 'allows every source'
        : allowed
          ? `allows ${allowed}`
          : 'denies all ingress';
    out.push({
      title: `${selects} · ${allows}`,
      peek: selected.map((w) => ({ file: w.resource.file, span: w.template.labelsSpan ?? resourceAnchor(w.resource) })),
    });
    if (sources.workloads.length)
      out.push({
        title: `← from ${sources.workloads
          .slice(0, 3)
          .map((w) => w.resource.name)
          .join(', ')}${sources.workloads.length > 3 ? ', …' : ''}`,
        peek: sources.workloads.map((w) => anchor(w.resource)),
      });
  }
  return out;
}
