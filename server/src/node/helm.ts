// Renders the workspace's Helm charts with the user's helm binary (`helm template`), for the CLI
// and the language server. Never contacts a network: no `helm dependency update`; a dependency
// must be vendored under charts/, or be a sibling folder holding a chart of that name (then the
// chart is staged in a temporary copy with charts/<dep> linked to it). Every run is bounded: a
// time-out, a limit of concurrent helm processes, a bound on output and on the chart files read.
// Renders are cached by the hash of the chart's files, the values and the options.
import { pushAll } from '../engine/arrays';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { readRegularFile } from './safeRead';
import * as os from 'node:os';
import * as path from 'node:path';
import { compareDiagnostics, type Diagnostic } from '../engine/diagnostics';
import { valueSetsOf, type HelmConfig } from '../engine/helm/config';
import {
  isRenderedPath,
  renderedPath,
  templatePathOf,
  type ChartRender,
  type HelmSources,
} from '../engine/helm/rendered';
import { parseYaml } from '../engine/syntax';
import { asMap, asScalar, get, seqItems, stringValue } from '../engine/tree';
import type { WorkspaceFile } from '../engine/workspace';

/** helm processes running at once. */
const CONCURRENCY = 2;
/** helm's output beyond this many bytes is refused (a chart that renders this much is not a chart we can show). */
const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;
/** Chart files read for hashing and mapping: at most this many, of at most this many bytes in all. */
const MAX_CHART_FILES = 4000;
const MAX_CHART_BYTES = 32 * 1024 * 1024;
const MAX_STAGING_DEPTH = 4;
const SKIPPED_DIRS = new Set(['.git', 'node_modules', '.ktl-rendered']);

export interface HelmRun {
  readonly sources: HelmSources;
  /** The rendered charts as manifest files at their virtual paths. */
  readonly files: readonly WorkspaceFile[];
  /** Dependencies not vendored, render errors, charts not rendered. */
  readonly diagnostics: readonly Diagnostic[];
  /** Why charts were not rendered, when it is one reason for all (helm not found, untrusted). */
  readonly skipReason: string | undefined;
  /** Charts that were not rendered (reported on their Chart.yaml). */
  readonly notRendered: number;
  /** Chart.yaml files of charts not rendered for a reason reported in diagnostics. */
  readonly explained: ReadonlySet<string>;
}

interface Dependency {
  readonly name: string;
  readonly repository: string;
  readonly nameSpan: { start: number; end: number };
  /** Chart.yaml, or requirements.yaml (apiVersion v1 charts). */
  readonly file: string;
}

interface ChartInfo {
  readonly dir: string;
  readonly chartFile: string;
  readonly name: string;
  readonly library: boolean;
  readonly dependencies: readonly Dependency[];
}

/** The helm binary: an explicit path (with a separator) as given, else searched on PATH. */
export function findHelm(configured: string): string | undefined {
  const isFile = (p: string) => {
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return fs.statSync(p).isFile();
    } catch {
      return false;
    }
  };
  if (configured.includes('/') || configured.includes('\\'))
    return isFile(configured) ? path.resolve(configured) : undefined;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of process.platform === 'win32' ? ['.exe', '.cmd', ''] : ['']) {
      const candidate = path.join(dir, configured + ext);
      if (isFile(candidate)) return candidate;
    }
  }
  return undefined;
}

/**
 * A chart's name, type and dependencies (Chart.yaml; for `apiVersion: v1` charts also
 * requirements.yaml, whose diagnostics then point there).
 */
export function readChartInfo(
  chartFile: string,
  text: string,
  requirements?: { file: string; text: string },
): ChartInfo | undefined {
  const parsed = parseYaml(text);
  const root = asMap(parsed.documents[0]?.contents);
  const name = stringValue(get(root, 'name'));
  if (!root || !name) return undefined;
  const required = requirements ? asMap(parseYaml(requirements.text).documents[0]?.contents) : undefined;
  const declared = [
    ...seqItems(get(root, 'dependencies')).map((d) => [chartFile, d] as const),
    ...seqItems(get(required, 'dependencies')).map((d) => [requirements!.file, d] as const),
  ];
  const dependencies = declared.flatMap(([file, d]) => {
    const n = asScalar(get(d, 'name'));
    const depName = stringValue(n);
    const alias = stringValue(get(d, 'alias'));
    return n && depName
      ? [{ name: depName, repository: stringValue(get(d, 'repository')) ?? '', nameSpan: n.span, alias, file }]
      : [];
  });
  const dir = path.posix.dirname(chartFile);
  return { dir, chartFile, name, library: stringValue(get(root, 'type')) === 'library', dependencies };
}

