// The real-world corpus in ../shared/corpus (see its EXPECTATIONS.md): complete applications must
// analyse clean, the real bugs of our rules must be found, and the whole corpus's report is kept
// as a reviewed snapshot (regenerate with UPDATE_SNAPSHOTS=1 node --test out/test/corpus.test.js,
// then review the diff). Each scope runs through `check --format json` in process
// (test/support/ruleTester.ts). Skipped when the corpus is absent (test/support/corpus.ts).
import { test, describe } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './support/cli';
import { corpusDir, EXPECTED_CLEAN, needsCorpus } from './support/corpus';
import { checkInProcess } from './support/ruleTester';

const SNAPSHOT = path.join(REPO_ROOT, 'test/snapshots/corpus.json');

/** Real bugs of the rules this project has, each analysed with the scope it needs. */
const REAL_BUGS: { paths: string[]; file: string; rule: string; line?: number }[] = [
  {
    paths: ['sock-shop/manifests', 'sock-shop/manifests-policy'],
    file: 'sock-shop/manifests-policy/netpol-cart-access.yaml',
    rule: 'networkpolicy-selector-orphaned',
  },
  {
    paths: ['k8s-examples-archived/_archived/volumes/flocker/flocker-pod-with-rc.yml'],
    file: 'k8s-examples-archived/_archived/volumes/flocker/flocker-pod-with-rc.yml',
    rule: 'service-target-port-unmatched',
  },
  {
    paths: ['multus/docs-extracted'],
    file: 'multus/docs-extracted/how-to-use.09.yaml',
    rule: 'multus-network-missing',
  },
  {
    paths: [
      'gateway-api-conformance/conformance/base',
      'gateway-api-conformance/conformance/tests/httproute-invalid-nonexistent-backendref.yaml',
    ],
    file: 'gateway-api-conformance/conformance/tests/httproute-invalid-nonexistent-backendref.yaml',
    rule: 'route-backend-service-missing',
  },
  // The HPA scales Deployment 'cart'; the Deployment is 'carts'.
  {
    paths: ['sock-shop/autoscaling', 'sock-shop/manifests'],
    file: 'sock-shop/autoscaling/cart-hsc.yaml',
    rule: 'hpa-target-missing',
  },
  // minAvailable 67% of 3 pods rounds up to 3: no pod can be evicted.
  {
    paths: ['k8s-examples-archived/_archived/cockroachdb/cockroachdb-statefulset.yaml'],
    file: 'k8s-examples-archived/_archived/cockroachdb/cockroachdb-statefulset.yaml',
    rule: 'pdb-blocks-eviction',
  },
  // The conformance test for NoMatchingListenerHostname.
  {
    paths: ['gateway-api-conformance/conformance/tests/gateway-with-attached-routes.yaml'],
    file: 'gateway-api-conformance/conformance/tests/gateway-with-attached-routes.yaml',
    rule: 'route-hostname-mismatch',
  },
  // istioctl analyze's own fixtures.
  ...['istio-host-missing', 'istio-port-ambiguous'].map((rule) => ({
    paths: ['istio-analyzer-testdata/virtualservice_destinationhosts.yaml'],
    file: 'istio-analyzer-testdata/virtualservice_destinationhosts.yaml',
    rule,
  })),
  {
    paths: ['istio-analyzer-testdata/virtualservice_destinationrules.yaml'],
    file: 'istio-analyzer-testdata/virtualservice_destinationrules.yaml',
    rule: 'istio-subset-missing',
  },
  {
    paths: ['istio-analyzer-testdata/virtualservice_gateways.yaml'],
    file: 'istio-analyzer-testdata/virtualservice_gateways.yaml',
    rule: 'istio-gateway-missing',
  },
  // Overlays given alone: their ../ bases are followed, and the build's findings reported.
  {
    paths: ['eks-workshop/manifests/modules/networking/vpc-lattice/abtesting'],
    file: 'eks-workshop/manifests/base-application/checkout/deployment.yaml',
    rule: 'service-reference-missing',
  },
  {
    paths: ['eks-workshop/manifests/modules/troubleshooting/alb/creating-alb'],
    file: 'eks-workshop/manifests/modules/troubleshooting/alb/creating-alb/service.yaml',
    rule: 'service-selector-orphaned',
  },
  // Second round.
  {
    paths: ['aws-load-balancer-controller'],
    file: 'aws-load-balancer-controller/docs-extracted/guide__gateway__l7gateway.04.yaml',
    rule: 'route-parent-missing',
    line: 46,
  },
  {
    paths: ['eks-workshop'],
    file: 'eks-workshop/manifests/modules/networking/vpc-lattice/routes/checkout-route.yaml',
    rule: 'route-backend-not-permitted',
    line: 17,
  },
  {
    paths: ['eks-workshop'],
    file: 'eks-workshop/manifests/modules/troubleshooting/alb/creating-alb/ingress.yaml',
    rule: 'ingress-backend-service-missing',
    line: 20,
  },
  {
    paths: ['eks-workshop'],
    file: 'eks-workshop/manifests/modules/troubleshooting/workernodes/yaml/configmaps-new.yaml',
    rule: 'yaml-duplicate-key',
    line: 59,
  },
  {
    paths: ['gke-networking-recipes'],
    file: 'gke-networking-recipes/gateway/docs/store-west-1-service.yaml',
    rule: 'yaml-syntax',
    line: 39,
  },
  {
    paths: ['gke-networking-recipes'],
    file: 'gke-networking-recipes/gateway/bbr/gcproutingextension.yaml',
    rule: 'yaml-syntax',
    line: 16,
  },
  {
    paths: ['gke-networking-recipes'],
    file: 'gke-networking-recipes/ingress/single-cluster/ingress-custom-grpc-health-check/grpc-hc-no-proxy.yaml',
    rule: 'yaml-syntax',
    line: 50,
  },
  {
    paths: ['gke-networking-recipes'],
    file: 'gke-networking-recipes/ingress/single-cluster/ingress-custom-grpc-health-check/grpc-hc-proxy.yaml',
    rule: 'yaml-syntax',
  },
];

