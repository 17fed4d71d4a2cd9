// Kustomize builds as the engine renders them: strategic-merge and JSON 6902 patches (from files and
// inline), `$patch: delete`, `null` deleting a key, list merges by key, labels and name transforms,
// files no kustomization lists, replacements that veto only the fields they write, and how findings
// of a base are judged through its builds. In process through the engine, on strings.
import { test, describe } from 'node:test';
import * as assert from 'node:assert/strict';
import { analyze, DEFAULT_CONFIG } from '../../server/src/engine';
import type { LineIndex } from '../../server/src/engine/text';

type Files = Record<string, string>;

function check(files: Files): string[] {
  const analysis = analyze({
    files: Object.entries(files).map(([path, text]) => ({ path, text })),
    config: DEFAULT_CONFIG,
  });
  return analysis.diagnostics
    .filter((d) => d.severity === 'error' || d.severity === 'warning')
    .map((d) => {
      const lines = analysis.workspace.files.get(d.file)?.lines as LineIndex;
      return `${d.file}:${lines.position(d.span.start).line + 1} ${d.rule}`;
    });
}

const deployment = (ports: string, labels = 'app: web') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      ${labels}
  template:
    metadata:
      labels:
        ${labels}
    spec:
      containers:
        - name: web
          image: web:1
          ports:
${ports}
`;

const service = (targetPort: string, selector = 'app: web') => `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    ${selector}
  ports:
    - name: https
      port: 443
      targetPort: ${targetPort}
