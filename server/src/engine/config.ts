// Analysis settings: the same shape for the CLI (`--config`, `.kube-traffic-lens.yaml`) and the
// language server (`kubeTrafficLens.*`), normalised from untrusted input by `normalizeConfig`.
import { compileGlob } from './glob';
import { parseYaml } from './syntax';
import { toPlain } from './tree';
import { DEFAULT_HELM_CONFIG, normalizeHelmConfig, type HelmConfig } from './helm/config';

export type Severity = 'error' | 'warning' | 'info' | 'hint';
export type SeverityOverride = Severity | 'off';

export interface AnalysisConfig {
  /** Namespace for resources without one, before the file-level inference (unset: not applied). */
  readonly defaultNamespace: string | undefined;
  /** Globs (relative to the root, `**` allowed) of files and directories not to read. */
  readonly exclude: readonly string[];
  /** Files larger than this many bytes are skipped with an information diagnostic. */
  readonly maxFileSize: number;
  readonly rules: Readonly<Record<string, SeverityOverride>>;
  readonly nodePortRange: { readonly min: number; readonly max: number };
  readonly serviceCIDR: readonly string[];
  /** Namespaces where the ingress controller runs, for judging whether it may reach Ingress backends. */
  readonly ingressControllerNamespaces: readonly string[];
  /** A file with more YAML nodes than this (estimated before parsing) is not analysed (analysis-incomplete). */
  readonly maxNodesPerFile: number;
  /** A file nested deeper than this (flow brackets or indentation levels) is not analysed. */
  readonly maxNestingDepth: number;
  /** The editor shows at most this many diagnostics per file, then one summary. */
  readonly maxDiagnosticsPerFile: number;
  /** Pod templates the near-miss search ("Closest: ...") looks at per selector. */
  readonly maxNearMissCandidates: number;
  /** Rendering Helm charts (helm/config.ts). */
  readonly helm: HelmConfig;
  /**
   * How kustomize builds are rendered: by the engine (`builtin`), or by `kubectl kustomize` /
   * `kustomize build` (exact; the adapters run the binary, only in trusted workspaces).
   */
  readonly kustomizeRenderer: KustomizeRenderer;
  /** The binary for the `kubectl` or `kustomize` renderer (unset: looked up). */
  readonly kustomizePath: string | undefined;
  /**
   * Closed world: the workspace is all that exists (rendered `helm template` or `kustomize build`
   * output in CI), so a selection or reference that nothing in it satisfies is judged, never
   * excused by pods or Services that may come from elsewhere.
   */
  readonly completeWorkspace: boolean;
}

export type KustomizeRenderer = 'builtin' | 'kubectl' | 'kustomize';
const RENDERERS: readonly KustomizeRenderer[] = ['builtin', 'kubectl', 'kustomize'];

export const DEFAULT_MAX_FILE_SIZE = 16 * 1024 * 1024;

/** The bounds on input-driven work, with their defaults (settings of the same names). */
export const DEFAULT_LIMITS: Readonly<
  Record<'maxNodesPerFile' | 'maxNestingDepth' | 'maxDiagnosticsPerFile' | 'maxNearMissCandidates', number>
> = {
  maxNodesPerFile: 2_000_000,
  maxNestingDepth: 256,
  maxDiagnosticsPerFile: 1000,
  maxNearMissCandidates: 100,
};

export const DEFAULT_CONFIG: AnalysisConfig = {
  defaultNamespace: undefined,
  exclude: [],
  maxFileSize: DEFAULT_MAX_FILE_SIZE,
  rules: {},
  nodePortRange: { min: 30000, max: 32767 },
  serviceCIDR: [],
  ingressControllerNamespaces: [],
  ...DEFAULT_LIMITS,
  helm: DEFAULT_HELM_CONFIG,
  kustomizeRenderer: 'builtin',
  kustomizePath: undefined,
  completeWorkspace: false,
};

const SEVERITIES = new Set<SeverityOverride>(['error', 'warning', 'info', 'hint', 'off']);

export interface ConfigProblem {
  readonly message: string;
}

