// Output a crafted manifest name cannot take over: Mermaid labels, terminal text and SARIF
// messages escape what each target would interpret (through the CLI process).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from './support/cli';

const EVIL =
  'x\\"]\\n%%\\nclick n0 call alert(1)\\n%%[y](command:workbench.action.terminal.new)\\u001b]0;pwned\\u0007\\u001b[2J\\nall checks passed';
const MANIFEST = `apiVersion: v1\nkind: Service\nmetadata:\n  name: "${EVIL}"\nspec:\n  selector: {app: nothing}\n  ports: [{port: 80}]\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {app: other}}\nspec:\n  containers: [{name: c, image: i}]\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: "i\\n%%"}\nspec:\n  rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: "${EVIL}", port: {number: 81}}}}]}}]\n`;

function workspace(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-output-'));
  fs.mkdirSync(path.join(dir, 'a dir#1'));
  fs.writeFileSync(path.join(dir, 'a dir#1', 'evil.yaml'), MANIFEST);
  return dir;
}

test('mermaid: a name cannot add a line, a node, a click action or a comment', () => {
  const r = runCli(['graph', '--format', 'mermaid', '.'], { cwd: workspace() });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.ok(
    lines.some((l) => l.includes('click n0 call alert')),
    'the name is in a label',
  );
  for (const l of lines) {
    assert.doesNotMatch(l, /^\s*(click|%%)/, l);
    assert.doesNotMatch(l, /[\u0000-\u001f]/);
    // Inside a label, only entities: no quote, bracket or pipe of the name's own.
    for (const label of l.match(/"[^"]*"/g) ?? []) assert.doesNotMatch(label.slice(1, -1), /[[\]{}()|%]/, label);
  }
});

test('text output: control characters and newlines in names are shown escaped', () => {
  const r = runCli(['check', '.'], { cwd: workspace() });
  assert.ok(r.status === 1, r.stderr);
  assert.doesNotMatch(r.stdout, /\u001b|\u0007/);
  assert.ok(!r.stdout.split('\n').some((l) => l.startsWith('all checks passed')), 'no forged line');
  assert.match(r.stdout, /\\n%%\\nclick n0 call alert\(1\)/);
  assert.match(r.stdout, /\\x1b\]0;pwned\\x07/);
  const g = runCli(['graph', '.'], { cwd: workspace() });
  assert.doesNotMatch(g.stdout, /\u001b/);
  assert.ok(!g.stdout.split('\n').some((l) => l.startsWith('all checks passed')));
});

test('SARIF: message text has no control characters and no live links; URIs are percent-encoded', () => {
  const dir = workspace();
  const r = runCli(['check', '--format', 'sarif', '.'], { cwd: dir });
  const sarif = JSON.parse(r.stdout);
  const run = sarif.runs[0];
  const texts: string[] = run.results.flatMap(
    (res: { message: { text: string }; relatedLocations?: { message?: { text: string } }[] }) => [
      res.message.text,
      ...(res.relatedLocations ?? []).map((l) => l.message?.text ?? ''),
    ],
  );
  assert.ok(
    texts.some((t) => t.includes('command:workbench')),
    'the name is in a message',
  );
  for (const t of texts) {
    assert.doesNotMatch(t, /[\u0000-\u001f]/);
    assert.doesNotMatch(t, /(^|[^\\])\[[^\]]*(^|[^\\])\]\(/, t); // no unescaped [text](target)
  }
  assert.equal(run.results[0].locations[0].physicalLocation.artifactLocation.uri, 'a%20dir%231/evil.yaml');
  assert.match(run.originalUriBaseIds['%SRCROOT%'].uri, /^file:\/\/\/.*\/$/);
  assert.doesNotMatch(run.originalUriBaseIds['%SRCROOT%'].uri, / /);
});
