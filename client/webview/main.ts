// The traffic-map page inside the webview (and inside the CLI's standalone HTML map): draws the map
// the extension sends and lets the user find their way in it: fit, pan (wheel, trackpad, drag),
// zoom (Ctrl+wheel, pinch, buttons) toward the pointer, a minimap, a legend, search with a match
// count, focus on one resource, the NetworkPolicy overlay, tooltips and a side panel per node.
// It never analyses anything itself.
import {
  DETAIL_SCALE,
  edgeTitle,
  escapeXml,
  layoutMap,
  MAP_STYLE,
  MAX_FIT_SCALE,
  nodesThrough,
  nodeTitle,
  renderSvg,
  type Layout,
  type PlacedNode,
} from './layout';
import type { FromWebview, MapEdge, ToWebview, TrafficMap } from './model';
import { PAGE_STYLE, renderMarkdown } from './page';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode: VsCodeApi | undefined = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;

interface View {
  x: number;
  y: number;
  scale: number;
}

interface ViewState {
  search: string;
  namespace: string;
  focus: string | undefined;
  policies: boolean;
  view: View | undefined;
  /** The view is Fit's: it is fitted again when the panel is resized or the map changes size. */
  fitted: boolean;
}

const state: ViewState = {
  search: '',
  namespace: '',
  focus: undefined,
  policies: false,
  view: undefined,
  fitted: true,
  ...((vscode?.getState() as Partial<ViewState> | undefined) ?? {}),
};
let map: TrafficMap | undefined;
let layout: Layout | undefined;
let laidFor: { width: number; height: number } | undefined;
let selected: string | undefined;
let matchIndex = -1;
let mapArrived = 0;
let painted = false;

const FIT_PADDING = 16;

// The page's styles carry the nonce of the script that made them (the webview's CSP allows no
// other inline style); the standalone HTML page has no nonce and allows inline styles.
const nonce = (document.currentScript as HTMLScriptElement | null)?.nonce ?? '';
const root = document.getElementById('app')!;
const style = document.createElement('style');
if (nonce) style.setAttribute('nonce', nonce);
style.textContent = `${MAP_STYLE}\n${PAGE_STYLE}`;
document.head.appendChild(style);
const swatch = (cls: string) =>
  `<svg class="swatch ${cls}" width="26" height="12" aria-hidden="true"><rect x="1" y="1" width="24" height="10" rx="2"/></svg>`;
const line = (cls: string) =>
  `<svg class="swatch-edge ${cls}" width="30" height="12" aria-hidden="true"><path d="M1,6 L27,6"/><path class="tip" d="M23,2 L29,6 L23,10 z"/></svg>`;
root.innerHTML = `
<div id="toolbar">
  <span class="search-box"><input id="search" type="search" placeholder="Search (Enter: next)" aria-label="Search nodes" size="20"><span id="match-count" aria-live="polite"></span></span>
  <select id="namespace" aria-label="Namespace"><option value="">All namespaces</option></select>
  <button id="clear-focus" hidden>Show everything</button>
  <button id="policies" aria-pressed="false" title="Colour edges by what NetworkPolicies decide">Policies</button>
  <span class="zoom"><button id="zoom-out" aria-label="Zoom out" title="Zoom out (Ctrl+wheel, pinch)">−</button><button id="zoom-in" aria-label="Zoom in" title="Zoom in (Ctrl+wheel, pinch)">+</button><button id="fit" title="Fit the map to the view">Fit</button></span>
  <span id="summary" aria-live="polite"></span>
</div>
<div id="legend" aria-label="Legend">
  <span>${swatch('entry')}entry point</span><span>${swatch('service')}Service</span><span>${swatch('workload')}workload</span>
  <span>${swatch('workload unselected')}no Service selects it</span><span>${swatch('missing')}missing</span>
  <span>${line('traffic')}traffic</span><span>${line('calls')}calls (east-west)</span><span>${line('broken')}broken</span><span>${line('denied')}denied by policy</span>
  <span class="policy-only">${line('allowed')}allowed by policy</span>
  <span class="hint">Scroll to pan · Ctrl+scroll or pinch to zoom · click a node for details</span>
</div>
<div id="main">
  <div id="canvas" tabindex="-1"></div>
  <div id="minimap" hidden aria-hidden="true"></div>
  <div id="tooltip" role="tooltip" hidden></div>
  <aside id="panel" hidden aria-label="Details"></aside>
</div>`;

