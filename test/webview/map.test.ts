// The traffic-map page in Chromium, with a stub of VS Code's webview API: it draws the map it is
// sent and fits it (names readable at 1600x1000 up to 100 Services), pans and zooms toward the
// pointer, shows a minimap, a legend, tooltips and a side panel, searches with a match count,
// focuses one hop in and out, draws policy verdicts, exports SVG and renders manifest text as text.
import { test, before, after, describe } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { TrafficMap } from '../../server/src/protocol';
import { ensureChromium, launchChromium } from '../support/browser';
import { REPO_ROOT, runCli } from '../support/cli';
import { mapWorkspaces, ONLINE_BOUTIQUE } from '../support/mapWorkspaces';

const available = ensureChromium();
const skip = !available && 'Chromium is not installed';
let browser: Browser;

before(async () => {
  if (available) browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

const graph = (dir: string): TrafficMap => JSON.parse(runCli(['graph', '--format', 'json', dir]).stdout);
const map = graph('examples');
const hasBoutique = fs.existsSync(ONLINE_BOUTIQUE);

async function openPage(size = { width: 1300, height: 800 }): Promise<Page> {
  const page = await browser.newPage({ viewport: size });
  const script = fs.readFileSync(path.join(REPO_ROOT, 'dist/webview.js'), 'utf8');
  await page.setContent(`<!DOCTYPE html><html><body><div id="app"></div>
<script>window.posted = []; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.posted.push(m), getState: () => undefined, setState: () => {} });</script>
<script>${script.replace(/<\/script/gi, '<\\/script')}</script></body></html>`);
  return page;
}

const send = (page: Page, message: unknown) => page.evaluate((m) => window.postMessage(m, '*'), message);
const posted = (page: Page) =>
  page.evaluate(() => (window as unknown as { posted: { type: string; nodeId?: string }[] }).posted);
const transform = (page: Page) =>
  page.evaluate(() => {
    const m = new DOMMatrix(getComputedStyle(document.querySelector('#canvas > svg')!).transform);
    return { x: m.e, y: m.f, scale: m.a };
  });

async function showMap(page: Page, m: TrafficMap) {
  await send(page, { type: 'map', map: m });
  await page.waitForFunction(() => document.body.dataset.paintMs !== undefined);
}

/** Every Service and workload name inside the canvas, and the smallest name font size on screen. */
function nameGeometry(page: Page) {
  return page.evaluate(() => {
    const canvas = document.getElementById('canvas')!.getBoundingClientRect();
    const scale = new DOMMatrix(getComputedStyle(document.querySelector('#canvas > svg')!).transform).a;
    const names = Array.from(document.querySelectorAll('svg .node.Service .name, svg .node.Workload .name'));
    let smallest = Infinity;
    const outside: string[] = [];
    for (const n of names) {
      const r = n.getBoundingClientRect();
      smallest = Math.min(smallest, parseFloat(getComputedStyle(n).fontSize) * scale);
      if (
        r.left < canvas.left - 0.5 ||
        r.right > canvas.right + 0.5 ||
        r.top < canvas.top - 0.5 ||
        r.bottom > canvas.bottom + 0.5
      )
        outside.push(n.textContent ?? '');
    }
    return {
      count: names.length,
      smallest,
      outside,
      lowDetail: document.getElementById('canvas')!.classList.contains('low-detail'),
    };
  });
}

describe('drawing', () => {
  test('draws the entries, Services and workloads of the map, broken and denied edges marked', { skip }, async () => {
    const page = await openPage();
    assert.deepEqual(await posted(page), [{ type: 'ready' }]);
    await showMap(page, map);
    const drawn = map.nodes.filter((n) => n.kind !== 'ContainerPort');
    assert.equal(await page.locator('svg .node').count(), drawn.length);
    assert.equal(await page.locator('svg .node.Service').count(), 6);
    // Container ports are drawn inside their workload.
    assert.match(
      (await page.locator('svg .node[data-id="Deployment/shop/frontend"] .sub').textContent()) ?? '',
      /Deployment · 3 pods · :80/,
    );
    assert.equal(await page.locator('svg .node.unselected[data-id="Deployment/shop/redis"]').count(), 1);
    assert.equal(await page.locator('svg .node.Missing', { hasText: 'admin' }).count(), 1);
    assert.ok((await page.locator('svg .edge.broken').count()) >= 4);
    const denied = page.locator(
      'svg .edge.denied[data-from="Deployment/shop/tomcat"][data-to="Service/shop/postgres"]',
    );
    assert.equal(await denied.count(), 1);
    assert.match((await denied.locator('text').textContent()) ?? '', /denied by default-deny/);
    assert.match(
      await page.locator('#summary').innerText(),
      /6 Services · 5 workloads · 12 paths · 6 broken · 1 denied/,
    );
    const legend = await page.locator('#legend').innerText();
    for (const item of [
      'entry point',
      'Service',
      'workload',
      'no Service selects it',
      'missing',
      'broken',
      'denied by policy',
    ])
      assert.ok(legend.includes(item), item);
    await page.close();
  });

  for (const ws of mapWorkspaces()) {
    test(
      `fits ${ws.name} at 1600x1000 with every Service and workload name inside the view at 9 px or more`,
      { skip },
      async () => {
        const page = await openPage({ width: 1600, height: 1000 });
        const m = graph(ws.dir);
        await showMap(page, m);
        const g = await nameGeometry(page);
        assert.equal(await page.locator('svg .node.Service').count(), ws.services);
        assert.equal(g.count, m.nodes.filter((n) => n.kind === 'Service' || n.kind === 'Workload').length);
        assert.deepEqual(g.outside, []);
        assert.ok(g.smallest >= 9, `smallest name ${g.smallest.toFixed(2)} px`);
        assert.equal(await page.locator('#minimap').isVisible(), false, 'a fitted map needs no minimap');
        // No two nodes overlap.
        const overlaps = await page.evaluate(() => {
          const boxes = Array.from(document.querySelectorAll('svg .node rect:first-of-type')).map((r) =>
            r.getBoundingClientRect(),
          );
          let count = 0;
          for (let i = 0; i < boxes.length; i++) {
            for (let j = i + 1; j < boxes.length; j++) {
              const a = boxes[i];
              const b = boxes[j];
              if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5)
                count++;
            }
          }
          return count;
        });
        assert.equal(overlaps, 0);
        if (ws.services >= 100) {
          // Level of detail: the small line and edge labels give way; names grow into the nodes.
          assert.equal(g.lowDetail, true);
          assert.equal(await page.locator('svg .edge text').first().isVisible(), false);
        }
        await page.close();
      },
    );
  }

  test('a resized view is fitted again', { skip }, async () => {
    const page = await openPage({ width: 700, height: 600 });
    await showMap(page, map);
    const small = await transform(page);
    await page.setViewportSize({ width: 1600, height: 1000 });
    await page.waitForFunction(
      (s) => new DOMMatrix(getComputedStyle(document.querySelector('#canvas > svg')!).transform).a > s + 0.05,
      small.scale,
    );
    assert.deepEqual((await nameGeometry(page)).outside, []);
    await page.close();
  });
});

describe('navigation', () => {
  test(
    'the wheel pans, Ctrl+wheel zooms toward the pointer, Fit restores; the minimap appears when zoomed in',
    { skip },
    async () => {
      const page = await openPage();
      await showMap(page, map);
      const fitted = await transform(page);
      await page.mouse.move(600, 400);
      await page.mouse.wheel(0, 120);
      const panned = await transform(page);
      assert.equal(panned.scale, fitted.scale);
      assert.ok(Math.abs(panned.y - (fitted.y - 120)) < 1, JSON.stringify({ fitted, panned }));
      // The map point under the pointer stays under it.
      const box = await page.locator('#canvas').boundingBox();
      const px = 600 - box!.x;
      const py = 400 - box!.y;
      const before = { x: (px - panned.x) / panned.scale, y: (py - panned.y) / panned.scale };
      await page.keyboard.down('Control');
      await page.mouse.wheel(0, -60);
      await page.keyboard.up('Control');
      const zoomed = await transform(page);
      assert.ok(zoomed.scale > panned.scale * 1.2);
      assert.ok(
        Math.abs((px - zoomed.x) / zoomed.scale - before.x) < 1 &&
          Math.abs((py - zoomed.y) / zoomed.scale - before.y) < 1,
      );
      assert.equal(await page.locator('#minimap').isVisible(), true);
      // A click on the minimap centres the view there.
      const mini = await page.locator('#minimap svg').boundingBox();
      await page.mouse.click(mini!.x + 2, mini!.y + 2);
      const moved = await transform(page);
      assert.ok(moved.x > zoomed.x || moved.y > zoomed.y);
      await page.click('#fit');
      assert.deepEqual(await transform(page), fitted);
      await page.close();
    },
  );

  test('search counts matches and Enter jumps to each in turn', { skip }, async () => {
    const page = await openPage();
    await showMap(page, map);
    await page.fill('#search', 'postgres');
    assert.equal(await page.locator('#match-count').innerText(), '2 matches');
    assert.equal(await page.locator('svg .node:not(.dim)').count(), 2);
    await page.press('#search', 'Enter');
    assert.equal(await page.locator('#match-count').innerText(), '1 of 2 matches');
    const current = await page.locator('svg .node.current').boundingBox();
    const canvas = await page.locator('#canvas').boundingBox();
    assert.ok(Math.abs(current!.x + current!.width / 2 - (canvas!.x + canvas!.width / 2)) < 2);
    await page.press('#search', 'Enter');
    assert.equal(await page.locator('#match-count').innerText(), '2 of 2 matches');
    await page.fill('#search', 'nothing-like-this');
    assert.equal(await page.locator('#match-count').innerText(), 'no match');
    await page.close();
  });
});

describe('details', () => {
  test(
    'a click opens the side panel with the hover content, Open and Show traffic; double-click reveals',
    { skip },
    async () => {
      const page = await openPage();
      await showMap(page, map);
      await page.locator('svg .node[data-id="Service/shop/tomcat"]').click();
      await page.waitForSelector('#panel:not([hidden])');
      assert.match(await page.locator('#panel h2').innerText(), /^tomcat$/);
      assert.deepEqual((await posted(page)).at(-1), { type: 'details', nodeId: 'Service/shop/tomcat' });
      await send(page, {
        type: 'details',
        nodeId: 'Service/shop/tomcat',
        markdown:
          '**Service tomcat** · `tomcat.shop.svc.cluster.local`\n\n| port | targetPort |\n|---|---|\n| 8080 | http |\n\n- <img src=x onerror="window.pwned=1">\n\nSelects [Deployment tomcat](file:///w/tomcat.yaml#L2)',
      });
      await page.waitForSelector('#panel-details table');
      await page.click('#panel-details a.md-link');
      assert.deepEqual((await posted(page)).at(-1), { type: 'openLink', target: 'file:///w/tomcat.yaml#L2' });
      assert.match(await page.locator('#panel-details').innerText(), /tomcat\.shop\.svc\.cluster\.local/);
      assert.equal(await page.locator('#panel img').count(), 0);
      // The full reason of a broken edge, not cut.
      assert.match(await page.locator('#panel').innerText(), /no Service port 80|has no port 80/);
      await page.click('#panel-open');
      assert.deepEqual((await posted(page)).at(-1), { type: 'reveal', nodeId: 'Service/shop/tomcat' });
      await page.click('#panel-focus');
      await page.waitForFunction(() => !document.getElementById('clear-focus')!.hidden);
      assert.equal(await page.locator('svg .node[data-id="Deployment/shop/frontend"]').count(), 0);
      await page.click('#clear-focus');
      await page.keyboard.press('Escape');
      assert.equal(await page.locator('#panel').isVisible(), false);
      await page.locator('svg .node[data-id="Deployment/shop/frontend"]').dblclick();
      assert.deepEqual((await posted(page)).at(-1), { type: 'reveal', nodeId: 'Deployment/shop/frontend' });
      await page.waitForTimeout(400);
      assert.equal(await page.locator('#panel').isVisible(), false, 'a double-click reveals without opening the panel');
      await page.close();
    },
  );

  test('a missing Service reveals the reference to it; a tooltip gives the full reason', { skip }, async () => {
    const page = await openPage();
    await showMap(page, map);
    const admin = map.nodes.find((n) => n.id === 'Service/shop/admin')!;
    assert.equal(admin.file, 'examples/shop/ingress.yaml');
    await page.locator('svg .node[data-id="Service/shop/admin"]').hover();
    assert.match(await page.locator('#tooltip').innerText(), /no Service 'admin' in namespace 'shop'/);
    await page.locator('svg .node[data-id="Service/shop/admin"]').click();
    await page.waitForSelector('#panel:not([hidden])');
    assert.equal(await page.locator('#panel-open').innerText(), 'Open reference');
    await page.click('#panel-open');
    assert.deepEqual((await posted(page)).at(-1), { type: 'reveal', nodeId: 'Service/shop/admin' });
    await page.close();
  });

  test('Enter on a focused node opens its panel', { skip }, async () => {
    const page = await openPage();
    await showMap(page, map);
    await page.locator('svg .node[data-id="Deployment/shop/frontend"]').focus();
    await page.keyboard.press('Enter');
    assert.match(await page.locator('#panel h2').innerText(), /^frontend$/);
    await page.close();
  });
});

describe('focus and policies', () => {
  const ids = (page: Page) =>
    page.locator('svg .node').evaluateAll((nodes) => nodes.map((n) => (n as HTMLElement).dataset.id).sort());

  test(
    'focus on a Service shows its entries, workload and callers; the denied call names its policy',
    { skip },
    async () => {
      const page = await openPage();
      await showMap(page, map);
      await send(page, { type: 'focus', resource: 'Service/shop/postgres' });
      await page.waitForFunction(() => !document.getElementById('clear-focus')!.hidden);
      assert.deepEqual(await ids(page), [
        'Deployment/shop/tomcat',
        'Service/shop/postgres',
        'StatefulSet/shop/postgres',
      ]);
      assert.match(await page.locator('#summary').innerText(), /policies: default-deny/);
      await page.click('#clear-focus');
      await page.waitForFunction(
        (n) => document.querySelectorAll('svg .node').length === n,
        map.nodes.filter((n) => n.kind !== 'ContainerPort').length,
      );
      await page.close();
    },
  );

  test(
    'focus on a Service of the 12-service app contains its callers and its workload',
    { skip: skip || (!hasBoutique && 'the corpus is not present') },
    async () => {
      const page = await openPage({ width: 1600, height: 1000 });
      await showMap(page, graph(ONLINE_BOUTIQUE));
      await send(page, { type: 'focus', resource: 'Service/default/cartservice' });
      await page.waitForFunction(() => !document.getElementById('clear-focus')!.hidden);
      assert.deepEqual(await ids(page), [
        'Deployment/default/cartservice',
        'Deployment/default/checkoutservice',
        'Deployment/default/frontend',
        'Service/default/cartservice',
      ]);
      // A workload's outbound calls.
      await send(page, { type: 'focus', resource: 'Deployment/default/checkoutservice' });
      await page.waitForFunction(() => document.querySelectorAll('svg .node.Service').length > 5);
      const services = (await ids(page)).filter((id) => id!.startsWith('Service/'));
      for (const callee of [
        'cartservice',
        'currencyservice',
        'emailservice',
        'paymentservice',
        'productcatalogservice',
        'shippingservice',
        'checkoutservice',
      ])
        assert.ok(services.includes(`Service/default/${callee}`), callee);
      await page.close();
    },
  );

  test('the Policies toggle colours edges by verdict and shows the allowed entry in the legend', { skip }, async () => {
    const page = await openPage();
    await showMap(page, map);
    assert.equal(await page.locator('#legend .policy-only').isVisible(), false);
    await page.click('#policies');
    assert.equal(await page.locator('#policies').getAttribute('aria-pressed'), 'true');
    assert.equal(await page.locator('svg.ktl-map.policies').count(), 1);
    assert.equal(await page.locator('#legend .policy-only').isVisible(), true);
    await page.close();
  });
});

describe('safety and export', () => {
  test('export produces a standalone SVG', { skip }, async () => {
    const page = await openPage();
    await showMap(page, map);
    await send(page, { type: 'exportSvg' });
    await page.waitForFunction(() =>
      (window as unknown as { posted: { type: string }[] }).posted.some((m) => m.type === 'svg'),
    );
    const svg = (await posted(page)).find((m) => m.type === 'svg') as unknown as { svg: string };
    assert.match(svg.svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(svg.svg, /<style>/);
    assert.match(svg.svg, /<title>Service\/shop\/admin\nexamples\/shop\/ingress\.yaml:37<\/title>/);
    await page.close();
  });

  test(
    'names with markup render as text; unknown messages are ignored; the first paint is reported',
    { skip },
    async () => {
      const page = await openPage();
      const evil = '<img src=x onerror="window.pwned=1">';
      await send(page, { type: 'frobnicate', payload: 1 });
      await showMap(page, {
        version: 1,
        nodes: [
          {
            id: `Service/x/${evil}`,
            kind: 'Service',
            label: evil,
            namespace: `<b>ns</b>`,
            resource: undefined,
            file: undefined,
            line: undefined,
          },
        ],
        edges: [],
        paths: [],
      });
      assert.equal(await page.locator('img').count(), 0);
      assert.equal(await page.locator('svg b').count(), 0);
      assert.equal(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned), undefined);
      assert.match((await page.locator('svg .node .name').last().textContent()) ?? '', /<img src=x/);
      await page.waitForFunction(() =>
        (window as unknown as { posted: { type: string }[] }).posted.some((m) => m.type === 'painted'),
      );
      await page.close();
    },
  );
});
