import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import {
  AllowlistedSecurityGroup,
  validateAllowlistedSecurityGroupArgs,
  type AllowlistedSecurityGroupArgs,
  type RulePeer,
} from "./AllowlistedSecurityGroup";
import { tlsParameterFor } from "../policies/src/rules";
import { checkedOrThrow, runChecks, type ConfigChecks, type ConfigProblem } from "./errors";
import { mergeTags } from "./tags";

const COMPONENT = "PrivateDatabase";

/** The engines PrivateDatabase builds: RDS for PostgreSQL (one instance) or Aurora PostgreSQL (a cluster). */
export const DATABASE_ENGINES = ["postgres", "aurora-postgresql"] as const;
export type DatabaseEngine = (typeof DATABASE_ENGINES)[number];

/** Default engine: RDS for PostgreSQL, the most common PHI store. */
export const DEFAULT_DATABASE_ENGINE: DatabaseEngine = "postgres";
/** Default engine version (major.minor); its major selects the parameter group family (`postgres16`). */
export const DEFAULT_DATABASE_ENGINE_VERSION = "16.4";
/** Default instance class, available for both engines. */
export const DEFAULT_DATABASE_INSTANCE_CLASS = "db.t4g.medium";
/** Default allocated storage in GiB (RDS only; gp3's minimum). */
export const DEFAULT_ALLOCATED_STORAGE_GB = 20;
/** PostgreSQL's port: the one the security group opens and the allowlist must carry. */
export const DEFAULT_DATABASE_PORT = 5432;
/** The allowlist entry for the database port, as the pack's `allowedIngress` option writes it. */
export const DEFAULT_DATABASE_ALLOWED_INGRESS: readonly string[] = [`tcp/${DEFAULT_DATABASE_PORT}`];
/** Default automated backup retention: AWS's maximum (1 to 35 days; 0 would disable backups). */
export const DEFAULT_BACKUP_RETENTION_DAYS = 35;
/** Backup retention bounds AWS accepts with backups enabled. */
export const BACKUP_RETENTION_MIN_DAYS = 1;
export const BACKUP_RETENTION_MAX_DAYS = 35;
/** Default name of the initial database. */
export const DEFAULT_DATABASE_NAME = "phi";
/** Default master user name (the password is managed by RDS in Secrets Manager, never in state). */
export const DEFAULT_MASTER_USERNAME = "phi_admin";
/** Default deletion protection. */
export const DEFAULT_DATABASE_DELETION_PROTECTION = true;
/** Default KMS key deletion window (AWS allows 7 to 30 days). */
export const DEFAULT_KEY_DELETION_WINDOW_DAYS = 30;

/** Connection attempts logged, successful or not (164.312(b) audit controls). */
export const CONNECTION_LOGGING_PARAMETERS: Readonly<Record<string, string>> = Object.freeze({
  log_connections: "1",
  log_disconnections: "1",
});

/**
 * The parameters every PrivateDatabase parameter group sets: the TLS-enforcing parameter the pack requires
 * for the engine (from the rules module's data-service table, `rds.force_ssl = 1` for both engines; HIPAA
 * 164.312(e)(1)), and connection logging.
 */
export function databaseParameters(engine: DatabaseEngine): Record<string, string> {
  const tls = tlsParameterFor(engine);
  if (!tls) throw new Error(`no TLS-enforcing parameter is known for ${engine}`);
  return { [tls.name]: tls.value, ...CONNECTION_LOGGING_PARAMETERS };
}

/** The log types each engine exports to CloudWatch Logs. */
export const DATABASE_LOG_EXPORTS: Readonly<Record<DatabaseEngine, readonly string[]>> = Object.freeze({
  postgres: ["postgresql", "upgrade"],
  "aurora-postgresql": ["postgresql"],
});

/** A client allowed to reach the database: a private CIDR (IPv4 or IPv6), a security group or a prefix list. */
export type DatabaseSource =
  string | { securityGroupId: pulumi.Input<string> } | { prefixListId: pulumi.Input<string> };

