// Kustomize's patches applied to the located tree, so that a build is judged as kustomize renders
// it. Strategic merge follows the API machinery's strategicpatch: maps merge key by key, `null`
// deletes a key, `$patch: delete` deletes the object (or the list item), `$patch: replace` replaces,
// and lists merge item by item on their patchMergeKey (containers by name, container ports by
// containerPort, Service ports by port, ...); other lists are replaced. JSON 6902 follows RFC 6902
// (add, remove, replace, move, copy, test on RFC 6901 pointers). Unchanged subtrees are shared with
// the base; nodes taken from a patch are copied through `relocate` (origin.ts) so that diagnostics
// on them point into the patch. A patch that kustomize would refuse throws PatchError.
import {
  mapNode,
  pairOf,
  scalarNode,
  seqNode,
  type YMap,
  type YNode,
  type YPair,
  type YScalar,
  type YSeq,
} from './syntax';
import { asMap, asScalar, get, keyText, stringValue, toPlain } from './tree';

export class PatchError extends Error {}

/** Returned by strategicMerge when the patch deletes the whole object (`$patch: delete`). */
export const DELETED: unique symbol = Symbol('deleted by patch');

/** Copies a node of the patch into the built tree (its offsets moved into the patch file's slot). */
export type Relocate = (node: YNode) => YNode;

/** Deep copy with every offset mapped (slot base added, inline patch positions mapped to the file). */
export function relocator(toFileOffset: (offset: number) => number): Relocate {
  const copy = (n: YNode): YNode => {
    const s = n.span;
    const start = toFileOffset(s.start);
    const end = Math.max(start, toFileOffset(s.end));
    if (n.type === 'scalar') return scalarNode(start, end, n.value, n.text);
    if (n.type === 'seq')
      return seqNode(
        start,
        end,
        n.items.map((i) => (i ? copy(i) : null)),
      );
    return mapNode(
      start,
      end,
      n.pairs
        .filter((p) => !isDirectiveKey(keyText(p)))
        .map((p) => pairOf(copy(p.key) as YScalar, p.value ? copy(p.value) : null)),
    );
  };
  return copy;
}

function isDirectiveKey(key: string): boolean {
  return (
    key.startsWith('$patch') ||
    key.startsWith('$setElementOrder') ||
    key.startsWith('$retainKeys') ||
    key.startsWith('$deleteFromPrimitiveList')
  );
}

/** The patchMergeKey of the Kubernetes API's lists (k8s.io/api types' `patchMergeKey` tags). */
const MERGE_KEYS: Readonly<Record<string, string>> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
  resourceClaims: 'name',
  ownerReferences: 'uid',
  conditions: 'type',
  webhooks: 'name',
};

/** Keys kyaml merges lists by when no schema names one (kyaml walk's associative sequence keys). */
const ASSOCIATIVE_KEYS = ['mountPath', 'devicePath', 'ip', 'type', 'topologyKey', 'name', 'containerPort'];

function mergeKeyOf(field: string, base: readonly YNode[], patch: readonly YNode[]): string | undefined {
  const all = [...base, ...patch];
  const every = (k: string) =>
    all.length > 0 &&
    all.every((i) => asScalar(get(i, k)) !== undefined || (asMap(i) && get(i, '$patch') !== undefined && k === 'name'));
  // Container ports merge by containerPort, Service ports by port (both with protocol as list-map key).
  if (field === 'ports') return every('containerPort') ? 'containerPort' : every('port') ? 'port' : undefined;
  const known = MERGE_KEYS[field];
  if (known) return known;
  return ASSOCIATIVE_KEYS.find((k) => all.every((i) => asScalar(get(i, k)) !== undefined));
}

function itemIdentity(item: YNode, key: string): string | undefined {
  const v = asScalar(get(item, key));
  if (!v || v.value === null) return undefined;
  if (key === 'containerPort' || key === 'port') return `${v.text}/${stringValue(get(item, 'protocol')) ?? 'TCP'}`;
  return v.text;
}

