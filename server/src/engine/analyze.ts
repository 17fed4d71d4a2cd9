// The engine's entry point: (path, text) pairs and settings in, resources, graph and diagnostics out.
// Each rule runs per resource instance inside its own guard; a diagnostic from a source document that
// kustomize builds more than once is reported once, and only when every build agrees.
//
// `Analyzer` keeps what a re-analysis can reuse (the language server runs one per workspace): file
// readings and resource instances while unchanged (LoadCache), and each instance's rule reports.
// After an edit, rules run again only for the instances the edit can affect. While rules run, the
// graph they see records which namespaces their questions were about (graph/readScopes.ts); an
// instance's rules run again when an instance appeared or disappeared in one of those namespaces,
// when it reported something before (its messages may name resources elsewhere), or when the set
// of namespaces changed. A local rule (one that judges a resource against resources of its own
// namespace, directory or kustomize build) that asked a question across namespaces runs again
// when an instance of its namespace, directory or build changed. A change of settings, of the
// kustomize layout or of the set of unrendered template directories re-runs everything.
//
// Rules of workspace reach: when only they read what changed, the local results stand and they
// alone run again; a question of theirs across namespaces records everything (they run again on
// every change), and workspace-wide facts (hasGateways...) hold while the answer is the same.
//
// When the load only patched a few files (the language server's edits), the graph is derived from
// the last completed run's graph through what the patches removed and added, and the rule loop
// visits only the candidates (instances of the affected namespaces, directories and builds, those
// that reported, and workspace-reach readers of what changed, found through indexes) instead of
// every instance; the per-instance outcomes and those indexes are updated in place when the run completes.
//
// `run` analyses synchronously; `runAsync` does the same work in time slices, yielding to the event
// loop between them, and stops when `isCancelled` says so. Nothing the next run relies on is
// committed before a run completes, so a cancelled run leaves the Analyzer as it was.
import { placeInFile, type Analysis } from './analysis';
import type { AnalysisConfig, Severity } from './config';
import { compareDiagnostics, type Diagnostic, type RelatedLocation } from './diagnostics';
import { FACTS, sameAnswer, trackReads, TrafficGraph, type AnswerRead, type FactName, type ReadLog } from './graph';
import { runToEnd, type ResourceChange } from './incremental';
import { byDocument, directoryOf, resourceAnchor, sourceKey, type Resource } from './model/resource';
import type { RenderedBuild } from './kustomizeRendered';
import { isFramed, resolveSpan } from './origin';
import type { Span } from './text';
import { RULES } from './rules';
import { RuleDispatch, runChecks } from './rules/dispatch';
import { readOwnFacts } from './model/ownFacts';
import { typedView } from './graph/views';
import type { Report, Rule, RuleContext } from './rules/rule';
import {
  errorLine,
  instanceIndexInFile,
  LoadCache,
  loadWorkspaceSteps,
  type FileParser,
  type LoadedWorkspace,
  type SkippedFile,
  type WorkspaceFile,
} from './workspace';
import { pushAll } from './arrays';
import { isMovedTreeSteps } from './documents';

export type { Analysis };

export interface AnalyzeInput {
  readonly files: readonly WorkspaceFile[];
  readonly skipped?: readonly SkippedFile[];
  readonly config: AnalysisConfig;
  readonly rules?: readonly Rule[];
  readonly parse?: FileParser;
  /** Exact mode: kustomize builds rendered by a binary, by build directory (see kustomizeRendered.ts). */
  readonly rendered?: ReadonlyMap<string, RenderedBuild>;
}

interface Vote {
  readonly key: string;
  readonly source: string;
  readonly diagnostic: Diagnostic;
  /** From an instance of a build nobody includes (what is applied), which stands on its own. */
  readonly leafBuild: string | undefined;
}

interface RuleOutcome {
  readonly votes: readonly Vote[];
  readonly failures: readonly { rule: string; resource: string; error: string }[];
  /** The part of votes and failures that came from rules of workspace reach, and what they read. */
  readonly wide: {
    readonly votes: readonly Vote[];
    readonly failures: readonly { rule: string; resource: string; error: string }[];
    readonly reads: Reads;
  };
  /** What the other (local) rules read from the graph while judging the instance. */
  readonly reads: Reads;
  /** Whether rules of workspace reach apply to the instance; and its directory (both asked on every run). */
  readonly hasWide: boolean;
  readonly directory: string;
}

/** What rules read from the graph while judging one instance (see trackingGraph). */
interface Reads {
  /** Namespaces their questions were about ('' for cluster-scoped objects); 'all' for questions about everything. */
  namespaces: Set<string> | 'all';
  /** Answers to workspace-wide yes/no questions (hasGateways...), valid while the answer is the same. */
  facts: Map<FactName, boolean>;
  /** Questions of scope 'answer' (graph/readScopes.ts), valid while the new graph gives the same object. */
  answers?: AnswerRead[];
  /**
   * Local rules only: a question across namespaces was asked. A local rule compares a resource with
   * those of its own namespace, directory or kustomize build, so it runs again when one of those changed.
   */
  own: boolean;
}

interface Affected {
  readonly removed: readonly Resource[];
  readonly namespaces: ReadonlySet<string>;
  readonly directories: ReadonlySet<string>;
  readonly builds: ReadonlySet<string>;
  /**
   * New instances of documents an edit only moved (the same text, later or earlier in their file by
   * the same length as every other moved document of the file): the previous instance of each.
   */
  readonly moved: ReadonlyMap<Resource, Resource>;
  /** Whether the local rules of an instance that kept its place may judge it otherwise now. */
  rerun(r: Resource, previous: RuleOutcome, graph: TrafficGraph): boolean;
  touches(reads: Reads, graph: TrafficGraph): boolean;
}

