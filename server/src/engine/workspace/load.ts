// Loading a workspace: each file read and classified, kustomize builds laid out, roles settled
// (patches, expectations, files no build lists), and resource instances created, in steps.
import * as path from 'node:path/posix';
import type { AnalysisConfig } from '../config';
import type { Diagnostic } from '../diagnostics';
import { isKustomizationFile, layoutKustomizations, readKustomization, type KustomizationFile } from '../kustomize';
import type { BuildContext } from '../kustomizeBuild';
import { RenderedIndex, type RenderedBuild } from '../kustomizeRendered';
import { OriginTable } from '../origin';
import type { Resource } from '../model/resource';
import { isRenderedPath } from '../helm/rendered';
import { pushAll } from '../arrays';
import { LoadCache, type FileInstances } from './cache';
import { expectationFiles } from './classify';
import { patchLastLoad } from './patch';
import { entryHolds, readFileEntry, type FileEntry, type SourceRecord } from './read';
import { buildNamesBefore, countsOtherThanOne, fileInstances } from './resources';
import type { FileParser, LoadedWorkspace, SkippedFile, WorkspaceFile } from './types';

/** The layout of a workspace without kustomizations: what an early instance is made under. */
const NO_BUILDS = layoutKustomizations(new Map(), () => false);

/** How many files or resources loading handles between two yields. */
const FILES_PER_STEP = 32;

/**
 * Loads a workspace in steps: yields every few files so that a caller can interleave other work or
 * stop (Analyzer.run drives it to the end, Analyzer.runAsync in time slices). The cache stays a valid memo at every yield: a file's reading is stored
 * as soon as it is made (keyed by its text), resource instances only when loading completes.
 */
export function* loadWorkspaceSteps(
  files: readonly WorkspaceFile[],
  skipped: readonly SkippedFile[],
  config: AnalysisConfig,
  /** The files' parser (the persistent cache's); without one, files are parsed document by document. */
  parse: FileParser | undefined = undefined,
  cache: LoadCache = new LoadCache(),
  rendered?: ReadonlyMap<string, RenderedBuild>,
  /**
   * Streams a one-shot load (Analyzer `once`): called with a plain manifest's instances as soon as
   * the file is read, to read from its trees all that the run will need of them (views, facts),
   * after which its trees are let go (parsed again only if a build or a rule reads them: a
   * kustomize build of the file, a ConfigMap's data). The instances are made as those of a file no
   * build lists; if the file turns out to be in a build (or not a resource at all), they are
   * dropped and its instances made again. The trees of a workspace were what a cold check held
   * most of (about half of it at 100,000 files).
   */
  readEarly?: (resources: readonly Resource[]) => void,
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
  const sourceFiles = new Map<string, FileEntry | SourceRecord>();
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
  // A file's reading: the cache's while it holds for the text, else read now and kept in the cache
  // at once (so that it is kept if this load is abandoned).
  function* readEntry(f: WorkspaceFile): Generator<void, FileEntry> {
    const inChart = chartOf(f.path) !== undefined;
    const cached = cache.files.get(f.path);
    if (entryHolds(cached, f, inChart, config)) return cached;
    const entry = yield* readFileEntry(f, inChart, parse, config, cached, cache.trees);
    cache.files.set(f.path, entry);
    return entry;
  }
  // What kustomizations list is built through them, its trees read again by the build: not read early.
  const listed = readEarly ? yield* filesListedByKustomizations(files, readEntry) : undefined;
  for (const f of files) {
    if (++step % FILES_PER_STEP === 0) yield;
    const entry = yield* readEntry(f);
    entries.set(f.path, entry);
    sourceFiles.set(f.path, entry);
    pushAll(diagnostics, entry.diagnostics);
    if (entry.role === 'kustomization') pendingKustomizations.push(f.path);
    else if (readEarly && entry.role === 'manifest' && entry.trees && !listed?.has(f.path)) {
      const made = yield* fileInstances(f.path, entry, NO_BUILDS, config, cache, undefined);
      cache.instances.set(f.path, made); // taken in place below when the file is in no build
      readEarly(made.resources);
      entry.trees.release(true);
    }
  }
  cache.files = entries;

  for (const file of pendingKustomizations) {
    const k = readKustomization(file, entries.get(file)!.parsed!);
    if (k) kustomizations.set(file, k);
  }
  const layout = layoutKustomizations(kustomizations, (f) => entries.get(f)?.isParsed === true);
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
    frames: (f) => entries.get(f)?.frames,
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
    const cached = yield* fileInstances(file, entry, layout, config, cache, build);
    instances.set(file, cached);
    instanceList.push(cached);
    countsOtherThanOne(file, cached, (key, n) => instanceCounts.set(key, n));
    for (const r of cached.resources) resources.push(r);
  }
  cache.instances = instances;
  const templateDirs = new Set<string>();
  for (const [file, entry] of entries) if (entry.mayHideResources) templateDirs.add(path.dirname(file));
  for (const s of skipped) templateDirs.add(path.dirname(s.path));
  for (const dir of layout.incompleteBuilds) templateDirs.add(dir);
  const result = { files: sourceFiles, resources, instanceCounts, diagnostics, kustomize: layout, templateDirs };
  cache.last =
    entries.size === files.length && pendingKustomizations.length === 0
      ? { files, entries: [...entries.values()], instances: instanceList, settings, result, positions: undefined }
      : undefined;
  cache.deltas = [];
  return result;
}

/**
 * The files the workspace's kustomizations list (resources, patches, configurations), their
 * kustomizations read ahead of the other files (`readEntry` keeps each reading in the cache, where
 * the load takes it).
 */
function* filesListedByKustomizations(
  files: readonly WorkspaceFile[],
  readEntry: (f: WorkspaceFile) => Generator<void, FileEntry>,
): Generator<void, Set<string>> {
  const listed = new Set<string>();
  for (const f of files) {
    if (!isKustomizationFile(f.path)) continue;
    const entry = yield* readEntry(f);
    const k = entry.role === 'kustomization' && entry.parsed ? readKustomization(f.path, entry.parsed) : undefined;
    if (k) for (const file of [...k.entries, ...k.patchFiles, ...k.configFiles]) listed.add(file);
  }
  return listed;
}
