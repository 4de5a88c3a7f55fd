import { dataInTransitEncrypted as policy, DATA_IN_TRANSIT_TYPES } from "./data-in-transit-encrypted";
import {
  runResource,
  runStack,
  UNKNOWN_ARRAY,
  UNKNOWN_BOOL,
  UNKNOWN_OBJECT,
  UNKNOWN_STRING,
  type StackResourceSpec,
  type Verdict,
} from "../testing/harness";

/** The finding lines (the description is the first line of every message). */
const lines = (ds: Verdict["mandatory"]) => ds.map((d) => d.message.split("\n").slice(1).join("\n"));

async function verdict(type: string, props: Record<string, unknown>) {
  const v = await runResource(policy, type, props);
  return { mandatory: lines(v.mandatory), advisory: lines(v.advisory), notApplicable: v.notApplicable };
}
const PASS = { mandatory: [], advisory: [], notApplicable: [] };

const RDS = "aws:rds/instance:Instance";
const RDS_CLUSTER = "aws:rds/cluster:Cluster";
const RDS_PG = "aws:rds/parameterGroup:ParameterGroup";
const RDS_CPG = "aws:rds/clusterParameterGroup:ClusterParameterGroup";
const RDS_OG = "aws:rds/optionGroup:OptionGroup";
const DOCDB = "aws:docdb/cluster:Cluster";
const DOCDB_CPG = "aws:docdb/clusterParameterGroup:ClusterParameterGroup";
const REDSHIFT = "aws:redshift/cluster:Cluster";
const REDSHIFT_PG = "aws:redshift/parameterGroup:ParameterGroup";
const EC_RG = "aws:elasticache/replicationGroup:ReplicationGroup";
const EC_CLUSTER = "aws:elasticache/cluster:Cluster";
const MEMORYDB = "aws:memorydb/cluster:Cluster";
const MEMORYDB_MR = "aws:memorydb/multiRegionCluster:MultiRegionCluster";
const DAX = "aws:dax/cluster:Cluster";
const MSK = "aws:msk/cluster:Cluster";
const DMS = "aws:dms/endpoint:Endpoint";
const OPENSEARCH = "aws:opensearch/domain:Domain";
const ELASTICSEARCH = "aws:elasticsearch/domain:Domain";
const NEPTUNE = "aws:neptune/cluster:Cluster";
const WORKGROUP = "aws:redshiftserverless/workgroup:Workgroup";
const MQ = "aws:mq/broker:Broker";
const EC_SERVERLESS = "aws:elasticache/serverlessCache:ServerlessCache";
const MSK_SERVERLESS = "aws:msk/serverlessCluster:ServerlessCluster";

describe("phi-data-in-transit-encrypted: resource types", () => {
  it("judges exactly these types (every token @pulumi/aws 7.x has for them)", () => {
    expect([...DATA_IN_TRANSIT_TYPES].sort()).toEqual(
      [
        RDS,
        RDS_CLUSTER,
        DOCDB,
        REDSHIFT,
        RDS_PG,
        RDS_CPG,
        DOCDB_CPG,
        REDSHIFT_PG,
        EC_RG,
        EC_CLUSTER,
        MEMORYDB,
        MEMORYDB_MR,
        DAX,
        MSK,
        DMS,
        OPENSEARCH,
        ELASTICSEARCH,
        NEPTUNE,
        WORKGROUP,
        MQ,
        EC_SERVERLESS,
        MSK_SERVERLESS,
      ].sort(),
    );
  });

  it("is not applicable to other types", async () => {
    const v = await verdict("aws:s3/bucketV2:BucketV2", {});
    expect(v.mandatory).toEqual([]);
    expect(v.notApplicable).toHaveLength(1);
  });
});

