// The language server on the example workspace (examples/), as a user meets it: diagnostics of the
// documented mistakes, and hover, definition, references, completion and quick fixes on them.
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../support/cli';
import { LspClient, uri } from '../support/lspClient';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-lsp-examples-'));
fs.cpSync(path.join(REPO_ROOT, 'examples'), root, { recursive: true });
const shop = (f: string) => uri(path.join(root, 'shop', f));
const client = new LspClient();
type Range = { start: { line: number; character: number }; end: { line: number; character: number } };

before(async () => {
  await client.initialize(root);
});
after(async () => {
  await client.stop();
});

test('the documented mistakes are published, in files that are not open', async () => {
  const codes = async (f: string, n: number) =>
    (await client.waitFor(shop(f), (d) => (d?.length ?? 0) >= n, f))
      .map((d) => `${d.range.start.line + 1}:${d.code}`)
      .sort();
  assert.deepEqual(await codes('ingress.yaml', 2), [
    '29:ingress-backend-port-missing',
    '37:ingress-backend-service-missing',
  ]);
  assert.deepEqual(await codes('data.yaml', 1), ['69:service-selector-orphaned']);
  assert.deepEqual(await codes('search.yaml', 1), ['33:service-target-port-unmatched']);
});

test('hover on the Ingress name lists every path with its broken links', async () => {
  const h = await client.request<{ contents: { value: string } }>('textDocument/hover', {
    textDocument: { uri: shop('ingress.yaml') },
    position: { line: 3, character: 9 },
  });
  const lines = h.contents.value.split('\n').filter((l) => l.startsWith('- '));
  assert.equal(lines.length, 3);
  assert.match(
    lines[0],
    /shop\\\.example\\\.com\/ → \[Service frontend:http\]\([^)]+\) → \[Deployment frontend\]\([^)]+\) \(3 pods\) → nginx:80 \(http\)/,
  );
  assert.match(lines[1], /shop\\\.example\\\.com\/api → \[Service tomcat:80\]\([^)]+\) ⚠ \*\*no such port\*\*/);
  assert.match(lines[2], /admin\\\.example\\\.com\/ → ⚠ Service `admin:80` \*\*does not exist\*\*/);
});

test('definition and references connect the Ingress and the Service', async () => {
  const def = await client.request<{ uri: string; range: Range }[]>('textDocument/definition', {
    textDocument: { uri: shop('ingress.yaml') },
    position: { line: 26, character: 24 },
  });
  assert.deepEqual(
    def.map((l) => [l.uri, l.range.start.line + 1]),
    [[shop('tomcat.yaml'), 33]],
  );
  const refs = await client.request<{ uri: string; range: Range }[]>('textDocument/references', {
    textDocument: { uri: shop('tomcat.yaml') },
    position: { line: 32, character: 9 },
    context: { includeDeclaration: true },
  });
  assert.deepEqual(
    refs.map((l) => [l.uri, l.range.start.line + 1]),
    [
      [shop('tomcat.yaml'), 33],
      [shop('ingress.yaml'), 27],
    ],
  );
});

test('completion offers the namespace’s Services in an Ingress backend', async () => {
  const text = fs.readFileSync(path.join(root, 'shop/ingress.yaml'), 'utf8').replace('name: admin', 'name: ');
  await client.notify('textDocument/didOpen', {
    textDocument: { uri: shop('ingress.yaml'), languageId: 'yaml', version: 1, text },
  });
  const items = await client.request<{ label: string; textEdit?: { newText: string } }[]>('textDocument/completion', {
    textDocument: { uri: shop('ingress.yaml') },
    position: { line: 36, character: 22 },
  });
  const labels = items.map((i) => i.label);
  for (const name of ['frontend', 'frontend-public', 'tomcat', 'postgres', 'redis', 'search'])
    assert.ok(labels.includes(name), labels.join());
  await client.notify('textDocument/didClose', { textDocument: { uri: shop('ingress.yaml') } });
});

test('quick fix replaces the orphaned selector value with the near miss', async () => {
  const [d] = await client.waitFor(shop('data.yaml'), (x) => !!x?.length, 'data.yaml');
  const actions = await client.request<
    { title: string; isPreferred?: boolean; edit: { changes: Record<string, { range: Range; newText: string }[]> } }[]
  >('textDocument/codeAction', {
    textDocument: { uri: shop('data.yaml') },
    range: d.range,
    context: { diagnostics: [d] },
  });
  assert.deepEqual(
    actions.map((a) => a.title),
    ['Change to app: redis (Deployment redis)', 'Disable service-selector-orphaned for this line'],
  );
  assert.equal(actions[0].isPreferred, true);
  const [edit] = actions[0].edit.changes[shop('data.yaml')];
  assert.deepEqual(edit, {
    range: { start: { line: 68, character: 9 }, end: { line: 68, character: 15 } },
    newText: 'redis',
  });
});
