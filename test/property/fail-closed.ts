/**
 * The generic fail-closed property, shared by the in-process and wire suites: for every policy that
 * reports a MANDATORY violation on a fully-known resource (or stack), making any one field unknown
 *
 * - weak form: must still leave a finding for that resource: a mandatory violation, or an advisory saying
 *   the value is not known at preview and is checked again at `pulumi up`. Never a clean pass, and never
 *   @pulumi/policy's "can't run policy ... during preview" (the policy touched an unknown through the proxy
 *   and lost its whole result);
 * - strong form: when the field is independent of every field the violation's message names (and of the
 *   documented {@link IMPLICIT_DEPENDENCIES}), the very same violation must stay mandatory.
 *
 * Independent of the pack's code: deciding fields come from the messages and from the table below, not
 * from the policies.
 */
import fc from "fast-check";
import {
  anyResource,
  databaseStackResource,
  dataServiceResource,
  GRANT_TYPES,
  relationResource,
  SecretValue,
  T,
  type GenResource,
} from "./arbitraries";
import { ABSENT, allPaths, independentOf, SEED, valueAt, type Path } from "./support";

export interface Diag {
  policyName: string;
  message: string;
  enforcementLevel: string;
  urn?: string;
}

/** The advisory a policy gives when a deciding value is unknown (spec wording, not the pack's constant). */
export function saysCheckedAtUp(message: string): boolean {
  return /not known at preview/.test(message) && /`pulumi up`/.test(message);
}

export function trippedProxy(message: string): boolean {
  return /can't run policy/.test(message);
}

// ---------------------------------------------------------------------------------------------------
// Which keys a slot of a resource can have: learned by sampling the arbitraries, so an ABSENT field (one
// the program did not set) can be made unknown too, wherever the generators could have put it.

type Shape = Map<string, Set<string>>;
const shapes = new Map<string, Shape>();

function slot(p: Path): string {
  return p.map((k) => (typeof k === "number" ? "[]" : k)).join(".");
}

function recordKeys(v: unknown, p: Path, shape: Shape): void {
  if (v instanceof SecretValue) return recordKeys(v.value, p, shape);
  if (v === null || typeof v !== "object") return;
  if (Array.isArray(v)) return v.forEach((x, i) => recordKeys(x, [...p, i], shape));
  const keys = shape.get(slot(p)) ?? new Set<string>();
  shape.set(slot(p), keys);
  for (const [k, x] of Object.entries(v)) {
    keys.add(k);
    recordKeys(x, [...p, k], shape);
  }
}

for (const r of [
  // Enough samples that every generator shows each key it can write (anyResource includes aws-native shapes).
  ...fc.sample(fc.oneof(anyResource, relationResource), { seed: SEED, numRuns: 9000 }),
  ...fc.sample(databaseStackResource, { seed: SEED, numRuns: 1000 }),
  // Data services are a deep arm of anyResource, drawn too rarely there to show every key.
  ...fc.sample(dataServiceResource, { seed: SEED, numRuns: 1000 }),
]) {
  let shape = shapes.get(r.type);
  if (!shape) shapes.set(r.type, (shape = new Map()));
  recordKeys(r.props, [], shape);
}

/** The top-level keys a resource of this type can have (for reading field paths out of messages). */
export function rootKeys(type: string): ReadonlySet<string> {
  return shapes.get(type)?.get("") ?? new Set();
}

/** Every path of the props (parents before children) plus every absent key a slot could have. */
export function mutationPaths(r: GenResource): Path[] {
  const paths = allPaths(r.props);
  const shape = shapes.get(r.type) ?? new Map<string, Set<string>>();
  const visit = (v: unknown, p: Path) => {
    if (v instanceof SecretValue) return visit(v.value, p);
    if (v === null || typeof v !== "object") return;
    if (Array.isArray(v)) return v.forEach((x, i) => visit(x, [...p, i]));
    for (const k of shape.get(slot(p)) ?? []) if (!(k in v)) paths.push([...p, k]);
    for (const [k, x] of Object.entries(v)) visit(x, [...p, k]);
  };
  visit(r.props, []);
  return paths;
}

