// One resource document as a kustomize build renders it: each layer of the build (innermost
// first) applies its patches to the resources it selects, then its replacements; then the build's
// vars. The result is a tree that shares the base's unchanged nodes (so diagnostics on them point at
// the base) and carries patch nodes in their patch file's slot (origin.ts). What is not reproduced
// exactly (a patch that kustomize would refuse, an unreadable patch, a replacement that writes a
// whole object) makes the instance `uncertain`; a field a replacement or var writes becomes the
// unknown value REPLACED_VALUE, so it vetoes only the findings that read it.
import { pushAll } from './arrays';
import type { BuildMembership, PatchSpec, PatchTarget, ReplacementSpec } from './kustomize';
import { applyJson6902, DELETED, PatchError, relocator, strategicMerge, type Relocate } from './kustomizePatch';
import type { RenderedIndex } from './kustomizeRendered';
import type { Frames, OriginTable } from './origin';
import { REPLACED_VALUE } from './placeholders';
import {
  mapNode,
  pairOf,
  parseYaml,
  scalarNode,
  seqNode,
  type ParsedFile,
  type YMap,
  type YNode,
  type YScalar,
} from './syntax';
import { asMap, asScalar, get, getPath, getPathOf, keyText, seqItems, stringEntries, stringValue } from './tree';

export interface BuildContext {
  readonly parsed: (file: string) => ParsedFile | undefined;
  /** A file's frames (origin.ts), read without its tree. */
  readonly frames: (file: string) => Frames | undefined;
  readonly text: (file: string) => string | undefined;
  readonly origins: OriginTable;
  /** Exact mode: builds rendered by kubectl or kustomize (those take their output instead). */
  readonly rendered?: RenderedIndex;
  /**
   * The names resources of a build have before that build's own prefix and suffix apply, by kind
   * (`Kind/name`): what its name-reference rewriting renames.
   */
  readonly namesBefore: (build: string) => ReadonlySet<string>;
}

/**
 * Where manifests name other objects that kustomize's nameReference transformer renames with them
 * (api/konfig/builtinpluginconsts/namereference.go): [referring kind, path, referred kind].
 */
const NAME_REFERENCES: readonly (readonly [string, readonly string[], string])[] = [
  ['Ingress', ['spec', 'rules', '*', 'http', 'paths', '*', 'backend', 'service', 'name'], 'Service'],
  ['Ingress', ['spec', 'rules', '*', 'http', 'paths', '*', 'backend', 'serviceName'], 'Service'],
  ['Ingress', ['spec', 'defaultBackend', 'service', 'name'], 'Service'],
  ['Ingress', ['spec', 'backend', 'serviceName'], 'Service'],
  ['StatefulSet', ['spec', 'serviceName'], 'Service'],
  ...['HTTPRoute', 'GRPCRoute', 'TCPRoute', 'TLSRoute', 'UDPRoute'].flatMap((route) => [
    [route, ['spec', 'rules', '*', 'backendRefs', '*', 'name'], 'Service'] as const,
    [route, ['spec', 'parentRefs', '*', 'name'], 'Gateway'] as const,
  ]),
  // The workload an autoscaler scales, of the kind its scaleTargetRef names (below).
  ['HorizontalPodAutoscaler', ['spec', 'scaleTargetRef', 'name'], '*'],
];

/** Renames the references to objects of the build that the layer's prefix and suffix rename. */
function renameReferences(node: YMap, kind: string, prefix: string, suffix: string, names: ReadonlySet<string>): YMap {
  let out: YNode = node;
  for (const [referring, path, referredKind] of NAME_REFERENCES) {
    if (referring !== kind) continue;
    // '*': the kind written beside the name (`scaleTargetRef: {kind: Deployment, name: web}`).
    const referred = referredKind === '*' ? stringValue(getPathOf(node, [...path.slice(0, -1), 'kind'])) : referredKind;
    if (referred === undefined) continue;
    out = renameAt(out, path, 0, (value) =>
      names.has(`${referred}/${value}`) ? `${prefix}${value}${suffix}` : undefined,
    );
  }
  return out as YMap;
}

