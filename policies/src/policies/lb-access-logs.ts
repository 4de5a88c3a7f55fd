import type { ResourceValidationPolicy } from "@pulumi/policy";
import { hipaaFramework } from "../framework";
import { field, Findings, isTrue, objectField, rawProps, sameText, UNKNOWN } from "../policy-kit";
import { CLASSIC_ELB, isOneOf, LB_LOAD_BALANCER } from "../tokens";

const DESCRIPTION = "Every load balancer in front of PHI channels records access logs to an S3 bucket.";

export const lbAccessLogs: ResourceValidationPolicy = {
  name: "phi-lb-access-logs",
  description: DESCRIPTION,
  severity: "high",
  framework: hipaaFramework("b"),
  tags: ["load-balancer", "audit", "logging", "hipaa"],
  remediationSteps:
    "Set accessLogs: { enabled: true, bucket: <audit-log bucket> } (ELBv2: enabled defaults to false even with a bucket; classic ELB: do not set enabled: false). The bucket must satisfy phi-audit-log-bucket-immutable.",
  validateResource: (args, reportViolation) => {
    const isV2 = isOneOf(args.type, LB_LOAD_BALANCER);
    if (!isV2 && args.type !== CLASSIC_ELB) args.notApplicable(`${args.type} is not a load balancer`);
    const props = rawProps(args.props);
    if (isV2 && sameText(field(props, "loadBalancerType"), "gateway"))
      args.notApplicable("gateway load balancers have no access logs");
    const findings = new Findings();
    const logs = objectField(props, "accessLogs");
    if (logs === UNKNOWN) findings.unknown("accessLogs");
    else if (!logs) findings.violation("accessLogs is not set, so requests are not recorded");
    else {
      const enabled = field(logs, "enabled");
      if (enabled === UNKNOWN) findings.unknown("accessLogs.enabled");
      else if (isV2 ? !isTrue(enabled) : enabled === false || sameText(enabled, "false"))
        findings.violation(
          isV2
            ? "accessLogs.enabled is not true (it defaults to false even when a bucket is set)"
            : "accessLogs.enabled is false",
        );
      const bucket = field(logs, "bucket");
      if (bucket === UNKNOWN) findings.unknown("accessLogs.bucket");
      else if (typeof bucket !== "string" || bucket === "")
        findings.violation("accessLogs.bucket is not set");
    }
    findings.report(reportViolation, DESCRIPTION);
  },
};
