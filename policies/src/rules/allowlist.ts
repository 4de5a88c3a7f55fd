import { normalizeProtocol, protocolLabel, type NormalizedProtocol } from "./protocols";
import { ALL_PORTS, effectivePortRange, formatRange, type PortRange } from "./ports";
import { DEFAULT_ALLOWED_INGRESS } from "./defaults";
import type { Refusal } from "./refusal";

/** One parsed allowlist entry such as `tcp/443`, `tcp/8443-8445`, `udp/53` or `icmp/*`. */
export interface AllowlistEntry {
  text: string;
  protocol: number;
  range: PortRange;
}

export class AllowlistSyntaxError extends Error {
  constructor(
    readonly entry: string,
    readonly reason: string,
  ) {
    super(
      `allowlist entry ${JSON.stringify(entry)} is invalid: ${reason}. ` +
        `Use "<protocol>/<port>", "<protocol>/<from>-<to>" or "<protocol>/*", e.g. "tcp/443".`,
    );
    this.name = "AllowlistSyntaxError";
  }
}

/** A port 0-65535 as a regular expression, so JSON-schema validation rejects 65536 and up. */
const PORT = "(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4})";

/** Pattern the config schema uses too, so the CLI rejects the same strings this parser does (`all` included). */
export const ALLOWLIST_ENTRY_PATTERN = `^(?![Aa][Ll][Ll]/)[A-Za-z0-9]+/(\\*|${PORT}(-${PORT})?)$`;

export function parseAllowlistEntry(text: string): AllowlistEntry {
  const m = /^([A-Za-z0-9]+)\/(\*|(\d{1,5})(?:-(\d{1,5}))?)$/.exec(text);
  if (!m) throw new AllowlistSyntaxError(text, "it does not match <protocol>/<ports>");
  const protocol = normalizeProtocol(m[1]);
  if (!protocol) throw new AllowlistSyntaxError(text, `unknown protocol ${JSON.stringify(m[1])}`);
  if (protocol.kind === "all") {
    throw new AllowlistSyntaxError(text, "protocol all/-1 opens every port and cannot be allowlisted");
  }
  if (m[2] === "*" || !protocol.hasPorts) {
    if (m[2] !== "*") {
      throw new AllowlistSyntaxError(text, `${protocolLabel(protocol)} has no ports; write "${m[1]}/*"`);
    }
    return { text, protocol: protocol.number, range: { ...ALL_PORTS } };
  }
  const from = Number(m[3]);
  const to = m[4] === undefined ? from : Number(m[4]);
  if (to > ALL_PORTS.to || from > to)
    throw new AllowlistSyntaxError(text, `ports must satisfy 0 <= from <= to <= ${ALL_PORTS.to}`);
  return { text, protocol: protocol.number, range: { from, to } };
}

/**
 * The one wording for a malformed allowlist entry, wherever an allowlist is written: the components'
 * `allowedIngress`, the stack config and the pack's options.
 */
export function allowlistEntryRefusal(e: AllowlistSyntaxError): Refusal {
  return {
    problem: `is not a valid allowlist entry (${e.reason})`,
    fix: `write "<protocol>/<port>", "<protocol>/<from>-<to>" with from <= to, or "<protocol>/*" for protocols without ports, e.g. "tcp/443"`,
  };
}

/** The one wording for an allowlist with no entry: nothing could connect. */
export const EMPTY_ALLOWLIST_REFUSAL: Refusal = {
  problem: "must be a non-empty list",
  fix: `use e.g. ${JSON.stringify(DEFAULT_ALLOWED_INGRESS)}`,
};

/** Parsed entries by text (frozen, shared): the same allowlist is parsed for every resource judged. */
const parsedEntries = new Map<string, AllowlistEntry>();
const MAX_PARSED_ENTRIES = 1024;

export function parseAllowlist(entries: readonly string[]): AllowlistEntry[] {
  return entries.map((text) => {
    const known = typeof text === "string" ? parsedEntries.get(text) : undefined;
    if (known) return known;
    const entry = parseAllowlistEntry(text);
    Object.freeze(entry.range);
    if (parsedEntries.size < MAX_PARSED_ENTRIES) parsedEntries.set(text, Object.freeze(entry));
    return entry;
  });
}

export type GrantVerdict =
  { allowed: true; protocol: NormalizedProtocol; range: PortRange } | { allowed: false; reason: string };

/**
 * Decides whether an ingress grant (protocol plus from/to port as written in any @pulumi/aws resource)
 * opens only allowlisted ports. A range passes only if every port in it is covered.
 */
export function checkGrant(
  rawProtocol: unknown,
  fromPort: unknown,
  toPort: unknown,
  allowlist: readonly AllowlistEntry[],
): GrantVerdict {
  const protocol = normalizeProtocol(rawProtocol);
  if (!protocol) {
    return { allowed: false, reason: `protocol ${JSON.stringify(rawProtocol)} is not a recognised protocol` };
  }
  if (protocol.kind === "all") {
    return {
      allowed: false,
      reason: `protocol ${JSON.stringify(protocol.spelling)} opens every protocol and port`,
    };
  }
  const range = effectivePortRange(protocol, fromPort, toPort);
  const label = protocolLabel(protocol);
  if (!range) {
    return {
      allowed: false,
      reason: `${label} port range ${JSON.stringify(fromPort)}-${JSON.stringify(toPort)} is malformed`,
    };
  }
  const uncovered = uncoveredPorts(
    range,
    allowlist.filter((e) => e.protocol === protocol.number).map((e) => e.range),
  );
  if (uncovered.length === 0) return { allowed: true, protocol, range };
  if (!protocol.hasPorts) {
    return {
      allowed: false,
      reason: `${label} opens the whole protocol, which is not allowlisted (an allowlist entry "${label}/*" would permit it)`,
    };
  }
  const opened = `${label}/${formatRange(range)}`;
  const wholeRange =
    uncovered.length === 1 && uncovered[0].from === range.from && uncovered[0].to === range.to;
  if (wholeRange) return { allowed: false, reason: `${opened} is not allowlisted` };
  return {
    allowed: false,
    reason: `${opened} includes ${uncovered.map((r) => `${label}/${formatRange(r)}`).join(", ")}, not allowlisted`,
  };
}

/** The parts of `range` that none of `covers` contains, in order. */
export function uncoveredPorts(range: PortRange, covers: readonly PortRange[]): PortRange[] {
  const sorted = [...covers].sort((a, b) => a.from - b.from);
  const gaps: PortRange[] = [];
  let next = range.from;
  for (const c of sorted) {
    if (c.to < next) continue;
    if (c.from > range.to) break;
    if (c.from > next) gaps.push({ from: next, to: Math.min(c.from - 1, range.to) });
    next = Math.max(next, c.to + 1);
    if (next > range.to) return gaps;
  }
  if (next <= range.to) gaps.push({ from: next, to: range.to });
  return gaps;
}
