// A Helm chart in the real editor (code-server driven by Chromium): podinfo with a Service selector
// taken from a helper that matches no pod. The Problems panel shows the finding on the helper's
// line, a hover on a template line shows the rendered Service, and Show Rendered Manifest opens
// the render. Screenshots go to test-results/ (e2e-helm-*.png).
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { editorMissing, startEditor, type Editor } from '../support/codeServer';
import { findTestHelm, podinfoWithHelperSelector } from '../support/helm';
import { needsCorpus } from '../support/corpus';

const helm = findTestHelm();
const missing =
  editorMissing() ??
  (helm ? undefined : 'no helm binary (KTL_HELM, .cache/tools/bin/helm or PATH)') ??
  (needsCorpus.skip || undefined);
const skip = missing && process.env.CI !== 'true' ? `the real editor with helm is not available: ${missing}` : false;
let editor: Editor | undefined;
const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-e2e-helm-ws-'));

before(async () => {
  if (skip) return;
  podinfoWithHelperSelector(workspace);
  // A trusted workspace (trust prompts off), helm from the user's settings.
  editor = await startEditor(workspace, {
    'security.workspace.trust.enabled': false,
    'kubeTrafficLens.helm.path': helm,
  });
  await editor.page.waitForSelector('.statusbar-item:has-text("2 resources")', { timeout: 120_000 });
});

after(async () => {
  await editor?.close();
  fs.rmSync(workspace, { recursive: true, force: true });
});

test('Problems lists the finding on the helper line of _helpers.tpl', { skip, timeout: 120_000 }, async () => {
  const { page } = editor!;
  await editor!.openFile('service.yaml');
  await page.keyboard.press('Control+Shift+M');
  await page.waitForSelector('.markers-panel .monaco-tl-row:has-text("service-selector-orphaned")', {
    timeout: 60_000,
  });
  const rows = (await page.locator('.markers-panel .monaco-tl-row').allInnerTexts()).join('\n');
  assert.match(rows, /_helpers\.tpl/);
  assert.match(rows, /Selector app\.kubernetes\.io\/name=podinfo-web matches no pod template/);
  const line =
    fs
      .readFileSync(path.join(workspace, 'podinfo/templates/_helpers.tpl'), 'utf8')
      .split('\n')
      .findIndex((l) => l.includes('-web')) + 1;
  assert.match(rows, new RegExp(`\\[Ln ${line}, Col 1\\]`));
  await editor!.screenshot('e2e-helm-problems');
  await page.keyboard.press('Control+Shift+M');
});

test(
  'a hover on a template line shows the rendered Service and its endpoints',
  { skip, timeout: 120_000 },
  async () => {
    const { page } = editor!;
    await editor!.openFile('service.yaml');
    const line = page.locator('.view-line', { hasText: 'name: {{ template "podinfo.fullname" . }}' }).first();
    const box = await line.boundingBox();
    assert.ok(box);
    await page.mouse.move(box.x + 120, box.y + box.height / 2);
    const hover = page.locator('.monaco-hover-content', { hasText: 'svc.cluster.local' });
    await hover.waitFor({ state: 'visible', timeout: 30_000 });
    const text = await hover.innerText();
    assert.match(text, /podinfo\.default\.svc\.cluster\.local/);
    await editor!.screenshot('e2e-helm-hover');
    await page.mouse.move(5, 5);
  },
);

test('Show Rendered Manifest opens the render of the chart', { skip, timeout: 120_000 }, async () => {
  const { page } = editor!;
  await editor!.runCommand('Kube Traffic Lens: Show Rendered Manifest');
  await page.waitForSelector('.view-line:has-text("# Source: podinfo/templates/service.yaml")', { timeout: 30_000 });
  await editor!.screenshot('e2e-helm-rendered');
});
