// The files the language server analyses: the manifests of the workspace folders, read at indexing
// into a mirror of the disk and kept current through watched-file events, with open documents over
// them and the rendered Helm charts beside them. Answers which text a request sees for a file now,
// and which list of files the next analysis reads (the same entry objects while a text is the same).
import * as path from 'node:path';
import * as lsp from 'vscode-languageserver/node';
import type { AnalysisConfig } from '../engine';
import { sameText, textOf, type SourceText } from '../engine/splicedText';
import { fileWithText, sourceOf, type SkippedFile, type WorkspaceFile } from '../engine/workspace';
import {
  CONFIG_FILE_NAME,
  decode,
  describeError,
  isListedManifest,
  isManifestName,
  listManifests,
} from '../node/readWorkspace';
import { readListedFile, readListedFilesInTurns, type FileOutcome } from '../node/parallelRead';
import type { HelmState } from './helmState';
import type { EditedTextDocument } from './textDocument';
import * as proto from './toProto';

const READ_BATCH = 200;

/** The files of the next analysis: their texts, those skipped (too large), and the sorted list of paths. */
export interface CurrentFiles {
  readonly files: WorkspaceFile[];
  readonly skipped: SkippedFile[];
  readonly paths: readonly string[];
}

export interface WorkspaceFilesOptions {
  readonly documents: lsp.TextDocuments<EditedTextDocument>;
  readonly helm: HelmState;
  /** The settings now (exclude, maxFileSize and the helm settings are read at each use). */
  readonly settings: { readonly config: AnalysisConfig };
  readonly console: Pick<lsp.RemoteConsole, 'warn' | 'error'>;
  /** A batch of files was read while listing the folders (`done` of them so far). */
  readonly onReadBatch: (done: number) => void;
  /** A file of a Helm chart changed (watched or saved): the charts are to be rendered again. */
  readonly onChartFileChanged: () => void;
  /** The settings file (.kube-traffic-lens.yaml) of a folder changed. */
  readonly onConfigFileChanged: () => void;
}

export class WorkspaceFiles {
  /** The workspace folders (absolute, posix), set at initialize. */
  roots: readonly string[] = [];
  private reading = true;
  /** Manifests read from disk, by path. */
  private readonly disk = new Map<string, string>();
  /** Files over maxFileSize, with their size: not analysed, and said so. */
  private readonly tooLarge = new Map<string, number>();
  /** Files that could not be read, with the reason: not analysed, and said so. */
  private readonly unreadableFiles = new Map<string, string>();
  /** Sorted paths of disk files and open manifests, until one appears or goes. */
  private paths: string[] | undefined;
  private lastFiles: {
    paths: readonly string[] | undefined;
    files: readonly WorkspaceFile[];
    /** Each path's place in paths (built when the paths change). */
    index: ReadonlyMap<string, number>;
    /** The open manifests the list was made with. */
    open: readonly string[];
  } = { paths: undefined, files: [], index: new Map(), open: [] };
  /** Paths read from disk since the last list: with the open documents, the only entries it may change. */
  private readonly readSinceList = new Set<string>();
  /** isListedManifest of each path asked, until the settings or the files change. */
  private readonly listedPaths = new Map<string, boolean>();
  private tooLargeOpenKey = '';
  /** The version of each open document whose text the last list's entry holds. */
  private readonly entryVersions = new Map<string, number>();
  /** Documents opened whose first content event is still to come, and whether each is as on disk. */
  private readonly opening = new Map<string, boolean>();

  constructor(private readonly options: WorkspaceFilesOptions) {}

  private get config(): AnalysisConfig {
    return this.options.settings.config;
  }

  /** True until indexing has read the folders (and the charts are rendered). */
  get indexing(): boolean {
    return this.reading;
  }

  /** Indexing has read the folders: changes are analysed from now on. */
  indexingDone(): void {
    this.reading = false;
  }

  /** Files that could not be read, with the reason. */
  get unreadable(): ReadonlyMap<string, string> {
    return this.unreadableFiles;
  }

