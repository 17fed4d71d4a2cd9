// Label selector semantics as the API machinery evaluates them (k8s.io/apimachinery/pkg/labels),
// including labels that controllers add to pods at run time.
import { test, describe } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseYaml } from '../../server/src/engine/syntax';
import { INDEX_FROM, LabelIndex } from '../../server/src/engine/labelIndex';
import type { Workload } from '../../server/src/engine/model/workload';
import {
  readEqualitySelector,
  readLabelSelector,
  selectorMayMatch,
  termMayMatch,
  selectorMatchesLabels,
  formatSelector,
  type PodLabels,
} from '../../server/src/engine/selectors';

const node = (yaml: string) => parseYaml(yaml).documents[0].contents;
const labelSelector = (yaml: string) => {
  const s = readLabelSelector(node(yaml));
  assert.ok(s);
  return s;
};
const pod = (declared: Record<string, string>, runtime: [string, (v: string) => boolean][] = []): PodLabels => ({
  declared,
  runtime: new Map(runtime),
});

describe('LabelSelector', () => {
  test('matchLabels requires every pair', () => {
    const s = labelSelector('matchLabels: {app: web, tier: frontend}');
    assert.equal(selectorMatchesLabels(s, { app: 'web', tier: 'frontend', extra: 'x' }), true);
    assert.equal(selectorMatchesLabels(s, { app: 'web' }), false);
    assert.equal(selectorMatchesLabels(s, { app: 'web', tier: 'backend' }), false);
  });

  test('In, NotIn, Exists, DoesNotExist', () => {
    const s = labelSelector(`matchExpressions:
  - {key: env, operator: In, values: [prod, staging]}
  - {key: track, operator: NotIn, values: [canary]}
  - {key: app, operator: Exists}
  - {key: legacy, operator: DoesNotExist}`);
    assert.equal(selectorMatchesLabels(s, { env: 'prod', app: 'x' }), true, 'NotIn is satisfied by an absent key');
    assert.equal(selectorMatchesLabels(s, { env: 'staging', app: 'x', track: 'stable' }), true);
    assert.equal(selectorMatchesLabels(s, { env: 'dev', app: 'x' }), false, 'In');
    assert.equal(selectorMatchesLabels(s, { env: 'prod', app: 'x', track: 'canary' }), false, 'NotIn');
    assert.equal(selectorMatchesLabels(s, { env: 'prod' }), false, 'Exists');
    assert.equal(selectorMatchesLabels(s, { env: 'prod', app: 'x', legacy: '' }), false, 'DoesNotExist');
  });

  test('matchLabels and matchExpressions are ANDed', () => {
    const s = labelSelector('matchLabels: {app: web}\nmatchExpressions: [{key: env, operator: In, values: [prod]}]');
    assert.equal(selectorMatchesLabels(s, { app: 'web', env: 'prod' }), true);
    assert.equal(selectorMatchesLabels(s, { app: 'web', env: 'dev' }), false);
    assert.equal(selectorMatchesLabels(s, { app: 'api', env: 'prod' }), false);
  });

  test('an empty selector selects everything; an absent one is not a selector', () => {
    assert.equal(selectorMatchesLabels(labelSelector('{}'), {}), true);
    assert.equal(readLabelSelector(undefined), undefined);
    assert.equal(formatSelector(labelSelector('{}')), '{} (everything)');
  });

  test('unknown operators and In without values make the selector invalid', () => {
    assert.equal(labelSelector('matchExpressions: [{key: a, operator: Matches, values: [x]}]').invalid, true);
    assert.equal(labelSelector('matchExpressions: [{key: a, operator: In, values: []}]').invalid, true);
    assert.equal(labelSelector('matchExpressions: [{key: a, operator: Exists}]').invalid, false);
  });

  test('numbers and booleans in values are read as written', () => {
    const s = labelSelector('matchLabels: {version: 1.10, enabled: true}');
    assert.equal(selectorMatchesLabels(s, { version: '1.10', enabled: 'true' }), true);
  });
});

describe('equality selectors (Service, ReplicationController)', () => {
  test('an empty or absent map is no selector', () => {
    assert.equal(readEqualitySelector(node('{}')), undefined);
    assert.equal(readEqualitySelector(undefined), undefined);
  });
  test('every pair must match', () => {
    const s = readEqualitySelector(node('app: web\ntier: frontend'));
    assert.ok(s);
    assert.equal(selectorMatchesLabels(s, { app: 'web', tier: 'frontend' }), true);
    assert.equal(selectorMatchesLabels(s, { app: 'web' }), false);
    assert.equal(formatSelector(s), 'app=web, tier=frontend');
  });
});