const canvas = document.getElementById('canvas')!;
const search = document.getElementById('search') as HTMLInputElement;
const matchCount = document.getElementById('match-count')!;
const namespaceSelect = document.getElementById('namespace') as HTMLSelectElement;
const clearFocus = document.getElementById('clear-focus') as HTMLButtonElement;
const policiesButton = document.getElementById('policies') as HTMLButtonElement;
const summary = document.getElementById('summary')!;
const minimap = document.getElementById('minimap')!;
const tooltip = document.getElementById('tooltip')!;
const panel = document.getElementById('panel')!;
search.value = state.search;

function saveState() {
  vscode?.setState(state);
}

/** Text widths in the fonts the map draws with, for node sizes. */
const measureContext = document.createElement('canvas').getContext('2d');
const fontFamily = getComputedStyle(document.body).fontFamily || 'system-ui, sans-serif';
function measure(text: string, font: 'name' | 'sub'): number {
  if (!measureContext) return text.length * (font === 'name' ? 7.6 : 5.9);
  measureContext.font = font === 'name' ? `600 13px ${fontFamily}` : `10px ${fontFamily}`;
  return measureContext.measureText(text).width;
}

/** The map restricted to the namespace filter and the focus. */
function visibleMap(full: TrafficMap): TrafficMap {
  let keep = new Set(
    full.nodes.filter((n) => !state.namespace || (n.namespace ?? '(cluster)') === state.namespace).map((n) => n.id),
  );
  if (state.focus) {
    const through = nodesThrough(full, state.focus);
    keep = new Set([...keep].filter((id) => through.has(id)));
  }
  return {
    version: 1,
    nodes: full.nodes.filter((n) => keep.has(n.id)),
    edges: full.edges.filter((e) => keep.has(e.from) && keep.has(e.to)),
    paths: full.paths.filter((p) => p.hops.every((h) => keep.has(h.node) || !full.nodes.some((n) => n.id === h.node))),
  };
}

function redraw() {
  if (!map) return;
  const shown = visibleMap(map);
  const namespaces = [...new Set(map.nodes.map((n) => n.namespace ?? '(cluster)'))].sort((a, b) =>
    a.localeCompare(b, 'en', { numeric: true }),
  );
  namespaceSelect.innerHTML = `<option value="">All namespaces</option>${namespaces.map((ns) => `<option value="${escapeXml(ns)}"${ns === state.namespace ? ' selected' : ''}>${escapeXml(ns)}</option>`).join('')}`;
  namespaceSelect.hidden = namespaces.length < 2;
  clearFocus.hidden = !state.focus;
  clearFocus.textContent = state.focus ? `Show everything (focused on ${state.focus})` : 'Show everything';
  policiesButton.setAttribute('aria-pressed', String(state.policies));
  document.body.classList.toggle('show-policies', state.policies);
  const broken = shown.paths.filter((p) => p.broken).length;
  const denied = shown.edges.filter((e) => e.policy?.verdict === 'denied').length;
  const services = shown.nodes.filter((n) => n.kind === 'Service').length;
  const workloads = shown.nodes.filter((n) => n.kind === 'Workload').length;
  summary.innerHTML =
    `${services} Service${services === 1 ? '' : 's'} · ${workloads} workload${workloads === 1 ? '' : 's'} · ${shown.paths.length} paths` +
    (broken ? ` · <span class="broken">${broken} broken</span>` : '') +
    (denied ? ` · <span class="denied">${denied} denied</span>` : '') +
    (state.focus ? ` · ${focusPolicies(shown.edges)}` : '');
  if (shown.nodes.length === 0) {
    layout = undefined;
    canvas.innerHTML = `<div id="empty">${map.nodes.length === 0 ? 'No Services, Ingresses or workloads in this workspace yet.' : 'Nothing matches the filter.'}</div>`;
    minimap.hidden = true;
    return;
  }
  const size = viewSize();
  layout = layoutMap(shown, {
    viewWidth: size.width - FIT_PADDING * 2,
    viewHeight: size.height - FIT_PADDING * 2,
    measure,
  });
  laidFor = size;
  paint();
}

