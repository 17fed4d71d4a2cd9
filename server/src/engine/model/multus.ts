// Multus secondary networks: the `k8s.v1.cni.cncf.io/networks` annotation of pods (a comma list of
// `[namespace/]name[@interface]`, or a JSON list of NetworkSelectionElements) and the
// NetworkAttachmentDefinitions it names, whose spec.config is CNI configuration JSON.
import type { YScalar } from '../syntax';
import { asScalar, get, getPath, stringValue } from '../tree';
import type { Resource } from './resource';
import type { Workload } from './workload';

export const NETWORKS_ANNOTATION = 'k8s.v1.cni.cncf.io/networks';

export interface NetworkSelection {
  readonly name: string;
  readonly namespace: string | undefined;
  readonly interface: string | undefined;
}

export interface NetworkRequest {
  readonly workload: Workload;
  readonly value: YScalar;
  /** undefined when the annotation cannot be read (invalid JSON). */
  readonly selections: readonly NetworkSelection[] | undefined;
}

export function readNetworkRequest(workload: Workload): NetworkRequest | undefined {
  const value = asScalar(getPath(workload.template.metadata, 'annotations', NETWORKS_ANNOTATION));
  if (!value || typeof value.value !== 'string' || value.value.trim() === '') return undefined;
  return { workload, value, selections: parseNetworkSelections(value.value) };
}

export function parseNetworkSelections(text: string): NetworkSelection[] | undefined {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      return undefined;
    }
    if (!Array.isArray(parsed)) return undefined;
    return parsed.flatMap((e) => {
      if (!e || typeof e !== 'object' || typeof (e as { name?: unknown }).name !== 'string') return [];
      const o = e as { name: string; namespace?: unknown; interface?: unknown };
      return [
        {
          name: o.name,
          namespace: typeof o.namespace === 'string' ? o.namespace : undefined,
          interface: typeof o.interface === 'string' ? o.interface : undefined,
        },
      ];
    });
  }
  return trimmed
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const [ref, iface] = entry.split('@');
      const slash = ref.indexOf('/');
      return slash < 0
        ? { name: ref, namespace: undefined, interface: iface }
        : { name: ref.slice(slash + 1), namespace: ref.slice(0, slash), interface: iface };
    });
}

export interface AttachmentDefinition {
  readonly resource: Resource;
  readonly configNode: YScalar | undefined;
  /** The parsed CNI configuration; undefined when absent or not JSON. */
  readonly config: Record<string, unknown> | undefined;
  readonly configError: string | undefined;
}

export function readAttachmentDefinition(resource: Resource): AttachmentDefinition | undefined {
  if (resource.kind !== 'NetworkAttachmentDefinition' || !resource.apiVersion.startsWith('k8s.cni.cncf.io/'))
    return undefined;
  const configNode = asScalar(get(get(resource.node, 'spec'), 'config'));
  const text = stringValue(configNode);
  if (!text || text.trim() === '') return { resource, configNode, config: undefined, configError: undefined };
  try {
    const config = JSON.parse(text) as unknown;
    if (!config || typeof config !== 'object' || Array.isArray(config))
      return { resource, configNode, config: undefined, configError: 'spec.config must be a JSON object' };
    return { resource, configNode, config: config as Record<string, unknown>, configError: undefined };
  } catch (err) {
    return { resource, configNode, config: undefined, configError: (err as Error).message };
  }
}
