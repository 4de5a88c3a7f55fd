import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import {
  ALL_PORTS,
  AllowlistSyntaxError,
  allowlistEntryRefusal,
  checkGrant,
  classifyCidr,
  DEFAULT_ALLOWED_INGRESS,
  EMPTY_ALLOWLIST_REFUSAL,
  INVALID_CIDR_PROBLEM,
  isRulePortBound,
  normalizeProtocol,
  parseAllowlist,
  protocolLabel,
  PUBLIC_RANGE_REFUSAL,
  RULE_PORT_PROBLEM,
  type AllowlistEntry,
  type NormalizedProtocol,
} from "../policies/src/rules";
import { checkedOrThrow, runChecks, type ConfigChecks, type ConfigProblem } from "./errors";
import { DEFAULT_DATA_CLASSIFICATION, mergeTags, type DataClassification } from "./tags";

const COMPONENT = "AllowlistedSecurityGroup";

/**
 * The defaults of {@link AllowlistedSecurityGroupArgs}; docs/components-channel.md states them
 * (test/docs-components.test.ts). No egress rule: all outbound traffic denied.
 */
export const DEFAULT_EGRESS: readonly EgressRuleArgs[] = Object.freeze([]);
export const DEFAULT_ALLOWED_PUBLIC_CIDRS: readonly string[] = Object.freeze([]);
export const DEFAULT_SECURITY_GROUP_DESCRIPTION = "phi-channels allowlisted security group";

/**
 * What this group's fix adds to the shared public-range refusal: its own exception list. A component
 * that builds the group without offering that list (PhiChannel) reports the shared fix alone.
 */
export const PUBLIC_CIDR_EXCEPTION_HINT =
  ", or list the partner range in allowedPublicCidrs and the policy pack's exception list";

/** Where traffic of a rule comes from (ingress) or goes to (egress). Exactly one form. */
export type RulePeer =
  | { cidrBlock: string }
  | { ipv6CidrBlock: string }
  | { securityGroupId: pulumi.Input<string> }
  | { prefixListId: pulumi.Input<string> }
  | { self: true };

/** Fields shared by ingress and egress rules. */
export interface RuleArgs {
  /**
   * Protocol name or IANA number (`"tcp"`, `"TCP"`, `"6"`, `"udp"`, `"icmp"`...). Normalised before the
   * rule is created. `"-1"`/`"all"` and unknown spellings are refused: they either open everything or
   * cannot be checked against the allowlist.
   */
  protocol: string;
  /** Single port; shorthand for `fromPort` = `toPort` = `port`. Conflicts with `fromPort`/`toPort`. */
  port?: number;
  /** First port of the range (inclusive). Required with `toPort` for TCP/UDP unless `port` is set. */
  fromPort?: number;
  /** Last port of the range (inclusive). */
  toPort?: number;
  /**
   * Why the rule exists (who talks to whom). Required and non-empty: an unexplained rule cannot be
   * reviewed under HIPAA 164.308(a)(1)(ii)(D) information system activity review.
   */
  description: string;
}

/** One ingress rule; becomes one `aws.vpc.SecurityGroupIngressRule`. */
export interface IngressRuleArgs extends RuleArgs {
  /**
   * The peer allowed in. CIDR peers must be private (RFC 1918 / RFC 6598 / RFC 4193) unless listed in
   * `allowedPublicCidrs`; `0.0.0.0/0`, `::/0` and split halves such as `0.0.0.0/1` are refused.
   */
  source: RulePeer;
}

/** One egress rule; becomes one `aws.vpc.SecurityGroupEgressRule`. */
export interface EgressRuleArgs extends RuleArgs {
  /** The peer allowed out to. Same CIDR checks as ingress sources; "anywhere on every port" is refused. */
  destination: RulePeer;
}

export interface AllowlistedSecurityGroupArgs {
  /** VPC of the group. Required: a group in the default VPC is never what a PHI channel wants. */
  vpcId: pulumi.Input<string>;
  /**
   * Ingress rules. Every rule must open only ports covered by `allowedIngress`. Required; an empty list
   * is allowed and admits nothing.
   */
  ingress: IngressRuleArgs[];
  /**
   * Egress rules. Default: `[]`, none. A security group without egress rules denies all outbound traffic
   * (the provider removes AWS's default allow-all egress rule on create), so every target must be
   * declared. Egress to `0.0.0.0/0` or `::/0` on all ports is refused.
   */
  egress?: EgressRuleArgs[];
  /**
   * The channel allowlist (`"tcp/443"`, `"tcp/8443-8445"`, ...), the same syntax the policy pack reads.
   * Default: `["tcp/443"]` (`DEFAULT_ALLOWED_INGRESS`, HTTPS only).
   */
  allowedIngress?: readonly string[];
  /**
   * Public CIDRs accepted as sources/destinations, mirroring the policy pack's exception list.
   * Default: `[]` (only private address space).
   */
  allowedPublicCidrs?: readonly string[];
  /**
   * Group description (cannot be changed in place by AWS).
   * Default: `"phi-channels allowlisted security group"`.
   */
  description?: string;
  /** Data classification tag value. Default: `"phi"` (the group guards a PHI channel). */
  dataClassification?: DataClassification;
  /** Extra tags; the classification and component tags cannot be overridden. Default: none. */
  tags?: Record<string, string>;
}

