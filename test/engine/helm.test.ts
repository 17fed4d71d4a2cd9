// The engine's Helm mapping without helm: a chart's templates, helpers and values as text, helm's
// output for them written out by hand, and the analysis of that output placed on the lines that
// wrote each finding. `$0` in a template marks where a finding must land.
import { test, describe } from 'node:test';
import * as assert from 'node:assert/strict';
import { analyze, DEFAULT_CONFIG } from '../../server/src/engine';
import {
  HelmSourceMap,
  isOwnRender,
  withHelm,
  worldCount,
  worldFiles,
  type ChartRender,
} from '../../server/src/engine/helm';
import { indexTemplate, valuesReference } from '../../server/src/engine/helm/templateIndex';
import { renderedDocuments } from '../../server/src/engine/helm/rendered';

const HELPERS = `{{- define "shop.fullname" -}}
{{ .Release.Name }}-shop
{{- end }}

{{- define "shop.selectorLabels" -}}
app.kubernetes.io/name: {{ include "shop.fullname" . }}
{{- end }}

{{- define "shop.labels" -}}
helm.sh/chart: shop
{{ include "shop.selectorLabels" . }}
{{- end }}
`;

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "shop.fullname" . }}
  labels:
    {{- include "shop.labels" . | nindent 4 }}
spec:
  selector:
    matchLabels:
      {{- include "shop.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "shop.selectorLabels" . | nindent 8 }}
    spec:
      containers:
        - name: web
          image: nginx
          ports:
            {{- range .Values.ports }}
            - name: {{ .name }}
              containerPort: {{ .port }}
            {{- end }}
`;

const SERVICE = `{{- if .Values.service.enabled }}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "shop.fullname" . }}
spec:
  selector:
    {{- include "shop.selectorLabels" . | nindent 4 }}
  ports:
    {{- if .Values.tls }}
    - name: https
      port: 443
      targetPort: https
    {{- end }}
    - name: http
      port: 80
      targetPort: {{ .Values.service.targetPort | quote }}
{{- end }}
`;

const VALUES = `service:
  enabled: true
  targetPort: http
ports:
  - name: http
    port: 8080
`;

/** helm template rel . for the chart above, as helm prints it. */
const RENDERED = `---
# Source: shop/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: rel-shop
spec:
  selector:
    app.kubernetes.io/name: rel-shop
  ports:
    - name: http
      port: 80
      targetPort: "http"
---
# Source: shop/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: rel-shop
  labels:
    helm.sh/chart: shop
    app.kubernetes.io/name: rel-shop
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: rel-shop
  template:
    metadata:
      labels:
        app.kubernetes.io/name: rel-shop
    spec:
      containers:
        - name: web
          image: nginx
          ports:
            - name: http
              containerPort: 8080
