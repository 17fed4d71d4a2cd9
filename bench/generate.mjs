// Generates a realistic workspace of multi-service apps for benchmarks: per namespace, services
// each made of a Deployment (named ports, env references), a Service, an HPA, a PDB, a
// NetworkPolicy, and one Ingress per namespace. A clean workspace has no diagnostics at all.
//
// Optionally plants faults: realistic mistakes (a selector typo, a container port used as a Service
// port, ...) at deterministic places, each with the diagnostics it must cause, so that a run can
// report recall (every planted fault found) and precision (no other warning or error).
//
// Usage: node bench/generate.mjs DIR RESOURCES [--multi | --single] [--faults[=N]]
// (--multi writes one file per app instead of one file per resource, --single one file of all the
// documents, as install bundles are). Prints the resource count,
// or with --faults a JSON object { resources, faults, expected }.
import * as fs from 'node:fs';
import * as path from 'node:path';

const PER_SERVICE = 5; // Deployment, Service, HPA, PDB, NetworkPolicy
const SERVICES_PER_NAMESPACE = 10;

/**
 * The faults that can be planted, one per rule. `rule` is the diagnostic the fault causes in the
 * app's own manifests, at the line holding `needle` in the document of kind `doc` (occurrence
 * `nth`, 0-based, for a document that appears twice), after `anchor` if given; `predecessor` lists consequences reported
 * on the Deployment of the app whose env refers to this one (apps form a ring: svc-(i-1) -> svc-i).
 */
export const FAULT_KINDS = [
  // The Service selector has a typo: no endpoints.
  { id: 'selector-typo', rule: 'service-selector-orphaned', doc: 'Service', needle: (a) => `app: ${typo(a.name)}` },
  // A named targetPort the containers do not declare.
  {
    id: 'target-port-name-typo',
    rule: 'service-target-port-name-unresolved',
    doc: 'Service',
    needle: () => 'targetPort: htpp',
  },
  // A numeric targetPort off by one.
  { id: 'target-port-number', rule: 'service-target-port-unmatched', doc: 'Service', needle: () => 'targetPort: 8081' },
  // The Ingress names a Service that does not exist.
  {
    id: 'ingress-service-name',
    rule: 'ingress-backend-service-missing',
    doc: 'Ingress',
    anchor: (a) => `path: /${a.name}\n`,
    needle: (a) => `name: ${a.name}-svc`,
  },
  // The Ingress uses the container port instead of the Service port.
  {
    id: 'ingress-container-port',
    rule: 'ingress-backend-port-missing',
    doc: 'Ingress',
    anchor: (a) => `path: /${a.name}\n`,
    needle: () => 'number: 8080',
  },
  // The NetworkPolicy's podSelector has a typo: it protects nothing.
  {
    id: 'policy-selector-typo',
    rule: 'networkpolicy-selector-orphaned',
    doc: 'NetworkPolicy',
    needle: (a) => `app: ${typo(a.name)}`,
  },
  // The NetworkPolicy's peer has a typo: it allows nothing, so the caller is denied.
  {
    id: 'policy-peer-typo',
    rule: 'networkpolicy-peer-selector-orphaned',
    doc: 'NetworkPolicy',
    needle: () => 'tier: backnd',
    predecessor: ['traffic-denied-by-networkpolicy'],
  },
  // The NetworkPolicy allows the metrics port but not the one callers use: reported on the caller
  // only, the policy itself is valid.
  { id: 'policy-wrong-port', rule: null, predecessor: ['traffic-denied-by-networkpolicy'] },
  // The env address names a Service with a typo.
  {
    id: 'reference-name-typo',
    rule: 'service-reference-missing',
    doc: 'Deployment',
    needle: () => 'value: http://svc',
  },
  // The env address uses the container port instead of the Service port.
  {
    id: 'reference-container-port',
    rule: 'service-reference-port-unmatched',
    doc: 'Deployment',
    needle: () => 'value: http://',
  },
  // The Service is pasted twice into its file.
  { id: 'duplicate-service', rule: 'duplicate-resource', doc: 'Service', nth: 1, needle: (a) => `name: ${a.name}` },
  // A NodePort Service asking for port 80 on the nodes.
  { id: 'nodeport-80', rule: 'nodeport-out-of-range', doc: 'Service', needle: () => 'nodePort: 80' },
  // An external IP with an octet over 255.
  { id: 'external-ip', rule: 'invalid-ip-address', doc: 'Service', needle: () => '- 10.0.0.256' },
  // The Deployment's selector asks for a label its template does not have.
  { id: 'deployment-selector', rule: 'workload-selector-mismatch', doc: 'Deployment', needle: () => 'tier: frontend' },
  // A readiness probe on a port name the container does not declare.
  { id: 'probe-port-name', rule: 'probe-port-unresolved', doc: 'Deployment', needle: () => 'port: healthz' },
];