describe('run-time labels', () => {
  const statefulSetPod = pod({ app: 'db' }, [
    ['statefulset.kubernetes.io/pod-name', (v) => /^db-\d+$/.test(v)],
    ['controller-revision-hash', () => true],
  ]);
  test('a value the controller can give matches; others do not', () => {
    const s = (v: string) => readEqualitySelector(node(`app: db\nstatefulset.kubernetes.io/pod-name: ${v}`))!;
    assert.equal(selectorMayMatch(s('db-0'), statefulSetPod), true);
    assert.equal(selectorMayMatch(s('db-12'), statefulSetPod), true);
    assert.equal(selectorMayMatch(s('cache-0'), statefulSetPod), false);
  });
  test('Exists is satisfied by a run-time key; DoesNotExist is not', () => {
    assert.equal(
      selectorMayMatch(
        labelSelector('matchExpressions: [{key: controller-revision-hash, operator: Exists}]'),
        statefulSetPod,
      ),
      true,
    );
    assert.equal(
      selectorMayMatch(
        labelSelector('matchExpressions: [{key: controller-revision-hash, operator: DoesNotExist}]'),
        statefulSetPod,
      ),
      false,
    );
  });
  test('declared labels win over run-time predicates', () => {
    assert.equal(
      selectorMayMatch(readEqualitySelector(node('app: web'))!, pod({ app: 'db' }, [['app', () => true]])),
      false,
    );
  });
});

test('alternatives: another value some pods carry instead of the declared one', () => {
  const pod = { declared: { app: 'web' }, runtime: new Map(), alternatives: new Map([['app', new Set(['preview'])]]) };
  const term = (operator: 'Equals' | 'In' | 'NotIn', values: string[]) => ({
    key: 'app',
    operator,
    values,
    span: { start: 0, end: 0 },
    valueSpan: undefined,
  });
  assert.equal(termMayMatch(term('Equals', ['preview']), pod), true);
  assert.equal(termMayMatch(term('Equals', ['web']), pod), true);
  assert.equal(termMayMatch(term('Equals', ['other']), pod), false);
  assert.equal(termMayMatch(term('NotIn', ['web']), pod), true, 'the preview pods are not web');
  assert.equal(termMayMatch(term('NotIn', ['web', 'preview']), pod), false);
});

test('the label index finds a template by an alternative value (namespaces of many templates)', () => {
  const workload = (i: number, alternatives?: Map<string, Set<string>>) =>
    ({
      template: {
        labels: { declared: { app: `app-${i}` }, runtime: new Map(), ...(alternatives ? { alternatives } : {}) },
      },
    }) as unknown as Workload;
  const all = [
    ...Array.from({ length: INDEX_FROM }, (_, i) => workload(i)),
    workload(99, new Map([['app', new Set(['preview'])]])),
  ];
  const index = new LabelIndex(all);
  const selector = readEqualitySelector(node('app: preview'));
  assert.ok(selector);
  assert.deepEqual(index.candidates(selector), [all[INDEX_FROM]]);
});

test('owned prefixes: a key under them may be there with any value, or not', () => {
  const pod: PodLabels = { declared: { app: 'es' }, runtime: new Map(), ownedPrefixes: ['es.example.com/'] };
  const term = (key: string, operator: 'Equals' | 'Exists' | 'DoesNotExist', values: string[] = []) => ({
    key,
    operator,
    values,
    span: { start: 0, end: 0 },
    valueSpan: undefined,
  });
  assert.equal(termMayMatch(term('es.example.com/node-ingest', 'Equals', ['true']), pod), true);
  assert.equal(termMayMatch(term('es.example.com/node-ingest', 'Exists'), pod), true);
  assert.equal(termMayMatch(term('es.example.com/node-ingest', 'DoesNotExist'), pod), true);
  assert.equal(termMayMatch(term('role', 'Equals', ['ingest']), pod), false);
  assert.equal(termMayMatch(term('app', 'Equals', ['web']), pod), false, 'a declared key keeps its value');
});

test('the label index offers templates whose operator owns a prefix of the key', () => {
  const workload = (i: number, ownedPrefixes?: string[]) =>
    ({
      template: {
        labels: { declared: { app: `app-${i}` }, runtime: new Map(), ...(ownedPrefixes ? { ownedPrefixes } : {}) },
      },
    }) as unknown as Workload;
  const all = [...Array.from({ length: INDEX_FROM }, (_, i) => workload(i)), workload(99, ['es.example.com/'])];
  const index = new LabelIndex(all);
  const selector = readEqualitySelector(node('es.example.com/node-ingest: "true"'));
  assert.ok(selector);
  assert.deepEqual(index.candidates(selector), [all[INDEX_FROM]]);
});
