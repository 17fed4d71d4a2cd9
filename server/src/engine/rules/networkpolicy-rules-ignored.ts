// Rule: networkpolicy-rules-ignored
// policyTypes says which directions a NetworkPolicy governs. When it is written, rules for a
// direction it omits are ignored: `egress` rules under `policyTypes: [Ingress]` isolate nothing and
// allow nothing (networking.k8s.io/v1 NetworkPolicySpec.PolicyTypes: "If this field is specified,
// the policy applies only to the listed types"). When it is not written, the API defaults it from
// the rules present (Ingress always, Egress when egress rules exist), so nothing is ignored.
import { get, seqItems, stringValue } from '../tree';
import { ownFindings } from './ownFacts';
import { defineRule } from './rule';

// Judged once per instance, from its own fields (rules/ownFacts.ts).
const findings = ownFindings('policy', (policy, report) => {
  const spec = get(policy.resource.node, 'spec');
  const typesNode = get(spec, 'policyTypes');
  const types = seqItems(typesNode).map(stringValue);
  if (types.length === 0) return;
  for (const [key, type] of [
    ['ingress', 'Ingress'],
    ['egress', 'Egress'],
  ] as const) {
    const rules = get(spec, key);
    if (seqItems(rules).length === 0 || types.includes(type)) continue;
    report({
      span: rules!.span,
      message: `policyTypes (${types.join(', ')}) does not include ${type}, so these ${key} rules are ignored: they neither isolate the pods nor allow any traffic.`,
      related: [{ resource: policy.resource, span: typesNode!.span, message: 'policyTypes' }],
    });
  }
});

export default defineRule({
  id: 'networkpolicy-rules-ignored',
  severity: 'warning',
  description: 'A NetworkPolicy has rules for a direction its policyTypes omits; they are ignored.',
  remediation: 'Add the direction to policyTypes (Ingress, Egress), or remove the rules it does not govern.',
  check: {
    policy(ctx, policy) {
      findings.reportOn(ctx, policy.resource);
    },
  },
});
