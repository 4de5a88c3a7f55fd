/**
 * An independent oracle for the two ingress policies, written from the EC2 semantics and NOT from the
 * pack's code (nothing from policies/src is imported): it enumerates the ports a grant opens and tests
 * each against a bitmap of the allowlist, and decides privacy of an address block by computing its first
 * and last address with BigInt arithmetic and checking both against the private ranges.
 *
 * Semantics (fail closed): a protocol that is not an IANA name/number EC2 accepts, -1/all, a malformed
 * port range, a value of the wrong type and a CIDR that is not strictly `a.b.c.d/n` (decimal, no leading
 * zeros) or a valid IPv6 `addr/n` are all violations. Only fully-known resources are judged.
 */
import { SecretValue, UNKNOWN } from "../../tools/lib/analyzer-client";
import { T } from "./arbitraries";

// ---------------------------------------------------------------------------------------------------
// Protocols (IANA numbers of the names the EC2 API accepts).

const PROTOCOL_NAMES: Record<string, number> = {
  icmp: 1,
  igmp: 2,
  tcp: 6,
  udp: 17,
  gre: 47,
  esp: 50,
  ah: 51,
  icmpv6: 58,
  sctp: 132,
};
const TCP = 6;
const UDP = 17;

type Protocol = { all: true } | { all: false; number: number } | undefined;

function parseProtocol(v: unknown): Protocol {
  if (typeof v === "number") {
    if (v === -1) return { all: true };
    return Number.isInteger(v) && v >= 0 && v <= 255 ? { all: false, number: v } : undefined;
  }
  if (typeof v !== "string") return undefined;
  const s = v.toLowerCase();
  if (s === "-1" || s === "all") return { all: true };
  if (/^(0|[1-9][0-9]{0,2})$/.test(s)) {
    const n = parseInt(s, 10);
    return n <= 255 ? { all: false, number: n } : undefined;
  }
  return Object.prototype.hasOwnProperty.call(PROTOCOL_NAMES, s)
    ? { all: false, number: PROTOCOL_NAMES[s] }
    : undefined;
}

// ---------------------------------------------------------------------------------------------------
// Allowlist as bitmaps: one Uint8Array(65536) per ported protocol, a set of whole protocols.

export interface Allowlist {
  ports: Map<number, Uint8Array>;
  wholeProtocols: Set<number>;
}

export function buildAllowlist(entries: readonly string[]): Allowlist {
  const a: Allowlist = { ports: new Map(), wholeProtocols: new Set() };
  for (const e of entries) {
    const [name, spec] = e.split("/");
    const p = parseProtocol(name);
    if (!p || p.all) throw new Error(`oracle: bad allowlist entry ${e}`);
    if (spec === "*") {
      a.wholeProtocols.add(p.number);
      continue;
    }
    const [lo, hi] = spec.split("-").map((x) => parseInt(x, 10));
    let bits = a.ports.get(p.number);
    if (!bits) a.ports.set(p.number, (bits = new Uint8Array(65536)));
    for (let port = lo; port <= (hi ?? lo); port++) bits[port] = 1;
  }
  return a;
}

type Port = number | "all" | "malformed";

function parsePort(v: unknown): Port {
  if (v === undefined || v === null) return "all";
  let n: number;
  if (typeof v === "number") n = v;
  else if (typeof v === "string" && /^-?(0|[1-9][0-9]*)$/.test(v)) n = parseInt(v, 10);
  else return "malformed";
  if (!Number.isInteger(n)) return "malformed";
  if (n === -1) return "all";
  return n >= 0 && n <= 65535 ? n : "malformed";
}

/** True when the grant opens only allowlisted ports (enumerated one by one). */
export function portsAllowed(
  protocol: unknown,
  fromPort: unknown,
  toPort: unknown,
  allow: Allowlist,
): boolean {
  const p = parseProtocol(protocol);
  if (!p || p.all) return false;
  if (p.number !== TCP && p.number !== UDP) return allow.wholeProtocols.has(p.number);
  const from = parsePort(fromPort);
  const to = parsePort(toPort);
  if (from === "malformed" || to === "malformed") return false;
  let lo = 0;
  let hi = 65535;
  if (from !== "all" && to !== "all") {
    if (from > to) return false;
    lo = from;
    hi = to;
  }
  const bits = allow.ports.get(p.number);
  if (allow.wholeProtocols.has(p.number)) return true;
  if (!bits) return false;
  for (let port = lo; port <= hi; port++) if (!bits[port]) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------------
// Address blocks as [first, last] BigInt intervals.

interface Block {
  v6: boolean;
  first: bigint;
  last: bigint;
}

function parseV4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let n = 0n;
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
    const o = parseInt(p, 10);
    if (o > 255) return undefined;
    n = (n << 8n) | BigInt(o);
  }
  return n;
}

