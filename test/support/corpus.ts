// The real-world corpus (../shared/corpus, see its EXPECTATIONS.md) lives beside our own checkout,
// not in the repository. Tests that read it skip with the reason when it is absent, so that a fresh
// clone passes `npm test`; CI sets KTL_REQUIRE_CORPUS=1, and then a missing corpus fails those tests
// instead, so CI can never pass by silently skipping them.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './cli';

/** Where the corpus is expected: beside the repository. */
export const CORPUS_DIR = path.resolve(REPO_ROOT, '../shared/corpus');

const present = fs.existsSync(path.join(CORPUS_DIR, 'EXPECTATIONS.md'));
const required = process.env.KTL_REQUIRE_CORPUS === '1';

/**
 * Options for a `test` or `describe` that reads the corpus: skipped, saying why, when the corpus is
 * absent and not required; otherwise run (and `corpusDir` fails it when the corpus is missing).
 */
export const needsCorpus: { skip: string | false } = {
  skip:
    present || required
      ? false
      : `the shared corpus is not at ${CORPUS_DIR} (set KTL_REQUIRE_CORPUS=1 to make this a failure)`,
};

/**
 * The corpus directory, or a path inside it; throws when the corpus is missing, so that a test run
 * with KTL_REQUIRE_CORPUS=1 fails with this message. Call it inside a test, never at module level.
 */
export function corpusDir(...segments: string[]): string {
  if (!present) {
    throw new Error(
      `the shared corpus is missing: expected ${path.join(CORPUS_DIR, 'EXPECTATIONS.md')}${required ? ' (KTL_REQUIRE_CORPUS=1 requires it)' : ''}`,
    );
  }
  return path.join(CORPUS_DIR, ...segments);
}
