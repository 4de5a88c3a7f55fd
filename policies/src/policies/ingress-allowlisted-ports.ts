import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { reportConfigProblems } from "../config-checks";
import { hipaaFramework } from "../framework";
import {
  ALLOWLIST_ENTRY_PATTERN,
  checkGrant,
  DEFAULT_ALLOWED_INGRESS,
  effectivePortRange,
  normalizeProtocol,
  parseAllowlist,
  type AllowlistEntry,
} from "../rules";
import { configWithDefaults, Findings, UNKNOWN } from "../policy-kit";
import {
  fieldPath,
  grantLabel,
  grantsOf,
  grantsToJudge,
  isRuleOfOtherDirection,
  NACL_TYPES,
  type Grant,
} from "../grants";

export const ingressAllowlistedPortsConfigSchema = {
  properties: {
    allowedIngress: {
      type: "array",
      description:
        'Protocol/port pairs ingress may open: "<protocol>/<port>", "<protocol>/<from>-<to>" or "<protocol>/*" for port-less protocols such as icmp.',
      items: { type: "string", pattern: ALLOWLIST_ENTRY_PATTERN },
      uniqueItems: true,
      default: [...DEFAULT_ALLOWED_INGRESS],
    },
  },
} satisfies PolicyConfigSchema;

export interface IngressAllowlistedPortsConfig {
  allowedIngress: string[];
}

/**
 * Decides whether one grant opens only allowlisted ports, reading the protocol first and the ports only
 * when the protocol carries ports. With one port bound unknown, the known bound alone can still prove a
 * violation (it lies inside the range whatever the other bound is).
 */
export function assessGrantPorts(
  g: Grant,
  allowlist: readonly AllowlistEntry[],
  allowedText: string,
  findings: Findings,
  unknownContext?: string,
): void {
  const label = grantLabel(g);
  // Names what the rule opens (e.g. tcp/22), never just "ports".
  const outside = (opened: string) =>
    g.valuesSecret
      ? `${label} opens ports outside the allowlist (allowed: ${allowedText}); its protocol or ports are secret, so not shown`
      : `${label} opens ${opened}, which is outside the allowlist (allowed: ${allowedText})`;
  const report = (msg: string) =>
    unknownContext ? findings.unknown(unknownContext, `if ingress: ${msg}`) : findings.violation(msg);
  if (g.protocol === UNKNOWN) return findings.unknown(g.protocolPath, "protocol");
  const protocol = normalizeProtocol(g.protocol);
  if (!protocol) {
    return report(
      `${g.protocolPath} is not a recognised protocol name or IANA number, so ${label} is not allowed`,
    );
  }
  if (protocol.kind === "all")
    return report(`${label} opens every protocol and port (allowed: ${allowedText})`);
  const name = protocol.name ?? String(protocol.number);
  const ports = (from: unknown, to: unknown) => (from === to ? `${name}/${from}` : `${name}/${from}-${to}`);
  if (!protocol.hasPorts) {
    if (!checkGrant(g.protocol, undefined, undefined, allowlist).allowed) report(outside(name));
    return;
  }
  const fromUnknown = g.fromPort === UNKNOWN;
  const toUnknown = g.toPort === UNKNOWN;
  if (fromUnknown || toUnknown) {
    const known = fromUnknown ? g.toPort : g.fromPort;
    if (!fromUnknown || !toUnknown) {
      const single = checkGrant(g.protocol, known, known, allowlist);
      if (!single.allowed) return report(outside(`${name}/${String(known)}`));
    }
    return findings.unknown(fieldPath(g, fromUnknown ? "fromPort" : "toPort"), "port range");
  }
  if (!effectivePortRange(protocol, g.fromPort, g.toPort)) {
    return report(
      `${label} has a malformed port range (fromPort and toPort must be integers with 0 <= fromPort <= toPort <= 65535, or -1)`,
    );
  }
  if (!checkGrant(g.protocol, g.fromPort, g.toPort, allowlist).allowed) {
    const every = g.fromPort === -1 || g.toPort === -1;
    report(outside(every ? `every ${name} port` : ports(g.fromPort, g.toPort)));
  }
}

const DESCRIPTION =
  "Ingress to PHI channels may only open allowlisted protocol/port pairs (default tcp/443), however the rule is written.";

export const ingressAllowlistedPorts: ResourceValidationPolicy = {
  name: "phi-ingress-allowlisted-ports",
  description: DESCRIPTION,
  severity: "critical",
  framework: hipaaFramework("a1"),
  tags: ["network", "ingress", "security-group", "hipaa"],
  remediationSteps:
    "Open only the protocol/port pairs listed in allowedIngress (default tcp/443). Replace protocol -1/all and wide port ranges with the exact ports the channel serves; if another port is genuinely needed, add it to allowedIngress in the policy config and record why.",
  configSchema: ingressAllowlistedPortsConfigSchema,
  validateResource: (args, reportViolation) => {
    if (NACL_TYPES.includes(args.type)) {
      args.notApplicable(
        "network ACLs are stateless filters under security groups and open no port by themselves; security groups are checked",
      );
    }
    const grants = grantsOf(args.type, args.props);
    if (!grants) {
      return args.notApplicable(`${args.type} opens no security-group ingress`);
    }
    if (isRuleOfOtherDirection(grants, "ingress")) {
      return args.notApplicable("an egress rule; egress is checked by phi-egress-restricted");
    }
    const config = configWithDefaults<IngressAllowlistedPortsConfig>(
      args,
      ingressAllowlistedPortsConfigSchema,
    );
    if (reportConfigProblems(config, reportViolation)) return;
    const allowlist = parseAllowlist(config.allowedIngress);
    const allowedText = config.allowedIngress.length ? config.allowedIngress.join(", ") : "nothing";
    const findings = new Findings();
    for (const g of grantsToJudge(grants, "ingress", findings)) {
      assessGrantPorts(g, allowlist, allowedText, findings, g.direction === UNKNOWN ? "type" : undefined);
    }
    findings.report(reportViolation, DESCRIPTION);
  },
};
