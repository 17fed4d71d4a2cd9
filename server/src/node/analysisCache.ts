// The persistent cache (`check --cache DIR`, and the language server in the extension's storage).
// Two layers, both keyed by content hashes and by the engine that wrote them (any other build of
// the tool ignores the cache, since a fix in the parser or a rule changes results):
//
// - parse cache: each file's syntax tree by the SHA-1 of its text, so that an unchanged file is
//   read back instead of parsed. Entries not used by a run are dropped when it saves, so the
//   cache holds one workspace's files, not every version ever seen.
// - result cache: the diagnostics of a whole run, by a fingerprint of the engine, the settings and
//   every file's path and hash. Diagnostics are cross-file (a Service's finding depends on a
//   Deployment elsewhere), so results are reused only when nothing at all changed.
//
// The cache is an optimisation: a missing, unreadable, corrupt or unwritable cache is rebuilt or
// ignored, never an error. Writes go to a temporary file renamed into place, so a concurrent or
// interrupted run leaves either the old cache or the new one.
//
// Integrity: the fingerprint that validates a result lives in the same file as the result, so
// anyone who can write the directory could otherwise make a failing run pass. Each file is signed:
// `{"mac":"<HMAC-SHA256>","body":<entry>}`, the HMAC over the format, the engine build, the file's
// name and the body's exact text, with a key kept outside the cache directory (cacheKey.ts). A
// mismatch of any kind is a miss and a rebuild; without a key the cache is not used.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Analysis, AnalysisConfig, Diagnostic } from '../engine';
import { decodeParsedFile, encodeParsedFile, type EncodedParsedFile } from '../engine/parsedCodec';
import { parseYaml, type ParsedFile } from '../engine/syntax';
import type { FileParser, SkippedFile, WorkspaceFile } from '../engine/workspace';
import { cacheKey } from './cacheKey';
import { CACHEDIR_TAG } from './readWorkspace';
import { readRegularFileWithin } from './safeRead';

const FORMAT = 1;
const PARSE_FILE = 'parse-v1.json';
const RESULT_FILE = 'result-v1.json';
/** No cache file is larger (a 20,003-resource workspace's parse cache is far below it). */
const MAX_CACHE_FILE_SIZE = 1024 * 1024 * 1024;

/** What a whole run produced, enough to print it again in any format. */
export interface CachedResult {
  readonly diagnostics: readonly Diagnostic[];
  readonly ruleFailures: readonly { rule: string; resource: string; error: string }[];
  /** Source documents that are resources (the summary line's count). */
  readonly resourceCount: number;
}

/** The part of an analysis the result cache keeps. */
export function cachedResultOf(analysis: Analysis): CachedResult {
  const resourceCount = new Set(analysis.workspace.resources.map((r) => `${r.file}#${r.docIndex}.${r.itemIndex ?? ''}`))
    .size;
  return { diagnostics: analysis.diagnostics, ruleFailures: analysis.ruleFailures, resourceCount };
}