describe("phi-data-in-transit-encrypted: databases on their own (default groups)", () => {
  const pg = { engine: "postgres", engineVersion: "16.3" };

  it("passes RDS for PostgreSQL 15+ on the default group (rds.force_ssl = 1 by default) and a default name of a 15+ family", async () => {
    expect(await verdict(RDS, pg)).toEqual(PASS);
    expect(await verdict(RDS, { ...pg, engineVersion: "15" })).toEqual(PASS);
    expect(await verdict(RDS, { ...pg, parameterGroupName: "default.postgres16" })).toEqual(PASS);
  });

  it("blocks PostgreSQL before 15 on the default group, naming the field, the parameter and both fixes", async () => {
    expect((await verdict(RDS, { ...pg, engineVersion: "14.10" })).mandatory).toEqual([
      "Amazon RDS (engine: RDS for PostgreSQL): parameterGroupName is not set, so the default parameter group applies, whose rds.force_ssl enforces TLS only from RDS for PostgreSQL 15; set parameterGroupName to a parameter group (family such as postgres16) of this stack with rds.force_ssl = 1, or engineVersion 15 or later with the default group",
    ]);
    expect((await verdict(RDS, { ...pg, parameterGroupName: "default.postgres14" })).mandatory).toEqual([
      "Amazon RDS (engine: RDS for PostgreSQL): parameterGroupName names a default parameter group, whose rds.force_ssl enforces TLS only from RDS for PostgreSQL 15; set parameterGroupName to a parameter group (family such as postgres16) of this stack with rds.force_ssl = 1, or engineVersion 15 or later with the default group",
    ]);
  });

  it("fails closed when the version that decides the default is not set, and re-checks an unknown one at up", async () => {
    expect((await verdict(RDS, { engine: "postgres" })).mandatory).toEqual([
      "Amazon RDS (engine: RDS for PostgreSQL): parameterGroupName is not set, so the default parameter group applies, whose rds.force_ssl enforces TLS only from RDS for PostgreSQL 15, and the engine version is not set; set parameterGroupName to a parameter group (family such as postgres16) of this stack with rds.force_ssl = 1, or engineVersion 15 or later with the default group",
    ]);
    const v = await verdict(RDS, { ...pg, engineVersion: UNKNOWN_STRING });
    expect(v.mandatory).toEqual([]);
    expect(v.advisory).toHaveLength(1);
    expect(v.advisory[0]).toMatch(
      /^engineVersion \(Amazon RDS: decides the default rds.force_ssl\): it is not known/,
    );
  });

  it("MySQL: default group enforces only from 9.7; MariaDB from 11.8 and not at all before 10.5", async () => {
    expect((await verdict(RDS, { engine: "mysql", engineVersion: "8.0.36" })).mandatory).toEqual([
      "Amazon RDS (engine: RDS for MySQL): parameterGroupName is not set, so the default parameter group applies, whose require_secure_transport enforces TLS only from RDS for MySQL 9.7; set parameterGroupName to a parameter group (family such as mysql8.0) of this stack with require_secure_transport = 1, or engineVersion 9.7 or later with the default group",
    ]);
    expect(await verdict(RDS, { engine: "mysql", engineVersion: "9.7.0" })).toEqual(PASS);
    expect((await verdict(RDS, { engine: "mariadb", engineVersion: "11.4.3" })).mandatory).toHaveLength(1);
    expect(await verdict(RDS, { engine: "mariadb", engineVersion: "11.8.1" })).toEqual(PASS);
    expect((await verdict(RDS, { engine: "mariadb", engineVersion: "10.4.34" })).mandatory[0]).toContain(
      "(require_secure_transport exists from RDS for MariaDB 10.5: upgrade first)",
    );
  });

  it("SQL Server and Oracle defaults never enforce; Oracle is judged on its option group", async () => {
    expect((await verdict(RDS, { engine: "sqlserver-se", engineVersion: "16.00" })).mandatory).toEqual([
      "Amazon RDS (engine: RDS for SQL Server): parameterGroupName is not set, so the default parameter group applies, whose rds.force_ssl does not enforce TLS for RDS for SQL Server; set parameterGroupName to a parameter group (family such as sqlserver-se-16.0) of this stack with rds.force_ssl = 1",
    ]);
    expect(
      (await verdict(RDS, { engine: "oracle-ee", optionGroupName: "default:oracle-ee-19" })).mandatory,
    ).toEqual([
      "Amazon RDS (engine: RDS for Oracle): optionGroupName names a default option group, whose SQLNET.ENCRYPTION_SERVER does not enforce TLS for RDS for Oracle; set optionGroupName to an option group of this stack with option NATIVE_NETWORK_ENCRYPTION with SQLNET.ENCRYPTION_SERVER = REQUIRED",
    ]);
    // Oracle's TLS is not in its parameter group: a named parameter group does not help.
    expect((await verdict(RDS, { engine: "oracle-se2", parameterGroupName: "pg" })).mandatory).toHaveLength(
      1,
    );
  });

  it("fails closed on unknown, unset and unverifiable engines; re-checks an unknown engine at up", async () => {
    expect((await verdict(RDS, { engine: "postgress", engineVersion: "16" })).mandatory).toEqual([
      "Amazon RDS: engine is not an engine this policy knows for this resource type (unknown names fail closed; known: postgres, mysql, mariadb, sqlserver-ee, sqlserver-se, sqlserver-ex, sqlserver-web, oracle-ee, oracle-ee-cdb, oracle-se2, oracle-se2-cdb)",
    ]);
    expect((await verdict(RDS, { engine: "db2-se" })).mandatory).toEqual([
      "Amazon RDS: engine: this pack does not verify RDS for Db2 transport settings; record an exemption after checking the DB2COMM / SSL parameters",
    ]);
    expect((await verdict(RDS, { engine: "aurora-postgresql" })).mandatory).toHaveLength(1);
    expect((await verdict(RDS, {})).mandatory).toEqual([
      "Amazon RDS: engine is not set, so this policy cannot tell which TLS setting applies; set engine",
    ]);
    const v = await verdict(RDS, { engine: UNKNOWN_STRING });
    expect(v.mandatory).toEqual([]);
    expect(v.advisory).toHaveLength(1);
  });

  it("leaves a named group to the stack part; a computed one is re-checked at up", async () => {
    expect(await verdict(RDS, { ...pg, engineVersion: "14", parameterGroupName: "app-pg" })).toEqual(PASS);
    expect(await verdict(RDS, { ...pg, engineVersion: "14", parameterGroupName: UNKNOWN_STRING })).toEqual({
      mandatory: [],
      advisory: [
        "parameterGroupName (Amazon RDS: the parameter group that enforces TLS): it is not known at preview; this policy checks it again at `pulumi up`",
      ],
      notApplicable: [],
    });
  });

  it("Aurora (both engines) and Multi-AZ clusters: the default cluster parameter group never enforces for Aurora", async () => {
    expect(
      (await verdict(RDS_CLUSTER, { engine: "aurora-postgresql", engineVersion: "16.4" })).mandatory,
    ).toEqual([
      "Amazon Aurora / RDS DB cluster (engine: Aurora PostgreSQL): dbClusterParameterGroupName is not set, so the default parameter group applies, whose rds.force_ssl does not enforce TLS for Aurora PostgreSQL; set dbClusterParameterGroupName to a parameter group (family such as aurora-postgresql16) of this stack with rds.force_ssl = 1",
    ]);
    expect((await verdict(RDS_CLUSTER, { engine: "aurora-mysql" })).mandatory).toEqual([
      "Amazon Aurora / RDS DB cluster (engine: Aurora MySQL): dbClusterParameterGroupName is not set, so the default parameter group applies, whose require_secure_transport does not enforce TLS for Aurora MySQL; set dbClusterParameterGroupName to a parameter group (family such as aurora-mysql8.0) of this stack with require_secure_transport = ON",
    ]);
    expect(await verdict(RDS_CLUSTER, { engine: "postgres", engineVersion: "16.4" })).toEqual(PASS);
    expect((await verdict(RDS_CLUSTER, { engine: "aurora" })).mandatory[0]).toContain(
      "Aurora MySQL version 1 (engine aurora) is past end of life",
    );
    expect((await verdict(RDS_CLUSTER, { engine: "sqlserver-se" })).mandatory).toHaveLength(1);
  });

  it("DocumentDB's default cluster parameter group enforces TLS; Redshift's does not", async () => {
    expect(await verdict(DOCDB, {})).toEqual(PASS);
    expect(
      await verdict(DOCDB, { engine: "docdb", dbClusterParameterGroupName: "default.docdb5.0" }),
    ).toEqual(PASS);
    expect((await verdict(DOCDB, { engine: "mongodb" })).mandatory).toHaveLength(1);
    expect((await verdict(REDSHIFT, {})).mandatory).toEqual([
      "Amazon Redshift (engine: Redshift): clusterParameterGroupName is not set, so the default parameter group applies, whose require_ssl does not enforce TLS for Redshift; set clusterParameterGroupName to a parameter group (family such as redshift-2.0) of this stack with require_ssl = true",
    ]);
  });
});

