// Reads manifests from disk for the CLI (and the language server's initial index): walks the roots,
// skips .git, node_modules, excluded globs, symlinks (never followed: no loops, nothing outside the
// workspace) and oversized files. Paths are returned relative to `base`, with posix separators.
// The file system may change under the walk: a file or directory that is gone by the time it is
// read (ENOENT) is skipped silently, one that cannot be read (EACCES, EIO, ...) is skipped and
// reported in `unreadable`; neither stops the rest of the workspace from being read.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseConfigFile, type AnalysisConfig } from '../engine/config';
import { compileGlob } from '../engine/glob';
import { isKustomizationFile, KUSTOMIZATION_FILE_NAMES, readKustomization } from '../engine/kustomize';
import { flatString } from '../engine/yamlTree';
import { parseYaml } from '../engine/syntax';
import type { SkippedFile, WorkspaceFile } from '../engine/workspace';
import { readListedFile, readListedFiles, type FileOutcome } from './parallelRead';
import { readRegularFileWithin } from './safeRead';

export const CONFIG_FILE_NAME = '.kube-traffic-lens.yaml';
/** The cache directory tag (https://bford.info/cachedir/); the analysis cache writes one. */
export const CACHEDIR_TAG = 'CACHEDIR.TAG';
const SKIPPED_DIRS = new Set(['.git', 'node_modules', '.hg', '.svn']);
const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

export interface ReadResult {
  readonly files: WorkspaceFile[];
  readonly skipped: SkippedFile[];
  /** Files and directories that exist but could not be read (permissions, I/O errors); `error` is short ("EACCES: permission denied"). */
  readonly unreadable: { path: string; error: string }[];
}

export function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

export function isManifestName(name: string): boolean {
  return MANIFEST_EXTENSIONS.has(path.extname(name).toLowerCase()) || name === 'Kustomization';
}

export interface ReadOptions {
  readonly base: string;
  readonly config: AnalysisConfig;
  readonly onProgress?: (filesSeen: number) => void;
}

/**
 * An absolute path of a manifest to read, found by `listManifests`. Its size is checked when it is
 * read, on the open descriptor: the listing makes no system call per file.
 */
export interface ManifestEntry {
  readonly absolutePath: string;
}

/**
 * Walks the roots (absolute directories) and lists the manifest files, without reading them, so
 * that the language server can read them in batches and report progress. A directory that cannot
 * be read is reported through `onUnreadable` and skipped; one that vanished is skipped silently.
 */
export function listManifests(
  roots: readonly string[],
  config: AnalysisConfig,
  onUnreadable?: (dir: string, error: string) => void,
): ManifestEntry[] {
  const out: ManifestEntry[] = [];
  // Without exclude globs no entry's relative path is needed.
  const isExcluded = config.exclude.length > 0 ? excluder(config.exclude) : undefined;
  for (const root of roots) {
    const stack = [root];
    while (stack.length) {
      const dir = stack.pop()!;
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
      } catch (err) {
        if (!isGone(err)) onUnreadable?.(dir, describeError(err));
        continue;
      }
      // A tagged cache directory (ours, or any tool's) holds no manifests.
      if (entries.some((e) => e.name === CACHEDIR_TAG && e.isFile())) continue;
      for (const e of entries) {
        // Dirent types come from lstat: symbolic links are neither, so they are never followed.
        if (e.isDirectory()) {
          if (SKIPPED_DIRS.has(e.name)) continue;
          const abs = path.join(dir, e.name);
          if (!isExcluded?.(toPosix(path.relative(root, abs)), true)) stack.push(abs);
        } else if (e.isFile() && isManifestName(e.name)) {
          const abs = path.join(dir, e.name);
          if (!isExcluded?.(toPosix(path.relative(root, abs)), false)) out.push({ absolutePath: abs });
        }
      }
    }
  }
  return out.sort((a, b) => (a.absolutePath < b.absolutePath ? -1 : 1));
}

/**
 * Whether `listManifests` would list this file: inside one of the roots, a manifest by name, not
 * under a skipped directory (.git, node_modules) or an excluded glob, and reached without a
 * symbolic link. The language server applies it to watched-file events and opened documents, so
 * that what it analyses after an edit is what indexing would have read.
 */
