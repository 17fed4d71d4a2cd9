// Architecture invariants. The engine is pure: it imports nothing from vscode, the language server
// libraries, the file system or child processes; adapters do that. No module imports itself through
// others (type-only imports count: a cycle of types is still two modules that cannot be understood
// apart). And the ESLint layer rules (eslint.config.mjs) really reject the imports ARCHITECTURE.md
// forbids, so that a change of the config cannot silently turn them off.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './support/cli';

const FORBIDDEN = [
  /^vscode/,
  /^vscode-languageserver/,
  /^vscode-languageclient/,
  /^(node:)?fs(\/|$)/,
  /^(node:)?child_process$/,
  /^\.\.\/(lsp|cli|node)\//,
  /^\.\.\/\.\.\/(lsp|cli|node)\//,
];

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? tsFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Module specifiers of a file's static imports and re-exports, type-only ones included. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [
    ...text.matchAll(
      /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]|(?:require|import)\(\s*['"]([^'"]+)['"]\s*\)/g,
    ),
  ].map((m) => m[1] ?? m[2]);
}

test('the engine imports no adapter, protocol or I/O module', () => {
  const files = tsFiles(path.join(REPO_ROOT, 'server/src/engine'));
  assert.ok(files.length > 10);
  for (const file of files) {
    for (const spec of importsOf(file)) {
      assert.ok(!FORBIDDEN.some((re) => re.test(spec)), `${path.relative(REPO_ROOT, file)} imports ${spec}`);
    }
  }
});

/** The module graph of the sources: relative imports resolved to files. */
function moduleGraph(roots: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of roots.flatMap((r) => tsFiles(path.join(REPO_ROOT, r)))) {
    const targets: string[] = [];
    for (const spec of importsOf(file)) {
      if (!spec.startsWith('.')) continue;
      const base = path.resolve(path.dirname(file), spec);
      const target = [`${base}.ts`, path.join(base, 'index.ts')].find((f) => fs.existsSync(f));
      assert.ok(target, `${path.relative(REPO_ROOT, file)}: cannot resolve ${spec}`);
      targets.push(target);
    }
    graph.set(file, targets);
  }
  return graph;
}

/** Strongly connected components with more than one module (or a module importing itself): the cycles. */
function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

test('no import cycles among the sources', () => {
  const graph = moduleGraph(['server/src', 'client/src', 'client/webview']);
  assert.ok(graph.size > 50, `modules: ${graph.size}`);
  assert.deepEqual(
    cycles(graph).map((c) => c.map((f) => path.relative(REPO_ROOT, f)).join(' <-> ')),
    [],
  );
});

test('the cycle check finds a cycle', () => {
  const graph = new Map([
    ['a', ['b']],
    ['b', ['c']],
    ['c', ['a']],
    ['d', ['a']],
  ]);
  assert.deepEqual(cycles(graph), [['a', 'b', 'c']]);
});

test('the ESLint layer rules reject the imports ARCHITECTURE.md forbids', async () => {
  const { ESLint } = (await import('eslint')) as typeof import('eslint');
  const eslint = new ESLint({ cwd: REPO_ROOT });
  const cases: [file: string, code: string, rejected: boolean][] = [
    ['server/src/engine/graph.ts', "import * as fs from 'node:fs';", true],
    ['server/src/engine/model/service.ts', "import { x } from 'vscode-languageserver';", true],
    ['server/src/engine/graph.ts', "import { x } from '../node/readWorkspace';", true],
    ['server/src/engine/rules/x.ts', "import { x } from '../../lsp/server';", true],
    ['server/src/engine/queries/hover.ts', "import type { Analysis } from '../analyze';", true],
    ['server/src/engine/paths.ts', "import type { Analysis } from './analyze';", true],
    ['server/src/engine/rules/x.ts', "import { analyze } from '../analyze';", true],
    ['server/src/engine/queries/hover.ts', "import { resourceAnchor } from '../rules/rule';", true],
    ['server/src/engine/graph.ts', "import { hoverAt } from './queries';", true],
    ['server/src/engine/model/service.ts', "import { RULES } from '../rules';", true],
    // What is allowed: the layers below, and the entry points importing the layers.
    ['server/src/engine/queries/hover.ts', "import type { Analysis } from '../analysis';", false],
    ['server/src/engine/analyze.ts', "import { RULES } from './rules';", false],
    ['server/src/engine/rules/x.ts', "import type { TrafficGraph } from '../graph';", false],
    ['server/src/cli/check.ts', "import * as fs from 'node:fs';", false],
  ];
  for (const [file, code, rejected] of cases) {
    const [result] = await eslint.lintText(`${code}\n`, { filePath: path.join(REPO_ROOT, file) });
    const restricted = result.messages.filter((m) => m.ruleId === 'no-restricted-imports');
    assert.equal(
      restricted.length > 0,
      rejected,
      `${file}: ${code} -> ${JSON.stringify(result.messages.map((m) => m.message))}`,
    );
  }
});

// Spreading an array into a call's arguments (`push(...xs)`, `Math.max(...xs)`) puts every item on
// the stack: above ~120k items it throws RangeError, so one large input could stop an analysis.
// Loops instead; only spreads of array literals (a fixed, written-out count) are allowed.
test('no call spreads an array of input-driven length into its arguments', async () => {
  const ts = await import('typescript');
  const files = ['server/src', 'client/src', 'client/webview'].flatMap((d) =>
    fs.existsSync(path.join(REPO_ROOT, d)) ? tsFiles(path.join(REPO_ROOT, d)) : [],
  );
  assert.ok(files.length > 20);
  const offences: string[] = [];
  for (const file of files) {
    const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: import('typescript').Node) => {
      if (
        ts.isSpreadElement(node) &&
        (ts.isCallExpression(node.parent) || ts.isNewExpression(node.parent)) &&
        !ts.isArrayLiteralExpression(node.expression)
      ) {
        const { line } = source.getLineAndCharacterOfPosition(node.getStart());
        offences.push(`${path.relative(REPO_ROOT, file)}:${line + 1}: ${node.parent.getText().slice(0, 80)}`);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  assert.deepEqual(offences, []);
});
