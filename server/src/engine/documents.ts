// A file's YAML documents parsed one by one, so that an edit inside a large multi-document file
// (an install bundle of thousands of documents) re-parses only the documents it touched: the others
// are reused as they were (before the edit) or moved by the edit's length (after it). The result is
// exactly the whole file's parse (test/engine/documents.test.ts compares them); a file this module
// cannot split with certainty is parsed whole.
import { joinedRanges } from './arrays';
import { framedOffset, Frames, framesFor, MAX_FRAMES } from './origin';
import { overShapeLimits, overShapeLimitsSteps, shapeOf, type Shape, type ShapeLimits } from './shape';
import { changeSince, textOf, type SourceText, type TextChange } from './splicedText';
import { parseYamlReporting, parseYamlReportingSteps } from './syntax';
import {
  MapNode,
  movedPair,
  movedScalar,
  PairNode,
  ScalarNode,
  SeqNode,
  type ParsedFile,
  type SourceDocument,
  type SyntaxProblem,
  type YNode,
  type YPair,
} from './yamlTree';

/** A file's parse and, when it was parsed document by document, its parts for the next parse. */
export interface DocumentReading {
  readonly parsed: ParsedFile;
  /** undefined when the file was parsed whole. */
  readonly chunks: readonly Chunk[] | undefined;
  /** Where each of its parts starts in `text`, ascending (with `chunks`). */
  readonly starts?: readonly number[];
  /**
   * The text its parts were cut from: the next reading finds what an edit changed from it (the
   * next text's splice, else by comparing the two), instead of every part's text, and a part's
   * text is a slice of it.
   */
  readonly text?: SourceText;
  /** When its documents are framed (origin.ts): the frame its next new part takes. */
  readonly nextFrame?: number;
  /** Where its text differs from the reading it was made from (what it reused), when one was given. */
  readonly change?: TextChange;
  /**
   * Its parts' nodes added up, when every part but the last ends with nothing open and the file is
   * within the shape limits as the parts count it: an edit's reading then counts only its parts.
   */
  readonly totalNodes?: number;
}

/**
 * One part of a file: from a document start marker (or the file's start) to the next marker. It
 * holds neither its place nor its text (the reading's `starts` and `text` do), so that a part an
 * edit left alone is the same object in the next reading: an edit in a bundle of 20,000 documents
 * allocates no part, and what one reading keeps alive is not copied again by the collector.
 */
interface Chunk {
  /** The part's length in the text. */
  readonly length: number;
  /** Its documents and problems at file offsets (framed: its frame's), numbered as in the file. */
  readonly parsed: ParsedFile;
  /** Its shape as the pre-check counts it (shape.ts), added up with the others' for the file's. */
  readonly shape: Shape;
  /** Whether another part follows (it was parsed with that part's marker): reused only as such. */
  readonly followed: boolean;
  /** Its frame (origin.ts), or -1 when the reading is not framed. */
  readonly frame: number;
}

/**
 * Work between two yields, counted in parts taken over as they are (a property read each): a part
 * parsed or moved (each is one document, usually a few hundred bytes) counts as PARSED_PART_WORK,
 * one whose shape is counted as SHAPED_PART_WORK. An edit in a bundle of 20,000 documents takes
 * nearly all of its parts over: a yield every few of those would cost more than the parts (each
 * yield passes through every generator of the load).
 */
const STEP_WORK = 4096;
const PARSED_PART_WORK = STEP_WORK / 16;
const SHAPED_PART_WORK = STEP_WORK / 64;
/**
 * Files of fewer documents are parsed whole: re-parsing them costs little, and keeping their parts
 * for the next reading would cost memory for every file of a workspace.
 */
const MIN_PARTS = 8;
/**
 * Files whose documents average fewer bytes are parsed whole: a parse call costs about as much as
 * a few hundred bytes of YAML, and a file of 200,000 ten-byte documents took six times as long in parts.
 */
const MIN_AVERAGE_PART = 64;

