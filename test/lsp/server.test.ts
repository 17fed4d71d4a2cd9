// The language server as editors run it: a separate process over stdio, driven by a JSON-RPC
// client. Diagnostics are published for files that are not open, follow edits in other files, file
// creation and deletion, and settings; requests are answered from the analysis.
import { test, before, after, describe } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  ResourceAtRequest,
  ResourceDetailsRequest,
  TrafficMapRequest,
  type ResourceAtResult,
  type ResourceDetailsResult,
  type TrafficMap,
} from '../../server/src/protocol';
import { REPO_ROOT } from '../support/cli';
import { hasRule as has, isClean as clean, LspClient, uri } from '../support/lspClient';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-lsp-'));
fs.cpSync(path.join(REPO_ROOT, 'test/fixtures/lsp/app'), root, { recursive: true });
const file = (name: string) => path.join(root, name);
const client = new LspClient();

before(async () => {
  await client.initialize(root);
});
after(async () => {
  await client.stop();
});

describe('diagnostics', () => {
  test('after indexing, closed files have diagnostics with code, docs link, source and related locations', async () => {
    const ds = await client.waitFor(
      uri(file('ingress.yaml')),
      has('ingress-backend-service-missing'),
      'the missing Service',
    );
    const d = ds.find((x) => x.code === 'ingress-backend-service-missing')!;
    assert.equal(d.source, 'kube-traffic-lens');
    // A warning: the Services beside it show where this app keeps them (an error only with completeWorkspace).
    assert.equal(d.severity, 2);
    assert.match(d.codeDescription!.href, /docs\/rules\/ingress-backend-service-missing\.md$/);
    assert.deepEqual(d.range, { start: { line: 20, character: 22 }, end: { line: 20, character: 26 } });
    assert.ok(clean(client.diagnostics.get(uri(file('service.yaml')))));
    assert.ok(clean(client.diagnostics.get(uri(file('notes.yaml')))), 'a file that is not a manifest gets nothing');
  });

  test("editing a Deployment's labels reports the Service in another, unopened file, and undoing clears it", async () => {
    const docUri = uri(file('deployment.yaml'));
    const text = fs.readFileSync(file('deployment.yaml'), 'utf8');
    await client.notify('textDocument/didOpen', {
      textDocument: { uri: docUri, languageId: 'yaml', version: 1, text },
    });
    // Line 12 is `        app: web` in the template labels: change the value to `web2`.
    await client.notify('textDocument/didChange', {
      textDocument: { uri: docUri, version: 2 },
      contentChanges: [
        { range: { start: { line: 12, character: 13 }, end: { line: 12, character: 16 } }, text: 'web2' },
      ],
    });
    const ds = await client.waitFor(
      uri(file('service.yaml')),
      has('service-selector-orphaned'),
      'the orphaned Service',
    );
    const d = ds.find((x) => x.code === 'service-selector-orphaned')!;
    assert.match(d.message, /Closest: Deployment 'web' has app=web2/);
    assert.ok(d.relatedInformation?.some((r) => r.location.uri === docUri));
    await client.notify('textDocument/didChange', {
      textDocument: { uri: docUri, version: 3 },
      contentChanges: [
        { range: { start: { line: 12, character: 13 }, end: { line: 12, character: 17 } }, text: 'web' },
      ],
    });
    await client.waitFor(uri(file('service.yaml')), clean, 'the diagnostic to clear');
    await client.notify('textDocument/didClose', { textDocument: { uri: docUri } });
  });

  test('files created and deleted on disk are picked up through watched-file events', async () => {
    const extra = file('extra.yaml');
    fs.writeFileSync(
      extra,
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: extra\nspec:\n  selector:\n    app: webb\n  ports:\n    - port: 80\n',
    );
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(extra), type: 1 }] });
    await client.waitFor(uri(extra), has('service-selector-orphaned'), 'the new file');
    fs.rmSync(extra);
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(extra), type: 3 }] });
    await client.waitFor(uri(extra), clean, 'the deleted file to clear');
  });

  test('a settings change applies without restart', async () => {
    client.settings = { rules: { 'ingress-backend-service-missing': 'off' } };
    await client.notify('workspace/didChangeConfiguration', { settings: {} });
    await client.waitFor(uri(file('ingress.yaml')), clean, 'the rule to be switched off');
    client.settings = {};
    await client.notify('workspace/didChangeConfiguration', { settings: {} });
    await client.waitFor(uri(file('ingress.yaml')), has('ingress-backend-service-missing'), 'the rule to be back');
  });

  test('malformed documents get a syntax diagnostic and the server keeps answering', async () => {
    const badUri = uri(file('bad.yaml'));
    await client.notify('textDocument/didOpen', {
      textDocument: {
        uri: badUri,
        languageId: 'yaml',
        version: 1,
        text: 'apiVersion: v1\nkind: [\n\u0000\u0001\ufffd: [[[',
      },
    });
    const ds = await client.waitFor(badUri, has('yaml-syntax'), 'a syntax error');
    assert.equal(ds[0].severity, 1);
    const hover = await client.request<unknown>('textDocument/hover', {
      textDocument: { uri: badUri },
      position: { line: 1, character: 3 },
    });
    assert.equal(hover, null);
    await client.notify('textDocument/didClose', { textDocument: { uri: badUri } });
    await client.waitFor(badUri, clean, 'closing an unsaved file to clear it');
    assert.equal(client.exited, undefined, 'the server is still running');
  });
});

