// The TextMate injection grammar, tokenized with vscode-textmate and vscode-oniguruma (the engine
// VS Code itself uses) over the YAML base grammar: asserts the scopes of sample lines.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vsctm from 'vscode-textmate';
import * as oniguruma from 'vscode-oniguruma';
import { REPO_ROOT } from '../support/cli';

const INJECTION = path.join(REPO_ROOT, 'syntaxes/kubernetes-networking.injection.tmLanguage.json');
const YAML_GRAMMAR = path.join(REPO_ROOT, 'node_modules/tm-grammars/grammars/yaml.json');
const ONIG_WASM = path.join(REPO_ROOT, 'node_modules/vscode-oniguruma/release/onig.wasm');

async function loadYamlWithInjection(): Promise<vsctm.IGrammar> {
  const wasm = fs.readFileSync(ONIG_WASM);
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName) => {
      const file =
        scopeName === 'source.yaml'
          ? YAML_GRAMMAR
          : scopeName === 'kubernetes-networking.injection'
            ? INJECTION
            : undefined;
      return file ? vsctm.parseRawGrammar(fs.readFileSync(file, 'utf8'), file) : null;
    },
    getInjections: (scopeName) => (scopeName === 'source.yaml' ? ['kubernetes-networking.injection'] : undefined),
  });
  const grammar = await registry.loadGrammar('source.yaml');
  assert.ok(grammar, 'grammar loads');
  return grammar;
}

/** Tokenizes a document and returns, per line, [text, scopes] for each token. */
function tokenize(grammar: vsctm.IGrammar, text: string): { text: string; scopes: string[] }[][] {
  let state = vsctm.INITIAL;
  return text.split('\n').map((line) => {
    const r = grammar.tokenizeLine(line, state);
    state = r.ruleStack;
    return r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
  });
}

function scopeOf(lines: { text: string; scopes: string[] }[][], lineNo: number, tokenText: string): string[] {
  const token = lines[lineNo].find((t) => t.text === tokenText);
  assert.ok(token, `token '${tokenText}' on line ${lineNo}: ${JSON.stringify(lines[lineNo].map((t) => t.text))}`);
  return token.scopes;
}

const SAMPLE = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web  # kind: Fake
spec:
  rules:
    - http:
        paths:
          - backend:
              service:
                name: web
                port:
                  number: 8080
---
apiVersion: v1
kind: Service
spec:
  selector:
    app: web
  ports:
    - port: 80
      targetPort: http
      nodePort: 30080
description: "kind: NotAKind"`;

test('highlights apiVersion and kind values', async () => {
  const lines = tokenize(await loadYamlWithInjection(), SAMPLE);
  assert.ok(scopeOf(lines, 0, 'networking.k8s.io/v1').includes('support.type.kubernetes.api-version'));
  assert.ok(scopeOf(lines, 1, 'Ingress').includes('entity.name.type.kubernetes.kind'));
  assert.ok(scopeOf(lines, 14, 'v1').includes('support.type.kubernetes.api-version'));
  assert.ok(scopeOf(lines, 15, 'Service').includes('entity.name.type.kubernetes.kind'));
});

test('highlights networking keys and port values', async () => {
  const lines = tokenize(await loadYamlWithInjection(), SAMPLE);
  assert.ok(scopeOf(lines, 17, 'selector').includes('keyword.other.kubernetes.networking'));
  assert.ok(scopeOf(lines, 19, 'ports').includes('keyword.other.kubernetes.networking'));
  assert.ok(scopeOf(lines, 20, 'port').includes('keyword.other.kubernetes.networking.port'));
  assert.ok(scopeOf(lines, 20, '80').includes('constant.numeric.integer.kubernetes.port'));
  assert.ok(scopeOf(lines, 21, 'targetPort').includes('keyword.other.kubernetes.networking.port'));
  assert.ok(scopeOf(lines, 21, 'http').includes('variable.other.constant.kubernetes.port-name'));
  assert.ok(scopeOf(lines, 22, '30080').includes('constant.numeric.integer.kubernetes.port'));
  assert.ok(scopeOf(lines, 9, 'service').includes('keyword.other.kubernetes.networking'));
  assert.ok(scopeOf(lines, 12, '8080').includes('constant.numeric.integer.kubernetes.port'));
});

// The YAML grammar on npm (textmate/yaml.tmbundle) does not scope block scalar content as strings,
// so exclusion from block strings (`-string.unquoted.block` in the selector) is asserted only in
// the real editor, with VS Code's own YAML grammar.
test('leaves comments and values that are not Kubernetes keys alone', async () => {
  const lines = tokenize(await loadYamlWithInjection(), SAMPLE);
  const plain = (line: number) => lines[line].every((t) => !t.scopes.some((s) => s.includes('kubernetes')));
  assert.ok(plain(3), 'a comment containing kind: on line 3');
  assert.ok(plain(2), 'metadata key');
  assert.ok(plain(18), 'selector entry app: web');
});