/** svc-3 -> svc_3: one character off, the typo the near-miss hints are written for. */
function typo(name) {
  return name.replace('-', '_');
}

/** The generated workspace's resource count (backward compatible: bench/lsp.mjs relies on it). */
export function generateWorkspace(dir, targetResources, { multiDocument = false, singleFile = false } = {}) {
  return generateFaultyWorkspace(dir, targetResources, { multiDocument, singleFile, faults: 0 }).resources;
}

/**
 * Generates the workspace with `faults` planted faults (FAULT_KINDS in turn; default one of each)
 * and returns { resources, faults: [{ id, namespace, app }], expected: [{ file, rule, line }] },
 * files relative to `dir` with posix separators, lines 1-based.
 */
export function generateFaultyWorkspace(
  dir,
  targetResources,
  { multiDocument = false, singleFile = false, faults = FAULT_KINDS.length } = {},
) {
  // One file of everything: the per-app files, written one after the other into all.yaml.
  if (singleFile) multiDocument = true;
  const single = singleFile ? { parts: [], lines: 0, lineBase: new Map() } : undefined;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });

  // The layout first: namespaces and their service counts. The last namespace may hold fewer
  // services; references point only at services that exist.
  const namespaces = [];
  for (let count = 0, ns = 0; count < targetResources; ns++) {
    const services = Math.min(SERVICES_PER_NAMESPACE, Math.ceil((targetResources - count) / PER_SERVICE));
    namespaces.push({ name: `team-${ns}`, services });
    count += services * PER_SERVICE + 1;
  }

  // Fault slots: only full namespaces, even service indexes, so that the apps around a faulty one
  // (its caller svc-(i-1) and callee svc-(i+1)) are clean and consequences stay predictable.
  // Spread over the namespaces first.
  const full = namespaces.filter((n) => n.services === SERVICES_PER_NAMESPACE);
  const capacity = full.length * (SERVICES_PER_NAMESPACE / 2);
  if (faults > capacity) throw new Error(`at most ${capacity} faults fit in ${targetResources} resources`);
  const planted = new Map(); // "namespace/app" -> fault kind
  const plantedList = [];
  for (let j = 0; j < faults; j++) {
    const round = Math.floor(j / full.length);
    const inRound = Math.min(faults - round * full.length, full.length);
    const nsIndex = Math.floor(((j % full.length) * full.length) / inRound);
    const kind = FAULT_KINDS[j % FAULT_KINDS.length];
    const app = `svc-${(2 * round + 2 * nsIndex) % SERVICES_PER_NAMESPACE}`;
    const namespace = full[nsIndex].name;
    planted.set(`${namespace}/${app}`, kind);
    plantedList.push({ id: kind.id, namespace, app });
  }

  let resources = 0;
  let fileCount = 0;
  const expected = [];
  for (const { name: namespace, services } of namespaces) {
    const nsDir = path.join(dir, namespace);
    if (!single) fs.mkdirSync(nsDir, { recursive: true });
    const appDocs = [];
    for (let s = 0; s < services; s++) {
      const name = `svc-${s}`;
      const next = `svc-${(s + 1) % services}`;
      appDocs.push(appDocuments({ name, next, namespace }, planted.get(`${namespace}/${name}`)?.id));
    }
    const fileOf = (s, kindName) => {
      const name = `svc-${s}`;
      if (multiDocument) return `${namespace}/${name}.yaml`;
      const index = [
        'Deployment',
        'Service',
        'HorizontalPodAutoscaler',
        'PodDisruptionBudget',
        'NetworkPolicy',
      ].indexOf(kindName);
      return `${namespace}/${name}-${index}.yaml`;
    };
    const texts = new Map(); // relative file -> text
    for (let s = 0; s < services; s++) {
      const docs = appDocs[s];
      resources += docs.length;
      if (multiDocument) texts.set(fileOf(s), docs.map((d) => d.text).join('---\n'));
      else {
        // One file per resource; a duplicated document stays in its original's file.
        const byFile = new Map();
        for (const d of docs) byFile.set(fileOf(s, d.kind), [...(byFile.get(fileOf(s, d.kind)) ?? []), d.text]);
        for (const [f, t] of byFile) texts.set(f, t.join('---\n'));
      }
    }
    const ingressFaults = new Map(appDocs.map((_, s) => [`svc-${s}`, planted.get(`${namespace}/svc-${s}`)?.id]));
    texts.set(
      `${namespace}/ingress.yaml`,
      ingressDocument(
        namespace,
        appDocs.map((_, s) => `svc-${s}`),
        ingressFaults,
      ),
    );
    resources++;
    // Like real repositories (about a third of the files in ../shared/corpus have no comment at
    // all), two files in three carry comments, which take the parser's general path.
    for (const [f, t] of texts) {
      if (fileCount++ % 3 !== 0) texts.set(f, withComments(f, t));
    }
    if (single) {
      for (const [f, t] of texts) {
        single.lineBase.set(f, single.lines);
        single.parts.push(t);
        single.lines += t.split('\n').length - 1 + 1; // its lines and the `---` after it
      }
    } else for (const [f, t] of texts) fs.writeFileSync(path.join(dir, f), t);

    // The expected diagnostics, located in the texts just written.
    for (let s = 0; s < services; s++) {
      const app = { name: `svc-${s}`, namespace };
      const kind = planted.get(`${namespace}/${app.name}`);
      if (!kind) continue;
      if (kind.rule) {
        const file = kind.doc === 'Ingress' ? `${namespace}/ingress.yaml` : fileOf(s, kind.doc);
        expected.push({
          file,
          rule: kind.rule,
          line: lineOf(texts.get(file), kind.doc, kind.nth ?? 0, kind.needle(app), kind.anchor?.(app)),
          fault: kind.id,
        });
      }
      for (const rule of kind.predecessor ?? []) {
        const caller = (s + services - 1) % services;
        const file = fileOf(caller, 'Deployment');
        expected.push({ file, rule, line: lineOf(texts.get(file), 'Deployment', 0, 'value: http://'), fault: kind.id });
      }
    }
  }
  if (single) {
    fs.writeFileSync(path.join(dir, SINGLE_FILE), single.parts.join('---\n'));
    for (const e of expected) {
      e.line += single.lineBase.get(e.file);
      e.file = SINGLE_FILE;
    }
  }
  return { resources, faults: plantedList, expected };
}