`;

const render = (text = RENDERED, several = false): ChartRender => ({
  chartDir: 'charts/shop',
  chartName: 'shop',
  release: 'rel',
  namespace: undefined,
  valuesFiles: [],
  valueSet: 'values.yaml',
  several,
  path: 'charts/shop/.ktl-rendered/rel.yaml',
  text,
  dependencyDirs: {},
});
const texts = new Map([
  ['charts/shop/templates/_helpers.tpl', HELPERS],
  ['charts/shop/templates/deployment.yaml', DEPLOYMENT],
  ['charts/shop/templates/service.yaml', SERVICE],
  ['charts/shop/values.yaml', VALUES],
]);
const sourceMap = (r = render()) => new HelmSourceMap({ renders: [r], texts }, () => undefined);
const lineOf = (file: string, offset: number) => texts.get(file)!.slice(0, offset).split('\n').length;
const lineText = (file: string, offset: number) => texts.get(file)!.split('\n')[lineOf(file, offset) - 1].trim();
/** The span of `needle`'s n-th occurrence in the rendered text. */
const renderedSpan = (needle: string, occurrence = 1) => {
  let i = -1;
  for (let n = 0; n < occurrence; n++) i = RENDERED.indexOf(needle, i + 1);
  assert.ok(i >= 0, needle);
  return { start: i, end: i + needle.length };
};

describe('template structure', () => {
  test('key paths by indentation, sequence items, include actions under their nindent, defines', () => {
    const ix = indexTemplate(DEPLOYMENT);
    assert.ok(ix.byPath(0, ['spec', 'template', 'spec', 'containers', 0, 'ports', 0, 'containerPort']));
    assert.equal(ix.kinds.get(0), 'Deployment');
    const selector = ix.actions.find((a) => a.text.includes('selectorLabels') && a.parent.includes('matchLabels'));
    assert.deepEqual(selector?.parent, ['spec', 'selector', 'matchLabels']);
    const helpers = indexTemplate(HELPERS);
    assert.deepEqual([...helpers.defines.keys()], ['shop.fullname', 'shop.selectorLabels', 'shop.labels']);
    assert.ok(helpers.defines.get('shop.selectorLabels')!.byPath(0, ['app.kubernetes.io/name']));
  });

  test('block scalars are text, documents are counted at ---', () => {
    const ix = indexTemplate(
      'kind: ConfigMap\ndata:\n  nginx.conf: |\n    server: {\n    listen: 80\n  other: x\n---\nkind: Service\n',
    );
    assert.ok(ix.byPath(0, ['data', 'other']));
    assert.equal(ix.byPath(0, ['data', 'nginx.conf', 'listen']), undefined);
    assert.equal(ix.byPath(0, ['listen']), undefined);
    assert.equal(ix.kinds.get(1), 'Service');
  });

  test('a value that reads one value, through functions that keep or default it, refers to the values line', () => {
    const refs = Object.fromEntries(
      [
        '{{ .Values.a.b }}',
        '{{ .Values.a.b | quote }}',
        '"{{ .Values.a }}"',
        '{{ default 80 .Values.svc.port }}',
        '{{ $.Values.a.b }}',
        '{{- .Values.x | toString -}}',
      ].map((t) => [t, valuesReference(t)?.join('.')]),
    );
    assert.deepEqual(refs, {
      '{{ .Values.a.b }}': 'a.b',
      '{{ .Values.a.b | quote }}': 'a.b',
      '"{{ .Values.a }}"': 'a',
      '{{ default 80 .Values.svc.port }}': 'svc.port',
      '{{ $.Values.a.b }}': 'a.b',
      '{{- .Values.x | toString -}}': 'x',
    });
    for (const t of [
      '{{ .Values.a }}-{{ .Values.b }}',
      '{{ printf "%s-x" .Values.a }}',
      '{{ .Release.Name }}',
      '{{ .Values.a | default .Values.b }}',
      '{{ $x.Values.a }}',
      '{{ include "x" . }}',
      'http-{{ .Values.a }}',
    ])
      assert.equal(valuesReference(t), undefined, t);
  });

  test('rendered documents and their sources', () => {
    const docs = renderedDocuments(RENDERED);
    assert.deepEqual(
      docs.map((d) => d.source),
      ['shop/templates/service.yaml', 'shop/templates/deployment.yaml'],
    );
    assert.ok(RENDERED.slice(docs[1].start).startsWith('apiVersion: apps/v1'));
  });
});

describe('a rendered node to the line that wrote it', () => {
  const map = sourceMap();
  const where = (needle: string, occurrence = 1) => {
    const at = map.locate('charts/shop/.ktl-rendered/rel.yaml', renderedSpan(needle, occurrence));
    assert.ok(at, needle);
    return `${at.file.replace('charts/shop/', '')}:${lineOf(at.file, at.span.start)} ${texts.get(at.file)!.slice(at.span.start, at.span.end)}`;
  };

  test('a literal value on its template line', () => {
    assert.equal(where('80'), 'templates/service.yaml:16 80');
  });

  test('a value that is one .Values reference on the values line', () => {
    assert.equal(where('"http"'), 'values.yaml:3 http');
  });

  test('a label written by an include, through the define (and a define it includes)', () => {
    assert.equal(where('app.kubernetes.io/name', 1), 'templates/_helpers.tpl:6 app.kubernetes.io/name');
    assert.equal(where('helm.sh/chart'), 'templates/_helpers.tpl:10 helm.sh/chart');
  });

  test('a sequence item found by its literal values when a conditional item before it is not rendered', () => {
    // The Service's http port is the template's second item (https is off).
    assert.equal(where('targetPort'), 'templates/service.yaml:17 targetPort');
  });

  test('a range item maps to the template item', () => {
    // `.port` is the range's element, not a .Values path: the template line is as far as it goes.
    assert.equal(where('8080'), 'templates/deployment.yaml:22 {{ .port }}');
  });

  test('a location is exact where the node itself was found (its line, its values line), not on a fallback', () => {
    const rendered = 'charts/shop/.ktl-rendered/rel.yaml';
    assert.equal(map.locate(rendered, renderedSpan('80'))?.exact, true);
    assert.equal(map.locate(rendered, renderedSpan('"http"'))?.exact, true);
    // A key the template does not spell out falls back to the enclosing `spec:`: not exact.
    const extra = RENDERED.replace('  ports:\n', '  sessionAffinity: None\n  ports:\n');
    const start = extra.indexOf('None');
    const at = sourceMap(render(extra)).locate(rendered, { start, end: start + 4 });
    assert.ok(at, 'located');
    assert.equal(
      `${lineOf(at.file, at.span.start)} ${texts.get(at.file)!.slice(at.span.start, at.span.end)}`,
      '6 spec',
    );
    assert.ok(!at.exact);
  });

  test('back from a template position to the rendered node', () => {
    const offset = DEPLOYMENT.indexOf('{{ include "shop.fullname" . }}') + 3;
    const [r] = map.toRendered('charts/shop/templates/deployment.yaml', offset);
    assert.ok(r);
    assert.equal(RENDERED.slice(r.span.start, r.span.end), 'rel-shop');
    assert.ok(r.offset > RENDERED.indexOf('kind: Deployment'));
  });
});

/**
 * A chart `x` of the given files rendered as `rendered`: where(needle) is `file:line text` of the
 * chart line that wrote the needle's first occurrence in the render.
 */
function chartX(rendered: string, files: Record<string, string>): (needle: string) => string {
  const r: ChartRender = { ...render(rendered), chartDir: 'x', chartName: 'x', path: 'x/.ktl-rendered/rel.yaml' };
  const chartTexts = new Map(Object.entries(files));
  const map = new HelmSourceMap({ renders: [r], texts: chartTexts }, () => undefined);
  return (needle) => {
    const start = rendered.indexOf(needle);
    const at = map.locate(r.path, { start, end: start + needle.length });
    assert.ok(at, needle);
    const text = chartTexts.get(at.file)!;
    return `${at.file}:${text.slice(0, at.span.start).split('\n').length} ${text.slice(at.span.start, at.span.end)}`;
  };
}

describe('a pod spec written whole by a helper, with indentless sequences', () => {
  const helpers = `{{- define "x.podSpec" -}}
