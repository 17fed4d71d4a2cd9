// The worker thread of parallelRead.ts: claims chunks of the list from the shared counter, reads
// each (readChunk: the walk's checks) and posts its bytes (transferred, not copied).
import { workerData } from 'node:worker_threads';
import { CHUNK_FILES, readChunk, type WorkerInput } from './parallelRead';

const { paths, maxBytes, control, port } = workerData as WorkerInput;
const chunks = Math.ceil(paths.length / CHUNK_FILES);
for (let k = Atomics.add(control, 0, 1); k < chunks; k = Atomics.add(control, 0, 1)) {
  const message = readChunk(paths, k, maxBytes);
  port.postMessage(message, [message.bytes]);
  Atomics.store(control, k + 1, 1);
  Atomics.notify(control, k + 1);
}
port.close();
