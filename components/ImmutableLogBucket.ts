import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { checkDefaultRetention, DEFAULT_MINIMUM_RETENTION_DAYS } from "../policies/src/rules";
import { checkedOrThrow, runChecks, type ConfigChecks, type ConfigProblem } from "./errors";
import { checkTagMap, mergeTags } from "./tags";

const COMPONENT = "ImmutableLogBucket";

/** What the bucket receives; decides the encryption and which log-delivery principals may write. */
export type LogBucketPurpose = "alb-access-logs" | "nlb-access-logs" | "vpc-flow-logs" | "general";

export const LOG_BUCKET_PURPOSES: readonly LogBucketPurpose[] = [
  "alb-access-logs",
  "nlb-access-logs",
  "vpc-flow-logs",
  "general",
];

/** Storage class objects move to when `transitionToColderStorageAfterDays` is set (millisecond reads). */
export const COLDER_STORAGE_CLASS = "GLACIER_IR";

/**
 * The defaults of {@link ImmutableLogBucketArgs}; docs/components-storage-network-tls.md states them
 * (test/docs-components.test.ts). Retention defaults to the floor: six years.
 */
export const DEFAULT_RETENTION_DAYS = DEFAULT_MINIMUM_RETENTION_DAYS;
export const DEFAULT_RETENTION_MODE = "COMPLIANCE";

export interface ImmutableLogBucketArgs {
  /**
   * What the bucket receives. Required: it decides encryption and writers. `alb-access-logs` and
   * `nlb-access-logs` use SSE-S3 (ELB access-log delivery supports only SSE-S3); `vpc-flow-logs` and
   * `general` use SSE-KMS with a dedicated customer-managed key with rotation. Only the delivery service
   * for the purpose is allowed to write, scoped to this account.
   */
  purpose: LogBucketPurpose;
  /**
   * Object Lock default retention in whole days, in COMPLIANCE mode. Default: 2190 (6 years, the HIPAA
   * documentation retention period, 45 CFR 164.316(b)(2)(i)). Must be at least `minimumRetentionDays`.
   */
  retentionDays?: number;
  /**
   * The floor `retentionDays` is checked against. Default: 2190 ({@link DEFAULT_MINIMUM_RETENTION_DAYS}),
   * the same floor the `phi-s3-object-lock` policy enforces; lowering it here does not lower the pack's.
   * Must be a positive integer.
   */
  minimumRetentionDays?: number;
  /**
   * Object Lock mode. Default: `"COMPLIANCE"`, the only accepted value: no principal, not even the root
   * user, can shorten retention or delete a locked version. "GOVERNANCE" is refused because any principal
   * with s3:BypassGovernanceRetention can delete the audit trail.
   */
  retentionMode?: "COMPLIANCE";
  /**
   * When set, objects move to S3 Glacier Instant Retrieval after this many days (positive integer).
   * Default: unset (objects stay in S3 Standard). Only a storage transition: nothing ever expires.
   */
  transitionToColderStorageAfterDays?: number;
  /**
   * Extra tags for every resource. The `phi-channels:data-classification` tag is always `audit-log` and
   * cannot be overridden.
   */
  tags?: Record<string, string>;
}

/**
 * An S3 bucket for audit logs that cannot lose data: Object Lock in COMPLIANCE mode from creation,
 * versioning, all public access blocked, ACLs disabled, encryption at rest, TLS >= 1.2 only, writes only
 * by the log-delivery service for its purpose, and every resource retained when the stack is destroyed.
 * HIPAA 164.312(b) audit controls and 164.312(c)(1) integrity.
 */
export class ImmutableLogBucket extends pulumi.ComponentResource {
  public readonly bucket: aws.s3.Bucket;
  public readonly bucketName: pulumi.Output<string>;
  public readonly bucketArn: pulumi.Output<string>;
  /** ARN of the customer-managed key for SSE-KMS; undefined for ELB access-log buckets (SSE-S3). */
  public readonly kmsKeyArn: pulumi.Output<string> | undefined;
  /** The effective Object Lock default retention in days. */
  public readonly retentionDays: number;

