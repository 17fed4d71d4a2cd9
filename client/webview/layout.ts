// Lays the traffic map out and renders it to SVG markup. Pure (no DOM access except an optional
// text measurer): the same code draws the webview, the SVG export and the CLI's standalone map.
//
// Per namespace, each Service is a block of three columns: the entries that reach it (Ingress
// paths, routes, load balancers, node ports), the Service, and the workloads it selects (container
// ports are shown inside the workload). Blocks sit in bands by east-west call depth (the Services
// entries reach first, then what their workloads call, ...), so calls run left to right. A band
// taller than the view allows wraps into several column chunks, and chunks wrap into rows; the
// chunk height and row width are chosen to make the whole map fit the view at the largest scale.
import { maxOf, pushTo } from '../../server/src/engine/arrays';
import type { MapEdge, MapNode, TrafficMap } from './model';

export type Column = 'entry' | 'service' | 'workload';

export interface PlacedNode extends MapNode {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** The main text: the resource's name (or the entry's address). */
  readonly name: string;
  /** The smaller line: kind and details (type, pods, container ports). */
  readonly sub: string;
  readonly column: Column;
  /** A broken or denied edge touches the node. */
  readonly problem: boolean;
  /** How much larger the name may be drawn when the node's small line is hidden (low detail). */
  readonly grow: 100 | 115 | 130 | 145 | 160 | 175;
}

