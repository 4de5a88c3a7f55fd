import type { PolicyConfigSchema, PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { hipaaFramework } from "../framework";
import { AUDIT_LOG_CLASSIFICATION, DATA_CLASSIFICATION_TAG } from "../rules";
import {
  configWithDefaults,
  field,
  Findings,
  objectField,
  outputs,
  sameText,
  StackIndex,
  UNKNOWN,
  type Unknown,
} from "../policy-kit";
import {
  assessAuditBucket,
  assessLogDeliveryEncryption,
  BUCKET_TYPES,
  BucketIndex,
  logReferences,
  MINIMUM_RETENTION_DAYS_SCHEMA,
  type LogReference,
} from "../audit-buckets";

/** S3 bucket names as AWS allows them (3-63 chars, lowercase, digits, dots, hyphens). */
export const BUCKET_NAME_PATTERN = "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$";

export const auditLogBucketImmutableConfigSchema = {
  properties: {
    minimumRetentionDays: MINIMUM_RETENTION_DAYS_SCHEMA,
    externalLogBuckets: {
      type: "array",
      items: { type: "string", pattern: BUCKET_NAME_PATTERN },
      uniqueItems: true,
      description:
        "Names of audit-log buckets managed outside this stack (verified there); references to them are accepted.",
      default: [],
    },
    requireProtect: {
      type: "boolean",
      description:
        "Also require Pulumi's `protect` option on every audit-log bucket (then `pulumi destroy` fails until it is unprotected). Default false: the pack cannot see `retainOnDelete`, and object lock in COMPLIANCE mode without forceDestroy already keeps the logs (docs/destroy.md).",
      default: false,
    },
  },
} satisfies PolicyConfigSchema;

export interface AuditLogBucketImmutableConfig {
  minimumRetentionDays: number;
  externalLogBuckets: string[];
  requireProtect: boolean;
}

/**
 * True when the bucket's tags (or tagsAll) classify it as an audit-log bucket; UNKNOWN when neither does
 * but one of them (or its classification tag) is unknown at preview, so it still may; else false.
 */
export function taggedAsAuditLog(bucket: PolicyResource): boolean | Unknown {
  const o = outputs(bucket);
  for (const key of ["tags", "tagsAll"]) {
    const tags = objectField(o, key);
    if (tags && tags !== UNKNOWN && sameText(field(tags, DATA_CLASSIFICATION_TAG), AUDIT_LOG_CLASSIFICATION))
      return true;
  }
  return unknownClassificationPath(bucket) === undefined ? false : UNKNOWN;
}

/** The first of `tags`, `tagsAll` (or their classification tag) that is unknown at preview, as a field path. */
export function unknownClassificationPath(bucket: PolicyResource): string | undefined {
  const o = outputs(bucket);
  for (const key of ["tags", "tagsAll"]) {
    const tags = objectField(o, key);
    if (tags === UNKNOWN) return key;
    if (tags && field(tags, DATA_CLASSIFICATION_TAG) === UNKNOWN)
      return `${key}["${DATA_CLASSIFICATION_TAG}"]`;
  }
  return undefined;
}

const DESCRIPTION =
  "Buckets receiving audit logs (load-balancer access/connection logs, VPC flow logs, CloudTrail, CloudFront standard logs, S3 server access logs, Network Firewall, WAF and CloudWatch Logs deliveries) must be immutable: object lock in COMPLIANCE mode for the retention period, versioning, no public access, TLS-only access, no forceDestroy; and encrypted with what every source delivering to them can write to.";

export const auditLogBucketImmutable: StackValidationPolicy = {
  name: "phi-audit-log-bucket-immutable",
  description: DESCRIPTION,
  severity: "critical",
  framework: hipaaFramework("b"),
  tags: ["audit", "logging", "s3", "object-lock", "hipaa"],
  remediationSteps:
    "Create the log bucket with objectLockEnabled: true; add a BucketObjectLockConfiguration with defaultRetention { mode: COMPLIANCE, days >= minimumRetentionDays }, BucketVersioning status Enabled, a BucketPublicAccessBlock with all four flags true and a BucketPolicy that denies s3:* when aws:SecureTransport is false; do not set forceDestroy. Encryption: ALB and classic ELB logs and S3 server access logs can only be delivered to SSE-S3 (sseAlgorithm AES256) buckets; NLB access logs, flow logs, CloudTrail, CloudFront standard logs and CloudWatch Logs deliveries also to SSE-KMS with a customer managed key (whose key policy lets the service use it). Buckets managed in another stack go into externalLogBuckets.",
  configSchema: auditLogBucketImmutableConfigSchema,
  validateStack: (args, reportViolation) => {
    const config = configWithDefaults<AuditLogBucketImmutableConfig>(
      args,
      auditLogBucketImmutableConfigSchema,
    );
    const stack = new StackIndex(args.resources);
    const refs = logReferences(stack);
    const tagged: PolicyResource[] = [];
    // Buckets whose classification tag is unknown at preview: audit-log buckets or not, decided at up.
    const maybeTagged: PolicyResource[] = [];
    for (const b of stack.ofTypes([...BUCKET_TYPES])) {
      const t = taggedAsAuditLog(b);
      if (t === true) tagged.push(b);
      else if (t === UNKNOWN) maybeTagged.push(b);
    }
    if (refs.length === 0 && tagged.length === 0 && maybeTagged.length === 0)
      args.notApplicable("no audit-log deliveries to S3 and no bucket tagged as audit-log in this stack");
    const buckets = new BucketIndex(stack);
    const audited = new Map<string, { bucket: PolicyResource; refs: LogReference[] }>();
    for (const b of tagged) audited.set(b.urn, { bucket: b, refs: [] });
    for (const ref of refs) {
      const r = buckets.resolve(ref, config.externalLogBuckets);
      const f = new Findings();
      // Whether the source delivers to S3 at all is itself unknown: an unresolved destination is undecided.
      if (ref.deliveryUndecided && (r.kind === "missing" || r.kind === "unknown"))
        f.unknown(ref.deliveryUndecided, `whether ${ref.path} is an S3 log bucket`);
      else if (r.kind === "missing")
        f.violation(
          `${ref.path} names a bucket that is not in this stack, so its immutability cannot be verified; manage it here or list it in externalLogBuckets`,
        );
      else if (r.kind === "unknown") f.unknown(ref.path, "log bucket");
      else if (r.kind === "buckets")
        for (const b of r.buckets) {
          const entry = audited.get(b.urn);
          if (entry) entry.refs.push(ref);
          else audited.set(b.urn, { bucket: b, refs: [ref] });
        }
      f.report(reportViolation, DESCRIPTION, ref.source.urn);
    }
    const assessment = (bucket: PolicyResource) => {
      const a = assessAuditBucket(bucket, buckets, config.minimumRetentionDays);
      // The analyzer protocol carries `protect` but not `retainOnDelete`, so only protect can be required.
      if (config.requireProtect && bucket.opts?.protect !== true)
        a.problems.push("is not protected (requireProtect is set): add the `protect: true` resource option");
      return a;
    };
    // A bucket that may be classified audit-log by its unknown tags and would fail as one: undecided. One
    // that would pass as an audit-log bucket needs no finding, so ordinary computed tags stay quiet only
    // when the bucket is immutable anyway; otherwise the advisory names the tags, never their values.
    for (const b of maybeTagged) {
      if (audited.has(b.urn)) continue;
      const a = assessment(b);
      if (a.problems.length === 0 && a.unknown.length === 0) continue;
      const f = new Findings();
      f.unknown(
        unknownClassificationPath(b)!,
        `whether this is an audit-log bucket (${DATA_CLASSIFICATION_TAG})`,
      );
      f.report(reportViolation, DESCRIPTION, b.urn);
    }
    for (const { bucket, refs: delivering } of audited.values()) {
      const a = assessment(bucket);
      const e = assessLogDeliveryEncryption(bucket, buckets, delivering);
      const f = new Findings();
      for (const p of [...a.problems, ...e.problems]) f.violation(`audit-log bucket ${p}`);
      for (const u of a.unknown) f.unknown(u, "audit-log bucket requirement");
      for (const u of e.unknown)
        f.unknown(u, "whether every log source can deliver to this bucket's encryption");
      f.report(reportViolation, DESCRIPTION, bucket.urn);
    }
  },
};
