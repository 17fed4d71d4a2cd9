// The traffic-map page inside the webview (and inside the CLI's standalone HTML map): draws the map
// the extension sends, with search, a namespace filter, focus on one resource, zoom and pan, and
// reports clicks on nodes back to the extension. It never analyses anything itself.
import { escapeXml, layoutMap, MAP_STYLE, nodesThrough, renderSvg, type Layout } from './layout';
import type { FromWebview, ToWebview, TrafficMap } from './model';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode: VsCodeApi | undefined = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;

interface ViewState {
  search: string;
  namespace: string;
  focus: string | undefined;
  view: { x: number; y: number; scale: number } | undefined;
}

const state: ViewState = { search: '', namespace: '', focus: undefined, view: undefined, ...((vscode?.getState() as Partial<ViewState> | undefined) ?? {}) };
let map: TrafficMap | undefined;
let layout: Layout | undefined;
let renderToken = 0;

// The page's styles carry the nonce of the script that made them (the webview's CSP allows no
// other inline style); the standalone HTML page has no nonce and allows inline styles.
const nonce = (document.currentScript as HTMLScriptElement | null)?.nonce ?? '';
const root = document.getElementById('app')!;
const style = document.createElement('style');
if (nonce) style.setAttribute('nonce', nonce);
style.textContent = `${MAP_STYLE}
html, body { height: 100%; }
body { margin: 0; background: var(--vscode-editor-background, #fff); color: var(--vscode-foreground, #222); }
#app { display: flex; flex-direction: column; height: 100%; }
#toolbar { display: flex; gap: 8px; align-items: center; padding: 8px 12px; border-bottom: 1px solid var(--vscode-panel-border, #ddd); flex-wrap: wrap; flex: none; }
#toolbar input, #toolbar select, #toolbar button { font: inherit; color: var(--vscode-input-foreground, inherit); background: var(--vscode-input-background, #fff); border: 1px solid var(--vscode-input-border, #ccc); padding: 3px 6px; border-radius: 2px; }
#toolbar button { background: var(--vscode-button-secondaryBackground, transparent); color: var(--vscode-button-secondaryForeground, var(--vscode-foreground, inherit)); border-color: var(--vscode-contrastBorder, var(--vscode-input-border, #ccc)); cursor: pointer; min-width: 28px; }
#toolbar button:focus-visible, #toolbar input:focus-visible, #toolbar select:focus-visible { outline: 1px solid var(--vscode-focusBorder, #0078d4); }
#summary { margin-left: auto; opacity: 0.8; }
#summary .broken { color: var(--vscode-errorForeground, #dc2626); }
#canvas { position: relative; flex: 1; overflow: hidden; cursor: grab; }
#canvas.panning { cursor: grabbing; }
#canvas > svg { transform-origin: 0 0; }
#empty { padding: 24px; opacity: 0.8; }
:root {
  --ktl-fg: var(--vscode-foreground, #222); --ktl-muted: var(--vscode-descriptionForeground, #777);
  --ktl-node-bg: var(--vscode-editorWidget-background, #fff); --ktl-node-border: var(--vscode-editorWidget-border, #999);
  --ktl-group: var(--vscode-panel-border, #ccc); --ktl-edge: var(--vscode-editorLineNumber-foreground, #888);
  --ktl-entry: var(--vscode-charts-blue, #3b82f6); --ktl-service: var(--vscode-charts-purple, #a855f7);
  --ktl-workload: var(--vscode-charts-green, #16a34a); --ktl-port: var(--vscode-charts-yellow, #ca8a04);
  --ktl-broken: var(--vscode-errorForeground, #dc2626);
}
`;
document.head.appendChild(style);
root.innerHTML = `
<div id="toolbar">
  <input id="search" type="search" placeholder="Search nodes" aria-label="Search nodes" size="22">
  <select id="namespace" aria-label="Namespace"><option value="">All namespaces</option></select>
  <button id="clear-focus" hidden>Show everything</button>
  <button id="zoom-in" aria-label="Zoom in">+</button><button id="zoom-out" aria-label="Zoom out">−</button><button id="fit">Fit</button>
  <span id="summary" aria-live="polite"></span>
</div>
<div id="canvas" tabindex="-1"></div>`;

const canvas = document.getElementById('canvas')!;
const search = document.getElementById('search') as HTMLInputElement;
const namespaceSelect = document.getElementById('namespace') as HTMLSelectElement;
const clearFocus = document.getElementById('clear-focus') as HTMLButtonElement;
const summary = document.getElementById('summary')!;
search.value = state.search;

function saveState() {
  vscode?.setState(state);
}

