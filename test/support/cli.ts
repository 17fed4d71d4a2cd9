// Runs the built CLI (dist/cli.js) as a separate process, the way users and CI run it.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import type { JsonReport } from '../../server/src/cli/format/json';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const CLI = path.join(REPO_ROOT, 'dist/cli.js');

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliResult {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

// The report's shape is the CLI's own (cli/format/json.ts): a test cannot drift from the interface.
export type { JsonReport };
export type JsonDiagnostic = JsonReport['diagnostics'][number];

/** `check --format json` on the given paths; fails loudly on bad usage or unparsable output. */
export function checkJson(paths: string[], options: { cwd?: string; extraArgs?: string[] } = {}): JsonReport {
  const r = runCli(['check', '--format', 'json', ...(options.extraArgs ?? []), ...paths], { cwd: options.cwd });
  if (r.status !== 0 && r.status !== 1) throw new Error(`check exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as JsonReport;
}
