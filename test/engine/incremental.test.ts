// Re-analysis after edits gives exactly what a fresh analysis of the same files gives, while
// running rules only for the instances an edit can affect.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  analyze,
  Analyzer,
  CANCELLED,
  DEFAULT_CONFIG,
  type Analysis,
  type TreesBetweenRuns,
} from '../../server/src/engine';
import { parseYaml } from '../../server/src/engine/syntax';
import { REPO_ROOT } from '../support/cli';
import { diagnosticSummary as summary } from '../support/diagnosticSummary';

const original = fs
  .readdirSync(path.join(REPO_ROOT, 'examples/shop'))
  .map((f) => ({ path: `shop/${f}`, text: fs.readFileSync(path.join(REPO_ROOT, 'examples/shop', f), 'utf8') }))
  .filter((f) => f.path.endsWith('.yaml'));

/** What the graph answers, in order, for every resource, namespace and name of the workspace. */
const graphSummary = (a: Analysis) => {
  const g = a.graph;
  // By key, marked when the object is not one of this analysis's instances (a stale view).
  const current = new Set<unknown>(a.workspace.resources);
  const ids = (list: readonly { resource: { key: string } }[] | readonly { key: string }[]) =>
    list.map((v) => {
      const r = 'resource' in v ? v.resource : v;
      return current.has(r) ? r.key : `${r.key} (stale)`;
    });
  const out: unknown[] = [
    ids(g.workloads),
    ids(g.services),
    ids(g.ingresses),
    ids(g.networkPolicies),
    ids(g.routes),
    [...g.namespaces].sort(),
    g.hasGateways,
    g.hasAttachmentDefinitions,
    ids(g.ingressControllers(CONFIG.ingressControllerNamespaces)),
  ];
  for (const r of a.workspace.resources) {
    out.push(
      r.key,
      ids(g.resourcesWithId(r.id)),
      ids(g.definitionsAppliedWith(r)),
      g.workload(r)?.resource.key,
      g.service(r)?.resource.key,
      g.ingress(r)?.resource.key,
      g.networkPolicy(r)?.resource.key,
      g.route(r)?.resource.key,
    );
    const ns = r.namespace ?? 'default';
    out.push(
      ids(g.servicesNamed(ns, r.name)),
      ids(g.gatewaysNamed(ns, r.name)),
      ids(g.attachmentDefinitions(ns, r.name)),
      ids(g.attachmentDefinitionsNamed(r.name)),
    );
    const w = g.workload(r);
    if (w)
      out.push(
        ids(g.autoscalersOf(w)),
        ids(g.disruptionBudgetsFor(w)),
        ids(g.servicesSelecting(w)),
        ids(g.policiesSelecting(w)),
        ids(g.hostPortWorkloadsAppliedNear(w)),
        w.selector ? ids(g.workloadsSelecting(w.selector, w.template.namespace)) : [],
      );
    const s = g.service(r);
    if (s)
      out.push(
        ids(g.manualEndpointsOf(s)),
        ids(g.workloadsSelectedBy(s)),
        ids(g.servicesAppliedNear(s)),
        g.routesTo(s).map((t) => t.ingress.resource.key),
      );
  }
  for (const ns of [...g.namespaces].sort())
    out.push(ns, ids(g.workloadsIn(ns)), ids(g.referenceGrantsIn(ns)), g.hasServicesIn(ns));
  return out;
};

/** Ingress controllers in namespaces the edits change, so that the graph's list of them must follow. */
const CONFIG = { ...DEFAULT_CONFIG, ingressControllerNamespaces: ['shop', 'other'] };

type Edit = { name: string; apply: (files: Map<string, string>) => void };
const replace = (file: string, from: string, to: string): Edit => ({
  name: `${file}: ${from} -> ${to}`,
  apply: (files) => {
    const text = files.get(file)!;
    assert.ok(text.includes(from), `${from} in ${file}`);
    files.set(file, text.replace(from, to));
  },
});