/** The map restricted to the namespace filter and the focus. */
function visibleMap(full: TrafficMap): TrafficMap {
  let keep = new Set(full.nodes.filter((n) => !state.namespace || (n.namespace ?? '(cluster)') === state.namespace).map((n) => n.id));
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

async function redraw() {
  if (!map) return;
  const token = ++renderToken;
  const shown = visibleMap(map);
  const namespaces = [...new Set(map.nodes.map((n) => n.namespace ?? '(cluster)'))].sort();
  namespaceSelect.innerHTML = `<option value="">All namespaces</option>${namespaces.map((ns) => `<option value="${escapeXml(ns)}"${ns === state.namespace ? ' selected' : ''}>${escapeXml(ns)}</option>`).join('')}`;
  clearFocus.hidden = !state.focus;
  clearFocus.textContent = state.focus ? `Show everything (focused on ${state.focus})` : 'Show everything';
  const broken = shown.paths.filter((p) => p.broken).length;
  summary.innerHTML = `${shown.nodes.length} nodes · ${shown.paths.length} paths${broken ? ` · <span class="broken">${broken} broken</span>` : ''}`;
  if (shown.nodes.length === 0) {
    canvas.innerHTML = `<div id="empty">${map.nodes.length === 0 ? 'No Services, Ingresses or workloads in this workspace yet.' : 'Nothing matches the filter.'}</div>`;
    return;
  }
  const laid = await layoutMap(shown);
  if (token !== renderToken) return; // a newer map arrived while laying out
  layout = laid;
  paint();
}

function dimmedBySearch(): Set<string> {
  const q = state.search.trim().toLowerCase();
  if (!q || !layout) return new Set();
  return new Set(layout.nodes.filter((n) => !`${n.id} ${n.label}`.toLowerCase().includes(q)).map((n) => n.id));
}

function paint() {
  if (!layout) return;
  canvas.innerHTML = renderSvg(layout, { dimmed: dimmedBySearch() });
  applyView();
}

function applyView() {
  const svg = canvas.querySelector('svg');
  if (!svg || !layout) return;
  if (!state.view) fit();
  const v = state.view!;
  svg.style.transform = `translate(${v.x}px, ${v.y}px) scale(${v.scale})`;
}

function fit() {
  if (!layout) return;
  const w = canvas.clientWidth || 800;
  const h = canvas.clientHeight || 600;
  // Fit the map, but never below a readable size: a large map is panned rather than shrunk to dots.
  const scale = Math.min(1.25, Math.max(0.6, Math.min(w / (layout.width + 40), h / (layout.height + 40))));
  state.view = { x: 8, y: 8, scale };
  saveState();
}

function zoom(factor: number, cx = canvas.clientWidth / 2, cy = canvas.clientHeight / 2) {
  const v = state.view ?? { x: 0, y: 0, scale: 1 };
  const scale = Math.min(4, Math.max(0.05, v.scale * factor));
  state.view = { x: cx - ((cx - v.x) * scale) / v.scale, y: cy - ((cy - v.y) * scale) / v.scale, scale };
  saveState();
  applyView();
}

function reveal(target: Element | null) {
  const node = target?.closest('.node') as SVGGElement | null;
  const id = node?.dataset.id;
  if (id) vscode?.postMessage({ type: 'reveal', nodeId: id });
}

canvas.addEventListener('click', (e) => reveal(e.target as Element));
canvas.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' || e.key === ' ') {
    reveal(e.target as Element);
    e.preventDefault();
  }
});
canvas.addEventListener('wheel', (e) => {
  e.preventDefault();
  const rect = canvas.getBoundingClientRect();
  zoom(e.deltaY < 0 ? 1.1 : 1 / 1.1, e.clientX - rect.left, e.clientY - rect.top);
}, { passive: false });
let drag: { x: number; y: number; vx: number; vy: number } | undefined;
canvas.addEventListener('pointerdown', (e) => {
  if ((e.target as Element).closest('.node')) return;
  const v = state.view ?? { x: 0, y: 0, scale: 1 };
  drag = { x: e.clientX, y: e.clientY, vx: v.x, vy: v.y };
  canvas.classList.add('panning');
});
window.addEventListener('pointermove', (e) => {
  if (!drag || !state.view) return;
  state.view = { ...state.view, x: drag.vx + e.clientX - drag.x, y: drag.vy + e.clientY - drag.y };
  applyView();
});
window.addEventListener('pointerup', () => {
  if (drag) saveState();
  drag = undefined;
  canvas.classList.remove('panning');
});
search.addEventListener('input', () => {
  state.search = search.value;
  saveState();
  paint();
});
namespaceSelect.addEventListener('change', () => {
  state.namespace = namespaceSelect.value;
  state.view = undefined;
  saveState();
  void redraw();
});
clearFocus.addEventListener('click', () => {
  state.focus = undefined;
  state.view = undefined;
  saveState();
  void redraw();
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
    map = m.map;
    void redraw(); // the viewport (state.view) is kept across updates
  } else if (m.type === 'focus') {
    state.focus = typeof m.resource === 'string' ? m.resource : undefined;
    state.view = undefined;
    saveState();
    void redraw();
  } else if (m.type === 'exportSvg' && layout) {
    vscode?.postMessage({ type: 'svg', svg: renderSvg(layout, { standalone: true }) });
  }
});

// The standalone HTML map embeds its data; in VS Code the extension sends it.
const embedded = document.getElementById('ktl-data');
if (embedded?.textContent) {
  map = JSON.parse(embedded.textContent) as TrafficMap;
  void redraw();
}
vscode?.postMessage({ type: 'ready' });
