// Indexing, the server's start: the folders are listed and read (requests answered between
// batches), the Helm charts rendered meanwhile, and the first analysis published, with progress
// shown by the client.
import * as path from 'node:path';
import type * as lsp from 'vscode-languageserver/node';
import { decode } from '../node/readWorkspace';
import { readRegularFile } from '../node/safeRead';
import type { HelmState } from './helmState';
import type { AnalysisScheduler } from './scheduler';
import type { ServerSettings } from './settings';
import type { StartupCache } from './startupCache';
import type { WorkspaceFiles } from './workspaceFiles';

export interface IndexingParts {
  readonly connection: Pick<lsp.Connection, 'window'>;
  readonly files: WorkspaceFiles;
  readonly helm: HelmState;
  readonly settings: ServerSettings;
  readonly scheduler: AnalysisScheduler;
  readonly cache: StartupCache;
}

/** Reads the workspace folders and resolves once the first analysis is published. */
export async function indexWorkspace({ connection, files, helm, settings, scheduler, cache }: IndexingParts) {
  const progress = await connection.window.createWorkDoneProgress().catch(() => undefined);
  progress?.begin('Kube Traffic Lens: indexing manifests', 0, 'listing files', false);
  // Charts are rendered as soon as they are listed: helm runs in processes of its own while the
  // files are read, and meanwhile what was read is analysed, unpublished, so that the first
  // published analysis (with the renders) finds the engine warm and the readings made.
  let rendering: Promise<boolean> = Promise.resolve(false);
  await files.readListing(progress, (listed) => {
    const chartFiles = [...listed].filter((p) => ['Chart.yaml', 'requirements.yaml'].includes(path.basename(p)));
    rendering = files.renderCharts(
      chartFiles.flatMap((p) => {
        try {
          const read = readRegularFile(p, settings.config.maxFileSize);
          return read.buffer ? [{ path: p, text: decode(read.buffer) }] : [];
        } catch {
          return [];
        }
      }),
    );
  });
  if (helm.rendering) await scheduler.analyseWhileRendering();
  await rendering;
  files.indexingDone();
  cache.beforeFirstAnalysis();
  await scheduler.firstAnalysis();
  progress?.done();
}
