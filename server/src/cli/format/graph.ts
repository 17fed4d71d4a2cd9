// Renderers of the traffic map for `kube-traffic-lens graph`: text (paths by namespace), JSON (the
// map itself, version 1), Mermaid flowchart and Graphviz DOT. Names from manifests are escaped for
// each target language, so a crafted name cannot break out of a label.
import type { MapEdge, MapNode, TrafficMap } from '../../engine/paths';
import { terminalText } from './terminalText';
import { pushTo } from '../../engine/arrays';

export function formatGraphText(map: TrafficMap, options: { color: boolean }): string {
  const red = (s: string) => (options.color ? `\u001b[31m${s}\u001b[39m` : s);
  const bold = (s: string) => (options.color ? `\u001b[1m${s}\u001b[22m` : s);
  const out: string[] = [];
  let namespace: string | undefined;
  for (const path of map.paths) {
    if (path.namespace !== namespace) {
      namespace = path.namespace;
      out.push('', bold(`namespace ${terminalText(namespace)}`));
    }
    const chain = terminalText(
      [path.entry, ...path.hops.filter((h) => h.label !== path.entry).map((h) => h.label)].join(' -> '),
    );
    out.push(path.broken ? red(`  ✖ ${chain}  (${terminalText(path.broken)})`) : `  ${chain}`);
  }
  const broken = map.paths.filter((p) => p.broken).length;
  out.push('', `${map.paths.length} traffic path${map.paths.length === 1 ? '' : 's'}, ${broken} broken`);
  return out.join('\n').replace(/^\n/, '') + '\n';
}

export function formatGraphJson(map: TrafficMap): string {
  return JSON.stringify(map, null, 2) + '\n';
}

/**
 * Mermaid label text, quoted: every character Mermaid's grammar gives a meaning to (quotes,
 * brackets, pipes, `%%` comments, `#` entities, markdown backticks) as a numeric entity, and line
 * breaks and other control characters as spaces, so that a name cannot end the label, add a node
 * or a `click` action, or comment out the rest of the diagram.
 */
export function mermaidLabel(s: string): string {
  const text = s
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')
    .replace(/[&"<>#%[\]{}()|`\\]/g, (c) => `#${c.charCodeAt(0)};`);
  return `"${text}"`;
}

/** Mermaid ids must be simple words; labels go through mermaidLabel. */
export function formatGraphMermaid(map: TrafficMap): string {
  const ids = new Map<string, string>();
  const idOf = (id: string) => {
    let v = ids.get(id);
    if (!v) ids.set(id, (v = `n${ids.size}`));
    return v;
  };
  const label = mermaidLabel;
  const shape = (n: MapNode) => {
    const l = label(n.label);
    switch (n.kind) {
      case 'Ingress':
      case 'Route':
      case 'LoadBalancer':
      case 'NodePort':
        return `${idOf(n.id)}([${l}])`;
      case 'Service':
        return `${idOf(n.id)}{{${l}}}`;
      case 'Missing':
        return `${idOf(n.id)}[/${l}/]`;
      case 'ContainerPort':
        return `${idOf(n.id)}((${l}))`;
      default:
        return `${idOf(n.id)}[${l}]`;
    }
  };
  const out = ['flowchart LR'];
  for (const [ns, nodes] of byNamespace(map.nodes)) {
    out.push(`  subgraph ${idOf(`ns:${ns}`)}[${label(`namespace ${ns}`)}]`, '    direction LR');
    for (const n of nodes) out.push(`    ${shape(n)}`);
    out.push('  end');
  }
  const brokenLinks: number[] = [];
  map.edges.forEach((e, i) => {
    const text = e.broken ? `${e.label ? `${e.label} ` : ''}✖ ${e.reason ?? 'broken'}` : e.label;
    const arrow = e.broken ? '-.->' : '-->';
    out.push(`  ${idOf(e.from)} ${arrow}${text ? `|${label(text)}|` : ''} ${idOf(e.to)}`);
    if (e.broken) brokenLinks.push(i);
  });
  out.push('  classDef missing stroke:#d33,stroke-dasharray:4 3,color:#d33');
  const missing = map.nodes.filter((n) => n.kind === 'Missing').map((n) => idOf(n.id));
  if (missing.length) out.push(`  class ${missing.join(',')} missing`);
  if (brokenLinks.length) out.push(`  linkStyle ${brokenLinks.join(',')} stroke:#d33,color:#d33`);
  return out.join('\n') + '\n';
}

export function formatGraphDot(map: TrafficMap): string {
  const q = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
  const shape = (n: MapNode) =>
    ({
      Ingress: 'cds',
      Route: 'cds',
      LoadBalancer: 'cds',
      NodePort: 'cds',
      Service: 'hexagon',
      Workload: 'box',
      ContainerPort: 'ellipse',
      Missing: 'note',
    })[n.kind];
  const out = [
    'digraph traffic {',
    '  rankdir=LR;',
    '  node [fontname="Helvetica", fontsize=10];',
    '  edge [fontname="Helvetica", fontsize=9];',
  ];
  let i = 0;
  for (const [ns, nodes] of byNamespace(map.nodes)) {
    out.push(
      `  subgraph ${q(`cluster_${i++}`)} {`,
      `    label=${q(`namespace ${ns}`)};`,
      '    style=rounded; color=gray;',
    );
    for (const n of nodes) {
      const missing = n.kind === 'Missing' ? ', color=red, fontcolor=red, style=dashed' : '';
      out.push(`    ${q(n.id)} [label=${q(n.label)}, shape=${shape(n)}${missing}];`);
    }
    out.push('  }');
  }
  for (const e of map.edges) out.push(`  ${q(e.from)} -> ${q(e.to)} [${edgeAttributes(e, q)}];`);
  out.push('}');
  return out.join('\n') + '\n';
}

function edgeAttributes(e: MapEdge, q: (s: string) => string): string {
  const attrs = [`label=${q(e.broken ? `${e.label ? `${e.label} ` : ''}✖ ${e.reason ?? 'broken'}` : e.label)}`];
  if (e.broken) attrs.push('color=red', 'fontcolor=red', 'style=dashed');
  return attrs.join(', ');
}

function byNamespace(nodes: readonly MapNode[]): Map<string, MapNode[]> {
  const groups = new Map<string, MapNode[]>();
  for (const n of nodes) {
    const ns = n.namespace ?? '(cluster)';
    pushTo(groups, ns, n);
  }
  return new Map([...groups.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * A standalone HTML map: the webview's own renderer with the map embedded as JSON. Nothing is
 * loaded from the network; `<` in the data is escaped so that no manifest text can close the script.
 */
export function formatGraphHtml(map: TrafficMap, script: string): string {
  const data = JSON.stringify(map).replace(/</g, '\\u003c');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kube Traffic Lens: traffic map</title>
</head>
<body>
<div id="app"></div>
<script type="application/json" id="ktl-data">${data}</script>
<script>${script.replace(/<\/script/gi, '<\\/script')}</script>
</body>
</html>
`;
}
