// The helm binary the Helm tests use: KTL_HELM, else .cache/tools/bin/helm (scripts/install-k8s-tools.mjs),
// else helm on PATH. Without one the tests skip with the reason, except under CI=true, where they fail.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TestContext } from 'node:test';
import { REPO_ROOT } from './cli';
import { corpusDir } from './corpus';

export function findTestHelm(): string | undefined {
  const candidates = [process.env.KTL_HELM, path.join(REPO_ROOT, '.cache/tools/bin/helm')];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) if (dir) candidates.push(path.join(dir, 'helm'));
  return candidates.find((c): c is string => !!c && fs.existsSync(c));
}

/** The helm binary, or undefined after marking the test skipped (failing it under CI=true). */
export function helmOrSkip(t: TestContext): string | undefined {
  const helm = findTestHelm();
  if (helm) return helm;
  const reason = 'no helm binary: set KTL_HELM, run node scripts/install-k8s-tools.mjs, or put helm on PATH';
  if (process.env.CI === 'true') throw new Error(reason);
  t.skip(reason);
  return undefined;
}

/**
 * Copies the corpus's podinfo chart to `dest` with one planted mistake: the Service selects the
 * label a new helper writes (`<fullname>-web`), which no pod carries. Returns the two edited files.
 */
export function podinfoWithHelperSelector(dest: string): { helpers: string; service: string } {
  fs.cpSync(corpusDir('podinfo-helm'), dest, { recursive: true });
  const helpers = path.join(dest, 'podinfo/templates/_helpers.tpl');
  fs.writeFileSync(
    helpers,
    `${fs.readFileSync(helpers, 'utf8')}\n{{- define "podinfo.serviceSelector" -}}\napp.kubernetes.io/name: {{ include "podinfo.fullname" . }}-web\n{{- end }}\n`,
  );
  const service = path.join(dest, 'podinfo/templates/service.yaml');
  fs.writeFileSync(
    service,
    fs
      .readFileSync(service, 'utf8')
      .replace(
        '{{- include "podinfo.selectorLabels" . | nindent 4 }}',
        '{{- include "podinfo.serviceSelector" . | nindent 4 }}',
      ),
  );
  return { helpers, service };
}

/**
 * A chart `shop` (in dest/shop) whose values.yaml leaves the web Deployment out and whose
 * ci/web-values.yaml renders it, while the web Service is rendered by both: the values.yaml
 * release's Service selects nothing, which the ci release's pods must not hide.
 */
export function writeValueSetChart(dest: string): { service: string } {
  const deployment = (name: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-${name}
spec:
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
        - name: ${name}
          image: ${name}:1
          ports:
            - name: http
              containerPort: 8080
`;
  const files: Record<string, string> = {
    'shop/Chart.yaml': 'apiVersion: v2\nname: shop\nversion: 1.0.0\n',
    'shop/values.yaml': 'web:\n  enabled: false\n',
    'shop/ci/web-values.yaml': 'web:\n  enabled: true\n',
    'shop/templates/worker.yaml': deployment('worker'),
    'shop/templates/web.yaml': `{{- if .Values.web.enabled }}\n${deployment('web')}{{- end }}\n`,
    'shop/templates/service.yaml':
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}-web\nspec:\n  selector:\n    app: web\n  ports:\n    - port: 80\n      targetPort: http\n',
  };
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dest, file)), { recursive: true });
    fs.writeFileSync(path.join(dest, file), text);
  }
  return { service: path.join(dest, 'shop/templates/service.yaml') };
}