describe("phi-data-in-transit-encrypted: parameter groups on their own", () => {
  const group = (family: string, parameters: unknown) => ({ name: "g", family, parameters });

  it("blocks a group that switches TLS enforcement off, for every group type", async () => {
    expect(
      (await verdict(RDS_PG, group("postgres16", [{ name: "rds.force_ssl", value: "0" }]))).mandatory,
    ).toEqual([
      "Amazon RDS (family: RDS for PostgreSQL): parameters[0] sets rds.force_ssl to a value that does not enforce TLS (enforcing: 1); set it to 1",
    ]);
    expect(
      (await verdict(RDS_CPG, group("aurora-mysql8.0", [{ name: "require_secure_transport", value: "OFF" }])))
        .mandatory,
    ).toHaveLength(1);
    expect(
      (await verdict(DOCDB_CPG, group("docdb5.0", [{ name: "tls", value: "disabled" }]))).mandatory,
    ).toEqual([
      "Amazon DocumentDB (family: DocumentDB): parameters[0] sets tls to a value that does not enforce TLS (enforcing: enabled or fips-140-3 or tls1.2+ or tls1.3+); set it to enabled",
    ]);
    expect(
      (await verdict(REDSHIFT_PG, group("redshift-2.0", [{ name: "require_ssl", value: "false" }])))
        .mandatory,
    ).toHaveLength(1);
  });

  it("passes enforcing values (any case) and groups without the parameter", async () => {
    expect(await verdict(RDS_PG, group("postgres14", [{ name: "rds.force_ssl", value: "1" }]))).toEqual(PASS);
    expect(
      await verdict(RDS_PG, group("mysql8.0", [{ name: "require_secure_transport", value: "on" }])),
    ).toEqual(PASS);
    expect(await verdict(RDS_PG, group("postgres14", [{ name: "log_connections", value: "1" }]))).toEqual(
      PASS,
    );
    expect(await verdict(DOCDB_CPG, group("docdb5.0", [{ name: "tls", value: "tls1.2+" }]))).toEqual(PASS);
  });

  it("is not applicable to families without a TLS parameter, and re-checks unknowns at up", async () => {
    expect((await verdict(RDS_PG, group("oracle-ee-19", []))).notApplicable).toHaveLength(1);
    expect((await verdict(RDS_PG, group(UNKNOWN_STRING, []))).advisory).toHaveLength(1);
    const v = await verdict(RDS_PG, group("postgres16", [{ name: "rds.force_ssl", value: UNKNOWN_STRING }]));
    expect(v.mandatory).toEqual([]);
    expect(v.advisory).toHaveLength(1);
  });
});