/** Which instances' rules read the graph, and what: by namespace, everything, or workspace-wide facts. */
class Readers {
  readonly all = new Set<Resource>();
  readonly facts = new Set<Resource>();
  /** Instances whose rules asked questions of scope 'answer' (each answer is compared on every change). */
  readonly answers = new Set<Resource>();
  /** Instances whose local rules asked questions across namespaces (Reads.own). */
  readonly own = new Set<Resource>();
  readonly byNamespace = new Map<string, Set<Resource>>();

  add(r: Resource, outcome: RuleOutcome): void {
    if (outcome.reads.own) this.own.add(r);
    this.addReads(r, outcome.reads);
    if (outcome.hasWide) this.addReads(r, outcome.wide.reads);
  }

  private addReads(r: Resource, reads: Reads): void {
    if (reads.facts.size > 0) this.facts.add(r);
    if (reads.answers) this.answers.add(r);
    if (reads.namespaces === 'all') this.all.add(r);
    else {
      for (const ns of reads.namespaces) {
        let set = this.byNamespace.get(ns);
        if (!set) this.byNamespace.set(ns, (set = new Set()));
        set.add(r);
      }
    }
  }

  delete(r: Resource, outcome: RuleOutcome): void {
    this.facts.delete(r);
    this.answers.delete(r);
    this.all.delete(r);
    this.own.delete(r);
    this.deleteReads(r, outcome.reads);
    if (outcome.hasWide) this.deleteReads(r, outcome.wide.reads);
  }

  private deleteReads(r: Resource, reads: Reads): void {
    if (reads.namespaces === 'all') return;
    for (const ns of reads.namespaces) {
      const set = this.byNamespace.get(ns);
      if (!set) continue;
      set.delete(r);
      if (set.size === 0) this.byNamespace.delete(ns);
    }
  }
}

/** Returned by runAsync when the run was cancelled. */
export const CANCELLED: unique symbol = Symbol('analysis cancelled');

export interface AsyncRunOptions {
  /** Asked between time slices; true stops the run. */
  readonly isCancelled?: () => boolean;
  /** How long a slice of work may last before yielding to the event loop (ms, default 4). */
  readonly sliceMs?: number;
  /** Asked before each slice; while true the run waits a turn without working (requests are being answered). */
  readonly isBusy?: () => boolean;
  /** Filled in as the run goes: how many slices, and the longest (a step longer than sliceMs cannot be cut). */
  readonly stats?: { slices: number; longestSliceMs: number };
}

/** Instances handled between two yields of the rule and vote loops... */
const RESOURCES_PER_STEP = 64;
/** Diagnostics handled between two yields when the final list is assembled. */
const DIAGNOSTICS_PER_STEP = 4096;
/** ...counting an instance whose rules run as this many (rules cost far more than a cached outcome). */
const RULES_RUN_WEIGHT = 8;

export function analyze(input: AnalyzeInput): Analysis {
  return new Analyzer({ trees: 'keep', once: true }).run(input);
}

const nextTurn: () => Promise<void> =
  typeof setImmediate === 'function'
    ? () => new Promise((resolve) => setImmediate(resolve))
    : () => new Promise((resolve) => setTimeout(resolve, 0));

/** Drives steps in slices of about sliceMs, yielding to the event loop between slices. */
async function runStepsAsync<T>(steps: Generator<void, T>, options: AsyncRunOptions): Promise<T | typeof CANCELLED> {
  const sliceMs = options.sliceMs ?? 4;
  let sliceStart = performance.now();
  for (;;) {
    if (options.isCancelled?.()) {
      steps.return(undefined as never);
      return CANCELLED;
    }
    const step = steps.next();
    if (step.done) return step.value;
    const elapsed = performance.now() - sliceStart;
    if (elapsed >= sliceMs) {
      if (options.stats) {
        options.stats.slices++;
        options.stats.longestSliceMs = Math.max(options.stats.longestSliceMs, elapsed);
      }
      await nextTurn();
      while (options.isBusy?.() && !options.isCancelled?.()) await nextTurn();
      sliceStart = performance.now();
    }
  }
}

/**
 * What a completed run leaves of the plain manifests' parsed trees (workspace/trees.ts): `keep`
 * holds them (a one-shot analysis: nothing outlives it); `release` (the default) holds them weakly,
 * so that the collector may take them and a later read parses the file's text again: what a
 * long-lived Analyzer keeps between runs is a third smaller; `drop` always parses them again (the
 * tests' way to prove that a tree parsed again serves as the first did).
 */
export type TreesBetweenRuns = 'keep' | 'release' | 'drop';

export class Analyzer {
  private readonly loadCache: LoadCache;
  private outcomes = new Map<Resource, RuleOutcome>();
  /** Committed with the outcomes: the instances whose outcome reports, and what rules of workspace reach read. */
  private reportingInstances = new Set<Resource>();
  private readers = new Readers();
  private previousContext: string | undefined;
  private previousNamespaces: string | undefined;
  /** The last completed run's workspace and graph: the next graph is derived from it when loading only patched files. */
  private previous: { readonly workspace: LoadedWorkspace; readonly graph: TrafficGraph } | undefined;
  private running = false;

