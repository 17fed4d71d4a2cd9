// Hovers that explain traffic: a short headline, then a table or a path. Every resource named links
// to its location; every manifest string is escaped (markdown.ts).
import { pushAll } from '../arrays';
import type { Analysis } from '../analysis';
import type { BackendTarget, TrafficGraph } from '../graph';
import { resourceAnchor, type NamespaceOrigin, type Resource } from '../model/resource';
import type { Producer } from '../model/producers';
import type { Service, ServicePort } from '../model/service';
import type { Workload } from '../model/workload';
import type { ServiceReference } from '../model/references';
import { isServiceBackend, type BackendRef, type Route } from '../model/gateway';
import { readVirtualService, type VirtualServiceView } from '../model/istio';
import type { NetworkPolicy, PolicyPeer } from '../model/networkPolicy';
import type { Selector } from '../selectors';
import { readNetworkRequest } from '../model/multus';
import { cidrContainsAddress, cidrContainsCidr, describeCidr, parseAddress, parseCidr } from '../addresses';
import { decide, policiesKeptWith, serviceFlowVerdicts, summarizeVerdicts } from '../reachability';
import { landingPort, reachedOnDeclaredPort, servicePortFor } from '../servicePorts';
import { describeReplicas } from '../paths';
import { formatSelector } from '../selectors';
import type { HoverResult, QueryOptions } from './types';
import { locate } from './locate';
import { usesIndex } from './navigation';
import { code, link, text } from './markdown';
import {
  countPods,
  describePolicyPort,
  isolates,
  peerNamespaces,
  peerWorkloads,
  podsSelectedBy,
  policyNamespace,
  rulesOf,
  workloadsOfSelector,
} from './policies';

const ORIGIN_NOTE: Partial<Record<NamespaceOrigin, string>> = {
  kustomize: "namespace from the kustomization's `namespace:`",
  setting: 'namespace from the `defaultNamespace` setting',
  file: 'namespace inferred from the other resources in this file',
  default: 'no namespace set: `default`',
};

export function hover(
  analysis: Analysis,
  file: string,
  offset: number,
  options: QueryOptions,
): HoverResult | undefined {
  const located = locate(analysis, file, offset);
  if (!located?.target) return undefined;
  const { resource, target } = located;
  const g = analysis.graph;
  // An operator-made object links to the custom resource that makes it, and says so.
  const ref = (r: Resource, label = `${r.kind} ${r.name}`) =>
    `${link(text(label), options.linkTo(r.file, resourceAnchor(r)))}${r.producedBy ? ` (made by ${text(`${r.producedBy.kind} ${r.producedBy.name}`)})` : ''}`;
  let markdown: string | undefined;
  switch (target.kind) {
    case 'resource': {
      const service = g.service(resource);
      const ingress = g.ingress(resource);
      const workload = g.workload(resource);
      const policy = g.networkPolicy(resource);
      if (service) markdown = serviceHover(g, service, ref);
      else if (policy) markdown = policyHover(g, policy, ref);
      else if (ingress)
        markdown = [
          headline(resource),
          '',
          ...g.backendTargets(ingress).map((t) => `- ${backendPath(g, t, ref)}`),
        ].join('\n');
      else if (workload) markdown = workloadHover(g, workload, ref);
      else if (g.produced(resource)) markdown = producedHover(g, resource);
      break;
    }
    case 'service-selector':
    case 'service-port':
      markdown = serviceHover(g, target.service, ref);
      break;
    case 'backend':
      markdown = [
        `**Ingress backend** ${code(target.target.backend.serviceName)}`,
        '',
        backendPath(g, target.target, ref),
        ...whatExists(g, target.target, ref),
      ].join('\n');
      break;
    case 'route-backend':
      markdown = routeBackendHover(g, target.route, target.backend, ref);
      break;
    case 'policy-selector':
      markdown = selectorHover(g, target.policy, target.peer, target.which, target.selector, ref);
      break;
    case 'template-label':
    case 'container-port':
      markdown = workloadHover(g, target.workload, ref);
      break;
    case 'reference':
      markdown = referenceHover(g, target.workload, target.reference, ref);
      break;
    case 'address':
      markdown = addressHover(target.field.text, target.field.form, options.serviceCIDR ?? []);
      break;
    case 'attachment':
      markdown = attachmentHover(g, target.workload, ref);
      break;
    case 'route':
      markdown = routeHover(g, target.route, ref);
      break;
  }
  return markdown ? { markdown, span: target.span } : undefined;
}