export interface PrivateDatabaseArgs {
  /** VPC of the database. Required. */
  vpcId: pulumi.Input<string>;
  /** Private subnets for the DB subnet group: two or more availability zones, as RDS requires. Required. */
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Who may connect on the database port: private CIDRs, security groups or prefix lists. Required and
   * non-empty; public CIDRs are refused as in AllowlistedSecurityGroup.
   */
  allowedSources: DatabaseSource[];
  /**
   * The channel allowlist the security group is checked against, as the pack's `allowedIngress` option.
   * Must carry the database port. Default: `["tcp/5432"]` (`DEFAULT_DATABASE_ALLOWED_INGRESS`).
   */
  allowedIngress?: readonly string[];
  /** `"postgres"` (RDS instance) or `"aurora-postgresql"` (Aurora cluster). Default: `"postgres"`. */
  engine?: DatabaseEngine;
  /** Engine version, `major.minor`. Default: `"16.4"`. */
  engineVersion?: string;
  /** Instance class. Default: `"db.t4g.medium"`. */
  instanceClass?: string;
  /** Allocated storage in GiB, RDS only (Aurora storage grows by itself). Default: `20`. */
  allocatedStorageGb?: number;
  /** Automated backup retention, 1 to 35 days. Default: `35`. */
  backupRetentionDays?: number;
  /** Name of the initial database. Default: `"phi"`. */
  databaseName?: string;
  /** Master user name; its password is generated and kept by RDS in Secrets Manager. Default: `"phi_admin"`. */
  masterUsername?: string;
  /** Deletion protection. Default: `true`. */
  deletionProtection?: boolean;
  /** Extra tags; the classification and component tags cannot be overridden. Default: none. */
  tags?: Record<string, string>;
}

/** The validated settings the constructor builds from. */
interface DatabasePlan {
  engine: DatabaseEngine;
  engineVersion: string;
  family: string;
  instanceClass: string;
  allocatedStorageGb: number;
  backupRetentionDays: number;
  databaseName: string;
  masterUsername: string;
  deletionProtection: boolean;
  securityGroup: Omit<AllowlistedSecurityGroupArgs, "vpcId">;
}

/**
 * The database end of a PHI channel: PostgreSQL on RDS or Aurora in private subnets, never public, TLS
 * forced by a managed parameter group, storage encrypted with a rotating KMS key, IAM database
 * authentication, connection logging exported to CloudWatch Logs, backups and deletion protection, and an
 * AllowlistedSecurityGroup that admits tcp/5432 from the declared sources only.
 */
export class PrivateDatabase extends pulumi.ComponentResource {
  readonly kmsKey: aws.kms.Key;
  readonly securityGroup: AllowlistedSecurityGroup;
  readonly subnetGroup: aws.rds.SubnetGroup;
  /** `aws.rds.ParameterGroup` (postgres) or `aws.rds.ClusterParameterGroup` (aurora-postgresql). */
  readonly parameterGroup: aws.rds.ParameterGroup | aws.rds.ClusterParameterGroup;
  readonly instance?: aws.rds.Instance;
  readonly cluster?: aws.rds.Cluster;
  readonly clusterInstances: aws.rds.ClusterInstance[];
  /** Host name clients connect to (the cluster's writer endpoint for Aurora). */
  readonly endpoint: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  readonly securityGroupId: pulumi.Output<string>;
  /** ARN of the Secrets Manager secret RDS keeps the master password in. */
  readonly masterUserSecretArn: pulumi.Output<string | undefined>;