  private readonly trees: TreesBetweenRuns;
  private readonly once: boolean;
  /** Set by `once`: the one run is done. */
  private spent = false;

  /**
   * once: the Analyzer makes one analysis (analyze()): what only a later run reads, each instance's
   * outcome and what its rules read from the graph, is not recorded (about a sixth of the analysis's
   * time at 20,000 resources, and less kept to the end of the run); a second run throws.
   */
  constructor(options: { readonly trees?: TreesBetweenRuns; readonly once?: boolean } = {}) {
    this.trees = options.trees ?? 'release';
    this.once = options.once ?? false;
    // A one-shot analysis lets each file's trees go as soon as it has read them (workspace/load.ts).
    this.loadCache = new LoadCache({ letTreesGo: this.once || this.trees !== 'keep' });
  }

  /** Analyses synchronously (the CLI, tests). */
  run(input: AnalyzeInput): Analysis {
    return runToEnd(this.steps(input));
  }

  /**
   * The same analysis in time slices (the language server): yields to the event loop every
   * sliceMs, and returns CANCELLED as soon as isCancelled returns true, leaving the Analyzer's state
   * as the last completed run left it. One run at a time: wait for a cancelled run to return
   * before starting the next.
   */
  runAsync(input: AnalyzeInput, options: AsyncRunOptions = {}): Promise<Analysis | typeof CANCELLED> {
    return runStepsAsync(this.steps(input), options);
  }

  private *steps(input: AnalyzeInput): Generator<void, Analysis> {
    if (this.running) throw new Error('Analyzer: a run is already in progress');
    if (this.spent) throw new Error('Analyzer: made for one run, which is done');
    this.running = true;
    this.spent = this.once;
    try {
      return yield* this.analyse(input);
    } finally {
      this.running = false;
    }
  }

