import { ImmutableLogBucket, ImmutableLogBucketArgs } from "../../components/ImmutableLogBucket";
import { expectRefusal } from "../support/refusal";
import { DATA_CLASSIFICATION_TAG } from "../../components/tags";
import { MOCK_ACCOUNT_ID } from "../../tools/lib/aws-mocks";
import { promiseOf, RecordedResource, setupPulumiMocks } from "../support/pulumi-mocks";

const mocks = setupPulumiMocks();
beforeEach(() => mocks.reset());

const T = {
  bucket: "aws:s3/bucket:Bucket",
  versioning: "aws:s3/bucketVersioning:BucketVersioning",
  lock: "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
  pab: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  sse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  policy: "aws:s3/bucketPolicy:BucketPolicy",
  lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  key: "aws:kms/key:Key",
};

interface Statement {
  Sid: string;
  Effect: string;
  Principal: unknown;
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

async function build(name: string, args: ImmutableLogBucketArgs) {
  const component = new ImmutableLogBucket(name, args);
  await mocks.settle();
  const bucket = mocks.one(T.bucket, name);
  const policyRes = mocks.one(T.policy, `${name}-policy`);
  const policy = JSON.parse(policyRes.inputs.policy as string) as { Statement: Statement[] };
  return {
    component,
    bucket,
    policy,
    arn: bucket.outputs.arn as string,
    bucketName: bucket.outputs.bucket as string,
  };
}

function statement(policy: { Statement: Statement[] }, sid: string): Statement {
  const found = policy.Statement.find((s) => s.Sid === sid);
  if (!found) throw new Error(`no statement ${sid} in ${policy.Statement.map((s) => s.Sid).join(", ")}`);
  return found;
}

describe("ImmutableLogBucket resources", () => {
  test("bucket has Object Lock at creation, no forceDestroy, audit-log tags", async () => {
    const { component, bucket, arn, bucketName } = await build("flow", {
      purpose: "vpc-flow-logs",
      tags: { team: "ops" },
    });
    expect(bucket.inputs.objectLockEnabled).toBe(true);
    expect(bucket.inputs.forceDestroy).toBe(false);
    expect(bucket.inputs.tags).toEqual({
      team: "ops",
      [DATA_CLASSIFICATION_TAG]: "audit-log",
      "phi-channels:component": "ImmutableLogBucket",
    });
    expect(await promiseOf(component.bucketArn)).toBe(arn);
    expect(await promiseOf(component.bucketName)).toBe(bucketName);
    const comp = mocks.one("phi:storage:ImmutableLogBucket", "flow");
    expect(bucket.parent).toBe(comp.urn);
  });

  test("COMPLIANCE default retention of 2190 days, versioning, public access block, BucketOwnerEnforced", async () => {
    const { bucketName } = await build("logs", { purpose: "general" });
    const lock = mocks.one(T.lock);
    expect(lock.inputs.bucket).toBe(bucketName);
    expect(lock.inputs.objectLockEnabled).toBe("Enabled");
    expect(lock.inputs.rule).toEqual({ defaultRetention: { mode: "COMPLIANCE", days: 2190 } });

    const versioning = mocks.one(T.versioning);
    expect(versioning.inputs.bucket).toBe(bucketName);
    expect(versioning.inputs.versioningConfiguration).toEqual({ status: "Enabled" });
    expect(lock.dependencies).toContain(versioning.urn);

    const pab = mocks.one(T.pab);
    expect(pab.inputs).toMatchObject({
      bucket: bucketName,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });

    const ownership = mocks.one(T.ownership);
    expect(ownership.inputs).toEqual({
      bucket: bucketName,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });
  });

  test("configurable retention days", async () => {
    const c = new ImmutableLogBucket("long", { purpose: "general", retentionDays: 3650 });
    await mocks.settle();
    expect(mocks.one(T.lock).inputs.rule.defaultRetention).toEqual({ mode: "COMPLIANCE", days: 3650 });
    expect(c.retentionDays).toBe(3650);
  });

  test("lower minimum allows shorter retention", async () => {
    new ImmutableLogBucket("short", { purpose: "general", retentionDays: 30, minimumRetentionDays: 7 });
    await mocks.settle();
    expect(mocks.one(T.lock).inputs.rule.defaultRetention.days).toBe(30);
  });

  test("retainOnDelete on the bucket, every configuration resource and the key; nothing protected-only", async () => {
    await build("keep", { purpose: "vpc-flow-logs", transitionToColderStorageAfterDays: 90 });
    const children = mocks.resources.filter((r) => r.custom);
    expect(children.map((r) => r.type).sort()).toEqual(Object.values(T).sort());
    for (const r of children) {
      expect({ type: r.type, retainOnDelete: r.retainOnDelete }).toEqual({
        type: r.type,
        retainOnDelete: true,
      });
    }
  });

  test.each(["alb-access-logs", "nlb-access-logs"] as const)(
    "%s uses SSE-S3 and creates no KMS key",
    async (purpose) => {
      const { component, bucketName } = await build("elb", { purpose });
      const sse = mocks.one(T.sse);
      expect(sse.inputs.bucket).toBe(bucketName);
      expect(sse.inputs.rules).toEqual([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
      expect(mocks.byType(T.key)).toHaveLength(0);
      expect(component.kmsKeyArn).toBeUndefined();
    },
  );

  test.each(["vpc-flow-logs", "general"] as const)(
    "%s uses SSE-KMS with a rotating customer key",
    async (purpose) => {
      const { component } = await build("kms", { purpose });
      const key = mocks.one(T.key);
      expect(key.inputs.enableKeyRotation).toBe(true);
      expect(key.inputs.deletionWindowInDays).toBe(30);
      const sse = mocks.one(T.sse);
      expect(sse.inputs.rules).toEqual([
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.outputs.arn },
          bucketKeyEnabled: true,
        },
      ]);
      expect(await promiseOf(component.kmsKeyArn!)).toBe(key.outputs.arn);

      const keyPolicy = JSON.parse(key.inputs.policy as string) as { Statement: Statement[] };
      const root = statement(keyPolicy, "AccountRootAdministers");
      expect(root.Principal).toEqual({ AWS: `arn:aws:iam::${MOCK_ACCOUNT_ID}:root` });
      const delivery = statement(keyPolicy, "LogDeliveryEncrypts");
      expect(delivery.Principal).toEqual({ Service: "delivery.logs.amazonaws.com" });
      expect(delivery.Action).toContain("kms:GenerateDataKey*");
      expect(delivery.Condition).toEqual({
        StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT_ID },
        ArnLike: { "aws:SourceArn": `arn:aws:logs:us-east-1:${MOCK_ACCOUNT_ID}:*` },
      });
    },
  );

  test("policy denies plaintext transport and TLS below 1.2 on bucket and objects", async () => {
    const { policy, arn } = await build("tls", { purpose: "general" });
    expect(policy.Statement.map((s) => s.Sid)).toEqual(["DenyInsecureTransport", "DenyTlsBelow12"]);
    const insecure = statement(policy, "DenyInsecureTransport");
    expect(insecure).toEqual({
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [arn, `${arn}/*`],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
    const tls = statement(policy, "DenyTlsBelow12");
    expect(tls.Effect).toBe("Deny");
    expect(tls.Resource).toEqual([arn, `${arn}/*`]);
    expect(tls.Condition).toEqual({ NumericLessThan: { "s3:TlsVersion": 1.2 } });
    const policyRes = mocks.one(T.policy);
    expect(policyRes.dependencies).toContain(mocks.one(T.pab).urn);
  });

  test("ALB policy allows the regional ELB account and the ELB log-delivery service, scoped to this account", async () => {
    const { policy, arn } = await build("alb", { purpose: "alb-access-logs" });
    const objects = [`${arn}/AWSLogs/${MOCK_ACCOUNT_ID}/*`, `${arn}/*/AWSLogs/${MOCK_ACCOUNT_ID}/*`];
    expect(statement(policy, "RegionalElbAccountWrites")).toEqual({
      Sid: "RegionalElbAccountWrites",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::127311923021:root" },
      Action: "s3:PutObject",
      Resource: objects,
    });
    expect(statement(policy, "ElbLogDeliveryWrites")).toEqual({
      Sid: "ElbLogDeliveryWrites",
      Effect: "Allow",
      Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: objects,
      Condition: { StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT_ID } },
    });
    expect(mocks.calls.map((c) => c.token)).toContain("aws:elb/getServiceAccount:getServiceAccount");
  });

  test("NLB policy allows delivery.logs with bucket-owner-full-control and SourceAccount/SourceArn", async () => {
    const { policy, arn } = await build("nlb", { purpose: "nlb-access-logs" });
    const write = statement(policy, "NlbLogDeliveryWrite");
    expect(write.Principal).toEqual({ Service: "delivery.logs.amazonaws.com" });
    expect(write.Action).toBe("s3:PutObject");
    expect(write.Condition).toEqual({
      StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": MOCK_ACCOUNT_ID },
      ArnLike: { "aws:SourceArn": `arn:aws:logs:us-east-1:${MOCK_ACCOUNT_ID}:*` },
    });
    const acl = statement(policy, "NlbLogDeliveryAclCheck");
    expect(acl.Action).toBe("s3:GetBucketAcl");
    expect(acl.Resource).toBe(arn);
    expect(policy.Statement.some((s) => JSON.stringify(s.Principal).includes("127311923021"))).toBe(false);
  });

  test("flow-log policy allows delivery.logs PutObject and GetBucketAcl with SourceAccount and SourceArn", async () => {
    const { policy, arn } = await build("fl", { purpose: "vpc-flow-logs" });
    const conditions = {
      StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT_ID },
      ArnLike: { "aws:SourceArn": `arn:aws:logs:us-east-1:${MOCK_ACCOUNT_ID}:*` },
    };
    expect(statement(policy, "FlowLogDeliveryWrite")).toEqual({
      Sid: "FlowLogDeliveryWrite",
      Effect: "Allow",
      Principal: { Service: "delivery.logs.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: [`${arn}/AWSLogs/${MOCK_ACCOUNT_ID}/*`],
      Condition: {
        StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": MOCK_ACCOUNT_ID },
        ArnLike: conditions.ArnLike,
      },
    });
    expect(statement(policy, "FlowLogDeliveryAclCheck")).toEqual({
      Sid: "FlowLogDeliveryAclCheck",
      Effect: "Allow",
      Principal: { Service: "delivery.logs.amazonaws.com" },
      Action: "s3:GetBucketAcl",
      Resource: arn,
      Condition: conditions,
    });
    // Every Allow is conditioned on the source account.
    for (const s of policy.Statement.filter((st) => st.Effect === "Allow")) {
      expect(s.Condition?.StringEquals?.["aws:SourceAccount"]).toBe(MOCK_ACCOUNT_ID);
    }
  });

  test("optional transition to GLACIER_IR; none by default", async () => {
    await build("none", { purpose: "general" });
    expect(mocks.byType(T.lifecycle)).toHaveLength(0);
    mocks.reset();
    await build("cold", { purpose: "general", transitionToColderStorageAfterDays: 90 });
    const lifecycle: RecordedResource = mocks.one(T.lifecycle);
    expect(lifecycle.inputs.rules).toEqual([
      {
        id: "transition-to-colder-storage",
        status: "Enabled",
        filter: { prefix: "" },
        transitions: [{ days: 90, storageClass: "GLACIER_IR" }],
        noncurrentVersionTransitions: [{ noncurrentDays: 90, storageClass: "GLACIER_IR" }],
      },
    ]);
    expect(JSON.stringify(lifecycle.inputs)).not.toContain("expiration");
  });
});

describe("ImmutableLogBucket refuses", () => {
  const refuse = (args: unknown, field: string, text: RegExp) =>
    expectRefusal(
      () => new ImmutableLogBucket("bad", args as ImmutableLogBucketArgs),
      field,
      text,
      () => mocks.resources.length,
    );

  test("GOVERNANCE mode", () =>
    refuse(
      { purpose: "general", retentionMode: "GOVERNANCE" },
      "retentionMode",
      /"GOVERNANCE".*BypassGovernanceRetention.*"COMPLIANCE"/,
    ));
  test("retention below the default minimum", () =>
    refuse(
      { purpose: "general", retentionDays: 365 },
      "retentionDays",
      /= 365 .*below the minimum of 2190.*at least 2190/,
    ));
  test("retention below a custom minimum", () =>
    refuse(
      { purpose: "general", retentionDays: 10, minimumRetentionDays: 30 },
      "retentionDays",
      /below the minimum of 30/,
    ));
  test("non-integer retention", () =>
    refuse(
      { purpose: "general", retentionDays: 2190.5 },
      "retentionDays",
      /= 2190.5 must be a positive whole number/,
    ));
  test("string retention", () =>
    refuse({ purpose: "general", retentionDays: "2190" }, "retentionDays", /= "2190"/));
  test("minimumRetentionDays below 1", () =>
    refuse(
      { purpose: "general", minimumRetentionDays: 0 },
      "minimumRetentionDays",
      /= 0 must be a positive/,
    ));
  test.each([0, -5, 1.5, "90"])("transition %p", (v) =>
    refuse(
      { purpose: "general", transitionToColderStorageAfterDays: v },
      "transitionToColderStorageAfterDays",
      /positive whole number/,
    ),
  );
  test("unknown purpose", () => refuse({ purpose: "cloudtrail" }, "purpose", /"cloudtrail" is not a known/));
  test("missing purpose", () => refuse({}, "purpose", /\(unset\)/));
  test("non-string tag value", () =>
    refuse({ purpose: "general", tags: { a: 1 } }, "tags.a", /not a string/));
});
