// Helm charts rendered with a real helm through the CLI: the corpus charts analyse clean, mistakes
// planted in templates, helpers and values are reported on the line that holds them and nothing
// else is new, dependencies that are not vendored are said once, and --no-helm keeps the skip.
import { test, describe } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT, runCli, type JsonDiagnostic, type JsonReport } from '../support/cli';
import { helmOrSkip, writeValueSetChart } from '../support/helm';
import { needsCorpus } from '../support/corpus';

const CORPUS = path.resolve(REPO_ROOT, '../shared/corpus');

function check(helm: string, paths: string[], cwd: string, extra: string[] = []): JsonReport {
  const r = runCli(['check', '--format', 'json', '--helm', helm, ...extra, ...paths], { cwd });
  if (r.status !== 0 && r.status !== 1) throw new Error(`check exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as JsonReport;
}

const show = (ds: readonly JsonDiagnostic[]) =>
  ds.map((d) => `${d.file}:${d.line}:${d.column} ${d.severity} ${d.rule}: ${d.message}`);

/** A copy of a corpus chart folder in a temporary directory, edited by `edits` (file -> [from, to]). */
function plantedCopy(
  entry: string,
  edits: Record<string, [string, string][]>,
  extraFiles: Record<string, string> = {},
): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-helm-test-'));
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  fs.cpSync(path.join(CORPUS, entry), dir, { recursive: true });
  for (const [file, replacements] of Object.entries(edits)) {
    const p = path.join(dir, file);
    let text = fs.readFileSync(p, 'utf8');
    for (const [from, to] of replacements) {
      assert.ok(text.includes(from), `${file} holds ${from}`);
      text = text.replace(from, to);
    }
    fs.writeFileSync(p, text);
  }
  for (const [file, text] of Object.entries(extraFiles)) fs.writeFileSync(path.join(dir, file), text);
  return dir;
}

/** The 1-based line of the first occurrence of `needle` in a file. */
function lineOf(file: string, needle: string): number {
  const text = fs.readFileSync(file, 'utf8');
  const at = text.indexOf(needle);
  assert.ok(at >= 0, `${file} holds ${needle}`);
  return text.slice(0, at).split('\n').length;
}

describe('corpus charts render and analyse clean', needsCorpus, () => {
  for (const entry of ['podinfo-helm', 'ingress-nginx-chart', 'gcp-microservices-demo-helm', 'bitnami-charts']) {
    test(entry, (t) => {
      const helm = helmOrSkip(t);
      if (!helm) return;
      const report = check(helm, [entry], CORPUS);
      assert.ok(report.resources > 0, 'the chart rendered resources');
      assert.deepEqual(show(report.diagnostics), []);
    });
  }

  test('bitnami charts render with the sibling library chart common, the library itself alone not', (t) => {
    const helm = helmOrSkip(t);
    if (!helm) return;
    const r = runCli(['graph', '--format', 'json', '--helm', helm, 'bitnami-charts'], { cwd: CORPUS });
    const ids = (JSON.parse(r.stdout) as { nodes: { id: string }[] }).nodes.map((n) => n.id);
    for (const id of [
      'Service/default/nginx',
      'StatefulSet/default/redis-master',
      'Service/default/wordpress-mariadb',
      'Deployment/default/memcached',
    ])
      assert.ok(ids.includes(id), `${id} in ${ids.join(', ')}`);
  });

  test('sock-shop-helm: its dependency is not vendored, said once on the line that declares it', (t) => {
    const helm = helmOrSkip(t);
    if (!helm) return;
    const report = check(helm, ['sock-shop-helm'], CORPUS);
    assert.deepEqual(show(report.diagnostics), [
      'sock-shop-helm/helm-chart/requirements.yaml:2:11 info helm-dependency-not-vendored: dependency nginx-ingress is not vendored: run `helm dependency build` (https://helm.nginx.com/stable); the chart is not rendered without it',
    ]);
  });
});

describe('planted mistakes are reported on the template, helper or values line', needsCorpus, () => {
  test('a selector label in _helpers.tpl and an Ingress backend port in a template', (t) => {
    const helm = helmOrSkip(t);
    if (!helm) return;
    const dir = plantedCopy(
      'podinfo-helm',
      {
        'podinfo/templates/_helpers.tpl': [
          [
            '{{- define "podinfo.selectorLabels" -}}',
            '{{- define "podinfo.serviceSelector" -}}\napp.kubernetes.io/name: {{ include "podinfo.fullname" . }}-web\n{{- end }}\n\n{{- define "podinfo.selectorLabels" -}}',
          ],
        ],
        'podinfo/templates/service.yaml': [
          [
            '{{- include "podinfo.selectorLabels" . | nindent 4 }}',
            '{{- include "podinfo.serviceSelector" . | nindent 4 }}',
          ],
        ],
        'podinfo/templates/ingress.yaml': [['number: {{ $svcPort }}', 'number: 9899']],
      },
      {
        'podinfo/values-ingress.yaml': 'ingress:\n  enabled: true\n',
        '.kube-traffic-lens.yaml':
          'helm:\n  charts:\n    podinfo:\n      release: web\n      valuesFiles: [values-ingress.yaml]\n',
      },
    );
    const report = check(helm, ['.'], dir);
    assert.deepEqual(show(report.diagnostics), [
      `podinfo/templates/_helpers.tpl:${lineOf(path.join(dir, 'podinfo/templates/_helpers.tpl'), 'app.kubernetes.io/name: {{ include "podinfo.fullname" . }}-web')}:1 warning service-selector-orphaned: Selector app.kubernetes.io/name=web-podinfo-web matches no pod template in namespace 'default'; the Service has no endpoints. Closest: Deployment 'web-podinfo' has app.kubernetes.io/name=web-podinfo.`,
      `podinfo/templates/ingress.yaml:${lineOf(path.join(dir, 'podinfo/templates/ingress.yaml'), 'number: 9899')}:27 error ingress-backend-port-missing: Service 'web-podinfo' has no port 9899 (its ports: 9898 (http), 9999 (grpc)); requests for podinfo.local/ fail.`,
    ]);
  });

  test('a targetPort in values.yaml', (t) => {
    const helm = helmOrSkip(t);
    if (!helm) return;
    const dir = plantedCopy('ingress-nginx-chart', {
      'ingress-nginx/values.yaml': [['      http: http\n', '      http: htp\n']],
    });
    const report = check(helm, ['.'], dir);
    const line = lineOf(path.join(dir, 'ingress-nginx/values.yaml'), 'http: htp');
    const internal = lineOf(
      path.join(dir, 'ingress-nginx/templates/controller-service-internal.yaml'),
      'targetPort: {{ .Values.controller.service.internal.targetPorts.http',
    );
    // The chart's ci value sets are releases of their own: the mistake holds in all of them (said
    // once, in the wording of values.yaml's), and the one that adds the internal Service has it
    // there too, through the template's `default` (placed on the template's value).
    assert.deepEqual(show(report.diagnostics), [
      `ingress-nginx/templates/controller-service-internal.yaml:${internal}:19 error service-target-port-name-unresolved: targetPort 'htp' is not a port name of any container of Deployment 'ingress-nginx-controller' (declared names: http, https, webhook); port 80 has no endpoints. (release ingress-nginx, values values.yaml + ci/controller-service-internal-values.yaml)`,
      `ingress-nginx/values.yaml:${line}:13 error service-target-port-name-unresolved: targetPort 'htp' is not a port name of any container of Deployment 'ingress-nginx-controller' (declared names: http, https, webhook); port 80 has no endpoints.`,
    ]);
  });

  test('a chart with several value sets names the value set of each finding', (t) => {
    const helm = helmOrSkip(t);
    if (!helm) return;
    const dir = plantedCopy(
      'podinfo-helm',
      { 'podinfo/templates/ingress.yaml': [['number: {{ $svcPort }}', 'number: 9899']] },
      {
        'podinfo/values-ingress.yaml': 'ingress:\n  enabled: true\n',
        '.kube-traffic-lens.yaml': 'helm:\n  charts:\n    podinfo:\n      valueSets: [[values-ingress.yaml]]\n',
      },
    );
    const report = check(helm, ['.'], dir);
    const found = report.diagnostics.filter((d) => d.rule === 'ingress-backend-port-missing');
    assert.equal(found.length, 1, JSON.stringify(report.diagnostics));
    assert.match(found[0].message, /\(release podinfo, values values\.yaml \+ values-ingress\.yaml\)$/);
    assert.equal(found[0].file, 'podinfo/templates/ingress.yaml');
  });

  test('a template helm cannot render is reported on the line helm names', (t) => {
    const helm = helmOrSkip(t);
    if (!helm) return;
    const dir = plantedCopy('podinfo-helm', {
      'podinfo/templates/service.yaml': [
        ['  type: {{ .Values.service.type }}', '  type: {{ .Values.service.type | nosuchfunction }}'],
      ],
    });
    const report = check(helm, ['.'], dir);
    assert.equal(report.diagnostics.length, 1, JSON.stringify(report.diagnostics));
    const d = report.diagnostics[0];
    assert.equal(
      `${d.file}:${d.line} ${d.rule}`,
      `podinfo/templates/service.yaml:${lineOf(path.join(dir, 'podinfo/templates/service.yaml'), 'nosuchfunction')} helm-render-failed`,
    );
    assert.match(d.message, /nosuchfunction/);
  });
});

test("plain manifests reach the chart's Services by their rendered names", needsCorpus, (t) => {
  const helm = helmOrSkip(t);
  if (!helm) return;
  const client = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: client
spec:
  selector:
    matchLabels: {app: client}
  template:
    metadata:
      labels: {app: client}
    spec:
      containers:
        - name: client
          image: curl
          env:
            - {name: OK_URL, value: "http://podinfo:9898/healthz"}
            - {name: BAD_URL, value: "http://podinfo:9899/healthz"}
`;
  const dir = plantedCopy('podinfo-helm', {}, { 'client.yaml': client });
  assert.deepEqual(show(check(helm, ['.'], dir).diagnostics), [
    "client.yaml:17:38 warning service-reference-port-unmatched: 'podinfo:9899': Service 'default/podinfo' has no port 9899 (its ports: 9898 (http), 9999 (grpc)).",
  ]);
});

