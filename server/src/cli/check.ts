// `kube-traffic-lens check`: analyse paths and print diagnostics as text, JSON or SARIF.
import { analyze } from '../engine';
import { formatJson } from './format/json';
import { locate } from './format/located';
import { formatSarif } from './format/sarif';
import { formatStylish } from './format/stylish';
import { loadInput, parseCommon, progressReporter } from './options';

export function runCheck(args: string[]): number {
  const options = parseCommon(args, ['text', 'json', 'sarif'], 'text');
  const progress = progressReporter();
  const { config, read } = loadInput(options, progress.onProgress);
  progress.done();
  for (const u of read.unreadable) process.stderr.write(`kube-traffic-lens: warning: skipped unreadable ${u.path} (${u.error})\n`);
  const analysis = analyze({ files: read.files, skipped: read.skipped, config });
  for (const f of analysis.ruleFailures) process.stderr.write(`kube-traffic-lens: internal error in rule ${f.rule} on ${f.resource}: ${f.error.split('\n')[0]}\n`);
  const located = locate(analysis);
  const resources = new Set(analysis.workspace.resources.map((r) => `${r.file}#${r.docIndex}.${r.itemIndex ?? ''}`)).size;
  const files = read.files.length + read.skipped.length;
  switch (options.format) {
    case 'json':
      process.stdout.write(formatJson(located, resources, files));
      break;
    case 'sarif':
      process.stdout.write(formatSarif(located, analysis));
      break;
    default:
      process.stdout.write(formatStylish(located, resources, files, { color: !!process.stdout.isTTY && !process.env.NO_COLOR }));
  }
  return analysis.diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
}