describe("phi-data-in-transit-encrypted: caches", () => {
  it("ElastiCache replication groups: transit encryption on, mode required (unset mode means required)", async () => {
    expect(await verdict(EC_RG, { transitEncryptionEnabled: true })).toEqual(PASS);
    expect(
      await verdict(EC_RG, { transitEncryptionEnabled: true, transitEncryptionMode: "required" }),
    ).toEqual(PASS);
    expect((await verdict(EC_RG, { transitEncryptionEnabled: false })).mandatory).toEqual([
      "Amazon ElastiCache: transitEncryptionEnabled is not true, so clients and replicas connect without TLS; set transitEncryptionEnabled: true",
    ]);
    expect((await verdict(EC_RG, {})).mandatory).toEqual([
      "Amazon ElastiCache: transitEncryptionEnabled is not set and AWS defaults to false, so clients and replicas connect without TLS; set transitEncryptionEnabled: true",
    ]);
    expect(
      (await verdict(EC_RG, { transitEncryptionEnabled: true, transitEncryptionMode: "preferred" }))
        .mandatory,
    ).toEqual([
      'Amazon ElastiCache: transitEncryptionMode is not "required", so "preferred" still accepts unencrypted connections; set transitEncryptionMode: "required"',
    ]);
    // With transit off, the mode does not matter: one finding.
    expect(
      (await verdict(EC_RG, { transitEncryptionEnabled: false, transitEncryptionMode: "preferred" }))
        .mandatory,
    ).toHaveLength(1);
  });

  it("ElastiCache: a preferred mode is mandatory even when transitEncryptionEnabled is unknown; a global secondary is judged on its primary", async () => {
    const v = await verdict(EC_RG, {
      transitEncryptionEnabled: UNKNOWN_BOOL,
      transitEncryptionMode: "preferred",
    });
    expect(v.mandatory).toHaveLength(1);
    expect(v.advisory).toHaveLength(1);
    expect((await verdict(EC_RG, { globalReplicationGroupId: "g" })).notApplicable).toHaveLength(1);
    expect((await verdict(EC_RG, { globalReplicationGroupId: UNKNOWN_STRING })).advisory).toHaveLength(1);
  });

  it("ElastiCache clusters: Memcached needs transitEncryptionEnabled; standalone Valkey/Redis cannot encrypt; members are judged on their group", async () => {
    expect(await verdict(EC_CLUSTER, { engine: "memcached", transitEncryptionEnabled: true })).toEqual(PASS);
    expect(
      (await verdict(EC_CLUSTER, { engine: "memcached", transitEncryptionEnabled: false })).mandatory,
    ).toEqual([
      "Amazon ElastiCache: for this engine, transitEncryptionEnabled is not true, so clients connect without TLS; set transitEncryptionEnabled: true (Memcached 1.6.12 or later, in a VPC)",
    ]);
    expect((await verdict(EC_CLUSTER, { engine: "redis" })).mandatory[0]).toContain(
      "use an aws.elasticache.ReplicationGroup with transitEncryptionEnabled: true",
    );
    expect((await verdict(EC_CLUSTER, { engine: "valkey" })).mandatory).toHaveLength(1);
    expect((await verdict(EC_CLUSTER, { replicationGroupId: "rg" })).notApplicable).toHaveLength(1);
    expect((await verdict(EC_CLUSTER, {})).mandatory).toHaveLength(1);
    expect((await verdict(EC_CLUSTER, { engine: "memcache" })).mandatory[0]).toContain(
      "unknown names fail closed",
    );
    expect((await verdict(EC_CLUSTER, { engine: UNKNOWN_STRING })).advisory).toHaveLength(1);
  });

  it("MemoryDB: tlsEnabled defaults to true on clusters, must be set on multi-Region clusters", async () => {
    expect(await verdict(MEMORYDB, {})).toEqual(PASS);
    expect((await verdict(MEMORYDB, { tlsEnabled: false })).mandatory).toEqual([
      "Amazon MemoryDB: tlsEnabled is not true, so clients connect without TLS; set tlsEnabled: true",
    ]);
    expect(await verdict(MEMORYDB_MR, { tlsEnabled: true })).toEqual(PASS);
    expect((await verdict(MEMORYDB_MR, {})).mandatory).toEqual([
      "Amazon MemoryDB: tlsEnabled is not set and AWS documents no default, so clients may connect without TLS; set tlsEnabled: true",
    ]);
  });

  it("DAX: endpoint encryption TLS (default NONE)", async () => {
    expect(await verdict(DAX, { clusterEndpointEncryptionType: "TLS" })).toEqual(PASS);
    expect((await verdict(DAX, {})).mandatory).toEqual([
      'Amazon DynamoDB Accelerator (DAX): clusterEndpointEncryptionType is not set and AWS defaults to "NONE", so clients connect to the cluster endpoint without TLS; set clusterEndpointEncryptionType: "TLS" (only at creation: the cluster is replaced)',
    ]);
    expect((await verdict(DAX, { clusterEndpointEncryptionType: "NONE" })).mandatory).toHaveLength(1);
  });
});

