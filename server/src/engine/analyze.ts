// The engine's entry point: (path, text) pairs and settings in, resources, graph and diagnostics out.
// Each rule runs per resource instance inside its own guard; a diagnostic from a source document that
// kustomize builds more than once is reported once, and only when every build agrees.
//
// `Analyzer` keeps what a re-analysis can reuse (the language server runs one per workspace): file
// readings and resource instances while unchanged (LoadCache), and each instance's rule reports.
// After an edit, rules run again only for the instances the edit can affect: those in the
// namespaces, directories and kustomize builds where an instance appeared or disappeared (every
// rule judges a resource against resources of its own namespace, or, for cluster-wide claims such
// as node ports, against those applied with it: same directory or build), and those that reported
// something before (their messages may name resources elsewhere). A change of settings, of the kustomize layout or
// of the set of unrendered template directories re-runs everything.
import type { AnalysisConfig, Severity } from './config';
import { compareDiagnostics, type Diagnostic, type RelatedLocation } from './diagnostics';
import { TrafficGraph } from './graph';
import { directoryOf, sourceKey, type Resource } from './model/resource';
import { RULES } from './rules';
import { resourceAnchor, type Report, type Rule } from './rules/rule';
import { LoadCache, loadWorkspace, type FileParser, type LoadedWorkspace, type SkippedFile, type WorkspaceFile } from './workspace';

export interface Analysis {
  readonly workspace: LoadedWorkspace;
  readonly graph: TrafficGraph;
  readonly diagnostics: readonly Diagnostic[];
  /** Rules that threw; reported by adapters as internal errors, never fatal. */
  readonly ruleFailures: readonly { rule: string; resource: string; error: string }[];
  /** How many resource instances had their rules run (all of them on a first analysis). */
  readonly rulesRunFor: number;
}

export interface AnalyzeInput {
  readonly files: readonly WorkspaceFile[];
  readonly skipped?: readonly SkippedFile[];
  readonly config: AnalysisConfig;
  readonly rules?: readonly Rule[];
  readonly parse?: FileParser;
}

interface Vote {
  readonly key: string;
  readonly source: string;
  readonly diagnostic: Diagnostic;
}

interface RuleOutcome {
  readonly votes: readonly Vote[];
  readonly failures: readonly { rule: string; resource: string; error: string }[];
  /** The part of votes and failures that came from rules of workspace reach, re-run every time. */
  readonly wide: { readonly votes: readonly Vote[]; readonly failures: readonly { rule: string; resource: string; error: string }[] };
}

export function analyze(input: AnalyzeInput): Analysis {
  return new Analyzer().run(input);
}

export class Analyzer {
  private readonly loadCache = new LoadCache();
  private outcomes = new Map<Resource, RuleOutcome>();
  private previousContext: string | undefined;

  run(input: AnalyzeInput): Analysis {
    const workspace = loadWorkspace(input.files, input.skipped ?? [], input.config, input.parse, this.loadCache);
    const graph = new TrafficGraph(workspace.resources, workspace.templateDirs);
    const rules = input.rules ?? RULES;
    const byKind = new Map<string, Rule[]>();
    for (const rule of rules) {
      if (input.config.rules[rule.id] === 'off') continue;
      for (const kind of rule.kinds) byKind.set(kind, [...(byKind.get(kind) ?? []), rule]);
    }

    const context = JSON.stringify([input.config, [...workspace.templateDirs].sort(), [...workspace.kustomize.memberships.keys()].sort(), rules.map((r) => r.id)]);
    const rerunAll = context !== this.previousContext;
    this.previousContext = context;
    const rerun = rerunAll ? undefined : this.affected(workspace.resources);

    const outcomes = new Map<Resource, RuleOutcome>();
    let rulesRunFor = 0;
    for (const resource of workspace.resources) {
      const applicable = [...(byKind.get(resource.kind) ?? []), ...(byKind.get('*') ?? [])];
      const cached = this.outcomes.get(resource);
      if (cached && rerun && !rerun(resource)) {
        const wideRules = applicable.filter((r) => r.reach === 'workspace');
        if (wideRules.length === 0) {
          outcomes.set(resource, cached);
          continue;
        }
        // Local results stand; rules that look across the workspace run again.
        const wide = runRules(resource, graph, input.config, wideRules);
        const keep = (v: Vote) => !cached.wide.votes.includes(v);
        outcomes.set(resource, {
          votes: [...cached.votes.filter(keep), ...wide.votes],
          failures: [...cached.failures.filter((f) => !cached.wide.failures.includes(f)), ...wide.failures],
          wide: { votes: wide.votes, failures: wide.failures },
        });
        continue;
      }
      rulesRunFor++;
      outcomes.set(resource, runRules(resource, graph, input.config, applicable));
    }
    this.outcomes = outcomes;

    // Votes per (source document, rule, span): a diagnostic stands when every instance reported it.
    const votes = new Map<string, { diagnostic: Diagnostic; count: number; source: string }>();
    const ruleFailures: { rule: string; resource: string; error: string }[] = [];
    for (const outcome of outcomes.values()) {
      ruleFailures.push(...outcome.failures);
      for (const v of outcome.votes) {
        const existing = votes.get(v.key);
        if (existing) existing.count++;
        else votes.set(v.key, { diagnostic: v.diagnostic, count: 1, source: v.source });
      }
    }
    const diagnostics: Diagnostic[] = [];
    for (const { diagnostic, count, source } of votes.values()) {
      if (count >= (workspace.instanceCounts.get(source) ?? 1)) diagnostics.push(diagnostic);
    }
    diagnostics.push(...workspace.diagnostics);
    const final = diagnostics
      .map((d) => applySeverity(d, input.config.rules[d.rule]))
      .filter((d): d is Diagnostic => d !== undefined && !isSuppressedByComment(workspace, d))
      .sort(compareDiagnostics);
    return { workspace, graph, diagnostics: final, ruleFailures, rulesRunFor };
  }

