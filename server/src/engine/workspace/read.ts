// A file's reading: its role, its parsed tree, its load diagnostics and its resource documents,
// kept while its text is unchanged. A failure while reading one file becomes a diagnostic on it.
import * as path from 'node:path/posix';
import { findDisabledLines, type Diagnostic, type DisabledLines } from '../diagnostics';
import { RENDERED_DIR } from '../helm/rendered';
import { isKustomizationFile } from '../kustomize';
import { overShapeLimits, type ShapeLimits } from '../shape';
import { readDocuments, type DocumentReading } from '../documents';
import { changeSince, coveringChange, sameText, textOf, type SourceText, type TextChange } from '../splicedText';
import type { ParsedFile } from '../syntax';
import type { Frames } from '../origin';
import { LineIndex } from '../text';
import { FileTrees, type TreeKeeper } from './trees';
import {
  agreedNamespace,
  collectResourceDocs,
  hasTemplateSyntax,
  isJsonFile,
  isTestHarnessFile,
  looksLikeUtf16,
  sharedDocuments,
} from './classify';
import {
  sourceOf,
  type FileParser,
  type FileRole,
  type ResourceDoc,
  type SourceFile,
  type WorkspaceFile,
} from './types';

/**
 * What a text holds that its next reading, after an edit, asks without reading it whole: whether it
 * has a CR (a lone one is a line break), and `{{` (perhaps template syntax). Each is known outside
 * the change from the last reading's; true may be stale (an edit removed it), never false.
 */
export interface TextMarks {
  readonly cr: boolean;
  readonly braces: boolean;
}

/** The four marks, shared (a workspace keeps one reading per file). */
const MARKS: readonly (readonly TextMarks[])[] = [false, true].map((cr) =>
  [false, true].map((braces) => Object.freeze({ cr, braces })),
);
const sharedMarks = (cr: boolean, braces: boolean) => MARKS[Number(cr)][Number(braces)];

/** The marks of `text`: read from it, or from the last reading's and the stretch an edit changed. */
function marksOf(text: SourceText, previous: FileEntry | undefined): TextMarks {
  const before = previous?.marks;
  const change = before && changeSince(text, previous.source);
  if (!before || !change) {
    const whole = textOf(text);
    return sharedMarks(whole.includes('\r'), whole.includes('{{'));
  }
  // With a character around it: `{{` made by an edit next to a `{`.
  const stretch = text.slice(Math.max(change.start - 1, 0), change.afterEnd + 1);
  return sharedMarks(before.cr || stretch.includes('\r'), before.braces || stretch.includes('{{'));
}

/**
 * A file's reading. The line index and the disable-comment scan are built on first use: most files
 * never need them (they serve diagnostics and editor requests only).
 */
export class FileEntry implements SourceFile {
  private lineIndex: LineIndex | undefined;
  private disabled: DisabledLines | undefined;

  constructor(
    readonly path: string,
    /** The text as it was given: spliced from an earlier one by an edit, joined only when asked. */
    readonly source: SourceText,
    readonly inChart: boolean,
    readonly role: FileRole,
    /** The parse, or for a plain manifest its trees, held only while a run reads them (trees.ts). */
    private readonly tree: ParsedFile | FileTrees | undefined = undefined,
    readonly diagnostics: readonly Diagnostic[] = NO_DIAGNOSTICS,
    readonly docs: readonly ResourceDoc[] = NO_DOCS,
    readonly fileNamespace: string | undefined = undefined,
    /** The shape limits the reading was made under (a reading refused under other limits is redone). */
    readonly limits: string = '',
    readonly appliedNamespace: string | undefined = undefined,
    /** The parse document by document, for the next reading of the file (documents.ts). */
    readonly documents: DocumentReading | undefined = undefined,
    /** The last reading's line index, when it had one, and what changed since: this one's is derived from it. */
    private linesBefore: { readonly before: LineIndex; readonly change: TextChange } | undefined = undefined,
    /** What changed since a reading found to have no disable comment (see noneDisabledUntil). */
    private noneDisabledBefore: TextChange | undefined = undefined,
    /** What the text holds that a reading of it after an edit asks without joining it. */
    readonly marks: TextMarks | undefined = undefined,
  ) {}

