// The extension as people install it: the packaged .vsix in a real VS Code (code-server 4.100.3,
// VS Code 1.100.3) driven by Chromium. Opens examples/ and checks, through the UI, the Problems
// panel, a hover, a code lens and the traffic map. Screenshots go to test-results/.
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { REPO_ROOT } from '../support/cli';
import {
  CodeServer,
  editorMissing,
  mapFrame,
  openFile as open,
  RESULTS,
  runCommand as run,
  screenshot as shoot,
} from '../support/codeServer';

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
  await page.waitForFunction(() => document.querySelectorAll('.markers-panel .monaco-tl-row').length >= 12, undefined, {
    timeout: 60_000,
  });
  const rows = (await page.locator('.markers-panel .monaco-tl-row').allInnerTexts()).join('\n');
  for (const rule of [
    'service-selector-orphaned',
    'service-target-port-name-unresolved',
    'service-target-port-unmatched',
    'ingress-backend-port-missing',
    'ingress-backend-service-missing',
    'networkpolicy-selector-orphaned',
  ]) {
    assert.ok(rows.includes(rule), `${rule} in\n${rows}`);
  }
  assert.match(rows, /No Service 'admin' in namespace 'shop'/);
  await screenshot('e2e-problems');
  await runCommand('View: Toggle Maximized Panel');
  await page.keyboard.press('Control+Shift+M');
});

test(
  'a code lens above the Ingress and a hover on a Service explain the traffic',
  { skip, timeout: 120_000 },
  async () => {
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
  },
);

test(
  'Show Traffic Map opens the map with the expected nodes and broken edges',
  { skip, timeout: 120_000 },
  async () => {
    await runCommand('Kube Traffic Lens: Show Traffic Map');
    const frame: Frame = await mapFrame(page);
    // Entries, Services and workloads (container ports are drawn inside their workload).
    assert.equal(await frame.locator('svg .node').count(), 17);
    assert.equal(await frame.locator('svg .node[data-id="Service/shop/frontend"]').count(), 1);
    assert.equal(await frame.locator('svg .edge.broken').count(), 5);
    assert.equal(await frame.locator('svg .edge.denied').count(), 1);
    await screenshot('e2e-traffic-map');
  },
);

/* NetworkPolicy insight and backend completion, on the examples and on a real 12-service app. */

const SHOTS = process.env.KTL_SHOTS_DIR ?? RESULTS;

async function shot(name: string) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

/** Moves the cursor to a line (1-based) and column with Go to Line, which also scrolls it into view. */
async function gotoLine(line: number, column = 1) {
  await page.keyboard.press('Control+G');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
  await page.keyboard.type(`${line}:${column}`);
  await page.keyboard.press('Enter');
  await page.waitForTimeout(300);
}

/** The screen point of a line (1-based) and column in the active editor; the line must be rendered. */
async function pointAt(line: number, column: number): Promise<{ x: number; y: number }> {
  await gotoLine(line, column);
  await page.keyboard.press('Escape');
  const point = await page.evaluate(
    ([line, column]) => {
      const editor = document.querySelector('.editor-group-container.active .monaco-editor')!;
      const number = Array.from(editor.querySelectorAll('.line-numbers')).find(
        (n) => n.textContent?.trim() === String(line),
      );
      if (!number) return undefined;
      const top = number.getBoundingClientRect().top;
      const view = Array.from(editor.querySelectorAll('.view-line')).find(
        (v) => Math.abs(v.getBoundingClientRect().top - top) < 2,
      );
      const text = view?.firstElementChild;
      if (!view || !text || !view.textContent) return undefined;
      const r = text.getBoundingClientRect();
      const width = r.width / view.textContent.length;
      return { x: r.left + (column - 0.5) * width, y: r.top + r.height / 2 };
    },
    [line, column] as const,
  );
  assert.ok(point, `line ${line} is rendered`);
  return point;
}

async function hoverAt(line: number, column: number, expect: string): Promise<string> {
  const hover = page.locator('.monaco-hover-content', { hasText: expect });
  // Hover again when the first one came before the server had analysed the file.
  for (let attempt = 1; ; attempt++) {
    await page.mouse.move(5, 5);
    const p = await pointAt(line, column);
    await page.mouse.move(p.x, p.y);
    try {
      await hover.waitFor({ state: 'visible', timeout: 10_000 });
      break;
    } catch (err) {
      if (attempt >= 3) throw err;
    }
  }
  await page.waitForTimeout(400); // the hover fades in
  return hover.innerText();
}

