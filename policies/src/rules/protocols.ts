import network from "../data/network.json";

/** A protocol as the EC2 API understands it, whatever way it was spelled. */
export type NormalizedProtocol =
  | { kind: "all"; spelling: string }
  | { kind: "number"; number: number; name?: string; hasPorts: boolean; spelling: string };

const NAMES: Record<string, number> = network.protocolNumbers;
const NUMBER_TO_NAME = new Map<number, string>(Object.entries(NAMES).map(([name, n]) => [n, name]));
const PORTED = new Set<number>(network.portedProtocols);

/**
 * Normalises a security-group protocol (`tcp`, `TCP`, `6`, 6, `-1`, `all`, ...).
 * Returns undefined for anything the EC2 API would not read as a protocol, so callers fail closed.
 */
export function normalizeProtocol(raw: unknown): NormalizedProtocol | undefined {
  if (typeof raw === "number") {
    if (raw === -1) return { kind: "all", spelling: String(raw) };
    return fromNumber(raw, String(raw));
  }
  if (typeof raw !== "string") return undefined;
  const text = raw.toLowerCase();
  if (text === "-1" || text === "all") return { kind: "all", spelling: raw };
  if (/^\d{1,3}$/.test(text)) return fromNumber(Number(text), raw);
  const n = NAMES[text];
  if (n === undefined) return undefined;
  return { kind: "number", number: n, name: text, hasPorts: PORTED.has(n), spelling: raw };
}

function fromNumber(n: number, spelling: string): NormalizedProtocol | undefined {
  if (!Number.isInteger(n) || n < 0 || n > 255) return undefined;
  return { kind: "number", number: n, name: NUMBER_TO_NAME.get(n), hasPorts: PORTED.has(n), spelling };
}

/** Canonical display name: `tcp`, `udp`, `icmpv6`, or the IANA number for unnamed protocols. */
export function protocolLabel(p: NormalizedProtocol): string {
  return p.kind === "all" ? "all" : (p.name ?? String(p.number));
}
