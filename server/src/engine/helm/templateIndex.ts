// The YAML structure of a Helm template (or values file) read line by line: which key path each
// line holds. Templates keep the YAML structure of what they render (`metadata:` / `  name: {{ ... }}`),
// but are not YAML, so they are read by indentation, not parsed: a line `key: value` under a
// line of less indentation is a child, `- ` starts a sequence item, and lines that are only
// template actions (`{{- if ... }}`, `{{- include "x" . | nindent 4 }}`) are kept aside as
// actions that insert content at their indentation. `define` blocks are indexed as fragments.

/** A path segment: a mapping key or a sequence index. */
export type Segment = string | number;

export interface TemplateLine {
  /** The document (between `---` lines) the line is in. */
  readonly doc: number;
  readonly path: readonly Segment[];
  /** Offsets of the key and of the value text after `key:` (empty span when there is none). */
  readonly keyStart: number;
  readonly keyEnd: number;
  readonly valueStart: number;
  readonly valueEnd: number;
  /**
   * What `.` is on this line: a values path inside `{{ with .Values.a }}`, null inside `range`
   * (an element), undefined at the root.
   */
  readonly dot?: readonly string[] | null;
}

/** A line that is only template actions, with the path its output lands under. */
export interface ActionLine {
  readonly doc: number;
  readonly parent: readonly Segment[];
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** What `.` is where the line dumps it (`{{ toYaml . }}` inside `{{ with .Values.a }}`). */
  readonly dot?: readonly string[] | null;
}

export interface TemplateIndex {
  readonly text: string;
  readonly lines: readonly TemplateLine[];
  readonly actions: readonly ActionLine[];
  /** `{{ define "name" }}` bodies, each indexed as a fragment of its own. */
  readonly defines: ReadonlyMap<string, TemplateIndex>;
  /** The literal `kind:` of each document, where it is literal. */
  readonly kinds: ReadonlyMap<number, string>;
  byPath(doc: number, path: readonly Segment[]): TemplateLine | undefined;
}

/** Templates larger than this are not indexed (their findings fall back to the document). */
const MAX_TEMPLATE_CHARS = 2_000_000;
const MAX_DEFINE_DEPTH = 8;
/** Defines indexed per file (Bitnami's common chart has about a hundred in all). */
const MAX_DEFINES = 2000;

export function pathKey(doc: number, path: readonly Segment[]): string {
  return `${doc}\u0000${path.map((s) => (typeof s === 'number' ? `#${s}` : s)).join('\u0000')}`;
}

