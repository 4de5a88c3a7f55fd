import { readFileSync } from "node:fs";
import { setupPulumiMocks, promiseOf, type RecordedResource } from "../support/pulumi-mocks";
import {
  PhiChannel,
  CHANNEL_TAG,
  validatePhiChannelArgs,
  type PhiChannelArgs,
} from "../../components/PhiChannel";
import { PhiConfigError } from "../../components/errors";
import { DATA_CLASSIFICATION_TAG } from "../../components/tags";
import { DEFAULT_ELB_SECURITY_POLICY } from "../../policies/src/rules";

const mocks = setupPulumiMocks();
beforeEach(() => mocks.reset());

const IN = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const OUT = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const LISTENER = "aws:lb/listener:Listener";

/** Whether the @pulumi/aws resource's Args accept `tags`, read from the installed type definitions. */
const taggableCache = new Map<string, boolean>();
function isTaggable(type: string): boolean {
  if (!type.startsWith("aws:")) return false;
  const cached = taggableCache.get(type);
  if (cached !== undefined) return cached;
  const [, module, className] = /^aws:([a-zA-Z0-9]+)\/([a-zA-Z0-9]+):([A-Za-z0-9]+)$/.exec(type)!.slice(0, 3);
  const resourceName = type.split(":")[2];
  const dts = readFileSync(require.resolve(`@pulumi/aws/${module}/${className}.d.ts`), "utf8");
  const args = new RegExp(`export interface ${resourceName}Args \\{([\\s\\S]*?)\\n\\}`).exec(dts);
  const taggable = !!args && /\n\s+tags\?:/.test(args[1]);
  taggableCache.set(type, taggable);
  return taggable;
}

function channelArgs(overrides: Partial<PhiChannelArgs> = {}): PhiChannelArgs {
  return { allowedSources: ["10.20.0.0/16", { securityGroupId: "sg-0123456789abcdef0" }], ...overrides };
}