describe('requests', () => {
  const ingressUri = () => uri(file('ingress.yaml'));

  test('hover on a Service explains its endpoints', async () => {
    const h = await client.request<{ contents: { kind: string; value: string } }>('textDocument/hover', {
      textDocument: { uri: uri(file('service.yaml')) },
      position: { line: 3, character: 8 },
    });
    assert.equal(h.contents.kind, 'markdown');
    assert.match(h.contents.value, /`web\.default\.svc\.cluster\.local`/);
    assert.match(h.contents.value, /web:8080 \(http\) in \[Deployment web\]\(file:\/\/[^)]+deployment\.yaml#L4\)/);
  });

  test('definition of a backend name is the Service', async () => {
    const locs = await client.request<{ uri: string; range: { start: { line: number } } }[]>(
      'textDocument/definition',
      { textDocument: { uri: ingressUri() }, position: { line: 13, character: 24 } },
    );
    assert.deepEqual(
      locs.map((l) => [l.uri, l.range.start.line]),
      [[uri(file('service.yaml')), 3]],
    );
  });

  test('references of a Service include the Ingress backend', async () => {
    const locs = await client.request<{ uri: string; range: { start: { line: number } } }[]>(
      'textDocument/references',
      {
        textDocument: { uri: uri(file('service.yaml')) },
        position: { line: 3, character: 8 },
        context: { includeDeclaration: false },
      },
    );
    assert.deepEqual(
      locs.map((l) => [l.uri, l.range.start.line]),
      [[ingressUri(), 13]],
    );
  });

  test('code lenses, document symbols and workspace symbols', async () => {
    const lenses = await client.request<{ command: { title: string; command: string; arguments?: unknown[] } }[]>(
      'textDocument/codeLens',
      { textDocument: { uri: uri(file('service.yaml')) } },
    );
    assert.deepEqual(
      lenses.map((l) => l.command.title),
      ['→ Deployment web (2 pods)', '← 1 route', 'Show traffic'],
    );
    assert.deepEqual(lenses[2].command.arguments, ['Service/default/web']);
    const symbols = await client.request<{ name: string }[]>('textDocument/documentSymbol', {
      textDocument: { uri: ingressUri() },
    });
    assert.deepEqual(
      symbols.map((s) => s.name),
      ['Ingress/web'],
    );
    const all = await client.request<{ name: string }[]>('workspace/symbol', { query: 'deployment/' });
    assert.deepEqual(
      all.map((s) => s.name),
      ['web'],
    );
  });

  test('a quick fix inserts the disable comment above the diagnostic', async () => {
    const d = client.diagnostics.get(ingressUri())!.find((x) => x.code === 'ingress-backend-service-missing')!;
    const actions = await client.request<
      { title: string; edit: { changes: Record<string, { newText: string; range: { start: { line: number } } }[]> } }[]
    >('textDocument/codeAction', {
      textDocument: { uri: ingressUri() },
      range: d.range,
      context: { diagnostics: [d] },
    });
    const disable = actions.find((a) => a.title === 'Disable ingress-backend-service-missing for this line');
    assert.ok(disable, JSON.stringify(actions));
    const [edit] = disable.edit.changes[ingressUri()];
    assert.equal(
      edit.newText,
      '                # kube-traffic-lens-disable-next-line ingress-backend-service-missing\n',
    );
    assert.equal(edit.range.start.line, 20);
  });

  test('the traffic map request returns the graph model', async () => {
    const map = await client.request<TrafficMap>(TrafficMapRequest.method, {});
    assert.equal(map.version, 1);
    assert.ok(map.nodes.some((n) => n.id === 'Service/default/web'));
  });

  test('resourceAt names the resource whose document holds the position; resourceDetails gives its hover', async () => {
    const at = await client.request<ResourceAtResult | null>(ResourceAtRequest.method, {
      textDocument: { uri: uri(file('service.yaml')) },
      position: { line: 6, character: 2 },
    });
    assert.deepEqual(at, { resource: 'Service/default/web', kind: 'Service', name: 'web', namespace: 'default' });
    const details = await client.request<ResourceDetailsResult | null>(ResourceDetailsRequest.method, {
      resource: 'Service/default/web',
    });
    assert.match(details?.markdown ?? '', /`web\.default\.svc\.cluster\.local`/);
    assert.equal(await client.request(ResourceDetailsRequest.method, { resource: 'Service/default/nothing' }), null);
  });
});