  /**
   * Whether a file is part of the analysed workspace: what indexing would list (inside a folder,
   * not in .git or node_modules, not excluded, not through a symbolic link). An opened or changed
   * file elsewhere is not analysed. Without folders, every opened manifest is.
   */
  isAnalysedPath(p: string): boolean {
    if (this.roots.length === 0) return isManifestName(path.basename(p));
    // Asked for every open document at every analysis: remembered until the settings or the files change.
    let listed = this.listedPaths.get(p);
    if (listed === undefined) this.listedPaths.set(p, (listed = isListedManifest(p, this.roots, this.config)));
    return listed;
  }

  /** The settings changed: which paths are listed is asked again. */
  forgetListedPaths(): void {
    this.listedPaths.clear();
  }

  /**
   * Open manifests by path, with their current text; those over maxFileSize are not analysed
   * (like files on disk: an information diagnostic says so) and are listed in tooLargeOpen.
   */
  private openManifests(tooLargeOpen?: Map<string, number>, versions?: Map<string, number>): Map<string, SourceText> {
    const open = new Map<string, SourceText>();
    for (const doc of this.options.documents.all()) {
      const p = proto.uriToPath(doc.uri);
      if (!p || !this.isAnalysedPath(p)) continue;
      // Spliced from the last text given after an edit: never joined here (a bundle of megabytes).
      const text = doc.snapshot();
      // UTF-8 bytes: at least one per UTF-16 unit, at most three (kept by the document across edits).
      const size = text.length * 3 <= this.config.maxFileSize ? 0 : doc.utf8Length;
      if (size > this.config.maxFileSize) tooLargeOpen?.set(p, size);
      else {
        open.set(p, text);
        versions?.set(p, doc.version);
      }
    }
    return open;
  }

  /** The files the next analysis reads: open documents over the disk, and the rendered charts. */
  current(): CurrentFiles {
    const helm = this.options.helm;
    const tooLargeOpen = new Map<string, number>();
    const openVersions = new Map<string, number>();
    const open = this.openManifests(tooLargeOpen, openVersions);
    const largeKey = [...tooLargeOpen.keys()].join('\u0000');
    if (largeKey !== this.tooLargeOpenKey) this.paths = undefined; // an open document went over the limit or back
    this.tooLargeOpenKey = largeKey;
    if (!this.paths) {
      const all = new Set(this.disk.keys());
      for (const p of open.keys()) all.add(p);
      for (const p of tooLargeOpen.keys()) all.delete(p);
      for (const f of helm.files) all.add(f.path);
      this.paths = [...all].sort((a, b) => (a < b ? -1 : 1));
    }
    const paths = this.paths;
    // The last list's entry is kept where the text is the same (no 20k new objects per analysis).
    const lastList = this.lastFiles;
    const last = lastList.paths === paths ? lastList.files : undefined;
    const entry = (p: string, i: number): WorkspaceFile => {
      const text = open.get(p) ?? this.disk.get(p) ?? helm.renderedText(p) ?? '';
      const before = last?.[i];
      // An open document at another version than its last entry's was edited since: taken as
      // changed, its text not compared with the last one (see WorkspaceFile.edited).
      const version = openVersions.get(p);
      const lastVersion = this.entryVersions.get(p);
      const edited =
        before !== undefined && version !== undefined && lastVersion !== undefined && lastVersion !== version;
      if (version === undefined) this.entryVersions.delete(p);
      else this.entryVersions.set(p, version);
      if (before && !edited && sameText(sourceOf(before), text)) return before;
      const rendered = helm.renderedText(p) === undefined ? undefined : helm.files.find((f) => f.path === p);
      return rendered ?? fileWithText(p, text, edited);
    };
    let files: WorkspaceFile[];
    let index = lastList.index;
    if (last) {
      // The same paths: only the entries of files read since, open (or open last time) and
      // rendered may differ; the others are the same objects (an edit among 100,000 files).
      files = last.slice();
      const mayDiffer = new Set([...this.readSinceList, ...open.keys(), ...lastList.open]);
      for (const f of helm.files) mayDiffer.add(f.path);
      for (const p of mayDiffer) {
        const i = index.get(p);
        if (i !== undefined) files[i] = entry(p, i);
      }
    } else {
      files = paths.map(entry);
      index = new Map(paths.map((p, i) => [p, i]));
    }
    this.readSinceList.clear();
    this.lastFiles = { paths, files, index, open: [...open.keys()] };
    const skipped = [...this.tooLarge]
      .filter(([p]) => !this.disk.has(p) && !open.has(p) && !tooLargeOpen.has(p))
      .map(([p, size]) => ({ path: p, size }));
    for (const [p, size] of tooLargeOpen) skipped.push({ path: p, size });
    skipped.sort((a, b) => (a.path < b.path ? -1 : 1));
    return { files, skipped, paths };
  }

