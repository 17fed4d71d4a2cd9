// Quick fixes for diagnostics. Each "did you mean" is computed from the workspace the way the rule
// found its near miss (the same helpers), so a fix always removes the diagnostic it is offered for:
// the near-miss label value of an orphaned selector, a Service of a similar name for a missing
// backend or address, the Service port that a backend or address meant, the declared container
// port for a targetPort, the suggested autoscaler target, dnsPolicy for host-network pods; and for
// every diagnostic the disable comment above its line.
import { placeInFile, type Analysis } from '../analysis';
import type { Diagnostic } from '../diagnostics';
import type { TrafficGraph } from '../graph';
import { servicePortFor, servicePortsReaching } from '../servicePorts';
import type { Service, ServicePort } from '../model/service';
import { editDistance, isNearMiss, nearestMiss } from '../nearMiss';
import type { Selector } from '../selectors';
import type { Span } from '../text';
import type { CodeActionResult } from './types';
import { locate } from './locate';

/** `text` is the file's current text, for the indentation of inserted comments and for quoting. */
export function codeActions(
  analysis: Analysis,
  file: string,
  _span: Span,
  diagnostics: readonly Diagnostic[],
  text: string,
): CodeActionResult[] {
  const out: CodeActionResult[] = [];
  for (const d of diagnostics) {
    if (d.file !== file) continue;
    const fixes = specificFixes(analysis, d, text);
    const dns = dnsPolicyFix(d, text);
    if (dns) fixes.push(dns);
    for (const fix of fixes) out.push(fix);
    const lineStart = text.lastIndexOf('\n', Math.max(0, d.span.start - 1)) + 1;
    const indent = /^[ \t]*/.exec(text.slice(lineStart, lineStart + 200))?.[0] ?? '';
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    out.push({
      title: `Disable ${d.rule} for this line`,
      kind: 'quickfix',
      diagnostic: d,
      edits: [
        {
          file,
          span: { start: lineStart, end: lineStart },
          newText: `${indent}# kube-traffic-lens-disable-next-line ${d.rule}${eol}`,
        },
      ],
    });
  }
  return out;
}

/**
 * hostnetwork-dns-policy: the diagnostic sits on dnsPolicy's value (replaced) or, when dnsPolicy is
 * not written, on hostNetwork's value in a block mapping (a dnsPolicy line is added below it).
 */
