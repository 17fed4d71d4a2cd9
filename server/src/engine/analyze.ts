// The engine's entry point: (path, text) pairs and settings in, resources, graph and diagnostics out.
// Each rule runs per resource instance inside its own guard; a diagnostic from a source document that
// kustomize builds more than once is reported once, and only when every build agrees.
import type { AnalysisConfig, Severity } from './config';
import { compareDiagnostics, type Diagnostic, type RelatedLocation } from './diagnostics';
import { TrafficGraph } from './graph';
import { sourceKey, type Resource } from './model/resource';
import { RULES } from './rules';
import { resourceAnchor, type Report, type Rule } from './rules/rule';
import { loadWorkspace, type FileParser, type LoadedWorkspace, type SkippedFile, type WorkspaceFile } from './workspace';

export interface Analysis {
  readonly workspace: LoadedWorkspace;
  readonly graph: TrafficGraph;
  readonly diagnostics: readonly Diagnostic[];
  /** Rules that threw; reported by adapters as internal errors, never fatal. */
  readonly ruleFailures: readonly { rule: string; resource: string; error: string }[];
}

export interface AnalyzeInput {
  readonly files: readonly WorkspaceFile[];
  readonly skipped?: readonly SkippedFile[];
  readonly config: AnalysisConfig;
  readonly rules?: readonly Rule[];
  readonly parse?: FileParser;
}

export function analyze(input: AnalyzeInput): Analysis {
  const workspace = loadWorkspace(input.files, input.skipped ?? [], input.config, input.parse);
  const graph = new TrafficGraph(workspace.resources, workspace.templateDirs);
  const rules = input.rules ?? RULES;
  const byKind = new Map<string, Rule[]>();
  for (const rule of rules) {
    if (input.config.rules[rule.id] === 'off') continue;
    for (const kind of rule.kinds) byKind.set(kind, [...(byKind.get(kind) ?? []), rule]);
  }

  // Votes per (source document, rule, span): a diagnostic stands when every instance reported it.
  const votes = new Map<string, { diagnostic: Diagnostic; count: number; source: string }>();
  const ruleFailures: { rule: string; resource: string; error: string }[] = [];
  for (const resource of workspace.resources) {
    if (resource.uncertain) continue;
    for (const rule of [...(byKind.get(resource.kind) ?? []), ...(byKind.get('*') ?? [])]) {
      if (resource.ignoredRules.has(rule.id) || resource.ignoredRules.has('*')) continue;
      const seenHere = new Set<string>();
      const ctx = {
        graph,
        config: input.config,
        report(r: Report) {
          const diagnostic = toDiagnostic(rule, resource, r);
          const source = sourceKey(resource);
          const key = `${source}|${rule.id}|${r.span.start}|${r.span.end}`;
          if (seenHere.has(key)) return;
          seenHere.add(key);
          const vote = votes.get(key);
          if (vote) vote.count++;
          else votes.set(key, { diagnostic, count: 1, source });
        },
      };
      try {
        rule.check(ctx, resource);
      } catch (err) {
        ruleFailures.push({ rule: rule.id, resource: resource.id, error: (err as Error)?.stack ?? String(err) });
      }
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
  return { workspace, graph, diagnostics: final, ruleFailures };
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
