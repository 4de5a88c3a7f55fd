import { setupPulumiMocks, promiseOf } from "../support/pulumi-mocks";
import { expectRefusal } from "../support/refusal";
import {
  PrivateDatabase,
  validatePrivateDatabaseArgs,
  type PrivateDatabaseArgs,
} from "../../components/PrivateDatabase";

const mocks = setupPulumiMocks();
beforeEach(() => mocks.reset());

const INSTANCE = "aws:rds/instance:Instance";
const CLUSTER = "aws:rds/cluster:Cluster";
const CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance";
const PARAMS = "aws:rds/parameterGroup:ParameterGroup";
const CLUSTER_PARAMS = "aws:rds/clusterParameterGroup:ClusterParameterGroup";
const KEY = "aws:kms/key:Key";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";

/** The one valid fixture; each case below changes one field. */
function args(overrides: Partial<PrivateDatabaseArgs> = {}): PrivateDatabaseArgs {
  return {
    vpcId: "vpc-1",
    subnetIds: ["subnet-a", "subnet-b"],
    allowedSources: [{ securityGroupId: "sg-app" }, "10.20.0.0/16"],
    ...overrides,
  };
}

const TLS_AND_LOGGING_PARAMETERS = [
  { name: "rds.force_ssl", value: "1", applyMethod: "immediate" },
  { name: "log_connections", value: "1", applyMethod: "immediate" },
  { name: "log_disconnections", value: "1", applyMethod: "immediate" },
];

describe("PrivateDatabase (RDS for PostgreSQL, the default)", () => {
  test("a private, encrypted, TLS-only instance with IAM auth, log exports, backups and deletion protection", async () => {
    const db = new PrivateDatabase("records", args());
    await mocks.settle();

    const key = mocks.one(KEY);
    expect(key.inputs).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30 });
    const params = mocks.one(PARAMS);
    expect(params.inputs.family).toBe("postgres16");
    expect(params.inputs.parameters).toEqual(TLS_AND_LOGGING_PARAMETERS);

    const instance = mocks.one(INSTANCE, "records");
    const keyArn = await promiseOf(db.kmsKey.arn);
    const sgId = await promiseOf(db.securityGroupId);
    expect(instance.inputs).toMatchObject({
      engine: "postgres",
      engineVersion: "16.4",
      instanceClass: "db.t4g.medium",
      allocatedStorage: 20,
      storageType: "gp3",
      dbName: "phi",
      username: "phi_admin",
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: keyArn,
      publiclyAccessible: false,
      storageEncrypted: true,
      kmsKeyId: keyArn,
      iamDatabaseAuthenticationEnabled: true,
      enabledCloudwatchLogsExports: ["postgresql", "upgrade"],
      backupRetentionPeriod: 35,
      deletionProtection: true,
      multiAz: true,
      port: 5432,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: "records-final",
      vpcSecurityGroupIds: [sgId],
    });
    // The group is auto-named, as the provider names it at preview already; the instance is wired to it by
    // that name and by dependency.
    expect(instance.inputs.parameterGroupName).toMatch(/^records-params-[0-9a-f]{7}$/);
    expect(instance.dependencies).toContain(params.urn);
    // No password ever reaches the state: RDS generates and keeps it in Secrets Manager.
    expect(instance.inputs.password).toBeUndefined();
    expect(instance.inputs.tags).toMatchObject({
      "phi-channels:data-classification": "phi",
      "phi-channels:component": "PrivateDatabase",
    });
    expect(mocks.byType(CLUSTER)).toHaveLength(0);
    expect(mocks.one("aws:rds/subnetGroup:SubnetGroup").inputs.subnetIds).toEqual(["subnet-a", "subnet-b"]);
  });

  test("the security group admits tcp/5432 from the declared sources only, and nothing out", async () => {
    new PrivateDatabase("records", args());
    await mocks.settle();
    const rules = mocks.byType(INGRESS).map((r) => r.inputs);
    expect(rules).toHaveLength(2);
    expect(rules[0]).toMatchObject({
      ipProtocol: "tcp",
      fromPort: 5432,
      toPort: 5432,
      referencedSecurityGroupId: "sg-app",
    });
    expect(rules[1]).toMatchObject({
      ipProtocol: "tcp",
      fromPort: 5432,
      toPort: 5432,
      cidrIpv4: "10.20.0.0/16",
    });
    expect(mocks.byType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")).toHaveLength(0);
  });

  test("an IPv6 source becomes a cidrIpv6 rule", async () => {
    new PrivateDatabase("records", args({ allowedSources: ["fd00:10::/48"] }));
    await mocks.settle();
    expect(mocks.one(INGRESS).inputs).toMatchObject({ cidrIpv6: "fd00:10::/48", fromPort: 5432 });
  });
});

