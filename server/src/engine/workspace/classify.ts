// What a file and its documents are: templates (Helm, Go), test harness files and the files they
// assert, and which documents are resources (`kind: List` items included). Read from a file's
// parsed tree; the namespace a file is applied to when its resources agree on one.
import * as path from 'node:path/posix';
import { isClusterScoped } from '../model/kinds';
import { commonEnds, joinedRanges } from '../arrays';
import type { ParsedFile, SourceDocument, YMap, YNode } from '../syntax';
import type { Span } from '../text';
import type { SourceText } from '../splicedText';
import { asMap, asScalar, exact, get, getPath, keyText, seqItems, stringValue } from '../tree';
import type { FileRole, ResourceDoc } from './types';
import { TreeDocument, type FileTrees } from './trees';

export function isJsonFile(p: string): boolean {
  return p.toLowerCase().endsWith('.json');
}

interface ResourceHeader {
  readonly apiVersion: string;
  readonly kind: string;
  readonly kindSpan: Span;
}

/** A document is a resource when apiVersion and kind are strings (kustomize's own kinds excepted). */
function resourceHeader(node: YNode | null | undefined): ResourceHeader | undefined {
  const map = asMap(node);
  const apiVersion = stringValue(get(map, 'apiVersion'));
  const kindNode = asScalar(get(map, 'kind'));
  if (!apiVersion || !kindNode || typeof kindNode.value !== 'string' || !kindNode.value) return undefined;
  if (apiVersion.startsWith('kustomize.config.k8s.io/') || apiVersion === 'builtin') return undefined;
  if (apiVersion.startsWith('config.kubernetes.io/') || apiVersion.startsWith('kpt.dev/')) return undefined;
  if (get(map, '$patch') !== undefined) return undefined; // `$patch: delete` and friends are patches
  return { apiVersion, kind: kindNode.value, kindSpan: kindNode.span };
}

/**
 * A `{{` is Helm or Go templating when it stands in the YAML structure itself. The same braces
 * inside a string value (Prometheus alert templates, Grafana dashboards in a ConfigMap) are data.
 */
