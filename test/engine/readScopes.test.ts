// The read scopes of the graph's questions (graph/readScopes.ts), taken from their typed table: each
// entry matches a member of a real graph, and a tracked graph logs what each question read while
// answering as the graph does.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { analyze, DEFAULT_CONFIG } from '../../server/src/engine';
import { FACTS, READ_SCOPES, sameAnswer, trackReads, type ReadLog } from '../../server/src/engine/graph';

const YAML = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: a}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: a}
spec: {selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: b}
spec: {selector: {app: db}, ports: [{port: 5432}]}
`;

const graph = analyze({ files: [{ path: 'app.yaml', text: YAML }], config: DEFAULT_CONFIG }).graph;

test('every entry of the scope table is a member of the graph, of the shape its scope says', () => {
  const names = Object.keys(READ_SCOPES) as (keyof typeof READ_SCOPES)[];
  assert.ok(names.length > 40);
  for (const name of names) {
    const scope = READ_SCOPES[name];
    const member: unknown = graph[name];
    assert.notEqual(member, undefined, name);
    if (typeof scope === 'function') assert.equal(typeof member, 'function', `${name} is a question`);
    if (scope === 'fact') assert.equal(typeof member, 'boolean', `${name} is a yes/no fact`);
    if (scope === 'namespaceSet') assert.ok(member instanceof Set, `${name} is the set of namespaces`);
    if (scope === 'answer') assert.equal(typeof member, 'function', `${name} is a question`);
  }
  assert.deepEqual([...FACTS].sort(), ['hasAttachmentDefinitions', 'hasCniPolicies', 'hasGateways']);
});

test('a tracked graph logs the scope of each question and answers as the graph does', () => {
  const log: string[] = [];
  let logging = true;
  const sink: ReadLog = {
    namespaces: (read) => log.push(`ns:${read.join(',')}`),
    everything: () => log.push('everything'),
    fact: (name, answer) => log.push(`fact:${name}=${answer}`),
    answer: (read) => log.push(`answer:${read.name}=${(read.value as unknown[]).length}`),
  };
  const tracked = trackReads(graph, () => (logging ? sink : undefined));
  const web = graph.services.find((s) => s.resource.name === 'web')!;

  assert.deepEqual(tracked.servicesIn('b'), graph.servicesIn('b'));
  assert.equal(tracked.servicesIn('b').length, 1);
  assert.deepEqual(tracked.workloadsSelectedBy(web), graph.workloadsSelectedBy(web));
  assert.equal(tracked.workloadsSelectedBy(web).length, 1);
  assert.equal(tracked.hasGateways, false);
  assert.equal(tracked.services.length, 2);
  assert.ok(tracked.namespaces.has('a'));
  assert.equal(tracked.instancesIn('namespace', 'a').length, graph.instancesIn('namespace', 'a').length);
  assert.ok(tracked.instancesIn('directory', '').length + graph.instancesIn('namespace', 'a').length > 0);
  // The set of namespaces is not logged: the Analyzer runs every rule again when it changes.
  assert.deepEqual(tracked.ingressControllers(['a']), graph.ingressControllers(['a']));
  assert.deepEqual(log, [
    'ns:b',
    'ns:b',
    'ns:a',
    'ns:a',
    'fact:hasGateways=false',
    'everything',
    'ns:a',
    'everything',
    'answer:ingressControllers=1',
  ]);

  log.length = 0;
  logging = false;
  assert.equal(tracked.servicesIn('a').length, 1);
  assert.deepEqual(log, [], 'nothing is logged without a current log');
  assert.ok(tracked instanceof graph.constructor, 'the tracked graph is still a TrafficGraph');
});

test('a question of scope answer keeps its answer while no controller changed', () => {
  const controllers = graph.ingressControllers(['a']);
  assert.equal(graph.ingressControllers(['a']), controllers, 'the same object, asked again');
  assert.ok(sameAnswer(graph, { name: 'ingressControllers', args: [['a']], value: controllers }));
  assert.ok(!sameAnswer(graph, { name: 'ingressControllers', args: [['a']], value: [...controllers] }));
});
