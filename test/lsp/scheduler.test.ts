// The analysis scheduler (lsp/scheduler.ts) over an analyzer that takes a set time and stops when
// cancelled: a burst of changes that overtakes an analysis costs one more analysis after it, not
// one per change; a burst longer than MAX_STALE_MS still gets its first change analysed within
// it; and the analysis committed last is the last change's.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { CANCELLED, type Analysis, type AsyncRunOptions } from '../../server/src/engine';
import { changeBetween, documentStarts } from '../../server/src/engine/documents';
import { AnalysisScheduler, warmUpEdit, type AnalysisSchedulerOptions } from '../../server/src/lsp/scheduler';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A scheduler whose analyses take `state.analysisMs`, over a workspace whose one file's text is `version`. */
function harness(analysisMs: number) {
  const state = { version: 0, analysisMs, starts: [] as number[], committed: [] as number[], published: 0 };
  const t0 = performance.now();
  const analyzer = {
    async runAsync(input: { files: readonly { text: string }[] }, options: AsyncRunOptions) {
      const version = Number(input.files[0].text);
      state.starts.push(performance.now() - t0);
      const started = performance.now();
      const duration = state.analysisMs;
      while (performance.now() - started < duration) {
        await sleep(1);
        if (options.isCancelled?.()) return CANCELLED;
      }
      return {
        version,
        workspace: { files: new Map(), resources: [{}, {}] },
        diagnostics: [],
        ruleFailures: [],
        rulesRunFor: 1,
        wideRulesRunFor: 0,
      } as unknown as Analysis;
    },
  };
  let last: Analysis | undefined;
  const options = {
    analyzer,
    files: {
      indexing: false,
      current: () => ({
        files: [{ path: '/w/a.yaml', text: String(state.version) }],
        skipped: [],
        paths: ['/w/a.yaml'],
      }),
    },
    settings: { config: {} },
    publisher: {
      publish: () => state.published++,
      refreshCodeLenses: () => {},
      analysisStatus: () => {},
    },
    last: {
      get analysis() {
        return last;
      },
      commit: (a: Analysis) => {
        last = a;
        state.committed.push((a as unknown as { version: number }).version);
      },
      analysedSource: () => undefined,
    },
    activity: { busy: false },
    kustomize: { buildsFor: () => undefined },
    cache: { parser: undefined, analysed: () => {} },
    helm: { valueSetsAnalysed: true, analyseValueSets: async () => false },
    console: { log: () => {}, error: () => {} },
  } as unknown as AnalysisSchedulerOptions;
  const scheduler = new AnalysisScheduler(options);
  /** A change: the next version, scheduled as the server schedules an edit. */
  const change = () => {
    state.version++;
    scheduler.schedule();
  };
  /** Waits until the last version is committed. */
  const settled = async () => {
    for (let i = 0; i < 2000 && state.committed[state.committed.length - 1] !== state.version; i++) await sleep(5);
    assert.equal(state.committed[state.committed.length - 1], state.version, 'the last version is committed');
  };
  return { state, change, settled };
}

test('a burst of changes that overtakes an analysis costs one analysis after it, not one per change', async () => {
  // A first analysis completes quickly (the next starts at once), then analyses take 100 ms (an
  // edit of a large file after one of a small file); what is published is recent, so they may be
  // cancelled.
  const { state, change, settled } = harness(5);
  change();
  await settled();
  state.analysisMs = 100;
  const before = state.starts.length;
  for (let i = 0; i < 30; i++) {
    change();
    await sleep(10);
  }
  await settled();
  const during = state.starts.length - before;
  // Started at each change, each would be overtaken by the next (30 starts); after the first is
  // overtaken the others wait for a pause: the burst's first, and one after it (a few more when
  // timers fire late on a loaded machine).
  assert.ok(during >= 2 && during <= 6, `analyses started for 30 changes 10 ms apart: ${during}`);
});

test('a burst longer than a second still has its first change analysed within it', async () => {
  const { state, change, settled } = harness(30);
  change();
  await settled();
  const committedBefore = state.committed.length;
  const burstStart = performance.now();
  let committedDuring = -1;
  // Changes every 20 ms for 1.6 s: without a bound, each restarts the wait and nothing is analysed.
  while (performance.now() - burstStart < 1600) {
    change();
    await sleep(20);
    if (committedDuring < 0 && state.committed.length > committedBefore)
      committedDuring = performance.now() - burstStart;
  }
  assert.ok(committedDuring >= 0, 'an analysis completed during the burst');
  assert.ok(committedDuring < 1500, `first completed ${committedDuring.toFixed(0)} ms into the burst`);
  await settled();
});

test('the warm-up edits a bundle inside it, near its middle, and a small file at its end', () => {
  const doc = (i: number) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\n`;
  const bundle = Array.from({ length: 20 }, (_, i) => doc(i)).join('---\n');
  const spliced = warmUpEdit(bundle);
  // Spliced into the text, as an editor's edit reaches the engine.
  assert.equal(spliced.base, bundle);
  const edited = spliced.toString();
  const change = changeBetween(bundle, edited);
  assert.equal(edited.length, bundle.length + 1);
  // A line break at the end of a document past the middle: parts before and after it are kept.
  assert.ok(change.start > bundle.length / 2 && change.afterEnd < bundle.length - doc(19).length, `${change.start}`);
  assert.ok(!bundle.includes('\n\n---') && edited.includes('\n\n---'), 'a blank line before a marker');
  assert.deepEqual(documentStarts(edited)?.length, documentStarts(bundle)?.length);
  assert.equal(warmUpEdit(doc(0)).toString(), `${doc(0)}\n`);
});
