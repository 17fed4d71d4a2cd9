// A second, independent LSP client: Neovim's built-in client, headless, against the same server
// (installed from Debian's `neovim` package when missing and possible).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CLI, REPO_ROOT } from '../support/cli';

function findNeovim(): string | undefined {
  const which = () => spawnSync('sh', ['-c', 'command -v nvim'], { encoding: 'utf8' }).stdout.trim() || undefined;
  if (which()) return which();
  if (process.getuid?.() !== 0) return undefined;
  spawnSync(
    'sh',
    [
      '-c',
      'apt-get install -y -qq neovim >/dev/null 2>&1 || (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq neovim >/dev/null 2>&1)',
    ],
    { stdio: 'ignore', timeout: 300_000 },
  );
  return which();
}

const nvim = findNeovim();

test(
  'Neovim receives diagnostics and a hover from the server',
  { skip: nvim ? false : 'Neovim is not installed and cannot be installed here (needs root and Debian packages)' },
  () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-nvim-'));
    fs.cpSync(path.join(REPO_ROOT, 'test/fixtures/lsp/app'), root, { recursive: true });
    const out = path.join(root, 'result.json');
    const r = spawnSync(
      nvim!,
      ['--headless', '-u', 'NONE', '-i', 'NONE', '-c', `luafile ${path.join(REPO_ROOT, 'test/lsp/neovim.lua')}`],
      {
        env: { ...process.env, KTL_CLI: CLI, KTL_ROOT: root, KTL_FILE: path.join(root, 'ingress.yaml'), KTL_OUT: out },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    assert.ok(fs.existsSync(out), `Neovim wrote no result (status ${r.status}): ${r.stderr}`);
    const result = JSON.parse(fs.readFileSync(out, 'utf8'));
    assert.equal(result.error, null);
    const missing = result.diagnostics.find((d: { message: string }) => /No Service 'docs'/.test(d.message));
    assert.ok(missing, JSON.stringify(result.diagnostics));
    assert.equal(missing.source, 'kube-traffic-lens');
    assert.deepEqual([missing.line, missing.col], [20, 22]);
    assert.match(
      result.hover,
      /web\\\.example\\\.com\/ → \[Service web:80\]\([^)]+\) → \[Deployment web\]\([^)]+\) \(2 pods\) → web:8080 \(http\)$/,
    );
  },
);
