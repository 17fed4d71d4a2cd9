// The editor features over the protocol, against the real server process: lenses that peek what
// they count (VS Code's showReferences with protocol values), quick fixes whose edit clears the
// diagnostic once applied, rule docs linked to the bundled pages, and files not analysed shown as
// Problems information and in the status notification.
import { test, before, after, describe } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from '../support/cli';
import { hasRule, LspClient, uri } from '../support/lspClient';

interface Range {
  start: { line: number; character: number };
  end: { line: number; character: number };
}
interface Lens {
  range: Range;
  command?: { title: string; command: string; arguments?: unknown[] };
}
interface Status {
  resources: number;
  files: number;
  indexing: boolean;
  skipped?: { path: string; reason: string }[];
  skippedCount?: number;
}

describe('lenses and quick fixes over stdio', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-editor-'));
  fs.cpSync(path.join(REPO_ROOT, 'examples/shop'), path.join(root, 'shop'), { recursive: true });
  fs.cpSync(path.join(REPO_ROOT, 'test/fixtures/editor'), path.join(root, 'editor'), { recursive: true });
  const client = new LspClient();
  before(() => client.initialize(root));
  after(() => client.stop());

  test('a NetworkPolicy lens peeks the selected pod templates; Services keep Show traffic', async () => {
    const policies = uri(path.join(root, 'shop/network-policies.yaml'));
    await client.waitFor(policies, hasRule('networkpolicy-selector-orphaned'), 'the policy diagnostics');
    const lenses = await client.request<Lens[]>('textDocument/codeLens', { textDocument: { uri: policies } });
    const lens = lenses.find((l) => l.command?.title === 'selects 2-10 pods · allows 1 source');
    assert.ok(lens, JSON.stringify(lenses.map((l) => l.command?.title)));
    // The third document starts on line 29 (0-based 28): the lens sits on its first line.
    assert.deepEqual(lens.range.start, { line: 28, character: 0 });
    assert.equal(lens.command!.command, 'editor.action.showReferences');
    const [at, position, locations] = lens.command!.arguments as [string, unknown, { uri: string; range: Range }[]];
    assert.equal(at, policies);
    assert.deepEqual(position, { line: 28, character: 0 });
    assert.deepEqual(
      locations.map((l) => [path.basename(fileURLToPath(l.uri)), l.range.start.line]),
      [['tomcat.yaml', 14]],
    );
    const service = await client.request<Lens[]>('textDocument/codeLens', {
      textDocument: { uri: uri(path.join(root, 'shop/tomcat.yaml')) },
    });
    assert.ok(
      service.some(
        (l) =>
          l.command?.command === 'kubeTrafficLens.showTraffic' &&
          (l.command.arguments as string[])[0] === 'Service/shop/tomcat',
      ),
    );
    assert.ok(
      service.every((l) => l.command?.command),
      'every lens is clickable',
    );
  });

  test('"did you mean" fixes: applying the edit clears the diagnostic', async () => {
    const file = path.join(root, 'editor/near-misses.yaml');
    const docUri = uri(file);
    let text = fs.readFileSync(file, 'utf8');
    await client.notify('textDocument/didOpen', {
      textDocument: { uri: docUri, languageId: 'yaml', version: 1, text },
    });
    let version = 1;
    for (const rule of [
      'ingress-backend-service-missing',
      'service-reference-port-unmatched',
      'networkpolicy-peer-selector-orphaned',
    ]) {
      const published = await client.waitFor(docUri, hasRule(rule), rule);
      const d = published.find((x) => x.code === rule)!;
      const actions = await client.request<
        {
          title: string;
          isPreferred?: boolean;
          edit: { changes: Record<string, { range: Range; newText: string }[]> };
        }[]
      >('textDocument/codeAction', {
        textDocument: { uri: docUri },
        range: d.range,
        context: { diagnostics: [d] },
      });
      const fix = actions.find((a) => a.isPreferred);
      assert.ok(fix, `${rule}: ${actions.map((a) => a.title).join(', ')}`);
      const [edit] = fix.edit.changes[docUri];
      await client.notify('textDocument/didChange', {
        textDocument: { uri: docUri, version: ++version },
        contentChanges: [{ range: edit.range, text: edit.newText }],
      });
      const lines = text.split('\n');
      lines[edit.range.start.line] =
        lines[edit.range.start.line].slice(0, edit.range.start.character) +
        edit.newText +
        lines[edit.range.start.line].slice(edit.range.end.character);
      text = lines.join('\n');
      const before = published.length;
      const after = await client.waitFor(docUri, (ds) => !!ds && !ds.some((x) => x.code === rule), `${rule} to clear`);
      assert.equal(after.length, before - 1, `${rule}: nothing else changed`);
    }
    await client.notify('textDocument/didClose', { textDocument: { uri: docUri } });
  });

  test('the docs link of a diagnostic is the bundled page', async () => {
    const ds = await client.waitFor(
      uri(path.join(root, 'shop/ingress.yaml')),
      hasRule('ingress-backend-port-missing'),
      'the port diagnostic',
    );
    const href = ds.find((d) => d.code === 'ingress-backend-port-missing')!.codeDescription!.href;
    assert.match(href, /^file:\/\/.*\/docs\/rules\/ingress-backend-port-missing\.md$/);
    assert.ok(fs.existsSync(fileURLToPath(href)));
  });
});