describe("phi-data-in-transit-encrypted: streaming, migration and search", () => {
  it("MSK: client-broker TLS only and in-cluster encryption (both default on)", async () => {
    expect(await verdict(MSK, {})).toEqual(PASS);
    expect(
      await verdict(MSK, {
        encryptionInfo: { encryptionInTransit: { clientBroker: "TLS", inCluster: true } },
      }),
    ).toEqual(PASS);
    for (const clientBroker of ["TLS_PLAINTEXT", "PLAINTEXT"])
      expect(
        (await verdict(MSK, { encryptionInfo: { encryptionInTransit: { clientBroker } } })).mandatory,
      ).toEqual([
        'Amazon MSK: encryptionInfo.encryptionInTransit.clientBroker is not "TLS", so clients can connect to the brokers in plaintext; set encryptionInfo.encryptionInTransit.clientBroker: "TLS"',
      ]);
    expect(
      (await verdict(MSK, { encryptionInfo: { encryptionInTransit: { inCluster: false } } })).mandatory,
    ).toEqual([
      "Amazon MSK: encryptionInfo.encryptionInTransit.inCluster is not true, so brokers replicate data to each other in plaintext; set encryptionInfo.encryptionInTransit.inCluster: true",
    ]);
  });

  it("MSK: a plaintext listener is mandatory even with inCluster unknown; an unknown block is re-checked at up", async () => {
    const v = await verdict(MSK, {
      encryptionInfo: { encryptionInTransit: { clientBroker: "PLAINTEXT", inCluster: UNKNOWN_BOOL } },
    });
    expect(v.mandatory).toHaveLength(1);
    expect(v.advisory).toHaveLength(1);
    const u = await verdict(MSK, { encryptionInfo: UNKNOWN_OBJECT });
    expect(u.mandatory).toEqual([]);
    expect(u.advisory).toHaveLength(2);
  });

  it("DMS endpoints: an sslMode the engine supports (default none), Kafka and Redis settings, AWS API engines are secure", async () => {
    expect(await verdict(DMS, { engineName: "postgres", sslMode: "verify-full" })).toEqual(PASS);
    expect((await verdict(DMS, { engineName: "postgres", sslMode: "none" })).mandatory).toEqual([
      'AWS DMS: for this engineName, sslMode is not "require", "verify-ca" or "verify-full", so DMS connects to the database without TLS; set sslMode: "verify-full" (with certificateArn) or "require"',
    ]);
    expect((await verdict(DMS, { engineName: "postgres" })).mandatory).toEqual([
      'AWS DMS: for this engineName, sslMode is not set and AWS defaults to "none", so DMS connects to the database without TLS; set sslMode: "verify-full" (with certificateArn) or "require"',
    ]);
    // DMS does not support require for MySQL-compatible engines: the fix names what it accepts.
    expect((await verdict(DMS, { engineName: "mysql", sslMode: "require" })).mandatory[0]).toContain(
      'set sslMode: "verify-full" or "verify-ca"',
    );
    expect(await verdict(DMS, { engineName: "oracle", sslMode: "verify-ca" })).toEqual(PASS);
    expect((await verdict(DMS, { engineName: "kafka" })).mandatory).toHaveLength(1);
    expect(
      await verdict(DMS, { engineName: "kafka", kafkaSettings: { securityProtocol: "sasl-ssl" } }),
    ).toEqual(PASS);
    expect(await verdict(DMS, { engineName: "redis" })).toEqual(PASS);
    expect(
      (await verdict(DMS, { engineName: "redis", redisSettings: { sslSecurityProtocol: "plaintext" } }))
        .mandatory,
    ).toHaveLength(1);
    expect((await verdict(DMS, { engineName: "s3" })).notApplicable).toHaveLength(1);
    expect((await verdict(DMS, { engineName: "redshift" })).notApplicable).toHaveLength(1);
    expect((await verdict(DMS, { engineName: "postgresql" })).mandatory[0]).toContain(
      "unknown names fail closed",
    );
    expect((await verdict(DMS, { engineName: UNKNOWN_STRING, sslMode: "none" })).advisory).toHaveLength(1);
    expect((await verdict(DMS, { engineName: "postgres", sslMode: UNKNOWN_STRING })).advisory).toHaveLength(
      1,
    );
  });

  it("OpenSearch and the deprecated Elasticsearch token: node-to-node encryption (default off)", async () => {
    for (const t of [OPENSEARCH, ELASTICSEARCH]) {
      expect(await verdict(t, { nodeToNodeEncryption: { enabled: true } })).toEqual(PASS);
      expect((await verdict(t, {})).mandatory).toEqual([
        "Amazon OpenSearch Service: nodeToNodeEncryption.enabled is not set and AWS defaults to false, so nodes exchange data without TLS; set nodeToNodeEncryption.enabled: true",
      ]);
      expect((await verdict(t, { nodeToNodeEncryption: { enabled: false } })).mandatory).toHaveLength(1);
      expect((await verdict(t, { nodeToNodeEncryption: UNKNOWN_OBJECT })).advisory).toHaveLength(1);
    }
  });
});

