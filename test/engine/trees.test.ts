// The trees of plain manifests between runs (engine/workspace/trees.ts): let go when a run
// completes, parsed again when read after the collector took them, and then held among the trees
// read again, up to a budget of their texts' length.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { parseYaml } from '../../server/src/engine/syntax';
import { FileTrees, TreeKeeper } from '../../server/src/engine/workspace/trees';

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
