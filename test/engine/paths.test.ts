// The traffic map and check agree: a link is drawn broken only where check reports the finding.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { analyze, DEFAULT_CONFIG } from '../../server/src/engine';
import { buildTrafficMap } from '../../server/src/engine/paths';

const service = (name: string, app: string) =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  selector:\n    app: ${app}\n  ports:\n  - port: 80\n`;
const deployment =
  'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: web:1\n';
const ingress = (backend: string) =>
  `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: in\nspec:\n  rules:\n  - http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n          service:\n            name: ${backend}\n            port:\n              number: 80\n`;

function brokenAndReported(files: Record<string, string>) {
  const analysis = analyze({
    files: Object.entries(files).map(([path, text]) => ({ path, text })),
    config: DEFAULT_CONFIG,
  });
  const map = buildTrafficMap(analysis);
  return {
    broken: map.edges
      .filter((e) => e.broken)
      .map((e) => e.reason)
      .sort(),
    reported: analysis.diagnostics
      .filter((d) => d.severity !== 'info')
      .map((d) => d.rule)
      .sort(),
  };
}

test('a selector whose pods may come from elsewhere is not drawn broken (check is silent)', () => {
  const { broken, reported } = brokenAndReported({ 'a.yaml': service('db', 'postgres') });
  assert.deepEqual(reported, []);
  assert.deepEqual(broken, []);
});

test('a near-miss selector and a missing Ingress backend are drawn broken (check reports them)', () => {
  const { broken, reported } = brokenAndReported({
    'a.yaml': `${deployment}---\n${service('web', 'webb')}---\n${ingress('wbe')}`,
  });
  assert.deepEqual(reported, ['ingress-backend-service-missing', 'service-selector-orphaned']);
  assert.deepEqual(broken, ["no Service 'wbe' in namespace 'default'", 'the selector matches no pod template']);
});

test('a reference goes through the copy of a Service applied with it (examples side by side)', () => {
  // Two independent examples each define Service web, with different ports, and route to it.
  const example = (app: string, port: number) =>
    [
      deployment
        .replaceAll('web', app)
        .replace('image: ' + app + ':1', `image: ${app}:1\n        ports:\n        - containerPort: ${port}`),
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: ${app}\n  ports:\n  - port: ${port}\n`,
      ingress('web').replace('name: in', `name: ${app}`).replace('number: 80', `number: ${port}`),
    ].join('---\n');
  const files = { 'a/app.yaml': example('a', 80), 'b/app.yaml': example('b', 9000) };
  const { broken, reported } = brokenAndReported(files);
  assert.deepEqual(reported, []);
  assert.deepEqual(broken, []);
  const analysis = analyze({
    files: Object.entries(files).map(([path, text]) => ({ path, text })),
    config: DEFAULT_CONFIG,
  });
  const paths = buildTrafficMap(analysis).paths.filter((p) => p.entry.startsWith('http'));
  assert.deepEqual(paths.map((p) => p.hops.map((h) => h.label).join(' -> ')).sort(), [
    'http://*/ -> Service web:80 -> Deployment a (1 pod) -> a:80',
    'http://*/ -> Service web:9000 -> Deployment b (1 pod) -> b:9000',
  ]);
});