/** A rule after validation: the values the AWS resource receives. */
interface PlannedRule {
  field: string;
  ipProtocol: string;
  fromPort?: number;
  toPort?: number;
  peer: RulePeer;
  description: string;
}

/**
 * A security group whose every rule is checked against the channel allowlist with the same rules the
 * policy pack uses (HIPAA 164.312(a)(1) access control, 164.312(e)(1) transmission security). Rules are
 * separate `aws.vpc.SecurityGroupIngressRule`/`SecurityGroupEgressRule` resources, one per declared rule.
 */
export class AllowlistedSecurityGroup extends pulumi.ComponentResource {
  readonly securityGroup: aws.ec2.SecurityGroup;
  readonly securityGroupId: pulumi.Output<string>;
  readonly ingressRules: aws.vpc.SecurityGroupIngressRule[];
  readonly egressRules: aws.vpc.SecurityGroupEgressRule[];

  constructor(name: string, args: AllowlistedSecurityGroupArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate everything before registering anything: a refused argument must leave no partial state.
    const plan = checkedOrThrow(COMPONENT, name, (c) => planSecurityGroup(c, args));
    super("phi:network:AllowlistedSecurityGroup", name, {}, opts);

    const tags = mergeTags(args.dataClassification ?? DEFAULT_DATA_CLASSIFICATION, args.tags, COMPONENT);

    // No inline `ingress`/`egress`: the provider docs warn that inline rules next to standalone rule
    // resources overwrite each other, and setting them to [] would delete the standalone rules on every
    // update. Leaving them unset still removes AWS's default allow-all egress rule on create.
    this.securityGroup = new aws.ec2.SecurityGroup(
      name,
      {
        vpcId: args.vpcId,
        description: plan.description,
        revokeRulesOnDelete: true,
        tags,
      },
      { parent: this },
    );
    this.securityGroupId = this.securityGroup.id;

    // Ingress and egress rules take the same arguments; only the resource type differs.
    const ruleArgs = (r: (typeof plan.ingress)[number]) => ({
      securityGroupId: this.securityGroup.id,
      ipProtocol: r.ipProtocol,
      fromPort: r.fromPort,
      toPort: r.toPort,
      description: r.description,
      ...peerFields(r.peer, this.securityGroup.id),
      tags,
    });
    this.ingressRules = plan.ingress.map(
      (r, i) => new aws.vpc.SecurityGroupIngressRule(`${name}-in-${i}`, ruleArgs(r), { parent: this }),
    );
    this.egressRules = plan.egress.map(
      (r, i) => new aws.vpc.SecurityGroupEgressRule(`${name}-out-${i}`, ruleArgs(r), { parent: this }),
    );

    this.registerOutputs({
      securityGroup: this.securityGroup,
      securityGroupId: this.securityGroupId,
      ingressRules: this.ingressRules,
      egressRules: this.egressRules,
    });
  }
}

/**
 * Checks arguments exactly as the constructor does, without creating anything, and returns every problem
 * (none: valid); for components that build an AllowlistedSecurityGroup after registering themselves.
 */
export function validateAllowlistedSecurityGroupArgs(
  name: string,
  args: AllowlistedSecurityGroupArgs,
): ConfigProblem[] {
  return runChecks(COMPONENT, name, (c) => planSecurityGroup(c, args)).problems;
}

function peerFields(peer: RulePeer, selfId: pulumi.Output<string>) {
  if ("cidrBlock" in peer) return { cidrIpv4: peer.cidrBlock };
  if ("ipv6CidrBlock" in peer) return { cidrIpv6: peer.ipv6CidrBlock };
  if ("securityGroupId" in peer) return { referencedSecurityGroupId: peer.securityGroupId };
  if ("prefixListId" in peer) return { prefixListId: peer.prefixListId };
  return { referencedSecurityGroupId: selfId };
}