/** Runs helm processes, at most CONCURRENCY at once, and remembers renders by content hash. */
export class HelmRenderer {
  private readonly cache = new Map<string, { text?: string; error?: string }>();
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  /** helm processes started (tests check that none is in an untrusted workspace). */
  processesStarted = 0;

  /**
   * @param toAbsolute maps a workspace path to the file system (the CLI's paths are relative to its
   *   working directory; the language server's are absolute already).
   */
  constructor(private readonly toAbsolute: (workspacePath: string) => string) {}

  /**
   * Renders every chart of the workspace files; `enabled: false` (untrusted, --no-helm) renders none.
   * onChartFiles is given each chart's file texts (by workspace path) once they are read, before
   * helm runs, so that a caller can prepare what it needs of them meanwhile.
   */
  async renderWorkspace(
    files: readonly WorkspaceFile[],
    config: HelmConfig,
    disabledReason?: string,
    onChartFiles?: (texts: ReadonlyMap<string, string>) => void,
  ): Promise<HelmRun> {
    const byPath = new Map(files.map((f) => [f.path, f]));
    const charts = files
      .filter((f) => path.posix.basename(f.path) === 'Chart.yaml' && !isRenderedPath(f.path))
      .map((f) => {
        const requirements = byPath.get(path.posix.join(path.posix.dirname(f.path), 'requirements.yaml'));
        return readChartInfo(f.path, f.text, requirements && { file: requirements.path, text: requirements.text });
      })
      .filter((c): c is ChartInfo => c !== undefined && !c.library);
    const empty = (reason: string | undefined): HelmRun => ({
      sources: { renders: [], texts: new Map() },
      files: [],
      diagnostics: [],
      skipReason: reason,
      notRendered: charts.length,
      explained: new Set(),
    });
    if (charts.length === 0) return empty(undefined);
    if (disabledReason) return empty(disabledReason);
    if (!config.enabled) return empty('Helm rendering is turned off (helm.enabled: false or --no-helm)');
    const helm = findHelm(config.path);
    if (!helm) return empty(`helm was not found ('${config.path}'; set kubeTrafficLens.helm.path or --helm PATH)`);

    const renders: ChartRender[] = [];
    const rendered: WorkspaceFile[] = [];
    const diagnostics: Diagnostic[] = [];
    const texts = new Map<string, string>();
    let notRendered = 0;
    const explained = new Set<string>();
    await Promise.all(
      charts.map(async (chart) => {
        const result = await this.renderChart(helm, chart, config, texts, onChartFiles);
        pushAll(diagnostics, result.diagnostics);
        if (result.renders.length === 0) {
          notRendered++;
          if (result.diagnostics.length > 0) explained.add(chart.chartFile);
        }
        for (const r of result.renders) {
          renders.push(r);
          rendered.push({ path: r.path, text: r.text, namespace: r.namespace });
        }
      }),
    );
    renders.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    rendered.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    // Renders finish in any order: the outcome is the same whatever it was (the server compares runs).
    diagnostics.sort(compareDiagnostics);
    return { sources: { renders, texts }, files: rendered, diagnostics, skipReason: undefined, notRendered, explained };
  }

