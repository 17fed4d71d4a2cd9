// The language server's Helm charts: renders them (only in a trusted workspace), keeps the renders
// the analysis reads as files, places diagnostics on template and values lines, maps a template
// position to the rendered one (hovers) and serves the rendered text to the client's read-only
// view. Rendering is debounced and re-run only for charts whose files changed (the renderer
// caches by content hash).
import * as path from 'node:path';
import {
  Analyzer,
  CANCELLED,
  type AnalysisConfig,
  type AsyncRunOptions,
  type Diagnostic,
  type LineIndex,
  type SkippedFile,
} from '../engine';
import type { Resource } from '../engine/model/resource';
import { codeActionsAt, type CodeActionResult, type TextEdit } from '../engine/queries';
import type { Analysis } from '../engine/analysis';
import {
  chartLineIndexes,
  HelmSourceMap,
  isOwnRender,
  isRenderedPath,
  mapOnChartLines,
  TemplateIndexCache,
  valueSetIndexOf,
  worldCount,
  worldFiles,
  withHelm,
  type AnalysedRenders,
  type ChartRender,
} from '../engine/helm';
import type { SourceLocation } from '../engine/helm/sourceMap';
import type { TrafficMap } from '../engine/paths';
import type { HelmConfig } from '../engine/helm/config';
import type { WorkspaceFile } from '../engine/workspace';
import { HelmRenderer, type HelmRun } from '../node/helm';

/** The URI scheme of the client's read-only rendered view (client/src/renderedManifest.ts). */
export const RENDERED_SCHEME = 'kube-traffic-lens-rendered';

/**
 * Analyses of ENGINE_WARM_UP while helm renders, at most. The first parse of a render is mostly
 * cold code (the YAML lexer's): a 30-template render took about 35 ms of CPU to parse cold, 15 ms
 * after eight passes of the sample, 3 ms fully warm. Passes stop as soon as the render is in.
 */
const WARM_UP_PASSES = 8;

const NO_RUN: HelmRun = {
  sources: { renders: [], texts: new Map() },
  files: [],
  diagnostics: [],
  skipReason: undefined,
  notRendered: 0,
  explained: new Set(),
};

export class HelmState {
  private run: HelmRun = NO_RUN;
  private map = new HelmSourceMap(NO_RUN.sources, () => undefined);
  private readonly renderer = new HelmRenderer((p) => p);
  /** Template indexes by text, kept across renders (an edit of one template indexes that one again). */
  private readonly indexes = new TemplateIndexCache();
  /** Texts of the templates and values files of charts being rendered, for warmUp to index meanwhile. */
  private toIndex: string[] = [];
  /** Chart directories (absolute, posix) of the last run, to tell which file changes concern charts. */
  private chartDirs: string[] = [];
  /** Rendered texts by virtual path. */
  private rendered = new Map<string, string>();
  trusted = true;

  /**
   * @param onFurtherRenders called when the charts' further value sets, rendered after the first
   *   ones at the first refresh, are in (the workspace should be analysed again).
   */
  constructor(
    private readonly log: (message: string) => void,
    private readonly onFurtherRenders: () => void = () => undefined,
  ) {}

  /** Whether a refresh has run: the first renders each chart's first value set alone, first. */
  private refreshedOnce = false;

  get processesStarted(): number {
    return this.renderer.processesStarted;
  }

  get notRendered(): { count: number; reason: string | undefined } {
    return { count: this.run.notRendered, reason: this.run.skipReason };
  }

  /** The renders the workspace's analysis reads: each chart's first value set (see analyseValueSets). */
  get files(): readonly WorkspaceFile[] {
    return this.primaryFiles;
  }
  private primaryFiles: readonly WorkspaceFile[] = [];

  /**
   * The charts' further value sets, each analysed in a world of its own (engine/helm/valueSets.ts)
   * by an Analyzer of their own, incrementally from one world to the next and from one edit to the
   * next: what they found in their own renders, and those renders' resources and texts.
   */
  private readonly worlds = new Analyzer();
  private further: { diagnostics: Diagnostic[]; resources: Resource[]; texts: Map<string, string> } = {
    diagnostics: [],
    resources: [],
    texts: new Map(),
  };

  /**
   * Whether the further value sets' findings are of the current renders (none to have counts): a
   * publish before analyseValueSets then shows them as they were, else it would show a chart's
   * findings as if it had one value set, and name value sets that the next publish does not.
   */
  get valueSetsAnalysed(): boolean {
    return this.run.files.every((f) => valueSetIndexOf(f.path) === 0 || this.further.texts.get(f.path) === f.text);
  }

