/**
 * Every way @pulumi/aws writes a security-group grant, reduced to one shape: the protocol and ports as
 * written, and the peers (CIDRs or references). Raw values are kept for the rules module; messages only
 * ever use `path`.
 */
import { classifyCidr, PRIVATE_RANGE_LIST } from "./rules";
import { mayBeSecret } from "./secret-paths";
import { field, type Findings, listField, rawProps, UNKNOWN, type Unknown } from "./policy-kit";

export const SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";
export const DEFAULT_SECURITY_GROUP = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup";
export const SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
export const VPC_INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
export const VPC_EGRESS_RULE = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
export const NETWORK_ACL = "aws:ec2/networkAcl:NetworkAcl";
export const DEFAULT_NETWORK_ACL = "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl";
export const NETWORK_ACL_RULE = "aws:ec2/networkAclRule:NetworkAclRule";

export const GRANT_TYPES: readonly string[] = [
  SECURITY_GROUP,
  DEFAULT_SECURITY_GROUP,
  SECURITY_GROUP_RULE,
  VPC_INGRESS_RULE,
  VPC_EGRESS_RULE,
];

/** Network ACLs are stateless filters layered under security groups; see docs/policies.md. */
export const NACL_TYPES: readonly string[] = [NETWORK_ACL, DEFAULT_NETWORK_ACL, NETWORK_ACL_RULE];

export type Direction = "ingress" | "egress";

/** A peer of a grant: a CIDR (value as written) or a reference (security group, prefix list, self). */
export type Peer =
  | { kind: "cidr"; path: string; value: unknown }
  | { kind: "reference"; path: string }
  | { kind: "unknown-list"; path: string };

export interface Grant {
  /** Where the grant is written, e.g. `ingress[1]` or `` (a whole rule resource). */
  path: string;
  /** True when protocol or ports were secrets (or may have been): messages then do not name them. */
  valuesSecret?: boolean;
  direction: Direction | Unknown;
  /** Path of each deciding field, for messages. */
  protocolPath: string;
  protocol: unknown;
  fromPort: unknown;
  toPort: unknown;
  peers: Peer[];
}

/** Whole grant element is unknown (e.g. `ingress[2]` computed at preview). */
export interface UnknownGrant {
  unknown: true;
  path: string;
}

/**
 * A known value where rules belong but of the wrong shape (`ingress: 0`, an element that is a string or
 * a list). Known, so it is a violation (fail closed), never "not known at preview".
 */
export interface MalformedGrant {
  malformed: true;
  path: string;
}

export type GrantEntry = Grant | UnknownGrant | MalformedGrant;

function at(base: string, key: string | number): string {
  if (typeof key === "number") return `${base}[${key}]`;
  return base ? `${base}.${key}` : key;
}

function cidrPeers(obj: unknown, base: string, key: string, peers: Peer[]): void {
  const list = listField(obj, key);
  if (list === UNKNOWN) peers.push({ kind: "unknown-list", path: at(base, key) });
  else if (list === "invalid") peers.push({ kind: "cidr", path: at(base, key), value: field(obj, key) });
  else list.forEach((v, i) => peers.push({ kind: "cidr", path: at(at(base, key), i), value: v }));
}

function scalarCidrPeer(obj: unknown, base: string, key: string, peers: Peer[]): void {
  const v = field(obj, key);
  if (v !== undefined && v !== null && v !== "") peers.push({ kind: "cidr", path: at(base, key), value: v });
}

function referencePeers(obj: unknown, base: string, keys: string[], peers: Peer[]): void {
  for (const key of keys) {
    const v = field(obj, key);
    if (v === undefined || v === null || v === false || v === "") continue;
    if (Array.isArray(v) && v.length === 0) continue;
    peers.push({ kind: "reference", path: at(base, key) });
  }
}

/** Inline rules of SecurityGroup / DefaultSecurityGroup (`ingress` / `egress` lists). */
function inlineGrants(props: Record<string, unknown>, direction: Direction): GrantEntry[] {
  const list = listField(props, direction);
  if (list === UNKNOWN) return [{ unknown: true, path: direction }];
  if (list === "invalid") return [{ malformed: true, path: direction }];
  return list.map((rule, i): GrantEntry => {
    const base = at(direction, i);
    if (rule === UNKNOWN) return { unknown: true, path: base };
    if (rule === null || typeof rule !== "object" || Array.isArray(rule))
      return { malformed: true, path: base };
    const peers: Peer[] = [];
    cidrPeers(rule, base, "cidrBlocks", peers);
    cidrPeers(rule, base, "ipv6CidrBlocks", peers);
    referencePeers(rule, base, ["securityGroups", "prefixListIds", "self"], peers);
    return {
      path: base,
      direction,
      protocolPath: at(base, "protocol"),
      protocol: field(rule, "protocol"),
      fromPort: field(rule, "fromPort"),
      toPort: field(rule, "toPort"),
      peers,
    };
  });
}

/**
 * The grants a resource writes, or undefined when the type writes none. Elements are either grants or
 * markers for a grant that is entirely unknown at preview.
 */
export function grantsOf(type: string, props: unknown): GrantEntry[] | undefined {
  const grants = grantsIn(type, props);
  if (!grants) return grants;
  const raw = rawProps(props);
  for (const g of grants) {
    if (isUnknownGrant(g) || isMalformedGrant(g)) continue;
    g.valuesSecret = [g.protocolPath, fieldPath(g, "fromPort"), fieldPath(g, "toPort")].some((p) =>
      mayBeSecret(raw, p),
    );
  }
  return grants;
}

