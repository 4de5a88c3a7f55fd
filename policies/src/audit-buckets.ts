/**
 * Finds the S3 buckets that receive audit logs by following the wiring across a stack, and judges each
 * against the immutability requirements. Shared by phi-audit-log-bucket-immutable and phi-vpc-flow-logs.
 *
 * Everything is indexed once (maps by name, ARN, URN), so the analysis is linear in the stack size. At
 * preview, ids and ARNs of new resources are unknown; a reference is then followed through the
 * resource's propertyDependencies (which resources a property was computed from).
 */
import type { PolicyResource } from "@pulumi/policy";
import { checkDefaultRetention, DEFAULT_MINIMUM_RETENTION_DAYS } from "./rules";
import {
  decideForEvery,
  dependenciesOf,
  field,
  isTrue,
  objectField,
  outputs,
  sameText,
  StackIndex,
  UNKNOWN,
} from "./policy-kit";
import {
  CLASSIC_ELB,
  CLOUDTRAIL,
  FLOW_LOG,
  LB_LOAD_BALANCER,
  S3_BUCKET,
  S3_BUCKET_POLICY,
  S3_OBJECT_LOCK,
  S3_PUBLIC_ACCESS_BLOCK,
  S3_SSE,
  S3_VERSIONING,
} from "./tokens";

export const BUCKET_TYPES: ReadonlySet<string> = new Set(S3_BUCKET);

/** A place in the stack that delivers audit logs to a bucket. */
export interface LogReference {
  source: PolicyResource;
  /** Field path in the source, e.g. `accessLogs.bucket`. */
  path: string;
  /** What the field holds: a bucket name or ARN, or UNKNOWN. */
  value: unknown;
  /** Top-level property whose dependencies lead to the bucket at preview. */
  dependencyProp: string;
  /**
   * Set when it is not known at preview whether the source delivers to S3 at all: the path of the unknown
   * field that decides it (a flow log's `logDestinationType` when its destination is not an S3 ARN). A
   * bucket of the stack it names is still judged; a destination that cannot be resolved is then undecided,
   * not a violation.
   */
  deliveryUndecided?: string;
}

/** Outcome of resolving a reference. */
export type Resolution =
  | { kind: "buckets"; buckets: PolicyResource[] }
  | { kind: "external"; name: string }
  | { kind: "missing" }
  | { kind: "unknown" };

interface SubResources {
  versioning: PolicyResource[];
  sse: PolicyResource[];
  lock: PolicyResource[];
  publicAccessBlock: PolicyResource[];
  policy: PolicyResource[];
}

/** `arn:aws:s3:::name/prefix` → `name`; plain names are returned as they are. */
export function bucketNameOf(ref: string): string {
  const m = /^arn:[a-z-]+:s3:::([^/]+)/.exec(ref);
  return m ? m[1] : ref;
}

export class BucketIndex {
  private readonly byName = new Map<string, PolicyResource>();
  private readonly subs = new Map<string, SubResources>();
  /** Sub-resources whose bucket could not be resolved (unknown value and no dependency). */
  readonly unresolvedSubResources: PolicyResource[] = [];

  constructor(readonly stack: StackIndex) {
    for (const b of stack.ofTypes(S3_BUCKET)) {
      const o = outputs(b);
      const name = field(o, "bucket");
      if (typeof name === "string") this.byName.set(name, b);
      const arn = field(o, "arn");
      if (typeof arn === "string") this.byName.set(bucketNameOf(arn), b);
    }
    const attach = (types: readonly string[], key: keyof SubResources) => {
      for (const r of stack.ofTypes(types)) {
        const targets = this.resolveValue(field(outputs(r), "bucket"), r, "bucket");
        if (targets.kind === "buckets") for (const b of targets.buckets) this.subsOf(b)[key].push(r);
        else this.unresolvedSubResources.push(r);
      }
    };
    attach(S3_VERSIONING, "versioning");
    attach(S3_SSE, "sse");
    attach(S3_OBJECT_LOCK, "lock");
    attach(S3_PUBLIC_ACCESS_BLOCK, "publicAccessBlock");
    attach(S3_BUCKET_POLICY, "policy");
  }