/**
 * Where a file's parts start, or undefined when the file must be parsed whole.
 *
 * YAML 1.2.2 §9.1.2: a line starting with `---` (c-directives-end) or `...` (c-document-end)
 * followed by a space, a tab, a line break or the end of the text is a document marker, and
 * c-forbidden keeps such a line out of every scalar and collection: the `yaml` package's lexer ends
 * any block scalar, quoted scalar, plain scalar and flow collection at it (so a `---` inside a
 * block scalar is a marker at column 0 only, and content when indented). Parsed whole instead:
 * - directives (`%` at a line start): the `yaml` package carries `%TAG` and `%YAML` over to later
 *   documents until others are given, so a document's reading depends on earlier ones;
 * - `...` end markers: what follows one is at stream level (directives, or a bare document);
 * - a byte-order mark past the start (the lexer takes it at stream level only);
 * - a single part (nothing to reuse).
 * Blank and comment lines before the first marker belong to the first document.
 */
export function documentStarts(text: string): number[] | undefined {
  if (text.charCodeAt(0) === 0x25 || text.includes('\n%') || text.indexOf('\uFEFF', 1) >= 0) return undefined;
  if (markerAt(text, 0, '...') || text.includes('\n...')) {
    for (let at = text.indexOf('\n...'); at >= 0; at = text.indexOf('\n...', at + 1))
      if (markerAt(text, at + 1, '...')) return undefined;
    if (markerAt(text, 0, '...')) return undefined;
  }
  const starts = [0];
  for (let at = text.indexOf('\n---'); at >= 0; at = text.indexOf('\n---', at + 4))
    if (markerAt(text, at + 1, '---')) starts.push(at + 1);
  if (starts.length > 1 && !markerAt(text, 0, '---') && onlyCommentsBefore(text, starts[1])) starts.splice(1, 1);
  return starts.length > 1 ? starts : undefined;
}

function markerAt(text: SourceText, at: number, marker: '---' | '...'): boolean {
  if (!text.startsWith(marker, at)) return false;
  const next = text.charCodeAt(at + 3);
  // End of text (NaN), space, tab, LF, CR: the lexer's isEmpty.
  return Number.isNaN(next) || next === 0x20 || next === 0x09 || next === 0x0a || next === 0x0d;
}

/** Whether text before `end` holds only blank lines and comments (and a byte-order mark). */
function onlyCommentsBefore(text: string, end: number): boolean {
  let at = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (at < end) {
    let i = at;
    while (i < end && (text.charCodeAt(i) === 0x20 || text.charCodeAt(i) === 0x09)) i++;
    const c = text.charCodeAt(i);
    if (i < end && c !== 0x23 && c !== 0x0a && c !== 0x0d) return false;
    const nl = text.indexOf('\n', i);
    if (nl < 0 || nl >= end) return true;
    at = nl + 1;
  }
  return true;
}

/**
 * What changed between two texts: their common start and end, found by comparing slices of
 * doubling length (string equality compares characters as fast as memory reads, a loop over them
 * is about fifty times slower): about a millisecond for 15 MiB.
 */
export function changeBetween(before: string, after: string): TextChange {
  const start = commonLength(before, after, 0, Math.min(before.length, after.length), true);
  const end = commonLength(before, after, 0, Math.min(before.length, after.length) - start, false);
  return { start, beforeEnd: before.length - end, afterEnd: after.length - end };
}

/** How many characters a and b share from their start (or their end), up to max. */
function commonLength(a: string, b: string, from: number, max: number, fromStart: boolean): number {
  const same = (lo: number, hi: number) =>
    fromStart
      ? a.slice(lo, hi) === b.slice(lo, hi)
      : a.slice(a.length - hi, a.length - lo) === b.slice(b.length - hi, b.length - lo);
  let low = from;
  for (let step = 256; low < max; step *= 2) {
    const high = Math.min(low + step, max);
    if (!same(low, high)) {
      // The first difference lies in [low, high): halve it, then read the last few characters.
      let hi = high;
      while (hi - low > 64) {
        const mid = (low + hi) >>> 1;
        if (same(low, mid)) low = mid;
        else hi = mid;
      }
      const at = (s: string, i: number) => s.charCodeAt(fromStart ? i : s.length - 1 - i);
      while (low < hi && at(a, low) === at(b, low)) low++;
      return low;
    }
    low = high;
  }
  return low;
}

