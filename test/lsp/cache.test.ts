// The language server's persistent cache in the client's storage (initializationOptions.storagePath):
// a second start of an unchanged workspace publishes the stored diagnostics before analysing and
// reads the files' trees back instead of parsing them; any change means nothing stale is shown.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../support/cli';
import { LspClient, type PublishedDiagnostic } from '../support/lspClient';

async function waitForLog(client: LspClient, pattern: RegExp): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const line = client.log.find((l) => pattern.test(l));
    if (line) return line;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no log line ${pattern}; have ${client.log.join('\n')}`);
}

async function session(root: string, storagePath: string) {
  const client = new LspClient();
  try {
    await client.initialize(root, {}, { storagePath });
    const cacheLine = await waitForLog(client, /^cache: /);
    const diagnostics = new Map<string, PublishedDiagnostic[]>([...client.diagnostics].filter(([, d]) => d.length > 0));
    return { log: [...client.log], cacheLine, diagnostics };
  } finally {
    await client.stop();
  }
}

test('a warm start publishes the stored diagnostics at once and parses nothing', async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-lsp-cache-ws-'));
  const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-lsp-storage-'));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  t.after(() => fs.rmSync(storage, { recursive: true, force: true }));
  fs.cpSync(path.join(REPO_ROOT, 'examples/shop'), root, { recursive: true });

  const cold = await session(root, storage);
  assert.ok(cold.diagnostics.size >= 3, 'the example has findings in several files');
  assert.match(cold.cacheLine, /^cache: 0 files read back, [1-9]\d* parsed/);
  assert.ok(!cold.log.some((l) => /cached diagnostics/.test(l)));
  assert.ok(fs.existsSync(path.join(storage, 'cache', 'parse-v1.json')));

  const warm = await session(root, storage);
  assert.ok(
    warm.log.some((l) => /^published \d+ cached diagnostics for an unchanged workspace/.test(l)),
    warm.log.join('\n'),
  );
  assert.match(warm.cacheLine, /^cache: [1-9]\d* files read back, 0 parsed/);
  assert.deepEqual(warm.diagnostics, cold.diagnostics);

  // One edited file: nothing is published from the stale result; the other files' trees are reused.
  const ingress = path.join(root, 'ingress.yaml');
  fs.writeFileSync(ingress, fs.readFileSync(ingress, 'utf8').replace('name: admin', 'name: frontend'));
  const edited = await session(root, storage);
  assert.ok(!edited.log.some((l) => /cached diagnostics/.test(l)));
  assert.match(edited.cacheLine, /^cache: [1-9]\d* files read back, 1 parsed/);
  assert.notDeepEqual(edited.diagnostics, cold.diagnostics);
});

test('an unwritable storage path is logged and the server works without a cache', async (t) => {
  const blocker = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-lsp-storage-')), 'file');
  fs.writeFileSync(blocker, 'not a directory');
  t.after(() => fs.rmSync(path.dirname(blocker), { recursive: true, force: true }));
  const result = await session(path.join(REPO_ROOT, 'examples/shop'), blocker);
  assert.match(result.cacheLine, /cannot write .*ENOTDIR/);
  assert.ok(result.diagnostics.size >= 3);
});
