// Reading a long list of workspace files with a second thread. On a warm page cache a file's
// read is four system calls (open, fstat, read, close) whose time is the kernel's, not the disk's:
// 100,000 files took 1.2 s on one thread. A worker thread (readWorker.ts) takes chunks of the list
// from the same counter as the calling thread, reads them with the same checks (safeRead.ts) and
// hands each chunk's bytes over without a copy. The caller takes the outcomes in the list's order,
// either at once (the CLI: synchronous) or in turns (the language server: requests answered between
// batches).
//
// Node's thread pool (fs.promises) was measured 3-10x slower than one thread for this: each
// file is a round trip. Here the caller never waits for the worker except for the chunks the worker
// claimed and had not finished when the list ran out, and gives up on one after STALL_MS (it then
// reads the chunk itself): a worker that fails to start or dies costs time, never a file.
import * as path from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { readRegularFileTransient, type SafeReadOptions } from './safeRead';

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

/**
 * A chunk as read (readChunk), by the worker (posted) or by the caller: status per file (0 read, 1
 * too large, 2 failed) and the bytes.
 */
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

const STATUS_READ = 0;
const STATUS_TOO_LARGE = 1;
const STATUS_FAILED = 2;

/**
 * Reads one file as the walk does: regular files only, at most maxBytes kept, no link followed
 * (unless `options` say so: a path the user named).
 */
export function readListedFile(file: string, maxBytes: number, options: SafeReadOptions = {}): FileOutcome {
  try {
    const read = readRegularFileTransient(file, maxBytes, options);
    return read.buffer === undefined ? { kind: 'tooLarge', size: read.size } : { kind: 'read', bytes: read.buffer };
  } catch (err) {
    return { kind: 'failed', error: err as NodeJS.ErrnoException };
  }
}

/** The buffer a thread reads its chunks into (each thread has its own module state). */
let chunkBuffer = Buffer.allocUnsafe(256 * 1024);

/**
 * Reads the files of chunk `k` into one buffer: what readWorker.ts posts, and what the caller keeps
 * of a chunk it read until the chunk's turn. The bytes are a copy of what the chunk used (the
 * working buffer stays for the next chunk), so that they can be transferred.
 */
export function readChunk(paths: readonly string[], k: number, maxBytes: number): ChunkMessage {
  const first = k * CHUNK_FILES;
  const count = Math.min(paths.length, first + CHUNK_FILES) - first;
  const ends = new Float64Array(count);
  const status = new Uint8Array(count);
  const errors: { index: number; code?: string; message: string }[] = [];
  let used = 0;
  for (let i = 0; i < count; i++) {
    const outcome = readListedFile(paths[first + i], maxBytes);
    if (outcome.kind === 'read') {
      if (used + outcome.bytes.length > chunkBuffer.length) {
        const grown = Buffer.allocUnsafe(Math.max(chunkBuffer.length * 2, used + outcome.bytes.length));
        chunkBuffer.copy(grown, 0, 0, used);
        chunkBuffer = grown;
      }
      outcome.bytes.copy(chunkBuffer, used);
      used += outcome.bytes.length;
      ends[i] = used;
      status[i] = STATUS_READ;
    } else if (outcome.kind === 'tooLarge') {
      ends[i] = outcome.size;
      status[i] = STATUS_TOO_LARGE;
    } else {
      status[i] = STATUS_FAILED;
      errors.push({ index: i, code: outcome.error.code, message: String(outcome.error.message ?? outcome.error) });
    }
  }
  const bytes = chunkBuffer.buffer.slice(chunkBuffer.byteOffset, chunkBuffer.byteOffset + used);
  return { chunk: k, bytes, ends, status, errors };
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
  const read = new ListedFilesRead(paths, maxBytes, onFile, tuning);
  try {
    if (tuning.callerClaims ?? true) while (read.readOwnChunk());
    while (read.waiting()) read.afterWait(Atomics.wait(read.control, read.next + 1, 0, read.stallMs) === 'timed-out');
    return { filesReadByWorker: read.filesReadByWorker };
  } finally {
    read.close();
  }
}

/**
 * readListedFiles for a caller that must stay responsive (the language server's indexing):
 * `onTurn` is awaited about every `turnEvery` files delivered (and after the last) with how many
 * were, so that requests are answered in between; the worker reads on meanwhile, and the caller
 * waits for it without blocking.
 */
export async function readListedFilesInTurns(
  paths: readonly string[],
  maxBytes: number,
  onFile: (index: number, outcome: FileOutcome) => void,
  onTurn: (filesDelivered: number) => Promise<void>,
  turnEvery: number,
  tuning: ParallelReadTuning = {},
): Promise<{ readonly filesReadByWorker: number }> {
  const read = new ListedFilesRead(paths, maxBytes, onFile, tuning);
  try {
    let turned = 0;
    // Outcomes are delivered a batch at a time: a worker far ahead (the caller busy with requests
    // meanwhile) is not taken in one go.
    read.deliverUpTo = turnEvery;
    const turn = async () => {
      while (read.delivered - turned >= turnEvery) {
        turned = read.delivered;
        await onTurn(turned);
        read.deliverUpTo = turned + turnEvery;
        read.collect();
      }
    };
    if (tuning.callerClaims ?? true) while (read.readOwnChunk()) await turn();
    while (read.waiting()) {
      read.afterWait((await waitWithoutBlocking(read.control, read.next + 1, read.stallMs)) === 'timed-out');
      await turn();
    }
    if (read.delivered > turned) await onTurn(read.delivered);
    return { filesReadByWorker: read.filesReadByWorker };
  } finally {
    read.close();
  }
}