const EDITS: Edit[] = [
  replace('shop/data.yaml', 'app: reddis', 'app: redis'), // fixes an orphan
  replace('shop/frontend.yaml', 'app: frontend\n        tier: web', 'app: frontend2\n        tier: web'), // breaks the frontend Services
  replace('shop/ingress.yaml', 'name: admin', 'name: tomcat'), // fixes a backend, breaks its port
  {
    name: 'add a file in another namespace',
    apply: (f) =>
      f.set(
        'other/app.yaml',
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: redis\n  namespace: other\nspec:\n  selector:\n    matchLabels: {app: reddis}\n  template:\n    metadata:\n      labels: {app: reddis}\n    spec:\n      containers: [{name: r, image: redis}]\n',
      ),
  },
  replace('shop/data.yaml', 'app: redis\n  ports', 'app: reddis\n  ports'), // orphan again, now with a near miss in namespace other
  { name: 'delete a file', apply: (f) => f.delete('shop/search.yaml') },
  replace('shop/frontend.yaml', 'app: frontend2\n        tier: web', 'app: frontend\n        tier: web'),
  {
    name: 'duplicate a Service in one file',
    apply: (f) =>
      f.set(
        'shop/tomcat.yaml',
        `${f.get('shop/tomcat.yaml')}---\n${'apiVersion: v1\nkind: Service\nmetadata:\n  name: tomcat\n  namespace: shop\nspec:\n  selector:\n    app: tomcat\n  ports:\n    - port: 8080\n'}`,
      ),
  },
  replace('shop/data.yaml', 'name: postgres\n  namespace: shop', 'name: postgres\n  namespace: shop-moved'), // a StatefulSet moves to a new namespace
  {
    name: 'a document added to a file',
    apply: (f) =>
      f.set(
        'shop/data.yaml',
        `${f.get('shop/data.yaml')}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: postgres\n  namespace: shop\nspec:\n  selector: {app: postgres}\n  ports: [{port: 5432}]\n`,
      ),
  },
  replace('shop/data.yaml', 'namespace: shop-moved', 'namespace: shop'),
  replace(
    'shop/data.yaml',
    'kind: Service\nmetadata:\n  name: postgres\n  namespace: shop\nspec:\n  selector: {app: postgres}',
    'kind: ConfigMap\nmetadata:\n  name: postgres\n  namespace: shop\nspec:\n  selector: {app: postgres}',
  ), // the same document becomes another kind
  {
    name: 'a syntax error',
    apply: (f) => f.set('shop/tomcat.yaml', `${f.get('shop/tomcat.yaml')}---\nkind: [unclosed\n`),
  },
  {
    name: 'the syntax error fixed',
    apply: (f) => f.set('shop/tomcat.yaml', f.get('shop/tomcat.yaml')!.replace('---\nkind: [unclosed\n', '')),
  },
];

// `drop`: every tree a run reads after the first is parsed again from its text (workspace/trees.ts).
for (const trees of ['release', 'drop'] as const)
  test(`every edit gives the same diagnostics as a fresh analysis (trees: ${trees})`, () => {
    everyEditAsFresh(trees);
  });

function everyEditAsFresh(trees: TreesBetweenRuns): void {
  const files = new Map(original.map((f) => [f.path, f.text]));
  const analyzer = new Analyzer({ trees });
  const input = () => ({
    files: [...files].sort(([a], [b]) => (a < b ? -1 : 1)).map(([p, text]) => ({ path: p, text })),
    config: CONFIG,
  });
  const first = analyzer.run(input());
  assert.equal(first.rulesRunFor, first.workspace.resources.length);
  assert.deepEqual(summary(first), summary(analyze(input())));
  let partial = 0;
  for (const edit of EDITS) {
    edit.apply(files);
    const incremental = analyzer.run(input());
    const fresh = analyze(input());
    assert.deepEqual(summary(incremental), summary(fresh), edit.name);
    assert.deepEqual(graphSummary(incremental), graphSummary(fresh), `graph after ${edit.name}`);
    if (incremental.rulesRunFor < incremental.workspace.resources.length) partial++;
  }
  assert.ok(partial >= 1, 'some edits re-ran rules for fewer than all instances');
}

