// `npm run bench:map`: how long the traffic map takes to appear once its webview is up, for the
// examples, a real 12-service app (../shared/corpus, when present) and 100 generated Services. The
// language server indexes each workspace (over stdio, as in the editor); then the map request is
// timed, and the webview page (dist/webview.js in Chromium at 1600x1000) from the map's arrival to
// its first painted frame. Median of RUNS (default 5). A benchmark, not a test: it asserts nothing.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import { LspClient } from '../out/test/support/lspClient.js';
import { mapWorkspaces } from '../out/test/support/mapWorkspaces.js';

const RUNS = Number(process.env.RUNS ?? 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const script = fs.readFileSync(path.resolve('dist/webview.js'), 'utf8');
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu'],
});

console.log('workspace         nodes  map request  webview paint  total (ms, median)');
for (const ws of mapWorkspaces()) {
  const client = new LspClient();
  await client.initialize(ws.dir);
  const requests = [];
  const paints = [];
  let nodes = 0;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const map = await client.request('kubeTrafficLens/trafficMap', {});
    requests.push(performance.now() - t0);
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.setContent(`<!DOCTYPE html><html><body><div id="app"></div>
<script>window.acquireVsCodeApi = () => ({ postMessage: () => {}, getState: () => undefined, setState: () => {} });</script>
<script>${script.replace(/<\/script/gi, '<\\/script')}</script></body></html>`);
    await page.evaluate((m) => window.postMessage({ type: 'map', map: m }, '*'), map);
    await page.waitForFunction(() => document.body.dataset.paintMs !== undefined);
    paints.push(Number(await page.evaluate(() => document.body.dataset.paintMs)));
    nodes = await page.locator('svg .node').count();
    await page.close();
  }
  await client.stop();
  const r = median(requests);
  const p = median(paints);
  console.log(
    `${ws.name.padEnd(17)} ${String(nodes).padStart(5)}  ${r.toFixed(1).padStart(11)}  ${p.toFixed(1).padStart(13)}  ${(r + p).toFixed(1).padStart(5)}`,
  );
}
await browser.close();
