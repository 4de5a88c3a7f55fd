import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { hipaaFramework } from "../framework";
import { configWithDefaults, Findings, rawProps } from "../policy-kit";
import { checkEntry, entriesByToken } from "../data-services";
import { DATA_SERVICES } from "../rules";

export const dataAtRestEncryptedConfigSchema = {
  properties: {
    requireCustomerManagedKeys: {
      type: "boolean",
      description:
        "Also require a customer managed KMS key (not the AWS managed key) where the service can use one: RDS, Aurora, DocumentDB (elastic clusters too), Redshift (Serverless namespaces too), ElastiCache replication groups and serverless caches, MSK, OpenSearch, SQS, SNS, Neptune, Kinesis Data Streams and Amazon MQ for ActiveMQ.",
      default: false,
    },
  },
} satisfies PolicyConfigSchema;

interface DataAtRestConfig {
  requireCustomerManagedKeys: boolean;
}

const DESCRIPTION =
  "Data stores that hold PHI encrypt it at rest: databases, caches, streams, search domains, queues and topics.";

const ENTRIES = entriesByToken(DATA_SERVICES.atRest);

/** The resource types phi-data-at-rest-encrypted judges, for tests and docs. */
export const DATA_AT_REST_TYPES: readonly string[] = [...ENTRIES.keys()];

export const dataAtRestEncrypted: ResourceValidationPolicy = {
  name: "phi-data-at-rest-encrypted",
  description: DESCRIPTION,
  severity: "high",
  framework: hipaaFramework("a2iv"),
  tags: ["encryption-at-rest", "kms", "databases", "caches", "queues", "hipaa"],
  remediationSteps:
    "Encrypt at creation (most services cannot encrypt an existing store in place): RDS instances, Aurora/RDS clusters, global clusters and DocumentDB storageEncrypted: true with kmsKeyId; Redshift encrypted: true (the default); ElastiCache a ReplicationGroup with atRestEncryptionEnabled: true (node-based Memcached clusters cannot encrypt at rest: use a ServerlessCache or a Valkey/Redis OSS replication group); DAX serverSideEncryption.enabled: true; OpenSearch encryptAtRest.enabled: true; SQS keep SSE-SQS (sqsManagedSseEnabled not false) or set kmsMasterKeyId; SNS kmsMasterKeyId; Neptune clusters and global clusters storageEncrypted: true; Kinesis Data Streams encryptionType: KMS with kmsKeyId. With requireCustomerManagedKeys, name a customer managed KMS key with rotation on (see phi-kms-key-rotation); Amazon MQ for ActiveMQ: encryptionOptions { useAwsOwnedKey: false, kmsKeyId }.",
  configSchema: dataAtRestEncryptedConfigSchema,
  validateResource: (args, reportViolation) => {
    const entry = ENTRIES.get(args.type);
    if (!entry)
      return args.notApplicable(
        `${args.type} is not one of the data stores this policy covers (databases, caches, MSK, DAX, OpenSearch, SQS, SNS, Neptune, Kinesis Data Streams, Amazon MQ, Redshift Serverless namespaces)`,
      );
    const config = configWithDefaults<DataAtRestConfig>(args, dataAtRestEncryptedConfigSchema);
    const f = new Findings();
    const na = checkEntry(f, entry, rawProps(args.props), {
      requireCustomerManagedKey: config.requireCustomerManagedKeys,
    });
    if (na !== undefined && f.count === 0) return args.notApplicable(na);
    f.report(reportViolation, DESCRIPTION);
  },
};