export interface PlacedGroup {
  readonly namespace: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface PlacedEdge extends MapEdge {
  /** SVG path data. */
  readonly d: string;
  /** Where the label is centred. */
  readonly labelAt: { readonly x: number; readonly y: number };
  readonly text: string;
}

export interface Layout {
  readonly width: number;
  readonly height: number;
  readonly groups: readonly PlacedGroup[];
  readonly nodes: readonly PlacedNode[];
  readonly edges: readonly PlacedEdge[];
}

export interface LayoutOptions {
  /** The view the map should fit (CSS px): wrapping aims at its aspect ratio. */
  readonly viewWidth?: number;
  readonly viewHeight?: number;
  /** Width of a text in the node name font (13px, weight 600) and the sub font (10px). */
  readonly measure?: (text: string, font: 'name' | 'sub') => number;
}

export const NODE_HEIGHT = 38;
const ROW_HEIGHT = 48;
const COLUMN_GAP = 84;
const CHUNK_GAP = 72;
const GROUP_PAD = { top: 36, side: 20, bottom: 20 };
const GROUP_GAP = 36;
const MIN_NODE_WIDTH = 120;
const MAX_NODE_WIDTH = 300;
/** The largest scale Fit uses: small maps are not blown up. */
export const MAX_FIT_SCALE = 1.25;

const ENTRY_KINDS = new Set<MapNode['kind']>(['Ingress', 'Route', 'LoadBalancer', 'NodePort']);

export function columnOf(n: MapNode): Column | undefined {
  if (ENTRY_KINDS.has(n.kind)) return 'entry';
  if (n.kind === 'Service') return 'service';
  if (n.kind === 'Workload') return 'workload';
  if (n.kind === 'Missing') return n.id.includes('#') ? 'workload' : 'service';
  return undefined; // container ports are drawn inside their workload
}

const lastSegment = (id: string | undefined) => (id ?? '').split('/').pop() ?? '';
const withoutParens = (s: string) => s.trim().replace(/^\((.*)\)$/, '$1');

/** The two lines of a node: its name and a line of kind and details. */
export function nodeText(n: MapNode, ports: readonly string[]): { name: string; sub: string } {
  const name = lastSegment(n.resource ?? n.id);
  switch (n.kind) {
    case 'Service': {
      const note = withoutParens(n.label.slice(name.length));
      return { name, sub: note ? `Service · ${note}` : 'Service' };
    }
    case 'Workload': {
      const kind = (n.resource ?? n.id).split('/')[0];
      const replicas = withoutParens(n.label.slice(kind.length + 1 + name.length));
      const parts = [kind, replicas, ports.length ? ports.map((p) => `:${p}`).join(' ') : ''].filter(Boolean);
      return { name, sub: parts.join(' · ') };
    }
    case 'Ingress':
      return { name: n.label, sub: `Ingress ${name}` };
    case 'Route': {
      const colon = n.label.indexOf(': ');
      return {
        name: colon >= 0 ? n.label.slice(colon + 2) : n.label,
        sub: colon >= 0 ? n.label.slice(0, colon) : 'route',
      };
    }
    case 'LoadBalancer':
      return { name: 'LoadBalancer', sub: `Service ${name}` };
    case 'NodePort':
      return { name: 'NodePort', sub: `every node · Service ${name}` };
    case 'Missing':
      return n.id.includes('#')
        ? { name: n.label, sub: `selector of Service ${lastSegment(n.id.split('#')[0])}` }
        : { name: n.label.replace(/ \(missing Service\)$/, ''), sub: 'missing Service' };
    default:
      return { name: n.label, sub: n.kind };
  }
}

/** The text on an edge: the ports it carries, or why it is broken (the full reason is in its tooltip). */
export function edgeText(e: MapEdge, withPolicy: boolean): string {
  const ports = e.label.replace(/ -> /g, ' → ');
  const base = e.kind === 'targets' ? '' : e.kind === 'calls' ? `calls${ports ? ` ${ports}` : ''}` : ports;
  if (e.policy && (withPolicy || e.policy.verdict === 'denied')) {
    const names = e.policy.policies.map((p) => p.name).join(', ');
    return truncate(`${base ? `${base} · ` : ''}${e.policy.verdict} by ${names}`, 48);
  }
  return base;
}

const estimate = (text: string, font: 'name' | 'sub') => text.length * (font === 'name' ? 7.6 : 5.9);

interface Block {
  readonly entries: string[];
  readonly service: string | undefined;
  readonly workloads: string[];
  band: number;
  order: number;
  readonly rows: number;
  /** The widest edge label into the Service and out of it: the gaps around the Service column. */
  readonly gaps: { readonly entry: number; readonly workload: number };
}

interface Chunk {
  readonly blocks: Block[];
  readonly rows: number;
  readonly widths: Record<Column, number>;
  readonly gaps: { readonly entry: number; readonly workload: number };
  readonly width: number;
  readonly height: number;
}

interface Arranged {
  readonly width: number;
  readonly height: number;
  /** Top-left of each chunk. */
  readonly at: readonly { readonly chunk: Chunk; readonly x: number; readonly y: number }[];
}

/** Fit scale of a w x h drawing in the view, capped as Fit caps it. */
function fitScale(w: number, h: number, vw: number, vh: number): number {
  return Math.min(MAX_FIT_SCALE, vw / Math.max(1, w), vh / Math.max(1, h));
}

/** Items of known size in reading order, wrapped into rows no wider than rowWidth. */
function wrapRows<T extends { width: number; height: number }>(
  items: readonly T[],
  rowWidth: number,
  gap: number,
): { width: number; height: number; at: { item: T; x: number; y: number }[] } {
  const at: { item: T; x: number; y: number }[] = [];
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  let width = 0;
  for (const item of items) {
    if (x > 0 && x + item.width > rowWidth) {
      x = 0;
      y += rowHeight + gap;
      rowHeight = 0;
    }
    at.push({ item, x, y });
    x += item.width + gap;
    width = Math.max(width, x - gap);
    rowHeight = Math.max(rowHeight, item.height);
  }
  return { width, height: y + rowHeight, at };
}

/**
 * Among candidates in reading preference order (fewest wraps first), the first whose fit scale is
 * good enough: the best scale, or READABLE_SCALE when the best is above it (a map read without
 * zooming needs no more, and fewer wraps keep calls running left to right), or LEGIBLE_SCALE.
 */
const READABLE_SCALE = 0.85;
/** Names are still readable here (13 px -> 9.75 px, grown below 0.8): fewer wraps win at this scale. */
const LEGIBLE_SCALE = 0.75;
function preferred<T extends { scale: number }>(candidates: readonly T[]): T | undefined {
  const best = maxOf(candidates.map((c) => c.scale));
  const enough = Math.min(best, READABLE_SCALE) - 1e-6;
  return candidates.find((c) => c.scale >= enough || c.scale >= Math.min(best, LEGIBLE_SCALE) - 1e-6);
}

/** The row width (among those giving 1..8 rows) at which wrapped items fit the view best. */
function bestWrap<T extends { width: number; height: number }>(
  items: readonly T[],
  gap: number,
  vw: number,
  vh: number,
  pad = { w: 0, h: 0 },
) {
  const total = items.reduce((a, i) => a + i.width + gap, 0);
  const widest = maxOf(
    items.map((i) => i.width),
    0,
  );
  const candidates: { wrapped: ReturnType<typeof wrapRows<T>>; scale: number }[] = [];
  for (let rows = 1; rows <= Math.max(1, Math.min(8, items.length)); rows++) {
    const wrapped = wrapRows(items, Math.max(widest, total / rows), gap);
    candidates.push({ wrapped, scale: fitScale(wrapped.width + pad.w, wrapped.height + pad.h, vw, vh) });
  }
  return preferred(candidates)!;
}

/** Below this scale the map is drawn in low detail (small lines and edge labels hidden). */
export const DETAIL_SCALE = 0.8;

/**
 * The layout of the map for a view. When it can only be fitted below DETAIL_SCALE, where node
 * kinds are hidden, nodes are sized for their names alone (grown as low detail draws them) and
 * long entry addresses are cut (in full in tooltips), if that fits larger.
 */
export function layoutMap(map: TrafficMap, options: LayoutOptions = {}): Layout {
  const full = layoutWith(map, options, false);
  const scaleOf = (l: Layout) =>
    fitScale(l.width + 48, l.height + 48, options.viewWidth ?? 1200, options.viewHeight ?? 750);
  if (scaleOf(full) >= DETAIL_SCALE) return full;
  const compact = layoutWith(map, options, true);
  // Only while still in low detail: at full detail the small lines need the full widths.
  return scaleOf(compact) > scaleOf(full) && scaleOf(compact) < DETAIL_SCALE ? compact : full;
}

function layoutWith(map: TrafficMap, options: LayoutOptions, compact: boolean): Layout {
  const vw = Math.max(200, options.viewWidth ?? 1200);
  const vh = Math.max(150, options.viewHeight ?? 750);
  const measure = options.measure ?? estimate;
  const nodeById = new Map(map.nodes.map((n) => [n.id, n]));

  // Container ports fold into their workload; broken/denied edges mark both ends.
  const portsOf = new Map<string, string[]>();
  const problem = new Set<string>();
  for (const e of map.edges) {
    if (e.kind === 'targets') {
      const port = nodeById.get(e.to);
      if (port) pushTo(portsOf, e.from, port.label.replace(/^[^:]*:/, ''));
    }
    if (e.broken || e.policy?.verdict === 'denied') {
      problem.add(e.from);
      problem.add(e.to);
    }
  }
  const drawn = map.nodes.filter((n) => columnOf(n) !== undefined);
  const sized = new Map(
    drawn.map((n) => {
      const text = nodeText(n, portsOf.get(n.id) ?? []);
      const nameWidth = measure(text.name, 'name');
      const width = Math.round(
        compact
          ? columnOf(n) === 'entry'
            ? Math.max(90, Math.min(170, nameWidth + 22))
            : Math.max(80, Math.min(MAX_NODE_WIDTH, nameWidth * 1.75 + 22))
          : Math.max(MIN_NODE_WIDTH, Math.min(MAX_NODE_WIDTH, Math.max(nameWidth, measure(text.sub, 'sub')) + 22)),
      );
      const room = (width - 20) / Math.max(1, measure(text.name, 'name'));
      const grow =
        room >= 1.75 ? 175 : room >= 1.6 ? 160 : room >= 1.45 ? 145 : room >= 1.3 ? 130 : room >= 1.15 ? 115 : 100;
      return [n.id, { node: n, ...text, width, grow } as const];
    }),
  );

  const byNamespace = new Map<string, MapNode[]>();
  for (const n of drawn) {
    const ns = n.namespace ?? '(cluster)';
    pushTo(byNamespace, ns, n);
  }

  const placed = new Map<string, PlacedNode>();
  const namespaces = [...byNamespace.keys()].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })); // team-2 before team-10
  const blocksByNamespace = namespaces.map((ns) => ({
    namespace: ns,
    blocks: blocksOf(byNamespace.get(ns)!, map.edges, nodeById),
  }));
  // One chunk height for every namespace, chosen for the best fit of the whole map.
  const totalRows = maxOf(
    blocksByNamespace.map((g) => g.blocks.reduce((a, b) => a + b.rows, 0)),
    1,
  );
  const heights = new Set<number>();
  for (let r = totalRows; r >= 1; r = r > 40 ? Math.floor(r * 0.93) : r - 1) heights.add(r);
  const arrangements = [...heights].map((maxRows) => {
    const groups = blocksByNamespace.map((g) => ({
      namespace: g.namespace,
      inner: arrangeNamespace(g.blocks, sized, maxRows, vw, vh),
    }));
    const boxes = groups.map((g) => ({
      ...g,
      width: g.inner.width + GROUP_PAD.side * 2,
      height: g.inner.height + GROUP_PAD.top + GROUP_PAD.bottom,
    }));
    return { boxes, ...bestWrap(boxes, GROUP_GAP, vw, vh) };
  });
  const chosen = preferred(arrangements)!;
  const groupBoxes: { namespace: string; width: number; height: number; place: (gx: number, gy: number) => void }[] =
    [];
  for (const { namespace, inner } of chosen.boxes) {
    groupBoxes.push({
      namespace,
      width: inner.width + GROUP_PAD.side * 2,
      height: inner.height + GROUP_PAD.top + GROUP_PAD.bottom,
      place: (gx, gy) => {
        for (const { chunk, x, y } of inner.at) {
          const colX: Record<Column, number> = { entry: 0, service: 0, workload: 0 };
          let cx = 0;
          for (const c of ['entry', 'service', 'workload'] as const) {
            colX[c] = cx;
            if (chunk.widths[c] > 0)
              cx += chunk.widths[c] + (c === 'entry' ? chunk.gaps.entry : c === 'service' ? chunk.gaps.workload : 0);
          }
          let row = 0;
          for (const block of chunk.blocks) {
            const put = (id: string, column: Column, i: number) => {
              const s = sized.get(id);
              if (!s || placed.has(id)) return;
              const top = gy + GROUP_PAD.top + y + (row + i) * ROW_HEIGHT;
              // Centre a column shorter than its block against the block.
              const count =
                column === 'entry' ? block.entries.length : column === 'service' ? 1 : block.workloads.length;
              const offset = ((block.rows - count) * ROW_HEIGHT) / 2;
              placed.set(id, {
                ...s.node,
                name: s.name,
                sub: s.sub,
                column,
                problem: problem.has(id),
                grow: s.grow,
                // Entries against the Service column, workloads against it from the other side.
                x:
                  gx +
                  GROUP_PAD.side +
                  x +
                  colX[column] +
                  (column === 'entry'
                    ? chunk.widths[column] - s.width
                    : column === 'service'
                      ? (chunk.widths[column] - s.width) / 2
                      : 0),
                y: top + offset,
                width: s.width,
                height: NODE_HEIGHT,
              });
            };
            block.entries.forEach((id, i) => put(id, 'entry', i));
            if (block.service) put(block.service, 'service', 0);
            block.workloads.forEach((id, i) => put(id, 'workload', i));
            row += block.rows;
          }
        }
      },
    });
  }
  const wrapped = chosen.wrapped;
  const groups: PlacedGroup[] = [];
  for (const { item, x, y } of wrapped.at) {
    const box = groupBoxes.find((g) => g.namespace === item.namespace)!;
    box.place(x, y);
    groups.push({ namespace: item.namespace, x, y, width: item.width, height: item.height });
  }
  const nodes = [...placed.values()];
  // Parallel edges (one per Service port) are drawn once, their labels joined; the worst state shows.
  const parallel = new Map<string, MapEdge[]>();
  for (const e of map.edges) {
    if (e.kind === 'targets' || !placed.has(e.from) || !placed.has(e.to)) continue;
    const key = `${e.from}\u0000${e.to}\u0000${e.kind}`;
    pushTo(parallel, key, e);
  }
  const edges = [...parallel.values()].map((list): PlacedEdge => {
    const worst = list.find((e) => e.policy?.verdict === 'denied') ?? list.find((e) => e.broken) ?? list[0];
    const labels = [...new Set(list.map((e) => e.label).filter(Boolean))];
    const reasons = [...new Set(list.map((e) => e.reason).filter((r): r is string => r !== undefined))];
    const merged: MapEdge = {
      ...worst,
      label: labels.join(', '),
      reason: reasons.length ? reasons.join('; ') : undefined,
    };
    return {
      ...merged,
      ...edgeGeometry(placed.get(worst.from)!, placed.get(worst.to)!, worst.kind === 'calls'),
      text: edgeText(merged, false),
    };
  });
  return { width: wrapped.width, height: wrapped.height, groups, nodes, edges };
}

