// Rule: multus-ipam-invalid
// A NetworkAttachmentDefinition's spec.config is CNI configuration JSON. Its IPAM section (host-local,
// static, whereabouts) hands out addresses from a subnet: a subnet that does not parse, a range start,
// end, gateway or route outside it, or a start after the end make every pod on the network fail.
import { cidrContainsAddress, parseAddress, parseCidr, type ParsedCidr } from '../addresses';
import { defineRule } from './rule';
import { pushAll } from '../arrays';

interface IpamRange {
  subnet?: unknown;
  rangeStart?: unknown;
  rangeEnd?: unknown;
  gateway?: unknown;
}

export default defineRule({
  id: 'multus-ipam-invalid',
  severity: 'error',
  description:
    "A NetworkAttachmentDefinition's config is not JSON, or its IPAM addresses are invalid or outside the subnet.",
  remediation: 'Make spec.config valid JSON, and keep rangeStart <= rangeEnd, gateway and routes inside the subnet.',
  check: {
    attachment(ctx, nad) {
      if (!nad.configNode) return;
      const span = nad.configNode.span;
      if (nad.configError) {
        ctx.report({ span, message: `spec.config is not valid JSON: ${nad.configError}.` });
        return;
      }
      const plugins = Array.isArray(nad.config?.plugins)
        ? (nad.config!.plugins as Record<string, unknown>[])
        : [nad.config ?? {}];
      for (const plugin of plugins) {
        const ipam =
          plugin && typeof plugin === 'object' ? (plugin.ipam as Record<string, unknown> | undefined) : undefined;
        if (!ipam || typeof ipam !== 'object') continue;
        const problems: string[] = [];
        const ranges: IpamRange[] = [];
        if (ipam.subnet !== undefined) ranges.push(ipam as IpamRange);
        if (Array.isArray(ipam.ranges))
          for (const set of ipam.ranges) if (Array.isArray(set)) pushAll(ranges, set as IpamRange[]);
        if (typeof ipam.range === 'string')
          ranges.push({
            subnet: ipam.range,
            rangeStart: ipam.range_start,
            rangeEnd: ipam.range_end,
            gateway: ipam.gateway,
          });
        const subnets: ParsedCidr[] = [];
        for (const r of ranges) {
          const subnet = typeof r.subnet === 'string' ? parseCidr(r.subnet) : undefined;
          if (!subnet) {
            problems.push(`subnet '${String(r.subnet)}' is not a CIDR`);
            continue;
          }
          subnets.push(subnet);
          const check = (field: string, value: unknown) => {
            if (value === undefined) return undefined;
            const address = typeof value === 'string' ? parseAddress(value) : undefined;
            if (!address) problems.push(`${field} '${String(value)}' is not an IP address`);
            else if (!cidrContainsAddress(subnet, address))
              problems.push(`${field} ${value as string} is outside subnet ${r.subnet as string}`);
            return address;
          };
          const start = check('rangeStart', r.rangeStart);
          const end = check('rangeEnd', r.rangeEnd);
          check('gateway', r.gateway);
          if (
            start &&
            end &&
            start.family === end.family &&
            compare(start.address.toByteArray(), end.address.toByteArray()) > 0
          ) {
            problems.push(`rangeStart ${r.rangeStart as string} is after rangeEnd ${r.rangeEnd as string}`);
          }
        }
        if (Array.isArray(ipam.routes)) {
          for (const route of ipam.routes as { dst?: unknown; gw?: unknown }[]) {
            if (route?.dst !== undefined && !(typeof route.dst === 'string' && parseCidr(route.dst)))
              problems.push(`route dst '${String(route.dst)}' is not a CIDR`);
            if (route?.gw !== undefined) {
              const gw = typeof route.gw === 'string' ? parseAddress(route.gw) : undefined;
              if (!gw) problems.push(`route gw '${String(route.gw)}' is not an IP address`);
              else if (subnets.length && !subnets.some((s) => cidrContainsAddress(s, gw)))
                problems.push(`route gw ${route.gw as string} is outside the subnet`);
            }
          }
        }
        // One diagnostic per IPAM section: the problems share the config's span.
        if (problems.length)
          ctx.report({ span, message: `IPAM (${String(ipam.type ?? 'unknown type')}): ${problems.join('; ')}.` });
      }
    },
  },
});

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}
