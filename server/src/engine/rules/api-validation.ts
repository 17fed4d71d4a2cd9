// Field checks the API server applies to every object (k8s.io/apimachinery/pkg/util/validation),
// shared by the rules that report what it rejects.

/**
 * Why a port name breaks the IANA service-name rules that `IsValidPortName` enforces (RFC 6335:
 * 1-15 characters of `[a-z0-9-]`, at least one letter, no leading, trailing or doubled `-`), or
 * undefined for a valid name.
 */
export function portNameProblem(name: string): string | undefined {
  if (name.length === 0 || name.length > 15) return 'must be 1-15 characters long';
  if (!/^[-a-z0-9]+$/.test(name)) return "may contain only lowercase letters, digits and '-'";
  if (!/[a-z]/.test(name)) return 'must contain at least one letter';
  if (name.includes('--')) return "must not contain '--'";
  if (name.startsWith('-') || name.endsWith('-')) return "must not begin or end with '-'";
  return undefined;
}

/** Whether a number is a valid port (`IsValidPortNum`: 1-65535). */
export function isValidPortNumber(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= 65535;
}

/** Whether a name is a DNS-1123 label (`IsDNS1123Label`: at most 63 of `[a-z0-9-]`, alphanumeric at both ends). */
export function isDns1123Label(name: string): boolean {
  return name.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name);
}
