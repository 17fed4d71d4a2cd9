// A preload (node --require, through NODE_OPTIONS) that makes the file system misbehave for chosen
// paths, for the hostile-input tests of the CLI: tests may run as root, where chmod 000 stops no
// read. KTL_FS_FAULTS is a JSON list of { path (absolute), fault }:
//   'eacces-read'     reading the file fails with EACCES (stat still works, as with mode 000);
//   'eacces-readdir'  listing the directory fails with EACCES;
//   'vanish'          the file (or directory) is deleted just before it is read (listed by the
//                     walk, gone when read: ENOENT, as when it is deleted mid-index).
// The module object itself (not an import namespace copy), so that the CLI sees the patches.
/* eslint-disable @typescript-eslint/no-require-imports -- see above: the patched object must be the module itself */
import fs = require('node:fs');
import path = require('node:path');

export const FS_FAULTS_ENV = 'KTL_FS_FAULTS';
export type FsFault = { path: string; fault: 'eacces-read' | 'eacces-readdir' | 'vanish' };

const faults: FsFault[] = JSON.parse(process.env[FS_FAULTS_ENV] ?? '[]') as FsFault[];

function errnoError(code: 'EACCES', syscall: string, p: fs.PathLike): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(`${code}: permission denied, ${syscall} '${String(p)}'`);
  err.code = code;
  err.errno = -13;
  err.syscall = syscall;
  err.path = String(p);
  return err;
}

const faultFor = (p: unknown, fault: FsFault['fault']) =>
  (typeof p === 'string' || p instanceof URL || Buffer.isBuffer(p)) &&
  faults.some((f) => f.fault === fault && path.resolve(String(p)) === f.path);

type AnyFn = (...args: unknown[]) => unknown;
const mutableFs = fs as unknown as Record<string, AnyFn> & { promises: Record<string, AnyFn> };

function wrap(name: string, syscall: string, fault: FsFault['fault']) {
  const original = mutableFs[name];
  mutableFs[name] = function (this: unknown, ...args: unknown[]) {
    if (faultFor(args[0], fault)) throw errnoError('EACCES', syscall, args[0] as fs.PathLike);
    return original.apply(this, args);
  };
  const originalAsync = mutableFs.promises[name];
  if (originalAsync) {
    mutableFs.promises[name] = async function (this: unknown, ...args: unknown[]) {
      if (faultFor(args[0], fault)) throw errnoError('EACCES', syscall, args[0] as fs.PathLike);
      return originalAsync.apply(this, args);
    };
  }
}

wrap('readFileSync', 'open', 'eacces-read');
wrap('openSync', 'open', 'eacces-read');
wrap('readdirSync', 'scandir', 'eacces-readdir');
wrap('opendirSync', 'opendir', 'eacces-readdir');

// 'vanish': the file or directory is deleted when it is about to be read, after the walk has
// listed (and stat'ed) it, so the read fails with a real ENOENT.
for (const name of ['readFileSync', 'openSync', 'readdirSync', 'opendirSync']) {
  const original = mutableFs[name];
  mutableFs[name] = function (this: unknown, ...args: unknown[]) {
    const p = args[0];
    if (typeof p === 'string' && faults.some((f) => f.fault === 'vanish' && f.path === path.resolve(p)))
      fs.rmSync(p, { force: true, recursive: true });
    return original.apply(this, args);
  };
}
