// What sits at an offset: the resource instance whose document contains it, and the networking
// node under the cursor (a name, a selector entry, a port, an Ingress backend...), for every query.
import type { Analysis } from '../analysis';
import type { BackendTarget } from '../graph';
import { byDocument, type Resource } from '../model/resource';
import type { Service, ServicePort } from '../model/service';
import type { ContainerPort, Container, Workload } from '../model/workload';
import type { Selector, SelectorTerm } from '../selectors';
import type { NetworkPolicy, PolicyPeer } from '../model/networkPolicy';
import type { ServiceReference } from '../model/references';
import { addressFields, type AddressField } from '../model/addressFields';
import { isFramed } from '../origin';
import type { BackendRef, Route } from '../model/gateway';
import { NETWORKS_ANNOTATION } from '../model/multus';
import { asScalar, getPath } from '../tree';
import { containsOffset, type Span } from '../text';

export type Target =
  | { kind: 'resource'; span: Span }
  | { kind: 'service-selector'; service: Service; term: SelectorTerm | undefined; span: Span }
  | { kind: 'service-port'; service: Service; port: ServicePort; part: 'port' | 'targetPort' | 'name'; span: Span }
  | { kind: 'backend'; target: BackendTarget; part: 'name' | 'port'; span: Span }
  | { kind: 'template-label'; workload: Workload; key: string; span: Span }
  | { kind: 'container-port'; workload: Workload; container: Container; port: ContainerPort; span: Span }
  | { kind: 'reference'; workload: Workload; reference: ServiceReference; span: Span }
  | { kind: 'address'; field: AddressField; span: Span }
  | { kind: 'attachment'; workload: Workload; span: Span }
  | { kind: 'route'; route: Route; span: Span }
  | { kind: 'route-backend'; route: Route; backend: BackendRef; part: 'name' | 'port'; span: Span }
  /** A NetworkPolicy's own podSelector (`peer` undefined) or a peer's pod or namespace selector. */
  | {
      kind: 'policy-selector';
      policy: NetworkPolicy;
      peer: PolicyPeer | undefined;
      which: 'pod' | 'namespace';
      selector: Selector;
      term: SelectorTerm | undefined;
      span: Span;
    };

export interface Located {
  readonly resource: Resource;
  readonly target: Target | undefined;
}

/** resourcesInFile's answers per resource list and file (a hover in a bundle asked for 20,000 each time). */
const sourceOrderByFile = new WeakMap<readonly Resource[], Map<string, readonly Resource[]>>();

/**
 * The resource instances of a file, in source order (one per source document when builds repeat it:
 * the first in resource order). A scan of the resource list, not a map of every file: each edit
 * makes a new list, and the first request after it asks for one or two files (100,000 in the list).
 */
export function resourcesInFile(analysis: Analysis, file: string): readonly Resource[] {
  const resources = analysis.workspace.resources;
  let byFile = sourceOrderByFile.get(resources);
  if (!byFile) sourceOrderByFile.set(resources, (byFile = new Map()));
  const found = byFile.get(file);
  if (found) return found;
  // The sort is stable: of instances of one document, the first in resource order stays first.
  const inFile = resources.filter((r) => r.file === file).sort(byDocument);
  let kept = 0;
  for (const r of inFile) {
    const last = kept > 0 ? inFile[kept - 1] : undefined;
    if (last && byDocument(last, r) === 0) continue;
    inFile[kept++] = r;
  }
  inFile.length = kept;
  byFile.set(file, inFile);
  return inFile;
}

/**
 * `offset` is a file offset (a framed file's is framed here, in the frame of the document holding
 * it), or a framed one (origin.ts).
 */
export function locate(analysis: Analysis, file: string, offset: number): Located | undefined {
  const frames = analysis.workspace.files.get(file)?.frames;
  if (!frames || isFramed(offset)) return locateFramed(analysis, file, offset);
  // At a document's first character, the document before it ends there too.
  return (
    locateFramed(analysis, file, frames.framed(offset)) ?? locateFramed(analysis, file, frames.framedAtEnd(offset))
  );
}

function locateFramed(analysis: Analysis, file: string, offset: number | undefined): Located | undefined {
  if (offset === undefined) return undefined;
  // Innermost first: a List item lies inside the List document.
  const candidates = resourcesInFile(analysis, file).filter((r) => containsOffset(r.span, offset));
  const resource = candidates.sort((a, b) => a.span.end - a.span.start - (b.span.end - b.span.start))[0];
  if (!resource) return undefined;
  return { resource, target: targetAt(analysis, resource, offset) };
}

