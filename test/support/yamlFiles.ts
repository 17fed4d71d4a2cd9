// The YAML files under a directory, for tests that run over fixtures, examples or the corpus.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Every `.yaml`/`.yml` file below `dir` (none when it is absent), sorted; not inside .git or node_modules. */
export function yamlFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  const visit = (at: string) => {
    for (const entry of fs.readdirSync(at, { withFileTypes: true })) {
      const p = path.join(at, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && entry.name !== '.git') visit(p);
      } else if (entry.isFile() && /\.ya?ml$/i.test(entry.name)) out.push(p);
    }
  };
  visit(dir);
  return out.sort();
}
