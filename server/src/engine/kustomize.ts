// Kustomize as far as it changes what the analysis must believe: which files are resources and
// which are patches or transformer configuration, and what each build does to the resources it
// lists (namespace, name prefix/suffix, added labels). Transformations we do not reproduce
// (patches, replacements, vars) make the affected instances "uncertain": no diagnostic is drawn
// from them, because guessing is worse than silence.
import * as path from 'node:path/posix';
import type { ParsedFile } from './syntax';
import { asMap, asSeq, get, seqItems, stringEntries, stringValue, boolValue } from './tree';
import { pushAll } from './arrays';

export const KUSTOMIZATION_FILE_NAMES = new Set(['kustomization.yaml', 'kustomization.yml', 'Kustomization']);

export function isKustomizationFile(file: string): boolean {
  return KUSTOMIZATION_FILE_NAMES.has(path.basename(file));
}

interface LabelAddition {
  readonly pairs: Readonly<Record<string, string>>;
  readonly toSelectors: boolean;
  readonly toTemplates: boolean;
}

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
  readonly patchFiles: readonly string[];
  readonly configFiles: readonly string[];
  /** `Kind/name` of resources that patches target (`*` when a patch's target cannot be known). */
  readonly patchTargets: readonly string[];
  /** replacements or vars: anything may change. */
  readonly rewritesValues: boolean;
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
  readonly patchTargets: ReadonlySet<string>;
  readonly rewritesValues: boolean;
}

export interface KustomizeLayout {
  readonly kustomizations: ReadonlyMap<string, KustomizationFile>;
  /** Files that are patches or transformer/generator configuration: never resources. */
  readonly nonResourceFiles: ReadonlySet<string>;
  /** For each resource file listed by some build, its memberships. */
  readonly memberships: ReadonlyMap<string, readonly BuildMembership[]>;
}

function isRemote(entry: string): boolean {
  return /^[a-z]+:\/\//i.test(entry) || /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(entry) || entry.startsWith('git@');
}

export function readKustomization(file: string, parsed: ParsedFile, patchTargetsOf: (file: string) => string[]): KustomizationFile | undefined {
  const root = asMap(parsed.documents[0]?.contents);
  if (!root) return undefined;
  const dir = path.dirname(file);
  const resolve = (p: string) => path.normalize(path.join(dir, p));
  const strings = (key: string) => seqItems(get(root, key)).map(stringValue).filter((s): s is string => !!s);
  const entries = [...strings('resources'), ...strings('bases'), ...strings('components')].filter((e) => !isRemote(e)).map(resolve);

  const patchFiles: string[] = [];
  const patchTargets: string[] = [];
  const addPatchTarget = (target: unknown) => {
    const t = asMap(target as never);
    const kind = stringValue(get(t, 'kind'));
    const name = stringValue(get(t, 'name'));
    // A target chosen by label or annotation selector, or by name regex, could be anything.
    patchTargets.push(kind && name && !/[*^$[\]()|+?]/.test(name) && !get(t, 'labelSelector') && !get(t, 'annotationSelector') ? `${kind}/${name}` : '*');
  };
  for (const item of seqItems(get(root, 'patches'))) {
    const p = stringValue(get(item, 'path'));
    if (p) patchFiles.push(resolve(p));
    if (get(item, 'target')) addPatchTarget(get(item, 'target'));
    else if (p) pushAll(patchTargets, patchTargetsOf(resolve(p)));
    else if (stringValue(get(item, 'patch'))) patchTargets.push('*');
  }
  for (const item of seqItems(get(root, 'patchesStrategicMerge'))) {
    const p = stringValue(item);
    if (p && !p.includes('\n')) {
      patchFiles.push(resolve(p));
      pushAll(patchTargets, patchTargetsOf(resolve(p)));
    } else patchTargets.push('*');
  }
  for (const item of seqItems(get(root, 'patchesJson6902'))) {
    const p = stringValue(get(item, 'path'));
    if (p) patchFiles.push(resolve(p));
    addPatchTarget(get(item, 'target'));
  }
  const configFiles = [
    ...strings('transformers'), ...strings('generators'), ...strings('validators'), ...strings('configurations'), ...strings('crds'),
    ...seqItems(get(root, 'replacements')).map((r) => stringValue(get(r, 'path'))).filter((s): s is string => !!s),
  ].filter((e) => !isRemote(e)).map(resolve);
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
    patchFiles,
    configFiles,
    patchTargets,
    rewritesValues: asSeq(get(root, 'replacements')) !== undefined || asSeq(get(root, 'vars')) !== undefined,
  };
}

interface Layer {
  readonly k: KustomizationFile;
}

/**
 * Walks every kustomization as a build of its own (bases included: each is buildable) and
 * records, for each resource file reached, the composed transformations of that build.
 */
export function layoutKustomizations(
  kustomizations: ReadonlyMap<string, KustomizationFile>,
  fileExists: (file: string) => boolean,
): KustomizeLayout {
  const byDir = new Map<string, KustomizationFile>();
  for (const k of kustomizations.values()) byDir.set(k.dir, k);
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
      list.push(compose(k.dir, chain));
      memberships.set(file, list);
    }
  }
  return { kustomizations, nonResourceFiles, memberships };

  function collect(k: KustomizationFile, outer: Layer[], visiting: Set<string>, out: { file: string; chain: Layer[] }[]) {
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
function compose(build: string, chain: Layer[]): BuildMembership {
  let namespace: string | undefined;
  let namePrefix = '';
  let nameSuffix = '';
  const metadataLabels: Record<string, string> = {};
  const selectorLabels: Record<string, string> = {};
  const templateLabels: Record<string, string> = {};
  const patchTargets = new Set<string>();
  let rewritesValues = false;
  for (const { k } of chain) {
    if (k.namespace) namespace = k.namespace;
    namePrefix = k.namePrefix + namePrefix;
    nameSuffix = nameSuffix + k.nameSuffix;
    for (const l of k.labels) {
      Object.assign(metadataLabels, l.pairs);
      if (l.toSelectors) Object.assign(selectorLabels, l.pairs);
      if (l.toTemplates) Object.assign(templateLabels, l.pairs);
    }
    for (const t of k.patchTargets) patchTargets.add(t);
    rewritesValues ||= k.rewritesValues;
  }
  return { build, namespace, namePrefix, nameSuffix, metadataLabels, selectorLabels, templateLabels, patchTargets, rewritesValues };
}
