import {
  PhiRuntimeGuardrails,
  validatePhiRuntimeGuardrailsArgs,
  type PhiRuntimeGuardrailsArgs,
} from "../../components/PhiRuntimeGuardrails";
import { expectRefusal } from "../support/refusal";
import { setupPulumiMocks, type RecordedResource } from "../support/pulumi-mocks";

const mocks = setupPulumiMocks();
beforeEach(() => mocks.reset());

const T = {
  rule: "aws:cfg/rule:Rule",
  scope: "aws:ec2/networkInsightsAccessScope:NetworkInsightsAccessScope",
};

/** The prod pack config's two relevant policies (policies/config/prod.json). */
const PROD_CONFIG = {
  "phi-ingress-allowlisted-ports": { enforcementLevel: "mandatory", allowedIngress: ["tcp/443", "tcp/5432"] },
  "phi-tls-strong-policy": { enforcementLevel: "mandatory", minimumTlsVersion: "1.2", tlsProfile: "strict" },
};

const valid = (over: Partial<PhiRuntimeGuardrailsArgs> = {}): PhiRuntimeGuardrailsArgs => ({
  policyConfig: PROD_CONFIG,
  auditBucketNames: ["access-logs", "flow-logs"],
  accessLogBucketNames: ["access-logs"],
  vpcId: "vpc-0123",
  ...over,
});

async function build(args: PhiRuntimeGuardrailsArgs) {
  const component = new PhiRuntimeGuardrails("claims", args);
  await mocks.settle();
  return component;
}

/** The rules by their managed identifier, with their parameters parsed. */
function rules(): Map<string, { rule: RecordedResource; params: Record<string, unknown> | undefined }[]> {
  const found = new Map<string, { rule: RecordedResource; params: Record<string, unknown> | undefined }[]>();
  for (const rule of mocks.byType(T.rule)) {
    const source = rule.inputs.source as { owner: string; sourceIdentifier: string };
    expect(source.owner).toBe("AWS");
    const raw = rule.inputs.inputParameters as string | undefined;
    const entry = {
      rule,
      params: raw === undefined ? undefined : (JSON.parse(raw) as Record<string, unknown>),
    };
    found.set(source.sourceIdentifier, [...(found.get(source.sourceIdentifier) ?? []), entry]);
  }
  return found;
}

const paramsOf = (identifier: string) => rules().get(identifier)?.[0]?.params;