serviceAccountName: x
containers:
{{ with .Values.extraContainers }}
  {{- toYaml . }}
{{- end }}
- name: exporter
  image: exporter
  ports:
  - containerPort: {{ .Values.containerPort }}
    name: http
{{- end -}}
`;
  const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: x
spec:
  template:
    spec:
      {{- include "x.podSpec" . | nindent 6 }}
`;
  const rendered = `---
# Source: x/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: x
spec:
  template:
    spec:
      serviceAccountName: x
      containers:
      - name: exporter
        image: exporter
        ports:
        - containerPort: 9115
          name: http
`;
  const where = chartX(rendered, {
    'x/templates/_helpers.tpl': helpers,
    'x/templates/deployment.yaml': deployment,
    'x/values.yaml': 'containerPort: 9115\n',
  });

  test('the container port value goes to values.yaml, its name to the helper line', () => {
    assert.equal(where('9115'), 'x/values.yaml:1 9115');
    assert.equal(where('name: http'), 'x/templates/_helpers.tpl:11 name');
    assert.equal(where('image: exporter'), 'x/templates/_helpers.tpl:8 image');
  });
});

describe('values read inside a with block', () => {
  const service = `apiVersion: v1
kind: Service
metadata:
  name: x
spec:
  ports:
  {{- with .Values.service }}
    - port: {{ .port }}
      targetPort: {{ .targetPort | quote }}
  {{- end }}
  {{- range .Values.extraPorts }}
    - port: {{ .port }}
  {{- end }}
`;
  const values = 'service:\n  port: 80\n  targetPort: web\nextraPorts:\n  - port: 81\n';
  const rendered = `---
# Source: x/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: x
spec:
  ports:
    - port: 80
      targetPort: "web"
    - port: 81
`;
  const where = chartX(rendered, { 'x/templates/service.yaml': service, 'x/values.yaml': values });

  test('`.targetPort` under `with .Values.service` is service.targetPort in values.yaml; a range element is not a values path', () => {
    assert.equal(where('"web"'), 'x/values.yaml:3 web');
    assert.equal(where('80'), 'x/values.yaml:2 80');
    assert.equal(where('81'), 'x/templates/service.yaml:12 {{ .port }}');
  });

  test('a block dumped by `toYaml .` inside `with .Values.a`, on its own line or on the with line', () => {
    const template = `apiVersion: v1
kind: Service
metadata:
  name: x
  labels:
    {{- with .Values.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  annotations: {{- with .Values.annotations }}{{ toYaml . | nindent 4 }}{{- end }}
spec:
  selector:
    {{- with .Values.selector }}{{ toYaml . | nindent 4 }}{{ end }}
`;
    const values = 'labels:\n  team: web\nannotations:\n  owner: me\nselector:\n  app: web\n';
    const out =
      '---\n# Source: x/templates/service.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: x\n  labels:\n    team: web\n  annotations:\n    owner: me\nspec:\n  selector:\n    app: web\n';
    const where = chartX(out, { 'x/templates/service.yaml': template, 'x/values.yaml': values });
    assert.equal(where('team'), 'x/values.yaml:2 team');
    assert.equal(where('owner'), 'x/values.yaml:4 owner');
    assert.equal(where('app: web'), 'x/values.yaml:6 app');
  });
});