describe("phi-data-in-transit-encrypted: Neptune and Redshift Serverless", () => {
  it("Neptune clusters accept only TLS: not applicable, with AWS's reason", async () => {
    expect(await verdict(NEPTUNE, { engineVersion: "1.3.2.0", storageEncrypted: true })).toEqual({
      mandatory: [],
      advisory: [],
      notApplicable: [
        "Neptune accepts only HTTPS connections (TLS 1.2 or later) to its cluster and instance endpoints on every engine version AWS still runs (1.0.4.0 and later), so there is no setting to enforce",
      ],
    });
  });

  // One valid fixture; each case changes one field.
  const REQUIRE_SSL = { parameterKey: "require_ssl", parameterValue: "true" };
  const LOGGING = { parameterKey: "enable_user_activity_logging", parameterValue: "true" };
  const workgroup = {
    workgroupName: "analytics",
    namespaceName: "phi",
    publiclyAccessible: false,
    configParameters: [LOGGING, REQUIRE_SSL],
  };
  const UNSET =
    'Amazon Redshift Serverless: configParameters[parameterKey=require_ssl].parameterValue is not set and AWS documents no default, so clients may connect to the workgroup without TLS; set configParameters[parameterKey=require_ssl].parameterValue: "true", i.e. a configParameters entry { parameterKey: "require_ssl", parameterValue: "true" } (the key as AWS spells it)';

  it("a workgroup passes with a require_ssl entry of true", async () => {
    expect(await verdict(WORKGROUP, workgroup)).toEqual(PASS);
  });

  it("blocks require_ssl false", async () => {
    const v = await verdict(WORKGROUP, {
      ...workgroup,
      configParameters: [LOGGING, { parameterKey: "require_ssl", parameterValue: "false" }],
    });
    expect(v.mandatory).toEqual([
      'Amazon Redshift Serverless: configParameters[parameterKey=require_ssl].parameterValue is not true, so clients may connect to the workgroup without TLS; set configParameters[parameterKey=require_ssl].parameterValue: "true", i.e. a configParameters entry { parameterKey: "require_ssl", parameterValue: "true" } (the key as AWS spells it)',
    ]);
  });

  it("fails closed when require_ssl is not set (no AWS default verified), with or without other entries", async () => {
    expect((await verdict(WORKGROUP, { ...workgroup, configParameters: [LOGGING] })).mandatory).toEqual([
      UNSET,
    ]);
    expect((await verdict(WORKGROUP, { ...workgroup, configParameters: undefined })).mandatory).toEqual([
      UNSET,
    ]);
    // Another spelling names no AWS parameter: still unset.
    expect(
      (
        await verdict(WORKGROUP, {
          ...workgroup,
          configParameters: [{ parameterKey: "requireSsl", parameterValue: "true" }],
        })
      ).mandatory,
    ).toEqual([UNSET]);
  });

  it("an unknown list, entry or value is re-checked at up; a known false stays mandatory beside unknowns", async () => {
    const list = await verdict(WORKGROUP, { ...workgroup, configParameters: UNKNOWN_ARRAY });
    expect(list.mandatory).toEqual([]);
    expect(list.advisory).toEqual([
      "configParameters[parameterKey=require_ssl] (Amazon Redshift Serverless): it is not known at preview; this policy checks it again at `pulumi up`",
    ]);
    const entry = await verdict(WORKGROUP, {
      ...workgroup,
      configParameters: [LOGGING, { parameterKey: UNKNOWN_STRING, parameterValue: "true" }],
    });
    expect(entry.mandatory).toEqual([]);
    expect(entry.advisory).toHaveLength(1);
    const value = await verdict(WORKGROUP, {
      ...workgroup,
      configParameters: [{ parameterKey: "require_ssl", parameterValue: UNKNOWN_STRING }],
    });
    expect(value.mandatory).toEqual([]);
    expect(value.advisory).toEqual([
      "configParameters[parameterKey=require_ssl].parameterValue (Amazon Redshift Serverless): it is not known at preview; this policy checks it again at `pulumi up`",
    ]);
    const off = await verdict(WORKGROUP, {
      ...workgroup,
      publiclyAccessible: UNKNOWN_BOOL,
      configParameters: [
        { parameterKey: UNKNOWN_STRING, parameterValue: UNKNOWN_STRING },
        { parameterKey: "require_ssl", parameterValue: "false" },
      ],
    });
    expect(off.mandatory).toHaveLength(1);
    expect(off.advisory).toEqual([]);
  });
});

describe("phi-data-in-transit-encrypted: services that accept only TLS", () => {
  const notApplicable = (reason: string) => ({ mandatory: [], advisory: [], notApplicable: [reason] });
  const MQ_TLS =
    "Amazon MQ brokers offer only TLS endpoints (ActiveMQ: AMQP, MQTT, OpenWire, STOMP and WebSocket over SSL; RabbitMQ: AMQPS on 5671 and HTTPS) and encrypt the traffic between brokers with TLS, so there is no setting to enforce";

  it("Amazon MQ brokers, ActiveMQ and RabbitMQ alike, with AWS's reason (it does not begin with the type)", async () => {
    const broker = { brokerName: "mq", hostInstanceType: "mq.m5.large", publiclyAccessible: false };
    expect(await verdict(MQ, { ...broker, engineType: "ActiveMQ" })).toEqual(notApplicable(MQ_TLS));
    expect(await verdict(MQ, { ...broker, engineType: "RabbitMQ" })).toEqual(notApplicable(MQ_TLS));
    expect(await verdict(MQ, { ...broker, engineType: UNKNOWN_STRING })).toEqual(notApplicable(MQ_TLS));
    expect(MQ_TLS.startsWith(MQ)).toBe(false);
  });

  it("ElastiCache serverless caches and MSK Serverless clusters", async () => {
    expect(await verdict(EC_SERVERLESS, { name: "cache", engine: "valkey" })).toEqual(
      notApplicable(
        "ElastiCache serverless caches always have encryption in transit enabled (AWS offers no setting to turn it off), so there is no setting to enforce",
      ),
    );
    expect(
      await verdict(MSK_SERVERLESS, {
        clusterName: "events",
        clientAuthentication: { sasl: { iam: { enabled: true } } },
      }),
    ).toEqual(
      notApplicable(
        "MSK Serverless requires IAM access control on every cluster, whose clients connect over TLS (SASL_SSL), and a serverless cluster has no plaintext setting, so there is no setting to enforce",
      ),
    );
  });
});