/** One block per Service (its entries and workloads), then entries and workloads left over. */
function blocksOf(
  nodes: readonly MapNode[],
  edges: readonly MapEdge[],
  nodeById: ReadonlyMap<string, MapNode>,
): Block[] {
  const here = new Set(nodes.map((n) => n.id));
  const column = (id: string) => (here.has(id) ? columnOf(nodeById.get(id)!) : undefined);
  const entriesOf = new Map<string, string[]>();
  const workloadsOf = new Map<string, string[]>();
  const calls = new Map<string, string[]>();
  const callers = new Map<string, string[]>();
  const push = (m: Map<string, string[]>, k: string, v: string) => {
    const list = m.get(k) ?? [];
    if (!list.includes(v)) list.push(v);
    m.set(k, list);
  };
  for (const e of edges) {
    if (column(e.from) === 'entry' && column(e.to) === 'service') push(entriesOf, e.to, e.from);
    else if (column(e.from) === 'service' && column(e.to) === 'workload') push(workloadsOf, e.from, e.to);
    else if (e.kind === 'calls' && column(e.from) === 'workload' && column(e.to) === 'service') {
      push(calls, e.from, e.to);
      push(callers, e.to, e.from);
    }
  }
  const byName = (a: string, b: string) =>
    nodeText(nodeById.get(a)!, []).name.localeCompare(nodeText(nodeById.get(b)!, []).name) || a.localeCompare(b);
  const services = nodes
    .filter((n) => columnOf(n) === 'service')
    .map((n) => n.id)
    .sort(byName);
  // Call depth: the Services entries reach are 0, then what their workloads call, and so on.
  const depth = new Map<string, number>();
  const spread = (roots: string[]) => {
    const queue = roots.filter((s) => !depth.has(s));
    for (const s of queue) depth.set(s, 0);
    for (let i = 0; i < queue.length; i++) {
      const s = queue[i];
      for (const w of workloadsOf.get(s) ?? []) {
        for (const t of calls.get(w) ?? []) {
          if (!depth.has(t)) {
            depth.set(t, depth.get(s)! + 1);
            queue.push(t);
          }
        }
      }
    }
  };
  spread(services.filter((s) => entriesOf.has(s)));
  spread(
    services.filter(
      (s) =>
        !depth.has(s) && !(callers.get(s) ?? []).some((w) => nodeById.get(w)?.kind === 'Workload' && !w.includes('#')),
    ),
  );
  for (const s of services) if (!depth.has(s)) spread([s]);

  const taken = new Set<string>();
  const blocks: Block[] = [];
  const block = (entries: string[], service: string | undefined, workloads: string[], band: number) => {
    entries.forEach((id) => taken.add(id));
    workloads.forEach((id) => taken.add(id));
    if (service) taken.add(service);
    // Room for the longest label between the columns (parallel edges' labels are drawn joined).
    const gap = (from: readonly string[], to: readonly string[]) => {
      const texts = new Map<string, Set<string>>();
      for (const e of edges)
        if (from.includes(e.from) && to.includes(e.to))
          texts.set(
            `${e.from}\u0000${e.to}`,
            (texts.get(`${e.from}\u0000${e.to}`) ?? new Set()).add(edgeText(e, true)),
          );
      return Math.max(
        COLUMN_GAP,
        Math.min(
          200,
          maxOf(
            [...texts.values()].map((t) => [...t].join(', ').length * 5.9 + 24),
            0,
          ),
        ),
      );
    };
    const own = service ? [service] : [];
    blocks.push({
      entries,
      service,
      workloads,
      band,
      order: 0,
      rows: Math.max(1, entries.length, workloads.length),
      gaps: { entry: gap(entries, own), workload: gap(own, workloads) },
    });
  };
  // A workload no Service selects that calls a Service is a source of traffic like an entry point
  // (a load generator, a cron job): drawn in the entry column before the first Service it calls.
  const selected = new Set([...workloadsOf.values()].flat());
  for (const n of nodes) {
    if (columnOf(n) !== 'workload' || selected.has(n.id)) continue;
    const target = (calls.get(n.id) ?? [])
      .filter((t) => depth.has(t))
      .sort((a, b) => depth.get(a)! - depth.get(b)! || byName(a, b))[0];
    if (target) push(entriesOf, target, n.id);
  }
  for (const s of services) {
    block(
      (entriesOf.get(s) ?? []).filter((id) => !taken.has(id)),
      s,
      (workloadsOf.get(s) ?? []).filter((id) => !taken.has(id)),
      depth.get(s)! + 1,
    );
  }
  for (const n of nodes) {
    if (taken.has(n.id)) continue;
    const c = columnOf(n);
    if (c === 'entry') block([n.id], undefined, [], 1);
    else if (c === 'workload') block([], undefined, [n.id], 1); // with the first band, after its Services
  }
  // Bands numbered from 0 without gaps; in a band, blocks ordered by where their callers are.
  const bands = [...new Set(blocks.map((b) => b.band))].sort((a, b) => a - b);
  for (const b of blocks) b.band = bands.indexOf(b.band);
  const orderOf = new Map<string, number>();
  let next = 0;
  for (let band = 0; band < bands.length; band++) {
    const inBand = blocks.filter((b) => b.band === band);
    const weight = (b: Block) => {
      const from = (b.service ? (callers.get(b.service) ?? []) : [])
        .map((w) => orderOf.get(w))
        .filter((o): o is number => o !== undefined);
      return from.length ? from.reduce((x, y) => x + y, 0) / from.length : Number.MAX_SAFE_INTEGER;
    };
    const weights = new Map(inBand.map((b) => [b, weight(b)]));
    inBand.sort(
      (a, b) => weights.get(a)! - weights.get(b)! || (b.entries.length > 0 ? 1 : 0) - (a.entries.length > 0 ? 1 : 0),
    );
    for (const b of inBand) {
      b.order = next++;
      for (const w of b.workloads) orderOf.set(w, b.order);
    }
  }
  return blocks.sort((a, b) => a.band - b.band || a.order - b.order);
}

