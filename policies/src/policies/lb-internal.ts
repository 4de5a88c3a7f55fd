import type { ResourceValidationPolicy } from "@pulumi/policy";
import { hipaaFramework } from "../framework";
import { field, Findings, isTrue, rawProps, sameText, UNKNOWN } from "../policy-kit";
import { CLASSIC_ELB, isOneOf, LB_LOAD_BALANCER } from "../tokens";

const DESCRIPTION =
  "Load balancers in front of PHI channels must be internal, and application load balancers must drop invalid HTTP header fields.";

export const lbInternal: ResourceValidationPolicy = {
  name: "phi-lb-internal",
  description: DESCRIPTION,
  severity: "high",
  framework: hipaaFramework("a1"),
  tags: ["load-balancer", "network", "hipaa"],
  remediationSteps:
    "Set internal: true (the default is internet-facing) and, for application load balancers, dropInvalidHeaderFields: true so malformed headers cannot smuggle requests to the targets.",
  validateResource: (args, reportViolation) => {
    const isV2 = isOneOf(args.type, LB_LOAD_BALANCER);
    if (!isV2 && args.type !== CLASSIC_ELB) args.notApplicable(`${args.type} is not a load balancer`);
    const props = rawProps(args.props);
    const findings = new Findings();
    const internal = field(props, "internal");
    if (internal === UNKNOWN) findings.unknown("internal");
    else if (!isTrue(internal))
      findings.violation("internal is not true, so the load balancer is internet-facing");
    if (isV2) {
      const lbType = field(props, "loadBalancerType");
      const drop = field(props, "dropInvalidHeaderFields");
      const isAlb = lbType === undefined || lbType === null || sameText(lbType, "application");
      if (drop === UNKNOWN) {
        if (isAlb || lbType === UNKNOWN) findings.unknown("dropInvalidHeaderFields");
      } else if (!isTrue(drop)) {
        if (isAlb) findings.violation("dropInvalidHeaderFields is not true on an application load balancer");
        else if (lbType === UNKNOWN)
          findings.unknown("loadBalancerType", "dropInvalidHeaderFields is required if application");
      }
    }
    findings.report(reportViolation, DESCRIPTION);
  },
};