describe("PhiRuntimeGuardrails: the Config rules take their parameters from the pack's config", () => {
  test("the prod allowlist: authorized tcp ports, blocked common ports", async () => {
    await build(valid());
    expect(paramsOf("VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS")).toEqual({ authorizedTcpPorts: "443,5432" });
    expect(paramsOf("RESTRICTED_INCOMING_TRAFFIC")).toEqual({
      blockedPort1: 20,
      blockedPort2: 21,
      blockedPort3: 3389,
      blockedPort4: 3306,
      blockedPort5: 4333,
    });
  });

  test("another allowlist changes the authorized and blocked ports and the access scope's ports", async () => {
    await build(
      valid({
        policyConfig: {
          ...PROD_CONFIG,
          "phi-ingress-allowlisted-ports": { allowedIngress: ["tcp/443", "tcp/3306", "udp/53"] },
        },
      }),
    );
    expect(paramsOf("VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS")).toEqual({
      authorizedTcpPorts: "443,3306",
      authorizedUdpPorts: "53",
    });
    expect(paramsOf("RESTRICTED_INCOMING_TRAFFIC")).toEqual({
      blockedPort1: 20,
      blockedPort2: 21,
      blockedPort3: 3389,
      blockedPort4: 4333,
      blockedPort5: 1433,
    });
    expect(mocks.one(T.scope).inputs.matchPaths).toEqual([
      {
        source: { resourceStatement: { resourceTypes: ["AWS::EC2::InternetGateway"] } },
        destination: {
          resourceStatement: { resources: ["vpc-0123"] },
          packetHeaderStatement: {
            protocols: ["tcp"],
            destinationPorts: ["1-442", "444-3305", "3307-65535"],
          },
        },
      },
      {
        source: { resourceStatement: { resourceTypes: ["AWS::EC2::InternetGateway"] } },
        destination: {
          resourceStatement: { resources: ["vpc-0123"] },
          packetHeaderStatement: { protocols: ["udp"], destinationPorts: ["1-52", "54-65535"] },
        },
      },
    ]);
  });

  test("the prod allowlist's access scope: tcp outside 443 and 5432, all of udp", async () => {
    await build(valid());
    const paths = mocks.one(T.scope).inputs.matchPaths as {
      destination: { packetHeaderStatement: { protocols: string[]; destinationPorts: string[] } };
    }[];
    expect(paths.map((p) => p.destination.packetHeaderStatement)).toEqual([
      { protocols: ["tcp"], destinationPorts: ["1-442", "444-5431", "5433-65535"] },
      { protocols: ["udp"], destinationPorts: ["1-65535"] },
    ]);
  });

  test("the TLS profile and floor change the ELBv2 rule's sslPolicies", async () => {
    await build(
      valid({
        policyConfig: {
          ...PROD_CONFIG,
          "phi-tls-strong-policy": { minimumTlsVersion: "1.3", tlsProfile: "strict" },
        },
      }),
    );
    expect(paramsOf("ELBV2_PREDEFINED_SECURITY_POLICY_SSL_CHECK")).toEqual({
      sslPolicies:
        "ELBSecurityPolicy-TLS13-1-3-2021-06,ELBSecurityPolicy-TLS13-1-3-PQ-2025-09,ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04,ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09",
    });
  });

  test("nist-800-52r2 admits ELBSecurityPolicy-TLS13-1-2-2021-06, strict does not", async () => {
    await build(
      valid({
        policyConfig: {
          ...PROD_CONFIG,
          "phi-tls-strong-policy": { minimumTlsVersion: "1.2", tlsProfile: "nist-800-52r2" },
        },
      }),
    );
    const nist = String(paramsOf("ELBV2_PREDEFINED_SECURITY_POLICY_SSL_CHECK")?.sslPolicies).split(",");
    expect(nist).toContain("ELBSecurityPolicy-TLS13-1-2-2021-06");
    mocks.reset();
    await build(valid());
    const strict = String(paramsOf("ELBV2_PREDEFINED_SECURITY_POLICY_SSL_CHECK")?.sslPolicies).split(",");
    expect(strict).not.toContain("ELBSecurityPolicy-TLS13-1-2-2021-06");
    expect(strict[0]).toBe("ELBSecurityPolicy-TLS13-1-3-2021-06");
  });

  test("Object Lock COMPLIANCE per audit bucket, scoped to it; ELB logs to the access-log bucket; flow logs ALL", async () => {
    await build(valid());
    const locks = rules().get("S3_BUCKET_DEFAULT_LOCK_ENABLED")!;
    expect(locks.map((l) => [l.params, l.rule.inputs.scope])).toEqual([
      [
        { mode: "COMPLIANCE" },
        { complianceResourceTypes: ["AWS::S3::Bucket"], complianceResourceId: "access-logs" },
      ],
      [
        { mode: "COMPLIANCE" },
        { complianceResourceTypes: ["AWS::S3::Bucket"], complianceResourceId: "flow-logs" },
      ],
    ]);
    expect(paramsOf("ELB_LOGGING_ENABLED")).toEqual({ s3BucketNames: "access-logs" });
    expect(paramsOf("VPC_FLOW_LOGS_ENABLED")).toEqual({ trafficType: "ALL" });
  });

  test("every rule once (two lock rules), the parameterless ones without inputParameters", async () => {
    await build(valid());
    const found = rules();
    expect([...found.keys()].sort()).toEqual(
      [
        "VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS",
        "INCOMING_SSH_DISABLED",
        "RESTRICTED_INCOMING_TRAFFIC",
        "ELBV2_PREDEFINED_SECURITY_POLICY_SSL_CHECK",
        "ALB_HTTP_TO_HTTPS_REDIRECTION_CHECK",
        "ELB_LOGGING_ENABLED",
        "S3_BUCKET_DEFAULT_LOCK_ENABLED",
        "S3_BUCKET_SSL_REQUESTS_ONLY",
        "VPC_FLOW_LOGS_ENABLED",
        "RDS_STORAGE_ENCRYPTED",
        "ELASTICACHE_REPL_GRP_ENCRYPTED_IN_TRANSIT",
        "ELASTICACHE_REPL_GRP_ENCRYPTED_AT_REST",
        "MSK_IN_CLUSTER_NODE_REQUIRE_TLS",
        "REDSHIFT_REQUIRE_TLS_SSL",
        "SNS_ENCRYPTED_KMS",
        "OPENSEARCH_ENCRYPTED_AT_REST",
        "OPENSEARCH_NODE_TO_NODE_ENCRYPTION_CHECK",
        "DAX_ENCRYPTION_ENABLED",
        "DAX_TLS_ENDPOINT_ENCRYPTION",
        "DOCDB_CLUSTER_ENCRYPTED",
        "RDS_CLUSTER_ENCRYPTED_AT_REST",
        "DMS_ENDPOINT_SSL_CONFIGURED",
        "NEPTUNE_CLUSTER_ENCRYPTED",
      ].sort(),
    );
    expect(mocks.byType(T.rule)).toHaveLength(24);
    for (const id of [
      "INCOMING_SSH_DISABLED",
      "ALB_HTTP_TO_HTTPS_REDIRECTION_CHECK",
      "SNS_ENCRYPTED_KMS",
      "DMS_ENDPOINT_SSL_CONFIGURED",
      // KmsKeyArns is optional and left unset: any KMS key passes.
      "NEPTUNE_CLUSTER_ENCRYPTED",
    ]) {
      expect(found.get(id)![0].params).toBeUndefined();
    }
    const component = mocks.one("phi:guardrails:PhiRuntimeGuardrails", "claims");
    expect(mocks.byType(T.rule).every((r) => r.parent === component.urn)).toBe(true);
  });

  test("a scope tag scopes the configuration-change rules, never the periodic ones", async () => {
    await build(valid({ scopeTag: { key: "phi-channels:channel", value: "claims" } }));
    const found = rules();
    expect(found.get("INCOMING_SSH_DISABLED")![0].rule.inputs.scope).toEqual({
      tagKey: "phi-channels:channel",
      tagValue: "claims",
    });
    for (const id of ["DMS_ENDPOINT_SSL_CONFIGURED", "NEPTUNE_CLUSTER_ENCRYPTED"]) {
      expect(found.get(id)![0].rule.inputs.scope).toEqual({
        tagKey: "phi-channels:channel",
        tagValue: "claims",
      });
    }
    expect(found.get("VPC_FLOW_LOGS_ENABLED")![0].rule.inputs.scope).toBeUndefined();
    expect(found.get("ALB_HTTP_TO_HTTPS_REDIRECTION_CHECK")![0].rule.inputs.scope).toBeUndefined();
  });

  test("without data-service rules and the access scope", async () => {
    const component = await build(valid({ dataServiceRules: false, accessScope: false }));
    expect([...rules().keys()].sort()).toEqual([
      "ALB_HTTP_TO_HTTPS_REDIRECTION_CHECK",
      "ELBV2_PREDEFINED_SECURITY_POLICY_SSL_CHECK",
      "ELB_LOGGING_ENABLED",
      "INCOMING_SSH_DISABLED",
      "RESTRICTED_INCOMING_TRAFFIC",
      "S3_BUCKET_DEFAULT_LOCK_ENABLED",
      "S3_BUCKET_SSL_REQUESTS_ONLY",
      "VPC_FLOW_LOGS_ENABLED",
      "VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS",
    ]);
    expect(mocks.byType(T.rule)).toHaveLength(10);
    expect(mocks.byType(T.scope)).toHaveLength(0);
    const off = "dataServiceRules is false";
    expect(component.omittedRules).toEqual({
      "rds-storage-encrypted": off,
      "elasticache-in-transit": off,
      "elasticache-at-rest": off,
      "msk-in-cluster-tls": off,
      "redshift-require-tls": off,
      "sns-encrypted-kms": off,
      "opensearch-at-rest": off,
      "opensearch-node-to-node": off,
      "opensearch-https-required": off,
      "dax-at-rest": off,
      "dax-in-transit": off,
      "docdb-at-rest": off,
      "rds-cluster-at-rest": off,
      "dms-endpoint-ssl": off,
      "neptune-at-rest": off,
    });
  });
});