/** Completion labels at the cursor after replacing the rest of the line's value. */
async function completionsAt(line: number, column: number): Promise<string[]> {
  await gotoLine(line, column);
  await page.keyboard.press('Shift+End');
  await page.keyboard.press('Delete');
  const rows = page.locator('.suggest-widget.visible .monaco-list-row');
  // Asked again once, as a user would: on a loaded machine (two test files beside code-server) the
  // suggestions once did not show within 20 s, and the run could not be reproduced. A server that
  // answers nothing still fails: the second request must show the rows.
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('Control+Space');
    try {
      await rows.first().waitFor({ state: 'visible', timeout: 15_000 });
      break;
    } catch (err) {
      if (attempt >= 2) throw err;
      await page.keyboard.press('Escape');
    }
  }
  await page.waitForTimeout(500);
  const labels = await page.locator('.suggest-widget.visible .monaco-list-row .label-name').allInnerTexts();
  await shot(
    `completion-${path.basename((await page.locator('.editor-group-container.active .tab.active').getAttribute('aria-label')) ?? 'file').split(',')[0]}-${line}`,
  );
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+Z');
  return labels.map((l) => l.trim());
}

interface PolicyCase {
  name: [number, number];
  label: [number, number];
  selected: string;
  source: string;
  workload: string;
  workloadFile: string;
  shot: string;
}

async function peekLensesAndHoverPolicy(file: string, c: PolicyCase) {
  await openFile(file);
  await page.locator('.codelens-decoration:visible').first().waitFor({ timeout: 60_000 });
  await gotoLine(c.name[0]);
  const lenses = (await page.locator('.codelens-decoration').allInnerTexts()).join(' | ');
  assert.match(lenses, /selects .* · /, lenses);
  const policy = await hoverAt(...c.name, 'isolated');
  assert.match(policy, new RegExp(`Selects .*${c.selected}`));
  assert.match(policy, new RegExp(`rule 1 from .*${c.source}`));
  await shot(`${c.shot}-hover-policy`);
  const hover = await hoverAt(...c.label, 'Selects');
  assert.match(hover, new RegExp(`Selects ${c.workload}`), hover);
  await shot(`${c.shot}-hover-selector`);
  await page.mouse.move(5, 5);
  await gotoLine(...c.label);
  await page.keyboard.press('F12');
  await page.waitForSelector(`.tab.active[aria-label*="${c.workloadFile}"]`, { timeout: 20_000 });
  await shot(`${c.shot}-definition`);
}

test(
  'examples: a NetworkPolicy podSelector label names the selected Deployment and F12 opens it',
  { skip, timeout: 180_000 },
  async () => {
    // Line 32 names tomcat-from-frontend; line 37 is its podSelector's `app: tomcat`.
    await peekLensesAndHoverPolicy('network-policies.yaml', {
      name: [32, 10],
      label: [37, 14],
      selected: 'Deployment tomcat',
      source: 'Deployment frontend',
      workload: 'Deployment tomcat',
      workloadFile: 'tomcat.yaml',
      shot: 'examples',
    });
  },
);

test(
  'examples: Ingress port completion offers only the named Service’s ports',
  { skip, timeout: 120_000 },
  async () => {
    await openFile('ingress.yaml');
    // Line 29 is `number: 80` under the backend naming tomcat (port 8080); line 37's Service does not exist.
    assert.deepEqual(await completionsAt(29, 27), ['8080']);
    const broken = await hoverAt(29, 28, 'has:');
    assert.match(broken, /Service tomcat has:\s*8080\/TCP \(http\) → tomcat:8080 \(http\) in Deployment tomcat/);
    await shot('hover-broken-backend-port');
    // The rule's docs link opens the page shipped in the extension, inside the editor (offline).
    await page.locator('.monaco-hover a', { hasText: 'ingress-backend-port-missing' }).first().click();
    await page.waitForSelector('.tab.active[aria-label*="ingress-backend-port-missing.md"]', { timeout: 20_000 });
    await page
      .locator('.editor-group-container.active .view-line', { hasText: '# ingress-backend-port-missing' })
      .first()
      .waitFor({ timeout: 20_000 });
    await shot('rule-docs-preview');
    await page.keyboard.press('Control+W');
    await page.mouse.move(5, 5);
    await openFile('tomcat.yaml');
    await page.locator('.codelens-decoration:visible').first().waitFor({ timeout: 30_000 });
    await shot('lenses-workload-service');
    await openFile('data.yaml');
    const service = await hoverAt(29, 10, 'Called by');
    assert.match(
      service,
      /Called by\s*Deployment tomcat on postgres\.shop\.svc\.cluster\.local:5432 — denied by NetworkPolicy default-deny/,
    );
    await shot('hover-service-callers');
    await page.mouse.move(5, 5);
  },
);

