// Text output in the manner of ESLint's "stylish" formatter: diagnostics grouped under each file,
// `line:col  severity  message  rule-id`, then a summary line.
import { summarize, type LocatedDiagnostic } from './located';
import { maxOf, pushTo } from '../../engine/arrays';
import { terminalText } from './terminalText';

export interface StylishOptions {
  readonly color: boolean;
}

export function formatStylish(
  located: readonly LocatedDiagnostic[],
  resources: number,
  files: number,
  options: StylishOptions,
): string {
  const c = colors(options.color);
  const out: string[] = [];
  const byFile = new Map<string, LocatedDiagnostic[]>();
  for (const l of located) pushTo(byFile, l.diagnostic.file, l);
  for (const [file, list] of byFile) {
    out.push('', c.underline(terminalText(file)));
    const positions = list.map((l) => `${l.line}:${l.column}`);
    const posWidth = maxOf(
      positions.map((p) => p.length),
      0,
    );
    const sevWidth = maxOf(
      list.map((l) => l.diagnostic.severity.length),
      0,
    );
    list.forEach((l, i) => {
      const sev = l.diagnostic.severity.padEnd(sevWidth);
      const sevText =
        l.diagnostic.severity === 'error'
          ? c.red(sev)
          : l.diagnostic.severity === 'warning'
            ? c.yellow(sev)
            : c.blue(sev);
      out.push(
        `  ${c.dim(positions[i].padEnd(posWidth))}  ${sevText}  ${terminalText(l.diagnostic.message)}  ${c.dim(terminalText(l.diagnostic.rule))}`,
      );
    });
  }
  const s = summarize(located.map((l) => l.diagnostic));
  const total = s.errors + s.warnings + s.infos;
  const scanned = `${resources} resource${resources === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}`;
  out.push('');
  if (total === 0) out.push(c.green(`✔ No problems (${scanned})`));
  else {
    const line = `✖ ${total} problem${total === 1 ? '' : 's'} (${s.errors} error${s.errors === 1 ? '' : 's'}, ${s.warnings} warning${s.warnings === 1 ? '' : 's'}, ${s.infos} info) in ${scanned}`;
    out.push(s.errors ? c.red(c.bold(line)) : s.warnings ? c.yellow(c.bold(line)) : line);
  }
  // What was not analysed is said once more at the end, where a reader of a CI log looks.
  const skipped = [...new Set(located.filter((l) => isSkipNote(l.diagnostic)).map((l) => l.diagnostic.file))];
  if (skipped.length > 0) {
    const shown = skipped.slice(0, MAX_SKIPPED_LISTED).map(terminalText).join(', ');
    const more = skipped.length > MAX_SKIPPED_LISTED ? `, and ${skipped.length - MAX_SKIPPED_LISTED} more` : '';
    out.push(
      c.blue(
        `ℹ ${skipped.length} file${skipped.length === 1 ? '' : 's'} not analysed (see the information above): ${shown}${more}`,
      ),
    );
  }
  return out.join('\n').replace(/^\n/, '') + '\n';
}

/** Skipped files listed in the summary at most. */
const MAX_SKIPPED_LISTED = 10;

/** A note that a whole file (or chart) was not analysed: too large, a template, unreadable. */
function isSkipNote(d: LocatedDiagnostic['diagnostic']): boolean {
  return (
    d.rule === 'file-too-large' ||
    d.rule === 'helm-template-skipped' ||
    (d.rule === 'analysis-incomplete' && d.message.startsWith('File not analysed'))
  );
}

function colors(enabled: boolean) {
  const wrap = (open: number, close: number) => (s: string) => (enabled ? `\u001b[${open}m${s}\u001b[${close}m` : s);
  return {
    red: wrap(31, 39),
    yellow: wrap(33, 39),
    blue: wrap(34, 39),
    green: wrap(32, 39),
    dim: wrap(2, 22),
    bold: wrap(1, 22),
    underline: wrap(4, 24),
  };
}