describe("PhiRuntimeGuardrails: the OpenSearch HTTPS rule follows the TLS floor and profile", () => {
  const tls = (minimumTlsVersion: string, tlsProfile: string) =>
    valid({ policyConfig: { ...PROD_CONFIG, "phi-tls-strong-policy": { minimumTlsVersion, tlsProfile } } });

  // No OpenSearch policy is strong under any floor or profile (AWS publishes none of their cipher suites),
  // so OPENSEARCH_HTTPS_REQUIRED is never deployed without a list that would pass weak policies; the
  // reason names the floor and profile. The list itself: PhiRuntimeGuardrails.opensearch-tls.test.ts.
  const after = ", and without tlsPolicies the rule would pass any policy";
  test.each([
    ["1.2", "strict", `no OpenSearch TLS policy is strong under TLS 1.2 and strict${after}`],
    ["1.3", "strict", `no OpenSearch TLS policy is strong under TLS 1.3 and strict${after}`],
    ["1.2", "nist-800-52r2", `no OpenSearch TLS policy is strong under TLS 1.2 and nist-800-52r2${after}`],
  ])(
    "TLS %s, %s: left out, with the reason; the other OpenSearch rules deployed",
    async (floor, profile, why) => {
      const component = await build(tls(floor, profile));
      const found = rules();
      expect(found.has("OPENSEARCH_HTTPS_REQUIRED")).toBe(false);
      expect(found.get("OPENSEARCH_ENCRYPTED_AT_REST")).toHaveLength(1);
      expect(found.get("OPENSEARCH_NODE_TO_NODE_ENCRYPTION_CHECK")).toHaveLength(1);
      expect(component.parameters["opensearch-https-required"]).toBeUndefined();
      expect(component.omittedRules).toEqual({ "opensearch-https-required": why });
    },
  );
});