// ---------------------------------------------------------------------------------------------------
// Deciding fields of a violation.

const TOKEN = /[A-Za-z][A-Za-z0-9-]*(?:\[\d+\]|\.[A-Za-z][A-Za-z0-9:-]*)*/g;

function parsePath(token: string): Path {
  const out: Path = [];
  for (const m of token.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  return out;
}

/** The finding part of a diagnostic (the policy description comes first, on its own line). */
function findingText(message: string): string {
  const nl = message.indexOf("\n");
  return nl >= 0 ? message.slice(nl + 1) : message;
}

/**
 * Field paths a message names (`ingress[0].cidrBlocks[1]`, `sslPolicy`, `listeners[2].lbProtocol`),
 * recognised by their first segment being a key of the resource type. For stack findings, a token that
 * starts with another member's name (`lock-3.rule.defaultRetention`) names that member's field and is
 * returned under `other`. Over-matching an English word that happens to be a key only weakens the check.
 */
export function namedPaths(
  message: string,
  type: string,
  memberNames: ReadonlySet<string> = new Set(),
): { own: Path[]; other: { member: string; path: Path }[] } {
  const keys = rootKeys(type);
  const own: Path[] = [];
  const other: { member: string; path: Path }[] = [];
  for (const token of findingText(message).match(TOKEN) ?? []) {
    const p = parsePath(token);
    if (keys.has(String(p[0]))) own.push(p);
    else if (memberNames.has(String(p[0]))) other.push({ member: String(p[0]), path: p.slice(1) });
  }
  return { own, other };
}

/**
 * Fields that decide a violation without being named in its message, each a legitimate dependency: with
 * the field unknown the resource could really be compliant or out of the policy's scope, so an advisory
 * "checked again at `pulumi up`" is the correct fail-closed answer, not a fail-open.
 */
export const IMPLICIT_DEPENDENCIES: {
  policy: RegExp;
  types: readonly string[] | "*";
  message: RegExp;
  deciding: Path[];
  why: string;
}[] = [
  {
    policy: /^phi-(ingress-allowlisted-ports|ingress-private-sources|egress-restricted)$/,
    types: ["aws:ec2/securityGroupRule:SecurityGroupRule"],
    message: /./,
    deciding: [["type"]],
    why: "the rule's direction: with `type` unknown it may be a rule of the other direction",
  },
  {
    policy: /^phi-(ingress-allowlisted-ports|egress-restricted)$/,
    types: "*",
    message: /\bthe rule\b/,
    deciding: [["protocol"], ["ipProtocol"], ["fromPort"], ["toPort"]],
    why: '"the rule" names the whole-resource grant: its protocol and port range',
  },
  {
    policy: /^phi-tls-listeners-only$/,
    types: "*",
    message: /not every default action redirects to HTTPS/,
    deciding: [["defaultActions"]],
    why: "with allowHttpRedirect an HTTP listener is compliant when every default action redirects to HTTPS",
  },
  {
    policy: /^phi-tls-strong-policy$/,
    types: "*",
    message: /^sslPolicy is not set/m,
    deciding: [["protocol"]],
    why: "an unset sslPolicy is a violation only on a listener that terminates TLS (protocol HTTPS or TLS)",
  },
  {
    policy: /^phi-tls-strong-policy$/,
    types: [T.restApi],
    message: /securityPolicy/,
    deciding: [["disableExecuteApiEndpoint"]],
    why: "a REST API whose default execute-api endpoint is disabled serves nothing under its securityPolicy",
  },
  {
    policy: /^phi-tls-strong-policy$/,
    types: ["aws:elb/loadBalancerPolicy:LoadBalancerPolicy"],
    message: /./,
    deciding: [["policyTypeName"]],
    why: "only SSLNegotiationPolicyType policies carry TLS settings",
  },
  {
    policy: /^phi-lb-internal$/,
    types: "*",
    message:
      /(dropInvalidHeaderFields|routing\.http\.drop_invalid_header_fields\.enabled\]) is not true on an application load balancer/,
    deciding: [["loadBalancerType"], ["type"]],
    why: "dropInvalidHeaderFields applies to application load balancers only",
  },
  {
    policy: /./,
    types: ["aws:cloudformation/stack:Stack"],
    message: /./,
    deciding: [["templateBody"], ["templateUrl"]],
    why: "a stack's resources are those of its template: templateBody, or only templateUrl when there is none",
  },
  {
    policy: /^phi-kms-key-rotation$/,
    types: "*",
    message: /enableKeyRotation is not true/,
    deciding: [["customerMasterKeySpec"], ["keyUsage"], ["keySpec"]],
    why: "only symmetric encryption keys support automatic rotation",
  },
  {
    policy: /^phi-lb-mutual-tls$/,
    types: "*",
    message: /./,
    deciding: [["protocol"]],
    why: "only HTTPS listeners can verify client certificates",
  },
  {
    policy: /^phi-certificate-key-strength$/,
    types: ["tls:index/privateKey:PrivateKey"],
    message: /./,
    deciding: [["algorithm"], ["rsaBits"], ["ecdsaCurve"]],
    why: "a key's strength is decided by algorithm together with rsaBits or ecdsaCurve",
  },
  {
    policy: /^phi-subnet-private$/,
    types: ["aws:ec2/route:Route"],
    message: /^route routes to an internet gateway/,
    deciding: [["gatewayId"], ["egressOnlyGatewayId"], ["routeTableId"]],
    why: '"route" names the whole Route resource: its gateway targets and the table it belongs to',
  },
  {
    policy: /^phi-audit-log-bucket-immutable$/,
    types: ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"],
    message: /objectLockEnabled is not true|has no object-lock default retention/,
    deciding: [["objectLockConfiguration"]],
    why: "object lock and its retention may be set inline in objectLockConfiguration instead",
  },
  {
    policy: /^phi-audit-log-bucket-immutable$/,
    types: ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"],
    message: /./,
    deciding: [["arn"]],
    why: "the bucket's name and ARN link it to its log sources and sub-resources",
  },
  {
    policy: /^phi-audit-log-bucket-immutable$/,
    types: ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"],
    message: /^audit-log bucket /m,
    deciding: [["tags"], ["tagsAll"]],
    why: "a bucket nothing delivers to is an audit-log bucket only through its data-classification tag",
  },
  {
    policy: /^phi-audit-log-bucket-immutable$/,
    types: ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"],
    message: /^audit-log bucket /m,
    deciding: [["logging"], ["loggings"]],
    why: "a bucket whose server access logs go to itself is an audit-log bucket through its own logging target",
  },
  {
    policy: /^phi-audit-log-bucket-immutable$/,
    types: ["aws:ec2/flowLog:FlowLog"],
    message: /^logDestination names a bucket that is not in this stack/m,
    deciding: [["logDestinationType"]],
    why: "a flow log names a log bucket only when it delivers to S3: with another logDestinationType it has none",
  },
  {
    policy: /^phi-data-(in-transit|at-rest)-encrypted$/,
    types: ["aws:elasticache/replicationGroup:ReplicationGroup"],
    message: /./,
    deciding: [["globalReplicationGroupId"]],
    why: "a secondary of a global datastore takes its encryption from the primary: with the id unknown it may be one",
  },
  {
    policy: /^phi-data-(in-transit|at-rest)-encrypted$/,
    types: ["aws:elasticache/cluster:Cluster"],
    message: /./,
    deciding: [["replicationGroupId"]],
    why: "a member of a replication group is judged on the group: with the id unknown it may be one",
  },
  {
    policy:
      /^phi-(vpc-flow-logs|subnet-private|audit-log-bucket-immutable|ingress-private-sources|egress-restricted)$/,
    types: "*",
    message: /./,
    deciding: [["id"]],
    why: "in a stack a member's id links the others to it (flow log → VPC, route → route table, rule → prefix list)",
  },
  {
    policy: /^phi-subnet-private$/,
    types: [T.subnet, T.defaultSubnet],
    message: /IPv6/,
    deciding: [["vpcId"], ["assignIpv6AddressOnCreation"], ["ipv6Native"]],
    why: "a subnet without an explicit association is served by its VPC's main route table; either flag assigns IPv6 addresses",
  },
  {
    policy: /^phi-no-public-endpoints$/,
    types: ["aws:opensearch/serverlessSecurityPolicy:ServerlessSecurityPolicy"],
    message: /./,
    deciding: [["type"]],
    why: "only a network security policy can open a collection to the internet",
  },
  {
    policy: /^phi-no-public-endpoints$/,
    types: ["aws:ec2/eip:Eip"],
    message: /./,
    deciding: [["networkInterface"], ["instance"]],
    why: "an Elastic IP is public through what it is attached to: the attachment fields decide, even when malformed",
  },
  {
    policy: /^phi-resource-policies-require-tls$/,
    types: ["aws:sqs/queue:Queue", "aws:sns/topic:Topic"],
    message: /./,
    deciding: [["arn"], ["url"], ["id"]],
    why: "the queue's or topic's ARN (or URL) is what the deny must cover and what links its policy resources to it",
  },
];

