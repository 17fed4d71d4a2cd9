// The messages between the traffic-map webview and the extension that hosts it. The map's own
// types come from the protocol module shared with the language server (type-only: nothing of the
// protocol library reaches the webview bundle).
import type { MapEdge, MapNode, PolicyVerdict, TrafficMap, TrafficPath } from '../../server/src/protocol';

export type { MapEdge, MapNode, PolicyVerdict, TrafficMap, TrafficPath };

/** Extension -> webview. */
export type ToWebview =
  | { type: 'map'; map: TrafficMap }
  | { type: 'focus'; resource: string | undefined }
  | { type: 'details'; nodeId: string; markdown: string | undefined }
  | { type: 'exportSvg' };

/** Webview -> extension. */
export type FromWebview =
  | { type: 'ready' }
  | { type: 'reveal'; nodeId: string }
  | { type: 'details'; nodeId: string }
  | { type: 'openLink'; target: string }
  | { type: 'painted'; nodes: number; ms: number }
  | { type: 'svg'; svg: string };

export function isFromWebview(value: unknown): value is FromWebview {
  if (!value || typeof value !== 'object') return false;
  const m = value as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return true;
    case 'reveal':
    case 'details':
      return typeof m.nodeId === 'string' && m.nodeId.length < 1000;
    case 'openLink':
      return typeof m.target === 'string' && m.target.length < 4000;
    case 'painted':
      return typeof m.nodes === 'number' && typeof m.ms === 'number';
    case 'svg':
      return typeof m.svg === 'string' && m.svg.length < 20_000_000;
    default:
      return false;
  }
}
