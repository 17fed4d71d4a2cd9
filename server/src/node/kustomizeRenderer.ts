// Exact mode (`kustomize.renderer: kubectl | kustomize`): renders each kustomize build of the
// workspace with the binary, through a temporary kustomization that lists the build and asks for
// origin annotations (`buildMetadata: [originAnnotations]`), so that the engine can trace every
// rendered resource to its source file (kustomizeRendered.ts). Safety: plugins stay off (no
// `--enable-alpha-plugins`, no `--enable-helm`), remote bases cannot be fetched (proxies point
// nowhere, git may use local files only), each run has a time-out and an output bound, and a build
// that fails falls back to the engine's own rendering. The editor runs this only in trusted workspaces.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AnalysisConfig, RenderedBuild, WorkspaceFile } from '../engine';
import { isKustomizationFile, readKustomization } from '../engine/kustomize';
import { parseYaml } from '../engine/syntax';

const TIMEOUT_MS = 20_000;
const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;
/** Builds rendered at most per analysis (each is one process). */
const MAX_BUILDS = 200;

export interface RenderResult {
  readonly rendered: Map<string, RenderedBuild>;
  /** One line per build that could not be rendered (it is analysed with the builtin renderer). */
  readonly problems: string[];
  /** The binary used, or undefined when none was found. */
  readonly binary: string | undefined;
}

/**
 * The binary for the renderer: the configured path, `KTL_KUBECTL` (kubectl), the project's
 * `.cache/tools/bin/<name>`, then PATH.
 */
export function findRendererBinary(
  config: AnalysisConfig,
  toolRoots: readonly string[] = [],
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const name = config.kustomizeRenderer === 'kustomize' ? 'kustomize' : 'kubectl';
  const candidates = [
    config.kustomizePath,
    name === 'kubectl' ? env.KTL_KUBECTL : undefined,
    ...toolRoots.map((r) => path.join(r, '.cache', 'tools', 'bin', name)),
    ...(env.PATH ?? '')
      .split(path.delimiter)
      .filter(Boolean)
      .map((d) => path.join(d, name)),
  ];
  return candidates.find((c): c is string => !!c && isExecutable(c));
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Renders every buildable kustomization among the files (paths relative to `base`). */
export function renderKustomizations(
  files: readonly WorkspaceFile[],
  base: string,
  config: AnalysisConfig,
  toolRoots: readonly string[] = [],
): RenderResult {
  const rendered = new Map<string, RenderedBuild>();
  const problems: string[] = [];
  if (config.kustomizeRenderer === 'builtin') return { rendered, problems, binary: undefined };
  const binary = findRendererBinary(config, toolRoots);
  if (!binary)
    return {
      rendered,
      problems: [`no ${config.kustomizeRenderer} binary found; kustomize builds are rendered by the builtin renderer`],
      binary,
    };
  const builds = files
    .filter((f) => isKustomizationFile(f.path))
    .filter((f) => readKustomization(f.path, parseYaml(f.text))?.isComponent === false)
    .slice(0, MAX_BUILDS);
  const wrapperRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-kustomize-'));
  try {
    for (const [i, k] of builds.entries()) {
      const buildDir = path.posix.dirname(k.path);
      const absBuild = path.resolve(base, buildDir);
      const wrapper = path.join(wrapperRoot, String(i));
      fs.mkdirSync(wrapper);
      const relative = toPosix(path.relative(wrapper, absBuild));
      fs.writeFileSync(
        path.join(wrapper, 'kustomization.yaml'),
        `resources:\n- ${JSON.stringify(relative)}\nbuildMetadata: [originAnnotations]\n`,
      );
      const args = config.kustomizeRenderer === 'kustomize' ? ['build', wrapper] : ['kustomize', wrapper];
      const run = spawnSync(binary, args, {
        encoding: 'utf8',
        timeout: TIMEOUT_MS,
        maxBuffer: MAX_OUTPUT_BYTES,
        env: offlineEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      if (run.error || run.status !== 0) {
        const why = run.error
          ? run.error.message
          : ((run.stderr ?? '').split('\n').find((l) => /error|err=/.test(l)) ?? `exit ${run.status}`);
        problems.push(`${buildDir}: ${why.slice(0, 300)}`);
        continue;
      }
      rendered.set(buildDir, {
        text: run.stdout,
        // Workspace paths are relative to base (the CLI) or absolute (the language server).
        originToPath: (origin) => {
          const abs = path.resolve(wrapper, origin);
          return path.isAbsolute(k.path) ? toPosix(abs) : toPosix(path.relative(base, abs));
        },
      });
    }
  } finally {
    fs.rmSync(wrapperRoot, { recursive: true, force: true });
  }
  return { rendered, problems, binary };
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

/** The environment for the binary: no network for remote bases, no kubeconfig, no git prompts. */
function offlineEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    HOME: os.tmpdir(),
    KUBECONFIG: os.devNull,
    HTTP_PROXY: 'http://127.0.0.1:9',
    HTTPS_PROXY: 'http://127.0.0.1:9',
    http_proxy: 'http://127.0.0.1:9',
    https_proxy: 'http://127.0.0.1:9',
    NO_PROXY: '',
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_ALLOW_PROTOCOL: 'file',
  };
}