/** The file of the `singleFile` layout. */
export const SINGLE_FILE = 'all.yaml';

/** A header comment per document and a comment after a value, as people write them. */
function withComments(file, text) {
  return text
    .split('---\n')
    .map(
      (doc) =>
        `# ${file}: owned by the platform team\n${doc.replace(/^(  replicas: \d+)$/m, '$1 # the HPA scales from here')}`,
    )
    .join('---\n');
}

/** The 1-based line of `needle` inside the nth document of `kind` in a (possibly multi-document) text. */
function lineOf(text, kind, nth, needle, anchor) {
  let from = -1;
  for (let i = 0; i <= nth; i++) {
    from = text.indexOf(`\nkind: ${kind}\n`, from + 1);
    if (from < 0) throw new Error(`no ${kind} #${nth} in ${text.slice(0, 80)}`);
  }
  if (anchor !== undefined) from = text.indexOf(anchor, from);
  const at = text.indexOf(needle, from);
  if (at < 0) throw new Error(`'${needle}' not found after ${kind} #${nth}`);
  return text.slice(0, at).split('\n').length;
}

/** The documents of one app: [{ kind, text }], with the planted fault `fault` (an id) if any. */
function appDocuments({ name, next, namespace }, fault) {
  const nextHost = fault === 'reference-name-typo' ? next.replace('-', '') : next;
  const nextPort = fault === 'reference-container-port' ? 8080 : 80;
  const selectorExtra = fault === 'deployment-selector' ? '\n      tier: frontend' : '';
  const probe =
    fault === 'probe-port-name'
      ? `
          readinessProbe:
            httpGet:
              path: /healthz
              port: healthz`
      : '';
  const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: ${name}${selectorExtra}
  template:
    metadata:
      labels:
        app: ${name}
        tier: backend
    spec:
      containers:
        - name: app
          image: registry.example.com/${name}:1.0
          ports:
            - name: http
              containerPort: 8080
            - name: metrics
              containerPort: 9090${probe}
          env:
            - name: NEXT_URL
              value: http://${nextHost}.${namespace}.svc.cluster.local:${nextPort}/api
`;
  const type = fault === 'nodeport-80' ? '\n  type: NodePort' : '';
  const externalIps = fault === 'external-ip' ? '\n  externalIPs:\n    - 10.0.0.256' : '';
  const nodePort = fault === 'nodeport-80' ? '\n      nodePort: 80' : '';
  const targetPort = fault === 'target-port-name-typo' ? 'htpp' : fault === 'target-port-number' ? '8081' : 'http';
  // The off-by-one targetPort comes with a Service of one port: a Service that also reaches the
  // pods on a declared port is (rightly) not judged, the pods may listen on more than they declare.
  const metricsPort =
    fault === 'target-port-number'
      ? ''
      : `
    - name: metrics
      port: 9090
      targetPort: metrics`;
  const service = `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${namespace}
spec:${type}
  selector:
    app: ${fault === 'selector-typo' ? typo(name) : name}
  ports:
    - name: http
      port: 80
      targetPort: ${targetPort}${nodePort}${metricsPort}${externalIps}
`;
  const hpa = `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: ${name}
  minReplicas: 2
  maxReplicas: 6
`;
  const pdb = `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  minAvailable: 1
  selector:
    matchLabels:
      app: ${name}
`;
  const policy = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  podSelector:
    matchLabels:
      app: ${fault === 'policy-selector-typo' ? typo(name) : name}
  ingress:
    - from:
        - podSelector:
            matchLabels:
              tier: ${fault === 'policy-peer-typo' ? 'backnd' : 'backend'}
      ports:
        - port: ${fault === 'policy-wrong-port' ? 'metrics' : 'http'}
`;
  return [
    { kind: 'Deployment', text: deployment },
    { kind: 'Service', text: service },
    ...(fault === 'duplicate-service' ? [{ kind: 'Service', text: service }] : []),
    { kind: 'HorizontalPodAutoscaler', text: hpa },
    { kind: 'PodDisruptionBudget', text: pdb },
    { kind: 'NetworkPolicy', text: policy },
  ];
}

function ingressDocument(namespace, backends, faults) {
  return `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: edge
  namespace: ${namespace}
spec:
  ingressClassName: nginx
  rules:
    - host: ${namespace}.example.com
      http:
        paths:
${backends
  .map(
    (b) => `          - path: /${b}
            pathType: Prefix
            backend:
              service:
                name: ${faults.get(b) === 'ingress-service-name' ? `${b}-svc` : b}
                port:
                  ${faults.get(b) === 'ingress-container-port' ? 'number: 8080' : 'name: http'}
`,
  )
  .join('')}`;
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const [dir, n] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const multiDocument = process.argv.includes('--multi');
  const singleFile = process.argv.includes('--single');
  const faultsArg = process.argv.find((a) => a.startsWith('--faults'));
  if (!faultsArg) console.log(generateWorkspace(dir, Number(n ?? 1000), { multiDocument, singleFile }));
  else {
    const faults = faultsArg.includes('=') ? Number(faultsArg.split('=')[1]) : FAULT_KINDS.length;
    console.log(
      JSON.stringify(generateFaultyWorkspace(dir, Number(n ?? 1000), { multiDocument, singleFile, faults }), null, 2),
    );
  }
}