/**
 * Fail-opens found by this property and pinned by a focused failing test (named in `test`). Excluded here,
 * exactly, so the property keeps checking everything else; remove an entry when the pack is fixed.
 */
export const KNOWN_FAIL_OPEN: {
  policy: string;
  types: readonly string[];
  mutated: Path;
  message: RegExp;
  test: string;
  /** Only this exact path (default: the path, its ancestors and its descendants). */
  exact?: boolean;
  /** Instead of `mutated`: the variant paths the entry covers. */
  matches?: (p: Path) => boolean;
}[] = [];

function knownFailOpen(policy: string, type: string, before: Diag[], mutated: Path): boolean {
  return KNOWN_FAIL_OPEN.some(
    (k) =>
      k.policy === policy &&
      k.types.includes(type) &&
      (k.matches
        ? k.matches(mutated)
        : k.exact
          ? JSON.stringify(mutated) === JSON.stringify(k.mutated)
          : !independentOf(mutated, [k.mutated])) &&
      before.some((d) => d.enforcementLevel === "mandatory" && k.message.test(d.message)),
  );
}

export function implicitDeciding(policy: string, type: string, message: string): Path[] {
  const text = findingText(message);
  return IMPLICIT_DEPENDENCIES.filter(
    (d) => d.policy.test(policy) && (d.types === "*" || d.types.includes(type)) && d.message.test(text),
  ).flatMap((d) => d.deciding);
}

