// The language server's common case, an edit of a few plain manifests: the last load patched for
// the edited files only, recording which instances each patch removed and added.
import type { AnalysisConfig } from '../config';
import type { Diagnostic } from '../diagnostics';
import type { Resource } from '../model/resource';
import { commonEnds, pushAll, spliceAll } from '../arrays';
import { Overlay, type OverlayDraft } from '../incremental';
import type { FileInstances, LastLoad, LoadCache } from './cache';
import { entryHolds, readFileEntry, type FileEntry } from './read';
import { docKey, fileInstances } from './resources';
import { sameText } from '../splicedText';
import { sourceOf, type FileParser, type LoadedWorkspace, type WorkspaceFile } from './types';

/** Edits of at most this many files patch the last load instead of going over every file. */
const MAX_PATCHED_FILES = 16;

/**
 * The language server's common case: the same files as the last load (same paths, same order,
 * same settings, no kustomizations), a few of them plain manifests edited into plain manifests.
 * Then charts, kustomize layout, roles and template directories are unchanged, and the last
 * result is patched for the edited files only; anything else returns undefined (a full load).
 */
export function* patchLastLoad(
  files: readonly WorkspaceFile[],
  settings: string,
  config: AnalysisConfig,
  parse: FileParser | undefined,
  cache: LoadCache,
): Generator<void, LoadedWorkspace | undefined> {
  const last = cache.last;
  if (!last || last.files.length !== files.length || last.settings !== settings) return undefined;
  const changed: number[] = [];
  for (let i = 0; i < files.length; i++) {
    if (i % 4096 === 4095) yield;
    const f = files[i];
    const before = last.files[i];
    // The same entry (adapters keep an unchanged file's): no need to read it (100,000 files).
    if (f === before) continue;
    if (f.path !== before.path) return undefined;
    if ((f.edited || !sameText(sourceOf(f), sourceOf(before))) && changed.push(i) > MAX_PATCHED_FILES) return undefined;
  }
  yield;
  // The patched files' readings and instances, written into the last load's lists (not copied: 20k
  // entries) only at the end, when the patched load replaces the last one.
  const entries = new Map<number, FileEntry>();
  const instances = new Map<number, FileInstances>();
  const removed: Resource[] = [];
  const added: Resource[] = [];
  // Maps of every file and document: the last load's, with the patched files' entries changed.
  const sourceFiles = Overlay.of(last.result.files).edit();
  const instanceCounts = Overlay.of(last.result.instanceCounts).edit();
  for (const i of changed) {
    const f = files[i];
    const before = last.entries[i];
    if (before.role !== 'manifest' || sourceFiles.get(f.path)?.role !== 'manifest') return undefined;
    const cached = cache.files.get(f.path);
    const entry = entryHolds(cached, f, before.inChart, config)
      ? cached
      : yield* readFileEntry(f, before.inChart, parse, config, cached, cache.trees);
    cache.files.set(f.path, entry);
    if (entry.role !== 'manifest' || entry.mayHideResources !== before.mayHideResources) return undefined;
    entries.set(i, entry);
    // Lines and disabled lines on demand, as a full load reports them (a 16 MiB file's line index
    // is built when its diagnostics are published, not on every edit).
    sourceFiles.set(f.path, entry);
    const fresh = yield* fileInstances(f.path, entry, last.result.kustomize, config, cache, undefined);
    cache.instances.set(f.path, fresh);
    const old = last.instances[i];
    if (fresh !== old) {
      // The instances of the documents before and after an edit are kept (the same objects, first
      // and last in both).
      const before = old?.resources ?? [];
      const after = fresh.resources;
      const [kept, keptAfter] = commonEnds(before, after);
      for (let j = kept; j < before.length - keptAfter; j++) removed.push(before[j]);
      for (let j = kept; j < after.length - keptAfter; j++) added.push(after[j]);
    }
    instances.set(i, fresh);
    yield* patchCounts(instanceCounts, f.path, last.instances[i], fresh);
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

/**
 * A file's instance counts written over its old ones (only counts other than 1 are kept): only
 * those that changed when the file has as many documents as before (an edit inside a bundle keeps
 * the map a patch).
 */
function* patchCounts(
  counts: OverlayDraft<string, number>,
  file: string,
  before: FileInstances | undefined,
  after: FileInstances,
): Generator<void, void> {
  const b = before?.counts ?? [];
  const a = after.counts;
  const bDocs = before?.entry.docs ?? [];
  const aDocs = after.entry.docs;
  const aligned = b.length === a.length;
  const unchanged = (j: number) =>
    aligned && a[j] === b[j] && bDocs[j].docIndex === aDocs[j].docIndex && bDocs[j].itemIndex === aDocs[j].itemIndex;
  for (let j = 0; j < b.length; j++) {
    if (j % 4096 === 4095) yield;
    if (b[j] !== 1 && !unchanged(j)) counts.delete(docKey(file, bDocs[j]));
  }
  for (let j = 0; j < a.length; j++) {
    if (j % 4096 === 4095) yield;
    if (a[j] !== 1 && !unchanged(j)) counts.set(docKey(file, aDocs[j]), a[j]);
  }
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
