// Test files run in parallel processes (node --test --test-concurrency): an install that several of
// them may start (code-server, Chromium) runs in one of them at a time, and the others wait for it
// and then see the result, instead of racing on the same directory or package database.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A lock older than this is a killed run's: taken over. */
const STALE_MS = 20 * 60_000;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Runs install while holding a lock named by key (one holder across processes), within timeoutMs. */
export function installOnce<T>(key: string, timeoutMs: number, install: () => T): T {
  const lock = path.join(
    os.tmpdir(),
    `ktl-install-${crypto.createHash('sha1').update(key).digest('hex').slice(0, 16)}.lock`,
  );
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > STALE_MS) fs.rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline)
        throw new Error(`waited ${timeoutMs} ms for another test's install (${key})`, { cause: err });
      else sleepSync(1000);
    }
  }
  try {
    return install();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}
