/**
 * Secrets never reach messages, logs or evidence. A secret holding a distinctive sentinel is placed in
 * every field the pack reads (enumerated from policies/src/policies/*.ts, grants.ts and audit-buckets.ts),
 * one field at a time, for every covered resource type, and sent over the analyzer protocol to the real
 * pack (Analyze, and AnalyzeStack for the stack policies). The sentinels are chosen so that the policy
 * would otherwise have a reason to quote them (invalid or weak values that produce a violation).
 * Then the offline check (tools/check.ts) runs a fixture stack with secret inputs and secure config.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  secret,
  type AnalyzerInfo,
  type AnalyzerResourceInput,
  type PolicyPackProcess,
} from "../../tools/lib/analyzer-client";
import { validatePolicyConfig } from "../../tools/lib/policy-config";
import { PACK_START_TIMEOUT_MS, startTestPack } from "../support/policy-pack";
import { toolArgv } from "../support/cli";

const ROOT = path.join(__dirname, "..", "..");

type Path = (string | number)[];
interface Case {
  type: string;
  props: Record<string, unknown>;
  /** Fields read by the pack and the sentinel each gets. */
  fields: [Path, unknown][];
}

let n = 0;
/** A distinctive string sentinel; `shape` makes it look like the value kind (so it reaches the checks). */
const s = (shape = "") => `${shape}zq${(++n).toString().padStart(3, "0")}x7secret`;
/** A numeric sentinel (a port or a day count) nobody would write. */
const num = (base: number) => base + ++n;

