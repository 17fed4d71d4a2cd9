// The traffic-map page in Chromium, with a stub of VS Code's webview API: it draws the map it is
// sent, filters, focuses, reports clicks, exports SVG, and renders manifest text as text.
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ensureChromium, launchChromium } from '../support/browser';
import { REPO_ROOT, runCli } from '../support/cli';

const available = ensureChromium();
let browser: Browser;

before(async () => {
  if (available) browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

const map = JSON.parse(runCli(['graph', '--format', 'json', 'examples']).stdout);

async function openPage(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1300, height: 800 } });
  const script = fs.readFileSync(path.join(REPO_ROOT, 'dist/webview.js'), 'utf8');
  await page.setContent(`<!DOCTYPE html><html><body><div id="app"></div>
<script>window.posted = []; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.posted.push(m), getState: () => undefined, setState: () => {} });</script>
<script>${script.replace(/<\/script/gi, '<\\/script')}</script></body></html>`);
  return page;
}

const send = (page: Page, message: unknown) => page.evaluate((m) => window.postMessage(m, '*'), message);
const posted = (page: Page) => page.evaluate(() => (window as unknown as { posted: { type: string }[] }).posted);

test('draws every node and edge of the map, broken edges marked', { skip: !available && 'Chromium is not installed' }, async () => {
  const page = await openPage();
  assert.deepEqual(await posted(page), [{ type: 'ready' }]);
  await send(page, { type: 'map', map });
  await page.waitForSelector('svg .node');
  assert.equal(await page.locator('svg .node').count(), map.nodes.length);
  assert.equal(await page.locator('svg .edge').count(), map.edges.length);
  assert.equal(await page.locator('svg .edge.broken').count(), map.edges.filter((e: { broken: boolean }) => e.broken).length);
  assert.equal(await page.locator('svg .group').count(), 1);
  assert.match(await page.locator('#summary').innerText(), /21 nodes · 12 paths · 6 broken/);
  const missing = page.locator('svg .node.Missing', { hasText: 'admin (missing Service)' });
  assert.equal(await missing.count(), 1);
  assert.match(await page.locator('svg .edge.broken title').first().textContent() ?? '', /./);
  fs.mkdirSync(path.join(REPO_ROOT, 'test-results'), { recursive: true });
  await page.screenshot({ path: path.join(REPO_ROOT, 'test-results/webview-map.png') });
  await page.close();
});

test('clicking or pressing Enter on a node asks the extension to reveal it', { skip: !available && 'Chromium is not installed' }, async () => {
  const page = await openPage();
  await send(page, { type: 'map', map });
  await page.locator('svg .node[data-id="Service/shop/tomcat"]').click();
  await page.locator('svg .node[data-id="Deployment/shop/frontend"]').focus();
  await page.keyboard.press('Enter');
  const messages = await posted(page);
  assert.deepEqual(messages.slice(1), [{ type: 'reveal', nodeId: 'Service/shop/tomcat' }, { type: 'reveal', nodeId: 'Deployment/shop/frontend' }]);
  await page.close();
});

test('search dims what does not match; focus shows only the paths through a resource', { skip: !available && 'Chromium is not installed' }, async () => {
  const page = await openPage();
  await send(page, { type: 'map', map });
  await page.waitForSelector('svg .node');
  await page.fill('#search', 'postgres');
  assert.equal(await page.locator('svg .node:not(.dim)').count(), 3);
  await page.fill('#search', '');
  await send(page, { type: 'focus', resource: 'Service/shop/tomcat' });
  await page.waitForFunction(() => document.querySelectorAll('svg .node').length === 4);
  const ids = await page.locator('svg .node').evaluateAll((nodes) => nodes.map((n) => (n as HTMLElement).dataset.id).sort());
  assert.deepEqual(ids, ['Deployment/shop/tomcat', 'Deployment/shop/tomcat:8080', 'Ingress/shop/shop#shop.example.com/api', 'Service/shop/tomcat']);
  assert.equal(await page.locator('#clear-focus').isVisible(), true);
  await page.click('#clear-focus');
  await page.waitForFunction((n) => document.querySelectorAll('svg .node').length === n, map.nodes.length);
  await page.close();
});

test('export produces a standalone SVG', { skip: !available && 'Chromium is not installed' }, async () => {
  const page = await openPage();
  await send(page, { type: 'map', map });
  await page.waitForSelector('svg .node');
  await send(page, { type: 'exportSvg' });
  await page.waitForFunction(() => (window as unknown as { posted: { type: string }[] }).posted.some((m) => m.type === 'svg'));
  const svg = (await posted(page)).find((m) => m.type === 'svg') as unknown as { svg: string };
  assert.match(svg.svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg.svg, /<style>/);
  assert.match(svg.svg, /admin \(missing Service\)/);
  await page.close();
});

test('names with markup render as text; unknown messages are ignored', { skip: !available && 'Chromium is not installed' }, async () => {
  const page = await openPage();
  const evil = '<img src=x onerror="window.pwned=1">';
  await send(page, { type: 'frobnicate', payload: 1 });
  await send(page, { type: 'map', map: { version: 1, nodes: [{ id: `Service/x/${evil}`, kind: 'Service', label: evil, namespace: `<b>ns</b>` }], edges: [], paths: [] } });
  await page.waitForSelector('svg .node');
  assert.equal(await page.locator('img').count(), 0);
  assert.equal(await page.locator('svg b').count(), 0);
  assert.equal(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned), undefined);
  assert.match(await page.locator('svg .node text').last().textContent() ?? '', /<img src=x/);
  await page.close();
});
