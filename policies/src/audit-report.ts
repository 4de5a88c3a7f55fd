/**
 * What the audit-trail stack policies judged, per resource, in words for the evidence: for every audit-log
 * bucket its Object Lock mode and retention, versioning, public access block, TLS-only policy and the log
 * sources delivering to it; for every flow log whether it counts for its VPC and, if not, why.
 *
 * The analyzer protocol carries only violations and stack-wide "not applicable", so a stack policy cannot
 * report a pass on a resource. The offline check therefore calls these functions on the same resources it
 * sends to AnalyzeStack, with the same rules (audit-buckets.ts) the policies use, and records the result
 * beside the pack's own findings. Details name configuration facts, never secret values (callers redact).
 */
import type { PolicyResource } from "@pulumi/policy";
import {
  assessAuditBucket,
  BUCKET_TYPES,
  bucketEncryption,
  BucketIndex,
  bucketNameOf,
  flowLogReference,
  logReferences,
  type BucketAssessment,
} from "./audit-buckets";
import {
  AUDIT_LOG_CLASSIFICATION,
  checkDefaultRetention,
  DATA_CLASSIFICATION_TAG,
  REQUIRED_FLOW_LOG_TRAFFIC_TYPE,
} from "./rules";
import { mayBeSecret } from "./secret-paths";
import {
  dependenciesOf,
  field,
  isTrue,
  objectField,
  outputs,
  sameText,
  StackIndex,
  UNKNOWN,
} from "./policy-kit";
import { FLOW_LOG, VPC } from "./tokens";

export const AUDIT_BUCKET_POLICY = "phi-audit-log-bucket-immutable";
export const FLOW_LOGS_POLICY = "phi-vpc-flow-logs";

export interface ResourceDetail {
  policy: string;
  urn: string;
  detail: string;
}

const known = (v: unknown) => v !== UNKNOWN && v !== undefined && v !== null;
const AT_UP = "not known at preview";

/** `Object Lock COMPLIANCE, 2190 days` and the like, from the inline rule or the lock sub-resources. */
function objectLockFacts(bucket: PolicyResource, index: BucketIndex): string {
  const o = outputs(bucket);
  const inline = objectField(o, "objectLockConfiguration");
  const enabled = field(o, "objectLockEnabled");
  const inlineEnabled = inline && inline !== UNKNOWN ? field(inline, "objectLockEnabled") : undefined;
  const on = isTrue(enabled) || sameText(inlineEnabled, "Enabled");
  const rules: unknown[] = [];
  if (inline === UNKNOWN) rules.push(UNKNOWN);
  else if (inline && field(inline, "rule") !== undefined) rules.push(field(inline, "rule"));
  for (const l of index.subsOf(bucket).lock) rules.push(field(outputs(l), "rule"));
  const retention = rules.map((rule) => {
    if (rule === UNKNOWN) return `default retention ${AT_UP}`;
    const dr = objectField(rule, "defaultRetention");
    if (dr === UNKNOWN) return `default retention ${AT_UP}`;
    const mode = field(dr, "mode");
    const days = field(dr, "days");
    const years = field(dr, "years");
    if (mode === UNKNOWN || days === UNKNOWN || years === UNKNOWN) return `default retention ${AT_UP}`;
    const v = checkDefaultRetention(mode, days, years, 1);
    const length = v.ok
      ? `${v.days} days`
      : typeof days === "number"
        ? `${days} days`
        : typeof years === "number"
          ? `${years} years`
          : "no retention period";
    return `${typeof mode === "string" ? mode.toUpperCase() : "no mode"}, ${length}`;
  });
  const state = on ? "enabled" : enabled === UNKNOWN || inlineEnabled === UNKNOWN ? AT_UP : "not enabled";
  return `Object Lock ${state}${retention.length > 0 ? ` (${retention.join("; ")})` : ", no default retention"}`;
}

