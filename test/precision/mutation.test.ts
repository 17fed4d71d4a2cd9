// Recall on real repositories: single mistakes planted one at a time in every expected-clean scope
// of the corpus (../shared/corpus, EXPECTATIONS.md), each of which must be found at its line with
// nothing else new. Kinds: a Service selector label, a numeric and a named targetPort, an Ingress
// and a route backend's name, an Ingress backend's port, a NetworkPolicy podSelector, an env
// reference's host and port, a StatefulSet's serviceName. Layouts: the scope as published, the
// scope made the base of two kustomize overlays that patch it (the mistake planted in the base),
// and the scope beside a bundle of its own files (`release/`, as repositories ship them). Runs in
// process through the engine on in-memory copies; sites are sampled deterministically.
import { test, describe } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { analyze, DEFAULT_CONFIG, placeInFile, type Analysis } from '../../server/src/engine';
import { asScalar, getPath } from '../../server/src/engine/tree';
import type { Resource } from '../../server/src/engine/model/resource';
import type { Span } from '../../server/src/engine/text';
import { readWorkspace } from '../../server/src/node/readWorkspace';
import { REPO_ROOT } from '../support/cli';
import { EXPECTED_CLEAN, needsCorpus } from '../support/corpus';

const CORPUS = path.resolve(REPO_ROOT, '../shared/corpus');

// Every expected-clean scope of EXPECTATIONS.md.
const SCOPES = EXPECTED_CLEAN;

/** Plain scopes (no kustomization) that are also made the base of overlays and given a bundle. */
const LAYOUT_SCOPES = [
  'voting-app',
  'bank-of-anthos/kubernetes-manifests',
  'gcp-microservices-demo/kubernetes-manifests',
  'k8s-examples/web/guestbook-go',
];

/** At most this many sites per kind per scope (the first and others spread evenly). */
const PER_KIND = 2;

type Files = ReadonlyMap<string, string>;

interface Mutation {
  readonly kind: string;
  readonly file: string;
  readonly span: Span;
  readonly replacement: string;
}

interface Outcome {
  readonly found: boolean;
  readonly others: readonly string[];
}

function run(files: Files): Analysis {
  return analyze({ files: [...files].map(([p, text]) => ({ path: p, text })), config: DEFAULT_CONFIG });
}

function lineOf(files: Files, file: string, offset: number): number {
  const text = files.get(file) ?? '';
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Warnings and errors as `file:line rule`, with the lines their related locations point at after `|`. */
function problems(analysis: Analysis, files: Files): string[] {
  return analysis.diagnostics
    .filter((d) => d.severity === 'error' || d.severity === 'warning')
    .map(
      (d) =>
        `${d.file}:${lineOf(files, d.file, d.span.start)} ${d.rule}|${d.related.map((r) => `${r.file}:${lineOf(files, r.file, r.span.start)}`).join(',')}`,
    );
}

/** A typo as people make them: one letter dropped from the middle (or one added to a short word). */
function typo(value: string): string {
  if (value.length < 4) return `${value}x`;
  const at = Math.floor(value.length / 2);
  return value.slice(0, at) + value.slice(at + 1);
}

/** Two adjacent digits swapped, where that gives another number. */
function swapDigits(n: number): number | undefined {
  const s = String(n);
  for (let i = s.length - 2; i >= 0; i--) {
    if (s[i] !== s[i + 1] && !(i === 0 && s[i + 1] === '0'))
      return Number(s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2));
  }
  return undefined;
}

