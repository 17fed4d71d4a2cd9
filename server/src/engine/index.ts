// The engine's public surface for the adapters (CLI, language server).
export {
  analyze,
  Analyzer,
  CANCELLED,
  type Analysis,
  type AnalyzeInput,
  type AsyncRunOptions,
  type TreesBetweenRuns,
} from './analyze';
export { placeInFile } from './analysis';
export { DEFAULT_CONFIG, normalizeConfig, parseConfigFile, type AnalysisConfig, type Severity } from './config';
export type { Diagnostic, RelatedLocation } from './diagnostics';
export { TrafficGraph } from './graph';
export { allRuleMeta, ruleDocsUrl, RULES, BUILTIN_RULES } from './rules';
export { LineIndex, lineIndexesOf, type Position, type Span } from './text';
export type { WorkspaceFile, SkippedFile } from './workspace';
export type { RenderedBuild } from './kustomizeRendered';