function dnsPolicyFix(d: Diagnostic, text: string): CodeActionResult | undefined {
  if (d.rule !== 'hostnetwork-dns-policy') return undefined;
  const title = 'Set dnsPolicy: ClusterFirstWithHostNet';
  const edit = (span: Span, newText: string): CodeActionResult => ({
    title,
    kind: 'quickfix',
    diagnostic: d,
    edits: [{ file: d.file, span, newText }],
    isPreferred: true,
  });
  const written = text.slice(d.span.start, d.span.end);
  if (/^["']?ClusterFirst["']?$/.test(written)) return edit(d.span, 'ClusterFirstWithHostNet');
  const lineStart = text.lastIndexOf('\n', d.span.start - 1) + 1;
  const line = /^([ \t]*)(- +)?hostNetwork:[ \t]*/.exec(text.slice(lineStart, d.span.start));
  if (!line || line[0].length !== d.span.start - lineStart) return undefined;
  // The new key aligns with hostNetwork (after a sequence dash when the pair opens an item).
  const indent = ' '.repeat(line[0].indexOf('hostNetwork'));
  const lineEnd = text.indexOf('\n', d.span.end);
  const at = lineEnd < 0 ? text.length : text[lineEnd - 1] === '\r' ? lineEnd - 1 : lineEnd;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return edit({ start: at, end: at }, `${eol}${indent}dnsPolicy: ClusterFirstWithHostNet`);
}

type Fix = { title: string; span: Span; newText: string };

function specificFixes(analysis: Analysis, d: Diagnostic, text: string): CodeActionResult[] {
  // The diagnostic is in file offsets; the trees of a framed file (origin.ts) in frames: the fixes
  // are found in the trees' offsets and given in the file's.
  const frames = analysis.workspace.files.get(d.file)?.frames;
  const inTree = frames ? { ...d, span: frames.framedSpan(d.span) } : d;
  const inFile = (s: Span) => placeInFile(analysis, d.file, s).span;
  const slice = (s: Span) => {
    const at = inFile(s);
    return text.slice(at.start, at.end);
  };
  const fixes = fixesFor(analysis.graph, analysis, inTree, slice);
  return fixes.map((f, i) => ({
    title: f.title,
    kind: 'quickfix',
    diagnostic: d,
    edits: [{ file: d.file, span: inFile(f.span), newText: f.newText }],
    isPreferred: i === 0 && fixes.length === 1,
  }));
}

/** `d` in the trees' offsets; `slice` the text a tree span covers. */
function fixesFor(g: TrafficGraph, analysis: Analysis, d: Diagnostic, slice: (span: Span) => string): Fix[] {
  if (d.rule === 'hpa-target-missing') {
    // The diagnostic sits on scaleTargetRef.name; the near miss is in the message.
    const m = / Did you mean '([^']+)'\?$/.exec(d.message);
    return m ? [{ title: `Change to ${m[1]}`, span: d.span, newText: m[1] }] : [];
  }
  const located = locate(analysis, d.file, d.span.start);
  if (!located) return [];
  const { resource } = located;
  const ns = resource.namespace ?? 'default';
  const same = (s: Span | undefined) => s !== undefined && s.start === d.span.start && s.end === d.span.end;
  switch (d.rule) {
    case 'service-selector-orphaned':
    case 'networkpolicy-selector-orphaned':
    case 'networkpolicy-peer-selector-orphaned': {
      const policy = g.networkPolicy(resource);
      const selectors: Selector[] = policy
        ? [
            policy.podSelector,
            ...policy.peers.flatMap((p) => (p.podSelector && !p.namespaceSelector ? [p.podSelector] : [])),
          ]
        : [g.service(resource)?.selector].filter((s): s is Selector => s !== undefined);
      for (const selector of selectors) {
        const term = selector.terms.find((t) => same(t.span));
        if (!term?.valueSpan) continue;
        // The rule's own near miss: one label value away in a pod template kept with this file.
        const miss = nearestMiss(g, selector, ns, resource.file);
        if (miss?.kind !== 'value' || !same(miss.termSpan)) continue;
        return [
          {
            title: `Change to ${miss.key}: ${miss.actual} (${miss.workload.resource.kind} ${miss.workload.resource.name})`,
            span: term.valueSpan,
            newText: scalar(miss.actual, slice(term.valueSpan)),
          },
        ];
      }
      return [];
    }
    case 'service-target-port-unmatched':
    case 'service-target-port-name-unresolved': {
      const t = located.target;
      if (t?.kind !== 'service-port') return [];
      // Offer a fix only when the templates leave one obvious choice.
      const declared = g.workloadsSelectedBy(t.service).flatMap((w) => w.template.containers.flatMap((c) => c.ports));
      const names = [...new Set(declared.map((p) => p.name).filter((n): n is string => !!n))];
      const numbers = [...new Set(declared.map((p) => p.containerPort))];
      const value =
        d.rule === 'service-target-port-name-unresolved' && names.length === 1
          ? names[0]
          : numbers.length === 1
            ? String(numbers[0])
            : undefined;
      return value ? [{ title: `Set targetPort to ${value}`, span: t.port.targetPortSpan, newText: value }] : [];
    }
    case 'ingress-backend-service-missing': {
      const t = located.target;
      if (t?.kind !== 'backend' || t.part !== 'name') return [];
      return similarServices(g, ns, t.target.backend.serviceName).map((s) => ({
        title: `Change to Service ${s.resource.name}`,
        span: t.target.backend.serviceNameSpan,
        newText: scalar(s.resource.name, slice(t.target.backend.serviceNameSpan)),
      }));
    }
    case 'route-backend-service-missing': {
      const t = located.target;
      if (t?.kind !== 'route-backend' || t.part !== 'name') return [];
      const span = t.backend.nameSpan;
      return similarServices(g, t.backend.namespace, t.backend.name).map((s) => ({
        title: `Change to Service ${s.resource.name}`,
        span,
        newText: scalar(s.resource.name, slice(span)),
      }));
    }
    case 'ingress-backend-port-missing': {
      const t = located.target;
      if (t?.kind !== 'backend' || !t.target.backend.portSpan) return [];
      const service = t.target.services[0];
      const wanted = t.target.backend.port;
      if (!service || wanted === undefined || t.target.services.some((s) => servicePortFor(s, wanted) !== undefined))
        return [];
      // `port.name` takes a port name, `port.number` a number; the beta `servicePort` either.
      const byName = typeof wanted === 'string';
      return meantPorts(g, service, wanted).flatMap((p) => {
        const value = byName ? p.name : String(p.port);
        return value
          ? [
              {
                title: `Use port ${value} of Service ${service.resource.name}`,
                span: t.target.backend.portSpan!,
                newText: value,
              },
            ]
          : [];
      });
    }
    case 'route-backend-port-missing': {
      const t = located.target;
      if (t?.kind !== 'route-backend' || !t.backend.portSpan || t.backend.port === undefined) return [];
      const service = g.servicesNamed(t.backend.namespace, t.backend.name)[0];
      return service
        ? meantPorts(g, service, t.backend.port).map((p) => ({
            title: `Use port ${p.port} of Service ${service.resource.name}`,
            span: t.backend.portSpan!,
            newText: String(p.port),
          }))
        : [];
    }
    case 'service-reference-missing':
    case 'service-reference-port-unmatched': {
      const workload = g.workload(resource);
      if (!workload) return [];
      const out: Fix[] = [];
      for (const ref of g.serviceReferences(workload)) {
        // Only text written literally in this file can be edited (not a value built from $(VARS)).
        if (!same(ref.workloadSpan) || ref.file !== d.file) continue;
        const written = slice(ref.span);
        const at = written.indexOf(ref.host);
        if (at < 0 || written.indexOf(ref.host, at + 1) >= 0) continue;
        const hostStart = ref.span.start + at;
        const services = g.servicesNamed(ref.namespace, ref.service);
        if (d.rule === 'service-reference-missing' && services.length === 0) {
          // The Service is the first label (svc, svc.ns) or the one two before `svc`.
          const labels = ref.host.split('.');
          const svcAt = labels.lastIndexOf('svc');
          const index = svcAt >= 2 ? svcAt - 2 : 0;
          const start = hostStart + labels.slice(0, index).reduce((n, l) => n + l.length + 1, 0);
          for (const s of similarServices(
            g,
            ref.namespace,
            ref.service,
            Math.max(1, Math.floor(ref.service.length / 4)),
          )) {
            out.push({
              title: `Change to ${s.resource.name} (Service ${ref.namespace}/${s.resource.name})`,
              span: { start, end: start + ref.service.length },
              newText: s.resource.name,
            });
          }
        }
        if (d.rule === 'service-reference-port-unmatched' && services.length > 0 && ref.port !== undefined) {
          const portText = `:${ref.port}`;
          if (written.slice(at + ref.host.length, at + ref.host.length + portText.length) !== portText) continue;
          const start = hostStart + ref.host.length + 1;
          for (const p of meantPorts(g, services[0], ref.port))
            out.push({
              title: `Use port ${p.port} of Service ${services[0].resource.name}`,
              span: { start, end: start + String(ref.port).length },
              newText: String(p.port),
            });
        }
      }
      return out;
    }
    default:
      return [];
  }
}