function renameAt(
  node: YNode,
  path: readonly string[],
  i: number,
  rename: (value: string) => string | undefined,
): YNode {
  if (i === path.length) {
    if (node.type !== 'scalar' || typeof node.value !== 'string') return node;
    const renamed = rename(node.value);
    return renamed === undefined ? node : scalarNode(node.span.start, node.span.end, renamed, renamed);
  }
  if (path[i] === '*') {
    if (node.type !== 'seq') return node;
    // A backendRef or parentRef of another kind (a ServiceImport, a foreign Gateway) is not renamed.
    const items = node.items.map((item) => {
      if (!item) return item;
      const k = stringValue(get(item, 'kind'));
      const g = stringValue(get(item, 'group'));
      if (
        (k !== undefined && k !== 'Service' && k !== 'Gateway') ||
        (g !== undefined && g !== '' && g !== 'gateway.networking.k8s.io')
      )
        return item;
      return renameAt(item, path, i + 1, rename);
    });
    return items.every((x, j) => x === node.items[j]) ? node : seqNode(node.span.start, node.span.end, items);
  }
  if (node.type !== 'map') return node;
  const p = node.pairs.find((x) => keyText(x) === path[i]);
  if (!p || !p.value) return node;
  const value = renameAt(p.value, path, i + 1, rename);
  return value === p.value
    ? node
    : mapNode(
        node.span.start,
        node.span.end,
        node.pairs.map((x) => (x === p ? pairOf(p.key, value) : x)),
      );
}

export interface BuiltDocument {
  readonly node: YMap;
  readonly uncertain: boolean;
}

/** A patch file's documents and how to copy their nodes into built trees (cached per spec). */
interface LoadedPatch {
  readonly docs: readonly YNode[];
  readonly relocate: Relocate;
}

const loadedPatches = new WeakMap<PatchSpec, LoadedPatch | null>();

function loadPatch(spec: PatchSpec, ctx: BuildContext): LoadedPatch | undefined {
  const cached = loadedPatches.get(spec);
  if (cached !== undefined) return cached ?? undefined;
  let result: LoadedPatch | undefined;
  const base = ctx.origins.baseOf(spec.file);
  // A slot holds file offsets: a framed file's (origin.ts) are resolved first.
  const frames = ctx.frames(spec.file);
  const inFile = (o: number) => (frames ? frames.absolute(o) : o);
  if (spec.inline && typeof spec.inline.value === 'string') {
    const parsed = parseYaml(spec.inline.value);
    const toFile = inlineOffsets(ctx.text(spec.file) ?? '', spec.inline, inFile(spec.inline.span.start));
    if (!parsed.problems.some((p) => p.rule === 'yaml-syntax'))
      result = { docs: documentsOf(parsed), relocate: relocator((o) => base + toFile(o)) };
  } else {
    const parsed = ctx.parsed(spec.file);
    if (parsed && !parsed.problems.some((p) => p.rule === 'yaml-syntax'))
      result = { docs: documentsOf(parsed), relocate: relocator((o) => base + inFile(o)) };
  }
  loadedPatches.set(spec, result ?? null);
  return result;
}

function documentsOf(parsed: ParsedFile): YNode[] {
  return parsed.documents.map((d) => d.contents).filter((c): c is YNode => c !== null && c.type !== 'scalar');
}

/**
 * Maps an offset in an inline patch's text to the kustomization file: a block scalar (`|`) keeps
 * its lines, indented; other scalars map to where the patch starts (`start`, in file offsets).
 */
function inlineOffsets(fileText: string, scalar: YScalar, start: number): (offset: number) => number {
  if (fileText[start] !== '|' && fileText[start] !== '>') return () => start;
  const content = String(scalar.value);
  const lineStarts: number[] = [];
  let at = fileText.indexOf('\n', start) + 1;
  if (at <= 0) return () => start;
  let indent = -1;
  const contentLines = content.split('\n');
  for (let i = 0; i < contentLines.length && at <= fileText.length; i++) {
    const end = fileText.indexOf('\n', at);
    const line = fileText.slice(at, end < 0 ? fileText.length : end);
    if (indent < 0 && line.trim() !== '') indent = line.length - line.trimStart().length;
    lineStarts.push(at);
    if (end < 0) break;
    at = end + 1;
  }
  if (indent < 0) indent = 0;
  const contentStarts: number[] = [];
  let offset = 0;
  for (const l of contentLines) {
    contentStarts.push(offset);
    offset += l.length + 1;
  }
  return (o: number) => {
    let line = contentStarts.length - 1;
    while (line > 0 && contentStarts[line] > o) line--;
    const fileLine = lineStarts[Math.min(line, lineStarts.length - 1)] ?? start;
    return Math.min(fileLine + indent + (o - contentStarts[line]), scalar.span.end);
  };
}

