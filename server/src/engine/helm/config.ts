// The `helm` section of the settings (`.kube-traffic-lens.yaml`, `kubeTrafficLens.helm.*`) and the
// value sets a chart is rendered with. Plain data; the adapters run helm.
/** What config.ts collects as a ConfigProblem (structurally the same; no import back into config.ts). */
interface ConfigProblem {
  readonly message: string;
}

export interface ChartSettings {
  /** Release name (`helm template <release>`); default: the chart's name. */
  readonly release: string | undefined;
  /** `--namespace`; resources without one are placed there. */
  readonly namespace: string | undefined;
  /** Values files applied after values.yaml, relative to the chart directory. */
  readonly valuesFiles: readonly string[];
  /** Alternative value sets, each rendered as a release of its own. */
  readonly valueSets: readonly (readonly string[])[];
}

export interface HelmConfig {
  /** false: charts are not rendered (`--no-helm`). */
  readonly enabled: boolean;
  /** The helm binary (`kubeTrafficLens.helm.path`, `--helm`); default `helm` on PATH. */
  readonly path: string;
  /** Values files for every chart, relative to its directory (`kubeTrafficLens.helm.valuesFiles`). */
  readonly valuesFiles: readonly string[];
  /**
   * Also render each `ci/*-values.yaml` of a chart (chart-testing's) as an alternative value set.
   * On by default: each value set is analysed as a release of its own (valueSets.ts), so the
   * alternatives cannot hide or cause each other's findings.
   */
  readonly ciValueSets: boolean;
  readonly timeoutSeconds: number;
  /** Per chart, by its directory (matched as a path suffix of the chart's workspace path). */
  readonly charts: Readonly<Record<string, ChartSettings>>;
}

export const DEFAULT_HELM_CONFIG: HelmConfig = {
  enabled: true,
  path: 'helm',
  valuesFiles: [],
  ciValueSets: true,
  timeoutSeconds: 30,
  charts: {},
};

const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.every((s) => typeof s === 'string') ? (v as string[]) : undefined;

export function normalizeHelmConfig(raw: unknown, base: HelmConfig, problems: ConfigProblem[]): HelmConfig {
  if (raw === undefined || raw === null) return base;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push({ message: 'helm must be a mapping' });
    return base;
  }
  const r = raw as Record<string, unknown>;
  let { enabled, path, valuesFiles, ciValueSets, timeoutSeconds } = base;
  const charts: Record<string, ChartSettings> = { ...base.charts };
  if (typeof r.enabled === 'boolean') enabled = r.enabled;
  else if (r.enabled !== undefined) problems.push({ message: 'helm.enabled must be true or false' });
  if (typeof r.path === 'string' && r.path.trim()) path = r.path.trim();
  else if (r.path !== undefined && r.path !== '') problems.push({ message: 'helm.path must be a path' });
  if (strings(r.valuesFiles)) valuesFiles = [...valuesFiles, ...strings(r.valuesFiles)!];
  else if (r.valuesFiles !== undefined) problems.push({ message: 'helm.valuesFiles must be a list of paths' });
  if (typeof r.ciValueSets === 'boolean') ciValueSets = r.ciValueSets;
  else if (r.ciValueSets !== undefined) problems.push({ message: 'helm.ciValueSets must be true or false' });
  if (typeof r.timeoutSeconds === 'number' && r.timeoutSeconds > 0) timeoutSeconds = Math.min(r.timeoutSeconds, 600);
  else if (r.timeoutSeconds !== undefined) problems.push({ message: 'helm.timeoutSeconds must be a positive number' });
  if (r.charts && typeof r.charts === 'object' && !Array.isArray(r.charts)) {
    for (const [dir, c] of Object.entries(r.charts as Record<string, unknown>)) {
      const s = (c ?? {}) as Record<string, unknown>;
      if (typeof s !== 'object' || Array.isArray(s)) {
        problems.push({ message: `helm.charts.${dir} must be a mapping` });
        continue;
      }
      const sets = Array.isArray(s.valueSets)
        ? s.valueSets
            .map((v) => (typeof v === 'string' ? [v] : strings(v)))
            .filter((v): v is string[] => v !== undefined)
        : [];
      if (s.valueSets !== undefined && sets.length !== (Array.isArray(s.valueSets) ? s.valueSets.length : -1))
        problems.push({ message: `helm.charts.${dir}.valueSets must be a list of lists of paths` });
      if (s.valuesFiles !== undefined && !strings(s.valuesFiles))
        problems.push({ message: `helm.charts.${dir}.valuesFiles must be a list of paths` });
      charts[dir.replace(/\/+$/, '') || '.'] = {
        release: typeof s.release === 'string' && s.release ? s.release : undefined,
        namespace: typeof s.namespace === 'string' && s.namespace ? s.namespace : undefined,
        valuesFiles: strings(s.valuesFiles) ?? [],
        valueSets: sets,
      };
    }
  } else if (r.charts !== undefined)
    problems.push({ message: 'helm.charts must be a mapping of chart directory to settings' });
  return { enabled, path, valuesFiles, ciValueSets, timeoutSeconds, charts };
}

/** A chart's settings: the entry whose key is its directory or a trailing part of it. */
export function chartSettings(config: HelmConfig, chartDir: string): ChartSettings | undefined {
  let best: [string, ChartSettings] | undefined;
  for (const [dir, s] of Object.entries(config.charts)) {
    const matches = dir === chartDir || chartDir.endsWith(`/${dir}`) || (dir === '.' && chartDir === '.');
    if (matches && (!best || dir.length > best[0].length)) best = [dir, s];
  }
  return best?.[1];
}

export interface ValueSet {
  readonly release: string;
  readonly namespace: string | undefined;
  /** Values files after values.yaml, relative to the chart directory. */
  readonly valuesFiles: readonly string[];
  readonly label: string;
}

/**
 * The value sets a chart is rendered with: values.yaml plus the configured files, then each
 * configured alternative, then (with ciValueSets) each `ci/*-values.yaml` of the chart.
 */
export function valueSetsOf(
  config: HelmConfig,
  chartDir: string,
  chartName: string,
  ciValuesFiles: readonly string[],
): ValueSet[] {
  const s = chartSettings(config, chartDir);
  const release = s?.release ?? chartName;
  const namespace = s?.namespace;
  const base = [...config.valuesFiles, ...(s?.valuesFiles ?? [])];
  const label = (files: readonly string[]) => ['values.yaml', ...files].join(' + ');
  const sets: ValueSet[] = [{ release, namespace, valuesFiles: base, label: label(base) }];
  const alternatives = [...(s?.valueSets ?? []), ...(config.ciValueSets ? ciValuesFiles.map((f) => [f]) : [])];
  for (const alt of alternatives)
    sets.push({ release, namespace, valuesFiles: [...base, ...alt], label: label([...base, ...alt]) });
  return sets;
}
