// Deploy units: which instances are applied together (the same kustomize build, or the same file),
// and which copy of an object defined in several units stands for it near a given resource.
import { apiGroup, byDocument, directoryOf, keptTogether, type Resource } from '../model/resource';

/**
 * One view per object (id) among views found for `near`: where a repository keeps the same object
 * in several deploy units (a release bundle beside the split files it was built from, overlays of
 * one base), the copy applied with `near` stands for it (the same file, else the same build, the
 * same directory, a directory kept with it, else the first). A copy in another unit can neither
 * hide this unit's mistake nor count its pods twice.
 */
export function oneCopyEach<V extends { resource: Resource }>(views: V[], near: Resource): V[] {
  if (views.length < 2) return views;
  const byId = new Map<string, V>();
  let duplicated = false;
  for (const v of views) {
    const id = v.resource.id;
    const held = byId.get(id);
    if (held === undefined) byId.set(id, v);
    else {
      duplicated = true;
      if (closeness(v.resource, near) > closeness(held.resource, near)) byId.set(id, v);
    }
  }
  return duplicated ? [...byId.values()] : views;
}

/** How closely an instance is applied with another: same file, same build, same directory, kept together. */
function closeness(a: Resource, b: Resource): number {
  const ra = a.producedBy ?? a;
  const rb = b.producedBy ?? b;
  if (ra.file === rb.file && ra.build === rb.build) return 5;
  if (ra.build !== undefined && ra.build === rb.build) return 4;
  if (ra.build === undefined && rb.build === undefined && directoryOf(ra.file) === directoryOf(rb.file)) return 3;
  if (keptTogether(ra.file, rb.file)) return 2;
  return 1;
}

/**
 * Where a resource is applied with others: its kustomize build, or else its file. Two builds of one
 * file (a base in two overlays, staging and prod) are alternatives, never applied together.
 */
export function placeKey(r: Resource): string {
  return r.build !== undefined ? `build:${r.build}` : `file:${r.file}`;
}

export function appliedTogetherKey(r: Resource): string {
  const scope = r.build !== undefined ? `build:${r.build}` : `file:${r.file}`;
  return `${scope}\u0000${apiGroup(r.apiVersion)}/${r.kind}\u0000${r.namespace ?? ''}\u0000${r.name}`;
}

/**
 * Resource order within the same unit: by file, then position (document order: framed offsets,
 * origin.ts, are not in it).
 */
export function byPosition(a: Resource, b: Resource): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return byDocument(a, b) || a.span.start - b.span.start;
}