export function isListedManifest(absolutePath: string, roots: readonly string[], config: AnalysisConfig): boolean {
  if (!isManifestName(path.basename(absolutePath))) return false;
  const root = roots.find((r) => absolutePath.startsWith(r.endsWith(path.sep) ? r : `${r}${path.sep}`));
  if (root === undefined) return false;
  const parts = path.relative(root, absolutePath).split(path.sep);
  if (parts.some((part) => SKIPPED_DIRS.has(part))) return false;
  const isExcluded = excluder(config.exclude);
  for (let i = 1; i < parts.length; i++) if (isExcluded(parts.slice(0, i).join('/'), true)) return false;
  if (isExcluded(parts.join('/'), false)) return false;
  // A link anywhere on the way is not followed by the walk (no loops, nothing outside the root),
  // and a tagged cache directory on the way is not walked into.
  let current = root;
  for (const part of parts) {
    if (fs.existsSync(path.join(current, CACHEDIR_TAG))) return false;
    current = path.join(current, part);
    try {
      if (fs.lstatSync(current).isSymbolicLink()) return false;
    } catch {
      return true; // deleted: the caller drops it as gone
    }
  }
  return true;
}

/**
 * Reads every manifest under the roots (files or directories). A root that is missing, neither a
 * regular file nor a directory, cannot be read, or holds only unreadable entries throws (with a
 * `code` and `path`): the caller reports bad usage. A root named by the user may be a link.
 */
export function readWorkspace(roots: readonly string[], options: ReadOptions): ReadResult {
  const result: ReadResult = { files: [], skipped: [], unreadable: [] };
  const seen = new Set<string>();
  for (const root of roots) {
    const absRoot = path.resolve(options.base, root);
    const stat = fs.statSync(absRoot); // throws ENOENT for the caller
    if (stat.isFile()) {
      readOne(absRoot, options, result, seen, true);
      continue;
    }
    if (!stat.isDirectory()) throw rootError('ENOTREG', 'not a regular file or directory', root);
    const before = { files: result.files.length + result.skipped.length, unreadable: result.unreadable.length };
    let rootUnreadable: string | undefined;
    const onUnreadable = (dir: string, error: string) => {
      if (dir === absRoot) rootUnreadable = error;
      else result.unreadable.push({ path: rel(options.base, dir), error });
    };
    const entries = listManifests([absRoot], options.config, onUnreadable);
    if (rootUnreadable !== undefined) throw rootError(rootUnreadable.split(':')[0], rootUnreadable, root);
    // Synchronous, with a worker thread reading part of a long list (parallelRead.ts); outcomes
    // are recorded in the list's order.
    const paths = entries.map((e) => e.absolutePath);
    readListedFiles(paths, options.config.maxFileSize, (i, outcome) =>
      record(paths[i], outcome, options, result, seen),
    );
    // A path that yields nothing to analyse was almost certainly not meant (a typo, /proc/self, a
    // directory of unreadable files): the run fails closed rather than pass on nothing.
    if (result.files.length + result.skipped.length === before.files) {
      throw rootError(
        'ENOENT',
        result.unreadable.length > before.unreadable
          ? 'no readable file in it'
          : 'no manifest (*.yaml, *.yml, *.json) in it',
        root,
      );
    }
  }
  followKustomizations(options, result, seen);
  // After following, so that the enclosing builds' other entries stay unread: the analysis then
  // knows their resources are applied with the roots', and does not judge what they may hold.
  readEnclosingKustomizations(roots, options, result, seen);
  result.files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return result;
}

function rootError(code: string, text: string, root: string): NodeJS.ErrnoException {
  return Object.assign(new Error(text), { code, path: root, description: text });
}

/** At most this many files are read beyond the roots by following kustomizations. */
const MAX_FOLLOWED_FILES = 2000;

/**
 * An overlay given alone is built by kustomize with its bases (`../base`) and patches: read what
 * each kustomization read lists (a base directory's kustomization, then what that lists, ...)
 * when it lies outside the roots, so that the overlay is analysed as kustomize renders it.
 */
