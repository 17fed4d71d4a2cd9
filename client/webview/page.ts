// The map page's chrome: its styles (VS Code's theme variables, with fallbacks for the standalone
// page) and a small Markdown renderer for the side panel. The Markdown comes from the server's
// hovers, where every manifest string is escaped; the renderer escapes all text again and builds
// only a few safe elements (paragraphs, lists, tables, code, strong), so nothing becomes markup.
import { escapeXml } from './layout';

export const PAGE_STYLE = `
:root {
  --ktl-bg: var(--vscode-editor-background, #fff);
  --ktl-fg: var(--vscode-editor-foreground, var(--vscode-foreground, #1f1f1f)); --ktl-muted: var(--vscode-descriptionForeground, #616161);
  --ktl-node-bg: var(--vscode-editorWidget-background, #f8f8f8); --ktl-node-border: var(--vscode-editorWidget-border, var(--vscode-widget-border, #c8c8c8));
  --ktl-group: var(--vscode-panel-border, #d0d0d0); --ktl-group-bg: transparent; --ktl-edge: var(--vscode-editorLineNumber-foreground, #8a8a8a);
  --ktl-entry: var(--vscode-charts-blue, #2563eb); --ktl-service: var(--vscode-charts-purple, #9333ea);
  --ktl-workload: var(--vscode-charts-green, #16a34a); --ktl-call: var(--vscode-charts-blue, #0284c7);
  --ktl-broken: var(--vscode-errorForeground, #dc2626); --ktl-denied: var(--vscode-charts-orange, #ea580c); --ktl-allowed: var(--vscode-charts-green, #16a34a);
  --ktl-focus: var(--vscode-focusBorder, #0078d4);
}
body.vscode-high-contrast, body.vscode-high-contrast-light { --ktl-node-border: var(--vscode-contrastBorder, #6fc3df); --ktl-group: var(--vscode-contrastBorder, #6fc3df); --ktl-edge: var(--vscode-foreground, #fff); --ktl-muted: var(--vscode-foreground, #fff); }
body.vscode-high-contrast #toolbar button, body.vscode-high-contrast #panel button, body.vscode-high-contrast-light #toolbar button, body.vscode-high-contrast-light #panel button { background: transparent; color: var(--vscode-foreground); border-color: var(--vscode-contrastBorder); }
html, body { height: 100%; }
body { margin: 0; padding: 0; background: var(--ktl-bg); color: var(--ktl-fg); font-family: var(--vscode-font-family, system-ui, sans-serif); font-size: var(--vscode-font-size, 13px); overflow: hidden; }
#app { display: flex; flex-direction: column; height: 100vh; }
#toolbar { display: flex; gap: 8px; align-items: center; padding: 6px 10px; flex-wrap: wrap; flex: none; }
#toolbar input, #toolbar select, #toolbar button, #panel button { font: inherit; color: var(--vscode-input-foreground, inherit); background: var(--vscode-input-background, #fff); border: 1px solid var(--vscode-input-border, var(--vscode-contrastBorder, #ccc)); padding: 3px 7px; border-radius: 2px; }
#toolbar button, #panel button { background: var(--vscode-button-secondaryBackground, #e5e5e5); color: var(--vscode-button-secondaryForeground, var(--ktl-fg)); cursor: pointer; min-width: 28px; }
#toolbar button:hover, #panel button:hover { background: var(--vscode-button-secondaryHoverBackground, #d5d5d5); }
#toolbar button[aria-pressed="true"] { background: var(--vscode-button-background, #0078d4); color: var(--vscode-button-foreground, #fff); }
#toolbar :focus-visible, #panel :focus-visible { outline: 1px solid var(--ktl-focus); outline-offset: 1px; }
.search-box { display: inline-flex; align-items: center; gap: 6px; }
#match-count { color: var(--ktl-muted); min-width: 5em; font-size: 12px; }
.zoom { display: inline-flex; gap: 2px; }
#summary { margin-left: auto; color: var(--ktl-muted); }
#summary .broken { color: var(--ktl-broken); }
#summary .denied { color: var(--ktl-denied); }
#legend { display: flex; flex-wrap: wrap; gap: 4px 14px; align-items: center; padding: 4px 12px 6px; font-size: 11.5px; color: var(--ktl-muted); border-bottom: 1px solid var(--vscode-panel-border, #ddd); flex: none; }
#legend > span { display: inline-flex; align-items: center; gap: 5px; }
#legend .hint { margin-left: auto; }
#legend .policy-only { display: none; }
body.show-policies #legend .policy-only { display: inline-flex; }
.swatch rect { fill: var(--ktl-node-bg); stroke: var(--ktl-node-border); stroke-width: 1.5; }
.swatch.entry rect { stroke: var(--ktl-entry); } .swatch.service rect { stroke: var(--ktl-service); } .swatch.workload rect { stroke: var(--ktl-workload); }
.swatch.unselected { opacity: 0.55; } .swatch.unselected rect { stroke-dasharray: 3 2; }
.swatch.missing rect { stroke: var(--ktl-broken); stroke-dasharray: 4 2; }
.swatch-edge path { stroke: var(--ktl-edge); stroke-width: 2; fill: none; } .swatch-edge .tip { fill: var(--ktl-edge); stroke: none; }
.swatch-edge.calls path { stroke: var(--ktl-call); stroke-dasharray: 4 2; } .swatch-edge.calls .tip { fill: var(--ktl-call); stroke: none; }
.swatch-edge.broken path { stroke: var(--ktl-broken); stroke-dasharray: 5 3; } .swatch-edge.broken .tip { fill: var(--ktl-broken); stroke: none; }
.swatch-edge.denied path { stroke: var(--ktl-denied); } .swatch-edge.denied .tip { fill: var(--ktl-denied); stroke: none; }
.swatch-edge.allowed path { stroke: var(--ktl-allowed); } .swatch-edge.allowed .tip { fill: var(--ktl-allowed); stroke: none; }
#main { position: relative; flex: 1; min-height: 0; display: flex; }
#canvas { position: relative; flex: 1; min-width: 0; overflow: hidden; cursor: grab; outline: none; }
#canvas.panning { cursor: grabbing; }
#canvas > svg { transform-origin: 0 0; position: absolute; left: 0; top: 0; }
#canvas.low-detail .node .sub, #canvas.low-detail .edge text { display: none; }
#canvas.low-detail .edge.hot text { display: inline; }
#canvas.low-detail .group text { font-size: 22px; }
#canvas .edge.minor text { display: none; }
#canvas .edge.minor.hot text { display: inline; }
/* Low detail: the small line is hidden and names grow into the node (as far as its width allows). */
#canvas.low-detail .node .name { transform: translateY(-4px); transform-box: fill-box; }
#canvas.low-detail .node .name.g115 { font-size: 15px; } #canvas.low-detail .node .name.g130 { font-size: 17px; } #canvas.low-detail .node .name.g145 { font-size: 19px; } #canvas.low-detail .node .name.g160 { font-size: 21px; } #canvas.low-detail .node .name.g175 { font-size: 23px; }
#canvas.hovering .edge:not(.hot) { opacity: 0.25; }
#canvas .edge.hot path.line { stroke-width: 2.6; }
#empty { padding: 24px; color: var(--ktl-muted); }
#main.with-panel #minimap { right: calc(min(380px, 45%) + 12px); }
#minimap { position: absolute; right: 12px; bottom: 12px; padding: 4px; background: var(--vscode-editorWidget-background, #f3f3f3); border: 1px solid var(--vscode-editorWidget-border, var(--vscode-contrastBorder, #ccc)); border-radius: 4px; box-shadow: 0 1px 6px var(--vscode-widget-shadow, #0003); cursor: pointer; opacity: 0.95; }
#minimap svg { display: block; }
#minimap rect { fill: var(--ktl-muted); }
#minimap rect.entry { fill: var(--ktl-entry); } #minimap rect.service { fill: var(--ktl-service); } #minimap rect.workload { fill: var(--ktl-workload); } #minimap rect.missing { fill: var(--ktl-broken); }
#minimap #minimap-view { fill: var(--ktl-focus); fill-opacity: 0.12; stroke: var(--ktl-focus); stroke-width: 1.5; }
#tooltip { position: absolute; z-index: 5; max-width: 420px; padding: 6px 9px; pointer-events: none; background: var(--vscode-editorHoverWidget-background, #fff); color: var(--vscode-editorHoverWidget-foreground, var(--ktl-fg)); border: 1px solid var(--vscode-editorHoverWidget-border, #c8c8c8); border-radius: 3px; box-shadow: 0 2px 8px var(--vscode-widget-shadow, #0003); font-size: 12px; line-height: 1.45; }
#tooltip .t-name { font-weight: 600; } #tooltip .t-sub, #tooltip .t-where { color: var(--ktl-muted); }
#tooltip ul, #panel ul { margin: 4px 0; padding-left: 18px; }
li.broken { color: var(--ktl-broken); } li.denied { color: var(--ktl-denied); } li.allowed { color: var(--ktl-allowed); }
#panel { flex: none; width: min(380px, 45%); overflow: auto; z-index: 4; padding: 10px 14px; box-sizing: border-box; background: var(--vscode-sideBar-background, var(--vscode-editorWidget-background, #f8f8f8)); border-left: 1px solid var(--vscode-panel-border, var(--vscode-contrastBorder, #ccc)); box-shadow: -2px 0 8px var(--vscode-widget-shadow, #0002); font-size: 12.5px; line-height: 1.5; }
#panel header { display: flex; justify-content: space-between; align-items: flex-start; gap: 8px; }
#panel h2 { margin: 0; font-size: 15px; word-break: break-all; } #panel h3 { margin: 12px 0 2px; font-size: 12px; text-transform: uppercase; color: var(--ktl-muted); }
#panel .p-sub, #panel .p-where { color: var(--ktl-muted); font-size: 11.5px; word-break: break-all; }
#panel .p-actions { display: flex; gap: 6px; margin: 8px 0; }
#panel .p-actions button:first-child { background: var(--vscode-button-background, #0078d4); color: var(--vscode-button-foreground, #fff); }
#panel table { border-collapse: collapse; margin: 6px 0; font-size: 12px; }
#panel td, #panel th { border: 1px solid var(--vscode-panel-border, #ddd); padding: 2px 6px; text-align: left; }
#panel code { font-family: var(--vscode-editor-font-family, monospace); font-size: 0.95em; color: var(--vscode-textPreformat-foreground, inherit); background: var(--vscode-textPreformat-background, var(--vscode-textCodeBlock-background, #0000000d)); padding: 0 3px; border-radius: 2px; word-break: break-all; }
#panel .md-link { color: var(--vscode-textLink-foreground, #0066bf); }
/* A narrow view (the map beside an editor) puts the panel under the map instead of beside it. */
@media (max-width: 760px) {
  #main { flex-direction: column; }
  #panel { width: auto; height: 45%; border-left: none; border-top: 1px solid var(--vscode-panel-border, var(--vscode-contrastBorder, #ccc)); }
  #main.with-panel #minimap { right: 12px; bottom: calc(45% + 12px); }
}
`;