/**
 * documentStarts(text) for a text that differs from the last one read only by `change`, given the
 * last one's starts: a marker depends on the line break before it and the four characters from it
 * (`---` and the one after), so those whose characters the change left alone are kept (moved by
 * the edit's length after it) and only the changed stretch is searched, for markers and for what
 * makes a file parsed whole (the last text had none of that). A change that can alter whether the
 * first part is only comments (before the second marker) scans the whole text.
 */
export function documentStartsAfter(
  text: SourceText,
  before: readonly number[],
  change: TextChange,
): number[] | undefined {
  return documentStartsNear(text, before, change)?.starts;
}

/**
 * documentStartsAfter, and which of the last starts it kept: `before[0..keptBefore)` as they were,
 * and `before[keptAfterFrom..]` moved by the edit's length, last in the list (none when it scanned
 * the whole text).
 */
function documentStartsNear(
  text: SourceText,
  before: readonly number[],
  change: TextChange,
): { readonly starts: number[]; readonly keptBefore: number; readonly keptAfterFrom: number } | undefined {
  const { start, afterEnd } = change;
  if (before.length < 2 || start < before[1] + 4) {
    const starts = documentStarts(textOf(text));
    return starts && { starts, keptBefore: 0, keptAfterFrom: before.length };
  }
  // The stretch whose markers the change can have made or unmade: a line break from 4 characters
  // before the change to its last character, with the 4 characters after it (searched in a slice:
  // indexOf on the whole text would read on to its end when nothing is found).
  const from = start - 4;
  const near = text.slice(from, afterEnd + 4);
  // A directive (`%` after a line break), a byte-order mark, a document end marker: parsed whole.
  if (near.slice(3).includes('\n%') || near.slice(4, afterEnd - from).includes('\uFEFF')) return undefined;
  for (let at = near.indexOf('\n...'); at >= 0 && from + at < afterEnd; at = near.indexOf('\n...', at + 1))
    if (markerAt(text, from + at + 1, '...')) return undefined;
  const found: number[] = [];
  for (let at = near.indexOf('\n---'); at >= 0 && from + at < afterEnd; at = near.indexOf('\n---', at + 4))
    if (markerAt(text, from + at + 1, '---')) found.push(from + at + 1);
  const head = countUpTo(before, start - 4);
  const tailFrom = countUpTo(before, change.beforeEnd);
  const starts = joinedRanges(before, head, found, before, tailFrom);
  const delta = afterEnd - change.beforeEnd;
  if (delta !== 0) for (let i = head + found.length; i < starts.length; i++) starts[i] += delta;
  return { starts, keptBefore: head, keptAfterFrom: tailFrom };
}

/** How many of the ascending `values` are at most `limit` (bisection). */
function countUpTo(values: readonly number[], limit: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] <= limit) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The whole file's parse (one step). */
export function wholeReading(text: string): DocumentReading {
  return { parsed: parseYamlReporting(text).parsed, chunks: undefined };
}

/**
 * Texts at least this long that are parsed whole (one document of megabytes) are pre-checked and
 * parsed in steps; shorter ones in one step, as the stepped reading costs a little more.
 */
const STEPPED_WHOLE_READING = 1024 * 1024;

/** The whole file's parse after the shape pre-check, in steps for long texts (the same result). */
function* wholeReadingSteps(
  text: string,
  limits: ShapeLimits,
): Generator<void, DocumentReading | { readonly over: string }> {
  if (text.length < STEPPED_WHOLE_READING) {
    const over = overShapeLimits(text, limits);
    return over !== undefined ? { over } : wholeReading(text);
  }
  const over = yield* overShapeLimitsSteps(text, limits);
  if (over !== undefined) return { over };
  return { parsed: (yield* parseYamlReportingSteps(text)).parsed, chunks: undefined };
}

/**
 * The file's parse, document by document, in steps (a yield every few documents, so that a
 * 16 MiB bundle does not hold the event loop), or why the file is over the shape limits (the
 * pre-check of shape.ts, added up from the parts'). Parts unchanged since `previous` are reused:
 * those at the same offset as they are; those the edit moved as they are when `framed` (each
 * document's offsets are in its own frame, origin.ts), else with every offset moved.
 */