function followKustomizations(options: ReadOptions, result: ReadResult, seen: Set<string>): void {
  const queue = result.files.filter((f) => isKustomizationFile(f.path));
  let followed = 0;
  while (queue.length > 0 && followed < MAX_FOLLOWED_FILES) {
    const file = queue.shift()!;
    const k = readKustomization(file.path, parseYaml(file.text));
    if (!k) continue;
    const listed = [
      ...k.entries,
      ...k.patchFiles,
      ...k.configFiles,
      ...k.replacements.flatMap((r) => ('file' in r ? [r.file] : [])),
    ];
    for (const entry of listed) {
      const abs = path.resolve(options.base, entry);
      let stat: fs.Stats;
      try {
        stat = fs.statSync(abs);
      } catch {
        continue; // missing: the analysis sees the kustomization as not building
      }
      const file = stat.isDirectory() ? kustomizationFileIn(abs) : abs;
      if (file === undefined || seen.has(rel(options.base, file))) continue;
      const before = result.files.length;
      readOne(file, options, result, seen, false);
      followed++;
      if (result.files.length > before && isKustomizationFile(file)) queue.push(result.files[result.files.length - 1]);
    }
  }
}

/** The kustomization file of a directory, if it has one (kustomize reads the first of the names). */
function kustomizationFileIn(dir: string): string | undefined {
  for (const name of KUSTOMIZATION_FILE_NAMES) {
    const file = path.join(dir, name);
    if (fs.existsSync(file)) return file;
  }
  return undefined;
}

/** At most this many directories are climbed from a root toward the base. */
const MAX_ENCLOSING_DEPTH = 32;

/**
 * A root inside a kustomize tree (`check manifests/base/dex`, where `manifests/base` builds dex with
 * its siblings) is applied with what the enclosing kustomizations list: read the kustomization files
 * of the directories above each root, up to the base (the working directory), and no more.
 */
function readEnclosingKustomizations(
  roots: readonly string[],
  options: ReadOptions,
  result: ReadResult,
  seen: Set<string>,
): void {
  for (const root of roots) {
    let dir = path.resolve(options.base, root);
    for (let depth = 0; depth < MAX_ENCLOSING_DEPTH; depth++) {
      const parent = path.dirname(dir);
      const fromBase = path.relative(options.base, parent);
      if (parent === dir || fromBase.startsWith('..') || path.isAbsolute(fromBase)) break;
      dir = parent;
      const file = kustomizationFileIn(dir);
      if (file) readOne(file, options, result, seen, false);
    }
  }
}

function readOne(abs: string, options: ReadOptions, result: ReadResult, seen: Set<string>, named: boolean) {
  if (seen.has(rel(options.base, abs))) return;
  // Named by the user: links are followed, and a failure is the caller's to report.
  const outcome = readListedFile(abs, options.config.maxFileSize, { followLinks: named });
  if (named && outcome.kind === 'failed') throw Object.assign(outcome.error, { path: rel(options.base, abs) });
  record(abs, outcome, options, result, seen);
}

/**
 * A file's read, recorded: its text, its size when it is over the cap, or (found by the walk, never
 * through a link: a file swapped for one, or for a FIFO, after the listing is refused on the
 * descriptor) why it could not be read. The bytes are decoded before the next read reuses them.
 */
function record(abs: string, outcome: FileOutcome, options: ReadOptions, result: ReadResult, seen: Set<string>) {
  const relPath = rel(options.base, abs);
  if (seen.has(relPath)) return;
  seen.add(relPath);
  if (outcome.kind === 'tooLarge') {
    result.skipped.push({ path: relPath, size: outcome.size });
  } else if (outcome.kind === 'read') {
    result.files.push({ path: relPath, text: decode(outcome.bytes) });
    options.onProgress?.(result.files.length);
  } else if (!isGone(outcome.error)) {
    // Listed but deleted before it was read: it is not part of the workspace any more.
    result.unreadable.push({ path: relPath, error: describeError(outcome.error) });
  }
}

