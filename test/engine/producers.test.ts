// The open-world model: operators in the table create Services and pods the graph knows (hovers
// and the map say who makes them); custom resources of kinds nobody describes may create them, so
// nothing they could satisfy is a warning; deploy units keep copies of one object apart.
import { test, describe } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, DEFAULT_CONFIG, normalizeConfig, type Diagnostic } from '../../server/src/engine';
import { hoverAt } from '../../server/src/engine/queries';
import { buildTrafficMap } from '../../server/src/engine/paths';
import { corpusDir, needsCorpus } from '../support/corpus';

const options = { linkTo: (file: string, span: { start: number }) => `file:///ws/${file}#${span.start}` };
const problems = (ds: readonly Diagnostic[]) =>
  ds.filter((d) => d.severity === 'error' || d.severity === 'warning').map((d) => `${d.file} ${d.rule}: ${d.message}`);

function corpusFiles(dir: string): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(e.name))
        out.push({ path: path.relative(corpusDir(), p).split(path.sep).join('/'), text: fs.readFileSync(p, 'utf8') });
    }
  };
  walk(corpusDir(dir));
  return out;
}

/** The operators' API groups and kinds renamed to ones no table lists. */
function renamed(text: string): string {
  return text
    .replace(/apiVersion: kafka\.strimzi\.io\//g, 'apiVersion: streams.example.net/')
    .replace(/kind: Kafka(\w*)\n/g, 'kind: Stream$1\n')
    .replace(/apiVersion: postgresql\.cnpg\.io\//g, 'apiVersion: databases.example.net/')
    .replace(/apiVersion: opentelemetry\.io\//g, 'apiVersion: telemetry.example.net/')
    .replace(/kind: OpenTelemetryCollector\n/g, 'kind: TelemetryPipeline\n')
    .replace(
      /apiVersion: monitoring\.coreos\.com\/v1\nkind: Alertmanager/g,
      'apiVersion: alerts.example.net/v1\nkind: AlertRouter',
    );
}

describe('operators nobody describes', () => {
  for (const scope of [
    'strimzi-examples',
    'strimzi-client-examples',
    'cloudnative-pg/samples',
    'cloudnative-pg/fixtures',
    'otel-operator/tests/e2e',
  ]) {
    test(`${scope} with its operators renamed: no warning or error`, needsCorpus, () => {
      const files = corpusFiles(scope).map((f) => ({ path: f.path, text: renamed(f.text) }));
      assert.ok(
        files.some((f) => /example\.net\//.test(f.text)),
        'the renaming applied',
      );
      const analysis = analyze({ files, config: DEFAULT_CONFIG });
      assert.ok(analysis.graph.resources.length > 20, 'resources were read');
      assert.deepEqual(problems(analysis.diagnostics), []);
    });
  }

  test('a selection or a name an unknown custom resource could satisfy is information, saying so', () => {
    const text = `apiVersion: queues.example.io/v1
kind: QueueCluster
metadata:
  name: orders
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: web:1
          ports: [{containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata:
  name: orders-queue
spec:
  selector: {app: orders-queue}
  ports: [{port: 5672}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: queue-ui
spec:
  defaultBackend:
    service:
      name: orders-console
      port: {number: 15672}
`;
    const analysis = analyze({ files: [{ path: 'app/all.yaml', text }], config: DEFAULT_CONFIG });
    assert.deepEqual(problems(analysis.diagnostics), []);
    const infos = analysis.diagnostics
      .filter((d) => d.severity === 'info')
      .map((d) => d.rule)
      .sort();
    assert.deepEqual(infos, ['ingress-backend-service-missing', 'service-selector-orphaned']);
    assert.ok(analysis.diagnostics.every((d) => d.message.includes("QueueCluster 'orders'")));
    // In a closed world the same workspace is judged at full severity.
    const closed = analyze({
      files: [{ path: 'app/all.yaml', text }],
      config: normalizeConfig({ completeWorkspace: true }),
    });
    assert.deepEqual(closed.diagnostics.map((d) => `${d.severity} ${d.rule}`).sort(), [
      'error ingress-backend-service-missing',
      'warning service-selector-orphaned',
    ]);
  });
});

test(
  'in a closed world the table is what makes strimzi-examples resolve: with the operators renamed, their pods are missing',
  needsCorpus,
  () => {
    const config = normalizeConfig({ completeWorkspace: true });
    const files = corpusFiles('strimzi-examples');
    assert.deepEqual(problems(analyze({ files, config }).diagnostics), []);
    const renamedFindings = problems(
      analyze({ files: files.map((f) => ({ path: f.path, text: renamed(f.text) })), config }).diagnostics,
    );
    assert.ok(
      renamedFindings.some((d) => /service-selector-orphaned: Selector alertmanager=alertmanager/.test(d)),
      renamedFindings.join('\n'),
    );
  },
);

describe('operators in the table', () => {
  const kafka = `apiVersion: kafka.strimzi.io/v1beta2
kind: Kafka
metadata:
  name: my-cluster
  namespace: kafka
spec:
  kafka:
    listeners:
      - {name: plain, port: 9092, type: internal, tls: false}
      - {name: tls, port: 9093, type: internal, tls: true}
  entityOperator:
    topicOperator: {}
---
apiVersion: kafka.strimzi.io/v1beta2
kind: KafkaNodePool
metadata:
  name: broker
  namespace: kafka
  labels:
    strimzi.io/cluster: my-cluster
spec:
  replicas: 3
  roles: [broker]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: producer
  namespace: kafka
spec:
  selector:
    matchLabels: {app: producer}
  template:
    metadata:
      labels: {app: producer}
    spec:
      containers:
        - name: producer
          image: producer:1
          env:
            - name: BOOTSTRAP_SERVERS
              value: my-cluster-kafka-bootstrap:9092
`;
  const analysis = analyze({ files: [{ path: 'kafka/all.yaml', text: kafka }], config: DEFAULT_CONFIG });

  test('the graph knows the Services and pods the operator makes, with their ports', () => {
    const bootstrap = analysis.graph.servicesNamed('kafka', 'my-cluster-kafka-bootstrap')[0];
    assert.ok(bootstrap?.producer, 'Service made by the operator');
    assert.equal(bootstrap.producer.resource.kind, 'Kafka');
    assert.deepEqual(
      bootstrap.ports.map((p) => `${p.name}:${p.port}`),
      ['tcp-clients:9092', 'tcp-clientstls:9093', 'tcp-replication:9091'],
    );
    const entity = analysis.graph.workloadsIn('kafka').find((w) => w.resource.name === 'my-cluster-entity-operator');
    assert.equal(entity?.template.labels.declared['app.kubernetes.io/name'], 'entity-operator');
    assert.deepEqual(problems(analysis.diagnostics), []);
  });

  test('a hover on a reference to it says which custom resource makes it', () => {
    const offset = kafka.indexOf('my-cluster-kafka-bootstrap:9092') + 3;
    const h = hoverAt(analysis, 'kafka/all.yaml', offset, options);
    assert.ok(h, 'hover');
    assert.match(
      h.markdown,
      /Service my\\-cluster\\-kafka\\-bootstrap:9092\]\([^)]+\) \(made by Kafka my\\-cluster\) → \[StrimziPodSet my\\-cluster\\-broker\]\([^)]+\) \(made by KafkaNodePool broker\)/,
    );
  });

  test('a hover on the custom resource lists what the operator creates', () => {
    const h = hoverAt(analysis, 'kafka/all.yaml', kafka.indexOf('name: my-cluster') + 7, options);
    assert.ok(h, 'hover');
    assert.match(h.markdown, /At run time the Strimzi cluster operator creates:/);
    assert.match(
      h.markdown,
      /Service `my-cluster-kafka-bootstrap` — 9092 tcp\\-clients, 9093 tcp\\-clientstls, 9091 tcp\\-replication/,
    );
    assert.match(h.markdown, /Deployment `my-cluster-entity-operator` \(1 pod\)/);
  });

  test('the traffic map shows it as operator-made, not missing', () => {
    const map = buildTrafficMap(analysis);
    const node = map.nodes.find((n) => n.id === 'Service/kafka/my-cluster-kafka-bootstrap');
    assert.ok(node, JSON.stringify(map.nodes.map((n) => n.id)));
    assert.equal(node.kind, 'Service');
    assert.match(node.label, /made by Kafka my-cluster/);
    assert.ok(map.edges.some((e) => e.from === 'Deployment/kafka/producer' && e.to === node.id && e.kind === 'calls'));
  });

  test('the same names with a misspelt cluster are judged as before (a Service of a near name exists)', () => {
    const typo = kafka
      .replace('value: my-cluster-kafka-bootstrap:9092', 'value: my-cluster-kafka-bootstrap.kafka.svc:9092')
      .replace('namespace: kafka\nspec:\n  kafka', 'namespace: kafka\nspec:\n  kafka');
    const ok = analyze({ files: [{ path: 'kafka/all.yaml', text: typo }], config: DEFAULT_CONFIG });
    assert.deepEqual(problems(ok.diagnostics), []);
    const wrong = analyze({
      files: [
        {
          path: 'kafka/all.yaml',
          text: typo.replace('my-cluster-kafka-bootstrap.kafka.svc', 'my-cluster-kafka-bootstrp.kafka.svc'),
        },
      ],
      config: DEFAULT_CONFIG,
    });
    assert.deepEqual(
      wrong.diagnostics.map((d) => d.rule),
      ['service-reference-missing'],
    );
    assert.match(wrong.diagnostics[0].message, /Did you mean 'my-cluster-kafka-bootstrap'/);
  });
});

test('Elasticsearch node sets, Kibana and RabbitMQ clusters: one workload per node set, Services by their operators', () => {
  const text = `apiVersion: elasticsearch.k8s.elastic.co/v1
kind: Elasticsearch
metadata:
  name: quickstart
spec:
  nodeSets:
    - name: hot
      count: 3
    - name: warm
      count: 2
---
apiVersion: kibana.k8s.elastic.co/v1
kind: Kibana
metadata:
  name: quickstart
spec:
  count: 1
  elasticsearchRef: {name: quickstart}
---
apiVersion: rabbitmq.com/v1beta1
kind: RabbitmqCluster
metadata:
  name: hello-world
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: kibana
spec:
  defaultBackend:
    service:
      name: quickstart-kb-http
      port: {number: 5601}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: es
spec:
  podSelector:
    matchLabels: {elasticsearch.k8s.elastic.co/cluster-name: quickstart}
  ingress:
    - from:
        - podSelector:
            matchLabels: {kibana.k8s.elastic.co/name: quickstart}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker
spec:
  selector:
    matchLabels: {app: worker}
  template:
    metadata:
      labels: {app: worker}
    spec:
      containers:
        - name: worker
          image: worker:1
          env:
            - {name: AMQP_URL, value: "amqp://hello-world.default.svc:5672"}
            - {name: ES_URL, value: "https://quickstart-es-http.default.svc:9200"}
`;
  const analysis = analyze({
    files: [{ path: 'search/all.yaml', text }],
    config: normalizeConfig({ completeWorkspace: true }),
  });
  // Judged as a closed world: everything referenced exists because the operators make it, and
  // the policy on the operator's pods admits Kibana only, so the worker's calls are denied.
  assert.deepEqual(
    analysis.diagnostics.map((d) => `${d.severity} ${d.rule}: ${d.message}`),
    [
      "warning traffic-denied-by-networkpolicy: Traffic to Service 'default/quickstart-es-http:9200' is denied by the ingress policies of StatefulSet 'quickstart-es-hot', StatefulSet 'quickstart-es-warm' (es).",
    ],
  );
  const sets = analysis.graph.workloadsIn('default').filter((w) => w.resource.producedBy?.kind === 'Elasticsearch');
  assert.deepEqual(
    sets.map((w) => `${w.resource.kind} ${w.resource.name} ${w.replicas}`),
    ['StatefulSet quickstart-es-hot 3', 'StatefulSet quickstart-es-warm 2'],
  );
  // What an operator makes stands where its custom resource is written: its kind, name and span.
  for (const w of sets) {
    const from = w.resource.producedBy!;
    assert.deepEqual(
      [w.resource.span, w.resource.kindSpan, w.resource.nameSpan],
      [from.span, from.kindSpan, from.nameSpan],
    );
    assert.equal(text.slice(w.resource.kindSpan.start, w.resource.kindSpan.end), 'Elasticsearch');
  }
  assert.deepEqual(
    analysis.graph.servicesNamed('default', 'hello-world')[0]?.producer?.operator,
    'RabbitMQ Cluster Operator',
  );
  const map = buildTrafficMap(analysis);
  assert.ok(
    map.edges.some(
      (e) => e.from === 'Deployment/default/worker' && e.to === 'Service/default/hello-world' && e.label === ':5672',
    ),
  );
});

describe('deploy units', () => {
  const deployment = (port: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 2
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: api:1
          ports: [{containerPort: ${port}}]
`;
  const service = (targetPort: number) => `apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  selector: {app: api}
  ports: [{port: 80, targetPort: ${targetPort}}]
`;
  // A release bundle generated from split files, and the split files: one app in two units.
  const files = [
    { path: 'release/bundle.yaml', text: `${deployment(8080)}---\n${service(8080)}` },
    { path: 'deploy/split/deployment.yaml', text: deployment(8080) },
    { path: 'deploy/split/service.yaml', text: service(8000) },
  ];
  const analysis = analyze({ files, config: DEFAULT_CONFIG });

  test("a correct copy in another unit does not hide the split copy's targetPort mistake", () => {
    assert.deepEqual(
      analysis.diagnostics.map((d) => `${d.file} ${d.rule}`),
      ['deploy/split/service.yaml service-target-port-unmatched'],
    );
  });

  test('copies are counted once, and the hover says where else the object is defined', () => {
    const text = files[0].text;
    const h = hoverAt(
      analysis,
      'release/bundle.yaml',
      text.indexOf('name: api', text.indexOf('kind: Service')) + 7,
      options,
    );
    assert.ok(h);
    assert.match(h.markdown, /Selects \[Deployment api\]\([^)]*\) \(2 pods\)/);
    assert.match(h.markdown, /Also defined in `deploy\/split\/service\.yaml` \(counted once\)/);
    const paths = buildTrafficMap(analysis).paths.filter((p) => p.entry === 'api.default.svc.cluster.local:80');
    assert.equal(paths.length, 1, JSON.stringify(paths));
  });
});

describe('labels the custom resource writes for its pods', () => {
  // kube-prometheus: the Service, PodDisruptionBudget and NetworkPolicy select the Alertmanager's
  // pods by the labels of spec.podMetadata, which the operator copies onto them.
  const alertmanager = (podLabels: string) => `apiVersion: monitoring.coreos.com/v1
kind: Alertmanager
metadata:
  name: main
  namespace: monitoring
  labels: {app.kubernetes.io/name: alertmanager, app.kubernetes.io/part-of: kube-prometheus}
spec:
  replicas: 3
  podMetadata:
    labels: {${podLabels}}
`;
  const selecting = (selector: string) => `apiVersion: v1
kind: Service
metadata:
  name: alertmanager-main
  namespace: monitoring
spec:
  selector: {${selector}}
  ports:
    - {name: web, port: 9093, targetPort: web}
    - {name: reloader-web, port: 8080, targetPort: reloader-web}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: alertmanager-main
  namespace: monitoring
spec:
  maxUnavailable: 1
  selector:
    matchLabels: {${selector}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: alertmanager-main
  namespace: monitoring
spec:
  podSelector:
    matchLabels: {${selector}}
  ingress: [{ports: [{port: 9093}]}]
`;
  const deployment = (name: string, labels: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: monitoring}
spec:
  selector:
    matchLabels: {${labels}}
  template:
    metadata:
      labels: {${labels}}
    spec:
      containers: [{name: c, image: i}]
`;
  const run = (...texts: string[]) =>
    analyze({ files: texts.map((text, i) => ({ path: `monitoring/${i}.yaml`, text })), config: DEFAULT_CONFIG });

  test('podMetadata labels are the pods own: selected, and the ports of the config reloader resolve', () => {
    const analysis = run(
      alertmanager('app.kubernetes.io/component: alert-router, app.kubernetes.io/instance: main'),
      selecting('app.kubernetes.io/component: alert-router, app.kubernetes.io/instance: main'),
    );
    assert.deepEqual(problems(analysis.diagnostics), []);
    const [pods] = analysis.graph.workloadsIn('monitoring');
    assert.equal(pods.template.labels.declared['app.kubernetes.io/component'], 'alert-router');
    // The operator's own labels win over podMetadata's.
    assert.equal(pods.template.labels.declared['app.kubernetes.io/instance'], 'main');
    const service = analysis.graph.servicesNamed('monitoring', 'alertmanager-main')[0];
    assert.deepEqual(
      analysis.graph.workloadsSelectedBy(service).map((w) => w.resource.id),
      ['StatefulSet/monitoring/alertmanager-main'],
    );
    const edges = buildTrafficMap(analysis).edges.filter((e) => e.from === 'Service/monitoring/alertmanager-main');
    assert.deepEqual(edges.map((e) => `${e.label}${e.broken ? ' broken' : ''}`).sort(), [
      '8080 -> reloader-web',
      '9093 -> web',
    ]);
  });

  test('labels written elsewhere in the resource may reach the pods: possible, not a warning', () => {
    // The resource's own labels: some operators copy them onto everything they make. (Grafana's
    // template carries the key, so a selection by it is judged.)
    const analysis = run(
      alertmanager(''),
      selecting('app.kubernetes.io/part-of: kube-prometheus'),
      deployment('grafana', 'app.kubernetes.io/part-of: grafana'),
    );
    assert.deepEqual(problems(analysis.diagnostics), []);
  });

  test('a label the resource writes nowhere still selects nothing', () => {
    const analysis = run(
      alertmanager('app.kubernetes.io/component: alert-router'),
      selecting('app.kubernetes.io/component: alert-routr'),
    );
    assert.deepEqual(
      analysis.diagnostics
        .filter((d) => d.severity === 'warning')
        .map((d) => d.rule)
        .sort(),
      ['networkpolicy-selector-orphaned', 'pdb-selector-orphaned', 'service-selector-orphaned'],
    );
  });

  test('a label the operator may or may not copy satisfies DoesNotExist too', () => {
    const analysis = run(
      alertmanager(''),
      `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: not-part
  namespace: monitoring
spec:
  podSelector:
    matchExpressions:
      - {key: app.kubernetes.io/part-of, operator: DoesNotExist}
      - {key: alertmanager, operator: In, values: [main]}
  ingress: [{}]
`,
    );
    assert.deepEqual(problems(analysis.diagnostics), []);
  });

  test('Kibana: the pod template of the resource, nested under spec', () => {
    const analysis = run(
      `apiVersion: kibana.k8s.elastic.co/v1
kind: Kibana
metadata: {name: kb, namespace: monitoring}
spec:
  count: 1
  podTemplate:
    metadata:
      labels: {team: search}
`,
      `apiVersion: v1
kind: Service
metadata: {name: kibana-team, namespace: monitoring}
spec:
  selector: {team: search}
  ports: [{port: 5601}]
`,
      deployment('web', 'team: web'),
    );
    assert.deepEqual(problems(analysis.diagnostics), []);
  });
});

test("labels under the operator's own prefix may be on its pods (ECK node roles)", () => {
  // ECK labels each Elasticsearch pod elasticsearch.k8s.elastic.co/node-<role>=true|false from the
  // node set's roles; the table does not list them.
  const text = (key: string) => `apiVersion: elasticsearch.k8s.elastic.co/v1
kind: Elasticsearch
metadata: {name: es}
spec:
  version: 8.1.1
  nodeSets: [{name: ingest, count: 1, config: {node.roles: [ingest]}}]
---
apiVersion: v1
kind: Service
metadata: {name: es-ingest}
spec:
  selector: {elasticsearch.k8s.elastic.co/cluster-name: es, ${key}: "true"}
  ports: [{port: 9200}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector:
    matchLabels: {app: web, role: ingest}
  template:
    metadata:
      labels: {app: web, role: ingest}
    spec:
      containers: [{name: web, image: web}]
`;
  const run = (key: string) =>
    analyze({ files: [{ path: 'es/all.yaml', text: text(key) }], config: DEFAULT_CONFIG }).diagnostics.map(
      (d) => `${d.severity} ${d.rule}`,
    );
  assert.deepEqual(run('elasticsearch.k8s.elastic.co/node-ingest'), []);
  // A key of no prefix the operator owns is judged as before.
  assert.deepEqual(run('role'), ['warning service-selector-orphaned']);
});