  subsOf(bucket: PolicyResource): SubResources {
    let s = this.subs.get(bucket.urn);
    if (!s) {
      s = { versioning: [], sse: [], lock: [], publicAccessBlock: [], policy: [] };
      this.subs.set(bucket.urn, s);
    }
    return s;
  }

  /** Resolves a bucket name / ARN / unknown value written in `source.dependencyProp`. */
  resolveValue(
    value: unknown,
    source: PolicyResource,
    dependencyProp: string,
    external: readonly string[] = [],
  ): Resolution {
    if (typeof value === "string" && value !== "") {
      const name = bucketNameOf(value);
      const b = this.byName.get(name);
      if (b) return { kind: "buckets", buckets: [b] };
      if (external.includes(name) || external.includes(value)) return { kind: "external", name };
      const deps = dependenciesOf(source, dependencyProp, BUCKET_TYPES);
      return deps.length ? { kind: "buckets", buckets: deps } : { kind: "missing" };
    }
    const deps = dependenciesOf(source, dependencyProp, BUCKET_TYPES);
    if (deps.length) return { kind: "buckets", buckets: deps };
    return value === UNKNOWN ? { kind: "unknown" } : { kind: "missing" };
  }

  resolve(ref: LogReference, external: readonly string[]): Resolution {
    return this.resolveValue(ref.value, ref.source, ref.dependencyProp, external);
  }
}

/** Every audit-log delivery in the stack: LB access and connection logs, S3 flow logs, CloudTrail trails. */
export function logReferences(stack: StackIndex): LogReference[] {
  const refs: LogReference[] = [];
  const fromBlock = (r: PolicyResource, block: string) => {
    const o = objectField(outputs(r), block);
    if (o === undefined) return;
    // A whole block unknown at preview still names a bucket (or none): follow it through the block's
    // dependencies, or leave it undecided (an advisory at the load balancer), never drop it.
    if (o === UNKNOWN) {
      refs.push({ source: r, path: block, value: UNKNOWN, dependencyProp: block });
      return;
    }
    const bucket = field(o, "bucket");
    if (bucket === undefined || bucket === null || bucket === "") return;
    refs.push({ source: r, path: `${block}.bucket`, value: bucket, dependencyProp: block });
  };
  for (const lb of stack.ofTypes(LB_LOAD_BALANCER)) {
    fromBlock(lb, "accessLogs");
    fromBlock(lb, "connectionLogs");
  }
  for (const elb of stack.ofTypes([CLASSIC_ELB])) fromBlock(elb, "accessLogs");
  for (const fl of stack.ofTypes([FLOW_LOG])) {
    const ref = flowLogReference(fl);
    if (ref) refs.push(ref);
  }
  for (const t of stack.ofTypes([CLOUDTRAIL])) {
    refs.push({
      source: t,
      path: "s3BucketName",
      value: field(outputs(t), "s3BucketName"),
      dependencyProp: "s3BucketName",
    });
  }
  return refs;
}

/** `arn:partition:service:…` → `service`; undefined for anything that is not an ARN. */
function arnService(ref: string): string | undefined {
  return /^arn:[^:]*:([^:]*):/.exec(ref)?.[1];
}

/**
 * The S3 destination of a flow log, when it delivers to S3 or may. With `logDestinationType` unknown the
 * flow log counts as possibly delivering to S3 unless its destination is the ARN of another service: an S3
 * ARN or a dependency on a bucket settles it, anything else (a bucket name, an unknown value, nothing) is
 * followed with `deliveryUndecided` set.
 */
