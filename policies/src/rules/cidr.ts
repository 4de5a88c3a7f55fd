import ipaddr from "ipaddr.js";
import network from "../data/network.json";
import type { Refusal } from "./refusal";

export type CidrFamily = "ipv4" | "ipv6";

export type CidrClass =
  | { kind: "private"; family: CidrFamily; range: string; source: string }
  | { kind: "allowed-public"; family: CidrFamily; range: string }
  | { kind: "public"; family: CidrFamily }
  | { kind: "invalid"; reason: string };

/** A CIDR as the config accepts it: IPv4 or IPv6 address with a prefix length. Strict parsing happens in classifyCidr. */
export const CIDR_PATTERN = "^([0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)/[0-9]{1,3}$";

type Parsed = [ipaddr.IPv4 | ipaddr.IPv6, number];

const PRIVATE_RANGES = network.privateRanges.map((r) => ({
  ...r,
  parsed: ipaddr.parseCIDR(r.cidr) as Parsed,
}));

/** Parsed CIDRs by text: a stack repeats the same few blocks on every rule, and ipaddr.js parsing dominates. */
const parsedCidrs = new Map<string, Parsed | undefined>();
const MAX_PARSED_CIDRS = 4096;

/**
 * Parses a CIDR strictly: IPv4 must be dotted four-part decimal (no octal or hex tricks such as
 * `010.0.0.0/8`), the prefix must be present and in range. Anything else is undefined. The result is
 * shared between callers (frozen).
 */
export function parseCidrStrict(text: string): Parsed | undefined {
  if (typeof text !== "string") return undefined;
  if (parsedCidrs.has(text)) return parsedCidrs.get(text);
  const parsed = parseCidrUncached(text);
  if (parsedCidrs.size < MAX_PARSED_CIDRS) parsedCidrs.set(text, parsed && (Object.freeze(parsed) as Parsed));
  return parsed;
}

function parseCidrUncached(text: string): Parsed | undefined {
  const slash = text.indexOf("/");
  if (slash < 0) return undefined;
  const addr = text.slice(0, slash);
  const bits = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bits)) return undefined;
  if (addr.includes(".") && !addr.includes(":")) {
    if (!ipaddr.IPv4.isValidFourPartDecimal(addr)) return undefined;
    if (addr.split(".").some((o) => o.length > 1 && o.startsWith("0"))) return undefined;
  } else if (!ipaddr.IPv6.isValid(addr) || addr.includes("%")) {
    return undefined;
  }
  try {
    return ipaddr.parseCIDR(text) as Parsed;
  } catch {
    return undefined;
  }
}

/** True when every address of `inner` lies within `outer`. */
export function cidrWithin(inner: Parsed, outer: Parsed): boolean {
  const [addr, bits] = inner;
  const [oAddr, oBits] = outer;
  if (addr.kind() !== oAddr.kind() || bits < oBits) return false;
  return addr.match(oAddr, oBits);
}

/**
 * Classifies a source or destination CIDR. A block is private only when all of it lies inside one
 * private range, so `0.0.0.0/0`, `::/0`, split halves (`0.0.0.0/1`) and supernets are public.
 * Public blocks inside an explicitly allowed public CIDR are `allowed-public`.
 */
export function classifyCidr(text: unknown, allowedPublicCidrs: readonly string[] = []): CidrClass {
  if (typeof text !== "string")
    return { kind: "invalid", reason: `${JSON.stringify(text)} is not a CIDR string` };
  const parsed = parseCidrStrict(text);
  if (!parsed) return { kind: "invalid", reason: `${JSON.stringify(text)} is not a valid CIDR block` };
  const family: CidrFamily = parsed[0].kind() === "ipv4" ? "ipv4" : "ipv6";
  for (const r of PRIVATE_RANGES) {
    if (cidrWithin(parsed, r.parsed)) return { kind: "private", family, range: r.cidr, source: r.source };
  }
  for (const allowed of allowedPublicCidrs) {
    const a = parseCidrStrict(allowed);
    if (a && cidrWithin(parsed, a)) return { kind: "allowed-public", family, range: allowed };
  }
  return { kind: "public", family };
}

export function isPrivateCidr(text: unknown): boolean {
  return classifyCidr(text).kind === "private";
}

/** The private ranges as written in the data file, for messages and docs. */
export const PRIVATE_RANGE_LIST: readonly string[] = network.privateRanges.map((r) => r.cidr);

/** The IPv4 private ranges: what a VPC's primary block may lie in. */
export const PRIVATE_IPV4_RANGE_LIST: readonly string[] = PRIVATE_RANGES.filter(
  (r) => r.parsed[0].kind() === "ipv4",
).map((r) => r.cidr);

/** How messages name the private ranges, generated from the data so no range is left out. */
export const PRIVATE_RANGE_DESCRIPTION = `private address space (${PRIVATE_RANGE_LIST.join(", ")})`;

/** The one wording for a value that does not parse as a CIDR block ({@link parseCidrStrict}). */
export const INVALID_CIDR_PROBLEM = "is not a valid CIDR block";

/** The one wording for a public CIDR where only private address space is allowed. */
export const PUBLIC_RANGE_REFUSAL: Refusal = {
  problem: "is a public address range",
  fix: `use ${PRIVATE_RANGE_DESCRIPTION}`,
};
