// Lays the traffic map out left to right with ELK's layered algorithm (entries -> Services ->
// workloads -> container ports), namespaces as labelled groups, and renders it to SVG markup.
// Pure: the same code draws the webview, the SVG export and the CLI's standalone HTML map.
import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import type { MapEdge, MapNode, TrafficMap } from './model';

export interface PlacedNode extends MapNode {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface PlacedGroup {
  readonly namespace: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface PlacedEdge extends MapEdge {
  readonly points: readonly { x: number; y: number }[];
  /** Where ELK placed the edge's label, space reserved. */
  readonly labelBox: { text: string; x: number; y: number; width: number } | undefined;
}

export interface Layout {
  readonly width: number;
  readonly height: number;
  readonly groups: readonly PlacedGroup[];
  readonly nodes: readonly PlacedNode[];
  readonly edges: readonly PlacedEdge[];
}

const NODE_HEIGHT = 40;
const CHAR_WIDTH = 7;
const LABEL_CHAR_WIDTH = 5.6;

/** The text on an edge: the ports it carries, or why it is broken (the full reason is its tooltip). */
function edgeLabel(e: MapEdge): string {
  if (e.broken) return truncate(`✖ ${e.reason ?? 'broken'}`, 34);
  return e.kind === 'targets' ? '' : e.kind === 'calls' ? `calls${e.label}` : e.label;
}
const KIND_TITLE: Record<MapNode['kind'], string> = {
  Ingress: 'Ingress', Route: 'route', LoadBalancer: 'LoadBalancer', NodePort: 'NodePort', Service: 'Service', Workload: 'Workload', ContainerPort: 'container port', Missing: 'missing',
};

export function nodeWidth(n: MapNode): number {
  return Math.max(110, Math.min(320, Math.max(n.label.length, KIND_TITLE[n.kind].length) * CHAR_WIDTH + 24));
}

const GROUP_PADDING = { top: 34, left: 16, bottom: 16, right: 16 };
const GROUP_GAP = 30;

/**
 * Each namespace is laid out by ELK on its own (layered, left to right), then the groups are packed
 * in rows towards a wide aspect ratio, so that many namespaces fill the screen instead of a column.
 * Edges between namespaces (rare) are drawn straight between their nodes.
 */
export async function layoutMap(map: TrafficMap): Promise<Layout> {
  const elk = new ELK();
  const byNamespace = new Map<string, MapNode[]>();
  for (const n of map.nodes) {
    const ns = n.namespace ?? '(cluster)';
    byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), n]);
  }
  const namespaceOf = new Map(map.nodes.map((n) => [n.id, n.namespace ?? '(cluster)']));
  const laidGroups: { namespace: string; graph: ElkNode; edges: MapEdge[] }[] = [];
  for (const [namespace, nodes] of [...byNamespace].sort(([a], [b]) => a.localeCompare(b))) {
    const edges = map.edges.filter((e) => namespaceOf.get(e.from) === namespace && namespaceOf.get(e.to) === namespace);
    const graph: ElkNode = {
      id: `ns:${namespace}`,
      layoutOptions: {
        'elk.algorithm': 'layered',
        'elk.direction': 'RIGHT',
        'elk.layered.spacing.nodeNodeBetweenLayers': '50',
        'elk.layered.spacing.edgeNodeBetweenLayers': '20',
        'elk.spacing.nodeNode': '18',
        'elk.spacing.edgeLabel': '4',
        'elk.spacing.componentComponent': '24',
        'elk.edgeRouting': 'ORTHOGONAL',
        'elk.edgeLabels.placement': 'CENTER',
        'elk.layered.edgeLabels.sideSelection': 'ALWAYS_UP',
        'elk.padding': `[top=${GROUP_PADDING.top},left=${GROUP_PADDING.left},bottom=${GROUP_PADDING.bottom},right=${GROUP_PADDING.right}]`,
      },
      children: nodes.map((n) => ({ id: n.id, width: nodeWidth(n), height: NODE_HEIGHT })),
      edges: edges.map<ElkExtendedEdge>((e, i) => {
        const text = edgeLabel(e);
        return { id: `e${i}`, sources: [e.from], targets: [e.to], labels: text ? [{ id: `l${i}`, text, width: text.length * LABEL_CHAR_WIDTH + 6, height: 14 }] : [] };
      }),
    };
    laidGroups.push({ namespace, graph: await elk.layout(graph), edges });
  }

  // Shelf packing: rows no wider than what a 2:1 canvas of the total area would be.
  const area = laidGroups.reduce((a, g) => a + (g.graph.width ?? 0) * (g.graph.height ?? 0), 0);
  const rowWidth = laidGroups.reduce((max, g) => Math.max(max, g.graph.width ?? 0), Math.sqrt(area * 2));
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  const groups: PlacedGroup[] = [];
  const nodes: PlacedNode[] = [];
  const edges: PlacedEdge[] = [];
  const nodeById = new Map(map.nodes.map((n) => [n.id, n]));
  for (const { namespace, graph, edges: groupEdges } of laidGroups) {
    const w = graph.width ?? 0;
    const h = graph.height ?? 0;
    if (x > 0 && x + w > rowWidth) {
      x = 0;
      y += rowHeight + GROUP_GAP;
      rowHeight = 0;
    }
    groups.push({ namespace, x, y, width: w, height: h });
    for (const c of graph.children ?? []) {
      nodes.push({ ...nodeById.get(c.id)!, x: x + (c.x ?? 0), y: y + (c.y ?? 0), width: c.width ?? 0, height: c.height ?? 0 });
    }
    (graph.edges ?? []).forEach((e, i) => {
      const section = e.sections?.[0];
      const points = section ? [section.startPoint, ...(section.bendPoints ?? []), section.endPoint].map((p) => ({ x: p.x + x, y: p.y + y })) : [];
      const l = e.labels?.[0];
      const labelBox = l ? { text: l.text ?? '', x: (l.x ?? 0) + x, y: (l.y ?? 0) + y, width: l.width ?? 0 } : undefined;
      edges.push({ ...groupEdges[i], points, labelBox });
    });
    x += w + GROUP_GAP;
    rowHeight = Math.max(rowHeight, h);
  }
  // Edges between namespaces: straight, from the right of one node to the left of the other.
  const placed = new Map(nodes.map((n) => [n.id, n]));
  for (const e of map.edges) {
    if (namespaceOf.get(e.from) === namespaceOf.get(e.to)) continue;
    const a = placed.get(e.from);
    const b = placed.get(e.to);
    if (!a || !b) continue;
    const text = edgeLabel(e);
    const points = [{ x: a.x + a.width, y: a.y + a.height / 2 }, { x: b.x, y: b.y + b.height / 2 }];
    edges.push({ ...e, points, labelBox: text ? { text, x: (points[0].x + points[1].x) / 2, y: (points[0].y + points[1].y) / 2 - 14, width: text.length * LABEL_CHAR_WIDTH } : undefined });
  }
  const width = groups.reduce((max, g) => Math.max(max, g.x + g.width), 0);
  const height = groups.reduce((max, g) => Math.max(max, g.y + g.height), 0);
  return { width, height, groups, nodes, edges };
}

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A path through the points: straight segments through ELK's bend points, smoothed. */
function edgePath(points: readonly { x: number; y: number }[]): string {
  if (points.length === 0) return '';
  return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
}

