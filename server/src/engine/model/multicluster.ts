// Services that exist in other clusters under another name: multi-cluster mirrors. A repository
// that keeps several clusters' manifests side by side addresses them by the mirrored name.
import type { Resource } from './resource';

/** Values of Linkerd's export label that mirror a Service into linked clusters. */
const LINKERD_EXPORTED = new Set(['true', 'remote-discovery']);
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Whether `name` is a name Linkerd's service mirror gives this Service in a linked cluster: a
 * Service labelled mirror.linkerd.io/exported (its Link's default selector) is mirrored in each
 * source cluster as `<name>-<link>`, in the same namespace, and each endpoint of a headless one as
 * `<pod>.<name>-<link>` (linkerd multicluster service-mirror).
 */
export function isMirroredName(service: Resource, name: string): boolean {
  return (
    LINKERD_EXPORTED.has(service.labels['mirror.linkerd.io/exported'] ?? '') &&
    name.length > service.name.length + 1 &&
    name.startsWith(`${service.name}-`) &&
    DNS_LABEL.test(name)
  );
}
