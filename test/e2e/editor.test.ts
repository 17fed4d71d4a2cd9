// The extension as people install it: the packaged .vsix in a real VS Code (code-server 4.100.3,
// VS Code 1.100.3) driven by Chromium. Opens examples/ and checks, through the UI, the Problems
// panel, a hover, a code lens and the traffic map. Screenshots go to test-results/.
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { REPO_ROOT } from '../support/cli';
import { editorMissing, startEditor, type Editor } from '../support/codeServer';

const missing = editorMissing();
const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-e2e-ws-'));
let editor: Editor | undefined;
let page: Page;
const screenshot = (name: string) => editor!.screenshot(name);
const openFile = (name: string) => editor!.openFile(name);
const runCommand = (title: string) => editor!.runCommand(title);

before(async () => {
  if (missing) return;
  fs.cpSync(path.join(REPO_ROOT, 'examples'), workspace, { recursive: true });
  editor = await startEditor(workspace, { 'security.workspace.trust.enabled': false });
  page = editor.page;
  await page.waitForSelector('.statusbar-item[aria-label*="resources"], .statusbar-item:has-text("18 resources")', { timeout: 90_000 });
});

after(async () => {
  await editor?.close();
  fs.rmSync(workspace, { recursive: true, force: true });
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