/** The policies deciding the edges shown in focus, for the summary line. */
function focusPolicies(edges: readonly MapEdge[]): string {
  const names = [...new Set(edges.flatMap((e) => (e.policy?.policies ?? []).map((p) => p.name)))].sort();
  return names.length ? `policies: ${escapeXml(names.join(', '))}` : 'no NetworkPolicy applies';
}

function viewSize() {
  return { width: canvas.clientWidth || 800, height: canvas.clientHeight || 600 };
}

function matches(): PlacedNode[] {
  const q = state.search.trim().toLowerCase();
  if (!q || !layout) return [];
  return layout.nodes.filter((n) => `${n.name} ${n.sub} ${n.label} ${n.id}`.toLowerCase().includes(q));
}

function paint() {
  if (!layout) return;
  const found = matches();
  const q = state.search.trim();
  const dimmed = q ? new Set(layout.nodes.filter((n) => !found.includes(n)).map((n) => n.id)) : new Set<string>();
  matchCount.textContent = q
    ? found.length
      ? `${matchIndex >= 0 && matchIndex < found.length ? `${matchIndex + 1} of ` : ''}${found.length} match${found.length === 1 ? '' : 'es'}`
      : 'no match'
    : '';
  canvas.innerHTML = renderSvg(layout, { dimmed, policies: state.policies || state.focus !== undefined });
  if (selected) canvas.querySelector(`.node[data-id="${CSS.escape(selected)}"]`)?.classList.add('selected');
  const current = found[matchIndex];
  if (current) canvas.querySelector(`.node[data-id="${CSS.escape(current.id)}"]`)?.classList.add('current');
  drawMinimap();
  if (state.fitted || !state.view) fit();
  applyView();
  if (!painted && map) {
    painted = true;
    // After the browser has painted the frame with the map.
    requestAnimationFrame(() =>
      setTimeout(() => {
        const ms = performance.now() - mapArrived;
        document.body.dataset.paintMs = ms.toFixed(1);
        // From the page asking for the map (the webview is up) to the map on screen.
        document.body.dataset.readyToPaintMs = (performance.now() - readyAt).toFixed(1);
        vscode?.postMessage({ type: 'painted', nodes: layout?.nodes.length ?? 0, ms });
      }, 0),
    );
  }
}

function applyView() {
  const svg = canvas.querySelector('svg');
  if (!svg || !layout || !state.view) return;
  const v = state.view;
  svg.style.transform = `translate(${v.x}px, ${v.y}px) scale(${v.scale})`;
  canvas.classList.toggle('low-detail', v.scale < DETAIL_SCALE);
  updateMinimapView();
}

/** The whole map in the view, centred, at the largest scale up to MAX_FIT_SCALE. */
function fit() {
  if (!layout) return;
  const { width, height } = viewSize();
  const w = layout.width + 48; // the SVG's padding
  const h = layout.height + 48;
  const scale = Math.min(MAX_FIT_SCALE, (width - FIT_PADDING * 2) / w, (height - FIT_PADDING * 2) / h);
  state.view = { x: (width - w * scale) / 2, y: Math.max(FIT_PADDING, (height - h * scale) / 2), scale };
  state.fitted = true;
  saveState();
}

function setView(v: View) {
  state.view = v;
  state.fitted = false;
  saveState();
  applyView();
}

/** Zoom by factor keeping the map point under (cx, cy) where it is. */
function zoom(factor: number, cx = canvas.clientWidth / 2, cy = canvas.clientHeight / 2) {
  const v = state.view ?? { x: 0, y: 0, scale: 1 };
  const scale = Math.min(4, Math.max(0.02, v.scale * factor));
  setView({ x: cx - ((cx - v.x) * scale) / v.scale, y: cy - ((cy - v.y) * scale) / v.scale, scale });
}