/** What a resource is called and where it is, as patches of each layer see it (any earlier id matches). */
interface Identity {
  readonly kind: string;
  readonly apiVersion: string;
  readonly names: string[];
  readonly namespaces: (string | undefined)[];
}

/**
 * kustomize matches target names and kinds as Go regular expressions (RE2: linear time). JavaScript's
 * engine backtracks, so a pattern that could take exponential time (a quantified group, a
 * back-reference) or a long one is compared literally instead: the cost stays bounded.
 */
function fullMatch(pattern: string | undefined, value: string): boolean {
  if (pattern === undefined || pattern === '') return true;
  if (pattern.length > 256 || /\)[*+?{]|\\[1-9]/.test(pattern)) return pattern === value;
  try {
    return new RegExp(`^(?:${pattern})$`).test(value);
  } catch {
    return pattern === value;
  }
}

/** kustomize label and annotation selectors: `k=v`, `k==v`, `k!=v`, `k`, `!k`, `k in (a,b)`, `k notin (a,b)`. */
function selectorMatches(selector: string | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (!selector) return true;
  const terms = selector.match(/[^,(]+(\([^)]*\))?/g) ?? [];
  return terms.every((raw) => {
    const term = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term))) {
      const values = m[3].split(',').map((v) => v.trim());
      const has = Object.prototype.hasOwnProperty.call(labels, m[1]);
      return m[2] === 'in' ? has && values.includes(labels[m[1]]) : !has || !values.includes(labels[m[1]]);
    }
    if ((m = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term))) {
      const has = Object.prototype.hasOwnProperty.call(labels, m[1]);
      return m[2] === '!=' ? !has || labels[m[1]] !== m[3] : has && labels[m[1]] === m[3];
    }
    if ((m = /^!\s*(\S+)$/.exec(term))) return !Object.prototype.hasOwnProperty.call(labels, m[1]);
    return Object.prototype.hasOwnProperty.call(labels, term);
  });
}

function recordOf(node: YNode | undefined): Record<string, string> {
  return Object.fromEntries(stringEntries(node).map((e) => [e.key, e.value]));
}

function targetMatches(target: PatchTarget, id: Identity, node: YMap): boolean {
  const slash = id.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : id.apiVersion.slice(0, slash);
  const version = slash < 0 ? id.apiVersion : id.apiVersion.slice(slash + 1);
  if (target.group !== undefined && !fullMatch(target.group, group)) return false;
  if (target.version !== undefined && !fullMatch(target.version, version)) return false;
  if (!fullMatch(target.kind, id.kind)) return false;
  if (target.name !== undefined && !id.names.some((n) => fullMatch(target.name, n))) return false;
  if (target.namespace !== undefined && !id.namespaces.some((n) => fullMatch(target.namespace, n ?? 'default')))
    return false;
  if (!selectorMatches(target.labelSelector, recordOf(getPath(node, 'metadata', 'labels')))) return false;
  return selectorMatches(target.annotationSelector, recordOf(getPath(node, 'metadata', 'annotations')));
}

/** A strategic-merge patch with no target selects by its own kind, group and name (and namespace, if given). */
function ownTarget(patch: YNode): PatchTarget | undefined {
  const kind = stringValue(get(patch, 'kind'));
  const name = stringValue(getPath(patch, 'metadata', 'name'));
  if (!kind || !name) return undefined;
  const apiVersion = stringValue(get(patch, 'apiVersion')) ?? '';
  const slash = apiVersion.indexOf('/');
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return {
    kind: escape(kind),
    name: escape(name),
    group: escape(slash < 0 ? '' : apiVersion.slice(0, slash)),
    namespace: stringValue(getPath(patch, 'metadata', 'namespace'))
      ? escape(stringValue(getPath(patch, 'metadata', 'namespace'))!)
      : undefined,
  };
}

