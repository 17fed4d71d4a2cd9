// Reads expectations written inside fixture YAML as comments under the text they judge:
//
//   selector:
//     app: biling
//   # ^^^^^^^^^^^ warning: service-selector-orphaned -- matches no pod template
//
// The carets mark columns on the nearest line above that is not an annotation. The optional text
// after `--` must occur in the message. A fixture without annotations expects no diagnostics.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface Expectation {
  readonly file: string;
  readonly line: number; // 1-based
  readonly column: number; // 1-based
  readonly endColumn: number; // 1-based, exclusive
  readonly severity: string;
  readonly rule: string;
  readonly messageIncludes: string | undefined;
}

const ANNOTATION = /^(\s*)#(\s*)(\^+)\s+(error|warning|info|hint):\s+([a-z0-9-]+)(?:\s+--\s+(.*))?\s*$/;

export function readExpectations(file: string, displayPath: string): Expectation[] {
  const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/);
  const out: Expectation[] = [];
  let target = -1;
  lines.forEach((text, i) => {
    const m = ANNOTATION.exec(text);
    if (!m) {
      target = i;
      return;
    }
    const column = m[1].length + 1 + m[2].length + 1;
    out.push({
      file: displayPath,
      line: target + 1,
      column,
      endColumn: column + m[3].length,
      severity: m[4],
      rule: m[5],
      messageIncludes: m[6]?.trim(),
    });
  });
  return out;
}

/** Every YAML/JSON file under a directory, recursively. */
export function manifestFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...manifestFiles(p));
    else if (/\.(ya?ml|json)$/.test(e.name) || e.name === 'Kustomization') out.push(p);
  }
  return out.sort();
}
