// The real-world corpus in ../shared/corpus (see its EXPECTATIONS.md): complete applications must
// analyse clean, the real bugs of our rules must be found, and the whole corpus's report is kept
// as a reviewed snapshot (regenerate with UPDATE_SNAPSHOTS=1 npm test, then review the diff).
import { test, describe } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkJson, REPO_ROOT } from './support/cli';

const CORPUS = path.resolve(REPO_ROOT, '../shared/corpus');
const SNAPSHOT = path.join(REPO_ROOT, 'test/snapshots/corpus.json');

const EXPECTED_CLEAN = [
  'acs-security-demos',
  'voting-app',
  'otel-demo',
  'bank-of-anthos/kubernetes-manifests',
  'gcp-microservices-demo/kubernetes-manifests',
  'k8s-examples/web/guestbook-go',
  'k8s-examples/databases/cassandra',
  'istio-bookinfo/bookinfo/platform/kube/bookinfo.yaml',
  'sock-shop/complete-demo.yaml',
  'podinfo-kustomize/deploy/webapp',
];

/** Real bugs of the rules this project has, each analysed with the scope it needs. */
const REAL_BUGS = [
  { paths: ['sock-shop/manifests', 'sock-shop/manifests-policy'], file: 'sock-shop/manifests-policy/netpol-cart-access.yaml', rule: 'networkpolicy-selector-orphaned' },
  { paths: ['k8s-examples-archived/_archived/volumes/flocker/flocker-pod-with-rc.yml'], file: 'k8s-examples-archived/_archived/volumes/flocker/flocker-pod-with-rc.yml', rule: 'service-target-port-unmatched' },
  { paths: ['multus/docs-extracted'], file: 'multus/docs-extracted/how-to-use.09.yaml', rule: 'multus-network-missing' },
  {
    paths: ['gateway-api-conformance/conformance/base', 'gateway-api-conformance/conformance/tests/httproute-invalid-nonexistent-backendref.yaml'],
    file: 'gateway-api-conformance/conformance/tests/httproute-invalid-nonexistent-backendref.yaml',
    rule: 'route-backend-service-missing',
  },
];

test('the corpus is present beside the repository', () => {
  assert.ok(fs.existsSync(path.join(CORPUS, 'EXPECTATIONS.md')), `expected the shared corpus at ${CORPUS}`);
});

describe('expected-clean scopes have no warning or error', () => {
  for (const scope of EXPECTED_CLEAN) {
    test(scope, () => {
      const report = checkJson([scope], { cwd: CORPUS });
      assert.ok(report.resources > 0, 'resources were read');
      const problems = report.diagnostics.filter((d) => d.severity === 'error' || d.severity === 'warning');
      assert.deepEqual(problems.map((d) => `${d.file}:${d.line} ${d.rule}: ${d.message}`), []);
    });
  }
});

describe('real bugs are reported', () => {
  for (const bug of REAL_BUGS) {
    test(`${bug.rule} in ${bug.file}`, () => {
      const report = checkJson(bug.paths, { cwd: CORPUS });
      assert.ok(report.diagnostics.some((d) => d.file === bug.file && d.rule === bug.rule), JSON.stringify(report.diagnostics, null, 1));
    });
  }
});

test('the whole corpus matches the reviewed snapshot', () => {
  // Charts are rendered by test/helm (with a real helm); the snapshot must not depend on one being installed.
  const report = checkJson(['.'], { cwd: CORPUS, extraArgs: ['--no-helm'] });
  const actual = JSON.stringify({ files: report.files, resources: report.resources, diagnostics: report.diagnostics }, null, 1) + '\n';
  if (process.env.UPDATE_SNAPSHOTS) fs.writeFileSync(SNAPSHOT, actual);
  assert.ok(report.resources > 2000, `read ${report.resources} resources`);
  assert.equal(actual, fs.readFileSync(SNAPSHOT, 'utf8'), 'corpus report changed: review it, then UPDATE_SNAPSHOTS=1 npm test');
});
