// The editor's NetworkPolicy insight, hovers on broken references, lenses, navigation and the
// "did you mean" quick fixes, in process through the query API. A cursor is written `$0` in the
// needle that finds it. Every quick fix is applied and the workspace analysed again: the
// diagnostic it was offered for must be gone and nothing else may change.
import { test, describe } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, DEFAULT_CONFIG, type Analysis } from '../../server/src/engine';
import {
  codeActionsAt,
  codeLenses,
  completionAt,
  definitionAt,
  hoverAt,
  referencesAt,
  type TextEdit,
} from '../../server/src/engine/queries';
import { REPO_ROOT } from '../support/cli';

const readDir = (dir: string, as: string) =>
  fs
    .readdirSync(path.join(REPO_ROOT, dir))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => ({ path: `${as}/${f}`, text: fs.readFileSync(path.join(REPO_ROOT, dir, f), 'utf8') }));
const shopFiles = readDir('examples/shop', 'shop');
const shop = analyze({ files: shopFiles, config: DEFAULT_CONFIG });
const nearFiles = readDir('test/fixtures/editor', 'editor');
const near = analyze({ files: nearFiles, config: DEFAULT_CONFIG });
const options = { linkTo: (file: string, span: { start: number }) => `file:///ws/${file}#${span.start}` };

/** The offset of `$0` in `needle`, found (once) in the file's text. */
function cursor(files: readonly { path: string; text: string }[], file: string, needle: string): number {
  const text = files.find((f) => f.path === file)!.text;
  const bare = needle.replace('$0', '');
  const i = text.indexOf(bare);
  assert.ok(i >= 0 && text.indexOf(bare, i + 1) < 0, `${bare} once in ${file}`);
  return i + needle.indexOf('$0');
}
const lineOf = (files: readonly { path: string; text: string }[], file: string, offset: number) =>
  files
    .find((f) => f.path === file)!
    .text.slice(0, offset)
    .split('\n').length;
const where = (
  files: readonly { path: string; text: string }[],
  locs: readonly { file: string; span: { start: number } }[],
) => locs.map((l) => `${l.file}:${lineOf(files, l.file, l.span.start)}`);

