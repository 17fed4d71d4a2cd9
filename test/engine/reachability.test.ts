// NetworkPolicy reachability: agrees with netpol-analyzer's expected connectivity for the
// acs-security-demos corpus entry, and with a brute-force reading of the policy semantics on random
// small policy sets (fast-check). The first test skips when the corpus is absent (test/support/corpus.ts).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { analyze, DEFAULT_CONFIG } from '../../server/src/engine';
import { decide } from '../../server/src/engine/reachability';
import { corpusDir, needsCorpus } from '../support/corpus';
import { manifestFiles } from '../support/fixtures';

test(
  'matches the expected connectivity of acs-security-demos (netpol-analyzer connlist) on TCP 8080',
  needsCorpus,
  () => {
    const ACS = corpusDir('acs-security-demos');
    const files = manifestFiles(ACS)
      .filter((f) => !f.endsWith('.json'))
      .map((f) => ({ path: path.relative(ACS, f), text: fs.readFileSync(f, 'utf8') }));
    const a = analyze({ files, config: DEFAULT_CONFIG });
    const expected = new Set(
      (
        JSON.parse(fs.readFileSync(path.join(ACS, 'connlist_output.json'), 'utf8')) as {
          src: string;
          dst: string;
          conn: string;
        }[]
      )
        .filter(
          (c) =>
            c.src.endsWith('[Deployment]') &&
            c.dst.endsWith('[Deployment]') &&
            (c.conn.includes('TCP 8080') || c.conn === 'All Connections'),
        )
        .map((c) => `${c.src.replace('[Deployment]', '')} -> ${c.dst.replace('[Deployment]', '')}`),
    );
    const deployments = a.graph.workloads.filter((w) => w.resource.kind === 'Deployment');
    assert.equal(deployments.length, 11);
    const actual = new Set<string>();
    for (const from of deployments) {
      for (const to of deployments) {
        if (from === to) continue;
        if (decide(a.graph, { from, to, port: 8080, protocol: 'TCP' }).allowed)
          actual.add(
            `${from.template.namespace}/${from.resource.name} -> ${to.template.namespace}/${to.resource.name}`,
          );
      }
    }
    assert.ok(expected.size > 5);
    assert.deepEqual([...actual].sort(), [...expected].sort());
  },
);

// ---- brute force: the semantics read directly from the plain objects ----
type Labels = Record<string, string>;
interface Pod {
  ns: string;
  name: string;
  labels: Labels;
  ports: { name: string; port: number }[];
}
interface Peer {
  podSelector?: Labels;
  namespaceSelector?: Labels;
}
interface Rule {
  peers?: Peer[];
  ports?: (number | string)[];
}
interface Policy {
  ns: string;
  podSelector: Labels;
  types: ('Ingress' | 'Egress')[];
  ingress: Rule[];
  egress: Rule[];
}
const NS_LABELS: Record<string, Labels> = { a: { team: 'x' }, b: { team: 'y' } };
const matches = (sel: Labels, labels: Labels) => Object.entries(sel).every(([k, v]) => labels[k] === v);

function bruteAllowed(policies: Policy[], src: Pod, dst: Pod, port: number): boolean {
  const side = (subject: Pod, other: Pod, type: 'Ingress' | 'Egress') => {
    const selecting = policies.filter(
      (p) => p.ns === subject.ns && matches(p.podSelector, subject.labels) && p.types.includes(type),
    );
    if (selecting.length === 0) return true;
    return selecting.some((p) =>
      (type === 'Ingress' ? p.ingress : p.egress).some((r) => {
        const peerOk =
          !r.peers ||
          r.peers.length === 0 ||
          r.peers.some((peer) => {
            const nsOk = peer.namespaceSelector
              ? matches(peer.namespaceSelector, { ...NS_LABELS[other.ns], 'kubernetes.io/metadata.name': other.ns })
              : other.ns === p.ns;
            return nsOk && (!peer.podSelector || matches(peer.podSelector, other.labels));
          });
        const portOk =
          !r.ports ||
          r.ports.length === 0 ||
          r.ports.some((pp) =>
            typeof pp === 'number' ? pp === port : dst.ports.some((cp) => cp.name === pp && cp.port === port),
          );
        return peerOk && portOk;
      }),
    );
  };
  return side(src, dst, 'Egress') && side(dst, src, 'Ingress');
}