function headline(r: Resource): string {
  const ns = r.namespace === undefined ? '' : ` · namespace ${code(r.namespace)}`;
  const note = ORIGIN_NOTE[r.namespaceOrigin];
  return `**${text(r.kind)} ${text(r.name)}**${ns}${note ? ` (${note})` : ''}`;
}

type Ref = (r: Resource, label?: string) => string;

/**
 * Where an object comes from when that is not its own manifest: the operator that makes it at run
 * time, and the other deploy units that define the same object (counted once, shown here).
 */
function origin(g: TrafficGraph, r: Resource, producer: Producer | undefined): string[] {
  const out: string[] = [];
  if (producer)
    out.push(
      `Created at run time by the ${text(producer.operator)} from ${text(`${producer.resource.kind} ${producer.resource.name}`)} (not in the workspace as a manifest).`,
    );
  const elsewhere = [
    ...new Set(
      g
        .resourcesWithId(r.id)
        .filter((x) => x.file !== r.file)
        .map((x) => x.file),
    ),
  ];
  if (elsewhere.length)
    out.push(
      `Also defined in ${elsewhere
        .slice(0, 3)
        .map((f) => code(f))
        .join(', ')}${elsewhere.length > 3 ? ` and ${elsewhere.length - 3} more` : ''} (counted once).`,
    );
  return out.length ? [...out, ''] : [];
}

function serviceHover(g: TrafficGraph, service: Service, ref: Ref): string {
  const r = service.resource;
  const ns = r.namespace ?? 'default';
  const lines = [headline(r), '', ...origin(g, r, service.producer), ''];
  const exposure: string[] = [
    service.headless
      ? 'headless (DNS returns pod IPs)'
      : `${service.type}${service.clusterIP ? ` ${code(service.clusterIP)}` : ''}`,
  ];
  if (service.type === 'NodePort' || service.type === 'LoadBalancer') exposure.push('NodePort on every node');
  if (service.type === 'LoadBalancer') exposure.push('external load balancer');
  for (const ip of service.externalIPs) exposure.push(`externalIP ${code(ip)}`);
  lines.push(`${code(`${r.name}.${ns}.svc.cluster.local`)} · ${exposure.join(' · ')}`, '');
  if (service.type === 'ExternalName') {
    lines.push(`CNAME → ${code(service.externalName ?? '?')}`);
    return lines.join('\n');
  }
  if (!service.selector) {
    const manual = g.manualEndpointsOf(service);
    const addresses = [...new Set(manual.flatMap((e) => e.addresses))];
    if (addresses.length) {
      const ports = [
        ...new Set(manual.flatMap((e) => e.ports.map((p) => (p.name ? `${p.port} (${p.name})` : `${p.port}`)))),
      ];
      lines.push(
        `No selector: endpoints by hand — ${addresses.map((a) => code(a)).join(', ')}${ports.length ? ` on ${text(ports.join(', '))}` : ''} (${manual.map((e) => ref(e.resource)).join(', ')})`,
      );
    } else
      lines.push('No selector: endpoints are managed by hand (no Endpoints or EndpointSlice for it in the workspace).');
  } else {
    const workloads = g.workloadsSelectedBy(service);
    if (workloads.length === 0 && service.producer)
      lines.push(
        `Selects the pods the ${text(service.producer.operator)} runs (${code(formatSelector(service.selector))}).`,
      );
    else if (workloads.length === 0)
      lines.push(`⚠ Selector ${code(formatSelector(service.selector))} matches no pod template: **no endpoints**.`);
    else {
      lines.push('| port | targetPort | container port |', '|---|---|---|');
      for (const port of service.ports) {
        for (const w of workloads)
          lines.push(`| ${portCell(port)} | ${text(port.targetPort)} | ${landing(g, port, w, ref)} |`);
      }
      const fixed = workloads.every((w) => !w.perNode && g.autoscalersOf(w).length === 0);
      const total = fixed && workloads.length > 1 ? ` — ${countPods(g, workloads)} in total` : '';
      lines.push(
        '',
        `Selects ${workloads.map((w) => `${ref(w.resource)} (${text(describeReplicas(w, g))})`).join(', ')}${total}`,
      );
    }
  }
  const routes = g.routesTo(service);
  if (routes.length) {
    lines.push(
      '',
      `Routed from ${routes.map((t) => `${text(routeLabel(t))} (${ref(t.ingress.resource)})`).join(', ')}`,
    );
  }
  const meshRoutes = istioRoutesTo(g, service);
  if (meshRoutes.length)
    lines.push(
      '',
      `Istio routes: ${meshRoutes.map((m) => `${ref(m.vs.resource)}${m.notes.length ? ` (${text(m.notes.join('; '))})` : ''}`).join(', ')}`,
    );
  const callers = callersOf(g, service, ref);
  if (callers.length) pushAll(lines, ['', '**Called by**', ...callers.map((c) => `- ${c}`)]);
  const isolating = [
    ...new Set(
      g.workloadsSelectedBy(service).flatMap((w) => g.policiesSelecting(w).filter((p) => isolates(p, 'ingress'))),
    ),
  ];
  if (isolating.length)
    lines.push('', `Ingress to its pods is limited by ${isolating.map((p) => ref(p.resource)).join(', ')}`);
  return lines.join('\n');
}