describe('NetworkPolicy insight', () => {
  test('hover on a policy: the pods it selects, the directions it isolates, each rule resolved', () => {
    const h = hoverAt(
      shop,
      'shop/network-policies.yaml',
      cursor(shopFiles, 'shop/network-policies.yaml', 'name: tomcat-from-$0frontend'),
      options,
    );
    assert.ok(h);
    assert.match(h.markdown, /^\*\*NetworkPolicy tomcat\\-from\\-frontend\*\*/);
    assert.match(h.markdown, /Selects `app=tomcat`: \[Deployment tomcat\]\([^)]+\) \(2\\-10 pods \\\(HPA\\\)\)/);
    assert.match(
      h.markdown,
      /\*\*Ingress\*\* isolated; allowed:\n- rule 1 from `app=frontend` in `shop`: \[Deployment frontend\]\([^)]+\) \(3 pods\) · on `8080\/TCP`/,
    );
    assert.match(h.markdown, /\*\*Egress\*\* not isolated by this policy\./);
    const deny = hoverAt(
      shop,
      'shop/network-policies.yaml',
      cursor(shopFiles, 'shop/network-policies.yaml', 'name: default-$0deny'),
      options,
    );
    assert.match(deny!.markdown, /Selects every pod in `shop`: .*\[StatefulSet postgres\]/);
    assert.match(deny!.markdown, /\*\*Ingress\*\* isolated: \*\*all ingress denied\*\*/);
  });

  test('hover on a podSelector label and on a peer label names the selected workloads', () => {
    const own = hoverAt(
      shop,
      'shop/network-policies.yaml',
      cursor(shopFiles, 'shop/network-policies.yaml', 'matchLabels:\n      app: tom$0cat'),
      options,
    );
    assert.match(own!.markdown, /^\*\*podSelector\*\* `app=tomcat` of \[NetworkPolicy tomcat\\-from\\-frontend\]/);
    assert.match(own!.markdown, /Selects \[Deployment tomcat\]/);
    const peer = hoverAt(
      shop,
      'shop/network-policies.yaml',
      cursor(shopFiles, 'shop/network-policies.yaml', 'matchLabels:\n              app: front$0end'),
      options,
    );
    assert.match(peer!.markdown, /^\*\*from podSelector\*\* `app=frontend`/);
    assert.match(peer!.markdown, /Selects \[Deployment frontend\]\([^)]+\) \(3 pods\)$/);
    const ns = hoverAt(
      shop,
      'shop/network-policies.yaml',
      cursor(shopFiles, 'shop/network-policies.yaml', 'kubernetes.io/metadata.name: ingress-$0nginx'),
      options,
    );
    assert.match(ns!.markdown, /No namespace of the workspace matches/);
  });

  test('F12 from a policy selector or peer leads to the pod templates’ labels', () => {
    const own = definitionAt(
      shop,
      'shop/network-policies.yaml',
      cursor(shopFiles, 'shop/network-policies.yaml', 'matchLabels:\n      app: tom$0cat'),
    );
    assert.deepEqual(where(shopFiles, own), ['shop/tomcat.yaml:15']);
    const peer = definitionAt(
      shop,
      'shop/network-policies.yaml',
      cursor(shopFiles, 'shop/network-policies.yaml', 'matchLabels:\n              app: front$0end'),
    );
    assert.deepEqual(where(shopFiles, peer), ['shop/frontend.yaml:15']);
    const all = definitionAt(
      shop,
      'shop/network-policies.yaml',
      cursor(shopFiles, 'shop/network-policies.yaml', 'podSelector: {$0}'),
    );
    assert.equal(all.length, 5);
  });

  test('references from a workload include the policies that select it', () => {
    const refs = referencesAt(
      shop,
      'shop/frontend.yaml',
      cursor(shopFiles, 'shop/frontend.yaml', 'name: front$0end\n  namespace: shop\nspec:\n  replicas'),
      false,
    );
    assert.deepEqual(
      where(shopFiles, refs)
        .filter((l) => l.includes('network-policies'))
        .sort(),
      ['shop/network-policies.yaml:19', 'shop/network-policies.yaml:9'],
    );
  });

  test('lenses on policies: pods selected and sources allowed, each peeking its locations', () => {
    const lenses = codeLenses(shop, 'shop/network-policies.yaml');
    assert.deepEqual(
      lenses.map((l) => l.title),
      [
        'selects 8-16 pods · denies all ingress',
        'selects 3 pods · allows sources outside the workspace',
        'selects 2-10 pods · allows 1 source',
        '← from frontend',
        'selects no pods · allows 1 source',
        '← from tomcat',
      ],
    );
    assert.deepEqual(where(shopFiles, lenses[2].peek!), ['shop/tomcat.yaml:15']);
    assert.deepEqual(where(shopFiles, lenses[3].peek!), ['shop/frontend.yaml:5']);
  });
});

describe('hovers on broken references show what exists', () => {
  test('a backend port the Service lacks: the Service’s ports and where each leads', () => {
    const h = hoverAt(
      shop,
      'shop/ingress.yaml',
      cursor(shopFiles, 'shop/ingress.yaml', 'number: 8$00\n    - host'),
      options,
    );
    assert.match(
      h!.markdown,
      /\[Service tomcat\]\([^)]+\) has:\n- `8080\/TCP` \(http\) → tomcat:8080 \(http\) in \[Deployment tomcat\]/,
    );
  });
  test('a missing backend Service: the Services of the namespace', () => {
    const h = hoverAt(shop, 'shop/ingress.yaml', cursor(shopFiles, 'shop/ingress.yaml', 'name: ad$0min'), options);
    assert.match(h!.markdown, /Services in `shop`: \[postgres\]\([^)]+\), \[redis\].*\[tomcat\]/);
  });
  test('an address of a missing Service and an address with a wrong port', () => {
    const missing = hoverAt(
      near,
      'editor/near-misses.yaml',
      cursor(nearFiles, 'editor/near-misses.yaml', 'http://car$0tt'),
      options,
    );
    assert.match(missing!.markdown, /⚠ No Service `cartt` in namespace `app`/);
    assert.match(missing!.markdown, /Services in `app`: .*\[cart\]/);
    const port = hoverAt(
      near,
      'editor/near-misses.yaml',
      cursor(nearFiles, 'editor/near-misses.yaml', 'api.a$0pp:8080'),
      options,
    );
    assert.match(port!.markdown, /\[Service api\]\([^)]+\) has:\n- `80\/TCP` \(http\)/);
  });
  test('a route backendRef whose port is missing', () => {
    const h = hoverAt(
      near,
      'editor/near-misses.yaml',
      cursor(nearFiles, 'editor/near-misses.yaml', 'port: 707$01'),
      options,
    );
    assert.match(h!.markdown, /^\*\*HTTPRoute backendRef\*\* `app\/cart:7071`/);
    assert.match(h!.markdown, /- `7070\/TCP` → cart:7070 in \[Deployment cart\]/);
  });
});

