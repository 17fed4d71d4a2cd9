// From a node of a rendered chart to the template or values line that wrote it, and back. A
// rendered document names its template (`# Source:`); the node's key path is looked up in the
// template's YAML structure (templateIndex.ts). A path the template does not spell out was
// inserted by an action: `include "x"` is followed into its `define` (in `_helpers.tpl` or any
// template of the chart), `toYaml .Values.a` into the values files. A value that is one
// `{{ .Values.a.b }}` reference is placed on the values line that sets it. Otherwise the nearest
// enclosing key the template spells out, else the document's first line.
import type { Diagnostic, RelatedLocation } from '../diagnostics';
import { parseYaml, type YNode, type YPair } from '../syntax';
import type { Span } from '../text';
import {
  renderedDocuments,
  templatePathOf,
  type ChartRender,
  type HelmSources,
  type RenderedDocument,
} from './rendered';
import {
  actionTargets,
  dotReference,
  TemplateIndexCache,
  valuesReference,
  type Segment,
  type TemplateIndex,
  type TemplateLine,
} from './templateIndex';

export interface SourceLocation {
  readonly file: string;
  readonly span: Span;
  /**
   * The span is the very key or value the rendered node was found at (its template line by the
   * node's path, or the values line it reads), not a fallback (an enclosing key, a first line).
   */
  readonly exact?: boolean;
}

/** Where a rendered node was found: its path in the document, and whether the span is its key or value. */
interface RenderedPath {
  readonly doc: RenderedDocument;
  readonly path: Segment[];
  /** The nodes along the path (root first), for matching sequence items. */
  readonly nodes: (YNode | null)[];
  readonly on: 'key' | 'value';
}

interface DefineRef {
  readonly file: string;
  readonly index: TemplateIndex;
}

const MAX_INCLUDE_DEPTH = 6;
/** Lookups one location may take through includes (defines that include many others branch). */
const MAX_LOOKUPS = 2000;

export class HelmSourceMap {
  private readonly renders = new Map<string, ChartRender>();
  private readonly parsed = new Map<string, { roots: readonly YNode[]; docs: RenderedDocument[] }>();
  /** The analysis's trees of the rendered files (its resources' nodes), so that they are not parsed twice. */
  private documents: ((file: string) => readonly YNode[] | undefined) | undefined;
  private readonly indexes = new Map<string, TemplateIndex | null>();
  private readonly defines = new Map<string, Map<string, DefineRef>>();

  constructor(
    private readonly sources: HelmSources,
    private readonly workspaceText: (file: string) => string | undefined,
    private readonly indexCache = new TemplateIndexCache(),
  ) {
    for (const r of sources.renders) this.renders.set(r.path, r);
  }

  get renderList(): readonly ChartRender[] {
    return this.sources.renders;
  }

  render(path: string): ChartRender | undefined {
    return this.renders.get(path);
  }

  /** The text of a file: a render's, else as helm read it (`.tpl` too), else the workspace's. */
  textOf(file: string): string | undefined {
    return this.renders.get(file)?.text ?? this.sources.texts.get(file) ?? this.workspaceText(file);
  }

  /** The text of a chart file as helm read it, when it was read for rendering. */
  chartText(file: string): string | undefined {
    return this.sources.texts.get(file);
  }

  private index(file: string): TemplateIndex | undefined {
    let ix = this.indexes.get(file);
    if (ix === undefined) {
      const text = this.textOf(file);
      ix = text === undefined ? null : this.indexCache.get(text);
      this.indexes.set(file, ix);
    }
    return ix ?? undefined;
  }

  /** Trees of the rendered files from an analysis of them (its resources' nodes), instead of parsing again. */
  useDocuments(provider: (file: string) => readonly YNode[] | undefined): void {
    this.documents = provider;
    this.parsed.clear();
  }

  private renderedTree(render: ChartRender) {
    let p = this.parsed.get(render.path);
    if (!p) {
      const roots =
        this.documents?.(render.path) ??
        parseYaml(render.text).documents.flatMap((d) => (d.contents ? [d.contents] : []));
      this.parsed.set(render.path, (p = { roots, docs: renderedDocuments(render.text) }));
    }
    return p;
  }

