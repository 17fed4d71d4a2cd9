// Reading a workspace, observed through the CLI: which files and documents become resources, how
// syntax errors, Helm charts, templates and kustomize builds are treated, and how namespaces are
// decided. service-selector-orphaned serves as the observable where a cross-check is involved.
import { test, describe } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkJson, runCli } from './support/cli';

const W = 'test/fixtures/workspace';
const brief = (paths: string[], extraArgs?: string[]) => {
  const report = checkJson(paths, { extraArgs });
  return {
    report,
    lines: report.diagnostics.map(
      (d) =>
        `${d.file.replace(`${W}/`, '')}:${d.line}:${d.column} ${d.severity} ${d.rule}${d.resource ? ` ${d.resource}` : ''}`,
    ),
  };
};

describe('documents and files', () => {
  test('List items (YAML with anchors and flow style, and JSON) are resources with their own ranges', () => {
    const { report, lines } = brief([`${W}/lists`]);
    assert.equal(
      report.resources,
      6,
      'two List items in YAML, two in JSON, the broken document as recovered, one after the syntax error',
    );
    assert.ok(
      lines.includes('lists/list.yaml:16:23 warning service-selector-orphaned Service/default/web-typo'),
      lines.join('\n'),
    );
    assert.ok(
      lines.includes('lists/list.json:6:102 warning service-selector-orphaned Service/default/json-typo'),
      lines.join('\n'),
    );
    assert.ok(
      !lines.some((l) => l.includes('json-web')),
      'the JSON Service selecting the YAML List Deployment is matched',
    );
    assert.ok(!lines.some((l) => l.includes('package.json')), 'JSON that is not a Kubernetes object is ignored');
  });

  test('a syntax error is reported at its position and the rest of the file is still analysed', () => {
    const { lines } = brief([`${W}/lists`]);
    assert.ok(
      lines.some((l) => l.startsWith('lists/broken.yaml:6:1 error yaml-syntax')),
      lines.join('\n'),
    );
    assert.ok(lines.includes('lists/broken.yaml:13:5 warning service-selector-orphaned Service/default/after-error'));
  });

  test('chainsaw assert and error files are expected state, not objects: only the applied files are resources', () => {
    const { report, lines } = brief([`${W}/chainsaw`]);
    assert.equal(report.files, 7);
    assert.equal(report.resources, 1, 'the Service of install.yaml');
    assert.deepEqual(lines, []);
  });

  test('YAML that is not a Kubernetes object (workflows, compose, values) is ignored silently', () => {
    const { report, lines } = brief([`${W}/nonk8s`]);
    assert.equal(report.files, 3);
    assert.equal(report.resources, 0);
    assert.deepEqual(lines, []);
  });

  test('a BOM and CRLF line ends do not shift positions', () => {
    const { lines } = brief([`${W}/encodings`]);
    assert.deepEqual(lines, ['encodings/bom-crlf.yaml:7:5 warning service-selector-orphaned Service/default/crlf']);
  });

  test('files over maxFileSize are skipped with an information diagnostic', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-size-'));
    fs.writeFileSync(
      path.join(dir, 'big.yaml'),
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  blob: "${'x'.repeat(2000)}"\n`,
    );
    fs.writeFileSync(path.join(dir, '.kube-traffic-lens.yaml'), 'maxFileSize: 1000\n');
    const report = checkJson([dir]);
    assert.equal(report.resources, 0);
    assert.equal(report.diagnostics.length, 1);
    assert.equal(report.diagnostics[0].rule, 'file-too-large');
    assert.equal(report.diagnostics[0].severity, 'info');
  });

  test('symbolic links are not followed (no loops, nothing outside the root)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-links-'));
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-outside-'));
    fs.writeFileSync(
      path.join(outside, 'svc.yaml'),
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: outside\nspec:\n  selector:\n    app: x\n',
    );
    fs.writeFileSync(
      path.join(dir, 'svc.yaml'),
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: inside\nspec:\n  selector:\n    app: x\n',
    );
    fs.copyFileSync(`${W}/encodings/workload.yaml`, path.join(dir, 'workload.yaml'));
    fs.symlinkSync(dir, path.join(dir, 'loop'));
    fs.symlinkSync(outside, path.join(dir, 'escape'));
    fs.symlinkSync(path.join(outside, 'svc.yaml'), path.join(dir, 'linked.yaml'));
    const r = runCli(['check', '--format', 'json', dir]);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.resources, 2);
    assert.deepEqual(
      report.diagnostics.map((d: { resource: string }) => d.resource),
      ['Service/default/inside'],
    );
  });
});

describe('Helm and templates', () => {
  test('a chart gives one information message and nothing else', () => {
    const { report, lines } = brief([`${W}/helm`]);
    assert.equal(report.resources, 0);
    assert.deepEqual(lines, ['helm/chart/Chart.yaml:1:1 info helm-template-skipped']);
  });

  test('template syntax in the YAML structure skips the file; braces inside string values do not', () => {
    const { report, lines } = brief([`${W}/templated`]);
    assert.equal(report.resources, 3, 'the ConfigMap with alert templates and the Service and Deployment beside it');
    assert.deepEqual(lines.sort(), [
      'templated/alert-rules.yaml:16:5 warning service-selector-orphaned Service/default/analysed',
      'templated/later/rendered-later.yaml:1:1 info helm-template-skipped',
    ]);
  });
});

describe('kustomize', () => {
  test('bases are built into each overlay with its namespace; patches are not resources; a diagnostic is reported once', () => {
    const { report, lines } = brief([`${W}/kustomize`]);
    assert.equal(report.resources, 4, 'three base documents and the overlay Service; patches excluded');
    assert.deepEqual(lines, [
      'kustomize/base/app.yaml:34:5 warning service-selector-orphaned Service/default/api-typo',
    ]);
  });

  test('an overlay given alone is built with its ../ bases, as kustomize does', () => {
    const { report, lines } = brief([`${W}/kustomize/overlays/staging`]);
    assert.equal(report.files, 3, 'the overlay kustomization, the base kustomization and the base manifest');
    assert.deepEqual(lines, [
      'kustomize/base/app.yaml:34:5 warning service-selector-orphaned Service/default/api-typo',
    ]);
  });
});

describe('namespaces', () => {
  test('a resource without a namespace takes the one the rest of its file agrees on', () => {
    const { report, lines } = brief([`${W}/namespaces`]);
    assert.equal(report.resources, 2);
    assert.deepEqual(lines, []);
  });

  test('the defaultNamespace setting comes before the file inference', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-ns-'));
    fs.copyFileSync(`${W}/namespaces/mixed.yaml`, path.join(dir, 'mixed.yaml'));
    fs.writeFileSync(path.join(dir, '.kube-traffic-lens.yaml'), 'defaultNamespace: other\n');
    const report = checkJson([dir]);
    assert.deepEqual(
      report.diagnostics.map((d) => `${d.rule} ${d.resource}`),
      ['service-selector-orphaned Service/other/cart'],
    );
    assert.match(report.diagnostics[0].message, /Deployment 'cart' matches, but in namespace 'shop'/);
  });
});
