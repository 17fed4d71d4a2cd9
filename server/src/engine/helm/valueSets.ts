// A chart rendered with several value sets (values.yaml, configured alternatives, `ci/*-values.yaml`)
// gives releases that are never deployed together. Each value set is therefore analysed in a world
// of its own: world 0 holds the workspace's files with every chart's first value set, world k the
// same files with each chart's k-th value set instead (a chart with fewer keeps its first). The
// adapters analyse world 0 as the workspace and each further world incrementally, keeping from it
// only what is found in its own renders: resources of two value sets of one chart never select,
// duplicate or conflict with each other. Charts are separate releases, so the k-th value sets of
// two charts may share a world.
import type { WorkspaceFile } from '../workspace';
import { isRenderedPath, type ChartRender } from './rendered';

/** The value set a render path belongs to: 0 for `<release>.yaml`, k for `<release>@k.yaml`. */
export function valueSetIndexOf(renderPath: string): number {
  const m = /@(\d+)\.yaml$/.exec(renderPath);
  return m ? Number(m[1]) : 0;
}

/** Worlds to analyse: the most value sets any chart has (1 when no chart has alternatives). */
export function worldCount(renders: readonly ChartRender[]): number {
  let n = renders.length > 0 ? 1 : 0;
  for (const r of renders) n = Math.max(n, valueSetIndexOf(r.path) + 1);
  return n;
}

/**
 * The files of world k: every file that is not a render, and of each chart the render of its k-th
 * value set, or of its first when it has no k-th (or when that one failed to render).
 */
export function worldFiles(
  files: readonly WorkspaceFile[],
  rendered: readonly WorkspaceFile[],
  renders: readonly ChartRender[],
  k: number,
): WorkspaceFile[] {
  const chosen = new Map<string, ChartRender>();
  for (const r of renders) {
    const i = valueSetIndexOf(r.path);
    if (i !== 0 && i !== k) continue;
    const held = chosen.get(r.chartDir);
    if (!held || (i === k && valueSetIndexOf(held.path) !== k)) chosen.set(r.chartDir, r);
  }
  const keep = new Set([...chosen.values()].map((r) => r.path));
  const out = files.filter((f) => !isRenderedPath(f.path));
  for (const f of rendered) if (keep.has(f.path)) out.push(f);
  return out;
}

/** Whether a file is a render that world k (k >= 1) analyses for itself: a k-th value set's. */
export function isOwnRender(file: string, k: number): boolean {
  return k > 0 && isRenderedPath(file) && valueSetIndexOf(file) === k;
}
