// The parsed trees of plain manifests, held only while a run reads them. Between runs of a
// long-lived Analyzer (the language server) a tree is held weakly: the collector may take it, and
// the next reader parses the file's text again. Trees were half of what an Analyzer kept between
// runs (2.9 of 5.5 KB per resource at 20,000 files), and after a run almost nothing reads
// them: views are cached per resource (graph/views.ts), and an edit re-runs rules for a few dozen
// resources. Parsing is deterministic, so a tree parsed again equals the one it replaces.
import { get, seqItems } from '../tree';
import { parseYaml, type ParsedFile, type YMap } from '../syntax';
import { textOf, type SourceText } from '../splicedText';
import type { Span } from '../text';
import type { ResourceDoc } from './types';

/**
 * The trees of one file whose reading is a fresh parse of its text (not framed, not read in parts:
 * documents.ts reuses those trees by position in the next reading, so they stay held).
 */
export class FileTrees {
  private held: ParsedFile | undefined;
  private weak: WeakRef<ParsedFile> | undefined;
  private keeper: TreeKeeper | undefined;
  readonly documentCount: number;

  constructor(
    parsed: ParsedFile,
    /** The text that was parsed (a lone CR already replaced, read.ts). */
    private readonly text: SourceText,
  ) {
    this.held = parsed;
    this.documentCount = parsed.documents.length;
  }

  get parsed(): ParsedFile {
    if (this.held) return this.held;
    // Parsed again when the collector took it, and held again: every reader of a run sees the same
    // objects, and the keeper holds it on among the trees read since their release.
    const parsed = this.weak?.deref() ?? parseYaml(textOf(this.text));
    this.held = parsed;
    this.weak = undefined;
    this.keeper?.readAgain(this, this.text.length);
    return parsed;
  }

  /** The tree of a resource document: a document's contents, or an item of a `kind: List` (classify.ts). */
  node(docIndex: number, itemIndex: number | undefined): YMap {
    const documents = this.parsed.documents;
    const doc =
      documents[docIndex]?.index === docIndex ? documents[docIndex] : documents.find((d) => d.index === docIndex);
    const contents = doc?.contents as YMap;
    return itemIndex === undefined ? contents : (seqItems(get(contents, 'items'))[itemIndex] as YMap);
  }

  /** Called by the keeper. */
  adoptBy(keeper: TreeKeeper): void {
    this.keeper = keeper;
  }

  /** Called by the keeper at the end of a run; `forget`: parsed again on the next read, collected or not. */
  release(forget: boolean): void {
    if (!this.held) return;
    this.weak = forget ? undefined : new WeakRef(this.held);
    this.held = undefined;
  }
}

/**
 * Text of the trees read again after their release that stay held (about 8 bytes of tree per
 * character): those an edit's rules and the editor's hovers read again on every keystroke. Let go
 * each time, they were parsed again on every edit (about 40 files for an edit of a Service at
 * 20,000 files), and each tree so parsed outlived its run into the old generation.
 */
const READ_AGAIN_CHARS = 1 << 20;

/**
 * What holds the trees a run reads: a new reading's are adopted (read.ts), held until the run
 * completes; a tree read after that is held again, among the most recent up to a budget.
 */
export class TreeKeeper {
  /**
   * lettingGo: whether a run's trees are let go when it completes (a long-lived Analyzer's); a
   * one-shot analysis keeps them, and its readings hold their trees directly (no lookup per read).
   */
  constructor(readonly lettingGo: boolean) {}

  private adopted: FileTrees[] = [];
  /** Trees read again since their release, oldest first, with their text's length. */
  private readonly readAgainOnes = new Map<FileTrees, number>();
  private readAgainChars = 0;

  adopt(trees: FileTrees | undefined): void {
    if (!trees) return;
    trees.adoptBy(this);
    this.adopted.push(trees);
  }

  /** Called by a tree read again after its release. */
  readAgain(trees: FileTrees, chars: number): void {
    this.readAgainChars += chars - (this.readAgainOnes.get(trees) ?? 0);
    this.readAgainOnes.delete(trees); // the most recent last
    this.readAgainOnes.set(trees, chars);
  }

  /**
   * At the end of a run: holds weakly (`forget`: not at all) the trees adopted since the last
   * release, and those read again beyond the budget, oldest first. Costs a step per tree adopted or
   * read again since, none per tree of the workspace.
   */
  release(forget = false): void {
    const adopted = this.adopted;
    this.adopted = [];
    for (const trees of adopted) trees.release(forget);
    for (const [trees, chars] of this.readAgainOnes) {
      if (!forget && this.readAgainChars <= READ_AGAIN_CHARS) break;
      this.readAgainOnes.delete(trees);
      this.readAgainChars -= chars;
      trees.release(forget);
    }
  }
}

/** A resource document of a file whose trees are a FileTrees: its node is looked up, not held. */
export class TreeDocument implements ResourceDoc {
  private readonly kindStart: number;
  private readonly kindEnd: number;

  constructor(
    private readonly trees: FileTrees,
    readonly docIndex: number,
    readonly itemIndex: number | undefined,
    readonly apiVersion: string,
    readonly kind: string,
    kindSpan: Span,
    readonly damaged: boolean,
  ) {
    this.kindStart = kindSpan.start;
    this.kindEnd = kindSpan.end;
  }

  /** Kept as offsets (a span object is 40 bytes, kept as long as the reading). */
  get kindSpan(): Span {
    return { start: this.kindStart, end: this.kindEnd };
  }

  get node(): YMap {
    return this.trees.node(this.docIndex, this.itemIndex);
  }
}