  constructor(name: string, args: ImmutableLogBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    const settings = checkedOrThrow(COMPONENT, name, (c) => checkLogBucketArgs(c, args));
    super("phi:storage:ImmutableLogBucket", name, {}, opts);
    this.retentionDays = settings.retentionDays;

    const purpose = args.purpose;
    const tags = mergeTags("audit-log", args.tags, COMPONENT);
    // Retained on destroy: deleting the lock, public-access block, policy or key would leave the kept logs
    // exposed, writable by anyone or unreadable.
    const keep = { parent: this, retainOnDelete: true } as const;

    const identity = aws.getCallerIdentityOutput({}, { parent: this });
    const region = aws.getRegionOutput({}, { parent: this });
    const partition = aws.getPartitionOutput({}, { parent: this });
    const accountId = identity.accountId;
    const logsSourceArn = pulumi.interpolate`arn:${partition.partition}:logs:${region.region}:${accountId}:*`;

    const usesSseS3 = purpose === "alb-access-logs" || purpose === "nlb-access-logs";
    let key: aws.kms.Key | undefined;
    if (!usesSseS3) {
      key = new aws.kms.Key(
        `${name}-key`,
        {
          description: `Encrypts the ${purpose} objects of ImmutableLogBucket ${name}`,
          enableKeyRotation: true,
          deletionWindowInDays: 30,
          policy: pulumi.jsonStringify({
            Version: "2012-10-17",
            Statement: [
              {
                Sid: "AccountRootAdministers",
                Effect: "Allow",
                Principal: { AWS: pulumi.interpolate`arn:${partition.partition}:iam::${accountId}:root` },
                Action: "kms:*",
                Resource: "*",
              },
              {
                Sid: "LogDeliveryEncrypts",
                Effect: "Allow",
                Principal: { Service: "delivery.logs.amazonaws.com" },
                Action: [
                  "kms:Encrypt",
                  "kms:Decrypt",
                  "kms:ReEncrypt*",
                  "kms:GenerateDataKey*",
                  "kms:DescribeKey",
                ],
                Resource: "*",
                Condition: {
                  StringEquals: { "aws:SourceAccount": accountId },
                  ArnLike: { "aws:SourceArn": logsSourceArn },
                },
              },
            ],
          }),
          tags,
        },
        keep,
      );
    }

    this.bucket = new aws.s3.Bucket(
      name,
      {
        objectLockEnabled: true,
        // Never true: destroying the stack must not empty the audit trail.
        forceDestroy: false,
        tags,
      },
      keep,
    );
    const bucketId = this.bucket.bucket;
    const bucketArn = this.bucket.arn;

    const versioning = new aws.s3.BucketVersioning(
      `${name}-versioning`,
      { bucket: bucketId, versioningConfiguration: { status: "Enabled" } },
      keep,
    );

    new aws.s3.BucketObjectLockConfiguration(
      `${name}-object-lock`,
      {
        bucket: bucketId,
        objectLockEnabled: "Enabled",
        rule: { defaultRetention: { mode: "COMPLIANCE", days: settings.retentionDays } },
      },
      { ...keep, dependsOn: [versioning] },
    );

    const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access-block`,
      {
        bucket: bucketId,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      keep,
    );

    new aws.s3.BucketOwnershipControls(
      `${name}-ownership`,
      { bucket: bucketId, rule: { objectOwnership: "BucketOwnerEnforced" } },
      keep,
    );

    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      {
        bucket: bucketId,
        rules: key
          ? [
              {
                applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn },
                bucketKeyEnabled: true,
              },
            ]
          : [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
      },
      keep,
    );

    const statements: unknown[] = [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, pulumi.interpolate`${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
      {
        Sid: "DenyTlsBelow12",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, pulumi.interpolate`${bucketArn}/*`],
        Condition: { NumericLessThan: { "s3:TlsVersion": 1.2 } },
      },
      ...deliveryStatements(purpose, bucketArn, accountId, logsSourceArn, this),
    ];

