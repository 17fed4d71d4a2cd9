// The secret that signs cache entries (analysisCache.ts). It lives outside every cache directory,
// so that whoever can write a cache directory (a shared CI cache, a restored archive, another user)
// cannot forge an entry that the tool would trust: a forged or damaged entry fails its check and
// is rebuilt. Taken from KUBE_TRAFFIC_LENS_CACHE_KEY when set (CI: a secret, so that a cache
// restored on a fresh runner still verifies), else from a file in the user's state directory,
// created on first use with 32 random bytes, readable by the user only.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isInside, readRegularFileWithin } from './safeRead';

export const CACHE_KEY_ENV = 'KUBE_TRAFFIC_LENS_CACHE_KEY';
const KEY_FILE = 'cache.key';
const MIN_KEY_LENGTH = 16;

/** The user's directory for state that is not a cache (not shared, not restored by CI cache steps). */
export function stateDirectory(): string {
  if (process.env.XDG_STATE_HOME) return path.join(process.env.XDG_STATE_HOME, 'kube-traffic-lens');
  if (process.platform === 'win32' && process.env.LOCALAPPDATA)
    return path.join(process.env.LOCALAPPDATA, 'kube-traffic-lens');
  if (process.platform === 'darwin')
    return path.join(os.homedir(), 'Library', 'Application Support', 'kube-traffic-lens');
  return path.join(os.homedir(), '.local', 'state', 'kube-traffic-lens');
}

/**
 * The key for a cache in cacheDir, or an error saying why there is none (then the cache is not
 * used: an unsigned cache could be forged).
 */
export function cacheKey(cacheDir: string): Buffer | Error {
  const fromEnv = process.env[CACHE_KEY_ENV];
  if (fromEnv !== undefined && fromEnv !== '') {
    return fromEnv.length >= MIN_KEY_LENGTH
      ? Buffer.from(fromEnv, 'utf8')
      : new Error(`${CACHE_KEY_ENV} is shorter than ${MIN_KEY_LENGTH} characters`);
  }
  const dir = stateDirectory();
  const file = path.join(dir, KEY_FILE);
  if (isInside(path.resolve(file), path.resolve(cacheDir)))
    return new Error('the key file would be inside the cache directory');
  try {
    return readKey(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return err as Error;
  }
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, randomBytes(32).toString('hex'), { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return err as Error; // EEXIST: a concurrent run made it
  }
  try {
    return readKey(file);
  } catch (err) {
    return err as Error;
  }
}

function readKey(file: string): Buffer {
  const key = readRegularFileWithin(file, 1024);
  if (key.length < MIN_KEY_LENGTH) throw new Error(`${file} holds no key`);
  return key;
}
