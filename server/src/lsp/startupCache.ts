// The persistent cache in the client's storage (initializationOptions.storagePath): the first
// analysis reads unchanged files back from it, and an unchanged workspace's diagnostics are
// published from it before that analysis runs (a warm start).
import * as path from 'node:path';
import type * as lsp from 'vscode-languageserver/node';
import { lineIndexesOf, type Analysis, type AnalysisConfig } from '../engine';
import type { FileParser, SkippedFile, WorkspaceFile } from '../engine/workspace';
import { AnalysisCache, cachedResultOf } from '../node/analysisCache';
import type { DiagnosticsPublisher } from './publisher';
import type { WorkspaceFiles } from './workspaceFiles';

export interface StartupCacheOptions {
  readonly files: Pick<WorkspaceFiles, 'current'>;
  readonly settings: { readonly config: AnalysisConfig };
  readonly publisher: Pick<DiagnosticsPublisher, 'publish'>;
  readonly console: Pick<lsp.RemoteConsole, 'log' | 'error'>;
}

export class StartupCache {
  private store: AnalysisCache | undefined;
  /** The parser of the next analysis: the cache's for the first one, then the Analyzer's own. */
  private parseForNextRun: FileParser | undefined;

  constructor(private readonly options: StartupCacheOptions) {}

  /** Uses the cache in this directory of the client's storage. */
  open(storagePath: string): void {
    this.store = new AnalysisCache(path.join(storagePath, 'cache'));
  }

  /** The parser the next analysis reads files with (undefined: the Analyzer's own). */
  get parser(): FileParser | undefined {
    return this.parseForNextRun;
  }

  /** Indexing is done: the first analysis reads through the cache, and a stored result is published. */
  beforeFirstAnalysis(): void {
    if (!this.store) return;
    this.parseForNextRun = this.store.parser();
    this.publishCachedResult(this.store);
  }

  /**
   * An analysis completed that read with `parse` (the first): the parser is set aside (it was
   * kept for a restart if a change overtook the analysis) and the trees and result are stored.
   */
  analysed(
    parse: FileParser | undefined,
    files: readonly WorkspaceFile[],
    skipped: readonly SkippedFile[],
    result: Analysis,
  ): void {
    if (!parse) return;
    this.parseForNextRun = undefined;
    if (this.store) this.save(this.store, files, skipped, result);
  }

  /**
   * A warm start: when the workspace is exactly as the cache last saw it, its diagnostics are
   * published before the analysis runs (which then confirms them; unchanged diagnostics are not
   * sent again). Anything different — one byte, a setting — and nothing is published early.
   */
  private publishCachedResult(store: AnalysisCache): void {
    const { files, skipped } = this.options.files.current();
    const result = store.loadResult(store.fingerprint(files, skipped, this.options.settings.config));
    if (!result) return;
    const texts = new Map(files.map((f) => [f.path, f.text]));
    const textOf = (file: string) => texts.get(file);
    this.options.publisher.publish(result.diagnostics, lineIndexesOf(textOf), textOf);
    this.options.console.log(`published ${result.diagnostics.length} cached diagnostics for an unchanged workspace`);
  }

  /** Stores the first analysis's trees and result; the next start of an unchanged workspace reuses them. */
  private save(store: AnalysisCache, files: readonly WorkspaceFile[], skipped: readonly SkippedFile[], a: Analysis) {
    setImmediate(() => {
      try {
        store.saveResult(store.fingerprint(files, skipped, this.options.settings.config), cachedResultOf(a));
        store.saveParsed();
        this.options.console.log(
          `cache: ${store.hits} files read back, ${store.misses} parsed${store.writeError ? `; cannot write ${store.dir} (${store.writeError})` : ''}`,
        );
      } catch (err) {
        this.options.console.error(`cache not saved: ${(err as Error)?.stack ?? String(err)}`);
      }
    });
  }
}
