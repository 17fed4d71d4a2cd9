// What loading keeps between runs: file readings, resource instances per file, and the last load
// with the deltas patched onto it since (read by the Analyzer to derive its graph).
import type { Resource } from '../model/resource';
import type { ResourceChange } from '../incremental';
import type { FileEntry } from './read';
import { TreeKeeper } from './trees';
import type { LoadedWorkspace, WorkspaceFile } from './types';

/**
 * What loading keeps between runs (the language server's re-analysis): each file's reading while
 * its text is unchanged, and each resource instance while its file and build are unchanged, so
 * that unchanged resources keep their identity and their cached rule results.
 */
export class LoadCache {
  files = new Map<string, FileEntry>();
  /** Holds the plain manifests' trees while a run reads them (trees.ts); the Analyzer releases them after. */
  readonly trees: TreeKeeper;
  instances = new Map<string, FileInstances>();
  /** The last completed load, by position in its file list: an edit of a few manifests patches it. */
  last: LastLoad | undefined;
  /**
   * The patches since the last full load, oldest first: which instances each removed and added.
   * The Analyzer derives a graph from the last one it completed through them, and clears them.
   */
  deltas: LoadDelta[] = [];

  constructor(options: { readonly letTreesGo?: boolean } = {}) {
    this.trees = new TreeKeeper(options.letTreesGo ?? false);
  }

  /**
   * Lets go what only a next load reads (for an Analyzer made for one run): the readings and
   * instances by file, and the last load. The load's result holds what the run needs.
   */
  forgetForNextLoad(): void {
    this.files = new Map();
    this.instances = new Map();
    this.last = undefined;
    this.deltas = [];
  }
}

/**
 * An instance's place among its file's instances in the last load (-1 when unknown): with the
 * file's position, its place in the resource list. Returns the lookup for one set of questions:
 * each file's places are indexed on first use (an edit of a 10,000-document bundle asks for
 * every instance of the file: an indexOf each was quadratic, 20-35 ms in one block).
 */
export function instanceIndexInFile(cache: LoadCache): (filePosition: number, r: Resource) => number {
  const byFile = new Map<number, Map<Resource, number>>();
  return (filePosition, r) => {
    let places = byFile.get(filePosition);
    if (!places) {
      places = new Map();
      const resources = cache.last?.instances[filePosition]?.resources ?? [];
      for (let i = resources.length - 1; i >= 0; i--) places.set(resources[i], i); // the first place wins, as indexOf
      byFile.set(filePosition, places);
    }
    return places.get(r) ?? -1;
  };
}

/**
 * What a patched load changed from the load it patched: the instances of the patched files, the
 * old ones and their replacements, each in resource order. Those an edit kept (a file's first and
 * last instances, around the edited document) are in neither.
 */
export interface LoadDelta extends ResourceChange {
  readonly from: LoadedWorkspace;
  readonly to: LoadedWorkspace;
}

export interface LastLoad {
  readonly files: readonly WorkspaceFile[];
  readonly entries: readonly FileEntry[];
  readonly instances: readonly (FileInstances | undefined)[];
  readonly settings: string;
  readonly result: LoadedWorkspace;
  /** Position of each path in files (built on the first patch, kept while the file list is the same). */
  readonly positions: ReadonlyMap<string, number> | undefined;
}

/** A file's resource instances, valid while its reading and its builds are unchanged. */
export interface FileInstances {
  readonly entry: FileEntry;
  readonly signature: string;
  readonly resources: readonly Resource[];
  /**
   * How many instances each resource document (entry.docs, same order) has. A load's instanceCounts
   * holds only the counts other than 1 (the default its reader assumes), by source key.
   */
  readonly counts: readonly number[];
}