export function* readDocuments(
  text: SourceText,
  previous: DocumentReading | undefined,
  limits: ShapeLimits,
  minParts = MIN_PARTS,
  framed = false,
): Generator<void, DocumentReading | { readonly over: string }> {
  // A reading in the other coordinates, or one whose frames ran out, is not reused.
  if (previous && ((previous.nextFrame !== undefined) !== framed || (previous.nextFrame ?? 0) > MAX_FRAMES / 2))
    previous = undefined;
  // With the last reading's text, the edit is the splice that made this text from it, or found by
  // comparing the two (about a millisecond for 15 MiB), and only the parts it touched are looked
  // at again: markers near it, texts of its parts. A spliced text is joined only where a part's
  // reading needs the whole file. Without a last reading in parts (none, or one read whole), no
  // part is reused.
  const last =
    previous?.chunks && previous.starts && previous.text !== undefined
      ? { text: previous.text, starts: previous.starts, chunks: previous.chunks }
      : undefined;
  const change = last ? (changeSince(text, last.text) ?? changeBetween(textOf(last.text), textOf(text))) : undefined;
  const near = last && change ? documentStartsNear(text, last.starts, change) : undefined;
  const starts = last && change ? near?.starts : documentStarts(textOf(text));
  // Each part counts at least one node (its marker line): that many parts is over the limit anyway.
  if (
    !starts ||
    starts.length < minParts ||
    starts.length > limits.maxNodesPerFile ||
    text.length < starts.length * MIN_AVERAGE_PART
  ) {
    return yield* wholeReadingSteps(textOf(text), limits);
  }
  yield;
  const old = last?.chunks ?? [];
  const oldStarts = last?.starts ?? [];
  const n = starts.length;
  let nextFrame = previous?.nextFrame ?? 0;
  const end = (i: number) => (i + 1 < n ? starts[i + 1] : text.length);
  const sliceOf = (i: number) => text.slice(starts[i], end(i));
  // Unchanged parts before the edit and after it: a part is the same when it lies wholly before
  // the change (same start and end) or wholly after it (start and end moved by the edit's length).
  let head = 0;
  let tail = 0;
  if (last && change) {
    const delta = text.length - last.text.length;
    const oldEnd = (k: number) => oldStarts[k] + old[k].length;
    const sameBefore = (i: number) => oldStarts[i] === starts[i] && oldEnd(i) === end(i) && end(i) <= change.start;
    const sameAfter = (k: number, i: number) =>
      oldStarts[k] + delta === starts[i] && oldEnd(k) + delta === end(i) && starts[i] >= change.afterEnd;
    // The parts between two kept starts are the same parts (a marker depends on the line break
    // before it and the four characters from it, all outside the change): compared only from
    // there on, so that an edit among 20,000 parts compares a few.
    if (near) {
      head = Math.max(0, Math.min(near.keptBefore - 1, n, old.length));
      tail = Math.max(0, Math.min(old.length - near.keptAfterFrom, n - head, old.length - head));
    }
    while (head < n && head < old.length && sameBefore(head)) head++;
    while (tail < n - head && tail < old.length - head && sameAfter(old.length - 1 - tail, n - 1 - tail)) tail++;
    const inPlaceReading =
      framed && previous !== undefined
        ? readInPlace(text, previous, { starts, head, tail, nextFrame, limits, change })
        : undefined;
    if (inPlaceReading) return inPlaceReading;
  }
  // Parts moved elsewhere by the edit (a document cut and pasted), found by their text; each taken
  // once (framed, a part's tree is its frame's: two places must not share it).
  const moved = new Map<string, number>();
  if (last)
    for (let k = head; k < old.length - tail; k++)
      moved.set(last.text.slice(oldStarts[k], oldStarts[k] + old[k].length), k);
  // For each part, the place in the last reading of the part it reuses (-1: none).
  const reusedFrom = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const slice = i >= head && i < n - tail && moved.size > 0 ? sliceOf(i) : undefined;
    let k = i < head ? i : i >= n - tail ? old.length - (n - i) : slice !== undefined ? (moved.get(slice) ?? -1) : -1;
    if (k >= 0 && old[k].followed !== i + 1 < n) k = -1;
    if (k >= 0 && slice !== undefined) moved.delete(slice);
    reusedFrom[i] = k;
  }
  const reusedParts = (i: number): Chunk | undefined => (reusedFrom[i] >= 0 ? old[reusedFrom[i]] : undefined);
  // The shape pre-check: the parts' shapes add up to the file's when each part but the last ends
  // with nothing open; otherwise, or when the sum is over a limit, the whole text is scanned.
  const shapes: Shape[] = new Array<Shape>(n);
  let nodes = 0;
  let depth = 0;
  let closed = true;
  let work = 0;
  for (let i = 0; i < n; i++) {
    const reused = reusedParts(i);
    if ((work += reused ? 1 : SHAPED_PART_WORK) >= STEP_WORK) {
      work = 0;
      yield;
    }
    const shape = reused?.shape ?? shapeOf(sliceOf(i));
    shapes[i] = shape;
    nodes += shape.nodes;
    depth = Math.max(depth, shape.depth);
    if (i + 1 < n && !shape.closed) closed = false;
  }
  const countedByParts = closed && nodes <= limits.maxNodesPerFile && depth <= limits.maxNestingDepth;
  if (!countedByParts) {
    yield;
    // The parts before the first one left open count as the whole text's scan counts them (each
    // starts at a marker with nothing open): the scan starts there, unless they are over a limit
    // already (where the scan stops then depends on their order). In steps: a bundle with a
    // construct left open (a `[` being typed) is scanned at each edit, up to 80 ms for 7.4 MB.
    let first = 0;
    let counted = 0;
    let deepest = 0;
    for (; first < n - 1 && shapes[first].closed; first++) {
      counted += shapes[first].nodes;
      deepest = Math.max(deepest, shapes[first].depth);
    }
    const from =
      counted <= limits.maxNodesPerFile && deepest <= limits.maxNestingDepth
        ? { at: starts[first], nodes: counted, depth: deepest }
        : undefined;
    const over = yield* overShapeLimitsSteps(textOf(text), limits, from);
    if (over !== undefined) return { over };
  }
  const totalNodes = countedByParts ? nodes : undefined;
  const chunks: Chunk[] = new Array<Chunk>(n);
  // Documents are numbered in the file: a part keeps the numbers of its place.
  let index = 0;
  work = 0;
  for (let i = 0; i < n; i++) {
    const start = starts[i];
    const before = reusedParts(i);
    // Framed, a moved part is the same tree (and the same part, when its documents keep their
    // numbers); otherwise its offsets move with it.
    const delta = before && !framed ? start - oldStarts[reusedFrom[i]] : 0;
    const asItIs = before !== undefined && inPlace(before.parsed, delta, index);
    if ((work += asItIs ? 1 : PARSED_PART_WORK) >= STEP_WORK) {
      work = 0;
      yield;
    }
    if (before) {
      const parsed = asItIs ? before.parsed : shiftParsed(before.parsed, delta, sliceOf(i), index, true);
      index += parsed.documents.length;
      chunks[i] = parsed === before.parsed ? before : { ...before, parsed };
      continue;
    }
    const slice = sliceOf(i);
    // Frames are never reused within a reading. Out of room: read again from nothing, and a file
    // too large for the room is read in file offsets.
    const frame = framed ? nextFrame : -1;
    const chunk = newChunk(slice, i + 1 < n, shapes[i], frame, framed ? framedOffset(frame, 0) : start, index);
    if (!chunk) return wholeReading(textOf(text));
    if (framed && (nextFrame += framesFor(slice.length)) > MAX_FRAMES)
      return yield* readDocuments(text, undefined, limits, minParts, previous !== undefined);
    index += chunk.parsed.documents.length;
    chunks[i] = chunk;
  }
  yield;
  const joinedParts = yield* joined(chunks);
  if (!framed) return { parsed: joinedParts, chunks, starts, text, change, totalNodes };
  const frames = new Frames(starts, chunks, previous?.parsed.frames);
  return { parsed: { ...joinedParts, frames }, chunks, starts, text, nextFrame, change, totalNodes };
}