describe("PhiRuntimeGuardrails: omitRules", () => {
  test("leaves the named rules out, and a rule-types recorder does not record their types", async () => {
    const component = await build(
      valid({
        omitRules: ["dax-at-rest", "dax-in-transit", "s3-default-lock"],
        createRecorder: { deliveryBucketName: "config-history", recording: "rule-types" },
      }),
    );
    const found = rules();
    for (const id of [
      "DAX_ENCRYPTION_ENABLED",
      "DAX_TLS_ENDPOINT_ENCRYPTION",
      "S3_BUCKET_DEFAULT_LOCK_ENABLED",
    ])
      expect(found.has(id)).toBe(false);
    expect(found.get("DOCDB_CLUSTER_ENCRYPTED")).toHaveLength(1);
    // 24 less two DAX rules and the two lock rules (one per audit bucket).
    expect(mocks.byType(T.rule)).toHaveLength(20);
    expect(component.rules["dax-at-rest"]).toBeUndefined();
    expect(component.omittedRules).toMatchObject({
      "dax-at-rest": "listed in omitRules",
      "dax-in-transit": "listed in omitRules",
      "s3-default-lock": "listed in omitRules",
    });
    const types = (
      mocks.one("aws:cfg/recorder:Recorder").inputs.recordingGroup as { resourceTypes: string[] }
    ).resourceTypes;
    expect(types).not.toContain("AWS::DAX::Cluster");
    expect(types).toContain("AWS::OpenSearch::Domain");
    expect(types).toContain("AWS::RDS::DBCluster");
    expect(types).toContain("AWS::DMS::Endpoint");
  });

  test("the DMS and Neptune rules left out: DMS endpoints no longer recorded, DB clusters still are", async () => {
    const component = await build(
      valid({
        omitRules: ["dms-endpoint-ssl", "neptune-at-rest"],
        createRecorder: { deliveryBucketName: "config-history", recording: "rule-types" },
      }),
    );
    const found = rules();
    expect(found.has("DMS_ENDPOINT_SSL_CONFIGURED")).toBe(false);
    expect(found.has("NEPTUNE_CLUSTER_ENCRYPTED")).toBe(false);
    expect(mocks.byType(T.rule)).toHaveLength(22);
    expect(component.omittedRules).toEqual({
      "opensearch-https-required":
        "no OpenSearch TLS policy is strong under TLS 1.2 and strict, and without tlsPolicies the rule would pass any policy",
      "dms-endpoint-ssl": "listed in omitRules",
      "neptune-at-rest": "listed in omitRules",
    });
    const types = (
      mocks.one("aws:cfg/recorder:Recorder").inputs.recordingGroup as { resourceTypes: string[] }
    ).resourceTypes;
    expect(types).not.toContain("AWS::DMS::Endpoint");
    // DOCDB_CLUSTER_ENCRYPTED and RDS_CLUSTER_ENCRYPTED_AT_REST judge DB clusters too.
    expect(types).toContain("AWS::RDS::DBCluster");
  });

  test("an empty list omits nothing", async () => {
    await build(valid({ omitRules: [] }));
    expect(mocks.byType(T.rule)).toHaveLength(24);
  });

  const KNOWN =
    "use one of sg-authorized-ports, sg-restricted-ssh, sg-restricted-common-ports, elbv2-security-policy, " +
    "alb-http-to-https, elb-logging, s3-default-lock, s3-ssl-requests-only, vpc-flow-logs, " +
    "rds-storage-encrypted, elasticache-in-transit, elasticache-at-rest, msk-in-cluster-tls, " +
    "redshift-require-tls, sns-encrypted-kms, opensearch-at-rest, opensearch-node-to-node, " +
    "opensearch-https-required, dax-at-rest, dax-in-transit, docdb-at-rest, rds-cluster-at-rest, " +
    "dms-endpoint-ssl, neptune-at-rest";

  test("an unknown key is refused, naming the field, the value and the known keys", () => {
    expect(
      validatePhiRuntimeGuardrailsArgs(
        "claims",
        valid({ omitRules: ["dax-at-rest", "DAX_ENCRYPTION_ENABLED"] }),
      ),
    ).toEqual([
      {
        component: "PhiRuntimeGuardrails",
        resourceName: "claims",
        field: "omitRules[1]",
        value: "DAX_ENCRYPTION_ENABLED",
        problem: "is not a key of policies/src/data/config-rules.json",
        fix: KNOWN,
      },
    ]);
    expectRefusal(
      () => new PhiRuntimeGuardrails("claims", valid({ omitRules: ["dax"] })),
      "omitRules[0]",
      /omitRules\[0\] = "dax" is not a key of policies\/src\/data\/config-rules\.json\. Fix: use one of sg-authorized-ports, /,
      () => mocks.resources.length,
    );
  });

  test("a value that is not a list is refused", () => {
    expect(
      validatePhiRuntimeGuardrailsArgs("claims", valid({ omitRules: "dax-at-rest" as never })).map((p) => [
        p.field,
        p.problem,
      ]),
    ).toEqual([["omitRules", "is not a list of rule keys"]]);
  });
});