  private *analyse(input: AnalyzeInput): Generator<void, Analysis> {
    const workspace = yield* loadWorkspaceSteps(
      input.files,
      input.skipped ?? [],
      input.config,
      input.parse,
      this.loadCache,
      input.rendered,
      // A one-shot analysis reads what it needs of each plain manifest's trees as soon as the file
      // is read, and lets them go (workspace/load.ts).
      this.once ? readFromTrees : undefined,
    );
    // An Analyzer made for one run loads no more: what a next load would reuse need not be held.
    if (this.once) this.loadCache.forgetForNextLoad();
    yield;
    // What the others need of each instance's trees (model/ownFacts.ts) is read now, in one pass;
    // a long-lived Analyzer reads it when first asked.
    if (this.once) yield* readAllFromTrees(workspace.resources);
    const graphChange = this.changeSincePrevious(workspace);
    const graph = yield* TrafficGraph.steps(
      workspace.resources,
      workspace.templateDirs,
      graphChange && this.previous && { graph: this.previous.graph, change: graphChange },
    );
    yield;
    const rules = input.rules ?? RULES;
    // Rules apply by the views a resource has (rules/views.ts), not by kind.
    const dispatch = new RuleDispatch(rules.filter((rule) => input.config.rules[rule.id] !== 'off'));
    const applicableTo = (resource: Resource) => dispatch.rulesFor(graph, resource);

    const context = JSON.stringify([
      input.config,
      [...workspace.templateDirs].sort(),
      [...workspace.kustomize.memberships.keys()].sort(),
      rules.map((r) => r.id),
    ]);
    const namespacesKey = [...graph.namespaces].sort().join('\u0000');
    // Rules read the set of namespaces (which addresses are cluster DNS names) without a log of it
    // (graph/readScopes.ts): every rule runs again when it changed.
    const rerunAll = context !== this.previousContext || namespacesKey !== this.previousNamespaces;
    const change = rerunAll ? undefined : yield* this.affected(workspace.resources, graphChange);
    yield;
    // What rules read is tracked for the next run's sake: not for an Analyzer that makes one.
    const tracked = this.once ? undefined : trackingGraph(graph);

    // Outcomes that differ from the last run's (all of them when rules run for everything); the
    // last run's map is updated in place only when this run completes.
    const updates = new Map<Resource, RuleOutcome>();
    // Instances with reports or failures, in resource order (the first instance's diagnostic stands for its source).
    const reporting: RuleOutcome[] = [];
    let rulesRunFor = 0;
    let wideRulesRunFor = 0;
    let step = 0;
    let budget = RESOURCES_PER_STEP;
    // After a patched load, only the instances the change can affect are visited (the rest keep
    // their outcome, which reports nothing); otherwise every instance, and what they read is indexed anew.
    const candidates = change && graphChange ? this.candidates(change, graphChange, graph, updates) : undefined;
    const resources = candidates ?? workspace.resources;
    const readers = candidates || this.once ? undefined : new Readers();
    const reportingInstances = candidates || this.once ? undefined : new Set<Resource>();
    // An indexed loop: a for-of over 20k instances allocates an iterator result per instance in a generator.
    for (let i = 0; i < resources.length; i++) {
      const resource = resources[i];
      if (--budget <= 0) {
        yield;
        budget = RESOURCES_PER_STEP;
      }
      let cached = this.outcomes.get(resource);
      // A document the edit only moved: its previous verdict, when it reported nothing.
      const movedFrom = cached === undefined ? change?.moved.get(resource) : undefined;
      if (movedFrom) {
        const previous = this.outcomes.get(movedFrom);
        if (previous && previous.votes.length === 0 && previous.failures.length === 0) cached = previous;
      }
      let outcome: RuleOutcome;
      // Local rules run again when they reported (their messages may name resources elsewhere) or
      // when what they read from the graph may have changed; those of workspace reach likewise,
      // and when the set of namespaces changed.
      if (cached && change && !change.rerun(resource, cached, graph)) {
        if (!cached.hasWide || !change.touches(cached.wide.reads, graph)) {
          if (movedFrom) updates.set(resource, cached);
          readers?.add(resource, cached);
          if (cached.votes.length > 0 || cached.failures.length > 0) {
            reporting.push(cached);
            reportingInstances?.add(resource);
          }
          continue;
        }
        // Local results stand; rules that look across the workspace run again.
        wideRulesRunFor++;
        budget -= RULES_RUN_WEIGHT;
        outcome = withWideRerun(cached, runRules(resource, graph, tracked, input.config, applicableTo(resource).wide));
      } else {
        rulesRunFor++;
        budget -= RULES_RUN_WEIGHT;
        outcome = runRules(resource, graph, tracked, input.config, applicableTo(resource).all);
      }
      if (!this.once) updates.set(resource, outcome);
      readers?.add(resource, outcome);
      if (outcome.votes.length > 0 || outcome.failures.length > 0) {
        reporting.push(outcome);
        reportingInstances?.add(resource);
      }
    }

    // Votes per (source document, rule, span): a diagnostic stands when every instance reported it,
    // or when the instance of a build that is applied as such (no kustomization includes it) did:
    // a base whose finding every overlay patches away is fine, but an overlay that breaks its base
    // is wrong wherever the base is written.
    const votes = new Map<
      string,
      { diagnostic: Diagnostic; count: number; source: string; leafBuild: string | undefined }
    >();
    const ruleFailures: { rule: string; resource: string; error: string }[] = [];
    for (const outcome of reporting) {
      if (++step % (RESOURCES_PER_STEP * 16) === 0) yield;
      if (outcome.failures.length > 0) pushAll(ruleFailures, outcome.failures);
      for (const v of outcome.votes) {
        const existing = votes.get(v.key);
        if (existing) {
          existing.count++;
          existing.leafBuild ??= v.leafBuild;
        } else votes.set(v.key, { diagnostic: v.diagnostic, count: 1, source: v.source, leafBuild: v.leafBuild });
      }
    }
    const diagnostics: Diagnostic[] = [];
    for (const { diagnostic, count, source, leafBuild } of votes.values()) {
      if (count >= (workspace.instanceCounts.get(source) ?? 1)) diagnostics.push(diagnostic);
      else if (leafBuild !== undefined)
        diagnostics.push({
          ...diagnostic,
          message: `${diagnostic.message} (In the kustomize build of '${leafBuild}'.)`,
        });
    }
    pushAll(diagnostics, workspace.diagnostics);
    // In steps: a workspace can hold hundreds of thousands of findings (duplicate keys).
    const final: Diagnostic[] = [];
    for (let i = 0; i < diagnostics.length; i++) {
      if (i % DIAGNOSTICS_PER_STEP === DIAGNOSTICS_PER_STEP - 1) yield;
      const d = applySeverity(withFileOffsets(workspace, diagnostics[i]), input.config.rules[diagnostics[i].rule]);
      if (d !== undefined && !isSuppressedByComment(workspace, d)) final.push(d);
    }
    yield;
    final.sort(compareDiagnostics); // mostly sorted runs (each file's in order): close to linear
    yield;
    const analysis = { workspace, graph, diagnostics: final, ruleFailures, rulesRunFor, wideRulesRunFor };
    if (this.trees !== 'keep') this.loadCache.trees.release(this.trees === 'drop');
    // An Analyzer made for one run keeps nothing for a next.
    if (this.once) return analysis;
    // The run is complete: what the next run compares against is committed together.
    if (!readers || !reportingInstances) {
      // Only candidates were visited: the indexes follow the outcomes that changed.
      for (const r of change?.removed ?? []) {
        const old = this.outcomes.get(r);
        if (old) this.readers.delete(r, old);
        this.outcomes.delete(r);
        this.reportingInstances.delete(r);
      }
      for (const [r, outcome] of updates) {
        const old = this.outcomes.get(r);
        if (old) this.readers.delete(r, old);
        this.readers.add(r, outcome);
        this.outcomes.set(r, outcome);
        if (outcome.votes.length > 0 || outcome.failures.length > 0) this.reportingInstances.add(r);
        else this.reportingInstances.delete(r);
      }
    } else {
      if (change) {
        for (const r of change.removed) this.outcomes.delete(r);
        for (const [r, outcome] of updates) this.outcomes.set(r, outcome);
      } else {
        this.outcomes = updates;
      }
      this.readers = readers;
      this.reportingInstances = reportingInstances;
    }
    this.previousContext = context;
    this.previousNamespaces = namespacesKey;
    this.previous = { workspace, graph };
    this.loadCache.deltas = [];
    return analysis;
  }