/** Inline Markdown: code spans, strong, links (opened by the extension), backslash escapes; all else escaped. */
function inline(s: string): string {
  let out = '';
  let strong = false;
  for (let i = 0; i < s.length;) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length) {
      out += escapeXml(s[i + 1]);
      i += 2;
    } else if (c === '`') {
      const end = s.indexOf('`', i + 1);
      if (end < 0) {
        out += '`';
        i++;
      } else {
        out += `<code>${escapeXml(s.slice(i + 1, end))}</code>`;
        i = end + 1;
      }
    } else if (s.startsWith('**', i)) {
      out += strong ? '</strong>' : '<strong>';
      strong = !strong;
      i += 2;
    } else if (c === '[') {
      const close = s.indexOf('](', i);
      const end = close < 0 ? -1 : s.indexOf(')', close);
      if (end < 0) {
        out += '[';
        i++;
      } else {
        // A link opens its target through the extension (which accepts only files of the map).
        const target = s.slice(close + 2, end);
        out += `<a class="md-link" href="#" data-target="${escapeXml(target)}">${inline(s.slice(i + 1, close))}</a>`;
        i = end + 1;
      }
    } else if (s.startsWith('&amp;', i) || s.startsWith('&lt;', i)) {
      const entity = s.startsWith('&amp;', i) ? '&amp;' : '&lt;';
      out += entity;
      i += entity.length;
    } else {
      out += escapeXml(c);
      i++;
    }
  }
  return strong ? `${out}</strong>` : out;
}