describe("validatePhiRuntimeGuardrailsArgs: every problem, in the pack's words", () => {
  test("the valid arguments have none", () => {
    expect(validatePhiRuntimeGuardrailsArgs("claims", valid())).toEqual([]);
  });

  test("a bad allowlist entry, floor and profile, and no buckets, all at once", () => {
    const problems = validatePhiRuntimeGuardrailsArgs(
      "claims",
      valid({
        policyConfig: {
          "phi-ingress-allowlisted-ports": { allowedIngress: ["tcp/443", "all/*"] },
          "phi-tls-strong-policy": { minimumTlsVersion: "1.1", tlsProfile: "weak" },
        },
        auditBucketNames: [],
      }),
    );
    expect(problems.map((p) => p.field)).toEqual([
      "policyConfig.phi-ingress-allowlisted-ports.allowedIngress[1]",
      "policyConfig.phi-tls-strong-policy.minimumTlsVersion",
      "policyConfig.phi-tls-strong-policy.tlsProfile",
      "auditBucketNames",
    ]);
    expect(problems[0].problem).toMatch(/is not a valid allowlist entry/);
  });

  test("the constructor throws before registering anything", () => {
    expectRefusal(
      () => new PhiRuntimeGuardrails("claims", valid({ vpcId: "" })),
      "vpcId",
      /is required/,
      () => mocks.resources.length,
    );
  });
});