test('an Analyzer made for one run gives what a long-lived one gives, and refuses a second run', () => {
  const files = new Map(original.map((f) => [f.path, f.text]));
  const input = () => ({ files: [...files].map(([p, text]) => ({ path: p, text })), config: CONFIG });
  let reported = 0;
  for (const edit of EDITS) {
    edit.apply(files);
    const once = new Analyzer({ trees: 'keep', once: true });
    const single = once.run(input());
    const tracked = new Analyzer().run(input());
    assert.deepEqual(summary(single), summary(tracked), edit.name);
    assert.deepEqual(graphSummary(single), graphSummary(tracked), `graph after ${edit.name}`);
    assert.deepEqual(single.ruleFailures, tracked.ruleFailures, edit.name);
    reported += single.diagnostics.length;
    assert.throws(() => once.run(input()), /made for one run/);
  }
  assert.ok(reported > EDITS.length, `${reported} diagnostics`);
});

test('an edit in one namespace does not re-run rules elsewhere', () => {
  const files = new Map(original.map((f) => [f.path, f.text]));
  files.set('other/app.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: other\n');
  const analyzer = new Analyzer();
  const input = () => ({ files: [...files].map(([p, text]) => ({ path: p, text })), config: DEFAULT_CONFIG });
  analyzer.run(input());
  files.set('other/app.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c2\n  namespace: other\n');
  const after = analyzer.run(input());
  const reporting = new Set(after.diagnostics.filter((d) => d.resource).map((d) => d.resource)).size;
  assert.equal(after.rulesRunFor, 1 + reporting, 'the edited ConfigMap and the resources that report');
});

test('rules that look across namespaces follow changes elsewhere', () => {
  const nad = (ns: string) =>
    `apiVersion: k8s.cni.cncf.io/v1\nkind: NetworkAttachmentDefinition\nmetadata:\n  name: net\n  namespace: ${ns}\nspec:\n  config: '{"type": "macvlan"}'\n`;
  const files = new Map([
    [
      'a/pod.yaml',
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: a\n  annotations:\n    k8s.v1.cni.cncf.io/networks: b/net\nspec:\n  containers: [{name: c, image: i}]\n',
    ],
    ['b/nad.yaml', nad('b')],
  ]);
  const analyzer = new Analyzer();
  const input = () => ({ files: [...files].map(([p, text]) => ({ path: p, text })), config: DEFAULT_CONFIG });
  assert.deepEqual(summary(analyzer.run(input())), []);
  files.set('b/nad.yaml', nad('c')); // the definition moves to another namespace
  const after = analyzer.run(input());
  assert.deepEqual(summary(after), summary(analyze(input())));
  assert.equal(after.diagnostics[0]?.rule, 'multus-network-missing');
});

/** The shop in many namespaces: enough files and instances for loading and rules to take several slices. */
const copies = Array.from({ length: 12 }, (_, i) =>
  original.map((f) => ({
    path: f.path.replace('shop/', `shop-${i}/`),
    text: f.text.replaceAll('namespace: shop', `namespace: shop-${i}`),
  })),
).flat();