/** Reads a partial, untrusted settings object over a base; unknown or ill-typed entries are reported and ignored. */
export function normalizeConfig(
  raw: unknown,
  base: AnalysisConfig = DEFAULT_CONFIG,
  problems: ConfigProblem[] = [],
): AnalysisConfig {
  if (raw === null || raw === undefined) return base;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push({ message: 'configuration must be a mapping' });
    return base;
  }
  const r = raw as Record<string, unknown>;
  let defaultNamespace = base.defaultNamespace;
  if (typeof r.defaultNamespace === 'string' && r.defaultNamespace.trim() !== '')
    defaultNamespace = r.defaultNamespace.trim();
  else if (r.defaultNamespace !== undefined && r.defaultNamespace !== null && r.defaultNamespace !== '')
    problems.push({ message: 'defaultNamespace must be a string' });

  let exclude = base.exclude;
  if (Array.isArray(r.exclude))
    exclude = [
      ...base.exclude,
      ...r.exclude.filter((g): g is string => typeof g === 'string' && isUsableGlob(g, problems)),
    ];
  else if (r.exclude !== undefined) problems.push({ message: 'exclude must be a list of globs' });

  let maxFileSize = base.maxFileSize;
  if (typeof r.maxFileSize === 'number' && r.maxFileSize > 0) maxFileSize = r.maxFileSize;
  else if (r.maxFileSize !== undefined) problems.push({ message: 'maxFileSize must be a positive number of bytes' });

  const rules: Record<string, SeverityOverride> = { ...base.rules };
  if (r.rules && typeof r.rules === 'object' && !Array.isArray(r.rules)) {
    for (const [id, sev] of Object.entries(r.rules as Record<string, unknown>)) {
      const s = typeof sev === 'string' ? (sev.toLowerCase() as SeverityOverride) : sev === false ? 'off' : undefined;
      if (s && SEVERITIES.has(s)) rules[id] = s;
      else problems.push({ message: `rules.${id} must be one of off, info, warning, error` });
    }
  } else if (r.rules !== undefined) problems.push({ message: 'rules must be a mapping of rule id to severity' });

  let nodePortRange = base.nodePortRange;
  if (typeof r.nodePortRange === 'string') {
    const m = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(r.nodePortRange);
    if (m && Number(m[1]) <= Number(m[2])) nodePortRange = { min: Number(m[1]), max: Number(m[2]) };
    else problems.push({ message: 'nodePortRange must look like 30000-32767' });
  }

  let serviceCIDR = base.serviceCIDR;
  if (typeof r.serviceCIDR === 'string')
    serviceCIDR = r.serviceCIDR
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  else if (Array.isArray(r.serviceCIDR)) serviceCIDR = r.serviceCIDR.filter((s): s is string => typeof s === 'string');

  let ingressControllerNamespaces = base.ingressControllerNamespaces;
  if (typeof r.ingressControllerNamespaces === 'string')
    ingressControllerNamespaces = r.ingressControllerNamespaces
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  else if (Array.isArray(r.ingressControllerNamespaces))
    ingressControllerNamespaces = r.ingressControllerNamespaces.filter((s): s is string => typeof s === 'string');

  let completeWorkspace = base.completeWorkspace;
  if (typeof r.completeWorkspace === 'boolean') completeWorkspace = r.completeWorkspace;
  else if (r.completeWorkspace !== undefined && r.completeWorkspace !== null)
    problems.push({ message: 'completeWorkspace must be true or false' });

  const limit = (key: keyof typeof DEFAULT_LIMITS): number => {
    const v = r[key];
    if (v === undefined || v === null) return base[key];
    if (typeof v === 'number' && Number.isInteger(v) && v > 0) return v;
    problems.push({ message: `${key} must be a positive whole number` });
    return base[key];
  };
  // `kustomize: { renderer, path }` (the editor's kubeTrafficLens.kustomize.* settings arrive nested).
  let kustomizeRenderer = base.kustomizeRenderer;
  let kustomizePath = base.kustomizePath;
  const k = r.kustomize;
  if (k !== undefined && k !== null) {
    if (typeof k !== 'object' || Array.isArray(k))
      problems.push({ message: 'kustomize must be a mapping (renderer, path)' });
    else {
      const kr = k as Record<string, unknown>;
      if (RENDERERS.includes(kr.renderer as KustomizeRenderer)) kustomizeRenderer = kr.renderer as KustomizeRenderer;
      else if (kr.renderer !== undefined)
        problems.push({ message: `kustomize.renderer must be one of ${RENDERERS.join(', ')}` });
      if (typeof kr.path === 'string' && kr.path.trim() !== '') kustomizePath = kr.path.trim();
      else if (kr.path !== undefined && kr.path !== null && kr.path !== '')
        problems.push({ message: 'kustomize.path must be a string' });
    }
  }

  const helm = normalizeHelmConfig(r.helm, base.helm, problems);
  return {
    defaultNamespace,
    exclude,
    maxFileSize,
    rules,
    nodePortRange,
    serviceCIDR,
    ingressControllerNamespaces,
    helm,
    kustomizeRenderer,
    kustomizePath,
    completeWorkspace,
    maxNodesPerFile: limit('maxNodesPerFile'),
    maxNestingDepth: limit('maxNestingDepth'),
    maxDiagnosticsPerFile: limit('maxDiagnosticsPerFile'),
    maxNearMissCandidates: limit('maxNearMissCandidates'),
  };
}

