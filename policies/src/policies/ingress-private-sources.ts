import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { reportConfigProblems } from "../config-checks";
import { hipaaFramework } from "../framework";
import { CIDR_PATTERN } from "../rules";
import { configWithDefaults, Findings, UNKNOWN } from "../policy-kit";
import { assessPeers, grantsOf, grantsToJudge, isRuleOfOtherDirection, NACL_TYPES } from "../grants";

export const ingressPrivateSourcesConfigSchema = {
  properties: {
    allowedPublicCidrs: {
      type: "array",
      description:
        "Public CIDR blocks explicitly accepted as ingress sources (for example a partner's fixed egress range). Empty by default.",
      items: { type: "string", pattern: CIDR_PATTERN },
      uniqueItems: true,
      default: [],
    },
  },
} satisfies PolicyConfigSchema;

export interface IngressPrivateSourcesConfig {
  allowedPublicCidrs: string[];
}

const DESCRIPTION =
  "Ingress sources of PHI channels must be private (RFC 1918, RFC 6598, IPv6 ULA fc00::/7), security-group references, prefix lists or self.";

export const ingressPrivateSources: ResourceValidationPolicy = {
  name: "phi-ingress-private-sources",
  description: DESCRIPTION,
  severity: "critical",
  framework: hipaaFramework("a1"),
  tags: ["network", "ingress", "security-group", "cidr", "hipaa"],
  remediationSteps:
    "Use security-group references, prefix lists or private CIDR blocks (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, fc00::/7) as ingress sources. 0.0.0.0/0, ::/0, split halves such as two /1 blocks and other public ranges are blocked; a public range that must be reachable goes into allowedPublicCidrs with a documented reason.",
  configSchema: ingressPrivateSourcesConfigSchema,
  validateResource: (args, reportViolation) => {
    if (NACL_TYPES.includes(args.type)) {
      args.notApplicable(
        "network ACLs are stateless filters under security groups and admit no source by themselves; security groups are checked",
      );
    }
    const grants = grantsOf(args.type, args.props);
    if (!grants) return args.notApplicable(`${args.type} opens no security-group ingress`);
    if (isRuleOfOtherDirection(grants, "ingress")) {
      return args.notApplicable("an egress rule; egress is checked by phi-egress-restricted");
    }
    const config = configWithDefaults<IngressPrivateSourcesConfig>(args, ingressPrivateSourcesConfigSchema);
    if (reportConfigProblems(config, reportViolation)) return;
    const findings = new Findings();
    for (const g of grantsToJudge(grants, "ingress", findings)) {
      assessPeers(
        g,
        config.allowedPublicCidrs,
        findings,
        "ingress source",
        g.direction === UNKNOWN ? "type" : undefined,
      );
    }
    findings.report(reportViolation, DESCRIPTION);
  },
};