function listDiags(ds: Diag[]): string {
  return ds.map((d) => `[${d.enforcementLevel}] ${d.message.replace(/\n/g, " / ")}`).join(" | ") || "pass";
}

/**
 * Judges one resource policy on one variant. `before`/`after` are that policy's diagnostics on the known
 * resource and on the variant with `mutated` made unknown. Returns the problem, or undefined.
 */
export function judgeResourceVariant(
  policy: string,
  type: string,
  before: Diag[],
  after: Diag[],
  mutated: Path,
): string | undefined {
  const proxy = after.find((d) => trippedProxy(d.message));
  if (proxy) return `${policy} touched an unknown through the proxy: ${proxy.message}`;
  const kept = after.some(
    (d) =>
      d.enforcementLevel === "mandatory" || (d.enforcementLevel === "advisory" && saysCheckedAtUp(d.message)),
  );
  const what = `${policy} on ${type} when ${JSON.stringify(mutated)} became unknown`;
  if (!kept && knownFailOpen(policy, type, before, mutated)) return undefined;
  if (!kept)
    return `${what}: fail open, the violation became a clean pass\nbefore: ${listDiags(before)}\nafter: ${listDiags(after)}`;
  for (const d of before) {
    if (d.enforcementLevel !== "mandatory") continue;
    const deciding = [...namedPaths(d.message, type).own, ...implicitDeciding(policy, type, d.message)];
    if (!independentOf(mutated, deciding) || knownFailOpen(policy, type, [d], mutated)) continue;
    if (!after.some((a) => a.enforcementLevel === "mandatory" && a.message === d.message))
      return (
        `${what}: the violation "${findingText(d.message)}" (deciding fields ${JSON.stringify(deciding)}) ` +
        `is no longer mandatory though its deciding fields are known\nafter: ${listDiags(after)}`
      );
  }
  return undefined;
}