  private async renderChart(
    helm: string,
    chart: ChartInfo,
    config: HelmConfig,
    texts: Map<string, string>,
    onChartFiles?: (texts: ReadonlyMap<string, string>) => void,
  ): Promise<{ renders: ChartRender[]; diagnostics: Diagnostic[] }> {
    const diagnostics: Diagnostic[] = [];
    const absDir = this.toAbsolute(chart.dir);
    // Dependencies: vendored, or a sibling chart folder of that name (rendered through a staged copy).
    const dependencyDirs: Record<string, string> = {};
    let missing = false;
    for (const dep of chart.dependencies) {
      if (isVendored(absDir, dep.name)) continue;
      const sibling = siblingChart(absDir, dep.name);
      if (sibling) {
        dependencyDirs[dep.name] = path.posix.join(path.posix.dirname(chart.dir), path.basename(sibling));
        continue;
      }
      missing = true;
      diagnostics.push({
        file: dep.file,
        span: dep.nameSpan,
        severity: 'info',
        rule: 'helm-dependency-not-vendored',
        related: [],
        message: `dependency ${dep.name} is not vendored: run \`helm dependency build\` (${dep.repository || 'no repository'}); the chart is not rendered without it`,
      });
    }
    if (missing) return { renders: [], diagnostics };

    const read = readChartFiles(absDir, chart.dir);
    for (const dir of Object.values(dependencyDirs))
      for (const [p, t] of readChartFiles(this.toAbsolute(dir), dir).texts) read.texts.set(p, t);
    for (const [p, t] of read.texts) texts.set(p, t);
    onChartFiles?.(read.texts);
    const ciFiles = [...read.texts.keys()]
      .map((p) => path.posix.relative(chart.dir, p))
      .filter((p) => /^ci\/[^/]*-values\.ya?ml$/.test(p))
      .sort();
    const sets = valueSetsOf(config, chart.dir, chart.name, ciFiles);
    const renders: ChartRender[] = [];
    // The value sets render at once (as many helm processes as the slots allow), in order of start.
    const renderSet = async (set: (typeof sets)[number], i: number): Promise<void> => {
      const valuesPaths = set.valuesFiles.map((f) => path.posix.normalize(path.posix.join(chart.dir, f)));
      const absValues = set.valuesFiles.map((f) => path.resolve(absDir, f));
      const unreadable = absValues.findIndex((f) => !fs.existsSync(f));
      if (unreadable >= 0) {
        diagnostics.push({
          file: chart.chartFile,
          span: { start: 0, end: 0 },
          severity: 'info',
          rule: 'helm-render-failed',
          related: [],
          message: `values file ${set.valuesFiles[unreadable]} (release ${set.release}) does not exist`,
        });
        return;
      }
      for (const f of absValues) {
        const rel = valuesPaths[absValues.indexOf(f)];
        if (!texts.has(rel)) texts.set(rel, readText(f) ?? '');
      }
      const args = [
        'template',
        set.release,
        '.',
        '--skip-tests',
        ...(set.namespace ? ['--namespace', set.namespace] : []),
        ...absValues.flatMap((f) => ['--values', f]),
      ];
      const key = createHash('sha1')
        .update(JSON.stringify([helm, args, read.hash, absValues.map((f) => readText(f) ?? ''), dependencyDirs]))
        .digest('hex');
      let out = this.cache.get(key);
      if (!out) {
        out = await this.withSlot(() => this.runHelm(helm, absDir, chart, dependencyDirs, args, config.timeoutSeconds));
        if (this.cache.size > 256) this.cache.clear();
        this.cache.set(key, out);
      }
      const render: ChartRender = {
        chartDir: chart.dir,
        chartName: chart.name,
        release: set.release,
        namespace: set.namespace,
        valuesFiles: valuesPaths,
        valueSet: set.label,
        several: sets.length > 1,
        path: renderedPath(chart.dir, set.release, i),
        text: out.text ?? '',
        dependencyDirs,
      };
      if (out.error !== undefined) {
        diagnostics.push(renderError(out.error, render, set.label, sets.length > 1, texts));
        return;
      }
      renders.push(render);
    };
    await Promise.all(sets.map(renderSet));
    return { renders, diagnostics };
  }

