// The extension as people install it: the packaged .vsix in a real VS Code (code-server 4.100.3,
// VS Code 1.100.3) driven by Chromium. Opens examples/ and checks, through the UI, the Problems
// panel, a hover, a code lens and the traffic map. Screenshots go to test-results/.
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import { ensureChromium, launchChromium } from '../support/browser';
import { REPO_ROOT } from '../support/cli';

const CODE_SERVER_DIR = path.join(REPO_ROOT, '.cache/code-server');
const CODE_SERVER = path.join(CODE_SERVER_DIR, 'node_modules/.bin/code-server');
const INSTALLER = path.resolve(REPO_ROOT, '../shared/tools/install-code-server.sh');
const RESULTS = path.join(REPO_ROOT, 'test-results');

function ensureCodeServer(): string | undefined {
  if (fs.existsSync(CODE_SERVER)) return undefined;
  if (!fs.existsSync(INSTALLER)) return `code-server is not installed and ${INSTALLER} is missing`;
  const r = spawnSync('bash', [INSTALLER, CODE_SERVER_DIR], { encoding: 'utf8', timeout: 900_000 });
  return fs.existsSync(CODE_SERVER) ? undefined : `installing code-server failed: ${r.stderr.slice(-500)}`;
}

const missing = ensureCodeServer() ?? (ensureChromium() ? undefined : 'Chromium is not installed');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-e2e-'));
let server: ChildProcess | undefined;
let browser: Browser | undefined;
let page: Page;

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

async function screenshot(name: string) {
  fs.mkdirSync(RESULTS, { recursive: true });
  await page.screenshot({ path: path.join(RESULTS, `${name}.png`) });
}

async function openFile(name: string) {
  await page.keyboard.press('Control+P');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
  await page.keyboard.type(name);
  await page.waitForSelector(`.quick-input-list .monaco-list-row[aria-label*="${name}"]`, { timeout: 15000 });
  await page.keyboard.press('Enter');
  await page.waitForSelector(`.tab.active[aria-label*="${name}"]`, { timeout: 15000 });
}

async function runCommand(title: string) {
  await page.keyboard.press('F1');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
  await page.keyboard.type(title);
  await page.waitForSelector(`.quick-input-list .monaco-list-row[aria-label*="${title}"]`, { timeout: 15000 });
  await page.keyboard.press('Enter');
}

before(async () => {
  if (missing) return;
  const vsix = path.join(tmp, 'kube-traffic-lens.vsix');
  const pack = spawnSync(process.execPath, [path.join(REPO_ROOT, 'node_modules/@vscode/vsce/vsce'), 'package', '--no-dependencies', '--allow-missing-repository', '-o', vsix], { cwd: REPO_ROOT, encoding: 'utf8' });
  assert.equal(pack.status, 0, pack.stderr + pack.stdout);
  const dirs = ['--extensions-dir', path.join(tmp, 'ext'), '--user-data-dir', path.join(tmp, 'data')];
  const install = spawnSync(CODE_SERVER, ['--install-extension', vsix, ...dirs], { encoding: 'utf8' });
  assert.equal(install.status, 0, install.stderr);
  fs.mkdirSync(path.join(tmp, 'data/User'), { recursive: true });
  fs.writeFileSync(path.join(tmp, 'data/User/settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none', 'security.workspace.trust.enabled': false, 'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false, 'update.mode': 'none', 'workbench.colorTheme': 'Default Dark Modern',
  }));
  const workspace = path.join(tmp, 'workspace');
  fs.cpSync(path.join(REPO_ROOT, 'examples'), workspace, { recursive: true });
  const port = await freePort();
  server = spawn(CODE_SERVER, ['--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', ...dirs, workspace], { stdio: 'ignore' });
  await waitForHttp(`http://127.0.0.1:${port}/healthz`, 60_000);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
  await page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
  await page.waitForSelector('.statusbar-item[aria-label*="resources"], .statusbar-item:has-text("18 resources")', { timeout: 90_000 });
});

after(async () => {
  await browser?.close();
  server?.kill();
});

const skip = missing ? `the real editor is not available: ${missing}` : false;

test('the Problems panel lists the documented mistakes', { skip, timeout: 120_000 }, async () => {
  await openFile('ingress.yaml');
  await page.keyboard.press('Control+Shift+M');
  // The list is virtualised: give it the whole window so that every row is rendered.
  await runCommand('View: Toggle Maximized Panel');
  await page.waitForFunction(() => document.querySelectorAll('.markers-panel .monaco-tl-row').length >= 12, undefined, { timeout: 60_000 });
  const rows = (await page.locator('.markers-panel .monaco-tl-row').allInnerTexts()).join('\n');
  for (const rule of ['service-selector-orphaned', 'service-target-port-name-unresolved', 'service-target-port-unmatched', 'ingress-backend-port-missing', 'ingress-backend-service-missing', 'networkpolicy-selector-orphaned']) {
    assert.ok(rows.includes(rule), `${rule} in\n${rows}`);
  }
  assert.match(rows, /No Service 'admin' in namespace 'shop'/);
  await screenshot('e2e-problems');
  await runCommand('View: Toggle Maximized Panel');
  await page.keyboard.press('Control+Shift+M');
});

test('a code lens above the Ingress and a hover on a Service explain the traffic', { skip, timeout: 120_000 }, async () => {
  await openFile('frontend.yaml');
  await page.waitForSelector('.codelens-decoration', { timeout: 60_000 });
  const lenses = (await page.locator('.codelens-decoration').allInnerTexts()).join(' | ');
  assert.match(lenses, /→ Deployment frontend \(3 pods\)/);
  assert.match(lenses, /Show traffic/);
  const line = page.locator('.view-line', { hasText: 'name: frontend' }).nth(1);
  const box = await line.boundingBox();
  assert.ok(box);
  await page.mouse.move(box.x + 95, box.y + box.height / 2);
  const hoverLocator = page.locator('.monaco-hover-content', { hasText: 'svc.cluster.local' });
  await hoverLocator.waitFor({ state: 'visible', timeout: 20_000 });
  const hover = await hoverLocator.innerText();
  assert.match(hover, /frontend\.shop\.svc\.cluster\.local/);
  assert.match(hover, /nginx:80 \(http\) in Deployment frontend/);
  await screenshot('e2e-hover');
  await page.mouse.move(5, 5);
});

test('Show Traffic Map opens the map with the expected nodes and broken edges', { skip, timeout: 120_000 }, async () => {
  await runCommand('Kube Traffic Lens: Show Traffic Map');
  let frame: Frame | undefined;
  const deadline = Date.now() + 60_000;
  while (!frame && Date.now() < deadline) {
    for (const f of page.frames()) {
      if (await f.locator('svg .node').count().catch(() => 0)) frame = f;
    }
    if (!frame) await new Promise((r) => setTimeout(r, 500));
  }
  assert.ok(frame, 'a webview frame with the map');
  assert.equal(await frame.locator('svg .node').count(), 21);
  assert.equal(await frame.locator('svg .node[data-id="Service/shop/frontend"]').count(), 1);
  assert.equal(await frame.locator('svg .edge.broken').count(), 8);
  await screenshot('e2e-traffic-map');
});