/** Chunks of each band at most maxRows rows tall, wrapped into rows of chunks as fits the view best. */
function arrangeNamespace(
  blocks: readonly Block[],
  sized: ReadonlyMap<string, { width: number }>,
  maxRows: number,
  vw: number,
  vh: number,
): Arranged {
  const widthOf = (id: string | undefined) => (id ? (sized.get(id)?.width ?? 0) : 0);
  const chunkOf = (list: Block[]): Chunk => {
    const widths: Record<Column, number> = {
      entry: maxOf(
        list.flatMap((b) => b.entries.map(widthOf)),
        0,
      ),
      service: maxOf(
        list.map((b) => widthOf(b.service)),
        0,
      ),
      workload: maxOf(
        list.flatMap((b) => b.workloads.map(widthOf)),
        0,
      ),
    };
    const used = (['entry', 'service', 'workload'] as const).filter((c) => widths[c] > 0);
    const rows = list.reduce((a, b) => a + b.rows, 0);
    const gaps = { entry: maxOf(list.map((b) => b.gaps.entry)), workload: maxOf(list.map((b) => b.gaps.workload)) };
    const gapSum =
      used.length === 3
        ? gaps.entry + gaps.workload
        : used.length === 2
          ? widths.entry > 0 && widths.service > 0
            ? gaps.entry
            : widths.service > 0
              ? gaps.workload
              : COLUMN_GAP
          : 0;
    return {
      blocks: list,
      rows,
      widths,
      gaps,
      width: used.reduce((a, c) => a + widths[c], 0) + gapSum,
      height: rows * ROW_HEIGHT - (ROW_HEIGHT - NODE_HEIGHT),
    };
  };
  const chunksFor = (maxRows: number): Chunk[] => {
    const out: Chunk[] = [];
    const bands = [...new Set(blocks.map((b) => b.band))];
    for (const band of bands) {
      let current: Block[] = [];
      let rows = 0;
      for (const b of blocks.filter((x) => x.band === band)) {
        if (current.length && rows + b.rows > maxRows) {
          out.push(chunkOf(current));
          current = [];
          rows = 0;
        }
        current.push(b);
        rows += b.rows;
      }
      if (current.length) out.push(chunkOf(current));
    }
    return out;
  };
  const pad = { w: GROUP_PAD.side * 2, h: GROUP_PAD.top + GROUP_PAD.bottom };
  const { wrapped } = bestWrap(chunksFor(maxRows), CHUNK_GAP, vw, vh, pad);
  return {
    width: wrapped.width,
    height: wrapped.height,
    at: wrapped.at.map(({ item, x, y }) => ({ chunk: item, x, y })),
  };
}

