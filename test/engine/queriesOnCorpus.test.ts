// Every editor query on real manifests with NetworkPolicies, Ingresses and east-west addresses
// (corpus entries beside the repository): at many offsets of every file none throws, each answer is
// well formed, and the policy insight finds something to say.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, DEFAULT_CONFIG } from '../../server/src/engine';
import { codeLenses, completionAt, definitionAt, hoverAt, referencesAt } from '../../server/src/engine/queries';
import { REPO_ROOT } from '../support/cli';
import { needsCorpus } from '../support/corpus';
import { yamlFiles } from '../support/yamlFiles';

const CORPUS = path.resolve(REPO_ROOT, '../shared/corpus');
const ENTRIES = ['netpol-recipes', 'sock-shop', 'gcp-microservices-demo-kustomize'];
const options = { linkTo: (file: string, span: { start: number }) => `file:///ws/${file}#${span.start}` };

for (const entry of ENTRIES) {
  const dir = path.join(CORPUS, entry);
  test(`queries on ${entry}`, needsCorpus, () => {
    const files = yamlFiles(dir).map((p) => ({
      path: path.relative(CORPUS, p).split(path.sep).join('/'),
      text: fs.readFileSync(p, 'utf8'),
    }));
    const a = analyze({ files, config: DEFAULT_CONFIG });
    let policyHovers = 0;
    let lenses = 0;
    for (const f of files) {
      for (const l of codeLenses(a, f.path)) {
        lenses++;
        assert.ok(
          l.title.length > 0 && (l.command || l.peek || l.title.startsWith('→ CNAME')),
          `${f.path}: ${l.title}`,
        );
      }
      const step = Math.max(3, Math.floor(f.text.length / 400));
      for (let offset = 0; offset < f.text.length; offset += step) {
        const h = hoverAt(a, f.path, offset, options);
        if (h) {
          assert.ok(h.span.start <= offset && offset <= h.span.end, `${f.path}@${offset}`);
          if (/^\*\*NetworkPolicy |^\*\*(from |to )?podSelector\*\*/.test(h.markdown)) policyHovers++;
        }
        for (const l of [...definitionAt(a, f.path, offset), ...referencesAt(a, f.path, offset, true)])
          assert.ok(a.workspace.files.has(l.file), l.file);
        completionAt(a, f.path, offset, f.text);
      }
    }
    assert.ok(lenses > 0 && policyHovers > 0, `${lenses} lenses, ${policyHovers} policy hovers`);
  });
}
