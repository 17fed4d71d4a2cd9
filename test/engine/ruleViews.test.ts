// Rules apply by typed view (server/src/engine/rules/views.ts), not by kind: every rule with a
// workload check runs on every pod template the model reads (built-in controllers, Argo Rollouts,
// OpenShift DeploymentConfigs, custom resources with spec.template.spec.containers), a check is
// given the view, and a resource gets only the rules of the views it has.
import { test, describe } from 'node:test';
import * as assert from 'node:assert/strict';
import { analyze, DEFAULT_CONFIG, RULES } from '../../server/src/engine';
import { RuleDispatch } from '../../server/src/engine/rules/dispatch';
import { defineRule, type Rule } from '../../server/src/engine/rules/rule';

const podTemplate = (app: string) => `  selector:
    matchLabels: {app: ${app}}
  template:
    metadata: {labels: {app: ${app}}}
    spec:
      containers: [{name: ${app}, image: ${app}, ports: [{name: http, containerPort: 8080}]}]`;

const text = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
${podTemplate('web')}
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: checkout, namespace: shop}
spec:
  strategy: {canary: {}}
${podTemplate('checkout')}
---
apiVersion: apps.openshift.io/v1
kind: DeploymentConfig
metadata: {name: legacy, namespace: shop}
spec:
  selector: {app: legacy}
  template:
    metadata: {labels: {app: legacy}}
    spec:
      containers: [{name: legacy, image: legacy}]
---
apiVersion: apps.example.com/v1
kind: WebApp
metadata: {name: shopfront, namespace: shop}
spec:
${podTemplate('shopfront')}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  serviceName: db
${podTemplate('db')}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: gadget, namespace: shop}
spec: {size: 3}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: http}]
`;

const analysis = analyze({ files: [{ path: 'shop.yaml', text }], config: DEFAULT_CONFIG });
const resource = (kind: string) => analysis.workspace.resources.find((r) => r.kind === kind)!;
const dispatch = new RuleDispatch(RULES);
const ids = (rules: readonly Rule[]) => rules.map((r) => r.id).sort();
const workloadRules = ids(RULES.filter((r) => r.check.workload));
const statefulSetRules = ids(RULES.filter((r) => r.check.statefulSet));

describe('rules apply by view', () => {
  test('every workload rule applies to every kind of pod template, built-in or custom', () => {
    assert.ok(workloadRules.length >= 10, `workload rules: ${workloadRules.join(', ')}`);
    for (const kind of ['Deployment', 'Rollout', 'DeploymentConfig', 'WebApp', 'StatefulSet']) {
      const applied = ids(dispatch.rulesFor(analysis.graph, resource(kind)).all);
      for (const id of workloadRules) assert.ok(applied.includes(id), `${id} applies to ${kind}`);
    }
  });

  test('a resource gets only the rules of the views it has', () => {
    const deployment = ids(dispatch.rulesFor(analysis.graph, resource('Deployment')).all);
    const statefulSet = ids(dispatch.rulesFor(analysis.graph, resource('StatefulSet')).all);
    assert.ok(statefulSetRules.length > 0);
    for (const id of statefulSetRules) {
      assert.ok(statefulSet.includes(id), `${id} applies to the StatefulSet`);
      if (!workloadRules.includes(id)) assert.ok(!deployment.includes(id), `${id} does not apply to a Deployment`);
    }
    // A custom resource without a pod template is no workload: only the rules over any resource.
    const widget = ids(dispatch.rulesFor(analysis.graph, resource('Widget')).all);
    assert.deepEqual(widget, ids(RULES.filter((r) => r.check.resource)));
  });

  test('a new workload rule is one definition: the registry gives it each workload view', () => {
    const seen: string[] = [];
    const probe = defineRule({
      id: 'test-workload-probe',
      severity: 'info',
      description: 'Reports every workload it is given.',
      remediation: 'Nothing to do: a test rule.',
      check: {
        workload(ctx, workload) {
          seen.push(`${workload.resource.kind}/${workload.resource.name}`);
          ctx.report({ span: workload.resource.kindSpan, message: `${workload.template.containers.length} container` });
        },
      },
    });
    const result = analyze({ files: [{ path: 'shop.yaml', text }], config: DEFAULT_CONFIG, rules: [probe] });
    assert.deepEqual(seen.sort(), [
      'Deployment/web',
      'DeploymentConfig/legacy',
      'Rollout/checkout',
      'StatefulSet/db',
      'WebApp/shopfront',
    ]);
    assert.equal(result.diagnostics.filter((d) => d.rule === 'test-workload-probe').length, 5);
  });
});
