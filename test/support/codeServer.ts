// A real VS Code for end-to-end tests: code-server (VS Code 1.100) with the packaged .vsix
// installed, driven through Chromium. Shared by the e2e tests; each starts its own server.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import { ensureChromium, launchChromium } from './browser';
import { REPO_ROOT } from './cli';
import { installOnce } from './installLock';

const CODE_SERVER_DIR = path.join(REPO_ROOT, '.cache/code-server');
const CODE_SERVER = path.join(CODE_SERVER_DIR, 'node_modules/.bin/code-server');
const INSTALLER = path.resolve(REPO_ROOT, '../shared/tools/install-code-server.sh');
export const RESULTS = path.join(REPO_ROOT, 'test-results');

function ensureCodeServer(): string | undefined {
  if (fs.existsSync(CODE_SERVER)) return undefined;
  if (!fs.existsSync(INSTALLER)) return `code-server is not installed and ${INSTALLER} is missing`;
  // Several e2e files may ask at once: one installs, the others wait and use it.
  return installOnce(CODE_SERVER_DIR, 1_000_000, () => {
    if (fs.existsSync(CODE_SERVER)) return undefined;
    const r = spawnSync('bash', [INSTALLER, CODE_SERVER_DIR], { encoding: 'utf8', timeout: 900_000 });
    return fs.existsSync(CODE_SERVER) ? undefined : `installing code-server failed: ${r.stderr.slice(-500)}`;
  });
}

/** Why the real editor cannot run here, or undefined when it can. */
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

export class CodeServer {
  private server: ChildProcess | undefined;
  browser: Browser | undefined;
  port = 0;
  readonly tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-e2e-'));

  /** Packs the extension, installs it and starts the server with the given user settings. */
  async start(settings: Record<string, unknown> = {}): Promise<void> {
    const vsix = path.join(this.tmp, 'kube-traffic-lens.vsix');
    const pack = spawnSync(
      process.execPath,
      [
        path.join(REPO_ROOT, 'node_modules/@vscode/vsce/vsce'),
        'package',
        '--no-dependencies',
        '--allow-missing-repository',
        '-o',
        vsix,
      ],
      { cwd: REPO_ROOT, encoding: 'utf8' },
    );
    assert.equal(pack.status, 0, pack.stderr + pack.stdout);
    const dirs = ['--extensions-dir', path.join(this.tmp, 'ext'), '--user-data-dir', path.join(this.tmp, 'data')];
    const install = spawnSync(CODE_SERVER, ['--install-extension', vsix, ...dirs], { encoding: 'utf8' });
    assert.equal(install.status, 0, install.stderr);
    this.settings({
      'workbench.startupEditor': 'none',
      'security.workspace.trust.enabled': false,
      'telemetry.telemetryLevel': 'off',
      'extensions.autoCheckUpdates': false,
      'update.mode': 'none',
      'workbench.colorTheme': 'Default Dark Modern',
      ...settings,
    });
    this.port = await freePort();
    this.server = spawn(
      CODE_SERVER,
      [
        '--auth',
        'none',
        '--bind-addr',
        `127.0.0.1:${this.port}`,
        '--disable-telemetry',
        '--disable-update-check',
        ...dirs,
      ],
      { stdio: 'ignore' },
    );
    await waitForHttp(`http://127.0.0.1:${this.port}/healthz`, 60_000);
    this.browser = await launchChromium();
  }

  private userSettings: Record<string, unknown> = {};
  /** Merges user settings; running windows apply them (VS Code watches the file). */
  settings(settings: Record<string, unknown>) {
    this.userSettings = { ...this.userSettings, ...settings };
    fs.mkdirSync(path.join(this.tmp, 'data/User'), { recursive: true });
    fs.writeFileSync(path.join(this.tmp, 'data/User/settings.json'), JSON.stringify(this.userSettings));
  }

  /** A window on a folder, once the extension has indexed it (the status bar counts resources). */
  async open(folder: string, viewport = { width: 1500, height: 950 }): Promise<Page> {
    const page = await this.browser!.newPage({ viewport });
    await page.goto(`http://127.0.0.1:${this.port}/?folder=${encodeURIComponent(folder)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
    await page.waitForSelector('.statusbar-item[aria-label*="resources"]', { timeout: 120_000 });
    return page;
  }

  async stop(): Promise<void> {
    await this.browser?.close();
    this.server?.kill();
  }
}

/** One window of a fresh server on `workspace`, with the shared steps bound to it. */
export interface Editor {
  readonly page: Page;
  screenshot(name: string): Promise<void>;
  openFile(name: string): Promise<void>;
  runCommand(title: string): Promise<void>;
  close(): Promise<void>;
}

/** Packages and installs the extension, starts a server with these user settings and opens `workspace`. */
export async function startEditor(workspace: string, settings: Record<string, unknown> = {}): Promise<Editor> {
  const server = new CodeServer();
  await server.start(settings);
  const page = await server.open(workspace);
  return {
    page,
    screenshot: (name) => screenshot(page, name),
    openFile: (name) => openFile(page, name),
    runCommand: (title) => runCommand(page, title),
    async close() {
      await server.stop();
      fs.rmSync(server.tmp, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string, dir = RESULTS) {
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`) });
}

export async function openFile(page: Page, name: string) {
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+P');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
  await page.keyboard.type(name);
  // Wait for the filtered list: the recently opened list shown first may hold the name at another row.
  await page.waitForSelector(`.quick-input-list .monaco-list-row.focused[aria-label*="${name}"]`, { timeout: 15000 });
  await page.keyboard.press('Enter');
  await page.waitForSelector(`.tab.active[aria-label*="${path.basename(name)}"]`, { timeout: 15000 });
}

export async function runCommand(page: Page, title: string) {
  await page.keyboard.press('F1');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
  await page.keyboard.type(title);
  await page.waitForSelector(`.quick-input-list .monaco-list-row[aria-label*="${title}"]`, { timeout: 15000 });
  await page.keyboard.press('Enter');
}

/** The webview frame that holds the traffic map, once it has drawn nodes. */
export async function mapFrame(page: Page, ms = 60_000): Promise<Frame> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    for (const f of page.frames()) {
      if (
        await f
          .locator('svg .node')
          .count()
          .catch(() => 0)
      )
        return f;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('no webview frame with the map');
}