describe('code lenses follow the analysis', () => {
  test('a client that supports it is asked to refresh lenses after an edit is analysed', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-refresh-'));
    fs.cpSync(path.join(REPO_ROOT, 'examples/shop'), root, { recursive: true });
    const client = new LspClient();
    let refreshes = 0;
    client.onRequest('workspace/codeLens/refresh', () => {
      refreshes++;
      return null;
    });
    try {
      await client.initialize(root, {}, undefined, { codeLens: { refreshSupport: true } });
      const docUri = uri(path.join(root, 'data.yaml'));
      const text = fs.readFileSync(path.join(root, 'data.yaml'), 'utf8');
      await client.waitFor(docUri, hasRule('service-selector-orphaned'), 'the orphaned selector');
      const before = refreshes;
      await client.notify('textDocument/didOpen', {
        textDocument: { uri: docUri, languageId: 'yaml', version: 1, text },
      });
      const line = text.split('\n').findIndex((l) => l.includes('app: reddis'));
      await client.notify('textDocument/didChange', {
        textDocument: { uri: docUri, version: 2 },
        contentChanges: [{ range: { start: { line, character: 9 }, end: { line, character: 15 } }, text: 'redis' }],
      });
      await client.waitFor(
        docUri,
        (ds) => !!ds && !ds.some((d) => d.code === 'service-selector-orphaned'),
        'the fix to be analysed',
      );
      const deadline = Date.now() + 5000;
      while (refreshes === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.ok(refreshes > before, 'a refresh after the edit');
      const lenses = await client.request<Lens[]>('textDocument/codeLens', { textDocument: { uri: docUri } });
      assert.ok(
        lenses.some((l) => l.command?.title === '→ Deployment redis (1 pod)'),
        JSON.stringify(lenses.map((l) => l.command?.title)),
      );
    } finally {
      await client.stop();
    }
  });
});

describe('what is not analysed is visible', () => {
  test('a Helm chart and an oversized file: Problems information on each, listed in the status', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-skipped-'));
    fs.mkdirSync(path.join(root, 'chart/templates'), { recursive: true });
    fs.writeFileSync(path.join(root, 'chart/Chart.yaml'), 'apiVersion: v2\nname: web\nversion: 0.1.0\n');
    fs.writeFileSync(
      path.join(root, 'chart/templates/service.yaml'),
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n',
    );
    fs.mkdirSync(path.join(root, 'deploy/templates'), { recursive: true });
    fs.writeFileSync(
      path.join(root, 'deploy/templates/web.yaml'),
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Values.name }}\n',
    );
    fs.writeFileSync(
      path.join(root, 'big.yaml'),
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  blob: "${'x'.repeat(3000)}"\n`,
    );
    fs.writeFileSync(
      path.join(root, 'svc.yaml'),
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports: [{port: 80}]\n',
    );
    const client = new LspClient();
    const statuses: Status[] = [];
    client.onNotification<Status>('kubeTrafficLens/indexStatus', (s) => statuses.push(s));
    try {
      // A helm that does not exist, whatever the machine has on PATH: the chart is not rendered.
      await client.initialize(root, { maxFileSize: 2000, helm: { path: path.join(root, 'no-such-helm') } });
      const chart = await client.waitFor(
        uri(path.join(root, 'chart/Chart.yaml')),
        hasRule('helm-template-skipped'),
        'the chart note',
      );
      assert.equal(chart[0].severity, 3);
      const big = await client.waitFor(uri(path.join(root, 'big.yaml')), hasRule('file-too-large'), 'the size note');
      assert.deepEqual(big[0].range.start, { line: 0, character: 0 });
      const template = await client.waitFor(
        uri(path.join(root, 'deploy/templates/web.yaml')),
        hasRule('helm-template-skipped'),
        'the template note',
      );
      assert.match(template[0].message, /template syntax/);
      assert.equal(
        client.diagnostics.get(uri(path.join(root, 'chart/templates/service.yaml'))),
        undefined,
        'a chart has one note, on Chart.yaml',
      );
      const last = statuses.filter((s) => !s.indexing).at(-1)!;
      assert.equal(last.resources, 1);
      assert.equal(last.skippedCount, 3);
      assert.deepEqual(last.skipped!.map((s) => path.relative(root, s.path)).sort(), [
        'big.yaml',
        path.join('chart', 'Chart.yaml'),
        path.join('deploy', 'templates', 'web.yaml'),
      ]);
      assert.match(last.skipped!.find((s) => s.path.endsWith('big.yaml'))!.reason, /over the 2000-byte limit/);
    } finally {
      await client.stop();
    }
  });

  test('a folder with no Kubernetes manifests reports nothing to show', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-none-'));
    fs.mkdirSync(path.join(root, '.github/workflows'), { recursive: true });
    fs.writeFileSync(
      path.join(root, '.github/workflows/ci.yaml'),
      'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n',
    );
    fs.writeFileSync(path.join(root, 'compose.yaml'), 'services:\n  web:\n    image: nginx\n');
    const client = new LspClient();
    const statuses: Status[] = [];
    client.onNotification<Status>('kubeTrafficLens/indexStatus', (s) => statuses.push(s));
    try {
      await client.initialize(root);
      const deadline = Date.now() + 10000;
      while (!statuses.some((s) => !s.indexing) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const last = statuses.filter((s) => !s.indexing).at(-1)!;
      assert.ok(last, 'a status after the analysis');
      assert.equal(last.resources, 0);
      assert.equal(last.skippedCount, 0);
      assert.ok(last.files >= 1);
    } finally {
      await client.stop();
    }
  });
});