export function flowLogReference(fl: PolicyResource): LogReference | undefined {
  const o = outputs(fl);
  const type = field(o, "logDestinationType");
  const dest = field(o, "logDestination");
  const ref: LogReference = {
    source: fl,
    path: "logDestination",
    value: dest,
    dependencyProp: "logDestination",
  };
  if (sameText(type, "s3")) return ref;
  if (type !== UNKNOWN) return undefined;
  const service = typeof dest === "string" ? arnService(dest) : undefined;
  if (service === "s3") return ref;
  if (service !== undefined) return undefined;
  if (dest === UNKNOWN && dependenciesOf(fl, "logDestination", BUCKET_TYPES).length > 0) return ref;
  return { ...ref, deliveryUndecided: "logDestinationType" };
}

export interface BucketAssessment {
  problems: string[];
  /** Field paths whose values are unknown at preview and decide a requirement. */
  unknown: string[];
}

function statementDeniesInsecureTransport(s: unknown): boolean {
  if (!s || typeof s !== "object") return false;
  const st = s as Record<string, unknown>;
  if (!sameText(st.Effect, "Deny")) return false;
  const cond = st.Condition as Record<string, Record<string, unknown>> | undefined;
  if (!cond || typeof cond !== "object") return false;
  for (const [op, body] of Object.entries(cond)) {
    if (!/^Bool(IfExists)?$/i.test(op) || !body || typeof body !== "object") continue;
    for (const [k, v] of Object.entries(body)) {
      if (k.toLowerCase() !== "aws:securetransport") continue;
      const values = Array.isArray(v) ? v : [v];
      if (values.some((x) => x === false || sameText(x, "false"))) return true;
    }
  }
  return false;
}

/** True / false / UNKNOWN: the policy document denies requests without TLS. */
export function policyDeniesInsecureTransport(policy: unknown): boolean | typeof UNKNOWN {
  if (policy === UNKNOWN) return UNKNOWN;
  let doc: unknown = policy;
  if (typeof policy === "string") {
    try {
      doc = JSON.parse(policy);
    } catch {
      return false;
    }
  }
  if (!doc || typeof doc !== "object") return false;
  const stmts = (doc as { Statement?: unknown }).Statement;
  const list = Array.isArray(stmts) ? stmts : [stmts];
  return list.some(statementDeniesInsecureTransport);
}

/**
 * Values an unknown Object Lock field can take, one per class checkDefaultRetention tells apart: the
 * mode that passes and one that fails; days or years unset (the other decides), enough, and too few.
 */
function retentionCandidates(minimumDays: number) {
  return {
    mode: ["COMPLIANCE", "GOVERNANCE"],
    days: [undefined, minimumDays, 1],
    years: [undefined, Math.ceil(minimumDays / 365), 1],
  };
}