/**
 * Judges one stack policy on one variant: a mandatory finding at `urn` in the known stack; in the variant,
 * field `mutated` of member `member` is unknown. Some mandatory finding of the policy must remain, or a
 * "checked again at `pulumi up`" advisory at the finding's member or at the mutated one (an unknown bucket
 * reference is reported where it is written). Strong form: when the member is the one the finding is about and the field
 * is independent of the fields the message names, the same mandatory finding stays.
 */
export function judgeStackVariant(
  policy: string,
  finding: Diag,
  findingMember: GenResource,
  after: Diag[],
  member: GenResource,
  memberUrn: string,
  mutated: Path,
  memberNames: ReadonlySet<string>,
): string | undefined {
  const proxy = after.find((d) => trippedProxy(d.message));
  if (proxy) return `${policy} touched an unknown through the proxy: ${proxy.message}`;
  const here = after.filter((d) => d.urn === finding.urn || d.urn === memberUrn);
  const what = `${policy}: finding on ${findingMember.name} when ${member.name}.${JSON.stringify(mutated)} became unknown`;
  // A mandatory finding anywhere still blocks the deployment (a reference that no longer resolves is
  // reported at the referring member); an advisory counts where the finding was or where the field is.
  const kept =
    after.some((d) => d.enforcementLevel === "mandatory") ||
    here.some((d) => d.enforcementLevel === "advisory" && saysCheckedAtUp(d.message));
  if (!kept && knownFailOpen(policy, member.type, [finding], mutated)) return undefined;
  if (!kept)
    return `${what}: fail open, "${findingText(finding.message)}" became a clean pass\nafter: ${listDiags(after)}`;
  if (member !== findingMember) return undefined;
  const named = namedPaths(finding.message, member.type, memberNames);
  const deciding = [...named.own, ...implicitDeciding(policy, member.type, finding.message)];
  if (!independentOf(mutated, deciding) || knownFailOpen(policy, member.type, [finding], mutated))
    return undefined;
  if (
    !after.some(
      (a) => a.urn === finding.urn && a.enforcementLevel === "mandatory" && a.message === finding.message,
    )
  )
    return (
      `${what}: "${findingText(finding.message)}" (deciding fields ${JSON.stringify(deciding)}) is no longer mandatory ` +
      `though its deciding fields are known\nafter: ${listDiags(here)}`
    );
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// Decided now: the values a field could take, for the fields whose unknown value the pack must decide.

/**
 * Every value a field could take, one per class the EC2/S3/CloudTrail semantics tell apart, for the
 * configs the suites use (ALLOWLISTS, ALLOWED_PUBLIC, the default retention of 2190 days): written from
 * those semantics, not from the pack. `values` sees the resource and the path (a port bound's class
 * "a range of just the other bound" is that bound's value).
 */
export const VALUE_DOMAINS: {
  types: readonly string[];
  slot: RegExp;
  values: (props: Record<string, unknown>, path: Path) => readonly unknown[];
  why: string;
}[] = [
  {
    types: GRANT_TYPES,
    slot: /^((ingress|egress)\.\[\]\.)?(protocol|ipProtocol)$/,
    values: () => ["tcp", "udp", "icmp", "icmpv6", "sctp", "-1", "gre", "99", "bogus", ABSENT],
    why: "the protocols the allowlists name, every port; -1; one that no allowlist names; a spelling EC2 refuses",
  },
  {
    types: GRANT_TYPES,
    slot: /^((ingress|egress)\.\[\]\.)?(fromPort|toPort)$/,
    values: (props, path) => {
      const other = [...path.slice(0, -1), path[path.length - 1] === "fromPort" ? "toPort" : "fromPort"];
      return [valueAt(props, other), ABSENT, -1, 0, 22, 443, 1024, 65535, 70000, "x"];
    },
    why: "a range of just the other bound (passes if any range containing it does), every port, malformed",
  },
  {
    types: [...T.buckets, ...T.objectLocks],
    slot: /^(objectLockConfiguration\.)?rule\.defaultRetention\.(mode|days|years)$/,
    values: () => ["COMPLIANCE", "GOVERNANCE", "", 1, 2189, 2190, 36500, "2190", "x", 0, 6, 5, ABSENT],
    why: "both modes; days or years unset, too few, enough (as numbers and text); values of the wrong kind",
  },
  {
    types: [T.trail],
    slot: /^(enableLogging|enableLogFileValidation)$/,
    values: () => [true, false, "true", "false", ABSENT],
    why: "a boolean, as the provider reads it",
  },
  {
    types: [T.subnet, T.defaultSubnet],
    slot: /^(assignIpv6AddressOnCreation|ipv6Native|mapPublicIpOnLaunch)$/,
    values: () => [true, false, ABSENT],
    why: "a boolean",
  },
  {
    types: [T.prefixList, T.prefixListEntry],
    slot: /^(entries\.\[\]\.)?cidr$/,
    values: () => ["10.0.0.0/8", "fd00::/8", "0.0.0.0/0", "::/0", "203.0.113.0/24", "not-a-cidr", ABSENT],
    why: "private, public (IPv4 and IPv6, and a range some configs allow), malformed",
  },
];

/** The values `path` of `r` could take, when the field has a domain; undefined otherwise. */
export function valueDomain(r: GenResource, path: Path): readonly unknown[] | undefined {
  const d = VALUE_DOMAINS.find((x) => x.types.includes(r.type) && x.slot.test(slot(path)));
  return d?.values(r.props, path);
}

/**
 * Judges the "decided now" property on one unknown field: `completions` are the policy's diagnostics at
 * one resource with the field set to each value of its domain, `after` with it unknown. When every value
 * blocks, the unknown must block now (mandatory); when some value passes, the unknown must not block (a
 * mandatory finding claims a violation whatever the value is).
 */
export function judgeDecidedNow(
  what: string,
  completions: { value: unknown; diags: Diag[] }[],
  after: Diag[],
): string | undefined {
  const proxy = after.find((d) => trippedProxy(d.message));
  if (proxy) return `${what}: touched an unknown through the proxy: ${proxy.message}`;
  const blocks = (ds: Diag[]) => ds.some((d) => d.enforcementLevel === "mandatory");
  const passing = completions.find((c) => !blocks(c.diags));
  const shown = (v: unknown) => (v === ABSENT ? "absent" : JSON.stringify(v));
  if (!passing && !blocks(after))
    return `${what}: every value (${completions.map((c) => shown(c.value)).join(", ")}) gives a mandatory violation, but unknown it is not decided now\nafter: ${listDiags(after)}`;
  if (passing && blocks(after))
    return `${what}: false block: the value ${shown(passing.value)} passes, yet unknown it is mandatory\nafter: ${listDiags(after)}`;
  return undefined;
}
