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