function versioningFacts(bucket: PolicyResource, index: BucketIndex): string {
  const inline = objectField(outputs(bucket), "versioning");
  if (inline && inline !== UNKNOWN && isTrue(field(inline, "enabled"))) return "versioning Enabled";
  let unknown = inline === UNKNOWN;
  for (const v of index.subsOf(bucket).versioning) {
    const conf = objectField(outputs(v), "versioningConfiguration");
    const status = conf && conf !== UNKNOWN ? field(conf, "status") : conf;
    if (sameText(status, "Enabled")) return "versioning Enabled";
    if (status === UNKNOWN) unknown = true;
    else if (typeof status === "string") return `versioning ${status}`;
  }
  return unknown ? `versioning ${AT_UP}` : "versioning not enabled";
}

const PAB_KEYS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];

function publicAccessFacts(bucket: PolicyResource, index: BucketIndex): string {
  const blocks = index.subsOf(bucket).publicAccessBlock;
  if (blocks.length === 0) return "no public access block";
  for (const p of blocks) {
    const values = PAB_KEYS.map((k) => field(outputs(p), k));
    if (values.every(isTrue)) return "public access block with all four flags true";
    if (values.some((v) => v === UNKNOWN)) return `public access block ${AT_UP}`;
  }
  const off = PAB_KEYS.filter((k) => blocks.every((p) => !isTrue(field(outputs(p), k))));
  return `public access block without ${off.join(", ")}`;
}

function tlsFacts(assessment: BucketAssessment): string {
  if (assessment.unknown.includes("bucket policy")) return `TLS-only bucket policy ${AT_UP}`;
  return assessment.problems.some((p) => p.includes("aws:SecureTransport"))
    ? "no TLS-only bucket policy (aws:SecureTransport)"
    : 'TLS-only bucket policy (denies aws:SecureTransport = "false")';
}

/** The facts of one audit-log bucket, in one line. */
export function describeAuditBucket(
  bucket: PolicyResource,
  index: BucketIndex,
  assessment: BucketAssessment,
  sources: readonly string[],
): string {
  const name = field(outputs(bucket), "bucket");
  const forceDestroy = field(outputs(bucket), "forceDestroy");
  return [
    `bucket ${typeof name === "string" ? name : bucket.name}`,
    objectLockFacts(bucket, index),
    versioningFacts(bucket, index),
    publicAccessFacts(bucket, index),
    tlsFacts(assessment),
    encryptionFacts(bucket, index),
    isTrue(forceDestroy)
      ? "forceDestroy true"
      : forceDestroy === UNKNOWN
        ? `forceDestroy ${AT_UP}`
        : "no forceDestroy",
    sources.length > 0
      ? `log sources: ${sources.join(", ")}`
      : "log sources: none in this stack (tagged audit-log)",
  ].join("; ");
}

/** `default encryption SSE-S3` (S3's own default when no rule is set), or the kinds each rule may be. */
function encryptionFacts(bucket: PolicyResource, index: BucketIndex): string {
  const kinds = bucketEncryption(bucket, index).map((d) =>
    d.kinds === "unrecognised" ? "an undocumented sseAlgorithm" : d.kinds.length > 1 ? AT_UP : d.kinds[0],
  );
  return `default encryption ${[...new Set(kinds)].join(", ")}`;
}

const SERVICES: Record<string, string> = {
  "cloud-watch-logs": "CloudWatch Logs",
  "kinesis-data-firehose": "Kinesis Data Firehose",
};

export type FlowLogJudgement =
  | { kind: "accepted"; buckets: PolicyResource[] }
  | { kind: "rejected"; reason: string }
  | { kind: "undecided"; path: string; reason: string };

/**
 * Whether one flow log counts for its VPC: ALL traffic, delivered to an S3 bucket of this stack that is
 * immutable. The reason names what was found (e.g. "delivered to CloudWatch Logs, which cannot be locked").
 */
