// What loading a workspace takes and gives: (path, text) pairs in, the files' roles, resource
// instances and load diagnostics out. Nothing here touches the file system.
import type { Diagnostic, DisabledLines } from '../diagnostics';
import type { KustomizeLayout } from '../kustomize';
import type { Resource } from '../model/resource';
import type { ParsedFile, YMap } from '../syntax';
import type { Frames } from '../origin';
import type { SourceText, SplicedText } from '../splicedText';
import type { LineIndex, Span } from '../text';

export interface WorkspaceFile {
  /** A path (posix separators) that the adapters can map back to the real file. */
  readonly path: string;
  readonly text: string;
  /**
   * The same text, as the one given for this path before with the stretch an edit changed
   * (splicedText.ts): the engine reads the change where it can and joins it only where a file is
   * read whole. An adapter that gives it may make `text` a getter that joins it.
   */
  readonly source?: SplicedText;
  /**
   * Set by an adapter that knows this text differs from the one it gave for this path before (an
   * editor's change): the engine reads it again without first comparing the two texts, which
   * costs a pass over both when their lengths are equal (a character typed over another in a
   * bundle of megabytes). Only a hint: a text that is the same after all is read again, and found
   * unchanged document by document.
   */
  readonly edited?: boolean;
  /** The namespace the file is applied to, when known (a Helm release's `--namespace`). */
  readonly namespace?: string;
}

/** A file's text as given: spliced when the adapter gave it so. */
export function sourceOf(f: WorkspaceFile): SourceText {
  return f.source ?? f.text;
}

/** A file given as a text (as is), or as a spliced one that its `text` joins only when asked. */
export function fileWithText(path: string, text: SourceText, edited: boolean): WorkspaceFile {
  if (typeof text === 'string') return edited ? { path, text, edited } : { path, text };
  return {
    path,
    source: text,
    get text() {
      return text.toString();
    },
    edited,
  };
}

export interface SkippedFile {
  readonly path: string;
  readonly size: number;
}

/**
 * `expectation`: a test suite's description of state to assert or to be absent (chainsaw and kuttl
 * `assert`/`error` files), not objects to apply; `test` the suite's own configuration.
 */
export type FileRole = 'manifest' | 'kustomization' | 'patch' | 'template' | 'test' | 'expectation' | 'other';

export interface SourceFile {
  readonly path: string;
  readonly role: FileRole;
  readonly lines: LineIndex;
  readonly disabledLines: DisabledLines;
  /** Source documents (count), for hover and symbols. */
  readonly documentCount: number;
  /** Where its documents' frames start, when its reading is framed (origin.ts). */
  readonly frames?: Frames;
}

export interface LoadedWorkspace {
  readonly files: ReadonlyMap<string, SourceFile>;
  readonly resources: readonly Resource[];
  /** For each source document (sourceKey), how many instances it has: a diagnostic must hold in all. */
  readonly instanceCounts: ReadonlyMap<string, number>;
  readonly diagnostics: readonly Diagnostic[];
  readonly kustomize: KustomizeLayout;
  /**
   * Directories with files whose resources are unknown: templates (outside Helm charts), files
   * skipped as too large, documents that could not be read. An unknown input suppresses, never accuses.
   */
  readonly templateDirs: ReadonlySet<string>;
}

/** A document (or an item of a `kind: List`) that is a Kubernetes object, with its header read. */
export interface ResourceDoc {
  readonly docIndex: number;
  readonly itemIndex: number | undefined;
  readonly node: YMap;
  readonly apiVersion: string;
  readonly kind: string;
  readonly kindSpan: Span;
  /**
   * The document has a syntax error and was read as the parser recovered it: it stays in the graph
   * (a half-typed value must not make a Deployment vanish and its Services look orphaned), but no
   * finding is drawn from it besides the syntax error.
   */
  readonly damaged: boolean;
}

/** Parses a file; the language server passes a cache so that an edit re-parses one file only. */
export type FileParser = (file: WorkspaceFile) => ParsedFile;
