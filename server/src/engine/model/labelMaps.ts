// Label maps written anywhere under a node (a custom resource's spec, a Rollout's strategy): the
// values each key is given, for labels a controller may put on pods at run time.
import type { YNode } from '../syntax';
import { keyValue, stringEntries } from '../tree';

/** Bounds the walk: a manifest is not a database. */
const MAX_DEPTH = 12;
const MAX_NODES = 4096;

/** Each key of the maps found under `node` at keys `isLabels` accepts, with the values given it, added to `into`. */
export function labelMapsUnder(
  node: YNode | null | undefined,
  isLabels: (key: string) => boolean,
  into = new Map<string, Set<string>>(),
): Map<string, Set<string>> {
  let visited = 0;
  const walk = (n: YNode | null | undefined, depth: number): void => {
    if (!n || n.type === 'scalar' || depth > MAX_DEPTH || ++visited > MAX_NODES) return;
    if (n.type === 'seq') {
      for (const item of n.items) walk(item, depth + 1);
      return;
    }
    for (const pair of n.pairs) {
      const key = keyValue(pair);
      if (typeof key === 'string' && isLabels(key)) {
        for (const e of stringEntries(pair.value)) addLabel(into, e.key, e.value);
      } else walk(pair.value, depth + 1);
    }
  };
  walk(node, 0);
  return into;
}

export function addLabel(into: Map<string, Set<string>>, key: string, value: string): void {
  const values = into.get(key);
  if (values) values.add(value);
  else into.set(key, new Set([value]));
}
