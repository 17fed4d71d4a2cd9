// The workspaces the traffic-map tests open: the examples, a real 12-service app from the corpus
// (when ../shared/corpus is present) and a generated workspace of 100 Services in 10 namespaces.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from './cli';

export interface MapWorkspace {
  readonly name: string;
  readonly dir: string;
  /** Services the map must show (all of them). */
  readonly services: number;
}

export const ONLINE_BOUTIQUE = path.resolve(REPO_ROOT, '../shared/corpus/gcp-microservices-demo/kubernetes-manifests');

let generated: string | undefined;
/** 100 apps (Deployment, Service, HPA, PDB, NetworkPolicy each) by bench/generate.mjs, made once. */
export function generatedWorkspace(): string {
  if (generated) return generated;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-map-100-'));
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bench/generate.mjs'), dir, '510'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`generate.mjs failed: ${r.stderr}`);
  generated = dir;
  return dir;
}

export function mapWorkspaces(): MapWorkspace[] {
  return [
    { name: 'examples', dir: path.join(REPO_ROOT, 'examples'), services: 6 },
    ...(fs.existsSync(ONLINE_BOUTIQUE) ? [{ name: 'online-boutique', dir: ONLINE_BOUTIQUE, services: 12 }] : []),
    { name: 'generated-100', dir: generatedWorkspace(), services: 100 },
  ];
}