test('the corpus is present beside the repository', needsCorpus, () => {
  assert.ok(fs.existsSync(corpusDir('EXPECTATIONS.md')));
});

describe('expected-clean scopes have no warning or error', needsCorpus, () => {
  for (const scope of EXPECTED_CLEAN) {
    test(scope, () => {
      const report = checkInProcess([scope], corpusDir());
      assert.ok(report.resources > 0, 'resources were read');
      const problems = report.diagnostics.filter((d) => d.severity === 'error' || d.severity === 'warning');
      assert.deepEqual(
        problems.map((d) => `${d.file}:${d.line} ${d.rule}: ${d.message}`),
        [],
      );
    });
  }
});

describe('real bugs are reported', needsCorpus, () => {
  for (const bug of REAL_BUGS) {
    test(`${bug.rule} in ${bug.file}`, () => {
      const report = checkInProcess(bug.paths, corpusDir());
      // A real bug is a warning or an error (information says "plausible, cannot know").
      const found = report.diagnostics.filter(
        (d) => d.file === bug.file && d.rule === bug.rule && (bug.line === undefined || d.line === bug.line),
      );
      assert.ok(
        found.some((d) => d.severity === 'error' || d.severity === 'warning'),
        JSON.stringify(
          report.diagnostics.filter((d) => d.file === bug.file),
          null,
          1,
        ),
      );
    });
  }
});

test('the whole corpus matches the reviewed snapshot', needsCorpus, () => {
  // Charts are rendered by test/helm (with a real helm); the snapshot must not depend on one being installed.
  const report = checkInProcess(['.'], corpusDir());
  const actual =
    JSON.stringify({ files: report.files, resources: report.resources, diagnostics: report.diagnostics }, null, 1) +
    '\n';
  if (process.env.UPDATE_SNAPSHOTS) fs.writeFileSync(SNAPSHOT, actual);
  assert.ok(report.resources > 2000, `read ${report.resources} resources`);
  assert.equal(
    actual,
    fs.readFileSync(SNAPSHOT, 'utf8'),
    'corpus report changed: review it, then UPDATE_SNAPSHOTS=1 node --test out/test/corpus.test.js',
  );
});