/**
 * Atomics.waitAsync, with a timer that keeps the event loop alive meanwhile (a pending waitAsync
 * alone does not, and the worker is unreferenced).
 */
async function waitWithoutBlocking(control: Int32Array, index: number, timeoutMs: number): Promise<string> {
  const wait = Atomics.waitAsync(control, index, 0, timeoutMs);
  if (!wait.async) return wait.value;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => (timer = setTimeout(() => resolve('timed-out'), timeoutMs + 10)));
  try {
    return await Promise.race([wait.value, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

interface RunningWorker {
  readonly thread: Worker;
  readonly port: MessagePort;
}

/**
 * One reading of a list: the chunks the caller reads, those the worker posts, and the order in
 * which outcomes are delivered. Both drivers above claim chunks until none is left, then wait for
 * those the worker claimed.
 */
class ListedFilesRead {
  readonly control: Int32Array;
  readonly stallMs: number;
  /** The first chunk not delivered yet. */
  next = 0;
  delivered = 0;
  /** Chunks are delivered while fewer files than this were (a whole chunk at a time). */
  deliverUpTo = Infinity;
  filesReadByWorker = 0;
  private readonly chunks: number;
  private readonly worker: RunningWorker | undefined;
  // Chunks read (by either thread) and not delivered yet: texts are decoded by onFile, at their turn.
  private readonly pending = new Map<number, ChunkMessage>();

  constructor(
    private readonly paths: readonly string[],
    private readonly maxBytes: number,
    private readonly onFile: (index: number, outcome: FileOutcome) => void,
    tuning: ParallelReadTuning,
  ) {
    this.chunks = Math.ceil(paths.length / CHUNK_FILES);
    this.control = new Int32Array(new SharedArrayBuffer(4 * (this.chunks + 1)));
    this.stallMs = tuning.stallMs ?? STALL_MS;
    if (paths.length >= (tuning.minFiles ?? PARALLEL_MIN_FILES))
      this.worker = startWorker(
        { paths, maxBytes, control: this.control },
        tuning.workerScript ?? path.join(__dirname, 'readWorker.js'),
      );
  }

  /** Claims the next chunk and reads it here; false when every chunk is claimed. */
  readOwnChunk(): boolean {
    const k = Atomics.add(this.control, 0, 1);
    if (k >= this.chunks) return false;
    this.pending.set(k, readChunk(this.paths, k, this.maxBytes));
    this.collect();
    return true;
  }

  /** Whether chunks the worker claimed are still to be delivered (after collecting those it posted). */
  waiting(): boolean {
    this.collect();
    return this.next < this.chunks;
  }

  /** After a wait for the next chunk: a stalled or dead worker's chunk is read here. */
  afterWait(timedOut: boolean): void {
    if (timedOut && Atomics.load(this.control, this.next + 1) === 0)
      this.pending.set(this.next, readChunk(this.paths, this.next, this.maxBytes));
    this.collect();
  }

  close(): void {
    if (!this.worker) return;
    void this.worker.thread.terminate();
    this.worker.port.close();
  }

  /** Takes what the worker posted, then delivers every chunk whose turn has come (up to deliverUpTo). */
  collect(): void {
    if (this.worker) {
      for (let m = receiveMessageOnPort(this.worker.port); m; m = receiveMessageOnPort(this.worker.port)) {
        const message = m.message as ChunkMessage;
        if (message.chunk < this.next || this.pending.has(message.chunk)) continue; // read here after a stall
        this.pending.set(message.chunk, message);
        this.filesReadByWorker += message.status.length;
      }
    }
    for (; this.next < this.chunks && this.delivered < this.deliverUpTo; this.next++) {
      const message = this.pending.get(this.next);
      if (!message) return;
      this.pending.delete(this.next);
      this.delivered += message.status.length;
      deliverMessage(message, this.next * CHUNK_FILES, this.paths, this.onFile);
    }
  }
}

function startWorker(input: Omit<WorkerInput, 'port'>, script: string): RunningWorker | undefined {
  const { port1, port2 } = new MessageChannel();
  try {
    const data: WorkerInput = { ...input, port: port2 };
    // dist/readWorker.js beside the bundles; readWorker.js beside this module when run from out/.
    const thread = new Worker(script, { workerData: data, transferList: [port2] });
    thread.unref();
    // A worker that fails to start reports it here, later; the caller has read its chunks meanwhile.
    thread.on('error', () => {});
    return { thread, port: port1 };
  } catch {
    port1.close();
    port2.close();
    return undefined;
  }
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