describe('addresses in ConfigMaps', () => {
  test('hover and F12 on a Service address in a ConfigMap value a workload reads', () => {
    const text = `apiVersion: v1
kind: ConfigMap
metadata: {name: app-config, namespace: shop}
data:
  SEARCH_URL: http://search.shop.svc:9200/products
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: worker, namespace: shop}
spec:
  selector: {matchLabels: {app: worker}}
  template:
    metadata: {labels: {app: worker}}
    spec:
      containers:
        - name: worker
          image: worker
          envFrom: [{configMapRef: {name: app-config}}]
`;
    const files = [...shopFiles, { path: 'shop/worker.yaml', text }];
    const a = analyze({ files, config: DEFAULT_CONFIG });
    const at = cursor(files, 'shop/worker.yaml', 'search.sh$0op.svc');
    const h = hoverAt(a, 'shop/worker.yaml', at, options);
    assert.match(h!.markdown, /^\*\*Service reference\*\* `search\.shop\.svc:9200`/);
    assert.match(h!.markdown, /→ \[Service search:9200\]\([^)]+\) → \[Deployment search\]/);
    assert.deepEqual(where(files, definitionAt(a, 'shop/worker.yaml', at)), ['shop/search.yaml:32']);
  });
});

describe('headless Services', () => {
  test('an address on a container port of a headless Service leads to the pods, not to "no such port"', () => {
    const text = `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: data}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: db, ports: [{containerPort: 5432}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: data}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{name: pg, port: 15432, targetPort: 5432}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: data}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - name: api
          image: api
          env: [{name: DB, value: "db-0.db.data.svc.cluster.local:5432"}]
`;
    const files = [{ path: 'db.yaml', text }];
    const a = analyze({ files, config: DEFAULT_CONFIG });
    const h = hoverAt(a, 'db.yaml', cursor(files, 'db.yaml', 'db-0.db.d$0ata'), options);
    assert.match(
      h!.markdown,
      /→ \[Service db\]\([^)]+\) \(headless: DNS returns the pods' IPs; port 5432 on the pods\) → \[StatefulSet db\]/,
    );
    assert.doesNotMatch(h!.markdown, /no such port/);
  });
});

describe('Service hovers look upstream', () => {
  test('callers (east-west) with their verdicts, and the policies that isolate its pods', () => {
    const h = hoverAt(
      shop,
      'shop/data.yaml',
      cursor(shopFiles, 'shop/data.yaml', 'name: post$0gres\n  namespace: shop\nspec:\n  clusterIP'),
      options,
    );
    assert.match(
      h!.markdown,
      /\*\*Called by\*\*\n- \[Deployment tomcat\]\([^)]+\) on `postgres\.shop\.svc\.cluster\.local:5432` — \*\*denied\*\* by \[NetworkPolicy default\\-deny\]/,
    );
    assert.match(h!.markdown, /Ingress to its pods is limited by \[NetworkPolicy default\\-deny\]/);
  });
  test('F12 on a cluster DNS name in an env value opens the Service port', () => {
    const locs = definitionAt(
      shop,
      'shop/tomcat.yaml',
      cursor(shopFiles, 'shop/tomcat.yaml', 'postgres.shop.svc.clu$0ster.local'),
    );
    assert.deepEqual(where(shopFiles, locs), ['shop/data.yaml:36']);
  });
  test('no glyph common fonts lack, and counts agree with their nouns, at every offset', () => {
    let hovers = 0;
    for (const f of [...shopFiles.map((x) => ({ a: shop, ...x })), ...nearFiles.map((x) => ({ a: near, ...x }))]) {
      for (let offset = 0; offset < f.text.length; offset += 3) {
        const h = hoverAt(f.a, f.path, offset, options);
        if (!h) continue;
        hovers++;
        assert.doesNotMatch(h.markdown, /[⛔✔✖❌✅]/u, `${f.path}@${offset}`);
        assert.doesNotMatch(
          h.markdown,
          /(?<![\d.-])1 (pods|workloads|sources|routes|callers|Services)\b/,
          `${f.path}@${offset}`,
        );
      }
    }
    assert.ok(hovers > 300, String(hovers));
  });
});

