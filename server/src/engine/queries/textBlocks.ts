// The block structure of YAML text around a line, read from indentation alone: completion works on
// the buffer being typed, which often does not parse. A line's "content indent" is where its key
// starts (after any `- ` sequence markers), so the first key of a sequence item and the keys below
// it are siblings.

export interface TextLine {
  readonly index: number;
  /** Column of the key (after leading spaces and `- ` markers). */
  readonly indent: number;
  /** Whether the line starts a sequence item. */
  readonly item: boolean;
  readonly key: string | undefined;
  /** The scalar after `key:` (quotes removed), if any. */
  readonly value: string | undefined;
}

/** Lines scanned in each direction at most: a completion looks at its neighbourhood only. */
const MAX_SCAN = 200;

export class TextBlocks {
  private readonly lines: string[];
  private readonly parsed = new Map<number, TextLine | undefined>();

  constructor(text: string) {
    this.lines = text.split(/\r?\n/);
  }

  lineAt(index: number): TextLine | undefined {
    if (index < 0 || index >= this.lines.length) return undefined;
    if (this.parsed.has(index)) return this.parsed.get(index);
    const raw = this.lines[index];
    const m = /^( *)((?:- +)*)(.*)$/.exec(raw)!;
    const rest = m[3];
    let line: TextLine | undefined;
    if (rest.trim() !== '' && !rest.startsWith('#')) {
      const kv = /^([\w.\-/]+)\s*:(?:\s+(.*?))?\s*$/.exec(rest);
      const value = kv?.[2]?.replace(/\s+#.*$/, '').replace(/^(["'])(.*)\1$/, '$2');
      line = {
        index,
        indent: m[1].length + m[2].length,
        item: m[2].length > 0,
        key: kv?.[1],
        value: value === '' ? undefined : value,
      };
    }
    this.parsed.set(index, line);
    return line;
  }

  /** The line whose block holds this one (the nearest line above with a smaller content indent). */
  parent(line: TextLine): TextLine | undefined {
    for (let i = line.index - 1; i >= Math.max(0, line.index - MAX_SCAN); i--) {
      const l = this.lineAt(i);
      if (l && l.indent < line.indent) return l;
    }
    return undefined;
  }

  /** The keys of the mapping this line belongs to (its sequence item, if it is in one), this line included. */
  siblings(line: TextLine): TextLine[] {
    const out: TextLine[] = [line];
    if (!line.item) {
      for (let i = line.index - 1; i >= Math.max(0, line.index - MAX_SCAN); i--) {
        const l = this.lineAt(i);
        if (!l || l.indent > line.indent) continue;
        if (l.indent < line.indent) break;
        out.push(l);
        if (l.item) break;
      }
    }
    for (let i = line.index + 1; i < Math.min(this.lines.length, line.index + MAX_SCAN); i++) {
      const l = this.lineAt(i);
      if (!l || l.indent > line.indent) continue;
      if (l.indent < line.indent || l.item) break;
      out.push(l);
    }
    return out;
  }

  /** The value of a sibling key of this line, if written. */
  sibling(line: TextLine, key: string): string | undefined {
    return this.siblings(line).find((l) => l.key === key)?.value;
  }
}
