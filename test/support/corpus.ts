// The real-world corpus (../shared/corpus, see its EXPECTATIONS.md) lives beside our own checkout,
// not in the repository. Tests that read it skip with the reason when it is absent, so that a fresh
// clone passes `npm test`; CI sets KTL_REQUIRE_CORPUS=1, and then a missing corpus fails those tests
// instead, so CI can never pass by silently skipping them.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './cli';

/** Where the corpus is expected: beside the repository. */
export const CORPUS_DIR = path.resolve(REPO_ROOT, '../shared/corpus');

const present = fs.existsSync(path.join(CORPUS_DIR, 'EXPECTATIONS.md'));
const required = process.env.KTL_REQUIRE_CORPUS === '1';

/**
 * Options for a `test` or `describe` that reads the corpus: skipped, saying why, when the corpus is
 * absent and not required; otherwise run (and `corpusDir` fails it when the corpus is missing).
 */
export const needsCorpus: { skip: string | false } = {
  skip:
    present || required
      ? false
      : `the shared corpus is not at ${CORPUS_DIR} (set KTL_REQUIRE_CORPUS=1 to make this a failure)`,
};

/**
 * The corpus directory, or a path inside it; throws when the corpus is missing, so that a test run
 * with KTL_REQUIRE_CORPUS=1 fails with this message. Call it inside a test, never at module level.
 */
export function corpusDir(...segments: string[]): string {
  if (!present) {
    throw new Error(
      `the shared corpus is missing: expected ${path.join(CORPUS_DIR, 'EXPECTATIONS.md')}${required ? ' (KTL_REQUIRE_CORPUS=1 requires it)' : ''}`,
    );
  }
  return path.join(CORPUS_DIR, ...segments);
}

/** The scopes EXPECTATIONS.md calls expected clean: analysed alone, no warning or error (corpus and mutation tests). */
export const EXPECTED_CLEAN = [
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
  // Second round: operators' Services and pods, test-suite assertions, samples side by side,
  // and kustomize-heavy scopes (clean once patches are applied and overlays built).
  'strimzi-examples',
  'strimzi-client-examples',
  'cloudnative-pg/fixtures',
  'cloudnative-pg/samples',
  'otel-operator/tests/e2e',
  'otel-operator/tests/e2e-instrumentation',
  'eks-workshop/manifests/base-application',
  'aws-load-balancer-controller/docs/examples/2048/2048_full.yaml',
  'aws-load-balancer-controller/docs/examples/echoservice',
  'aws-load-balancer-controller/docs/examples/grpc',
  'flux2/manifests/install',
  'zalando-postgres-operator/ui/manifests',
  'cloudnative-pg/config',
  'otel-operator/config/default',
  'otel-operator/config/manager',
  'otel-operator/config/overlays/openshift',
];
