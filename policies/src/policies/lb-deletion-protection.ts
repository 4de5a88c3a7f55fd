import type { ResourceValidationPolicy } from "@pulumi/policy";
import { hipaaFramework } from "../framework";
import { field, Findings, isTrue, rawProps, UNKNOWN } from "../policy-kit";
import { isOneOf, LB_LOAD_BALANCER } from "../tokens";

const DESCRIPTION =
  "Load balancers of PHI channels should have deletion protection, so a mistaken change cannot cut the channel and its logging.";

export const lbDeletionProtection: ResourceValidationPolicy = {
  name: "phi-lb-deletion-protection",
  description: DESCRIPTION,
  enforcementLevel: "advisory",
  severity: "low",
  framework: hipaaFramework("c1"),
  tags: ["load-balancer", "availability", "hipaa"],
  remediationSteps:
    "Set enableDeletionProtection: true on the load balancer (turn it off deliberately before a planned removal).",
  validateResource: (args, reportViolation) => {
    if (!isOneOf(args.type, LB_LOAD_BALANCER))
      args.notApplicable(`${args.type} is not an ELBv2 load balancer`);
    const findings = new Findings();
    const v = field(rawProps(args.props), "enableDeletionProtection");
    if (v === UNKNOWN) findings.unknown("enableDeletionProtection");
    else if (!isTrue(v)) findings.violation("enableDeletionProtection is not true");
    findings.report(reportViolation, DESCRIPTION);
  },
};