test('value sets of one chart are releases of their own: one never supplies the pods of another', (t) => {
  const helm = helmOrSkip(t);
  if (!helm) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-helm-test-'));
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  writeValueSetChart(dir);
  // The ci value set is analysed (the default): its web pods do not hide that the values.yaml
  // release's Service selects nothing, and its own Service, which does select them, is fine.
  const report = check(helm, ['.'], dir);
  assert.deepEqual(show(report.diagnostics), [
    "shop/templates/service.yaml:7:5 warning service-selector-orphaned: Selector app=web matches no pod template in namespace 'default'; the Service has no endpoints. (release shop, values values.yaml)",
  ]);
  assert.equal(report.resources, 5, 'two releases: 2 resources of values.yaml, 3 of the ci value set');
  // Without the ci value set there is one release, and the same finding, not naming a value set.
  fs.writeFileSync(path.join(dir, '.kube-traffic-lens.yaml'), 'helm:\n  ciValueSets: false\n');
  assert.deepEqual(
    check(helm, ['.'], dir).diagnostics.map((d) => `${d.file}:${d.line} ${d.rule}: ${d.message}`),
    [
      "shop/templates/service.yaml:7 service-selector-orphaned: Selector app=web matches no pod template in namespace 'default'; the Service has no endpoints.",
    ],
  );
});