  /**
   * The instances whose outcome may differ from the last run's, in resource order: those that
   * appeared (but documents only moved whose verdict stands: their outcome goes to `updates`), those that reported, those whose rules read what changed, and those in the namespaces,
   * directories and builds that changed (for local rules that asked across namespaces). Every other
   * instance keeps an outcome that reports nothing.
   */
  private candidates(
    change: Affected,
    known: ResourceChange,
    graph: TrafficGraph,
    updates: Map<Resource, RuleOutcome>,
  ): Resource[] {
    const removed = new Set(known.removed);
    const found = new Set<Resource>();
    for (const r of known.added) {
      // A moved document whose verdict stands is not visited: it takes its previous outcome here.
      const from = change.moved.get(r);
      const previous = from && this.outcomes.get(from);
      if (
        previous &&
        previous.votes.length === 0 &&
        previous.failures.length === 0 &&
        !change.rerun(r, previous, graph) &&
        (!previous.hasWide || !change.touches(previous.wide.reads, graph))
      )
        updates.set(r, previous);
      else found.add(r);
    }
    const keep = (r: Resource) => {
      if (!removed.has(r)) found.add(r);
    };
    // Local rules that asked questions across namespaces: by the instance's own namespace, directory and build.
    for (const r of this.readers.own)
      if (
        change.namespaces.has(r.namespace ?? '') ||
        change.directories.has(directoryOf(r.file)) ||
        (r.build !== undefined && change.builds.has(r.build))
      )
        keep(r);
    for (const r of this.reportingInstances) keep(r);
    for (const r of this.readers.all) keep(r);
    // Readers of workspace-wide facts (hasGateways...) only when an answer changed.
    const previousGraph = this.previous?.graph;
    if (!previousGraph || FACTS.some((fact) => previousGraph[fact] !== graph[fact]))
      for (const r of this.readers.facts) keep(r);
    for (const r of this.readers.answers) keep(r);
    for (const ns of change.namespaces) for (const r of this.readers.byNamespace.get(ns) ?? []) keep(r);
    // Resource order: by file position, then by document and item, then (instances of one document
    // in several builds) by place among the file's instances, looked up only then: indexing a
    // bundle's 20,000 instances for every edit cost more than the rest of this.
    const indexInFile = instanceIndexInFile(this.loadCache);
    const keyed = [...found].map((r) => ({ r, file: known.filePosition(r.file) }));
    keyed.sort(
      (a, b) => a.file - b.file || byDocument(a.r, b.r) || indexInFile(a.file, a.r) - indexInFile(b.file, b.r),
    );
    return keyed.map((k) => k.r);
  }

  /**
   * What changed since the last completed run's workspace, when this one was loaded by patching it
   * (through the patches of cancelled runs in between): instances removed and added.
   */
  private changeSincePrevious(workspace: LoadedWorkspace): ResourceChange | undefined {
    const previous = this.previous;
    const deltas = this.loadCache.deltas;
    if (!previous || workspace.templateDirs !== previous.workspace.templateDirs) return undefined;
    let i = deltas.findIndex((d) => d.from === previous.workspace);
    if (i < 0) return undefined;
    const removed = new Set<Resource>();
    const added = new Set<Resource>();
    let at = previous.workspace;
    for (; i < deltas.length; i++) {
      const d = deltas[i];
      if (d.from !== at) return undefined;
      for (const r of d.removed) if (!added.delete(r)) removed.add(r);
      for (const r of d.added) if (!removed.delete(r)) added.add(r);
      at = d.to;
    }
    if (at !== workspace) return undefined;
    const filePosition = deltas[deltas.length - 1].filePosition;
    // In resource order: by file (stable: a file's instances come from one patch, in order).
    const addedInOrder = [...added].sort((a, b) => filePosition(a.file) - filePosition(b.file));
    return { removed: [...removed], added: addedInOrder, filePosition };
  }

  /**
   * New instances that stand for previous ones: same file, the same tree at a position moved by one
   * length for the whole file (so their order among the file's instances is kept), and the same
   * decided fields (namespace, build, labels...). A rule's verdict on such an instance, and on others that read it, is
   * the previous one as long as nothing else it read changed; only a verdict that reported nothing
   * is kept this way (reports carry spans).
   */
  private *movedInstances(known: ResourceChange): Generator<void, Map<Resource, Resource>> {
    const moved = new Map<Resource, Resource>();
    if (known.added.length === 0 || known.removed.length === 0) return moved;
    const removedByKey = new Map<string, Resource[]>();
    for (const r of known.removed) {
      if (r.origins !== undefined || r.producedBy !== undefined) continue;
      const key = `${r.file}\u0000${r.build ?? ''}\u0000${r.id}\u0000${r.itemIndex ?? ''}\u0000${r.span.end - r.span.start}`;
      const list = removedByKey.get(key);
      if (list) list.push(r);
      else removedByKey.set(key, [r]);
    }
    const deltas = new Map<string, number>();
    const mixed = new Set<string>();
    let step = 0;
    for (const r of known.added) {
      if (++step % RESOURCES_PER_STEP === 0) yield;
      if (r.origins !== undefined || r.producedBy !== undefined) continue;
      const key = `${r.file}\u0000${r.build ?? ''}\u0000${r.id}\u0000${r.itemIndex ?? ''}\u0000${r.span.end - r.span.start}`;
      const list = removedByKey.get(key);
      const old = list?.shift();
      if (!old) continue;
      const delta = r.span.start - old.span.start;
      const seen = deltas.get(r.file);
      if (seen === undefined) deltas.set(r.file, delta);
      else if (seen !== delta) mixed.add(r.file);
      if (sameInstance(old, r) && (yield* isMovedTreeSteps(old.node, r.node, delta))) moved.set(r, old);
    }
    // A file whose documents moved by different lengths (reordered) keeps none.
    for (const r of moved.keys()) if (mixed.has(r.file)) moved.delete(r);
    return moved;
  }