  /** Which instances need their rules run again, given the previous run's instances. */
  private affected(current: readonly Resource[]): (r: Resource) => boolean {
    const currentSet = new Set(current);
    const changed: Resource[] = current.filter((r) => !this.outcomes.has(r));
    for (const r of this.outcomes.keys()) if (!currentSet.has(r)) changed.push(r);
    const namespaces = new Set(changed.map((r) => r.namespace ?? ''));
    const directories = new Set(changed.map((r) => directoryOf(r.file)));
    const builds = new Set(changed.map((r) => r.build).filter((b) => b !== undefined));
    return (r) => {
      if (namespaces.has(r.namespace ?? '') || directories.has(directoryOf(r.file)) || (r.build !== undefined && builds.has(r.build))) return true;
      const previous = this.outcomes.get(r);
      return previous !== undefined && (previous.votes.length > 0 || previous.failures.length > 0);
    };
  }
}

const NOTHING_REPORTED: RuleOutcome = Object.freeze({ votes: [], failures: [], wide: Object.freeze({ votes: [], failures: [] }) });

function runRules(resource: Resource, graph: TrafficGraph, config: AnalysisConfig, rules: readonly Rule[]): RuleOutcome {
  const votes: Vote[] = [];
  const failures: { rule: string; resource: string; error: string }[] = [];
  const wideVotes: Vote[] = [];
  const wideFailures: { rule: string; resource: string; error: string }[] = [];
  if (resource.uncertain) return NOTHING_REPORTED;
  const source = sourceKey(resource);
  for (const rule of rules) {
    if (resource.ignoredRules.has(rule.id) || resource.ignoredRules.has('*')) continue;
    let seen: Set<string> | undefined;
    const ctx = {
      graph,
      config,
      report(r: Report) {
        const key = `${source}|${rule.id}|${r.span.start}|${r.span.end}`;
        if (seen?.has(key)) return;
        (seen ??= new Set()).add(key);
        const vote = { key, source, diagnostic: toDiagnostic(rule, resource, r) };
        votes.push(vote);
        if (rule.reach === 'workspace') wideVotes.push(vote);
      },
    };
    try {
      rule.check(ctx, resource);
    } catch (err) {
      const failure = { rule: rule.id, resource: resource.id, error: (err as Error)?.stack ?? String(err) };
      failures.push(failure);
      if (rule.reach === 'workspace') wideFailures.push(failure);
    }
  }
  // Most instances report nothing: they share one outcome, kept between runs.
  if (votes.length === 0 && failures.length === 0) return NOTHING_REPORTED;
  return { votes, failures, wide: { votes: wideVotes, failures: wideFailures } };
}

function toDiagnostic(rule: Rule, resource: Resource, r: Report): Diagnostic {
  const related: RelatedLocation[] = (r.related ?? []).map((rel) => ({
    file: rel.resource.file,
    span: rel.span ?? resourceAnchor(rel.resource),
    message: `${rel.resource.id}: ${rel.message}`,
  }));
  return { file: resource.file, span: r.span, severity: rule.severity, rule: rule.id, message: r.message, resource: resource.id, related };
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
