// Kustomize as far as it changes what the analysis must believe: which files are resources and
// which are patches or transformer configuration, and what each build does to the resources it
// lists (namespace, name prefix/suffix, added labels, patches, replacements, vars). The patches
// themselves are applied by kustomizeBuild.ts; here each kustomization is read and every build
// laid out as the chain of layers (innermost first) that each of its resource files goes through.
import * as path from 'node:path/posix';
import type { ParsedFile, YNode, YScalar } from './syntax';
import { asMap, asScalar, get, seqItems, stringEntries, stringValue, boolValue } from './tree';

export const KUSTOMIZATION_FILE_NAMES = new Set(['kustomization.yaml', 'kustomization.yml', 'Kustomization']);

export function isKustomizationFile(file: string): boolean {
  return KUSTOMIZATION_FILE_NAMES.has(path.basename(file));
}

interface LabelAddition {
  readonly pairs: Readonly<Record<string, string>>;
  readonly toSelectors: boolean;
  readonly toTemplates: boolean;
}

/** A patch's `target` (kustomize's types.Selector): name, kind, group and version are regexes. */
export interface PatchTarget {
  readonly group?: string;
  readonly version?: string;
  readonly kind?: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly annotationSelector?: string;
}

/** One patch of a kustomization: from a file or inline, strategic merge or JSON 6902. */
export interface PatchSpec {
  /** The patch file, or the kustomization file for an inline patch. */
  readonly file: string;
  /** The inline patch's text node (in the kustomization file). */
  readonly inline?: YScalar;
  readonly target?: PatchTarget;
  /** `patches` entries hold either format (told apart by content); the old fields say which. */
  readonly format: 'auto' | 'strategic' | 'json6902';
}

/** A replacement, inline (its node in the kustomization) or the file of a list of them. */
export type ReplacementSpec = { readonly node: YNode } | { readonly file: string };

export interface KustomizationFile {
  readonly dir: string;
  readonly file: string;
  readonly isComponent: boolean;
  readonly namespace: string | undefined;
  readonly namePrefix: string;
  readonly nameSuffix: string;
  readonly labels: readonly LabelAddition[];
  /** resources/bases/components entries, resolved against the directory, remote URLs dropped. */
  readonly entries: readonly string[];
  /**
   * Entries whose resources nobody here can see: remote resources (a git repository, a URL) and
   * `helmCharts` (inflated by `kustomize build --enable-helm`).
   */
  readonly unseenEntries: number;
  readonly patchFiles: readonly string[];
  readonly configFiles: readonly string[];
  readonly patches: readonly PatchSpec[];
  readonly replacements: readonly ReplacementSpec[];
  /** Names of `vars`: kustomize replaces `$(NAME)` with a value read elsewhere. */
  readonly varNames: readonly string[];
}

/** What one build does to a resource it includes, composed from the innermost kustomization out. */
export interface BuildMembership {
  /** Directory of the kustomization whose build this is. */
  readonly build: string;
  readonly namespace: string | undefined;
  readonly namePrefix: string;
  readonly nameSuffix: string;
  readonly metadataLabels: Readonly<Record<string, string>>;
  readonly selectorLabels: Readonly<Record<string, string>>;
  readonly templateLabels: Readonly<Record<string, string>>;
  /** The kustomizations the resource goes through, innermost first (each layer's patches apply in turn). */
  readonly layers: readonly KustomizationFile[];
  /** Whether the build is one nobody includes: what is actually applied. */
  readonly leaf: boolean;
}

export interface KustomizeLayout {
  readonly kustomizations: ReadonlyMap<string, KustomizationFile>;
  /**
   * Directories of kustomizations whose builds hold resources the workspace does not show: an
   * entry that is remote, inflated from a chart, or not there (kustomize fails on it, or a step
   * before it makes it), and the kustomizations such builds include. Their pods and Services are
   * unknown, never absent.
   */
  readonly incompleteBuilds: ReadonlySet<string>;
  /** Files that are patches or transformer/generator configuration: never resources. */
  readonly nonResourceFiles: ReadonlySet<string>;
  /** For each resource file listed by some build, its memberships. */
  readonly memberships: ReadonlyMap<string, readonly BuildMembership[]>;
}

function isRemote(entry: string): boolean {
  return (
    /^[a-z]+:\/\//i.test(entry) || /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(entry) || entry.startsWith('git@')
  );
}

