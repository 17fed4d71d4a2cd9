// A long-lived Analyzer lets a plain manifest's tree go when a run completes and parses the file
// again when a later run or query reads it (engine/workspace/trees.ts). On every corpus entry, runs
// that read only trees parsed again (rules re-run for every instance, instances made again) give
// exactly what a fresh analysis gives, and so do the editor's queries.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, Analyzer, DEFAULT_CONFIG, type Analysis, type AnalysisConfig } from '../../server/src/engine';
import { hoverAt } from '../../server/src/engine/queries';
import { readWorkspace } from '../../server/src/node/readWorkspace';
import { corpusDir, needsCorpus } from '../support/corpus';
import { diagnosticSummary as summary } from '../support/diagnosticSummary';

/** Hovers at the start of every line of the first files with resources: they read trees too. */
function hovers(a: Analysis): string[] {
  const out: string[] = [];
  const files = [...new Set(a.workspace.resources.map((r) => r.file))].slice(0, 40);
  for (const file of files) {
    const lines = a.workspace.files.get(file)!.lines;
    for (let line = 0; line < Math.min(lines.lineCount, 200); line++) {
      const offset = lines.offset({ line, character: 6 });
      const h = hoverAt(a, file, offset, { linkTo: (f, s) => `${f}#${s.start}` });
      if (h) out.push(`${file}@${offset} ${h.markdown}`);
    }
  }
  return out;
}

// Rules re-run for every instance (the rules' settings changed), then instances made again (the
// default namespace changed): each time from trees parsed again.
const CONFIGS: AnalysisConfig[] = [
  DEFAULT_CONFIG,
  { ...DEFAULT_CONFIG, rules: { 'pdb-blocks-eviction': 'info' } },
  { ...DEFAULT_CONFIG, rules: { 'pdb-blocks-eviction': 'info' }, defaultNamespace: 'team-a' },
];

test(
  'runs and queries over trees parsed again give what a fresh analysis gives, on every corpus entry',
  needsCorpus,
  () => {
    const corpus = corpusDir();
    const entries = fs
      .readdirSync(corpus, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    assert.ok(entries.length >= 30, `${entries.length} corpus entries`);
    let hovered = 0;
    for (const entry of entries) {
      const { files } = readWorkspace([path.join(corpus, entry)], { base: corpus, config: DEFAULT_CONFIG });
      const analyzer = new Analyzer({ trees: 'drop' });
      for (const config of CONFIGS) {
        const again = analyzer.run({ files, config });
        const fresh = analyze({ files, config });
        assert.deepEqual(summary(again), summary(fresh), `${entry}, ${JSON.stringify(config.rules)}`);
        if (config === CONFIGS[CONFIGS.length - 1]) {
          const expected = hovers(fresh);
          assert.deepEqual(hovers(again), expected, `${entry}: hovers`);
          hovered += expected.length;
        }
      }
    }
    assert.ok(hovered > 1000, `${hovered} hovers compared`);
  },
);