/** VirtualServices whose destinations resolve to this Service, with their subsets and weights. */
function istioRoutesTo(g: TrafficGraph, service: Service): { vs: VirtualServiceView; notes: string[] }[] {
  const fqdn = `${service.resource.name}.${service.resource.namespace ?? 'default'}.svc.cluster.local`;
  const out: { vs: VirtualServiceView; notes: string[] }[] = [];
  for (const r of g.resources) {
    if (r.kind !== 'VirtualService') continue;
    const vs = readVirtualService(r);
    const hits = vs?.destinations.filter((d) => d.fqdn === fqdn) ?? [];
    if (!vs || hits.length === 0) continue;
    const notes = hits
      .map((d) =>
        [d.subset !== undefined ? `subset ${d.subset}` : '', d.weight !== undefined ? `${d.weight}%` : '']
          .filter(Boolean)
          .join(', '),
      )
      .filter(Boolean);
    out.push({ vs, notes });
  }
  return out;
}

/** Workloads given this Service's address (east-west), each with the NetworkPolicy verdict. */
function callersOf(g: TrafficGraph, service: Service, ref: Ref): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const { workload: w, reference } of usesIndex(g).references.get(
    `${service.resource.namespace}/${service.resource.name}`,
  ) ?? []) {
    const key = `${w.resource.key}:${reference.port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const port = servicePortFor(service, reference.port);
    const { denied, policies } = summarizeVerdicts(
      port ? serviceFlowVerdicts(g, w, service, port).map((v) => v.verdict) : [],
    );
    const names = policies.map((p) => ref(p.resource));
    const verdict = denied
      ? ` — **denied** by ${names.join(', ')}`
      : names.length
        ? ` — allowed by ${names.join(', ')}`
        : '';
    // A headless Service's name leads to the pods: a container port there is no mistake.
    const portNote = port || service.headless || reference.port === undefined ? '' : ' ⚠ no such port';
    out.push(
      `${ref(w.resource)} on ${code(`${reference.host}${reference.port !== undefined ? `:${reference.port}` : ''}`)}${portNote}${verdict}`,
    );
    if (out.length >= 20) return [...out, '…'];
  }
  return out;
}

/** A Service's ports and where each leads: what a broken reference could have named. */
function portsAndLandings(g: TrafficGraph, service: Service, ref: Ref): string[] {
  if (service.ports.length === 0) return [`${ref(service.resource)} defines no ports.`];
  const workloads = service.selector ? g.workloadsSelectedBy(service) : [];
  return [
    `${ref(service.resource)} has:`,
    ...service.ports.map((p) => {
      const to = workloads.length
        ? ` → ${workloads.map((w) => landing(g, p, w, ref)).join('; ')}`
        : service.selector
          ? ' → no pods selected'
          : '';
      return `- ${code(`${p.port}/${p.protocol}`)}${p.name ? ` (${text(p.name)})` : ''}${to}`;
    }),
  ];
}

/** The Services of a namespace, for a backend or address naming one that does not exist. */
function servicesThere(g: TrafficGraph, namespace: string, ref: Ref): string[] {
  const there = g.services.filter((s) => (s.resource.namespace ?? 'default') === namespace);
  if (there.length === 0) return [`The workspace defines no Service in namespace ${code(namespace)}.`];
  const shown = there.slice(0, 12).map((s) => ref(s.resource, `${s.resource.name}`));
  return [
    `Services in ${code(namespace)}: ${shown.join(', ')}${there.length > shown.length ? `, and ${there.length - shown.length} more` : ''}`,
  ];
}

/** For a broken Ingress backend: the Services there are, or the ports the named one has. */
function whatExists(g: TrafficGraph, t: BackendTarget, ref: Ref): string[] {
  if (t.services.length === 0) return ['', ...servicesThere(g, t.ingress.resource.namespace ?? 'default', ref)];
  if (!t.ports[0].port) return ['', ...portsAndLandings(g, t.services[0], ref)];
  return [];
}

/** A custom resource an operator in the table reads: the Services and pods it makes at run time. */
function producedHover(g: TrafficGraph, r: Resource): string | undefined {
  const made = g.produced(r);
  if (!made) return undefined;
  const lines = [headline(r), '', `At run time the ${text(made.producer.operator)} creates:`, ''];
  for (const s of made.services) {
    const ports = s.ports.map((p) => `${p.port}${p.name ? ` ${p.name}` : ''}`).join(', ');
    lines.push(
      `- Service ${code(s.resource.name)}${s.headless ? ' (headless)' : ''}${ports ? ` — ${text(ports)}` : ''}${s.producer?.portsOpen ? ' (and ports from its configuration)' : ''}`,
    );
  }
  for (const w of made.workloads)
    lines.push(
      `- ${text(w.resource.kind)} ${code(w.resource.name)} (${text(describeReplicas(w, g))}), pods labelled ${code(
        Object.entries(w.template.labels.declared)
          .map(([k, v]) => `${k}=${v}`)
          .join(', '),
      )}`,
    );
  lines.push('', `Source: ${text(made.producer.source)}`);
  return lines.join('\n');
}

function portCell(port: ServicePort): string {
  const node = port.nodePort !== undefined ? ` · nodePort ${port.nodePort}` : '';
  return `${port.port}/${port.protocol}${port.name ? ` ${text(port.name)}` : ''}${node}`;
}

/** Where a Service port lands in a workload; `inWorkload` names the workload (tables need it, paths already did). */
function landing(g: TrafficGraph, port: ServicePort, w: Workload, ref: Ref, inWorkload = true): string {
  const r = g.resolveServicePort(port, w);
  const where = inWorkload ? ref(w.resource) : 'the pods';
  switch (r.status) {
    case 'resolved':
      return `${text(r.container?.name ?? '')}:${r.containerPort}${r.declared?.name ? ` (${text(r.declared.name)})` : ''}${inWorkload ? ` in ${where}` : ''}`;
    case 'assumed':
      return `${r.containerPort} in ${where} (no ports declared)`;
    case 'undeclared':
      // Pods that a Service reaches on a declared port declare only part of what they serve: the
      // undeclared port is no evidence of a mistake there (service-target-port-unmatched agrees).
      return reachedOnDeclaredPort(g, w)
        ? `${r.containerPort} in ${where} (not declared; its pods declare only some of their ports)`
        : `⚠ ${r.containerPort} not declared in ${where}`;
    case 'name-unresolved':
      return `⚠ no port named ${code(String(port.targetPort))} in ${where}: no endpoints`;
    case 'protocol-mismatch':
      return `⚠ ${r.declared?.containerPort}/${r.declared?.protocol} in ${where}: protocol differs`;
  }
}

function routeLabel(t: BackendTarget): string {
  if (!t.path) return 'default backend';
  return `${t.path.host ?? '*'}${t.path.path ?? '/'}`;
}

function backendPath(g: TrafficGraph, t: BackendTarget, ref: Ref): string {
  const port = t.backend.port === undefined ? '' : `:${t.backend.port}`;
  const start = `${text(routeLabel(t))} → `;
  if (t.services.length === 0)
    return `${start}⚠ Service ${code(`${t.backend.serviceName}${port}`)} **does not exist** in this namespace`;
  const { service, port: servicePort } = t.ports[0];
  const svc = ref(service.resource, `Service ${service.resource.name}${port}`);
  if (!servicePort) return `${start}${svc} ⚠ **no such port**`;
  const workloads = g.workloadsSelectedBy(service);
  if (!service.selector) return `${start}${svc} → manual endpoints`;
  if (workloads.length === 0)
    return `${start}${svc} → ${service.producer ? `pods the ${text(service.producer.operator)} runs` : '⚠ no pods selected'}`;
  return workloads
    .map(
      (w) =>
        `${start}${svc} → ${ref(w.resource)} (${text(describeReplicas(w, g))}) → ${landing(g, servicePort, w, ref, false)}`,
    )
    .join('<br>');
}

function workloadHover(g: TrafficGraph, w: Workload, ref: Ref): string {
  const lines = [
    headline(w.resource),
    '',
    ...origin(g, w.resource, w.template.producer),
    `${text(describeReplicas(w, g))}`,
  ];
  const services = g.servicesSelecting(w);
  lines.push(
    '',
    services.length
      ? `Selected by ${services.map((s) => ref(s.resource)).join(', ')}`
      : 'No Service selects these pods.',
  );
  const policies = g.policiesSelecting(w);
  if (policies.length) lines.push('', `NetworkPolicies: ${policies.map((p) => ref(p.resource)).join(', ')}`);
  const budgets = g.disruptionBudgetsFor(w);
  if (budgets.length) lines.push('', `PodDisruptionBudgets: ${budgets.map((b) => ref(b.resource)).join(', ')}`);
  const calls = callsOf(g, w, ref);
  if (calls.length) lines.push('', '**Calls**');
  for (const c of calls) lines.push(`- ${c}`);
  const ports = w.template.containers.flatMap((c) => c.ports.map((p) => ({ c, p })));
  if (ports.length) {
    lines.push('', '| container port | reached through |', '|---|---|');
    for (const { c, p } of ports) {
      const via = services.flatMap((s) =>
        s.ports
          .filter((sp) => g.resolveServicePort(sp, w).declared === p)
          .map((sp) => `${ref(s.resource, `Service ${s.resource.name}:${sp.port}`)}`),
      );
      lines.push(
        `| ${text(c.name)}:${p.containerPort}/${p.protocol}${p.name ? ` (${text(p.name)})` : ''} | ${via.join(', ') || '—'} |`,
      );
    }
  }
  return lines.join('\n');
}

/** An address in env/args: the Service it resolves to and where that Service sends the traffic. */
function referenceHover(g: TrafficGraph, from: Workload, reference: ServiceReference, ref: Ref): string | undefined {
  const service = g.servicesNamed(reference.namespace, reference.service)[0];
  const lines = [
    `**Service reference** ${code(`${reference.host}${reference.port !== undefined ? `:${reference.port}` : ''}`)}`,
    '',
  ];
  if (!service)
    return [
      ...lines,
      `⚠ No Service ${code(reference.service)} in namespace ${code(reference.namespace)}: the name does not resolve.`,
      '',
      ...servicesThere(g, reference.namespace, ref),
    ].join('\n');
  // The port the rules judge: with no port written, the Service's only one (none when it has several).
  const port = servicePortFor(service, reference.port);
  const svc = ref(service.resource, `Service ${service.resource.name}${port ? `:${port.port}` : ''}`);
  if (!port && service.headless && reference.port !== undefined) {
    // A headless Service's name resolves to the pods' own addresses: the port is the container's.
    const workloads = g.workloadsSelectedBy(service);
    return [
      ...lines,
      `→ ${svc} (headless: DNS returns the pods' IPs; port ${reference.port} on the pods)${workloads.length ? ` → ${workloadList(g, workloads, ref)}` : ''}`,
    ].join('\n');
  }
  if (!port && reference.port === undefined)
    return [
      ...lines,
      `→ ${svc}: no port written, and the Service has several: which one is used depends on the client`,
      '',
      ...portsAndLandings(g, service, ref),
    ].join('\n');
  if (!port) return [...lines, `→ ${svc} ⚠ **no such port**`, '', ...portsAndLandings(g, service, ref)].join('\n');
  const workloads = g.workloadsSelectedBy(service);
  if (!service.selector || workloads.length === 0) {
    const pods = !service.selector
      ? ''
      : service.producer
        ? ` → pods the ${text(service.producer.operator)} runs`
        : ' → ⚠ no pods selected';
    return [...lines, `→ ${svc}${pods}`].join('\n');
  }
  for (const w of workloads) {
    const r = g.resolveServicePort(port, w);
    const served = landingPort(r);
    const verdict =
      served !== undefined && w !== from && !w.rejected
        ? decide(g, { from, to: w, port: served, protocol: port.protocol }, policiesKeptWith(from, w))
        : undefined;
    const policy = !verdict
      ? ''
      : verdict.allowed
        ? verdict.egress.isolated || verdict.ingress.isolated
          ? ` — allowed by ${[...verdict.egress.policies, ...verdict.ingress.policies].map((p) => ref(p.resource)).join(', ')}`
          : ''
        : ` — **denied** by ${[...(verdict.egress.allowed ? [] : verdict.egress.policies), ...(verdict.ingress.allowed ? [] : verdict.ingress.policies)].map((p) => ref(p.resource)).join(', ')}`;
    lines.push(
      `→ ${svc} → ${ref(w.resource)} (${text(describeReplicas(w, g))}) → ${landing(g, port, w, ref, false)}${policy}`,
      '',
    );
  }
  return lines.join('\n').trimEnd();
}