/** Centre the view on a node, at a readable scale. */
function centreOn(n: PlacedNode) {
  const { width, height } = viewSize();
  const scale = Math.max(state.view?.scale ?? 1, 1);
  // The SVG's viewBox starts at -24: map coordinates are offset by its padding.
  setView({
    x: width / 2 - (n.x + 24 + n.width / 2) * scale,
    y: height / 2 - (n.y + 24 + n.height / 2) * scale,
    scale,
  });
}

// ---- minimap ----
let minimapScale = 1;
function drawMinimap() {
  if (!layout) return;
  const w = layout.width + 48;
  const h = layout.height + 48;
  minimapScale = Math.min(180 / w, 120 / h);
  const rects = layout.nodes
    .map(
      (n) =>
        `<rect class="${n.column}${n.kind === 'Missing' ? ' missing' : ''}" x="${((n.x + 24) * minimapScale).toFixed(1)}" y="${((n.y + 24) * minimapScale).toFixed(1)}" width="${Math.max(1.5, n.width * minimapScale).toFixed(1)}" height="${Math.max(1.5, n.height * minimapScale).toFixed(1)}"/>`,
    )
    .join('');
  minimap.innerHTML = `<svg width="${(w * minimapScale).toFixed(0)}" height="${(h * minimapScale).toFixed(0)}">${rects}<rect id="minimap-view" x="0" y="0" width="0" height="0"/></svg>`;
}

function updateMinimapView() {
  if (!layout || !state.view) return;
  const v = state.view;
  const { width, height } = viewSize();
  const w = (layout.width + 48) * v.scale;
  const h = (layout.height + 48) * v.scale;
  // Shown only when part of the map is outside the view.
  const outside = v.x < -1 || v.y < -1 || v.x + w > width + 1 || v.y + h > height + 1;
  minimap.hidden = !outside;
  const r = minimap.querySelector('#minimap-view');
  if (!r || !outside) return;
  const k = minimapScale / v.scale;
  r.setAttribute('x', (-v.x * k).toFixed(1));
  r.setAttribute('y', (-v.y * k).toFixed(1));
  r.setAttribute('width', (width * k).toFixed(1));
  r.setAttribute('height', (height * k).toFixed(1));
}

function minimapPan(e: PointerEvent) {
  if (!state.view) return;
  const box = minimap.querySelector('svg')!.getBoundingClientRect();
  const mx = (e.clientX - box.left) / minimapScale;
  const my = (e.clientY - box.top) / minimapScale;
  const { width, height } = viewSize();
  setView({ ...state.view, x: width / 2 - mx * state.view.scale, y: height / 2 - my * state.view.scale });
}
let minimapDrag = false;
minimap.addEventListener('pointerdown', (e) => {
  minimapDrag = true;
  minimap.setPointerCapture(e.pointerId);
  minimapPan(e);
});
minimap.addEventListener('pointermove', (e) => minimapDrag && minimapPan(e));
minimap.addEventListener('pointerup', () => (minimapDrag = false));

// ---- tooltips, hover, side panel ----
const nodeOf = (id: string | undefined) => (id ? layout?.nodes.find((n) => n.id === id) : undefined);
const edgesOf = (id: string) => (map?.edges ?? []).filter((e) => e.from === id || e.to === id);
const labelOf = (id: string) => {
  const n = map?.nodes.find((x) => x.id === id);
  return n ? n.label : id;
};

function edgeLine(e: MapEdge, id: string): string {
  const other = e.from === id ? `to ${labelOf(e.to)}` : `from ${labelOf(e.from)}`;
  const cls =
    e.policy?.verdict === 'denied' ? 'denied' : e.broken ? 'broken' : e.policy?.verdict === 'allowed' ? 'allowed' : '';
  return `<li class="${cls}">${escapeXml(`${e.kind} ${other}${edgeTitle(e) ? ` (${edgeTitle(e)})` : ''}`)}</li>`;
}