export interface RenderOptions {
  /** Nodes to draw dimmed (search and focus). */
  readonly dimmed?: ReadonlySet<string>;
  /** Colours for a standalone file, where VS Code's CSS variables do not exist. */
  readonly standalone?: boolean;
}

export const MAP_STYLE = `
.ktl-map { font-family: var(--vscode-font-family, system-ui, sans-serif); font-size: 12px; }
.ktl-map .group rect { fill: none; stroke: var(--ktl-group, #8884); stroke-width: 1.5; rx: 10; }
.ktl-map .group text { fill: var(--ktl-muted, #888); font-size: 12px; font-weight: 600; }
.ktl-map .node rect { fill: var(--ktl-node-bg, #fff); stroke: var(--ktl-node-border, #999); stroke-width: 1.5; }
.ktl-map .node text { fill: var(--ktl-fg, #222); }
.ktl-map .node .kind { fill: var(--ktl-muted, #777); font-size: 9.5px; text-transform: uppercase; letter-spacing: 0.04em; }
.ktl-map .node.Ingress rect, .ktl-map .node.Route rect, .ktl-map .node.LoadBalancer rect, .ktl-map .node.NodePort rect { stroke: var(--ktl-entry, #3b82f6); }
.ktl-map .node.Service rect { stroke: var(--ktl-service, #a855f7); }
.ktl-map .node.Workload rect { stroke: var(--ktl-workload, #16a34a); }
.ktl-map .node.ContainerPort rect { stroke: var(--ktl-port, #ca8a04); }
.ktl-map .node.Missing rect { stroke: var(--ktl-broken, #dc2626); stroke-dasharray: 5 3; }
.ktl-map .node.Missing text { fill: var(--ktl-broken, #dc2626); }
.ktl-map .node:focus rect, .ktl-map .node:hover rect { stroke-width: 3; }
.ktl-map .node:focus { outline: none; }
.ktl-map .node.dim, .ktl-map .edge.dim { opacity: 0.18; }
.ktl-map .edge path { fill: none; stroke: var(--ktl-edge, #888); stroke-width: 1.4; }
.ktl-map .edge text { fill: var(--ktl-muted, #777); font-size: 10px; }
.ktl-map .edge.calls path { stroke: var(--ktl-entry, #3b82f6); stroke-dasharray: 2 3; }
.ktl-map .edge.broken path { stroke: var(--ktl-broken, #dc2626); stroke-dasharray: 6 4; stroke-width: 1.8; }
.ktl-map .edge.broken text { fill: var(--ktl-broken, #dc2626); }
`;

