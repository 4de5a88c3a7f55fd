import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { hipaaFramework } from "../framework";
import { Findings, rawProps, StackIndex } from "../policy-kit";
import {
  checkDatabase,
  checkDatabaseGroups,
  checkEntry,
  checkParameterGroup,
  DATABASES,
  entriesByToken,
  PARAMETER_GROUPS,
} from "../data-services";
import { DATA_SERVICES } from "../rules";

const DESCRIPTION =
  "Data services that carry PHI accept only encrypted connections: databases enforce TLS through their parameter or option group (Redshift Serverless through its config parameters), caches, streams, search domains and migration endpoints encrypt in transit.";

const ENTRIES = entriesByToken(DATA_SERVICES.inTransit);

/** The resource types phi-data-in-transit-encrypted judges, for tests and docs. */
export const DATA_IN_TRANSIT_TYPES: readonly string[] = [
  ...DATABASES.keys(),
  ...PARAMETER_GROUPS.keys(),
  ...ENTRIES.keys(),
];

const COVERED =
  "databases, parameter groups, caches, MSK, DMS endpoints, OpenSearch domains, Neptune clusters, Redshift Serverless workgroups and Amazon MQ brokers";

export const dataInTransitEncrypted: ResourceValidationPolicy & StackValidationPolicy = {
  name: "phi-data-in-transit-encrypted",
  description: DESCRIPTION,
  severity: "critical",
  framework: hipaaFramework("e2ii"),
  tags: ["encryption-in-transit", "tls", "databases", "caches", "streaming", "hipaa"],
  remediationSteps:
    "Databases: attach a parameter group managed in the stack that enforces TLS: RDS/Aurora PostgreSQL and SQL Server rds.force_ssl = 1 (RDS for PostgreSQL 15+ enforces it by default), MySQL, MariaDB (10.5+) and Aurora MySQL require_secure_transport = ON, DocumentDB tls = enabled (the default), Redshift require_ssl = true; RDS for Oracle: an option group with NATIVE_NETWORK_ENCRYPTION and SQLNET.ENCRYPTION_SERVER = REQUIRED. ElastiCache: a ReplicationGroup with transitEncryptionEnabled: true and transitEncryptionMode required (Memcached clusters: transitEncryptionEnabled: true); MemoryDB tlsEnabled: true; DAX clusterEndpointEncryptionType: TLS; MSK encryptionInTransit clientBroker TLS and inCluster true; DMS endpoints an sslMode the engine supports (verify-full where possible), Kafka securityProtocol ssl-encryption or sasl-ssl; OpenSearch nodeToNodeEncryption.enabled: true; Redshift Serverless workgroups a configParameters entry require_ssl = true (Neptune, Amazon MQ brokers, ElastiCache serverless caches and MSK Serverless accept only TLS). A group outside the stack cannot be verified: manage it in the stack or record an exemption.",
  validateResource: (args, reportViolation) => {
    const db = DATABASES.get(args.type);
    const groupService = db ? undefined : PARAMETER_GROUPS.get(args.type);
    const entry = db || groupService ? undefined : ENTRIES.get(args.type);
    if (!db && !groupService && !entry)
      return args.notApplicable(`${args.type} is not one of the types this policy covers (${COVERED})`);
    const props = rawProps(args.props);
    const f = new Findings();
    if (db) checkDatabase(f, db, props);
    else if (groupService) checkParameterGroup(f, groupService, props, args.notApplicable);
    else {
      const na = checkEntry(f, entry!, props);
      if (na !== undefined && f.count === 0) return args.notApplicable(na);
    }
    f.report(reportViolation, DESCRIPTION);
  },
  validateStack: (args, reportViolation) => {
    const stack = new StackIndex(args.resources);
    if (![...DATABASES.keys()].some((t) => stack.byType.has(t)))
      return args.notApplicable("no relational database in this stack");
    checkDatabaseGroups(stack, (db, f) => f.report(reportViolation, DESCRIPTION, db.urn));
  },
};