const ACTION_ONLY = /^(\{\{.*?\}\}\s*)+$/;
const DEFINE = /\{\{-?\s*define\s+"([^"]+)"\s*-?\}\}/;
const OPENERS = /\{\{-?\s*(if|range|with|define|block)\b/g;
const ENDS = /\{\{-?\s*end\s*-?\}\}/g;
const INDENT_FN = /\b(?:nindent|indent)\s+(\d+)/;

/** Reads a key at the start of `rest`: plain, single- or double-quoted, followed by `:` and a space or the end. */
function readKey(rest: string): { key: string; length: number } | undefined {
  let m = /^"((?:[^"\\]|\\.)*)"\s*:(?=\s|$)/.exec(rest) ?? /^'((?:[^']|'')*)'\s*:(?=\s|$)/.exec(rest);
  if (m) return { key: m[1], length: m[0].length };
  m = /^([^\s#'"{\-?[\]][^:#]*?|-[^\s:][^:#]*?)\s*:(?=\s|$)/.exec(rest);
  if (m && !m[1].includes('{{')) return { key: m[1], length: m[0].length };
  return undefined;
}

/**
 * Indexes by text, kept across source maps: the language server indexes a chart's templates while
 * helm renders, and an edit of one template indexes only that one again.
 */
export class TemplateIndexCache {
  private readonly byText = new Map<string, TemplateIndex>();

  /** Kept entries at most; beyond, the cache starts again (texts of a workspace's charts fit many times). */
  static readonly MAX_ENTRIES = 20_000;

  get(text: string): TemplateIndex {
    let ix = this.byText.get(text);
    if (!ix) {
      if (this.byText.size >= TemplateIndexCache.MAX_ENTRIES) this.byText.clear();
      this.byText.set(text, (ix = indexTemplate(text)));
    }
    return ix;
  }
}

/** Indexes `text` (or its part from..to, a define's body, with offsets into the whole text). */
export function indexTemplate(text: string, depth = 0, from = 0, to = text.length): TemplateIndex {
  const lines: TemplateLine[] = [];
  const actions: ActionLine[] = [];
  const defines = new Map<string, TemplateIndex>();
  const kinds = new Map<number, string>();
  const byKey = new Map<string, TemplateLine>();
  if (text.length > MAX_TEMPLATE_CHARS) return { text, lines, actions, defines, kinds, byPath: () => undefined };

  interface Frame {
    col: number;
    kind: 'key' | 'item';
    path: Segment[];
  }
  let stack: Frame[] = [];
  let counters = new Map<string, number>();
  let doc = 0;
  let define: { name: string; depth: number; start: number } | undefined;
  /** What `with` and `range` blocks make `.` (followControl), innermost last. */
  const dots: Dot[] = [];
  /** Inside a block scalar (`key: |`): lines indented deeper than its key are text, not structure. */
  let blockOf: number | undefined;
  let offset = from;
  while (offset <= to) {
    const found = text.indexOf('\n', offset);
    const nl = found < 0 || found >= to ? -1 : found;
    const end = nl < 0 ? to : nl;
    const raw = text.slice(offset, end);
    const lineStart = offset;
    offset = end + 1;
    const line = raw.replace(/\r$/, '');
    const trimmed = line.trim();

    if (define) {
      // Inside a define: track nesting by openers and ends until its own end.
      define.depth += (line.match(OPENERS)?.length ?? 0) - (line.match(ENDS)?.length ?? 0);
      if (define.depth <= 0) {
        const endAt = lineStart + Math.max(0, line.search(/\{\{-?\s*end/));
        if (depth < MAX_DEFINE_DEPTH && defines.size < MAX_DEFINES)
          defines.set(define.name, indexTemplate(text, depth + 1, define.start, endAt));
        define = undefined;
      }
      if (nl < 0) break;
      continue;
    }
    const defineMatch = DEFINE.exec(line);
    if (defineMatch) {
      const opened = (line.match(OPENERS)?.length ?? 0) - (line.match(ENDS)?.length ?? 0);
      if (opened > 0)
        define = { name: defineMatch[1], depth: opened, start: lineStart + defineMatch.index + defineMatch[0].length };
      if (nl < 0) break;
      continue;
    }

    if (blockOf !== undefined && (trimmed === '' || line.length - line.trimStart().length > blockOf)) {
      if (nl < 0) break;
      continue;
    }
    blockOf = undefined;
    if (trimmed === '' || trimmed.startsWith('#')) {
      if (nl < 0) break;
      continue;
    }
    if (/^---(\s|$)/.test(line)) {
      doc++;
      stack = [];
      counters = new Map();
      dots.length = 0;
      if (nl < 0) break;
      continue;
    }
    let col = line.length - line.trimStart().length;
    if (ACTION_ONLY.test(trimmed)) {
      const dot = followControl(trimmed, dots, trimmed.search(DUMPS_DOT));
      // Its output lands at the indentation its indent/nindent names, else at its own column.
      const indent = INDENT_FN.exec(trimmed);
      const at = indent ? Number(indent[1]) : col;
      const parent = [...stack].reverse().find((f) => f.col < at);
      actions.push({
        doc,
        parent: parent?.path ?? [],
        text: trimmed,
        start: lineStart + col,
        end: lineStart + line.length,
        dot,
      });
      if (nl < 0) break;
      continue;
    }
    let rest = line.slice(col);
    // Sequence items: `- ` (possibly several on one line), each a level of its own.
    while (rest === '-' || rest.startsWith('- ')) {
      while (
        stack.length &&
        (stack[stack.length - 1].col > col ||
          (stack[stack.length - 1].col === col && stack[stack.length - 1].kind === 'item'))
      )
        stack.pop();
      const parentPath = stack.length ? stack[stack.length - 1].path : [];
      const counterKey = pathKey(doc, parentPath);
      const index = counters.get(counterKey) ?? 0;
      counters.set(counterKey, index + 1);
      stack.push({ col, kind: 'item', path: [...parentPath, index] });
      const after = rest.slice(1);
      const skip = after.length - after.trimStart().length;
      col += 1 + skip;
      rest = after.trimStart();
      if (rest === '') break;
    }
    const key = rest === '' ? undefined : readKey(rest);
    if (key) {
      while (stack.length && stack[stack.length - 1].col >= col) stack.pop();
      const path = [...(stack.length ? stack[stack.length - 1].path : []), key.key];
      const keyStart = lineStart + col;
      const valueText = rest.slice(key.length);
      const valueLead = valueText.length - valueText.trimStart().length;
      const valueStart = keyStart + key.length + valueLead;
      // The value ends before a trailing comment (` #`), outside template actions.
      let value = valueText.trimStart();
      const comment = / #(?![^{]*\}\})/.exec(value);
      if (comment) value = value.slice(0, comment.index);
      value = value.trimEnd();
      const entry: TemplateLine = {
        doc,
        path,
        keyStart,
        keyEnd: keyStart + key.key.length + (rest.startsWith('"') || rest.startsWith("'") ? 2 : 0),
        valueStart,
        valueEnd: valueStart + value.length,
        dot: dotOf(dots),
      };
      lines.push(entry);
      const k = pathKey(doc, path);
      if (!byKey.has(k)) byKey.set(k, entry);
      if (path.length === 1 && path[0] === 'kind' && /^[A-Za-z]+$/.test(value)) kinds.set(doc, value);
      if (/^[|>][-+0-9]*$/.test(value)) blockOf = col;
      // `key: {{- include "x" . | nindent 4 }}`: the action writes the key's content.
      if (value.startsWith('{{') && /\b(?:include|template|toYaml)\b/.test(value)) {
        actions.push({
          doc,
          parent: path,
          text: value,
          start: valueStart,
          end: valueStart + value.length,
          dot: followControl(value, [...dots], value.search(DUMPS_DOT)),
        });
      }
      stack.push({ col, kind: 'key', path });
    }
    if (nl < 0) break;
  }
  return { text, lines, actions, defines, kinds, byPath: (d, p) => byKey.get(pathKey(d, p)) };
}

/**
 * The `.Values.a.b` path of a value that is one action reading one value, through functions that
 * keep or default it: `{{ .Values.a.b }}`, `{{ .Values.a.b | quote }}`, `{{ default 80 .Values.a.b }}`.
 * Anything else (several values, `.Release`, variables, text around the action) is no reference.
 */
export function valuesReference(valueText: string): string[] | undefined {
  // `$.Values` is the root's values, as `.Values` is outside range and with.
  const m = /^["']?\{\{-?\s*(.*?)\s*-?\}\}["']?$/.exec(valueText.trim().replace(/\$\.Values\./g, '.Values.'));
  if (!m || m[1].includes('}}') || m[1].includes('{{')) return undefined;
  const refs = [...m[1].matchAll(/\.Values\.([A-Za-z0-9_.]+)/g)];
  if (refs.length !== 1) return undefined;
  const rest = m[1].replace(refs[0][0], ' ');
  if (
    /\$|(^|[\s(|])\.[A-Za-z]|\b(?:include|template|tpl|printf|print|cat|add|sub|mul|div|ternary|if|else)\b/.test(rest)
  )
    return undefined;
  return refs[0][1].split('.').filter(Boolean);
}

/** What a control block makes `.`: a values path (`with .Values.a`), an element (`range`: null), or unchanged (`if`). */
type Dot = readonly string[] | null | 'same';

const CONTROL = /\{\{-?\s*(with|range|if|block|end)\b([^}]*)\}\}/g;

/** `toYaml .` (or `tpl (toYaml .)`): the line writes `.` itself. */
const DUMPS_DOT = /\btoYaml\s+\.(?=[\s|)}])/;

/**
 * Follows the control actions of a line that is only actions, keeping what `.` is; returns what it
 * is at offset `at` of the line (where the line dumps `.`), when asked.
 */
function followControl(line: string, dots: Dot[], at = -1): readonly string[] | null | undefined {
  let dotAt: readonly string[] | null | undefined;
  let seen = at < 0;
  for (const m of line.matchAll(CONTROL)) {
    if (!seen && (m.index ?? 0) > at) {
      dotAt = dotOf(dots);
      seen = true;
    }
    if (m[1] === 'end') {
      dots.pop();
      continue;
    }
    if (m[1] !== 'with') {
      dots.push(m[1] === 'range' ? null : 'same');
      continue;
    }
    // `with .Values.a.b` (or `with .c` relative to a values path) makes `.` that values path.
    const arg = m[2]
      .replace(/-\s*$/, '')
      .trim()
      .replace(/^\$\.Values\./, '.Values.');
    const outer = dotOf(dots);
    const field = /^\.([A-Za-z0-9_.]+)$/.exec(arg)?.[1].split('.');
    if (field && field[0] === 'Values') dots.push(field.slice(1));
    else if (
      field &&
      Array.isArray(outer) &&
      !['Release', 'Chart', 'Capabilities', 'Files', 'Template'].includes(field[0])
    )
      dots.push([...outer, ...field]);
    else dots.push(null);
  }
  return seen ? dotAt : dotOf(dots);
}

function dotOf(dots: readonly Dot[]): readonly string[] | null | undefined {
  for (let i = dots.length - 1; i >= 0; i--) if (dots[i] !== 'same') return dots[i] as readonly string[] | null;
  return undefined;
}

/**
 * The values path of a value that reads one field of `.` where `.` is a values path (inside
 * `{{ with .Values.service }}`, `port: {{ .port }}` reads `service.port`).
 */
export function dotReference(valueText: string, dot: readonly string[] | null | undefined): string[] | undefined {
  if (!dot) return undefined;
  const m = /^["']?\{\{-?\s*\.([A-Za-z0-9_.]+)\s*(?:\|\s*(?:quote|int|int64|toString|trim)\s*)*-?\}\}["']?$/.exec(
    valueText.trim(),
  );
  return m && !['Values', 'Release', 'Chart', 'Capabilities', 'Files', 'Template'].includes(m[1].split('.')[0])
    ? [...dot, ...m[1].split('.').filter(Boolean)]
    : undefined;
}

/** The templates an action line includes (`include "x"`, `template "x"`), and the values it dumps (`toYaml .Values.a`). */
export function actionTargets(
  actionText: string,
  dot?: readonly string[] | null,
): { includes: string[]; values: string[][] } {
  const includes = [...actionText.matchAll(/\b(?:include|template)\s+"([^"]+)"/g)].map((m) => m[1]);
  const values = [
    ...actionText.matchAll(/\btoYaml\s+\(?\s*\.Values\.([A-Za-z0-9_.]+)|\.Values\.([A-Za-z0-9_.]+)\s*\|\s*toYaml\b/g),
  ].map((m) => (m[1] ?? m[2]).split('.').filter(Boolean));
  // `{{ toYaml . }}` inside `{{ with .Values.a }}` dumps a.
  if (dot && DUMPS_DOT.test(actionText)) values.push([...dot]);
  return { includes, values };
}
