// What well-known operators create at run time from their custom resources, as data: one entry per
// API group and kinds, with the Services (names, selectors, fixed ports) and pod templates (labels,
// ports) the operator makes, and the upstream source each entry follows. `producers.ts` turns an
// entry and a custom resource into typed views; no code is written per operator.
//
// Templates in names, labels and values: `{name}` and `{namespace}` of the custom resource,
// `{label:KEY}` one of its labels. A port is fixed (`port`) or read from the resource (`from`, a
// path under the resource, falling back to `port`); `portsFrom` reads one port per list item.

export interface PortTemplate {
  readonly name?: string;
  readonly port: number;
  readonly from?: readonly string[];
  readonly protocol?: 'TCP' | 'UDP';
  /** A Service port's targetPort (a number or a container port name); the port itself when absent. */
  readonly targetPort?: number | string;
}

/** One port per item of a list in the resource (Strimzi listeners). */
export interface PortsFrom {
  readonly list: readonly string[];
  /** Items whose field has this value only. */
  readonly where?: { readonly field: string; readonly equals: string };
  readonly portField: string;
  /** The port name: `{item}` is the item's `name` field; exceptions by `<item name>:<port>`. */
  readonly name: string;
  readonly names?: Readonly<Record<string, string>>;
}

/** When a produced object exists: a path present, a value (not) at a path, a value not listed at a path, a label. */
export interface Condition {
  readonly present?: readonly string[];
  readonly equals?: { readonly path: readonly string[]; readonly value: string };
  readonly notEquals?: { readonly path: readonly string[]; readonly value: string };
  readonly notIn?: { readonly path: readonly string[]; readonly value: string };
  /** A label the resource must carry (the cluster a node pool belongs to). */
  readonly label?: string;
}

export interface ProducedPods {
  /** The controller kind the operator creates (or `Pod` when it manages pods itself). */
  readonly kind: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Labels the operator sets on running pods with values known only then (a role, an index). */
  readonly runtimeLabels?: readonly string[];
  readonly ports?: readonly PortTemplate[];
  readonly portsFrom?: PortsFrom;
  /** The kind follows `spec.mode` (OpenTelemetryCollector: deployment, daemonset, statefulset). */
  readonly kindFrom?: {
    readonly path: readonly string[];
    readonly kinds: Readonly<Record<string, string>>;
    readonly default: string;
  };
  /** Where the resource sets the number of pods (the operator's default when absent: 1). */
  readonly replicasFrom?: readonly string[];
  /**
   * One workload per item of a list in the resource (Elasticsearch nodeSets): `{item}` in names and
   * labels is the item's `name`, and replicasFrom is read from the item.
   */
  readonly each?: readonly string[];
  /**
   * Label maps of the resource (of the item, with `each`) the operator copies onto the pods: the
   * labels they hold are the pods' own, under the operator's (`labels` wins a key both name).
   */
  readonly labelsFrom?: readonly (readonly string[])[];
  readonly when?: Condition;
}

export interface ProducedService {
  readonly name: string;
  /** null: a Service without a selector (its endpoints are maintained by the operator). */
  readonly selector: Readonly<Record<string, string>> | null;
  readonly labels?: Readonly<Record<string, string>>;
  readonly ports?: readonly PortTemplate[];
  readonly portsFrom?: PortsFrom;
  /** Ports that depend on configuration this table does not read (a collector's receivers). */
  readonly morePorts?: boolean;
  readonly headless?: boolean;
  readonly when?: Condition;
}

export interface OperatorEntry {
  readonly group: string;
  readonly kinds: readonly string[];
  readonly operator: string;
  /** Upstream files the entry follows. */
  readonly source: string;
  readonly pods?: readonly ProducedPods[];
  readonly services?: readonly ProducedService[];
}

