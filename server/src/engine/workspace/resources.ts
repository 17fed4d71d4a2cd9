// Resource instances: one `Resource` per resource document per kustomize build that includes its
// file (rendered, patched or as written), with its name, namespace (and where it came from),
// labels and annotations; reused per file while its reading and builds are unchanged.
import { commonEnds, joinedRanges } from '../arrays';
import type { AnalysisConfig } from '../config';
import type { BuildMembership, KustomizationFile, KustomizeLayout } from '../kustomize';
import { buildDocument, type BuildContext } from '../kustomizeBuild';
import { DELETED } from '../kustomizePatch';
import { traceOnto } from '../kustomizeRendered';
import { isClusterScoped } from '../model/kinds';
import { resourceId, sourceKey, type NamespaceOrigin, type Resource } from '../model/resource';
import { flatString, type YMap, type YNode } from '../syntax';
import { asMap, asScalar, get, keyText, keyValue, pair, stringValue } from '../tree';
import type { FileInstances, LoadCache } from './cache';
import type { ResourceDoc } from './types';
import type { FileEntry } from './read';
import { spanAt, type Span } from '../text';

const ANNOTATION_IGNORE = 'kube-traffic-lens/ignore';
/** The counts of a file of one document with one instance, most files: shared. */
const ONE_INSTANCE: readonly number[] = Object.freeze([1]);

/** Whether a build changes resource trees (patches, replacements, vars, renamed references): its instances are rebuilt on every load. */
export function rewritesTrees(m: BuildMembership | undefined): boolean {
  return (
    m !== undefined &&
    m.layers.some(
      (k) =>
        k.patches.length > 0 ||
        k.replacements.length > 0 ||
        k.varNames.length > 0 ||
        k.namePrefix !== '' ||
        k.nameSuffix !== '',
    )
  );
}

let uncachedSignatures = 0;

/** Resource documents turned into instances between two yields (a bundle holds thousands). */
const DOCS_PER_STEP = 64;

/** A file's instances, in steps: reused while its reading and builds are unchanged. */
export function* fileInstances(
  file: string,
  entry: FileEntry,
  layout: KustomizeLayout,
  config: AnalysisConfig,
  cache: LoadCache,
  build: BuildContext | undefined,
): Generator<void, FileInstances> {
  const memberships: readonly (BuildMembership | undefined)[] = layout.memberships.get(file) ?? [undefined];
  const rendered = build?.rendered;
  const isRendered = (m: BuildMembership | undefined) =>
    m !== undefined && rendered !== undefined && rendered.has(m.build);
  // Patched or rendered instances depend on other files (patches, kustomizations): never reused.
  const signature = memberships.some((m) => rewritesTrees(m) || isRendered(m))
    ? `rebuilt-${++uncachedSignatures}`
    : `${memberships[0] === undefined ? 'none' : JSON.stringify(memberships, (k, v) => (k === 'layers' ? (v as KustomizationFile[]).map((l) => l.file) : v))}|${config.defaultNamespace ?? ''}`;
  const cached = cache.instances.get(file);
  if (cached && cached.entry === entry && cached.signature === signature) return cached;
  // The instances made here, between those kept before and after the edit.
  const fileResources: Resource[] = [];
  const counts: number[] = [];
  // The instances of the documents an edit left as they were (same tree objects, same numbers:
  // documents.ts reuses them, and a framed reading does not move those after the edit) are kept,
  // so that they keep their identity and their rule results: those before the edit and after it.
  const [kept, keptAfter] = cached && !signature.startsWith('rebuilt-') ? keptEnds(cached, entry, signature) : [0, 0];
  let keptResources = 0;
  for (let d = 0; d < kept; d++) keptResources += cached!.counts[d];
  for (let d = kept; d < entry.docs.length - keptAfter; d++) {
    if (d % DOCS_PER_STEP === DOCS_PER_STEP - 1) yield;
    const doc = entry.docs[d];
    let made = 0;
    for (const m of memberships) {
      if (m && rendered && isRendered(m)) {
        // Exact mode: the binary's output, traced back onto this document; not in the output: not in the build.
        const out = rendered.find(m.build, file, doc.kind, `${m.namePrefix}${baseNameOf(doc)}${m.nameSuffix}`);
        if (!out) continue;
        const asRendered = { ...m, metadataLabels: {}, selectorLabels: {}, templateLabels: {} };
        fileResources.push(
          makeResource(
            file,
            doc,
            asRendered,
            entry.fileNamespace,
            entry.appliedNamespace,
            config,
            { node: traceOnto(out, doc.node), uncertain: false },
            undefined,
          ),
        );
        made++;
        continue;
      }
      const built =
        m && build && rewritesTrees(m)
          ? buildDocument(doc.node, doc.kind, doc.apiVersion, baseNameOf(doc), m, build)
          : undefined;
      if (built === DELETED) continue;
      fileResources.push(
        makeResource(file, doc, m, entry.fileNamespace, entry.appliedNamespace, config, built, build?.origins.files),
      );
      made++;
    }
    counts.push(made);
  }
  if (!cached || kept + keptAfter === 0)
    // Exact-size copies: an array grown by push keeps room for 16 (~130 bytes more per file).
    return {
      entry,
      signature,
      resources: fileResources.slice(),
      counts: counts.length === 1 && counts[0] === 1 ? ONE_INSTANCE : counts.slice(),
    };
  let keptAfterFrom = cached.resources.length;
  for (let d = cached.counts.length - keptAfter; d < cached.counts.length; d++) keptAfterFrom -= cached.counts[d];
  return {
    entry,
    signature,
    resources: joinedRanges(cached.resources, keptResources, fileResources, cached.resources, keptAfterFrom),
    counts: joinedRanges(cached.counts, kept, counts, cached.counts, cached.counts.length - keptAfter),
  };
}