const cells = (row: string) =>
  row
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((c) => inline(c.trim()));

/** Block Markdown: paragraphs, "- " lists, pipe tables. */
export function renderMarkdown(markdown: string): string {
  const lines = markdown.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length;) {
    const l = lines[i];
    if (l.trim() === '') {
      i++;
    } else if (l.startsWith('|')) {
      const rows: string[] = [];
      while (i < lines.length && lines[i].startsWith('|')) rows.push(lines[i++]);
      const body = rows.filter((r) => !/^\|[\s|:-]+\|$/.test(r.trim()));
      const [head, ...rest] = body;
      out.push(
        `<table><tr>${cells(head)
          .map((c) => `<th>${c}</th>`)
          .join('')}</tr>${rest
          .map(
            (r) =>
              `<tr>${cells(r)
                .map((c) => `<td>${c}</td>`)
                .join('')}</tr>`,
          )
          .join('')}</table>`,
      );
    } else if (/^[-*] /.test(l)) {
      const items: string[] = [];
      while (i < lines.length && /^[-*] /.test(lines[i])) items.push(lines[i++].slice(2));
      out.push(`<ul>${items.map((x) => `<li>${inline(x)}</li>`).join('')}</ul>`);
    } else {
      const para: string[] = [];
      while (i < lines.length && lines[i].trim() !== '' && !lines[i].startsWith('|') && !/^[-*] /.test(lines[i]))
        para.push(inline(lines[i++]));
      out.push(`<p>${para.join('<br>')}</p>`);
    }
  }
  return out.join('');
}
