// Quick fixes for diagnostics: the near-miss label value or autoscaler target name, dnsPolicy for
// host-network pods, the declared container port, a port the
// Service defines, and for every diagnostic the disable comment above its line.
import type { Analysis } from '../analysis';
import type { Diagnostic } from '../diagnostics';
import { findServicePort } from '../graph';
import type { Span } from '../text';
import type { CodeActionResult } from './types';
import { locate } from './locate';

/** `text` is the file's current text, for the indentation of inserted comments. */
export function codeActions(analysis: Analysis, file: string, _span: Span, diagnostics: readonly Diagnostic[], text: string): CodeActionResult[] {
  const out: CodeActionResult[] = [];
  for (const d of diagnostics) {
    if (d.file !== file) continue;
    const fix = specificFix(analysis, d) ?? dnsPolicyFix(d, text);
    if (fix) out.push(fix);
    const lineStart = text.lastIndexOf('\n', Math.max(0, d.span.start - 1)) + 1;
    const indent = /^[ \t]*/.exec(text.slice(lineStart, lineStart + 200))?.[0] ?? '';
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    out.push({
      title: `Disable ${d.rule} for this line`,
      kind: 'quickfix',
      diagnostic: d,
      edits: [{ file, span: { start: lineStart, end: lineStart }, newText: `${indent}# kube-traffic-lens-disable-next-line ${d.rule}${eol}` }],
    });
  }
  return out;
}

/**
 * hostnetwork-dns-policy: the diagnostic sits on dnsPolicy's value (replaced) or, when dnsPolicy is
 * not written, on hostNetwork's value in a block mapping (a dnsPolicy line is added below it).
 */
function dnsPolicyFix(d: Diagnostic, text: string): CodeActionResult | undefined {
  if (d.rule !== 'hostnetwork-dns-policy') return undefined;
  const title = 'Set dnsPolicy: ClusterFirstWithHostNet';
  const edit = (span: Span, newText: string): CodeActionResult => ({ title, kind: 'quickfix', diagnostic: d, edits: [{ file: d.file, span, newText }], isPreferred: true });
  const written = text.slice(d.span.start, d.span.end);
  if (/^["']?ClusterFirst["']?$/.test(written)) return edit(d.span, 'ClusterFirstWithHostNet');
  const lineStart = text.lastIndexOf('\n', d.span.start - 1) + 1;
  const line = /^([ \t]*)(- +)?hostNetwork:[ \t]*/.exec(text.slice(lineStart, d.span.start));
  if (!line || line[0].length !== d.span.start - lineStart) return undefined;
  // The new key aligns with hostNetwork (after a sequence dash when the pair opens an item).
  const indent = ' '.repeat(line[0].indexOf('hostNetwork'));
  const lineEnd = text.indexOf('\n', d.span.end);
  const at = lineEnd < 0 ? text.length : text[lineEnd - 1] === '\r' ? lineEnd - 1 : lineEnd;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return edit({ start: at, end: at }, `${eol}${indent}dnsPolicy: ClusterFirstWithHostNet`);
}

function specificFix(analysis: Analysis, d: Diagnostic): CodeActionResult | undefined {
  const g = analysis.graph;
  const replace = (title: string, span: Span, newText: string): CodeActionResult => ({ title, kind: 'quickfix', diagnostic: d, edits: [{ file: d.file, span, newText }], isPreferred: true });
  if (d.rule === 'hpa-target-missing') {
    // The diagnostic sits on scaleTargetRef.name; the near miss is in the message.
    const m = / Did you mean '([^']+)'\?$/.exec(d.message);
    return m ? replace(`Change to ${m[1]}`, d.span, m[1]) : undefined;
  }
  const located = locate(analysis, d.file, d.span.start);
  if (!located) return undefined;
  switch (d.rule) {
    case 'service-selector-orphaned':
    case 'networkpolicy-selector-orphaned':
    case 'networkpolicy-peer-selector-orphaned': {
      const m = / Closest: .* has ([^=]+)=(.+)\.$/.exec(d.message);
      const t = located.target;
      const term = t?.kind === 'service-selector' ? t.term : undefined;
      if (m && term?.valueSpan && term.key === m[1]) return replace(`Change to ${m[1]}: ${m[2]}`, term.valueSpan, m[2]);
      return undefined;
    }
    case 'service-target-port-unmatched':
    case 'service-target-port-name-unresolved': {
      const t = located.target;
      if (t?.kind !== 'service-port') return undefined;
      // Offer a fix only when the templates leave one obvious choice.
      const declared = g.workloadsSelectedBy(t.service).flatMap((w) => w.template.containers.flatMap((c) => c.ports));
      const names = [...new Set(declared.map((p) => p.name).filter((n): n is string => !!n))];
      const numbers = [...new Set(declared.map((p) => p.containerPort))];
      const value = d.rule === 'service-target-port-name-unresolved' && names.length === 1 ? names[0] : numbers.length === 1 ? String(numbers[0]) : undefined;
      return value ? replace(`Set targetPort to ${value}`, t.port.targetPortSpan, value) : undefined;
    }
    case 'ingress-backend-port-missing': {
      const t = located.target;
      if (t?.kind !== 'backend' || !t.target.backend.portSpan) return undefined;
      const service = t.target.services[0];
      const wanted = t.target.backend.port;
      const port = typeof wanted === 'number' ? service.ports.find((p) => p.targetPort === wanted) ?? service.ports[0] : service.ports.find((p) => p.name) ?? service.ports[0];
      if (!port || findServicePort(service, wanted) !== undefined) return undefined;
      const value = typeof wanted === 'number' || !port.name ? String(port.port) : port.name;
      return replace(`Use port ${value} of Service ${service.resource.name}`, t.target.backend.portSpan, value);
    }
    default:
      return undefined;
  }
}
