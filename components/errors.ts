/**
 * Raised when a component argument would produce something the policy pack blocks. The message names the
 * component, the field, the offending value and the fix, e.g.
 * `AllowlistedSecurityGroup "api": ingress[0].fromPort = 22 is not allowlisted (allowed: tcp/443). Fix: ...`.
 * Values from secret inputs must never be passed as `value`.
 */
export class PhiConfigError extends Error {
  constructor(
    readonly component: string,
    readonly resourceName: string,
    readonly field: string,
    readonly value: unknown,
    readonly problem: string,
    readonly fix: string,
  ) {
    super(`${component} "${resourceName}": ${field} = ${formatValue(value)} ${problem}. Fix: ${fix}`);
    this.name = "PhiConfigError";
  }
}

/**
 * The one wording for a listener or target port out of range, shared by the components and the stack
 * config (stacks/config.ts), so every message states the same range. Security-group rule ports differ on
 * purpose: 0 is a valid rule bound there (AllowlistedSecurityGroup says 0 and 65535).
 */
export const PORT_MIN = 1;
export const PORT_MAX = 65535;
export const PORT_RANGE_PROBLEM = `must be a whole number between ${PORT_MIN} and ${PORT_MAX}`;

/** How error messages show a (non-secret) value: JSON where possible, `(unset)` for undefined. */
export function formatValue(value: unknown): string {
  if (value === undefined) return "(unset)";
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
