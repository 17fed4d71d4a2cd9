// The reads every workspace file goes through (server/src/node/safeRead.ts): one open per file with
// the checks on the descriptor, links refused by the open itself, and the reused buffer of
// readRegularFileTransient giving each file's own bytes whatever was read before it.
import { test, describe, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readRegularFile, readRegularFileTransient } from '../../server/src/node/safeRead';

describe('safe reads', () => {
  let dir = '';
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-saferead-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('transient reads give each file its own bytes, small and large, in any order', () => {
    // Sizes around the reused buffer's first size (64 KiB), its growth, and past its cap (1 MiB).
    const sizes = [0, 1, 100, 65_536, 65_537, 200_000, 1_048_576, 1_048_577, 3_000_000, 17];
    const files = sizes.map((size, i) => {
      const file = path.join(dir, `f${i}.yaml`);
      const bytes = Buffer.alloc(size, 97 + (i % 26));
      if (size > 0) bytes[size - 1] = 10;
      fs.writeFileSync(file, bytes);
      return { file, bytes };
    });
    for (const order of [files, [...files].reverse()]) {
      for (const { file, bytes } of order) {
        const read = readRegularFileTransient(file, 4_000_000);
        assert.equal(read.size, bytes.length);
        assert.ok(read.buffer, file);
        assert.ok(read.buffer.equals(bytes), `${file}: ${read.buffer.length} bytes`);
      }
    }
    const over = readRegularFileTransient(files[8].file, 1000);
    assert.deepEqual(over, { size: 3_000_000, buffer: undefined });
  });

  test('a link is refused unless followed, by both readers; a FIFO and a directory are not regular files', () => {
    const target = path.join(dir, 'target.yaml');
    fs.writeFileSync(target, 'a: 1\n');
    const link = path.join(dir, 'link.yaml');
    fs.symlinkSync(target, link);
    for (const read of [readRegularFile, readRegularFileTransient]) {
      assert.throws(() => read(link, 100), { code: 'ELOOP', message: /a symbolic link, not followed/ });
      assert.equal(read(link, 100, { followLinks: true }).buffer?.toString(), 'a: 1\n');
      assert.equal(read(link, 100, { linksWithin: dir }).buffer?.toString(), 'a: 1\n');
      assert.throws(() => read(dir, 100), { code: 'ENOTREG' });
      assert.throws(() => read(path.join(dir, 'missing.yaml'), 100), { code: 'ENOENT' });
    }
    if (process.platform !== 'win32') {
      const fifo = path.join(dir, 'fifo.yaml');
      // Without mkfifo the FIFO case is left to test/resilience/hostile.test.ts.
      try {
        execFileSync('mkfifo', [fifo]);
      } catch {
        return;
      }
      for (const read of [readRegularFile, readRegularFileTransient])
        assert.throws(() => read(fifo, 100), { code: 'ENOTREG' });
    }
  });
});
