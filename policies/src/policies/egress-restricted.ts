import type { PolicyConfigSchema, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { configProblems, reportConfigProblems } from "../config-checks";
import { hipaaFramework } from "../framework";
import {
  CIDR_PATTERN,
  effectivePortRange,
  normalizeProtocol,
  type NormalizedProtocol,
  type PortRange,
} from "../rules";
import { configWithDefaults, Findings, StackIndex, UNKNOWN } from "../policy-kit";
import {
  assessPeers,
  fieldPath,
  grantLabel,
  carriesGrants,
  grantsOf,
  grantsToJudge,
  isRuleOfOtherDirection,
  judgeStackPrefixLists,
  NACL_TYPES,
  type Grant,
} from "../grants";
import { MANAGED_PREFIX_LIST } from "../tokens";

export const egressRestrictedConfigSchema = {
  properties: {
    allowedDestinationCidrs: {
      type: "array",
      description:
        "Public CIDR blocks egress may reach without a finding (for example a partner endpoint). Empty by default.",
      items: { type: "string", pattern: CIDR_PATTERN },
      uniqueItems: true,
      default: [],
    },
  },
} satisfies PolicyConfigSchema;

export interface EgressRestrictedConfig {
  allowedDestinationCidrs: string[];
}

/**
 * The port range of a grant whose protocol carries ports. With one bound unknown, the known bound alone
 * can still decide (as in phi-ingress-allowlisted-ports): it is probed as a single-port range
 * (`from = to = known`), the most specific range the unknown bound could make. If even that is malformed
 * (not an integer in 0..65535) or opens every port (unset or -1), every value of the unknown bound gives a
 * malformed range or every port: a violation. Otherwise the unknown bound decides, checked at `pulumi up`.
 */
function assessEgressPorts(
  g: Grant,
  protocol: NormalizedProtocol,
  findings: Findings,
  flag: (message: string) => void,
): void {
  const label = grantLabel(g);
  const fromUnknown = g.fromPort === UNKNOWN;
  const toUnknown = g.toPort === UNKNOWN;
  if (fromUnknown && toUnknown) {
    return findings.unknown(`${fieldPath(g, "fromPort")} and ${fieldPath(g, "toPort")}`, "port range");
  }
  if (fromUnknown || toUnknown) {
    const knownPath = fieldPath(g, fromUnknown ? "toPort" : "fromPort");
    const unknownPath = fieldPath(g, fromUnknown ? "fromPort" : "toPort");
    const known = fromUnknown ? g.toPort : g.fromPort;
    const single = effectivePortRange(protocol, known, known);
    if (!single) {
      return flag(
        `${label} has a malformed port range: ${knownPath} is not an integer port (0-65535) or -1, whatever ${unknownPath} is`,
      );
    }
    if (isAllPorts(single)) {
      return flag(`${label} allows every port: ${knownPath} alone opens them, whatever ${unknownPath} is`);
    }
    return findings.unknown(unknownPath, "port range");
  }
  const range = effectivePortRange(protocol, g.fromPort, g.toPort);
  if (!range) flag(`${label} has a malformed port range`);
  else if (isAllPorts(range)) flag(`${label} allows every port`);
}

function isAllPorts(range: PortRange): boolean {
  return range.from === 0 && range.to === 65535;
}

const DESCRIPTION =
  "Egress from PHI channels should reach only private destinations on specific ports, so data cannot leave the network freely.";

export const egressRestricted: ResourceValidationPolicy & StackValidationPolicy = {
  name: "phi-egress-restricted",
  description: DESCRIPTION,
  enforcementLevel: "advisory",
  severity: "medium",
  framework: hipaaFramework("e1"),
  tags: ["network", "egress", "security-group", "hipaa"],
  remediationSteps:
    "Replace allow-all egress (protocol -1, 0.0.0.0/0, ::/0) with the destinations the channel needs: security-group references, VPC endpoint prefix lists or private CIDRs (a managed prefix list of the stack counts by its entries), on the specific ports. List unavoidable public destinations in allowedDestinationCidrs.",
  configSchema: egressRestrictedConfigSchema,
  validateResource: (args, reportViolation) => {
    if (NACL_TYPES.includes(args.type)) {
      args.notApplicable(
        "network ACLs are stateless filters under security groups; security groups are checked",
      );
    }
    // On the type alone first, so that the verdict holds for every resource of the type.
    if (!carriesGrants(args.type, "egress"))
      return args.notApplicable(`${args.type} opens no security-group egress`);
    const grants = grantsOf(args.type, args.props);
    if (!grants) return args.notApplicable(`${args.type} opens no security-group egress`);
    if (isRuleOfOtherDirection(grants, "egress")) {
      return args.notApplicable("an ingress rule; ingress is checked by phi-ingress-allowlisted-ports");
    }
    const config = configWithDefaults<EgressRestrictedConfig>(args, egressRestrictedConfigSchema);
    if (reportConfigProblems(config, reportViolation)) return;
    const findings = new Findings();
    for (const g of grantsToJudge(grants, "egress", findings)) {
      const context = g.direction === UNKNOWN ? "type" : undefined;
      const flag = (m: string) =>
        context ? findings.unknown(context, `if egress: ${m}`) : findings.violation(m);
      if (g.protocol === UNKNOWN) findings.unknown(g.protocolPath, "protocol");
      else {
        const protocol = normalizeProtocol(g.protocol);
        if (!protocol) flag(`${g.protocolPath} is not a recognised protocol name or IANA number`);
        else if (protocol.kind === "all") flag(`${grantLabel(g)} allows every protocol and port`);
        else if (protocol.hasPorts) assessEgressPorts(g, protocol, findings, flag);
      }
      assessPeers(g, config.allowedDestinationCidrs, findings, "egress destination", context);
    }
    findings.report(reportViolation, DESCRIPTION);
  },
  // Destinations in a managed prefix list of the stack are judged by its entries (see phi-ingress-private-sources).
  validateStack: (args, reportViolation) => {
    const stack = new StackIndex(args.resources);
    if (stack.ofTypes([MANAGED_PREFIX_LIST]).length === 0)
      args.notApplicable("no managed prefix list in this stack");
    const config = configWithDefaults<EgressRestrictedConfig>(args, egressRestrictedConfigSchema);
    if (configProblems(config as unknown as Record<string, unknown>).length) return;
    judgeStackPrefixLists(stack, "egress", config.allowedDestinationCidrs, "egress destination", (f, urn) =>
      f.report(reportViolation, DESCRIPTION, urn),
    );
  },
};
