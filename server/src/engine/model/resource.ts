// A Kubernetes object as the engine sees it: identity, where it came from in the source, and its
// located tree. One source document can yield several Resources when kustomize builds include it.
import type { YMap } from '../syntax';
import type { Span } from '../text';

/** How a resource's namespace was decided; hovers say when it was inferred. */
export type NamespaceOrigin = 'explicit' | 'kustomize' | 'setting' | 'file' | 'default' | 'cluster';

export interface Resource {
  /** `Kind/namespace/name`, or `Kind/name` for cluster-scoped kinds: the id users see. */
  readonly id: string;
  /** Unique per instance: the same source document in two kustomize builds gives two keys. */
  readonly key: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string | undefined;
  readonly namespaceOrigin: NamespaceOrigin;
  readonly file: string;
  /** Position of the document in the file, and of the item inside a `kind: List`. */
  readonly docIndex: number;
  readonly itemIndex: number | undefined;
  readonly span: Span;
  readonly kindSpan: Span;
  readonly nameSpan: Span | undefined;
  readonly node: YMap;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** The kustomization directory whose build produced this instance, if any. */
  readonly build: string | undefined;
  /** Labels the kustomize build adds to selectors and pod templates (commonLabels, labels.includeSelectors). */
  readonly buildLabels:
    | { readonly selector: Readonly<Record<string, string>>; readonly template: Readonly<Record<string, string>> }
    | undefined;
  /** The build renames resources (namePrefix/nameSuffix): references by name cannot be judged here. */
  readonly namesTransformed: boolean;
  /** The build patches or rewrites this resource in ways not reproduced: no diagnostic is drawn from it. */
  readonly uncertain: boolean;
  /** The build is one no other kustomization includes (what is applied): its findings stand alone. */
  readonly leafBuild: boolean;
  /** Files whose nodes the build's patches put in `node`, by slot (origin.ts); undefined when unpatched. */
  readonly origins: readonly string[] | undefined;
  /** Rule ids silenced by the `kube-traffic-lens/ignore` annotation ('*' silences all). */
  readonly ignoredRules: ReadonlySet<string>;
  /** For an object an operator creates at run time (model/producers.ts): the custom resource it comes from. */
  readonly producedBy?: Resource;
}

/** Where a diagnostic or a link about the whole resource points: its name, else its kind. */
export function resourceAnchor(resource: Resource): Span {
  return resource.nameSpan ?? resource.kindSpan;
}

export function resourceId(kind: string, namespace: string | undefined, name: string): string {
  return namespace === undefined ? `${kind}/${name}` : `${kind}/${namespace}/${name}`;
}

/**
 * Order within one file: by document, then by item of a `kind: List` (a List's items after it). The
 * file's instances are listed in this order; offsets are not (framed documents, origin.ts).
 */
export function byDocument(a: Resource, b: Resource): number {
  return a.docIndex - b.docIndex || (a.itemIndex ?? -1) - (b.itemIndex ?? -1);
}

/** The source document a resource came from, independent of the build. */
export function sourceKey(r: Pick<Resource, 'file' | 'docIndex' | 'itemIndex'>): string {
  return `${r.file}#${r.docIndex}${r.itemIndex === undefined ? '' : `.${r.itemIndex}`}`;
}

/** The API group of an apiVersion (`apps/v1` -> `apps`, `v1` -> ``). */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** The directory of a workspace path (`.` at the root). */
export function directoryOf(file: string): string {
  const slash = file.lastIndexOf('/');
  return slash < 0 ? '.' : file.slice(0, slash);
}

/**
 * Whether two files are kept together: the same directory, one directory inside the other, or
 * sibling directories (`app/deploy` and `app/services`). Repositories keep unrelated apps and
 * snippet collections side by side; a selector is judged only against pod templates kept with it.
 */
export function keptTogether(fileA: string, fileB: string): boolean {
  const a = directoryOf(fileA);
  const b = directoryOf(fileB);
  if (a === b || a === '.' || b === '.' || b.startsWith(`${a}/`) || a.startsWith(`${b}/`)) return true;
  return directoryOf(a) === directoryOf(b);
}

/**
 * Whether a file holds expected state rather than objects to apply: the assert and error files of
 * kuttl and chainsaw test steps (`01-assert.yaml`, `assert-operator.yaml`, `00-errors.yaml`), whose
 * objects are partial on purpose (they are matched as subsets of live objects).
 */
export function describesExpectedState(file: string): boolean {
  const base = file.slice(file.lastIndexOf('/') + 1);
  return /^(\d+-)?(assert|errors?)([-_.][^/]*)?\.ya?ml$/i.test(base);
}
