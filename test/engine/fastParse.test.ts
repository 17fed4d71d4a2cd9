// The fast path (a tree built straight from the `yaml` CST, fastParse.ts) against the reference path
// (the `yaml` composer's Document, converted): wherever the fast path gives a result, it deep-equals
// the reference one (documents, spans, values, texts, problems, node classes). Over every YAML file
// of the shared corpus, the fixtures and the examples, generated workspaces (both layouts, with
// planted faults), hand-written edge cases, and fast-check mutations of all of those. Without the
// corpus (test/support/corpus.ts) its own test skips and the mutations start from the local texts.
import { test, describe, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import {
  parseYaml,
  parseYamlComposed,
  parseYamlDirect,
  parseYamlFast,
  type ParsedFile,
} from '../../server/src/engine/syntax';
import { REPO_ROOT } from '../support/cli';
import { CORPUS_DIR, corpusDir, needsCorpus } from '../support/corpus';
import { yamlFiles } from '../support/yamlFiles';

const read = (files: string[]) =>
  files.map((f) => ({ path: path.relative(REPO_ROOT, f), text: fs.readFileSync(f, 'utf8') }));
/** Empty when the corpus is absent. */
const CORPUS = read(yamlFiles(CORPUS_DIR));
const LOCAL = read([
  ...yamlFiles(path.join(REPO_ROOT, 'test/fixtures')),
  ...yamlFiles(path.join(REPO_ROOT, 'examples')),
]);

let directAccepted = 0;

/**
 * Compares the fast paths (the CST one, parseYamlFast, and the line-by-line one, parseYamlDirect)
 * with the composer path on one text; returns whether the CST path accepted it. The direct path
 * accepts a subset of what the CST path accepts.
 */
function agree(text: string, label: string): boolean {
  let fast: ParsedFile | undefined;
  let direct: ParsedFile | undefined;
  assert.doesNotThrow(() => (fast = parseYamlFast(text)), label);
  assert.doesNotThrow(() => (direct = parseYamlDirect(text)), label);
  if (!fast && !direct) return false;
  const reference = parseYamlComposed(text);
  if (direct) {
    directAccepted++;
    assert.deepStrictEqual(direct, reference, `direct: ${label}`);
    assert.ok(fast, `the CST path declines what the direct path accepts: ${label}`);
  }
  if (!fast) return false;
  assert.deepStrictEqual(fast, reference, label);
  assert.ok(
    fast.problems.every((p) => p.rule === 'yaml-duplicate-key'),
    label,
  );
  return true;
}

const EDGE_CASES = [
  '',
  '\n',
  '# only a comment\n',
  '---\n',
  '---\n---\n',
  '...\n',
  'a: 1\n...\n',
  'a: 1\n... # end\n---\nb: 2\n',
  '--- # doc\na: 1\n',
  '---\n# c\n',
  'plain root\n',
  '"quoted root"\n',
  '|\n  block root\n',
  '- a\n- b\n',
  '---\n- a\n',
  '--- - a\n',
  'a:\n- b\n- c\nd: e\n',
  'a: # comment\nb:\n  # c\n',
  'a:\n  b: 1\n# c\n  # d\nz: 2\n',
  'a:\n  - \n  - # c\n  -\n',
  'n: [null, Null, NULL, ~, nul, nulls, "null"]\n',
  'b: [true, True, TRUE, false, False, FALSE, tRue, yes, no, on, off, y]\n',
  'i: [0, -0, +1, 007, 0o17, 0o8, 0x1F, 0xg, 0X1F, 12345678901234567890]\n',
  'f: [1., .5, -1.5, +.5, 1e3, 1E-3, .1e+2, 1.e3, .inf, -.Inf, +.INF, .nan, .NaN, .NAN, .Nan, 1_000, 1:30]\n',
  'k:\n  1: a\n  "1": b\n  true: c\n  ~: d\n  .nan: e\n  .NaN: f\n',
  'dup: 1\ndup: 2\n',
  'a:\n  x: 1\n  y: 2\n  x: 3\nb: 1\na: 2\n---\nc: 1\nc: 2\n',
  '1: a\n"1": b\n0x1: c\n+1: d\n.nan: e\n.nan: f\n~: g\nnull: h\n"a:b": i\n"a:b": j\n',
  Array.from({ length: 40 }, (_, i) => `k${i % 25}: ${i}\n`).join(''),
  Array.from({ length: 20 }, (_, i) => `k${i}: ${i}\n`).join('') + '.nan: 1\n.NaN: 2\nk3: again\n',
  'dup: 1\ndup: 2\nbad: [\n',
  'm: {a: 1, b: 2, a: 3}\n# the CST path\nm: 2\n',
  'metadata: {name: d}\nspec: {selector: {app: x}, ports: [{port: 80, targetPort: http}]}\n',
  'c:\n  - {name: c, image: "i:1"}\n  - [[1, 2], [], {}]\n',
  "m: {\"a\": 1, 'b': 'x''y', c: \"q\"}\n",
  'm: { a: 1 , b: [ 2 , 3 ] }  # c\nn: {a: b c, d: e}\n',
  'm: {a: {b: {c: d}}, e: [{f: g}, {h: [i]}]}\n',
  'm: {1: a, 0x1: b, true: x, ~: y, null: z}\n',
  'm: {a: -1, b: -x, c: .5, d: .nan}\n',
  '{a: 1}\n',
  'm: {a:1}\n',
  'm: {a: }\n',
  'm: {a}\n',
  'm: {a: 1,}\n',
  'm: {, a: 1}\n',
  'm: {a: 1 b: 2}\n',
  'm: {a: [1, {b: }]}\n',
  'm: {? a: 1}\n',
  'm: {a: - x}\n',
  'm: {a: x#y}\n',
  'm: {a: x #y}\n',
  'm: {a: 1} trailing\n',
  'm: {a: 1}}\n',
  'm: {a: 1]\n',
  'm: [a: 1]\n',
  'm: {a: 1\n  , b: 2}\n',
  'm: {"a":1}\n',
  'm: {a : 1}\n',
  'm: {a: "x\\"y"}\n',
  'm: {a: *x}\n',
  'm: {a: &x y}\n',
  'm: {a: !t y}\n',
  'm: {a: b: c}\n',
  'm: {a: [b, c], }\n',
  'm: {a: 1, b: 2} # c\n  # d\nz: 1\n',
  '# the CST path\n' + Array.from({ length: 40 }, (_, i) => `k${i % 30}: ${i}\n`).join(''),
  'm: {a: 1, a: 2}\n',
  'm: {a, b: , c: d,}\n',
  's: [a, , b]\n',
  's: [, a]\n',
  's: [a: b]\n',
  'm: {}\ns: []\nn: {a: [1, {b: c}]}\n',
  'm: { a: 1 } # c\ns: [ a ]   \n',
  'm: {\n  a: 1,\n  b: [2,\n    3]\n}\n',
  'x: "a\\tb\\u00e9"\ny: \'it\'\'s\'\nz: "multi\n  line"\n',
  'x: "open\n',
  'x: plain\n  continued\n  again\ny: 1\n',
  'x: |\n  one\n  two\ny: >-\n  folded\n  text\n\nz: |+\n  keep\n\n',
  'x: |2\n   indented\n',
  'x: |\n\n  after empty\n',
  'x: |\ny: 1\n',
  'a: &anchor 1\nb: *anchor\n',
  'a: !!str 1\n',
  '%YAML 1.2\n---\na: 1\n',
  '? a\n: b\n',
  '[a, b]: c\n',
  'a:\tb\n',
  'a:\n\t- b\n',
  'a: b: c\n',
  'a:\n  b\n  c: d\n',
  '- a\nb: c\n',
  'a: 1\n b: 2\n',
  'a:#c\n',
  'a: b #c\n',
  'a: b#c\n',
  'key with spaces: value with: colon\n',
  '"quoted key": 1\n\'single\': 2\n',
  'a: @x\n',
  'a: `x`\n',
  'a: %x\n',
  'a:\r\n  b: 1\r\n  c: "x"\r\n',
  '\uFEFFa: 1\n',
  'a: -\n',
  '- - a\n  - b\n- c\n',
  'a: [\n',
  'a: }\n',
  'a: "x" y\n',
  '{a: 1}\n',
  '[1, 2]\n',
  '{a: 1} # c\n--- [b]\n',
  // The direct path's subset and its borders.
  'a: ,x\n',
  'a: :x\n',
  'a: 1\n- b\n',
  'a:\n  b: 1\n  - c\n',
  'a: -x\n',
  'a: -\n',
  'a: - b\n',
  "a: 'x''y'\n",
  "a: ''\n",
  "a: 'x''\n",
  "a: 'x' \n",
  'a: ""\n',
  'a: "x:y"\n',
  'a: "x" \n',
  'a: x:y\n',
  'a: x:\n',
  'a: x: y\n',
  'a b: 1\n',
  'a  b: 1\n',
  'a : 1\n',
  'a:b: 1\n',
  'x:\n-\n-\n',
  'x:\n  -\n    a: 1\n  -\n',
  '- a:\n  - x\n',
  '- a:\n- x\n',
  '-   a: 1\n    b: 2\n',
  '- - - a\n    - b\n  - c\n- d\n',
  '0x1F: a\n0o17: b\n1: c\n01: d\n',
  'true: a\nTrue: b\n',
  'null: a\nNULL: b\n',
  '.inf: a\n.nan: b\n.nan: c\n',
  'a: "x"\n---\n---\nb: 1',
  'a: 1\n---\n',
  'a: 1\n---',
  '---\na: 1\n---\n- b\n',
  '----\na: 1\n',
  '---a\n',
  'a: 1\n--- \n',
  '  a: 1\n',
  'a:\n    b: 1\n  c: 2\n',
  'a:\n  b: 1\n c: 2\n',
  'a: 1\n  b: 2\n',
  'a:\n  b\n',
  'a:\n  "b"\n',
  'a: b\nc\n',
  'a: $x\nb: ~\nc: ~x\nd: +1\ne: .5\nf: -.inf\ng: 1e3\nh: 1.0\n',
  'a: x  y\n',
  'a: 1\n\nb: 2\n',
  'a: 1\n\n',
  'a:\n\n  b: 1\n',
  '\na: 1\n',
  'a:\n  b: 1\n\nc: 2\n',
  'a:\n  b: 1\n\n',
  'a: 1\n\n---\nb: 1\n',
  '---\n\na: 1\n',
  'a:\n\n- x\n',
  '-\n\n- b\n',
  '- a: 1\n\n  b: 2\n',
  'a:\n  b:\n    c: 1\n\n\nd: 2\n',
  'a:\n  -\n\nb: 1\n',
  'a:\n  b:\n\n',
  'a: 1\n  \nb: 2\n',
  // Comments and empty lines, as the direct path attaches them (parser.js atIndentedComment, pop).
  '# h\n\na: 1\n# t\n---\n# x\nb: 2\n',
  'a:\n  b: 1\n  # t\nc: 2\n',
  'a:\n  b: 1\n# t\nc: 2\n',
  'a:\n  b: 1\n    # t\nc: 2\n',
  'a:\n  b: 1\n# t\n',
  'a:\n  b: 1\n  # t\n',
  'a:\n  b: 1\n    # t\n',
  'a:\n  b: 1\n    # t',
  'x:\n  a: 1\n\n  # c\n\nb: 2\n',
  'x:\n  a: 1\n\n    # c\n\nb: 2\n',
  'x:\n  a: 1\n    # c\n# d\n      # e\n\nb: 2\n',
  'x:\n  y:\n    a: 1\n    # c\n  b: 2\n',
  'x:\n  y:\n    a: 1\n  # c\nb: 2\n',
  'x:\n  y:\n    a: 1\n   # c\n\n',
  'a: 1 # x\n# t\n',
  'a: 1   # x   \nb: "q" # y\nc: \'s\'  #z\n',
  'a: "q"#y\n',
  'a: "q"  \n',
  'a: b#c # d\n',
  'a: b # c: d\n',
  'a: http://x/#frag\n',
  'a: "x # y"\nb: \'x # y\'\n',
  'a: # c\n  b: 1\n',
  'a: # c\nb: 1\n',
  'a: # c\n- b\n',
  'a:\n# c\n  b: 1\n',
  'a:\n# c\nb: 1\n',
  'a:\n  # c\n- b\n',
  '- # c\n  a: 1\n',
  '- # c\n- a\n',
  '-\n  # c\n  a: 1\n',
  '- a\n  # c\n- b\n',
  '- a\n# c\n- b\n',
  '- a: 1\n  # c\n- b: 2\n',
  '- a: 1\n    # c\n- b: 2\n',
  'a:\n- 1\n# t\nc: 2\n',
  'a:\n  - 1\n  # t\nc: 2\n',
  'a:\n  - 1\n    # t\n  # u\nc: 2\n',
  '---\n# c\n---\na: 1\n',
  '---\n\n',
  '# only\n# comments\n',
  'a: 1\n#',
  'a: é # ü\nb: "日本"\n# 😀\n',
  'a: x\u00a0y\n',
  'a: 1 #c\n...\n',
  'a: [1] # c\n',
  'a: x{y}\n',
  'a: x[0] # c\n',
  'a: x\\y # c\n',
  // Block scalars: chomping, indentation indicators, folding, and what ends them.
  'x: |\n  one\n  two\ny: >-\n  folded\n  text\n\nz: |+\n  keep\n\n',
  'x: | # c\n  a\n\n  b\n\n\n# c\ny: 1',
  '- |\n x\n- |1\n  y\n- >2\n   z\n  w\n',
  'a: >\n  one\n  two\n\n  three\n    more\n    indented\n  back\n\n\n  last\n',
  'a: >+\n  x\n',
  'a: |-\n  x\n  # not a comment\n# a comment\nb: 1\n',
  'a: |2-\n    x\n  y\n',
  'a: |-2\n    x\n   y\n',
  'a: |0\n  x\n',
  'a: |--\n  x\n',
  'a: |x\n  x\n',
  'a: |#c\n  x\n',
  'a: |\n  x\n    y\n z\n',
  'a: |\nb: 1\n',
  'a: |\n\n  x\n',
  'a: |\n  x\n  \n  y\n',
  'a: |\n  x',
  'a: |+\n  x',
  'a: |+\n  x\n\n# c\n',
  'a:\n  b: >\n    x\n    y\n\n  # c\nz: 1\n',
  'a:\n  b: |\n    x\n    # c\n',
  'a:\n  - |\n    x\n  - >-\n    y\n',
  '- a: |\n    x\n  b: 1\n',
  '---\na: |\n  x\n---\nb: 1\n',
  'a: |\n  x\n---\n',
  // Flow collections on one line.
  'a: []\nb: {}\nc: [ ]\nd: { }\n',
  'a: [x, "y", \'z\', 1, true, ~]   # c\n  # d\nb: 2\n',
  'a: [ x , y ]\n',
  'a: [x,y]\n',
  'a: [x y, z]\n',
  'a: [x,]\n',
  'a: [,x]\n',
  'a: [x, , y]\n',
  'a: [x]y\n',
  'a: [x]#c\n',
  'a: [x] #c\n',
  'a: [x: y]\n',
  'a: [x, [y]]\n',
  'a: [x, {y: 1}]\n',
  'a: {x: 1}\n',
  'a: [\n  x]\n',
  'a: [x\n',
  'a: ["x\\"y"]\n',
  "a: ['x''y', '']\n",
  'a: [- x]\n',
  'a: [-x, .5, 0x1F]\n',
  '- []\n- [a]\n- {}\n',
  // Spaces at the ends of lines and lines of spaces.
  'a: b   \nc: "d"  \ne:   \nf: [x]  \n-   \n',
  'a:   \n  b: 1\n',
  's:\n-   \n- x\n',
  'a: 1\n   \nb: 2\n  \n',
  'a:\n  b: 1\n      \n    # c\n   \nd: 1\n',
  'a: |\n  x\n   \n  y\n',
  'a: |\n  x\n   \nb: 1\n',
  'a: |  \n  x\n',
  // Keys: plain ones of any characters a plain scalar may hold, and quoted ones.
  "(contains(keys(a), 'b')): true\n",
  "\"a\": 1\n'b': 2\n\"a b\": 3\n'it''s': 4\n",
  '"a":1\n',
  '"a" : 1\n',
  '"1": a\n1: b\n',
  '"a": 1\n"a": 2\n',
  '"a": 1\na: 2\n',
  'a[0]: 1\na,b: 2\na{b}: 3\n',
  'é: 1\nклюю: 2\n',
  'a"b: 1\n',
  'a #b: 1\n',
  'a#b: 1\n',
  '- "a": 1\n  b: 2\n',
  '- "a" # c\n- \'b\': 1\n',
  'x y z: 1\n',
  '<<: a\n',
  '-a: 1\n',
  '?a: 1\n',
  ':a: 1\n',
  '%a: 1\n',
  '@a: 1\n',
  'a:b: 1\n',
  'http://x: 1\n',
  '"a\\"b": 1\n',
];

describe('fast path agrees with the composer path', () => {
  test('on the shared corpus, and it accepts most of it', needsCorpus, () => {
    corpusDir(); // fails here when KTL_REQUIRE_CORPUS=1 and the corpus is missing
    assert.ok(CORPUS.length > 500, `corpus files: ${CORPUS.length}`);
    let accepted = 0;
    let clean = 0;
    directAccepted = 0;
    for (const f of CORPUS) {
      if (agree(f.text, f.path)) accepted++;
      if (parseYamlComposed(f.text).problems.length === 0) clean++;
    }
    const declined = CORPUS.length - accepted;
    console.log(
      `fast path: ${accepted} of ${CORPUS.length} corpus files accepted, ${declined} declined (${((100 * declined) / CORPUS.length).toFixed(1)}%); ${CORPUS.length - clean} of them have problems; the direct path accepted ${directAccepted}`,
    );
    assert.ok(accepted / clean > 0.95, `accepted ${accepted} of ${clean} problem-free files`);
  });

  test('on the fixtures and examples', () => {
    assert.ok(LOCAL.length > 20);
    let accepted = 0;
    for (const f of LOCAL) if (agree(f.text, f.path)) accepted++;
    assert.ok(accepted > LOCAL.length / 2, `accepted ${accepted} of ${LOCAL.length}`);
  });

  test('on hand-written edge cases', () => {
    let accepted = 0;
    for (const text of EDGE_CASES) if (agree(text, JSON.stringify(text))) accepted++;
    assert.ok(accepted > EDGE_CASES.length / 2, `accepted ${accepted} of ${EDGE_CASES.length}`);
    // What must decline: anything the composer reports but repeated keys, anchors, tags,
    // directives, explicit keys.
    for (const text of [
      'a: &anchor 1\nb: *anchor\n',
      'a: !!str 1\n',
      '%YAML 1.2\n---\na: 1\n',
      '? a\n: b\n',
      'x: "open\n',
    ]) {
      assert.equal(parseYamlFast(text), undefined, JSON.stringify(text));
    }
    // Repeated keys are reported by both fast paths, in text order, with the maps kept whole.
    for (const text of ['dup: 1\ndup: 2\nm: {a: 1, a: 2}\n', 'dup: 1\ndup: 2\n']) {
      const parsed = parseYamlFast(text);
      assert.deepStrictEqual(
        parsed?.problems.map((p) => [p.rule, p.span.start]),
        text.includes('{')
          ? [
              ['yaml-duplicate-key', 7],
              ['yaml-duplicate-key', 24],
            ]
          : [['yaml-duplicate-key', 7]],
      );
    }
    assert.equal(parseYamlDirect('dup: 1\ndup: 2\n')?.problems.length, 1);
  });

  test('parseYaml gives the reference result whichever path it takes', () => {
    for (const text of [...EDGE_CASES, ...LOCAL.map((f) => f.text)])
      assert.deepStrictEqual(parseYaml(text), parseYamlComposed(text));
  });

  describe('on generated workspaces with planted faults', () => {
    const dirs: string[] = [];
    const texts: { path: string; text: string }[] = [];
    before(async () => {
      const { generateFaultyWorkspace } = (await import(
        pathToFileURL(path.join(REPO_ROOT, 'bench/generate.mjs')).href
      )) as {
        generateFaultyWorkspace(dir: string, resources: number, options?: { multiDocument?: boolean }): unknown;
      };
      for (const multiDocument of [false, true]) {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ktl-fastparse-'));
        dirs.push(dir);
        generateFaultyWorkspace(dir, 400, { multiDocument });
        texts.push(...read(yamlFiles(dir)));
      }
    });
    after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

    test('every file agrees, and the fast path accepts the problem-free ones', () => {
      assert.ok(texts.length > 100, `generated files: ${texts.length}`);
      directAccepted = 0;
      for (const f of texts) {
        const accepted = agree(f.text, f.path);
        if (parseYamlComposed(f.text).problems.length === 0) assert.ok(accepted, `declined ${f.path}`);
      }
      console.log(`direct path: ${directAccepted} of ${texts.length} generated files accepted`);
      // A third of the generated files have no comment (bench/generate.mjs), as in real repositories.
      assert.ok(directAccepted > texts.length / 4, `direct path: ${directAccepted} of ${texts.length}`);
    });
  });

  const ALL = [...CORPUS, ...LOCAL].filter((f) => f.text.length > 0);
  const INSERTS = [
    '{',
    '}',
    '[',
    ']',
    ',',
    ':',
    ': ',
    '- ',
    '-',
    '? ',
    '#',
    ' #',
    '\t',
    ' ',
    '  ',
    '"',
    "'",
    '\\',
    '&a ',
    '*a',
    '!t ',
    '|',
    '>',
    '|-\n',
    '\n---\n',
    '\n...\n',
    '\n',
    '\r\n',
    '\u0000',
    '{{ x }}',
    '\n  ',
    '\n    - ',
    'port: "x"',
    '~',
    'null',
    'true',
    '0x1F',
    '.inf',
    '1e3',
    '%',
    '@',
    '`',
    '# c\n',
    ' # c',
    '\n# c',
    '\n  # c',
    '\n      # c',
    '\n\n',
    '#',
    'é',
    '\u00a0',
    '\u2028',
    '\u0085',
    '\ufeff',
    '|-',
    '|+',
    '>2',
    '|\n  x\n',
    '>\n    y\n\n    z\n',
    '[]',
    '{}',
    '[a, "b"]',
    ', ',
    '   \n',
    '  ',
    '"k": ',
    '(',
    '<<: ',
  ];
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom(...INSERTS) }),
    fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 400 }) }),
  );
  type Mutation = { kind: 'delete' | 'insert' | 'duplicate'; at: number; length?: number; text?: string };
  function mutate(text: string, m: Mutation): string {
    const at = text.length ? m.at % text.length : 0;
    if (m.kind === 'delete') return text.slice(0, at) + text.slice(at + (m.length ?? 1));
    if (m.kind === 'insert') return text.slice(0, at) + (m.text ?? '') + text.slice(at);
    return text.slice(0, at) + text.slice(at, at + (m.length ?? 1)) + text.slice(at);
  }

  test('on mutations of those texts', () => {
    let accepted = 0;
    directAccepted = 0;
    fc.assert(
      fc.property(
        fc.nat({ max: ALL.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (index, mutations) => {
          const text = mutations.reduce((t, m) => mutate(t, m as Mutation), ALL[index].text);
          if (agree(text, `${ALL[index].path} ${JSON.stringify(mutations)}`)) accepted++;
        },
      ),
      { numRuns: 3000, seed: 6 },
    );
    console.log(`fast path accepted ${accepted} of 3000 mutated corpus texts, the direct path ${directAccepted}`);
    // Mutations must leave many texts readable, or the comparison would prove little.
    assert.ok(accepted > 500, `accepted ${accepted} of 3000 mutated texts`);
  });

  // Mutations that stay mostly inside the direct path's subset, over the texts it reads.
  const PLAIN_INSERTS = [
    '-',
    '- ',
    ':',
    ': ',
    ' ',
    '  ',
    '\n',
    '\n  ',
    '\n- ',
    '\n---\n',
    '---',
    "'",
    '"',
    "''",
    ',',
    '~',
    '0x1',
    '.inf',
    'true',
    'a',
    'a: ',
    'a:\n',
    '  b: 1\n',
    '#',
    ' #',
    ' # c',
    '# c\n',
    '\n# c',
    '\n  # c',
    '\n    # c',
    '\n      # c',
    '\n\n',
    ' ',
    '"#"',
    "'#'",
    '|',
    '>',
    '|-',
    '>+',
    '|1',
    '|\n  x\n',
    '>-\n    y\n\n    z\n',
    '[',
    ']',
    '{}',
    '[]',
    '[a, b]',
    ', ',
    ',',
    '   \n',
    '  ',
    '"k": ',
    '(',
    '<<: ',
  ];
  const plainMutation = fc.oneof(
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 12 }) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom(...PLAIN_INSERTS) }),
    fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 200 }) }),
  );

  // Most texts the direct path reads come from the corpus (the local ones are too few to prove much).
  test('on plain mutations of the texts the direct path reads', needsCorpus, () => {
    corpusDir();
    const plain = [
      ...ALL.filter((f) => parseYamlDirect(f.text)).map((f) => f.text),
      ...EDGE_CASES.filter((t) => t.length > 0 && parseYamlDirect(t)),
    ];
    assert.ok(plain.length > 100);
    let accepted = 0;
    directAccepted = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...plain),
        fc.array(plainMutation, { minLength: 1, maxLength: 3 }),
        (base, mutations) => {
          const text = mutations.reduce((t, m) => mutate(t, m as Mutation), base);
          if (agree(text, JSON.stringify(text))) accepted++;
        },
      ),
      { numRuns: 4000, seed: 5 },
    );
    console.log(`plain mutations: the fast path accepted ${accepted} of 4000, the direct path ${directAccepted}`);
    assert.ok(directAccepted > 400, `direct path accepted ${directAccepted} of 4000 mutated texts`);
  });

  test('on mutations of small edge cases', () => {
    let accepted = 0;
    directAccepted = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...EDGE_CASES.filter((t) => t.length > 0)),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        (base, mutations) => {
          const text = mutations.reduce((t, m) => mutate(t, m as Mutation), base);
          if (agree(text, JSON.stringify(text))) accepted++;
        },
      ),
      { numRuns: 5000, seed: 11 },
    );
    console.log(`fast path accepted ${accepted} of 5000 mutated edge cases, the direct path ${directAccepted}`);
    assert.ok(accepted > 500, `accepted ${accepted} of 5000 mutated texts`);
  });
});