/** Strategic-merge `patch` into `base`; DELETED when the patch deletes the object. */
export function strategicMerge(base: YMap, patch: YMap, relocate: Relocate): YMap | typeof DELETED {
  const directive = stringValue(get(patch, '$patch'));
  if (directive === 'delete') return DELETED;
  if (directive === 'replace') return relocate(patch) as YMap;
  const pairs: YPair[] = [...base.pairs];
  // A map whose own values the patch sets or deletes is reported in the patch (a selector the patch
  // rewrites is the patch's mistake); one changed only deeper down stays at the base.
  let ownValuesChanged = false;
  const find = (key: string) => {
    for (let i = pairs.length - 1; i >= 0; i--) if (keyText(pairs[i]) === key) return i;
    return -1;
  };
  for (const p of patch.pairs) {
    const key = keyText(p);
    if (isDirectiveKey(key)) continue;
    const v = p.value;
    const at = find(key);
    // `key:` or `key: null` deletes the key (strategicpatch: a null value means delete).
    if (v === null || (v.type === 'scalar' && v.value === null)) {
      if (at >= 0) {
        pairs.splice(at, 1);
        ownValuesChanged = true;
      }
      continue;
    }
    if (v.type === 'scalar') ownValuesChanged = true;
    const existing = at >= 0 ? pairs[at].value : null;
    if (!existing) {
      if (v.type === 'map' && stringValue(get(v, '$patch')) === 'delete') continue;
      const added = pairOf(relocate(p.key) as YScalar, v.type === 'map' ? mergeIntoNothing(v, relocate) : relocate(v));
      if (at >= 0) pairs[at] = added;
      else pairs.push(added);
      continue;
    }
    let merged: YNode | typeof DELETED;
    if (existing.type === 'map' && v.type === 'map') merged = strategicMerge(existing, v, relocate);
    else if (existing.type === 'seq' && v.type === 'seq') merged = mergeList(key, existing, v, relocate);
    else merged = relocate(v);
    if (merged === DELETED) pairs.splice(at, 1);
    // A value the patch replaces is the patch's entry, key and all (a selector term points into the patch).
    else pairs[at] = pairOf(v.type === 'scalar' ? (relocate(p.key) as YScalar) : pairs[at].key, merged);
  }
  if (ownValuesChanged) {
    const at = relocate(scalarNode(patch.span.start, patch.span.end, null, '')).span;
    return mapNode(at.start, at.end, pairs);
  }
  return mapNode(base.span.start, base.span.end, pairs);
}

/** A patch map added where the base has nothing: its nulls and deletions have nothing to delete. */
function mergeIntoNothing(v: YMap, relocate: Relocate): YNode {
  const copy = relocate(v) as YMap;
  return mapNode(
    copy.span.start,
    copy.span.end,
    copy.pairs.filter((p) => p.value !== null && !(p.value.type === 'scalar' && p.value.value === null)),
  );
}

function mergeList(field: string, base: YSeq, patch: YSeq, relocate: Relocate): YSeq {
  const baseItems = base.items.filter((i): i is YNode => i !== null);
  const patchItems = patch.items.filter((i): i is YNode => i !== null);
  if (patchItems.some((i) => stringValue(get(i, '$patch')) === 'replace')) {
    return seqNode(
      patch.span.start,
      patch.span.end,
      patchItems.filter((i) => get(i, '$patch') === undefined).map(relocate),
    );
  }
  const key = mergeKeyOf(field, baseItems, patchItems);
  if (!key) return relocate(patch) as YSeq;
  const items: YNode[] = [...baseItems];
  for (const pi of patchItems) {
    const id = itemIdentity(pi, key);
    const at = id === undefined ? -1 : items.findIndex((i) => itemIdentity(i, key) === id);
    const deleting = stringValue(get(pi, '$patch')) === 'delete';
    if (deleting) {
      if (at >= 0) items.splice(at, 1);
    } else if (at >= 0) {
      const existing = items[at];
      const merged =
        existing.type === 'map' && pi.type === 'map' ? strategicMerge(existing, pi, relocate) : relocate(pi);
      if (merged === DELETED) items.splice(at, 1);
      else items[at] = merged;
    } else items.push(relocate(pi));
  }
  return seqNode(base.span.start, base.span.end, items);
}

/** RFC 6901: `/a/b~1c` -> ['a', 'b/c']. */
function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new PatchError(`JSON pointer '${path}' does not start with '/'`);
  return path
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function childOf(node: YNode | null | undefined, token: string): YNode | undefined {
  if (!node) return undefined;
  if (node.type === 'map') return get(node, token);
  if (node.type === 'seq' && /^\d+$/.test(token)) return node.items[Number(token)] ?? undefined;
  return undefined;
}

function valueAt(root: YNode, tokens: readonly string[]): YNode {
  let n: YNode | undefined = root;
  for (const t of tokens) {
    n = childOf(n, t);
    if (!n) throw new PatchError(`no value at /${tokens.join('/')}`);
  }
  return n;
}

type Edit = (parent: YNode, last: string) => YNode;