test(
  'Online Boutique (12 services): policy hover and F12, and backend port completion',
  { skip, timeout: 240_000 },
  async () => {
    const boutique = path.join(editor.tmp, 'boutique');
    fs.cpSync(path.resolve(REPO_ROOT, '../shared/corpus/gcp-microservices-demo/kubernetes-manifests'), boutique, {
      recursive: true,
    });
    fs.writeFileSync(
      path.join(boutique, 'policies.yaml'),
      `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: cartservice
spec:
  podSelector:
    matchLabels:
      app: cartservice
  policyTypes: [Ingress]
  ingress:
    - from:
        - podSelector:
            matchLabels:
              app: checkoutservice
        - podSelector:
            matchLabels:
              app: frontend
      ports:
        - port: 7070
`,
    );
    fs.writeFileSync(
      path.join(boutique, 'ingress.yaml'),
      `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: boutique
spec:
  rules:
    - http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: frontend
                port:
                  number: 80
          - path: /cart
            pathType: Prefix
            backend:
              service:
                name: cartservice
                port:
                  number: 7070
`,
    );
    fs.appendFileSync(path.join(boutique, 'kustomization.yaml'), ' - policies.yaml\n - ingress.yaml\n');
    const url = new URL(page.url());
    url.searchParams.set('folder', boutique);
    await page.goto(url.toString());
    await page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
    await page.waitForSelector('.statusbar-item:has-text("resources")', { timeout: 90_000 });
    await peekLensesAndHoverPolicy('policies.yaml', {
      name: [4, 10],
      label: [14, 22],
      selected: 'Deployment cartservice',
      source: 'Deployment checkoutservice',
      workload: 'Deployment checkoutservice',
      workloadFile: 'checkoutservice.yaml',
      shot: 'boutique',
    });
    await openFile('ingress.yaml');
    assert.deepEqual(await completionsAt(22, 27), ['7070']);
    assert.deepEqual(await completionsAt(15, 27), ['80']);
    await openFile('cartservice.yaml');
    await page.locator('.codelens-decoration:visible').first().waitFor({ timeout: 30_000 });
    await shot('boutique-lenses-cartservice');
  },
);

test(
  'the status bar lists what is not analysed, and hides where there is nothing Kubernetes',
  { skip, timeout: 180_000 },
  async () => {
    const chart = path.join(editor.tmp, 'with-chart');
    fs.mkdirSync(path.join(chart, 'chart/templates'), { recursive: true });
    fs.writeFileSync(path.join(chart, 'chart/Chart.yaml'), 'apiVersion: v2\nname: web\nversion: 0.1.0\n');
    fs.writeFileSync(
      path.join(chart, 'chart/templates/service.yaml'),
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n',
    );
    fs.writeFileSync(
      path.join(chart, 'service.yaml'),
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports: [{port: 80}]\n',
    );
    const url = new URL(page.url());
    url.searchParams.set('folder', chart);
    await page.goto(url.toString());
    await page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
    const item = page.locator('.statusbar-item', { hasText: '1 resource · 1 skipped' });
    await item.waitFor({ timeout: 90_000 });
    await item.hover();
    const tooltip = page.locator('.monaco-hover, .workbench-hover', { hasText: 'Not analysed' }).first();
    await tooltip.waitFor({ state: 'visible', timeout: 20_000 });
    assert.match(await tooltip.innerText(), /chart\/Chart\.yaml: Helm chart '[^']*chart' is not analysed/);
    await shot('status-skipped');

    const none = path.join(editor.tmp, 'no-manifests');
    fs.mkdirSync(path.join(none, '.github/workflows'), { recursive: true });
    fs.writeFileSync(
      path.join(none, '.github/workflows/ci.yaml'),
      'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n',
    );
    fs.writeFileSync(path.join(none, 'compose.yaml'), 'services:\n  web:\n    image: nginx\n');
    url.searchParams.set('folder', none);
    await page.goto(url.toString());
    await page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
    await openFile('compose.yaml');
    // The extension is active (the YAML files activate it) and its server finds nothing to show: after
    // indexing, no item stays (it shows only while indexing).
    const statusTexts = () => page.locator('.statusbar-item').allInnerTexts();
    const deadline = Date.now() + 15_000;
    let seen = false;
    while (Date.now() < deadline) {
      if ((await statusTexts()).some((t) => /Kube Traffic Lens|\bresources?\b/.test(t))) seen = true;
      await page.waitForTimeout(100);
    }
    assert.ok(
      !(await statusTexts()).some((t) => /Kube Traffic Lens|\bresources?\b/.test(t)),
      `no status item; seen while indexing: ${seen}`,
    );
    await shot('status-hidden');
  },
);
