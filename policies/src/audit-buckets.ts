/**
 * Finds the S3 buckets that receive audit logs by following the wiring across a stack, and judges each
 * against the immutability requirements. Shared by phi-audit-log-bucket-immutable and phi-vpc-flow-logs.
 *
 * Everything is indexed once (maps by name, ARN, URN), so the analysis is linear in the stack size. At
 * preview, ids and ARNs of new resources are unknown; a reference is then followed through the
 * resource's propertyDependencies (which resources a property was computed from).
 */
import type { PolicyResource } from "@pulumi/policy";
import logSourceData from "./data/log-sources.json";
import {
  arnInEveryPartition,
  checkDefaultRetention,
  DEFAULT_MINIMUM_RETENTION_DAYS,
  deniesInsecureTransport,
  grantsToEveryone,
  parsePolicyDocument,
  type TlsDenyTarget,
} from "./rules";
import {
  decideForEvery,
  dependenciesOf,
  field,
  isTrue,
  isUnknown,
  listField,
  objectField,
  outputs,
  path as fieldPath,
  sameText,
  StackIndex,
  UNKNOWN,
  type Unknown,
} from "./policy-kit";
import {
  S3_BUCKET,
  S3_BUCKET_POLICY,
  S3_OBJECT_LOCK,
  S3_PUBLIC_ACCESS_BLOCK,
  S3_SSE,
  S3_VERSIONING,
} from "./tokens";

export const BUCKET_TYPES: ReadonlySet<string> = new Set(S3_BUCKET);

/** Bucket encryption as AWS log deliveries see it (data/log-sources.json, notes). */
export type EncryptionKind = "SSE-S3" | "SSE-KMS" | "SSE-KMS-AWS-MANAGED" | "DSSE-KMS";

/** Which encryption a log source can write to, and what it is called in messages. */
export interface LogDelivery {
  label: string;
  encryption: readonly EncryptionKind[];
}

/** One row of the log-source table: a resource type, where it names its log bucket, what it can write to. */
export interface LogSourceSpec {
  id: string;
  label?: string;
  tokens: readonly string[];
  /** Dotted path of the bucket field; `name[]` walks every element of a list. */
  bucket: string;
  /** `s3-domain`: the field holds `<bucket>.s3.amazonaws.com` (CloudFront). */
  form?: string;
  /** An element delivers to S3 only when this field of the list element equals this value (any case). */
  when?: { field: string; equals: string };
  /** The field holds an ARN; only ARNs of this service (or values that are not ARNs) are log buckets. */
  arnService?: string;
  /** Flow logs: `logDestinationType` decides (flowLogReference). */
  flowLog?: boolean;
  /** Reported even when the field is unset (CloudTrail always delivers to S3). */
  required?: boolean;
  encryption?: readonly EncryptionKind[];
  /** The delivery depends on another field of the source (an ELB's type). */
  encryptionBy?: {
    field: string;
    default: string;
    values: Readonly<Record<string, LogDelivery>>;
  };
}

/** Every log source the audit-bucket discovery follows, from data/log-sources.json. */
export const LOG_SOURCES: readonly LogSourceSpec[] = logSourceData.sources as LogSourceSpec[];

/** A place in the stack that delivers audit logs to a bucket. */
export interface LogReference {
  source: PolicyResource;
  /** The row of the log-source table it comes from. */
  spec: LogSourceSpec;
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

/** A bucket field found on a source: its path, value, and the list element it sits in (for `when`). */
interface Hit {
  path: string;
  value: unknown;
  element?: unknown;
}

/** Walks a `a.b[].c` path: every value it reaches, or the first unknown (or invalid) step as the value. */
function walk(obj: unknown, segments: readonly string[], at: string, element?: unknown): Hit[] {
  const [head, ...rest] = segments;
  const isList = head.endsWith("[]");
  const key = isList ? head.slice(0, -2) : head;
  const here = at ? `${at}.${key}` : key;
  const v = field(obj, key);
  if (v === UNKNOWN) return [{ path: here, value: UNKNOWN, element }];
  if (!isList) {
    if (rest.length === 0) return [{ path: here, value: v, element }];
    const next = objectField(obj, key);
    return next === UNKNOWN
      ? [{ path: here, value: UNKNOWN, element }]
      : next
        ? walk(next, rest, here, element)
        : [];
  }
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) return [{ path: here, value: v, element }];
  return v.flatMap((el, i) => {
    const at_ = `${here}[${i}]`;
    if (isUnknown(el)) return [{ path: at_, value: UNKNOWN, element: UNKNOWN }];
    return rest.length === 0 ? [{ path: at_, value: el, element: el }] : walk(el, rest, at_, el);
  });
}