const RULE = { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/16"] };
const ruleFields = (base: Path): [Path, unknown][] => [
  [[...base, "protocol"], s("tcp")],
  [[...base, "fromPort"], num(40900)],
  [[...base, "toPort"], num(40900)],
  [[...base, "cidrBlocks", 0], `203.0.${num(100)}.77/32`],
  [[...base, "cidrBlocks", 0], s("10.0.0.0/")],
  [[...base, "ipv6CidrBlocks"], [s("2001:db8::")]],
  [[...base, "securityGroups"], [s("sg-")]],
  [[...base, "prefixListIds"], [s("pl-")]],
  [[...base, "self"], s()],
];

const WEAK_ELB = "ELBSecurityPolicy-2016-08";
const CASES: Case[] = [
  ...["aws:ec2/securityGroup:SecurityGroup", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"].map(
    (type) => ({
      type,
      props: { ingress: [RULE], egress: [RULE] },
      fields: [
        ...ruleFields(["ingress", 0]),
        ...ruleFields(["egress", 0]),
        [["ingress"], s()],
        [["ingress", 0], s()],
      ] as [Path, unknown][],
    }),
  ),
  {
    type: "aws:ec2/securityGroupRule:SecurityGroupRule",
    props: { type: "ingress", ...RULE, securityGroupId: "sg-0123456789abcdef0" },
    fields: [
      [["type"], s()],
      ...ruleFields([]).filter(([p]) => p[0] !== "securityGroups"),
      [["sourceSecurityGroupId"], s("sg-")],
    ],
  },
  ...[
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  ].map((type) => ({
    type,
    props: { ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "10.0.0.0/16" },
    fields: [
      [["ipProtocol"], s("tcp")],
      [["fromPort"], num(40900)],
      [["toPort"], num(40900)],
      [["cidrIpv4"], `198.51.${num(100)}.9/32`],
      [["cidrIpv4"], s("10.")],
      [["cidrIpv6"], s("fd00::")],
      [["referencedSecurityGroupId"], s("sg-")],
      [["prefixListId"], s("pl-")],
    ] as [Path, unknown][],
  })),
  ...["aws:lb/listener:Listener", "aws:alb/listener:Listener"].map((type) => ({
    type,
    props: {
      protocol: "HTTP",
      sslPolicy: WEAK_ELB,
      defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS" } }],
    },
    fields: [
      [["protocol"], s("HTTP")],
      [["sslPolicy"], s("ELBSecurityPolicy-")],
      [["defaultActions", 0, "type"], s()],
      [["defaultActions", 0, "redirect", "protocol"], s()],
      [["defaultActions"], s()],
    ] as [Path, unknown][],
  })),
  // HTTPS listeners: the mutual-TLS fields phi-lb-mutual-tls reads.
  ...["aws:lb/listener:Listener", "aws:alb/listener:Listener"].map((type) => ({
    type,
    props: { protocol: "HTTPS", sslPolicy: WEAK_ELB, mutualAuthentication: { mode: "passthrough" } },
    fields: [
      [["protocol"], s("HTTPS")],
      [["mutualAuthentication", "mode"], s()],
      [["mutualAuthentication", "trustStoreArn"], s("arn:aws:elasticloadbalancing:")],
      [["mutualAuthentication"], s()],
    ] as [Path, unknown][],
  })),
  ...["aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup"].map((type) => ({
    type,
    props: { protocol: "HTTP", targetType: "ip" },
    fields: [
      [["protocol"], s("HTTP")],
      [["targetType"], s()],
    ] as [Path, unknown][],
  })),
  ...["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"].map((type) => ({
    type,
    props: {
      internal: false,
      loadBalancerType: "application",
      accessLogs: { bucket: "logs", enabled: false },
    },
    fields: [
      [["internal"], s()],
      [["loadBalancerType"], s()],
      [["dropInvalidHeaderFields"], s()],
      [["enableDeletionProtection"], s()],
      [["accessLogs", "enabled"], s()],
      [["accessLogs", "bucket"], s()],
      [["accessLogs"], s()],
      [["connectionLogs", "bucket"], s()],
    ] as [Path, unknown][],
  })),
  {
    type: "aws:elb/loadBalancer:LoadBalancer",
    props: {
      internal: false,
      listeners: [{ lbProtocol: "http", instanceProtocol: "http" }],
      accessLogs: { bucket: "logs" },
    },
    fields: [
      [["listeners", 0, "lbProtocol"], s()],
      [["listeners", 0, "instanceProtocol"], s()],
      [["listeners"], s()],
      [["internal"], s()],
      [["accessLogs", "enabled"], s()],
      [["accessLogs", "bucket"], s()],
    ],
  },
  {
    type: "aws:elb/sslNegotiationPolicy:SslNegotiationPolicy",
    props: { attributes: [{ name: "Protocol-TLSv1", value: "true" }] },
    fields: [
      [["attributes", 0, "name"], s("Protocol-TLSv1")],
      [["attributes", 0, "value"], s()],
      [["attributes"], s()],
    ],
  },
  {
    type: "aws:elb/loadBalancerPolicy:LoadBalancerPolicy",
    props: {
      policyTypeName: "SSLNegotiationPolicyType",
      policyAttributes: [{ name: "Reference-Security-Policy", value: "ELBSecurityPolicy-2011-08" }],
    },
    fields: [
      [["policyTypeName"], s()],
      [["policyAttributes", 0, "value"], s("ELBSecurityPolicy-")],
      [["policyAttributes", 0, "name"], s()],
    ],
  },
  {
    type: "aws:cloudfront/distribution:Distribution",
    props: { viewerCertificate: { cloudfrontDefaultCertificate: false, minimumProtocolVersion: "TLSv1" } },
    fields: [
      [["viewerCertificate", "minimumProtocolVersion"], s("TLSv1.2_")],
      [["viewerCertificate", "cloudfrontDefaultCertificate"], s()],
      [["viewerCertificate"], s()],
    ],
  },
  {
    type: "aws:apigateway/domainName:DomainName",
    props: { securityPolicy: "TLS_1_0" },
    fields: [[["securityPolicy"], s("TLS_1_")]],
  },
  {
    type: "aws:apigatewayv2/domainName:DomainName",
    props: { domainNameConfiguration: { securityPolicy: "TLS_1_0" } },
    fields: [[["domainNameConfiguration", "securityPolicy"], s("TLS_1_")]],
  },
  ...["aws:opensearch/domain:Domain", "aws:elasticsearch/domain:Domain"].map((type) => ({
    type,
    props: {
      domainEndpointOptions: { enforceHttps: false, tlsSecurityPolicy: "Policy-Min-TLS-1-0-2019-07" },
    },
    fields: [
      [["domainEndpointOptions", "enforceHttps"], s()],
      [["domainEndpointOptions", "tlsSecurityPolicy"], s("Policy-Min-TLS-")],
    ] as [Path, unknown][],
  })),
  {
    type: "aws:transfer/server:Server",
    props: { securityPolicyName: "TransferSecurityPolicy-2018-11" },
    fields: [[["securityPolicyName"], s("TransferSecurityPolicy-")]],
  },
  {
    type: "aws:kms/key:Key",
    props: { enableKeyRotation: false },
    fields: [
      [["enableKeyRotation"], s()],
      [["customerMasterKeySpec"], s("RSA_")],
      [["keyUsage"], s()],
    ],
  },
  {
    type: "tls:index/privateKey:PrivateKey",
    props: { algorithm: "RSA", rsaBits: 1024 },
    fields: [
      [["algorithm"], s("RSA")],
      [["rsaBits"], num(1000)],
      [["ecdsaCurve"], s("P")],
    ],
  },
  {
    type: "aws:acm/certificate:Certificate",
    props: { keyAlgorithm: "RSA_1024" },
    fields: [[["keyAlgorithm"], s("RSA_")]],
  },
  {
    type: "aws:ec2/subnet:Subnet",
    props: { mapPublicIpOnLaunch: true },
    fields: [[["mapPublicIpOnLaunch"], s()]],
  },
  {
    type: "aws:cloudtrail/trail:Trail",
    props: { s3BucketName: "phi-audit-logs", enableLogging: false },
    fields: [
      [["enableLogging"], s()],
      [["enableLogFileValidation"], s()],
    ],
  },
  // Data services: the engine, version, group names, keys and TLS fields the data policies read.
  {
    type: "aws:rds/instance:Instance",
    props: { engine: "postgres", engineVersion: "14.10", storageEncrypted: false },
    fields: [
      [["engine"], s("postgres")],
      [["engineVersion"], s("14.")],
      [["parameterGroupName"], s("default.postgres")],
      [["optionGroupName"], s("default:")],
      [["storageEncrypted"], s()],
      [["kmsKeyId"], s("arn:aws:kms:")],
    ],
  },
  {
    type: "aws:elasticache/replicationGroup:ReplicationGroup",
    props: { transitEncryptionEnabled: true, transitEncryptionMode: "preferred" },
    fields: [
      [["transitEncryptionMode"], s("pref")],
      [["transitEncryptionEnabled"], s()],
      [["engine"], s("valkey")],
    ],
  },
  {
    type: "aws:dms/endpoint:Endpoint",
    props: { engineName: "postgres", sslMode: "none" },
    fields: [
      [["engineName"], s("postgres")],
      [["sslMode"], s("verify-")],
    ],
  },
  {
    type: "aws:rds/parameterGroup:ParameterGroup",
    props: { family: "postgres16", parameters: [{ name: "rds.force_ssl", value: "0" }] },
    fields: [
      [["family"], s("postgres")],
      [["parameters", 0, "value"], s("0")],
      [["parameters", 0, "name"], s("rds.force_ssl")],
    ],
  },
  {
    type: "aws:sns/topic:Topic",
    props: {},
    fields: [[["kmsMasterKeyId"], s("alias/aws/")]],
  },
];

/** The stack-policy inputs: buckets, their sub-resources, log deliveries, VPCs, routes. */
const BUCKET = "arn:aws:s3:::phi-audit-logs";
const STACK_CASES: Case[] = [
  {
    type: "aws:rds/instance:Instance",
    props: {
      engine: "postgres",
      engineVersion: "14.10",
      parameterGroupName: "app-pg",
      storageEncrypted: true,
    },
    fields: [
      [["parameterGroupName"], s("app-")],
      [["engine"], s("postgres")],
    ],
  },
  {
    type: "aws:rds/parameterGroup:ParameterGroup",
    props: { name: "app-pg", family: "postgres14", parameters: [{ name: "rds.force_ssl", value: "0" }] },
    fields: [
      [["name"], s("app-")],
      [["family"], s("postgres")],
      [["parameters", 0, "value"], s("0")],
    ],
  },
  ...["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"].map((type) => ({
    type,
    props: {
      bucket: "phi-audit-logs",
      arn: BUCKET,
      forceDestroy: true,
      objectLockEnabled: false,
      versioning: { enabled: false },
    },
    fields: [
      [["forceDestroy"], s()],
      [["objectLockEnabled"], s()],
      [
        ["objectLockConfiguration"],
        { objectLockEnabled: s(), rule: { defaultRetention: { mode: s("GOVERNANCE"), days: num(0) } } },
      ],
      [["versioning", "enabled"], s()],
      [["policy"], s("{")],
      [["arn"], s("arn:aws:s3:::")],
    ] as [Path, unknown][],
  })),
  ...[
    "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
    "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2",
  ].map((type) => ({
    type,
    props: { bucket: "phi-audit-logs", rule: { defaultRetention: { mode: "GOVERNANCE", days: 1 } } },
    fields: [
      [["bucket"], s("phi-audit-")],
      [["rule", "defaultRetention", "mode"], s("COMPLIANCE")],
      [["rule", "defaultRetention", "days"], num(1)],
      [["rule", "defaultRetention", "years"], num(1)],
      [["rule"], s()],
    ] as [Path, unknown][],
  })),
  {
    type: "aws:s3/bucketVersioningV2:BucketVersioningV2",
    props: { bucket: "phi-audit-logs", versioningConfiguration: { status: "Suspended" } },
    fields: [
      [["versioningConfiguration", "status"], s()],
      [["bucket"], s()],
    ],
  },
  {
    type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    props: {
      bucket: "phi-audit-logs",
      blockPublicAcls: false,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    },
    fields: [
      [["blockPublicAcls"], s()],
      [["bucket"], s()],
    ],
  },
  {
    type: "aws:s3/bucketPolicy:BucketPolicy",
    props: { bucket: "phi-audit-logs", policy: "{}" },
    fields: [
      [["policy"], s('{"x":')],
      [["bucket"], s()],
    ],
  },
  {
    type: "aws:lb/loadBalancer:LoadBalancer",
    props: { accessLogs: { bucket: "phi-audit-logs", enabled: true } },
    fields: [
      [["accessLogs", "bucket"], s("phi-")],
      [["connectionLogs", "bucket"], s("phi-")],
    ],
  },
  {
    type: "aws:cloudtrail/trail:Trail",
    props: { s3BucketName: "phi-audit-logs" },
    fields: [[["s3BucketName"], s("missing-")]],
  },
  {
    type: "aws:ec2/flowLog:FlowLog",
    props: { vpcId: "vpc-1", logDestinationType: "s3", logDestination: BUCKET, trafficType: "ACCEPT" },
    fields: [
      [["logDestination"], s("arn:aws:s3:::")],
      [["logDestinationType"], s()],
      [["trafficType"], s()],
      [["vpcId"], s("vpc-")],
    ],
  },
  { type: "aws:ec2/vpc:Vpc", props: { id: "vpc-1" }, fields: [[["id"], s("vpc-")]] },
  {
    type: "aws:ec2/routeTable:RouteTable",
    props: { id: "rtb-1", routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: "igw-1" }] },
    fields: [
      [["routes", 0, "gatewayId"], s("igw-")],
      [["routes", 0, "cidrBlock"], s()],
      [["routes", 0, "ipv6CidrBlock"], s("::/")],
      [["routes"], s()],
    ],
  },
  {
    type: "aws:ec2/subnet:Subnet",
    props: { id: "subnet-1", mapPublicIpOnLaunch: true, assignIpv6AddressOnCreation: true },
    fields: [
      [["id"], s("subnet-")],
      [["assignIpv6AddressOnCreation"], s()],
      [["ipv6Native"], s()],
    ],
  },
  {
    type: "aws:ec2/managedPrefixList:ManagedPrefixList",
    props: { id: "pl-0aaa", name: "clients", entries: [{ cidr: "0.0.0.0/0" }] },
    fields: [
      [["id"], s("pl-")],
      [["entries", 0, "cidr"], `198.51.${num(100)}.0/24`],
      [["entries", 0, "cidr"], s("10.")],
    ],
  },
  {
    type: "aws:ec2/managedPrefixListEntry:ManagedPrefixListEntry",
    props: { prefixListId: "pl-0aaa", cidr: "10.0.0.0/8" },
    fields: [
      [["cidr"], `203.0.${num(100)}.0/24`],
      [["prefixListId"], s("pl-")],
    ],
  },
  {
    type: "aws:ec2/securityGroup:SecurityGroup",
    props: { ingress: [{ ...RULE, cidrBlocks: [], prefixListIds: ["pl-0aaa"] }] },
    fields: [[["ingress", 0, "prefixListIds", 0], s("pl-")]],
  },
  {
    type: "aws:ec2/routeTableAssociation:RouteTableAssociation",
    props: { subnetId: "subnet-1", routeTableId: "rtb-1" },
    fields: [
      [["subnetId"], s("subnet-")],
      [["routeTableId"], s("rtb-")],
    ],
  },
];