/** The patch without the fields that identify its target (kustomize sets them from the resource). */
function withoutIdentity(patch: YMap): YMap {
  const pairs = patch.pairs
    .filter((p) => keyText(p) !== 'apiVersion' && keyText(p) !== 'kind')
    .map((p) => {
      if (keyText(p) !== 'metadata' || !asMap(p.value)) return p;
      const meta = p.value as YMap;
      return pairOf(
        p.key,
        mapNode(
          meta.span.start,
          meta.span.end,
          meta.pairs.filter((m) => keyText(m) !== 'name' && keyText(m) !== 'namespace'),
        ),
      );
    });
  return mapNode(patch.span.start, patch.span.end, pairs);
}

/** Renders one document through the layers of one build; DELETED when a patch deletes it. */
export function buildDocument(
  doc: YMap,
  kind: string,
  apiVersion: string,
  baseName: string,
  m: BuildMembership,
  ctx: BuildContext,
): BuiltDocument | typeof DELETED {
  let node = doc;
  let uncertain = false;
  const id: Identity = {
    kind,
    apiVersion,
    names: [baseName],
    namespaces: [stringValue(getPath(doc, 'metadata', 'namespace'))],
  };
  let name = baseName;
  const varNames: string[] = [];
  for (const layer of m.layers) {
    for (const spec of layer.patches) {
      const loaded = loadPatch(spec, ctx);
      if (!loaded) {
        // Unreadable: it may patch this resource in any way unless its target says otherwise.
        if (!spec.target || targetMatches(spec.target, id, node)) uncertain = true;
        continue;
      }
      for (const patch of loaded.docs) {
        const json = patch.type === 'seq' || spec.format === 'json6902';
        const target = spec.target ?? (json ? undefined : ownTarget(patch));
        if (!target) {
          uncertain = true;
          continue;
        }
        if (!targetMatches(target, id, node)) continue;
        try {
          if (json) {
            if (patch.type !== 'seq') throw new PatchError('a JSON 6902 patch is a list of operations');
            node = applyJson6902(node, patch, loaded.relocate);
          } else if (patch.type === 'map') {
            const merged = strategicMerge(node, withoutIdentity(patch), loaded.relocate);
            if (merged === DELETED) return DELETED;
            node = merged;
          }
        } catch (err) {
          if (!(err instanceof PatchError)) throw err;
          uncertain = true;
        }
      }
    }
    for (const r of layer.replacements) {
      const result = vetoReplaced(node, r, id, ctx);
      node = result.node;
      uncertain ||= result.uncertain;
    }
    pushAll(varNames, layer.varNames);
    if (layer.namespace) id.namespaces.push(layer.namespace);
    if (layer.namePrefix || layer.nameSuffix)
      node = renameReferences(node, kind, layer.namePrefix, layer.nameSuffix, ctx.namesBefore(layer.dir));
    name = `${layer.namePrefix}${name}${layer.nameSuffix}`;
    if (name !== id.names[id.names.length - 1]) id.names.push(name);
  }
  if (varNames.length > 0) node = vetoVars(node, varNames) as YMap;
  return { node, uncertain };
}

function replacementsOf(spec: ReplacementSpec, ctx: BuildContext): YNode[] | undefined {
  if ('node' in spec) return [spec.node];
  const parsed = ctx.parsed(spec.file);
  if (!parsed || parsed.problems.some((p) => p.rule === 'yaml-syntax')) return undefined;
  return documentsOf(parsed).flatMap((d) => (d.type === 'seq' ? seqItems(d) : [d]));
}

function readTarget(node: YNode | undefined): PatchTarget | undefined {
  const t = asMap(node);
  if (!t) return undefined;
  const escape = (s: string | undefined) => (s ? s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : undefined);
  return {
    group: escape(stringValue(get(t, 'group'))),
    version: escape(stringValue(get(t, 'version'))),
    kind: escape(stringValue(get(t, 'kind'))),
    name: escape(stringValue(get(t, 'name'))),
    namespace: escape(stringValue(get(t, 'namespace'))),
    labelSelector: stringValue(get(t, 'labelSelector')),
    annotationSelector: stringValue(get(t, 'annotationSelector')),
  };
}

