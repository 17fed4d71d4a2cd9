// What the language server analyses after indexing is what indexing would read: files under
// node_modules or an excluded glob stay out when they change on disk or are opened, and changing
// `exclude` lists the folders again.
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hasRule as has, isClean as clean, LspClient, uri } from '../support/lspClient';

const ORPHAN = (name: string) =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  selector:\n    app: ${name}-typo\n  ports:\n    - port: 80\n`;
const DEPLOYMENT = (name: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  selector:\n    matchLabels:\n      app: ${name}\n  template:\n    metadata:\n      labels:\n        app: ${name}\n    spec:\n      containers:\n        - name: app\n          image: ${name}:1\n`;

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-lsp-listing-'));
const file = (name: string) => path.join(root, name);
const write = (name: string, text: string) => {
  fs.mkdirSync(path.dirname(file(name)), { recursive: true });
  fs.writeFileSync(file(name), text);
};
// One app with pod templates everywhere a Service sits, so that an orphaned selector is judged.
write('app/deployment.yaml', DEPLOYMENT('web'));
write('app/service.yaml', ORPHAN('web'));
write('app/legacy/service.yaml', `${DEPLOYMENT('old')}---\n${ORPHAN('old')}`);
write('node_modules/chart/service.yaml', `${DEPLOYMENT('dep')}---\n${ORPHAN('dep')}`);
write('vendor/service.yaml', `${DEPLOYMENT('ven')}---\n${ORPHAN('ven')}`);
write('.kube-traffic-lens.yaml', 'exclude:\n  - vendor/**\n');

const client = new LspClient();

before(async () => {
  await client.initialize(root);
});
after(async () => {
  await client.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

/** Waits for an analysis that follows everything sent so far, by toggling a finding in app/service.yaml. */
let toggles = 0;
async function settle() {
  toggles++;
  const broken = toggles % 2 === 1;
  await client.notify('textDocument/didOpen', {
    textDocument: {
      uri: uri(file(`app/probe-${toggles}.yaml`)),
      languageId: 'yaml',
      version: 1,
      text: broken ? ORPHAN(`probe${toggles}`) : DEPLOYMENT(`probe${toggles}`),
    },
  });
  if (broken)
    await client.waitFor(uri(file(`app/probe-${toggles}.yaml`)), has('service-selector-orphaned'), 'the probe');
  else await new Promise((r) => setTimeout(r, 1500));
}

test('indexing reads neither node_modules nor excluded folders', async () => {
  await client.waitFor(uri(file('app/service.yaml')), has('service-selector-orphaned'), 'the app');
  await client.waitFor(uri(file('app/legacy/service.yaml')), has('service-selector-orphaned'), 'the legacy app');
  assert.ok(clean(client.diagnostics.get(uri(file('node_modules/chart/service.yaml')))));
  assert.ok(clean(client.diagnostics.get(uri(file('vendor/service.yaml')))));
});

test('watched-file events and opened documents under node_modules or an excluded glob are not analysed', async () => {
  write('node_modules/chart/new.yaml', `${DEPLOYMENT('nm')}---\n${ORPHAN('nm')}`);
  write('vendor/new.yaml', `${DEPLOYMENT('vn')}---\n${ORPHAN('vn')}`);
  await client.notify('workspace/didChangeWatchedFiles', {
    changes: [
      { uri: uri(file('node_modules/chart/new.yaml')), type: 1 },
      { uri: uri(file('vendor/new.yaml')), type: 1 },
      { uri: uri(file('node_modules/chart/service.yaml')), type: 2 },
    ],
  });
  await client.notify('textDocument/didOpen', {
    textDocument: {
      uri: uri(file('vendor/service.yaml')),
      languageId: 'yaml',
      version: 1,
      text: `${DEPLOYMENT('ven')}---\n${ORPHAN('ven2')}`,
    },
  });
  await settle();
  for (const name of [
    'node_modules/chart/new.yaml',
    'vendor/new.yaml',
    'node_modules/chart/service.yaml',
    'vendor/service.yaml',
  ]) {
    assert.ok(clean(client.diagnostics.get(uri(file(name)))), name);
  }
  assert.ok(
    has('service-selector-orphaned')(client.diagnostics.get(uri(file('app/service.yaml')))),
    'the app is still analysed',
  );
});

test('changing exclude lists the folders again', async () => {
  client.settings = { exclude: ['app/legacy/**'] };
  await client.notify('workspace/didChangeConfiguration', { settings: {} });
  await client.waitFor(uri(file('app/legacy/service.yaml')), clean, 'the newly excluded folder to clear');
  assert.ok(has('service-selector-orphaned')(client.diagnostics.get(uri(file('app/service.yaml')))));
  client.settings = {};
  await client.notify('workspace/didChangeConfiguration', { settings: {} });
  await client.waitFor(
    uri(file('app/legacy/service.yaml')),
    has('service-selector-orphaned'),
    'the folder to be read again',
  );
  // The settings add to the file's exclude list: vendor/ stayed out throughout.
  assert.ok(clean(client.diagnostics.get(uri(file('vendor/new.yaml')))));
});
