import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { hipaaFramework } from "../framework";
import {
  configWithDefaults,
  dependenciesOf,
  field,
  Findings,
  outputs,
  sameText,
  StackIndex,
  UNKNOWN,
} from "../policy-kit";
import { assessAuditBucket, BucketIndex, flowLogReference } from "../audit-buckets";
import { FLOW_LOG, VPC } from "../tokens";
import {
  auditLogBucketImmutableConfigSchema,
  type AuditLogBucketImmutableConfig,
} from "./audit-log-bucket-immutable";

const VPC_TYPES: ReadonlySet<string> = new Set([VPC]);

export const vpcFlowLogsConfigSchema = {
  properties: {
    minimumRetentionDays: auditLogBucketImmutableConfigSchema.properties.minimumRetentionDays,
  },
} as const;

const DESCRIPTION =
  "Every VPC carrying PHI has a flow log of ALL traffic, delivered to an immutable S3 bucket.";

export const vpcFlowLogs: StackValidationPolicy = {
  name: "phi-vpc-flow-logs",
  description: DESCRIPTION,
  severity: "high",
  framework: hipaaFramework("b"),
  tags: ["audit", "logging", "vpc", "flow-logs", "hipaa"],
  remediationSteps:
    "Add an aws.ec2.FlowLog with vpcId set to the VPC, trafficType ALL, logDestinationType s3 and logDestination the ARN of an audit-log bucket that satisfies phi-audit-log-bucket-immutable.",
  configSchema: { properties: { ...vpcFlowLogsConfigSchema.properties } },
  validateStack: (args, reportViolation) => {
    const stack = new StackIndex(args.resources);
    const vpcs = stack.ofTypes([VPC]);
    if (vpcs.length === 0) args.notApplicable("no VPC in this stack");
    const config = configWithDefaults<Pick<AuditLogBucketImmutableConfig, "minimumRetentionDays">>(args, {
      properties: { ...vpcFlowLogsConfigSchema.properties },
    });
    const vpcById = new Map<string, PolicyResource>();
    for (const v of vpcs) {
      const id = field(outputs(v), "id");
      if (typeof id === "string") vpcById.set(id, v);
    }
    const logsByVpc = new Map<string, PolicyResource[]>();
    const unmatched: PolicyResource[] = [];
    for (const fl of stack.ofTypes([FLOW_LOG])) {
      const vpcId = field(outputs(fl), "vpcId");
      let targets: PolicyResource[];
      if (typeof vpcId === "string" && vpcById.has(vpcId)) targets = [vpcById.get(vpcId)!];
      else targets = dependenciesOf(fl, "vpcId", VPC_TYPES);
      if (targets.length === 0 && vpcId === UNKNOWN) unmatched.push(fl);
      for (const t of targets) {
        const list = logsByVpc.get(t.urn) ?? [];
        list.push(fl);
        logsByVpc.set(t.urn, list);
      }
    }
    const buckets = new BucketIndex(stack);
    // Many flow logs usually share one bucket: assess each bucket once.
    const assessed = new Map<object, ReturnType<typeof assessAuditBucket>>();
    const assess = (b: Parameters<typeof assessAuditBucket>[0]) => {
      let a = assessed.get(b);
      if (!a) assessed.set(b, (a = assessAuditBucket(b, buckets, config.minimumRetentionDays)));
      return a;
    };
    for (const vpc of vpcs) {
      const f = new Findings();
      const logs = logsByVpc.get(vpc.urn) ?? [];
      let good = false;
      let undecided: string | undefined;
      for (const fl of logs) {
        const o = outputs(fl);
        const traffic = field(o, "trafficType");
        if (traffic === UNKNOWN) {
          undecided ??= `${fl.name}.trafficType`;
          continue;
        }
        if (!sameText(traffic, "ALL")) continue;
        const ref = flowLogReference(fl);
        if (!ref) {
          if (field(o, "logDestinationType") === UNKNOWN) undecided ??= `${fl.name}.logDestinationType`;
          continue;
        }
        const r = buckets.resolve(ref, []);
        if (r.kind === "unknown") {
          undecided ??= `${fl.name}.logDestination`;
          continue;
        }
        if (r.kind !== "buckets") continue;
        const results = r.buckets.map(assess);
        if (results.every((a) => a.problems.length === 0 && a.unknown.length === 0)) good = true;
        else if (results.every((a) => a.problems.length === 0))
          undecided ??= `${fl.name}.logDestination bucket`;
      }
      if (!good) {
        if (undecided) f.unknown(undecided, "flow log of this VPC");
        else if (unmatched.length)
          f.unknown(`${unmatched[0].name}.vpcId`, "flow log that may belong to this VPC");
        else
          f.violation(
            logs.length === 0
              ? "VPC has no flow log"
              : "VPC has no flow log with trafficType ALL delivered to an immutable S3 audit-log bucket (see phi-audit-log-bucket-immutable)",
          );
      }
      f.report(reportViolation, DESCRIPTION, vpc.urn);
    }
  },
};
