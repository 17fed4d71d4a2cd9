// The language server stays responsive while it analyses: a change overtakes (cancels) the running
// analysis and only the latest text is published; requests are answered during a re-analysis from
// the last completed one. Runs on a generated workspace of some thousands of resources so that an
// analysis lasts far longer than a message takes to arrive. No timing is asserted, only ordering.
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LspClient, uri, type PublishedDiagnostic } from '../support/lspClient';

const NAMESPACES = 100;
const APPS = 10;

/** Per namespace, apps of a Deployment, a Service and a NetworkPolicy (one file each) that refer to each other. */
function generate(root: string): void {
  for (let n = 0; n < NAMESPACES; n++) {
    const ns = `team-${n}`;
    fs.mkdirSync(path.join(root, ns));
    for (let a = 0; a < APPS; a++) {
      const app = `app-${a}`;
      const next = `app-${(a + 1) % APPS}`;
      fs.writeFileSync(
        path.join(root, ns, `${app}-deployment.yaml`),
        `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${app}\n  namespace: ${ns}\nspec:\n  selector:\n    matchLabels:\n      app: ${app}\n  template:\n    metadata:\n      labels:\n        app: ${app}\n        tier: backend\n    spec:\n      containers:\n        - name: main\n          image: example/${app}:1\n          ports:\n            - name: http\n              containerPort: 8080\n          env:\n            - name: NEXT\n              value: http://${next}.${ns}.svc.cluster.local:80\n`,
      );
      fs.writeFileSync(
        path.join(root, ns, `${app}-service.yaml`),
        `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${app}\n  namespace: ${ns}\nspec:\n  selector:\n    app: ${app}\n  ports:\n    - name: http\n      port: 80\n      targetPort: http\n`,
      );
      fs.writeFileSync(
        path.join(root, ns, `${app}-policy.yaml`),
        `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: ${app}\n  namespace: ${ns}\nspec:\n  podSelector:\n    matchLabels:\n      app: ${app}\n  ingress:\n    - from:\n        - podSelector:\n            matchLabels:\n              tier: backend\n      ports:\n        - port: http\n`,
      );
    }
  }
}

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-lsp-responsive-'));
generate(root);
const deployment = path.join(root, 'team-7', 'app-3-deployment.yaml');
const service = path.join(root, 'team-7', 'app-3-service.yaml');
const otherService = path.join(root, 'team-42', 'app-5-service.yaml');
const orphaned = (d: PublishedDiagnostic[] | undefined) => !!d?.some((x) => x.code === 'service-selector-orphaned');
const client = new LspClient();

/** Resolves once the server has logged a line matching re after the first `from` lines. */
async function logged(re: RegExp, from: number): Promise<number> {
  for (let i = 0; i < 6000; i++) {
    const at = client.log.findIndex((l, k) => k >= from && re.test(l));
    if (at >= 0) return at;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`no log line ${re} after ${from}: ${JSON.stringify(client.log)}`);
}

before(async () => {
  await client.initialize(root);
});
after(async () => {
  await client.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

test('rapid edits overtake running analyses; the diagnostics published last are those of the last version', async () => {
  const docUri = uri(deployment);
  const original = fs.readFileSync(deployment, 'utf8');
  // Opening a document as it is on disk changes nothing: no analysis, the next one is the settings'.
  await client.notify('textDocument/didOpen', {
    textDocument: { uri: docUri, languageId: 'yaml', version: 1, text: original },
  });
  // A settings change re-runs every rule: an analysis that takes far longer than a message.
  const from = client.log.length;
  client.settings = { rules: { 'service-reference-missing': 'error' } };
  await client.notify('workspace/didChangeConfiguration', { settings: {} });
  await logged(/^analysis started/, from);
  // Edits while it runs, each overtaking the analysis before it: version i sends NEXT to a
  // Service app-4a, app-4b, ... that does not exist, which is reported with the name.
  const labels = 'abcdefghijklmno';
  for (let i = 0; i < labels.length; i++) {
    const text = original.replace('http://app-4.team-7', `http://app-4${labels[i]}.team-7`);
    assert.notEqual(text, original);
    await client.notify('textDocument/didChange', {
      textDocument: { uri: docUri, version: i + 2 },
      contentChanges: [{ text }],
    });
    if (i === 0) {
      // The document changed since the last analysis: no answer at offsets that may have moved.
      const stale = await client.request<unknown>('textDocument/hover', {
        textDocument: { uri: docUri },
        position: { line: 3, character: 8 },
      });
      assert.equal(stale, null);
    }
  }
  const ds = await client.waitFor(
    docUri,
    (d) => !!d?.some((x) => x.message.includes("Service 'app-4o'")),
    'the last version to be published',
    60000,
  );
  assert.equal(ds.length, 1, JSON.stringify(ds));
  assert.equal(ds[0].code, 'service-reference-missing');
  assert.equal(ds[0].severity, 1, 'with the new settings');
  assert.match(
    ds[0].message,
    /'app-4o\.team-7\.svc\.cluster\.local' names Service 'app-4o' in namespace 'team-7', which does not exist\. Did you mean 'app-4'\?/,
  );
  await logged(/^analysis cancelled: overtaken by a newer change/, from);
  // Once analysed, the document is answered again.
  const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', {
    textDocument: { uri: docUri },
    position: { line: 3, character: 8 },
  });
  assert.match(hover?.contents.value ?? '', /Deployment/);
  await client.notify('textDocument/didClose', { textDocument: { uri: docUri } });
  await client.waitFor(
    docUri,
    (x) => x === undefined || x.length === 0,
    'closing the unsaved document to restore the file on disk',
    60000,
  );
});

test('a hover sent while a re-analysis runs is answered before that analysis publishes', async () => {
  const events: string[] = [];
  const serviceUri = uri(service);
  const from = client.log.length;
  // Make the file report, so that the re-analysis after the settings change has something to publish.
  const broken = fs.readFileSync(service, 'utf8').replace('app: app-3', 'app: app-3x');
  fs.writeFileSync(service, broken);
  await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: serviceUri, type: 2 }] });
  await client.waitFor(
    serviceUri,
    (d) => d?.find((x) => x.code === 'service-selector-orphaned')?.severity === 2,
    'the broken Service',
    60000,
  );
  const waitPublish = client
    .waitFor(
      serviceUri,
      (d) => d?.find((x) => x.code === 'service-selector-orphaned')?.severity === 1,
      'the severity change',
      60000,
    )
    .then(() => events.push('publish'));
  // A settings change: every rule runs again, and the Service's diagnostic becomes an error.
  const at = client.log.length;
  client.settings = { rules: { 'service-selector-orphaned': 'error' } };
  await client.notify('workspace/didChangeConfiguration', { settings: {} });
  await logged(/^analysis started/, Math.max(from, at));
  const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', {
    textDocument: { uri: uri(otherService) },
    position: { line: 3, character: 8 },
  });
  events.push('hover');
  assert.match(
    hover?.contents.value ?? '',
    /`app-5\.team-42\.svc\.cluster\.local`/,
    'answered from the last completed analysis',
  );
  assert.match(hover?.contents.value ?? '', /Selects \[Deployment app\\-5\]/);
  await waitPublish;
  assert.deepEqual(events, ['hover', 'publish']);
  fs.writeFileSync(service, broken.replace('app: app-3x', 'app: app-3'));
  await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: serviceUri, type: 2 }] });
  await client.waitFor(serviceUri, (d) => !orphaned(d), 'the restored Service', 60000);
});