/** Every plantable site of the analysed scope, by kind, in file order. */
function sites(analysis: Analysis): Mutation[] {
  const g = analysis.graph;
  const out: Mutation[] = [];
  const at = (r: Resource, span: Span, kind: string, replacement: string) => {
    const where = placeInFile(analysis, r.file, span, r.origins);
    out.push({ kind, file: where.file, span: where.span, replacement });
  };
  for (const s of g.services) {
    // Services an operator makes from a custom resource are not written anywhere: nothing to plant.
    if (s.producer || g.workloadsSelectedBy(s).length === 0) continue;
    const term = s.selector?.terms.find((t) => t.operator === 'Equals' && t.valueSpan);
    if (term?.valueSpan) at(s.resource, term.valueSpan, 'selector label', typo(term.values[0]));
    for (const p of s.ports) {
      const workloads = g.workloadsSelectedBy(s);
      if (!p.targetPortExplicit || !workloads.every((w) => g.resolveServicePort(p, w).status === 'resolved')) continue;
      if (typeof p.targetPort === 'string') at(s.resource, p.targetPortSpan, 'named targetPort', typo(p.targetPort));
      else {
        const swapped = swapDigits(p.targetPort);
        if (swapped !== undefined) at(s.resource, p.targetPortSpan, 'numeric targetPort', String(swapped));
      }
    }
  }
  for (const ingress of g.ingresses) {
    for (const t of g.backendTargets(ingress)) {
      if (t.services.length === 0) continue;
      at(ingress.resource, t.backend.serviceNameSpan, 'Ingress backend name', typo(t.backend.serviceName));
      if (typeof t.backend.port === 'number' && t.backend.portSpan) {
        const free = [t.backend.port + 1, t.backend.port + 2].find(
          (n) => !t.services.some((s) => s.ports.some((p) => p.port === n)),
        );
        if (free) at(ingress.resource, t.backend.portSpan, 'Ingress backend port', String(free));
      }
    }
  }
  for (const r of g.resources) {
    const route = g.route(r);
    for (const rule of route?.rules ?? []) {
      for (const b of rule.backendRefs) {
        if (b.kind === 'Service' && b.group === '' && g.servicesNamed(b.namespace, b.name).length > 0)
          at(r, b.nameSpan, 'route backend name', typo(b.name));
      }
    }
    if (r.kind === 'StatefulSet') {
      const node = asScalar(getPath(r.node, 'spec', 'serviceName'));
      if (node && typeof node.value === 'string' && g.servicesNamed(r.namespace ?? 'default', node.value).length > 0)
        at(r, node.span, 'StatefulSet serviceName', typo(node.value));
    }
  }
  for (const p of g.networkPolicies) {
    const term = p.podSelector.terms.find((t) => t.operator === 'Equals' && t.valueSpan);
    if (term?.valueSpan && g.workloadsSelecting(p.podSelector, p.resource.namespace ?? 'default').length > 0)
      at(p.resource, term.valueSpan, 'NetworkPolicy podSelector', typo(term.values[0]));
  }
  for (const w of g.workloads) {
    if (w.template.producer) continue; // an operator's pods: not written in the files
    for (const ref of g.serviceReferences(w)) {
      const services = g.servicesNamed(ref.namespace, ref.service);
      if (services.length === 0) continue;
      const where = placeInFile(analysis, ref.file, ref.span);
      out.push({
        kind: 'env reference host',
        file: where.file,
        span: where.span,
        replacement: `\u0000host:${ref.service}`,
      });
      if (ref.port !== undefined && services.some((s) => s.ports.some((p) => p.port === ref.port))) {
        const free = [ref.port + 1, ref.port + 2].find((n) => !services.some((s) => s.ports.some((p) => p.port === n)));
        if (free)
          out.push({
            kind: 'env reference port',
            file: where.file,
            span: where.span,
            replacement: `\u0000port:${ref.port}:${free}`,
          });
      }
    }
  }
  return out;
}

/** The text with the mutation applied (host and port edits change part of a value). */
function plant(files: Files, m: Mutation): Map<string, string> | undefined {
  const text = files.get(m.file);
  if (text === undefined) return undefined;
  const original = text.slice(m.span.start, m.span.end);
  let replacement = m.replacement;
  if (replacement.startsWith('\u0000host:')) {
    const host = replacement.slice(6);
    const i = original.search(
      new RegExp(`(^|[^A-Za-z0-9-])${host.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9-])`),
    );
    if (i < 0) return undefined;
    const start = original[i] === host[0] && original.startsWith(host, i) ? i : i + 1;
    replacement = original.slice(0, start) + typo(host) + original.slice(start + host.length);
  } else if (replacement.startsWith('\u0000port:')) {
    const [, from, to] = replacement.slice(1).split(':');
    const i = original.indexOf(`:${from}`);
    if (i < 0) return undefined;
    replacement = original.slice(0, i + 1) + to + original.slice(i + 1 + from.length);
  }
  const out = new Map(files);
  out.set(m.file, text.slice(0, m.span.start) + replacement + text.slice(m.span.end));
  return out;
}

/** The first and then evenly spread sites of each kind. */
function sample(all: readonly Mutation[]): Mutation[] {
  const byKind = new Map<string, Mutation[]>();
  for (const m of all) byKind.set(m.kind, [...(byKind.get(m.kind) ?? []), m]);
  const out: Mutation[] = [];
  for (const list of byKind.values()) {
    const step = Math.max(1, Math.floor(list.length / PER_KIND));
    for (let i = 0; i < list.length && out.filter((m) => m.kind === list[0].kind).length < PER_KIND; i += step)
      out.push(list[i]);
  }
  return out;
}

function tryMutations(
  files: Files,
  baseline: readonly string[],
  mutations: readonly Mutation[],
): { m: Mutation; outcome: Outcome }[] {
  const before = new Set(baseline);
  const results: { m: Mutation; outcome: Outcome }[] = [];
  for (const m of mutations) {
    const mutated = plant(files, m);
    if (!mutated) continue;
    const line = lineOf(mutated, m.file, m.span.start);
    const fresh = problems(run(mutated), mutated).filter((p) => !before.has(p));
    // At the line, or pointing at it (a reference held in a ConfigMap is reported at the workload
    // that reads it, with the value as its related location).
    const here = (p: string) =>
      p.startsWith(`${m.file}:${line} `) || p.split('|')[1].split(',').includes(`${m.file}:${line}`);
    results.push({ m, outcome: { found: fresh.some(here), others: fresh.filter((p) => !here(p)) } });
  }
  return results;
}