/** `bucket.s3.amazonaws.com` / `bucket.s3.us-east-1.amazonaws.com` → `bucket`. */
function fromS3Domain(value: unknown): unknown {
  return typeof value === "string"
    ? value.replace(/\.s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com(?:\.cn)?$/, "")
    : value;
}

/** The references one row of the table finds on one source. */
function referencesOf(spec: LogSourceSpec, r: PolicyResource): LogReference[] {
  if (spec.flowLog) {
    const ref = flowLogReference(r);
    return ref ? [{ ...ref, spec }] : [];
  }
  const segments = spec.bucket.split(".");
  const dependencyProp = segments[0].replace(/\[\]$/, "");
  const refs: LogReference[] = [];
  for (const hit of walk(outputs(r), segments, "")) {
    const value = spec.form === "s3-domain" ? fromS3Domain(hit.value) : hit.value;
    if (!spec.required && (value === undefined || value === null || value === "")) continue;
    const ref: LogReference = { source: r, spec, path: hit.path, value, dependencyProp };
    if (spec.when) {
      // The list element unknown or its deciding field unknown: it may or may not deliver to S3.
      const decider = hit.element === UNKNOWN ? UNKNOWN : field(hit.element, spec.when.field);
      if (decider === UNKNOWN) {
        refs.push({
          ...ref,
          deliveryUndecided:
            hit.element === UNKNOWN
              ? hit.path
              : `${hit.path.slice(0, hit.path.lastIndexOf("]") + 1)}.${spec.when.field}`,
        });
        continue;
      }
      if (!sameText(decider, spec.when.equals)) continue;
    }
    if (spec.arnService) {
      const service = typeof value === "string" ? arnService(value) : undefined;
      if (service !== undefined && service !== spec.arnService) continue;
      if (value === UNKNOWN && dependenciesOf(r, dependencyProp, BUCKET_TYPES).length === 0) {
        refs.push({ ...ref, deliveryUndecided: hit.path });
        continue;
      }
    }
    refs.push(ref);
  }
  return refs;
}

/**
 * Every audit-log delivery in the stack, from the log-source table: LB access and connection logs, classic
 * ELB access logs, S3 flow logs, CloudTrail trails, CloudFront standard logs, S3 server access logs
 * (BucketLogging and inline), Network Firewall and WAF logs to S3, CloudWatch Logs deliveries to S3.
 */
export function logReferences(stack: StackIndex): LogReference[] {
  const refs: LogReference[] = [];
  for (const spec of LOG_SOURCES)
    for (const r of stack.ofTypes(spec.tokens)) refs.push(...referencesOf(spec, r));
  return refs;
}

/** `arn:partition:service:…` → `service`; undefined for anything that is not an ARN. */
function arnService(ref: string): string | undefined {
  return /^arn:[^:]*:([^:]*):/.exec(ref)?.[1];
}

const FLOW_LOG_SPEC: LogSourceSpec = LOG_SOURCES.find((s) => s.flowLog)!;

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
    spec: FLOW_LOG_SPEC,
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

/** What a reference's source can write to: one delivery, or every one its unknown type allows. */
export function deliveriesOf(ref: LogReference): LogDelivery[] {
  const { spec } = ref;
  if (!spec.encryptionBy) return [{ label: spec.label ?? spec.id, encryption: spec.encryption ?? [] }];
  const by = spec.encryptionBy;
  const v = field(outputs(ref.source), by.field);
  const key =
    v === undefined || v === null || v === ""
      ? by.default
      : Object.keys(by.values).find((k) => sameText(v, k));
  return key ? [by.values[key]] : Object.values(by.values);
}

/** One default-encryption declaration of a bucket: where it is, and the kinds it may be (several when unknown). */
export interface DeclaredEncryption {
  /** `serverSideEncryptionConfiguration.rule.applyServerSideEncryptionByDefault` or `<sse>.rules[0]…`. */
  path: string;
  kinds: readonly EncryptionKind[] | "unrecognised";
}

const ALL_KINDS: readonly EncryptionKind[] = ["SSE-S3", "SSE-KMS", "SSE-KMS-AWS-MANAGED", "DSSE-KMS"];
const AWS_MANAGED_S3_KEY = /(^|:)alias\/aws\/s3$/;

