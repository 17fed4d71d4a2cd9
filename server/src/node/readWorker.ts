// The worker thread of parallelRead.ts: claims chunks of the list from the shared counter, reads
// each file with the walk's checks and posts the chunk's bytes (transferred, not copied).
import { workerData } from 'node:worker_threads';
import {
  CHUNK_FILES,
  readListedFile,
  STATUS_FAILED,
  STATUS_READ,
  STATUS_TOO_LARGE,
  type ChunkMessage,
  type WorkerInput,
} from './parallelRead';

const { paths, maxBytes, control, port } = workerData as WorkerInput;
const chunks = Math.ceil(paths.length / CHUNK_FILES);
let buffer = Buffer.allocUnsafe(256 * 1024);
for (let k = Atomics.add(control, 0, 1); k < chunks; k = Atomics.add(control, 0, 1)) {
  const first = k * CHUNK_FILES;
  const count = Math.min(paths.length, first + CHUNK_FILES) - first;
  const ends = new Float64Array(count);
  const status = new Uint8Array(count);
  const errors: { index: number; code?: string; message: string }[] = [];
  let used = 0;
  for (let i = 0; i < count; i++) {
    const outcome = readListedFile(paths[first + i], maxBytes);
    if (outcome.kind === 'read') {
      if (used + outcome.bytes.length > buffer.length) {
        const grown = Buffer.allocUnsafe(Math.max(buffer.length * 2, used + outcome.bytes.length));
        buffer.copy(grown, 0, 0, used);
        buffer = grown;
      }
      outcome.bytes.copy(buffer, used);
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
  // A copy of what the chunk used, transferred: the working buffer stays for the next chunk.
  const bytes = buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + used);
  const message: ChunkMessage = { chunk: k, bytes, ends, status, errors };
  port.postMessage(message, [bytes]);
  Atomics.store(control, k + 1, 1);
  Atomics.notify(control, k + 1);
}
port.close();
