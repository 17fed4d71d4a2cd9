// Exact mode (kubeTrafficLens.kustomize.renderer): kustomize builds rendered by the binary, only in
// a trusted workspace; rendered again when a file of a kustomize folder changes.
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type * as lsp from 'vscode-languageserver/node';
import type { AnalysisConfig, RenderedBuild } from '../engine';
import { isKustomizationFile } from '../engine/kustomize';
import type { WorkspaceFile } from '../engine/workspace';
import { renderKustomizations } from '../node/kustomizeRenderer';

export interface KustomizeRendersOptions {
  readonly settings: { readonly config: AnalysisConfig; readonly workspaceTrusted: boolean };
  readonly files: { readonly roots: readonly string[] };
  readonly console: Pick<lsp.RemoteConsole, 'warn'>;
}

export class KustomizeRenders {
  /** Exact mode's rendered builds, kept while the files of kustomize folders are unchanged. */
  private renderedFor:
    { key: string; config: AnalysisConfig; rendered: ReadonlyMap<string, RenderedBuild> | undefined } | undefined;

  constructor(private readonly options: KustomizeRendersOptions) {}

  /** The rendered builds for the analysis of these files; undefined with the builtin renderer. */
  buildsFor(files: readonly WorkspaceFile[]): ReadonlyMap<string, RenderedBuild> | undefined {
    const { settings, console } = this.options;
    const roots = this.options.files.roots;
    const config = settings.config;
    if (config.kustomizeRenderer === 'builtin') return undefined;
    if (!settings.workspaceTrusted) {
      if (this.renderedFor?.config !== config)
        console.warn('kustomize.renderer is ignored: the workspace is not trusted (the builtin renderer is used)');
      this.renderedFor = { key: '', config, rendered: undefined };
      return undefined;
    }
    const dirs = new Set(files.filter((f) => isKustomizationFile(f.path)).map((f) => path.posix.dirname(f.path)));
    const relevant = files.filter((f) => dirs.has(path.posix.dirname(f.path)));
    const key = createHash('sha1')
      .update(relevant.map((f) => `${f.path}\u0000${f.text}`).join('\u0001'))
      .digest('hex');
    if (this.renderedFor && this.renderedFor.key === key && this.renderedFor.config === config)
      return this.renderedFor.rendered;
    const result = renderKustomizations(relevant, roots[0] ?? process.cwd(), config, [
      path.resolve(__dirname, '..'),
      ...roots,
    ]);
    for (const p of result.problems) console.warn(`kustomize ${p}`);
    this.renderedFor = { key, config, rendered: result.rendered };
    return result.rendered;
  }
}