function showTooltip(html: string, x: number, y: number) {
  tooltip.innerHTML = html;
  tooltip.hidden = false;
  const box = canvas.getBoundingClientRect();
  const tw = tooltip.offsetWidth;
  const th = tooltip.offsetHeight;
  tooltip.style.left = `${Math.min(x - box.left + 14, box.width - tw - 4)}px`;
  tooltip.style.top = `${y - box.top + 16 + th > box.height ? y - box.top - th - 8 : y - box.top + 16}px`;
}

function hover(target: Element | null, e: MouseEvent) {
  const node = target?.closest('.node') as SVGGElement | null;
  const edge = target?.closest('.edge') as SVGGElement | null;
  canvas.querySelectorAll('.hot').forEach((x) => x.classList.remove('hot'));
  canvas.classList.toggle('hovering', Boolean(node));
  if (node?.dataset.id) {
    const n = nodeOf(node.dataset.id);
    node.classList.add('hot');
    canvas
      .querySelectorAll(
        `.edge[data-from="${CSS.escape(node.dataset.id)}"], .edge[data-to="${CSS.escape(node.dataset.id)}"]`,
      )
      .forEach((x) => x.classList.add('hot'));
    if (n) {
      const problems = edgesOf(n.id).filter((x) => x.broken || x.policy?.verdict === 'denied');
      showTooltip(
        `<div class="t-name">${escapeXml(n.name)}</div><div class="t-sub">${escapeXml(n.sub)}${n.namespace ? ` · namespace ${escapeXml(n.namespace)}` : ''}</div>` +
          (n.unselected ? '<div>No Service selects this workload: it receives no Service traffic.</div>' : '') +
          (problems.length ? `<ul>${problems.map((x) => edgeLine(x, n.id)).join('')}</ul>` : '') +
          `<div class="t-where">${escapeXml(nodeTitle(n).split('\n')[1] ?? '')}</div>`,
        e.clientX,
        e.clientY,
      );
    }
  } else if (edge?.dataset.from && edge.dataset.to) {
    const x = map?.edges.find((m) => m.from === edge.dataset.from && m.to === edge.dataset.to);
    edge.classList.add('hot');
    if (x)
      showTooltip(
        `<div class="t-name">${escapeXml(labelOf(x.from))} → ${escapeXml(labelOf(x.to))}</div><div>${escapeXml(`${x.kind}${edgeTitle(x) ? `: ${edgeTitle(x)}` : ''}`)}</div>`,
        e.clientX,
        e.clientY,
      );
  } else {
    tooltip.hidden = true;
  }
}

function select(id: string | undefined) {
  selected = id;
  canvas.querySelectorAll('.node.selected').forEach((x) => x.classList.remove('selected'));
  const n = nodeOf(id) ?? map?.nodes.find((x) => x.id === id);
  if (!id || !n) {
    showPanel(false);
    return;
  }
  canvas.querySelector(`.node[data-id="${CSS.escape(id)}"]`)?.classList.add('selected');
  const placed = nodeOf(id);
  const edges = edgesOf(id).filter((e) => e.kind !== 'targets' || e.broken);
  const focusTarget = n.resource ?? n.id;
  panel.innerHTML =
    `<header><div><div class="p-sub">${escapeXml(placed?.sub ?? n.kind)}</div><h2>${escapeXml(placed?.name ?? n.label)}</h2></div><button id="panel-close" aria-label="Close details" title="Close (Escape)">×</button></header>` +
    `<div class="p-actions">${n.file ? `<button id="panel-open">${n.kind === 'Missing' ? 'Open reference' : 'Open'}</button>` : ''}<button id="panel-focus">Show traffic</button></div>` +
    (n.file ? `<div class="p-where">${escapeXml(`${n.file}${n.line ? `:${n.line}` : ''}`)}</div>` : '') +
    (n.unselected ? '<p>No Service selects this workload: it receives no Service traffic.</p>' : '') +
    (edges.length ? `<h3>Edges</h3><ul>${edges.map((e) => edgeLine(e, id)).join('')}</ul>` : '') +
    `<div id="panel-details">${n.resource ? '<p class="p-loading">Loading…</p>' : ''}</div>`;
  showPanel(true);
  // The panel narrows the view (a fitted map is fitted again); a zoomed map moves so that the
  // selected node stays visible.
  requestAnimationFrame(() => {
    const nodeBox = canvas.querySelector(`.node[data-id="${CSS.escape(id)}"]`)?.getBoundingClientRect();
    const view = canvas.getBoundingClientRect();
    if (selected === id && !state.fitted && nodeBox && state.view && nodeBox.right > view.right - 12) {
      setView({
        ...state.view,
        x: state.view.x - Math.min(nodeBox.right - view.right + 24, nodeBox.left - view.left - 12),
      });
    }
  });
  document.getElementById('panel-close')!.addEventListener('click', () => select(undefined));
  panel.querySelector('#panel-details')!.addEventListener('click', (e) => {
    const link = (e.target as Element).closest('a.md-link') as HTMLAnchorElement | null;
    if (!link?.dataset.target) return;
    e.preventDefault();
    vscode?.postMessage({ type: 'openLink', target: link.dataset.target });
  });
  document
    .getElementById('panel-open')
    ?.addEventListener('click', () => vscode?.postMessage({ type: 'reveal', nodeId: id }));
  document.getElementById('panel-focus')!.addEventListener('click', () => setFocus(focusTarget));
  if (n.resource) vscode?.postMessage({ type: 'details', nodeId: id });
}

