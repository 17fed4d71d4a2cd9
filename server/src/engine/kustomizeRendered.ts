// Exact mode: a build's resources as `kubectl kustomize` / `kustomize build` rendered them (the
// adapters run the binary; the engine only reads its output). Each rendered resource is traced to
// its source document through kustomize's origin annotation (`buildMetadata: [originAnnotations]`,
// `config.kubernetes.io/origin: path: ...`) and its kind and name; its tree takes the positions of
// the source document wherever the source has the same field, and the nearest enclosing field's
// position where the build added it, so diagnostics still point into the files the user edits.
import { mapNode, pairOf, parseYaml, scalarNode, seqNode, type YMap, type YNode, type YPair } from './syntax';
import type { Span } from './text';
import { asMap, get, getPath, keyText, pair, stringValue } from './tree';
import { pushTo } from './arrays';

/** One build's rendered output, and how an origin path (relative to where it was rendered) maps to a workspace path. */
export interface RenderedBuild {
  readonly text: string;
  readonly originToPath: (origin: string) => string | undefined;
}

const ORIGIN = 'config.kubernetes.io/origin';

/** The rendered documents of each build, by source file, kind and rendered name. */
export class RenderedIndex {
  private readonly byBuild = new Map<string, Map<string, YMap[]>>();

  constructor(rendered: ReadonlyMap<string, RenderedBuild>) {
    for (const [build, r] of rendered) {
      const docs = new Map<string, YMap[]>();
      for (const d of parseYaml(r.text).documents) {
        const node = asMap(d.contents);
        const origin = stringValue(getPath(node, 'metadata', 'annotations', ORIGIN));
        const originPath = origin ? /^path:\s*(.+?)\s*$/m.exec(origin)?.[1] : undefined;
        const file = originPath ? r.originToPath(originPath.replace(/^['"]|['"]$/g, '')) : undefined;
        const kind = stringValue(get(node, 'kind'));
        if (!node || !file || !kind) continue; // generated or remote: not in the workspace's files
        const key = `${file}\u0000${kind}`;
        pushTo(docs, key, node);
      }
      this.byBuild.set(build, docs);
    }
  }

  has(build: string): boolean {
    return this.byBuild.has(build);
  }

  /** The rendered document of a source document in a build (undefined: the build does not output it). */
  find(build: string, file: string, kind: string, renderedName: string): YMap | undefined {
    const candidates = this.byBuild.get(build)?.get(`${file}\u0000${kind}`) ?? [];
    return (
      candidates.find((c) => stringValue(getPath(c, 'metadata', 'name')) === renderedName) ??
      (candidates.length === 1 ? candidates[0] : undefined)
    );
  }
}

/** The rendered tree with the source's positions (see the header); the origin annotation dropped. */
export function traceOnto(rendered: YMap, source: YMap): YMap {
  return trace(rendered, source, source.span, []) as YMap;
}

function trace(r: YNode, s: YNode | undefined, anchor: Span, path: readonly string[]): YNode {
  const span = s ? s.span : anchor;
  if (r.type === 'scalar') return scalarNode(span.start, span.end, r.value, r.text);
  if (r.type === 'seq') {
    const sourceItems = s?.type === 'seq' ? s.items : [];
    const items = r.items.map((item, i) => {
      if (!item) return null;
      const name = stringValue(get(item, 'name'));
      const match = name !== undefined ? sourceItems.find((x) => stringValue(get(x, 'name')) === name) : sourceItems[i];
      return trace(item, match ?? undefined, span, path);
    });
    return seqNode(span.start, span.end, items);
  }
  const sourceMap = s?.type === 'map' ? s : undefined;
  const pairs: YPair[] = [];
  for (const p of r.pairs) {
    const key = keyText(p);
    if (key === ORIGIN && path.length === 2 && path[1] === 'annotations') continue;
    const sp = pair(sourceMap, key);
    const keySpan = sp ? sp.key.span : span;
    const value = p.value
      ? trace(p.value, sp?.value ?? undefined, sp?.value ? sp.value.span : span, [...path, key])
      : null;
    pairs.push(pairOf(scalarNode(keySpan.start, keySpan.end, p.key.value, p.key.text), value));
  }
  return mapNode(span.start, span.end, pairs);
}