  /**
   * Which instances need their rules run again, given the previous run's instances; and whether
   * what rules of workspace reach read for an instance may have changed.
   */
  private *affected(current: readonly Resource[], known: ResourceChange | undefined): Generator<void, Affected> {
    const changed: Resource[] = [];
    const removed: Resource[] = [];
    let moved = new Map<Resource, Resource>();
    if (known) {
      // The previous run's instances are the previous workspace's: the load said what changed.
      // Documents an edit only moved stand for their previous instances (see movedInstances).
      moved = yield* this.movedInstances(known);
      const previous = new Set(moved.values());
      for (const r of known.removed) if (!previous.has(r)) changed.push(r);
      for (const r of known.added) if (!moved.has(r)) changed.push(r);
      pushAll(removed, known.removed);
    } else {
      for (const r of current) if (!this.outcomes.has(r)) changed.push(r);
      if (changed.length > 0 || current.length !== this.outcomes.size) {
        const currentSet = new Set(current);
        for (const r of this.outcomes.keys()) {
          if (currentSet.has(r)) continue;
          changed.push(r);
          removed.push(r);
        }
      }
    }
    const namespaces = new Set(changed.map((r) => r.namespace ?? ''));
    const directories = new Set(changed.map((r) => directoryOf(r.file)));
    const builds = new Set(changed.map((r) => r.build).filter((b) => b !== undefined));
    const namespaceList = [...namespaces];
    // Questions whose every answer is as in the last run's graph (an index no change reached): the
    // answers read from them are not asked again one by one (each Ingress's claims, on every edit).
    const previousGraph = this.previous?.graph;
    const kept = new Map<string, boolean>();
    const answerKept = (graph: TrafficGraph, name: string) => {
      if (!previousGraph) return false;
      let is = kept.get(name);
      if (is === undefined) kept.set(name, (is = graph.answersAsIn(previousGraph, name)));
      return is;
    };
    const touches = (reads: Reads, graph: TrafficGraph) => {
      if (reads.namespaces === 'all') return true;
      if (reads.facts.size > 0) {
        for (let i = 0; i < FACTS.length; i++) {
          const fact = FACTS[i];
          if (reads.facts.has(fact) && graph[fact] !== reads.facts.get(fact)) return true;
        }
      }
      if (reads.answers)
        for (const answer of reads.answers)
          if (!answerKept(graph, answer.name) && !sameAnswer(graph, answer)) return true;
      const read = reads.namespaces;
      if (read.size === 0) return false;
      for (let i = 0; i < namespaceList.length; i++) if (read.has(namespaceList[i])) return true;
      return false;
    };
    // Asked for every unaffected instance: no iterator or closure allocated per call.
    return {
      removed,
      moved,
      namespaces,
      directories,
      builds,
      touches,
      rerun: (r, previous, graph) => {
        if (previous.votes.length > 0 || previous.failures.length > 0) return true;
        const reads = previous.reads;
        if (
          reads.own &&
          (namespaces.has(r.namespace ?? '') ||
            directories.has(previous.directory) ||
            (r.build !== undefined && builds.has(r.build)))
        )
          return true;
        return touches(reads, graph);
      },
    };
  }
}

interface TrackedGraph {
  readonly graph: TrafficGraph;
  reads: Reads | undefined;
  /** Whether `reads` are a local rule's (see Reads.own). */
  local: boolean;
}

/**
 * The graph as rules see it: every question records into `reads` (set before each rule runs) which
 * namespaces its answer depends on, as graph/readScopes.ts declares; a question across namespaces
 * records 'all' for a rule of workspace reach (it runs again on every change) and `own` for a local one.
 */
function trackingGraph(graph: TrafficGraph): TrackedGraph {
  let reads: Reads | undefined;
  let local = false;
  const log: ReadLog = {
    namespaces(read) {
      if (!reads || reads.namespaces === 'all') return;
      for (const ns of read) {
        if (reads.namespaces === NO_READS.namespaces) reads.namespaces = new Set();
        reads.namespaces.add(ns ?? '');
      }
    },
    everything() {
      if (!reads) return;
      if (local) reads.own = true;
      else reads.namespaces = 'all';
    },
    fact(name, answer) {
      if (!reads) return;
      if (reads.facts === NO_READS.facts) reads.facts = new Map();
      reads.facts.set(name, answer);
    },
    answer(read) {
      if (!reads) return;
      const answers = (reads.answers ??= []);
      // One entry per question: a rule asks the same of every Ingress it checks.
      if (!answers.some((a) => a.name === read.name && a.value === read.value && sameArgs(a.args, read.args)))
        answers.push(read);
    },
  };
  const tracked = trackReads(graph, () => (reads && reads.namespaces !== 'all' ? log : undefined));
  return {
    graph: tracked,
    get reads() {
      return reads;
    },
    set reads(r) {
      reads = r;
    },
    get local() {
      return local;
    },
    set local(l: boolean) {
      local = l;
    },
  };
}

/**
 * What the rules report through while judging one instance: one object for all of them, told whose
 * turn it is before each runs. A context and a closure per rule and instance made the rule phase of
 * a cold check of 20,000 resources allocate about 50 MB.
 */
class InstanceReports implements RuleContext {
  private rule: Rule | undefined;
  private wide = false;
  /** The keys the rule in hand reported on this instance (a rule reports a place once). */
  private seen: Set<string> | undefined;

  constructor(
    readonly graph: TrafficGraph,
    readonly config: AnalysisConfig,
    private readonly resource: Resource,
    private readonly source: string,
    private readonly votes: Vote[],
    private readonly wideVotes: Vote[],
  ) {}

