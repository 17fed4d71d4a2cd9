// Reading a long list of workspace files with a second thread. On a warm page cache a file's
// read is four system calls (open, fstat, read, close) whose time is the kernel's, not the disk's:
// 100,000 files took 1.2 s on one thread. A worker thread (readWorker.ts) takes chunks of the list
// from the same counter as the calling thread, reads them with the same checks (safeRead.ts) and
// hands each chunk's bytes over without a copy; the caller stays synchronous.
//
// Node's thread pool (fs.promises) was measured 3-10x slower than one thread for this: each
// file is a round trip. Here the caller never waits for the worker except for the chunks the worker
// claimed and had not finished when the list ran out, and gives up on one after STALL_MS (it then
// reads the chunk itself): a worker that fails to start or dies costs time, never a file.
import * as path from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { readRegularFileTransient } from './safeRead';

/** A file's read: its bytes (valid until the next read), its size when over the cap, or why it failed. */
export type FileOutcome =
  | { readonly kind: 'read'; readonly bytes: Buffer }
  | { readonly kind: 'tooLarge'; readonly size: number }
  | { readonly kind: 'failed'; readonly error: NodeJS.ErrnoException };

/** Files per chunk: small enough that both threads end together, large enough that a chunk's message is cheap. */
export const CHUNK_FILES = 64;
/** Below this many files one thread reads them: starting the worker costs more than it saves. */
export const PARALLEL_MIN_FILES = 1024;
/** A chunk the worker claimed but has not finished after this long is read by the caller. */
const STALL_MS = 2000;

/** For tests: another worker script, a shorter stall, a lower threshold, the worker reading every chunk. */
export interface ParallelReadTuning {
  readonly workerScript?: string;
  readonly stallMs?: number;
  readonly minFiles?: number;
  readonly callerClaims?: boolean;
}

/** What readWorker.ts posts per chunk: status per file (0 read, 1 too large, 2 failed) and the bytes. */
export interface ChunkMessage {
  readonly chunk: number;
  readonly bytes: ArrayBuffer;
  /** Per file of the chunk: where its bytes end in `bytes` (read), or its size (too large). */
  readonly ends: Float64Array;
  readonly status: Uint8Array;
  readonly errors: readonly { readonly index: number; readonly code?: string; readonly message: string }[];
}

/** Input of readWorker.ts. */
export interface WorkerInput {
  readonly paths: readonly string[];
  readonly maxBytes: number;
  /** [next chunk to claim, then per chunk: 1 once the worker posted it]. */
  readonly control: Int32Array;
  readonly port: MessagePort;
}

export const STATUS_READ = 0;
export const STATUS_TOO_LARGE = 1;
export const STATUS_FAILED = 2;

/** Reads one file as the walk does: no link followed, regular files only, at most maxBytes kept. */
export function readListedFile(file: string, maxBytes: number): FileOutcome {
  try {
    const read = readRegularFileTransient(file, maxBytes);
    return read.buffer === undefined ? { kind: 'tooLarge', size: read.size } : { kind: 'read', bytes: read.buffer };
  } catch (err) {
    return { kind: 'failed', error: err as NodeJS.ErrnoException };
  }
}

/**
 * Reads every file of `paths` (absolute, found by the walk) and gives each outcome to `onFile` in
 * the list's order, as soon as it and those before it are read; the bytes are valid only during
 * the call. With many files a worker thread reads part of them.
 */
export function readListedFiles(
  paths: readonly string[],
  maxBytes: number,
  onFile: (index: number, outcome: FileOutcome) => void,
  tuning: ParallelReadTuning = {},
): { readonly filesReadByWorker: number } {
  const chunks = Math.ceil(paths.length / CHUNK_FILES);
  const worker =
    paths.length >= (tuning.minFiles ?? PARALLEL_MIN_FILES)
      ? startWorker(paths, maxBytes, chunks, tuning.workerScript ?? path.join(__dirname, 'readWorker.js'))
      : undefined;
  if (!worker) {
    paths.forEach((p, i) => onFile(i, readListedFile(p, maxBytes)));
    return { filesReadByWorker: 0 };
  }
  try {
    return readAlongside(
      worker,
      paths,
      maxBytes,
      chunks,
      onFile,
      tuning.stallMs ?? STALL_MS,
      tuning.callerClaims ?? true,
    );
  } finally {
    void worker.thread.terminate();
    worker.port.close();
  }
}

