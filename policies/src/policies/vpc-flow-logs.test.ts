import { vpcFlowLogs as policy } from "./vpc-flow-logs";
import { runStack, UNKNOWN_STRING, type StackResourceSpec } from "../testing/harness";

const TLS_DENY = JSON.stringify({
  Statement: [
    {
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: "*",
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
  ],
});
const bucket = (omitVersioning = false): StackResourceSpec[] => [
  {
    type: "aws:s3/bucketV2:BucketV2",
    name: "logs",
    props: { bucket: "logs", arn: "arn:aws:s3:::logs", objectLockEnabled: true },
  },
  {
    type: "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2",
    name: "lock",
    props: { bucket: "logs", rule: { defaultRetention: { mode: "COMPLIANCE", years: 6 } } },
  },
  ...(omitVersioning
    ? []
    : [
        {
          type: "aws:s3/bucketVersioningV2:BucketVersioningV2",
          name: "ver",
          props: { bucket: "logs", versioningConfiguration: { status: "Enabled" } },
        },
      ]),
  {
    type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    name: "pab",
    props: {
      bucket: "logs",
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    },
  },
  { type: "aws:s3/bucketPolicy:BucketPolicy", name: "pol", props: { bucket: "logs", policy: TLS_DENY } },
];
const vpc: StackResourceSpec = {
  type: "aws:ec2/vpc:Vpc",
  name: "vpc",
  props: { id: "vpc-123", cidrBlock: "10.0.0.0/16" },
};
const flow = (props: Record<string, unknown>, deps?: Record<string, string[]>): StackResourceSpec => ({
  type: "aws:ec2/flowLog:FlowLog",
  name: "flow",
  props: {
    vpcId: "vpc-123",
    trafficType: "ALL",
    logDestinationType: "s3",
    logDestination: "arn:aws:s3:::logs/vpc/",
    ...props,
  },
  deps,
});

describe("phi-vpc-flow-logs", () => {
  it("passes a VPC with an ALL flow log to an immutable bucket, by id or by dependency at preview", async () => {
    expect((await runStack(policy, [vpc, ...bucket(), flow({})])).diagnostics).toEqual([]);
    const preview = [
      { ...vpc, props: { id: UNKNOWN_STRING } },
      ...bucket(),
      flow(
        { vpcId: UNKNOWN_STRING, logDestination: UNKNOWN_STRING },
        { vpcId: ["vpc"], logDestination: ["logs"] },
      ),
    ];
    expect((await runStack(policy, preview)).diagnostics).toEqual([]);
  });

  it("blocks a VPC without flow log, with REJECT-only traffic, CloudWatch delivery, or a mutable bucket", async () => {
    for (const specs of [
      [vpc, ...bucket()],
      [vpc, ...bucket(), flow({ trafficType: "REJECT" })],
      [
        vpc,
        ...bucket(),
        flow({
          logDestinationType: "cloud-watch-logs",
          logDestination: "arn:aws:logs:us-east-1:1:log-group:x",
        }),
      ],
      [vpc, ...bucket(true), flow({})],
      [vpc, ...bucket(), flow({ vpcId: "vpc-other" })],
    ]) {
      const v = await runStack(policy, specs);
      expect(v.mandatory).toHaveLength(1);
    }
  });

  it("reports a missing flow log on the VPC, and a rejected one on the flow log, saying why", async () => {
    const line = async (specs: StackResourceSpec[]) => {
      const v = await runStack(policy, specs);
      expect(v.mandatory).toHaveLength(1);
      return [v.mandatory[0].urn!.split("::").slice(2).join("::"), v.mandatory[0].message.split("\n")[1]];
    };
    const rejected = (why: string) =>
      `flow log of VPC vpc is rejected: ${why}; the VPC has no flow log of ALL traffic delivered to an immutable S3 audit-log bucket (see phi-audit-log-bucket-immutable)`;
    expect(await line([vpc, ...bucket()])).toEqual(["aws:ec2/vpc:Vpc::vpc", "VPC has no flow log"]);
    expect(await line([vpc, ...bucket(), flow({ vpcId: "vpc-other" })])).toEqual([
      "aws:ec2/vpc:Vpc::vpc",
      "VPC has no flow log",
    ]);
    expect(
      await line([
        vpc,
        ...bucket(),
        flow({
          logDestinationType: "cloud-watch-logs",
          logDestination: "arn:aws:logs:us-east-1:1:log-group:x",
        }),
      ]),
    ).toEqual([
      "aws:ec2/flowLog:FlowLog::flow",
      rejected(
        "delivered to CloudWatch Logs, which cannot be locked (an S3 bucket with Object Lock is required)",
      ),
    ]);
    expect(await line([vpc, ...bucket(), flow({ trafficType: "REJECT" })])).toEqual([
      "aws:ec2/flowLog:FlowLog::flow",
      rejected("trafficType is REJECT, so it does not record all traffic (ALL required)"),
    ]);
    expect(await line([vpc, ...bucket(true), flow({})])).toEqual([
      "aws:ec2/flowLog:FlowLog::flow",
      rejected("bucket logs is not immutable: versioning is not Enabled"),
    ]);
  });

  it("unknown traffic type is advisory", async () => {
    const v = await runStack(policy, [vpc, ...bucket(), flow({ trafficType: UNKNOWN_STRING })]);
    expect(v.mandatory).toEqual([]);
    expect(v.advisory).toHaveLength(1);
  });

  it("not applicable without VPCs", async () => {
    expect((await runStack(policy, bucket())).notApplicable).toHaveLength(1);
  });
});