describe("phi-data-in-transit-encrypted: databases wired to their groups across the stack", () => {
  const db = (props: Record<string, unknown>, deps?: Record<string, string[]>): StackResourceSpec => ({
    type: RDS,
    name: "db",
    props: { engine: "postgres", engineVersion: "14.10", ...props },
    deps,
  });
  const pgGroup = (parameters: unknown, extra: Record<string, unknown> = {}): StackResourceSpec => ({
    type: RDS_PG,
    name: "app-pg",
    props: {
      name: "app-pg",
      id: "app-pg",
      arn: "arn:aws:rds:us-east-1:123456789012:pg:app-pg",
      family: "postgres14",
      parameters,
      ...extra,
    },
  });
  const FORCE_SSL = [{ name: "rds.force_ssl", value: "1", applyMethod: "pending-reboot" }];
  const onDb = async (specs: StackResourceSpec[]) => {
    const v = await runStack(policy, specs);
    return {
      mandatory: v.mandatory.map((d) => [d.urn?.split("::").pop(), d.message.split("\n")[1]]),
      advisory: v.advisory.map((d) => [d.urn?.split("::").pop(), d.message.split("\n")[1]]),
    };
  };
  const NONE = { mandatory: [], advisory: [] };

  it("follows the group by name, by ARN and by property dependency at preview", async () => {
    expect(await onDb([db({ parameterGroupName: "app-pg" }), pgGroup(FORCE_SSL)])).toEqual(NONE);
    expect(
      await onDb([
        db({ parameterGroupName: "arn:aws:rds:us-east-1:123456789012:pg:app-pg" }),
        pgGroup(FORCE_SSL),
      ]),
    ).toEqual(NONE);
    const preview = [
      db({ parameterGroupName: UNKNOWN_STRING }, { parameterGroupName: ["app-pg"] }),
      pgGroup(FORCE_SSL, { name: UNKNOWN_STRING, id: UNKNOWN_STRING, arn: UNKNOWN_STRING }),
    ];
    expect(await onDb(preview)).toEqual(NONE);
  });

  it("blocks the database when its group disables TLS or leaves the engine default that does not enforce it", async () => {
    expect(
      await onDb([db({ parameterGroupName: "app-pg" }), pgGroup([{ name: "rds.force_ssl", value: "0" }])]),
    ).toEqual({
      mandatory: [
        [
          "db",
          "Amazon RDS (engine: RDS for PostgreSQL): parameterGroupName is parameter group app-pg, which sets rds.force_ssl to a value that does not enforce TLS (enforcing: 1); set rds.force_ssl = 1 in it",
        ],
      ],
      advisory: [],
    });
    expect(await onDb([db({ parameterGroupName: "app-pg" }), pgGroup([])])).toEqual({
      mandatory: [
        [
          "db",
          "Amazon RDS (engine: RDS for PostgreSQL): parameterGroupName is parameter group app-pg, which does not set rds.force_ssl, so the engine default applies, whose rds.force_ssl enforces TLS only from RDS for PostgreSQL 15; set rds.force_ssl = 1 in it",
        ],
      ],
      advisory: [],
    });
    // The same group wired by dependency at preview is judged the same way.
    const v = await onDb([
      db({ parameterGroupName: UNKNOWN_STRING }, { parameterGroupName: ["app-pg"] }),
      pgGroup([{ name: "rds.force_ssl", value: "0" }], { name: UNKNOWN_STRING }),
    ]);
    expect(v.mandatory).toHaveLength(1);
  });

  it("a 15+ family without the parameter inherits rds.force_ssl = 1", async () => {
    expect(
      await onDb([
        db({ engineVersion: "16.3", parameterGroupName: "app-pg" }),
        pgGroup([], { family: "postgres16" }),
      ]),
    ).toEqual(NONE);
  });

  it("blocks a group that is not in the stack; an unresolvable computed name is re-checked at up", async () => {
    expect(await onDb([db({ parameterGroupName: "shared-pg" })])).toEqual({
      mandatory: [
        [
          "db",
          "Amazon RDS (engine: RDS for PostgreSQL): parameterGroupName names a group that is not in this stack, so its TLS setting cannot be verified; set parameterGroupName to a parameter group (family such as postgres16) of this stack with rds.force_ssl = 1, or engineVersion 15 or later with the default group (or record an exemption)",
        ],
      ],
      advisory: [],
    });
    const other: StackResourceSpec = { type: "random:index/randomPet:RandomPet", name: "pet", props: {} };
    const v = await onDb([
      db({ parameterGroupName: UNKNOWN_STRING }, { parameterGroupName: ["pet"] }),
      other,
    ]);
    expect(v.mandatory).toEqual([]);
    expect(v.advisory).toHaveLength(1);
    // Unset at preview (an unknown output with no dependency) was judged by the resource part.
    expect(await onDb([db({ parameterGroupName: UNKNOWN_STRING })])).toEqual(NONE);
  });

  it("takes the engine from the group's family when the database's engine is unknown at preview", async () => {
    const v = await onDb([db({ engine: UNKNOWN_STRING, parameterGroupName: "app-pg" }), pgGroup([])]);
    expect(v.mandatory).toHaveLength(1);
    expect(v.mandatory[0][1]).toContain("does not set rds.force_ssl");
  });

  it("Aurora MySQL and Aurora PostgreSQL clusters, DocumentDB and Redshift follow their cluster parameter groups", async () => {
    const cluster = (engine: string, group: string): StackResourceSpec => ({
      type: RDS_CLUSTER,
      name: "aurora",
      props: { engine, dbClusterParameterGroupName: group },
    });
    const cpg = (family: string, parameters: unknown): StackResourceSpec => ({
      type: RDS_CPG,
      name: "cpg",
      props: { name: "cpg", family, parameters },
    });
    expect(
      await onDb([
        cluster("aurora-mysql", "cpg"),
        cpg("aurora-mysql8.0", [{ name: "require_secure_transport", value: "ON" }]),
      ]),
    ).toEqual(NONE);
    expect((await onDb([cluster("aurora-mysql", "cpg"), cpg("aurora-mysql8.0", [])])).mandatory).toHaveLength(
      1,
    );
    expect(
      await onDb([
        cluster("aurora-postgresql", "cpg"),
        cpg("aurora-postgresql16", [{ name: "rds.force_ssl", value: "1" }]),
      ]),
    ).toEqual(NONE);
    expect(
      (await onDb([cluster("aurora-postgresql", "cpg"), cpg("aurora-postgresql16", [])])).mandatory,
    ).toHaveLength(1);

    const docdb = (parameters: unknown): StackResourceSpec[] => [
      { type: DOCDB, name: "docs", props: { engine: "docdb", dbClusterParameterGroupName: "docs-pg" } },
      { type: DOCDB_CPG, name: "docs-pg", props: { name: "docs-pg", family: "docdb5.0", parameters } },
    ];
    expect(await onDb(docdb([]))).toEqual(NONE);
    expect((await onDb(docdb([{ name: "tls", value: "disabled" }]))).mandatory).toHaveLength(1);

    const redshift = (parameters: unknown): StackResourceSpec[] => [
      { type: REDSHIFT, name: "dw", props: { clusterParameterGroupName: "dw-pg" } },
      { type: REDSHIFT_PG, name: "dw-pg", props: { name: "dw-pg", family: "redshift-2.0", parameters } },
    ];
    expect(await onDb(redshift([{ name: "require_ssl", value: "true" }]))).toEqual(NONE);
    expect((await onDb(redshift([]))).mandatory).toHaveLength(1);
    expect((await onDb(redshift([{ name: "require_ssl", value: "false" }]))).mandatory).toHaveLength(1);
  });

  it("Oracle: an option group with native network encryption REQUIRED; the SSL option alone is blocked", async () => {
    const oracle = (options: unknown): StackResourceSpec[] => [
      { type: RDS, name: "ora", props: { engine: "oracle-ee", optionGroupName: "ora-og" } },
      { type: RDS_OG, name: "ora-og", props: { name: "ora-og", options } },
    ];
    const nne = (value: string) => [
      {
        optionName: "NATIVE_NETWORK_ENCRYPTION",
        optionSettings: [{ name: "SQLNET.ENCRYPTION_SERVER", value }],
      },
    ];
    expect(await onDb(oracle(nne("REQUIRED")))).toEqual(NONE);
    expect((await onDb(oracle(nne("REQUESTED")))).mandatory).toEqual([
      [
        "ora",
        "Amazon RDS (engine: RDS for Oracle): optionGroupName is option group ora-og, which does not set SQLNET.ENCRYPTION_SERVER = REQUIRED in its NATIVE_NETWORK_ENCRYPTION option, so unencrypted sessions are still accepted; set optionGroupName to an option group of this stack with option NATIVE_NETWORK_ENCRYPTION with SQLNET.ENCRYPTION_SERVER = REQUIRED",
      ],
    ]);
    expect((await onDb(oracle([{ optionName: "SSL", optionSettings: [] }]))).mandatory[0][1]).toContain(
      "has no NATIVE_NETWORK_ENCRYPTION option (the SSL option alone leaves the plain listener open)",
    );
    expect((await onDb(oracle(UNKNOWN_ARRAY))).advisory).toHaveLength(1);
  });

  it("is not applicable to a stack without databases", async () => {
    expect((await runStack(policy, [pgGroup([])])).notApplicable).toHaveLength(1);
  });
});
