// A one-shot analysis reads what it needs of each plain manifest's trees as soon as the file is
// read (typed views and own facts: engine/model/ownFacts.ts, engine/workspace/load.ts) and lets the
// trees go: the graph and the rules then judge without them, and no tree is parsed again but that
// of a ConfigMap a pod reads. A fact that cannot be read fails the rule that asks, and only it, as
// reading the tree when asked does in a long-lived Analyzer.
import { test, type TestContext } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, Analyzer, DEFAULT_CONFIG, type Analysis } from '../../server/src/engine';
import { typedView } from '../../server/src/engine/graph/views';
import { factsReadAhead } from '../../server/src/engine/model/ownFacts';
import { MapNode, PairNode, ScalarNode, SeqNode } from '../../server/src/engine/yamlTree';
import { FileEntry } from '../../server/src/engine/workspace/read';
import { TreeKeeper, type FileTrees } from '../../server/src/engine/workspace/trees';
import { ownFact } from '../../server/src/engine/rules/ownFacts';
import { defineRule } from '../../server/src/engine/rules/rule';
import { readWorkspace } from '../../server/src/node/readWorkspace';
import { REPO_ROOT } from '../support/cli';
import { corpusDir, needsCorpus } from '../support/corpus';
import { diagnosticSummary as summary } from '../support/diagnosticSummary';
import { generatedWorkspace } from '../support/mapWorkspaces';

/**
 * Analyses each workspace once; returns the analyses and the files whose trees were parsed again,
 * `dir/file`, each but those holding a ConfigMap (whose data a pod's environment may read:
 * model/references.ts reads it when asked).
 */
function parsedAgain(t: TestContext, dirs: readonly string[]): { again: string[]; analyses: Analysis[] } {
  const readAgain: FileTrees[] = [];
  const original = TreeKeeper.prototype.readAgain;
  t.mock.method(TreeKeeper.prototype, 'readAgain', function (this: TreeKeeper, trees: FileTrees, chars: number) {
    readAgain.push(trees);
    original.call(this, trees, chars);
  });
  const again: string[] = [];
  const analyses: Analysis[] = [];
  for (const dir of dirs) {
    const { files } = readWorkspace([dir], { base: dir, config: DEFAULT_CONFIG });
    readAgain.length = 0;
    const analysis = analyze({ files, config: DEFAULT_CONFIG });
    const fileOf = new Map<FileTrees, string>();
    for (const [file, entry] of analysis.workspace.files)
      if (entry instanceof FileEntry && entry.trees) fileOf.set(entry.trees, file);
    const configMapFiles = new Set(
      analysis.workspace.resources.filter((r) => r.kind === 'ConfigMap').map((r) => r.file),
    );
    for (const trees of readAgain) {
      const file = fileOf.get(trees);
      if (file === undefined || !configMapFiles.has(file)) again.push(`${path.basename(dir)}/${file}`);
    }
    analyses.push(analysis);
  }
  return { again, analyses };
}

/** How often trees were parsed again since the test began (TreeKeeper.readAgain, mocked by parsedAgain). */
const readAgainCalls = () =>
  (TreeKeeper.prototype.readAgain as unknown as { mock: { callCount(): number } }).mock.callCount();

const fixtureDirs = () => {
  const root = path.join(REPO_ROOT, 'test/fixtures/rules');
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => path.join(root, d.name));
};

test('a one-shot analysis parses the examples and every rule fixture once', (t) => {
  const { again, analyses } = parsedAgain(t, [path.join(REPO_ROOT, 'examples'), ...fixtureDirs()]);
  assert.deepEqual(again, [], 'trees parsed again for something other than a ConfigMap');
  const diagnostics = analyses.reduce((n, a) => n + a.diagnostics.length, 0);
  assert.ok(diagnostics > 100, `${diagnostics} diagnostics`);

  // The trees were let go: a tree read after the analysis is parsed again, the same.
  const examples = analyses[0];
  const deployment = examples.workspace.resources.find(
    (r) => r.kind === 'Deployment' && (examples.workspace.files.get(r.file) as FileEntry | undefined)?.trees,
  );
  assert.ok(deployment, 'a Deployment of a plain manifest');
  const before = readAgainCalls();
  const kind = deployment.node.pairs.find((p) => p.key.value === 'kind')?.value;
  assert.equal(kind?.type === 'scalar' ? kind.value : undefined, 'Deployment');
  assert.equal(readAgainCalls(), before + 1, 'the tree was parsed again when read');
});