describe("PhiChannel", () => {
  test("composes network, security group, certificate and TLS load balancer, all tagged", async () => {
    const channel = new PhiChannel("claims-api", channelArgs({ mutualTls: true, tags: { team: "claims" } }));
    await mocks.settle();

    const types = (t: string) => mocks.byType(t).length;
    expect(types("phi:channel:PhiChannel")).toBe(1);
    expect(types("phi:network:PrivateNetwork")).toBe(1);
    expect(types("phi:network:AllowlistedSecurityGroup")).toBe(1);
    expect(types("phi:tls:InternalCertificate")).toBe(1);
    expect(types("phi:loadbalancer:TlsLoadBalancer")).toBe(1);
    // Access logs and flow logs each in their own immutable bucket.
    expect(types("phi:storage:ImmutableLogBucket")).toBe(2);
    expect(types("aws:lb/loadBalancer:LoadBalancer")).toBe(1);
    expect(types(LISTENER)).toBe(1);
    expect(types("aws:lb/trustStore:TrustStore")).toBe(1);
    expect(types("aws:ec2/vpc:Vpc")).toBe(1);
    expect(types("aws:ec2/flowLog:FlowLog")).toBe(1);

    // Every component hangs under the channel.
    const root = mocks.one("phi:channel:PhiChannel");
    const childTypes = mocks
      .childrenOf(root.urn)
      .map((r) => r.type)
      .sort();
    expect(childTypes).toEqual(
      expect.arrayContaining([
        "phi:loadbalancer:TlsLoadBalancer",
        "phi:network:AllowlistedSecurityGroup",
        "phi:network:PrivateNetwork",
      ]),
    );

    // Tags on every taggable AWS resource: channel tag, caller tag and a classification.
    const taggable = mocks.resources.filter((r) => isTaggable(r.type));
    expect(taggable.length).toBeGreaterThan(10);
    const untagged = taggable.filter(
      (r: RecordedResource) =>
        r.inputs.tags?.[CHANNEL_TAG] !== "claims-api" ||
        r.inputs.tags?.team !== "claims" ||
        !["phi", "audit-log"].includes(r.inputs.tags?.[DATA_CLASSIFICATION_TAG]),
    );
    expect(untagged.map((r) => `${r.type}::${r.name} ${JSON.stringify(r.inputs.tags)}`)).toEqual([]);
    expect(mocks.one("aws:lb/loadBalancer:LoadBalancer").inputs.tags[DATA_CLASSIFICATION_TAG]).toBe("phi");

    // Security group: each source on tcp/443, egress only to the VPC CIDR on the target port.
    const ingress = mocks.byType(IN).filter((r) => r.name.startsWith("claims-api-lb-"));
    expect(ingress.map((r) => [r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.toPort])).toEqual([
      ["tcp", 443, 443],
      ["tcp", 443, 443],
    ]);
    expect(ingress[0].inputs.cidrIpv4).toBe("10.20.0.0/16");
    expect(ingress[1].inputs.referencedSecurityGroupId).toBe("sg-0123456789abcdef0");
    const egress = mocks.byType(OUT).filter((r) => r.name.startsWith("claims-api-lb-"));
    expect(egress).toHaveLength(1);
    expect(egress[0].inputs).toMatchObject({
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: "10.0.0.0/16",
    });

    // Manifest names the real resources.
    const m = await promiseOf(channel.manifest);
    const lb = mocks.one("aws:lb/loadBalancer:LoadBalancer");
    const listener = mocks.one(LISTENER);
    expect(m).toMatchObject({
      channel: "claims-api",
      dataClassification: "phi",
      vpcId: mocks.one("aws:ec2/vpc:Vpc").id,
      securityGroupId: mocks.one("aws:ec2/securityGroup:SecurityGroup", "claims-api-lb").id,
      loadBalancerArn: lb.id,
      dnsName: lb.outputs.dnsName,
      listenerArns: [listener.id],
      targetGroupArns: [mocks.one("aws:lb/targetGroup:TargetGroup").id],
      certificateArn: listener.inputs.certificateArn,
      accessLogBucket: lb.inputs.accessLogs.bucket,
      flowLogId: mocks.one("aws:ec2/flowLog:FlowLog").id,
      sslPolicy: DEFAULT_ELB_SECURITY_POLICY,
      allowedIngress: ["tcp/443"],
      retentionDays: 2190,
    });
    expect(m.subnetIds.length).toBeGreaterThanOrEqual(2);
    expect(lb.inputs.subnets).toEqual(m.subnetIds);
    expect(m.flowLogBucket).toEqual(expect.any(String));
    expect(m.flowLogBucket).not.toBe(m.accessLogBucket);
    expect(m.certificateArn).toMatch(/^arn:aws:acm:/);
  });

  test("existing network and an ACM certificate: no VPC, no internal CA, NLB", async () => {
    const arn = "arn:aws:acm:us-east-1:123456789012:certificate/abc";
    const channel = new PhiChannel(
      "hl7-feed",
      channelArgs({
        loadBalancerType: "network",
        network: { vpcId: "vpc-0abc", subnetIds: ["subnet-1", "subnet-2"], cidrBlock: "10.40.0.0/16" },
        certificate: { acmCertificateArn: arn },
        retentionDays: 3000,
      }),
    );
    await mocks.settle();
    expect(mocks.byType("aws:ec2/vpc:Vpc")).toHaveLength(0);
    expect(mocks.byType("tls:index/privateKey:PrivateKey")).toHaveLength(0);
    expect(mocks.one("aws:lb/loadBalancer:LoadBalancer").inputs.loadBalancerType).toBe("network");
    expect(mocks.one(LISTENER).inputs).toMatchObject({ protocol: "TLS", certificateArn: arn });
    expect(mocks.one(OUT).inputs.cidrIpv4).toBe("10.40.0.0/16");
    const m = await promiseOf(channel.manifest);
    expect(m).toMatchObject({
      vpcId: "vpc-0abc",
      subnetIds: ["subnet-1", "subnet-2"],
      certificateArn: arn,
      flowLogBucket: null,
      flowLogId: null,
      retentionDays: 3000,
    });
  });
});