/** The fields a replacement writes in this resource become unknown; the rest stays as written. */
function vetoReplaced(
  node: YMap,
  spec: ReplacementSpec,
  id: Identity,
  ctx: BuildContext,
): { node: YMap; uncertain: boolean } {
  const replacements = replacementsOf(spec, ctx);
  if (!replacements) return { node, uncertain: true };
  let uncertain = false;
  let out: YNode = node;
  for (const r of replacements) {
    for (const t of seqItems(get(r, 'targets'))) {
      const select = readTarget(get(t, 'select'));
      if (!select || !targetMatches(select, id, out as YMap)) continue;
      if (
        seqItems(get(t, 'reject')).some((rej) => {
          const rt = readTarget(rej);
          return rt !== undefined && targetMatches(rt, id, out as YMap);
        })
      )
        continue;
      const create = get(get(t, 'options'), 'create');
      for (const fp of seqItems(get(t, 'fieldPaths'))) {
        const path = stringValue(fp);
        if (!path) continue;
        const result = vetoPath(out, fieldPathTokens(path), 0);
        if (result === 'missing') uncertain ||= asScalar(create)?.value === true;
        else if (result === 'object') uncertain = true;
        else out = result;
      }
    }
  }
  return { node: out as YMap, uncertain };
}

/** kustomize field paths: dot-separated, `[key=value]` items, numeric indexes and `*`. */
function fieldPathTokens(path: string): string[] {
  return path.match(/\[[^\]]*\]|[^.[\]]+/g) ?? [];
}

function vetoPath(node: YNode, tokens: readonly string[], i: number): YNode | 'missing' | 'object' {
  if (i === tokens.length)
    return node.type === 'scalar'
      ? scalarNode(node.span.start, node.span.end, REPLACED_VALUE, REPLACED_VALUE)
      : 'object';
  const t = tokens[i];
  if (node.type === 'map') {
    let found = false;
    const pairs = [];
    for (const p of node.pairs) {
      if ((t === '*' || keyText(p) === t) && p.value) {
        const r = vetoPath(p.value, tokens, i + 1);
        if (r === 'object') return r;
        if (r !== 'missing') {
          found = true;
          pairs.push(pairOf(p.key, r));
          continue;
        }
      }
      pairs.push(p);
    }
    return found ? mapNode(node.span.start, node.span.end, pairs) : 'missing';
  }
  if (node.type === 'seq') {
    const m = /^\[([^=]+)=(.*)\]$/.exec(t);
    let found = false;
    const items = node.items.map((item, index) => {
      if (!item) return item;
      const selected = t === '*' || (m ? stringValue(get(item, m[1])) === m[2] : String(index) === t);
      if (!selected) return item;
      const r = vetoPath(item, tokens, i + 1);
      if (r === 'missing' || r === 'object') return item;
      found = true;
      return r;
    });
    return found ? seqNode(node.span.start, node.span.end, items) : 'missing';
  }
  return 'missing';
}

/** Scalars that use a kustomize var (`$(NAME)`) are written by the build: unknown here. */
function vetoVars(node: YNode, names: readonly string[]): YNode {
  const uses = (s: string) => s.includes('$(') && names.some((n) => s.includes(`$(${n})`));
  const walk = (n: YNode): YNode => {
    if (n.type === 'scalar')
      return typeof n.value === 'string' && uses(n.value)
        ? scalarNode(n.span.start, n.span.end, REPLACED_VALUE, REPLACED_VALUE)
        : n;
    if (n.type === 'seq')
      return seqNode(
        n.span.start,
        n.span.end,
        n.items.map((x) => (x ? walk(x) : x)),
      );
    return mapNode(
      n.span.start,
      n.span.end,
      n.pairs.map((p) => (p.value ? pairOf(p.key, walk(p.value)) : p)),
    );
  };
  return walk(node);
}
