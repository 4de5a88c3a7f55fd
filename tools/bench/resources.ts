/**
 * Deterministic resource mixes for the benchmark and for tests that need many realistic resources.
 *
 * Everything is derived from a seed through a small PRNG, so the same (count, seed) always yields the same
 * resources, byte for byte: runs are comparable over time and a failure can be replayed. Property shapes
 * follow @pulumi/aws 7.x inputs as the engine sends them to analyzers (plain values, no unknowns), and
 * resources of one "channel" are wired together through `propertyDependencies` the way a real preview
 * wires them, so stack policies have something to join.
 */
import { defaultUrn, type AnalyzerResourceInput } from "../lib/analyzer-client";

export const BENCH_STACK = "bench";
export const BENCH_PROJECT = "phi-channels";

/** mulberry32: tiny, fast, good enough to vary a benchmark mix; not for anything security-related. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const T = {
  vpc: "aws:ec2/vpc:Vpc",
  flowLog: "aws:ec2/flowLog:FlowLog",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  sgRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  vpcIngress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  vpcEgress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  lb: ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"],
  listener: ["aws:lb/listener:Listener", "aws:alb/listener:Listener"],
  targetGroup: ["aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup"],
  bucket: ["aws:s3/bucketV2:BucketV2", "aws:s3/bucket:Bucket"],
  versioning: "aws:s3/bucketVersioningV2:BucketVersioningV2",
  sse: "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
  publicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  objectLock: "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2",
  bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
} as const;

/** Resource types the mix draws from, for reports. */
export const MIX_TYPES: readonly string[] = Object.values(T).flat();

type Proto = string | number;
interface Port {
  protocol: Proto;
  from: number;
  to: number;
}

/** Mostly compliant traffic, with the violations real stacks contain now and then. */
const COMPLIANT_PORTS: readonly Port[] = [
  { protocol: "tcp", from: 443, to: 443 },
  { protocol: "TCP", from: 443, to: 443 },
  { protocol: "6", from: 443, to: 443 },
];
const VIOLATING_PORTS: readonly Port[] = [
  { protocol: "tcp", from: 22, to: 22 },
  { protocol: "tcp", from: 0, to: 65535 },
  { protocol: "-1", from: 0, to: 0 },
  { protocol: "udp", from: 443, to: 443 },
  { protocol: "tcp", from: 8080, to: 8443 },
];
const PRIVATE_CIDRS = ["10.0.0.0/16", "10.20.0.0/16", "172.16.0.0/12", "192.168.10.0/24"];
const TLS_POLICIES = ["ELBSecurityPolicy-TLS13-1-3-2021-06", "ELBSecurityPolicy-TLS13-1-2-Res-2021-06"];

function urnOf(type: string, name: string): string {
  return defaultUrn(type, name, BENCH_STACK, BENCH_PROJECT);
}

function resource(
  type: string,
  name: string,
  properties: Record<string, unknown>,
  propertyDependencies?: Record<string, string[]>,
): AnalyzerResourceInput {
  const r: AnalyzerResourceInput = { type, name, urn: urnOf(type, name), properties };
  if (propertyDependencies) {
    r.propertyDependencies = propertyDependencies;
    r.dependencies = [...new Set(Object.values(propertyDependencies).flat())];
  }
  return r;
}

/**
 * `count` mixed resources (exactly), generated channel by channel: a VPC with its flow log, a security
 * group with inline rules plus `ec2.SecurityGroupRule` and `vpc.SecurityGroupIngressRule`/`EgressRule`
 * resources, a load balancer with an HTTPS listener and target group (`aws:lb` or `aws:alb` spelling), and
 * an access-log bucket (`Bucket` or `BucketV2`) with versioning, encryption, public-access block, object
 * lock and a bucket policy. Audit-log wiring is compliant, so stack policies walk their full path. About one grant in ten violates the default allowlist.
 */