/** The source key of a file's resource document (model/resource.ts sourceKey). */
export function docKey(file: string, doc: ResourceDoc): string {
  return flatString(sourceKey({ file, docIndex: doc.docIndex, itemIndex: doc.itemIndex }));
}

/** Calls `visit` with the source key and count of each of a file's documents whose instance count is not 1. */
export function countsOtherThanOne(file: string, fi: FileInstances, visit: (key: string, n: number) => void): void {
  for (let d = 0; d < fi.counts.length; d++)
    if (fi.counts[d] !== 1) visit(docKey(file, fi.entry.docs[d]), fi.counts[d]);
}

/**
 * How many of a file's first and last resource documents are unchanged since its cached instances:
 * the same tree with the same numbers, under the same builds and the same file-wide namespace.
 */
function keptEnds(cached: FileInstances, entry: FileEntry, signature: string): [number, number] {
  const before = cached.entry;
  if (
    cached.signature !== signature ||
    before.fileNamespace !== entry.fileNamespace ||
    before.appliedNamespace !== entry.appliedNamespace ||
    // A reading with trees of its own (trees.ts) was a fresh parse: no later reading shares them,
    // and comparing would parse it again.
    before.trees !== undefined
  )
    return [0, 0];
  return commonEnds(before.docs, entry.docs, sameDoc);
}

function sameDoc(a: ResourceDoc, b: ResourceDoc): boolean {
  return a.node === b.node && a.docIndex === b.docIndex && a.itemIndex === b.itemIndex && a.damaged === b.damaged;
}

/** `Kind/name` of every resource of a build, named as before that build's own prefix and suffix. */
export function buildNamesBefore(
  dir: string,
  layout: KustomizeLayout,
  entries: ReadonlyMap<string, FileEntry>,
): ReadonlySet<string> {
  const names = new Set<string>();
  for (const [file, memberships] of layout.memberships) {
    const m = memberships.find((x) => x.build === dir);
    if (!m) continue;
    const inner = m.layers.slice(0, -1);
    for (const doc of entries.get(file)?.docs ?? []) {
      let name = baseNameOf(doc);
      for (const k of inner) name = `${k.namePrefix}${name}${k.nameSuffix}`;
      names.add(`${doc.kind}/${name}`);
    }
  }
  return names;
}

function baseNameOf(doc: ResourceDoc): string {
  const metadata = asMap(get(doc.node, 'metadata'));
  const nameNode = asScalar(get(metadata, 'name'));
  return nameNode && nameNode.value !== null
    ? nameNode.text
    : `${stringValue(get(metadata, 'generateName')) ?? ''}<generated>`;
}

const NO_RULES: ReadonlySet<string> = new Set();
/** Most resources have no annotations (or labels): they share one empty record. */
const NO_ENTRIES: Readonly<Record<string, string>> = Object.freeze({});

/** The string entries of a map (labels, annotations) as a record, as stringEntries reads them. */
function stringRecord(node: YNode | undefined): Readonly<Record<string, string>> {
  const map = asMap(node);
  if (!map || map.pairs.length === 0) return NO_ENTRIES;
  const entries: [string, string][] = [];
  for (const p of map.pairs) {
    const v = p.value;
    if (!v || v.type !== 'scalar' || v.value === null || keyValue(p) === null) continue;
    entries.push([keyText(p), v.text]);
  }
  return entries.length === 0 ? NO_ENTRIES : Object.fromEntries(entries);
}