function withSecretAt(props: Record<string, unknown>, p: Path, value: unknown): Record<string, unknown> {
  const copy = structuredClone(props);
  let cur = copy as Record<string | number, unknown>;
  for (const k of p.slice(0, -1)) {
    if (cur[k] === undefined || cur[k] === null || typeof cur[k] !== "object")
      cur[k] = typeof k === "number" ? [] : {};
    cur = cur[k] as Record<string | number, unknown>;
  }
  cur[p[p.length - 1]] = secret(value);
  return copy;
}

/** The text forms under which a sentinel could leak. */
function needles(value: unknown): string[] {
  if (typeof value === "string" || typeof value === "number") return [String(value)];
  if (Array.isArray(value)) return value.flatMap(needles);
  if (value && typeof value === "object") return Object.values(value).flatMap(needles);
  return [];
}

function sentinelsOf(cases: Case[]): string[] {
  return cases.flatMap((c) => c.fields.flatMap(([, v]) => needles(v)));
}

let pack: PolicyPackProcess;
let info: AnalyzerInfo;

beforeAll(async () => {
  ({ pack, info } = await startTestPack());
  // Every policy mandatory (the advisory ones too) so each gets to report.
  await pack.configure(
    validatePolicyConfig(
      Object.fromEntries(info.policies.map((p) => [p.name, "mandatory"])),
      info.policies,
      "secrets test",
    ),
  );
}, PACK_START_TIMEOUT_MS);