  get parsed(): ParsedFile | undefined {
    const tree = this.tree;
    return tree instanceof FileTrees ? tree.parsed : tree;
  }

  /** Whether the file was parsed (a template, a file over a limit or not YAML was not). */
  get isParsed(): boolean {
    return this.tree !== undefined;
  }

  /** How many documents the parse has, read without parsing again. */
  get documentCount(): number {
    const tree = this.tree;
    return tree instanceof FileTrees ? tree.documentCount : (tree?.documents.length ?? 0);
  }

  /** The file as a load reports it with another role (a file per load is a FileEntry itself). */
  withRole(role: FileRole): SourceRecord {
    return new SourceRecord(this.path, role, this, this.documentCount);
  }

  /** A plain manifest's trees (trees.ts), which the Analyzer lets go between runs. */
  get trees(): FileTrees | undefined {
    const tree = this.tree;
    return tree instanceof FileTrees ? tree : undefined;
  }

  /** Where the documents' frames start, when the reading is framed (a plain manifest's never is). */
  get frames(): Frames | undefined {
    const tree = this.tree;
    return tree instanceof FileTrees ? undefined : tree?.frames;
  }

  /** The whole text. */
  get text(): string {
    return textOf(this.source);
  }

  get lines(): LineIndex {
    if (!this.lineIndex) {
      this.lineIndex = new LineIndex(this.source, this.frames, this.linesBefore);
      this.linesBefore = undefined;
    }
    return this.lineIndex;
  }

  /**
   * The line index when it is built or cheap to build (derived from the last reading's): a later
   * reading derives its own from it. Diagnostics build a file's index only while it has some.
   */
  get linesAtHand(): LineIndex | undefined {
    return this.lineIndex ?? (this.linesBefore ? this.lines : undefined);
  }

  get disabledLines(): DisabledLines {
    if (!this.disabled) {
      this.disabled = findDisabledLines(this.source, (o) => this.lines.position(o).line, this.noneDisabledBefore);
      this.noneDisabledBefore = undefined;
    }
    return this.disabled;
  }

  /**
   * Where this text may differ from one known to have no disable comment (empty: this one has none
   * either), or undefined when no such text is known. Kept over readings that never looked (a file
   * without findings), so that the next look reads the stretches edited since, not the text.
   */
  get noneDisabledUntil(): TextChange | undefined {
    if (this.disabled === undefined) return this.noneDisabledBefore;
    return this.disabled.size === 0 ? NO_CHANGE : undefined;
  }

  /**
   * Whether the file may define resources this reading does not hold: a template, a readable
   * document dropped by a limit (an alias bomb, nesting too deep), a reading that failed. (A syntax
   * error is the user's to fix and is reported; the rest of the file is judged as usual.)
   * Pods it may define are unknown, so selection rules do not conclude "selects nothing" beside it.
   */
  get mayHideResources(): boolean {
    return (this.hides ??= this.role === 'template' || this.diagnostics.some((d) => d.rule === 'analysis-incomplete'));
  }

  private hides: boolean | undefined;
}

/**
 * Whether a file's documents are read in frames (origin.ts), so that an edit moves no document
 * after it: every file but Helm's rendered output, whose source map (helm/sourceMap.ts) works in
 * file offsets.
 */
function framesDocuments(file: string): boolean {
  return !file.includes(`/${RENDERED_DIR}/`) && !file.startsWith(`${RENDERED_DIR}/`);
}

/**
 * The longest text whose trees are let go between runs (trees.ts). Parsing it again takes a few ms
 * (up to about 100 ms where the `yaml` package reads it, at one to two seconds per MiB); longer
 * texts, rare beside a workspace's manifests, keep their trees.
 */
const LET_GO_MAX_CHARS = 64 * 1024;

/** Files of more documents yield between the passes over their documents. */
const LARGE_FILE_DOCUMENTS = 256;

