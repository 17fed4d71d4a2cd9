// The traffic map in a real VS Code (code-server) at 1600x1000: opened full width on the examples,
// a real 12-service app and 100 generated Services, fitted with every Service and Deployment name
// inside the view at 9 CSS px or more; "Show Traffic for This Resource" on a Service shows its
// callers and its workload. Screenshots in light, dark and high-contrast themes go to
// test-results/map/ (or KTL_SHOTS_DIR).
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { CodeServer, editorMissing, mapFrame, openFile, RESULTS, runCommand, screenshot } from '../support/codeServer';
import { mapWorkspaces, ONLINE_BOUTIQUE } from '../support/mapWorkspaces';

const missing = editorMissing();
const skip = missing ? `the real editor is not available: ${missing}` : false;
const editor = new CodeServer();
const SHOTS = process.env.KTL_SHOTS_DIR ?? path.join(RESULTS, 'map');
const VIEWPORT = { width: 1600, height: 1000 };
const THEMES = [
  ['light', 'Light Modern', 'vs'],
  ['dark', 'Dark Modern', 'vs-dark'],
  ['high-contrast', 'Dark High Contrast', 'hc-black'],
] as const;

before(async () => {
  if (!missing) await editor.start();
});
after(async () => {
  await editor.stop();
});

/** Every Service and Deployment name inside the map's view and the page, and the smallest on screen. */
function names(frame: Frame) {
  return frame.evaluate(() => {
    const canvas = document.getElementById('canvas')!.getBoundingClientRect();
    const scale = new DOMMatrix(getComputedStyle(document.querySelector('#canvas > svg')!).transform).a;
    const all = Array.from(
      document.querySelectorAll('svg .node.Service .name, svg .node.Workload[data-id^="Deployment/"] .name'),
    );
    const outside = all.filter((n) => {
      const r = n.getBoundingClientRect();
      return (
        r.left < canvas.left - 0.5 ||
        r.right > canvas.right + 0.5 ||
        r.top < canvas.top - 0.5 ||
        r.bottom > canvas.bottom + 0.5
      );
    });
    return {
      count: all.length,
      smallest: Math.min(...all.map((n) => parseFloat(getComputedStyle(n).fontSize) * scale)),
      outside: outside.map((n) => n.textContent),
      viewWidth: window.innerWidth,
      paintMs: Number(document.body.dataset.paintMs),
      readyToPaintMs: Number(document.body.dataset.readyToPaintMs),
    };
  });
}

/** Picks a colour theme from "Preferences: Color Theme", by the label the picker shows. */
async function setTheme(page: Page, label: string, kind: string) {
  await page.keyboard.press('F1');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
  await page.keyboard.type('Preferences: Color Theme');
  // Not "Preferences: Browse Color Themes in Marketplace", which may be listed first.
  await page.click('.quick-input-list .monaco-list-row[aria-label^="Preferences: Color Theme"]', { timeout: 15000 });
  // The theme list replaces the command list: wait for it before typing.
  await page.waitForSelector('.quick-input-list .monaco-list-row[aria-label*="Modern"]', { timeout: 15000 });
  await page.keyboard.type(label);
  await page.waitForSelector(`.quick-input-list .monaco-list-row[aria-label^="${label}"]`, { timeout: 15000 });
  await page.keyboard.press('Enter');
  await page.waitForSelector(`.monaco-workbench.${kind}`, { timeout: 20_000 });
  await page.waitForTimeout(800);
}

for (const ws of mapWorkspaces()) {
  test(
    `${ws.name}: the full-width map fits every Service and Deployment name at 9 px or more`,
    { skip, timeout: 300_000 },
    async () => {
      const folder = path.join(editor.tmp, ws.name);
      fs.cpSync(ws.dir, folder, { recursive: true });
      const page = await editor.open(folder, VIEWPORT);
      const started = Date.now();
      await runCommand(page, 'Kube Traffic Lens: Show Traffic Map in Full Width');
      const frame = await mapFrame(page);
      await frame.waitForFunction(() => document.body.dataset.paintMs !== undefined);
      const opened = Date.now() - started;
      await page.waitForTimeout(1500); // the editor group settles at full width; the map is laid out again
      const g = await names(frame);
      console.log(
        `# ${ws.name}: map drawn ${opened} ms after the command, ${g.readyToPaintMs.toFixed(0)} ms after the webview was up (paint ${g.paintMs.toFixed(0)} ms after the map arrived), smallest name ${g.smallest.toFixed(1)} px`,
      );
      if (ws.name === 'examples')
        assert.ok(
          g.readyToPaintMs < 2000,
          `the examples' map on screen ${g.readyToPaintMs} ms after the webview was up`,
        );
      assert.ok(g.viewWidth >= VIEWPORT.width * 0.9, `the map is full width (${g.viewWidth} px)`);
      assert.equal(await frame.locator('svg .node.Service').count(), ws.services);
      assert.ok(g.count >= ws.services);
      assert.deepEqual(g.outside, []);
      assert.ok(g.smallest >= 9, `smallest name ${g.smallest.toFixed(2)} px`);
      for (const [theme, label, kind] of THEMES) {
        await setTheme(page, label, kind);
        await screenshot(page, `${ws.name}-${theme}`, SHOTS);
      }
      await page.close();
    },
  );
}

test(
  'Show Traffic for This Resource on a Service shows its callers and its workload',
  { skip: skip || (!fs.existsSync(ONLINE_BOUTIQUE) && 'the corpus is not present'), timeout: 300_000 },
  async () => {
    const folder = path.join(editor.tmp, 'focus');
    fs.cpSync(ONLINE_BOUTIQUE, folder, { recursive: true });
    const page = await editor.open(folder, VIEWPORT);
    await setTheme(page, 'Dark Modern', 'vs-dark');
    await openFile(page, 'cartservice.yaml');
    // The cursor in the Service document (the second of the file).
    const serviceLine =
      fs
        .readFileSync(path.join(folder, 'cartservice.yaml'), 'utf8')
        .split('\n')
        .findIndex((l) => l === 'kind: Service') + 1;
    // Go to Line: type only once its input is up (keys typed earlier would edit the manifest).
    await page.keyboard.press('Control+G');
    await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
    await page.keyboard.type(String(serviceLine));
    await page.keyboard.press('Enter');
    await page.waitForSelector('.quick-input-widget', { state: 'hidden' });
    // On a loaded machine the server may still be analysing the file: ask again until the map opens.
    let frame: Frame | undefined;
    for (let attempt = 0; !frame && attempt < 4; attempt++) {
      await runCommand(page, 'Kube Traffic Lens: Show Traffic for This Resource');
      frame = await mapFrame(page, 20_000).catch(() => undefined);
    }
    assert.ok(frame, 'the focused map opened');
    await frame.waitForFunction(() => !document.getElementById('clear-focus')!.hidden, undefined, { timeout: 30_000 });
    const ids = await frame
      .locator('svg .node')
      .evaluateAll((nodes) => nodes.map((n) => (n as HTMLElement).dataset.id).sort());
    assert.deepEqual(ids, [
      'Deployment/default/cartservice',
      'Deployment/default/checkoutservice',
      'Deployment/default/frontend',
      'Service/default/cartservice',
    ]);
    // The side panel shows the Service's hover from the language server.
    await frame.locator('svg .node[data-id="Service/default/cartservice"]').click();
    await frame.waitForSelector('#panel-details code', { timeout: 20_000 });
    assert.match(await frame.locator('#panel-details').innerText(), /cartservice\.default\.svc\.cluster\.local/);
    await screenshot(page, 'focus-cartservice-dark', SHOTS);
    await page.close();
  },
);