interface RunningWorker {
  readonly thread: Worker;
  readonly port: MessagePort;
  readonly control: Int32Array;
}

function startWorker(
  paths: readonly string[],
  maxBytes: number,
  chunks: number,
  script: string,
): RunningWorker | undefined {
  const control = new Int32Array(new SharedArrayBuffer(4 * (chunks + 1)));
  const { port1, port2 } = new MessageChannel();
  try {
    const input: WorkerInput = { paths, maxBytes, control, port: port2 };
    // dist/readWorker.js beside the bundles; readWorker.js beside this module when run from out/.
    const thread = new Worker(script, { workerData: input, transferList: [port2] });
    thread.unref();
    // A worker that fails to start reports it here, later; the caller has read its chunks meanwhile.
    thread.on('error', () => {});
    return { thread, port: port1, control };
  } catch {
    port1.close();
    return undefined;
  }
}

function readAlongside(
  worker: RunningWorker,
  paths: readonly string[],
  maxBytes: number,
  chunks: number,
  onFile: (index: number, outcome: FileOutcome) => void,
  stallMs: number,
  callerClaims: boolean,
): { readonly filesReadByWorker: number } {
  const { control, port } = worker;
  let filesReadByWorker = 0;
  // Outcomes kept until their turn: texts are decoded by onFile, so a chunk's bytes are kept as read.
  const received = new Map<number, ChunkMessage>();
  const own = new Map<number, FileOutcome[]>();
  const ownChunk = (k: number) => {
    const outcomes: FileOutcome[] = [];
    for (let i = k * CHUNK_FILES; i < Math.min(paths.length, (k + 1) * CHUNK_FILES); i++) {
      const outcome = readListedFile(paths[i], maxBytes);
      // The transient bytes are overwritten by the next read: keep a copy until the chunk's turn.
      outcomes.push(outcome.kind === 'read' ? { kind: 'read', bytes: Buffer.from(outcome.bytes) } : outcome);
    }
    return outcomes;
  };
  const drain = () => {
    for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
      const message = m.message as ChunkMessage;
      if (message.chunk < next || own.has(message.chunk)) continue; // read here after a stall
      received.set(message.chunk, message);
    }
  };
  let next = 0;
  const deliver = () => {
    for (; next < chunks; next++) {
      const mine = own.get(next);
      if (mine) {
        own.delete(next);
        mine.forEach((o, i) => onFile(next * CHUNK_FILES + i, o));
        continue;
      }
      const message = received.get(next);
      if (!message) return;
      received.delete(next);
      filesReadByWorker += message.status.length;
      deliverMessage(message, next * CHUNK_FILES, paths, onFile);
    }
  };
  for (let k = callerClaims ? Atomics.add(control, 0, 1) : chunks; k < chunks; k = Atomics.add(control, 0, 1)) {
    own.set(k, ownChunk(k));
    drain();
    deliver();
  }
  // The list ran out: what is left is what the worker claimed.
  while (next < chunks) {
    drain();
    deliver();
    if (next >= chunks) break;
    if (Atomics.wait(control, next + 1, 0, stallMs) === 'timed-out' && Atomics.load(control, next + 1) === 0) {
      own.set(next, ownChunk(next)); // a stalled or dead worker: read it here
      deliver();
    }
  }
  return { filesReadByWorker };
}

function deliverMessage(
  message: ChunkMessage,
  first: number,
  paths: readonly string[],
  onFile: (index: number, outcome: FileOutcome) => void,
): void {
  const bytes = Buffer.from(message.bytes);
  const errors = new Map(message.errors.map((e) => [e.index, e]));
  let start = 0;
  for (let i = 0; i < message.status.length; i++) {
    const status = message.status[i];
    if (status === STATUS_READ) {
      const end = message.ends[i];
      onFile(first + i, { kind: 'read', bytes: bytes.subarray(start, end) });
      start = end;
    } else if (status === STATUS_TOO_LARGE) {
      onFile(first + i, { kind: 'tooLarge', size: message.ends[i] });
    } else {
      const e = errors.get(i);
      const error = Object.assign(new Error(e?.message ?? 'read failed'), { code: e?.code, path: paths[first + i] });
      onFile(first + i, { kind: 'failed', error });
    }
  }
}