export const NO_DIAGNOSTICS: readonly Diagnostic[] = Object.freeze([]);
const NO_CHANGE: TextChange = Object.freeze({ start: 0, beforeEnd: 0, afterEnd: 0 });
const NO_DOCS: readonly ResourceDoc[] = Object.freeze([]);

/**
 * What loading reports for a file whose role it decided otherwise than its reading (a patch, an
 * expectation...); every other file is reported as its reading itself. Lines and disabled lines
 * come from the reading, on demand.
 */
export class SourceRecord implements SourceFile {
  constructor(
    readonly path: string,
    readonly role: FileRole,
    private readonly entry: FileEntry,
    readonly documentCount: number,
  ) {}

  get lines(): LineIndex {
    return this.entry.lines;
  }

  get disabledLines(): DisabledLines {
    return this.entry.disabledLines;
  }

  get frames(): Frames | undefined {
    return this.entry.frames;
  }

  withRole(role: FileRole): SourceRecord {
    return new SourceRecord(this.path, role, this.entry, this.documentCount);
  }
}

/**
 * A file's reading, in steps (a large file is parsed a few documents at a time). A failure while
 * reading one file (a bug, a limit of the runtime) becomes an information diagnostic on that file,
 * and the rest of the workspace is still analysed. Without a parser, the file is parsed document by
 * document, reusing what `previous` (its last reading) parsed of documents the edit left alone.
 */
export function* readFileEntry(
  f: WorkspaceFile,
  inChart: boolean,
  parse: FileParser | undefined,
  limits: ShapeLimits,
  previous: FileEntry | undefined,
  /** Who holds the trees of a plain manifest (trees.ts); without one, the reading holds them. */
  keeper?: TreeKeeper,
): Generator<void, FileEntry> {
  try {
    return yield* readFileEntryUnguarded(f, inChart, parse, limits, previous, keeper);
  } catch (err) {
    const message = `File not analysed: reading it failed (${errorLine(err)}). Pods it may define are treated as unknown.`;
    return new FileEntry(f.path, sourceOf(f), inChart, 'other', undefined, [
      fileNote(f.path, 'analysis-incomplete', message),
    ]);
  }
}

export function limitsKey(limits: ShapeLimits): string {
  return `${limits.maxNodesPerFile}/${limits.maxNestingDepth}`;
}

/** Whether a stored reading holds for this text and these limits (a refused one is redone under others). */
export function entryHolds(
  entry: FileEntry | undefined,
  f: WorkspaceFile,
  inChart: boolean,
  limits: ShapeLimits,
): entry is FileEntry {
  return (
    entry !== undefined &&
    !f.edited &&
    sameText(entry.source, sourceOf(f)) &&
    entry.inChart === inChart &&
    entry.appliedNamespace === f.namespace &&
    (entry.limits === '' || entry.limits === limitsKey(limits))
  );
}

/** An information diagnostic about a whole file, at its start. */
function fileNote(file: string, rule: string, message: string): Diagnostic {
  return { file, span: { start: 0, end: 0 }, severity: 'info', rule, related: [], message };
}

/** The first line of an error's message, short enough for a diagnostic. */
export function errorLine(err: unknown): string {
  const text = String((err as Error | undefined)?.message ?? err).split('\n')[0];
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}