/** Judges one audit-log bucket. Messages name fields, never values. */
export function assessAuditBucket(
  bucket: PolicyResource,
  index: BucketIndex,
  minimumRetentionDays: number,
): BucketAssessment {
  const problems: string[] = [];
  const unknown: string[] = [];
  const o = outputs(bucket);
  const subs = index.subsOf(bucket);
  const inlineLock = objectField(o, "objectLockConfiguration");

  const forceDestroy = field(o, "forceDestroy");
  if (forceDestroy === UNKNOWN) unknown.push("forceDestroy");
  else if (isTrue(forceDestroy)) problems.push("forceDestroy is true, so a stack change can delete the logs");

  const lockEnabled = field(o, "objectLockEnabled");
  const inlineLockEnabled =
    inlineLock && inlineLock !== UNKNOWN ? field(inlineLock, "objectLockEnabled") : undefined;
  if (isTrue(lockEnabled) || sameText(inlineLockEnabled, "Enabled")) {
    /* ok */
  } else if (lockEnabled === UNKNOWN || inlineLockEnabled === UNKNOWN || inlineLock === UNKNOWN)
    unknown.push("objectLockEnabled");
  else
    problems.push(
      "objectLockEnabled is not true (object lock can only be enabled when the bucket is created)",
    );

  const retentions: { path: string; rule: unknown }[] = [];
  if (inlineLock === UNKNOWN) unknown.push("objectLockConfiguration");
  else if (inlineLock && field(inlineLock, "rule") !== undefined)
    retentions.push({ path: "objectLockConfiguration.rule", rule: field(inlineLock, "rule") });
  for (const l of subs.lock) retentions.push({ path: `${l.name}.rule`, rule: field(outputs(l), "rule") });
  if (retentions.length === 0) {
    problems.push(
      `has no object-lock default retention (required: COMPLIANCE mode, at least ${minimumRetentionDays} days)`,
    );
  }
  for (const { path, rule } of retentions) {
    if (rule === UNKNOWN) {
      unknown.push(path);
      continue;
    }
    const dr = objectField(rule, "defaultRetention");
    if (dr === UNKNOWN) {
      unknown.push(`${path}.defaultRetention`);
      continue;
    }
    const values = { mode: field(dr, "mode"), days: field(dr, "days"), years: field(dr, "years") };
    // GOVERNANCE fails whatever the days turn out to be, and 30 days whatever the mode: decided now.
    const ok = decideForEvery(
      values,
      retentionCandidates(minimumRetentionDays),
      (v) => checkDefaultRetention(v.mode, v.days, v.years, minimumRetentionDays).ok,
    );
    if (ok === UNKNOWN) {
      const keys = (Object.keys(values) as (keyof typeof values)[]).filter((k) => values[k] === UNKNOWN);
      unknown.push(keys.map((k) => `${path}.defaultRetention.${k}`).join(" and "));
      continue;
    }
    if (!ok) {
      problems.push(
        `${path}.defaultRetention is not COMPLIANCE mode for at least ${minimumRetentionDays} days (GOVERNANCE can be bypassed)`,
      );
    }
  }

  const inlineVersioning = objectField(o, "versioning");
  let versioned: boolean | typeof UNKNOWN = false;
  if (inlineVersioning === UNKNOWN) versioned = UNKNOWN;
  else if (inlineVersioning && isTrue(field(inlineVersioning, "enabled"))) versioned = true;
  for (const v of subs.versioning) {
    const conf = objectField(outputs(v), "versioningConfiguration");
    const status = conf && conf !== UNKNOWN ? field(conf, "status") : conf;
    if (sameText(status, "Enabled")) versioned = true;
    else if (status === UNKNOWN && versioned !== true) versioned = UNKNOWN;
  }
  if (versioned === UNKNOWN) unknown.push("versioning");
  else if (!versioned) problems.push("versioning is not Enabled");

  const PAB_KEYS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];
  let blocked: boolean | typeof UNKNOWN = false;
  for (const p of subs.publicAccessBlock) {
    const po = outputs(p);
    const values = PAB_KEYS.map((k) => field(po, k));
    if (values.every(isTrue)) blocked = true;
    else if (
      values.some((v) => v === UNKNOWN) &&
      values.every((v) => v === UNKNOWN || isTrue(v)) &&
      blocked !== true
    )
      blocked = UNKNOWN;
  }
  if (blocked === UNKNOWN) unknown.push("public access block");
  else if (!blocked) problems.push(`has no public access block with all of ${PAB_KEYS.join(", ")} true`);

  let denies: boolean | typeof UNKNOWN = false;
  const sources = [field(o, "policy"), ...subs.policy.map((p) => field(outputs(p), "policy"))];
  for (const s of sources) {
    if (s === undefined || s === null || s === "") continue;
    const d = policyDeniesInsecureTransport(s);
    if (d === true) denies = true;
    else if (d === UNKNOWN && denies !== true) denies = UNKNOWN;
  }
  if (denies === UNKNOWN) unknown.push("bucket policy");
  else if (!denies)
    problems.push('has no bucket policy statement denying requests with aws:SecureTransport = "false"');

  return { problems, unknown };
}

/** The audit-bucket retention floor option, shared by the policies that judge audit-log buckets. */
export const MINIMUM_RETENTION_DAYS_SCHEMA = {
  type: "integer",
  minimum: 1,
  maximum: 36500,
  description:
    "Minimum object-lock default retention in COMPLIANCE mode, in days. Default 2190 (6 years, 45 CFR 164.316(b)(2)(i)).",
  default: DEFAULT_MINIMUM_RETENTION_DAYS,
} as const;