describe('diagnostics on chart lines', () => {
  test('a finding in the render is reported on the helper line, with the rendered line related; several value sets are named', () => {
    const broken = RENDERED.replace(
      '    app.kubernetes.io/name: rel-shop\n  ports:',
      '    app.kubernetes.io/name: rel-shopp\n  ports:',
    );
    // Two value sets of the chart; the finding holds in the first only.
    const r = render(broken, true);
    const other: ChartRender = {
      ...render(RENDERED, true),
      path: 'charts/shop/.ktl-rendered/rel@1.yaml',
      valueSet: 'values.yaml + ci/b-values.yaml',
    };
    const analysis = analyze({
      files: [
        { path: r.path, text: r.text },
        { path: other.path, text: other.text },
      ],
      config: DEFAULT_CONFIG,
    });
    const map = new HelmSourceMap({ renders: [r, other], texts }, () => undefined);
    const diagnostics = withHelm(analysis.diagnostics, map, { diagnostics: [], skipReason: undefined });
    const orphaned = diagnostics.filter((d) => d.rule === 'service-selector-orphaned');
    assert.equal(orphaned.length, 1, JSON.stringify(diagnostics));
    const d = orphaned[0];
    assert.equal(d.file, 'charts/shop/templates/_helpers.tpl');
    assert.equal(lineText(d.file, d.span.start), 'app.kubernetes.io/name: {{ include "shop.fullname" . }}');
    assert.match(d.message, /\(release rel, values values\.yaml\)$/);
    assert.ok(d.related.some((x) => x.file === r.path && /rendered by helm template/.test(x.message)));
    assert.ok(
      diagnostics.every((x) => x.file !== r.path),
      'nothing is left on the rendered file',
    );
  });

  test('a finding that holds in every value set is reported once, without naming them', () => {
    const broken = RENDERED.replace(
      '    app.kubernetes.io/name: rel-shop\n  ports:',
      '    app.kubernetes.io/name: rel-shopp\n  ports:',
    );
    const renders = [
      render(broken, true),
      {
        ...render(broken, true),
        path: 'charts/shop/.ktl-rendered/rel@1.yaml',
        valueSet: 'values.yaml + ci/b-values.yaml',
      },
    ];
    const analysis = analyze({ files: renders.map((r) => ({ path: r.path, text: r.text })), config: DEFAULT_CONFIG });
    const diagnostics = withHelm(analysis.diagnostics, new HelmSourceMap({ renders, texts }, () => undefined), {
      diagnostics: [],
      skipReason: undefined,
    });
    const orphaned = diagnostics.filter((d) => d.rule === 'service-selector-orphaned');
    assert.equal(orphaned.length, 1, JSON.stringify(diagnostics));
    assert.doesNotMatch(orphaned[0].message, /release/);
  });

  test('the skip note on Chart.yaml says why charts were not rendered', () => {
    const analysis = analyze({
      files: [{ path: 'charts/shop/Chart.yaml', text: 'apiVersion: v2\nname: shop\nversion: 1.0.0\n' }],
      config: DEFAULT_CONFIG,
    });
    const out = withHelm(analysis.diagnostics, new HelmSourceMap({ renders: [], texts: new Map() }, () => undefined), {
      diagnostics: [],
      skipReason: 'helm was not found',
    });
    assert.deepEqual(
      out.map((d) => `${d.file} ${d.rule}: ${d.message}`),
      ["charts/shop/Chart.yaml helm-template-skipped: Helm chart 'charts/shop' is not analysed: helm was not found."],
    );
  });

  test('a library chart gets no note, a rendered chart none either', () => {
    const library = analyze({
      files: [{ path: 'common/Chart.yaml', text: 'apiVersion: v2\nname: common\ntype: library\nversion: 1.0.0\n' }],
      config: DEFAULT_CONFIG,
    });
    assert.deepEqual(library.diagnostics, []);
    const r = render();
    const rendered = analyze({
      files: [
        { path: 'charts/shop/Chart.yaml', text: 'apiVersion: v2\nname: shop\nversion: 1.0.0\n' },
        { path: r.path, text: r.text },
      ],
      config: DEFAULT_CONFIG,
    });
    assert.deepEqual(
      rendered.diagnostics.map((d) => d.rule),
      [],
    );
    assert.equal(rendered.workspace.resources.length, 2);
  });

  test('the release namespace applies to rendered resources without one', () => {
    const r = render();
    const a = analyze({ files: [{ path: r.path, text: r.text, namespace: 'shop' }], config: DEFAULT_CONFIG });
    assert.deepEqual(
      a.workspace.resources.map((x) => x.id),
      ['Service/shop/rel-shop', 'Deployment/shop/rel-shop'],
    );
  });
});

