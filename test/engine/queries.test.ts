// Editor queries on the example workspace, through the engine's query API: hovers explain where
// traffic goes, navigation finds definitions and references, quick fixes edit the right text.
// The cursor is written as `$0` inside the fixture text (test/support/cursor.ts): a fixture asked
// once carries it; for the example files (shared with other tests) and texts asked at several
// places, a piece of the text that occurs once in it does.
import { test, describe } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, DEFAULT_CONFIG } from '../../server/src/engine';
import {
  codeActionsAt,
  codeLenses,
  completionAt,
  definitionAt,
  documentSymbols,
  hoverAt,
  referencesAt,
  workspaceSymbols,
} from '../../server/src/engine/queries';
import { locate } from '../../server/src/engine/queries/locate';
import { REPO_ROOT } from '../support/cli';
import { cursorIn, extractCursor } from '../support/cursor';

const files = fs
  .readdirSync(path.join(REPO_ROOT, 'examples/shop'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => ({ path: `shop/${f}`, text: fs.readFileSync(path.join(REPO_ROOT, 'examples/shop', f), 'utf8') }));
const analysis = analyze({ files, config: DEFAULT_CONFIG });
const textOf = (file: string) => files.find((f) => f.path === file)!.text;
/** The offset marked by `$0` in a piece of an example file that occurs once in it. */
const at = (file: string, markedPiece: string) => cursorIn(textOf(file), markedPiece);
const options = { linkTo: (file: string, span: { start: number }) => `file:///ws/${file}#${span.start}` };
const lineOf = (file: string, offset: number) => textOf(file).slice(0, offset).split('\n').length;

describe('hover', () => {
  test('on a Service name: DNS name, ports resolved to container ports, selected workloads, routes', () => {
    const h = hoverAt(
      analysis,
      'shop/frontend.yaml',
      at('shop/frontend.yaml', 'name: f$0rontend\n  namespace: shop\nspec:\n  selector'),
      options,
    );
    assert.ok(h);
    const md = h.markdown;
    assert.match(md, /^\*\*Service frontend\*\* · namespace `shop`/);
    assert.match(md, /`frontend\.shop\.svc\.cluster\.local` · ClusterIP/);
    assert.match(
      md,
      /\| 80\/TCP http \| http \| nginx:80 \(http\) in \[Deployment frontend\]\(file:\/\/\/ws\/shop\/frontend\.yaml#\d+\) \|/,
    );
    assert.match(md, /Selects \[Deployment frontend\]\([^)]+\) \(3 pods\)/);
    assert.match(md, /Routed from shop\\\.example\\\.com\/ \(\[Ingress shop\]/);
  });

  test('on a broken named targetPort: the port has no endpoints', () => {
    const h = hoverAt(analysis, 'shop/frontend.yaml', at('shop/frontend.yaml', 'targetPort: h$0ttps'), options);
    assert.ok(h);
    assert.match(h.markdown, /⚠ no port named `https` in \[Deployment frontend\]\([^)]+\): no endpoints/);
    assert.match(h.markdown, /LoadBalancer/);
  });

  test('on an Ingress backend: the whole path, and a missing Service called out', () => {
    const ok = hoverAt(analysis, 'shop/ingress.yaml', at('shop/ingress.yaml', 'name: f$0rontend'), options);
    assert.ok(ok);
    assert.match(
      ok.markdown,
      /shop\\\.example\\\.com\/ → \[Service frontend:http\]\([^)]+\) → \[Deployment frontend\]\([^)]+\) \(3 pods\) → nginx:80 \(http\)/,
    );
    const missing = hoverAt(analysis, 'shop/ingress.yaml', at('shop/ingress.yaml', 'name: a$0dmin'), options);
    assert.ok(missing);
    assert.match(missing.markdown, /⚠ Service `admin:80` \*\*does not exist\*\*/);
  });

  test('on a container port: the Services that reach it; HPA replicas', () => {
    const h = hoverAt(analysis, 'shop/tomcat.yaml', at('shop/tomcat.yaml', 'containerPort: 8$0080'), options);
    assert.ok(h);
    assert.match(h.markdown, /2\\-10 pods \\\(HPA\\\)/);
    assert.match(h.markdown, /\| tomcat:8080\/TCP \(http\) \| \[Service tomcat:8080\]/);
    assert.match(h.markdown, /\| tomcat:8009\/TCP \(ajp\) \| — \|/);
  });

  test('manifest text is escaped, never markup', () => {
    const { text: evil, offset } = extractCursor(`apiVersion: v1
kind: Service
metadata:
  name: "<i$0mg src=x onerror=alert(1)>[x](javascript:alert(1))"
spec:
  selector:
    app: x
  ports:
    - port: 80
`);
    const a = analyze({ files: [{ path: 'evil.yaml', text: evil }], config: DEFAULT_CONFIG });
    const h = hoverAt(a, 'evil.yaml', offset, options);
    assert.ok(h);
    const outsideCode = h.markdown.replace(/`[^`]*`/g, '');
    assert.doesNotMatch(outsideCode, /<img/);
    assert.doesNotMatch(outsideCode, /\]\(javascript:/);
    assert.match(h.markdown, /&lt;img src=x onerror=alert\\\(1\\\)\\>\\\[x\\\]\\\(javascript:alert\\\(1\\\)\\\)/);
  });
});

describe('navigation', () => {
  test('definition of a backend name is the Service; of a named targetPort, the container port', () => {
    const toService = definitionAt(analysis, 'shop/ingress.yaml', at('shop/ingress.yaml', 'name: t$0omcat'));
    assert.deepEqual(
      toService.map((l) => `${l.file}:${lineOf(l.file, l.span.start)}`),
      ['shop/tomcat.yaml:33'],
    );
    const toPort = definitionAt(analysis, 'shop/frontend.yaml', at('shop/frontend.yaml', 'targetPort: h$0ttp\n---'));
    assert.deepEqual(
      toPort.map((l) => `${l.file}:${lineOf(l.file, l.span.start)}`),
      ['shop/frontend.yaml:22'],
    );
  });

  test('definition of a selector entry is the selected pod templates', () => {
    const locs = definitionAt(
      analysis,
      'shop/frontend.yaml',
      at('shop/frontend.yaml', 'LoadBalancer\n  selector:\n    ap$0p: frontend'),
    );
    assert.deepEqual(
      locs.map((l) => `${l.file}:${lineOf(l.file, l.span.start)}`),
      ['shop/frontend.yaml:15'],
    );
  });

  test('references of a Service are the Ingress backends naming it; of a workload, who selects it', () => {
    const refs = referencesAt(
      analysis,
      'shop/tomcat.yaml',
      at('shop/tomcat.yaml', 'name: t$0omcat\n  namespace: shop\nspec:\n  selector:\n    app'),
      false,
    );
    assert.deepEqual(
      refs.map((l) => `${l.file}:${lineOf(l.file, l.span.start)}`),
      ['shop/ingress.yaml:27'],
    );
    const selecting = referencesAt(
      analysis,
      'shop/tomcat.yaml',
      at('shop/tomcat.yaml', 'kind: Deployment\nmetadata:\n  name: t$0omcat'),
      false,
    );
    assert.deepEqual(selecting.map((l) => `${l.file}:${lineOf(l.file, l.span.start)}`).sort(), [
      'shop/network-policies.yaml:36',
      'shop/network-policies.yaml:9',
      'shop/tomcat.yaml:37',
    ]);
  });

  test('symbols', () => {
    assert.deepEqual(
      documentSymbols(analysis, 'shop/data.yaml').map((s) => s.name),
      ['StatefulSet/postgres', 'Service/postgres', 'Deployment/redis', 'Service/redis'],
    );
    assert.deepEqual(
      workspaceSymbols(analysis, 'ingress/').map((s) => `${s.kind} ${s.name}`),
      ['Ingress shop'],
    );
  });
});

describe('code lenses', () => {
  test('Services show where traffic goes and what routes to them, with a Show traffic command', () => {
    const serviceStart = textOf('shop/tomcat.yaml').indexOf('apiVersion: v1\nkind: Service');
    const lenses = codeLenses(analysis, 'shop/tomcat.yaml')
      .filter((l) => l.span.start === serviceStart)
      .map((l) => l.title);
    assert.deepEqual(lenses, ['→ Deployment tomcat (2-10 pods (HPA))', '← 1 route', 'Show traffic']);
    const show = codeLenses(analysis, 'shop/ingress.yaml').find((l) => l.command);
    assert.deepEqual(show?.command, { id: 'kubeTrafficLens.showTraffic', arguments: ['Ingress/shop/shop'] });
    assert.deepEqual(codeLenses(analysis, 'shop/ingress.yaml')[0].title, '→ 3 backends, 2 broken');
  });
});

describe('completion', () => {
  test('Service names in an Ingress backend, and their ports', () => {
    const { text, offset } = extractCursor(textOf('shop/ingress.yaml').replace('name: admin', 'name: $0'));
    const names = completionAt(analysis, 'shop/ingress.yaml', offset, text).map((c) => c.label);
    assert.ok(names.includes('tomcat') && names.includes('frontend') && names.includes('postgres'), names.join());
  });
  test('container ports in targetPort', () => {
    const { text, offset } = extractCursor(textOf('shop/tomcat.yaml').replace('targetPort: http', 'targetPort: $0'));
    assert.deepEqual(
      completionAt(analysis, 'shop/tomcat.yaml', offset, text).map((c) => c.label),
      ['http', '8080', 'ajp', '8009'],
    );
  });
  test('a 60,000-character token costs no more than a short one (the word is scanned linearly, the line bounded)', () => {
    const base = textOf('shop/tomcat.yaml').replace('targetPort: http', 'targetPort: ');
    for (const token of ['a'.repeat(60_000), 'a'.repeat(600)]) {
      const text = base.replace('targetPort: ', `targetPort: ${token}`);
      const offset = text.indexOf(token) + token.length;
      const started = performance.now();
      const entries = completionAt(analysis, 'shop/tomcat.yaml', offset, text);
      assert.ok(performance.now() - started < 100, `${(performance.now() - started).toFixed(0)} ms`);
      if (token.length > 1024) assert.deepEqual(entries, []);
      else
        assert.deepEqual(
          entries.map((c) => c.label),
          ['http', '8080', 'ajp', '8009'],
          'a long but bounded word still completes',
        );
    }
  });
});

describe('code actions', () => {
  test('replace an orphaned selector value with the near miss; disable comment keeps indentation', () => {
    const d = analysis.diagnostics.find((x) => x.rule === 'service-selector-orphaned')!;
    const actions = codeActionsAt(analysis, d.file, d.span, [d], textOf(d.file));
    assert.deepEqual(
      actions.map((a) => a.title),
      ['Change to app: redis (Deployment redis)', 'Disable service-selector-orphaned for this line'],
    );
    const [fix, disable] = actions;
    assert.equal(textOf(d.file).slice(fix.edits[0].span.start, fix.edits[0].span.end), 'reddis');
    assert.equal(fix.edits[0].newText, 'redis');
    assert.equal(disable.edits[0].newText, '    # kube-traffic-lens-disable-next-line service-selector-orphaned\n');
  });
  test('set targetPort to the declared port; use a port the Service defines', () => {
    const unmatched = analysis.diagnostics.find((x) => x.rule === 'service-target-port-unmatched')!;
    assert.equal(
      codeActionsAt(analysis, unmatched.file, unmatched.span, [unmatched], textOf(unmatched.file))[0].edits[0].newText,
      '9200',
    );
    const port = analysis.diagnostics.find((x) => x.rule === 'ingress-backend-port-missing')!;
    const fix = codeActionsAt(analysis, port.file, port.span, [port], textOf(port.file))[0];
    assert.equal(fix.title, 'Use port 8080 of Service tomcat');
  });
});

describe('hover details', () => {
  const text = `apiVersion: v1
kind: Service
metadata:
  name: legacy-db
  namespace: data
spec:
  ports:
    - name: pg
      port: 5432
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: legacy-db-1
  namespace: data
  labels:
    kubernetes.io/service-name: legacy-db
addressType: IPv4
endpoints:
  - addresses: ["10.20.0.5"]
ports:
  - name: pg
    port: 5432
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: data
spec:
  replicas: 3
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, image: api, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Pod
metadata:
  name: debug
  namespace: data
  labels: {app: api}
spec: {containers: [{name: sh, image: busybox}]}
---
apiVersion: v1
kind: Service
metadata:
  name: api
  namespace: data
spec:
  selector: {app: api}
  ports: [{port: 80}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: api
  namespace: data
spec:
  minAvailable: 2
  selector: {matchLabels: {app: api}}
`;
  const a = analyze({ files: [{ path: 'data.yaml', text }], config: DEFAULT_CONFIG });
  test('a selector-less Service shows its hand-managed endpoints', () => {
    const h = hoverAt(a, 'data.yaml', cursorIn(text, 'name: l$0egacy-db\n  namespace: data\nspec'), options);
    assert.match(
      h!.markdown,
      /endpoints by hand — `10\.20\.0\.5` on 5432 \\\(pg\\\) \(\[EndpointSlice legacy\\-db\\-1\]/,
    );
  });
  test('a Service counts the pods it selects', () => {
    const h = hoverAt(a, 'data.yaml', cursorIn(text, 'name: a$0pi\n  namespace: data\nspec:\n  selector'), options);
    assert.match(
      h!.markdown,
      /Selects \[Deployment api\]\([^)]+\) \(3 pods\), \[Pod debug\]\([^)]+\) \(1 pod\) — 4 pods in total/,
    );
  });
  test('a pod template lists the disruption budgets that cover it', () => {
    const h = hoverAt(a, 'data.yaml', cursorIn(text, 'name: a$0pi\n  namespace: data\nspec:\n  replicas'), options);
    assert.match(h!.markdown, /PodDisruptionBudgets: \[PodDisruptionBudget api\]/);
  });
});

describe('selector completion', () => {
  test('label keys, then the values the namespace’s pod templates carry', () => {
    const base = textOf('shop/data.yaml');
    const { text: keyText, offset: keyOffset } = extractCursor(
      base.replace('  selector:\n    app: reddis\n', '  selector:\n    $0\n'),
    );
    const keys = completionAt(analysis, 'shop/data.yaml', keyOffset, keyText).map((c) => c.label);
    assert.deepEqual(keys.sort(), ['app', 'tier']);
    const { text: valueText, offset: valueOffset } = extractCursor(base.replace('app: reddis', 'app: $0'));
    const values = completionAt(analysis, 'shop/data.yaml', valueOffset, valueText).map((c) => c.label);
    assert.deepEqual(values.sort(), ['frontend', 'postgres', 'redis', 'search', 'tomcat']);
  });
});

describe('east-west references', () => {
  test('hover on an address in env shows where the traffic lands; the Service finds it as a reference', () => {
    const offset = at('shop/tomcat.yaml', 'jdb$0c:postgresql');
    const h = hoverAt(analysis, 'shop/tomcat.yaml', offset, options);
    assert.ok(h);
    assert.match(h.markdown, /^\*\*Service reference\*\* `postgres\.shop\.svc\.cluster\.local:5432`/);
    assert.match(
      h.markdown,
      /→ \[Service postgres:5432\]\([^)]+\) → \[StatefulSet postgres\]\([^)]+\) \(1 pod\) → postgres:5432 \(postgres\)/,
    );
    const refs = referencesAt(
      analysis,
      'shop/data.yaml',
      at('shop/data.yaml', 'name: p$0ostgres\n  namespace: shop\nspec:\n  clusterIP'),
      false,
    );
    assert.deepEqual(
      refs.map((l) => `${l.file}:${lineOf(l.file, l.span.start)}`),
      ['shop/tomcat.yaml:28'],
    );
  });
});

describe('the port a reference means', () => {
  // An address without a port means the Service's only port (servicePortFor); with several ports it
  // means none of them. The hover shows the port traffic-denied-by-networkpolicy judges, or none.
  const text = `apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  selector: {app: api}
  ports:
    - {name: metrics, port: 9090}
    - {name: http, port: 80, targetPort: 8080}
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: shop}
spec:
  selector: {app: db}
  ports: [{name: pg, port: 5432}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, image: api, ports: [{containerPort: 8080}, {containerPort: 9090}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: db, namespace: shop}
spec:
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: postgres, ports: [{containerPort: 5432}]}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Ingress]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: web
          env:
            - {name: API_URL, value: "http://api.shop.svc.cluster.local/v1"}
            - {name: DB_URL, value: "postgres://db.shop.svc.cluster.local/orders"}
`;
  const a = analyze({ files: [{ path: 'shop.yaml', text }], config: DEFAULT_CONFIG });
  const denied = a.diagnostics.filter((d) => d.rule === 'traffic-denied-by-networkpolicy');

  test('the single port of a Service: the rule and the hover judge the same port', () => {
    assert.deepEqual(
      denied.map((d) => d.message.match(/Service '([^']+)'/)?.[1]),
      ['shop/db:5432'],
      'the rule judges db on its only port, and api (two ports, none written) not at all',
    );
    const h = hoverAt(a, 'shop.yaml', cursorIn(text, 'postgres://d$0b.shop'), options);
    assert.match(h!.markdown, /→ \[Service db:5432\]\([^)]+\) → \[Deployment db\]/);
    assert.match(h!.markdown, /\*\*denied\*\* by \[NetworkPolicy default\\-deny\]/);
  });

  test('no port written to a Service with several: the hover picks none, as the rule does', () => {
    const h = hoverAt(a, 'shop.yaml', cursorIn(text, 'http://a$0pi.shop'), options);
    assert.ok(h);
    assert.match(h.markdown, /no port written, and the Service has several/);
    // Not the first port (9090) nor any verdict on it: the rule concludes nothing there.
    assert.doesNotMatch(h.markdown, /Service api:9090\]/);
    assert.doesNotMatch(h.markdown, /\*\*denied\*\*/);
    assert.match(h.markdown, /`9090\/TCP` \(metrics\)/);
    assert.match(h.markdown, /`80\/TCP` \(http\) → .*8080/);
  });
});

describe('reached on a declared port', () => {
  // containerPort is informational: pods that a Service reaches on a declared port may serve more
  // than they declare, so the rule and the hover say nothing against an undeclared port there, and
  // both do when the pods declare ports and the Service reaches none of them.
  const text = `apiVersion: apps/v1
kind: Deployment
metadata: {name: collector, namespace: obs}
spec:
  selector: {matchLabels: {app: collector}}
  template:
    metadata: {labels: {app: collector}}
    spec: {containers: [{name: otel, image: otel, ports: [{name: grpc, containerPort: 4317}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: collector, namespace: obs}
spec:
  selector: {app: collector}
  ports:
    - {name: grpc, port: 4317}
    - {name: health, port: 13133}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: obs}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, image: api, ports: [{containerPort: 8080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: obs}
spec:
  selector: {app: api}
  ports: [{port: 80, targetPort: 8000}]
`;
  const a = analyze({ files: [{ path: 'obs.yaml', text }], config: DEFAULT_CONFIG });
  const unmatched = a.diagnostics.filter((d) => d.rule === 'service-target-port-unmatched');

  test('the rule and the Service hover agree on which undeclared port is a mistake', () => {
    assert.deepEqual(
      unmatched.map((d) => d.resource),
      ['Service/obs/api'],
    );
    const reached = hoverAt(
      a,
      'obs.yaml',
      cursorIn(text, 'name: c$0ollector, namespace: obs}\nspec:\n  selector: {app'),
      options,
    );
    assert.match(
      reached!.markdown,
      /13133 in \[Deployment collector\]\([^)]+\) \(not declared; its pods declare only some/,
    );
    assert.doesNotMatch(reached!.markdown, /⚠/);
    const wrong = hoverAt(
      a,
      'obs.yaml',
      cursorIn(text, 'name: a$0pi, namespace: obs}\nspec:\n  selector: {app'),
      options,
    );
    assert.match(wrong!.markdown, /⚠ 8000 not declared in \[Deployment api\]/);
  });
});

describe('networking hovers', () => {
  test('a reference shows the NetworkPolicy that denies it', () => {
    const h = hoverAt(analysis, 'shop/tomcat.yaml', at('shop/tomcat.yaml', 'jdb$0c:postgresql'), options);
    assert.match(h!.markdown, /\*\*denied\*\* by \[NetworkPolicy default\\-deny\]/);
  });
  test('addresses and CIDRs', () => {
    const text =
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: lb\nspec:\n  type: LoadBalancer\n  externalIPs: [192.0.2.10]\n  loadBalancerSourceRanges: [203.0.113.7/24]\n  ports: [{port: 80}]\n';
    const a = analyze({ files: [{ path: 'lb.yaml', text }], config: DEFAULT_CONFIG });
    assert.equal(
      hoverAt(a, 'lb.yaml', cursorIn(text, '19$02.0.2.10'), options)!.markdown,
      '**IPv4 address** `192.0.2.10`',
    );
    assert.equal(
      hoverAt(a, 'lb.yaml', cursorIn(text, '20$03.0.113.7'), options)!.markdown,
      '**IPv4 network** `203.0.113.0/24` (written `203.0.113.7/24`, host bits set)\n\n256 addresses',
    );
  });
  test('a Gateway API route shows each rule with weighted backends down to the pods', () => {
    const file = 'test/fixtures/rules/route-backend-service-missing/valid.yaml';
    const text = fs.readFileSync(path.join(REPO_ROOT, file), 'utf8');
    const a = analyze({ files: [{ path: file, text }], config: DEFAULT_CONFIG });
    const h = hoverAt(a, file, cursorIn(text, 'kind: HTTPRoute\nmetadata:\n  name: w$0eb'), options);
    assert.ok(h);
    assert.match(h.markdown, /Attached to \[Gateway infra\/edge\/http\]/);
    assert.match(
      h.markdown,
      /- \[Service web:80\]\([^)]+\) \(89%\) → \[Deployment web\]\([^)]+\) \(1 pod\) → web:8080/,
    );
    assert.match(h.markdown, /- Bucket shop\/assets \(1%\)/);
  });
});

describe('more networking hovers', () => {
  test('a workload lists the Services it calls with the NetworkPolicy verdict', () => {
    const h = hoverAt(
      analysis,
      'shop/tomcat.yaml',
      at('shop/tomcat.yaml', 'kind: Deployment\nmetadata:\n  name: t$0omcat'),
      options,
    );
    assert.match(
      h!.markdown,
      /\*\*Calls\*\*\n- \[Service postgres:5432\]\([^)]+\) — \*\*denied\*\* by \[NetworkPolicy default\\-deny\]/,
    );
  });
  test('an address says which configured Service CIDR holds it', () => {
    const { text, offset } = extractCursor(
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: dns\nspec:\n  clusterIP: 1$00.96.0.10\n  ports: [{port: 53}]\n',
    );
    const a = analyze({ files: [{ path: 'dns.yaml', text }], config: DEFAULT_CONFIG });
    const h = hoverAt(a, 'dns.yaml', offset, { ...options, serviceCIDR: ['10.96.0.0/12'] });
    assert.equal(h!.markdown, '**IPv4 address** `10.96.0.10`\n\nInside the Service CIDR `10.96.0.0/12`');
  });
});

describe('the resource at a document boundary', () => {
  // A file of 8 documents or more is read document by document, each in its own frame (origin.ts);
  // a smaller one in file offsets. At the first character of a `---` line the document before
  // ends, so the resource there (completion asks at a line's start) is the document before, read
  // either way.
  const services = (count: number) =>
    Array.from(
      { length: count },
      (_, i) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-${i}\nspec:\n  ports:\n    - port: 80\n`,
    ).join('---\n');
  for (const count of [3, 12])
    test(`in a file of ${count} documents`, () => {
      const text = services(count);
      const bundle = analyze({ files: [{ path: 'bundle.yaml', text }], config: DEFAULT_CONFIG });
      const names: string[] = [];
      for (let at = text.indexOf('---\n'); at >= 0; at = text.indexOf('---\n', at + 1))
        names.push(locate(bundle, 'bundle.yaml', at)?.resource.name ?? 'none');
      assert.deepEqual(
        names,
        Array.from({ length: count - 1 }, (_, i) => `svc-${i}`),
      );
    });
});
