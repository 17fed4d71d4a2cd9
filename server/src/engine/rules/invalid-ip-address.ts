// Rule: invalid-ip-address
// An IP address or CIDR that the API server does not accept: it validates these fields with Go's
// strict parsers (dotted-quad IPv4 without leading zeros, IPv6 without zones, prefix lengths of 0-32
// or 0-128), and an EndpointSlice's addresses must have its addressType's family. It judges every
// resource: model/addressFields.ts knows which kinds write addresses where (Services, NetworkPolicies,
// Endpoints, EndpointSlices) and reads nothing from the others.
import { parseAddress, parseCidr } from '../addresses';
import { addressFields } from '../model/addressFields';
import { ownFindings } from './ownFacts';
import { defineRule } from './rule';

// Judged once per instance, from its own fields (rules/ownFacts.ts).
const findings = ownFindings('any', (resource, report) => {
  for (const f of addressFields(resource)) {
    if (f.form === 'cidr') {
      if (!parseCidr(f.text))
        report({
          span: f.span,
          message: `${f.field}: '${f.text}' is not a valid CIDR (an address and a prefix length in range, such as 10.0.0.0/8).`,
        });
      continue;
    }
    const address = parseAddress(f.text);
    if (!address) report({ span: f.span, message: `${f.field}: '${f.text}' is not a valid IP address.` });
    else if (f.requiredFamily && address.family !== f.requiredFamily) {
      report({
        span: f.span,
        message: `${f.field}: '${f.text}' is an ${address.family} address in an EndpointSlice of addressType ${f.requiredFamily}.`,
      });
    }
  }
});

export default defineRule({
  id: 'invalid-ip-address',
  severity: 'error',
  description: 'An IP address or CIDR field does not hold a valid address or CIDR.',
  remediation:
    'Write a plain IPv4 address (10.0.0.1), an IPv6 address (2001:db8::1), or a CIDR with a prefix in range (10.0.0.0/8).',
  check: {
    resource(ctx, resource) {
      findings.reportOn(ctx, resource);
    },
  },
});