function readScope(scope: string, prefix = ''): Map<string, string> {
  const read = readWorkspace([scope], { base: CORPUS, config: DEFAULT_CONFIG });
  return new Map(read.files.map((f) => [prefix + f.path, f.text]));
}

/** The scope as the base of two overlays (other namespaces, a patch adding an annotation to every Deployment). */
function asKustomizeBase(scope: string): Map<string, string> {
  const base = readScope(scope, 'layout/');
  const files = new Map<string, string>();
  const list: string[] = [];
  for (const [p, text] of base) {
    const name = `layout/base/${path.posix.basename(p)}`;
    files.set(name, text);
    list.push(path.posix.basename(p));
  }
  files.set('layout/base/kustomization.yaml', `resources:\n${list.map((f) => `- ${f}`).join('\n')}\n`);
  const patch =
    'patches:\n- target:\n    kind: Deployment\n  patch: |-\n    - op: add\n      path: /metadata/annotations\n      value:\n        overlay: "true"\n';
  // No name prefix: these apps name their Services by host (`frontend:80`), which kustomize does not
  // rename, so a prefixed build of them is broken indeed (and reported).
  for (const o of ['staging', 'prod'])
    files.set(`layout/${o}/kustomization.yaml`, `namespace: ${o}\nresources:\n- ../base\n${patch}`);
  return files;
}

/** The scope's files beside one bundle of all of them (`release/bundle.yaml`). */
function withBundle(scope: string): Map<string, string> {
  const files = readScope(scope);
  files.set(`${scope}/release/bundle.yaml`, [...files.values()].join('\n---\n'));
  return files;
}

describe('planted mistakes in expected-clean corpus scopes', needsCorpus, () => {
  const tally = new Map<string, { planted: number; found: number; clean: number }>();
  const misses: string[] = [];
  const record = (layout: string, results: { m: Mutation; outcome: Outcome }[], files: Files) => {
    for (const { m, outcome } of results) {
      const t = tally.get(layout) ?? { planted: 0, found: 0, clean: 0 };
      t.planted++;
      if (outcome.found) t.found++;
      if (outcome.found && outcome.others.length === 0) t.clean++;
      else
        misses.push(
          `${layout}: ${m.kind} at ${m.file}:${lineOf(files, m.file, m.span.start)}${outcome.found ? '' : ' not found'}${outcome.others.length ? `; also new: ${outcome.others.slice(0, 3).join(', ')}` : ''}`,
        );
      tally.set(layout, t);
    }
  };

  test('plain layout: every scope as published', () => {
    for (const scope of SCOPES) {
      const files = readScope(scope);
      const analysis = run(files);
      record('plain', tryMutations(files, problems(analysis, files), sample(sites(analysis))), files);
    }
    const t = tally.get('plain')!;
    assert.ok(t.planted >= 40, `only ${t.planted} mistakes could be planted`);
  });

  test('kustomize layout: the mistake in a base two overlays patch', () => {
    for (const scope of LAYOUT_SCOPES) {
      const files = asKustomizeBase(scope);
      const analysis = run(files);
      const baseline = problems(analysis, files);
      assert.deepEqual(baseline, [], `${scope} as a kustomize base is clean`);
      record(
        'kustomize',
        tryMutations(files, baseline, sample(sites(analysis).filter((m) => m.file.startsWith('layout/base/')))),
        files,
      );
    }
    assert.ok(tally.get('kustomize')!.planted >= 10);
  });

  test('bundle layout: the mistake in a split file beside its bundle', () => {
    for (const scope of LAYOUT_SCOPES) {
      const files = withBundle(scope);
      const analysis = run(files);
      record(
        'bundle',
        tryMutations(
          files,
          problems(analysis, files),
          sample(sites(analysis).filter((m) => !m.file.includes('/release/'))),
        ),
        files,
      );
    }
    assert.ok(tally.get('bundle')!.planted >= 10);
  });

  test('recall', needsCorpus, () => {
    const lines = [...tally].map(
      ([layout, t]) => `${layout}: found ${t.found}/${t.planted}, alone at its line ${t.clean}/${t.planted}`,
    );
    console.log(`# mutation recall\n# ${lines.join('\n# ')}\n# ${misses.join('\n# ')}`);
    const plain = tally.get('plain') ?? { planted: 0, found: 0 };
    const kustomize = tally.get('kustomize') ?? { planted: 0, found: 0 };
    assert.ok(plain.planted > 0 && kustomize.planted > 0, 'mistakes were planted');
    // Floors from the measured figures: a drop is a regression (raise them as recall improves).
    const bundle = tally.get('bundle') ?? { planted: 0, found: 0 };
    assert.ok(plain.found / plain.planted >= 0.95, lines.join('; '));
    assert.ok(kustomize.found / kustomize.planted >= 0.95, lines.join('; '));
    assert.ok(bundle.found / bundle.planted >= 0.9, lines.join('; '));
  });
});