test('a run cancelled at any point leaves the next run exact', async () => {
  const base = [...original, ...copies];
  const files = new Map(base.map((f) => [f.path, f.text]));
  const input = () => ({
    files: [...files].sort(([a], [b]) => (a < b ? -1 : 1)).map(([p, text]) => ({ path: p, text })),
    config: CONFIG,
  });
  // Cancel after 1, 2, 3... slices until a run completes: every phase gets interrupted once.
  let cancelledRuns = 0;
  for (let slices = 1; ; slices++) {
    // Trees parsed again: a run cancelled while it read a tree leaves the next run exact too.
    const analyzer = new Analyzer({ trees: 'drop' });
    analyzer.run(input());
    const edits = EDITS.slice(0, 4);
    edits[slices % edits.length].apply(files);
    let asked = 0;
    const result = await analyzer.runAsync(input(), { sliceMs: 0, isCancelled: () => ++asked > slices });
    // The edit the cancelled run saw is overtaken by another one.
    EDITS[(slices + 1) % edits.length].apply(files);
    const next = analyzer.run(input());
    const fresh = analyze(input());
    assert.deepEqual(summary(next), summary(fresh), `cancelled after ${slices} slices`);
    assert.deepEqual(graphSummary(next), graphSummary(fresh), `graph after a run cancelled after ${slices} slices`);
    files.clear();
    for (const f of base) files.set(f.path, f.text);
    if (result !== CANCELLED) break;
    cancelledRuns++;
  }
  assert.ok(cancelledRuns >= 5, `runs were cancelled in several phases (${cancelledRuns})`);
});

test('runAsync gives what run gives, in slices', async () => {
  const files = original.map((f) => ({ path: f.path, text: f.text }));
  const sync = new Analyzer().run({ files, config: DEFAULT_CONFIG });
  let slices = 0;
  const sliced = await new Analyzer().runAsync(
    { files, config: DEFAULT_CONFIG },
    { sliceMs: 0, isCancelled: () => (slices++, false) },
  );
  assert.notEqual(sliced, CANCELLED);
  assert.ok(slices > 3, 'the work was cut into slices');
  assert.ok(summary(sync).length > 0);
  assert.deepEqual(summary(sliced as Analysis), summary(sync));
});

test('an unaffected workload re-runs its rules of workspace reach only when what they read changed', () => {
  const files = new Map(original.map((f) => [f.path, f.text]));
  files.set('other/app.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: other\n');
  const analyzer = new Analyzer();
  const input = () => ({ files: [...files].map(([p, text]) => ({ path: p, text })), config: DEFAULT_CONFIG });
  const first = analyzer.run(input());
  assert.ok(first.graph.workloads.length > 3);
  files.set('other/app.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c2\n  namespace: other\n');
  const after = analyzer.run(input());
  assert.deepEqual(summary(after), summary(analyze(input())));
  assert.ok(
    after.wideRulesRunFor < first.graph.workloads.length,
    `workloads in shop read nothing of namespace other (${after.wideRulesRunFor})`,
  );
});

test('a workload referring to a Service in another namespace follows changes there, and only there', () => {
  const deployment = (ns: string, target: string) =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n  namespace: ${ns}\nspec:\n  selector:\n    matchLabels: {app: app}\n  template:\n    metadata:\n      labels: {app: app}\n    spec:\n      containers:\n        - name: c\n          image: i\n          env:\n            - name: URL\n              value: http://${target}.svc.cluster.local:5432\n`;
  const service = (ns: string, name: string) =>
    `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  selector: {app: db}\n  ports:\n    - port: 5432\n`;
  const files = new Map([
    ['a/app.yaml', deployment('a', 'db.b')],
    ['b/db.yaml', service('b', 'db')],
    ['c/app.yaml', deployment('c', 'other.c')],
    ['c/other.yaml', service('c', 'other')],
  ]);
  const analyzer = new Analyzer();
  const input = () => ({
    files: [...files].sort(([x], [y]) => (x < y ? -1 : 1)).map(([p, text]) => ({ path: p, text })),
    config: DEFAULT_CONFIG,
  });
  assert.deepEqual(summary(analyzer.run(input())), summary(analyze(input())));
  files.set('b/db.yaml', service('b', 'dbx')); // the Service a/app refers to is renamed
  const renamed = analyzer.run(input());
  assert.deepEqual(summary(renamed), summary(analyze(input())));
  assert.ok(
    renamed.diagnostics.some(
      (d) => d.rule === 'service-reference-missing' && d.file === 'a/app.yaml' && /Did you mean 'dbx'/.test(d.message),
    ),
    JSON.stringify(summary(renamed)),
  );
  assert.equal(renamed.wideRulesRunFor, 1, 'a/app re-ran its workspace-reach rules, c/app did not');
  files.set('b/db.yaml', service('b', 'db'));
  const back = analyzer.run(input());
  assert.deepEqual(summary(back), summary(analyze(input())));
  assert.ok(!back.diagnostics.some((d) => d.file === 'a/app.yaml'));
});

