// Completion from the text around the cursor (the buffer may not parse while typing) and the last
// analysis: Service names and ports in Ingress backends and route backendRefs (ports only of the
// Service that backend names), pod labels in Service selectors, container ports in targetPort.
import type { Analysis } from '../analysis';
import type { Service } from '../model/service';
import type { CompletionEntry } from './types';
import { locate } from './locate';
import { TextBlocks, type TextLine } from './textBlocks';

/**
 * The longest line prefix completion reads. What it completes is far shorter (a label key is at
 * most 317 characters); a longer line is no place to complete, and reading it on every keystroke
 * would cost time proportional to it.
 */
const MAX_LINE_PREFIX = 1024;

const WORD_CHAR = /[\w.\-/]/;

/** The word (name, key or port characters) that ends at the end of before, scanned backwards: linear. */
function wordBefore(before: string): string {
  let start = before.length;
  while (start > 0 && WORD_CHAR.test(before[start - 1])) start--;
  return before.slice(start);
}

export function completion(analysis: Analysis, file: string, offset: number, text: string): CompletionEntry[] {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  if (offset - lineStart > MAX_LINE_PREFIX) return [];
  const before = text.slice(lineStart, offset);
  const word = wordBefore(before);
  const replace = { start: offset - word.length, end: offset };
  const resource =
    locate(analysis, file, Math.min(offset, lineStart))?.resource ?? locate(analysis, file, offset)?.resource;
  const ns = resource?.namespace ?? 'default';
  const g = analysis.graph;
  const key = /^\s*(?:-\s+)?([\w.\-/]+)\s*:\s*[\w.\-/]*$/.exec(before)?.[1];
  const context = text.slice(Math.max(0, lineStart - 400), lineStart);
  // Operator-made Services included (model/producers.ts), said so in the detail.
  const servicesIn = (namespace: string) => g.servicesIn(namespace);
  const serviceNames = (namespace: string) =>
    unique(
      servicesIn(namespace).map((s) => ({
        label: s.resource.name,
        kind: 'service' as const,
        detail: `${s.producer ? `Service made by ${s.producer.resource.kind} ${s.producer.resource.name}` : 'Service'} · ${s.ports.map((p) => p.port).join(', ')}`,
        replace,
      })),
    );
  const blocks = new TextBlocks(text);
  const line = key ? blocks.lineAt(text.slice(0, lineStart).split('\n').length - 1) : undefined;
  const parent = line && blocks.parent(line);

  // Ingress v1: service: {name, port: {number | name}}; v1beta1: serviceName, servicePort.
  if (line && parent?.key === 'service' && key === 'name') return serviceNames(ns);
  if (key === 'serviceName') return serviceNames(ns);
  if (line && parent?.key === 'port' && (key === 'number' || key === 'name')) {
    const service =
      blocks.parent(parent)?.key === 'service' ? named(servicesIn(ns), blocks.sibling(parent, 'name')) : undefined;
    return service ? portsOf(service, key === 'name', replace) : [];
  }
  if (line && key === 'servicePort') {
    const service = named(servicesIn(ns), blocks.sibling(line, 'serviceName'));
    return service ? portsOf(service, /[a-z]/i.test(word), replace) : [];
  }
  // Gateway API backendRefs: name (a Service of the item's namespace) and port (that Service's).
  if (line && parent?.key === 'backendRefs' && isServiceRef(blocks, line) && (key === 'name' || key === 'port')) {
    const namespace = blocks.sibling(line, 'namespace') ?? ns;
    if (key === 'name') return serviceNames(namespace);
    const service = named(servicesIn(namespace), blocks.sibling(line, 'name'));
    return service ? portsOf(service, false, replace) : [];
  }
  // targetPort: the ports the selected containers declare.
  if (key === 'targetPort' && resource) {
    const service = g.service(resource);
    const workloads = service ? g.workloadsSelectedBy(service) : [];
    return unique(
      workloads.flatMap((w) =>
        w.template.containers.flatMap((c) =>
          c.ports.flatMap((p) => [
            ...(p.name
              ? [
                  {
                    label: p.name,
                    kind: 'port-name' as const,
                    detail: `${c.name}:${p.containerPort} in ${w.resource.kind} ${w.resource.name}`,
                    replace,
                  },
                ]
              : []),
            {
              label: String(p.containerPort),
              kind: 'port' as const,
              detail: `${c.name} in ${w.resource.kind} ${w.resource.name}`,
              replace,
            },
          ]),
        ),
      ),
    );
  }
  // Service selectors: label keys (at the key position) and values (after `key:`).
  if (/\n\s*selector:\s*\n(?:\s+[\w.\-/]+:[^\n]*\n)*$/.test(context) && resource && g.service(resource)) {
    return labelEntries(
      g.workloadsIn(ns).map((w) => w.template.labels.declared),
      key,
      replace,
    );
  }
  // NetworkPolicy matchLabels: pod labels of the namespace, or namespace labels under a namespaceSelector.
  if (/\n\s*matchLabels:\s*\n(?:\s+[\w.\-/]+:[^\n]*\n)*$/.test(context) && resource && g.networkPolicy(resource)) {
    const index = text.slice(0, lineStart).split('\n').length - 1;
    let matchLabels: TextLine | undefined;
    for (let i = index - 1; i >= Math.max(0, index - 50) && !matchLabels; i--)
      if (blocks.lineAt(i)?.key === 'matchLabels') matchLabels = blocks.lineAt(i);
    const selector = matchLabels && blocks.parent(matchLabels);
    if (selector?.key === 'namespaceSelector')
      return labelEntries(
        [...g.namespaces].map((n) => g.namespaceLabels(n)),
        key,
        replace,
      );
    if (selector?.key === 'podSelector')
      return labelEntries(
        g.workloadsIn(ns).map((w) => w.template.labels.declared),
        key,
        replace,
      );
  }
  return [];
}

/** Label keys (at the key position) or the values of `key` (after `key:`) among these label sets. */
function labelEntries(
  sets: readonly Readonly<Record<string, string>>[],
  key: string | undefined,
  replace: { start: number; end: number },
): CompletionEntry[] {
  if (key)
    return unique(
      sets.flatMap((labels) =>
        labels[key] !== undefined ? [{ label: labels[key], kind: 'label-value' as const, replace }] : [],
      ),
    );
  return unique(
    sets.flatMap((labels) =>
      Object.keys(labels).map((k) => ({ label: k, kind: 'label-key' as const, insertText: `${k}: `, replace })),
    ),
  );
}

function named(services: readonly Service[], name: string | undefined): Service | undefined {
  return name === undefined ? undefined : services.find((s) => s.resource.name === name);
}

/** A backendRef's group and kind default to "" and Service. */
function isServiceRef(blocks: TextBlocks, line: TextLine): boolean {
  return (blocks.sibling(line, 'kind') ?? 'Service') === 'Service' && (blocks.sibling(line, 'group') ?? '') === '';
}

function portsOf(service: Service, byName: boolean, replace: { start: number; end: number }): CompletionEntry[] {
  return service.ports
    .filter((p) => !byName || p.name)
    .map((p) => ({
      label: byName ? p.name! : String(p.port),
      kind: 'port' as const,
      detail: `${service.resource.name} ${p.port}/${p.protocol} → ${p.targetPort}`,
      replace,
    }));
}

function unique<T extends { label: string }>(entries: T[]): T[] {
  const seen = new Set<string>();
  return entries.filter((e) => (seen.has(e.label) ? false : (seen.add(e.label), true)));
}