export function judgeFlowLog(
  fl: PolicyResource,
  buckets: BucketIndex,
  assess: (b: PolicyResource) => BucketAssessment,
): FlowLogJudgement {
  const o = outputs(fl);
  // Where the logs go is read first: a destination known to be wrong rejects the flow log whatever else
  // is unknown at preview (fail closed).
  const destination = judgeDestination(fl, o, buckets, assess);
  const traffic = field(o, "trafficType");
  if (traffic !== UNKNOWN && !sameText(traffic, REQUIRED_FLOW_LOG_TRAFFIC_TYPE)) {
    // Enum values are named unless they were secrets; nothing else from the resource is echoed.
    const shown =
      typeof traffic === "string" && /^(ACCEPT|REJECT)$/i.test(traffic) && !mayBeSecret(o, "trafficType")
        ? `is ${traffic.toUpperCase()}`
        : "is not ALL";
    const why = `trafficType ${shown}, so it does not record all traffic (ALL required)`;
    return {
      kind: "rejected",
      reason: destination.kind === "rejected" ? `${why}; and it is ${destination.reason}` : why,
    };
  }
  if (destination.kind === "rejected") return destination;
  if (traffic === UNKNOWN)
    return { kind: "undecided", path: `${fl.name}.trafficType`, reason: `trafficType ${AT_UP}` };
  return destination;
}

function judgeDestination(
  fl: PolicyResource,
  o: Record<string, unknown>,
  buckets: BucketIndex,
  assess: (b: PolicyResource) => BucketAssessment,
): FlowLogJudgement {
  const ref = flowLogReference(fl);
  if (!ref) {
    const type = field(o, "logDestinationType");
    if (type === UNKNOWN)
      return {
        kind: "undecided",
        path: `${fl.name}.logDestinationType`,
        reason: `logDestinationType ${AT_UP}`,
      };
    const service =
      typeof type === "string" && SERVICES[type.toLowerCase()] && !mayBeSecret(o, "logDestinationType")
        ? SERVICES[type.toLowerCase()]
        : "a destination that is not S3";
    return {
      kind: "rejected",
      reason: `delivered to ${service}, which cannot be locked (an S3 bucket with Object Lock is required)`,
    };
  }
  const r = buckets.resolve(ref, []);
  if (r.kind === "unknown")
    return { kind: "undecided", path: `${fl.name}.logDestination`, reason: `logDestination ${AT_UP}` };
  if (r.kind !== "buckets")
    return {
      kind: "rejected",
      reason: "delivered to an S3 bucket that is not in this stack, so its immutability cannot be verified",
    };
  const results = r.buckets.map((b) => ({ b, a: assess(b) }));
  const bad = results.filter((x) => x.a.problems.length > 0);
  if (bad.length > 0)
    return {
      kind: "rejected",
      reason: bad.map((x) => `bucket ${x.b.name} is not immutable: ${x.a.problems.join("; ")}`).join("; "),
    };
  const open = results.find((x) => x.a.unknown.length > 0);
  if (open)
    return {
      kind: "undecided",
      path: `${fl.name}.logDestination bucket`,
      reason: `bucket ${open.b.name}: ${open.a.unknown.join(", ")} ${AT_UP}`,
    };
  return { kind: "accepted", buckets: r.buckets };
}

/** The VPCs a flow log belongs to (by id, else by dependency at preview). */
export function vpcsOfFlowLog(fl: PolicyResource, vpcById: Map<string, PolicyResource>): PolicyResource[] {
  const vpcId = field(outputs(fl), "vpcId");
  if (typeof vpcId === "string" && vpcById.has(vpcId)) return [vpcById.get(vpcId)!];
  return dependenciesOf(fl, "vpcId", new Set([VPC]));
}

/**
 * Per-resource details of phi-audit-log-bucket-immutable (every audit-log bucket) and phi-vpc-flow-logs
 * (every VPC and flow log), computed as the policies compute them.
 */
