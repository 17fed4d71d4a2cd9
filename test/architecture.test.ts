// Architecture invariant: the engine is pure. It imports nothing from vscode, the language server
// libraries, the file system or child processes; adapters do that.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './support/cli';

const FORBIDDEN = [/^vscode/, /^vscode-languageserver/, /^vscode-languageclient/, /^(node:)?fs(\/|$)/, /^(node:)?child_process$/, /^\.\.\/(lsp|cli|node)\//, /^\.\.\/\.\.\/(lsp|cli|node)\//];

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? tsFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

test('the engine imports no adapter, protocol or I/O module', () => {
  const files = tsFiles(path.join(REPO_ROOT, 'server/src/engine'));
  assert.ok(files.length > 10);
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from\s+|require\()\s*['"]([^'"]+)['"]/g)) {
      const spec = m[1];
      assert.ok(!FORBIDDEN.some((re) => re.test(spec)), `${path.relative(REPO_ROOT, file)} imports ${spec}`);
    }
  }
});

// Spreading an array into a call's arguments (`push(...xs)`, `Math.max(...xs)`) puts every item on
// the stack: above ~120k items it throws RangeError, so one large input could stop an analysis.
// Loops instead; only spreads of array literals (a fixed, written-out count) are allowed.
test('no call spreads an array of input-driven length into its arguments', async () => {
  const ts = await import('typescript');
  const files = ['server/src', 'client/src', 'client/webview'].flatMap((d) => (fs.existsSync(path.join(REPO_ROOT, d)) ? tsFiles(path.join(REPO_ROOT, d)) : []));
  assert.ok(files.length > 20);
  const offences: string[] = [];
  for (const file of files) {
    const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: import('typescript').Node) => {
      if (ts.isSpreadElement(node) && (ts.isCallExpression(node.parent) || ts.isNewExpression(node.parent)) && !ts.isArrayLiteralExpression(node.expression)) {
        const { line } = source.getLineAndCharacterOfPosition(node.getStart());
        offences.push(`${path.relative(REPO_ROOT, file)}:${line + 1}: ${node.parent.getText().slice(0, 80)}`);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  assert.deepEqual(offences, []);
});