export function generateResources(count: number, seed = 1): AnalyzerResourceInput[] {
  if (!Number.isInteger(count) || count < 0)
    throw new RangeError(`count must be a non-negative integer, got ${count}`);
  const rnd = seededRandom(seed);
  const pick = <V>(xs: readonly V[]): V => xs[Math.floor(rnd() * xs.length)];
  const port = (): Port => (rnd() < 0.1 ? pick(VIOLATING_PORTS) : pick(COMPLIANT_PORTS));
  const out: AnalyzerResourceInput[] = [];
  for (let c = 0; out.length < count; c++) {
    const n = (what: string) => `ch${c}-${what}`;
    const cidr = pick(PRIVATE_CIDRS);
    const variant = rnd() < 0.5 ? 0 : 1;

    const vpc = resource(T.vpc, n("vpc"), {
      cidrBlock: cidr,
      enableDnsHostnames: true,
      enableDnsSupport: true,
    });
    const vpcId = `vpc-${c.toString(16).padStart(8, "0")}`;
    const sgId = `sg-${c.toString(16).padStart(8, "0")}`;

    const bucketType = T.bucket[variant];
    const bucketName = `phi-logs-${c}-${seed}`;
    const bucket = resource(bucketType, n("logs"), {
      bucket: bucketName,
      objectLockEnabled: true,
      forceDestroy: false,
    });
    const onBucket = { bucket: [bucket.urn!] };

    const flowLog = resource(
      T.flowLog,
      n("flow"),
      {
        vpcId,
        trafficType: "ALL",
        logDestinationType: "s3",
        logDestination: `arn:aws:s3:::${bucketName}`,
        maxAggregationInterval: 60,
      },
      { vpcId: [vpc.urn!], logDestination: [bucket.urn!] },
    );

    const ingressCount = 1 + Math.floor(rnd() * 3);
    const ingress = Array.from({ length: ingressCount }, () => {
      const p = port();
      return { protocol: p.protocol, fromPort: p.from, toPort: p.to, cidrBlocks: [pick(PRIVATE_CIDRS)] };
    });
    const sg = resource(
      T.sg,
      n("sg"),
      {
        vpcId,
        description: "PHI channel",
        ingress,
        egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [cidr] }],
        revokeRulesOnDelete: true,
      },
      { vpcId: [vpc.urn!] },
    );
    const ruleP = port();
    const sgRule = resource(
      T.sgRule,
      n("rule"),
      {
        type: "ingress",
        securityGroupId: sgId,
        protocol: ruleP.protocol,
        fromPort: ruleP.from,
        toPort: ruleP.to,
        cidrBlocks: [pick(PRIVATE_CIDRS)],
      },
      { securityGroupId: [sg.urn!] },
    );
    const vpcP = port();
    const vpcIngress = resource(
      T.vpcIngress,
      n("in"),
      {
        securityGroupId: sgId,
        ipProtocol: vpcP.protocol,
        fromPort: vpcP.from,
        toPort: vpcP.to,
        cidrIpv4: pick(PRIVATE_CIDRS),
      },
      { securityGroupId: [sg.urn!] },
    );
    const vpcEgress = resource(
      T.vpcEgress,
      n("out"),
      { securityGroupId: sgId, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: cidr },
      { securityGroupId: [sg.urn!] },
    );

    const lbArn = `arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/ch${c}/${c}`;
    const lb = resource(
      T.lb[variant],
      n("lb"),
      {
        internal: true,
        loadBalancerType: "application",
        securityGroups: [sgId],
        subnets: [`subnet-${c}a`, `subnet-${c}b`],
        enableDeletionProtection: true,
        dropInvalidHeaderFields: true,
        accessLogs: { bucket: bucketName, enabled: true, prefix: "alb" },
      },
      { securityGroups: [sg.urn!], accessLogs: [bucket.urn!] },
    );
    const tg = resource(
      T.targetGroup[variant],
      n("tg"),
      {
        port: 443,
        protocol: "HTTPS",
        targetType: "ip",
        vpcId,
        healthCheck: { protocol: "HTTPS", path: "/health" },
      },
      { vpcId: [vpc.urn!] },
    );
    const listener = resource(
      T.listener[variant],
      n("https"),
      {
        loadBalancerArn: lbArn,
        port: 443,
        protocol: rnd() < 0.05 ? "HTTP" : "HTTPS",
        sslPolicy: pick(TLS_POLICIES),
        certificateArn: `arn:aws:acm:us-east-1:123456789012:certificate/${c}`,
        defaultActions: [{ type: "forward", targetGroupArn: `arn:aws:elasticloadbalancing:tg/${c}` }],
      },
      { loadBalancerArn: [lb.urn!], defaultActions: [tg.urn!] },
    );

    const versioning = resource(
      T.versioning,
      n("logs-versioning"),
      { bucket: bucketName, versioningConfiguration: { status: "Enabled" } },
      onBucket,
    );
    const sse = resource(
      T.sse,
      n("logs-sse"),
      {
        bucket: bucketName,
        rules: [
          { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: `key-${c}` } },
        ],
      },
      onBucket,
    );
    const pab = resource(
      T.publicAccessBlock,
      n("logs-pab"),
      {
        bucket: bucketName,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      onBucket,
    );
    const lock = resource(
      T.objectLock,
      n("logs-lock"),
      { bucket: bucketName, rule: { defaultRetention: { mode: "COMPLIANCE", years: 6 } } },
      onBucket,
    );

    const policy = resource(
      T.bucketPolicy,
      n("logs-policy"),
      {
        bucket: bucketName,
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "DenyInsecureTransport",
              Effect: "Deny",
              Principal: "*",
              Action: "s3:*",
              Resource: [`arn:aws:s3:::${bucketName}`, `arn:aws:s3:::${bucketName}/*`],
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
          ],
        }),
      },
      onBucket,
    );

    const channel = [
      vpc,
      bucket,
      flowLog,
      sg,
      sgRule,
      vpcIngress,
      vpcEgress,
      lb,
      tg,
      listener,
      versioning,
      sse,
      pab,
      lock,
      policy,
    ];
    for (const r of channel) {
      if (out.length < count) out.push(r);
    }
  }
  return out;
}

