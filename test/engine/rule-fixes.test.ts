// Quick fixes of the rules whose fix is a plain text edit at the diagnostic (autoscaler targets,
// dnsPolicy for host-network pods), through the engine's query API.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { analyze, DEFAULT_CONFIG } from '../../server/src/engine';
import { codeActionsAt } from '../../server/src/engine/queries';

function fixOf(text: string, rule: string): { title: string; edited: string } {
  const analysis = analyze({ files: [{ path: 'app.yaml', text }], config: DEFAULT_CONFIG });
  const d = analysis.diagnostics.find((x) => x.rule === rule);
  assert.ok(d, `a ${rule} diagnostic`);
  const [fix] = codeActionsAt(analysis, d.file, d.span, [d], text);
  assert.ok(fix.edits.length === 1 && fix.title !== `Disable ${rule} for this line`, 'a specific fix first');
  const e = fix.edits[0];
  return { title: fix.title, edited: text.slice(0, e.span.start) + e.newText + text.slice(e.span.end) };
}

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: carts
spec:
  selector:
    matchLabels:
      app: carts
  template:
    metadata:
      labels:
        app: carts
    spec:
      containers:
        - name: carts
          image: carts
`;

test('hpa-target-missing: rename the target to the near miss', () => {
  const hpa = `---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: cart
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: cart
  maxReplicas: 3
`;
  const { title, edited } = fixOf(deployment + hpa, 'hpa-target-missing');
  assert.equal(title, 'Change to carts');
  assert.ok(edited.endsWith('    kind: Deployment\n    name: carts\n  maxReplicas: 3\n'));
});

const agent = (dnsLine: string) => `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels:
      app: agent
  template:
    metadata:
      labels:
        app: agent
    spec:
      hostNetwork: true
${dnsLine}      containers:
        - name: agent
          image: agent
          args: ["--collector=otel.monitoring.svc.cluster.local:4317"]
`;

test('hostnetwork-dns-policy: add dnsPolicy under hostNetwork', () => {
  const { title, edited } = fixOf(agent(''), 'hostnetwork-dns-policy');
  assert.equal(title, 'Set dnsPolicy: ClusterFirstWithHostNet');
  assert.equal(edited, agent('      dnsPolicy: ClusterFirstWithHostNet\n'));
});

test('hostnetwork-dns-policy: replace dnsPolicy ClusterFirst', () => {
  const { edited } = fixOf(agent('      dnsPolicy: ClusterFirst\n'), 'hostnetwork-dns-policy');
  assert.equal(edited, agent('      dnsPolicy: ClusterFirstWithHostNet\n'));
});
