// SARIF 2.1.0 for GitHub code scanning: one run, every rule's metadata with its docs page as help,
// results with regions in 1-based lines and columns relative to %SRCROOT%, related locations, and
// partial fingerprints stable across unrelated edits (rule, resource, file and the flagged text; not
// line numbers, not the message).
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { allRuleMeta, ruleDocsUrl, type Severity } from '../../engine';
import type { LocatedDiagnostic, PositionOf } from './located';
import { terminalText } from './terminalText';

declare const __VERSION__: string | undefined;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0-dev';
const INFORMATION_URI = 'https://github.com/kube-traffic-lens/kube-traffic-lens';

/**
 * SARIF plain-text message: no control characters (shown escaped), and `[`, `]` and `\` escaped
 * with a backslash, since in SARIF plain text `[text](target)` is an embedded link (SARIF 2.1.0
 * §3.11.6) that viewers render: a name must not become a `command:` or web link.
 */
export function sarifText(s: string): string {
  return terminalText(s).replace(/[\\[\]]/g, (c) => `\\${c}`);
}

/** A relative path as a URI reference: each segment percent-encoded (`#`, `?`, `%`, spaces ...). */
export function relativeUri(file: string): string {
  return file
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
  hint: 'note',
};

/**
 * @param flaggedText the source text a diagnostic points at: with the rule, resource and file it
 *   identifies a finding across unrelated edits (line numbers move; the flagged text does not).
 */
export function formatSarif(
  located: readonly LocatedDiagnostic[],
  positionOf: PositionOf,
  flaggedText: (file: string, span: { start: number; end: number }) => string | undefined = () => undefined,
): string {
  const rules = allRuleMeta();
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const region = (file: string, span: { start: number; end: number }) => {
    const s = positionOf(file, span.start);
    const e = positionOf(file, span.end);
    return { startLine: s.line + 1, startColumn: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1 };
  };
  const location = (file: string, span: { start: number; end: number }, message?: string) => ({
    physicalLocation: {
      artifactLocation: { uri: relativeUri(file), uriBaseId: '%SRCROOT%' },
      region: region(file, span),
    },
    ...(message ? { message: { text: sarifText(message) } } : {}),
  });
  const results = located.map(({ diagnostic: d }) => ({
    ruleId: d.rule,
    ruleIndex: ruleIndex.get(d.rule) ?? -1,
    level: LEVEL[d.severity],
    message: { text: sarifText(d.message) },
    locations: [location(d.file, d.span)],
    ...(d.related.length
      ? { relatedLocations: d.related.map((r, i) => ({ id: i + 1, ...location(r.file, r.span, r.message) })) }
      : {}),
    partialFingerprints: {
      // Not the message: its hints name other resources ("Closest: ...") and change with them.
      'kubeTrafficLens/v1': createHash('sha256')
        .update(`${d.rule}\u0000${d.resource ?? ''}\u0000${d.file}\u0000${flaggedText(d.file, d.span) ?? d.message}`)
        .digest('hex')
        .slice(0, 32),
    },
    ...(d.resource ? { properties: { resource: d.resource } } : {}),
  }));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'kube-traffic-lens',
            version: VERSION,
            semanticVersion: VERSION,
            informationUri: INFORMATION_URI,
            rules: rules.map((r) => ({
              id: r.id,
              name: r.id.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase()),
              shortDescription: { text: r.description },
              fullDescription: { text: r.remediation ? `${r.description} ${r.remediation}` : r.description },
              helpUri: ruleDocsUrl(r.id),
              help: { text: `See ${ruleDocsUrl(r.id)}` },
              defaultConfiguration: { level: LEVEL[r.severity] },
            })),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: `${pathToFileURL(process.cwd()).href.replace(/\/?$/, '/')}` } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
