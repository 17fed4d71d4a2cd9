// Argument parsing shared by the subcommands, and the error that means "exit 2 with one line".
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_CONFIG, type AnalysisConfig } from '../engine';
import { AnalysisCache } from '../node/analysisCache';
import { loadConfig, readWorkspace, type ReadResult } from '../node/readWorkspace';

export class UsageError extends Error {
  constructor(message: string, readonly showUsage = true) {
    super(message);
  }
}

export interface CommonOptions {
  readonly paths: string[];
  readonly format: string;
  readonly configFile: string | undefined;
  /** `--cache DIR`: the persistent parse and result cache. */
  readonly cacheDir: string | undefined;
  /** `--complete`: the paths are all that exists (setting completeWorkspace). */
  readonly complete: boolean;
}

export function parseCommon(args: string[], formats: readonly string[], defaultFormat: string): CommonOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { format: { type: 'string', short: 'f' }, config: { type: 'string', short: 'c' }, cache: { type: 'string' }, complete: { type: 'boolean' } },
    });
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0]);
  }
  const format = parsed.values.format ?? defaultFormat;
  if (!formats.includes(format)) throw new UsageError(`unknown format '${format}' (expected ${formats.join(', ')})`);
  if (parsed.values.cache === '') throw new UsageError('--cache needs a directory');
  return {
    paths: parsed.positionals.length ? parsed.positionals : ['.'],
    format,
    configFile: parsed.values.config,
    cacheDir: parsed.values.cache,
    complete: parsed.values.complete === true,
  };
}

export interface LoadedInput {
  readonly config: AnalysisConfig;
  readonly read: ReadResult;
}

/** Loads settings and reads the paths; a missing path or config file is a usage error (exit 2). */
export function loadInput(options: CommonOptions, onProgress?: (n: number) => void): LoadedInput {
  const base = process.cwd();
  let config: AnalysisConfig;
  try {
    const loaded = loadConfig(options.paths, base, options.configFile, DEFAULT_CONFIG);
    for (const p of loaded.problems) process.stderr.write(`kube-traffic-lens: warning: ${p}\n`);
    config = options.complete ? { ...loaded.config, completeWorkspace: true } : loaded.config;
  } catch (err) {
    throw new UsageError(`cannot read config file '${options.configFile}': ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, false);
  }
  for (const p of options.paths) {
    try {
      fs.statSync(path.resolve(base, p));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new UsageError(`cannot read path '${p}': ${code === 'ENOENT' ? 'no such file or directory' : code ?? (err as Error).message}`, false);
    }
  }
  try {
    return { config, read: readWorkspace(options.paths, { base, config, onProgress }) };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const which = e.path ? ` '${e.path}'` : '';
    throw new UsageError(`cannot read path${which}: ${e.code === 'ENOENT' ? 'no such file or directory' : e.code ?? e.message}`, false);
  }
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
export function openCache(options: CommonOptions): AnalysisCache | undefined {
  return options.cacheDir === undefined ? undefined : new AnalysisCache(path.resolve(process.cwd(), options.cacheDir));
}

/** Saves what the run parsed; a cache that cannot be written is a warning, never a failure. */
export function closeCache(cache: AnalysisCache | undefined): void {
  if (!cache) return;
  cache.saveParsed();
  if (cache.writeError) process.stderr.write(`kube-traffic-lens: warning: cannot write cache in ${cache.dir} (${cache.writeError}); continuing without it\n`);
}
