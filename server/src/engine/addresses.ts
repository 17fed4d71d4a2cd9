// IP addresses and CIDRs as the API server validates them (Go's net.ParseIP / ParseCIDR, strict:
// dotted-quad IPv4 without leading zeros, IPv6 without zones), with ipaddr.js doing the arithmetic.
import ipaddr from 'ipaddr.js';

export type Family = 'IPv4' | 'IPv6';

export interface ParsedAddress {
  readonly family: Family;
  readonly address: ipaddr.IPv4 | ipaddr.IPv6;
}

export interface ParsedCidr {
  readonly family: Family;
  readonly network: ipaddr.IPv4 | ipaddr.IPv6;
  readonly prefix: number;
  /** Whether bits beyond the prefix are set (10.0.0.1/24). */
  readonly hostBitsSet: boolean;
}

export function parseAddress(text: string): ParsedAddress | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return { family: 'IPv4', address: ipaddr.IPv4.parse(text) };
  if (!text.includes('%') && text.includes(':') && ipaddr.IPv6.isValid(text)) {
    const address = ipaddr.IPv6.parse(text);
    // An IPv4-mapped IPv6 address is an IPv4 address to Go's net package.
    return address.isIPv4MappedAddress()
      ? { family: 'IPv4', address: address.toIPv4Address() }
      : { family: 'IPv6', address };
  }
  return undefined;
}

/** Parses `address/prefix`; undefined when either part is invalid or the prefix is out of range. */
export function parseCidr(text: string): ParsedCidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const address = parseAddress(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!address || !/^(0|[1-9]\d{0,2})$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > (address.family === 'IPv4' ? 32 : 128)) return undefined;
  const network = networkOf(address.address, prefix);
  return { family: address.family, network, prefix, hostBitsSet: network.toString() !== address.address.toString() };
}

function networkOf(address: ipaddr.IPv4 | ipaddr.IPv6, prefix: number): ipaddr.IPv4 | ipaddr.IPv6 {
  return address.kind() === 'ipv4'
    ? ipaddr.IPv4.networkAddressFromCIDR(`${address.toString()}/${prefix}`)
    : ipaddr.IPv6.networkAddressFromCIDR(`${address.toString()}/${prefix}`);
}

export function cidrContainsAddress(cidr: ParsedCidr, address: ParsedAddress): boolean {
  return (
    cidr.family === address.family && (address.address as ipaddr.IPv4).match(cidr.network as ipaddr.IPv4, cidr.prefix)
  );
}

/** Whether `inner` lies within `outer` (same family, longer or equal prefix, network inside). */
export function cidrContainsCidr(outer: ParsedCidr, inner: ParsedCidr): boolean {
  return (
    outer.family === inner.family &&
    inner.prefix >= outer.prefix &&
    cidrContainsAddress(outer, { family: inner.family, address: inner.network })
  );
}

export function describeCidr(cidr: ParsedCidr): string {
  return `${cidr.network.toString()}/${cidr.prefix}`;
}
