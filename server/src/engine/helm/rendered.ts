// A chart as `helm template` rendered it, as plain data: the adapters run helm (node/helm.ts) and
// hand the output here; the engine analyses it as one manifest file at a virtual path beside the
// chart (`<chart>/.ktl-rendered/<release>.yaml`), and sourceMap.ts maps what is found there back to
// template and values lines.

/** The folder name of rendered charts' virtual files; no real file is read from there. */
export const RENDERED_DIR = '.ktl-rendered';

export interface ChartRender {
  /** Workspace path of the chart directory (`.` for the root). */
  readonly chartDir: string;
  readonly chartName: string;
  readonly release: string;
  readonly namespace: string | undefined;
  /** Values files applied after the chart's values.yaml, as workspace paths, in order. */
  readonly valuesFiles: readonly string[];
  /** How users tell this value set from the chart's others (`values.yaml`, `ci/x-values.yaml`). */
  readonly valueSet: string;
  /** Whether the chart is rendered with more than one value set (diagnostics then name theirs). */
  readonly several: boolean;
  /** The virtual path of the rendered text (renderedPath). */
  readonly path: string;
  readonly text: string;
  /** Chart directories of dependencies rendered from sibling folders, by dependency name. */
  readonly dependencyDirs: Readonly<Record<string, string>>;
}

/** What the adapters give the engine beside the workspace files: renders and the chart sources they came from. */
export interface HelmSources {
  readonly renders: readonly ChartRender[];
  /** Texts of chart files the workspace files may lack (`_helpers.tpl`, `*.tpl`), by workspace path. */
  readonly texts: ReadonlyMap<string, string>;
}

export function renderedPath(chartDir: string, release: string, valueSetIndex: number): string {
  const name = `${release.replace(/[^A-Za-z0-9_.-]/g, '_')}${valueSetIndex === 0 ? '' : `@${valueSetIndex}`}.yaml`;
  return chartDir === '.' ? `${RENDERED_DIR}/${name}` : `${chartDir}/${RENDERED_DIR}/${name}`;
}

export function isRenderedPath(p: string): boolean {
  return p.startsWith(`${RENDERED_DIR}/`) || p.includes(`/${RENDERED_DIR}/`);
}

export interface RenderedDocument {
  /** The `# Source:` path as helm wrote it (`<chart>/templates/x.yaml`). */
  readonly source: string;
  /** Offset of the document's first line (after `---` and the Source comment) and its end. */
  readonly start: number;
  readonly end: number;
  /** The how-manieth document of the same source (a template may render several). */
  readonly ordinal: number;
}

/** The documents of helm's output with the template each came from, in order. */
export function renderedDocuments(text: string): RenderedDocument[] {
  const out: RenderedDocument[] = [];
  const seen = new Map<string, number>();
  const re = /^# Source: (.+)$/gm;
  const starts: { source: string; at: number; comment: number }[] = [];
  for (let m = re.exec(text); m; m = re.exec(text))
    starts.push({ source: m[1].trim(), at: m.index + m[0].length + 1, comment: m.index });
  for (let i = 0; i < starts.length; i++) {
    const s = starts[i];
    const next = i + 1 < starts.length ? starts[i + 1].comment : text.length;
    const separator = text.lastIndexOf('\n---', next);
    const end = separator > s.at ? separator + 1 : next;
    const ordinal = seen.get(s.source) ?? 0;
    seen.set(s.source, ordinal + 1);
    out.push({ source: s.source, start: Math.min(s.at, text.length), end, ordinal });
  }
  return out;
}

/**
 * The workspace path of a template named by a `# Source:` line: `<chart>/templates/x.yaml` is in
 * the chart directory; `<chart>/charts/<dep>/templates/x.yaml` in the dependency's (vendored under
 * charts/, or the sibling folder it was rendered from).
 */
export function templatePathOf(render: ChartRender, source: string): string {
  const parts = source.split('/');
  let dir = render.chartDir;
  let i = 1; // parts[0] is the chart's name
  while (parts[i] === 'charts' && i + 2 < parts.length) {
    const dep = parts[i + 1];
    dir = render.dependencyDirs[dep] ?? (dir === '.' ? `charts/${dep}` : `${dir}/charts/${dep}`);
    i += 2;
  }
  const rest = parts.slice(i).join('/');
  return dir === '.' ? rest : `${dir}/${rest}`;
}
