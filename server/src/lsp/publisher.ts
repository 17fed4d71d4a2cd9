// The diagnostics publisher: turns an analysis's diagnostics into what each file shows (moved onto
// chart lines, filtered, capped per file), sends only the files whose diagnostics changed and
// clears the files that became clean; and tells the client the state of the workspace (the index
// status for the status bar, a code lens refresh after each analysis).
import * as path from 'node:path';
import * as lsp from 'vscode-languageserver/node';
import type { Analysis, AnalysisConfig, Diagnostic, LineIndex } from '../engine';
import { textOf as wholeText, type SourceText } from '../engine/splicedText';
import { IndexStatusNotification } from '../protocol';
import type { HelmState } from './helmState';
import * as proto from './toProto';

/** Only files that look like manifests get diagnostics (a broken CI workflow is not ours to report). */
const LOOKS_LIKE_MANIFEST = /^[ \t]*apiVersion[ \t]*:/m; // [ \t], not \s: no backtracking over blank lines
/** Read first from a long text (a bundle's first document says it), so that an edited one is not joined. */
const MANIFEST_HEAD = 64 * 1024;

function looksLikeManifestText(text: SourceText | undefined): boolean {
  if (text === undefined) return false;
  return (
    LOOKS_LIKE_MANIFEST.test(text.slice(0, MANIFEST_HEAD)) ||
    (text.length > MANIFEST_HEAD && LOOKS_LIKE_MANIFEST.test(wholeText(text)))
  );
}

/** Notes on files that are not analysed: published on the file whatever it looks like, and listed in the status. */
const SKIP_NOTES = new Set(['helm-template-skipped', 'file-too-large']);
/** Skipped files named in the status notification at most (the count is always given). */
const MAX_SKIPPED_LISTED = 50;

export interface DiagnosticsPublisherOptions {
  readonly connection: Pick<lsp.Connection, 'sendDiagnostics' | 'sendNotification' | 'sendRequest'>;
  readonly helm: HelmState;
  readonly settings: { readonly config: AnalysisConfig; readonly syntaxDiagnostics: boolean };
  /** Files that could not be read, with the reason: a note on each, and listed in the status. */
  readonly files: { readonly unreadable: ReadonlyMap<string, string> };
}

/** What the status notification after an analysis says. */
export interface AnalysisStatus {
  /** The analysis's diagnostics, with the notes on templates (withTemplateNotes). */
  readonly diagnostics: readonly Diagnostic[];
  readonly resources: number;
  readonly files: number;
  readonly indexing: boolean;
  readonly cancelledAnalyses: number;
}

export class DiagnosticsPublisher {
  /** The client re-asks for code lenses when told (LSP 3.16 workspace/codeLens/refresh). */
  canRefreshCodeLenses = false;
  /** uri -> JSON of what was last sent. */
  private published = new Map<string, string>();
  /** uri -> the engine's diagnostics it was made from. */
  private publishedSources = new Map<string, readonly Diagnostic[]>();

  constructor(private readonly options: DiagnosticsPublisherOptions) {}

  /** The cap or the filters may change: every file's diagnostics are converted again at the next publish. */
  convertAllAgain(): void {
    this.publishedSources = new Map();
  }

  /**
   * Publishes the diagnostics of every file whose diagnostics changed since the last publish, and
   * empty lists for the files that had some and have none now.
   */
  publish(
    analysed: readonly Diagnostic[],
    workspaceLines: (file: string) => LineIndex | undefined,
    sourceOf: (file: string) => SourceText | undefined,
    resources?: Analysis['workspace']['resources'],
  ): void {
    const { connection, helm, settings } = this.options;
    const { published, publishedSources } = this;
    const textOf = (file: string) => {
      const source = sourceOf(file);
      return source === undefined ? undefined : wholeText(source);
    };
    // Findings in rendered charts go to the template and values lines that wrote them.
    const diagnostics = helm.finish(analysed, { resources: resources ?? [], textOf });
    const linesOf = helm.linesOf(workspaceLines);
    const manifestMemo = new Map<string, boolean>();
    const looksLikeManifest = (file: string) => {
      let yes = manifestMemo.get(file);
      if (yes === undefined)
        manifestMemo.set(file, (yes = looksLikeManifestText(sourceOf(file)) || helm.isChartFile(file)));
      return yes;
    };
    const byFile = new Map<string, Diagnostic[]>();
    for (const d of diagnostics) {
      // A chart that is not rendered is said once, on its Chart.yaml; its templates stay quiet.
      if (d.rule === 'helm-template-skipped' && path.basename(d.file) !== 'Chart.yaml' && helm.isChartFile(d.file))
        continue;
      // A skipped file has no text to look at: the note is the reason, said as the CLI says it.
      if (!SKIP_NOTES.has(d.rule) && !looksLikeManifest(d.file)) continue;
      if (!settings.syntaxDiagnostics && (d.rule === 'yaml-syntax' || d.rule === 'yaml-duplicate-key')) continue;
      const list = byFile.get(d.file);
      if (list) list.push(d);
      else byFile.set(d.file, [d]);
    }
    for (const [file, reason] of this.options.files.unreadable) {
      if (!byFile.has(file)) byFile.set(file, [unreadableNote(file, reason)]);
    }
    const next = new Map<string, string>();
    const nextSources = new Map<string, readonly Diagnostic[]>();
    for (const [file, all] of byFile) {
      const uriOf = proto.pathToUri(file);
      nextSources.set(uriOf, all);
      // The same diagnostic objects as last time (an unchanged file's findings are kept by the
      // engine): nothing to convert or send.
      const before = publishedSources.get(uriOf);
      if (before && before.length === all.length && before.every((d, i) => d === all[i]) && published.has(uriOf)) {
        next.set(uriOf, published.get(uriOf)!);
        continue;
      }
      // Capped before conversion: a file with 130,000 findings costs a bounded list per publish.
      const max = settings.config.maxDiagnosticsPerFile;
      const { kept, hidden } = capped(all, max);
      const diagnostics: lsp.Diagnostic[] = [];
      for (const d of kept) {
        const converted = proto.diagnostic(d, linesOf);
        if (converted) diagnostics.push(converted);
      }
      if (hidden) diagnostics.push(proto.omittedSummary(all.length - kept.length, hidden, max));
      const uri = proto.pathToUri(file);
      const json = JSON.stringify(diagnostics);
      next.set(uri, json);
      if (published.get(uri) !== json) void connection.sendDiagnostics({ uri, diagnostics });
    }
    for (const uri of published.keys()) if (!next.has(uri)) void connection.sendDiagnostics({ uri, diagnostics: [] });
    this.published = next;
    this.publishedSources = nextSources;
  }