/** SVG markup of a layout; every string from manifests is escaped. */
export function renderSvg(layout: Layout, options: RenderOptions = {}): string {
  const dim = options.dimmed ?? new Set<string>();
  const out: string[] = [];
  const pad = 20;
  const w = Math.ceil(layout.width + pad * 2);
  const h = Math.ceil(layout.height + pad * 2);
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" class="ktl-map" role="img" aria-label="Traffic map" width="${w}" height="${h}" viewBox="${-pad} ${-pad} ${w} ${h}">`);
  out.push(`<defs><marker id="ktl-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="var(--ktl-edge, #888)"/></marker>`);
  out.push(`<marker id="ktl-arrow-broken" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="var(--ktl-broken, #dc2626)"/></marker></defs>`);
  if (options.standalone) out.push(`<style>${MAP_STYLE}</style>`);
  for (const g of layout.groups) {
    out.push(`<g class="group" data-namespace="${escapeXml(g.namespace)}"><rect x="${g.x}" y="${g.y}" width="${g.width}" height="${g.height}" rx="10"/><text x="${g.x + 14}" y="${g.y + 21}">namespace ${escapeXml(g.namespace)}</text></g>`);
  }
  for (const e of layout.edges) {
    const classes = ['edge', e.kind, e.broken ? 'broken' : '', dim.has(e.from) || dim.has(e.to) ? 'dim' : ''].filter(Boolean).join(' ');
    const box = e.labelBox;
    const title = e.broken ? `${e.label ? `${e.label}: ` : ''}${e.reason ?? 'broken'}` : e.label;
    out.push(
      `<g class="${classes}" data-from="${escapeXml(e.from)}" data-to="${escapeXml(e.to)}"><title>${escapeXml(title)}</title>` +
        `<path d="${edgePath(e.points)}" marker-end="url(#${e.broken ? 'ktl-arrow-broken' : 'ktl-arrow'})"/>` +
        (box && box.text ? `<text x="${(box.x + 3).toFixed(1)}" y="${(box.y + 11).toFixed(1)}">${escapeXml(box.text)}</text>` : '') +
        `</g>`,
    );
  }
  for (const n of layout.nodes) {
    const classes = ['node', n.kind, dim.has(n.id) ? 'dim' : ''].filter(Boolean).join(' ');
    const where = n.file ? `\n${n.file}${n.line ? `:${n.line}` : ''}` : '';
    out.push(
      `<g class="${classes}" tabindex="0" role="button" data-id="${escapeXml(n.id)}" aria-label="${escapeXml(`${KIND_TITLE[n.kind]} ${n.label}`)}"><title>${escapeXml(`${n.id}${where}`)}</title>` +
        `<rect x="${n.x}" y="${n.y}" width="${n.width}" height="${n.height}" rx="${n.kind === 'ContainerPort' ? 18 : 6}"/>` +
        `<text class="kind" x="${n.x + 10}" y="${n.y + 14}">${escapeXml(KIND_TITLE[n.kind])}</text>` +
        `<text x="${n.x + 10}" y="${n.y + 30}">${escapeXml(truncate(n.label, Math.floor((n.width - 16) / CHAR_WIDTH)))}</text></g>`,
    );
  }
  out.push('</svg>');
  return out.join('\n');
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, Math.max(1, max - 1))}…`;
}

/** Nodes on the traffic paths through a resource (its own nodes included): what focus mode shows. */
export function nodesThrough(map: TrafficMap, resource: string): Set<string> {
  const own = (id: string) => id === resource || id.startsWith(`${resource}#`) || id.startsWith(`${resource}:`);
  const keep = new Set<string>();
  for (const p of map.paths) {
    const hops = p.hops.map((h) => h.node);
    if (hops.some(own)) hops.forEach((h) => keep.add(h));
  }
  for (const n of map.nodes) if (own(n.id) || n.resource === resource) keep.add(n.id);
  return keep;
}
