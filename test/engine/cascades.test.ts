// Cascades: a finding must not drag others behind it. A document with a syntax error yields that
// error only; a value being typed does not make its object vanish; a workload the API server
// rejects has only the rejection as finding and takes no part in others' findings.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { analyze, DEFAULT_CONFIG } from '../../server/src/engine';

const deployment = (name: string, labels: string, selector: string, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
${extra}  selector:
    matchLabels: {${selector}}
  template:
    metadata:
      labels: {${labels}}
    spec:
      containers:
        - name: app
          image: app:1
          ports: [{containerPort: 8080}]
`;
const service = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
`;
const found = (files: { path: string; text: string }[]) =>
  analyze({ files, config: DEFAULT_CONFIG }).diagnostics.map((d) => `${d.file} ${d.severity} ${d.rule}`);

test("typing '[' in replicas: the syntax error only; the Deployment stays and its Service is not orphaned", () => {
  const files = [
    { path: 'app/web.yaml', text: deployment('web', 'app: web', 'app: web', '  replicas: [\n') },
    { path: 'app/db.yaml', text: deployment('db', 'app: db', 'app: db') },
    { path: 'app/service.yaml', text: service },
  ];
  assert.deepEqual(found(files), ['app/web.yaml error yaml-syntax']);
  // Without the recovered Deployment, the Service would have selected nothing.
  assert.deepEqual(found([files[1], files[2]]), ['app/service.yaml warning service-selector-orphaned']);
});

test('one YAML error gives one diagnostic: no duplicate keys from what the parser recovered after it', () => {
  const text = `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shopapiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
`;
  assert.deepEqual(found([{ path: 'app/pasted.yaml', text }]), ['app/pasted.yaml error yaml-syntax']);
});

test('a workload the API server rejects has only that finding, and overlaps nothing', () => {
  // Overlaps are judged among workloads applied together: one file.
  const both = (canaryLabels: string) => [
    // With labels app: webb the selector does not match the template: rejected. Otherwise it overlaps 'web'.
    {
      path: 'app/web.yaml',
      text: `${deployment('web-canary', canaryLabels, 'app: web')}---\n${deployment('web', 'app: web', 'app: web')}`,
    },
    { path: 'app/service.yaml', text: service },
  ];
  assert.deepEqual(found(both('app: webb')), ['app/web.yaml error workload-selector-mismatch']);
  assert.deepEqual(found(both('app: web')), [
    'app/web.yaml warning workload-selector-overlap',
    'app/web.yaml warning workload-selector-overlap',
  ]);
});