/**
 * The shop as one install bundle (every document of every file, in one file, twice: once per
 * namespace), and edits of it that a per-document parse must follow exactly.
 */
const BUNDLE_PATH = 'bundle/install.yaml';
const bundleText = [0, 1]
  .map((i) =>
    original
      .map((f) => f.text.replaceAll('namespace: shop', `namespace: shop-b${i}`).replace(/^---\n/, ''))
      .join('---\n'),
  )
  .join('---\n');

const bundleEdit = (name: string, change: (text: string) => string): Edit => ({
  name,
  apply: (files) => {
    const before = files.get(BUNDLE_PATH)!;
    const after = change(before);
    assert.notEqual(after, before, name);
    files.set(BUNDLE_PATH, after);
  },
});

/** The text's middle document start (a `---` line). */
const middleMarker = (text: string) => text.indexOf('\n---\n', text.length >> 1) + 1;

const BUNDLE_EDITS: Edit[] = [
  bundleEdit('a character in the middle', (t) => t.replace('app: reddis', 'app: redis')),
  bundleEdit('a `---` inserted in the middle of a document', (t) => {
    const at = t.indexOf('\nspec:', middleMarker(t)) + 1;
    return `${t.slice(0, at)}---\n${t.slice(at)}`;
  }),
  bundleEdit('the `---` deleted again', (t) => t.replace('---\nspec:', 'spec:')),
  bundleEdit('a `---` deleted: two documents become one', (t) => {
    const at = middleMarker(t);
    return t.slice(0, at) + t.slice(at + 4);
  }),
  bundleEdit('a document turned into a comment', (t) => {
    const at = middleMarker(t);
    const end = t.indexOf('\n---\n', at + 4) + 1;
    return t.slice(0, at + 4) + t.slice(at + 4, end).replace(/^/gm, '# ') + t.slice(end);
  }),
  bundleEdit('a block scalar holding marker-like text', (t) =>
    t.replace('kind: Service\n', 'kind: Service\nx-notes: |\n  ---\n  ...\n  %YAML 1.2\n'),
  ),
  bundleEdit('a syntax error in one document', (t) => t.replace('app: redis', 'app: [redis')),
  bundleEdit('the syntax error fixed', (t) => t.replace('app: [redis', 'app: redis')),
  bundleEdit('a directive at the start', (t) => `%YAML 1.2\n---\n${t}`),
  bundleEdit('the directive removed', (t) => t.replace('%YAML 1.2\n---\n', '')),
  bundleEdit('a byte-order mark', (t) => `\uFEFF${t}`),
  bundleEdit('CRLF line ends', (t) => t.replace(/\n/g, '\r\n')),
  bundleEdit('an edit in the middle with CRLF', (t) => t.replace('app: redis', 'app: reddis')),
  bundleEdit('LF again, without the mark', (t) => t.replace(/\r\n/g, '\n').replace('\uFEFF', '')),
  bundleEdit('the last document removed', (t) => t.slice(0, t.lastIndexOf('\n---\n') + 1)),
];

const bundleInput = (files: Map<string, string>, whole = false) => ({
  files: [...files].sort(([a], [b]) => (a < b ? -1 : 1)).map(([p, text]) => ({ path: p, text })),
  config: CONFIG,
  // The reference: every file parsed whole.
  ...(whole ? { parse: (f: { text: string }) => parseYaml(f.text) } : {}),
});