describe("PhiRuntimeGuardrails: createRecorder", () => {
  const R = {
    recorder: "aws:cfg/recorder:Recorder",
    status: "aws:cfg/recorderStatus:RecorderStatus",
    channel: "aws:cfg/deliveryChannel:DeliveryChannel",
    role: "aws:iam/role:Role",
    attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  };

  test("off by default: no recorder, role, channel or status", async () => {
    await build(valid());
    for (const t of Object.values(R)) expect(mocks.byType(t)).toHaveLength(0);
  });

  test("on: a recorder of every supported type, its role, a delivery channel, an enabled status every rule waits for", async () => {
    await build(valid({ createRecorder: { deliveryBucketName: "config-history" } }));
    const role = mocks.one(R.role);
    expect(JSON.parse(role.inputs.assumeRolePolicy as string)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "config.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
        },
      ],
    });
    expect(mocks.one(R.attachment).inputs.policyArn).toBe(
      "arn:aws:iam::aws:policy/service-role/AWS_ConfigRole",
    );
    expect(JSON.parse(mocks.one(R.rolePolicy).inputs.policy as string).Statement).toEqual([
      {
        Effect: "Allow",
        Action: ["s3:GetBucketAcl", "s3:ListBucket"],
        Resource: "arn:aws:s3:::config-history",
      },
      {
        Effect: "Allow",
        Action: "s3:PutObject",
        Resource: "arn:aws:s3:::config-history/AWSLogs/123456789012/Config/*",
        Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control" } },
      },
    ]);
    const recorder = mocks.one(R.recorder);
    expect(recorder.inputs).toMatchObject({
      name: "default",
      roleArn: role.outputs.arn,
      recordingGroup: { allSupported: true, includeGlobalResourceTypes: false },
    });
    const channel = mocks.one(R.channel);
    expect(channel.inputs.s3BucketName).toBe("config-history");
    expect(channel.inputs.s3KmsKeyArn).toBeUndefined();
    expect(channel.dependencies).toContain(recorder.urn);
    const status = mocks.one(R.status);
    expect(status.inputs).toEqual({ name: "default", isEnabled: true });
    expect(status.dependencies).toContain(channel.urn);
    const rules = mocks.byType(T.rule);
    expect(rules).toHaveLength(24);
    expect(rules.filter((r) => !r.dependencies.includes(status.urn)).map((r) => r.name)).toEqual([]);
  });

  test("rule-types records only what the deployed rules judge; a KMS key encrypts the deliveries", async () => {
    const key = "arn:aws:kms:us-east-1:123456789012:key/0b5c6f0e-1111-2222-3333-444455556666";
    await build(
      valid({
        dataServiceRules: false,
        createRecorder: {
          deliveryBucketName: "config-history",
          deliveryKmsKeyArn: key,
          recording: "rule-types",
        },
      }),
    );
    expect(mocks.one(R.recorder).inputs.recordingGroup).toEqual({
      allSupported: false,
      includeGlobalResourceTypes: false,
      recordingStrategies: [{ useOnly: "INCLUSION_BY_RESOURCE_TYPES" }],
      resourceTypes: [
        "AWS::EC2::SecurityGroup",
        "AWS::ElasticLoadBalancingV2::Listener",
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        "AWS::ElasticLoadBalancing::LoadBalancer",
        "AWS::S3::Bucket",
        "AWS::EC2::VPC",
      ],
    });
    expect(mocks.one(R.channel).inputs.s3KmsKeyArn).toBe(key);
    expect(JSON.parse(mocks.one(R.rolePolicy).inputs.policy as string).Statement[2]).toEqual({
      Effect: "Allow",
      Action: ["kms:GenerateDataKey", "kms:Decrypt"],
      Resource: key,
    });
  });

  test("refused: no bucket, both recorder options, an unknown recording choice", () => {
    const problems = validatePhiRuntimeGuardrailsArgs(
      "claims",
      valid({
        configRecorder: {} as never,
        createRecorder: { deliveryBucketName: "", recording: "everything" as never },
      }),
    );
    expect(problems.map((p) => p.field)).toEqual([
      "createRecorder",
      "createRecorder.deliveryBucketName",
      "createRecorder.recording",
    ]);
    expect(problems[0].problem).toBe(
      "is set with configRecorder; AWS allows one recorder per account and region",
    );
  });
});