  constructor(name: string, args: PrivateDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate everything, the security group included, before registering anything.
    const plan = checkedOrThrow(COMPONENT, name, (c) => planDatabase(c, name, args));
    super("phi:data:PrivateDatabase", name, {}, opts);
    const tags = mergeTags("phi", args.tags, COMPONENT);

    this.kmsKey = new aws.kms.Key(
      `${name}-key`,
      {
        description: `Encrypts the storage, backups and master-user secret of PrivateDatabase ${name}`,
        enableKeyRotation: true,
        deletionWindowInDays: DEFAULT_KEY_DELETION_WINDOW_DAYS,
        tags,
      },
      { parent: this },
    );
    this.securityGroup = new AllowlistedSecurityGroup(
      `${name}-sg`,
      { ...plan.securityGroup, vpcId: args.vpcId },
      { parent: this },
    );
    this.securityGroupId = this.securityGroup.securityGroupId;
    this.subnetGroup = new aws.rds.SubnetGroup(
      `${name}-subnets`,
      { subnetIds: args.subnetIds, description: `Private subnets of PrivateDatabase ${name}`, tags },
      { parent: this },
    );
    const parameters = Object.entries(databaseParameters(plan.engine)).map(([pname, value]) => ({
      name: pname,
      value,
      applyMethod: "immediate",
    }));

    // What RDS instances and Aurora clusters share; the two APIs name the database and user differently.
    const common = {
      engine: plan.engine,
      engineVersion: plan.engineVersion,
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: this.kmsKey.arn,
      dbSubnetGroupName: this.subnetGroup.name,
      vpcSecurityGroupIds: [this.securityGroupId],
      port: DEFAULT_DATABASE_PORT,
      storageEncrypted: true,
      kmsKeyId: this.kmsKey.arn,
      iamDatabaseAuthenticationEnabled: true,
      enabledCloudwatchLogsExports: [...DATABASE_LOG_EXPORTS[plan.engine]],
      backupRetentionPeriod: plan.backupRetentionDays,
      deletionProtection: plan.deletionProtection,
      copyTagsToSnapshot: true,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: `${name}-final`,
      tags,
    };

    // RDS instances take a ParameterGroup, Aurora clusters a ClusterParameterGroup, with the same settings.
    const parameterGroupArgs = {
      family: plan.family,
      description: `TLS-only, connection-logging parameters of PrivateDatabase ${name}`,
      parameters,
      tags,
    };

    if (plan.engine === "postgres") {
      const parameterGroup = new aws.rds.ParameterGroup(`${name}-params`, parameterGroupArgs, {
        parent: this,
      });
      this.parameterGroup = parameterGroup;
      this.instance = new aws.rds.Instance(
        name,
        {
          ...common,
          dbName: plan.databaseName,
          username: plan.masterUsername,
          instanceClass: plan.instanceClass,
          allocatedStorage: plan.allocatedStorageGb,
          storageType: "gp3",
          parameterGroupName: parameterGroup.name,
          publiclyAccessible: false,
          multiAz: true,
          autoMinorVersionUpgrade: true,
        },
        { parent: this },
      );
      this.clusterInstances = [];
      this.endpoint = this.instance.address;
      this.port = this.instance.port;
      this.masterUserSecretArn = this.instance.masterUserSecrets.apply((s) => s?.[0]?.secretArn);
    } else {
      const parameterGroup = new aws.rds.ClusterParameterGroup(`${name}-params`, parameterGroupArgs, {
        parent: this,
      });
      this.parameterGroup = parameterGroup;
      this.cluster = new aws.rds.Cluster(
        name,
        {
          ...common,
          databaseName: plan.databaseName,
          masterUsername: plan.masterUsername,
          dbClusterParameterGroupName: parameterGroup.name,
        },
        { parent: this },
      );
      // Two instances in the subnet group's availability zones: a writer and a reader to fail over to.
      this.clusterInstances = [0, 1].map(
        (i) =>
          new aws.rds.ClusterInstance(
            `${name}-${i}`,
            {
              clusterIdentifier: this.cluster!.id,
              engine: plan.engine,
              engineVersion: plan.engineVersion,
              instanceClass: plan.instanceClass,
              dbSubnetGroupName: this.subnetGroup.name,
              publiclyAccessible: false,
              autoMinorVersionUpgrade: true,
              copyTagsToSnapshot: true,
              tags,
            },
            { parent: this },
          ),
      );
      this.endpoint = this.cluster.endpoint;
      this.port = this.cluster.port;
      this.masterUserSecretArn = this.cluster.masterUserSecrets.apply((s) => s?.[0]?.secretArn);
    }

    this.registerOutputs({
      endpoint: this.endpoint,
      port: this.port,
      securityGroupId: this.securityGroupId,
      kmsKeyArn: this.kmsKey.arn,
      masterUserSecretArn: this.masterUserSecretArn,
    });
  }
}