/** An address or CIDR: its family, its network and size, and the configured ranges that hold or overlap it. */
function addressHover(value: string, form: 'address' | 'cidr', configured: readonly string[]): string | undefined {
  const ranges = configured.map((c) => ({ text: c, cidr: parseCidr(c) })).filter((r) => r.cidr);
  if (form === 'cidr') {
    const c = parseCidr(value);
    if (!c) return `**${code(value)}** is not a valid CIDR.`;
    const bits = (c.family === 'IPv4' ? 32 : 128) - c.prefix;
    const size = bits > 52 ? `2^${bits}` : String(2 ** bits);
    const related = ranges
      .filter((r) => cidrContainsCidr(r.cidr!, c) || cidrContainsCidr(c, r.cidr!))
      .map((r) => code(r.text));
    return `**${c.family} network** ${code(describeCidr(c))}${c.hostBitsSet ? ` (written ${code(value)}, host bits set)` : ''}\n\n${size} addresses${related.length ? `\n\nOverlaps the Service CIDR ${related.join(', ')}` : ''}`;
  }
  const a = parseAddress(value);
  if (!a) return `**${code(value)}** is not a valid IP address.`;
  const inside = ranges.filter((r) => cidrContainsAddress(r.cidr!, a)).map((r) => code(r.text));
  return `**${a.family} address** ${code(a.address.toString())}${inside.length ? `\n\nInside the Service CIDR ${inside.join(', ')}` : ''}`;
}

