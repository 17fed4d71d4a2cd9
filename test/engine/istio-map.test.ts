// Istio routing in the traffic map and in hovers: a VirtualService's weighted subsets lead to the
// pods their DestinationRule labels keep, and a Service's hover names the VirtualServices routing to it.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { analyze, DEFAULT_CONFIG } from '../../server/src/engine';
import { buildTrafficMap } from '../../server/src/engine/paths';
import { hoverAt } from '../../server/src/engine/queries';

const deployment = (version: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: reviews-${version}
spec:
  selector:
    matchLabels: {app: reviews, version: ${version}}
  template:
    metadata:
      labels: {app: reviews, version: ${version}}
    spec:
      containers:
        - name: reviews
          image: reviews
          ports:
            - containerPort: 9080
---
`;

const text = `${deployment('v1')}${deployment('v2')}apiVersion: v1
kind: Service
metadata:
  name: reviews
spec:
  selector: {app: reviews}
  ports:
    - name: http
      port: 9080
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
spec:
  host: reviews
  subsets:
    - {name: v1, labels: {version: v1}}
    - {name: v2, labels: {version: v2}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts: [reviews]
  gateways: [bookinfo-gateway]
  http:
    - route:
        - destination: {host: reviews, subset: v1}
          weight: 90
        - destination: {host: reviews, subset: v2}
          weight: 10
`;

const analysis = analyze({ files: [{ path: 'app.yaml', text }], config: DEFAULT_CONFIG });

test('a VirtualService route leads through its subsets to the pods they keep', () => {
  const map = buildTrafficMap(analysis);
  const routes = map.paths.filter((p) => p.entry.startsWith('Gateway bookinfo-gateway reviews'));
  assert.deepEqual(
    routes
      .map(
        (p) =>
          `${p.entry} -> ${p.hops
            .slice(1)
            .map((h) => h.label)
            .join(' -> ')}`,
      )
      .sort(),
    [
      'Gateway bookinfo-gateway reviews (subset v1, 90%) -> Service reviews:9080 -> Deployment reviews-v1 (1 pod) -> reviews:9080',
      'Gateway bookinfo-gateway reviews (subset v2, 10%) -> Service reviews:9080 -> Deployment reviews-v2 (1 pod) -> reviews:9080',
    ],
  );
  const edges = map.edges
    .filter((e) => e.from === 'VirtualService/default/reviews#routes')
    .map((e) => `${e.to} ${e.label}`);
  assert.deepEqual(edges.sort(), [
    'Service/default/reviews :9080 (subset v1, 90%)',
    'Service/default/reviews :9080 (subset v2, 10%)',
  ]);
});

test('the hover of a Service names the VirtualServices that route to it', () => {
  const offset = text.indexOf('name: reviews\nspec:\n  selector') + 7;
  const hover = hoverAt(analysis, 'app.yaml', offset, { linkTo: (file, span) => `file:///${file}#${span.start}` });
  assert.ok(hover);
  assert.match(hover.markdown, /Istio routes: .*VirtualService.*reviews.*\(subset v1, 90%; subset v2, 10%\)/);
});