/** Parts an edit's reading in place parses again at most (more: the general reading). */
const IN_PLACE_PARTS = 16;

/**
 * The common edit of a framed bundle, read in place: as many parts as before, the few the change
 * touched (`[head, n - tail)`) parsed again into the same number of documents each, and no
 * problem in the file. The other parts, their documents and frames are the last reading's at the
 * same index, so the lists are copied (a memory copy of 20,000 entries) rather than built part by
 * part, and the shape pre-check counts only the parts parsed (the others were counted before).
 * Undefined when the edit is not of that kind: the general reading takes it, with the same result.
 */
function readInPlace(
  text: SourceText,
  previous: DocumentReading,
  at: {
    readonly starts: readonly number[];
    readonly head: number;
    readonly tail: number;
    readonly nextFrame: number;
    readonly limits: ShapeLimits;
    readonly change: TextChange;
  },
): DocumentReading | undefined {
  const old = previous.chunks;
  const { starts, head, tail, limits } = at;
  const n = starts.length;
  const frames = previous.parsed.frames;
  if (
    !old ||
    !frames ||
    old.length !== n ||
    n - tail - head > IN_PLACE_PARTS ||
    previous.totalNodes === undefined ||
    previous.parsed.problems.length > 0
  )
    return undefined;
  let totalNodes = previous.totalNodes;
  let nextFrame = at.nextFrame;
  const chunks = old.slice();
  const documents = previous.parsed.documents.slice();
  for (let i = head; i < n - tail; i++) {
    const slice = text.slice(starts[i], i + 1 < n ? starts[i + 1] : text.length);
    const followed = i + 1 < n;
    const shape = shapeOf(slice);
    if ((followed && !shape.closed) || shape.depth > limits.maxNestingDepth) return undefined;
    totalNodes += shape.nodes - old[i].shape.nodes;
    const before = old[i].parsed.documents;
    const firstIndex = before.length > 0 ? before[0].index : 0;
    const frame = nextFrame;
    const chunk = newChunk(slice, followed, shape, frame, framedOffset(frame, 0), firstIndex);
    if (!chunk || chunk.parsed.problems.length > 0 || chunk.parsed.documents.length !== before.length) return undefined;
    if ((nextFrame += framesFor(slice.length)) > MAX_FRAMES) return undefined;
    chunks[i] = chunk;
    for (let j = 0; j < before.length; j++) documents[firstIndex + j] = chunk.parsed.documents[j];
  }
  if (totalNodes > limits.maxNodesPerFile) return undefined;
  const parsed = { documents, problems: [], frames: new Frames(starts, chunks, frames, [head, n - tail]) };
  return { parsed, chunks, starts, text, nextFrame, change: at.change, totalNodes };
}