describe("PhiChannel refuses", () => {
  const refuse = (args: PhiChannelArgs, field: string, name = "bad") => {
    let error: unknown;
    try {
      new PhiChannel(name, args);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PhiConfigError);
    expect((error as PhiConfigError).field).toBe(field);
    return error as PhiConfigError;
  };

  afterEach(async () => {
    await mocks.settle();
    expect(mocks.resources).toHaveLength(0);
  });

  test.each(["0.0.0.0/0", "::/0", "0.0.0.0/1", "8.8.8.8/32"])("public source %s", (cidr) => {
    refuse(channelArgs({ allowedSources: ["10.0.0.0/8", cidr] }), "allowedSources[1]");
  });

  test("no sources, or a malformed one", () => {
    refuse(channelArgs({ allowedSources: [] }), "allowedSources");
    refuse(channelArgs({ allowedSources: [{ cidr: "10.0.0.0/8" } as never] }), "allowedSources[0]");
  });

  test("an allowlist without the listener port, and bad entries", () => {
    // The refusal names the offending value, not only what is missing.
    expect(refuse(channelArgs({ allowedIngress: ["tcp/22"] }), "allowedIngress").message).toBe(
      'PhiChannel "bad": allowedIngress = ["tcp/22"] does not allow the listener port tcp/443. Fix: include "tcp/443"',
    );
    refuse(channelArgs({ allowedIngress: ["tcp/443", "all/*"] }), "allowedIngress[1]");
    refuse(channelArgs({ allowedIngress: ["tcp/443", "tcpp/443"] }), "allowedIngress[1]");
  });

  test("a target port out of range states the same range as the stack config", () => {
    for (const port of [0, 65536]) {
      expect(refuse(channelArgs({ targetPort: port }), "targetPort").message).toBe(
        `PhiChannel "bad": targetPort = ${port} must be a whole number between 1 and 65535. Fix: use the port your targets serve TLS on, e.g. 443`,
      );
    }
  });

  test("weak and unknown TLS policies", () => {
    refuse(channelArgs({ sslPolicy: "ELBSecurityPolicy-2016-08" }), "sslPolicy");
    refuse(channelArgs({ sslPolicy: "nope" }), "sslPolicy");
  });

  test("mutual TLS on an NLB", () => {
    refuse(channelArgs({ loadBalancerType: "network", mutualTls: true }), "mutualTls");
  });

  test("both or neither certificate forms, weak keys", () => {
    refuse(
      channelArgs({
        certificate: {
          acmCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/a",
          internal: { dnsNames: ["a.b"] },
        } as never,
      }),
      "certificate",
    );
    refuse(channelArgs({ certificate: {} as never }), "certificate");
    refuse(
      channelArgs({
        certificate: { internal: { dnsNames: ["x.phi.internal"], keyAlgorithm: "RSA", rsaBits: 1024 } },
      }),
      // The InternalCertificate's own check names the field at fault.
      "certificate.internal.rsaBits",
    );
    refuse(
      channelArgs({ certificate: { internal: { dnsNames: ["bad name"] } } }),
      "certificate.internal.dnsNames[0]",
    );
  });

  test("retention below the floor and a public VPC CIDR", () => {
    refuse(channelArgs({ retentionDays: 30 }), "retentionDays");
    refuse(channelArgs({ network: { cidrBlock: "8.8.0.0/16" } }), "network.cidrBlock");
  });

  test("a reserved classification tag and a bad channel name", () => {
    refuse(
      channelArgs({ tags: { [DATA_CLASSIFICATION_TAG]: "internal" } }),
      `tags["${DATA_CLASSIFICATION_TAG}"]`,
    );
    refuse(channelArgs(), "name", "Bad_Name");
  });
});