test('edits inside a multi-document file give what a fresh whole-file analysis gives', () => {
  const files = new Map([...original.map((f) => [f.path, f.text] as const), [BUNDLE_PATH, bundleText]]);
  const analyzer = new Analyzer();
  analyzer.run(bundleInput(files));
  for (const edit of BUNDLE_EDITS) {
    edit.apply(files);
    const incremental = analyzer.run(bundleInput(files));
    const fresh = analyze(bundleInput(files, true));
    assert.ok(summary(fresh).length > 0);
    assert.deepEqual(summary(incremental), summary(fresh), edit.name);
    assert.deepEqual(graphSummary(incremental), graphSummary(fresh), `graph after ${edit.name}`);
  }
});

test('files marked edited, changed or not, give what comparing their texts gives', () => {
  // `edited` is the adapters' hint that a text changed (an open document's version moved): the
  // engine reads the file again without comparing; a text that is the same after all changes nothing.
  const files = new Map([...original.map((f) => [f.path, f.text] as const), [BUNDLE_PATH, bundleText]]);
  const analyzer = new Analyzer();
  const first = analyzer.run(bundleInput(files));
  const markedEdited = () => {
    const input = bundleInput(files);
    return { ...input, files: input.files.map((f) => ({ ...f, edited: true })) };
  };
  const again = analyzer.run(markedEdited());
  assert.deepEqual(summary(again), summary(first));
  const bundleResources = (a: Analysis) => a.workspace.resources.filter((r) => r.file === BUNDLE_PATH);
  assert.ok(bundleResources(first).length > 10);
  const kept = bundleResources(first);
  assert.ok(
    bundleResources(again).every((r, i) => r === kept[i]),
    'an unchanged bundle keeps its instances',
  );
  for (const edit of BUNDLE_EDITS) {
    edit.apply(files);
    const incremental = analyzer.run(markedEdited());
    const fresh = analyze(bundleInput(files, true));
    assert.deepEqual(summary(incremental), summary(fresh), edit.name);
    assert.deepEqual(graphSummary(incremental), graphSummary(fresh), `graph after ${edit.name}`);
  }
});

test('an edit in the middle of a bundle keeps the instances of every other document', () => {
  const files = new Map([[BUNDLE_PATH, bundleText]]);
  const analyzer = new Analyzer();
  const before = analyzer.run(bundleInput(files)).workspace.resources;
  const at = bundleText.indexOf('app: reddis', bundleText.length >> 1);
  files.set(BUNDLE_PATH, `${bundleText.slice(0, at)}app: redis${bundleText.slice(at + 'app: reddis'.length)}`);
  const analysis = analyzer.run(bundleInput(files));
  const after = analysis.workspace.resources;
  assert.equal(after.length, before.length);
  // The documents are framed (origin.ts): an edit moves none of them, their spans resolve through the frames.
  const frames = analysis.workspace.files.get(BUNDLE_PATH)?.frames;
  assert.ok(frames, 'the bundle is read in frames');
  const edited = after.findIndex((r) => frames.absoluteSpan(r.span).end > at);
  assert.ok(edited > 10 && edited < after.length - 10, `the edited document's place: ${edited}`);
  assert.ok(frames.absoluteSpan(after[edited].span).start < at, 'the edited document holds the edit');
  const notKept = after.flatMap((r, i) => (r === before[i] ? [] : [i]));
  assert.deepEqual(notKept, [edited], "every instance is kept but the edited document's");
});

test('a run cancelled at any slice while parsing a bundle leaves the next run exact', async () => {
  const base = new Map([...copies.map((f) => [f.path, f.text] as const), [BUNDLE_PATH, bundleText]]);
  const files = new Map(base);
  let cancelledRuns = 0;
  for (let slices = 1; ; slices++) {
    const analyzer = new Analyzer();
    analyzer.run(bundleInput(files));
    // Edits that apply to the bundle as written.
    BUNDLE_EDITS[[0, 1, 3, 4, 5, 6][slices % 6]].apply(files);
    let asked = 0;
    const result = await analyzer.runAsync(bundleInput(files), { sliceMs: 0, isCancelled: () => ++asked > slices });
    // Overtaken by another edit (a document appended), as the language server sees it.
    files.set(
      BUNDLE_PATH,
      `${files.get(BUNDLE_PATH)}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra-${slices}\n`,
    );
    const next = analyzer.run(bundleInput(files));
    const fresh = analyze(bundleInput(files, true));
    assert.deepEqual(summary(next), summary(fresh), `cancelled after ${slices} slices`);
    assert.deepEqual(graphSummary(next), graphSummary(fresh), `graph after a run cancelled after ${slices} slices`);
    files.clear();
    for (const [p, t] of base) files.set(p, t);
    if (result !== CANCELLED) break;
    cancelledRuns++;
  }
  assert.ok(cancelledRuns >= 5, `runs were cancelled in several phases (${cancelledRuns})`);
});