/**
 * A part parsed anew and placed at `offset` (its frame's start, or its file offset), its documents
 * numbered from `index`; undefined when it cannot be read as a part (parsePart).
 */
function newChunk(
  slice: string,
  followed: boolean,
  shape: Shape,
  frame: number,
  offset: number,
  index: number,
): Chunk | undefined {
  const parsed = parsePart(slice, followed);
  if (!parsed) return undefined;
  return { length: slice.length, parsed: shiftParsed(parsed, offset, slice, index, false), shape, followed, frame };
}

/**
 * One part's parse at its own offsets, or undefined when the file must be parsed whole. A part
 * followed by another is parsed with the next marker after it, as the whole file's parser sees
 * it: a document's end, and a problem found where the marker cuts a node short, are placed as in
 * the whole file. The marker's own (empty) document is dropped.
 */
function parsePart(text: string, followed: boolean): ParsedFile | undefined {
  const { parsed, reread } = parseYamlReporting(followed ? `${text}---` : text);
  // The quoted-scalar re-read is decided for a whole text.
  if (reread) return undefined;
  if (!followed) return parsed;
  const last = parsed.documents[parsed.documents.length - 1];
  const empty = last?.contents == null || (last.contents.type === 'scalar' && last.contents.value === null);
  if (!last || last.span.start !== text.length || !empty || last.damaged) return undefined;
  return { documents: parsed.documents.slice(0, -1), problems: parsed.problems };
}

/** Parts joined between two yields (a bundle has thousands: one block took ~5 ms for 10,000). */
const JOINED_PER_STEP = 1024;

