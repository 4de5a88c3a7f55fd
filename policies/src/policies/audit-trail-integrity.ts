import type { ResourceValidationPolicy } from "@pulumi/policy";
import { hipaaFramework } from "../framework";
import { field, Findings, isTrue, rawProps, UNKNOWN } from "../policy-kit";
import { CLOUDTRAIL } from "../tokens";

const DESCRIPTION =
  "CloudTrail trails that deliver audit logs keep a complete, verifiable record: logging is on and every log file is covered by a signed digest (log file integrity validation).";

/**
 * Every trail delivers to an S3 bucket (`s3BucketName` is required), which phi-audit-log-bucket-immutable
 * then judges as an audit-log bucket; this policy judges the trail itself. AWS defaults (CloudTrail API
 * CreateTrail, @pulumi/aws Trail): `enableLogFileValidation` false, `enableLogging` true (set false, the
 * provider calls StopLogging). Digest files let `aws cloudtrail validate-logs` prove that no log file was
 * modified or deleted after delivery (CloudTrail User Guide, "Validating CloudTrail log file integrity").
 */
export const auditTrailIntegrity: ResourceValidationPolicy = {
  name: "phi-audit-trail-integrity",
  description: DESCRIPTION,
  severity: "high",
  framework: hipaaFramework("c1"),
  tags: ["audit", "logging", "cloudtrail", "integrity", "hipaa"],
  remediationSteps:
    "Set enableLogFileValidation: true on the aws.cloudtrail.Trail and leave enableLogging unset or true. Deliver it to an audit-log bucket that satisfies phi-audit-log-bucket-immutable.",
  validateResource: (args, reportViolation) => {
    if (args.type !== CLOUDTRAIL) args.notApplicable(`${args.type} is not a CloudTrail trail`);
    const props = rawProps(args.props);
    const f = new Findings();
    const logging = field(props, "enableLogging");
    if (logging === UNKNOWN) f.unknown("enableLogging");
    // Unset means true; anything else but true stops it (the provider reads "0", "f" as false).
    else if (logging !== undefined && logging !== null && !isTrue(logging))
      f.violation("enableLogging is not true, so the trail is stopped and records nothing");
    const validation = field(props, "enableLogFileValidation");
    if (validation === UNKNOWN) f.unknown("enableLogFileValidation");
    else if (!isTrue(validation))
      f.violation(
        "enableLogFileValidation is not true (it defaults to false), so no digest proves that the delivered log files were not altered or deleted",
      );
    f.report(reportViolation, DESCRIPTION);
  },
};