  /** Lenses asked for while a document was ahead of the analysis were answered empty: ask again. */
  refreshCodeLenses(): void {
    if (this.canRefreshCodeLenses)
      void this.options.connection.sendRequest(lsp.CodeLensRefreshRequest.type).catch(() => undefined);
  }

  /** Indexing has read `files` files so far. */
  indexingProgress(files: number): void {
    void this.options.connection.sendNotification(IndexStatusNotification, { resources: 0, files, indexing: true });
  }

  /** After an analysis: resources and files, what was not analysed and why, for the status bar. */
  analysisStatus(status: AnalysisStatus): void {
    const charts = this.options.helm.notRendered;
    const notAnalysed = [
      ...status.diagnostics.filter((d) => SKIP_NOTES.has(d.rule)).map((d) => ({ path: d.file, reason: d.message })),
      ...[...this.options.files.unreadable].map(([p, reason]) => ({ path: p, reason: `cannot be read (${reason})` })),
    ];
    void this.options.connection.sendNotification(IndexStatusNotification, {
      resources: status.resources,
      files: status.files,
      indexing: status.indexing,
      cancelledAnalyses: status.cancelledAnalyses,
      chartsNotRendered: charts.count,
      chartsNotRenderedReason: charts.reason,
      skipped: notAnalysed.slice(0, MAX_SKIPPED_LISTED),
      skippedCount: notAnalysed.length,
    });
  }
}

const SEVERITY_RANK: Record<Diagnostic['severity'], number> = { error: 0, warning: 1, info: 2, hint: 3 };

/**
 * At most max diagnostics for one file: the most severe first (kept in order), and the count of
 * the rest by severity, which one summary stands for, so that a file with 130,000 duplicate keys
 * costs the editor one bounded list.
 */
export function capped(
  list: readonly Diagnostic[],
  max: number,
): { kept: readonly Diagnostic[]; hidden: Record<Diagnostic['severity'], number> | undefined } {
  if (list.length <= max) return { kept: list, hidden: undefined };
  const room = Math.max(0, max - 1);
  // Counting sort by severity: the kept ones are the first `room` in (severity, order).
  const keep = new Set<Diagnostic>();
  for (let rank = 0; rank <= 3 && keep.size < room; rank++)
    for (const d of list) if (SEVERITY_RANK[d.severity] === rank && keep.size < room) keep.add(d);
  const hidden = { error: 0, warning: 0, info: 0, hint: 0 };
  const kept: Diagnostic[] = [];
  for (const d of list) {
    if (keep.has(d)) kept.push(d);
    else hidden[d.severity]++;
  }
  return { kept, hidden };
}

/** A file the server could not read: said on the file, as the CLI warns about it. */
function unreadableNote(file: string, reason: string): Diagnostic {
  return {
    file,
    span: { start: 0, end: 0 },
    severity: 'info',
    rule: 'analysis-incomplete',
    related: [],
    message: `File not analysed: it cannot be read (${reason}).`,
  };
}

/** The analysis's diagnostics with a note on each template file the engine set aside without one. */
export function withTemplateNotes(a: Analysis): readonly Diagnostic[] {
  const templateNotes = unnotedTemplates(a);
  return templateNotes.length ? [...a.diagnostics, ...templateNotes] : a.diagnostics;
}

/**
 * Template files the engine set aside without a note of their own (`{{ }}` in a templates/
 * directory outside a Helm chart; a chart has one note, on its Chart.yaml): a note each, so that
 * what is not analysed shows in Problems and the status.
 */
function unnotedTemplates(a: Analysis): Diagnostic[] {
  const noted = new Set<string>();
  for (const d of a.diagnostics) if (d.rule === 'helm-template-skipped') noted.add(d.file);
  // Files of a chart are rendered, or said once on its Chart.yaml by the engine: never a note each
  // (a rendered chart's Chart.yaml was told it is "not analysed until rendered").
  const charts: string[] = [];
  for (const file of a.workspace.files.keys())
    if (file === 'Chart.yaml' || file.endsWith('/Chart.yaml')) charts.push(file.slice(0, -'Chart.yaml'.length));
  const out: Diagnostic[] = [];
  for (const [file, f] of a.workspace.files) {
    if (f.role !== 'template' || noted.has(file) || charts.some((dir) => file.startsWith(dir))) continue;
    out.push({
      file,
      span: { start: 0, end: 0 },
      severity: 'info',
      rule: 'helm-template-skipped',
      related: [],
      message: 'File contains template syntax ({{ }}) and is not analysed until rendered.',
    });
  }
  return out;
}