/** The parts' documents and problems as one file's (numbered in order already, as parts are placed). */
function* joined(chunks: readonly Chunk[]): Generator<void, ParsedFile> {
  // Allocated at its size: grown by push, a list of 20,000 documents is copied a dozen times.
  let count = 0;
  for (let i = 0; i < chunks.length; i++) count += chunks[i].parsed.documents.length;
  const documents = new Array<SourceDocument>(count);
  const problems: SyntaxProblem[] = [];
  let index = 0;
  for (let i = 0; i < chunks.length; i++) {
    if (i % JOINED_PER_STEP === JOINED_PER_STEP - 1) yield;
    // Indexed loops: in a generator, each for-of left an iterator object per part behind.
    const { documents: docs, problems: found } = chunks[i].parsed;
    for (let j = 0; j < docs.length; j++, index++)
      documents[index] = docs[j].index === index ? docs[j] : withIndex(docs[j], index);
    for (let j = 0; j < found.length; j++) problems.push(found[j]);
  }
  return { documents, problems };
}

function withIndex(d: SourceDocument, index: number): SourceDocument {
  return d.damaged
    ? { index, span: d.span, contents: d.contents, damaged: true }
    : { index, span: d.span, contents: d.contents };
}

/**
 * Document trees shiftParsed made, with the tree each was moved from and by how much: isMovedTreeSteps
 * knows them without walking them (5,000 documents after an edit in a bundle's middle). The tree
 * moved from is held weakly: this never keeps an older reading alive.
 */
const movedFrom = new WeakMap<YNode, { readonly from: WeakRef<YNode>; readonly delta: number }>();

/** Whether a part's parse is where `delta` and `firstIndex` would put it (shiftParsed keeps it). */
function inPlace(parsed: ParsedFile, delta: number, firstIndex: number): boolean {
  return delta === 0 && (parsed.documents.length === 0 || parsed.documents[0].index === firstIndex);
}

/**
 * A part's parse with every offset moved by `delta` (new nodes; shared alias targets stay shared)
 * and its documents numbered from `firstIndex`, as they are in the file: unchanged when both hold.
 */
function shiftParsed(
  parsed: ParsedFile,
  delta: number,
  text: string,
  firstIndex: number,
  recordMove: boolean,
): ParsedFile {
  if (inPlace(parsed, delta, firstIndex)) return parsed;
  const docs = parsed.documents;
  const seen = delta !== 0 && text.includes('*') ? new Map<YNode, YNode>() : undefined;
  const documents = docs.map((d, j) => {
    const index = firstIndex + j;
    const span = delta === 0 ? d.span : { start: d.span.start + delta, end: d.span.end + delta };
    const contents = delta === 0 ? d.contents : shiftNode(d.contents, delta, seen);
    // Only a part of the last reading is ever compared again; a fresh part's own-offset parse is
    // garbage at once (recording it cost a weak reference per document: a fifth more collection
    // time reading a bundle of 20,000 documents cold).
    if (recordMove && contents !== d.contents && contents && d.contents)
      movedFrom.set(contents, { from: new WeakRef(d.contents), delta });
    return d.damaged ? { index, span, contents, damaged: true as const } : { index, span, contents };
  });
  const problems =
    delta === 0 || parsed.problems.length === 0
      ? parsed.problems
      : parsed.problems.map((p) => ({
          span: { start: p.span.start + delta, end: p.span.end + delta },
          message: p.message,
          rule: p.rule,
        }));
  return { documents, problems };
}

function shiftNode(node: YNode | null, delta: number, seen: Map<YNode, YNode> | undefined): YNode | null {
  if (!node) return node;
  const known = seen?.get(node);
  if (known) return known;
  let out: YNode;
  if (node instanceof ScalarNode) out = movedScalar(node, delta);
  else if (node instanceof MapNode)
    out = new MapNode(
      node.start + delta,
      node.end + delta,
      node.pairs.map((p) => shiftPair(p, delta, seen)),
    );
  else if (node instanceof SeqNode)
    out = new SeqNode(
      node.start + delta,
      node.end + delta,
      node.items.map((item) => shiftNode(item, delta, seen)),
    );
  else throw new Error('documents: a tree node not built by the yamlTree factories');
  seen?.set(node, out);
  return out;
}

function shiftPair(p: YPair, delta: number, seen: Map<YNode, YNode> | undefined): YPair {
  if (!(p instanceof PairNode)) throw new Error('documents: a pair not built by the yamlTree factories');
  return movedPair(p, delta, shiftNode(p.value, delta, seen));
}