const STRIMZI = 'Strimzi cluster operator';
const strimziLabels = (cluster: string, kind: string, name: string) => ({
  'strimzi.io/cluster': cluster,
  'strimzi.io/kind': kind,
  'strimzi.io/name': name,
});
/** Strimzi's bootstrap and broker Service ports: one per internal listener (ListenersUtils.backwardsCompatiblePortName). */
const KAFKA_LISTENER_PORTS: PortsFrom = {
  list: ['spec', 'kafka', 'listeners'],
  where: { field: 'type', equals: 'internal' },
  portField: 'port',
  name: 'tcp-{item}',
  names: { 'plain:9092': 'tcp-clients', 'tls:9093': 'tcp-clientstls' },
};
const CNPG_SERVICE_PORT: PortTemplate = { name: 'postgres', port: 5432, targetPort: 5432 };
const OTEL = 'OpenTelemetry Operator';
const otelLabels = (component: string, suffix: string) => ({
  'app.kubernetes.io/component': component,
  'app.kubernetes.io/instance': '{namespace}.{name}',
  'app.kubernetes.io/managed-by': 'opentelemetry-operator',
  'app.kubernetes.io/part-of': 'opentelemetry',
  'app.kubernetes.io/name': `{name}-${suffix}`,
});
const otelSelector = (component: string) => ({
  'app.kubernetes.io/component': component,
  'app.kubernetes.io/instance': '{namespace}.{name}',
  'app.kubernetes.io/managed-by': 'opentelemetry-operator',
  'app.kubernetes.io/part-of': 'opentelemetry',
});
const notSidecar: Condition = { notEquals: { path: ['spec', 'mode'], value: 'sidecar' } };
const PROMETHEUS_OPERATOR = 'Prometheus Operator';
const promLabels = (app: string) => ({
  'app.kubernetes.io/name': app,
  'app.kubernetes.io/instance': '{name}',
  'app.kubernetes.io/managed-by': 'prometheus-operator',
  [app]: '{name}',
});

/** Kinds that create no pods and no Services (topics, users, monitors, certificates, policies). */
export const INERT_KINDS: Readonly<Record<string, readonly string[] | '*'>> = {
  'kafka.strimzi.io': ['KafkaTopic', 'KafkaUser', 'KafkaRebalance', 'KafkaConnector'],
  'rabbitmq.com': [
    'Queue',
    'Exchange',
    'Binding',
    'User',
    'Permission',
    'Vhost',
    'Policy',
    'Federation',
    'Shovel',
    'SchemaReplication',
    'SuperStream',
    'TopicPermission',
    'OperatorPolicy',
  ],
  'core.strimzi.io': ['StrimziPodSet'],
  'postgresql.cnpg.io': [
    'Backup',
    'ScheduledBackup',
    'Database',
    'Publication',
    'Subscription',
    'ImageCatalog',
    'ClusterImageCatalog',
  ],
  'opentelemetry.io': ['Instrumentation'],
  'monitoring.coreos.com': [
    'ServiceMonitor',
    'PodMonitor',
    'Probe',
    'PrometheusRule',
    'ScrapeConfig',
    'AlertmanagerConfig',
  ],
  // Azure Monitor's managed Prometheus: the same monitors under its own group (model/monitor.ts).
  'azmonitoring.coreos.com': ['ServiceMonitor', 'PodMonitor'],
  'cert-manager.io': '*',
  'acme.cert-manager.io': '*',
  'k8s.cni.cncf.io': '*',
  'networking.istio.io': '*',
  'security.istio.io': '*',
  'telemetry.istio.io': '*',
  'source.toolkit.fluxcd.io': '*',
  'notification.toolkit.fluxcd.io': '*',
  'image.toolkit.fluxcd.io': '*',
  'cilium.io': '*',
  'crd.projectcalico.org': '*',
  'projectcalico.org': '*',
  'policy.linkerd.io': '*',
  'keda.sh': '*',
  'cloud.google.com': '*',
  'networking.gke.io': '*',
  'elbv2.k8s.aws': '*',
  'gateway.k8s.aws': '*',
  'application-networking.k8s.aws': '*',
  'vpcresources.k8s.aws': '*',
  'crd.k8s.amazonaws.com': '*',
  'karpenter.sh': '*',
  'karpenter.k8s.aws': '*',
  'net.gke.io': '*',
  'networking.x-k8s.io': '*',
  // Configuration of proxies, gateways, secrets and policies: they route to Services or make Secrets, never pods.
  'route.openshift.io': '*',
  'security.openshift.io': '*',
  'image.openshift.io': '*',
  'traefik.io': '*',
  'traefik.containo.us': '*',
  'projectcontour.io': '*',
  'getambassador.io': '*',
  'configuration.konghq.com': '*',
  'gateway.envoyproxy.io': '*',
  'external-secrets.io': '*',
  'bitnami.com': ['SealedSecret'],
  'secrets-store.csi.x-k8s.io': '*',
  'velero.io': '*',
  'chainsaw.kyverno.io': '*',
  'kuttl.dev': '*',
  'kyverno.io': '*',
};