export function auditTrailDetails(
  resources: readonly PolicyResource[],
  config: {
    minimumRetentionDays: number;
    externalLogBuckets: readonly string[];
    flowLogMinimumRetentionDays?: number;
  },
): ResourceDetail[] {
  const stack = new StackIndex(resources);
  const buckets = new BucketIndex(stack);
  const out: ResourceDetail[] = [];

  // Audit-log buckets: tagged, or receiving audit logs.
  const sources = new Map<string, { bucket: PolicyResource; from: string[] }>();
  for (const b of stack.ofTypes([...BUCKET_TYPES])) {
    const tags = objectField(outputs(b), "tags");
    const all = objectField(outputs(b), "tagsAll");
    const tagged = [tags, all].some(
      (t) => t && t !== UNKNOWN && sameText(field(t, DATA_CLASSIFICATION_TAG), AUDIT_LOG_CLASSIFICATION),
    );
    if (tagged) sources.set(b.urn, { bucket: b, from: [] });
  }
  for (const ref of logReferences(stack)) {
    const r = buckets.resolve(ref, config.externalLogBuckets);
    if (r.kind !== "buckets") continue;
    for (const b of r.buckets) {
      const entry = sources.get(b.urn) ?? { bucket: b, from: [] };
      entry.from.push(`${shortType(ref.source.type)} ${ref.source.name} (${ref.path})`);
      sources.set(b.urn, entry);
    }
  }
  for (const { bucket, from } of sources.values()) {
    const a = assessAuditBucket(bucket, buckets, config.minimumRetentionDays);
    out.push({
      policy: AUDIT_BUCKET_POLICY,
      urn: bucket.urn,
      detail: describeAuditBucket(bucket, buckets, a, from),
    });
  }

  // Flow logs and their VPCs.
  const flowDays = config.flowLogMinimumRetentionDays ?? config.minimumRetentionDays;
  const assessed = new Map<string, BucketAssessment>();
  const assess = (b: PolicyResource) => {
    let a = assessed.get(b.urn);
    if (!a) assessed.set(b.urn, (a = assessAuditBucket(b, buckets, flowDays)));
    return a;
  };
  const vpcById = new Map<string, PolicyResource>();
  for (const v of stack.ofTypes([VPC])) {
    const id = field(outputs(v), "id");
    if (typeof id === "string") vpcById.set(id, v);
  }
  const accepted = new Map<string, string[]>();
  for (const fl of stack.ofTypes([FLOW_LOG])) {
    const j = judgeFlowLog(fl, buckets, assess);
    const vpcs = vpcsOfFlowLog(fl, vpcById);
    const of =
      vpcs.length > 0
        ? `flow log of VPC ${vpcs.map((v) => v.name).join(", ")}`
        : "flow log of no VPC in this stack";
    const detail =
      j.kind === "accepted"
        ? `${of}: ALL traffic delivered to immutable S3 bucket ${j.buckets.map((b) => bucketLabel(b)).join(", ")}`
        : j.kind === "rejected"
          ? `${of}: rejected, ${j.reason}`
          : `${of}: not decidable at preview, ${j.reason}`;
    out.push({ policy: FLOW_LOGS_POLICY, urn: fl.urn, detail });
    if (j.kind === "accepted")
      for (const v of vpcs) accepted.set(v.urn, [...(accepted.get(v.urn) ?? []), fl.name]);
  }
  // A VPC without an accepted flow log has the policy's own finding (on it, or on its rejected flow logs).
  for (const v of stack.ofTypes([VPC])) {
    const good = accepted.get(v.urn);
    if (!good) continue;
    out.push({
      policy: FLOW_LOGS_POLICY,
      urn: v.urn,
      detail: `flow log ${good.join(", ")} records ALL traffic to an immutable S3 audit-log bucket`,
    });
  }
  return out;
}

function bucketLabel(b: PolicyResource): string {
  const name = field(outputs(b), "bucket");
  return typeof name === "string" && known(name) ? bucketNameOf(name) : b.name;
}

/** `aws:lb/loadBalancer:LoadBalancer` → `LoadBalancer`. */
function shortType(type: string): string {
  return type.split(":").pop() ?? type;
}