describe('values over several lines or with escapes, read by the direct path', () => {
  /** Texts the direct path reads, as the composer does. */
  const readDirectly = (texts: string[]) => {
    for (const text of texts) {
      agree(text, JSON.stringify(text));
      assert.ok(parseYamlDirect(text), `the direct path reads ${JSON.stringify(text)}`);
    }
  };
  /** Texts the direct path leaves to the others (which must still agree). */
  const declinedDirectly = (texts: string[]) => {
    for (const text of texts) {
      agree(text, JSON.stringify(text));
      assert.equal(parseYamlDirect(text), undefined, JSON.stringify(text));
    }
  };
  /** 4,000 random texts agree with the composer, and the direct path reads more than `atLeast`. */
  const agreeOnRandomTexts = (texts: fc.Arbitrary<string>, seed: number, atLeast: number) => {
    let read = 0;
    fc.assert(
      fc.property(texts, (text) => {
        agree(text, JSON.stringify(text));
        if (parseYamlDirect(text)) read++;
      }),
      { numRuns: 4000, seed },
    );
    assert.ok(read > atLeast, `the direct path read ${read} of 4000`);
  };
  /** What a value follows: a map's key, a nested map's, a sequence's dash, a map's in a sequence. */
  const valueHead = fc.constantFrom('k: ', 'o:\n  k: ', '- ', '- k: ');

  test('CRD descriptions and other folded plain values read as the composer reads them', () => {
    readDirectly([
      'description: Spec defines the desired\n  state of the cluster.\nname: x\n',
      'a:\n  description: first line\n    second line\n\n    after an empty line\n  type: object\n',
      '- one\n  two\n- three\n',
      'k: a   \n   b  \n\n\n   c\n# after\nz: 1\n',
      'outer:\n  - item text\n    continued\n    # a comment indented past the list\n  - next\n',
    ]);
    // What the composer must judge: a key or a comment on a continuation line, an indicator first.
    declinedDirectly(['k: a\n  b: c\n', 'k: a\n  b # c\n  d\n', 'k: a\n  - b\n', 'k: a\n  [b]\n']);
  });

  test('random layouts agree with the composer (fast-check)', () => {
    const word = fc.constantFrom('a', 'word', 'x.y', 'TPR.', '1', 'true', 'a-b', '(c)', "it's", 'e"f');
    const line = fc.array(word, { minLength: 1, maxLength: 3 }).map((ws) => ws.join(' '));
    const gap = fc.constantFrom('', '', '', '\n', '\n\n', '   \n', '  # note\n', '      # deep note\n');
    const trailing = fc.constantFrom('', '', ' ', '  ');
    const value = fc.tuple(
      line,
      fc.array(fc.tuple(gap, fc.integer({ min: 0, max: 6 }), line, trailing), { maxLength: 3 }),
    );
    const texts = fc
      .tuple(valueHead, value, fc.constantFrom('', 'z: 1\n', '- w\n', '  y: 2\n', '# end\n'))
      .map(([head, [first, rest], after]) => {
        const body = rest.map(([g, indent, l, tr]) => `${g}${' '.repeat(indent)}${l}${tr}`).join('\n');
        return `${head}${first}${body ? `\n${body}` : ''}\n${after}`;
      });
    agreeOnRandomTexts(texts, 23, 1000);
  });

  test('quoted scalars over several lines agree with the composer (fast-check)', () => {
    readDirectly([
      "description: 'APIVersion defines the versioned schema\n  of this representation.'\nz: 1\n",
      'a:\n  b: "first\n\n    second  "  # c\n  c: 2\n',
      "- 'it''s\n  here'\n",
    ]);
    declinedDirectly(['k: "a\\\n  b"\n', "k: 'a\nb'\n", "k: 'never closed\n  z: 1\n"]);
    const word = fc.constantFrom('a', 'word', "it''s", '#x', '- b', 'k: v', '[c]', '"', "''", '{');
    const words = fc.array(word, { minLength: 0, maxLength: 3 }).map((ws) => ws.join(' '));
    const continuation = fc.tuple(
      fc.constantFrom('', '\n', '   \n'),
      fc.integer({ min: 0, max: 6 }),
      words,
      fc.constantFrom('', ' '),
    );
    const texts = fc
      .tuple(
        fc.constantFrom("'", '"'),
        valueHead,
        words,
        fc.array(continuation, { minLength: 1, maxLength: 3 }),
        fc.constantFrom('', ' # c', ' x'),
        fc.constantFrom('', 'z: 1\n', '  y: 2\n', '- w\n'),
      )
      .map(([quote, head, first, rest, tail, after]) => {
        const clean = (w: string) =>
          quote === '"' ? w.replace(/"/g, 'q') : w.replace(/''/g, "''").replace(/(^|[^'])'(?!')/g, '$1q');
        const body = rest.map(([g, indent, w, tr]) => `${g}${' '.repeat(indent)}${clean(w)}${tr}`).join('\n');
        return `${head}${quote}${clean(first)}\n${body}${quote}${tail}\n${after}`;
      });
    agreeOnRandomTexts(texts, 29, 500);
  });

  test('double-quoted values with escapes agree with the composer (fast-check)', () => {
    readDirectly([
      'value: "attachment; filename=\\"example_file.txt\\""\n',
      'v: "bar\\\\,bat \\u00e9\\x41\\U0001F600\\n\\t\\/" # c\nz: 1\n',
      '- "a\\"b"\n',
    ]);
    declinedDirectly(['v: "\\q"\n', 'v: "\\x4"\n', 'v: "\\UFFFFFFFF"\n', 'v: "a\\\n  b"\n', 'v: "a\\"\n']);
    const piece = fc.constantFrom(
      ...['a', ' ', '\\"', '\\\\', '\\n', '\\t', '\\0', '\\e', '\\N', '\\_', '\\L', '\\ ', '\\/'],
      ...['\\x41', '\\x4', '\\u00e9', '\\uD83D', '\\U0001F600', '\\U00110000', '\\q', '#', "'", 'é'],
    );
    const texts = fc
      .tuple(valueHead, fc.array(piece, { maxLength: 8 }), fc.constantFrom('', ' # c', ' x', '\nz: 1'))
      .map(([head, pieces, after]) => `${head}"${pieces.join('')}"${after}\n`);
    agreeOnRandomTexts(texts, 37, 1000);
  });

  test('flow collections over several lines agree with the composer (fast-check)', () => {
    readDirectly([
      'command: ["/cloud_sql_proxy",\n  "-instances=x",\n  "-log_debug"]\nz: 1\n',
      'a:\n  args: [\n    "--port=80", x,\n    {k: v}]\n  b: 2\n',
      '- {a: 1,\n   b: [2,\n     3]}\n',
    ]);
    declinedDirectly(['k: [a,\n]\n', 'k: [a,\n# c\n  b]\n', 'k: [a,\n\n  b]\n', 'k: [a, # c\n  b]\n']);
    const item = fc.constantFrom('a', '"b c"', "'d'", '1', '{k: v}', '[x, y]', '"--flag=1"', '{}', '[]');
    const gap = fc.tuple(fc.constantFrom('', ' ', '\n', '\n', ' \n'), fc.integer({ min: 0, max: 6 }));
    const texts = fc
      .tuple(
        fc.constantFrom('[', '{'),
        valueHead,
        fc.array(fc.tuple(gap, item, gap), { minLength: 0, maxLength: 4 }),
        gap,
        fc.constantFrom('', ' # c', '\nz: 1', '\n  y: 2', '\n- w'),
      )
      .map(([open, head, items, last, after]) => {
        const sp = ([b, n]: [string, number]) => (b.endsWith('\n') ? `${b}${' '.repeat(n)}` : b);
        const entries = items.map(([g1, it, g2], j) => `${sp(g1)}${open === '{' ? `k${j}: ` : ''}${it}${sp(g2)}`);
        return `${head}${open}${entries.join(',')}${sp(last)}${open === '[' ? ']' : '}'}${after}\n`;
      });
    agreeOnRandomTexts(texts, 31, 500);
  });
});
