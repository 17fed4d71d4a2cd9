// A minimal LSP client for tests: starts the real server process over stdio, answers the requests
// a server makes of its client (progress tokens, registrations, configuration), records published
// diagnostics, and waits for indexing to end.
import { spawn, type ChildProcess } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import { CLI } from './cli';

export interface PublishedDiagnostic {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity: number;
  code: string;
  codeDescription?: { href: string };
  source: string;
  message: string;
  relatedInformation?: { location: { uri: string }; message: string }[];
}

export class LspClient {
  readonly diagnostics = new Map<string, PublishedDiagnostic[]>();
  readonly log: string[] = [];
  settings: Record<string, unknown> = {};
  private readonly process: ChildProcess;
  private readonly connection: MessageConnection;
  private indexed!: Promise<void>;
  private waiters: (() => void)[] = [];
  exited: number | null | undefined;

  /** The server's process id (for its memory: /proc/<pid>/status). */
  get pid(): number | undefined {
    return this.process.pid;
  }

  constructor() {
    this.process = spawn(process.execPath, [CLI, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.process.on('exit', (code) => (this.exited = code));
    this.connection = createMessageConnection(
      new StreamMessageReader(this.process.stdout!),
      new StreamMessageWriter(this.process.stdin!),
    );
    this.connection.onNotification(
      'textDocument/publishDiagnostics',
      (p: { uri: string; diagnostics: PublishedDiagnostic[] }) => {
        this.diagnostics.set(p.uri, p.diagnostics);
        const waiters = this.waiters;
        this.waiters = [];
        waiters.forEach((w) => w());
      },
    );
    this.connection.onNotification('window/logMessage', (p: { message: string }) => {
      this.log.push(p.message);
    });
    this.connection.onRequest('window/workDoneProgress/create', () => null);
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('workspace/configuration', (p: { items: { section?: string }[] }) =>
      p.items.map(() => this.settings),
    );
    this.connection.listen();
  }

  async initialize(
    rootPath: string,
    settings: Record<string, unknown> = {},
    initializationOptions?: unknown,
    workspaceCapabilities: Record<string, unknown> = {},
    indexTimeoutMs = 20000,
  ): Promise<void> {
    this.settings = settings;
    let done!: () => void;
    this.indexed = new Promise((resolve) => (done = resolve));
    this.connection.onNotification('$/progress', (p: { value: { kind: string } }) => {
      if (p.value.kind === 'end') done();
    });
    const rootUri = uri(rootPath);
    // Bounded like every other request: a server that dies before answering fails the file, not hangs it.
    const initialized = this.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: 'test' }],
      initializationOptions,
      capabilities: {
        window: { workDoneProgress: true },
        workspace: {
          configuration: true,
          didChangeWatchedFiles: { dynamicRegistration: true },
          ...workspaceCapabilities,
        },
        textDocument: { hover: { contentFormat: ['markdown'] } },
      },
    });
    await withTimeout(initialized, indexTimeoutMs, 'initialize');
    await this.connection.sendNotification('initialized', {});
    await withTimeout(this.indexed, indexTimeoutMs, 'indexing');
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return withTimeout(this.connection.sendRequest(method, params) as Promise<R>, 10000, method);
  }

  /** Answers a request the server makes of the client (null when not set: nothing to return). */
  onRequest(method: string, handler: (params: unknown) => unknown): void {
    this.connection.onRequest(method, handler);
  }

  /** Calls the handler for each notification of a method the server sends (custom ones included). */
  onNotification<P>(method: string, handler: (params: P) => void): void {
    this.connection.onNotification(method, handler);
  }

  notify(method: string, params: unknown): Promise<void> {
    return this.connection.sendNotification(method, params);
  }

  /** Resolves when the diagnostics of a file satisfy the predicate (checked after every publish). */
  async waitFor(
    fileUri: string,
    predicate: (d: PublishedDiagnostic[] | undefined) => boolean,
    what: string,
    timeoutMs = 10000,
  ): Promise<PublishedDiagnostic[]> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.diagnostics.get(fileUri))) {
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`timed out waiting for ${what}; have ${JSON.stringify(this.diagnostics.get(fileUri))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.diagnostics.get(fileUri) ?? [];
  }

  async stop(): Promise<void> {
    try {
      await withTimeout(this.connection.sendRequest('shutdown'), 3000, 'shutdown');
      await this.connection.sendNotification('exit');
    } catch {
      // the process is killed below either way
    }
    this.connection.dispose();
    this.process.kill();
  }
}

/** Predicates for waitFor: a file's diagnostics include the rule; a file has none. */
export const hasRule =
  (rule: string) =>
  (d: { code: string }[] | undefined): boolean =>
    !!d?.some((x) => x.code === rule);
export const isClean = (d: unknown[] | undefined): boolean => d === undefined || d.length === 0;

export function uri(p: string): string {
  return pathToFileURL(p).href;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms);
    promise.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}
