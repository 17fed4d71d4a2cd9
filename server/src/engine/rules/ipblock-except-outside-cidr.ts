// Rule: ipblock-except-outside-cidr
// A NetworkPolicy ipBlock's `except` entries carve holes out of its `cidr`; the API server rejects
// an entry that lies outside the cidr (or is of the other IP family).
import { describeCidr, parseCidr } from '../addresses';
import { ipBlocks } from '../model/addressFields';
import { asScalar, get, seqItems } from '../tree';
import { ownFindings } from './ownFacts';
import { defineRule } from './rule';

// Judged once per instance, from its own fields (rules/ownFacts.ts).
const findings = ownFindings('policy', (policy, report) => {
  const resource = policy.resource;
  for (const block of ipBlocks(resource)) {
    const cidr = parseCidr(asScalar(get(block, 'cidr'))?.text ?? '');
    if (!cidr) continue; // invalid-ip-address reports it
    for (const n of seqItems(get(block, 'except'))) {
      const s = asScalar(n);
      const except = s ? parseCidr(s.text) : undefined;
      if (!s || !except) continue;
      const inside =
        except.family === cidr.family &&
        except.prefix >= cidr.prefix &&
        parseCidr(`${except.network.toString()}/${cidr.prefix}`)?.network.toString() === cidr.network.toString();
      if (inside) continue;
      report({
        span: s.span,
        message:
          except.family !== cidr.family
            ? `except '${s.text}' is ${except.family} but cidr '${describeCidr(cidr)}' is ${cidr.family}.`
            : `except '${s.text}' is not inside cidr '${describeCidr(cidr)}'; the API server rejects the policy.`,
      });
    }
  }
});

export default defineRule({
  id: 'ipblock-except-outside-cidr',
  severity: 'error',
  description: "An ipBlock's except entry is not inside its cidr.",
  remediation: 'Make each except entry a range inside cidr, of the same IP family.',
  check: {
    policy(ctx, policy) {
      findings.reportOn(ctx, policy.resource);
    },
  },
});