afterAll(async () => {
  await pack?.close();
});

function leaks(text: string, sentinels: string[]): string[] {
  return sentinels.filter((x) => text.includes(x));
}

describe("a secret in every field the pack reads (real pack, analyzer protocol)", () => {
  const variants = CASES.flatMap((c) =>
    c.fields.map(([p, v]) => ({ c, p, v, label: `${c.type} ${JSON.stringify(p)}` })),
  );

  it("the sentinels are distinct and the cases cover every resource policy's types", () => {
    const all = sentinelsOf([...CASES, ...STACK_CASES]);
    expect(new Set(all).size).toBe(all.length);
    expect(variants.length).toBeGreaterThan(80);
  });

  it.each(variants.map((x) => [x.label, x] as const))("Analyze %s", async (_label, { c, p, v }) => {
    const res = await pack.analyze({
      type: c.type,
      name: "secretive",
      properties: withSecretAt(c.props, p, v),
    });
    const text = JSON.stringify(res);
    expect(leaks(text, needles(v))).toEqual([]);
    // The field was read: the policy still answered about this resource (a finding or a not-applicable reason).
    expect(res.diagnostics.length + res.notApplicable.length).toBeGreaterThan(0);
  });

  it("AnalyzeStack with every stack input secret, one field at a time, leaks no sentinel", async () => {
    const stackOf = (override?: { i: number; p: Path; v: unknown }): AnalyzerResourceInput[] =>
      STACK_CASES.map((c, i) => ({
        type: c.type,
        name: `r${i}`,
        properties: override && override.i === i ? withSecretAt(c.props, override.p, override.v) : c.props,
      }));
    const baseline = await pack.analyzeStack(stackOf());
    expect(baseline.diagnostics.filter((d) => d.enforcementLevel === "mandatory").length).toBeGreaterThan(0);
    const found: string[] = [];
    let runs = 0;
    for (const [i, c] of STACK_CASES.entries())
      for (const [p, v] of c.fields) {
        runs++;
        const res = await pack.analyzeStack(stackOf({ i, p, v }));
        for (const l of leaks(JSON.stringify(res), needles(v)))
          found.push(`${c.type} ${JSON.stringify(p)}: ${l}`);
      }
    expect(runs).toBeGreaterThan(25);
    expect(found).toEqual([]);
  });

  it("the pack's stdout/stderr hold no sentinel", () => {
    expect(leaks(pack.logs(), sentinelsOf([...CASES, ...STACK_CASES]))).toEqual([]);
  });
});

