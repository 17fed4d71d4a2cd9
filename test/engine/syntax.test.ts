// The located tree's observable shape: node types, spans, values and texts as written, pairs with
// their keys, aliases, and the factories that build the same nodes (for code that builds trees
// without parsing, such as a cache).
import { test, describe } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  mapNode,
  pairOf,
  parseYaml,
  scalarNode,
  seqNode,
  type YMap,
  type YNode,
  type YScalar,
} from '../../server/src/engine/syntax';
import {
  contentSpan,
  get,
  getPath,
  keyText,
  keyValue,
  pair,
  seqItems,
  stringEntries,
  toPlain,
} from '../../server/src/engine/tree';

const TEXT = `apiVersion: v1
kind: Service
metadata:
  name: web
  labels: {app: web, "tier": front}
spec:
  ports:
    - port: 80
      targetPort: 1.0
      enabled: yes
      on: true
      nothing: ~
  empty:
`;

const at = (text: string, span: { start: number; end: number }) => text.slice(span.start, span.end);

describe('located tree', () => {
  const root = parseYaml(TEXT).documents[0].contents as YMap;

  test('nodes carry their type, span, value and text as written', () => {
    assert.equal(root.type, 'map');
    const port = getPath(root, 'spec', 'ports') as YNode;
    assert.equal(port.type, 'seq');
    const item = seqItems(port)[0];
    const target = get(item, 'targetPort') as YScalar;
    assert.deepEqual([target.type, target.value, target.text, at(TEXT, target.span)], ['scalar', 1, '1.0', '1.0']);
    const enabled = get(item, 'enabled') as YScalar;
    assert.deepEqual([enabled.value, enabled.text], ['yes', 'yes']);
    const on = get(item, 'on') as YScalar;
    assert.deepEqual([on.value, on.text], [true, 'true']);
    const nothing = get(item, 'nothing') as YScalar;
    assert.deepEqual([nothing.value, nothing.text], [null, '~']);
    const empty = pair(asMapOf(getPath(root, 'spec')), 'empty')?.value as YScalar;
    assert.deepEqual(
      [empty.type, empty.value, empty.text, empty.span.start, empty.span.end],
      ['scalar', null, '', TEXT.length - 1, TEXT.length - 1],
    );
    const name = getPath(root, 'metadata', 'name') as YScalar;
    assert.equal(at(TEXT, name.span), 'web');
    // A span is a plain { start, end } object.
    assert.deepEqual(Object.keys(name.span), ['start', 'end']);
  });

  test('pairs expose their key node, value and text', () => {
    const labels = pair(asMapOf(get(root, 'metadata')), 'labels')!;
    assert.equal(at(TEXT, labels.key.span), 'labels');
    assert.deepEqual(
      [labels.key.type, labels.key.value, labels.key.text, keyValue(labels), keyText(labels)],
      ['scalar', 'labels', 'labels', 'labels', 'labels'],
    );
    const entries = stringEntries(labels.value);
    assert.deepEqual(
      entries.map((e) => [e.key, e.value, at(TEXT, e.keySpan), at(TEXT, e.valueSpan)]),
      [
        ['app', 'web', 'app', 'web'],
        ['tier', 'front', '"tier"', 'front'],
      ],
    );
    assert.deepEqual(toPlain(labels.value), { app: 'web', tier: 'front' });
    const metadata = asMapOf(get(root, 'metadata'));
    assert.equal(at(TEXT, contentSpan(metadata)), 'name: web\n  labels: {app: web, "tier": front}');
  });

  test('a repeated key keeps its first position and takes the last value', () => {
    const parsed = parseYaml('a: 1\nb: 2\na: 3\n');
    assert.deepEqual(
      parsed.problems.map((p) => p.rule),
      ['yaml-duplicate-key'],
    );
    const map = parsed.documents[0].contents;
    assert.deepEqual(
      stringEntries(map).map((e) => [e.key, e.value]),
      [
        ['a', '3'],
        ['b', '2'],
      ],
    );
    assert.equal((get(map, 'a') as YScalar).value, 3);
  });

  test('aliases read as their anchored node, converted once for all aliases', () => {
    const map = parseYaml('base: &b {x: 1}\ncopy: *b\nagain: *b\n').documents[0].contents;
    assert.equal(get(map, 'copy'), get(map, 'again'));
    assert.deepEqual(toPlain(map), { base: { x: 1 }, copy: { x: 1 }, again: { x: 1 } });
  });

  test('the factories build nodes that read like parsed ones', () => {
    const text = 'kind: Service\nport: 80\n';
    const parsed = parseYaml(text).documents[0].contents as YMap;
    const built = mapNode(0, text.length, [
      pairOf(scalarNode(0, 4, 'kind', 'kind'), scalarNode(6, 13, 'Service', 'Service')),
      pairOf(scalarNode(14, 18, 'port', 'port'), seqNode(20, 22, [scalarNode(20, 22, 80, '80'), null])),
    ]);
    assert.equal(built.type, 'map');
    assert.deepEqual(built.span, parsed.span);
    assert.deepEqual(
      built.pairs.map((p) => [p.key.type, p.key.value, p.key.text, p.key.span]),
      parsed.pairs.map((p) => [p.key.type, p.key.value, p.key.text, p.key.span]),
    );
    assert.deepEqual(get(built, 'kind'), get(parsed, 'kind'));
    const seq = get(built, 'port')!;
    assert.equal(seq.type, 'seq');
    assert.deepEqual(
      seqItems(seq).map((n) => [n.type, (n as YScalar).value, (n as YScalar).text, n.span]),
      [['scalar', 80, '80', { start: 20, end: 22 }]],
    );
    assert.deepEqual(toPlain(built), { kind: 'Service', port: [80, null] });
  });
});

function asMapOf(node: YNode | undefined): YMap {
  assert.ok(node && node.type === 'map');
  return node;
}

test('merge keys copy in the pairs of the maps their aliases name, as kubectl reads them', () => {
  // sigs.k8s.io/yaml (go-yaml) applies YAML 1.1 merge keys: keys written in the map win, and of
  // several merged maps the first that has a key gives it.
  const text = [
    'base: &base {app: web, tier: front}',
    'extra: &extra {tier: back, zone: a}',
    'one:',
    '  <<: *base',
    '  release: v1',
    'two:',
    '  tier: edge',
    '  <<: [*base, *extra]',
    'three:',
    '  <<: {app: inline}',
  ].join('\n');
  const doc = parseYaml(text).documents[0].contents;
  assert.deepEqual(toPlain(get(doc, 'one')), { release: 'v1', app: 'web', tier: 'front' });
  assert.deepEqual(toPlain(get(doc, 'two')), { tier: 'edge', app: 'web', zone: 'a' });
  // Without an alias it is a plain key, as the fast paths read it (they decline aliases only).
  assert.deepEqual(toPlain(get(doc, 'three')), { '<<': { app: 'inline' } });
});
