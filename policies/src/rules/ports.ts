import { parseInteger } from "./numbers";
import type { NormalizedProtocol } from "./protocols";

/** An inclusive port range; [0, 65535] means every port. */
export interface PortRange {
  from: number;
  to: number;
}

/** The highest port number of TCP and UDP. */
export const PORT_MAX = 65535;
/**
 * The lowest listener or target port: port 0 cannot be listened on. Security-group rule bounds start at 0
 * (see {@link ALL_PORTS} and {@link RULE_PORT_PROBLEM}).
 */
export const PORT_MIN = 1;

export const ALL_PORTS: PortRange = { from: 0, to: PORT_MAX };

/** The one wording for a listener or target port outside {@link PORT_MIN}-{@link PORT_MAX}. */
export const PORT_RANGE_PROBLEM = `must be a whole number between ${PORT_MIN} and ${PORT_MAX}`;

/** The one wording for a security-group rule bound that is not a port (a missing or -1 bound is every port). */
export const RULE_PORT_PROBLEM = `must be a whole number between ${ALL_PORTS.from} and ${ALL_PORTS.to} (a missing or -1 bound opens every port)`;

/** A listener or target port: a whole number from {@link PORT_MIN} to {@link PORT_MAX}. */
export function isListenerPort(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= PORT_MIN && value <= PORT_MAX;
}

/** A security-group rule bound: a whole number from 0 to {@link PORT_MAX}. */
export function isRulePortBound(value: unknown): value is number {
  return (
    typeof value === "number" && Number.isInteger(value) && value >= ALL_PORTS.from && value <= ALL_PORTS.to
  );
}

/**
 * A port number as written: an integer, or its canonical decimal text (`"443"`, see numbers.ts).
 * Security-group rules also write `"-1"` (every port), so `negativeText` accepts a minus in the text
 * form. Anything else is undefined; range checks are the caller's.
 */
export function parsePortNumber(raw: unknown, opts: { negativeText?: boolean } = {}): number | undefined {
  if (typeof raw === "number") return Number.isInteger(raw) ? raw : undefined;
  const n = parseInteger(raw);
  if (n === undefined || (n < 0 && !opts.negativeText)) return undefined;
  return n;
}

/**
 * The ports a rule really opens. Follows EC2: for non-TCP/UDP protocols the range is ignored (whole
 * protocol), and -1 or a missing bound on TCP/UDP means every port. Returns undefined when the bounds
 * are malformed (non-integers, out of range, from > to), which callers treat as a violation.
 */
export function effectivePortRange(
  protocol: NormalizedProtocol,
  fromPort: unknown,
  toPort: unknown,
): PortRange | undefined {
  if (protocol.kind === "all" || !protocol.hasPorts) return ALL_PORTS;
  if (fromPort === undefined || fromPort === null || toPort === undefined || toPort === null) {
    return ALL_PORTS;
  }
  const from = parsePortNumber(fromPort, { negativeText: true });
  const to = parsePortNumber(toPort, { negativeText: true });
  if (from === undefined || to === undefined) return undefined;
  if (from === -1 || to === -1) return ALL_PORTS;
  if (from < ALL_PORTS.from || to > ALL_PORTS.to || from > to) return undefined;
  return { from, to };
}

export function formatRange(r: PortRange): string {
  if (r.from === ALL_PORTS.from && r.to === ALL_PORTS.to) return "all ports";
  return r.from === r.to ? String(r.from) : `${r.from}-${r.to}`;
}
