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
  let target = file;
  let flags = fs.constants.O_RDONLY | O_NONBLOCK;
  if (!options.followLinks) {
    if (fs.lstatSync(file).isSymbolicLink()) {
      if (options.linksWithin === undefined) throw fileError('ELOOP', 'a symbolic link, not followed', file);
      target = fs.realpathSync(file);
      if (!isInside(target, fs.realpathSync(options.linksWithin)))
        throw fileError('ELOOP', 'a symbolic link out of its directory, not followed', file);
    }
    flags |= O_NOFOLLOW; // the target (or the link resolved above) must not turn into a link meanwhile
  }
  const fd = fs.openSync(target, flags);
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw fileError('ENOTREG', 'not a regular file', file);
    if (stat.size > maxBytes) return { size: stat.size, buffer: undefined };
    // Read what fstat announced, no more: a file growing meanwhile is read up to its size then.
    const buffer = Buffer.allocUnsafe(stat.size);
    let read = 0;
    while (read < stat.size) {
      const n = fs.readSync(fd, buffer, read, stat.size - read, read);
      if (n === 0) break;
      read += n;
    }
    return { size: stat.size, buffer: read === stat.size ? buffer : buffer.subarray(0, read) };
  } finally {
    fs.closeSync(fd);
  }
}

/** readRegularFile for a file that must fit: over the cap is an error (EFBIG). */
export function readRegularFileWithin(file: string, maxBytes: number, options: SafeReadOptions = {}): Buffer {
  const read = readRegularFile(file, maxBytes, options);
  if (read.buffer === undefined)
    throw fileError('EFBIG', `${read.size} bytes is over the ${maxBytes}-byte limit`, file);
  return read.buffer;
}