export function readKustomization(file: string, parsed: ParsedFile): KustomizationFile | undefined {
  const root = asMap(parsed.documents[0]?.contents);
  if (!root) return undefined;
  const dir = path.dirname(file);
  const resolve = (p: string) => path.normalize(path.join(dir, p));
  const strings = (key: string) =>
    seqItems(get(root, key))
      .map(stringValue)
      .filter((s): s is string => !!s);
  const listed = [...strings('resources'), ...strings('bases'), ...strings('components')];
  const entries = listed.filter((e) => !isRemote(e)).map(resolve);

  const patchFiles: string[] = [];
  const patches: PatchSpec[] = [];
  const readTarget = (node: YNode | undefined): PatchTarget | undefined => {
    const t = asMap(node);
    if (!t) return undefined;
    const field = (k: string) => stringValue(get(t, k)) || undefined;
    return {
      group: field('group'),
      version: field('version'),
      kind: field('kind'),
      name: field('name'),
      namespace: field('namespace'),
      labelSelector: field('labelSelector'),
      annotationSelector: field('annotationSelector'),
    };
  };
  for (const item of seqItems(get(root, 'patches'))) {
    const p = stringValue(get(item, 'path'));
    const inline = asScalar(get(item, 'patch'));
    const target = readTarget(get(item, 'target'));
    if (p) {
      patchFiles.push(resolve(p));
      patches.push({ file: resolve(p), target, format: 'auto' });
    } else if (inline && typeof inline.value === 'string') patches.push({ file, inline, target, format: 'auto' });
  }
  for (const item of seqItems(get(root, 'patchesStrategicMerge'))) {
    const p = asScalar(item);
    if (!p || typeof p.value !== 'string') continue;
    if (!p.value.includes('\n')) {
      patchFiles.push(resolve(p.value));
      patches.push({ file: resolve(p.value), format: 'strategic' });
    } else patches.push({ file, inline: p, format: 'strategic' });
  }
  for (const item of seqItems(get(root, 'patchesJson6902'))) {
    const p = stringValue(get(item, 'path'));
    const inline = asScalar(get(item, 'patch'));
    const target = readTarget(get(item, 'target'));
    if (p) {
      patchFiles.push(resolve(p));
      patches.push({ file: resolve(p), target, format: 'json6902' });
    } else if (inline && typeof inline.value === 'string') patches.push({ file, inline, target, format: 'json6902' });
  }
  const replacements: ReplacementSpec[] = seqItems(get(root, 'replacements')).map((r) => {
    const p = stringValue(get(r, 'path'));
    return p ? { file: resolve(p) } : { node: r };
  });
  const varNames = seqItems(get(root, 'vars'))
    .map((v) => stringValue(get(v, 'name')))
    .filter((n): n is string => !!n);
  const configFiles = [
    ...strings('transformers'),
    ...strings('generators'),
    ...strings('validators'),
    ...strings('configurations'),
    ...strings('crds'),
    ...seqItems(get(root, 'replacements'))
      .map((r) => stringValue(get(r, 'path')))
      .filter((s): s is string => !!s),
  ]
    .filter((e) => !isRemote(e))
    .map(resolve);
  const openapi = stringValue(get(get(root, 'openapi'), 'path'));
  if (openapi) configFiles.push(resolve(openapi));

  const labels: LabelAddition[] = [];
  const commonLabels = Object.fromEntries(stringEntries(get(root, 'commonLabels')).map((e) => [e.key, e.value]));
  if (Object.keys(commonLabels).length) labels.push({ pairs: commonLabels, toSelectors: true, toTemplates: true });
  for (const l of seqItems(get(root, 'labels'))) {
    const pairs = Object.fromEntries(stringEntries(get(l, 'pairs')).map((e) => [e.key, e.value]));
    const toSelectors = boolValue(get(l, 'includeSelectors')) === true;
    labels.push({ pairs, toSelectors, toTemplates: toSelectors || boolValue(get(l, 'includeTemplates')) === true });
  }

  const kind = stringValue(get(root, 'kind'));
  return {
    dir,
    file,
    isComponent: kind === 'Component',
    namespace: stringValue(get(root, 'namespace')) || undefined,
    namePrefix: stringValue(get(root, 'namePrefix')) ?? '',
    nameSuffix: stringValue(get(root, 'nameSuffix')) ?? '',
    labels,
    entries,
    unseenEntries: listed.length - entries.length + seqItems(get(root, 'helmCharts')).length,
    patchFiles,
    configFiles,
    patches,
    replacements,
    varNames,
  };
}

interface Layer {
  readonly k: KustomizationFile;
}

/**
 * A layer as it acts on the resources below it: a component's patches, replacements and labels act
 * on the resources of the kustomization that lists it, so they are added to that layer.
 */
