import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { hipaaFramework } from "../framework";
import {
  configWithDefaults,
  dependenciesOf,
  field,
  Findings,
  outputs,
  StackIndex,
  UNKNOWN,
} from "../policy-kit";
import { assessAuditBucket, BucketIndex, MINIMUM_RETENTION_DAYS_SCHEMA } from "../audit-buckets";
import { type FlowLogJudgement, judgeFlowLog } from "../audit-report";
import { FLOW_LOG, VPC } from "../tokens";

const VPC_TYPES: ReadonlySet<string> = new Set([VPC]);

export const vpcFlowLogsConfigSchema = {
  properties: {
    minimumRetentionDays: MINIMUM_RETENTION_DAYS_SCHEMA,
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
    const config = configWithDefaults<{ minimumRetentionDays: number }>(args, {
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
    const judged = new Map<string, FlowLogJudgement>();
    const judge = (fl: PolicyResource) => {
      let j = judged.get(fl.urn);
      if (!j) judged.set(fl.urn, (j = judgeFlowLog(fl, buckets, assess)));
      return j;
    };
    for (const vpc of vpcs) {
      const f = new Findings();
      const logs = logsByVpc.get(vpc.urn) ?? [];
      const judgements = logs.map((fl) => ({ fl, j: judge(fl) }));
      if (!judgements.some(({ j }) => j.kind === "accepted")) {
        const undecided = judgements.find(({ j }) => j.kind === "undecided")?.j;
        if (undecided && undecided.kind === "undecided") f.unknown(undecided.path, "flow log of this VPC");
        else if (unmatched.length)
          f.unknown(`${unmatched[0].name}.vpcId`, "flow log that may belong to this VPC");
        else if (logs.length === 0) f.violation("VPC has no flow log");
        else {
          // The finding goes on each rejected flow log, saying why: that is where the fix is made.
          for (const { fl, j } of judgements) {
            if (j.kind !== "rejected") continue;
            const onLog = new Findings();
            onLog.violation(
              `flow log of VPC ${vpc.name} is rejected: ${j.reason}; the VPC has no flow log of ALL traffic delivered to an immutable S3 audit-log bucket (see phi-audit-log-bucket-immutable)`,
            );
            onLog.report(reportViolation, DESCRIPTION, fl.urn);
          }
        }
      }
      f.report(reportViolation, DESCRIPTION, vpc.urn);
    }
  },
};
