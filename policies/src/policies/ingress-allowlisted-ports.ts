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
  type NormalizedProtocol,
} from "../rules";
import { configWithDefaults, Findings, UNKNOWN, type Unknown } from "../policy-kit";
import {
  fieldPath,
  grantLabel,
  carriesGrants,
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
 * Whether a grant of `protocol` with these bounds (either may be UNKNOWN) opens only allowlisted ports:
 * true or false when that holds for every value the unknown bounds could take, else UNKNOWN. A known bound
 * lies inside the range whatever the other is, so if it alone is not allowlisted nothing is; an unset bound
 * opens every port whatever the other is.
 */
function portsAllowed(
  protocol: Extract<NormalizedProtocol, { kind: "number" }>,
  fromPort: unknown,
  toPort: unknown,
  allowlist: readonly AllowlistEntry[],
): boolean | Unknown {
  const fromUnknown = fromPort === UNKNOWN;
  const toUnknown = toPort === UNKNOWN;
  if (!protocol.hasPorts || (!fromUnknown && !toUnknown))
    return checkGrant(protocol.spelling, fromPort, toPort, allowlist).allowed;
  if (fromUnknown && toUnknown)
    return protocol.kind === "number" && allowlist.some((e) => e.protocol === protocol.number)
      ? UNKNOWN
      : false;
  const known = fromUnknown ? toPort : fromPort;
  if (known === undefined || known === null)
    return checkGrant(protocol.spelling, undefined, undefined, allowlist).allowed;
  return checkGrant(protocol.spelling, known, known, allowlist).allowed ? UNKNOWN : false;
}

/** `port 22`, `ports 22-(unknown)`, `every port` for unset bounds or -1: what the rule is known to open. */
function portsText(g: Grant): string {
  const unset = (v: unknown) => v === undefined || v === null;
  if ((unset(g.fromPort) && unset(g.toPort)) || g.fromPort === -1 || g.toPort === -1) return "every port";
  const show = (v: unknown) => (v === UNKNOWN ? "(unknown)" : unset(v) ? "(unset)" : String(v));
  return g.fromPort === g.toPort && g.fromPort !== UNKNOWN
    ? `port ${show(g.fromPort)}`
    : `ports ${show(g.fromPort)}-${show(g.toPort)}`;
}

/**
 * Decides whether one grant opens only allowlisted ports, reading the protocol first and the ports only
 * when the protocol carries ports. Whatever is unknown at preview, the grant is decided now when every
 * value it could take gives the same verdict: an unknown protocol with port 22 is outside an allowlist of
 * tcp/443 whatever the protocol turns out to be (only allowlisted protocols can pass, so each is tried;
 * -1/all never passes); with one port bound unknown, the known bound alone can prove a violation.
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
  if (g.protocol === UNKNOWN) {
    const candidates = [...new Set(allowlist.map((e) => e.protocol))].map(
      (n) => normalizeProtocol(n) as Extract<NormalizedProtocol, { kind: "number" }>,
    );
    if (candidates.some((p) => portsAllowed(p, g.fromPort, g.toPort, allowlist) !== false))
      return findings.unknown(g.protocolPath, "protocol");
    return report(
      g.valuesSecret
        ? `${label} opens ports outside the allowlist (allowed: ${allowedText}) whatever ${g.protocolPath} turns out to be; its ports are secret, so not shown`
        : `${label} opens ${portsText(g)} outside the allowlist (allowed: ${allowedText}) whatever ${g.protocolPath} turns out to be`,
    );
  }
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
    const verdict = portsAllowed(protocol, g.fromPort, g.toPort, allowlist);
    if (verdict === true) return;
    if (verdict === UNKNOWN)
      return findings.unknown(fieldPath(g, fromUnknown ? "fromPort" : "toPort"), "port range");
    if (fromUnknown && toUnknown)
      return report(
        outside(
          `${name} ports (${fieldPath(g, "fromPort")} and ${fieldPath(g, "toPort")} unknown), and no ${name} port is allowlisted`,
        ),
      );
    const known = fromUnknown ? g.toPort : g.fromPort;
    return report(
      outside(known === undefined || known === null ? `every ${name} port` : `${name}/${String(known)}`),
    );
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
    // On the type alone first, so that the verdict holds for every resource of the type.
    if (!carriesGrants(args.type, "ingress"))
      return args.notApplicable(`${args.type} opens no security-group ingress`);
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
