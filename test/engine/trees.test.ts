// The trees of plain manifests between runs (engine/workspace/trees.ts): let go when a run
// completes, parsed again when read after the collector took them, and then held among the trees
// read again, up to a budget of their texts' length.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Analyzer, DEFAULT_CONFIG } from '../../server/src/engine';
import { hoverAt } from '../../server/src/engine/queries';
import { RULES } from '../../server/src/engine/rules';
import { defineRule } from '../../server/src/engine/rules/rule';
import { parseYaml, type YNode } from '../../server/src/engine/syntax';
import { FileTrees, TreeKeeper } from '../../server/src/engine/workspace/trees';
import { REPO_ROOT } from '../support/cli';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** A full collection, in a later turn: a WeakRef holds its target until the end of the job that read it. */
async function collect(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  gc();
}

const manifest = (name: string, padding = 0) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  pad: ${'x'.repeat(padding)}\n`;

function adopted(keeper: TreeKeeper, text: string): FileTrees {
  const trees = new FileTrees(parseYaml(text), text);
  keeper.adopt(trees);
  return trees;
}

/** Whether the tree read now is the one read when `before` was taken (held since), without holding it. */
const same = (trees: FileTrees, before: WeakRef<object>) => trees.parsed === before.deref();

test('a tree let go after its run is parsed again, equal, when read after the collector took it', async () => {
  const keeper = new TreeKeeper(true);
  const text = manifest('web');
  const trees = adopted(keeper, text);
  const first = new WeakRef(trees.parsed);
  assert.equal(trees.node(0, undefined).type, 'map');
  keeper.release();
  await collect();
  assert.equal(first.deref(), undefined, 'collected once released');
  assert.deepEqual(trees.parsed, parseYaml(text));
  assert.equal(trees.documentCount, 1);
});

test('a tree read again stays held over the next releases; forgetting lets it go', async () => {
  const keeper = new TreeKeeper(true);
  const trees = adopted(keeper, manifest('web'));
  keeper.release();
  await collect();
  const again = new WeakRef(trees.parsed);
  keeper.release();
  await collect();
  assert.ok(same(trees, again), 'held after a release');
  keeper.release(true);
  await collect();
  assert.ok(!same(trees, again), 'parsed again once forgotten');
});

test('trees read again beyond the budget are let go, the oldest first', async () => {
  const keeper = new TreeKeeper(true);
  // Five texts of 300,000 characters: 1.5 million, over the budget of 1 MiB.
  const all = Array.from({ length: 5 }, (_, i) => adopted(keeper, manifest(`m${i}`, 300_000)));
  keeper.release();
  await collect();
  const read = all.map((trees) => new WeakRef(trees.parsed));
  keeper.release();
  await collect();
  const held = all.map((trees, i) => same(trees, read[i]));
  assert.deepEqual(held, [false, false, true, true, true]);
});

/** Every node of a tree (maps, sequences, scalars). */
function* nodesOf(node: YNode | null): Generator<YNode> {
  if (!node) return;
  yield node;
  if (node.type === 'map') for (const p of node.pairs) yield* nodesOf(p.value);
  else if (node.type === 'seq') for (const item of node.items) yield* nodesOf(item);
}

/**
 * Runs an Analyzer over `files` with a check that records every node of every instance weakly,
 * then collects: the nodes still alive, by file, of those seen.
 */
async function nodesAliveAfterRun(files: { path: string; text: string }[]) {
  const seen: { file: string; ref: WeakRef<object> }[] = [];
  const witness = defineRule({
    id: 'tree-witness',
    severity: 'info',
    description: 'test only',
    remediation: '',
    check: {
      resource(_ctx, r) {
        for (const node of nodesOf(r.node)) seen.push({ file: r.file, ref: new WeakRef(node) });
      },
    },
  });
  const analysis = new Analyzer().run({ files, config: DEFAULT_CONFIG, rules: [...RULES, witness] });
  await collect();
  const alive = new Map<string, number>();
  for (const { file, ref } of seen) if (ref.deref() !== undefined) alive.set(file, (alive.get(file) ?? 0) + 1);
  return { analysis, seen: seen.length, alive };
}

test('no node of a plain manifest outlives the run that read it, and a hover after it reads the file again', async () => {
  // The examples, one document per file (a view or a cache that held a subtree would keep it).
  const dir = path.join(REPO_ROOT, 'examples/shop');
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) =>
      fs
        .readFileSync(path.join(dir, f), 'utf8')
        .split(/^---\n/m)
        .filter((doc) => doc.includes('kind:'))
        .map((text, i) => ({ path: `shop/${f.replace('.yaml', '')}-${i}.yaml`, text })),
    );
  const { analysis, seen, alive } = await nodesAliveAfterRun(files);
  assert.ok(analysis.diagnostics.length > 0, 'the examples have findings');
  assert.ok(seen > 300, `${seen} nodes seen`);
  assert.deepEqual([...alive], [], 'nodes that outlived the run, by file');
  // Read again when asked: a hover on a Service's name.
  const service = analysis.workspace.resources.find((r) => r.kind === 'Service')!;
  const hover = hoverAt(analysis, service.file, service.nameSpan!.start, { linkTo: (f) => f });
  assert.match(hover?.markdown ?? '', new RegExp(service.name));
});

test('a long manifest keeps its tree: parsed again in one block, it would hold the server', async () => {
  const small = manifest('small');
  const long = manifest('long', 70_000);
  const { seen, alive } = await nodesAliveAfterRun([
    { path: 'a/small.yaml', text: small },
    { path: 'a/long.yaml', text: long },
  ]);
  assert.ok(seen >= 10, `${seen} nodes seen`);
  assert.equal(alive.get('a/small.yaml'), undefined, "the short file's tree is let go");
  assert.ok((alive.get('a/long.yaml') ?? 0) > 0, 'the long file keeps its tree');
});
