// Completion from the text around the cursor (the buffer may not parse while typing) and the last
// analysis: Service names and ports in Ingress backends, pod labels in Service selectors, container
// ports in targetPort.
import type { Analysis } from '../analyze';
import type { CompletionEntry } from './index';
import { locate } from './locate';

export function completion(analysis: Analysis, file: string, offset: number, text: string): CompletionEntry[] {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  const word = /[\w.\-/]*$/.exec(before)?.[0] ?? '';
  const replace = { start: offset - word.length, end: offset };
  const resource = locate(analysis, file, Math.min(offset, lineStart))?.resource ?? locate(analysis, file, offset)?.resource;
  const ns = resource?.namespace ?? 'default';
  const g = analysis.graph;
  const key = /^\s*(?:-\s+)?([\w.\-/]+)\s*:\s*[\w.\-/]*$/.exec(before)?.[1];
  const context = text.slice(Math.max(0, lineStart - 400), lineStart);
  const services = () => g.services.filter((s) => (s.resource.namespace ?? 'default') === ns);

  // Ingress backends: `name:` under `service:` (v1) or `serviceName:` (v1beta1).
  if (key === 'serviceName' || (key === 'name' && /\n\s*service:\s*\n[^\n]*$/.test(context))) {
    return unique(services().map((s) => ({ label: s.resource.name, kind: 'service' as const, detail: `${s.producer ? `Service made by ${s.producer.resource.kind} ${s.producer.resource.name}` : 'Service'} · ${s.ports.map((p) => p.port).join(', ')}`, replace })));
  }
  if (key === 'number' || key === 'servicePort' || (key === 'name' && /\n\s*port:\s*\n[^\n]*$/.test(context))) {
    const serviceName = /(?:serviceName:\s*|service:\s*\n\s*name:\s*)([\w.-]+)[^]*$/.exec(context)?.[1];
    const service = services().find((s) => s.resource.name === serviceName);
    if (!service) return [];
    const byName = key === 'name' || (key === 'servicePort' && /[a-z]/i.test(word));
    return service.ports
      .filter((p) => !byName || p.name)
      .map((p) => ({ label: byName ? p.name! : String(p.port), kind: 'port' as const, detail: `${service.resource.name} ${p.port}/${p.protocol} → ${p.targetPort}`, replace }));
  }
  // targetPort: the ports the selected containers declare.
  if (key === 'targetPort' && resource) {
    const service = g.service(resource);
    const workloads = service ? g.workloadsSelectedBy(service) : [];
    return unique(
      workloads.flatMap((w) => w.template.containers.flatMap((c) => c.ports.flatMap((p) => [
        ...(p.name ? [{ label: p.name, kind: 'port-name' as const, detail: `${c.name}:${p.containerPort} in ${w.resource.kind} ${w.resource.name}`, replace }] : []),
        { label: String(p.containerPort), kind: 'port' as const, detail: `${c.name} in ${w.resource.kind} ${w.resource.name}`, replace },
      ]))),
    );
  }
  // Service selectors: label keys (at the key position) and values (after `key:`).
  if (/\n\s*selector:\s*\n(?:\s+[\w.\-/]+:[^\n]*\n)*$/.test(context) && resource && g.service(resource)) {
    const templates = g.workloadsIn(ns).map((w) => w.template.labels.declared);
    if (key) return unique(templates.flatMap((labels) => (labels[key] !== undefined ? [{ label: labels[key], kind: 'label-value' as const, replace }] : [])));
    return unique(templates.flatMap((labels) => Object.keys(labels).map((k) => ({ label: k, kind: 'label-key' as const, insertText: `${k}: `, replace }))));
  }
  return [];
}

function unique<T extends { label: string }>(entries: T[]): T[] {
  const seen = new Set<string>();
  return entries.filter((e) => (seen.has(e.label) ? false : (seen.add(e.label), true)));
}
