// Rule: networkpolicy-port-invalid
// What the API server rejects in a NetworkPolicy's ports (pkg/apis/networking/validation,
// ValidateNetworkPolicyPort): a numeric port outside 1-65535; a named port that breaks the IANA
// port-name rules (IsValidPortName; a quoted "8080" is a name and fails "must contain at least one
// letter"); endPort with a named port ("may not be specified when `port` is non-numeric") or without
// a port ("may not be specified when `port` is not specified"); endPort below port ("must be greater
// than or equal to `port`") or outside 1-65535.
import type { YNode } from '../syntax';
import { asScalar, get, seqItems } from '../tree';
import { isValidPortNumber, portNameProblem } from './api-validation';
import { ownFindings } from './ownFacts';
import { defineRule } from './rule';

// Judged once per instance, from its own fields (rules/ownFacts.ts).
const findings = ownFindings('policy', (policy, report) => {
  const spec = get(policy.resource.node, 'spec');
  const reject = (node: YNode, message: string) =>
    report({ span: node.span, message: `${message}; the API server rejects the NetworkPolicy.` });
  for (const key of ['ingress', 'egress']) {
    for (const rule of seqItems(get(spec, key))) {
      for (const p of seqItems(get(rule, 'ports'))) {
        const port = asScalar(get(p, 'port'));
        const end = asScalar(get(p, 'endPort'));
        const endValue = end && typeof end.value === 'number' ? end.value : undefined;
        const portValue = port?.value;
        if (typeof portValue === 'number') {
          if (!isValidPortNumber(portValue)) reject(port!, `port ${portValue} is outside 1-65535`);
          if (endValue !== undefined && endValue < portValue)
            reject(end!, `endPort ${endValue} is below port ${portValue}`);
          else if (endValue !== undefined && !isValidPortNumber(endValue))
            reject(end!, `endPort ${endValue} is outside 1-65535`);
        } else if (typeof portValue === 'string' && portValue !== '') {
          const problem = portNameProblem(portValue);
          const quoted = /^\d+$/.test(portValue)
            ? ` (a quoted number is a name: write ${portValue} without quotes)`
            : '';
          if (problem) reject(port!, `port '${portValue}' is not a valid port name: it ${problem}${quoted}`);
          if (end && end.value !== null) reject(end, `endPort cannot be used with a named port ('${portValue}')`);
        } else if (end && end.value !== null) {
          reject(end, 'endPort cannot be used without port');
        }
      }
    }
  }
});

export default defineRule({
  id: 'networkpolicy-port-invalid',
  severity: 'error',
  description: 'A NetworkPolicy port or endPort the API server rejects.',
  remediation: 'Use a numeric port with endPort (endPort >= port), or a valid named port without endPort.',
  check: {
    policy(ctx, policy) {
      findings.reportOn(ctx, policy.resource);
    },
  },
});