function showPanel(shown: boolean) {
  panel.hidden = !shown;
  document.getElementById('main')!.classList.toggle('with-panel', shown);
}

function setFocus(resource: string | undefined) {
  state.focus = resource;
  state.fitted = true;
  saveState();
  redraw();
}

// A click selects after the time a double-click takes (which reveals instead), so that the panel
// opening does not take the second click.
let clickTimer: ReturnType<typeof setTimeout> | undefined;
canvas.addEventListener('click', (e) => {
  const node = (e.target as Element).closest('.node') as SVGGElement | null;
  const id = node?.dataset.id;
  if (!id || e.detail > 1) return;
  clearTimeout(clickTimer);
  clickTimer = setTimeout(() => select(id), 250);
});
canvas.addEventListener('dblclick', (e) => {
  clearTimeout(clickTimer);
  const node = (e.target as Element).closest('.node') as SVGGElement | null;
  if (node?.dataset.id) vscode?.postMessage({ type: 'reveal', nodeId: node.dataset.id });
});
canvas.addEventListener('keydown', (e) => {
  const node = (e.target as Element).closest('.node') as SVGGElement | null;
  if ((e.key === 'Enter' || e.key === ' ') && node?.dataset.id) {
    select(node.dataset.id);
    e.preventDefault();
  }
});
canvas.addEventListener('mousemove', (e) => hover(e.target as Element, e));
canvas.addEventListener('mouseleave', () => {
  tooltip.hidden = true;
  canvas.classList.remove('hovering');
});
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && !panel.hidden) select(undefined);
  else if ((e.target as Element).tagName !== 'INPUT' && !e.ctrlKey && !e.metaKey) {
    if (e.key === '+' || e.key === '=') zoom(1.25);
    else if (e.key === '-') zoom(0.8);
    else if (e.key === '0') {
      fit();
      applyView();
    }
  }
});