function grantsIn(type: string, props: unknown): GrantEntry[] | undefined {
  const p = rawProps(props);
  switch (type) {
    case SECURITY_GROUP:
    case DEFAULT_SECURITY_GROUP:
      return [...inlineGrants(p, "ingress"), ...inlineGrants(p, "egress")];
    case SECURITY_GROUP_RULE: {
      const t = field(p, "type");
      const direction: Direction | Unknown =
        t === UNKNOWN
          ? UNKNOWN
          : typeof t === "string" && t.toLowerCase() === "egress"
            ? "egress"
            : "ingress";
      const peers: Peer[] = [];
      cidrPeers(p, "", "cidrBlocks", peers);
      cidrPeers(p, "", "ipv6CidrBlocks", peers);
      referencePeers(p, "", ["sourceSecurityGroupId", "prefixListIds", "self"], peers);
      return [
        {
          path: "",
          direction,
          protocolPath: "protocol",
          protocol: field(p, "protocol"),
          fromPort: field(p, "fromPort"),
          toPort: field(p, "toPort"),
          peers,
        },
      ];
    }
    case VPC_INGRESS_RULE:
    case VPC_EGRESS_RULE: {
      const peers: Peer[] = [];
      scalarCidrPeer(p, "", "cidrIpv4", peers);
      scalarCidrPeer(p, "", "cidrIpv6", peers);
      referencePeers(p, "", ["referencedSecurityGroupId", "prefixListId"], peers);
      return [
        {
          path: "",
          direction: type === VPC_INGRESS_RULE ? "ingress" : "egress",
          protocolPath: "ipProtocol",
          protocol: field(p, "ipProtocol"),
          fromPort: field(p, "fromPort"),
          toPort: field(p, "toPort"),
          peers,
        },
      ];
    }
    default:
      return undefined;
  }
}

export function isUnknownGrant(g: GrantEntry): g is UnknownGrant {
  return (g as UnknownGrant).unknown === true;
}

export function isMalformedGrant(g: GrantEntry): g is MalformedGrant {
  return (g as MalformedGrant).malformed === true;
}

/** The violation message for a malformed grant (names the field, never its value). */
export function malformedGrantMessage(g: MalformedGrant, direction: Direction): string {
  return g.path === direction
    ? `${g.path} is not a list of ${direction} rules`
    : `${g.path} is not a security-group ${direction} rule object`;
}

/**
 * True for a rule resource (SecurityGroupRule, vpc.SecurityGroupIngressRule/EgressRule) whose direction is
 * known and is not `direction`: a policy of that direction does not apply to it at all.
 */
export function isRuleOfOtherDirection(entries: readonly GrantEntry[], direction: Direction): boolean {
  return (
    entries.length > 0 &&
    entries.every(
      (g) =>
        !isUnknownGrant(g) &&
        !isMalformedGrant(g) &&
        g.path === "" &&
        g.direction !== UNKNOWN &&
        g.direction !== direction,
    )
  );
}

/** `ingress[1]` or `the rule` for whole-resource rules, for messages. */
export function grantLabel(g: { path: string }): string {
  return g.path || "the rule";
}

/** Prefix for a field path inside a grant (`ingress[0].fromPort` / `fromPort`). */
export function fieldPath(g: { path: string }, key: string): string {
  return g.path ? `${g.path}.${key}` : key;
}

/**
 * The grants a security-group policy judges for one direction: known grants going that way, or whose
 * direction is unknown at preview. Inline rule entries of that direction that are malformed (a violation)
 * or unknown (checked again at `pulumi up`) are recorded in `findings` instead.
 */
export function grantsToJudge(
  entries: readonly GrantEntry[],
  direction: Direction,
  findings: Findings,
): Grant[] {
  const judged: Grant[] = [];
  for (const g of entries) {
    if (isMalformedGrant(g) || isUnknownGrant(g)) {
      if (!g.path.startsWith(direction)) continue;
      if (isMalformedGrant(g)) findings.violation(malformedGrantMessage(g, direction));
      else findings.unknown(g.path, `${direction} rule`);
      continue;
    }
    if (g.direction === UNKNOWN || g.direction === direction) judged.push(g);
  }
  return judged;
}

/**
 * Checks every CIDR peer of a grant against the private ranges and an allowlist of public CIDRs.
 * References (security groups, prefix lists, self) are private by construction.
 */
export function assessPeers(
  g: Grant,
  allowedCidrs: readonly string[],
  findings: Findings,
  noun: string,
  unknownContext?: string,
): void {
  const allowedText = [...PRIVATE_RANGE_LIST, ...allowedCidrs].join(", ");
  for (const peer of g.peers) {
    if (peer.kind === "reference") continue;
    if (peer.kind === "unknown-list") {
      findings.unknown(peer.path, `${noun} list`);
      continue;
    }
    if (peer.value === UNKNOWN) {
      findings.unknown(peer.path, noun);
      continue;
    }
    const c = classifyCidr(peer.value, allowedCidrs);
    let problem: string | undefined;
    if (c.kind === "invalid")
      problem = `${peer.path} is not a valid CIDR block, so it cannot be shown to be private`;
    else if (c.kind === "public")
      problem = `${peer.path} is not within a private range; ${noun}s must lie within ${allowedText}`;
    if (!problem) continue;
    if (unknownContext) findings.unknown(unknownContext, `if ${noun.split(" ")[0]}: ${problem}`);
    else findings.violation(problem);
  }
}
