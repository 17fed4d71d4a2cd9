// Exact mode: kustomize builds rendered by the machine's `kubectl kustomize` (or `kustomize build`),
// each rendered resource traced back to its source file. Skipped with the reason only where no
// binary exists and CI is not the caller (CI must have one).
import { test, describe } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyze, DEFAULT_CONFIG, normalizeConfig, type AnalysisConfig } from '../../server/src/engine';
import { findRendererBinary, renderKustomizations } from '../../server/src/node/kustomizeRenderer';
import { readWorkspace } from '../../server/src/node/readWorkspace';
import { checkJson, REPO_ROOT } from '../support/cli';

const CONFIG: AnalysisConfig = { ...DEFAULT_CONFIG, kustomizeRenderer: 'kubectl' };
const binary = findRendererBinary(CONFIG, [REPO_ROOT]);
const skip =
  binary || process.env.CI === 'true' ? false : 'no kubectl binary (setting, KTL_KUBECTL, .cache/tools/bin or PATH)';

const FILES: Record<string, string> = {
  'base/kustomization.yaml': 'resources:\n- deployment.yaml\n- service.yaml\n',
  'base/deployment.yaml':
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: web:1\n        ports:\n        - containerPort: 8080\n',
  'base/service.yaml':
    'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 443\n    targetPort: 9443\n',
  'overlay/kustomization.yaml':
    'namespace: shop\nnamePrefix: my-\nresources:\n- ../base\npatches:\n- path: port.yaml\n  target:\n    kind: Deployment\n',
  'overlay/port.yaml':
    '- op: add\n  path: /spec/template/spec/containers/0/ports/-\n  value:\n    containerPort: 9443\n',
  'broken/kustomization.yaml': 'resources:\n- ../base\npatches:\n- path: selector.yaml\n',
  'broken/selector.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: webb\n',
  'broken/other.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: stale\n',
};

function workspace(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-render-'));
  for (const [p, text] of Object.entries(FILES)) {
    fs.mkdirSync(path.join(dir, path.dirname(p)), { recursive: true });
    fs.writeFileSync(path.join(dir, p), text);
  }
  return dir;
}

describe('exact mode with the kubectl the machine has', { skip }, () => {
  test('each build is rendered and every rendered resource traced to its source file', () => {
    const dir = workspace();
    const files = readWorkspace(['.'], { base: dir, config: CONFIG }).files;
    const result = renderKustomizations(files, dir, CONFIG, [REPO_ROOT]);
    assert.deepEqual(result.problems, []);
    assert.deepEqual([...result.rendered.keys()].sort(), ['base', 'broken', 'overlay']);
    const analysis = analyze({ files, config: CONFIG, rendered: result.rendered });
    const overlay = analysis.workspace.resources
      .filter((r) => r.build === 'overlay')
      .map((r) => `${r.id} ${r.file}`)
      .sort();
    assert.deepEqual(overlay, ['Deployment/shop/my-web base/deployment.yaml', 'Service/shop/my-web base/service.yaml']);
    const found = analysis.diagnostics.filter((d) => d.severity !== 'info').map((d) => `${d.file} ${d.rule}`);
    // The JSON 6902 patch adds 9443 in `overlay`; in `broken` the Service selects nothing, so its
    // targetPort is not judged there, and the base build is not applied alone (both include it).
    assert.deepEqual(found, ['base/service.yaml service-selector-orphaned']);
  });

  test('the CLI takes --kustomize-renderer and agrees with the builtin renderer on what is wrong', () => {
    const dir = workspace();
    const rule = (r: ReturnType<typeof checkJson>) =>
      r.diagnostics
        .filter((d) => d.severity !== 'info')
        .map((d) => `${d.file} ${d.rule}`)
        .sort();
    const exact = checkJson(['.'], { cwd: dir, extraArgs: ['--kustomize-renderer', 'kubectl'] });
    const builtin = checkJson(['.'], { cwd: dir });
    assert.ok(rule(exact).length > 0);
    assert.deepEqual(
      rule(exact).map((l) => l.replace('broken/selector.yaml', 'base/service.yaml')),
      rule(builtin).map((l) => l.replace('broken/selector.yaml', 'base/service.yaml')),
    );
  });
});

test('an unknown renderer is a usage error', () => {
  assert.ok(fs.existsSync(path.join(REPO_ROOT, 'dist/cli.js')));
  assert.throws(() => checkJson(['.'], { cwd: os.tmpdir(), extraArgs: ['--kustomize-renderer', 'helm'] }));
});

test('the renderer setting is read from `kustomize: {renderer, path}` and ill-typed values are refused', () => {
  const problems: { message: string }[] = [];
  const config = normalizeConfig(
    { kustomize: { renderer: 'kustomize', path: '/opt/bin/kustomize' } },
    DEFAULT_CONFIG,
    problems,
  );
  assert.equal(config.kustomizeRenderer, 'kustomize');
  assert.equal(config.kustomizePath, '/opt/bin/kustomize');
  assert.deepEqual(problems, []);
  const bad = normalizeConfig({ kustomize: { renderer: 'helm' } }, DEFAULT_CONFIG, problems);
  assert.equal(bad.kustomizeRenderer, 'builtin');
  assert.equal(problems.length, 1);
  assert.equal(
    findRendererBinary({ ...DEFAULT_CONFIG, kustomizeRenderer: 'kubectl', kustomizePath: '/nonexistent/kubectl' }, [], {
      PATH: '',
    }),
    undefined,
  );
});
