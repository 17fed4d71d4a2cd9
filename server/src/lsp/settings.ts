// The language server's settings: the client's (workspace/configuration, section kubeTrafficLens)
// over the repository's settings file (.kube-traffic-lens.yaml in the first folder that has one),
// normalised into the engine's AnalysisConfig; and what the client said at initialize that decides
// how they apply (workspace trust, syntax diagnostics).
import * as path from 'node:path';
import type * as lsp from 'vscode-languageserver/node';
import { DEFAULT_CONFIG, normalizeConfig, parseConfigFile, type AnalysisConfig } from '../engine';
import { boundUntrusted } from '../engine/config';
import { CONFIG_FILE_NAME, describeError, readConfigFile } from '../node/readWorkspace';

export class ServerSettings {
  private current: AnalysisConfig = DEFAULT_CONFIG;
  private trusted = true;
  private syntax = true;
  private storage: string | undefined;
  /** Whether the client answers workspace/configuration. */
  private canReadConfiguration = false;
  private fileConfig: unknown;
  private settings: unknown;

  constructor(private readonly connection: Pick<lsp.Connection, 'console' | 'workspace'>) {}

  /** The configuration analyses and requests use now. */
  get config(): AnalysisConfig {
    return this.current;
  }

  /**
   * Whether the editor trusts the workspace: only then may the kustomize renderer binary run.
   * Restricted Mode when false (set at initialize): no process is started, limits only lowered.
   */
  get workspaceTrusted(): boolean {
    return this.trusted;
  }

  /** Whether yaml-syntax and yaml-duplicate-key are published (initializationOptions.syntaxDiagnostics). */
  get syntaxDiagnostics(): boolean {
    return this.syntax;
  }

  /** The client's storage for the persistent cache (initializationOptions.storagePath), if given. */
  get storagePath(): string | undefined {
    return this.storage;
  }

  /** What the client says at initialize. */
  initialize(params: lsp.InitializeParams): void {
    this.canReadConfiguration = params.capabilities.workspace?.configuration === true;
    const options = params.initializationOptions as
      { syntaxDiagnostics?: unknown; storagePath?: unknown; workspaceTrusted?: unknown } | undefined;
    // VS Code says whether the workspace is trusted (Restricted Mode): then no helm, kubectl or
    // kustomize process is started and the repository's settings file may only lower limits. Other
    // editors have no such notion and pass nothing: their user opened the folder on purpose.
    this.trusted = options?.workspaceTrusted !== false;
    this.syntax = options?.syntaxDiagnostics !== false;
    if (typeof options?.storagePath === 'string' && options.storagePath) this.storage = options.storagePath;
  }

  /** The user trusted the workspace. */
  trustWorkspace(): void {
    this.trusted = true;
  }

  /** Reads the settings file of the first folder that has one (bounded in an untrusted workspace). */
  loadFile(roots: readonly string[]): void {
    const console = this.connection.console;
    this.fileConfig = undefined;
    for (const root of roots) {
      const file = path.join(root, CONFIG_FILE_NAME);
      let text: string;
      try {
        text = readConfigFile(file, root);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT' && code !== 'ENOTDIR') console.warn(`${file}: not read (${describeError(err)})`);
        continue;
      }
      try {
        const { config: c, problems } = parseConfigFile(text);
        problems.forEach((p) => console.warn(`${file}: ${p.message}`));
        this.fileConfig = this.trusted ? c : boundUntrusted(c);
      } catch (err) {
        console.warn(`${file}: ${(err as Error).message}`);
      }
      break;
    }
  }

  /** Asks the client for its settings and computes the configuration again. */
  async refresh(): Promise<void> {
    if (this.canReadConfiguration) {
      try {
        this.settings = await this.connection.workspace.getConfiguration('kubeTrafficLens');
      } catch {
        this.settings = undefined;
      }
    }
    const fromFile = this.fileConfig as AnalysisConfig | undefined;
    const problems: { message: string }[] = [];
    this.current = normalizeConfig(settingsForEngine(this.settings), fromFile ?? DEFAULT_CONFIG, problems);
    problems.forEach((p) => this.connection.console.warn(`settings: ${p.message}`));
  }

  /** The settings that decide which files are read; when they change, the folders are listed again. */
  listingKey(): string {
    return JSON.stringify([this.current.exclude, this.current.maxFileSize]);
  }
}

/** VS Code settings: empty strings mean "not set". */
function settingsForEngine(raw: unknown): unknown {
  if (!raw || typeof raw !== 'object') return undefined;
  const r = { ...(raw as Record<string, unknown>) };
  for (const key of ['defaultNamespace', 'serviceCIDR', 'nodePortRange']) if (r[key] === '') delete r[key];
  if (Array.isArray(r.exclude) && r.exclude.length === 0) delete r.exclude;
  if (r.maxFileSize === null) delete r.maxFileSize;
  return r;
}