for (const at of [10, 55])
  test(`an edit in a bundle re-runs the rules of document ${at} that read the edited resource, and only those`, () => {
    // Documents after the edit keep their instances (framed, origin.ts) and their verdicts, unless
    // they read what changed; Ingresses among them keep theirs too (their competitors are unchanged).
    const configMap = (i: number) =>
      i === 4
        ? 'apiVersion: v1\nkind: Service\nmetadata: {name: backend, namespace: other}\nspec:\n  ports: [{port: 80}]\n'
        : i % 10 === 3
          ? `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: in-${i}, namespace: other}\nspec:\n  rules:\n    - host: h${i}.example.com\n      http:\n        paths:\n          - {path: /, pathType: Prefix, backend: {service: {name: backend, port: {number: 80}}}}\n`
          : `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings-${i}\n  namespace: other\ndata:\n  key: value-${i}\n`;
    const service =
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector:\n    app: web\n  ports:\n    - port: 80\n      targetPort: 8080\n';
    const deployment = (app: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector:\n    matchLabels:\n      tier: web\n  template:\n    metadata:\n      labels:\n        tier: web\n        app: ${app}\n    spec:\n      containers:\n        - name: web\n          image: nginx\n          ports:\n            - containerPort: 8080\n`;
    // The Service is document `at`, the Deployment whose pods it selects document 50.
    const documents = (app: string) =>
      Array.from({ length: 60 }, (_, i) => (i === at ? service : i === 50 ? deployment(app) : configMap(i))).join(
        '---\n',
      );
    const files = new Map([[BUNDLE_PATH, documents('web')]]);
    const analyzer = new Analyzer();
    const first = analyzer.run(bundleInput(files));
    const serviceStart = files.get(BUNDLE_PATH)!.indexOf('kind: Service');
    const onService = (a: Analysis) =>
      a.diagnostics.filter((d) => d.rule === 'service-selector-orphaned' && d.span.start > serviceStart - 20);
    assert.equal(onService(first).length, 0);
    files.set(BUNDLE_PATH, documents('webx'));
    const orphaned = analyzer.run(bundleInput(files));
    assert.deepEqual(summary(orphaned), summary(analyze(bundleInput(files, true))));
    assert.equal(onService(orphaned).length, 1, `the Service in document ${at} selects no pods now`);
    assert.ok(
      orphaned.rulesRunFor <= 3,
      `rules ran for ${orphaned.rulesRunFor} of ${orphaned.workspace.resources.length} instances`,
    );
    files.set(BUNDLE_PATH, documents('web'));
    const back = analyzer.run(bundleInput(files));
    assert.deepEqual(summary(back), summary(analyze(bundleInput(files, true))));
    assert.equal(onService(back).length, 0);
  });

// ingress-host-path-conflict is a local rule: its competitors are applied together with the
// Ingress (same file or build), maybe in other namespaces; edits of either side must be followed.
// In a bundle, the Ingress the edit left alone keeps its instance: it must run again because the
// Ingresses claiming its host changed (graph/readScopes.ts scope 'answer'), and only then.
for (const layout of ['a file of two', 'a bundle'] as const)
  test(`Ingress host/path conflicts follow edits of the competing Ingress, across namespaces (${layout})`, () => {
    const ingress = (name: string, ns: string, host: string) =>
      `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n  rules:\n    - host: ${host}\n      http:\n        paths:\n          - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}\n`;
    // Their backend exists (no finding of its own makes the check run again).
    const service = (ns: string) =>
      `apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: ${ns}}\nspec:\n  ports: [{port: 80}]\n`;
    const configMap = (i: number) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c${i}, namespace: three}\ndata: {k: v${i}}\n`;
    const a = ingress('a', 'one', 'shop.example.com');
    const b = ingress('b', 'two', 'blog.example.com');
    const text =
      layout === 'a file of two'
        ? `${a}---\n${b}`
        : Array.from({ length: 10 }, (_, i) =>
            i === 2 ? a : i === 6 ? b : i === 4 ? service('one') : i === 8 ? service('two') : configMap(i),
          ).join('---\n');
    const files = new Map([
      ['edge/ingresses.yaml', text],
      ['elsewhere/cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: three}\n'],
    ]);
    const input = () => ({ files: [...files].map(([p, text]) => ({ path: p, text })), config: CONFIG });
    const analyzer = new Analyzer();
    const conflicts = (a: Analysis) => a.diagnostics.filter((d) => d.rule === 'ingress-host-path-conflict').length;
    assert.equal(conflicts(analyzer.run(input())), 0);
    const steps: [string, (t: string) => string, number][] = [
      ['the second Ingress takes the first one’s host', (t) => t.replace('blog.example.com', 'shop.example.com'), 2],
      ['an unrelated file changes', (t) => t, 2],
      [
        'the second Ingress moves to another host again',
        (t) => t.replace(/shop\.example\.com(?![\s\S]*shop)/, 'blog.example.com'),
        0,
      ],
    ];
    for (const [name, change, expected] of steps) {
      if (name === 'an unrelated file changes')
        files.set('elsewhere/cm.yaml', `${files.get('elsewhere/cm.yaml')}data: {k: v}\n`);
      else files.set('edge/ingresses.yaml', change(files.get('edge/ingresses.yaml')!));
      const incremental = analyzer.run(input());
      const fresh = analyze(input());
      assert.deepEqual(summary(incremental), summary(fresh), name);
      assert.equal(conflicts(incremental), expected, name);
    }
  });