function isGone(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** "EACCES: permission denied" from Node's "EACCES: permission denied, open '/abs/path'": no absolute path. */
export function describeError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const text = String((err as Error | undefined)?.message ?? err).split('\n')[0];
  if (!code) return text;
  return text.startsWith(`${code}: `) ? text.replace(/, \w+ '.*'$/, '') : code;
}

/**
 * Text by its byte-order mark: UTF-16 (little or big endian) when it starts with one, else UTF-8;
 * the mark removed. Invalid sequences become U+FFFD rather than failing the file. (Editors save
 * UTF-16 with a BOM; UTF-16 without one is not YAML 1.2's to guess and reads as binary.)
 */
export function decode(buffer: Buffer): string {
  if (buffer.length >= 2 && buffer[0] === 0xff && buffer[1] === 0xfe) return buffer.subarray(2).toString('utf16le');
  if (buffer.length >= 2 && buffer[0] === 0xfe && buffer[1] === 0xff) {
    const swapped = Buffer.from(buffer.subarray(2, buffer.length - (buffer.length % 2)));
    return swapped.swap16().toString('utf16le');
  }
  const text = buffer.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function rel(base: string, abs: string): string {
  // The walk's paths lie under the base: the prefix cut off (path.relative and the separator
  // split were a fifth of reading 100,000 files), as a flat copy (a slice would keep the absolute
  // path alive as long as the file's path). Anything else, and Windows, the general way.
  if (path.sep === '/' && path.isAbsolute(base)) {
    const prefix = base.endsWith('/') ? base : `${base}/`;
    if (abs.startsWith(prefix) && !abs.includes('/.', prefix.length - 1) && !abs.includes('//')) {
      return abs.length === prefix.length ? '.' : flatString(abs.slice(prefix.length));
    }
  }
  const r = toPosix(path.relative(base, abs));
  return r === '' ? '.' : r;
}

function excluder(globs: readonly string[]): (relPath: string, isDir: boolean) => boolean {
  if (globs.length === 0) return () => false;
  // Linear-time matching (engine/glob.ts); patterns over its limits were refused with the settings.
  const matchers = globs.flatMap((g) => {
    try {
      return [compileGlob(g.replace(/\/$/, ''))];
    } catch {
      return [];
    }
  });
  return (relPath, isDir) => matchers.some((m) => m(relPath) || (isDir && m(`${relPath}/`)));
}

/** The `.kube-traffic-lens.yaml` of the first root that has one (or an explicit --config file). */
export function loadConfig(
  roots: readonly string[],
  base: string,
  explicit: string | undefined,
  start: AnalysisConfig,
): { config: AnalysisConfig; file?: string; problems: string[] } {
  const problems: string[] = [];
  const candidates = explicit
    ? [path.resolve(base, explicit)]
    : roots
        .map((r) => path.resolve(base, r))
        .map((r) => (isDirectory(r) ? path.join(r, CONFIG_FILE_NAME) : path.join(path.dirname(r), CONFIG_FILE_NAME)));
  for (const file of candidates) {
    let text: string;
    try {
      text = explicit
        ? decode(readRegularFileWithin(file, MAX_CONFIG_SIZE, { followLinks: true }))
        : readConfigFile(file, path.dirname(file));
    } catch (err) {
      if (explicit) throw err;
      if (!isGone(err)) problems.push(`${rel(base, file)}: not read (${describeError(err)})`);
      continue;
    }
    const parsed = parseConfigFile(text, start);
    for (const p of parsed.problems) problems.push(`${rel(base, file)}: ${p.message}`);
    return { config: parsed.config, file, problems };
  }
  return { config: start, problems };
}

/** A settings file is small; anything larger is not one (and is not read whole). */
export const MAX_CONFIG_SIZE = 1024 * 1024;

/**
 * The text of a repository's `.kube-traffic-lens.yaml`: a regular file of at most MAX_CONFIG_SIZE,
 * through a link only if it stays inside root (a link to /dev/zero or a FIFO is committable to
 * git). Throws ENOENT when there is none, another code when it cannot be read.
 */
export function readConfigFile(file: string, root: string): string {
  return decode(readRegularFileWithin(file, MAX_CONFIG_SIZE, { linksWithin: root }));
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