test('a chart that renders without end is cut off by the time-out or the output bound', (t) => {
  const helm = helmOrSkip(t);
  if (!helm) return;
  const dir = plantedCopy(
    'podinfo-helm',
    {},
    {
      'podinfo/templates/huge.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: huge\ndata:\n{{- range until 100000000 }}\n  key{{ . }}: "{{ . }}"\n{{- end }}\n',
      '.kube-traffic-lens.yaml': 'helm:\n  timeoutSeconds: 2\n',
    },
  );
  const started = Date.now();
  const report = check(helm, ['.'], dir);
  assert.ok(Date.now() - started < 30_000, 'bounded');
  assert.equal(report.diagnostics.length, 1, JSON.stringify(report.diagnostics));
  assert.equal(report.diagnostics[0].rule, 'helm-render-failed');
  assert.match(report.diagnostics[0].message, /did not finish in 2 s|output is over \d+ bytes/);
});

test('--no-helm and a missing helm keep the chart skipped, with the reason', needsCorpus, (t) => {
  const helm = helmOrSkip(t);
  if (!helm) return;
  const off = check(helm, ['podinfo-helm'], CORPUS, ['--no-helm']);
  assert.deepEqual(show(off.diagnostics), [
    "podinfo-helm/podinfo/Chart.yaml:1:1 info helm-template-skipped: Helm chart 'podinfo-helm/podinfo' is not analysed: Helm rendering is turned off (helm.enabled: false or --no-helm).",
  ]);
  const missing = check('/nonexistent/helm', ['podinfo-helm'], CORPUS);
  assert.equal(missing.diagnostics.length, 1);
  assert.match(missing.diagnostics[0].message, /helm was not found/);
});