  /** The `define`s of the chart files a render read (its templates and its dependencies'), by name. */
  private definesOf(render: ChartRender): Map<string, DefineRef> {
    let defs = this.defines.get(render.path);
    if (defs) return defs;
    defs = new Map();
    const dirs = [render.chartDir, ...Object.values(render.dependencyDirs)];
    const files = new Set<string>(this.sources.texts.keys());
    for (const d of this.renderedTree(render).docs) files.add(templatePathOf(render, d.source));
    for (const file of files) {
      if (!dirs.some((d) => file.startsWith(d === '.' ? '' : `${d}/`)) || !/\/templates\//.test(`/${file}`)) continue;
      const ix = this.index(file);
      if (ix) for (const [name, index] of ix.defines) if (!defs.has(name)) defs.set(name, { file, index });
    }
    this.defines.set(render.path, defs);
    return defs;
  }

  private renderedPathAt(render: ChartRender, span: Span): RenderedPath | undefined {
    const { roots, docs } = this.renderedTree(render);
    const doc =
      docs.find((d) => span.start >= d.start && span.start < Math.max(d.end, d.start + 1)) ??
      docs.filter((d) => d.start <= span.start).pop();
    if (!doc) return undefined;
    const root = roots.find((r) => r.span.start <= span.start && span.start < Math.max(r.span.end, r.span.start + 1));
    const path: Segment[] = [];
    const nodes: (YNode | null)[] = [];
    let node: YNode | null | undefined = root;
    let on: 'key' | 'value' = 'key';
    while (node) {
      nodes.push(node);
      if (node.type === 'map') {
        const p: YPair | undefined = node.pairs.find(
          (pp) =>
            (span.start >= pp.key.span.start && span.start < pp.key.span.end) ||
            (pp.value &&
              span.start >= pp.value.span.start &&
              span.start < Math.max(pp.value.span.end, pp.value.span.start + 1)),
        );
        if (!p) break;
        path.push(String(p.key.value ?? p.key.text));
        if (span.start < p.key.span.end) {
          on = 'key';
          break;
        }
        node = p.value;
        on = 'value';
      } else if (node.type === 'seq') {
        const i = node.items.findIndex(
          (it) => it && span.start >= it.span.start && span.start < Math.max(it.span.end, it.span.start + 1),
        );
        if (i < 0) break;
        path.push(i);
        node = node.items[i];
        on = 'value';
      } else break;
    }
    return { doc, path, nodes, on };
  }

  /**
   * The template path for a rendered path: sequence indexes become the template item whose literal
   * values agree most with the rendered item (conditionals and range loops shift indexes).
   */
  private templatePath(ix: TemplateIndex, doc: number, rendered: RenderedPath): Segment[] {
    const out: Segment[] = [];
    rendered.path.forEach((seg, i) => {
      if (typeof seg === 'string') {
        out.push(seg);
        return;
      }
      const item = rendered.nodes[i + 1];
      const candidates = new Map<number, number>();
      for (const line of ix.lines) {
        if (line.doc !== doc || line.path.length !== out.length + 2 || !samePrefix(line.path, out)) continue;
        const j = line.path[out.length];
        if (typeof j !== 'number') continue;
        const key = line.path[out.length + 1];
        const literal = ix.text.slice(line.valueStart, line.valueEnd).replace(/^["']|["']$/g, '');
        const renderedValue =
          item && item.type === 'map' ? item.pairs.find((p) => String(p.key.value) === key)?.value : undefined;
        const agrees =
          !literal.includes('{{') &&
          literal !== '' &&
          renderedValue?.type === 'scalar' &&
          renderedValue.text === literal;
        candidates.set(j, (candidates.get(j) ?? 0) + (agrees ? 1 : 0));
      }
      let best = candidates.has(seg) ? seg : 0;
      for (const [j, score] of candidates) if (score > (candidates.get(best) ?? -1)) best = j;
      out.push(best);
    });
    return out;
  }

  /**
   * The template document a rendered document came from: among those with its literal kind (else
   * all), the one at its position among the template's outputs, else the first.
   */
  private templateDoc(ix: TemplateIndex, rendered: RenderedPath, kind: string | undefined): number {
    const ofKind = [...ix.kinds].filter(([, k]) => k === kind).map(([doc]) => doc);
    const candidates = ofKind.length ? ofKind : [...new Set(ix.lines.map((l) => l.doc))];
    return candidates.includes(rendered.doc.ordinal) ? rendered.doc.ordinal : (candidates[0] ?? 0);
  }

  /** Where the rendered span was written: a template, helper or values line. */
  locate(renderedFile: string, span: Span): SourceLocation | undefined {
    const render = this.renders.get(renderedFile);
    if (!render) return undefined;
    const at = this.renderedPathAt(render, span);
    if (!at) return undefined;
    const file = templatePathOf(render, at.doc.source);
    const ix = this.index(file);
    const docStart = (): SourceLocation => ({ file, span: firstLineSpan(this.textOf(file) ?? '') });
    if (!ix) return this.textOf(file) === undefined ? undefined : docStart();
    const doc = this.templateDoc(ix, at, kindOf(at.nodes[0]));
    const path = this.templatePath(ix, doc, at);
    return this.find(render, { file, index: ix }, doc, path, at.on, 0, { left: MAX_LOOKUPS }) ?? docStart();
  }

  private find(
    render: ChartRender,
    where: DefineRef,
    doc: number,
    path: readonly Segment[],
    on: 'key' | 'value',
    depth: number,
    budget: { left: number },
  ): SourceLocation | undefined {
    if (--budget.left < 0) return undefined;
    const ix = where.index;
    const exact =
      ix.byPath(doc, path) ??
      (depth > 0 && path.length > 0
        ? ix.byPath(
            doc,
            path.map((s) => (typeof s === 'number' ? 0 : s)),
          )
        : undefined);
    if (exact) return this.place(render, where.file, ix, exact, on);
    if (depth >= MAX_INCLUDE_DEPTH) return undefined;
    // The longest prefix the template spells out; actions under it may have written the rest.
    for (let k = path.length - 1; k >= 0; k--) {
      const prefix = path.slice(0, k);
      const prefixLine = k === 0 ? undefined : ix.byPath(doc, prefix);
      if (k > 0 && !prefixLine) continue;
      const rest = path.slice(k);
      for (const action of ix.actions) {
        if (action.doc !== doc || !samePath(action.parent, prefix)) continue;
        const targets = actionTargets(action.text, action.dot);
        for (const name of targets.includes) {
          const def = this.definesOf(render).get(name);
          const found = def && this.find(render, def, 0, rest, on, depth + 1, budget);
          if (found) return found;
        }
        for (const valuesPath of targets.values) {
          const found = this.valuesLine(render, [...valuesPath, ...rest.map(String)], on);
          if (found) return found;
        }
      }
      if (prefixLine) return { file: where.file, span: { start: prefixLine.keyStart, end: prefixLine.keyEnd } };
    }
    return undefined;
  }

  /** A template line's key, or its value; a value that is one `.Values` reference goes to the values line. */
  private place(
    render: ChartRender,
    file: string,
    ix: TemplateIndex,
    line: TemplateLine,
    on: 'key' | 'value',
  ): SourceLocation {
    if (on === 'value' && line.valueEnd > line.valueStart) {
      const text = ix.text.slice(line.valueStart, line.valueEnd);
      const ref = valuesReference(text) ?? dotReference(text, line.dot);
      const inValues = ref && this.valuesLine(render, ref);
      if (inValues) return inValues;
      return { file, span: { start: line.valueStart, end: line.valueEnd }, exact: true };
    }
    return { file, span: { start: line.keyStart, end: line.keyEnd }, exact: true };
  }

  /** The line of the last values file that sets a path (the one helm's merge takes). */
  private valuesLine(
    render: ChartRender,
    path: readonly string[],
    on: 'key' | 'value' = 'value',
  ): SourceLocation | undefined {
    const chartValues = render.chartDir === '.' ? 'values.yaml' : `${render.chartDir}/values.yaml`;
    for (const file of [...render.valuesFiles].reverse().concat(chartValues)) {
      const ix = this.index(file);
      const line = ix?.byPath(0, path);
      if (line)
        return on === 'value' && line.valueEnd > line.valueStart
          ? { file, span: { start: line.valueStart, end: line.valueEnd }, exact: true }
          : { file, span: { start: line.keyStart, end: line.keyEnd }, exact: true };
    }
    return undefined;
  }

  /**
   * Diagnostics with rendered locations moved to the template and values lines that wrote them;
   * each keeps a related location on the rendered line. One template line rendered many times (a
   * range loop) reports once.
   */
  remap(diagnostics: readonly Diagnostic[]): Diagnostic[] {
    // One finding at one chart line, from one or more value sets of the chart (a range loop, or
    // the same mistake in every value set): reported once, naming the value sets only when it
    // does not hold in all of them.
    interface Group {
      moved: Diagnostic;
      chartDir: string | undefined;
      renders: ChartRender[];
    }
    const groups = new Map<string, Group>();
    for (const d of diagnostics) {
      const render = this.renders.get(d.file);
      const related = d.related.flatMap((r) => this.remapRelated(r));
      let moved: Diagnostic = d;
      if (render) {
        const loc = this.locate(d.file, d.span) ?? { file: chartFileOf(render), span: { start: 0, end: 0 } };
        moved = {
          ...d,
          file: loc.file,
          span: loc.span,
          related: [
            ...related,
            {
              file: d.file,
              span: d.span,
              message: `rendered by helm template (release ${render.release}, ${render.valueSet})`,
            },
          ],
        };
      } else if (d.related.some((r) => this.renders.has(r.file))) moved = { ...d, related };
      // A finding of renders is one per chart line and rule: value sets word it differently when
      // they render different neighbours (a DaemonSet instead of a Deployment, more ports), and the
      // first value set's wording stands for all (the workspace's analysis comes first).
      const key = `${render?.chartDir ?? ''}\u0000${moved.file}\u0000${moved.span.start}\u0000${moved.span.end}\u0000${moved.rule}\u0000${render ? '' : moved.message}`;
      const group = groups.get(key);
      if (!group) groups.set(key, { moved, chartDir: render?.chartDir, renders: render ? [render] : [] });
      else if (render && !group.renders.includes(render)) group.renders.push(render);
    }
    return [...groups.values()].map(({ moved, chartDir, renders }) => {
      if (chartDir === undefined || renders.length === 0 || !renders[0].several) return moved;
      const all = this.sources.renders.filter((r) => r.chartDir === chartDir).length;
      if (renders.length >= all) return moved;
      const [first] = renders;
      const more =
        renders.length > 1 ? ` and ${renders.length - 1} more value set${renders.length > 2 ? 's' : ''}` : '';
      return { ...moved, message: `${moved.message} (release ${first.release}, values ${first.valueSet}${more})` };
    });
  }

  private remapRelated(r: RelatedLocation): RelatedLocation[] {
    if (!this.renders.has(r.file)) return [r];
    const loc = this.locate(r.file, r.span);
    return loc ? [{ ...r, file: loc.file, span: loc.span }] : [];
  }

  /**
   * The rendered places of a template offset (for hovers and the like): the rendered node at the
   * key path of the template line under the offset, in every render of that template.
   */
  toRendered(templateFile: string, offset: number): { file: string; offset: number; span: Span }[] {
    const ix = this.index(templateFile);
    if (!ix) return [];
    const line = ix.lines.find((l) => offset >= l.keyStart && offset <= Math.max(l.valueEnd, l.keyEnd));
    if (!line) return [];
    const onValue = offset >= line.valueStart && line.valueEnd > line.valueStart;
    const out: { file: string; offset: number; span: Span }[] = [];
    for (const render of this.sources.renders) {
      const { roots, docs } = this.renderedTree(render);
      for (const d of docs) {
        if (templatePathOf(render, d.source) !== templateFile) continue;
        let node: YNode | null | undefined = roots.find(
          (r) => r.span.start >= d.start && r.span.start < Math.max(d.end, d.start + 1),
        );
        const templateKind = ix.kinds.get(line.doc);
        if (templateKind && kindOf(node) !== templateKind) continue;
        let keySpan: Span | undefined;
        for (const seg of line.path) {
          if (!node) break;
          if (typeof seg === 'number') {
            node = node.type === 'seq' ? (node.items[seg] ?? node.items[0]) : undefined;
            continue;
          }
          const p =
            node.type === 'map' ? node.pairs.find((pp) => String(pp.key.value ?? pp.key.text) === seg) : undefined;
          keySpan = p?.key.span;
          node = p ? p.value : undefined;
          if (!p) break;
        }
        if (!keySpan || node === undefined) continue;
        const target = onValue && node ? node.span : keySpan;
        out.push({ file: render.path, offset: target.start, span: target });
        break;
      }
    }
    return out;
  }
}

function kindOf(node: YNode | null | undefined): string | undefined {
  const kind = node?.type === 'map' ? node.pairs.find((p) => p.key.value === 'kind')?.value : undefined;
  return kind?.type === 'scalar' && typeof kind.value === 'string' ? kind.value : undefined;
}

function samePrefix(path: readonly Segment[], prefix: readonly Segment[]): boolean {
  return prefix.every((s, i) => path[i] === s);
}

function samePath(a: readonly Segment[], b: readonly Segment[]): boolean {
  return a.length === b.length && samePrefix(a, b);
}

function firstLineSpan(text: string): Span {
  // The first line that is not a template action or comment: where the document's YAML starts.
  const re = /^[^\n]*$/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const t = m[0].trim();
    if (t && !t.startsWith('{{') && !t.startsWith('#') && t !== '---')
      return { start: m.index + (m[0].length - m[0].trimStart().length), end: m.index + m[0].trimEnd().length };
    if (m[0].length === 0) re.lastIndex++;
  }
  return { start: 0, end: 0 };
}

export function chartFileOf(render: ChartRender): string {
  return render.chartDir === '.' ? 'Chart.yaml' : `${render.chartDir}/Chart.yaml`;
}