function targetAt(analysis: Analysis, resource: Resource, offset: number): Target | undefined {
  const at = (s: Span | undefined) => s !== undefined && containsOffset(s, offset);
  const route = analysis.graph.route(resource);
  if (route && at(resource.nameSpan)) return { kind: 'route', route, span: resource.nameSpan! };
  if (route) {
    for (const backend of route.rules.flatMap((r) => r.backendRefs)) {
      if (at(backend.nameSpan)) return { kind: 'route-backend', route, backend, part: 'name', span: backend.nameSpan };
      if (at(backend.portSpan)) return { kind: 'route-backend', route, backend, part: 'port', span: backend.portSpan! };
    }
  }
  if (at(resource.nameSpan)) return { kind: 'resource', span: resource.nameSpan! };
  const field = addressFields(resource).find((f) => at(f.span));
  if (field) return { kind: 'address', field, span: field.span };
  if (at(resource.kindSpan)) return { kind: 'resource', span: resource.kindSpan };
  const graph = analysis.graph;
  const service = graph.service(resource);
  if (service) {
    for (const port of service.ports) {
      if (port.targetPortExplicit && at(port.targetPortSpan))
        return { kind: 'service-port', service, port, part: 'targetPort', span: port.targetPortSpan };
      if (at(port.portSpan)) return { kind: 'service-port', service, port, part: 'port', span: port.portSpan };
      if (at(port.nameSpan)) return { kind: 'service-port', service, port, part: 'name', span: port.nameSpan! };
    }
    if (service.selector) {
      const term = service.selector.terms.find((t) => at(t.span));
      if (term) return { kind: 'service-selector', service, term, span: term.span };
    }
  }
  const ingress = graph.ingress(resource);
  if (ingress) {
    for (const target of graph.backendTargets(ingress)) {
      if (at(target.backend.serviceNameSpan))
        return { kind: 'backend', target, part: 'name', span: target.backend.serviceNameSpan };
      if (at(target.backend.portSpan)) return { kind: 'backend', target, part: 'port', span: target.backend.portSpan! };
    }
  }
  const policy = graph.networkPolicy(resource);
  if (policy) {
    const selectors = [
      { peer: undefined, which: 'pod' as const, selector: policy.podSelector },
      ...policy.peers.flatMap((peer) => [
        ...(peer.podSelector ? [{ peer, which: 'pod' as const, selector: peer.podSelector }] : []),
        ...(peer.namespaceSelector ? [{ peer, which: 'namespace' as const, selector: peer.namespaceSelector }] : []),
      ]),
    ];
    for (const s of selectors) {
      const term = s.selector.terms.find((t) => at(t.span));
      if (term) return { kind: 'policy-selector', policy, ...s, term, span: term.span };
    }
    // An empty selector (`{}`) or the selector's key itself.
    // The selector a policy without podSelector has stands at the kind: not a selector written there.
    const kind = resource.kindSpan;
    const whole = selectors.find((s) => s.selector.span.start !== kind.start && at(s.selector.span));
    if (whole) return { kind: 'policy-selector', policy, ...whole, term: undefined, span: whole.selector.span };
  }
  if (resource.kind === 'ConfigMap') {
    // A Service address in a ConfigMap value that a workload reads (envFrom, valueFrom).
    for (const w of graph.workloadsIn(resource.namespace ?? 'default')) {
      const reference = graph
        .serviceReferences(w)
        .find(
          (r) =>
            r.via?.configMap.key === resource.key &&
            at(r.span) &&
            (r.clusterDns || graph.servicesNamed(r.namespace, r.service).length > 0),
        );
      if (reference) return { kind: 'reference', workload: w, reference, span: reference.span };
    }
  }
  const workload = graph.workload(resource);
  if (workload) {
    for (const [key, span] of workload.template.labelSpans)
      if (at(span)) return { kind: 'template-label', workload, key, span };
    const networks = asScalar(getPath(workload.template.metadata, 'annotations', NETWORKS_ANNOTATION));
    if (networks && at(networks.span)) return { kind: 'attachment', workload, span: networks.span };
    // A reference to a Service of the workspace, or an unambiguous cluster DNS name (the hover then says what exists).
    const reference = graph
      .serviceReferences(workload)
      .find(
        (r) =>
          r.via === undefined &&
          at(r.workloadSpan) &&
          (r.clusterDns || graph.servicesNamed(r.namespace, r.service).length > 0),
      );
    if (reference) return { kind: 'reference', workload, reference, span: reference.workloadSpan };
    for (const container of workload.template.containers) {
      for (const port of container.ports) {
        if (at(port.numberSpan) || at(port.nameSpan))
          return {
            kind: 'container-port',
            workload,
            container,
            port,
            span: at(port.numberSpan) ? port.numberSpan : port.nameSpan!,
          };
      }
    }
  }
  return undefined;
}