/**
 * Checks the arguments as the constructor does, without creating anything, and returns every problem
 * (none: valid). The security group's problems are included under this component's field names.
 */
export function validatePrivateDatabaseArgs(name: string, args: PrivateDatabaseArgs): ConfigProblem[] {
  return runChecks(COMPONENT, name, (c) => planDatabase(c, name, args)).problems;
}

/** The source as the security group's rule peer: a CIDR string becomes an IPv4 or IPv6 block. */
export function databaseSourcePeer(source: DatabaseSource): RulePeer {
  if (typeof source === "string") {
    return source.includes(":") ? { ipv6CidrBlock: source } : { cidrBlock: source };
  }
  return source;
}

function planDatabase(c: ConfigChecks, name: string, args: PrivateDatabaseArgs): DatabasePlan {
  if (args === undefined || args === null || typeof args !== "object") {
    c.stop("args", args, "is missing", "pass { vpcId, subnetIds, allowedSources }");
  }
  if (args.vpcId === undefined || args.vpcId === null || args.vpcId === "") {
    c.report("vpcId", args.vpcId, "is required", "pass the id of the channel's private VPC");
  }
  if (args.subnetIds === undefined || args.subnetIds === null) {
    c.report(
      "subnetIds",
      args.subnetIds,
      "is required",
      "pass two or more private subnets in different zones",
    );
  } else if (Array.isArray(args.subnetIds) && args.subnetIds.length < 2) {
    c.report(
      "subnetIds",
      args.subnetIds,
      "must list at least two subnets: an RDS subnet group spans two or more availability zones",
      "pass the channel's private subnets",
    );
  }

  const engine = args.engine ?? DEFAULT_DATABASE_ENGINE;
  if (!DATABASE_ENGINES.includes(engine)) {
    c.report(
      "engine",
      args.engine,
      "is not an engine PrivateDatabase builds",
      `set engine to ${DATABASE_ENGINES.map((e) => `"${e}"`).join(" or ")}`,
    );
  }
  const engineVersion = args.engineVersion ?? DEFAULT_DATABASE_ENGINE_VERSION;
  const major = typeof engineVersion === "string" ? /^(\d+)\.\d+$/.exec(engineVersion)?.[1] : undefined;
  if (major === undefined) {
    c.report(
      "engineVersion",
      args.engineVersion,
      "is not a PostgreSQL major.minor version",
      `write e.g. "${DEFAULT_DATABASE_ENGINE_VERSION}"`,
    );
  }
  const instanceClass = args.instanceClass ?? DEFAULT_DATABASE_INSTANCE_CLASS;
  if (typeof instanceClass !== "string" || !/^db\.[a-z0-9-]+\.[a-z0-9-]+$/.test(instanceClass)) {
    c.report(
      "instanceClass",
      args.instanceClass,
      "is not an RDS instance class",
      `write e.g. "${DEFAULT_DATABASE_INSTANCE_CLASS}"`,
    );
  }
  const storage = args.allocatedStorageGb ?? DEFAULT_ALLOCATED_STORAGE_GB;
  if (!Number.isInteger(storage) || storage < DEFAULT_ALLOCATED_STORAGE_GB) {
    c.report(
      "allocatedStorageGb",
      args.allocatedStorageGb,
      `must be a whole number of GiB, at least ${DEFAULT_ALLOCATED_STORAGE_GB} (gp3's minimum)`,
      `omit it (default ${DEFAULT_ALLOCATED_STORAGE_GB}) or set a larger integer`,
    );
  }
  const backups = args.backupRetentionDays ?? DEFAULT_BACKUP_RETENTION_DAYS;
  if (
    !Number.isInteger(backups) ||
    backups < BACKUP_RETENTION_MIN_DAYS ||
    backups > BACKUP_RETENTION_MAX_DAYS
  ) {
    c.report(
      "backupRetentionDays",
      args.backupRetentionDays,
      `must be a whole number of days from ${BACKUP_RETENTION_MIN_DAYS} to ${BACKUP_RETENTION_MAX_DAYS} (0 would disable backups)`,
      `omit it (default ${DEFAULT_BACKUP_RETENTION_DAYS}) or set a value in that range`,
    );
  }
  const databaseName = args.databaseName ?? DEFAULT_DATABASE_NAME;
  if (typeof databaseName !== "string" || !/^[A-Za-z][A-Za-z0-9_]{0,62}$/.test(databaseName)) {
    c.report(
      "databaseName",
      args.databaseName,
      "is not a PostgreSQL database name RDS accepts (a letter, then up to 62 letters, digits or underscores)",
      `write e.g. "${DEFAULT_DATABASE_NAME}"`,
    );
  }
  const masterUsername = args.masterUsername ?? DEFAULT_MASTER_USERNAME;
  if (
    typeof masterUsername !== "string" ||
    !/^[A-Za-z][A-Za-z0-9_]{0,62}$/.test(masterUsername) ||
    ["postgres", "rdsadmin", "rdsrepladmin"].includes(masterUsername.toLowerCase())
  ) {
    c.report(
      "masterUsername",
      args.masterUsername,
      "is not a master user name RDS accepts (a letter, then up to 62 letters, digits or underscores; not a reserved name)",
      `write e.g. "${DEFAULT_MASTER_USERNAME}"`,
    );
  }
  const deletionProtection = args.deletionProtection ?? DEFAULT_DATABASE_DELETION_PROTECTION;
  if (typeof deletionProtection !== "boolean") {
    c.report(
      "deletionProtection",
      args.deletionProtection,
      "must be true or false",
      "omit it (default true)",
    );
  }

  // The security group is the AllowlistedSecurityGroup's to judge: its problems read as this component's.
  const sources = args.allowedSources;
  if (!Array.isArray(sources) || sources.length === 0) {
    c.report(
      "allowedSources",
      sources,
      "must list at least one client",
      'pass the application tier, e.g. [{ securityGroupId: app.id }] or ["10.0.0.0/16"]',
    );
  }
  const securityGroup: Omit<AllowlistedSecurityGroupArgs, "vpcId"> = {
    description: `phi-channels PrivateDatabase ${name}: PostgreSQL from the allowlisted sources`,
    allowedIngress: args.allowedIngress ?? DEFAULT_DATABASE_ALLOWED_INGRESS,
    ingress: (Array.isArray(sources) ? sources : []).map((source, i) => ({
      protocol: "tcp",
      port: DEFAULT_DATABASE_PORT,
      source: databaseSourcePeer(source),
      description: `PostgreSQL client ${i} of ${name}`,
    })),
    tags: args.tags,
  };
  c.include(
    validateAllowlistedSecurityGroupArgs(`${name}-sg`, { ...securityGroup, vpcId: "(pending)" }),
    (p) => p.field.replace(/^ingress\[(\d+)\]\.(source|port|fromPort|toPort).*$/, "allowedSources[$1]"),
  );

  return {
    engine,
    engineVersion,
    family: `${engine}${major}`,
    instanceClass,
    allocatedStorageGb: storage,
    backupRetentionDays: backups,
    databaseName,
    masterUsername,
    deletionProtection,
    securityGroup,
  };
}
