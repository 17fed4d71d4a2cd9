// Reading a file from a directory someone else may control (a repository, a shared cache): only a
// regular file is read, never more than a size cap, and a symbolic link is followed only when it
// stays inside a given directory. The checks are made on the open descriptor (fstat), so a FIFO,
// /dev/zero or a file swapped between a check and the read cannot hang the process or fill memory:
// the file is opened non-blocking (opening a FIFO returns at once) and without following a final
// link (O_NOFOLLOW; where the platform lacks it, the link was resolved and checked first).
import * as fs from 'node:fs';
import * as path from 'node:path';

/** What was read: the bytes, or only the size when it is over the cap. */
export type RegularFileRead =
  { readonly size: number; readonly buffer: Buffer } | { readonly size: number; readonly buffer: undefined };

export interface SafeReadOptions {
  /** A symbolic link is followed only when it resolves inside this directory; without it, never. */
  readonly linksWithin?: string;
  /** Follow symbolic links anywhere (a path the user named on the command line). */
  readonly followLinks?: boolean;
}

const O_NONBLOCK = fs.constants.O_NONBLOCK ?? 0;
const O_NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;

/** An error with a code, as Node's own file system errors have (describeError shows the code and text). */
function fileError(code: string, text: string, file: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${text}, open '${file}'`), { code, path: file });
}

/** Whether child is dir or lies under it (both absolute, resolved). */
export function isInside(child: string, dir: string): boolean {
  const rel = path.relative(dir, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Reads a regular file of at most maxBytes. Throws ENOTREG for anything else (a directory, FIFO,
 * device, socket), ELOOP for a link not to be followed, ENOENT when it is gone.
 */
export function readRegularFile(file: string, maxBytes: number, options: SafeReadOptions = {}): RegularFileRead {
  const fd = openRegular(file, options);
  try {
    const size = checkedSize(fd, file);
    if (size > maxBytes) return { size, buffer: undefined };
    const buffer = Buffer.allocUnsafe(size);
    const read = readAll(fd, buffer, size);
    return { size, buffer: read === size ? buffer : buffer.subarray(0, read) };
  } finally {
    fs.closeSync(fd);
  }
}

/** Files up to this size are read into one buffer reused from read to read. */
const SCRATCH_MAX = 1024 * 1024;
let scratch = Buffer.allocUnsafe(64 * 1024);

/**
 * readRegularFile for a caller that decodes the bytes at once (the walk over a workspace): the
 * bytes are a view of a buffer that the next call overwrites, so reading a file allocates nothing
 * but its text. Opening, checks and limits are readRegularFile's.
 */
export function readRegularFileTransient(
  file: string,
  maxBytes: number,
  options: SafeReadOptions = {},
): RegularFileRead {
  const fd = openRegular(file, options);
  try {
    const size = checkedSize(fd, file);
    if (size > maxBytes) return { size, buffer: undefined };
    let buffer: Buffer;
    if (size <= scratch.length) buffer = scratch;
    else if (size <= SCRATCH_MAX) buffer = scratch = Buffer.allocUnsafe(Math.max(size, scratch.length * 2));
    else buffer = Buffer.allocUnsafe(size);
    const read = readAll(fd, buffer, size);
    return { size, buffer: buffer.subarray(0, read) };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Opens a file for reading, non-blocking (a FIFO cannot hang the open), without following a final
 * link unless asked. Where the platform has O_NOFOLLOW and no link may be followed, the open alone
 * refuses a link (no lstat before it: one system call less per file).
 */
function openRegular(file: string, options: SafeReadOptions): number {
  let target = file;
  let flags = fs.constants.O_RDONLY | O_NONBLOCK;
  if (!options.followLinks) {
    if (O_NOFOLLOW !== 0 && options.linksWithin === undefined) {
      try {
        return fs.openSync(file, flags | O_NOFOLLOW);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ELOOP')
          throw fileError('ELOOP', 'a symbolic link, not followed', file);
        throw err;
      }
    }
    if (fs.lstatSync(file).isSymbolicLink()) {
      if (options.linksWithin === undefined) throw fileError('ELOOP', 'a symbolic link, not followed', file);
      target = fs.realpathSync(file);
      if (!isInside(target, fs.realpathSync(options.linksWithin)))
        throw fileError('ELOOP', 'a symbolic link out of its directory, not followed', file);
    }
    flags |= O_NOFOLLOW; // the target (or the link resolved above) must not turn into a link meanwhile
  }
  return fs.openSync(target, flags);
}

/** The size of the open file, which must be a regular file (checked on the descriptor). */
function checkedSize(fd: number, file: string): number {
  const stat = fs.fstatSync(fd);
  if (!stat.isFile()) throw fileError('ENOTREG', 'not a regular file', file);
  return stat.size;
}

/** Reads what fstat announced, no more: a file growing meanwhile is read up to its size then. */
function readAll(fd: number, buffer: Buffer, size: number): number {
  let read = 0;
  while (read < size) {
    const n = fs.readSync(fd, buffer, read, size - read, read);
    if (n === 0) break;
    read += n;
  }
  return read;
}

/** readRegularFile for a file that must fit: over the cap is an error (EFBIG). */
export function readRegularFileWithin(file: string, maxBytes: number, options: SafeReadOptions = {}): Buffer {
  const read = readRegularFile(file, maxBytes, options);
  if (read.buffer === undefined)
    throw fileError('EFBIG', `${read.size} bytes is over the ${maxBytes}-byte limit`, file);
  return read.buffer;
}
