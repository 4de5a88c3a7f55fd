/**
 * Every way @pulumi/aws writes a security-group grant, reduced to one shape: the protocol and ports as
 * written, and the peers (CIDRs or references). Raw values are kept for the rules module; messages only
 * ever use `path`. A reference to a managed prefix list of the same stack is judged by that list's
 * entries (PrefixListIndex, for the stack parts of the ingress and egress policies).
 */
import type { PolicyResource } from "@pulumi/policy";
import { classifyCidr, PRIVATE_RANGE_LIST } from "./rules";
import { mayBeSecret } from "./secret-paths";
import {
  dependenciesOf,
  field,
  Findings,
  listField,
  outputs,
  rawProps,
  type StackIndex,
  UNKNOWN,
  type Unknown,
} from "./policy-kit";
import { MANAGED_PREFIX_LIST, MANAGED_PREFIX_LIST_ENTRY } from "./tokens";

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

/**
 * A peer of a grant: a CIDR (value as written), a reference (security group, self) or a prefix-list id
 * (value as written, UNKNOWN for an unknown list of them; `dependencyProp` is the top-level property whose
 * dependencies lead to the list at preview).
 */
export type Peer =
  | { kind: "cidr"; path: string; value: unknown }
  | { kind: "reference"; path: string }
  | { kind: "prefix-list"; path: string; value: unknown; dependencyProp: string }
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

