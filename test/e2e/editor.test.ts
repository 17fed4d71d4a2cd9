// The extension as people install it: the packaged .vsix in a real VS Code (code-server 4.100.3,
// VS Code 1.100.3) driven by Chromium. Opens examples/ and checks, through the UI, the Problems
// panel, a hover, a code lens and the traffic map. Screenshots go to test-results/.
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { REPO_ROOT } from '../support/cli';
import { CodeServer, editorMissing, mapFrame, openFile as open, runCommand as run, screenshot as shoot } from '../support/codeServer';

const missing = editorMissing();
const editor = new CodeServer();
let page: Page;
const screenshot = (name: string) => shoot(page, name);
const openFile = (name: string) => open(page, name);
const runCommand = (title: string) => run(page, title);

before(async () => {
  if (missing) return;
  await editor.start();
  const workspace = path.join(editor.tmp, 'workspace');
  fs.cpSync(path.join(REPO_ROOT, 'examples'), workspace, { recursive: true });
  page = await editor.open(workspace);
  await page.waitForSelector('.statusbar-item:has-text("18 resources")', { timeout: 90_000 });
});

after(async () => {
  await editor.stop();
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
  const frame: Frame = await mapFrame(page);
  // Entries, Services and workloads (container ports are drawn inside their workload).
  assert.equal(await frame.locator('svg .node').count(), 17);
  assert.equal(await frame.locator('svg .node[data-id="Service/shop/frontend"]').count(), 1);
  assert.equal(await frame.locator('svg .edge.broken').count(), 5);
  assert.equal(await frame.locator('svg .edge.denied').count(), 1);
  await screenshot('e2e-traffic-map');
});