function makeResource(
  file: string,
  doc: ResourceDoc,
  m: BuildMembership | undefined,
  fileNamespace: string | undefined,
  appliedNamespace: string | undefined,
  config: AnalysisConfig,
  built: { readonly node: YMap; readonly uncertain: boolean } | undefined,
  origins: readonly string[] | undefined,
): Resource {
  // The document's tree, read once (a plain manifest's is looked up on each read: trees.ts).
  const docNode = doc.node;
  const docMetadata = asMap(get(docNode, 'metadata'));
  const node = built?.node ?? docNode;
  const metadata = built ? asMap(get(node, 'metadata')) : docMetadata;
  const nameNode = asScalar(get(docMetadata, 'name'));
  const baseName = baseNameOf(doc);
  const name = m ? `${m.namePrefix}${baseName}${m.nameSuffix}` : baseName;
  const explicitNamespace = stringValue(get(docMetadata, 'namespace'));

  let namespace: string | undefined;
  let namespaceOrigin: NamespaceOrigin;
  if (isClusterScoped(doc.kind, doc.apiVersion)) {
    namespace = undefined;
    namespaceOrigin = 'cluster';
  } else if (m?.namespace) {
    // kustomize's namespace transformer overrides explicit namespaces too (its default, unsetOnly: false).
    namespace = m.namespace;
    namespaceOrigin = explicitNamespace === m.namespace ? 'explicit' : 'kustomize';
  } else if (explicitNamespace) {
    namespace = explicitNamespace;
    namespaceOrigin = 'explicit';
  } else if (appliedNamespace) {
    // `helm template --namespace X` (and so `helm install -n X`) puts namespaced objects in X.
    namespace = appliedNamespace;
    namespaceOrigin = 'file';
  } else if (config.defaultNamespace) {
    namespace = config.defaultNamespace;
    namespaceOrigin = 'setting';
  } else if (fileNamespace) {
    namespace = fileNamespace;
    namespaceOrigin = 'file';
  } else {
    namespace = 'default';
    namespaceOrigin = 'default';
  }

  const ownLabels = stringRecord(get(metadata, 'labels'));
  const labels = m && Object.keys(m.metadataLabels).length > 0 ? { ...ownLabels, ...m.metadataLabels } : ownLabels;
  const annotations = stringRecord(get(metadata, 'annotations'));
  const ignore = annotations[ANNOTATION_IGNORE];
  const ignoredRules: ReadonlySet<string> = ignore ? new Set(ignore.split(/[\s,]+/).filter(Boolean)) : NO_RULES;
  const itemSuffix = doc.itemIndex === undefined ? '' : `.${doc.itemIndex}`;
  // A document with a syntax error (kept as the parser recovered it), or fields a build rewrites, are unknown.
  const uncertain = doc.damaged === true || (built?.uncertain ?? false);
  return new DocumentResource(
    // Flat copies: a key built by concatenation is a chain of string pieces, and stays one when hashed.
    flatString(resourceId(doc.kind, namespace, name)),
    flatString(`${file}#${doc.docIndex}${itemSuffix}${m ? `@${m.build}` : ''}`),
    doc.apiVersion,
    doc.kind,
    name,
    namespace,
    namespaceOrigin,
    file,
    doc.docIndex,
    doc.itemIndex,
    docNode.span,
    doc.kindSpan,
    nameNode?.span ?? pair(docMetadata, 'name')?.key.span,
    built ?? doc,
    labels,
    annotations,
    m?.build,
    m ? { selector: m.selectorLabels, template: m.templateLabels } : undefined,
    // Built (or rendered) trees have their references renamed with the objects they name.
    m !== undefined && built === undefined && (m.namePrefix !== '' || m.nameSuffix !== ''),
    uncertain,
    m?.leaf ?? false,
    built ? origins : undefined,
    ignoredRules,
  );
}

/**
 * A resource of a source document: its tree is the build's, or the document's, looked up on each
 * read (a plain manifest's trees are not held between runs: workspace/trees.ts). Its own span and
 * its name's are kept as offsets and built on access (an object each is 40 bytes per resource).
 */
class DocumentResource implements Resource {
  private readonly start: number;
  private readonly end: number;
  private readonly kindStart: number;
  private readonly kindEnd: number;
  private readonly nameStart: number;
  private readonly nameEnd: number;

  constructor(
    readonly id: string,
    readonly key: string,
    readonly apiVersion: string,
    readonly kind: string,
    readonly name: string,
    readonly namespace: string | undefined,
    readonly namespaceOrigin: NamespaceOrigin,
    readonly file: string,
    readonly docIndex: number,
    readonly itemIndex: number | undefined,
    span: Span,
    kindSpan: Span,
    nameSpan: Span | undefined,
    private readonly tree: { readonly node: YMap },
    readonly labels: Readonly<Record<string, string>>,
    readonly annotations: Readonly<Record<string, string>>,
    readonly build: string | undefined,
    readonly buildLabels: Resource['buildLabels'],
    readonly namesTransformed: boolean,
    readonly uncertain: boolean,
    readonly leafBuild: boolean,
    readonly origins: readonly string[] | undefined,
    readonly ignoredRules: ReadonlySet<string>,
  ) {
    this.start = span.start;
    this.end = span.end;
    this.kindStart = kindSpan.start;
    this.kindEnd = kindSpan.end;
    this.nameStart = nameSpan?.start ?? -1;
    this.nameEnd = nameSpan?.end ?? -1;
  }

  get node(): YMap {
    return this.tree.node;
  }

  get span(): Span {
    return { start: this.start, end: this.end };
  }

  get kindSpan(): Span {
    return { start: this.kindStart, end: this.kindEnd };
  }

  get nameSpan(): Span | undefined {
    return spanAt(this.nameStart, this.nameEnd);
  }
}