test('a one-shot analysis parses every corpus entry once, but ConfigMaps that pods read', needsCorpus, (t) => {
  const corpus = corpusDir();
  const entries = fs
    .readdirSync(corpus, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => path.join(corpus, d.name));
  assert.ok(entries.length >= 30, `${entries.length} corpus entries`);
  const { again, analyses } = parsedAgain(t, entries);
  assert.deepEqual(again, [], 'trees parsed again for something other than a ConfigMap');
  // Kustomize builds read their members' trees: those are not read ahead.
  const built = analyses.reduce((n, a) => n + a.workspace.kustomize.memberships.size, 0);
  assert.ok(built > 200, `${built} files in kustomize builds`);
});

/**
 * The places in `value` that hold a part of a tree (a mapping, a sequence or a pair: each holds the
 * nodes under it), by path. A lone scalar holds nothing else. Resources are not followed (an
 * instance finds its tree through its file's trees, let go between reads), nor functions.
 */
function treeParts(value: unknown, at: string, seen: Set<object>, out: string[]): void {
  if (typeof value !== 'object' || value === null || seen.has(value) || out.length > 20) return;
  seen.add(value);
  if (value instanceof MapNode || value instanceof SeqNode || value instanceof PairNode) {
    out.push(at);
    return;
  }
  if (value instanceof ScalarNode || value instanceof Error) return;
  if ('docIndex' in value && 'key' in value) return; // a Resource
  const entries: [string, unknown][] =
    value instanceof Map
      ? [...value.entries()].map(([k, v], i) => [`[${i}]`, [k, v]])
      : value instanceof Set
        ? [...value].map((v, i) => [`[${i}]`, v])
        : // What the object holds: its data properties (a getter computes, it holds nothing).
          Object.entries(Object.getOwnPropertyDescriptors(value)).flatMap(([k, d]) =>
            'value' in d ? [[k, d.value as unknown] as [string, unknown]] : [],
          );
  for (const [key, v] of entries) treeParts(v, `${at}.${key}`, seen, out);
}

test('what a one-shot analysis keeps of an instance, its view and own facts, holds no tree', () => {
  // Every manifest the repository holds (the examples, the rule fixtures, the other fixtures) and
  // a generated workspace of 100 apps, whose probes, addresses and autoscalers keep facts.
  const otherFixtures = ['cli', 'editor', 'lsp', 'workspace'].map((d) => path.join(REPO_ROOT, 'test/fixtures', d));
  const dirs = [path.join(REPO_ROOT, 'examples'), ...fixtureDirs(), ...otherFixtures, generatedWorkspace()];
  if (!needsCorpus.skip) dirs.push(corpusDir());
  const found: string[] = [];
  let facts = 0;
  for (const dir of dirs) {
    const { files } = readWorkspace([dir], { base: dir, config: DEFAULT_CONFIG });
    const analysis = analyze({ files, config: DEFAULT_CONFIG });
    for (const r of analysis.workspace.resources) {
      const kept = factsReadAhead(r);
      facts += kept?.length ?? 0;
      treeParts({ view: typedView(r), facts: kept }, `${path.basename(dir)}/${r.id}`, new Set(), found);
    }
  }
  assert.deepEqual(found, []);
  assert.ok(facts > 500, `${facts} facts kept`);
});

test('a fact that cannot be read fails the rule that asks, read ahead or when asked', () => {
  const portCount = ownFact('service', (service) => {
    if (service.resource.name === 'broken') throw new Error('cannot read this one');
    return service.ports.length;
  });
  const rule = defineRule({
    id: 'one-port-only',
    severity: 'warning',
    description: 'Test rule: a Service with more than one port.',
    remediation: 'None.',
    check: {
      service(ctx, service) {
        if ((portCount.of(service.resource) ?? 0) > 1)
          ctx.report({ span: service.resource.kindSpan, message: 'more than one port' });
      },
    },
  });
  const service = (name: string, ports: number[]) =>
    [
      'apiVersion: v1',
      'kind: Service',
      'metadata:',
      `  name: ${name}`,
      'spec:',
      '  ports:',
      ...ports.map((p) => `    - name: p${p}\n      port: ${p}`),
    ].join('\n');
  const files = [
    { path: 'a.yaml', text: service('two', [80, 443]) },
    { path: 'b.yaml', text: service('broken', [80, 443]) },
    { path: 'c.yaml', text: service('one', [80]) },
  ];
  const config = DEFAULT_CONFIG;
  const ahead = analyze({ files, config, rules: [rule] });
  const asked = new Analyzer().run({ files, config, rules: [rule] });
  for (const a of [ahead, asked]) {
    assert.deepEqual(
      a.ruleFailures.map((f) => [f.rule, f.resource, /cannot read this one/.test(f.error)]),
      [['one-port-only', 'Service/default/broken', true]],
    );
    assert.deepEqual(
      a.diagnostics.map((d) => [d.file, d.rule]),
      [
        ['a.yaml', 'one-port-only'],
        ['b.yaml', 'analysis-incomplete'],
      ],
    );
  }
  assert.deepEqual(summary(ahead), summary(asked));
});