`;

const PORT_8080 = '            - containerPort: 8080\n              name: http';

describe('patches', () => {
  test('without the patch the Service targets an undeclared port (the observable below)', () => {
    const out = check({
      'app/kustomization.yaml': 'resources:\n- deployment.yaml\n- service.yaml\n',
      'app/deployment.yaml': deployment(PORT_8080),
      'app/service.yaml': service('9443'),
    });
    assert.deepEqual(out, ['app/service.yaml:11 service-target-port-unmatched']);
  });

  test('a strategic-merge patch that adds a container port (merged by name and containerPort)', () => {
    const out = check({
      'app/kustomization.yaml': 'resources:\n- deployment.yaml\n- service.yaml\npatches:\n- path: webhook.yaml\n',
      'app/deployment.yaml': deployment(PORT_8080),
      'app/service.yaml': service('9443'),
      'app/webhook.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        ports:\n        - containerPort: 9443\n          name: webhook\n',
    });
    assert.deepEqual(out, []);
  });

  test('patchesStrategicMerge and a named targetPort added by the patch', () => {
    const out = check({
      'app/kustomization.yaml':
        'resources:\n- deployment.yaml\n- service.yaml\npatchesStrategicMerge:\n- webhook.yaml\n',
      'app/deployment.yaml': deployment(PORT_8080),
      'app/service.yaml': service('webhook'),
      'app/webhook.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        ports:\n        - containerPort: 9443\n          name: webhook\n',
    });
    assert.deepEqual(out, []);
  });

  test('a JSON 6902 patch with a target (patches: and patchesJson6902:, file and inline) adds the port', () => {
    const op =
      '- op: add\n  path: /spec/template/spec/containers/0/ports/-\n  value:\n    containerPort: 9443\n    name: webhook\n';
    const base = {
      'app/deployment.yaml': deployment(PORT_8080),
      'app/service.yaml': service('9443'),
      'app/port.yaml': op,
    };
    const target = '  target:\n    kind: Deployment\n    name: web\n';
    assert.deepEqual(
      check({
        ...base,
        'app/kustomization.yaml': `resources:\n- deployment.yaml\n- service.yaml\npatches:\n- path: port.yaml\n${target}`,
      }),
      [],
    );
    assert.deepEqual(
      check({
        ...base,
        'app/kustomization.yaml': `resources:\n- deployment.yaml\n- service.yaml\npatchesJson6902:\n- path: port.yaml\n${target.replace('kind', 'group: apps\n    version: v1\n    kind')}`,
      }),
      [],
    );
    const inline = `resources:\n- deployment.yaml\n- service.yaml\npatches:\n- patch: |-\n${op
      .split('\n')
      .map((l) => (l ? `    ${l}` : l))
      .join('\n')}\n${target}`;
    assert.deepEqual(check({ ...base, 'app/kustomization.yaml': inline }), []);
  });

  test('a patch that breaks the selector is reported at the patch line, in the build that applies it', () => {
    const out = check({
      'base/kustomization.yaml': 'resources:\n- deployment.yaml\n- service.yaml\n',
      'base/deployment.yaml': deployment(PORT_8080),
      'base/service.yaml': service('8080'),
      'overlay/kustomization.yaml': 'resources:\n- ../base\npatches:\n- path: service.yaml\n',
      'overlay/service.yaml':
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web-app\n',
    });
    assert.deepEqual(out, ['overlay/service.yaml:7 service-selector-orphaned']);
  });

  test('a patch file of many documents (read in frames) is reported at the patch line too', () => {
    const patches = Array.from({ length: 10 }, (_, i) =>
      i === 6
        ? 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web-app\n'
        : `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations:\n    note-${i}: "patch ${i} of the file"\n`,
    ).join('---\n');
    const line = patches.slice(0, patches.indexOf('app: web-app')).split('\n').length;
    const out = check({
      'base/kustomization.yaml': 'resources:\n- deployment.yaml\n- service.yaml\n',
      'base/deployment.yaml': deployment(PORT_8080),
      'base/service.yaml': service('8080'),
      'overlay/kustomization.yaml': 'resources:\n- ../base\npatches:\n- path: service.yaml\n',
      'overlay/service.yaml': patches,
    });
    assert.deepEqual(out, [`overlay/service.yaml:${line} service-selector-orphaned`]);
  });

  test('`null` deletes a selector key, so the Service selects the pods again', () => {
    const out = check({
      'app/kustomization.yaml': 'resources:\n- deployment.yaml\n- service.yaml\npatches:\n- path: selector.yaml\n',
      'app/deployment.yaml': deployment(PORT_8080),
      'app/service.yaml': service('8080', 'app: web\n    control-plane: manager'),
      'app/selector.yaml':
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    control-plane: null\n',
    });
    assert.deepEqual(out, []);
  });

  test('`$patch: delete` removes a resource from the build: its namesake elsewhere is not hidden', () => {
    const files = {
      'app/kustomization.yaml': 'resources:\n- deployment.yaml\n- service.yaml\n- worker.yaml\n',
      'app/deployment.yaml': deployment(PORT_8080),
      'app/worker.yaml': deployment(PORT_8080, 'app: worker').replace('name: web\nspec', 'name: worker\nspec'),
      'app/service.yaml': service('8080'),
      'app/stale.yaml': service('9999'),
    };
    assert.deepEqual(check(files), [], 'a file no kustomization lists is not part of the app');
    const deleting = {
      ...files,
      'app/kustomization.yaml':
        'resources:\n- deployment.yaml\n- service.yaml\n- worker.yaml\npatches:\n- path: delete.yaml\n',
      'app/delete.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n$patch: delete\n',
    };
    assert.deepEqual(check(deleting), ['app/service.yaml:7 service-selector-orphaned']);
  });

  test('labels with includeSelectors, namePrefix and namespace apply to what patches produce', () => {
    const out = check({
      'app/kustomization.yaml':
        'namespace: shop\nnamePrefix: my-\nlabels:\n- includeSelectors: true\n  pairs:\n    team: a\nresources:\n- deployment.yaml\n- service.yaml\n',
      'app/deployment.yaml': deployment(PORT_8080),
      'app/service.yaml': service('http'),
    });
    assert.deepEqual(out, []);
  });
});

describe('labels on Services without a selector', () => {
  // kustomize's commonLabels field spec for Service spec/selector says create: true: the build's
  // Service selects the pods, and its ports are judged (kubectl kustomize writes the selector).
  const selectorless = (targetPort: string) =>
    `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n    - name: https\n      port: 443\n      targetPort: ${targetPort}\n`;
  const files = (kustomization: string, targetPort: string) => ({
    'app/kustomization.yaml': `${kustomization}resources:\n- deployment.yaml\n- service.yaml\n`,
    'app/deployment.yaml': deployment(PORT_8080, 'team: a'),
    'app/service.yaml': selectorless(targetPort),
  });

  test('commonLabels give it one: its targetPort is judged against the selected pods', () => {
    assert.deepEqual(check(files('commonLabels:\n  team: a\n', 'http')), []);
    assert.deepEqual(check(files('commonLabels:\n  team: a\n', 'htp')), [
      'app/service.yaml:9 service-target-port-name-unresolved',
    ]);
  });

  test('labels without includeSelectors leave it without one (manual endpoints, not judged)', () => {
    assert.deepEqual(check(files('labels:\n- pairs:\n    team: a\n', 'htp')), []);
  });
});

describe('builds with entries the workspace does not show', () => {
  const files = (overlayEntry: string) => ({
    'base/kustomization.yaml': 'resources:\n- deployment.yaml\n- service.yaml\n',
    'base/deployment.yaml': deployment(PORT_8080, 'app: db'),
    'base/service.yaml': service('http', 'app: web'),
    'overlay/kustomization.yaml': `resources:\n- ../base\n- ${overlayEntry}\n`,
  });

  test('what an incomplete build includes is not judged either (the unseen part may hold the pods)', () => {
    assert.deepEqual(check(files('https://github.com/example/web//deploy?ref=v1')), []);
    assert.deepEqual(check(files('web.yaml')), [], 'a listed file that is not there');
    // A near miss (app=web beside app=webb) is a hint there, not evidence.
    const nearMiss = { ...files('web.yaml'), 'base/deployment.yaml': deployment(PORT_8080, 'app: webb') };
    assert.deepEqual(check(nearMiss), []);
    assert.deepEqual(
      check({ ...nearMiss, 'overlay/web.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n' }),
      ['base/service.yaml:7 service-selector-orphaned'],
    );
  });

  test('a complete build is judged', () => {
    assert.deepEqual(
      check({
        ...files('extra.yaml'),
        'overlay/extra.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n',
      }),
      ['base/service.yaml:7 service-selector-orphaned'],
    );
  });
});

describe('name references', () => {
  const ingress = (backend: string) =>
    `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  rules:\n  - http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n          service:\n            name: ${backend}\n            port:\n              number: 443\n`;
  const files = (backend: string) => ({
    'base/kustomization.yaml': 'resources:\n- deployment.yaml\n- service.yaml\n- ingress.yaml\n',
    'base/deployment.yaml': deployment(PORT_8080),
    'base/service.yaml': service('8080'),
    'base/ingress.yaml': ingress(backend),
    'overlay/kustomization.yaml': 'namePrefix: shop-\nnameSuffix: -v2\nresources:\n- ../base\n',
  });

  test('namePrefix and nameSuffix rename the backends that name objects of the build', () => {
    assert.deepEqual(check(files('web')), []);
  });

  test('so a backend typo is judged in a renaming build too', () => {
    assert.deepEqual(check(files('wbe')), ['base/ingress.yaml:13 ingress-backend-service-missing']);
  });

  // kustomize's nameReference renames an autoscaler's scaleTargetRef with the workload it names.
  const autoscaler = (kind: string, name: string) =>
    `apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: ${kind}\n    name: ${name}\n  minReplicas: 1\n  maxReplicas: 3\n`;
  const scaled = (kind: string, name: string) => ({
    'base/kustomization.yaml': 'resources:\n- deployment.yaml\n- hpa.yaml\n',
    'base/deployment.yaml': deployment(PORT_8080),
    'base/hpa.yaml': autoscaler(kind, name),
    // Another namespace: the base's own Deployment 'web' is not there to be found.
    'overlay/kustomization.yaml': 'namespace: demo\nnamePrefix: shop-\nresources:\n- ../base\n',
  });

  test("namePrefix renames an autoscaler's target with the workload", () => {
    assert.deepEqual(check(scaled('Deployment', 'web')), []);
  });

  test('so a typo in the target is judged in a renaming build too', () => {
    assert.deepEqual(check(scaled('Deployment', 'wbe')), ['base/hpa.yaml:9 hpa-target-missing']);
  });
});

describe('builds', () => {
  const base = {
    'base/kustomization.yaml': 'resources:\n- deployment.yaml\n- service.yaml\n',
    'base/deployment.yaml': deployment(PORT_8080),
    'base/service.yaml': service('9443'),
  };
  const fix =
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        ports:\n        - containerPort: 9443\n';

  test('a finding every build fixes by a patch is not reported', () => {
    const out = check({
      ...base,
      'a/kustomization.yaml': 'resources:\n- ../base\npatches:\n- path: fix.yaml\n',
      'a/fix.yaml': fix,
      'b/kustomization.yaml': 'resources:\n- ../base\nnamespace: b\npatches:\n- path: fix.yaml\n',
      'b/fix.yaml': fix,
    });
    assert.deepEqual(out, []);
  });

  test('a finding that holds in a build that is applied is reported at the base line', () => {
    const out = check({
      ...base,
      'a/kustomization.yaml': 'resources:\n- ../base\npatches:\n- path: fix.yaml\n',
      'a/fix.yaml': fix,
      'b/kustomization.yaml': 'resources:\n- ../base\nnamespace: b\n',
    });
    assert.deepEqual(out, ['base/service.yaml:11 service-target-port-unmatched']);
  });

  test('replacements veto only the fields they write', () => {
    const replacement =
      'replacements:\n- source:\n    kind: ConfigMap\n    name: settings\n    fieldPath: data.port\n  targets:\n  - select:\n      kind: Service\n      name: web\n    fieldPaths:\n    - metadata.annotations.port\n';
    const out = check({
      'app/kustomization.yaml': `resources:\n- deployment.yaml\n- service.yaml\n${replacement}`,
      'app/deployment.yaml': deployment(PORT_8080),
      'app/service.yaml': service('9443').replace('  name: web\n', '  name: web\n  annotations:\n    port: "1"\n'),
    });
    assert.deepEqual(out, ['app/service.yaml:13 service-target-port-unmatched']);
    const onPort = check({
      'app/kustomization.yaml': `resources:\n- deployment.yaml\n- service.yaml\n${replacement.replace('metadata.annotations.port', 'spec.ports.[name=https].targetPort')}`,
      'app/deployment.yaml': deployment(PORT_8080),
      'app/service.yaml': service('9443'),
    });
    assert.deepEqual(onPort, [], 'a targetPort a replacement writes is unknown');
  });
});

describe('bad input', () => {
  test('a target name that would backtrack exponentially is compared literally, in bounded time', () => {
    const started = Date.now();
    const out = check({
      'app/kustomization.yaml':
        'resources:\n- service.yaml\npatches:\n- target:\n    kind: Service\n    name: (a+)+b\n  patch: |-\n    - op: add\n      path: /metadata/labels\n      value: {x: y}\n',
      'app/service.yaml': service('80').replace('name: web', `name: ${'a'.repeat(60)}`),
    });
    assert.deepEqual(out, []);
    assert.ok(Date.now() - started < 5000);
  });

  test('a patch kustomize would refuse leaves the resource unjudged, and cycles end', () => {
    const files = {
      'a/kustomization.yaml': 'resources:\n- ../b\n- service.yaml\n- deployment.yaml\n',
      'a/service.yaml': service('80', 'app: webb'),
      'a/deployment.yaml': deployment(PORT_8080),
      'b/kustomization.yaml': 'resources:\n- ../a\n',
    };
    assert.deepEqual(check(files), ['a/service.yaml:7 service-selector-orphaned'], 'judged without the bad patch');
    const refused = '- op: replace\n      path: /spec/nothing/here\n      value: 1\n';
    const out = check({
      ...files,
      'a/kustomization.yaml': `${files['a/kustomization.yaml']}patches:\n- target:\n    kind: Service\n  patch: |-\n    ${refused}`,
    });
    assert.deepEqual(out, []);
  });
});