  /**
   * Analyses the further value sets of the charts against the workspace's files (those of the
   * analysis just made, with the first value sets). Whether their findings are to be published
   * again: false when there are none, now or before, and when cancelled.
   */
  async analyseValueSets(
    files: readonly WorkspaceFile[],
    skipped: readonly SkippedFile[],
    config: AnalysisConfig,
    options: AsyncRunOptions,
  ): Promise<boolean> {
    const renders = this.run.sources.renders;
    if (worldCount(renders) <= 1 && this.further.texts.size === 0) return false;
    const further: typeof this.further = { diagnostics: [], resources: [], texts: new Map() };
    for (let k = 1; k < worldCount(renders); k++) {
      const world = worldFiles(files, this.run.files, renders, k);
      const result = await this.worlds.runAsync({ files: world, skipped, config }, options);
      if (result === CANCELLED) return false;
      for (const d of result.diagnostics) if (isOwnRender(d.file, k)) further.diagnostics.push(d);
      for (const r of result.workspace.resources) if (isOwnRender(r.file, k)) further.resources.push(r);
      for (const f of world) if (isOwnRender(f.path, k)) further.texts.set(f.path, f.text);
    }
    this.further = further;
    return true;
  }

  renderedText(p: string): string | undefined {
    return this.rendered.get(p);
  }

  /** Whether a changed file may change a render: a chart's file, or a Chart.yaml that appeared. */
  concernsCharts(p: string): boolean {
    return (
      path.posix.basename(p) === 'Chart.yaml' || p.endsWith('.tpl') || this.chartDirs.some((d) => p.startsWith(`${d}/`))
    );
  }

  /** Whether a refresh is running helm (set synchronously when refresh starts one). */
  rendering = false;
  /** Refreshes started; a refresh overtaken by a newer one does not apply its (older) renders. */
  private refreshes = 0;

  /** Renders the charts among the files; returns whether the renders changed. */
  async refresh(files: readonly WorkspaceFile[], config: HelmConfig): Promise<boolean> {
    if (this.refreshedOnce) return this.renderAll(files, config);
    this.refreshedOnce = true;
    // The first diagnostics need only each chart's first value set: the others (a chart's ci
    // value sets may be a dozen) render next, and the workspace is analysed again with them.
    const firstOnly: HelmConfig = {
      ...config,
      ciValueSets: false,
      charts: Object.fromEntries(Object.entries(config.charts).map(([dir, c]) => [dir, { ...c, valueSets: [] }])),
    };
    const changed = await this.renderAll(files, firstOnly);
    const first = this.run;
    const ciFiles = [...first.sources.texts.keys()].some((p) => /(^|\/)ci\/[^/]*-values\.ya?ml$/.test(p));
    const configured = Object.values(config.charts).some((c) => c.valueSets.length > 0);
    if (!(config.ciValueSets && ciFiles) && !configured) return changed;
    void this.renderAll(files, config).then((further) => {
      if (further && this.run !== first) this.onFurtherRenders();
    });
    return changed;
  }

  private async renderAll(files: readonly WorkspaceFile[], config: HelmConfig): Promise<boolean> {
    const started = performance.now();
    const mine = ++this.refreshes;
    this.rendering = this.trusted && config.enabled && files.some((f) => path.posix.basename(f.path) === 'Chart.yaml');
    const run = await this.renderer.renderWorkspace(
      files,
      config,
      this.trusted ? undefined : 'the workspace is not trusted (Helm charts are rendered only in trusted workspaces)',
      (texts) => {
        for (const [p, text] of texts) if (/(^|\/)templates\/|(^|\/)values\.ya?ml$/.test(p)) this.toIndex.push(text);
      },
    );
    this.toIndex = [];
    if (mine !== this.refreshes) return false;
    const rendered = new Map(run.files.map((f) => [f.path, f.text]));
    const changed =
      rendered.size !== this.rendered.size ||
      [...rendered].some(([p, t]) => this.rendered.get(p) !== t) ||
      JSON.stringify(run.diagnostics) !== JSON.stringify(this.run.diagnostics) ||
      run.skipReason !== this.run.skipReason;
    this.rendering = false;
    this.run = run;
    this.primaryFiles = worldFiles([], run.files, run.sources.renders, 0);
    this.rendered = rendered;
    this.chartDirs = files
      .filter((f) => path.posix.basename(f.path) === 'Chart.yaml')
      .map((f) => path.posix.dirname(f.path));
    const workspace = new Map(files.map((f) => [f.path, f.text]));
    this.map = new HelmSourceMap(run.sources, (f) => workspace.get(f), this.indexes);
    this.located = new WeakMap();
    if (this.chartDirs.length)
      this.log(
        `helm: ${run.sources.renders.length} renders of ${this.chartDirs.length} charts in ${(performance.now() - started).toFixed(0)} ms${run.skipReason ? ` (${run.skipReason})` : ''}`,
      );
    return changed;
  }