/** Validates the arguments (every problem into `c`) and returns the rules to create. */
function planSecurityGroup(
  c: ConfigChecks,
  args: AllowlistedSecurityGroupArgs,
): { description: string; ingress: PlannedRule[]; egress: PlannedRule[] } {
  const fail: Fail = (field, value, problem, fix) => c.stop(field, value, problem, fix);
  if (args === undefined || args === null) fail("args", args, "is missing", "pass { vpcId, ingress }");
  if (args.vpcId === undefined || args.vpcId === null || args.vpcId === "") {
    c.report("vpcId", args.vpcId, "is required", "pass the id of the channel's private VPC");
  }
  const allowedText = args.allowedIngress ?? DEFAULT_ALLOWED_INGRESS;
  let allowlist: AllowlistEntry[] = [];
  if (!Array.isArray(allowedText) || allowedText.length === 0) {
    fail("allowedIngress", allowedText, EMPTY_ALLOWLIST_REFUSAL.problem, EMPTY_ALLOWLIST_REFUSAL.fix);
  }
  try {
    allowlist = parseAllowlist(allowedText);
  } catch (e) {
    if (!(e instanceof AllowlistSyntaxError)) throw e;
    const refusal = allowlistEntryRefusal(e);
    fail(`allowedIngress[${allowedText.indexOf(e.entry)}]`, e.entry, refusal.problem, refusal.fix);
  }
  const allowedPublic = args.allowedPublicCidrs ?? DEFAULT_ALLOWED_PUBLIC_CIDRS;
  allowedPublic.forEach((cidr, i) => {
    const cls = classifyCidr(cidr);
    if (cls.kind === "invalid") {
      c.report(`allowedPublicCidrs[${i}]`, cidr, INVALID_CIDR_PROBLEM, 'write e.g. "203.0.113.0/24"');
    } else if (cls.kind === "public" && /\/0$/.test(cidr)) {
      c.report(
        `allowedPublicCidrs[${i}]`,
        cidr,
        "would allow the whole internet",
        "list specific partner ranges",
      );
    }
  });
  if (!Array.isArray(args.ingress)) {
    fail("ingress", args.ingress, "must be a list of rules", "pass [] for no ingress, or declare each rule");
  }
  const description = args.description ?? DEFAULT_SECURITY_GROUP_DESCRIPTION;
  if (typeof description !== "string" || description.trim() === "") {
    c.report("description", description, "must be a non-empty string", "describe what the group guards");
  }

  // Each rule is checked on its own: a refused rule does not hide the problems of the next one.
  const ingress = args.ingress.map((rule, i) =>
    c.section(() =>
      planRule(
        fail,
        `ingress[${i}]`,
        rule,
        rule?.source,
        "source",
        allowlist,
        allowedText,
        allowedPublic,
        true,
      ),
    ),
  );
  const egressArgs = args.egress ?? DEFAULT_EGRESS;
  if (!Array.isArray(egressArgs)) {
    fail("egress", egressArgs, "must be a list of rules", "omit it for no egress, or declare each target");
  }
  const egress = egressArgs.map((rule, i) =>
    c.section(() =>
      planRule(
        fail,
        `egress[${i}]`,
        rule,
        rule?.destination,
        "destination",
        allowlist,
        allowedText,
        allowedPublic,
        false,
      ),
    ),
  );
  return { description, ingress: ingress as PlannedRule[], egress: egress as PlannedRule[] };
}

type Fail = (field: string, value: unknown, problem: string, fix: string) => never;

