// The traffic map as the webview receives it (the engine's TrafficMap, version 1), and the
// messages between webview and extension. Declared once here; both sides import the types.
export interface MapNode {
  readonly id: string;
  readonly kind: 'Ingress' | 'Route' | 'LoadBalancer' | 'NodePort' | 'Service' | 'Workload' | 'ContainerPort' | 'Missing';
  readonly label: string;
  readonly namespace?: string;
  readonly resource?: string;
  readonly file?: string;
  readonly line?: number;
}

export interface MapEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: 'routes' | 'exposes' | 'selects' | 'targets' | 'calls';
  readonly label: string;
  readonly broken: boolean;
  readonly reason?: string;
}

export interface TrafficPath {
  readonly namespace: string;
  readonly entry: string;
  readonly hops: readonly { node: string; label: string }[];
  readonly broken?: string;
}

export interface TrafficMap {
  readonly version: 1;
  readonly nodes: readonly MapNode[];
  readonly edges: readonly MapEdge[];
  readonly paths: readonly TrafficPath[];
}

/** Extension -> webview. */
export type ToWebview =
  | { type: 'map'; map: TrafficMap }
  | { type: 'focus'; resource: string | undefined }
  | { type: 'exportSvg' };

/** Webview -> extension. */
export type FromWebview =
  | { type: 'ready' }
  | { type: 'reveal'; nodeId: string }
  | { type: 'svg'; svg: string };

export function isFromWebview(value: unknown): value is FromWebview {
  if (!value || typeof value !== 'object') return false;
  const m = value as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return true;
    case 'reveal':
      return typeof m.nodeId === 'string' && m.nodeId.length < 1000;
    case 'svg':
      return typeof m.svg === 'string' && m.svg.length < 20_000_000;
    default:
      return false;
  }
}