  /**
   * While helm renders: indexes the charts' templates, then analyses ENGINE_WARM_UP a few times,
   * all in slices of sliceMs, until the renders are in (then it stops at once), so that placing
   * and analysing the renders runs warm and is never kept waiting by the warm-up.
   */
  async warmUp(config: AnalysisConfig, sliceMs: number, isBusy: () => boolean): Promise<void> {
    // Until the renders are in: those of this refresh (a refresh that follows does not count).
    const before = this.run;
    const isCancelled = () => !this.rendering || this.run !== before;
    // The chart's templates first: placing the first diagnostics reads them all (for defines).
    let sliceStart = performance.now();
    while (!isCancelled() && this.toIndex.length > 0) {
      this.indexes.get(this.toIndex.pop()!);
      if (performance.now() - sliceStart >= sliceMs || isBusy()) {
        await new Promise((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
    }
    for (let i = 0; i < WARM_UP_PASSES && !isCancelled(); i++)
      await new Analyzer().runAsync({ files: ENGINE_WARM_UP, config }, { sliceMs, isCancelled, isBusy });
  }

  /** The analysis's diagnostics on template and values lines, with rendering's own. */
  finish(diagnostics: readonly Diagnostic[], analysed?: AnalysedRenders): Diagnostic[] {
    if (this.run.sources.renders.length === 0 && this.run.diagnostics.length === 0 && !this.run.skipReason)
      return [...diagnostics];
    // The further value sets' findings join, placed like the others (stale ones are dropped by withHelm).
    const { further } = this;
    if (analysed && further.texts.size > 0) {
      diagnostics = [...diagnostics, ...further.diagnostics];
      const textOf = analysed.textOf;
      analysed = {
        resources: [...analysed.resources, ...further.resources],
        textOf: (f) => further.texts.get(f) ?? textOf(f),
      };
    }
    return withHelm(diagnostics, this.map, this.run, analysed);
  }

  linesOf(workspaceLines: (file: string) => LineIndex | undefined): (file: string) => LineIndex | undefined {
    return chartLineIndexes(this.map, workspaceLines);
  }

  /** The traffic map with rendered nodes on their template lines. */
  trafficMap(map: TrafficMap): TrafficMap {
    return mapOnChartLines(map, this.map);
  }

  /** Whether a file is a chart's (its diagnostics are shown even if it does not look like a manifest). */
  isChartFile(file: string): boolean {
    return this.map.chartText(file) !== undefined || this.chartDirs.some((d) => file.startsWith(`${d}/`));
  }

  /** Where a rendered span was written (template, helper or values line); undefined for other files. */
  locate(
    file: string,
    span: { start: number; end: number },
  ): { file: string; span: { start: number; end: number } } | undefined {
    return this.rendered.has(file) ? this.map.locate(file, span) : undefined;
  }

  /**
   * Quick fixes for the findings shown on a chart file (`shown`: whether a finding of this rule is
   * shown at that offset of the file): the engine's fixes for the rendered text, each edit moved to
   * the chart line that wrote the text it replaces. A fix is offered only when every edit maps
   * exactly: the place the rendered node came from (its template line by its path, or the values
   * line it reads) holds, now, the very text the edit replaces. Insertions (the disable comment:
   * a comment in a template need not land above the rendered line) and edits of templated,
   * included or computed text are not offered: they would change other text than the finding's.
   */
  codeActions(
    analysis: Analysis,
    file: string,
    shown: (rule: string, start: number) => boolean,
    currentText: (file: string) => string | undefined,
  ): CodeActionResult[] {
    const out: CodeActionResult[] = [];
    if (!this.isChartFile(file)) return out;
    for (const d of analysis.diagnostics) {
      const rendered = this.rendered.get(d.file);
      if (rendered === undefined || analysis.workspace.files.get(d.file) === undefined) continue;
      // Asked at every move of the cursor: each finding is located once per source map.
      let at = this.located.get(d);
      if (at === undefined) this.located.set(d, (at = this.map.locate(d.file, d.span) ?? null));
      if (!at || at.file !== file || !shown(d.rule, at.span.start)) continue;
      for (const action of codeActionsAt(analysis, d.file, d.span, [d], rendered)) {
        const edits = action.edits.map((e) => this.chartEdit(e, currentText));
        // Every edit lands in a file the analysis read (whose lines the client's positions use).
        if (edits.length === 0 || edits.some((e) => !e || analysis.workspace.files.get(e.file) === undefined)) continue;
        out.push({ ...action, diagnostic: { ...d, file: at.file, span: at.span }, edits: edits as TextEdit[] });
      }
    }
    return out;
  }

  /** Where the findings of rendered files are shown, by finding, for the current source map. */
  private located = new WeakMap<Diagnostic, SourceLocation | null>();

  /** A rendered text's edit on the chart line that wrote the replaced text, when that is exact. */
  private chartEdit(e: TextEdit, currentText: (file: string) => string | undefined): TextEdit | undefined {
    const rendered = this.rendered.get(e.file);
    if (rendered === undefined || e.span.end <= e.span.start) return undefined;
    const at = this.map.locate(e.file, e.span);
    if (!at?.exact || isRenderedPath(at.file)) return undefined;
    const now = currentText(at.file);
    // The chart file as helm read it for this render, and as it is now: else the render is stale.
    if (now === undefined || now !== this.map.textOf(at.file)) return undefined;
    const replaced = rendered.slice(e.span.start, e.span.end);
    return now.slice(at.span.start, at.span.end) === replaced ? { ...e, file: at.file, span: at.span } : undefined;
  }

  /** The rendered place of a template position, for hovers and the rendered view. */
  toRendered(file: string, offset: number): { file: string; offset: number } | undefined {
    return this.map.toRendered(file, offset)[0];
  }

  /** The renders of the chart a file belongs to (or of every chart when the file is in none). */
  rendersFor(file: string | undefined): readonly ChartRender[] {
    const all = this.run.sources.renders;
    if (!file) return all;
    const own = all.filter(
      (r) =>
        file === r.path ||
        file.startsWith(`${r.chartDir}/`) ||
        Object.values(r.dependencyDirs).some((d) => file.startsWith(`${d}/`)),
    );
    return own.length ? own : all;
  }
}

/**
 * A render of the kinds charts hold, in helm's own shape (block style, `# Source:` comments, at a
 * rendered path), analysed while helm renders when the workspace has nothing else to analyse: the
 * first analysis of the real renders then runs code the engine has already compiled, on the same
 * paths (the parser's fast path for block YAML, the rendered-chart classification, the rules).
 */
export const ENGINE_WARM_UP: readonly WorkspaceFile[] = [
  {
    path: '/ktl-warm-up/.ktl-rendered/web.yaml',
    text: `---
# Source: web/templates/serviceaccount.yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: web
  labels:
    app.kubernetes.io/name: web
    app.kubernetes.io/instance: web
---
# Source: web/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: web
  labels:
    app.kubernetes.io/name: web
spec:
  type: ClusterIP
  selector:
    app.kubernetes.io/name: web
    app.kubernetes.io/instance: web
  ports:
    - name: http
      port: 80
      targetPort: htp
      protocol: TCP
---
# Source: web/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app.kubernetes.io/name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: web
      app.kubernetes.io/instance: web
  template:
    metadata:
      labels:
        app.kubernetes.io/name: web
        app.kubernetes.io/instance: web
    spec:
      serviceAccountName: web
      containers:
        - name: web
          image: "registry.example/web:1.0"
          ports:
            - name: http
              containerPort: 8080
          env:
            - name: API
              value: "http://api:80"
          readinessProbe:
            httpGet:
              path: /
              port: http
---
# Source: web/templates/ingress.yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  rules:
    - host: web.example
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: web
                port:
                  number: 81
---
# Source: web/templates/networkpolicy.yaml
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web
spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/name: web
  ingress:
    - from:
        - podSelector:
            matchLabels:
              app: ingress
      ports:
        - port: 8080
`,
  },
];