/** Multus attachments of a pod: each network's CNI type, master interface, subnet and range. */
function attachmentHover(g: TrafficGraph, w: Workload, ref: Ref): string | undefined {
  const request = readNetworkRequest(w);
  if (!request?.selections) return undefined;
  const lines = [
    '**Secondary networks** (Multus)',
    '',
    '| network | type | master | subnet / range |',
    '|---|---|---|---|',
  ];
  for (const s of request.selections) {
    const ns = s.namespace ?? w.template.namespace;
    const nad = g.attachmentDefinitions(ns, s.name)[0];
    const config = nad?.config as Record<string, unknown> | undefined;
    const plugin = (Array.isArray(config?.plugins) ? (config!.plugins as Record<string, unknown>[])[0] : config) ?? {};
    const ipam = (plugin.ipam ?? {}) as Record<string, unknown>;
    const range = [
      ipam.subnet,
      ipam.range,
      ipam.rangeStart && ipam.rangeEnd ? `${ipam.rangeStart}–${ipam.rangeEnd}` : undefined,
    ]
      .filter(Boolean)
      .join(' ');
    const name = nad ? ref(nad.resource, `${ns}/${s.name}`) : `⚠ ${text(`${ns}/${s.name}`)} (no definition)`;
    lines.push(
      `| ${name}${s.interface ? ` @${text(s.interface)}` : ''} | ${text(String(plugin.type ?? '—'))} | ${text(String(plugin.master ?? '—'))} | ${text(range || '—')} |`,
    );
  }
  return lines.join('\n');
}