/** A curve from the right side of a to the left side of b (a loop round when b is behind a). */
function edgeGeometry(a: PlacedNode, b: PlacedNode, call: boolean): { d: string; labelAt: { x: number; y: number } } {
  const x1 = a.x + a.width;
  const y1 = a.y + a.height / 2 + (call ? 6 : 0);
  const x2 = b.x;
  const y2 = b.y + b.height / 2 + (call ? 6 : 0);
  const reach = Math.max(40, Math.min(160, Math.abs(x2 - x1) / 2, x2 > x1 ? Infinity : 120));
  const c1 = { x: x1 + reach, y: y1 };
  const c2 = { x: x2 - reach, y: y2 };
  const mid = { x: (x1 + 3 * c1.x + 3 * c2.x + x2) / 8, y: (y1 + 3 * c1.y + 3 * c2.y + y2) / 8 };
  const f = (n: number) => n.toFixed(1);
  return { d: `M${f(x1)},${f(y1)} C${f(c1.x)},${f(c1.y)} ${f(c2.x)},${f(c2.y)} ${f(x2)},${f(y2)}`, labelAt: mid };
}

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, Math.max(1, max - 1))}…`;
}

export interface RenderOptions {
  /** Nodes to draw dimmed (search). */
  readonly dimmed?: ReadonlySet<string>;
  /** Colours and tooltips for a standalone file, where VS Code's CSS variables do not exist. */
  readonly standalone?: boolean;
  /** Policy verdicts on every edge label (the policy overlay, focus). */
  readonly policies?: boolean;
}

export const MAP_STYLE = `
.ktl-map { font-family: var(--vscode-font-family, system-ui, sans-serif); }
.ktl-map .group rect { fill: var(--ktl-group-bg, transparent); stroke: var(--ktl-group, #8884); stroke-width: 1; }
.ktl-map .group text { fill: var(--ktl-muted, #777); font-size: 13px; font-weight: 600; }
.ktl-map .node { cursor: pointer; }
.ktl-map .node rect { fill: var(--ktl-node-bg, #fff); stroke: var(--ktl-node-border, #999); stroke-width: 1.5; }
.ktl-map .node .bar { stroke: none; }
.ktl-map .node .name { fill: var(--ktl-fg, #222); font-size: 13px; font-weight: 600; }
.ktl-map .node .sub { fill: var(--ktl-muted, #666); font-size: 10px; }
.ktl-map .node.entry .bar { fill: var(--ktl-entry, #2563eb); }
.ktl-map .node.Service .bar { fill: var(--ktl-service, #9333ea); }
.ktl-map .node.Workload .bar { fill: var(--ktl-workload, #16a34a); }
.ktl-map .node.Missing rect { stroke: var(--ktl-broken, #dc2626); stroke-dasharray: 5 3; }
.ktl-map .node.Missing .bar { fill: var(--ktl-broken, #dc2626); }
.ktl-map .node.Missing .name { fill: var(--ktl-broken, #dc2626); }
.ktl-map .node.unselected { opacity: 0.55; }
.ktl-map .node.unselected rect { stroke-dasharray: 3 3; }
.ktl-map .node .badge { fill: var(--ktl-broken, #dc2626); }
.ktl-map .node:focus { outline: none; }
.ktl-map .node:focus rect, .ktl-map .node:hover rect, .ktl-map .node.selected rect, .ktl-map .node.current rect { stroke-width: 3; stroke: var(--ktl-focus, #0078d4); }
.ktl-map .node.dim, .ktl-map .edge.dim { opacity: 0.15; }
.ktl-map .edge path { fill: none; stroke: var(--ktl-edge, #888); stroke-width: 1.5; }
.ktl-map .edge .hit { stroke: transparent; stroke-width: 10; }
.ktl-map .edge text { fill: var(--ktl-muted, #666); font-size: 10.5px; paint-order: stroke; stroke: var(--ktl-bg, #fff); stroke-width: 3px; stroke-linejoin: round; }
.ktl-map .edge.calls path.line { stroke: var(--ktl-call, #0284c7); stroke-dasharray: 5 3; }
.ktl-map .edge.broken path.line { stroke: var(--ktl-broken, #dc2626); stroke-dasharray: 6 4; stroke-width: 2; }
.ktl-map .edge.broken text { fill: var(--ktl-broken, #dc2626); }
.ktl-map .edge.denied path.line { stroke: var(--ktl-denied, #ea580c); stroke-dasharray: none; stroke-width: 2.2; }
.ktl-map .edge.denied text { fill: var(--ktl-denied, #ea580c); }
.ktl-map.policies .edge.allowed path.line { stroke: var(--ktl-allowed, #16a34a); stroke-dasharray: none; stroke-width: 2.2; }
.ktl-map.policies .edge.allowed text { fill: var(--ktl-allowed, #16a34a); }
.ktl-map.policies .edge:not(.allowed):not(.denied) { opacity: 0.3; }
`;

const marker = (id: string, colour: string, bar = false) =>
  `<marker id="${id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="${bar ? 'M0,0 L10,5 L0,10 z M9,0 L10,0 L10,10 L9,10 z' : 'M0,0 L10,5 L0,10 z'}" fill="${colour}"/></marker>`;

/** SVG markup of a layout; every string from manifests is escaped. */
export function renderSvg(layout: Layout, options: RenderOptions = {}): string {
  const dim = options.dimmed ?? new Set<string>();
  const out: string[] = [];
  const pad = 24;
  const w = Math.ceil(layout.width + pad * 2);
  const h = Math.ceil(layout.height + pad * 2);
  const classes = ['ktl-map', options.policies ? 'policies' : ''].filter(Boolean).join(' ');
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="${classes}" role="img" aria-label="Traffic map" width="${w}" height="${h}" viewBox="${-pad} ${-pad} ${w} ${h}">`,
  );
  out.push(
    `<defs>${marker('ktl-arrow', 'var(--ktl-edge, #888)')}${marker('ktl-arrow-call', 'var(--ktl-call, #0284c7)')}${marker('ktl-arrow-broken', 'var(--ktl-broken, #dc2626)')}` +
      `${marker('ktl-arrow-denied', 'var(--ktl-denied, #ea580c)', true)}${marker('ktl-arrow-allowed', 'var(--ktl-allowed, #16a34a)')}</defs>`,
  );
  if (options.standalone) out.push(`<style>${MAP_STYLE}</style>`);
  for (const g of layout.groups) {
    out.push(
      `<g class="group" data-namespace="${escapeXml(g.namespace)}"><rect x="${g.x}" y="${g.y}" width="${g.width}" height="${g.height}" rx="10"/><text x="${g.x + 16}" y="${g.y + 23}">namespace ${escapeXml(g.namespace)}</text></g>`,
    );
  }
  for (const e of layout.edges) {
    const verdict = e.policy?.verdict;
    // Labels of east-west calls only on hover (many calls would cover the map), unless a policy decides them.
    const minor = e.kind === 'calls' && !(verdict === 'denied' || (options.policies && verdict));
    const cls = [
      'edge',
      e.kind,
      e.broken && verdict !== 'denied' ? 'broken' : '',
      verdict ?? '',
      minor ? 'minor' : '',
      dim.has(e.from) || dim.has(e.to) ? 'dim' : '',
    ]
      .filter(Boolean)
      .join(' ');
    const arrow =
      verdict === 'denied'
        ? 'ktl-arrow-denied'
        : e.broken
          ? 'ktl-arrow-broken'
          : options.policies && verdict === 'allowed'
            ? 'ktl-arrow-allowed'
            : e.kind === 'calls'
              ? 'ktl-arrow-call'
              : 'ktl-arrow';
    const text = edgeText(e, options.policies === true);
    out.push(
      `<g class="${cls}" data-from="${escapeXml(e.from)}" data-to="${escapeXml(e.to)}">${options.standalone ? `<title>${escapeXml(edgeTitle(e))}</title>` : ''}` +
        `<path class="hit" d="${e.d}"/><path class="line" d="${e.d}" marker-end="url(#${arrow})"/>` +
        (text
          ? `<text x="${e.labelAt.x.toFixed(1)}" y="${(e.labelAt.y - 4).toFixed(1)}" text-anchor="middle">${escapeXml(text)}</text>`
          : '') +
        `</g>`,
    );
  }
  for (const n of layout.nodes) {
    const cls = ['node', n.kind, n.column, n.unselected ? 'unselected' : '', dim.has(n.id) ? 'dim' : '']
      .filter(Boolean)
      .join(' ');
    const chars = (width: number, per: number) => Math.max(4, Math.floor((n.width - 18) / per));
    out.push(
      `<g class="${cls}" tabindex="0" role="button" data-id="${escapeXml(n.id)}" aria-label="${escapeXml(`${n.sub}: ${n.name}`)}">${options.standalone ? `<title>${escapeXml(nodeTitle(n))}</title>` : ''}` +
        `<rect x="${n.x}" y="${n.y}" width="${n.width}" height="${n.height}" rx="5"/>` +
        `<rect class="bar" x="${n.x}" y="${n.y + 1}" width="4" height="${n.height - 2}" rx="2"/>` +
        (n.problem ? `<circle class="badge" cx="${n.x + n.width - 8}" cy="${n.y + 8}" r="4"/>` : '') +
        `<text class="sub" x="${n.x + 11}" y="${n.y + 13}">${escapeXml(truncate(n.sub, chars(n.width, 5.9)))}</text>` +
        `<text class="name g${n.grow}" x="${n.x + 11}" y="${n.y + 30}">${escapeXml(truncate(n.name, chars(n.width, 7.6)))}</text></g>`,
    );
  }
  out.push('</svg>');
  return out.join('\n');
}

export function nodeTitle(n: MapNode): string {
  return `${n.id}${n.file ? `\n${n.file}${n.line ? `:${n.line}` : ''}` : ''}`;
}

export function edgeTitle(e: MapEdge): string {
  const parts = [e.label.replace(/ -> /g, ' → ')];
  if (e.reason) parts.push(e.reason);
  if (e.policy && !e.reason)
    parts.push(`${e.policy.verdict} by NetworkPolicy ${e.policy.policies.map((p) => p.name).join(', ')}`);
  return parts.filter(Boolean).join(': ');
}

/**
 * What focus on a resource shows: the traffic paths through it, and one hop in and out along
 * every edge (the callers of a Service, a workload's outbound calls, the Services selecting it).
 */
export function nodesThrough(map: TrafficMap, resource: string): Set<string> {
  const own = (id: string) => id === resource || id.startsWith(`${resource}#`) || id.startsWith(`${resource}:`);
  const ownIds = new Set(map.nodes.filter((n) => own(n.id) || n.resource === resource).map((n) => n.id));
  const keep = new Set(ownIds);
  for (const p of map.paths) {
    const hops = p.hops.map((h) => h.node);
    if (hops.some((h) => ownIds.has(h))) hops.forEach((h) => keep.add(h));
  }
  for (const e of map.edges) {
    if (ownIds.has(e.from)) keep.add(e.to);
    if (ownIds.has(e.to)) keep.add(e.from);
  }
  // The container ports of the workloads shown, for their port labels.
  for (const e of map.edges) if (e.kind === 'targets' && keep.has(e.from)) keep.add(e.to);
  return keep;
}
