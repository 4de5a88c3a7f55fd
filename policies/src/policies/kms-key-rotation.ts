import type { ResourceValidationPolicy } from "@pulumi/policy";
import { hipaaFramework } from "../framework";
import { field, Findings, isTrue, rawProps, sameText, UNKNOWN } from "../policy-kit";
import { KMS_KEY } from "../tokens";

const DESCRIPTION =
  "Symmetric KMS keys that encrypt PHI and audit logs at rest rotate their key material automatically.";

export const kmsKeyRotation: ResourceValidationPolicy = {
  name: "phi-kms-key-rotation",
  description: DESCRIPTION,
  severity: "medium",
  framework: hipaaFramework("a2iv"),
  tags: ["encryption-at-rest", "kms", "hipaa"],
  remediationSteps:
    "Set enableKeyRotation: true on symmetric encryption keys (optionally rotationPeriodInDays 90-2560).",
  validateResource: (args, reportViolation) => {
    if (args.type !== KMS_KEY) args.notApplicable(`${args.type} is not a KMS key`);
    const props = rawProps(args.props);
    const spec = field(props, "customerMasterKeySpec");
    const usage = field(props, "keyUsage");
    const f = new Findings();
    if (
      (spec !== undefined && spec !== UNKNOWN && !sameText(spec, "SYMMETRIC_DEFAULT")) ||
      (usage !== undefined && usage !== UNKNOWN && !sameText(usage, "ENCRYPT_DECRYPT"))
    )
      args.notApplicable("only symmetric encryption keys support automatic rotation");
    const rotation = field(props, "enableKeyRotation");
    if (rotation === UNKNOWN) f.unknown("enableKeyRotation");
    else if (!isTrue(rotation)) {
      if (spec === UNKNOWN || usage === UNKNOWN)
        f.unknown(
          spec === UNKNOWN ? "customerMasterKeySpec" : "keyUsage",
          "rotation is required if symmetric",
        );
      else f.violation("enableKeyRotation is not true");
    }
    f.report(reportViolation, DESCRIPTION);
  },
};
