// Rule: ip-family-mismatch
// A Service's addresses must agree with its IP families (API validation of ipFamilies,
// ipFamilyPolicy, clusterIP and clusterIPs): clusterIPs[i] has the family ipFamilies[i]; clusterIP
// equals clusterIPs[0]; SingleStack allows one family; dual stack needs two different families.
import { parseAddress } from '../addresses';
import { asScalar, get, seqItems, stringValue } from '../tree';
import { ownFindings } from './ownFacts';
import { defineRule } from './rule';

// Judged once per instance, from its own fields (rules/ownFacts.ts).
const findings = ownFindings('service', (service, report) => {
  const resource = service.resource;
  const spec = get(resource.node, 'spec');
  const familiesNode = get(spec, 'ipFamilies');
  const families = seqItems(familiesNode)
    .map((n) => asScalar(n))
    .filter((s) => s && (s.value === 'IPv4' || s.value === 'IPv6'));
  const policyNode = asScalar(get(spec, 'ipFamilyPolicy'));
  const policy = stringValue(policyNode);
  const ips = seqItems(get(spec, 'clusterIPs'))
    .map((n) => asScalar(n))
    .filter((s) => s && s.text !== 'None');
  const clusterIP = asScalar(get(spec, 'clusterIP'));
  const addresses = (
    ips.length ? ips : clusterIP && clusterIP.text !== 'None' && clusterIP.text !== '' ? [clusterIP] : []
  ).map((s) => ({ s: s!, parsed: parseAddress(s!.text) }));

  if (clusterIP && ips.length && clusterIP.text !== ips[0]!.text && clusterIP.text !== '') {
    report({
      span: clusterIP.span,
      message: `clusterIP '${clusterIP.text}' must equal clusterIPs[0] '${ips[0]!.text}'.`,
    });
  }
  if (policy === 'SingleStack' && (families.length > 1 || addresses.length > 1) && policyNode) {
    report({
      span: policyNode.span,
      message: `ipFamilyPolicy SingleStack allows one IP family, but the Service lists ${Math.max(families.length, addresses.length)}.`,
    });
  }
  if (families.length === 2 && families[0]!.value === families[1]!.value) {
    report({
      span: families[1]!.span,
      message: `ipFamilies lists ${families[0]!.value} twice; dual stack needs one IPv4 and one IPv6 family.`,
    });
  }
  if (
    addresses.length === 2 &&
    addresses[0].parsed &&
    addresses[1].parsed &&
    addresses[0].parsed.family === addresses[1].parsed.family
  ) {
    report({
      span: addresses[1].s.span,
      message: `clusterIPs holds two ${addresses[0].parsed.family} addresses; dual stack needs one of each family.`,
    });
  }
  addresses.forEach(({ s, parsed }, i) => {
    const family = families[i]?.value;
    if (!parsed || !family || parsed.family === family) return;
    report({ span: s.span, message: `'${s.text}' is ${parsed.family}, but ipFamilies[${i}] is ${family}.` });
  });
});

export default defineRule({
  id: 'ip-family-mismatch',
  severity: 'error',
  description: "A Service's cluster IPs disagree with its ipFamilies or ipFamilyPolicy.",
  remediation: 'List ipFamilies in the order of clusterIPs, one per family, and a policy that allows them.',
  check: {
    service(ctx, service) {
      findings.reportOn(ctx, service.resource);
    },
  },
});