function planRule(
  fail: Fail,
  field: string,
  rule: RuleArgs | undefined,
  peer: RulePeer | undefined,
  peerKey: "source" | "destination",
  allowlist: AllowlistEntry[],
  allowedText: readonly string[],
  allowedPublic: readonly string[],
  isIngress: boolean,
): PlannedRule {
  if (rule === undefined || rule === null || typeof rule !== "object") {
    return fail(field, rule, "is not a rule object", `pass { protocol, port, ${peerKey}, description }`);
  }
  if (typeof rule.description !== "string" || rule.description.trim() === "") {
    fail(
      `${field}.description`,
      rule.description,
      "must be a non-empty string",
      'say who connects to whom and why, e.g. "claims clients to ALB"',
    );
  }
  const protocol = normalizeProtocol(rule.protocol);
  if (!protocol) {
    fail(
      `${field}.protocol`,
      rule.protocol,
      "is not a recognised protocol",
      'use a protocol name or number such as "tcp", "udp" or "6"',
    );
  }
  const p = protocol as NormalizedProtocol;
  if (p.kind === "all") {
    fail(
      `${field}.protocol`,
      rule.protocol,
      "opens every protocol and port",
      `name the protocol and ports, e.g. protocol "tcp" with port 443 (allowed: ${allowedText.join(", ")})`,
    );
  }
  const ported = p.kind === "number" && p.hasPorts;
  let fromPort: number | undefined;
  let toPort: number | undefined;
  if (rule.port !== undefined) {
    if (rule.fromPort !== undefined || rule.toPort !== undefined) {
      fail(
        `${field}.port`,
        rule.port,
        "conflicts with fromPort/toPort",
        "set either port or fromPort and toPort",
      );
    }
    fromPort = toPort = rule.port;
  } else {
    fromPort = rule.fromPort;
    toPort = rule.toPort;
  }
  if (ported) {
    for (const [key, v] of [
      [rule.port !== undefined ? "port" : "fromPort", fromPort],
      [rule.port !== undefined ? "port" : "toPort", toPort],
    ] as const) {
      if (!isRulePortBound(v)) {
        fail(
          `${field}.${key}`,
          v,
          RULE_PORT_PROBLEM,
          "set port (or fromPort and toPort) to the allowlisted port, e.g. 443",
        );
      }
    }
  }
  if (isIngress) {
    const verdict = checkGrant(
      p.spelling,
      ported ? fromPort : undefined,
      ported ? toPort : undefined,
      allowlist,
    );
    if (!verdict.allowed) {
      const portField = rule.port !== undefined ? "port" : "fromPort";
      fail(
        ported ? `${field}.${portField}` : `${field}.protocol`,
        ported ? (rule.port ?? { fromPort, toPort }) : rule.protocol,
        `is refused: ${verdict.reason} (allowed: ${allowedText.join(", ")})`,
        "open only allowlisted ports, or add the port to the channel allowlist (and the policy pack's config)",
      );
    }
  } else if (ported && fromPort! > toPort!) {
    fail(`${field}.fromPort`, { fromPort, toPort }, "is greater than toPort", "swap the bounds");
  }

  const peerField = `${field}.${peerKey}`;
  if (peer === undefined || peer === null || typeof peer !== "object") {
    return fail(
      peerField,
      peer,
      "is required",
      "set exactly one of cidrBlock, ipv6CidrBlock, securityGroupId, prefixListId or self: true",
    );
  }
  const forms = ["cidrBlock", "ipv6CidrBlock", "securityGroupId", "prefixListId", "self"].filter(
    (k) => (peer as Record<string, unknown>)[k] !== undefined,
  );
  if (forms.length !== 1) {
    fail(
      peerField,
      forms,
      "must set exactly one peer form",
      "set exactly one of cidrBlock, ipv6CidrBlock, securityGroupId, prefixListId or self: true",
    );
  }
  const wholeRange = !ported || (fromPort === ALL_PORTS.from && toPort === ALL_PORTS.to);
  if ("cidrBlock" in peer || "ipv6CidrBlock" in peer) {
    const key = "cidrBlock" in peer ? "cidrBlock" : "ipv6CidrBlock";
    const cidr = "cidrBlock" in peer ? peer.cidrBlock : peer.ipv6CidrBlock;
    const c = classifyCidr(cidr, allowedPublic);
    if (c.kind === "invalid") {
      fail(`${peerField}.${key}`, cidr, INVALID_CIDR_PROBLEM, 'write e.g. "10.20.0.0/16" or "fd00::/8"');
    }
    if (c.family !== (key === "cidrBlock" ? "ipv4" : "ipv6")) {
      fail(
        `${peerField}.${key}`,
        cidr,
        `is an ${c.family} block`,
        key === "cidrBlock" ? "put IPv6 blocks in ipv6CidrBlock" : "put IPv4 blocks in cidrBlock",
      );
    }
    if (!isIngress && /\/0$/.test(cidr) && wholeRange) {
      fail(
        `${peerField}.${key}`,
        cidr,
        "allows egress to anywhere on every port",
        "declare each egress target (CIDR and port) explicitly",
      );
    }
    if (c.kind === "public") {
      fail(
        `${peerField}.${key}`,
        cidr,
        PUBLIC_RANGE_REFUSAL.problem,
        PUBLIC_RANGE_REFUSAL.fix + PUBLIC_CIDR_EXCEPTION_HINT,
      );
    }
  }
  if ("self" in peer && peer.self !== true) {
    fail(`${peerField}.self`, peer.self, "must be true", "use self: true, or another peer form");
  }
  // ICMP rules carry type/code in the port fields; -1/-1 is "all types", which the allowlist entry
  // "icmp/*" already had to permit. Other port-less protocols take no port fields at all.
  const icmp = p.kind === "number" && (p.number === 1 || p.number === 58);
  return {
    field,
    ipProtocol: protocolLabel(p),
    fromPort: ported ? fromPort : icmp ? -1 : undefined,
    toPort: ported ? toPort : icmp ? -1 : undefined,
    peer,
    description: rule.description,
  };
}
