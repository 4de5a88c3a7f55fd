import type { PolicyConfigSchema, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { configProblems, reportConfigProblems } from "../config-checks";
import { hipaaFramework } from "../framework";
import { CIDR_PATTERN, PRIVATE_RANGE_LIST } from "../rules";
import { configWithDefaults, Findings, StackIndex, UNKNOWN } from "../policy-kit";
import {
  assessPeers,
  carriesGrants,
  grantsOf,
  grantsToJudge,
  isRuleOfOtherDirection,
  judgeStackPrefixLists,
  NACL_TYPES,
} from "../grants";
import { MANAGED_PREFIX_LIST } from "../tokens";

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

export const ingressPrivateSources: ResourceValidationPolicy & StackValidationPolicy = {
  name: "phi-ingress-private-sources",
  description: DESCRIPTION,
  severity: "critical",
  framework: hipaaFramework("a1"),
  tags: ["network", "ingress", "security-group", "cidr", "hipaa"],
  remediationSteps: `Use security-group references, prefix lists or private CIDR blocks (${PRIVATE_RANGE_LIST.join(", ")}) as ingress sources. 0.0.0.0/0, ::/0, split halves such as two /1 blocks and other public ranges are blocked, also as entries of a managed prefix list of the stack that a rule references; a public range that must be reachable goes into allowedPublicCidrs with a documented reason.`,
  configSchema: ingressPrivateSourcesConfigSchema,
  validateResource: (args, reportViolation) => {
    if (NACL_TYPES.includes(args.type)) {
      args.notApplicable(
        "network ACLs are stateless filters under security groups and admit no source by themselves; security groups are checked",
      );
    }
    // On the type alone first, so that the verdict holds for every resource of the type.
    if (!carriesGrants(args.type, "ingress"))
      return args.notApplicable(`${args.type} opens no security-group ingress`);
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
  // Prefix lists are resources of their own: a rule that references one of the stack is judged by its
  // entries here, where the list is visible (at preview through property dependencies).
  validateStack: (args, reportViolation) => {
    const stack = new StackIndex(args.resources);
    if (stack.ofTypes([MANAGED_PREFIX_LIST]).length === 0)
      args.notApplicable("no managed prefix list in this stack");
    const config = configWithDefaults<IngressPrivateSourcesConfig>(args, ingressPrivateSourcesConfigSchema);
    // A config problem is already reported at every rule by the resource part.
    if (configProblems(config as unknown as Record<string, unknown>).length) return;
    judgeStackPrefixLists(stack, "ingress", config.allowedPublicCidrs, "ingress source", (f, urn) =>
      f.report(reportViolation, DESCRIPTION, urn),
    );
  },
};
