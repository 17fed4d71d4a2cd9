// The custom messages between the language server and its clients, declared once: the server
// registers handlers with these types, the VS Code client sends with them, and the webview imports
// the payload types (type-only, so nothing of the protocol library reaches its bundle). A new
// custom request is one entry here, one handler in lsp/customHandlers.ts and its callers.
import { NotificationType, NotificationType0, RequestType } from 'vscode-languageserver-protocol';
import type {
  MapEdge,
  MapEdgeKind,
  MapNode,
  MapNodeKind,
  PathHop,
  PolicyVerdict,
  TrafficMap,
  TrafficPath,
} from './engine/paths';

export type { MapEdge, MapEdgeKind, MapNode, MapNodeKind, PathHop, PolicyVerdict, TrafficMap, TrafficPath };

/** The whole traffic map of the last completed analysis; null before the first one. */
export const TrafficMapRequest = new RequestType<Record<string, never>, TrafficMap | null, void>(
  'kubeTrafficLens/trafficMap',
);

export interface ResourceAtParams {
  readonly textDocument: { readonly uri: string };
  readonly position: { readonly line: number; readonly character: number };
}
export interface ResourceAtResult {
  /** `Kind/namespace/name` (`Kind/name` for cluster-scoped kinds): the ids the traffic map uses. */
  readonly resource: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string | undefined;
}
/** The Kubernetes resource whose document contains a position (the innermost List item). */
export const ResourceAtRequest = new RequestType<ResourceAtParams, ResourceAtResult | null, void>(
  'kubeTrafficLens/resourceAt',
);

export interface ResourceDetailsParams {
  /** A map node's `resource` id. */
  readonly resource: string;
}
export interface ResourceDetailsResult {
  /** The hover of the resource's name: what the editor shows, as Markdown. */
  readonly markdown: string;
}
/** What the map's side panel shows for a node: the hover content of its resource. */
export const ResourceDetailsRequest = new RequestType<ResourceDetailsParams, ResourceDetailsResult | null, void>(
  'kubeTrafficLens/resourceDetails',
);

export interface IndexStatusParams {
  readonly resources: number;
  readonly files: number;
  readonly indexing: boolean;
  readonly cancelledAnalyses?: number;
  /** Helm charts found but not rendered (no helm, untrusted workspace, rendering off), and why. */
  readonly chartsNotRendered?: number;
  readonly chartsNotRenderedReason?: string;
  /** Files not analysed (Helm templates, too large, unreadable), the first few with the reason. */
  readonly skipped?: readonly { readonly path: string; readonly reason: string }[];
  readonly skippedCount?: number;
}
/** Sent while indexing and after each completed analysis, for the status bar. */
export const IndexStatusNotification = new NotificationType<IndexStatusParams>('kubeTrafficLens/indexStatus');

/**
 * The user granted workspace trust: Helm charts may be rendered now. (The VS Code client restarts
 * the server instead, which reads the trust at initialize; other clients may send this.)
 */
export const WorkspaceTrustedNotification = new NotificationType0('kubeTrafficLens/workspaceTrusted');

/** A rendered Helm chart (one release and value set) as the read-only view shows it. */
export interface RenderedManifest {
  readonly path: string;
  readonly text: string;
  /** The diagnostics found in this render, at their rendered places. */
  readonly diagnostics: readonly {
    range: { start: { line: number; character: number }; end: { line: number; character: number } };
    severity: string;
    rule: string;
    message: string;
  }[];
}
export const RenderedManifestRequest = new RequestType<{ path: string }, RenderedManifest | null, void>(
  'kubeTrafficLens/renderedManifest',
);

/** The renders of the chart a document belongs to, and the rendered line of a position in it. */
export interface RenderList {
  readonly renders: readonly { path: string; title: string }[];
  readonly at: { path: string; line: number | undefined } | undefined;
}
export const RenderedManifestsRequest = new RequestType<
  { uri?: string; position?: { line: number; character: number } },
  RenderList | null,
  void
>('kubeTrafficLens/renderedManifests');