function* readFileEntryUnguarded(
  f: WorkspaceFile,
  inChart: boolean,
  parse: FileParser | undefined,
  limits: ShapeLimits,
  previous: FileEntry | undefined,
  keeper: TreeKeeper | undefined,
): Generator<void, FileEntry> {
  const source = sourceOf(f);
  if (inChart || (path.dirname(f.path).split('/').includes('templates') && textOf(source).includes('{{')))
    return new FileEntry(f.path, source, inChart, 'template');
  if (isJsonFile(f.path) && !(/"apiVersion"/.test(textOf(source)) && /"kind"/.test(textOf(source))))
    return new FileEntry(f.path, source, inChart, 'other');
  // An edit's reading of a spliced text reads the change, not the whole text (splicedText.ts).
  const marks = marksOf(source, previous);
  // YAML breaks lines at CR, LF or CRLF (YAML 1.2 §5.4); the parser reads a lone CR (old Mac line
  // ends) as part of the line. Replaced by LF for parsing, same length: every offset holds.
  const text = marks.cr ? textOf(source).replace(/\r(?!\n)/g, '\n') : source;
  // Without a parser, document by document; the shape pre-check then adds up the documents' shapes.
  const documents = looksLikeUtf16(source)
    ? { over: 'it looks like UTF-16 text without a byte-order mark (save it as UTF-8, or UTF-16 with a BOM)' }
    : parse
      ? { over: overShapeLimits(textOf(source), limits) }
      : yield* readDocuments(text, previous?.documents, limits, undefined, framesDocuments(f.path));
  if ('over' in documents && documents.over !== undefined) {
    const note = fileNote(
      f.path,
      'analysis-incomplete',
      `File not analysed: ${documents.over}. Pods it may define are treated as unknown.`,
    );
    return new FileEntry(f.path, source, inChart, 'other', undefined, [note], NO_DOCS, undefined, limitsKey(limits));
  }
  const reading = 'parsed' in documents ? documents : undefined;
  const parsed = reading?.parsed ?? parse!(text === source ? f : { path: f.path, text: textOf(text) });
  // Each pass below goes over every document: for a bundle, a few ms each.
  const large = parsed.documents.length > LARGE_FILE_DOCUMENTS;
  if (large) yield;
  if (marks.braces && hasTemplateSyntax(textOf(source), parsed)) {
    const note = fileNote(
      f.path,
      'helm-template-skipped',
      'File contains template syntax ({{ }}) and is not analysed until rendered.',
    );
    return new FileEntry(f.path, source, inChart, 'template', undefined, inChart ? NO_DIAGNOSTICS : [note]);
  }
  const diagnostics =
    parsed.problems.length === 0
      ? NO_DIAGNOSTICS
      : parsed.problems.map<Diagnostic>((p) => ({
          file: f.path,
          span: p.span,
          severity: p.rule === 'yaml-syntax' ? 'error' : p.rule === 'analysis-incomplete' ? 'info' : 'warning',
          rule: p.rule,
          message: p.message,
          related: [],
        }));
  // An edit in a bundle reads one document again: what is read from the others is taken from the
  // last reading (a plain manifest's: no harness document among them). A reading with trees of its
  // own (trees.ts) was a fresh parse: nothing read after it shares its documents.
  const shared =
    previous && previous.role === 'manifest' && !previous.trees && previous.parsed
      ? sharedDocuments(previous.parsed, parsed)
      : undefined;
  const role: FileRole = isKustomizationFile(f.path)
    ? 'kustomization'
    : (
          shared
            ? isTestHarnessFile(parsed, shared.head, parsed.documents.length - shared.tail)
            : isTestHarnessFile(parsed)
        )
      ? 'test'
      : 'manifest';
  if (large) yield;
  // A fresh parse of the whole text can be parsed again from it: its trees need not be held. Not a
  // long text's: parsed again in one block when read (a hover, a rule), it would hold the server.
  const trees =
    keeper?.lettingGo && role === 'manifest' && !reading?.chunks && !parsed.frames && text.length <= LET_GO_MAX_CHARS
      ? new FileTrees(parsed, text)
      : undefined;
  keeper?.adopt(trees);
  const docs = role === 'manifest' ? collectResourceDocs(parsed, shared, previous?.docs, trees) : NO_DOCS;
  if (large) yield;
  // Only an index is kept (never the last entry itself, which holds its text).
  const linesBefore = reading?.change && previous?.linesAtHand;
  const noneDisabled = previous?.noneDisabledUntil;
  return new FileEntry(
    f.path,
    source,
    inChart,
    role,
    trees ?? parsed,
    diagnostics,
    docs,
    agreedNamespace(docs),
    '',
    f.namespace,
    reading?.chunks ? reading : undefined,
    linesBefore && reading?.change ? { before: linesBefore, change: reading.change } : undefined,
    noneDisabled && reading?.change
      ? noneDisabled === NO_CHANGE
        ? reading.change
        : coveringChange(noneDisabled, reading.change)
      : undefined,
    marks,
  );
}