/** Whether an exclude pattern compiles within the matcher's limits; else a problem says why it is ignored. */
function isUsableGlob(glob: string, problems: ConfigProblem[]): boolean {
  try {
    compileGlob(glob);
    return true;
  } catch (err) {
    problems.push({
      message: `exclude pattern '${glob.slice(0, 40)}${glob.length > 40 ? '...' : ''}' ignored: ${(err as Error).message}`,
    });
    return false;
  }
}

/**
 * Settings from a repository the user has not trusted (VS Code's Restricted Mode): what costs work
 * may only be lowered (sizes and limits at most their defaults), and at most MAX_UNTRUSTED_EXCLUDES
 * exclude patterns (each already bounded by the glob compiler). Rules, namespaces and ranges are
 * read as usual: they change findings, not cost.
 */
export function boundUntrusted(config: AnalysisConfig): AnalysisConfig {
  return {
    ...config,
    exclude: config.exclude.slice(0, MAX_UNTRUSTED_EXCLUDES),
    maxFileSize: Math.min(config.maxFileSize, DEFAULT_MAX_FILE_SIZE),
    maxNodesPerFile: Math.min(config.maxNodesPerFile, DEFAULT_LIMITS.maxNodesPerFile),
    maxNestingDepth: Math.min(config.maxNestingDepth, DEFAULT_LIMITS.maxNestingDepth),
    maxDiagnosticsPerFile: Math.min(config.maxDiagnosticsPerFile, DEFAULT_LIMITS.maxDiagnosticsPerFile),
    maxNearMissCandidates: Math.min(config.maxNearMissCandidates, DEFAULT_LIMITS.maxNearMissCandidates),
  };
}

export const MAX_UNTRUSTED_EXCLUDES = 64;

/** Parses the text of a `.kube-traffic-lens.yaml` file. */
export function parseConfigFile(
  text: string,
  base: AnalysisConfig = DEFAULT_CONFIG,
): { config: AnalysisConfig; problems: ConfigProblem[] } {
  const parsed = parseYaml(text);
  const problems: ConfigProblem[] = parsed.problems.map((p) => ({ message: p.message }));
  const raw = toPlain(parsed.documents[0]?.contents ?? null);
  // The helm binary is chosen by the user (--helm, the editor setting), never by a repository's file.
  const helm = raw && typeof raw === 'object' ? (raw as { helm?: unknown }).helm : undefined;
  if (helm && typeof helm === 'object' && 'path' in helm) {
    problems.push({
      message: 'helm.path is not read from the configuration file: use --helm or the kubeTrafficLens.helm.path setting',
    });
    delete (helm as { path?: unknown }).path;
  }
  // Nor the kustomize binary: a repository must not choose what the tool executes.
  const kustomize = raw && typeof raw === 'object' ? (raw as { kustomize?: unknown }).kustomize : undefined;
  if (kustomize && typeof kustomize === 'object' && 'path' in kustomize) {
    problems.push({
      message: 'kustomize.path is not read from the configuration file: use the kubeTrafficLens.kustomize.path setting',
    });
    delete (kustomize as { path?: unknown }).path;
  }
  const config = normalizeConfig(raw, base, problems);
  return { config, problems };
}
