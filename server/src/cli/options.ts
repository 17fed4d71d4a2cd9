// Argument parsing shared by the subcommands, and the error that means "exit 2 with one line".
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_CONFIG, type AnalysisConfig, type RenderedBuild } from '../engine';
import type { KustomizeRenderer } from '../engine/config';
import { renderKustomizations } from '../node/kustomizeRenderer';
import { AnalysisCache } from '../node/analysisCache';
import { terminalText } from './format/terminalText';
import { describeError, loadConfig, readWorkspace, type ReadResult } from '../node/readWorkspace';

export class UsageError extends Error {
  constructor(
    message: string,
    readonly showUsage = true,
  ) {
    super(message);
  }
}

export interface CommonOptions {
  readonly paths: string[];
  readonly format: string;
  readonly configFile: string | undefined;
  /** `--cache DIR`: the persistent parse and result cache. */
  readonly cacheDir: string | undefined;
  /** `--allow-unreadable`: unreadable files and directories inside the paths are warnings, not exit 2. */
  readonly allowUnreadable: boolean;
  /** `--helm PATH` and `--no-helm`: how Helm charts are rendered. */
  readonly helm: string | undefined;
  readonly noHelm: boolean;
  /** `--kustomize-renderer builtin|kubectl|kustomize`: overrides the setting. */
  readonly kustomizeRenderer: KustomizeRenderer | undefined;
  /** `--complete`: the paths are all that exists (setting completeWorkspace). */
  readonly complete: boolean;
}

const RENDERERS: readonly KustomizeRenderer[] = ['builtin', 'kubectl', 'kustomize'];

export function parseCommon(args: string[], formats: readonly string[], defaultFormat: string): CommonOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        format: { type: 'string', short: 'f' },
        config: { type: 'string', short: 'c' },
        cache: { type: 'string' },
        'allow-unreadable': { type: 'boolean' },
        helm: { type: 'string' },
        'no-helm': { type: 'boolean' },
        'kustomize-renderer': { type: 'string' },
        complete: { type: 'boolean' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0]);
  }
  const format = parsed.values.format ?? defaultFormat;
  if (!formats.includes(format)) throw new UsageError(`unknown format '${format}' (expected ${formats.join(', ')})`);
  if (parsed.values.cache === '') throw new UsageError('--cache needs a directory');
  if (parsed.values.helm === '') throw new UsageError('--helm needs the path of a helm binary');
  const renderer = parsed.values['kustomize-renderer'];
  if (renderer !== undefined && !RENDERERS.includes(renderer as KustomizeRenderer))
    throw new UsageError(`unknown kustomize renderer '${renderer}' (expected ${RENDERERS.join(', ')})`);
  return {
    paths: parsed.positionals.length ? parsed.positionals : ['.'],
    format,
    configFile: parsed.values.config,
    cacheDir: parsed.values.cache,
    allowUnreadable: parsed.values['allow-unreadable'] === true,
    helm: parsed.values.helm,
    noHelm: parsed.values['no-helm'] === true,
    kustomizeRenderer: renderer as KustomizeRenderer | undefined,
    complete: parsed.values.complete === true,
  };
}

export interface LoadedInput {
  readonly config: AnalysisConfig;
  readonly read: ReadResult;
}

/**
 * Loads settings and reads the paths, relative to `base` (the working directory); a missing path or
 * config file is a usage error (exit 2).
 */
export function loadInput(options: CommonOptions, base: string, onProgress?: (n: number) => void): LoadedInput {
  let config: AnalysisConfig;
  try {
    const loaded = loadConfig(options.paths, base, options.configFile, DEFAULT_CONFIG);
    for (const p of loaded.problems) process.stderr.write(`kube-traffic-lens: warning: ${p}\n`);
    config = options.kustomizeRenderer
      ? { ...loaded.config, kustomizeRenderer: options.kustomizeRenderer }
      : loaded.config;
    if (options.helm !== undefined || options.noHelm)
      config = {
        ...config,
        helm: {
          ...config.helm,
          path: options.helm ?? config.helm.path,
          enabled: !options.noHelm && config.helm.enabled,
        },
      };
    if (options.complete) config = { ...config, completeWorkspace: true };
  } catch (err) {
    throw new UsageError(`cannot read config file '${options.configFile}': ${describeError(err)}`, false);
  }
  for (const p of options.paths) {
    try {
      fs.statSync(path.resolve(base, p));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new UsageError(
        `cannot read path '${p}': ${code === 'ENOENT' ? 'no such file or directory' : describeError(err)}`,
        false,
      );
    }
  }
  try {
    return { config, read: readWorkspace(options.paths, { base, config, onProgress }) };
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { description?: string };
    const which = e.path ? ` '${e.path}'` : '';
    throw new UsageError(
      `cannot read path${which}: ${e.description ?? (e.code === 'ENOENT' ? 'no such file or directory' : describeError(e))}`,
      false,
    );
  }
}

/**
 * Warns about each file or directory inside the paths that could not be read. The run fails closed
 * (exit 2, with one line saying so) unless `--allow-unreadable`: a CI check that did not see every
 * manifest has not passed. Returns the exit code the run must not go below.
 */
export function reportUnreadable(options: CommonOptions, read: ReadResult): number {
  for (const u of read.unreadable)
    process.stderr.write(
      `kube-traffic-lens: warning: skipped unreadable ${terminalText(u.path)} (${terminalText(u.error)})\n`,
    );
  if (read.unreadable.length === 0 || options.allowUnreadable) return 0;
  const n = read.unreadable.length;
  process.stderr.write(
    `kube-traffic-lens: ${n} ${n === 1 ? 'path' : 'paths'} could not be read; exit 2 (pass --allow-unreadable to accept an incomplete analysis)\n`,
  );
  return 2;
}

/** Progress on stderr, only when it is a terminal. */
export function progressReporter(): { onProgress?: (n: number) => void; done: () => void } {
  if (!process.stderr.isTTY) return { done: () => {} };
  let last = 0;
  return {
    onProgress: (n) => {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      process.stderr.write(`\rReading manifests... ${n} files`);
    },
    done: () => {
      if (last) process.stderr.write('\r\u001b[K');
    },
  };
}

/** The `--cache DIR` cache, if asked for; its directory is created on first write. */
export function openCache(options: CommonOptions, base: string): AnalysisCache | undefined {
  return options.cacheDir === undefined ? undefined : new AnalysisCache(path.resolve(base, options.cacheDir));
}

/** Saves what the run parsed; a cache that cannot be written is a warning, never a failure. */
export function closeCache(cache: AnalysisCache | undefined): void {
  if (!cache) return;
  cache.saveParsed();
  if (cache.writeError)
    process.stderr.write(
      `kube-traffic-lens: warning: cannot write cache in ${cache.dir} (${cache.writeError}); continuing without it\n`,
    );
}

/**
 * Exact mode: the kustomize builds rendered by the configured binary (the CLI always may run it);
 * problems go to stderr and the builds concerned keep the builtin rendering.
 */
export function renderedBuilds(
  config: AnalysisConfig,
  files: LoadedInput['read']['files'],
): ReadonlyMap<string, RenderedBuild> | undefined {
  if (config.kustomizeRenderer === 'builtin') return undefined;
  const result = renderKustomizations(files, process.cwd(), config, [path.resolve(__dirname, '..'), process.cwd()]);
  for (const p of result.problems) process.stderr.write(`kube-traffic-lens: warning: kustomize ${p}\n`);
  return result.rendered;
}