/** Rebuilds the path from the root to the parent of the last token with `edit` applied there. */
function editAt(node: YNode, tokens: readonly string[], edit: Edit): YNode {
  if (tokens.length === 0) throw new PatchError('an operation on the whole document');
  if (tokens.length === 1) return edit(node, tokens[0]);
  const child = childOf(node, tokens[0]);
  if (!child) throw new PatchError(`no value at '${tokens[0]}'`);
  return withChild(node, tokens[0], editAt(child, tokens.slice(1), edit));
}

function withChild(node: YNode, token: string, child: YNode): YNode {
  if (node.type === 'map') {
    return mapNode(
      node.span.start,
      node.span.end,
      node.pairs.map((p) => (keyText(p) === token ? pairOf(p.key, child) : p)),
    );
  }
  if (node.type === 'seq') {
    const items = node.items.slice();
    items[Number(token)] = child;
    return seqNode(node.span.start, node.span.end, items);
  }
  throw new PatchError('a scalar has no children');
}

function addAt(parent: YNode, last: string, value: YNode, replaceOnly: boolean): YNode {
  if (parent.type === 'map') {
    const at = parent.pairs.findIndex((p) => keyText(p) === last);
    if (replaceOnly && at < 0) throw new PatchError(`no key '${last}' to replace`);
    if (at >= 0)
      return mapNode(
        parent.span.start,
        parent.span.end,
        parent.pairs.map((p, i) => (i === at ? pairOf(p.key, value) : p)),
      );
    const s = value.span.start;
    return mapNode(parent.span.start, parent.span.end, [...parent.pairs, pairOf(scalarNode(s, s, last, last), value)]);
  }
  if (parent.type === 'seq') {
    const items = parent.items.slice();
    const index = last === '-' ? items.length : /^\d+$/.test(last) ? Number(last) : -1;
    if (index < 0 || index > items.length || (replaceOnly && index >= items.length))
      throw new PatchError(`index '${last}' out of range`);
    if (replaceOnly) items[index] = value;
    else items.splice(index, 0, value);
    return seqNode(parent.span.start, parent.span.end, items);
  }
  throw new PatchError('cannot add to a scalar');
}

function removeAt(parent: YNode, last: string): YNode {
  if (parent.type === 'map') {
    if (!parent.pairs.some((p) => keyText(p) === last)) throw new PatchError(`no key '${last}' to remove`);
    return mapNode(
      parent.span.start,
      parent.span.end,
      parent.pairs.filter((p) => keyText(p) !== last),
    );
  }
  if (parent.type === 'seq' && /^\d+$/.test(last) && Number(last) < parent.items.length) {
    const items = parent.items.slice();
    items.splice(Number(last), 1);
    return seqNode(parent.span.start, parent.span.end, items);
  }
  throw new PatchError(`no item '${last}' to remove`);
}

/** Applies a JSON 6902 patch (a sequence of operations) to a document. */
export function applyJson6902(base: YMap, ops: YSeq, relocate: Relocate): YMap {
  let root: YNode = base;
  for (const op of ops.items) {
    const kind = stringValue(get(op, 'op'));
    const path = stringValue(get(op, 'path'));
    if (!kind || path === undefined) throw new PatchError('an operation without op or path');
    const tokens = pointer(path);
    const valueNode = op && op.type === 'map' ? op.pairs.find((p) => keyText(p) === 'value') : undefined;
    const value = () => {
      if (!valueNode) throw new PatchError(`'${kind}' without a value`);
      return valueNode.value
        ? relocate(valueNode.value)
        : relocate(scalarNode(valueNode.key.span.start, valueNode.key.span.end, null, 'null'));
    };
    switch (kind) {
      case 'add':
        root = editAt(root, tokens, (parent, last) => addAt(parent, last, value(), false));
        break;
      case 'replace':
        root = editAt(root, tokens, (parent, last) => addAt(parent, last, value(), true));
        break;
      case 'remove':
        root = editAt(root, tokens, removeAt);
        break;
      case 'move':
      case 'copy': {
        const from = pointer(stringValue(get(op, 'from')) ?? '');
        const moved = valueAt(root, from);
        if (kind === 'move') root = editAt(root, from, removeAt);
        root = editAt(root, tokens, (parent, last) => addAt(parent, last, moved, false));
        break;
      }
      case 'test':
        if (JSON.stringify(toPlain(valueAt(root, tokens))) !== JSON.stringify(toPlain(valueNode?.value ?? null)))
          throw new PatchError(`test failed at ${path}`);
        break;
      default:
        throw new PatchError(`unknown operation '${kind}'`);
    }
  }
  if (root.type !== 'map') throw new PatchError('the patched document is not a mapping');
  return root;
}
