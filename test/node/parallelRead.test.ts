// Reading a workspace's files with a worker thread beside the caller (server/src/node/parallelRead.ts):
// every outcome is what one thread reading the list gives (bytes, over the cap, refused, gone), in
// the list's order, whichever thread read it; a worker that never starts or stalls costs time only.
import { test, describe, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CHUNK_FILES,
  readListedFile,
  readListedFiles,
  readListedFilesInTurns,
  type FileOutcome,
  type ParallelReadTuning,
} from '../../server/src/node/parallelRead';
import { readWorkspace } from '../../server/src/node/readWorkspace';
import { DEFAULT_CONFIG } from '../../server/src/engine';

const MAX_BYTES = 4096;

/** An outcome as comparable data: the text read, the size over the cap, or the error's code. */
function summary(o: FileOutcome): string {
  if (o.kind === 'read') return `read ${o.bytes.toString('latin1')}`;
  if (o.kind === 'tooLarge') return `tooLarge ${o.size}`;
  return `failed ${o.error.code}`;
}

describe('parallel reads', () => {
  let dir = '';
  const paths: string[] = [];
  let expected: string[] = [];
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-parallel-'));
    // Files of many sizes (empty, small, over the cap) with the odd ones a listing may meet by the
    // time they are read: a link, a FIFO, a directory, a file deleted since.
    for (let i = 0; i < 40 * CHUNK_FILES + 7; i++) {
      const file = path.join(dir, `f${String(i).padStart(5, '0')}.yaml`);
      const kind = i % 97;
      if (kind === 3) fs.symlinkSync(path.join(dir, 'f00000.yaml'), file);
      else if (kind === 5) execFileSync('mkfifo', [file]);
      else if (kind === 7) fs.mkdirSync(file);
      else if (kind !== 11) fs.writeFileSync(file, `kind: ConfigMap # ${i}\n`.repeat(i % 13 === 0 ? 300 : i % 5));
      paths.push(file);
    }
    expected = paths.map((p) => summary(readListedFile(p, MAX_BYTES)));
    const kinds = new Set(
      expected.map((e) =>
        e
          .split(' ')
          .slice(0, e.startsWith('failed') ? 2 : 1)
          .join(' '),
      ),
    );
    assert.deepEqual([...kinds].sort(), ['failed ELOOP', 'failed ENOENT', 'failed ENOTREG', 'read', 'tooLarge']);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const readAll = (tuning: ParallelReadTuning, list = paths) => {
    const seen: string[] = [];
    const order: number[] = [];
    const { filesReadByWorker } = readListedFiles(
      list,
      MAX_BYTES,
      (i, o) => {
        order.push(i);
        seen[i] = summary(o);
      },
      tuning,
    );
    assert.deepEqual(
      order,
      list.map((_, i) => i),
      'in the list order',
    );
    return { seen, filesReadByWorker };
  };

  test('the worker alone reads what one thread reads, in order', () => {
    // A long stall allowed: the caller waits for the worker to start, however slow the machine.
    const { seen, filesReadByWorker } = readAll({ minFiles: 1, callerClaims: false, stallMs: 60_000 });
    assert.equal(filesReadByWorker, paths.length);
    assert.deepEqual(seen, expected);
  });

  test('the caller and the worker together read what one thread reads', () => {
    for (let run = 0; run < 3; run++) {
      const { seen } = readAll({ minFiles: 1 });
      assert.deepEqual(seen, expected);
    }
  });

  test('in turns: the same outcomes in order, a turn about every batch, the worker reading on', async () => {
    const tunings: ParallelReadTuning[] = [
      { minFiles: 1 },
      { minFiles: 1, callerClaims: false, stallMs: 60_000 },
      { minFiles: paths.length + 1 },
    ];
    for (const tuning of tunings) {
      const seen: string[] = [];
      const turns: number[] = [];
      const { filesReadByWorker } = await readListedFilesInTurns(
        paths,
        MAX_BYTES,
        (i, o) => {
          assert.equal(i, seen.length, 'in the list order');
          seen.push(summary(o));
        },
        async (done) => {
          turns.push(done);
          assert.equal(done, seen.length);
          // The first turn is long (a request being answered): the worker gets far ahead meanwhile.
          if (turns.length === 1) await new Promise((resolve) => setTimeout(resolve, 30));
          else await new Promise((resolve) => setImmediate(resolve));
        },
        200,
        tuning,
      );
      assert.deepEqual(seen, expected);
      assert.equal(turns.at(-1), paths.length);
      // A turn after every 200 files delivered, whole chunks at a time, however far ahead the worker is.
      const gaps = turns.map((t, i) => t - (turns[i - 1] ?? 0)).slice(0, -1);
      assert.ok(
        gaps.every((g) => g >= 200 && g < 200 + CHUNK_FILES),
        `gaps ${gaps.join(' ')}`,
      );
      if (tuning.callerClaims === false) assert.equal(filesReadByWorker, paths.length);
      if (tuning.minFiles! > paths.length) assert.equal(filesReadByWorker, 0, 'below the threshold: one thread');
    }
  });

  test('a worker that cannot start leaves every chunk to the caller', () => {
    const { seen, filesReadByWorker } = readAll({ minFiles: 1, workerScript: path.join(dir, 'missing-worker.js') });
    assert.equal(filesReadByWorker, 0);
    assert.deepEqual(seen, expected);
  });

  test('chunks the worker claimed and never posted are read by the caller, each after the stall', () => {
    // A worker that claims every chunk at once and then hangs; the caller claims none itself.
    const stuck = path.join(dir, 'stuck-worker.js');
    fs.writeFileSync(
      stuck,
      "const { workerData } = require('node:worker_threads');\nAtomics.store(workerData.control, 0, 1 << 20);\nsetInterval(() => {}, 1000);\n",
    );
    const list = paths.slice(0, 2 * CHUNK_FILES + 3);
    const started = Date.now();
    const { seen, filesReadByWorker } = readAll(
      { minFiles: 1, workerScript: stuck, stallMs: 100, callerClaims: false },
      list,
    );
    const elapsed = Date.now() - started;
    assert.equal(filesReadByWorker, 0);
    assert.deepEqual(seen, expected.slice(0, list.length));
    assert.ok(elapsed >= 3 * 100 && elapsed < 30_000, `${elapsed} ms`);
  });

  test('readWorkspace over a long listing gives each file its text, oversized and unreadable ones reported', () => {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-parallel-ws-'));
    try {
      const texts = new Map<string, string>();
      for (let i = 0; i < 1100; i++) {
        const rel = `app-${i % 17}/svc-${i}.yaml`;
        const text = `apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-${i} # é ${'x'.repeat(i % 50)}\n`;
        fs.mkdirSync(path.join(ws, path.dirname(rel)), { recursive: true });
        fs.writeFileSync(path.join(ws, rel), text);
        texts.set(rel, text);
      }
      fs.writeFileSync(path.join(ws, 'app-3/big.yaml'), 'a: b\n'.repeat(1000));
      fs.symlinkSync(path.join(ws, 'app-0/svc-0.yaml'), path.join(ws, 'app-4/link.yaml'));
      const config = { ...DEFAULT_CONFIG, maxFileSize: 1000 };
      const read = readWorkspace([ws], { base: ws, config });
      assert.deepEqual(
        read.files.map((f) => [f.path, f.text]),
        [...texts].sort((a, b) => (a[0] < b[0] ? -1 : 1)),
      );
      assert.deepEqual(read.skipped, [{ path: 'app-3/big.yaml', size: 5000 }]);
      assert.deepEqual(read.unreadable, []); // a link is skipped by the walk itself, never read
    } finally {
      fs.rmSync(ws, { recursive: true, force: true });
    }
  });
});
