// Helm charts in the language server: in a trusted workspace a chart is rendered and its findings
// are published on the template and helper lines, with a related location in the rendered view;
// a hover on a template line shows what it rendered to; in an untrusted workspace no process is
// started (a helm wrapper that leaves a mark proves it) and Chart.yaml says why, until trust is given.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { helmOrSkip, podinfoWithHelperSelector, writeValueSetChart } from '../support/helm';
import { hasRule, LspClient, uri, type PublishedDiagnostic } from '../support/lspClient';
import { needsCorpus } from '../support/corpus';

/** podinfo with a Service selector from a helper that matches no pod, and a helm wrapper that leaves a mark when run. */
function workspace(t: { after(fn: () => void): void }, helm: string) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-lsp-helm-'));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const { helpers, service } = podinfoWithHelperSelector(path.join(root, 'ws'));
  const mark = path.join(root, 'helm-was-run');
  const wrapper = path.join(root, 'helm-wrapper.sh');
  fs.writeFileSync(wrapper, `#!/bin/sh\necho run >> '${mark}'\nexec '${helm}' "$@"\n`, { mode: 0o755 });
  const lineOf = (file: string, needle: string) =>
    fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .findIndex((l) => l.includes(needle));
  return { ws: path.join(root, 'ws'), helpers, service, mark, wrapper, lineOf };
}

test(
  'a trusted workspace: findings on helper lines, hovers on template lines, the rendered view',
  needsCorpus,
  async (t) => {
    const helm = helmOrSkip(t);
    if (!helm) return;
    const w = workspace(t, helm);
    const client = new LspClient();
    t.after(() => client.stop());
    await client.initialize(w.ws, { helm: { path: w.wrapper } }, { workspaceTrusted: true });

    const published = await client.waitFor(
      uri(w.helpers),
      hasRule('service-selector-orphaned'),
      'the selector finding on the helper line',
    );
    const d = published.find((x) => x.code === 'service-selector-orphaned')!;
    assert.equal(d.range.start.line, w.lineOf(w.helpers, '-web'));
    const rendered = d.relatedInformation?.find((r) => r.location.uri.startsWith('kube-traffic-lens-rendered://'));
    assert.ok(rendered, JSON.stringify(d.relatedInformation));
    assert.match(rendered.message, /rendered by helm template/);
    assert.ok(fs.existsSync(w.mark), 'helm ran');
    // A rendered chart is analysed: no "not analysed until rendered" note on it anywhere.
    const chartNotes = [...client.diagnostics].filter(
      ([u, ds]) => u.includes('/podinfo/') && ds.some((x) => x.code === 'helm-template-skipped'),
    );
    assert.deepEqual(chartNotes, [], 'no skip note on a rendered chart');

    // The hover on `name: {{ template "podinfo.fullname" . }}` shows the rendered Service.
    const line = w.lineOf(w.service, 'name: {{ template "podinfo.fullname" . }}');
    const character = fs.readFileSync(w.service, 'utf8').split('\n')[line].indexOf('{{') + 3;
    const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', {
      textDocument: { uri: uri(w.service) },
      position: { line, character },
    });
    assert.ok(hover, 'a hover on the template line');
    assert.match(hover.contents.value, /podinfo/);
    assert.match(hover.contents.value, /Service/);

    // Code lenses of the rendered Service, on the template.
    const lenses = await client.request<{ command: { title: string } }[]>('textDocument/codeLens', {
      textDocument: { uri: uri(w.service) },
    });
    assert.ok(
      lenses.some((l) => l.command.title === 'Show traffic'),
      JSON.stringify(lenses),
    );

    const renderedPath = decodeURIComponent(new URL(rendered.location.uri).pathname);
    const view = await client.request<{
      text: string;
      diagnostics: { rule: string; range: { start: { line: number } } }[];
    } | null>('kubeTrafficLens/renderedManifest', { path: renderedPath });
    assert.ok(view && view.text.includes('# Source: podinfo/templates/service.yaml'));
    const inView = view.diagnostics.find((x) => x.rule === 'service-selector-orphaned');
    assert.ok(inView, 'the finding is placed in the rendered view');
    assert.match(view.text.split('\n')[inView.range.start.line], /app\.kubernetes\.io\/name: podinfo-web/);
  },
);

test("an edit of one chart's template renders that chart again, not the others", needsCorpus, async (t) => {
  const helm = helmOrSkip(t);
  if (!helm) return;
  const w = workspace(t, helm);
  fs.cpSync(path.join(w.ws, 'podinfo'), path.join(w.ws, 'other'), { recursive: true });
  const otherChart = path.join(w.ws, 'other/Chart.yaml');
  fs.writeFileSync(otherChart, fs.readFileSync(otherChart, 'utf8').replace(/^name: podinfo$/m, 'name: other'));
  const client = new LspClient();
  t.after(() => client.stop());
  await client.initialize(w.ws, { helm: { path: w.wrapper } }, { workspaceTrusted: true });
  await client.waitFor(uri(w.helpers), hasRule('service-selector-orphaned'), 'the finding in the first chart');
  const runs = () => fs.readFileSync(w.mark, 'utf8').split('\n').filter(Boolean).length;
  assert.equal(runs(), 2, 'one helm run per chart');

  // The fix, saved to disk: the chart is rendered again and the finding goes.
  fs.writeFileSync(
    w.service,
    fs.readFileSync(w.service, 'utf8').replace('podinfo.serviceSelector', 'podinfo.selectorLabels'),
  );
  await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(w.service), type: 2 }] });
  await client.waitFor(uri(w.helpers), (d) => !hasRule('service-selector-orphaned')(d), 'the finding gone');
  assert.equal(runs(), 3, 'only the edited chart was rendered again');

  // Definition from a template's targetPort to the template line of the container port.
  const definition = await client.request<{ uri: string; range: { start: { line: number } } }[]>(
    'textDocument/definition',
    {
      textDocument: { uri: uri(w.service) },
      position: { line: w.lineOf(w.service, 'targetPort: http'), character: 20 },
    },
  );
  const deployment = path.join(w.ws, 'podinfo/templates/deployment.yaml');
  assert.deepEqual(
    definition.map((l) => [l.uri, l.range.start.line]),
    [[uri(deployment), w.lineOf(deployment, '- name: http')]],
  );
});