/**
 * Services of a namespace whose name is near a wanted one: a few characters off (a typo), or the
 * wanted name with a suffix or prefix added or dropped (`frontend-v2` for `frontend`). Closest first.
 */
function similarServices(g: TrafficGraph, namespace: string, wanted: string, maxDistance?: number): Service[] {
  const scored = new Map<string, { service: Service; distance: number }>();
  for (const s of g.services) {
    const name = s.resource.name;
    if ((s.resource.namespace ?? 'default') !== namespace || name === wanted || scored.has(name)) continue;
    const distance = editDistance(name, wanted);
    const limit = maxDistance ?? Math.max(1, Math.floor(Math.max(name.length, wanted.length) / 3));
    const affix =
      maxDistance === undefined &&
      (wanted.startsWith(`${name}-`) ||
        name.startsWith(`${wanted}-`) ||
        wanted.endsWith(`-${name}`) ||
        name.endsWith(`-${wanted}`));
    if (distance <= limit || affix) scored.set(name, { service: s, distance });
  }
  return [...scored.values()]
    .sort((a, b) => a.distance - b.distance)
    .slice(0, 3)
    .map((x) => x.service);
}

/**
 * The Service ports a wrong port most likely meant: those whose targetPort or resolved container
 * port is the written number (the container's port was written instead of the Service's), or with
 * a similar name; else the only port.
 */
function meantPorts(g: TrafficGraph, service: Service, wanted: number | string): ServicePort[] {
  const matches =
    typeof wanted === 'number'
      ? servicePortsReaching(g, service, wanted)
      : service.ports.filter((p) => p.name !== undefined && isNearMiss(p.name, wanted));
  if (matches.length) return matches.slice(0, 3);
  const only = servicePortFor(service, undefined);
  return only ? [only] : [];
}

/** A string as a YAML scalar where `written` was: the same quotes, or quotes when it would not read as a string. */
function scalar(value: string, written: string): string {
  const q = written[0];
  if (q === '"' || q === "'") return `${q}${value}${q}`;
  return /^(?:[-+]?(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?|0x[0-9a-f]+|0o[0-7]+|true|false|yes|no|on|off|null|~|\.inf|\.nan)$/i.test(
    value,
  ) || /^[\s#&*!|>'"%@`{[]|[:#]\s|\s$/.test(value)
    ? JSON.stringify(value)
    : value;
}
