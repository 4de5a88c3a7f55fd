import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { configProblemMessage, configProblems } from "../config-checks";
import { hipaaFramework } from "../framework";
import { effectivePortRange, normalizeProtocol } from "../rules";
import { configWithDefaults, Findings, UNKNOWN } from "../policy-kit";
import {
  grantLabel,
  grantsOf,
  isMalformedGrant,
  isUnknownGrant,
  malformedGrantMessage,
  NACL_TYPES,
} from "../grants";
import { assessPeers, CIDR_PATTERN } from "./ingress-private-sources";

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

const DESCRIPTION =
  "Egress from PHI channels should reach only private destinations on specific ports, so data cannot leave the network freely.";

export const egressRestricted: ResourceValidationPolicy = {
  name: "phi-egress-restricted",
  description: DESCRIPTION,
  enforcementLevel: "advisory",
  severity: "medium",
  framework: hipaaFramework("e1"),
  tags: ["network", "egress", "security-group", "hipaa"],
  remediationSteps:
    "Replace allow-all egress (protocol -1, 0.0.0.0/0, ::/0) with the destinations the channel needs: security-group references, VPC endpoint prefix lists or private CIDRs, on the specific ports. List unavoidable public destinations in allowedDestinationCidrs.",
  configSchema: egressRestrictedConfigSchema,
  validateResource: (args, reportViolation) => {
    if (NACL_TYPES.includes(args.type)) {
      args.notApplicable(
        "network ACLs are stateless filters under security groups; security groups are checked",
      );
    }
    const grants = grantsOf(args.type, args.props);
    if (!grants) return args.notApplicable(`${args.type} opens no security-group egress`);
    const config = configWithDefaults<EgressRestrictedConfig>(args, egressRestrictedConfigSchema);
    const configIssues = configProblems(config as unknown as Record<string, unknown>);
    if (configIssues.length > 0) {
      for (const issue of configIssues) reportViolation(configProblemMessage(issue));
      return;
    }
    const findings = new Findings();
    for (const g of grants) {
      if (isMalformedGrant(g)) {
        if (g.path.startsWith("egress")) findings.violation(malformedGrantMessage(g, "egress"));
        continue;
      }
      if (isUnknownGrant(g)) {
        if (g.path.startsWith("egress")) findings.unknown(g.path, "egress rule");
        continue;
      }
      if (g.direction === "ingress") continue;
      const context = g.direction === UNKNOWN ? "type" : undefined;
      const flag = (m: string) =>
        context ? findings.unknown(context, `if egress: ${m}`) : findings.violation(m);
      if (g.protocol === UNKNOWN) findings.unknown(g.protocolPath, "protocol");
      else {
        const protocol = normalizeProtocol(g.protocol);
        if (!protocol) flag(`${g.protocolPath} is not a recognised protocol name or IANA number`);
        else if (protocol.kind === "all") flag(`${grantLabel(g)} allows every protocol and port`);
        else if (protocol.hasPorts && g.fromPort !== UNKNOWN && g.toPort !== UNKNOWN) {
          const range = effectivePortRange(protocol, g.fromPort, g.toPort);
          if (!range) flag(`${grantLabel(g)} has a malformed port range`);
          else if (range.from === 0 && range.to === 65535) flag(`${grantLabel(g)} allows every port`);
        }
      }
      assessPeers(g, config.allowedDestinationCidrs, findings, "egress destination", context);
    }
    findings.report(reportViolation, DESCRIPTION);
  },
};