/** A Gateway API route: each rule with its matches and weighted backends, down to the pods. */
function routeHover(g: TrafficGraph, route: Route, ref: Ref): string {
  const r = route.resource;
  const parents = route.parentRefs.map((p) => {
    const gw = g.gatewaysNamed(p.namespace, p.name)[0];
    const label = `${p.kind} ${p.namespace}/${p.name}${p.sectionName ? `/${p.sectionName}` : ''}`;
    return gw ? ref(gw.resource, label) : `⚠ ${text(label)}`;
  });
  const lines = [
    headline(r),
    '',
    `Attached to ${parents.join(', ') || 'nothing'} · hosts ${text(route.hostnames.join(', ') || '*')}`,
    '',
  ];
  route.rules.forEach((rule, i) => {
    const matches =
      rule.matches
        .map((m) => m.path)
        .filter(Boolean)
        .join(', ') || '/';
    const total = rule.backendRefs.reduce((n, b) => n + (b.weight ?? 1), 0);
    lines.push(`**Rule ${i + 1}** ${code(matches)}`);
    for (const b of rule.backendRefs) {
      const share =
        rule.backendRefs.length > 1 ? ` (${Math.round(((b.weight ?? 1) / Math.max(1, total)) * 100)}%)` : '';
      const service = b.kind === 'Service' && b.group === '' ? g.servicesNamed(b.namespace, b.name)[0] : undefined;
      if (!service) {
        lines.push(
          `- ${text(`${b.kind} ${b.namespace}/${b.name}`)}${share}${b.kind === 'Service' ? ' ⚠ **does not exist**' : ''}`,
        );
        continue;
      }
      const port = servicePortFor(service, b.port);
      const svc = ref(service.resource, `Service ${service.resource.name}:${b.port ?? '?'}`);
      const workloads = port ? g.workloadsSelectedBy(service) : [];
      lines.push(
        `- ${svc}${share}${port ? workloads.map((w) => ` → ${ref(w.resource)} (${text(describeReplicas(w, g))}) → ${landing(g, port, w, ref, false)}`).join(';') : ' ⚠ **no such port**'}`,
      );
    }
    lines.push('');
  });
  return lines.join('\n').trimEnd();
}