// traffic-denied-by-networkpolicy asks for the ingress controllers (graph/readScopes.ts scope
// 'answer'): an Ingress's check runs again exactly when a controller appears, changes or goes.
test('an Ingress check follows an ingress controller added and removed elsewhere', () => {
  const app = `apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: web, ports: [{containerPort: 8080}]}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: only-shop, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {}}]}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  rules:
    - host: shop.example.com
      http:
        paths:
          - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
`;
  const controller = `apiVersion: apps/v1
kind: Deployment
metadata: {name: ingress-nginx-controller, namespace: edge}
spec:
  selector: {matchLabels: {app.kubernetes.io/name: ingress-nginx, app.kubernetes.io/component: controller}}
  template:
    metadata: {labels: {app.kubernetes.io/name: ingress-nginx, app.kubernetes.io/component: controller}}
    spec: {containers: [{name: controller, image: ingress-nginx}]}
`;
  const config = { ...DEFAULT_CONFIG, ingressControllerNamespaces: [] };
  const files = new Map([['shop/app.yaml', app]]);
  const input = () => ({ files: [...files].map(([p, text]) => ({ path: p, text })), config });
  const analyzer = new Analyzer();
  const denied = (a: Analysis) => a.diagnostics.filter((d) => d.rule === 'traffic-denied-by-networkpolicy').length;
  const counts: number[] = [denied(analyzer.run(input()))];
  for (const step of ['controller added', 'controller removed'] as const) {
    if (step === 'controller added') files.set('edge/controller.yaml', controller);
    else files.delete('edge/controller.yaml');
    const incremental = analyzer.run(input());
    assert.deepEqual(summary(incremental), summary(analyze(input())), step);
    counts.push(denied(incremental));
  }
  assert.deepEqual(counts, [0, 1, 0], 'the policy denies the controller only while it exists');
});
