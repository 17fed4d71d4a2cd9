// Whether the server is answering a request: a running analysis waits between its slices while one
// is in flight, so that a hover that arrives meanwhile is not kept behind the analysis. Handlers run
// inside its guard, which counts them and turns an exception into the request's fallback answer.
import type * as lsp from 'vscode-languageserver/node';

/**
 * Calls listener when a message from the client arrives, before the connection dispatches it: on
 * the transports our clients use (VS Code's node IPC, --stdio); on others it is never called.
 */
function onIncomingMessage(listener: () => void): void {
  if (process.argv.includes('--node-ipc')) process.on('message', listener);
  else if (process.argv.includes('--stdio')) process.stdin.on('data', listener);
}

export class RequestActivity {
  /**
   * Requests answered in the last turns. The connection writes a response a turn or two after the
   * handler returns; a running analysis waits meanwhile instead of putting a slice in between.
   */
  private answering = 0;

  constructor(private readonly console: Pick<lsp.RemoteConsole, 'error'>) {}

  /** Counts messages from the moment they arrive (call before the connection listens). */
  listenForMessages(): void {
    // The connection dispatches a message on a later turn, and the analysis's next slice, queued
    // before it, would otherwise run first (a hover waited a whole slice more than it had to).
    onIncomingMessage(() => {
      this.answering++;
      this.answered();
    });
  }

  /** Whether a request is being answered now or was in the last turns. */
  get busy(): boolean {
    return this.answering > 0;
  }

  /** Runs a handler; an exception is logged and the request answered with the fallback. */
  guard<P, R>(name: string, fallback: R, handler: (params: P) => R): (params: P) => R {
    return (params: P) => {
      this.answering++;
      try {
        return handler(params);
      } catch (err) {
        this.console.error(`${name} failed: ${(err as Error)?.stack ?? String(err)}`);
        return fallback;
      } finally {
        this.answered();
      }
    };
  }

  /** A message or request was handled: its response is written in the next turns. */
  private answered(): void {
    setImmediate(() => setImmediate(() => this.answering--));
  }
}