function kindsOf(byDefault: unknown): readonly EncryptionKind[] | "unrecognised" {
  if (byDefault === UNKNOWN) return ALL_KINDS;
  if (byDefault === undefined) return ["SSE-S3"];
  const algorithm = field(byDefault, "sseAlgorithm");
  if (algorithm === UNKNOWN) return ALL_KINDS;
  if (sameText(algorithm, "AES256")) return ["SSE-S3"];
  if (sameText(algorithm, "aws:kms:dsse")) return ["DSSE-KMS"];
  if (!sameText(algorithm, "aws:kms")) return "unrecognised";
  const key = field(byDefault, "kmsMasterKeyId");
  if (key === UNKNOWN) return ["SSE-KMS", "SSE-KMS-AWS-MANAGED"];
  return typeof key !== "string" || key === "" || AWS_MANAGED_S3_KEY.test(key)
    ? ["SSE-KMS-AWS-MANAGED"]
    : ["SSE-KMS"];
}

/**
 * A bucket's default encryption: its BucketServerSideEncryptionConfiguration resources when it has any
 * (they replace the bucket's configuration), else the inline configuration, else SSE-S3 (what S3 applies).
 */
export function bucketEncryption(bucket: PolicyResource, index: BucketIndex): DeclaredEncryption[] {
  const out: DeclaredEncryption[] = [];
  const rules = (
    owner: string,
    list: unknown[] | Unknown | "invalid",
    byDefaultKey: string,
    many: boolean,
  ) => {
    if (list === UNKNOWN || list === "invalid")
      return void out.push({ path: owner, kinds: list === UNKNOWN ? ALL_KINDS : "unrecognised" });
    list.forEach((rule, i) => {
      const at = fieldPath(owner, i);
      if (rule === UNKNOWN) return void out.push({ path: at, kinds: ALL_KINDS });
      if (!many)
        return void out.push({
          path: `${at}.${byDefaultKey}`,
          kinds: kindsOf(objectField(rule, byDefaultKey)),
        });
      const defaults = listField(rule, byDefaultKey);
      if (defaults === UNKNOWN || defaults === "invalid")
        return void out.push({
          path: `${at}.${byDefaultKey}`,
          kinds: defaults === UNKNOWN ? ALL_KINDS : "unrecognised",
        });
      defaults.forEach((d, j) =>
        out.push({ path: `${at}.${byDefaultKey}[${j}]`, kinds: kindsOf(d === UNKNOWN ? UNKNOWN : d) }),
      );
    });
  };
  const subs = index.subsOf(bucket).sse;
  for (const r of subs)
    rules(`${r.name}.rules`, listField(outputs(r), "rules"), "applyServerSideEncryptionByDefault", false);
  if (subs.length === 0) {
    const o = outputs(bucket);
    const v1 = objectField(o, "serverSideEncryptionConfiguration");
    if (v1 === UNKNOWN) out.push({ path: "serverSideEncryptionConfiguration", kinds: ALL_KINDS });
    else if (v1) {
      const rule = objectField(v1, "rule");
      out.push({
        path: "serverSideEncryptionConfiguration.rule.applyServerSideEncryptionByDefault",
        kinds:
          rule === UNKNOWN
            ? ALL_KINDS
            : kindsOf(rule ? objectField(rule, "applyServerSideEncryptionByDefault") : undefined),
      });
    }
    const v2 = listField(o, "serverSideEncryptionConfigurations");
    if (v2 === UNKNOWN) out.push({ path: "serverSideEncryptionConfigurations", kinds: ALL_KINDS });
    else if (Array.isArray(v2))
      v2.forEach((c, i) => {
        const at = fieldPath("serverSideEncryptionConfigurations", i, "rules");
        rules(
          at,
          c === UNKNOWN ? UNKNOWN : listField(c, "rules"),
          "applyServerSideEncryptionByDefaults",
          true,
        );
      });
  }
  return out.length > 0 ? out : [{ path: "(no default-encryption rule)", kinds: ["SSE-S3"] }];
}

const KIND_LABEL: Readonly<Record<EncryptionKind, string>> = {
  "SSE-S3": "SSE-S3",
  "SSE-KMS": "SSE-KMS with a customer managed key",
  "SSE-KMS-AWS-MANAGED": "SSE-KMS with the AWS managed key aws/s3",
  "DSSE-KMS": "DSSE-KMS",
};

/**
 * Whether each log source delivering to a bucket can write to the bucket's encryption (AWS documents which
 * each can: data/log-sources.json). Decidable when every possible kind is refused (violation) or allowed.
 */
