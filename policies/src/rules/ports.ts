import type { NormalizedProtocol } from "./protocols";

/** An inclusive port range; [0, 65535] means every port. */
export interface PortRange {
  from: number;
  to: number;
}

export const ALL_PORTS: PortRange = { from: 0, to: 65535 };

/**
 * A port number as written: an integer, or its decimal text (`"443"`). Security-group rules also write
 * `"-1"` (every port), so `negativeText` accepts a leading minus in the text form. Anything else is
 * undefined; range checks are the caller's.
 */
export function parsePortNumber(raw: unknown, opts: { negativeText?: boolean } = {}): number | undefined {
  if (typeof raw === "number") return Number.isInteger(raw) ? raw : undefined;
  const pattern = opts.negativeText ? /^-?\d{1,5}$/ : /^\d{1,5}$/;
  if (typeof raw === "string" && pattern.test(raw)) return Number(raw);
  return undefined;
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
  if (from < 0 || to > 65535 || from > to) return undefined;
  return { from, to };
}

export function formatRange(r: PortRange): string {
  if (r.from === 0 && r.to === 65535) return "all ports";
  return r.from === r.to ? String(r.from) : `${r.from}-${r.to}`;
}