function withComponents(k: KustomizationFile, byDir: ReadonlyMap<string, KustomizationFile>): KustomizationFile {
  const components = k.entries
    .map((e) => byDir.get(e))
    .filter((c): c is KustomizationFile => c !== undefined && c.isComponent);
  if (components.length === 0) return k;
  return {
    ...k,
    labels: [...k.labels, ...components.flatMap((c) => c.labels)],
    patches: [...components.flatMap((c) => c.patches), ...k.patches],
    replacements: [...k.replacements, ...components.flatMap((c) => c.replacements)],
    varNames: [...k.varNames, ...components.flatMap((c) => c.varNames)],
  };
}

/**
 * Walks every kustomization as a build of its own (bases included: each is buildable) and
 * records, for each resource file reached, the composed transformations of that build.
 */
export function layoutKustomizations(
  kustomizations: ReadonlyMap<string, KustomizationFile>,
  fileExists: (file: string) => boolean,
): KustomizeLayout {
  const read = new Map<string, KustomizationFile>();
  for (const k of kustomizations.values()) read.set(k.dir, k);
  const byDir = new Map<string, KustomizationFile>();
  for (const k of read.values()) byDir.set(k.dir, withComponents(k, read));
  const nonResourceFiles = new Set<string>();
  for (const k of kustomizations.values()) {
    for (const f of [...k.patchFiles, ...k.configFiles]) nonResourceFiles.add(f);
  }
  const includedDirs = new Set<string>();
  for (const k of kustomizations.values()) for (const e of k.entries) if (byDir.has(e)) includedDirs.add(e);

  const memberships = new Map<string, BuildMembership[]>();
  for (const k of byDir.values()) {
    // A component is not buildable alone; it is analysed inside the builds that include it.
    if (k.isComponent && includedDirs.has(k.dir)) continue;
    const files: { file: string; chain: Layer[] }[] = [];
    collect(k, [], new Set(), files);
    for (const { file, chain } of files) {
      const list = memberships.get(file) ?? [];
      list.push(compose(k.dir, chain, !includedDirs.has(k.dir)));
      memberships.set(file, list);
    }
  }
  const incompleteBuilds = new Set<string>();
  const unknownAround: string[] = [];
  for (const k of byDir.values())
    if (k.unseenEntries > 0 || k.entries.some((e) => !byDir.has(e) && !fileExists(e))) unknownAround.push(k.dir);
  // What such a build includes is applied beside the resources nobody sees: unknown too.
  while (unknownAround.length > 0) {
    const dir = unknownAround.pop()!;
    if (incompleteBuilds.has(dir)) continue;
    incompleteBuilds.add(dir);
    for (const e of byDir.get(dir)?.entries ?? []) if (byDir.has(e)) unknownAround.push(e);
  }
  return { kustomizations, nonResourceFiles, memberships, incompleteBuilds };

  function collect(
    k: KustomizationFile,
    outer: Layer[],
    visiting: Set<string>,
    out: { file: string; chain: Layer[] }[],
  ) {
    if (visiting.has(k.dir)) return; // a cycle; kustomize rejects it too
    visiting.add(k.dir);
    const chain = [{ k }, ...outer];
    for (const entry of k.entries) {
      const nested = byDir.get(entry);
      if (nested) collect(nested, chain, visiting, out);
      else if (fileExists(entry) && !nonResourceFiles.has(entry)) out.push({ file: entry, chain });
    }
    visiting.delete(k.dir);
  }
}

/** Composes layers innermost first, as kustomize applies them: outer namespaces override inner ones. */
function compose(build: string, chain: Layer[], leaf: boolean): BuildMembership {
  let namespace: string | undefined;
  let namePrefix = '';
  let nameSuffix = '';
  const metadataLabels: Record<string, string> = {};
  const selectorLabels: Record<string, string> = {};
  const templateLabels: Record<string, string> = {};
  for (const { k } of chain) {
    if (k.namespace) namespace = k.namespace;
    namePrefix = k.namePrefix + namePrefix;
    nameSuffix = nameSuffix + k.nameSuffix;
    for (const l of k.labels) {
      Object.assign(metadataLabels, l.pairs);
      if (l.toSelectors) Object.assign(selectorLabels, l.pairs);
      if (l.toTemplates) Object.assign(templateLabels, l.pairs);
    }
  }
  return {
    build,
    namespace,
    namePrefix,
    nameSuffix,
    metadataLabels,
    selectorLabels,
    templateLabels,
    layers: chain.map((l) => l.k),
    leaf,
  };
}