describe('lenses', () => {
  test('on the resource’s first line; Services, Ingresses, routes and workloads peek what they count', () => {
    const text = shopFiles.find((f) => f.path === 'shop/tomcat.yaml')!.text;
    const lenses = codeLenses(shop, 'shop/tomcat.yaml');
    const deployment = lenses.filter((l) => l.span.start === text.indexOf('apiVersion: apps/v1'));
    assert.deepEqual(
      deployment.map((l) => l.title),
      ['← selected by 1 Service', '2 NetworkPolicies', '→ calls 1 Service', 'Show traffic'],
    );
    assert.deepEqual(where(shopFiles, deployment[2].peek!), ['shop/data.yaml:29']);
    const ingress = codeLenses(shop, 'shop/ingress.yaml');
    assert.equal(ingress[0].span.start, 0);
    assert.deepEqual(where(shopFiles, ingress[0].peek!), [
      'shop/frontend.yaml:28',
      'shop/tomcat.yaml:33',
      'shop/ingress.yaml:37',
    ]);
    const nearText = nearFiles[0].text;
    const route = codeLenses(near, 'editor/near-misses.yaml').filter(
      (l) => l.span.start === nearText.indexOf('apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute'),
    );
    assert.deepEqual(
      route.map((l) => l.title),
      ['→ 2 backends, 2 broken', 'Show traffic'],
    );
    assert.deepEqual(where(nearFiles, route[0].peek!), ['editor/near-misses.yaml:56']);
    assert.ok(
      codeLenses(shop, 'shop/data.yaml').every((l) => l.command || l.peek),
      'every lens is clickable',
    );
  });
});

describe('backend port completion offers only the named Service’s ports', () => {
  const ingress = shopFiles.find((f) => f.path === 'shop/ingress.yaml')!.text;
  const complete = (a: Analysis, file: string, text: string, needle: string) =>
    completionAt(a, file, text.indexOf(needle) + needle.length, text).map((c) => c.label);
  test('port.number under tomcat: 8080 only; under a missing Service: nothing; port.name: names', () => {
    const text = ingress.replace('number: 80\n    - host', 'number: \n    - host').replace('name: http', 'name: ');
    assert.deepEqual(
      complete(shop, 'shop/ingress.yaml', text, 'name: tomcat\n                port:\n                  number: '),
      ['8080'],
    );
    assert.deepEqual(
      complete(shop, 'shop/ingress.yaml', text, 'name: frontend\n                port:\n                  name: '),
      ['http'],
    );
    const admin = ingress.replace(/number: 80\n?$/, 'number: ');
    assert.deepEqual(
      complete(shop, 'shop/ingress.yaml', admin, 'name: admin\n                port:\n                  number: '),
      [],
    );
  });
  test('the name after the port block still counts; the beta shape reads serviceName', () => {
    const text = ingress.replace(
      'name: tomcat\n                port:\n                  number: 80',
      'port:\n                  number: \n                name: tomcat',
    );
    assert.deepEqual(complete(shop, 'shop/ingress.yaml', text, 'port:\n                  number: '), ['8080']);
    const beta = ingress.replace(
      'service:\n                name: tomcat\n                port:\n                  number: 80',
      'serviceName: frontend-public\n              servicePort: ',
    );
    assert.deepEqual(complete(shop, 'shop/ingress.yaml', beta, 'servicePort: '), ['80', '443']);
  });
  test('route backendRefs: the port of the Service that item names', () => {
    const text = nearFiles[0].text.replace('port: 7071', 'port: ');
    assert.deepEqual(complete(near, 'editor/near-misses.yaml', text, '- name: cart\n          port: '), ['7070']);
    assert.deepEqual(
      complete(
        near,
        'editor/near-misses.yaml',
        nearFiles[0].text.replace('port: 80\n    - matches', 'port: \n    - matches').replace('frontnd', 'api'),
        '- name: api\n          port: ',
      ),
      ['80'],
    );
  });
});