/**
 * A framed parse (origin.ts) in file offsets: each document and problem moved from its frame to
 * where its frame starts (new nodes). Unframed, the parse itself. What the whole file's parser gives.
 */
export function inFileOffsets(parsed: ParsedFile): ParsedFile {
  const frames = parsed.frames;
  if (!frames) return parsed;
  const deltaAt = (offset: number) => frames.absolute(offset) - offset;
  const documents = parsed.documents.map((d) => {
    const delta = deltaAt(d.span.start);
    const seen = new Map<YNode, YNode>();
    const span = { start: d.span.start + delta, end: d.span.end + delta };
    const contents = shiftNode(d.contents, delta, seen);
    return d.damaged ? { index: d.index, span, contents, damaged: true as const } : { index: d.index, span, contents };
  });
  const problems = parsed.problems.map((p) => {
    const delta = deltaAt(p.span.start);
    return { span: { start: p.span.start + delta, end: p.span.end + delta }, message: p.message, rule: p.rule };
  });
  return { documents, problems };
}

/** Nodes compared between two yields of isMovedTreeSteps. */
const NODES_PER_STEP = 4096;

/**
 * Whether `b` is `a` moved by `delta` (what shiftNode makes of it): the same tree, values and texts,
 * every offset moved by delta. Gives up (false) past `budget` nodes. In steps: a yield every
 * NODES_PER_STEP nodes or pairs (a document of 100,000 nodes took 20 ms, and one map of 200,000
 * pairs is one node). The walk keeps its own stack, so the answer (true when the trees agree and
 * hold at most `budget` nodes) does not depend on order.
 */
export function* isMovedTreeSteps(
  a: YNode | null,
  b: YNode | null,
  delta: number,
  budget = 100_000,
): Generator<void, boolean> {
  // A document readDocuments moved, through readings in between (cancelled analyses'): known.
  let moved = 0;
  for (let node = b, steps = 0; node && steps < 16; steps++) {
    if (node === a) {
      if (moved === delta) return true;
      break;
    }
    const m = movedFrom.get(node);
    const from = m?.from.deref();
    if (!m || !from) break;
    moved += m.delta;
    node = from;
  }
  const pending: (YNode | null)[] = [a, b];
  let work = 0;
  for (let left = budget; pending.length > 0;) {
    const y = pending.pop() as YNode | null;
    const x = pending.pop() as YNode | null;
    // Unmoved parts keep their tree objects (readDocuments reuses them): the same object is itself.
    if (x === y && delta === 0) continue;
    if (x === null || y === null) {
      if (x !== y) return false;
      continue;
    }
    if (--left < 0) return false;
    if (++work % NODES_PER_STEP === 0) yield;
    if (x instanceof ScalarNode) {
      const same =
        y instanceof ScalarNode &&
        y.start === x.start + delta &&
        y.end === x.end + delta &&
        Object.is(y.value, x.value) &&
        y.text === x.text;
      if (!same) return false;
    } else if (x instanceof MapNode) {
      if (!(y instanceof MapNode) || y.start !== x.start + delta || y.end !== x.end + delta) return false;
      if (x.pairs.length !== y.pairs.length) return false;
      for (let i = 0; i < x.pairs.length; i++) {
        const p = x.pairs[i];
        const q = y.pairs[i];
        if (!(p instanceof PairNode) || !(q instanceof PairNode)) return false;
        if (q.keyStart !== p.keyStart + delta || q.keyEnd !== p.keyEnd + delta) return false;
        if (!Object.is(q.keyValue, p.keyValue) || q.keyText !== p.keyText) return false;
        pending.push(p.value, q.value);
        if (++work % NODES_PER_STEP === 0) yield;
      }
    } else if (x instanceof SeqNode) {
      if (!(y instanceof SeqNode) || y.start !== x.start + delta || y.end !== x.end + delta) return false;
      if (x.items.length !== y.items.length) return false;
      for (let i = 0; i < x.items.length; i++) {
        pending.push(x.items[i], y.items[i]);
        if (++work % NODES_PER_STEP === 0) yield;
      }
    } else return false;
  }
  return true;
}
