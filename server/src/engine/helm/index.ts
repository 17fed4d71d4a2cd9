// Helm charts in an analysis: the adapters render charts (node/helm.ts), add the renders to the
// workspace files, and pass the analysis's diagnostics through withHelm to place them on template
// and values lines and to add what rendering itself found.
import { pushAll } from '../arrays';
import { compareDiagnostics, type Diagnostic } from '../diagnostics';
import type { Resource } from '../model/resource';
import type { TrafficMap } from '../paths';
import type { YNode } from '../syntax';
import { LineIndex } from '../text';
import { isRenderedPath } from './rendered';
import { HelmSourceMap } from './sourceMap';

export { HelmSourceMap } from './sourceMap';
export { TemplateIndexCache } from './templateIndex';
export { isOwnRender, valueSetIndexOf, worldCount, worldFiles } from './valueSets';
export { isRenderedPath, RENDERED_DIR, type ChartRender, type HelmSources } from './rendered';
export { DEFAULT_HELM_CONFIG, type HelmConfig } from './config';

/** The analysis the diagnostics come from: its resources and the texts it read. */
export interface AnalysedRenders {
  readonly resources: readonly Resource[];
  readonly textOf: (file: string) => string | undefined;
}

export interface HelmOutcome {
  /** Diagnostics of rendering itself (dependencies, helm errors). */
  readonly diagnostics: readonly Diagnostic[];
  /** Why no chart was rendered, when one reason holds for all (helm not found, untrusted workspace). */
  readonly skipReason: string | undefined;
  /** Chart.yaml files of charts whose not being rendered the diagnostics explain. */
  readonly explained?: ReadonlySet<string>;
}

/** The analysis's diagnostics on template and values lines, with rendering's own, sorted. */
export function withHelm(
  diagnostics: readonly Diagnostic[],
  map: HelmSourceMap,
  outcome: HelmOutcome,
  analysed?: AnalysedRenders,
): Diagnostic[] {
  if (analysed) {
    // Only an analysis of these very renders can be placed with this map (the language server may
    // have rendered again since); its trees are read instead of parsing the renders again.
    const stale = new Set(map.renderList.filter((r) => analysed.textOf(r.path) !== r.text).map((r) => r.path));
    if (stale.size) diagnostics = diagnostics.filter((d) => !stale.has(d.file));
    map.useDocuments(documentsByFile(analysed.resources.filter((r) => !stale.has(r.file))));
  }
  const explained = outcome.explained ?? new Set<string>();
  const out = map
    .remap(diagnostics)
    .filter((d) => !(d.rule === 'helm-template-skipped' && explained.has(d.file)))
    .map((d) =>
      d.rule === 'helm-template-skipped' && outcome.skipReason && d.message.startsWith('Helm chart ')
        ? { ...d, message: d.message.replace(/: its templates must be rendered first.*$/, `: ${outcome.skipReason}.`) }
        : d,
    );
  pushAll(out, outcome.diagnostics);
  return out.sort(compareDiagnostics);
}

/** Line indexes for files the workspace does not hold (`.tpl` helpers), from the chart texts helm read. */
export function chartLineIndexes(
  map: HelmSourceMap,
  workspaceLines: (file: string) => LineIndex | undefined,
): (file: string) => LineIndex | undefined {
  const own = new Map<string, LineIndex>();
  return (file) => {
    let ix = own.get(file);
    if (!ix) {
      const text = map.chartText(file);
      if (text === undefined) return workspaceLines(file);
      own.set(file, (ix = new LineIndex(text)));
    }
    return ix;
  };
}

/** The traffic map with rendered charts' nodes pointing at the template lines that wrote them. */
export function mapOnChartLines(map: TrafficMap, sources: HelmSourceMap): TrafficMap {
  if (!map.nodes.some((n) => n.file && isRenderedPath(n.file))) return map;
  const lineIndexes = new Map<string, LineIndex>();
  const linesOf = (file: string) => {
    let ix = lineIndexes.get(file);
    const text = sources.textOf(file);
    if (!ix && text !== undefined) lineIndexes.set(file, (ix = new LineIndex(text)));
    return ix;
  };
  const nodes = map.nodes.map((n) => {
    if (!n.file || n.line === undefined || !isRenderedPath(n.file)) return n;
    const rendered = linesOf(n.file);
    if (!rendered) return n;
    // The node's rendered line starts with its key (after the indentation and any `- `).
    const start = rendered.offset({ line: n.line - 1, character: 0 });
    const text = sources.textOf(n.file) ?? '';
    const key = start + (/^[ \t]*(?:-[ \t]+)*/.exec(text.slice(start, start + 200))?.[0].length ?? 0);
    const at = sources.locate(n.file, { start: key, end: key });
    const lines = at && linesOf(at.file);
    return at && lines ? { ...n, file: at.file, line: lines.position(at.span.start).line + 1 } : n;
  });
  return { ...map, nodes };
}

/** The top-level nodes of each file's resources (items of a `List` stand for themselves). */
function documentsByFile(resources: readonly Resource[]): (file: string) => readonly YNode[] | undefined {
  const byFile = new Map<string, YNode[]>();
  for (const r of resources) {
    if (!isRenderedPath(r.file)) continue;
    const list = byFile.get(r.file) ?? [];
    if (list[list.length - 1] !== r.node) list.push(r.node);
    byFile.set(r.file, list);
  }
  return (file) => byFile.get(file);
}
