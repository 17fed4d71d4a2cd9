// Reading a workspace: which files are manifests (not Helm templates, not kustomize patches or
// configuration, not unrelated YAML), which documents are resources, and what namespace and name
// each resource instance has in each kustomize build that includes it. Input is (path, text)
// pairs; nothing here touches the file system.
import * as path from 'node:path/posix';
import type { AnalysisConfig } from './config';
import { findDisabledLines, type Diagnostic, type DisabledLines } from './diagnostics';
import {
  isKustomizationFile,
  layoutKustomizations,
  readKustomization,
  type BuildMembership,
  type KustomizationFile,
  type KustomizeLayout,
} from './kustomize';
import { buildDocument, type BuildContext } from './kustomizeBuild';
import { DELETED } from './kustomizePatch';
import { RenderedIndex, traceOnto, type RenderedBuild } from './kustomizeRendered';
import { OriginTable } from './origin';
import { isClusterScoped } from './model/kinds';
import { resourceId, type NamespaceOrigin, type Resource } from './model/resource';
import { overShapeLimits, type ShapeLimits } from './shape';
import { isRenderedPath } from './helm/rendered';
import { parseYaml, type ParsedFile, type YMap, type YNode } from './syntax';
import { LineIndex, type Span } from './text';
import { asMap, asScalar, exact, get, getPath, keyText, keyValue, pair, seqItems, stringValue } from './tree';
import { pushAll, spliceAll } from './arrays';

export interface WorkspaceFile {
  /** A path (posix separators) that the adapters can map back to the real file. */
  readonly path: string;
  readonly text: string;
  /** The namespace the file is applied to, when known (a Helm release's `--namespace`). */
  readonly namespace?: string;
}

export interface SkippedFile {
  readonly path: string;
  readonly size: number;
}

/**
 * `expectation`: a test suite's description of state to assert or to be absent (chainsaw and kuttl
 * `assert`/`error` files), not objects to apply; `test` the suite's own configuration.
 */
export type FileRole = 'manifest' | 'kustomization' | 'patch' | 'template' | 'test' | 'expectation' | 'other';

export interface SourceFile {
  readonly path: string;
  readonly role: FileRole;
  readonly lines: LineIndex;
  readonly disabledLines: DisabledLines;
  /** Source documents (count), for hover and symbols. */
  readonly documentCount: number;
}

export interface LoadedWorkspace {
  readonly files: ReadonlyMap<string, SourceFile>;
  readonly resources: readonly Resource[];
  /** For each source document (sourceKey), how many instances it has: a diagnostic must hold in all. */
  readonly instanceCounts: ReadonlyMap<string, number>;
  readonly diagnostics: readonly Diagnostic[];
  readonly kustomize: KustomizeLayout;
  /**
   * Directories with files whose resources are unknown: templates (outside Helm charts), files
   * skipped as too large, documents that could not be read. An unknown input suppresses, never accuses.
   */
  readonly templateDirs: ReadonlySet<string>;
}

const ANNOTATION_IGNORE = 'kube-traffic-lens/ignore';

function isJsonFile(p: string): boolean {
  return p.toLowerCase().endsWith('.json');
}

/** A document is a resource when apiVersion and kind are strings (kustomize's own kinds excepted). */
function resourceHeader(
  node: YNode | null | undefined,
): { apiVersion: string; kind: string; kindSpan: Span } | undefined {
  const map = asMap(node);
  const apiVersion = stringValue(get(map, 'apiVersion'));
  const kindNode = asScalar(get(map, 'kind'));
  if (!apiVersion || !kindNode || typeof kindNode.value !== 'string' || !kindNode.value) return undefined;
  if (apiVersion.startsWith('kustomize.config.k8s.io/') || apiVersion === 'builtin') return undefined;
  if (apiVersion.startsWith('config.kubernetes.io/') || apiVersion.startsWith('kpt.dev/')) return undefined;
  if (get(map, '$patch') !== undefined) return undefined; // `$patch: delete` and friends are patches
  return { apiVersion, kind: kindNode.value, kindSpan: kindNode.span };
}

/**
 * A `{{` is Helm or Go templating when it stands in the YAML structure itself. The same braces
 * inside a string value (Prometheus alert templates, Grafana dashboards in a ConfigMap) are data.
 */
