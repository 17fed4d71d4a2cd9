// The last completed analysis, which requests are answered from, and the texts it read: a request
// on a document whose text changed since then gets no answer rather than one at stale offsets.
import type { Analysis } from '../engine';
import { sameText, type SourceText } from '../engine/splicedText';
import { sourceOf, type WorkspaceFile } from '../engine/workspace';

export class LastAnalysis {
  private completed: Analysis | undefined;
  /**
   * The texts the last completed analysis read (its file list, and where each path is in it; the
   * index is kept while the list of paths is the same): requests on a changed document wait for the next.
   */
  private analysed: {
    files: readonly WorkspaceFile[];
    paths: readonly string[] | undefined;
    index: ReadonlyMap<string, number>;
  } = { files: [], paths: undefined, index: new Map() };

  /** @param files The text a request sees for a file now (WorkspaceFiles.currentSource). */
  constructor(private readonly files: { currentSource(file: string, uri?: string): SourceText | undefined }) {}

  /** The last completed analysis; undefined before the first. */
  get analysis(): Analysis | undefined {
    return this.completed;
  }

  /** An analysis completed; it read `files`, whose paths are `paths` in the same order. */
  commit(result: Analysis, files: readonly WorkspaceFile[], paths: readonly string[]): void {
    this.completed = result;
    // files follows paths: the index by path is rebuilt only when the list of paths changed.
    const analysed = this.analysed;
    this.analysed = {
      files,
      paths,
      index: analysed.paths === paths ? analysed.index : new Map(paths.map((p, i) => [p, i])),
    };
  }

  /** The text the last analysis read for a file. */
  analysedText(file: string): string | undefined {
    return this.analysedFile(file)?.text;
  }

  /** That text as given to the analysis: spliced after an edit, not joined. */
  analysedSource(file: string): SourceText | undefined {
    const f = this.analysedFile(file);
    return f && sourceOf(f);
  }

  /** Whether the last analysis read the file as it is now (its offsets are valid for it). */
  isCurrent(file: string, uri?: string): boolean {
    const text = this.analysedSource(file);
    if (text === undefined) return false;
    const now = this.files.currentSource(file, uri);
    return now !== undefined && sameText(text, now);
  }

  private analysedFile(file: string): WorkspaceFile | undefined {
    const i = this.analysed.index.get(file);
    return i === undefined ? undefined : this.analysed.files[i];
  }
}