describe("offline check (tools/check.ts) with secret inputs and secure config", () => {
  const FIXTURE = path.join(ROOT, "test", "fixtures", "secret-stack");
  const SENTINELS = [
    "198.51.100.231/32",
    "zqcheck-proto-secret",
    "ELBSecurityPolicy-zqcheck-secret",
    "zqcheck-secure-ciphertext",
  ];

  it("prints and writes no sentinel", async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "phi-secret-check-"));
    try {
      const r = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          toolArgv("check.ts", ["--stack", "secret-sentinel", "--cwd", FIXTURE, "--out", out]),
          { cwd: ROOT, env: { ...process.env, FORCE_COLOR: "0" } },
        );
        let output = "";
        // Decode as a stream: a chunk boundary can split a multi-byte character.
        child.stdout.setEncoding("utf8");
        child.stderr.setEncoding("utf8");
        child.stdout.on("data", (d) => (output += d));
        child.stderr.on("data", (d) => (output += d));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, output }));
      });
      // The fixture's secret violations are found (exit 1), so the secrets really went through the pack.
      expect({ code: r.code, output: r.output }).toMatchObject({ code: 1 });
      expect(leaks(r.output, SENTINELS)).toEqual([]);
      const files = fs.readdirSync(out, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
      expect(files.length).toBeGreaterThan(0);
      for (const f of files) {
        const file = path.join(f.parentPath, f.name);
        expect({ file, leaks: leaks(fs.readFileSync(file, "utf8"), SENTINELS) }).toEqual({ file, leaks: [] });
      }
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }, 180_000);
});
