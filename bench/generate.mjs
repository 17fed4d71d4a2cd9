// Generates a realistic workspace of multi-service apps for benchmarks: per namespace, services
// each made of a Deployment (named ports, env references), a Service, an HPA, a PDB, a
// NetworkPolicy, and one Ingress per namespace. Usage: node bench/generate.mjs DIR RESOURCES [--multi]
// (--multi writes one file per app instead of one file per resource). Prints the resource count.
import * as fs from 'node:fs';
import * as path from 'node:path';

export function generateWorkspace(dir, targetResources, { multiDocument = false } = {}) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const perService = 5; // Deployment, Service, HPA, PDB, NetworkPolicy
  const servicesPerNamespace = 10;
  let count = 0;
  let ns = 0;
  while (count < targetResources) {
    const namespace = `team-${ns++}`;
    const nsDir = path.join(dir, namespace);
    fs.mkdirSync(nsDir, { recursive: true });
    const backends = [];
    // The last namespace may hold fewer services; references point only at services that exist.
    const services = Math.min(servicesPerNamespace, Math.ceil((targetResources - count) / perService));
    for (let s = 0; s < services; s++) {
      const name = `svc-${s}`;
      const next = `svc-${(s + 1) % services}`;
      const docs = [
        `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: ${name}
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
              containerPort: 9090
          env:
            - name: NEXT_URL
              value: http://${next}.${namespace}.svc.cluster.local:80/api
`,
        `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  selector:
    app: ${name}
  ports:
    - name: http
      port: 80
      targetPort: http
    - name: metrics
      port: 9090
      targetPort: metrics
`,
        `apiVersion: autoscaling/v2
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
`,
        `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  minAvailable: 1
  selector:
    matchLabels:
      app: ${name}
`,
        `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  podSelector:
    matchLabels:
      app: ${name}
  ingress:
    - from:
        - podSelector:
            matchLabels:
              tier: backend
      ports:
        - port: http
`,
      ];
      backends.push(name);
      if (multiDocument) fs.writeFileSync(path.join(nsDir, `${name}.yaml`), docs.join('---\n'));
      else docs.forEach((d, i) => fs.writeFileSync(path.join(nsDir, `${name}-${i}.yaml`), d));
      count += perService;
    }
    fs.writeFileSync(
      path.join(nsDir, 'ingress.yaml'),
      `apiVersion: networking.k8s.io/v1
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
${backends.map((b) => `          - path: /${b}
            pathType: Prefix
            backend:
              service:
                name: ${b}
                port:
                  name: http
`).join('')}`,
    );
    count++;
  }
  return count;
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const [dir, n] = process.argv.slice(2);
  console.log(generateWorkspace(dir, Number(n ?? 1000), { multiDocument: process.argv.includes('--multi') }));
}
