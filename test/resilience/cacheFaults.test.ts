// Fault injection into the persistent cache: whatever happens to a cache file — a flipped byte, an
// edit that keeps the JSON valid (a result's diagnostics emptied), truncation, `{}`, a forged MAC,
// a link to /dev/zero, a FIFO, a directory — `check --cache` prints exactly what a run without a
// cache prints, with the same exit code. Entries are signed with a key outside the cache directory.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { REPO_ROOT, runCli } from '../support/cli';

/** A small deterministic generator, so that a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

type Damage = (file: string, next: () => number) => void;

const DAMAGES: Record<string, Damage> = {
  'a flipped byte': (file, next) => {
    const b = fs.readFileSync(file);
    const at = Math.floor(next() * b.length);
    b[at] = b[at] ^ (1 + Math.floor(next() * 255));
    fs.writeFileSync(file, b);
  },
  'a valid JSON edit with the MAC kept': (file, next) => {
    const signed = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (signed.body.result)
      signed.body.result.diagnostics = []; // would turn a failing run into a pass
    else {
      const entries = Object.values(signed.body.entries) as { documents: unknown[] }[];
      entries[Math.floor(next() * entries.length)].documents = [];
    }
    fs.writeFileSync(file, JSON.stringify(signed));
  },
  truncated: (file, next) => {
    const b = fs.readFileSync(file);
    fs.writeFileSync(file, b.subarray(0, Math.floor(next() * b.length)));
  },
  '{}': (file) => fs.writeFileSync(file, '{}'),
  'a forged MAC': (file) =>
    fs.writeFileSync(
      file,
      fs.readFileSync(file, 'utf8').replace(/^\{"mac":"[0-9a-f]{64}"/, `{"mac":"${'0'.repeat(64)}"`),
    ),
  'a link to /dev/zero': (file) => {
    fs.rmSync(file);
    fs.symlinkSync('/dev/zero', file);
  },
  'a FIFO': (file) => {
    fs.rmSync(file);
    execFileSync('mkfifo', [file]);
  },
  'a directory': (file) => {
    fs.rmSync(file);
    fs.mkdirSync(file);
  },
};

test(
  'random damage to every cache file yields exactly the uncached output',
  { skip: process.platform === 'win32' },
  (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-cachefault-ws-'));
    const store = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-cachefault-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    t.after(() => fs.rmSync(store, { recursive: true, force: true }));
    fs.cpSync(path.join(REPO_ROOT, 'examples/shop'), dir, { recursive: true });
    const env = { XDG_STATE_HOME: path.join(store, 'state') };
    const cacheDir = path.join(store, 'cache');
    const run = (extra: string[]) => runCli(['check', '--format', 'json', ...extra, '.'], { cwd: dir, env });

    const uncached = run([]);
    assert.equal(uncached.status, 1, 'the example has errors: a forged empty result would turn it into a pass');
    const first = run(['--cache', cacheDir]);
    assert.equal(first.stdout, uncached.stdout);
    const pristine = new Map(
      fs
        .readdirSync(cacheDir)
        .filter((f) => f.endsWith('.json'))
        .map((f) => [f, fs.readFileSync(path.join(cacheDir, f))]),
    );
    assert.ok(fs.existsSync(path.join(cacheDir, 'CACHEDIR.TAG')), 'the cache directory is tagged');
    assert.deepEqual([...pristine.keys()].sort(), ['parse-v1.json', 'result-v1.json']);
    assert.ok(
      fs.existsSync(path.join(store, 'state/kube-traffic-lens/cache.key')),
      'the key is outside the cache directory',
    );

    const next = random(13);
    let trials = 0;
    for (const name of pristine.keys()) {
      for (const [damage, apply] of Object.entries(DAMAGES)) {
        for (let round = 0; round < (damage === 'a flipped byte' || damage === 'truncated' ? 3 : 1); round++) {
          fs.rmSync(cacheDir, { recursive: true, force: true });
          fs.mkdirSync(cacheDir);
          for (const [f, content] of pristine) fs.writeFileSync(path.join(cacheDir, f), content);
          apply(path.join(cacheDir, name), next);
          const r = run(['--cache', cacheDir]);
          assert.equal(r.status, uncached.status, `${name}, ${damage}: ${r.stderr}`);
          assert.equal(r.stdout, uncached.stdout, `${name}, ${damage}`);
          trials++;
        }
      }
    }
    assert.equal(trials, 2 * (Object.keys(DAMAGES).length + 4));
  },
);