export function assessLogDeliveryEncryption(
  bucket: PolicyResource,
  index: BucketIndex,
  refs: readonly LogReference[],
): BucketAssessment {
  const problems: string[] = [];
  const unknown: string[] = [];
  const declared = bucketEncryption(bucket, index);
  for (const ref of refs) {
    const deliveries = deliveriesOf(ref);
    for (const d of declared) {
      const verdicts = deliveries.map((delivery) => {
        if (d.kinds === "unrecognised") return "fail";
        const ok = d.kinds.filter((k) => delivery.encryption.includes(k));
        return ok.length === d.kinds.length ? "pass" : ok.length === 0 ? "fail" : "unknown";
      });
      if (verdicts.every((v) => v === "pass")) continue;
      if (verdicts.every((v) => v === "fail")) {
        const labels = [...new Set(deliveries.map((x) => x.label))].join(" / ");
        const allowed = [...new Set(deliveries.flatMap((x) => x.encryption))];
        const what =
          d.kinds === "unrecognised"
            ? "has an sseAlgorithm AWS does not document"
            : `is encrypted with ${d.kinds.map((k) => KIND_LABEL[k]).join(" or ")}`;
        problems.push(
          `${what} (${d.path}), which ${labels} (${ref.source.name}.${ref.path}) cannot be delivered to: AWS documents only ${allowed.map((k) => KIND_LABEL[k]).join(" or ")} for them; set sseAlgorithm AES256${allowed.includes("SSE-KMS") ? " or aws:kms with a customer managed key (kmsMasterKeyId)" : ""}, or send these logs to another bucket`,
        );
      } else
        // Undecided because the bucket's kind is unknown, or else because the source's type is.
        unknown.push(
          d.kinds !== "unrecognised" && d.kinds.length > 1
            ? d.path
            : `${ref.source.name}.${ref.spec.encryptionBy!.field}`,
        );
    }
  }
  return { problems, unknown: [...new Set(unknown)] };
}

export interface BucketAssessment {
  problems: string[];
  /** Field paths whose values are unknown at preview and decide a requirement. */
  unknown: string[];
}

/**
 * What the bucket's TLS-only deny must cover: the bucket and every object in it. Its ARN when known, else
 * the ARN of its name in each partition; unknown when neither is known at preview.
 */
export function bucketTlsTarget(bucket: PolicyResource): TlsDenyTarget {
  const o = outputs(bucket);
  const arn = field(o, "arn");
  const name = field(o, "bucket");
  const candidates =
    typeof arn === "string" && arn !== ""
      ? [arn]
      : typeof name === "string" && name !== ""
        ? arnInEveryPartition(`s3:::${name}`)
        : undefined;
  const bucketLabel = "the bucket (its ARN)";
  const objectsLabel = 'its objects (its ARN + "/*")';
  return {
    service: "s3",
    resources: candidates
      ? [
          { kind: "arn", candidates, label: bucketLabel },
          { kind: "under", candidates: candidates.map((c) => `${c}/`), label: objectsLabel },
        ]
      : [
          { kind: "unknown", label: bucketLabel },
          { kind: "unknown", label: objectsLabel },
        ],
  };
}

/**
 * Judges the bucket's policy documents (inline `policy` and each BucketPolicy): S3 keeps one policy per
 * bucket and which write lands last is not known, so every document must deny requests without TLS, and
 * none may grant to everyone. Messages name the document and statement positions, never their text.
 */
function assessBucketPolicies(
  bucket: PolicyResource,
  policies: readonly PolicyResource[],
  problems: string[],
  unknown: string[],
): void {
  // Raw values: parsePolicyDocument tests them (and what is inside a document object) for unknowns itself.
  const sources = [
    { path: "policy", value: outputs(bucket).policy },
    ...policies.map((p) => ({ path: `${p.name}.policy`, value: outputs(p).policy })),
  ].filter((s) => s.value !== undefined && s.value !== null && s.value !== "");
  if (sources.length === 0) {
    problems.push('has no bucket policy statement denying requests with aws:SecureTransport = "false"');
    return;
  }
  const target = bucketTlsTarget(bucket);
  let tlsUnknown = false;
  let grantUnknown = false;
  for (const s of sources) {
    const doc = parsePolicyDocument(s.value, isUnknown);
    const tls = deniesInsecureTransport(doc, target);
    if (tls.denies === "unknown") tlsUnknown = true;
    else if (!tls.denies)
      problems.push(
        `${s.path} does not deny every request with aws:SecureTransport = "false": ${tls.reasons.join("; ")}`,
      );
    const grant = grantsToEveryone(doc);
    if (grant.grants === true)
      problems.push(
        `${s.path} grants to everyone: ${grant.statements.map((i) => `Statement[${i}]`).join(", ")} allows Principal "*" (or a NotPrincipal) without a condition restricting the caller (aws:SourceArn, aws:SourceAccount, aws:PrincipalOrgID, ...)`,
      );
    else if (grant.grants === "unknown" && doc.kind === "document") grantUnknown = true;
  }
  if (tlsUnknown) unknown.push("bucket policy");
  if (grantUnknown) unknown.push("bucket policy principals");
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

  assessBucketPolicies(bucket, subs.policy, problems, unknown);

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