const labelsArb = fc.record({ app: fc.constantFrom('x', 'y'), role: fc.constantFrom('r', 's') }, { requiredKeys: [] });
const peerArb = fc.record(
  {
    podSelector: labelsArb,
    namespaceSelector: fc.constantFrom<Labels>(
      { team: 'x' },
      { team: 'y' },
      {},
      { 'kubernetes.io/metadata.name': 'b' },
    ),
  },
  { requiredKeys: [] },
);
const ruleArb = fc.record(
  {
    peers: fc.array(peerArb, { maxLength: 2 }),
    ports: fc.array(fc.constantFrom<number | string>(80, 443, 'http'), { maxLength: 2 }),
  },
  { requiredKeys: [] },
);
const policyArb = fc.record({
  ns: fc.constantFrom('a', 'b'),
  podSelector: labelsArb,
  types: fc.subarray(['Ingress', 'Egress'] as ('Ingress' | 'Egress')[], { minLength: 1 }),
  ingress: fc.array(ruleArb, { maxLength: 2 }),
  egress: fc.array(ruleArb, { maxLength: 2 }),
});

function toYaml(pods: Pod[], policies: Policy[]): string {
  const docs: unknown[] = [
    ...Object.entries(NS_LABELS).map(([name, labels]) => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, labels },
    })),
    ...pods.map((p) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: p.name, namespace: p.ns, labels: p.labels },
      spec: {
        containers: [
          { name: 'c', image: 'i', ports: p.ports.map((cp) => ({ name: cp.name, containerPort: cp.port })) },
        ],
      },
    })),
    ...policies.map((p, i) => ({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: `p${i}`, namespace: p.ns },
      spec: {
        podSelector: { matchLabels: p.podSelector },
        policyTypes: p.types,
        ingress: p.ingress.map((r) => ({
          ...(r.peers
            ? {
                from: r.peers
                  .map((x) => ({
                    ...(x.podSelector ? { podSelector: { matchLabels: x.podSelector } } : {}),
                    ...(x.namespaceSelector ? { namespaceSelector: { matchLabels: x.namespaceSelector } } : {}),
                  }))
                  .filter((x) => Object.keys(x).length),
              }
            : {}),
          ...(r.ports ? { ports: r.ports.map((port) => ({ port })) } : {}),
        })),
        egress: p.egress.map((r) => ({
          ...(r.peers
            ? {
                to: r.peers
                  .map((x) => ({
                    ...(x.podSelector ? { podSelector: { matchLabels: x.podSelector } } : {}),
                    ...(x.namespaceSelector ? { namespaceSelector: { matchLabels: x.namespaceSelector } } : {}),
                  }))
                  .filter((x) => Object.keys(x).length),
              }
            : {}),
          ...(r.ports ? { ports: r.ports.map((port) => ({ port })) } : {}),
        })),
      },
    })),
  ];
  return docs.map((d) => JSON.stringify(d)).join('\n---\n');
}

test('agrees with a brute-force evaluation on random policy sets', () => {
  const pods: Pod[] = [
    { ns: 'a', name: 'p1', labels: { app: 'x', role: 'r' }, ports: [{ name: 'http', port: 80 }] },
    { ns: 'a', name: 'p2', labels: { app: 'y', role: 's' }, ports: [{ name: 'http', port: 443 }] },
    { ns: 'b', name: 'p3', labels: { app: 'x', role: 's' }, ports: [{ name: 'web', port: 80 }] },
  ];
  fc.assert(
    fc.property(fc.array(policyArb, { maxLength: 4 }), (raw) => {
      // Peers written as an empty object are dropped from the manifest; mirror that in the model.
      const policies = raw.map((p) => ({
        ...p,
        ingress: p.ingress.map((r) => ({ ...r, peers: r.peers?.filter((x) => x.podSelector || x.namespaceSelector) })),
        egress: p.egress.map((r) => ({ ...r, peers: r.peers?.filter((x) => x.podSelector || x.namespaceSelector) })),
      }));
      const a = analyze({ files: [{ path: 'w.yaml', text: toYaml(pods, policies) }], config: DEFAULT_CONFIG });
      const workloads = new Map(a.graph.workloads.map((w) => [w.resource.name, w]));
      for (const src of pods) {
        for (const dst of pods) {
          if (src === dst) continue;
          for (const port of [80, 443]) {
            if (!dst.ports.some((p) => p.port === port)) continue;
            const engine = decide(a.graph, {
              from: workloads.get(src.name)!,
              to: workloads.get(dst.name)!,
              port,
              protocol: 'TCP',
            }).allowed;
            assert.equal(
              engine,
              bruteAllowed(policies, src, dst, port),
              `${src.name} -> ${dst.name}:${port} with ${JSON.stringify(policies)}`,
            );
          }
        }
      }
    }),
    { numRuns: 300, seed: 20261124 },
  );
});