export function contentHash(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

let ownEngineKey: string | undefined;

/**
 * Identifies the running build: the hash of the bundle (or module) this code was loaded from, so a
 * new version, or a local rebuild, never reads results an older engine wrote.
 */
export function engineKey(): string {
  if (ownEngineKey === undefined) {
    let source: string;
    try {
      source = fs.readFileSync(__filename, 'utf8');
    } catch {
      source = String(Date.now()); // unknown build: never match a cache
    }
    ownEngineKey = contentHash(source);
  }
  return ownEngineKey;
}

export class AnalysisCache {
  private parseEntries: Record<string, EncodedParsedFile> | undefined;
  private readonly used = new Map<string, EncodedParsedFile>();
  private changed = false;
  /** Each text's hash for this run: the fingerprint, the parse cache and the saved result all need it. */
  private hashes = new Map<string, string>();
  /** Files read back from the cache and files parsed, in this run. */
  hits = 0;
  misses = 0;
  /** Why the cache could not be written, if it could not (reported once by the adapter). */
  writeError: string | undefined;

  /** The signing key, or undefined when there is none (then nothing is read or written). */
  private readonly key: Buffer | undefined;

  constructor(
    readonly dir: string,
    private readonly engine: string = engineKey(),
    key: Buffer | Error = cacheKey(dir),
  ) {
    if (key instanceof Error) this.writeError = `no signing key: ${key.message}`;
    else this.key = key;
  }

  /** The fingerprint of a run: engine, settings, and every file by path and content hash. */
  fingerprint(files: readonly WorkspaceFile[], skipped: readonly SkippedFile[], config: AnalysisConfig): string {
    const h = createHash('sha256');
    h.update(`${FORMAT}\0${this.engine}\0${JSON.stringify(config)}\0`);
    for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)))
      h.update(`${f.path}\0${this.hashOf(f.text)}\0`);
    for (const s of [...skipped].sort((a, b) => (a.path < b.path ? -1 : 1)))
      h.update(`skipped\0${s.path}\0${s.size}\0`);
    return h.digest('hex');
  }

  loadResult(fingerprint: string): CachedResult | undefined {
    const data = this.readJson(RESULT_FILE);
    if (!isRecord(data) || data.format !== FORMAT || data.engine !== this.engine || data.fingerprint !== fingerprint)
      return undefined;
    const result = data.result;
    if (
      !isRecord(result) ||
      !Array.isArray(result.diagnostics) ||
      !Array.isArray(result.ruleFailures) ||
      typeof result.resourceCount !== 'number'
    )
      return undefined;
    return result as unknown as CachedResult;
  }

  saveResult(fingerprint: string, result: CachedResult): void {
    this.writeJson(RESULT_FILE, { format: FORMAT, engine: this.engine, fingerprint, result });
  }

  /** A parser that reads unchanged files back from the cache and records the rest. */
  parser(): FileParser {
    return (file) => this.parse(file.text);
  }

  private hashOf(text: string): string {
    let hash = this.hashes.get(text);
    if (hash === undefined) this.hashes.set(text, (hash = contentHash(text)));
    return hash;
  }

  parse(text: string): ParsedFile {
    const hash = this.hashOf(text);
    const stored = this.used.get(hash) ?? this.storedEntries()[hash];
    if (stored !== undefined) {
      let parsed: ParsedFile | undefined;
      try {
        parsed = decodeParsedFile(stored);
      } catch {
        parsed = undefined; // refused like any damaged entry
      }
      if (parsed && fitsText(parsed, text.length)) {
        this.hits++;
        this.used.set(hash, stored);
        return parsed;
      }
    }
    this.misses++;
    const parsed = parseYaml(text);
    this.used.set(hash, encodeParsedFile(parsed));
    this.changed = true;
    return parsed;
  }

  /** Writes the parse cache when this run parsed something new or stopped using an entry. */
  saveParsed(): void {
    this.hashes = new Map(); // the run is over: do not keep its texts
    const stored = this.parseEntries ?? {};
    const dropped = Object.keys(stored).some((hash) => !this.used.has(hash));
    if (!this.changed && !dropped) return;
    this.writeJson(PARSE_FILE, { format: FORMAT, engine: this.engine, entries: Object.fromEntries(this.used) });
    this.parseEntries = Object.fromEntries(this.used);
    this.changed = false;
  }

  private storedEntries(): Record<string, EncodedParsedFile> {
    if (this.parseEntries === undefined) {
      const data = this.readJson(PARSE_FILE);
      this.parseEntries =
        isRecord(data) && data.format === FORMAT && data.engine === this.engine && isRecord(data.entries)
          ? (data.entries as Record<string, EncodedParsedFile>)
          : {};
    }
    return this.parseEntries;
  }

  private mac(name: string, body: string): Buffer {
    return createHmac('sha256', this.key!).update(`${FORMAT}\0${this.engine}\0${name}\0`).update(body).digest();
  }

  private readJson(name: string): unknown {
    if (!this.key) return undefined;
    try {
      // A regular file, not a link, of bounded size: a cache entry replaced by a FIFO or a link to
      // /dev/zero is a miss, not a hang.
      const text = readRegularFileWithin(path.join(this.dir, name), MAX_CACHE_FILE_SIZE).toString('utf8');
      const m = SIGNED.exec(text.slice(0, SIGNED_PREFIX_LENGTH));
      if (!m || !text.endsWith('}')) return undefined;
      const body = text.slice(SIGNED_PREFIX_LENGTH, -1);
      if (!timingSafeEqual(Buffer.from(m[1], 'hex'), this.mac(name, body))) return undefined; // forged or damaged
      return JSON.parse(body);
    } catch {
      return undefined; // missing or damaged: rebuilt by this run
    }
  }

  private writeJson(name: string, data: unknown): void {
    const target = path.join(this.dir, name);
    // Created exclusively under a random name ('wx': never through a link planted in a shared
    // cache directory, never over another run's file), then renamed over the entry.
    const temporary = `${target}.${randomBytes(12).toString('hex')}.tmp`;
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      if (!this.key) return;
      markAsCache(this.dir);
      const body = JSON.stringify(data);
      fs.writeFileSync(temporary, `{"mac":"${this.mac(name, body).toString('hex')}","body":${body}}`, {
        flag: 'wx',
        mode: 0o600,
      });
      fs.renameSync(temporary, target);
    } catch (err) {
      this.writeError ??= `${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
      try {
        fs.rmSync(temporary, { force: true });
      } catch {
        // nothing more to clean up
      }
    }
  }
}

/**
 * Tags the directory as a cache (https://bford.info/cachedir/): backup tools skip it, and so does
 * the walk for manifests (readWorkspace), so that a cache kept inside the analysed tree (`--cache
 * .ktl-cache`) is never read as JSON manifests.
 */
function markAsCache(dir: string): void {
  try {
    fs.writeFileSync(
      path.join(dir, CACHEDIR_TAG),
      'Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by kube-traffic-lens.\n',
      { flag: 'wx', mode: 0o644 },
    );
  } catch {
    // already tagged, or not writable (then the entry write below says so)
  }
}

/** A signed file starts with its MAC, then the body's text, then `}`. */
const SIGNED = /^\{"mac":"([0-9a-f]{64})","body":$/;
const SIGNED_PREFIX_LENGTH = '{"mac":"","body":'.length + 64;

/** A cached tree whose spans run past the text belongs to some other text (a hash collision or a damaged entry). */
function fitsText(parsed: ParsedFile, length: number): boolean {
  return parsed.documents.every((d) => d.span.end <= length) && parsed.problems.every((p) => p.span.end <= length);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
