// Go to definition, find references, and symbols: where a name used in one manifest is defined,
// and who refers to a Service or selects a pod template.
import type { Analysis } from '../analysis';
import { resourceAnchor, type Resource } from '../model/resource';
import type { SourceLocation, SymbolInfo } from './types';
import { locate, resourcesInFile } from './locate';

const at = (r: Resource): SourceLocation => ({ file: r.file, span: resourceAnchor(r) });

function unique(locations: SourceLocation[]): SourceLocation[] {
  const seen = new Set<string>();
  return locations.filter((l) => {
    const key = `${l.file}:${l.span.start}:${l.span.end}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function definition(analysis: Analysis, file: string, offset: number): SourceLocation[] {
  const located = locate(analysis, file, offset);
  const t = located?.target;
  if (!t) return [];
  const g = analysis.graph;
  switch (t.kind) {
    case 'backend':
      if (t.part === 'name') return unique(t.target.services.map((s) => at(s.resource)));
      return unique(t.target.ports.flatMap(({ service, port }) => (port ? [{ file: service.resource.file, span: port.span }] : [])));
    case 'service-port':
      if (t.part !== 'targetPort') return [];
      return unique(
        g.workloadsSelectedBy(t.service).flatMap((w) => {
          const r = g.resolveServicePort(t.port, w);
          return r.declared ? [{ file: w.resource.file, span: r.declared.span }] : [];
        }),
      );
    case 'service-selector':
      return unique(g.workloadsSelectedBy(t.service).map((w) => ({ file: w.resource.file, span: w.template.labelsSpan ?? resourceAnchor(w.resource) })));
    default:
      return [];
  }
}

export function references(analysis: Analysis, file: string, offset: number, includeDeclaration: boolean): SourceLocation[] {
  const located = locate(analysis, file, offset);
  if (!located) return [];
  const g = analysis.graph;
  const out: SourceLocation[] = [];
  if (includeDeclaration) out.push(at(located.resource));
  const service = g.service(located.resource);
  if (service) {
    for (const s of g.resourcesWithId(located.resource.id).map((r) => g.service(r)).filter((s) => s !== undefined)) {
      for (const t of g.routesTo(s)) out.push({ file: t.ingress.resource.file, span: t.backend.serviceNameSpan });
    }
    // Workloads that are given this Service's address (east-west), and Gateway API routes to it.
    const ns = located.resource.namespace;
    for (const w of g.workloads) {
      for (const r of g.serviceReferences(w)) if (r.namespace === ns && r.service === located.resource.name) out.push({ file: r.file, span: r.span });
    }
    for (const route of g.routes) {
      for (const rule of route.rules) {
        for (const b of rule.backendRefs) if (b.kind === 'Service' && b.group === '' && b.namespace === ns && b.name === located.resource.name) out.push({ file: route.resource.file, span: b.nameSpan });
      }
    }
  }
  const workload = g.workload(located.resource);
  if (workload) {
    for (const s of g.servicesSelecting(workload)) out.push({ file: s.resource.file, span: s.selector?.span ?? resourceAnchor(s.resource) });
    for (const p of g.policiesSelecting(workload)) out.push({ file: p.resource.file, span: p.podSelector.span });
    for (const b of g.disruptionBudgetsFor(workload)) out.push({ file: b.resource.file, span: b.selector.span });
  }
  return unique(out);
}

function symbolOf(r: Resource): SymbolInfo {
  return { name: `${r.kind}/${r.name}`, kind: r.kind, namespace: r.namespace, file: r.file, span: r.span, selectionSpan: resourceAnchor(r) };
}

export function documentSymbols(analysis: Analysis, file: string): SymbolInfo[] {
  return resourcesInFile(analysis, file).map(symbolOf);
}

export function workspaceSymbols(analysis: Analysis, query: string): SymbolInfo[] {
  const q = query.toLowerCase();
  const seen = new Set<string>();
  const out: SymbolInfo[] = [];
  for (const r of analysis.workspace.resources) {
    const key = `${r.file}#${r.docIndex}.${r.itemIndex ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (q && !`${r.kind}/${r.namespace ?? ''}/${r.name}`.toLowerCase().includes(q)) continue;
    out.push({ ...symbolOf(r), name: r.name });
    if (out.length >= 1000) break;
  }
  return out;
}