export const OPERATORS: readonly OperatorEntry[] = [
  {
    group: 'kafka.strimzi.io',
    kinds: ['Kafka'],
    operator: STRIMZI,
    source:
      'strimzi-kafka-operator api/.../kafka/KafkaResources.java (bootstrapServiceName, brokersServiceName), cluster-operator/.../model/KafkaCluster.java (generateService, broker selector), ListenersUtils.java (backwardsCompatiblePortName), EntityTopicOperator.java, EntityUserOperator.java, CruiseControl.java',
    pods: [
      // Without node pools (spec.kafka.replicas), the brokers belong to the Kafka resource itself.
      {
        kind: 'StrimziPodSet',
        name: '{name}-kafka',
        labels: strimziLabels('{name}', 'Kafka', '{name}-kafka'),
        replicasFrom: ['spec', 'kafka', 'replicas'],
        portsFrom: { ...KAFKA_LISTENER_PORTS, where: undefined },
        when: { present: ['spec', 'kafka', 'replicas'] },
      },
      {
        kind: 'Deployment',
        name: '{name}-entity-operator',
        labels: {
          ...strimziLabels('{name}', 'Kafka', '{name}-entity-operator'),
          'app.kubernetes.io/name': 'entity-operator',
        },
        ports: [
          { name: 'healthcheck-to', port: 8080 },
          { name: 'healthcheck-uo', port: 8081 },
        ],
        when: { present: ['spec', 'entityOperator'] },
      },
      {
        kind: 'Deployment',
        name: '{name}-cruise-control',
        labels: strimziLabels('{name}', 'Kafka', '{name}-cruise-control'),
        ports: [{ name: 'rest-api', port: 9090 }],
        when: { present: ['spec', 'cruiseControl'] },
      },
    ],
    services: [
      {
        name: '{name}-kafka-bootstrap',
        selector: strimziLabels('{name}', 'Kafka', '{name}-kafka'),
        portsFrom: KAFKA_LISTENER_PORTS,
        ports: [{ name: 'tcp-replication', port: 9091 }],
      },
      {
        name: '{name}-kafka-brokers',
        selector: strimziLabels('{name}', 'Kafka', '{name}-kafka'),
        headless: true,
        portsFrom: KAFKA_LISTENER_PORTS,
        ports: [{ name: 'tcp-replication', port: 9091 }],
      },
      {
        name: '{name}-cruise-control',
        selector: strimziLabels('{name}', 'Kafka', '{name}-cruise-control'),
        ports: [{ name: 'rest-api', port: 9090 }],
        when: { present: ['spec', 'cruiseControl'] },
      },
    ],
  },
  {
    group: 'kafka.strimzi.io',
    kinds: ['KafkaNodePool'],
    operator: STRIMZI,
    source:
      'strimzi-kafka-operator cluster-operator/.../model/KafkaPool.java, operator-common/.../model/Labels.java (strimzi.io/pool-name, broker-role, controller-role)',
    pods: [
      {
        kind: 'StrimziPodSet',
        name: '{label:strimzi.io/cluster}-{name}',
        labels: {
          ...strimziLabels('{label:strimzi.io/cluster}', 'Kafka', '{label:strimzi.io/cluster}-kafka'),
          'strimzi.io/pool-name': '{name}',
        },
        runtimeLabels: ['strimzi.io/broker-role', 'strimzi.io/controller-role', 'statefulset.kubernetes.io/pod-name'],
        replicasFrom: ['spec', 'replicas'],
        when: { label: 'strimzi.io/cluster' },
      },
    ],
  },
  {
    group: 'kafka.strimzi.io',
    kinds: ['KafkaBridge'],
    operator: STRIMZI,
    source:
      'strimzi-kafka-operator api/.../bridge/KafkaBridgeResources.java (serviceName), cluster-operator/.../model/KafkaBridgeCluster.java',
    pods: [
      {
        kind: 'Deployment',
        name: '{name}-bridge',
        replicasFrom: ['spec', 'replicas'],
        labels: strimziLabels('{name}', 'KafkaBridge', '{name}-bridge'),
        ports: [
          { name: 'rest-api', port: 8080, from: ['spec', 'http', 'port'] },
          { name: 'rest-api-mgmt', port: 8081 },
        ],
      },
    ],
    services: [
      {
        name: '{name}-bridge-service',
        selector: strimziLabels('{name}', 'KafkaBridge', '{name}-bridge'),
        ports: [{ name: 'rest-api', port: 8080, from: ['spec', 'http', 'port'] }],
      },
    ],
  },
  {
    group: 'kafka.strimzi.io',
    kinds: ['KafkaConnect'],
    operator: STRIMZI,
    source:
      'strimzi-kafka-operator api/.../connect/KafkaConnectResources.java (serviceName), cluster-operator/.../model/KafkaConnectCluster.java (REST_API_PORT 8083)',
    pods: [
      {
        kind: 'StrimziPodSet',
        name: '{name}-connect',
        replicasFrom: ['spec', 'replicas'],
        labels: strimziLabels('{name}', 'KafkaConnect', '{name}-connect'),
        ports: [{ name: 'rest-api', port: 8083 }],
      },
    ],
    services: [
      {
        name: '{name}-connect-api',
        selector: strimziLabels('{name}', 'KafkaConnect', '{name}-connect'),
        ports: [{ name: 'rest-api', port: 8083 }],
      },
    ],
  },
  {
    group: 'kafka.strimzi.io',
    kinds: ['KafkaMirrorMaker2'],
    operator: STRIMZI,
    source:
      'strimzi-kafka-operator api/.../mirrormaker2/KafkaMirrorMaker2Resources.java (serviceName), KafkaMirrorMaker2Cluster.java',
    pods: [
      {
        kind: 'StrimziPodSet',
        name: '{name}-mirrormaker2',
        replicasFrom: ['spec', 'replicas'],
        labels: strimziLabels('{name}', 'KafkaMirrorMaker2', '{name}-mirrormaker2'),
        ports: [{ name: 'rest-api', port: 8083 }],
      },
    ],
    services: [
      {
        name: '{name}-mirrormaker2-api',
        selector: strimziLabels('{name}', 'KafkaMirrorMaker2', '{name}-mirrormaker2'),
        ports: [{ name: 'rest-api', port: 8083 }],
      },
    ],
  },
  {
    group: 'postgresql.cnpg.io',
    kinds: ['Cluster'],
    operator: 'CloudNativePG operator',
    source:
      'cloudnative-pg api/v1/cluster_types.go (ServiceReadWriteSuffix -rw, ServiceReadOnlySuffix -ro, ServiceReadSuffix -r), pkg/specs/services.go, pkg/specs/pods.go, pkg/utils/labels_annotations.go',
    pods: [
      {
        kind: 'Pod',
        name: '{name}',
        labels: { 'cnpg.io/cluster': '{name}', 'cnpg.io/podRole': 'instance' },
        runtimeLabels: ['cnpg.io/instanceRole', 'role', 'cnpg.io/instanceName'],
        replicasFrom: ['spec', 'instances'],
        ports: [
          { name: 'postgresql', port: 5432 },
          { name: 'metrics', port: 9187 },
          { name: 'status', port: 8000 },
        ],
      },
    ],
    services: [
      {
        name: '{name}-rw',
        selector: { 'cnpg.io/cluster': '{name}', 'cnpg.io/instanceRole': 'primary' },
        ports: [CNPG_SERVICE_PORT],
        when: { notIn: { path: ['spec', 'managed', 'services', 'disabledDefaultServices'], value: 'rw' } },
      },
      {
        name: '{name}-ro',
        selector: { 'cnpg.io/cluster': '{name}', 'cnpg.io/instanceRole': 'replica' },
        ports: [CNPG_SERVICE_PORT],
        when: { notIn: { path: ['spec', 'managed', 'services', 'disabledDefaultServices'], value: 'ro' } },
      },
      {
        name: '{name}-r',
        selector: { 'cnpg.io/cluster': '{name}', 'cnpg.io/podRole': 'instance' },
        ports: [CNPG_SERVICE_PORT],
        when: { notIn: { path: ['spec', 'managed', 'services', 'disabledDefaultServices'], value: 'r' } },
      },
    ],
  },
  {
    group: 'postgresql.cnpg.io',
    kinds: ['Pooler'],
    operator: 'CloudNativePG operator',
    source:
      'cloudnative-pg pkg/specs/pgbouncer/deployments.go, pkg/specs/pgbouncer/services.go (name = the Pooler, label cnpg.io/poolerName)',
    pods: [
      {
        kind: 'Deployment',
        name: '{name}',
        labels: { 'cnpg.io/poolerName': '{name}' },
        replicasFrom: ['spec', 'instances'],
        ports: [
          { name: 'pgbouncer', port: 5432 },
          { name: 'metrics', port: 9127 },
        ],
      },
    ],
    services: [
      {
        name: '{name}',
        selector: { 'cnpg.io/poolerName': '{name}' },
        ports: [{ name: 'pgbouncer', port: 5432, targetPort: 'pgbouncer' }],
      },
    ],
  },
  {
    group: 'acid.zalan.do',
    kinds: ['postgresql'],
    operator: 'Zalando Postgres Operator',
    source:
      'postgres-operator pkg/cluster/k8sres.go (serviceName, generateService), pkg/cluster/connection_pooler.go, manifests/configmap.yaml (cluster_labels application: spilo, pod_role_label spilo-role)',
    pods: [
      {
        kind: 'StatefulSet',
        name: '{name}',
        labels: { application: 'spilo', 'cluster-name': '{name}' },
        replicasFrom: ['spec', 'numberOfInstances'],
        runtimeLabels: ['spilo-role'],
        ports: [
          { name: 'postgresql', port: 5432 },
          { name: 'patroni', port: 8008 },
        ],
      },
    ],
    services: [
      // The primary's Service has no selector: Patroni maintains its endpoints.
      {
        name: '{name}',
        selector: null,
        labels: { application: 'spilo', 'cluster-name': '{name}', 'spilo-role': 'master' },
        ports: [{ name: 'postgresql', port: 5432 }],
      },
      {
        name: '{name}-repl',
        selector: { application: 'spilo', 'cluster-name': '{name}', 'spilo-role': 'replica' },
        labels: { application: 'spilo', 'cluster-name': '{name}', 'spilo-role': 'replica' },
        ports: [{ name: 'postgresql', port: 5432 }],
      },
      {
        name: '{name}-pooler',
        selector: { 'connection-pooler': '{name}-pooler' },
        ports: [{ name: 'postgresql', port: 5432 }],
        when: { present: ['spec', 'enableConnectionPooler'] },
      },
      {
        name: '{name}-pooler-repl',
        selector: { 'connection-pooler': '{name}-pooler-repl' },
        ports: [{ name: 'postgresql', port: 5432 }],
        when: { present: ['spec', 'enableReplicaConnectionPooler'] },
      },
    ],
  },
  {
    group: 'opentelemetry.io',
    kinds: ['OpenTelemetryCollector'],
    operator: OTEL,
    source:
      'opentelemetry-operator internal/naming/main.go (Collector, HeadlessService, MonitoringService, TAService), internal/manifests/collector/service.go, internal/manifests/manifestutils/labels.go (SelectorLabels)',
    pods: [
      {
        kind: 'Deployment',
        kindFrom: {
          path: ['spec', 'mode'],
          kinds: { deployment: 'Deployment', daemonset: 'DaemonSet', statefulset: 'StatefulSet' },
          default: 'Deployment',
        },
        name: '{name}-collector',
        labels: otelLabels('opentelemetry-collector', 'collector'),
        ports: [{ name: 'metrics', port: 8888 }],
        replicasFrom: ['spec', 'replicas'],
        when: notSidecar,
      },
      {
        kind: 'Deployment',
        name: '{name}-targetallocator',
        labels: otelLabels('opentelemetry-targetallocator', 'targetallocator'),
        ports: [{ name: 'http', port: 8080 }],
        when: { equals: { path: ['spec', 'targetAllocator', 'enabled'], value: 'true' } },
      },
    ],
    services: [
      {
        name: '{name}-collector',
        selector: otelSelector('opentelemetry-collector'),
        labels: otelLabels('opentelemetry-collector', 'collector'),
        morePorts: true,
        when: notSidecar,
      },
      {
        name: '{name}-collector-headless',
        selector: otelSelector('opentelemetry-collector'),
        labels: otelLabels('opentelemetry-collector', 'collector'),
        headless: true,
        morePorts: true,
        when: notSidecar,
      },
      {
        name: '{name}-collector-monitoring',
        selector: otelSelector('opentelemetry-collector'),
        labels: otelLabels('opentelemetry-collector', 'collector'),
        ports: [{ name: 'monitoring', port: 8888 }],
        when: notSidecar,
      },
      {
        name: '{name}-targetallocator',
        selector: otelSelector('opentelemetry-targetallocator'),
        labels: otelLabels('opentelemetry-targetallocator', 'targetallocator'),
        ports: [{ name: 'targetallocation', port: 80, targetPort: 'http' }],
        when: { equals: { path: ['spec', 'targetAllocator', 'enabled'], value: 'true' } },
      },
    ],
  },
  {
    group: 'elasticsearch.k8s.elastic.co',
    kinds: ['Elasticsearch'],
    operator: 'Elastic Cloud on Kubernetes',
    source:
      'cloud-on-k8s pkg/controller/elasticsearch/label/label.go (elasticsearch.k8s.elastic.co/cluster-name), pkg/controller/elasticsearch/services/services.go, pkg/controller/elasticsearch/nodespec (ESNamer: <name>-es-http, <name>-es-transport, StatefulSet <name>-es-<nodeSet>)',
    pods: [
      {
        kind: 'StatefulSet',
        name: '{name}-es-{item}',
        each: ['spec', 'nodeSets'],
        replicasFrom: ['count'],
        labels: {
          'elasticsearch.k8s.elastic.co/cluster-name': '{name}',
          'common.k8s.elastic.co/type': 'elasticsearch',
          'elasticsearch.k8s.elastic.co/statefulset-name': '{name}-es-{item}',
        },
        runtimeLabels: ['statefulset.kubernetes.io/pod-name'],
        ports: [
          { name: 'https', port: 9200 },
          { name: 'transport', port: 9300 },
        ],
      },
    ],
    services: [
      // The HTTP port is named https, or http when spec.http.tls.selfSignedCertificate.disabled.
      {
        name: '{name}-es-http',
        selector: {
          'elasticsearch.k8s.elastic.co/cluster-name': '{name}',
          'common.k8s.elastic.co/type': 'elasticsearch',
        },
        labels: {
          'elasticsearch.k8s.elastic.co/cluster-name': '{name}',
          'common.k8s.elastic.co/type': 'elasticsearch',
        },
        ports: [{ name: 'https', port: 9200 }],
        morePorts: true,
      },
      {
        name: '{name}-es-transport',
        selector: {
          'elasticsearch.k8s.elastic.co/cluster-name': '{name}',
          'common.k8s.elastic.co/type': 'elasticsearch',
        },
        headless: true,
        ports: [{ name: 'tls-transport', port: 9300 }],
      },
    ],
  },
  {
    group: 'kibana.k8s.elastic.co',
    kinds: ['Kibana'],
    operator: 'Elastic Cloud on Kubernetes',
    source:
      'cloud-on-k8s pkg/controller/kibana/pod.go, pkg/controller/kibana/driver.go (Deployment <name>-kb, Service <name>-kb-http, label kibana.k8s.elastic.co/name)',
    pods: [
      {
        kind: 'Deployment',
        name: '{name}-kb',
        labels: { 'kibana.k8s.elastic.co/name': '{name}', 'common.k8s.elastic.co/type': 'kibana' },
        replicasFrom: ['spec', 'count'],
        ports: [{ name: 'https', port: 5601 }],
      },
    ],
    services: [
      {
        name: '{name}-kb-http',
        selector: { 'kibana.k8s.elastic.co/name': '{name}', 'common.k8s.elastic.co/type': 'kibana' },
        ports: [{ name: 'https', port: 5601 }],
        morePorts: true,
      },
    ],
  },
  {
    group: 'rabbitmq.com',
    kinds: ['RabbitmqCluster'],
    operator: 'RabbitMQ Cluster Operator',
    source:
      'rabbitmq/cluster-operator internal/resource/service.go (client Service named as the cluster), headless_service.go (<name>-nodes, epmd 4369, cluster-rpc 25672), statefulset.go (<name>-server), internal/metadata/label.go (app.kubernetes.io/name)',
    pods: [
      {
        kind: 'StatefulSet',
        name: '{name}-server',
        labels: {
          'app.kubernetes.io/name': '{name}',
          'app.kubernetes.io/component': 'rabbitmq',
          'app.kubernetes.io/part-of': 'rabbitmq',
        },
        runtimeLabels: ['statefulset.kubernetes.io/pod-name'],
        replicasFrom: ['spec', 'replicas'],
        ports: [
          { name: 'amqp', port: 5672 },
          { name: 'management', port: 15672 },
          { name: 'prometheus', port: 15692 },
          { name: 'epmd', port: 4369 },
          { name: 'cluster-rpc', port: 25672 },
        ],
      },
    ],
    services: [
      // Ports follow the enabled plugins and TLS (amqps 5671, stream 5552, mqtt 1883, ...).
      {
        name: '{name}',
        selector: { 'app.kubernetes.io/name': '{name}' },
        labels: {
          'app.kubernetes.io/name': '{name}',
          'app.kubernetes.io/component': 'rabbitmq',
          'app.kubernetes.io/part-of': 'rabbitmq',
        },
        ports: [
          { name: 'amqp', port: 5672 },
          { name: 'management', port: 15672 },
          { name: 'prometheus', port: 15692 },
        ],
        morePorts: true,
      },
      {
        name: '{name}-nodes',
        selector: { 'app.kubernetes.io/name': '{name}' },
        headless: true,
        ports: [
          { name: 'epmd', port: 4369 },
          { name: 'cluster-rpc', port: 25672 },
        ],
      },
    ],
  },
  {
    group: 'monitoring.coreos.com',
    kinds: ['Prometheus'],
    operator: PROMETHEUS_OPERATOR,
    source:
      'prometheus-operator pkg/prometheus/statefulset.go (prometheus-<name>, governing Service prometheus-operated), pkg/prometheus/server/operator.go',
    pods: [
      {
        kind: 'StatefulSet',
        name: 'prometheus-{name}',
        labels: promLabels('prometheus'),
        // statefulset.go: spec.podMetadata.labels first, then the operator's labels over them.
        labelsFrom: [['spec', 'podMetadata', 'labels']],
        replicasFrom: ['spec', 'replicas'],
        runtimeLabels: ['operator.prometheus.io/shard', 'statefulset.kubernetes.io/pod-name'],
        // The config-reloader sidecar listens on reloader-web (pkg/operator/config_reloader.go).
        ports: [
          { name: 'web', port: 9090 },
          { name: 'reloader-web', port: 8080 },
        ],
      },
    ],
    services: [
      {
        name: 'prometheus-operated',
        selector: { 'app.kubernetes.io/name': 'prometheus' },
        labels: { 'operated-prometheus': 'true' },
        headless: true,
        ports: [{ name: 'web', port: 9090, targetPort: 'web' }],
      },
    ],
  },
  {
    group: 'monitoring.coreos.com',
    kinds: ['Alertmanager'],
    operator: PROMETHEUS_OPERATOR,
    source:
      'prometheus-operator pkg/alertmanager/statefulset.go (alertmanager-<name>, governing Service alertmanager-operated, ports web 9093, mesh 9094)',
    pods: [
      {
        kind: 'StatefulSet',
        name: 'alertmanager-{name}',
        labels: promLabels('alertmanager'),
        labelsFrom: [['spec', 'podMetadata', 'labels']],
        replicasFrom: ['spec', 'replicas'],
        runtimeLabels: ['statefulset.kubernetes.io/pod-name'],
        ports: [
          { name: 'web', port: 9093 },
          { name: 'mesh-tcp', port: 9094 },
          { name: 'mesh-udp', port: 9094, protocol: 'UDP' },
          { name: 'reloader-web', port: 8080 },
        ],
      },
    ],
    services: [
      {
        name: 'alertmanager-operated',
        selector: { 'app.kubernetes.io/name': 'alertmanager' },
        labels: { 'operated-alertmanager': 'true' },
        headless: true,
        ports: [
          { name: 'web', port: 9093, targetPort: 'web' },
          { name: 'tcp-mesh', port: 9094, targetPort: 9094 },
          { name: 'udp-mesh', port: 9094, targetPort: 9094, protocol: 'UDP' },
        ],
      },
    ],
  },
];