function hasTemplateSyntax(text: string, parsed: ParsedFile): boolean {
  if (!text.includes('{{')) return false;
  if (parsed.problems.some((p) => p.rule === 'yaml-syntax')) return true;
  const stringSpans: Span[] = [];
  const collect = (node: YNode | null | undefined) => {
    if (!node) return;
    if (node.type === 'scalar') {
      if (typeof node.value === 'string' && node.value.includes('{{')) stringSpans.push(node.span);
    } else if (node.type === 'seq') node.items.forEach(collect);
    else for (const p of node.pairs) collect(p.value);
  };
  parsed.documents.forEach((d) => collect(d.contents));
  stringSpans.sort((a, b) => a.start - b.start);
  let from = 0;
  for (;;) {
    const at = text.indexOf('{{', from);
    if (at < 0) return false;
    from = at + 2;
    const lineStart = text.lastIndexOf('\n', at) + 1;
    if (/(^|\s)#/.test(text.slice(lineStart, at))) continue; // in a comment
    if (!stringSpans.some((s) => at >= s.start && at < s.end)) return true;
  }
}

/** Parses a file; the language server passes a cache so that an edit re-parses one file only. */
export type FileParser = (file: WorkspaceFile) => ParsedFile;

/**
 * What loading keeps between runs (the language server's re-analysis): each file's reading while
 * its text is unchanged, and each resource instance while its file and build are unchanged, so
 * that unchanged resources keep their identity and their cached rule results.
 */
export class LoadCache {
  files = new Map<string, FileEntry>();
  instances = new Map<string, FileInstances>();
  /** The last completed load, by position in its file list: an edit of a few manifests patches it. */
  last: LastLoad | undefined;
  /**
   * The patches since the last full load, oldest first: which instances each removed and added.
   * The Analyzer derives a graph from the last one it completed through them, and clears them.
   */
  deltas: LoadDelta[] = [];
}

/**
 * An instance's place among its file's instances in the last load (-1 when unknown): with the
 * file's position, its place in the resource list.
 */
export function instanceIndexInFile(cache: LoadCache, filePosition: number, r: Resource): number {
  return cache.last?.instances[filePosition]?.resources.indexOf(r) ?? -1;
}

/** What a patched load changed from the load it patched. */
export interface LoadDelta {
  readonly from: LoadedWorkspace;
  readonly to: LoadedWorkspace;
  /** Instances of the patched files: the old ones and their replacements, each in resource order. */
  readonly removed: readonly Resource[];
  readonly added: readonly Resource[];
  /** A file's position in the file order, which resources follow (a file's instances are contiguous). */
  readonly filePosition: (file: string) => number;
}

interface LastLoad {
  readonly files: readonly WorkspaceFile[];
  readonly entries: readonly FileEntry[];
  readonly instances: readonly (FileInstances | undefined)[];
  readonly settings: string;
  readonly result: LoadedWorkspace;
  /** Position of each path in files (built on the first patch, kept while the file list is the same). */
  readonly positions: ReadonlyMap<string, number> | undefined;
}

/** Edits of at most this many files patch the last load instead of going over every file. */
const MAX_PATCHED_FILES = 16;

/** A file's resource instances, valid while its reading and its builds are unchanged. */
interface FileInstances {
  readonly entry: FileEntry;
  readonly signature: string;
  readonly resources: readonly Resource[];
  readonly counts: readonly (readonly [string, number])[];
}

/**
 * A file's reading. The line index and the disable-comment scan are built on first use: most files
 * never need them (they serve diagnostics and editor requests only).
 */
class FileEntry {
  private lineIndex: LineIndex | undefined;
  private disabled: DisabledLines | undefined;

  constructor(
    readonly text: string,
    readonly inChart: boolean,
    readonly role: FileRole,
    readonly parsed: ParsedFile | undefined = undefined,
    readonly diagnostics: readonly Diagnostic[] = NO_DIAGNOSTICS,
    readonly docs: readonly ResourceDoc[] = NO_DOCS,
    readonly fileNamespace: string | undefined = undefined,
    /** The shape limits the reading was made under (a reading refused under other limits is redone). */
    readonly limits: string = '',
    readonly appliedNamespace: string | undefined = undefined,
  ) {}

  get lines(): LineIndex {
    return (this.lineIndex ??= new LineIndex(this.text));
  }

  get disabledLines(): DisabledLines {
    return (this.disabled ??= findDisabledLines(this.text, (o) => this.lines.position(o).line));
  }

  /**
   * Whether the file may define resources this reading does not hold: a template, a readable
   * document dropped by a limit (an alias bomb, nesting too deep), a reading that failed. (A syntax
   * error is the user's to fix and is reported; the rest of the file is judged as usual.)
   * Pods it may define are unknown, so selection rules do not conclude "selects nothing" beside it.
   */
  get mayHideResources(): boolean {
    return (this.hides ??= this.role === 'template' || this.diagnostics.some((d) => d.rule === 'analysis-incomplete'));
  }

  private hides: boolean | undefined;
}

const NO_DIAGNOSTICS: readonly Diagnostic[] = Object.freeze([]);
const NO_DOCS: readonly ResourceDoc[] = Object.freeze([]);

/** What loadWorkspace reports per file; lines and disabled lines come from the file's reading, on demand. */
class SourceRecord implements SourceFile {
  constructor(
    readonly path: string,
    readonly role: FileRole,
    private readonly entry: FileEntry,
    readonly documentCount: number,
  ) {}

  get lines(): LineIndex {
    return this.entry.lines;
  }

  get disabledLines(): DisabledLines {
    return this.entry.disabledLines;
  }

  withRole(role: FileRole): SourceRecord {
    return new SourceRecord(this.path, role, this.entry, this.documentCount);
  }
}

/**
 * A file's reading. A failure while reading one file (a bug, a limit of the runtime) becomes an
 * information diagnostic on that file, and the rest of the workspace is still analysed.
 */
function readFileEntry(f: WorkspaceFile, inChart: boolean, parse: FileParser, limits: ShapeLimits): FileEntry {
  try {
    return readFileEntryUnguarded(f, inChart, parse, limits);
  } catch (err) {
    const note: Diagnostic = {
      file: f.path,
      span: { start: 0, end: 0 },
      severity: 'info',
      rule: 'analysis-incomplete',
      related: [],
      message: `File not analysed: reading it failed (${errorLine(err)}). Pods it may define are treated as unknown.`,
    };
    return new FileEntry(f.text, inChart, 'other', undefined, [note]);
  }
}

/**
 * UTF-16 saved without a byte-order mark and read as UTF-8: ASCII text with a NUL beside every
 * character. (With a BOM, the adapters decode it; a stray NUL is a syntax error like any other.)
 */
function looksLikeUtf16(text: string): boolean {
  const head = text.slice(0, 64);
  let nul = 0;
  for (let i = 0; i < head.length; i++) if (head.charCodeAt(i) === 0) nul++;
  return head.length >= 8 && nul * 3 >= head.length;
}

function limitsKey(limits: ShapeLimits): string {
  return `${limits.maxNodesPerFile}/${limits.maxNestingDepth}`;
}

/** Whether a stored reading holds for this text and these limits (a refused one is redone under others). */
function entryHolds(
  entry: FileEntry | undefined,
  f: WorkspaceFile,
  inChart: boolean,
  limits: ShapeLimits,
): entry is FileEntry {
  return (
    entry !== undefined &&
    entry.text === f.text &&
    entry.inChart === inChart &&
    entry.appliedNamespace === f.namespace &&
    (entry.limits === '' || entry.limits === limitsKey(limits))
  );
}

/** The first line of an error's message, short enough for a diagnostic. */
export function errorLine(err: unknown): string {
  const text = String((err as Error | undefined)?.message ?? err).split('\n')[0];
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}

function readFileEntryUnguarded(f: WorkspaceFile, inChart: boolean, parse: FileParser, limits: ShapeLimits): FileEntry {
  if (inChart || (f.text.includes('{{') && path.dirname(f.path).split('/').includes('templates')))
    return new FileEntry(f.text, inChart, 'template');
  if (isJsonFile(f.path) && !(/"apiVersion"/.test(f.text) && /"kind"/.test(f.text)))
    return new FileEntry(f.text, inChart, 'other');
  const over = looksLikeUtf16(f.text)
    ? 'it looks like UTF-16 text without a byte-order mark (save it as UTF-8, or UTF-16 with a BOM)'
    : overShapeLimits(f.text, limits);
  if (over !== undefined) {
    const note: Diagnostic = {
      file: f.path,
      span: { start: 0, end: 0 },
      severity: 'info',
      rule: 'analysis-incomplete',
      related: [],
      message: `File not analysed: ${over}. Pods it may define are treated as unknown.`,
    };
    return new FileEntry(f.text, inChart, 'other', undefined, [note], NO_DOCS, undefined, limitsKey(limits));
  }
  // YAML breaks lines at CR, LF or CRLF (YAML 1.2 §5.4); the parser reads a lone CR (old Mac line
  // ends) as part of the line. Replaced by LF for parsing, same length: every offset holds.
  const parsed = parse(f.text.includes('\r') ? { path: f.path, text: f.text.replace(/\r(?!\n)/g, '\n') } : f);
  if (hasTemplateSyntax(f.text, parsed)) {
    const note: Diagnostic = {
      file: f.path,
      span: { start: 0, end: 0 },
      severity: 'info',
      rule: 'helm-template-skipped',
      related: [],
      message: 'File contains template syntax ({{ }}) and is not analysed until rendered.',
    };
    return new FileEntry(f.text, inChart, 'template', undefined, inChart ? NO_DIAGNOSTICS : [note]);
  }
  const diagnostics =
    parsed.problems.length === 0
      ? NO_DIAGNOSTICS
      : parsed.problems.map<Diagnostic>((p) => ({
          file: f.path,
          span: p.span,
          severity: p.rule === 'yaml-syntax' ? 'error' : p.rule === 'analysis-incomplete' ? 'info' : 'warning',
          rule: p.rule,
          message: p.message,
          related: [],
        }));
  const role: FileRole = isKustomizationFile(f.path)
    ? 'kustomization'
    : isTestHarnessFile(parsed)
      ? 'test'
      : 'manifest';
  const docs = role === 'manifest' ? collectResourceDocs(parsed) : NO_DOCS;
  return new FileEntry(f.text, inChart, role, parsed, diagnostics, docs, agreedNamespace(docs), '', f.namespace);
}

export function loadWorkspace(
  files: readonly WorkspaceFile[],
  skipped: readonly SkippedFile[],
  config: AnalysisConfig,
  parse: FileParser = (f) => parseYaml(f.text),
  cache: LoadCache = new LoadCache(),
  rendered?: ReadonlyMap<string, RenderedBuild>,
): LoadedWorkspace {
  const steps = loadWorkspaceSteps(files, skipped, config, parse, cache, rendered);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** How many files or resources loading handles between two yields of loadWorkspaceSteps. */
const FILES_PER_STEP = 32;

/**
 * loadWorkspace as steps: yields every few files so that a caller can interleave other work or stop
 * (Analyzer.runAsync). The cache stays a valid memo at every yield: a file's reading is stored
 * as soon as it is made (keyed by its text), resource instances only when loading completes.
 */
export function* loadWorkspaceSteps(
  files: readonly WorkspaceFile[],
  skipped: readonly SkippedFile[],
  config: AnalysisConfig,
  parse: FileParser = (f) => parseYaml(f.text),
  cache: LoadCache = new LoadCache(),
  rendered?: ReadonlyMap<string, RenderedBuild>,
): Generator<void, LoadedWorkspace> {
  const settings = JSON.stringify([
    skipped,
    config.maxFileSize,
    config.defaultNamespace ?? '',
    config.maxNodesPerFile,
    config.maxNestingDepth,
  ]);
  const patched = yield* patchLastLoad(files, settings, config, parse, cache);
  if (patched) return patched;
  const diagnostics: Diagnostic[] = [];
  const sourceFiles = new Map<string, SourceRecord>();
  const entries = new Map<string, FileEntry>();

  for (const s of skipped) {
    diagnostics.push({
      file: s.path,
      span: { start: 0, end: 0 },
      severity: 'info',
      rule: 'file-too-large',
      related: [],
      message: `File skipped: ${s.size} bytes is over the ${config.maxFileSize}-byte limit (setting maxFileSize).`,
    });
  }

  // Helm charts: everything under a directory holding Chart.yaml is chart source, not manifests.
  // The adapters add what helm rendered of a chart at a virtual path beside it (helm/rendered.ts);
  // a chart rendered so, or a library chart (never rendered alone), needs no note.
  const chartFiles = files.filter((f) => path.basename(f.path) === 'Chart.yaml' && !isRenderedPath(f.path));
  const chartDirs = chartFiles.map((f) => path.dirname(f.path));
  const chartOf = (p: string) =>
    isRenderedPath(p) ? undefined : chartDirs.find((d) => p.startsWith(d === '.' ? '' : `${d}/`));
  const renderedCharts = new Set(
    files
      .filter((f) => isRenderedPath(f.path))
      .map((f) => f.path.slice(0, Math.max(0, f.path.lastIndexOf('/.ktl-rendered/'))) || '.'),
  );
  for (const [i, dir] of chartDirs.entries()) {
    const chartFile = dir === '.' ? 'Chart.yaml' : `${dir}/Chart.yaml`;
    if (renderedCharts.has(dir) || /^type:\s*["']?library["']?\s*$/m.test(chartFiles[i].text)) continue;
    diagnostics.push({
      file: chartFile,
      span: { start: 0, end: 0 },
      severity: 'info',
      rule: 'helm-template-skipped',
      related: [],
      message: `Helm chart '${dir}' is not analysed: its templates must be rendered first (helm template ... > rendered.yaml).`,
    });
  }

  const kustomizations = new Map<string, KustomizationFile>();
  const pendingKustomizations: string[] = [];
  let step = 0;
  for (const f of files) {
    if (++step % FILES_PER_STEP === 0) yield;
    const inChart = chartOf(f.path) !== undefined;
    const cached = cache.files.get(f.path);
    const entry = entryHolds(cached, f, inChart, config) ? cached : readFileEntry(f, inChart, parse, config);
    if (entry !== cached) cache.files.set(f.path, entry); // kept if this load is abandoned
    entries.set(f.path, entry);
    sourceFiles.set(f.path, new SourceRecord(f.path, entry.role, entry, entry.parsed?.documents.length ?? 0));
    pushAll(diagnostics, entry.diagnostics);
    if (entry.role === 'kustomization') pendingKustomizations.push(f.path);
  }
  cache.files = entries;

  for (const file of pendingKustomizations) {
    const k = readKustomization(file, entries.get(file)!.parsed!);
    if (k) kustomizations.set(file, k);
  }
  const layout = layoutKustomizations(kustomizations, (f) => entries.get(f)?.parsed !== undefined);
  for (const f of expectationFiles(entries)) {
    const sf = sourceFiles.get(f);
    if (sf && sf.role === 'manifest') sourceFiles.set(f, sf.withRole('expectation'));
  }
  for (const f of layout.nonResourceFiles) {
    const sf = sourceFiles.get(f);
    if (sf && sf.role === 'manifest') sourceFiles.set(f, sf.withRole('patch'));
  }
  // A directory with a kustomization is applied through it: a file there that no build lists is not
  // part of the app (kustomize never reads it), whatever else it may be (a lab's later step, a draft).
  // A kustomization that lists a file or directory the workspace lacks does not build: its folder is
  // applied some other way (file by file), so nothing there is left out.
  const dirs = new Set<string>();
  for (const f of entries.keys())
    for (let d = path.dirname(f); !dirs.has(d); d = path.dirname(d)) {
      dirs.add(d);
      if (d === '.' || d === '/' || d === '') break;
    }
  const builds = (k: KustomizationFile) =>
    k.entries.every((e) => entries.has(e) || dirs.has(e) || e.startsWith('../') || e === '..');
  const kustomizedDirs = new Set([...kustomizations.values()].filter(builds).map((k) => k.dir));
  for (const [file, sf] of sourceFiles) {
    if (sf.role === 'manifest' && kustomizedDirs.has(path.dirname(file)) && !layout.memberships.has(file))
      sourceFiles.set(file, sf.withRole('other'));
  }
  const namesBefore = new Map<string, ReadonlySet<string>>();
  const build: BuildContext = {
    parsed: (f) => entries.get(f)?.parsed,
    text: (f) => entries.get(f)?.text,
    origins: new OriginTable(),
    rendered: rendered && rendered.size > 0 ? new RenderedIndex(rendered) : undefined,
    namesBefore: (dir) => {
      let names = namesBefore.get(dir);
      if (!names) namesBefore.set(dir, (names = buildNamesBefore(dir, layout, entries)));
      return names;
    },
  };

  const resources: Resource[] = [];
  const instanceCounts = new Map<string, number>();
  const instances = new Map<string, FileInstances>();
  const instanceList: (FileInstances | undefined)[] = [];
  for (const [file, entry] of entries) {
    if (++step % FILES_PER_STEP === 0) yield;
    if (sourceFiles.get(file)?.role !== 'manifest') {
      instanceList.push(undefined);
      continue;
    }
    const cached = fileInstances(file, entry, layout, config, cache, build);
    instances.set(file, cached);
    instanceList.push(cached);
    for (const [key, n] of cached.counts) instanceCounts.set(key, n);
    for (const r of cached.resources) resources.push(r);
  }
  cache.instances = instances;
  const templateDirs = new Set<string>();
  for (const [file, entry] of entries) if (entry.mayHideResources) templateDirs.add(path.dirname(file));
  for (const s of skipped) templateDirs.add(path.dirname(s.path));
  const result = { files: sourceFiles, resources, instanceCounts, diagnostics, kustomize: layout, templateDirs };
  cache.last =
    entries.size === files.length && pendingKustomizations.length === 0
      ? { files, entries: [...entries.values()], instances: instanceList, settings, result, positions: undefined }
      : undefined;
  cache.deltas = [];
  return result;
}

/** Whether a build changes resource trees (patches, replacements, vars, renamed references): its instances are rebuilt on every load. */
function rewritesTrees(m: BuildMembership | undefined): boolean {
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

function fileInstances(
  file: string,
  entry: FileEntry,
  layout: KustomizeLayout,
  config: AnalysisConfig,
  cache: LoadCache,
  build: BuildContext | undefined,
): FileInstances {
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
  const fileResources: Resource[] = [];
  const counts: (readonly [string, number])[] = [];
  for (const doc of entry.docs) {
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
    counts.push([`${file}#${doc.docIndex}${doc.itemIndex === undefined ? '' : `.${doc.itemIndex}`}`, made]);
  }
  return { entry, signature, resources: fileResources, counts };
}

/** `Kind/name` of every resource of a build, named as before that build's own prefix and suffix. */
function buildNamesBefore(
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

/**
 * The language server's common case: the same files as the last load (same paths, same order,
 * same settings, no kustomizations), a few of them plain manifests edited into plain manifests.
 * Then charts, kustomize layout, roles and template directories are unchanged, and the last
 * result is patched for the edited files only; anything else returns undefined (a full load).
 */
function* patchLastLoad(
  files: readonly WorkspaceFile[],
  settings: string,
  config: AnalysisConfig,
  parse: FileParser,
  cache: LoadCache,
): Generator<void, LoadedWorkspace | undefined> {
  const last = cache.last;
  if (!last || last.files.length !== files.length || last.settings !== settings) return undefined;
  const changed: number[] = [];
  for (let i = 0; i < files.length; i++) {
    if (i % 4096 === 4095) yield;
    const f = files[i];
    const before = last.files[i];
    if (f.path !== before.path) return undefined;
    if (f.text !== before.text && changed.push(i) > MAX_PATCHED_FILES) return undefined;
  }
  yield;
  // The patched files' readings and instances, written into the last load's lists (not copied: 20k
  // entries) only at the end, when the patched load replaces the last one.
  const entries = new Map<number, FileEntry>();
  const instances = new Map<number, FileInstances>();
  const removed: Resource[] = [];
  const added: Resource[] = [];
  // Maps of every file and document: the last load's, with the patched files' entries changed.
  const sourceFiles = new PatchedMap(last.result.files);
  const instanceCounts = new PatchedMap(last.result.instanceCounts);
  for (const i of changed) {
    const f = files[i];
    const before = last.entries[i];
    if (before.role !== 'manifest' || sourceFiles.get(f.path)?.role !== 'manifest') return undefined;
    const cached = cache.files.get(f.path);
    const entry = entryHolds(cached, f, before.inChart, config)
      ? cached
      : readFileEntry(f, before.inChart, parse, config);
    cache.files.set(f.path, entry);
    if (entry.role !== 'manifest' || entry.mayHideResources !== before.mayHideResources) return undefined;
    entries.set(i, entry);
    sourceFiles.set(f.path, {
      path: f.path,
      role: entry.role,
      lines: entry.lines,
      disabledLines: entry.disabledLines,
      documentCount: entry.parsed?.documents.length ?? 0,
    });
    for (const [key] of last.instances[i]?.counts ?? []) instanceCounts.delete(key);
    const fresh = fileInstances(f.path, entry, last.result.kustomize, config, cache, undefined);
    cache.instances.set(f.path, fresh);
    const old = last.instances[i];
    if (fresh !== old) {
      if (old) pushAll(removed, old.resources);
      pushAll(added, fresh.resources);
    }
    instances.set(i, fresh);
    for (const [key, n] of fresh.counts) instanceCounts.set(key, n);
  }
  yield;
  // Diagnostics and resources in file order, as a full load lists them.
  const patchedPaths = new Set(changed.map((i) => files[i].path));
  const diagnostics: Diagnostic[] = [];
  const lastDiagnostics = last.result.diagnostics;
  for (let i = 0; i < lastDiagnostics.length; i++) {
    if (i % 4096 === 4095) yield;
    const d = lastDiagnostics[i];
    if (!patchedPaths.has(d.file) || d.rule === 'file-too-large' || d.rule === 'helm-template-skipped')
      diagnostics.push(d);
  }
  for (const entry of entries.values()) pushAll(diagnostics, entry.diagnostics);
  const resources = patchedResources(last, instances, changed);
  const result: LoadedWorkspace = {
    ...last.result,
    files: sourceFiles.done(),
    resources,
    instanceCounts: instanceCounts.done(),
    diagnostics,
  };
  const positions = last.positions ?? new Map(files.map((f, i) => [f.path, i]));
  const entryList = last.entries as FileEntry[];
  const instanceList = last.instances as (FileInstances | undefined)[];
  for (const [i, entry] of entries) entryList[i] = entry;
  for (const [i, fresh] of instances) instanceList[i] = fresh;
  cache.last = { files, entries: entryList, instances: instanceList, settings, result, positions };
  // changed is in file order, so removed and added are in resource order.
  cache.deltas.push({
    from: last.result,
    to: result,
    removed,
    added,
    filePosition: (file) => positions.get(file) ?? -1,
  });
  return result;
}

/** The last load's resources with the changed files' instances replaced, in file order. */
function patchedResources(
  last: LastLoad,
  instances: ReadonlyMap<number, FileInstances>,
  changed: readonly number[],
): Resource[] {
  const resources = last.result.resources.slice();
  for (const i of changed) {
    const before = last.instances[i]?.resources ?? [];
    const after = instances.get(i)?.resources ?? before;
    if (before === after) continue;
    // A file's instances are contiguous: find where the old ones were (or rebuild the list).
    const start = before.length > 0 ? resources.indexOf(before[0]) : -1;
    if (start < 0) return last.instances.flatMap((list, j) => (instances.get(j) ?? list)?.resources ?? []);
    spliceAll(resources, start, before.length, after);
  }
  return resources;
}

/**
 * A map of the last load (files, instance counts) with a few entries changed, without copying
 * every entry. Iterates like the map it patches (changed keys in place, new ones last); flattened
 * into a plain Map when the changes pile up.
 */
class PatchedMap<K, V> implements ReadonlyMap<K, V> {
  private readonly base: ReadonlyMap<K, V>;
  private readonly own: Map<K, V | typeof GONE>;

  constructor(from: ReadonlyMap<K, V>) {
    if (from instanceof PatchedMap) {
      this.base = from.base;
      this.own = new Map(from.own);
    } else {
      this.base = from;
      this.own = new Map();
    }
  }

  set(k: K, v: V): void {
    this.own.set(k, v);
  }

  delete(k: K): void {
    if (this.base.has(k)) this.own.set(k, GONE);
    else this.own.delete(k);
  }

  /** The map to publish: this one, or a plain copy when many entries changed. */
  done(): ReadonlyMap<K, V> {
    return this.own.size <= 512 ? this : new Map(this);
  }

  get(k: K): V | undefined {
    const v = this.own.get(k);
    if (v === GONE) return undefined;
    return v !== undefined || this.own.has(k) ? (v as V) : this.base.get(k);
  }

  has(k: K): boolean {
    const v = this.own.get(k);
    if (v === GONE) return false;
    return this.own.has(k) || this.base.has(k);
  }

  get size(): number {
    let n = this.base.size;
    for (const [k, v] of this.own) {
      const inBase = this.base.has(k);
      if (v === GONE && inBase) n--;
      else if (v !== GONE && !inBase) n++;
    }
    return n;
  }

  *entries(): MapIterator<[K, V]> {
    for (const [k, v] of this.base) {
      const o = this.own.get(k);
      if (o === GONE) continue;
      yield [k, o !== undefined || this.own.has(k) ? (o as V) : v];
    }
    for (const [k, v] of this.own) if (v !== GONE && !this.base.has(k)) yield [k, v];
  }

  *keys(): MapIterator<K> {
    for (const [k] of this.entries()) yield k;
  }

  *values(): MapIterator<V> {
    for (const [, v] of this.entries()) yield v;
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  forEach(callback: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.entries()) callback.call(thisArg, v, k, this);
  }
}

const GONE: unique symbol = Symbol('deleted');

interface ResourceDoc {
  readonly docIndex: number;
  readonly itemIndex: number | undefined;
  readonly node: YMap;
  readonly apiVersion: string;
  readonly kind: string;
  readonly kindSpan: Span;
  /**
   * The document has a syntax error and was read as the parser recovered it: it stays in the graph
   * (a half-typed value must not make a Deployment vanish and its Services look orphaned), but no
   * finding is drawn from it besides the syntax error.
   */
  readonly damaged: boolean;
}

/**
 * Test harnesses whose steps apply some files and compare others with the cluster: kyverno's
 * chainsaw (`chainsaw.kyverno.io` Test, StepTemplate) and kuttl (`kuttl.dev` TestStep, TestSuite).
 */
const TEST_HARNESS_GROUPS = ['chainsaw.kyverno.io', 'kuttl.dev'];

function isTestHarnessFile(parsed: ParsedFile): boolean {
  return parsed.documents.some((d) => {
    const apiVersion = stringValue(get(d.contents, 'apiVersion'));
    return apiVersion !== undefined && TEST_HARNESS_GROUPS.includes(apiVersion.slice(0, apiVersion.indexOf('/')));
  });
}

/**
 * Files a test harness asserts (or asserts absent) rather than applies: those named by an `assert`
 * or `error` operation of a chainsaw Test, and, in a directory holding a harness file, those named
 * by the harnesses' convention (`00-assert.yaml`, `01-errors.yaml`, `assert-operator.yaml`: chainsaw
 * and kuttl read files whose name holds `assert` or `error(s)` as expected state). Their documents
 * are partial objects (a Deployment with only `status`), never created by the test.
 */
function expectationFiles(entries: ReadonlyMap<string, FileEntry>): Set<string> {
  const harnessDirs = new Set<string>();
  const out = new Set<string>();
  for (const [file, entry] of entries) {
    if (entry.role !== 'test' || !entry.parsed) continue;
    const dir = path.dirname(file);
    harnessDirs.add(dir);
    const visit = (node: YNode | null | undefined, depth: number): void => {
      if (!node || depth > 12) return;
      if (node.type === 'seq') for (const item of node.items) visit(item, depth + 1);
      else if (node.type === 'map') {
        for (const p of node.pairs) {
          const key = keyText(p);
          if ((key === 'assert' || key === 'error') && p.value?.type === 'map') {
            const target = stringValue(get(p.value, 'file'));
            if (target) out.add(path.normalize(path.join(dir, target)));
          }
          visit(p.value, depth + 1);
        }
      }
    };
    for (const d of entry.parsed.documents) visit(d.contents, 0);
  }
  if (harnessDirs.size === 0) return out;
  for (const file of entries.keys()) {
    if (harnessDirs.has(path.dirname(file)) && /(^|[-_.])(assert|errors?)([-_.]|$)/i.test(path.basename(file)))
      out.add(file);
  }
  return out;
}

function collectResourceDocs(parsed: ParsedFile): ResourceDoc[] {
  const out: ResourceDoc[] = [];
  for (const d of parsed.documents) {
    const header = resourceHeader(d.contents);
    if (!header) continue;
    const damaged = d.damaged === true;
    const node = d.contents as YMap;
    // `kind: List` (and typed lists such as ServiceList) hold their objects in items.
    if (header.kind === 'List' || (header.kind.endsWith('List') && get(node, 'items'))) {
      seqItems(get(node, 'items')).forEach((item, itemIndex) => {
        const h = resourceHeader(item);
        if (h)
          out.push({
            docIndex: d.index,
            itemIndex,
            node: item as YMap,
            apiVersion: h.apiVersion,
            kind: h.kind,
            kindSpan: h.kindSpan,
            damaged,
          });
      });
      continue;
    }
    out.push({
      docIndex: d.index,
      itemIndex: undefined,
      node,
      apiVersion: header.apiVersion,
      kind: header.kind,
      kindSpan: header.kindSpan,
      damaged,
    });
  }
  return exact(out);
}

/** The `kubectl apply -n X -f file` pattern: when the namespaced resources that declare one all agree. */
function agreedNamespace(docs: readonly ResourceDoc[]): string | undefined {
  let found: string | undefined;
  for (const d of docs) {
    if (isClusterScoped(d.kind, d.apiVersion)) continue;
    const ns = stringValue(getPath(d.node, 'metadata', 'namespace'));
    if (!ns) continue;
    if (found !== undefined && found !== ns) return undefined;
    found = ns;
  }
  return found;
}

const NO_RULES: ReadonlySet<string> = new Set();

/** The string entries of a map (labels, annotations) as a record, as stringEntries reads them. */
function stringRecord(node: YNode | undefined): Record<string, string> {
  const map = asMap(node);
  if (!map || map.pairs.length === 0) return {};
  const entries: [string, string][] = [];
  for (const p of map.pairs) {
    const v = p.value;
    if (!v || v.type !== 'scalar' || v.value === null || keyValue(p) === null) continue;
    entries.push([keyText(p), v.text]);
  }
  return Object.fromEntries(entries);
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
  const node = built?.node ?? doc.node;
  const metadata = asMap(get(node, 'metadata'));
  const nameNode = asScalar(get(asMap(get(doc.node, 'metadata')), 'name'));
  const baseName = baseNameOf(doc);
  const name = m ? `${m.namePrefix}${baseName}${m.nameSuffix}` : baseName;
  const explicitNamespace = stringValue(get(asMap(get(doc.node, 'metadata')), 'namespace'));

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

  const labels = stringRecord(get(metadata, 'labels'));
  if (m) Object.assign(labels, m.metadataLabels);
  const annotations = stringRecord(get(metadata, 'annotations'));
  const ignore = annotations[ANNOTATION_IGNORE];
  const ignoredRules: ReadonlySet<string> = ignore ? new Set(ignore.split(/[\s,]+/).filter(Boolean)) : NO_RULES;
  const itemSuffix = doc.itemIndex === undefined ? '' : `.${doc.itemIndex}`;
  // A document with a syntax error (kept as the parser recovered it), or fields a build rewrites, are unknown.
  const uncertain = doc.damaged === true || (built?.uncertain ?? false);
  return {
    id: resourceId(doc.kind, namespace, name),
    key: `${file}#${doc.docIndex}${itemSuffix}${m ? `@${m.build}` : ''}`,
    apiVersion: doc.apiVersion,
    kind: doc.kind,
    name,
    namespace,
    namespaceOrigin,
    file,
    docIndex: doc.docIndex,
    itemIndex: doc.itemIndex,
    span: doc.node.span,
    kindSpan: doc.kindSpan,
    nameSpan: nameNode?.span ?? pair(asMap(get(doc.node, 'metadata')), 'name')?.key.span,
    node,
    labels,
    annotations,
    build: m?.build,
    buildLabels: m ? { selector: m.selectorLabels, template: m.templateLabels } : undefined,
    // Built (or rendered) trees have their references renamed with the objects they name.
    namesTransformed: m !== undefined && built === undefined && (m.namePrefix !== '' || m.nameSuffix !== ''),
    uncertain,
    leafBuild: m?.leaf ?? false,
    origins: built ? origins : undefined,
    ignoredRules,
  };
}