/** One ingress case with its answer under the default allowlist (tcp/443 only). */
export interface IngressCase {
  resource: AnalyzerResourceInput;
  /** True when every ingress grant of the resource opens only tcp/443. */
  allowed: boolean;
  /** Why, for test messages. */
  label: string;
}

/** Spellings and ranges whose answer is known under the default allowlist: [protocol, from, to, allowed]. */
export const INGRESS_GRANT_CASES: ReadonlyArray<readonly [Proto, number, number, boolean]> = [
  ["tcp", 443, 443, true],
  ["TCP", 443, 443, true],
  ["6", 443, 443, true],
  [6, 443, 443, true],
  ["tcp", 22, 22, false],
  ["tcp", 440, 444, false],
  ["tcp", 443, 444, false],
  ["tcp", 1, 443, false],
  ["tcp", 0, 65535, false],
  ["tcp", -1, -1, false],
  ["-1", 0, 0, false],
  ["all", 443, 443, false],
  ["udp", 443, 443, false],
  ["17", 53, 53, false],
  ["icmp", -1, -1, false],
];

/**
 * A sample of ingress-bearing resources with known answers, cycling through {@link INGRESS_GRANT_CASES}
 * across the three ways @pulumi/aws writes a grant (inline SecurityGroup rules, ec2.SecurityGroupRule,
 * vpc.SecurityGroupIngressRule). Every fifth security group also carries a compliant second rule, and
 * egress-only rules (never an ingress verdict) are mixed in: both must pass.
 */
export function ingressSample(count: number, seed = 7): IngressCase[] {
  const rnd = seededRandom(seed);
  const out: IngressCase[] = [];
  for (let i = 0; out.length < count; i++) {
    const [protocol, from, to, allowed] = INGRESS_GRANT_CASES[i % INGRESS_GRANT_CASES.length];
    const cidr = PRIVATE_CIDRS[Math.floor(rnd() * PRIVATE_CIDRS.length)];
    // Case by case within a shape, then the next shape: 4 x cases covers every case in every shape.
    const shape = Math.floor(i / INGRESS_GRANT_CASES.length) % 4;
    const label = `${JSON.stringify(protocol)} ${from}-${to}`;
    if (shape === 0) {
      const ingress = [{ protocol, fromPort: from, toPort: to, cidrBlocks: [cidr] }];
      if (i % 5 === 0) ingress.push({ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [cidr] });
      out.push({
        resource: resource(T.sg, `sample-${i}-sg`, { vpcId: "vpc-1", ingress, egress: [] }),
        allowed,
        label: `SecurityGroup ingress ${label}`,
      });
    } else if (shape === 1) {
      out.push({
        resource: resource(T.sgRule, `sample-${i}-rule`, {
          type: "ingress",
          securityGroupId: "sg-1",
          protocol,
          fromPort: from,
          toPort: to,
          cidrBlocks: [cidr],
        }),
        allowed,
        label: `SecurityGroupRule ingress ${label}`,
      });
    } else if (shape === 2) {
      out.push({
        resource: resource(T.vpcIngress, `sample-${i}-in`, {
          securityGroupId: "sg-1",
          ipProtocol: protocol,
          fromPort: from,
          toPort: to,
          cidrIpv4: cidr,
        }),
        allowed,
        label: `vpc.SecurityGroupIngressRule ${label}`,
      });
    } else {
      out.push({
        resource: resource(T.sgRule, `sample-${i}-egress`, {
          type: "egress",
          securityGroupId: "sg-1",
          protocol,
          fromPort: from,
          toPort: to,
          cidrBlocks: [cidr],
        }),
        allowed: true,
        label: `SecurityGroupRule egress ${label} (not ingress)`,
      });
    }
  }
  return out;
}