export function hasTemplateSyntax(text: string, parsed: ParsedFile): boolean {
  if (!text.includes('{{')) return false;
  if (parsed.problems.some((p) => p.rule === 'yaml-syntax')) return true;
  const stringSpans: Span[] = [];
  const collect = (node: YNode | null | undefined) => {
    if (!node) return;
    if (node.type === 'scalar') {
      if (typeof node.value === 'string' && node.value.includes('{{'))
        stringSpans.push(parsed.frames ? parsed.frames.absoluteSpan(node.span) : node.span);
    } else if (node.type === 'seq') node.items.forEach(collect);
    else for (const p of node.pairs) collect(p.value);
  };
  parsed.documents.forEach((d) => collect(d.contents));
  stringSpans.sort((a, b) => a.start - b.start);
  let from = 0;
  for (;;) {
    const at = text.indexOf('{{', from);
    if (at < 0) return false;
    from = at + 2;
    const lineStart = text.lastIndexOf('\n', at) + 1;
    if (/(^|\s)#/.test(text.slice(lineStart, at))) continue; // in a comment
    if (!stringSpans.some((s) => at >= s.start && at < s.end)) return true;
  }
}

/**
 * UTF-16 saved without a byte-order mark and read as UTF-8: ASCII text with a NUL beside every
 * character. (With a BOM, the adapters decode it; a stray NUL is a syntax error like any other.)
 */
export function looksLikeUtf16(text: SourceText): boolean {
  const head = text.slice(0, 64);
  let nul = 0;
  for (let i = 0; i < head.length; i++) if (head.charCodeAt(i) === 0) nul++;
  return head.length >= 8 && nul * 3 >= head.length;
}

/**
 * Test harnesses whose steps apply some files and compare others with the cluster: kyverno's
 * chainsaw (`chainsaw.kyverno.io` Test, StepTemplate) and kuttl (`kuttl.dev` TestStep, TestSuite).
 */
const TEST_HARNESS_GROUPS = ['chainsaw.kyverno.io', 'kuttl.dev'];

export function isTestHarnessFile(parsed: ParsedFile, from = 0, to = parsed.documents.length): boolean {
  const docs = parsed.documents;
  for (let i = from; i < to; i++) {
    const apiVersion = stringValue(get(docs[i].contents, 'apiVersion'));
    if (apiVersion !== undefined && TEST_HARNESS_GROUPS.includes(apiVersion.slice(0, apiVersion.indexOf('/'))))
      return true;
  }
  return false;
}

/**
 * The documents a file's new parse shares with its last one: how many of the first and of the last
 * are the same objects (documents.ts reuses those an edit left alone, numbers included). What is
 * read from those documents alone holds for them as it did.
 */
export interface SharedDocuments {
  readonly before: ParsedFile;
  readonly head: number;
  readonly tail: number;
}

export function sharedDocuments(before: ParsedFile, after: ParsedFile): SharedDocuments {
  const [head, tail] = commonEnds(before.documents, after.documents);
  return { before, head, tail };
}

/**
 * Files a test harness asserts (or asserts absent) rather than applies: those named by an `assert`
 * or `error` operation of a chainsaw Test, and, in a directory holding a harness file, those named
 * by the harnesses' convention (`00-assert.yaml`, `01-errors.yaml`, `assert-operator.yaml`: chainsaw
 * and kuttl read files whose name holds `assert` or `error(s)` as expected state). Their documents
 * are partial objects (a Deployment with only `status`), never created by the test.
 */
export function expectationFiles(
  entries: ReadonlyMap<string, { readonly role: FileRole; readonly parsed: ParsedFile | undefined }>,
): Set<string> {
  const harnessDirs = new Set<string>();
  const out = new Set<string>();
  for (const [file, entry] of entries) {
    if (entry.role !== 'test' || !entry.parsed) continue;
    const dir = path.dirname(file);
    harnessDirs.add(dir);
    const visit = (node: YNode | null | undefined, depth: number): void => {
      if (!node || depth > 12) return;
      if (node.type === 'seq') for (const item of node.items) visit(item, depth + 1);
      else if (node.type === 'map') {
        for (const p of node.pairs) {
          const key = keyText(p);
          if ((key === 'assert' || key === 'error') && p.value?.type === 'map') {
            const target = stringValue(get(p.value, 'file'));
            if (target) out.add(path.normalize(path.join(dir, target)));
          }
          visit(p.value, depth + 1);
        }
      }
    };
    for (const d of entry.parsed.documents) visit(d.contents, 0);
  }
  if (harnessDirs.size === 0) return out;
  for (const file of entries.keys()) {
    if (harnessDirs.has(path.dirname(file)) && /(^|[-_.])(assert|errors?)([-_.]|$)/i.test(path.basename(file)))
      out.add(file);
  }
  return out;
}

/**
 * The resource documents of a parse; with `shared` and the last parse's resource documents, those
 * of the shared documents are taken from them (an edit in a bundle reads one document again).
 */
export function collectResourceDocs(
  parsed: ParsedFile,
  shared?: SharedDocuments,
  before?: readonly ResourceDoc[],
  trees?: FileTrees,
): ResourceDoc[] {
  if (!shared || !before || shared.head + shared.tail === 0) return collectFrom(parsed.documents, trees);
  const docs = parsed.documents;
  const firstAfter = shared.before.documents.length - shared.tail;
  let head = 0;
  while (head < before.length && before[head].docIndex < shared.head) head++;
  let tailFrom = head;
  while (tailFrom < before.length && before[tailFrom].docIndex < firstAfter) tailFrom++;
  const middle = collectFrom(docs.slice(shared.head, docs.length - shared.tail));
  return joinedRanges(before, head, middle, before, tailFrom);
}

/** With `trees` (a plain manifest's, trees.ts), each document looks its node up instead of holding it. */
function collectFrom(documents: readonly SourceDocument[], trees?: FileTrees): ResourceDoc[] {
  const out: ResourceDoc[] = [];
  const add = (docIndex: number, itemIndex: number | undefined, node: YMap, h: ResourceHeader, damaged: boolean) =>
    out.push(
      trees
        ? new TreeDocument(trees, docIndex, itemIndex, h.apiVersion, h.kind, h.kindSpan, damaged)
        : { docIndex, itemIndex, node, apiVersion: h.apiVersion, kind: h.kind, kindSpan: h.kindSpan, damaged },
    );
  for (const d of documents) {
    const header = resourceHeader(d.contents);
    if (!header) continue;
    const damaged = d.damaged === true;
    const node = d.contents as YMap;
    // `kind: List` (and typed lists such as ServiceList) hold their objects in items.
    if (header.kind === 'List' || (header.kind.endsWith('List') && get(node, 'items'))) {
      seqItems(get(node, 'items')).forEach((item, itemIndex) => {
        const h = resourceHeader(item);
        if (h) add(d.index, itemIndex, item as YMap, h, damaged);
      });
      continue;
    }
    add(d.index, undefined, node, header, damaged);
  }
  return exact(out);
}

/** The `kubectl apply -n X -f file` pattern: when the namespaced resources that declare one all agree. */
export function agreedNamespace(docs: readonly ResourceDoc[]): string | undefined {
  let found: string | undefined;
  for (const d of docs) {
    if (isClusterScoped(d.kind, d.apiVersion)) continue;
    const ns = stringValue(getPath(d.node, 'metadata', 'namespace'));
    if (!ns) continue;
    if (found !== undefined && found !== ns) return undefined;
    found = ns;
  }
  return found;
}
