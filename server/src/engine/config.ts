// Analysis settings: the same shape for the CLI (`--config`, `.kube-traffic-lens.yaml`) and the
// language server (`kubeTrafficLens.*`), normalised from untrusted input by `normalizeConfig`.
import { parseYaml } from './syntax';
import { toPlain } from './tree';

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
  /**
   * How kustomize builds are rendered: by the engine (`builtin`), or by `kubectl kustomize` /
   * `kustomize build` (exact; the adapters run the binary, only in trusted workspaces).
   */
  readonly kustomizeRenderer: KustomizeRenderer;
  /** The binary for the `kubectl` or `kustomize` renderer (unset: looked up). */
  readonly kustomizePath: string | undefined;
}

export type KustomizeRenderer = 'builtin' | 'kubectl' | 'kustomize';
const RENDERERS: readonly KustomizeRenderer[] = ['builtin', 'kubectl', 'kustomize'];

export const DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024;

export const DEFAULT_CONFIG: AnalysisConfig = {
  defaultNamespace: undefined,
  exclude: [],
  maxFileSize: DEFAULT_MAX_FILE_SIZE,
  rules: {},
  nodePortRange: { min: 30000, max: 32767 },
  serviceCIDR: [],
  ingressControllerNamespaces: [],
  kustomizeRenderer: 'builtin',
  kustomizePath: undefined,
};

const SEVERITIES = new Set<SeverityOverride>(['error', 'warning', 'info', 'hint', 'off']);

export interface ConfigProblem {
  readonly message: string;
}

/** Reads a partial, untrusted settings object over a base; unknown or ill-typed entries are reported and ignored. */
export function normalizeConfig(raw: unknown, base: AnalysisConfig = DEFAULT_CONFIG, problems: ConfigProblem[] = []): AnalysisConfig {
  if (raw === null || raw === undefined) return base;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push({ message: 'configuration must be a mapping' });
    return base;
  }
  const r = raw as Record<string, unknown>;
  let defaultNamespace = base.defaultNamespace;
  if (typeof r.defaultNamespace === 'string' && r.defaultNamespace.trim() !== '') defaultNamespace = r.defaultNamespace.trim();
  else if (r.defaultNamespace !== undefined && r.defaultNamespace !== null && r.defaultNamespace !== '') problems.push({ message: 'defaultNamespace must be a string' });

  let exclude = base.exclude;
  if (Array.isArray(r.exclude)) exclude = [...base.exclude, ...r.exclude.filter((g): g is string => typeof g === 'string')];
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
  if (typeof r.serviceCIDR === 'string') serviceCIDR = r.serviceCIDR.split(',').map((s) => s.trim()).filter(Boolean);
  else if (Array.isArray(r.serviceCIDR)) serviceCIDR = r.serviceCIDR.filter((s): s is string => typeof s === 'string');

  let ingressControllerNamespaces = base.ingressControllerNamespaces;
  if (typeof r.ingressControllerNamespaces === 'string') ingressControllerNamespaces = r.ingressControllerNamespaces.split(',').map((s) => s.trim()).filter(Boolean);
  else if (Array.isArray(r.ingressControllerNamespaces)) ingressControllerNamespaces = r.ingressControllerNamespaces.filter((s): s is string => typeof s === 'string');

  // `kustomize: { renderer, path }` (the editor's kubeTrafficLens.kustomize.* settings arrive nested).
  let kustomizeRenderer = base.kustomizeRenderer;
  let kustomizePath = base.kustomizePath;
  const k = r.kustomize;
  if (k !== undefined && k !== null) {
    if (typeof k !== 'object' || Array.isArray(k)) problems.push({ message: 'kustomize must be a mapping (renderer, path)' });
    else {
      const kr = k as Record<string, unknown>;
      if (RENDERERS.includes(kr.renderer as KustomizeRenderer)) kustomizeRenderer = kr.renderer as KustomizeRenderer;
      else if (kr.renderer !== undefined) problems.push({ message: `kustomize.renderer must be one of ${RENDERERS.join(', ')}` });
      if (typeof kr.path === 'string' && kr.path.trim() !== '') kustomizePath = kr.path.trim();
      else if (kr.path !== undefined && kr.path !== null && kr.path !== '') problems.push({ message: 'kustomize.path must be a string' });
    }
  }

  return { defaultNamespace, exclude, maxFileSize, rules, nodePortRange, serviceCIDR, ingressControllerNamespaces, kustomizeRenderer, kustomizePath };
}

/** Parses the text of a `.kube-traffic-lens.yaml` file. */
export function parseConfigFile(text: string, base: AnalysisConfig = DEFAULT_CONFIG): { config: AnalysisConfig; problems: ConfigProblem[] } {
  const parsed = parseYaml(text);
  const problems: ConfigProblem[] = parsed.problems.map((p) => ({ message: p.message }));
  const raw = toPlain(parsed.documents[0]?.contents ?? null);
  const config = normalizeConfig(raw, base, problems);
  return { config, problems };
}
