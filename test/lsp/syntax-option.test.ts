// Beside Red Hat's YAML extension the client asks the server not to report YAML syntax errors
// (initializationOptions.syntaxDiagnostics = false), so they are not reported twice.
import { test, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../support/cli';
import { LspClient, uri } from '../support/lspClient';

const client = new LspClient();
after(async () => {
  await client.stop();
});

test('syntax errors are left to the YAML extension; our rules still report', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-lsp-syntax-'));
  fs.cpSync(path.join(REPO_ROOT, 'test/fixtures/lsp/app'), root, { recursive: true });
  fs.writeFileSync(
    path.join(root, 'mixed.yaml'),
    'apiVersion: v1\nkind: [\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: typo\nspec:\n  selector:\n    app: webb\n  ports:\n    - port: 80\n',
  );
  await client.initialize(root, {}, { syntaxDiagnostics: false });
  const ds = await client.waitFor(uri(path.join(root, 'mixed.yaml')), (d) => !!d?.length, 'diagnostics of mixed.yaml');
  assert.deepEqual(
    ds.map((d) => d.code),
    ['service-selector-orphaned'],
  );
});