// Wheel and trackpad: scrolling pans; Ctrl+wheel (and a pinch, which browsers report as one) zooms
// toward the pointer, as VS Code's image and diff views do.
canvas.addEventListener(
  'wheel',
  (e) => {
    e.preventDefault();
    tooltip.hidden = true;
    const v = state.view ?? { x: 0, y: 0, scale: 1 };
    const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? canvas.clientHeight : 1;
    if (e.ctrlKey || e.metaKey) {
      const rect = canvas.getBoundingClientRect();
      const delta = Math.max(-60, Math.min(60, e.deltaY * unit));
      zoom(Math.exp(-delta * 0.006), e.clientX - rect.left, e.clientY - rect.top);
    } else {
      const dx = e.shiftKey && e.deltaX === 0 ? e.deltaY : e.deltaX;
      const dy = e.shiftKey && e.deltaX === 0 ? 0 : e.deltaY;
      setView({ ...v, x: v.x - dx * unit, y: v.y - dy * unit });
    }
  },
  { passive: false },
);
let drag: { x: number; y: number; vx: number; vy: number; moved: boolean } | undefined;
canvas.addEventListener('pointerdown', (e) => {
  if ((e.target as Element).closest('.node') || e.button !== 0) return;
  const v = state.view ?? { x: 0, y: 0, scale: 1 };
  drag = { x: e.clientX, y: e.clientY, vx: v.x, vy: v.y, moved: false };
  canvas.classList.add('panning');
});
window.addEventListener('pointermove', (e) => {
  if (!drag || !state.view) return;
  drag.moved = true;
  setView({ ...state.view, x: drag.vx + e.clientX - drag.x, y: drag.vy + e.clientY - drag.y });
});
window.addEventListener('pointerup', () => {
  drag = undefined;
  canvas.classList.remove('panning');
});

// Fit again when the view changes size (panel maximised, window resized), laid out again for the
// new shape (wrapping depends on it) once the size has settled.
let resizeTimer: ReturnType<typeof setTimeout> | undefined;
new ResizeObserver(() => {
  if (!map || !laidFor) return;
  if (!state.fitted) {
    updateMinimapView();
    return;
  }
  fit();
  applyView();
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    const size = viewSize();
    if (laidFor && state.fitted && (size.width !== laidFor.width || size.height !== laidFor.height)) redraw();
  }, 120);
}).observe(canvas);

search.addEventListener('input', () => {
  state.search = search.value;
  matchIndex = -1;
  saveState();
  paint();
});
search.addEventListener('keydown', (e) => {
  if (e.key !== 'Enter') return;
  const found = matches();
  if (!found.length) return;
  matchIndex =
    (matchIndex + (e.shiftKey ? found.length - 1 : 1) + (matchIndex < 0 && e.shiftKey ? 1 : 0)) % found.length;
  const n = found[matchIndex];
  paint();
  centreOn(n);
  e.preventDefault();
});
namespaceSelect.addEventListener('change', () => {
  state.namespace = namespaceSelect.value;
  state.fitted = true;
  saveState();
  redraw();
});
clearFocus.addEventListener('click', () => setFocus(undefined));
policiesButton.addEventListener('click', () => {
  state.policies = !state.policies;
  saveState();
  redraw();
});
document.getElementById('zoom-in')!.addEventListener('click', () => zoom(1.25));
document.getElementById('zoom-out')!.addEventListener('click', () => zoom(0.8));
document.getElementById('fit')!.addEventListener('click', () => {
  fit();
  applyView();
});

/** Messages from the extension; anything unknown is ignored. */
window.addEventListener('message', (event: MessageEvent) => {
  const m = event.data as ToWebview;
  if (!m || typeof m !== 'object') return;
  if (m.type === 'map' && m.map && Array.isArray(m.map.nodes)) {
    if (!map) mapArrived = performance.now();
    map = m.map;
    redraw(); // the viewport (state.view) is kept across updates unless it is Fit's
    if (selected && !map.nodes.some((n) => n.id === selected)) select(undefined);
  } else if (m.type === 'focus') {
    setFocus(typeof m.resource === 'string' ? m.resource : undefined);
  } else if (m.type === 'details' && m.nodeId === selected) {
    const target = document.getElementById('panel-details');
    if (target) target.innerHTML = typeof m.markdown === 'string' ? renderMarkdown(m.markdown) : '';
  } else if (m.type === 'exportSvg' && layout) {
    vscode?.postMessage({ type: 'svg', svg: renderSvg(layout, { standalone: true, policies: state.policies }) });
  }
});

// The standalone HTML map embeds its data; in VS Code the extension sends it.
const embedded = document.getElementById('ktl-data');
if (embedded?.textContent) {
  mapArrived = performance.now();
  map = JSON.parse(embedded.textContent) as TrafficMap;
  redraw();
}
const readyAt = performance.now();
vscode?.postMessage({ type: 'ready' });
