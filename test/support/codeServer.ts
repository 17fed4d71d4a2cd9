// The packaged extension in a real VS Code (code-server, .cache/code-server) driven by Chromium, for
// end-to-end tests of a workspace: packaging, installing, starting, and the UI steps they share.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ensureChromium, launchChromium } from './browser';
import { REPO_ROOT } from './cli';

const CODE_SERVER_DIR = path.join(REPO_ROOT, '.cache/code-server');
const CODE_SERVER = path.join(CODE_SERVER_DIR, 'node_modules/.bin/code-server');
const INSTALLER = path.resolve(REPO_ROOT, '../shared/tools/install-code-server.sh');
export const RESULTS = path.join(REPO_ROOT, 'test-results');

function ensureCodeServer(): string | undefined {
  if (fs.existsSync(CODE_SERVER)) return undefined;
  if (!fs.existsSync(INSTALLER)) return `code-server is not installed and ${INSTALLER} is missing`;
  const r = spawnSync('bash', [INSTALLER, CODE_SERVER_DIR], { encoding: 'utf8', timeout: 900_000 });
  return fs.existsSync(CODE_SERVER) ? undefined : `installing code-server failed: ${r.stderr.slice(-500)}`;
}

/** Why the real editor cannot run here (installing code-server and Chromium when missing), or undefined. */
export function editorMissing(): string | undefined {
  return ensureCodeServer() ?? (ensureChromium() ? undefined : 'Chromium is not installed');
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url: string, ms: number) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`${url} did not answer`);
}

export interface Editor {
  readonly page: Page;
  screenshot(name: string): Promise<void>;
  openFile(name: string): Promise<void>;
  runCommand(title: string): Promise<void>;
  close(): Promise<void>;
}

/** Packages and installs the extension, opens `workspace` with these user settings. */
export async function startEditor(workspace: string, settings: Record<string, unknown>): Promise<Editor> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-e2e-'));
  const vsix = path.join(tmp, 'kube-traffic-lens.vsix');
  const pack = spawnSync(process.execPath, [path.join(REPO_ROOT, 'node_modules/@vscode/vsce/vsce'), 'package', '--no-dependencies', '--allow-missing-repository', '-o', vsix], { cwd: REPO_ROOT, encoding: 'utf8' });
  assert.equal(pack.status, 0, pack.stderr + pack.stdout);
  const dirs = ['--extensions-dir', path.join(tmp, 'ext'), '--user-data-dir', path.join(tmp, 'data')];
  const install = spawnSync(CODE_SERVER, ['--install-extension', vsix, ...dirs], { encoding: 'utf8' });
  assert.equal(install.status, 0, install.stderr);
  fs.mkdirSync(path.join(tmp, 'data/User'), { recursive: true });
  fs.writeFileSync(path.join(tmp, 'data/User/settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off', 'extensions.autoCheckUpdates': false, 'update.mode': 'none',
    'workbench.colorTheme': 'Default Dark Modern', ...settings,
  }));
  const port = await freePort();
  const server: ChildProcess = spawn(CODE_SERVER, ['--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', ...dirs, workspace], { stdio: 'ignore' });
  await waitForHttp(`http://127.0.0.1:${port}/healthz`, 60_000);
  const browser: Browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
  await page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
  return {
    page,
    async screenshot(name) {
      fs.mkdirSync(RESULTS, { recursive: true });
      await page.screenshot({ path: path.join(RESULTS, `${name}.png`) });
    },
    async openFile(name) {
      await page.keyboard.press('Control+P');
      await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
      await page.keyboard.type(name);
      await page.waitForSelector(`.quick-input-list .monaco-list-row[aria-label*="${name}"]`, { timeout: 15000 });
      await page.keyboard.press('Enter');
      await page.waitForSelector(`.tab.active[aria-label*="${path.basename(name)}"]`, { timeout: 15000 });
    },
    async runCommand(title) {
      await page.keyboard.press('F1');
      await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
      await page.keyboard.type(title);
      await page.waitForSelector(`.quick-input-list .monaco-list-row[aria-label*="${title}"]`, { timeout: 15000 });
      await page.keyboard.press('Enter');
    },
    async close() {
      await browser.close();
      server.kill();
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}