describe("PhiChannel with a database end", () => {
  test("builds a PrivateDatabase in the channel's subnets, reachable on tcp/5432 from the channel VPC only", async () => {
    const channel = new PhiChannel("records", channelArgs({ database: { engine: "aurora-postgresql" } }));
    await mocks.settle();

    const db = mocks.one("phi:data:PrivateDatabase");
    expect(db.name).toBe("records-db");
    expect(db.parent).toBe(mocks.one("phi:channel:PhiChannel").urn);
    expect(mocks.one("aws:rds/cluster:Cluster").inputs).toMatchObject({
      engine: "aurora-postgresql",
      storageEncrypted: true,
      iamDatabaseAuthenticationEnabled: true,
    });
    expect(mocks.one("aws:rds/clusterParameterGroup:ClusterParameterGroup").inputs.parameters).toContainEqual(
      {
        name: "rds.force_ssl",
        value: "1",
        applyMethod: "immediate",
      },
    );
    // The database group's only rule: tcp/5432 from the channel VPC's block (the default network, 10.0.0.0/16).
    const dbRules = mocks.byType(IN).filter((r) => r.name.startsWith("records-db-sg"));
    expect(dbRules.map((r) => r.inputs)).toEqual([
      expect.objectContaining({ ipProtocol: "tcp", fromPort: 5432, toPort: 5432, cidrIpv4: "10.0.0.0/16" }),
    ]);
    // The load balancer's group still opens only the listener port.
    const lbRules = mocks.byType(IN).filter((r) => r.name.startsWith("records-lb"));
    expect(new Set(lbRules.map((r) => r.inputs.fromPort))).toEqual(new Set([443]));
    const subnets = await promiseOf(channel.network!.subnetIds);
    expect(mocks.one("aws:rds/subnetGroup:SubnetGroup").inputs.subnetIds).toEqual(subnets);
    const manifest = await promiseOf(channel.manifest);
    expect(manifest.databaseEndpoint).toEqual(await promiseOf(channel.database!.endpoint));
  });

  test("without a database the manifest says so", async () => {
    const channel = new PhiChannel("claims-api", channelArgs());
    await mocks.settle();
    expect(mocks.byType("phi:data:PrivateDatabase")).toHaveLength(0);
    expect((await promiseOf(channel.manifest)).databaseEndpoint).toBeNull();
  });

  test("the database's refusals read as the channel's, under database.*, before anything is created", () => {
    let error: unknown;
    try {
      new PhiChannel(
        "records",
        channelArgs({ database: { backupRetentionDays: 0, allowedSources: ["0.0.0.0/0"] } }),
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PhiConfigError);
    const fields = (error as PhiConfigError).problems.map((p) => `${p.component}:${p.field}`);
    expect(fields).toEqual([
      "PhiChannel:database.allowedSources[0]",
      "PhiChannel:database.backupRetentionDays",
    ]);
    expect(mocks.resources).toHaveLength(0);
  });
});

describe("PhiChannel with runtime guardrails", () => {
  const RULE = "aws:cfg/rule:Rule";
  const SCOPE = "aws:ec2/networkInsightsAccessScope:NetworkInsightsAccessScope";
  /** The rules' parameters and scope by managed identifier (the lock rule once per bucket). */
  const rulesById = () => {
    const found: Record<string, { params: unknown; scope: unknown }[]> = {};
    for (const r of mocks.byType(RULE)) {
      const id = (r.inputs.source as { sourceIdentifier: string }).sourceIdentifier;
      const raw = r.inputs.inputParameters as string | undefined;
      (found[id] ??= []).push({
        params: raw === undefined ? undefined : JSON.parse(raw),
        scope: r.inputs.scope,
      });
    }
    return found;
  };
  /** A pack config whose allowlist is the channel's own. */
  const packConfig = {
    "phi-ingress-allowlisted-ports": { allowedIngress: ["tcp/443", "tcp/8443"] },
    "phi-tls-strong-policy": { minimumTlsVersion: "1.2", tlsProfile: "strict" },
  };

  test("off by default: no Config rule, recorder or access scope", async () => {
    new PhiChannel("claims-api", channelArgs());
    await mocks.settle();
    expect(mocks.byType("phi:guardrails:PhiRuntimeGuardrails")).toHaveLength(0);
    expect(mocks.resources.filter((r) => r.type.startsWith("aws:cfg/")).map((r) => r.type)).toEqual([]);
    expect(mocks.byType(SCOPE)).toHaveLength(0);
  });

  test("on with the stack's pack config: rules from the channel's allowlist, over its buckets and VPC, scoped to its tag", async () => {
    const channel = new PhiChannel(
      "claims-api",
      channelArgs({
        allowedIngress: ["tcp/443", "tcp/8443"],
        runtimeGuardrails: { policyConfig: packConfig },
      }),
    );
    await mocks.settle();
    const m = await promiseOf(channel.manifest);
    const guardrails = mocks.one("phi:guardrails:PhiRuntimeGuardrails");
    expect(guardrails.name).toBe("claims-api-guardrails");
    expect(guardrails.parent).toBe(mocks.one("phi:channel:PhiChannel").urn);

    const rules = rulesById();
    const channelScope = { tagKey: "phi-channels:channel", tagValue: "claims-api" };
    expect(rules.VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS).toEqual([
      { params: { authorizedTcpPorts: "443,8443" }, scope: channelScope },
    ]);
    expect(rules.RESTRICTED_INCOMING_TRAFFIC[0].params).toEqual({
      blockedPort1: 20,
      blockedPort2: 21,
      blockedPort3: 3389,
      blockedPort4: 3306,
      blockedPort5: 4333,
    });
    expect(rules.ELB_LOGGING_ENABLED).toEqual([
      { params: { s3BucketNames: "claims-api-logs-21fb396" }, scope: channelScope },
    ]);
    // Object Lock on both of the channel's audit buckets (the mocks' deterministic names), each rule scoped
    // to its bucket alone; registration order is not fixed.
    expect([m.accessLogBucket, m.flowLogBucket]).toEqual([
      "claims-api-logs-21fb396",
      "claims-api-network-flow-logs-ea4c18e",
    ]);
    const lockScopes = rules.S3_BUCKET_DEFAULT_LOCK_ENABLED.map(
      (r) => r.scope as { complianceResourceId: string },
    );
    expect(lockScopes.sort((a, b) => a.complianceResourceId.localeCompare(b.complianceResourceId))).toEqual([
      { complianceResourceTypes: ["AWS::S3::Bucket"], complianceResourceId: "claims-api-logs-21fb396" },
      {
        complianceResourceTypes: ["AWS::S3::Bucket"],
        complianceResourceId: "claims-api-network-flow-logs-ea4c18e",
      },
    ]);
    // Periodic rules cannot be scoped.
    expect(rules.VPC_FLOW_LOGS_ENABLED).toEqual([{ params: { trafficType: "ALL" }, scope: undefined }]);
    expect(mocks.byType(RULE)).toHaveLength(24);

    const paths = mocks.one(SCOPE).inputs.matchPaths as {
      destination: { resourceStatement: { resources: string[] }; packetHeaderStatement: unknown };
    }[];
    expect(paths.map((p) => p.destination.resourceStatement.resources)).toEqual([[m.vpcId], [m.vpcId]]);
    expect(paths.map((p) => p.destination.packetHeaderStatement)).toEqual([
      { protocols: ["tcp"], destinationPorts: ["1-442", "444-8442", "8444-65535"] },
      { protocols: ["udp"], destinationPorts: ["1-65535"] },
    ]);
    // The rules and the scope carry the channel's tags like every other resource.
    expect(mocks.one(SCOPE).inputs.tags).toMatchObject({ "phi-channels:channel": "claims-api" });
  });

  test("omitRules reaches the guardrails", async () => {
    new PhiChannel("claims-api", channelArgs({ runtimeGuardrails: { omitRules: ["dax-at-rest"] } }));
    await mocks.settle();
    expect(rulesById().DAX_ENCRYPTION_ENABLED).toBeUndefined();
    expect(rulesById().DAX_TLS_ENDPOINT_ENCRYPTION).toHaveLength(1);
  });

  test("true: the pack's default config (tcp/443 only)", async () => {
    new PhiChannel("claims-api", channelArgs({ runtimeGuardrails: true }));
    await mocks.settle();
    expect(rulesById().VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS[0].params).toEqual({ authorizedTcpPorts: "443" });
  });

  test("its problems are the channel's, under runtimeGuardrails.*", () => {
    const problems = validatePhiChannelArgs(
      "claims-api",
      channelArgs({
        runtimeGuardrails: {
          policyConfig: {
            "phi-ingress-allowlisted-ports": { allowedIngress: ["tcp/443", "all/*"] },
            "phi-tls-strong-policy": { minimumTlsVersion: "1.0" },
          },
          createRecorder: { deliveryBucketName: "" },
          omitRules: ["dax"],
        },
      }),
    );
    expect(problems.map((p) => `${p.component}:${p.field}`)).toEqual([
      "PhiChannel:runtimeGuardrails.createRecorder.deliveryBucketName",
      "PhiChannel:runtimeGuardrails.omitRules[0]",
      "PhiChannel:runtimeGuardrails.policyConfig.phi-ingress-allowlisted-ports.allowedIngress[1]",
      "PhiChannel:runtimeGuardrails.policyConfig.phi-tls-strong-policy.minimumTlsVersion",
    ]);
    expect(validatePhiChannelArgs("claims-api", channelArgs({ runtimeGuardrails: "yes" as never }))).toEqual([
      expect.objectContaining({ field: "runtimeGuardrails", problem: "is not a boolean or an object" }),
    ]);
  });
});