  /**
   * The text a request sees for a file now: the open document's (as the next analysis will be given
   * it: spliced after an edit, compared without joining it), else what is on disk.
   */
  currentSource(file: string, uri = proto.pathToUri(file)): SourceText | undefined {
    return this.options.documents.get(uri)?.snapshot() ?? this.disk.get(file) ?? this.options.helm.renderedText(file);
  }

  /** currentSource, whole. */
  currentText(file: string, uri = proto.pathToUri(file)): string | undefined {
    const source = this.currentSource(file, uri);
    return source === undefined ? undefined : textOf(source);
  }

  /** Reads a file into the disk map; whether what the analysis sees changed. */
  private read(p: string): boolean {
    // A regular file only, not through a link, size checked on the descriptor (a FIFO or a link
    // to /dev/zero put in the workspace neither hangs the server nor fills its memory).
    return this.record(p, readListedFile(p, this.config.maxFileSize));
  }

  /** A file's read, recorded: its text, its size over the cap, or why it could not be read. */
  private record(p: string, outcome: FileOutcome): boolean {
    const { disk, tooLarge, unreadableFiles: unreadable } = this;
    const wasListed = disk.has(p);
    const before = disk.get(p);
    const sizeBefore = tooLarge.get(p);
    if (outcome.kind === 'failed') {
      disk.delete(p);
      tooLarge.delete(p);
      unreadable.delete(p);
      const code = outcome.error.code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') {
        this.options.console.warn(`skipped unreadable ${p} (${describeError(outcome.error)})`);
        unreadable.set(p, describeError(outcome.error));
      }
    } else {
      const text = outcome.kind === 'read' ? decode(outcome.bytes) : undefined;
      if (outcome.kind === 'tooLarge') {
        tooLarge.set(p, outcome.size);
        disk.delete(p);
      } else if (p.toLowerCase().endsWith('.json') && !(text!.includes('"apiVersion"') && text!.includes('"kind"'))) {
        // JSON counts only as a manifest: build output a dev server rewrites costs nothing.
        disk.delete(p);
        tooLarge.delete(p);
      } else {
        disk.set(p, text!);
        tooLarge.delete(p);
      }
      unreadable.delete(p);
    }
    if (disk.has(p) !== wasListed) this.paths = undefined; // a file appeared or went: the sorted list is rebuilt
    this.readSinceList.add(p);
    return disk.get(p) !== before || tooLarge.get(p) !== sizeBefore;
  }

  /** Forgets a file read before. */
  private forget(p: string): void {
    this.disk.delete(p);
    this.tooLarge.delete(p);
    this.unreadableFiles.delete(p);
    this.paths = undefined;
  }

  /** Lists the folders and reads every manifest, in batches between which requests are answered. */
  async readListing(
    progress?: { report(percentage: number, message: string): void },
    onListed?: (paths: ReadonlySet<string>) => void,
  ): Promise<void> {
    const entries = listManifests(this.roots, this.config, (dir, error) =>
      this.options.console.warn(`skipped unreadable directory ${dir} (${error})`),
    );
    const listed = new Set(entries.map((e) => e.absolutePath.split(path.sep).join('/')));
    onListed?.(listed);
    for (const p of [...this.disk.keys(), ...this.tooLarge.keys(), ...this.unreadableFiles.keys()]) {
      if (!listed.has(p)) this.forget(p);
    }
    const all = [...listed];
    // A worker thread reads part of a long list (node/parallelRead.ts); requests are answered
    // between batches, while it reads on.
    await readListedFilesInTurns(
      all,
      this.config.maxFileSize,
      (i, outcome) => void this.record(all[i], outcome),
      async (done) => {
        progress?.report(Math.round((done / Math.max(1, all.length)) * 100), `${done}/${all.length} files`);
        this.options.onReadBatch(done);
        await new Promise((resolve) => setImmediate(resolve));
      },
      READ_BATCH,
    );
  }

  /** Renders the charts again (the renderer re-runs helm only for charts whose files changed). */
  async renderCharts(
    files: readonly WorkspaceFile[] = [...this.disk].map(([p, text]) => ({ path: p, text })),
  ): Promise<boolean> {
    try {
      const changed = await this.options.helm.refresh(files, this.config.helm);
      if (changed) this.paths = undefined;
      return changed;
    } catch (err) {
      this.options.console.error(`helm rendering failed: ${(err as Error)?.stack ?? String(err)}`);
      return false;
    }
  }

  /** Watched files changed on disk; whether what the analysis sees changed. */
  applyWatchedChanges(changes: readonly lsp.FileEvent[]): boolean {
    // A link or directory on the way may have appeared or gone: only with creations and deletions.
    if (changes.some((c) => c.type !== lsp.FileChangeType.Changed)) this.listedPaths.clear();
    let changed = false;
    for (const change of changes) {
      const p = proto.uriToPath(change.uri);
      if (!p) continue;
      if (this.options.helm.concernsCharts(p)) this.options.onChartFileChanged();
      if (path.basename(p) === CONFIG_FILE_NAME) {
        this.options.onConfigFileChanged();
        continue;
      }
      if (change.type === lsp.FileChangeType.Deleted) {
        if (!this.disk.has(p) && !this.tooLarge.has(p)) continue; // excluded, not a manifest, or never read
        this.forget(p);
        changed = true;
      } else if (this.isAnalysedPath(p)) changed = this.read(p) || changed;
    }
    // Excluded or non-manifest paths, and rewrites with the same text, change nothing.
    return changed;
  }

  /** Opening or closing a document whose text is what is on disk changes nothing to analyse. */
  private sameAsDisk(doc: EditedTextDocument): boolean {
    const p = proto.uriToPath(doc.uri);
    return p !== undefined && this.disk.get(p) === doc.getText();
  }

  documentOpened(doc: EditedTextDocument): void {
    // Compared once (a 15 MiB text takes milliseconds): the content event that follows asks again.
    const same = this.sameAsDisk(doc);
    const p = proto.uriToPath(doc.uri);
    // The disk's text is what the analysis read: the document's edits are spliced onto it.
    if (same) doc.adoptEqualText(this.disk.get(p!)!);
    // A document not on disk joins the list of paths; one on disk only changes its entry.
    if (!same && !(p !== undefined && this.disk.has(p))) this.paths = undefined;
    this.opening.set(doc.uri, same);
  }

  /** A document's text changed (or arrived with its opening); whether what the analysis sees changed. */
  documentChanged(doc: EditedTextDocument): boolean {
    const sameOnOpening = this.opening.get(doc.uri);
    this.opening.delete(doc.uri);
    // The content event of an opening as on disk changes nothing: no running analysis is cancelled for it.
    return sameOnOpening !== true;
  }

  /** A document closed: disk is the truth again. Whether what the analysis sees changed. */
  documentClosed(doc: EditedTextDocument): boolean {
    this.opening.delete(doc.uri);
    const unchanged = this.sameAsDisk(doc);
    const p = proto.uriToPath(doc.uri);
    if (p && this.isAnalysedPath(p)) this.read(p);
    // A document that is not on disk leaves the list of paths; one on disk only changes its entry.
    if (!p || !this.disk.has(p)) this.paths = undefined;
    else this.readSinceList.add(p);
    return !(unchanged && this.sameAsDisk(doc));
  }

  documentSaved(doc: EditedTextDocument): void {
    const p = proto.uriToPath(doc.uri);
    if (p && this.options.helm.concernsCharts(p)) this.options.onChartFileChanged();
    if (p && this.isAnalysedPath(p)) this.read(p);
  }
}