    new aws.s3.BucketPolicy(
      `${name}-policy`,
      { bucket: bucketId, policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements }) },
      // After the public-access block, so S3 never evaluates the policy on an unprotected bucket.
      { ...keep, dependsOn: [publicAccessBlock] },
    );

    if (settings.transitionDays !== undefined) {
      new aws.s3.BucketLifecycleConfiguration(
        `${name}-lifecycle`,
        {
          bucket: bucketId,
          rules: [
            {
              id: "transition-to-colder-storage",
              status: "Enabled",
              filter: { prefix: "" },
              transitions: [{ days: settings.transitionDays, storageClass: COLDER_STORAGE_CLASS }],
              noncurrentVersionTransitions: [
                { noncurrentDays: settings.transitionDays, storageClass: COLDER_STORAGE_CLASS },
              ],
            },
          ],
        },
        { ...keep, dependsOn: [versioning] },
      );
    }

    this.bucketName = bucketId;
    this.bucketArn = bucketArn;
    this.kmsKeyArn = key?.arn;
    this.registerOutputs({
      bucketName: this.bucketName,
      bucketArn: this.bucketArn,
      kmsKeyArn: this.kmsKeyArn,
    });
  }
}

/** The statements letting the purpose's delivery service write, each scoped to this account. */
function deliveryStatements(
  purpose: LogBucketPurpose,
  bucketArn: pulumi.Output<string>,
  accountId: pulumi.Output<string>,
  logsSourceArn: pulumi.Output<string>,
  parent: pulumi.Resource,
): unknown[] {
  // ELB writes under `[prefix/]AWSLogs/<account>/`; scoping the resource keeps other accounts' logs out.
  const elbLogObjects = [
    pulumi.interpolate`${bucketArn}/AWSLogs/${accountId}/*`,
    pulumi.interpolate`${bucketArn}/*/AWSLogs/${accountId}/*`,
  ];
  const logDelivery = (sidPrefix: string, objects: pulumi.Input<string>[]) => [
    {
      Sid: `${sidPrefix}Write`,
      Effect: "Allow",
      Principal: { Service: "delivery.logs.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: objects,
      Condition: {
        StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": accountId },
        ArnLike: { "aws:SourceArn": logsSourceArn },
      },
    },
    {
      Sid: `${sidPrefix}AclCheck`,
      Effect: "Allow",
      Principal: { Service: "delivery.logs.amazonaws.com" },
      Action: "s3:GetBucketAcl",
      Resource: bucketArn,
      Condition: {
        StringEquals: { "aws:SourceAccount": accountId },
        ArnLike: { "aws:SourceArn": logsSourceArn },
      },
    },
  ];

  switch (purpose) {
    case "alb-access-logs": {
      const elbAccount = aws.elb.getServiceAccountOutput({}, { parent });
      return [
        {
          // Regions launched before August 2022 deliver as the regional ELB account, which sends no
          // aws:SourceAccount; the resource scope to this account's AWSLogs prefix stands in for it.
          Sid: "RegionalElbAccountWrites",
          Effect: "Allow",
          Principal: { AWS: elbAccount.arn },
          Action: "s3:PutObject",
          Resource: elbLogObjects,
        },
        {
          Sid: "ElbLogDeliveryWrites",
          Effect: "Allow",
          Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" },
          Action: "s3:PutObject",
          Resource: elbLogObjects,
          Condition: { StringEquals: { "aws:SourceAccount": accountId } },
        },
      ];
    }
    case "nlb-access-logs":
      // NLB (TLS listener) access logs are delivered by the CloudWatch Logs delivery service.
      return logDelivery("NlbLogDelivery", elbLogObjects);
    case "vpc-flow-logs":
      return logDelivery("FlowLogDelivery", [pulumi.interpolate`${bucketArn}/AWSLogs/${accountId}/*`]);
    case "general":
      return [];
  }
}

export interface ValidatedLogBucketSettings {
  retentionDays: number;
  transitionDays: number | undefined;
}

/**
 * Checks the arguments without creating anything, as the constructor does, and returns every problem
 * (none: valid); components that own an ImmutableLogBucket call it before creating their own resources.
 */
export function validateImmutableLogBucketArgs(name: string, args: ImmutableLogBucketArgs): ConfigProblem[] {
  return runChecks(COMPONENT, name, (c) => checkLogBucketArgs(c, args)).problems;
}

function checkLogBucketArgs(c: ConfigChecks, args: ImmutableLogBucketArgs): ValidatedLogBucketSettings {
  const fail = (field: string, value: unknown, problem: string, fix: string): never =>
    c.stop(field, value, problem, fix);
  if (args === undefined || args === null || typeof args !== "object") {
    fail(
      "args",
      args,
      "is missing",
      `pass { purpose: ${LOG_BUCKET_PURPOSES.map((p) => `"${p}"`).join(" | ")} }`,
    );
  }
  if (!LOG_BUCKET_PURPOSES.includes(args.purpose)) {
    c.report(
      "purpose",
      args.purpose,
      "is not a known log bucket purpose",
      `set purpose to one of ${LOG_BUCKET_PURPOSES.map((p) => `"${p}"`).join(", ")}`,
    );
  }

  // Retention: the minimum, the mode and the days are judged together (each refusal once).
  const days = c.section(() => checkRetention(fail, args));

  const transition = args.transitionToColderStorageAfterDays;
  if (
    transition !== undefined &&
    (typeof transition !== "number" || !Number.isInteger(transition) || transition < 1)
  ) {
    c.report(
      "transitionToColderStorageAfterDays",
      transition,
      "must be a positive whole number of days",
      "omit it to keep objects in S3 Standard, or set a positive integer such as 90",
    );
  }

  checkTagMap(c, args.tags);

  return { retentionDays: days as number, transitionDays: transition };
}

function checkRetention(
  fail: (field: string, value: unknown, problem: string, fix: string) => never,
  args: ImmutableLogBucketArgs,
): number {
  const minimum = args.minimumRetentionDays ?? DEFAULT_MINIMUM_RETENTION_DAYS;
  if (typeof minimum !== "number" || !Number.isInteger(minimum) || minimum < 1) {
    fail(
      "minimumRetentionDays",
      args.minimumRetentionDays,
      "must be a positive whole number of days",
      `omit it (default ${DEFAULT_MINIMUM_RETENTION_DAYS}) or set a positive integer`,
    );
  }

  const mode: unknown = args.retentionMode ?? DEFAULT_RETENTION_MODE;
  if (mode !== DEFAULT_RETENTION_MODE) {
    fail(
      "retentionMode",
      args.retentionMode,
      mode === "GOVERNANCE"
        ? "is refused: GOVERNANCE retention can be bypassed by any principal with s3:BypassGovernanceRetention, so the audit trail could be deleted"
        : "is not a supported Object Lock mode",
      `omit retentionMode or set it to "${DEFAULT_RETENTION_MODE}"`,
    );
  }

  const days = args.retentionDays ?? DEFAULT_RETENTION_DAYS;
  if (typeof days !== "number" || !Number.isInteger(days) || days < 1) {
    fail(
      "retentionDays",
      args.retentionDays,
      "must be a positive whole number of days (Object Lock retention is set in whole days)",
      `set retentionDays to an integer of at least ${minimum}`,
    );
  }
  const verdict = checkDefaultRetention(mode, days, undefined, minimum);
  if (!verdict.ok) {
    fail(
      "retentionDays",
      args.retentionDays,
      `is refused: ${verdict.reason}`,
      `set retentionDays to at least ${minimum}`,
    );
  }
  return days;
}
