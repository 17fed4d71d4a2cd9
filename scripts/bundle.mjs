// Bundles the shipped entry points with esbuild: only bundles are shipped (no node_modules tree).
import { build } from 'esbuild';
import { readFileSync, chmodSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  logLevel: 'warning',
  define: { __VERSION__: JSON.stringify(pkg.version) },
};

await build({
  ...common,
  entryPoints: ['server/src/cli/main.ts'],
  outfile: 'dist/cli.js',
  banner: { js: '#!/usr/bin/env node' },
});
chmodSync('dist/cli.js', 0o755);
await build({ ...common, entryPoints: ['server/src/lsp/main.ts'], outfile: 'dist/server.js' });
// The thread that reads files alongside the CLI and the server (node/parallelRead.ts), beside them.
await build({ ...common, entryPoints: ['server/src/node/readWorker.ts'], outfile: 'dist/readWorker.js' });
await build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] });
await build({
  ...common,
  platform: 'browser',
  format: 'iife',
  target: 'chrome120',
  entryPoints: ['client/webview/main.ts'],
  outfile: 'dist/webview.js',
  sourcemap: false,
  minify: true,
});