  private async withSlot<T>(run: () => Promise<T>): Promise<T> {
    while (this.running >= CONCURRENCY) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await run();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  private async runHelm(
    helm: string,
    absDir: string,
    chart: ChartInfo,
    dependencyDirs: Record<string, string>,
    args: string[],
    timeoutSeconds: number,
  ): Promise<{ text?: string; error?: string }> {
    let cwd = absDir;
    let staged: string | undefined;
    try {
      if (Object.keys(dependencyDirs).length > 0) {
        staged = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-helm-'));
        cwd = path.join(staged, path.basename(absDir));
        stageChart(absDir, cwd, 0);
      }
      this.processesStarted++;
      return await new Promise((resolve) => {
        // No network and no cluster: `helm template` renders client-side; repositories and
        // registries are never consulted because dependency commands are never run.
        execFile(
          helm,
          args,
          {
            cwd,
            timeout: timeoutSeconds * 1000,
            maxBuffer: MAX_OUTPUT_BYTES,
            killSignal: 'SIGKILL',
            env: { ...process.env, HELM_NO_PLUGINS: '1' },
          },
          (err, stdout, stderr) => {
            if (!err) return resolve({ text: stdout });
            const e = err as NodeJS.ErrnoException & { killed?: boolean; code?: unknown };
            if (e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER')
              return resolve({ error: `helm's output is over ${MAX_OUTPUT_BYTES} bytes` });
            if (e.killed)
              return resolve({ error: `helm template did not finish in ${timeoutSeconds} s (helm.timeoutSeconds)` });
            resolve({ error: (stderr || e.message).trim().split('\n').slice(0, 5).join('\n') });
          },
        );
      });
    } catch (err) {
      return { error: `could not run helm for ${chart.dir}: ${(err as Error).message}` };
    } finally {
      if (staged) fs.rmSync(staged, { recursive: true, force: true });
    }
  }
}

/** Values files and chart sources are read as any manifest: regular files only, bounded in size. */
const MAX_CHART_FILE_BYTES = 16 * 1024 * 1024;

function readText(file: string): string | undefined {
  try {
    return readRegularFile(file, MAX_CHART_FILE_BYTES).buffer?.toString('utf8');
  } catch {
    return undefined;
  }
}

function isVendored(absDir: string, name: string): boolean {
  const charts = path.join(absDir, 'charts');
  if (fs.existsSync(path.join(charts, name, 'Chart.yaml'))) return true;
  try {
    return fs.readdirSync(charts).some((f) => f.startsWith(`${name}-`) && f.endsWith('.tgz'));
  } catch {
    return false;
  }
}

/** A folder beside the chart holding a chart of that name (a monorepo's shared library chart). */
function siblingChart(absDir: string, name: string): string | undefined {
  const candidate = path.join(path.dirname(absDir), name);
  const text = readText(path.join(candidate, 'Chart.yaml'));
  return text !== undefined &&
    readChartInfo('Chart.yaml', text)?.name === name &&
    path.resolve(candidate) !== path.resolve(absDir)
    ? candidate
    : undefined;
}

/** A copy of a chart with charts/<dep> made from sibling folders (themselves staged when they need it). */
function stageChart(from: string, to: string, depth: number): void {
  fs.cpSync(from, to, { recursive: true, filter: (src) => !SKIPPED_DIRS.has(path.basename(src)) });
  const info = readChartInfo('Chart.yaml', readText(path.join(from, 'Chart.yaml')) ?? '');
  for (const dep of info?.dependencies ?? []) {
    if (isVendored(from, dep.name)) continue;
    const sibling = siblingChart(from, dep.name);
    if (!sibling || depth >= MAX_STAGING_DEPTH) continue;
    fs.mkdirSync(path.join(to, 'charts'), { recursive: true });
    stageChart(sibling, path.join(to, 'charts', dep.name), depth + 1);
  }
}

/** The chart's files (texts of the text ones, for mapping) and a hash of all of them, bounded. */
function readChartFiles(absDir: string, workspaceDir: string): { texts: Map<string, string>; hash: string } {
  const hash = createHash('sha1');
  const texts = new Map<string, string>();
  let count = 0;
  let bytes = 0;
  const walk = (abs: string, rel: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(abs, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    } catch {
      return;
    }
    for (const e of entries) {
      if (SKIPPED_DIRS.has(e.name) || count >= MAX_CHART_FILES || bytes >= MAX_CHART_BYTES) continue;
      const childAbs = path.join(abs, e.name);
      const childRel = rel === '.' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) walk(childAbs, childRel);
      else if (e.isFile()) {
        let data: Buffer;
        try {
          data = fs.readFileSync(childAbs);
        } catch {
          continue;
        }
        count++;
        bytes += data.length;
        hash.update(childRel).update('\0').update(data).update('\0');
        if (/\.(ya?ml|tpl|txt|json)$/.test(e.name) && data.length < 2 * 1024 * 1024)
          texts.set(childRel, data.toString('utf8'));
      }
    }
  };
  walk(absDir, workspaceDir);
  return { texts, hash: hash.digest('hex') };
}

/** helm's error as a diagnostic on the template and line it names (`template: chart/templates/x.yaml:12:3: ...`). */
function renderError(
  error: string,
  render: ChartRender,
  valueSet: string,
  several: boolean,
  texts: ReadonlyMap<string, string>,
): Diagnostic {
  const where = several ? ` (release ${render.release}, values ${valueSet})` : '';
  const message = `helm template failed${where}: ${error.replace(/^Error: /, '')}`;
  const m =
    /(?:template: |parse error at \(|YAML parse error on )([^\s:()]+\/templates\/[^\s:()]+?)(?::(\d+)(?::(\d+))?)?[:)\s]/.exec(
      error,
    );
  if (m) {
    const file = templatePathOf(render, m[1]);
    const text = texts.get(file);
    if (text !== undefined) {
      const line = m[2] && !/YAML parse error/.test(m[0]) ? Number(m[2]) - 1 : 0;
      let start = 0;
      for (let i = 0; i < line && start >= 0; i++) start = text.indexOf('\n', start) + 1;
      if (start < 0) start = 0;
      const end = text.indexOf('\n', start);
      return {
        file,
        span: { start, end: end < 0 ? text.length : end },
        severity: 'info',
        rule: 'helm-render-failed',
        message,
        related: [],
      };
    }
  }
  return {
    file: render.chartDir === '.' ? 'Chart.yaml' : `${render.chartDir}/Chart.yaml`,
    span: { start: 0, end: 0 },
    severity: 'info',
    rule: 'helm-render-failed',
    message,
    related: [],
  };
}
