// The example workspace (examples/) reports exactly the mistakes documented in examples/README.md,
// and `npm start`'s two commands (check, graph) run on it.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { checkJson, runCli } from './support/cli';

const DOCUMENTED = [
  'examples/shop/data.yaml:69 warning service-selector-orphaned',
  'examples/shop/frontend.yaml:54 error service-target-port-name-unresolved',
  'examples/shop/ingress.yaml:29 error ingress-backend-port-missing',
  'examples/shop/ingress.yaml:37 warning ingress-backend-service-missing',
  'examples/shop/network-policies.yaml:54 warning networkpolicy-selector-orphaned',
  'examples/shop/search.yaml:33 warning service-target-port-unmatched',
  'examples/shop/tomcat.yaml:28 warning traffic-denied-by-networkpolicy',
];

test('check reports exactly the documented mistakes', () => {
  const report = checkJson(['examples']);
  assert.equal(report.resources, 18);
  const actual = report.diagnostics.map((d) => `${d.file}:${d.line} ${d.severity} ${d.rule}`).sort();
  assert.deepEqual(actual, DOCUMENTED);
});

test('check exits 1 because the example has errors', () => {
  assert.equal(runCli(['check', 'examples']).status, 1);
});

test('graph shows the working and the broken paths', () => {
  const r = runCli(['graph', 'examples']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(
    r.stdout,
    /^ {2}https:\/\/shop\.example\.com\/ -> Service frontend:80 -> Deployment frontend \(3 pods\) -> nginx:80$/m,
  );
  assert.match(
    r.stdout,
    /^ {2}✖ http:\/\/admin\.example\.com\/ -> Service admin {2}\(no Service 'admin' in namespace 'shop'\)$/m,
  );
  assert.match(r.stdout, /Deployment tomcat \(2-10 pods \(HPA\)\) -> tomcat:8080$/m);
  assert.match(r.stdout, /StatefulSet postgres \(1 pod\) -> postgres:5432$/m);
});
