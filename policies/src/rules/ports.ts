import { parseInteger } from "./numbers";
import type { NormalizedProtocol } from "./protocols";

/** An inclusive port range; [0, 65535] means every port. */
export interface PortRange {
  from: number;
  to: number;
}

export const ALL_PORTS: PortRange = { from: 0, to: 65535 };

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
  if (from < 0 || to > 65535 || from > to) return undefined;
  return { from, to };
}

export function formatRange(r: PortRange): string {
  if (r.from === 0 && r.to === 65535) return "all ports";
  return r.from === r.to ? String(r.from) : `${r.from}-${r.to}`;
}