/** Prefix-list ids of a grant: each element of a list field (`prefixListIds`) or the one scalar (`prefixListId`). */
function prefixListPeers(
  obj: unknown,
  base: string,
  key: string,
  dependencyProp: string,
  peers: Peer[],
): void {
  const v = field(obj, key);
  if (v === undefined || v === null || v === "") return;
  const list = listField(obj, key);
  if (list === UNKNOWN)
    peers.push({ kind: "prefix-list", path: at(base, key), value: UNKNOWN, dependencyProp });
  else if (list === "invalid")
    peers.push({ kind: "prefix-list", path: at(base, key), value: v, dependencyProp });
  else
    list.forEach((id, i) =>
      peers.push({ kind: "prefix-list", path: at(at(base, key), i), value: id, dependencyProp }),
    );
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
    referencePeers(rule, base, ["securityGroups", "self"], peers);
    prefixListPeers(rule, base, "prefixListIds", direction, peers);
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
const GRANT_TYPE_SET: ReadonlySet<string> = new Set(GRANT_TYPES);

/**
 * Whether {@link grantsOf} reads grants from the type (of `direction`, when given: a VPC ingress or egress
 * rule carries only its own): decided on the type alone, before reading props.
 */
export function carriesGrants(type: string, direction?: Direction): boolean {
  if (!GRANT_TYPE_SET.has(type)) return false;
  if (direction === "ingress") return type !== VPC_EGRESS_RULE;
  if (direction === "egress") return type !== VPC_INGRESS_RULE;
  return true;
}

/**
 * Grants by the resource's properties object: the ingress, source and egress policies each read the same
 * resource's grants, and @pulumi/policy hands every policy of one request the same object
 * (deserialize-cache.ts). Read-only for callers.
 */
const grantsByProps = new WeakMap<object, { type: string; grants: GrantEntry[] | undefined }>();

export function grantsOf(type: string, props: unknown): GrantEntry[] | undefined {
  if (!GRANT_TYPE_SET.has(type)) return undefined;
  const raw = rawProps(props);
  const known = grantsByProps.get(raw);
  if (known && known.type === type) return known.grants;
  const grants = parseGrants(type, props, raw);
  grantsByProps.set(raw, { type, grants });
  return grants;
}

function parseGrants(type: string, props: unknown, raw: Record<string, unknown>): GrantEntry[] | undefined {
  const grants = grantsIn(type, props);
  if (!grants) return grants;
  for (const g of grants) {
    if (isUnknownGrant(g) || isMalformedGrant(g)) continue;
    // Asked only when a message is about to name the values: the walk converts the whole wire form.
    let secret: boolean | undefined;
    Object.defineProperty(g, "valuesSecret", {
      enumerable: true,
      get: () =>
        (secret ??= [g.protocolPath, fieldPath(g, "fromPort"), fieldPath(g, "toPort")].some((p) =>
          mayBeSecret(raw, p),
        )),
    });
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
      referencePeers(p, "", ["sourceSecurityGroupId", "self"], peers);
      prefixListPeers(p, "", "prefixListIds", "prefixListIds", peers);
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
      referencePeers(p, "", ["referencedSecurityGroupId"], peers);
      prefixListPeers(p, "", "prefixListId", "prefixListId", peers);
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
 * References (security groups, self) are private by construction; prefix lists are judged by their
 * entries in the stack part (assessPrefixListPeers), and accepted here, where the list is not visible.
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
    if (peer.kind === "reference" || peer.kind === "prefix-list") continue;
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

// ---------------------------------------------------------------------------------------------------
// Managed prefix lists of the stack.

const PREFIX_LIST_TYPES: ReadonlySet<string> = new Set([MANAGED_PREFIX_LIST]);

/** One CIDR of a managed prefix list, named as `<list>.entries[0].cidr` or `<entry resource>.cidr`. */
interface PrefixListCidr {
  path: string;
  value: unknown;
}

/** How an entry's CIDR stands against the private ranges and the allowed public CIDRs. */
function cidrProblem(value: unknown, allowedCidrs: readonly string[]): string | undefined {
  const c = classifyCidr(value, allowedCidrs);
  if (c.kind === "invalid") return "is not a valid CIDR block, so it cannot be shown to be private";
  if (c.kind === "public") return "is not within a private range";
  return undefined;
}

/**
 * The stack's managed prefix lists (`ec2.ManagedPrefixList`) with their entries: inline `entries[].cidr`
 * and `ec2.ManagedPrefixListEntry` resources, matched to their list by `prefixListId` (the list's id, or
 * at preview its property dependency). A prefix list that is not in the stack (an AWS-managed list such as
 * com.amazonaws.<region>.s3, or one managed elsewhere) is not judged.
 */
export class PrefixListIndex {
  readonly lists: PolicyResource[];
  private readonly byId = new Map<string, PolicyResource>();
  private readonly cidrs = new Map<string, PrefixListCidr[]>();
  /** Per list URN: the field whose unknown value hides entries (`<list>.entries`). */
  private readonly hidden = new Map<string, string>();
  /** Entries whose list is unknown at preview without a dependency: they may belong to any list. */
  private readonly floating: { path: string; value: unknown; listPath: string }[] = [];

  constructor(stack: StackIndex) {
    this.lists = stack.ofTypes([MANAGED_PREFIX_LIST]);
    for (const l of this.lists) {
      const o = outputs(l);
      const id = field(o, "id");
      if (typeof id === "string" && id !== "") this.byId.set(id, l);
      const own: PrefixListCidr[] = [];
      const entries = listField(o, "entries");
      if (entries === UNKNOWN) this.hidden.set(l.urn, `${l.name}.entries`);
      else if (entries === "invalid") own.push({ path: `${l.name}.entries`, value: field(o, "entries") });
      else
        entries.forEach((e, i) => {
          const path = `${l.name}.entries[${i}]`;
          if (e === UNKNOWN) own.push({ path, value: UNKNOWN });
          else own.push({ path: `${path}.cidr`, value: field(e, "cidr") });
        });
      this.cidrs.set(l.urn, own);
    }
    for (const e of stack.ofTypes([MANAGED_PREFIX_LIST_ENTRY])) {
      const o = outputs(e);
      const cidr = { path: `${e.name}.cidr`, value: field(o, "cidr") };
      const target = this.resolve(field(o, "prefixListId"), e, "prefixListId");
      if (target === "any") this.floating.push({ ...cidr, listPath: `${e.name}.prefixListId` });
      else if (target !== "outside") for (const l of target) this.cidrs.get(l.urn)!.push(cidr);
    }
  }

  /**
   * The lists a prefix-list id written in `source.dependencyProp` names: by id, or at preview by property
   * dependency; "outside" for a known id of no list in the stack; "any" for an unknown id without one.
   */
  resolve(
    value: unknown,
    source: PolicyResource,
    dependencyProp: string,
  ): PolicyResource[] | "outside" | "any" {
    if (typeof value === "string" && this.byId.has(value)) return [this.byId.get(value)!];
    if (value !== UNKNOWN) return "outside";
    const deps = dependenciesOf(source, dependencyProp, PREFIX_LIST_TYPES);
    return deps.length ? deps : "any";
  }

  /**
   * Judges one list: its entries that are not private (nor in `allowedCidrs`), and the fields whose unknown
   * values decide whether it has such an entry.
   */
  judge(list: PolicyResource, allowedCidrs: readonly string[]): { problems: string[]; unknown: string[] } {
    const problems: string[] = [];
    const unknown: string[] = [];
    const hidden = this.hidden.get(list.urn);
    if (hidden) unknown.push(hidden);
    for (const c of this.cidrs.get(list.urn) ?? []) {
      if (c.value === UNKNOWN) unknown.push(c.path);
      else {
        const problem = cidrProblem(c.value, allowedCidrs);
        if (problem) problems.push(`${c.path} ${problem}`);
      }
    }
    for (const f of this.floating)
      if (f.value === UNKNOWN || cidrProblem(f.value, allowedCidrs)) unknown.push(f.listPath);
    return { problems, unknown };
  }

  /** True when some list of the stack has, or may have, an entry that is not private. */
  anyNotPrivate(allowedCidrs: readonly string[]): boolean {
    return this.lists.some((l) => {
      const j = this.judge(l, allowedCidrs);
      return j.problems.length > 0 || j.unknown.length > 0;
    });
  }
}

/**
 * Judges the prefix-list peers of a grant of `source` by the entries of the lists they name in this
 * stack. A list with 0.0.0.0/0, ::/0 or any public range among its entries opens the grant to it, as the
 * CIDR would. An id unknown at preview without a dependency may name any list: undecided only when some
 * list of the stack is not private. `unknownContext` as in assessPeers (a rule whose direction is unknown).
 */
export function assessPrefixListPeers(
  g: Grant,
  source: PolicyResource,
  lists: PrefixListIndex,
  allowedCidrs: readonly string[],
  findings: Findings,
  noun: string,
  unknownContext?: string,
): void {
  const allowedText = [...PRIVATE_RANGE_LIST, ...allowedCidrs].join(", ");
  for (const peer of g.peers) {
    if (peer.kind !== "prefix-list") continue;
    const target = lists.resolve(peer.value, source, peer.dependencyProp);
    if (target === "outside") continue;
    if (target === "any") {
      if (lists.anyNotPrivate(allowedCidrs))
        findings.unknown(
          peer.path,
          `${noun} prefix list: it may be a list of this stack with an entry that is not private`,
        );
      continue;
    }
    for (const list of target) {
      const j = lists.judge(list, allowedCidrs);
      for (const p of j.problems) {
        const problem = `${peer.path} references managed prefix list ${list.name}, whose entry ${p}; ${noun}s must lie within ${allowedText}`;
        if (unknownContext) findings.unknown(unknownContext, `if ${noun.split(" ")[0]}: ${problem}`);
        else findings.violation(problem);
      }
      for (const u of j.unknown)
        findings.unknown(u, `entry of managed prefix list ${list.name}, referenced by ${peer.path}`);
    }
  }
}

/**
 * The stack part of a security-group policy: every grant of `direction` in the stack whose prefix-list
 * peers name lists of the stack, judged by their entries and reported at the grant's resource.
 */
export function judgeStackPrefixLists(
  stack: StackIndex,
  direction: Direction,
  allowedCidrs: readonly string[],
  noun: string,
  report: (findings: Findings, urn: string) => void,
): void {
  const lists = new PrefixListIndex(stack);
  for (const r of stack.ofTypes(GRANT_TYPES)) {
    const entries = grantsOf(r.type, r.props);
    if (!entries || isRuleOfOtherDirection(entries, direction)) continue;
    const findings = new Findings();
    // Malformed and unknown rule entries are the resource part's findings; not repeated here.
    for (const g of grantsToJudge(entries, direction, new Findings()))
      assessPrefixListPeers(
        g,
        r,
        lists,
        allowedCidrs,
        findings,
        noun,
        g.direction === UNKNOWN ? "type" : undefined,
      );
    if (findings.count > 0) report(findings, r.urn);
  }
}