  /** The next rule's turn; whether it is of workspace reach. */
  judging(rule: Rule): boolean {
    this.rule = rule;
    this.wide = rule.reach === 'workspace';
    this.seen = undefined;
    return this.wide;
  }

  report(r: Report): void {
    const rule = this.rule!;
    const key = `${this.source}|${rule.id}|${r.span.start}|${r.span.end}`;
    if (this.seen?.has(key)) return;
    (this.seen ??= new Set()).add(key);
    const vote = {
      key,
      source: this.source,
      diagnostic: toDiagnostic(rule, this.resource, r),
      leafBuild: this.resource.leafBuild ? this.resource.build : undefined,
    };
    this.votes.push(vote);
    if (this.wide) this.wideVotes.push(vote);
  }
}

/**
 * What a one-shot analysis reads of an instance's trees: its typed view (graph/views.ts) and its
 * own facts (model/ownFacts.ts). Read once: both are kept per instance.
 */
function readFromTrees(resources: readonly Resource[]): void {
  for (let i = 0; i < resources.length; i++) readFromTree(resources[i]);
}

function readFromTree(resource: Resource): void {
  typedView(resource);
  readOwnFacts(resource);
}

/** The same for a load's instances (those read early: two lookups each). */
function* readAllFromTrees(resources: readonly Resource[]): Generator<void, void> {
  for (let i = 0; i < resources.length; i++) {
    if (i % RESOURCES_PER_STEP === RESOURCES_PER_STEP - 1) yield;
    readFromTree(resources[i]);
  }
}

/** The rule that reports why the API server rejects a workload (Workload.rejected). */
const REJECTION_RULE = 'workload-selector-mismatch';

function runRules(
  resource: Resource,
  graph: TrafficGraph,
  /** Where the rules' reads are recorded; none for an Analyzer made for one run (the outcome then reads nothing). */
  tracked: TrackedGraph | undefined,
  config: AnalysisConfig,
  rules: readonly Rule[],
): RuleOutcome {
  const votes: Vote[] = [];
  const failures: { rule: string; resource: string; error: string }[] = [];
  const wideVotes: Vote[] = [];
  const wideFailures: { rule: string; resource: string; error: string }[] = [];
  // The shared empty set and map until a question records into them (trackingGraph): most
  // instances' rules ask nothing of one kind or the other.
  const reads: Reads = { namespaces: NO_READS.namespaces, facts: NO_READS.facts, own: false };
  const localReads: Reads = { namespaces: NO_READS.namespaces, facts: NO_READS.facts, own: false };
  const hasWide = rules.some((r) => r.reach === 'workspace');
  const directory = directoryOf(resource.file);
  if (resource.uncertain)
    return ruleOutcome(votes, failures, wideVotes, wideFailures, reads, localReads, hasWide, directory);
  const source = sourceKey(resource);
  // The API server rejects a workload whose selector does not match its template: it never runs,
  // so the rejection is its only finding (no cascade of overlap, port or policy findings on it).
  const rejected = graph.workload(resource)?.rejected === true;
  const ctx = new InstanceReports(tracked?.graph ?? graph, config, resource, source, votes, wideVotes);
  for (const rule of rules) {
    if (resource.ignoredRules.has(rule.id) || resource.ignoredRules.has('*')) continue;
    if (rejected && rule.id !== REJECTION_RULE) continue;
    const wide = ctx.judging(rule);
    if (tracked) {
      tracked.reads = wide ? reads : localReads;
      tracked.local = !wide;
    }
    try {
      runChecks(rule, ctx, resource, graph);
    } catch (err) {
      const failure = { rule: rule.id, resource: resource.id, error: (err as Error)?.stack ?? String(err) };
      failures.push(failure);
      // Said on the resource too, where the user looks: this rule's verdict on it is unknown.
      const key = `${source}|analysis-incomplete|${rule.id}`;
      const diagnostic: Diagnostic = {
        file: resource.file,
        span: resource.kindSpan,
        severity: 'info',
        rule: 'analysis-incomplete',
        resource: resource.id,
        related: [],
        message: `Rule ${rule.id} could not judge ${resource.id} (internal error: ${errorLine(err)}); the other rules are unaffected.`,
      };
      const vote: Vote = { key, source, diagnostic, leafBuild: undefined };
      votes.push(vote);
      if (wide) wideVotes.push(vote);
      if (wide) wideFailures.push(failure);
      if (wide) reads.namespaces = 'all';
      else localReads.own = true;
    } finally {
      if (tracked) tracked.reads = undefined;
    }
  }
  return ruleOutcome(votes, failures, wideVotes, wideFailures, reads, localReads, hasWide, directory);
}

const NONE: readonly never[] = Object.freeze([]);
/** What an instance that asked nothing read (shared: outcomes are never changed once made). */
const NO_READS: Reads = { namespaces: new Set(), facts: new Map(), own: false };
const NOTHING_WIDE: RuleOutcome['wide'] = { votes: NONE, failures: NONE, reads: NO_READS };

/** Read sets of one namespace (most instances read only their own), shared; bounded for a long-lived process. */
const ONE_NAMESPACE = new Map<string, Set<string>>();
function oneNamespace(read: Set<string>): Set<string> | undefined {
  const [ns] = read;
  let shared = ONE_NAMESPACE.get(ns);
  if (!shared && ONE_NAMESPACE.size < 10_000) ONE_NAMESPACE.set(ns, (shared = read));
  return shared;
}