describe('NetworkPolicy label completion', () => {
  test('pod labels under a podSelector, namespace labels under a namespaceSelector', () => {
    const base = shopFiles.find((f) => f.path === 'shop/network-policies.yaml')!.text;
    const labels = (text: string, needle: string) =>
      completionAt(shop, 'shop/network-policies.yaml', text.indexOf(needle) + needle.length, text)
        .map((c) => c.label)
        .sort();
    const value = base.replace('app: postgress', 'app: ');
    assert.deepEqual(labels(value, 'matchLabels:\n      app: '), ['frontend', 'postgres', 'redis', 'search', 'tomcat']);
    const podKey = base.replace('      app: postgress\n', '      \n');
    assert.deepEqual(
      labels(podKey, 'name: postgres-from-tomcat\n  namespace: shop\nspec:\n  podSelector:\n    matchLabels:\n      '),
      ['app', 'tier'],
    );
    const nsKey = base.replace('              kubernetes.io/metadata.name: ingress-nginx\n', '              \n');
    assert.deepEqual(labels(nsKey, 'namespaceSelector:\n            matchLabels:\n              '), [
      'kubernetes.io/metadata.name',
      'team',
    ]);
  });
});

describe('quick fixes remove the diagnostic they fix', () => {
  const apply = (files: readonly { path: string; text: string }[], edits: readonly TextEdit[]) =>
    files.map((f) => {
      let text = f.text;
      for (const e of [...edits].filter((x) => x.file === f.path).sort((a, b) => b.span.start - a.span.start))
        text = text.slice(0, e.span.start) + e.newText + text.slice(e.span.end);
      return { path: f.path, text };
    });
  const cases: [Analysis, readonly { path: string; text: string }[], string, string][] = [
    [near, nearFiles, 'service-reference-missing', 'Change to cart (Service app/cart)'],
    [near, nearFiles, 'service-reference-port-unmatched', 'Use port 80 of Service api'],
    [near, nearFiles, 'service-selector-orphaned', 'Change to app: api (Deployment api)'],
    [near, nearFiles, 'networkpolicy-selector-orphaned', 'Change to app: api (Deployment api)'],
    [near, nearFiles, 'networkpolicy-peer-selector-orphaned', 'Change to app: web (Deployment web)'],
    [near, nearFiles, 'ingress-backend-service-missing', 'Change to Service frontend'],
    [near, nearFiles, 'ingress-backend-port-missing', 'Use port 80 of Service api'],
    [near, nearFiles, 'route-backend-service-missing', 'Change to Service frontend'],
    [near, nearFiles, 'route-backend-port-missing', 'Use port 7070 of Service cart'],
    [shop, shopFiles, 'service-target-port-unmatched', 'Set targetPort to 9200'],
    [shop, shopFiles, 'service-target-port-name-unresolved', 'Set targetPort to http'],
    [shop, shopFiles, 'ingress-backend-port-missing', 'Use port 8080 of Service tomcat'],
    [shop, shopFiles, 'service-selector-orphaned', 'Change to app: redis (Deployment redis)'],
    [shop, shopFiles, 'networkpolicy-selector-orphaned', 'Change to app: postgres (StatefulSet postgres)'],
  ];
  for (const [a, files, rule, title] of cases) {
    test(`${rule}: ${title}`, () => {
      const d = a.diagnostics.find((x) => x.rule === rule);
      assert.ok(d, rule);
      const text = files.find((f) => f.path === d.file)!.text;
      const fixes = codeActionsAt(a, d.file, d.span, [d], text).filter((x) => !x.title.startsWith('Disable'));
      assert.deepEqual(
        fixes.map((f) => f.title),
        [title],
      );
      assert.equal(fixes[0].isPreferred, true);
      const after = analyze({ files: apply(files, fixes[0].edits), config: DEFAULT_CONFIG });
      const key = (x: { rule: string; file: string; message: string }) => `${x.file} ${x.rule} ${x.message}`;
      // Gone, and nothing new (a fixed policy selector may also end a denial it caused).
      const before = new Set(a.diagnostics.filter((x) => x !== d).map(key));
      assert.deepEqual(
        after.diagnostics.map(key).filter((k) => !before.has(k)),
        [],
      );
      assert.equal(
        after.diagnostics.filter((x) => x.rule === rule && x.file === d.file).length,
        a.diagnostics.filter((x) => x.rule === rule && x.file === d.file).length - 1,
      );
    });
  }
  test('a quoted label value stays quoted', () => {
    const d = near.diagnostics.find((x) => x.rule === 'networkpolicy-selector-orphaned')!;
    const fix = codeActionsAt(near, d.file, d.span, [d], nearFiles[0].text)[0];
    assert.equal(fix.edits[0].newText, '"api"');
  });
});
