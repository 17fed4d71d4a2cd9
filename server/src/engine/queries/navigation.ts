// Go to definition, find references, and symbols: where a name used in one manifest is defined,
// and who refers to a Service or selects a pod template.
import { pushAll, pushTo } from '../arrays';
import type { Analysis } from '../analysis';
import type { TrafficGraph } from '../graph';
import { servicePortFor } from '../servicePorts';
import { isServiceBackend } from '../model/gateway';
import type { Resource } from '../model/resource';
import type { ServiceReference } from '../model/references';
import type { Workload } from '../model/workload';
import { resourceAnchor } from '../model/resource';
import type { SourceLocation, SymbolInfo } from './types';
import { locate, resourcesInFile } from './locate';
import { peerNamespaces, workloadsOfSelector } from './policies';

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
      return unique(
        t.target.ports.flatMap(({ service, port }) => (port ? [{ file: service.resource.file, span: port.span }] : [])),
      );
    case 'service-port':
      if (t.part !== 'targetPort') return [];
      return unique(
        g.workloadsSelectedBy(t.service).flatMap((w) => {
          const r = g.resolveServicePort(t.port, w);
          return r.declared ? [{ file: w.resource.file, span: r.declared.span }] : [];
        }),
      );
    case 'service-selector':
      return unique(g.workloadsSelectedBy(t.service).map((w) => templateLabels(w, t.term?.key)));
    case 'policy-selector': {
      // A namespaceSelector leads to the Namespace objects the workspace defines, else to the pods there.
      if (t.peer && t.which === 'namespace') {
        const namespaces = peerNamespaces(g, t.policy, t.peer).flatMap((ns) =>
          g.resourcesWithId(`Namespace/${ns}`).map(at),
        );
        if (namespaces.length) return unique(namespaces);
      }
      return unique(
        workloadsOfSelector(g, t.policy, t.peer, t.which, t.selector).map((w) => templateLabels(w, t.term?.key)),
      );
    }
    case 'reference': {
      // Every DNS form the hover resolves (svc, svc.ns, svc.ns.svc[.cluster.local]) leads to the Service, or its port.
      const services = g.servicesNamed(t.reference.namespace, t.reference.service);
      return unique(
        services.map((s) => {
          const port = t.reference.port === undefined ? undefined : servicePortFor(s, t.reference.port);
          return port ? { file: s.resource.file, span: port.span } : at(s.resource);
        }),
      );
    }
    case 'route-backend': {
      const b = t.backend;
      if (!isServiceBackend(b)) return [];
      const services = g.servicesNamed(b.namespace, b.name);
      if (t.part === 'name') return unique(services.map((s) => at(s.resource)));
      return unique(
        services.flatMap((s) =>
          s.ports.filter((p) => p.port === b.port).map((p) => ({ file: s.resource.file, span: p.span })),
        ),
      );
    }
    default:
      return [];
  }
}

/** A pod template's label the selector uses (its labels block otherwise). */
function templateLabels(w: Workload, key: string | undefined): SourceLocation {
  return {
    file: w.resource.file,
    span:
      (key !== undefined ? w.template.labelSpans.get(key) : undefined) ??
      w.template.labelsSpan ??
      resourceAnchor(w.resource),
  };
}

export function references(
  analysis: Analysis,
  file: string,
  offset: number,
  includeDeclaration: boolean,
): SourceLocation[] {
  const located = locate(analysis, file, offset);
  if (!located) return [];
  const g = analysis.graph;
  const out: SourceLocation[] = [];
  if (includeDeclaration) out.push(at(located.resource));
  if (g.service(located.resource)) pushAll(out, serviceUses(g, located.resource).all);
  const workload = g.workload(located.resource);
  if (workload) pushAll(out, workloadUses(g, workload).all);
  return unique(out);
}

/** Where a Service is used: Ingress backends and routes naming it, and workloads given its address (east-west). */
export function serviceUses(
  g: TrafficGraph,
  service: Resource,
): { routes: SourceLocation[]; callers: SourceLocation[]; all: SourceLocation[] } {
  const routes: SourceLocation[] = [];
  const callers: SourceLocation[] = [];
  for (const s of g
    .resourcesWithId(service.id)
    .map((r) => g.service(r))
    .filter((s) => s !== undefined)) {
    for (const t of g.routesTo(s)) routes.push({ file: t.ingress.resource.file, span: t.backend.serviceNameSpan });
  }
  const key = `${service.namespace}/${service.name}`;
  const index = usesIndex(g);
  for (const { reference: r } of index.references.get(key) ?? []) callers.push({ file: r.file, span: r.span });
  pushAll(routes, index.backendRefs.get(key) ?? []);
  return { routes: unique(routes), callers: unique(callers), all: unique([...routes, ...callers]) };
}

interface UsesIndex {
  /** East-west references by `namespace/service`, with the workload that makes them. */
  readonly references: ReadonlyMap<string, readonly { workload: Workload; reference: ServiceReference }[]>;
  /** Gateway API backendRefs to Services, by `namespace/service`. */
  readonly backendRefs: ReadonlyMap<string, readonly SourceLocation[]>;
}
const usesIndexes = new WeakMap<TrafficGraph, UsesIndex>();

/** Who uses each Service, built once per analysis: lenses and hovers ask it for every Service of a file. */
export function usesIndex(g: TrafficGraph): UsesIndex {
  let index = usesIndexes.get(g);
  if (!index) {
    const references = new Map<string, { workload: Workload; reference: ServiceReference }[]>();
    for (const workload of g.workloads) {
      for (const reference of g.serviceReferences(workload)) {
        const key = `${reference.namespace}/${reference.service}`;
        const list = references.get(key) ?? [];
        list.push({ workload, reference });
        references.set(key, list);
      }
    }
    const backendRefs = new Map<string, SourceLocation[]>();
    for (const route of g.routes) {
      for (const b of route.rules.flatMap((rule) => rule.backendRefs)) {
        if (!isServiceBackend(b)) continue;
        const key = `${b.namespace}/${b.name}`;
        pushTo(backendRefs, key, { file: route.resource.file, span: b.nameSpan });
      }
    }
    index = { references, backendRefs };
    usesIndexes.set(g, index);
  }
  return index;
}

/** What refers to a pod template: the Services and NetworkPolicies selecting it, and disruption budgets. */
export function workloadUses(
  g: TrafficGraph,
  workload: Workload,
): { services: SourceLocation[]; policies: SourceLocation[]; all: SourceLocation[] } {
  const services = g
    .servicesSelecting(workload)
    .map((s) => ({ file: s.resource.file, span: s.selector?.span ?? resourceAnchor(s.resource) }));
  const policies = g.policiesSelecting(workload).map((p) => ({ file: p.resource.file, span: p.podSelector.span }));
  const budgets = g.disruptionBudgetsFor(workload).map((b) => ({ file: b.resource.file, span: b.selector.span }));
  return {
    services: unique(services),
    policies: unique(policies),
    all: unique([...services, ...policies, ...budgets]),
  };
}

function symbolOf(r: Resource): SymbolInfo {
  return {
    name: `${r.kind}/${r.name}`,
    kind: r.kind,
    namespace: r.namespace,
    file: r.file,
    span: r.span,
    selectionSpan: resourceAnchor(r),
  };
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