/** Reads kept between runs, with their empty or one-namespace parts shared. */
function compactReads(reads: Reads): Reads {
  const noNamespace = reads.namespaces !== 'all' && reads.namespaces.size === 0;
  if (reads.answers) return reads;
  if (noNamespace && reads.facts.size === 0 && !reads.own) return NO_READS;
  const one = reads.namespaces !== 'all' && reads.namespaces.size === 1 ? oneNamespace(reads.namespaces) : undefined;
  if (!noNamespace && !one && reads.facts.size > 0) return reads;
  return {
    namespaces: noNamespace ? NO_READS.namespaces : (one ?? reads.namespaces),
    facts: reads.facts.size === 0 ? NO_READS.facts : reads.facts,
    own: reads.own,
  };
}

/** An outcome kept per instance between runs: most have no finding and read nothing, and share empty parts. */
function ruleOutcome(
  votes: readonly Vote[],
  failures: RuleOutcome['failures'],
  wideVotes: readonly Vote[],
  wideFailures: RuleOutcome['failures'],
  wideReads: Reads,
  localReads: Reads,
  hasWide: boolean,
  directory: string,
): RuleOutcome {
  const reads = compactReads(wideReads);
  const wide =
    reads === NO_READS && wideVotes.length === 0 && wideFailures.length === 0
      ? NOTHING_WIDE
      : {
          votes: wideVotes.length === 0 ? NONE : wideVotes,
          failures: wideFailures.length === 0 ? NONE : wideFailures,
          reads,
        };
  return {
    votes: votes.length === 0 ? NONE : votes,
    failures: failures.length === 0 ? NONE : failures,
    wide,
    reads: compactReads(localReads),
    hasWide,
    directory,
  };
}

/**
 * An outcome whose rules of workspace reach ran again: the local part kept, the wide part replaced.
 * (Outside the rule loop: a closure in the loop body would allocate a context per instance.)
 */
function withWideRerun(cached: RuleOutcome, wide: RuleOutcome): RuleOutcome {
  const keep = (v: Vote) => !cached.wide.votes.includes(v);
  return {
    votes: [...cached.votes.filter(keep), ...wide.votes],
    failures: [...cached.failures.filter((f) => !cached.wide.failures.includes(f)), ...wide.failures],
    wide: wide.wide,
    reads: cached.reads,
    hasWide: true,
    directory: cached.directory,
  };
}

/** Whether two instances of the same text were decided alike (namespace, build, labels, ignored rules...). */
function sameInstance(a: Resource, b: Resource): boolean {
  return (
    a.apiVersion === b.apiVersion &&
    a.kind === b.kind &&
    a.name === b.name &&
    a.namespace === b.namespace &&
    a.build === b.build &&
    a.leafBuild === b.leafBuild &&
    a.uncertain === b.uncertain &&
    a.namesTransformed === b.namesTransformed &&
    JSON.stringify(a.namespaceOrigin) === JSON.stringify(b.namespaceOrigin) &&
    JSON.stringify(a.buildLabels) === JSON.stringify(b.buildLabels) &&
    JSON.stringify(a.labels) === JSON.stringify(b.labels) &&
    JSON.stringify(a.annotations) === JSON.stringify(b.annotations) &&
    a.ignoredRules.size === b.ignoredRules.size &&
    [...a.ignoredRules].every((rule) => b.ignoredRules.has(rule))
  );
}

function toDiagnostic(rule: Rule, resource: Resource, r: Report): Diagnostic {
  const related: RelatedLocation[] = (r.related ?? []).map((rel) => ({
    ...resolveSpan(rel.resource.file, rel.span ?? resourceAnchor(rel.resource), rel.resource.origins),
    message: `${rel.resource.id}: ${rel.message}`,
  }));
  // A node a kustomize patch put in the tree is reported in the patch (origin.ts).
  const at = resolveSpan(resource.file, r.span, resource.origins);
  return {
    file: at.file,
    span: at.span,
    severity: r.severity ?? rule.severity,
    rule: rule.id,
    message: r.message,
    resource: resource.id,
    related,
  };
}

/**
 * A diagnostic with framed offsets (origin.ts) resolved in its file's current reading: findings are
 * kept framed (a document an edit moved keeps its results), and leave the analysis in file offsets.
 */
function withFileOffsets(workspace: LoadedWorkspace, d: Diagnostic): Diagnostic {
  const framed = (s: Span) => isFramed(s.start);
  if (!framed(d.span) && !d.related.some((r) => framed(r.span))) return d;
  const resolve = (file: string, s: Span) => placeInFile({ workspace }, file, s).span;
  return {
    ...d,
    span: resolve(d.file, d.span),
    related: d.related.map((r) => (framed(r.span) ? { ...r, span: resolve(r.file, r.span) } : r)),
  };
}

function applySeverity(d: Diagnostic, override: Severity | 'off' | undefined): Diagnostic | undefined {
  if (override === 'off') return undefined;
  return override ? { ...d, severity: override } : d;
}

function isSuppressedByComment(workspace: LoadedWorkspace, d: Diagnostic): boolean {
  const file = workspace.files.get(d.file);
  if (!file || file.disabledLines.size === 0) return false;
  const disabled = file.disabledLines.get(file.lines.position(d.span.start).line);
  return disabled === 'all' || (disabled !== undefined && disabled.has(d.rule));
}

const sameArgs = (a: readonly unknown[], b: readonly unknown[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);