test(
  'an untrusted workspace starts no process, says why on Chart.yaml, and renders once trusted',
  needsCorpus,
  async (t) => {
    const helm = helmOrSkip(t);
    if (!helm) return;
    const w = workspace(t, helm);
    const client = new LspClient();
    t.after(() => client.stop());
    await client.initialize(w.ws, { helm: { path: w.wrapper } }, { workspaceTrusted: false });
    const chart = await client.waitFor(
      uri(path.join(w.ws, 'podinfo/Chart.yaml')),
      hasRule('helm-template-skipped'),
      'the skip on Chart.yaml',
    );
    assert.match(chart[0].message, /not trusted/);
    assert.equal(chart[0].severity, 3, 'information');
    assert.ok(!fs.existsSync(w.mark), 'no helm process in an untrusted workspace');
    assert.equal(client.diagnostics.get(uri(w.helpers)), undefined);

    await client.notify('kubeTrafficLens/workspaceTrusted', {});
    await client.waitFor(uri(w.helpers), hasRule('service-selector-orphaned'), 'the finding once trusted');
    assert.ok(fs.existsSync(w.mark));
  },
);

test("a chart's ci value set is a release of its own in the editor too", async (t) => {
  const helm = helmOrSkip(t);
  if (!helm) return;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-lsp-helm-'));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const { service } = writeValueSetChart(root);
  const client = new LspClient();
  t.after(() => client.stop());
  await client.initialize(root, { helm: { path: helm } }, { workspaceTrusted: true });
  // The first diagnostics come from values.yaml's render alone; the ci value set's follows.
  const published = await client.waitFor(
    uri(service),
    (ds) => !!ds?.some((d) => d.code === 'service-selector-orphaned' && /\(release shop/.test(d.message)),
    'the selector finding naming its value set',
  );
  assert.deepEqual(
    published.map((d) => `${d.range.start.line}:${d.range.start.character} ${d.code}: ${d.message}`),
    [
      "6:4 service-selector-orphaned: Selector app=web matches no pod template in namespace 'default'; the Service has no endpoints. (release shop, values values.yaml)",
    ],
  );
});

test('quick fixes on chart lines edit the template or values text that was rendered, or are not offered', async (t) => {
  const helm = helmOrSkip(t);
  if (!helm) return;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-lsp-helm-'));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const service = (name: string, targetPort: string) =>
    `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  selector:\n    app: web\n  ports:\n    - port: 80\n      targetPort: ${targetPort}\n`;
  const files: Record<string, string> = {
    'shop/Chart.yaml': 'apiVersion: v2\nname: shop\nversion: 1.0.0\n',
    'shop/values.yaml': 'fromValues:\n  targetPort: htpp\n',
    'shop/templates/deployment.yaml':
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n        - name: web\n          image: web:1\n          ports:\n            - name: http\n              containerPort: 8080\n',
    // A literal in the template, a value from values.yaml, and a value the template computes.
    'shop/templates/literal.yaml': service('literal', 'htp'),
    'shop/templates/from-values.yaml': service('from-values', '{{ .Values.fromValues.targetPort }}'),
    'shop/templates/computed.yaml': service('computed', '{{ printf "ht%s" "tq" }}'),
  };
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
  const client = new LspClient();
  t.after(() => client.stop());
  await client.initialize(root, { helm: { path: helm } }, { workspaceTrusted: true });

  /** The fixes offered for the targetPort finding published on a chart file, as `file:line:col-col newText`. */
  async function fixesOn(file: string): Promise<string[]> {
    const published = await client.waitFor(
      uri(file),
      hasRule('service-target-port-name-unresolved'),
      `the targetPort finding on ${file}`,
    );
    const d = published.find((x) => x.code === 'service-target-port-name-unresolved')!;
    const actions = await client.request<
      { title: string; edit: { changes: Record<string, { range: PublishedDiagnostic['range']; newText: string }[]> } }[]
    >('textDocument/codeAction', {
      textDocument: { uri: uri(file) },
      range: d.range,
      context: { diagnostics: [d] },
    });
    return actions.flatMap((a) =>
      Object.entries(a.edit.changes).flatMap(([u, edits]) =>
        edits.map(
          (e) =>
            `${path.relative(root, new URL(u).pathname)}:${e.range.start.line}:${e.range.start.character}-${e.range.end.character} ${e.newText}`,
        ),
      ),
    );
  }
  const at = (file: string, needle: string) => {
    const lines = fs.readFileSync(path.join(root, file), 'utf8').split('\n');
    const line = lines.findIndex((l) => l.includes(needle));
    const character = lines[line].indexOf(needle);
    return `${file}:${line}:${character}-${character + needle.length}`;
  };
  assert.deepEqual(await fixesOn(path.join(root, 'shop/templates/literal.yaml')), [
    `${at('shop/templates/literal.yaml', 'htp')} http`,
  ]);
  assert.deepEqual(await fixesOn(path.join(root, 'shop/values.yaml')), [`${at('shop/values.yaml', 'htpp')} http`]);
  // The computed value is not in the template's text: no edit could change the rendered 'httq'.
  assert.deepEqual(await fixesOn(path.join(root, 'shop/templates/computed.yaml')), []);
});
