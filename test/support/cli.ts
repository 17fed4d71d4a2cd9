// Runs the built CLI (dist/cli.js) as a separate process, the way users and CI run it.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

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

export interface JsonDiagnostic {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: string;
  rule: string;
  message: string;
  resource?: string;
}

export interface JsonReport {
  version: number;
  files: number;
  resources: number;
  diagnostics: JsonDiagnostic[];
}

/** `check --format json` on the given paths; fails loudly on bad usage or unparsable output. */
export function checkJson(paths: string[], options: { cwd?: string; extraArgs?: string[] } = {}): JsonReport {
  const r = runCli(['check', '--format', 'json', ...(options.extraArgs ?? []), ...paths], { cwd: options.cwd });
  if (r.status !== 0 && r.status !== 1) throw new Error(`check exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as JsonReport;
}