describe('value sets as worlds of their own', () => {
  const shop = (i: number): ChartRender => ({
    ...render(),
    path: i === 0 ? 'charts/shop/.ktl-rendered/rel.yaml' : `charts/shop/.ktl-rendered/rel@${i}.yaml`,
  });
  const cart: ChartRender = { ...render(), chartDir: 'charts/cart', path: 'charts/cart/.ktl-rendered/cart.yaml' };
  const renders = [shop(0), shop(1), shop(2), cart];
  const rendered = renders.map((r) => ({ path: r.path, text: r.text }));
  const plain = [{ path: 'app.yaml', text: 'kind: Service' }];

  test('world k holds the plain files and of each chart its k-th value set, else its first', () => {
    assert.equal(worldCount(renders), 3);
    assert.equal(worldCount([cart]), 1);
    const paths = (k: number) => worldFiles([...plain, ...rendered], rendered, renders, k).map((f) => f.path);
    assert.deepEqual(paths(0), [
      'app.yaml',
      'charts/shop/.ktl-rendered/rel.yaml',
      'charts/cart/.ktl-rendered/cart.yaml',
    ]);
    assert.deepEqual(paths(2), [
      'app.yaml',
      'charts/shop/.ktl-rendered/rel@2.yaml',
      'charts/cart/.ktl-rendered/cart.yaml',
    ]);
    assert.ok(isOwnRender('charts/shop/.ktl-rendered/rel@2.yaml', 2));
    assert.ok(
      !isOwnRender('charts/cart/.ktl-rendered/cart.yaml', 2),
      "another chart's first value set is not world 2's own",
    );
    assert.ok(!isOwnRender('charts/shop/.ktl-rendered/rel.yaml', 0), 'world 0 is the workspace itself');
  });
});
