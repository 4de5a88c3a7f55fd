import { dataAtRestEncrypted as policy, DATA_AT_REST_TYPES } from "./data-at-rest-encrypted";
import { runResource, UNKNOWN_BOOL, UNKNOWN_OBJECT, UNKNOWN_STRING, type Verdict } from "../testing/harness";

const lines = (ds: Verdict["mandatory"]) => ds.map((d) => d.message.split("\n").slice(1).join("\n"));

async function verdict(type: string, props: Record<string, unknown>, config: Record<string, unknown> = {}) {
  const v = await runResource(policy, type, props, config);
  return { mandatory: lines(v.mandatory), advisory: lines(v.advisory), notApplicable: v.notApplicable };
}
const PASS = { mandatory: [], advisory: [], notApplicable: [] };
const CMK = { requireCustomerManagedKeys: true };
const KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

const RDS = "aws:rds/instance:Instance";
const RDS_CLUSTER = "aws:rds/cluster:Cluster";
const GLOBAL = "aws:rds/globalCluster:GlobalCluster";
const DOCDB = "aws:docdb/cluster:Cluster";
const REDSHIFT = "aws:redshift/cluster:Cluster";
const EC_RG = "aws:elasticache/replicationGroup:ReplicationGroup";
const EC_CLUSTER = "aws:elasticache/cluster:Cluster";
const MSK = "aws:msk/cluster:Cluster";
const DAX = "aws:dax/cluster:Cluster";
const OPENSEARCH = "aws:opensearch/domain:Domain";
const ELASTICSEARCH = "aws:elasticsearch/domain:Domain";
const SQS = "aws:sqs/queue:Queue";
const SNS = "aws:sns/topic:Topic";
const NEPTUNE = "aws:neptune/cluster:Cluster";
const NEPTUNE_GLOBAL = "aws:neptune/globalCluster:GlobalCluster";
const KINESIS = "aws:kinesis/stream:Stream";
const DOCDB_ELASTIC = "aws:docdb/elasticCluster:ElasticCluster";
const MQ = "aws:mq/broker:Broker";
const EC_SERVERLESS = "aws:elasticache/serverlessCache:ServerlessCache";
const MSK_SERVERLESS = "aws:msk/serverlessCluster:ServerlessCluster";
const NAMESPACE = "aws:redshiftserverless/namespace:Namespace";