function parseV6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groups = (s: string): number[] | undefined => {
    if (s === "") return [];
    const out: number[] = [];
    const items = s.split(":");
    for (let i = 0; i < items.length; i++) {
      const g = items[i];
      if (i === items.length - 1 && g.includes(".")) {
        const v4 = parseV4(g);
        if (v4 === undefined) return undefined;
        out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) out.push(parseInt(g, 16));
      else return undefined;
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return undefined;
  let all: number[];
  if (halves.length === 2) {
    if (head.length + tail.length > 7) return undefined;
    all = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    if (head.length !== 8) return undefined;
    all = head;
  }
  // A dotted quad may only end the address.
  if (halves.length === 2 && halves[0].includes(".")) return undefined;
  return all.reduce((n, g) => (n << 16n) | BigInt(g), 0n);
}

export function parseBlock(v: unknown): Block | undefined {
  if (typeof v !== "string") return undefined;
  const slash = v.indexOf("/");
  if (slash < 0 || slash !== v.lastIndexOf("/")) return undefined;
  const addr = v.slice(0, slash);
  const prefixText = v.slice(slash + 1);
  // A prefix length has no octal reading, so "/08" is /8 (an address octet "010" is refused: octal or decimal?).
  if (!/^[0-9]{1,3}$/.test(prefixText)) return undefined;
  const prefix = BigInt(parseInt(prefixText, 10));
  const v6 = addr.includes(":");
  const width = v6 ? 128n : 32n;
  if (prefix > width) return undefined;
  const n = v6 ? parseV6(addr) : parseV4(addr);
  if (n === undefined) return undefined;
  const hostMask = (1n << (width - prefix)) - 1n;
  const first = n & ~hostMask & ((1n << width) - 1n);
  return { v6, first, last: first | hostMask };
}

const PRIVATE_BLOCKS: Block[] = [
  "10.0.0.0/8",
  "172.16.0.0/12",
  "192.168.0.0/16",
  "100.64.0.0/10",
  "fc00::/7",
].map((c) => parseBlock(c)!);

function inside(b: Block, outer: Block): boolean {
  return b.v6 === outer.v6 && b.first >= outer.first && b.last <= outer.last;
}

/** True when every address of the block is private or inside an allowed public block. */
export function sourceAllowed(cidr: unknown, allowedPublic: readonly string[]): boolean {
  const b = parseBlock(cidr);
  if (!b) return false;
  const ok = [...PRIVATE_BLOCKS, ...allowedPublic.map((c) => parseBlock(c)!)];
  // first and last in the same range: since ranges and blocks are contiguous, so is everything between.
  return ok.some(
    (r) =>
      inside({ v6: b.v6, first: b.first, last: b.first }, r) &&
      inside({ v6: b.v6, first: b.last, last: b.last }, r),
  );
}

// ---------------------------------------------------------------------------------------------------
// Resources.

/** A violation and the field paths it was decided from (each path: keys and indices from the props root). */
export interface OracleViolation {
  reason: string;
  deciding: (string | number)[][];
}

export interface OracleVerdict {
  ports: OracleViolation[];
  sources: OracleViolation[];
}

function unwrap(v: unknown): unknown {
  if (v === UNKNOWN) throw new Error("oracle: judges fully-known resources only");
  return v instanceof SecretValue ? unwrap(v.value) : v;
}

interface OracleGrant {
  base: (string | number)[];
  /** Extra deciding paths (the rule's `type`). */
  extra: (string | number)[][];
  rule: Record<string, unknown>;
  protocolKey: string;
  cidrListKeys: string[];
  cidrScalarKeys: string[];
}

/**
 * Ingress grants of a resource; a malformed list or rule is itself a violation of both policies.
 * Returns undefined when the type writes no grants.
 */
function ingressGrants(
  type: string,
  props: Record<string, unknown>,
  malformed: OracleViolation[],
): OracleGrant[] | undefined {
  const out: OracleGrant[] = [];
  if (type === T.sg || type === T.defaultSg) {
    const list = unwrap(props.ingress);
    if (list === undefined || list === null) return out;
    if (!Array.isArray(list)) {
      malformed.push({ reason: "ingress is not a list", deciding: [["ingress"]] });
      return out;
    }
    list.forEach((r, i) => {
      const rule = unwrap(r);
      if (rule === null || typeof rule !== "object" || Array.isArray(rule)) {
        malformed.push({ reason: `ingress[${i}] is not a rule object`, deciding: [["ingress", i]] });
        return;
      }
      out.push({
        base: ["ingress", i],
        extra: [],
        rule: rule as Record<string, unknown>,
        protocolKey: "protocol",
        cidrListKeys: ["cidrBlocks", "ipv6CidrBlocks"],
        cidrScalarKeys: [],
      });
    });
    return out;
  }
  if (type === T.sgRule) {
    const t = unwrap(props.type);
    if (typeof t === "string" && t.toLowerCase() === "egress") return out;
    out.push({
      base: [],
      extra: [["type"]],
      rule: props,
      protocolKey: "protocol",
      cidrListKeys: ["cidrBlocks", "ipv6CidrBlocks"],
      cidrScalarKeys: [],
    });
    return out;
  }
  if (type === T.vpcEgress) return out;
  if (type === T.vpcIngress) {
    out.push({
      base: [],
      extra: [],
      rule: props,
      protocolKey: "ipProtocol",
      cidrListKeys: [],
      cidrScalarKeys: ["cidrIpv4", "cidrIpv6"],
    });
    return out;
  }
  return undefined;
}

/** The oracle's verdict for both ingress policies, or undefined when the type writes no grants. */
export function judgeIngress(
  type: string,
  props: Record<string, unknown>,
  config: { allowedIngress: readonly string[]; allowedPublicCidrs: readonly string[] },
  allow: Allowlist = buildAllowlist(config.allowedIngress),
): OracleVerdict | undefined {
  const malformed: OracleViolation[] = [];
  const grants = ingressGrants(type, props, malformed);
  if (!grants) return undefined;
  const verdict: OracleVerdict = { ports: [...malformed], sources: [...malformed] };
  for (const g of grants) {
    const at = (...k: (string | number)[]) => [...g.base, ...k];
    const protocol = unwrap(g.rule[g.protocolKey]);
    const fromPort = unwrap(g.rule.fromPort);
    const toPort = unwrap(g.rule.toPort);
    if (!portsAllowed(protocol, fromPort, toPort, allow)) {
      const p = parseProtocol(protocol);
      const ported = p && !p.all && (p.number === TCP || p.number === UDP);
      verdict.ports.push({
        reason: `${at(g.protocolKey).join(".")} ${JSON.stringify(protocol)} ports ${JSON.stringify(fromPort)}-${JSON.stringify(toPort)}`,
        deciding: [at(g.protocolKey), ...(ported ? [at("fromPort"), at("toPort")] : []), ...g.extra],
      });
    }
    for (const key of g.cidrListKeys) {
      const list = unwrap(g.rule[key]);
      if (list === undefined || list === null) continue;
      if (!Array.isArray(list)) {
        // A bare value where a list belongs is judged as the one CIDR it is (the provider reads it so).
        if (!sourceAllowed(list, config.allowedPublicCidrs))
          verdict.sources.push({
            reason: `${at(key).join(".")} = ${JSON.stringify(list)}`,
            deciding: [at(key), ...g.extra],
          });
        continue;
      }
      list.forEach((c, j) => {
        const cidr = unwrap(c);
        if (!sourceAllowed(cidr, config.allowedPublicCidrs))
          verdict.sources.push({
            reason: `${at(key, j).join(".")} = ${JSON.stringify(cidr)}`,
            deciding: [at(key, j), ...g.extra],
          });
      });
    }
    for (const key of g.cidrScalarKeys) {
      const cidr = unwrap(g.rule[key]);
      if (cidr === undefined || cidr === null || cidr === "") continue;
      if (!sourceAllowed(cidr, config.allowedPublicCidrs))
        verdict.sources.push({
          reason: `${at(key).join(".")} = ${JSON.stringify(cidr)}`,
          deciding: [at(key), ...g.extra],
        });
    }
  }
  return verdict;
}