/** The Services a workload is given addresses of, each with the NetworkPolicy verdict. */
function callsOf(g: TrafficGraph, from: Workload, ref: Ref): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const reference of g.serviceReferences(from)) {
    const service = g.servicesNamed(reference.namespace, reference.service)[0];
    if (!service) continue;
    const port = servicePortFor(service, reference.port);
    const key = `${service.resource.id}:${port?.port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const svc = ref(service.resource, `Service ${service.resource.name}${port ? `:${port.port}` : ''}`);
    const { denied, policies } = summarizeVerdicts(
      port ? serviceFlowVerdicts(g, from, service, port).map((v) => v.verdict) : [],
    );
    const names = policies.map((p) => ref(p.resource));
    out.push(
      `${svc}${denied ? ` — **denied** by ${names.join(', ')}` : names.length ? ` — allowed by ${names.join(', ')}` : ''}`,
    );
  }
  return out;
}

/** A NetworkPolicy: the pods it selects, the directions it isolates, each rule's peers and ports. */
function policyHover(g: TrafficGraph, policy: NetworkPolicy, ref: Ref): string {
  const ns = policyNamespace(policy);
  const selected = podsSelectedBy(g, policy);
  const lines = [headline(policy.resource), ''];
  const selector =
    policy.podSelector.terms.length === 0 ? `every pod in ${code(ns)}` : code(formatSelector(policy.podSelector));
  lines.push(
    selected.length
      ? `Selects ${selector}: ${workloadList(g, selected, ref)}`
      : `⚠ Selects ${selector}: no pod template in the workspace matches.`,
    '',
  );
  for (const direction of ['ingress', 'egress'] as const) {
    const word = direction === 'ingress' ? 'Ingress' : 'Egress';
    if (!isolates(policy, direction)) {
      lines.push(`**${word}** not isolated by this policy.`, '');
      continue;
    }
    const rules = rulesOf(policy, direction);
    if (rules.length === 0) {
      lines.push(
        `**${word}** isolated: **all ${direction} denied** unless another policy selecting these pods allows it.`,
        '',
      );
      continue;
    }
    lines.push(`**${word}** isolated; allowed:`);
    rules.forEach((rule, i) => {
      const peers =
        rule.peers.length === 0
          ? [direction === 'ingress' ? 'every source' : 'every destination']
          : rule.peers.map((p) => describePeer(g, policy, p, ref));
      const ports =
        rule.ports.length === 0 ? 'every port' : rule.ports.map((p) => code(describePolicyPort(p))).join(', ');
      lines.push(`- rule ${i + 1} ${direction === 'ingress' ? 'from' : 'to'} ${peers.join('; ')} · on ${ports}`);
    });
    lines.push('');
  }
  return lines.join('\n').trimEnd();
}

/** A peer resolved to the pod templates it matches. */
function describePeer(g: TrafficGraph, policy: NetworkPolicy, peer: PolicyPeer, ref: Ref): string {
  if (peer.hasIpBlock) return 'an IP block (addresses, not pods)';
  const pods = peer.podSelector
    ? peer.podSelector.terms.length
      ? code(formatSelector(peer.podSelector))
      : 'all pods'
    : 'all pods';
  const where = peer.namespaceSelector
    ? peer.namespaceSelector.terms.length
      ? `in namespaces ${code(formatSelector(peer.namespaceSelector))}`
      : 'in every namespace'
    : `in ${code(policyNamespace(policy))}`;
  const workloads = peerWorkloads(g, policy, peer);
  const known =
    peer.namespaceSelector && peerNamespaces(g, policy, peer).length === 0
      ? ' (no such namespace in the workspace)'
      : '';
  return `${pods} ${where}${known}: ${workloads.length ? workloadList(g, workloads, ref) : 'no pod template in the workspace'}`;
}

function workloadList(g: TrafficGraph, workloads: readonly Workload[], ref: Ref, max = 8): string {
  const shown = workloads.slice(0, max).map((w) => `${ref(w.resource)} (${text(describeReplicas(w, g))})`);
  return `${shown.join(', ')}${workloads.length > max ? `, and ${workloads.length - max} more` : ''}`;
}

/** A label under a NetworkPolicy selector: the pod templates (or namespaces) the selector selects. */
function selectorHover(
  g: TrafficGraph,
  policy: NetworkPolicy,
  peer: PolicyPeer | undefined,
  which: 'pod' | 'namespace',
  selector: Selector,
  ref: Ref,
): string {
  const what = !peer
    ? 'podSelector'
    : which === 'pod'
      ? `${peer.direction === 'ingress' ? 'from' : 'to'} podSelector`
      : `${peer.direction === 'ingress' ? 'from' : 'to'} namespaceSelector`;
  const lines = [`**${what}** ${code(formatSelector(selector))} of ${ref(policy.resource)}`, ''];
  if (peer && which === 'namespace') {
    const namespaces = peerNamespaces(g, policy, peer);
    lines.push(
      namespaces.length
        ? `Namespaces: ${namespaces.map((n) => code(n)).join(', ')}`
        : 'No namespace of the workspace matches (it may exist in the cluster).',
      '',
    );
  }
  const workloads = workloadsOfSelector(g, policy, peer, which, selector);
  lines.push(
    workloads.length
      ? `Selects ${workloadList(g, workloads, ref)}${workloads.length > 1 ? ` — ${countPods(g, workloads)}` : ''}`
      : '⚠ Selects no pod template in the workspace.',
  );
  return lines.join('\n');
}

/** A route's backendRef: where it leads, or what exists when it is broken. */
function routeBackendHover(g: TrafficGraph, route: Route, b: BackendRef, ref: Ref): string {
  const lines = [
    `**${text(route.resource.kind)} backendRef** ${code(`${b.namespace}/${b.name}${b.port !== undefined ? `:${b.port}` : ''}`)}`,
    '',
  ];
  if (!isServiceBackend(b)) return [...lines, `${text(b.kind)} backend: not a Service.`].join('\n');
  const service = g.servicesNamed(b.namespace, b.name)[0];
  if (!service)
    return [
      ...lines,
      `⚠ Service ${code(b.name)} **does not exist** in ${code(b.namespace)}.`,
      '',
      ...servicesThere(g, b.namespace, ref),
    ].join('\n');
  const port = servicePortFor(service, b.port);
  if (!port)
    return [...lines, `${ref(service.resource)} ⚠ **no such port**`, '', ...portsAndLandings(g, service, ref)].join(
      '\n',
    );
  const workloads = g.workloadsSelectedBy(service);
  const svc = ref(service.resource, `Service ${service.resource.name}:${port.port}`);
  if (!service.selector) return [...lines, `→ ${svc} → manual endpoints`].join('\n');
  if (workloads.length === 0) return [...lines, `→ ${svc} → ⚠ no pods selected`].join('\n');
  return [
    ...lines,
    ...workloads.map(
      (w) => `→ ${svc} → ${ref(w.resource)} (${text(describeReplicas(w, g))}) → ${landing(g, port, w, ref, false)}`,
    ),
  ].join('\n');
}