describe("phi-data-at-rest-encrypted", () => {
  it("judges exactly these types", () => {
    expect([...DATA_AT_REST_TYPES].sort()).toEqual(
      [
        RDS,
        RDS_CLUSTER,
        GLOBAL,
        DOCDB,
        REDSHIFT,
        EC_RG,
        EC_CLUSTER,
        MSK,
        DAX,
        OPENSEARCH,
        ELASTICSEARCH,
        SQS,
        SNS,
        NEPTUNE,
        NEPTUNE_GLOBAL,
        KINESIS,
        DOCDB_ELASTIC,
        MQ,
        EC_SERVERLESS,
        MSK_SERVERLESS,
        NAMESPACE,
      ].sort(),
    );
  });

  it("is not applicable to other types", async () => {
    expect((await verdict("aws:ec2/vpc:Vpc", {})).notApplicable).toHaveLength(1);
  });

  it("RDS instances: storageEncrypted (default false), or a KMS key (replicas, restores)", async () => {
    expect(await verdict(RDS, { engine: "postgres", storageEncrypted: true })).toEqual(PASS);
    expect(await verdict(RDS, { engine: "postgres", replicateSourceDb: "src", kmsKeyId: KEY })).toEqual(PASS);
    expect((await verdict(RDS, { engine: "postgres", storageEncrypted: false })).mandatory).toEqual([
      "Amazon RDS: storageEncrypted is not true (nor does kmsKeyId satisfy it), so the database storage, backups and snapshots are not encrypted; set storageEncrypted: true (only at creation: an existing instance is encrypted by restoring an encrypted snapshot copy)",
    ]);
    expect((await verdict(RDS, { engine: "postgres" })).mandatory).toEqual([
      "Amazon RDS: storageEncrypted is not set and AWS defaults to false (nor does kmsKeyId satisfy it), so the database storage, backups and snapshots are not encrypted; set storageEncrypted: true (only at creation: an existing instance is encrypted by restoring an encrypted snapshot copy)",
    ]);
  });

  it("a decidable violation stays mandatory; an undecidable one is re-checked at up", async () => {
    // storageEncrypted false and no key: mandatory even though another field is unknown.
    expect(
      (await verdict(RDS, { storageEncrypted: false, engineVersion: UNKNOWN_STRING })).mandatory,
    ).toHaveLength(1);
    const u = await verdict(RDS, { storageEncrypted: UNKNOWN_BOOL });
    expect(u.mandatory).toEqual([]);
    expect(u.advisory).toHaveLength(1);
    // Unencrypted unless the unknown key turns out to be set: undecidable.
    const k = await verdict(RDS, { storageEncrypted: false, kmsKeyId: UNKNOWN_STRING });
    expect(k.mandatory).toEqual([]);
    expect(k.advisory).toEqual([
      "kmsKeyId (Amazon RDS: may satisfy storageEncrypted): it is not known at preview; this policy checks it again at `pulumi up`",
    ]);
  });

  it("Aurora / RDS clusters (serverless engine mode is always encrypted), global clusters and DocumentDB", async () => {
    expect(await verdict(RDS_CLUSTER, { engine: "aurora-postgresql", storageEncrypted: true })).toEqual(PASS);
    expect(await verdict(RDS_CLUSTER, { engine: "aurora-mysql", engineMode: "serverless" })).toEqual(PASS);
    expect((await verdict(RDS_CLUSTER, { engine: "aurora-mysql" })).mandatory).toEqual([
      "Amazon Aurora / RDS DB cluster: storageEncrypted is not set and AWS defaults to false (nor does kmsKeyId or engineMode satisfy it), so the cluster storage, backups and snapshots are not encrypted; set storageEncrypted: true (only at creation)",
    ]);
    expect(await verdict(GLOBAL, { storageEncrypted: true })).toEqual(PASS);
    expect(await verdict(GLOBAL, { sourceDbClusterIdentifier: "arn:aws:rds:us-east-1:1:cluster:c" })).toEqual(
      PASS,
    );
    expect((await verdict(GLOBAL, {})).mandatory).toHaveLength(1);
    expect(await verdict(DOCDB, { storageEncrypted: true })).toEqual(PASS);
    expect((await verdict(DOCDB, { storageEncrypted: false })).mandatory).toEqual([
      "Amazon DocumentDB: storageEncrypted is not true (nor does kmsKeyId satisfy it), so the cluster storage, backups and snapshots are not encrypted; set storageEncrypted: true (only at creation)",
    ]);
  });

  it("Redshift: encrypted by default", async () => {
    expect(await verdict(REDSHIFT, {})).toEqual(PASS);
    expect((await verdict(REDSHIFT, { encrypted: false })).mandatory).toEqual([
      "Amazon Redshift: encrypted is not true, so the data warehouse and its snapshots are not encrypted; set encrypted: true",
    ]);
  });

  it("ElastiCache replication groups: the default depends on the engine (valkey true, redis false)", async () => {
    expect(await verdict(EC_RG, { engine: "valkey" })).toEqual(PASS);
    expect(await verdict(EC_RG, { atRestEncryptionEnabled: true })).toEqual(PASS);
    expect((await verdict(EC_RG, { engine: "redis" })).mandatory).toEqual([
      "Amazon ElastiCache: atRestEncryptionEnabled is not set and AWS defaults to false for this engine, so cache data on disk, backups and swap are not encrypted; set atRestEncryptionEnabled: true (only at creation)",
    ]);
    expect((await verdict(EC_RG, {})).mandatory).toHaveLength(1);
    expect(
      (await verdict(EC_RG, { engine: "valkey", atRestEncryptionEnabled: false })).mandatory,
    ).toHaveLength(1);
    const u = await verdict(EC_RG, { engine: UNKNOWN_STRING });
    expect(u.mandatory).toEqual([]);
    expect(u.advisory).toHaveLength(1);
    expect((await verdict(EC_RG, { globalReplicationGroupId: "g" })).notApplicable).toHaveLength(1);
  });

  it("ElastiCache node-based clusters cannot encrypt at rest; members are judged on their group", async () => {
    expect((await verdict(EC_CLUSTER, { engine: "memcached" })).mandatory).toEqual([
      "Amazon ElastiCache: a node-based cluster (aws.elasticache.Cluster) has no encryption at rest; use an aws.elasticache.ReplicationGroup with atRestEncryptionEnabled: true (Valkey or Redis OSS) or an aws.elasticache.ServerlessCache (always encrypted)",
    ]);
    expect((await verdict(EC_CLUSTER, { replicationGroupId: "rg" })).notApplicable).toHaveLength(1);
  });

  it("MSK is always encrypted at rest; DAX needs serverSideEncryption; OpenSearch (both tokens) encryptAtRest", async () => {
    expect(await verdict(MSK, {})).toEqual(PASS);
    expect(await verdict(DAX, { serverSideEncryption: { enabled: true } })).toEqual(PASS);
    expect((await verdict(DAX, {})).mandatory).toEqual([
      "Amazon DynamoDB Accelerator (DAX): serverSideEncryption.enabled is not set and AWS defaults to false, so the cache nodes' data on disk is not encrypted; set serverSideEncryption.enabled: true (only at creation)",
    ]);
    for (const t of [OPENSEARCH, ELASTICSEARCH]) {
      expect(await verdict(t, { encryptAtRest: { enabled: true } })).toEqual(PASS);
      expect((await verdict(t, { encryptAtRest: { enabled: false } })).mandatory).toHaveLength(1);
      expect((await verdict(t, { encryptAtRest: UNKNOWN_OBJECT })).advisory).toHaveLength(1);
    }
  });

  it("SQS: SSE-SQS by default or a KMS key; SNS only with a KMS key", async () => {
    expect(await verdict(SQS, {})).toEqual(PASS);
    expect(await verdict(SQS, { sqsManagedSseEnabled: false, kmsMasterKeyId: "alias/aws/sqs" })).toEqual(
      PASS,
    );
    expect((await verdict(SQS, { sqsManagedSseEnabled: false })).mandatory).toEqual([
      "Amazon SQS: sqsManagedSseEnabled is not true (nor does kmsMasterKeyId satisfy it), so messages are stored unencrypted; set sqsManagedSseEnabled: true, or kmsMasterKeyId to a KMS key",
    ]);
    expect(await verdict(SNS, { kmsMasterKeyId: "alias/aws/sns" })).toEqual(PASS);
    expect((await verdict(SNS, {})).mandatory).toEqual([
      "Amazon SNS: kmsMasterKeyId is not set, so messages are stored unencrypted; set kmsMasterKeyId: a KMS key (a customer managed key, or alias/aws/sns)",
    ]);
  });

  it("requireCustomerManagedKeys: AWS managed keys and missing keys are blocked where a customer key can be used", async () => {
    expect(await verdict(RDS, { storageEncrypted: true, kmsKeyId: KEY }, CMK)).toEqual(PASS);
    expect((await verdict(RDS, { storageEncrypted: true }, CMK)).mandatory).toEqual([
      "Amazon RDS: kmsKeyId is not set, so an AWS managed key encrypts the data (requireCustomerManagedKeys); set kmsKeyId to the ARN of a customer managed KMS key with rotation on",
    ]);
    expect((await verdict(SQS, { kmsMasterKeyId: "alias/aws/sqs" }, CMK)).mandatory).toEqual([
      "Amazon SQS: kmsMasterKeyId names the AWS managed key (requireCustomerManagedKeys); set it to the ARN of a customer managed KMS key with rotation on",
    ]);
    expect(
      (await verdict(SNS, { kmsMasterKeyId: "arn:aws:kms:us-east-1:123456789012:alias/aws/sns" }, CMK))
        .mandatory,
    ).toHaveLength(1);
    expect((await verdict(MSK, {}, CMK)).mandatory).toEqual([
      "Amazon MSK: encryptionInfo.encryptionAtRestKmsKeyArn is not set, so an AWS managed key encrypts the data (requireCustomerManagedKeys); set encryptionInfo.encryptionAtRestKmsKeyArn to the ARN of a customer managed KMS key with rotation on",
    ]);
    expect(await verdict(MSK, { encryptionInfo: { encryptionAtRestKmsKeyArn: KEY } }, CMK)).toEqual(PASS);
    // DAX has no customer-key option: the setting does not apply to it.
    expect(await verdict(DAX, { serverSideEncryption: { enabled: true } }, CMK)).toEqual(PASS);
    expect(
      (await verdict(RDS, { storageEncrypted: true, kmsKeyId: UNKNOWN_STRING }, CMK)).advisory,
    ).toHaveLength(1);
  });

  describe("Neptune, Kinesis Data Streams and DocumentDB elastic clusters", () => {
    // One valid fixture per type; each case changes one field.
    const graph = { engine: "neptune", engineVersion: "1.3.2.0", storageEncrypted: true, kmsKeyArn: KEY };
    const stream = { name: "events", encryptionType: "KMS", kmsKeyId: KEY };
    const elastic = { name: "docs", shardCapacity: 2, shardCount: 1, kmsKeyId: KEY };

    it("the valid fixtures pass, also with requireCustomerManagedKeys", async () => {
      for (const [type, props] of [
        [NEPTUNE, graph],
        [KINESIS, stream],
        [DOCDB_ELASTIC, elastic],
      ] as const) {
        expect(await verdict(type, props)).toEqual(PASS);
        expect(await verdict(type, props, CMK)).toEqual(PASS);
      }
    });

    it("Neptune clusters: storageEncrypted (default false); a key alone does not encrypt", async () => {
      expect((await verdict(NEPTUNE, { ...graph, storageEncrypted: undefined })).mandatory).toEqual([
        "Amazon Neptune: storageEncrypted is not set and AWS defaults to false, so the cluster storage, backups and snapshots are not encrypted; set storageEncrypted: true (only at creation; kmsKeyArn alone does not encrypt)",
      ]);
      expect((await verdict(NEPTUNE, { ...graph, storageEncrypted: false })).mandatory).toEqual([
        "Amazon Neptune: storageEncrypted is not true, so the cluster storage, backups and snapshots are not encrypted; set storageEncrypted: true (only at creation; kmsKeyArn alone does not encrypt)",
      ]);
      const u = await verdict(NEPTUNE, { ...graph, storageEncrypted: UNKNOWN_BOOL });
      expect(u.mandatory).toEqual([]);
      expect(u.advisory).toHaveLength(1);
    });

    it("Neptune with requireCustomerManagedKeys: the aws/rds key or none is blocked", async () => {
      expect((await verdict(NEPTUNE, { ...graph, kmsKeyArn: undefined }, CMK)).mandatory).toEqual([
        "Amazon Neptune: kmsKeyArn is not set, so an AWS managed key encrypts the data (requireCustomerManagedKeys); set kmsKeyArn to the ARN of a customer managed KMS key with rotation on",
      ]);
      expect(
        (
          await verdict(
            NEPTUNE,
            { ...graph, kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:alias/aws/rds" },
            CMK,
          )
        ).mandatory,
      ).toEqual([
        "Amazon Neptune: kmsKeyArn names the AWS managed key (requireCustomerManagedKeys); set it to the ARN of a customer managed KMS key with rotation on",
      ]);
    });

    it("Neptune global databases: storageEncrypted, or a source cluster (judged itself)", async () => {
      expect(await verdict(NEPTUNE_GLOBAL, { globalClusterIdentifier: "g", storageEncrypted: true })).toEqual(
        PASS,
      );
      expect(
        await verdict(NEPTUNE_GLOBAL, {
          globalClusterIdentifier: "g",
          sourceDbClusterIdentifier: "arn:aws:rds:us-east-1:123456789012:cluster:graph",
        }),
      ).toEqual(PASS);
      expect((await verdict(NEPTUNE_GLOBAL, { globalClusterIdentifier: "g" })).mandatory).toEqual([
        "Amazon Neptune global database: storageEncrypted is not set and AWS defaults to false (nor does sourceDbClusterIdentifier satisfy it), so the global database's clusters are created unencrypted; set storageEncrypted: true (only at creation)",
      ]);
    });

    it("Kinesis streams: encryptionType KMS (default NONE) with a key", async () => {
      expect((await verdict(KINESIS, { name: "events" })).mandatory).toEqual([
        'Amazon Kinesis Data Streams: encryptionType is not set and AWS defaults to "NONE", so records are stored unencrypted; set encryptionType: "KMS" with kmsKeyId',
      ]);
      expect((await verdict(KINESIS, { ...stream, encryptionType: "NONE" })).mandatory).toEqual([
        'Amazon Kinesis Data Streams: encryptionType is not "KMS", so records are stored unencrypted; set encryptionType: "KMS" with kmsKeyId',
      ]);
      expect((await verdict(KINESIS, { ...stream, kmsKeyId: undefined })).mandatory).toEqual([
        "Amazon Kinesis Data Streams: kmsKeyId is not set, so Kinesis has no key to encrypt the records with; set kmsKeyId: a KMS key (a customer managed key, or alias/aws/kinesis)",
      ]);
      // The Kinesis-owned key encrypts; only requireCustomerManagedKeys asks for another.
      expect(await verdict(KINESIS, { ...stream, kmsKeyId: "alias/aws/kinesis" })).toEqual(PASS);
      expect((await verdict(KINESIS, { ...stream, kmsKeyId: "alias/aws/kinesis" }, CMK)).mandatory).toEqual([
        "Amazon Kinesis Data Streams: kmsKeyId names the AWS managed key (requireCustomerManagedKeys); set it to the ARN of a customer managed KMS key with rotation on",
      ]);
    });

    it("Kinesis: without a key the stream fails whatever the unknown encryptionType turns out to be", async () => {
      const noKey = await verdict(KINESIS, { name: "events", encryptionType: UNKNOWN_STRING });
      expect(noKey.mandatory).toEqual([
        "Amazon Kinesis Data Streams: kmsKeyId is not set, so Kinesis has no key to encrypt the records with; set kmsKeyId: a KMS key (a customer managed key, or alias/aws/kinesis)",
      ]);
      expect(noKey.advisory).toHaveLength(1);
      const withKey = await verdict(KINESIS, { ...stream, encryptionType: UNKNOWN_STRING });
      expect(withKey.mandatory).toEqual([]);
      expect(withKey.advisory).toEqual([
        "encryptionType (Amazon Kinesis Data Streams): it is not known at preview; this policy checks it again at `pulumi up`",
      ]);
    });

    it("DocumentDB elastic clusters are always encrypted; requireCustomerManagedKeys asks for kmsKeyId", async () => {
      expect(await verdict(DOCDB_ELASTIC, { ...elastic, kmsKeyId: undefined })).toEqual(PASS);
      expect((await verdict(DOCDB_ELASTIC, { ...elastic, kmsKeyId: undefined }, CMK)).mandatory).toEqual([
        "Amazon DocumentDB elastic cluster: kmsKeyId is not set, so an AWS managed key encrypts the data (requireCustomerManagedKeys); set kmsKeyId to the ARN of a customer managed KMS key with rotation on",
      ]);
    });
  });

  describe("Amazon MQ, serverless caches, MSK Serverless and Redshift Serverless namespaces (always encrypted)", () => {
    // One valid fixture per type (valid with requireCustomerManagedKeys too); each case changes one field.
    const active = {
      brokerName: "mq",
      engineType: "ActiveMQ",
      hostInstanceType: "mq.m5.large",
      encryptionOptions: { useAwsOwnedKey: false, kmsKeyId: KEY },
    };
    const rabbit = { brokerName: "mq", engineType: "RabbitMQ", hostInstanceType: "mq.m5.large" };
    const cache = { name: "cache", engine: "valkey", kmsKeyId: KEY };
    const namespace = { namespaceName: "phi", kmsKeyId: KEY };
    const OWNED =
      "Amazon MQ: encryptionOptions.useAwsOwnedKey is not set and AWS defaults to true, so an AWS owned key encrypts the data (requireCustomerManagedKeys); set encryptionOptions.useAwsOwnedKey: false with encryptionOptions.kmsKeyId set to the ARN of a customer managed KMS key with rotation on (only at creation)";
    const NO_MQ_KEY =
      "Amazon MQ: encryptionOptions.kmsKeyId is not set, so an AWS managed key encrypts the data (requireCustomerManagedKeys); set encryptionOptions.kmsKeyId to the ARN of a customer managed KMS key with rotation on";

    it("the valid fixtures pass, also with requireCustomerManagedKeys", async () => {
      for (const [type, props] of [
        [MQ, active],
        [MQ, rabbit],
        [EC_SERVERLESS, cache],
        [NAMESPACE, namespace],
      ] as const) {
        expect(await verdict(type, props)).toEqual(PASS);
        expect(await verdict(type, props, CMK)).toEqual(PASS);
      }
    });

    it("without requireCustomerManagedKeys the key does not matter: AWS always encrypts them", async () => {
      expect(await verdict(MQ, { ...active, encryptionOptions: undefined })).toEqual(PASS);
      expect(await verdict(EC_SERVERLESS, { ...cache, kmsKeyId: undefined })).toEqual(PASS);
      expect(await verdict(NAMESPACE, { ...namespace, kmsKeyId: undefined })).toEqual(PASS);
    });

    it("Amazon MQ for ActiveMQ with requireCustomerManagedKeys: no AWS owned key, no aws/mq key", async () => {
      expect((await verdict(MQ, { ...active, encryptionOptions: undefined }, CMK)).mandatory).toEqual([
        OWNED,
      ]);
      expect(
        (await verdict(MQ, { ...active, encryptionOptions: { useAwsOwnedKey: true, kmsKeyId: KEY } }, CMK))
          .mandatory,
      ).toEqual([
        "Amazon MQ: encryptionOptions.useAwsOwnedKey is not false, so an AWS owned key encrypts the data (requireCustomerManagedKeys); set encryptionOptions.useAwsOwnedKey: false with encryptionOptions.kmsKeyId set to the ARN of a customer managed KMS key with rotation on (only at creation)",
      ]);
      expect(
        (await verdict(MQ, { ...active, encryptionOptions: { useAwsOwnedKey: false } }, CMK)).mandatory,
      ).toEqual([NO_MQ_KEY]);
      expect(
        (
          await verdict(
            MQ,
            { ...active, encryptionOptions: { useAwsOwnedKey: false, kmsKeyId: "alias/aws/mq" } },
            CMK,
          )
        ).mandatory,
      ).toEqual([
        "Amazon MQ: encryptionOptions.kmsKeyId names the AWS managed key (requireCustomerManagedKeys); set it to the ARN of a customer managed KMS key with rotation on",
      ]);
    });

    it("Amazon MQ for RabbitMQ can only use an AWS owned key: requireCustomerManagedKeys asks nothing AWS rejects", async () => {
      expect(await verdict(MQ, { ...rabbit, encryptionOptions: { useAwsOwnedKey: true } }, CMK)).toEqual(
        PASS,
      );
    });

    it("Amazon MQ unknowns: a missing key is mandatory whatever useAwsOwnedKey turns out to be", async () => {
      const engine = await verdict(MQ, { ...active, engineType: UNKNOWN_STRING }, CMK);
      expect(engine.mandatory).toEqual([]);
      expect(engine.advisory).toEqual([
        "engineType (Amazon MQ: decides whether a customer managed key applies): it is not known at preview; this policy checks it again at `pulumi up`",
      ]);
      const noKey = await verdict(
        MQ,
        { ...active, encryptionOptions: { useAwsOwnedKey: UNKNOWN_BOOL } },
        CMK,
      );
      expect(noKey.mandatory).toEqual([NO_MQ_KEY]);
      expect(noKey.advisory).toEqual([
        "encryptionOptions.useAwsOwnedKey (Amazon MQ): it is not known at preview; this policy checks it again at `pulumi up`",
      ]);
      const withKey = await verdict(
        MQ,
        { ...active, encryptionOptions: { useAwsOwnedKey: UNKNOWN_BOOL, kmsKeyId: KEY } },
        CMK,
      );
      expect(withKey.mandatory).toEqual([]);
      expect(withKey.advisory).toHaveLength(1);
    });

    it("serverless caches and namespaces with requireCustomerManagedKeys ask for kmsKeyId", async () => {
      expect((await verdict(EC_SERVERLESS, { ...cache, kmsKeyId: undefined }, CMK)).mandatory).toEqual([
        "Amazon ElastiCache Serverless: kmsKeyId is not set, so an AWS managed key encrypts the data (requireCustomerManagedKeys); set kmsKeyId to the ARN of a customer managed KMS key with rotation on",
      ]);
      expect((await verdict(NAMESPACE, { ...namespace, kmsKeyId: undefined }, CMK)).mandatory).toEqual([
        "Amazon Redshift Serverless: kmsKeyId is not set, so an AWS managed key encrypts the data (requireCustomerManagedKeys); set kmsKeyId to the ARN of a customer managed KMS key with rotation on",
      ]);
      expect(
        (await verdict(NAMESPACE, { ...namespace, kmsKeyId: "alias/aws/redshift" }, CMK)).mandatory,
      ).toEqual([
        "Amazon Redshift Serverless: kmsKeyId names the AWS managed key (requireCustomerManagedKeys); set it to the ARN of a customer managed KMS key with rotation on",
      ]);
    });

    it("MSK Serverless takes no key: not applicable, with AWS's reason, whatever the option", async () => {
      const cluster = { clusterName: "events", clientAuthentication: { sasl: { iam: { enabled: true } } } };
      const reason =
        "Amazon MSK always encrypts data at rest, and a serverless cluster takes no KMS key, so there is no setting to enforce (nor a customer managed key to require)";
      const na = { mandatory: [], advisory: [], notApplicable: [reason] };
      expect(await verdict(MSK_SERVERLESS, cluster)).toEqual(na);
      expect(await verdict(MSK_SERVERLESS, cluster, CMK)).toEqual(na);
    });
  });

  it("rejects an invalid option value (the CLI validates config against the schema)", async () => {
    await expect(verdict(SQS, {}, { requireCustomerManagedKeys: "yes" })).rejects.toThrow(/invalid config/);
  });
});