describe("PrivateDatabase (Aurora PostgreSQL)", () => {
  test("a cluster with a cluster parameter group and two private instances", async () => {
    const db = new PrivateDatabase("records", args({ engine: "aurora-postgresql", engineVersion: "16.6" }));
    await mocks.settle();
    const params = mocks.one(CLUSTER_PARAMS);
    expect(params.inputs.family).toBe("aurora-postgresql16");
    expect(params.inputs.parameters).toEqual(TLS_AND_LOGGING_PARAMETERS);
    expect(mocks.byType(PARAMS)).toHaveLength(0);
    expect(mocks.byType(INSTANCE)).toHaveLength(0);

    const keyArn = await promiseOf(db.kmsKey.arn);
    expect(mocks.one(CLUSTER).inputs).toMatchObject({
      engine: "aurora-postgresql",
      engineVersion: "16.6",
      databaseName: "phi",
      masterUsername: "phi_admin",
      manageMasterUserPassword: true,
      storageEncrypted: true,
      kmsKeyId: keyArn,
      iamDatabaseAuthenticationEnabled: true,
      enabledCloudwatchLogsExports: ["postgresql"],
      backupRetentionPeriod: 35,
      deletionProtection: true,
      port: 5432,
    });
    const members = mocks.byType(CLUSTER_INSTANCE);
    expect(members.map((m) => m.name)).toEqual(["records-0", "records-1"]);
    for (const m of members) {
      expect(m.inputs).toMatchObject({
        engine: "aurora-postgresql",
        instanceClass: "db.t4g.medium",
        publiclyAccessible: false,
      });
    }
  });
});

describe("PrivateDatabase refuses what the pack would block, before creating anything", () => {
  const registered = () => mocks.resources.length;

  test("a public source CIDR (the security group's refusal, under allowedSources)", () => {
    expectRefusal(
      () => new PrivateDatabase("records", args({ allowedSources: ["0.0.0.0/0"] })),
      "allowedSources[0]",
      /0\.0\.0\.0\/0/,
      registered,
    );
  });

  test("an allowlist without tcp/5432", () => {
    expectRefusal(
      () => new PrivateDatabase("records", args({ allowedIngress: ["tcp/443"] })),
      "allowedSources[0]",
      /5432.*not allowlisted|not allowlisted.*5432|allowlist/,
      registered,
    );
  });

  test.each([
    ["engine", { engine: "mysql" as never }, /not an engine PrivateDatabase builds/],
    ["engineVersion", { engineVersion: "sixteen" }, /major\.minor/],
    ["instanceClass", { instanceClass: "t4g.medium" }, /not an RDS instance class/],
    ["allocatedStorageGb", { allocatedStorageGb: 10 }, /at least 20/],
    ["backupRetentionDays", { backupRetentionDays: 0 }, /1 to 35/],
    ["backupRetentionDays", { backupRetentionDays: 36 }, /1 to 35/],
    ["masterUsername", { masterUsername: "rdsadmin" }, /reserved/],
    ["databaseName", { databaseName: "1phi" }, /database name/],
    ["subnetIds", { subnetIds: ["subnet-a"] }, /at least two subnets/],
    ["allowedSources", { allowedSources: [] }, /at least one client/],
  ])("%s: %j", (field, override, text) => {
    expectRefusal(() => new PrivateDatabase("records", args(override)), field, text, registered);
  });

  test("the validator returns every problem at once, with the field, value and fix", () => {
    const problems = validatePrivateDatabaseArgs(
      "records",
      args({ backupRetentionDays: 0, allowedSources: ["203.0.113.0/24"] }),
    );
    expect(problems.map((p) => p.field)).toEqual(["backupRetentionDays", "allowedSources[0]"]);
    expect(problems.every((p) => p.component === "PrivateDatabase" && p.fix.length > 0)).toBe(true);
    expect(problems[1].value).toBe("203.0.113.0/24");
  });

  test("the valid fixture has no problems", () => {
    expect(validatePrivateDatabaseArgs("records", args())).toEqual([]);
  });
});
