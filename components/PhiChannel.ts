import * as pulumi from "@pulumi/pulumi";
import {
  ACM_CERTIFICATE_ARN_REFUSAL,
  ALL_PORTS,
  AllowlistSyntaxError,
  allowlistEntryRefusal,
  checkGrant,
  classifyCidr,
  DEFAULT_ALLOWED_INGRESS,
  DEFAULT_ELB_SECURITY_POLICY,
  DEFAULT_MINIMUM_RETENTION_DAYS,
  EMPTY_ALLOWLIST_REFUSAL,
  INVALID_CIDR_PROBLEM,
  parseAllowlist,
  type AllowlistEntry,
} from "../policies/src/rules";
import {
  AllowlistedSecurityGroup,
  PUBLIC_CIDR_EXCEPTION_HINT,
  validateAllowlistedSecurityGroupArgs,
  type AllowlistedSecurityGroupArgs,
  type IngressRuleArgs,
  type RulePeer,
} from "./AllowlistedSecurityGroup";
import { checkedOrThrow, runChecks, type ConfigChecks, type ConfigProblem, type ParentField } from "./errors";
import {
  InternalCertificate,
  validateInternalCertificateArgs,
  type InternalCertificateArgs,
} from "./InternalCertificate";
import {
  PrivateDatabase,
  validatePrivateDatabaseArgs,
  type DatabaseSource,
  type PrivateDatabaseArgs,
} from "./PrivateDatabase";
import {
  PhiRuntimeGuardrails,
  validatePhiRuntimeGuardrailsArgs,
  type PhiRuntimeGuardrailsArgs,
} from "./PhiRuntimeGuardrails";
import {
  DEFAULT_VPC_CIDR,
  PrivateNetwork,
  validatePrivateNetworkArgs,
  vpcCidrRefusal,
  type PrivateNetworkArgs,
} from "./PrivateNetwork";
import {
  DATA_CLASSIFICATION_TAG,
  DATA_CLASSIFICATIONS,
  DEFAULT_DATA_CLASSIFICATION,
  RESERVED_TAG_PREFIX,
  type DataClassification,
} from "./tags";
import {
  DEFAULT_LISTENER_PORT,
  DEFAULT_LOAD_BALANCER_TYPE,
  DEFAULT_TARGET_PORT,
  TlsLoadBalancer,
  validateTlsLoadBalancerArgs,
  type TlsCertificateSource,
  type TlsLoadBalancerArgs,
} from "./TlsLoadBalancer";

const COMPONENT = "PhiChannel";

/** Tag key naming the channel every resource belongs to. */
export const CHANNEL_TAG = `${RESERVED_TAG_PREFIX}channel`;

/** VPC CIDR of the channel's own network when none is configured. */
export const DEFAULT_CHANNEL_CIDR = DEFAULT_VPC_CIDR;

/** A client allowed to reach the channel: a private CIDR (IPv4 or IPv6), a security group or a prefix list. */
export type ChannelSource =
  string | { securityGroupId: pulumi.Input<string> } | { prefixListId: pulumi.Input<string> };

/** An existing network to place the channel in. */
export interface ExistingNetworkArgs {
  /** VPC id. */
  vpcId: pulumi.Input<string>;
  /** Private subnets (two or more availability zones for an ALB). */
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * The VPC's IPv4 CIDR: the load balancer may only send to targets inside it. Required so the egress
   * rule is checked (must be private) before anything is created.
   */
  cidrBlock: string;
}

/** The listener certificate: an existing ACM certificate, or one issued by the channel's own CA. */
export type ChannelCertificateArgs =
  | { acmCertificateArn: string }
  | {
      internal: {
        /** DNS names on the certificate. */
        dnsNames: string[];
        /** Default: the InternalCertificate default (ECDSA P256). */
        keyAlgorithm?: "ECDSA" | "RSA";
        ecdsaCurve?: "P256" | "P384";
        rsaBits?: number;
      };
    };

export interface PhiChannelArgs {
  /**
   * Ports clients may use, in the policy pack's syntax. Default: `["tcp/443"]` (HTTPS only). The
   * listener port (443) must be covered.
   */
  allowedIngress?: string[];
  /**
   * Who may connect: private CIDRs, security group ids or prefix list ids. Required and non-empty; each
   * source is allowed on each allowlisted port, nothing else. Public CIDRs are refused.
   */
  allowedSources: ChannelSource[];
  /** Listener certificate. Default: `{ internal: { dnsNames: ["<name>.phi.internal"] } }` (ECDSA P256). */
  certificate?: ChannelCertificateArgs;
  /** Audit-log retention (access and flow logs, Object Lock COMPLIANCE). Default: 2190 (6 years). */
  retentionDays?: number;
  /** Retention floor the log buckets enforce. Default: 2190 (lower only for non-production stacks). */
  minimumRetentionDays?: number;
  /** `"application"` (HTTPS) or `"network"` (TLS). Default: `"application"`. */
  loadBalancerType?: "application" | "network";
  /** Require client certificates (ALB only), verified against the channel CA. Default: `false`. */
  mutualTls?: boolean;
  /**
   * Network: an existing `{ vpcId, subnetIds, cidrBlock }`, or settings for a new {@link PrivateNetwork}.
   * Default: a new PrivateNetwork with CIDR 10.0.0.0/16 and flow logs retained for `retentionDays`.
   */
  network?:
    ExistingNetworkArgs | Omit<PrivateNetworkArgs, "tags" | "flowLogRetentionDays" | "minimumRetentionDays">;
  /** ELB security policy. Default: `ELBSecurityPolicy-TLS13-1-3-2021-06` (TLS 1.3 only). */
  sslPolicy?: string;
  /** Port the targets serve TLS on; the load balancer's only egress. Default: 443. */
  targetPort?: number;
  /** Deletion protection on the load balancer. Default: `true`. */
  deletionProtection?: boolean;
  /**
   * The database end of the channel: a {@link PrivateDatabase} (PostgreSQL, TLS-only, private) in the
   * channel's subnets, admitting `tcp/5432` from `database.allowedSources` (default: the channel VPC's
   * block, where the targets are). Default: none.
   */
  database?: ChannelDatabaseArgs;
  /**
   * Runtime checks from the same rules: a {@link PhiRuntimeGuardrails} (AWS Config managed rules scoped to
   * the channel's tag, a Network Access Analyzer scope on its VPC) over its access- and flow-log buckets.
   * `true` uses the pack's default config; pass `{ policyConfig }` (the parsed `policies/config/<stack>.json`)
   * to watch for what the stack's pack enforces. Default: `false`.
   */
  runtimeGuardrails?: boolean | ChannelGuardrailsArgs;
  /** Classification of what the channel carries. Default: `"phi"`. */
  dataClassification?: DataClassification;
  /** Extra tags on every resource. `phi-channels:*` keys are reserved (set `dataClassification` instead). */
  tags?: Record<string, string>;
}

/** The channel's guardrails: PhiRuntimeGuardrails' settings; buckets, VPC and scope are the channel's. */
export type ChannelGuardrailsArgs = Pick<
  PhiRuntimeGuardrailsArgs,
  "policyConfig" | "dataServiceRules" | "omitRules" | "accessScope" | "configRecorder" | "createRecorder"
>;

/** The channel's database: PrivateDatabase's settings, placed in the channel's network. */
export type ChannelDatabaseArgs = Omit<
  PrivateDatabaseArgs,
  "vpcId" | "subnetIds" | "allowedSources" | "tags"
> & {
  /** Clients allowed on tcp/5432. Default: the channel VPC's IPv4 block. */
  allowedSources?: DatabaseSource[];
};

/** What the evidence cites for one channel. */
export interface PhiChannelManifest {
  channel: string;
  dataClassification: DataClassification;
  vpcId: string;
  subnetIds: string[];
  securityGroupId: string;
  loadBalancerArn: string;
  dnsName: string;
  listenerArns: string[];
  targetGroupArns: string[];
  certificateArn: string;
  accessLogBucket: string;
  flowLogBucket: string | null;
  flowLogId: string | null;
  /** The database's endpoint, when the channel has one. */
  databaseEndpoint: string | null;
  sslPolicy: string;
  allowedIngress: string[];
  retentionDays: number;
}

/**
 * A complete internal PHI channel: private network with flow logs, an allowlisted security group, a
 * certificate, and a TLS-only internal load balancer whose access logs are immutable. Covers HIPAA
 * 164.312(a)(1), (b), (c)(1), (d) and (e)(1) by construction; `manifest` lists what the evidence cites.
 */
export class PhiChannel extends pulumi.ComponentResource {
  readonly network: PrivateNetwork | undefined;
  readonly securityGroup: AllowlistedSecurityGroup;
  readonly certificate: InternalCertificate | undefined;
  readonly loadBalancer: TlsLoadBalancer;
  readonly database: PrivateDatabase | undefined;
  readonly guardrails: PhiRuntimeGuardrails | undefined;
  readonly manifest: pulumi.Output<PhiChannelManifest>;

  constructor(name: string, args: PhiChannelArgs, opts?: pulumi.ComponentResourceOptions) {
    const plan = checkedOrThrow(COMPONENT, name, (c) => planChannel(c, name, args));
    super("phi:channel:PhiChannel", name, {}, opts);
    const dataClassification = plan.dataClassification;

    let vpcId: pulumi.Input<string>;
    let subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    if (plan.existingNetwork) {
      vpcId = plan.existingNetwork.vpcId;
      subnetIds = plan.existingNetwork.subnetIds;
    } else {
      this.network = new PrivateNetwork(`${name}-network`, plan.networkArgs!, { parent: this });
      vpcId = this.network.vpcId;
      subnetIds = this.network.subnetIds;
    }

    this.securityGroup = new AllowlistedSecurityGroup(`${name}-lb`, plan.securityGroupArgs(vpcId), {
      parent: this,
    });

    let certificate: TlsCertificateSource;
    let certificateArn: pulumi.Input<string>;
    if (plan.certificateArgs) {
      this.certificate = new InternalCertificate(`${name}-cert`, plan.certificateArgs, { parent: this });
      certificate = { internal: this.certificate };
      certificateArn = this.certificate.certificateArn;
    } else {
      certificate = { certificateArn: plan.acmCertificateArn! };
      certificateArn = plan.acmCertificateArn!;
    }

    this.loadBalancer = new TlsLoadBalancer(
      name,
      plan.loadBalancerArgs(vpcId, subnetIds, this.securityGroup.securityGroupId, certificate),
      { parent: this },
    );

    if (plan.databaseArgs) {
      this.database = new PrivateDatabase(`${name}-db`, plan.databaseArgs(vpcId, subnetIds), {
        parent: this,
      });
    }

    if (plan.guardrailsArgs) {
      const accessLogs = [this.loadBalancer.logBucket.bucketName];
      const audit = [...accessLogs, ...(this.network ? [this.network.logBucket.bucketName] : [])];
      this.guardrails = new PhiRuntimeGuardrails(
        `${name}-guardrails`,
        plan.guardrailsArgs(vpcId, audit, accessLogs),
        { parent: this },
      );
    }

    const lb = this.loadBalancer;
    this.manifest = pulumi
      .output({
        vpcId,
        subnetIds,
        securityGroupId: this.securityGroup.securityGroupId,
        loadBalancerArn: lb.loadBalancerArn,
        dnsName: lb.dnsName,
        listenerArns: lb.listenerArns,
        targetGroupArns: lb.targetGroupArns,
        certificateArn,
        accessLogBucket: lb.logBucket.bucketName,
        flowLogBucket: this.network ? this.network.logBucket.bucketName : null,
        flowLogId: this.network ? this.network.flowLogId : null,
        databaseEndpoint: this.database ? this.database.endpoint : null,
      })
      .apply((v): PhiChannelManifest => ({
        channel: name,
        dataClassification,
        ...v,
        sslPolicy: plan.sslPolicy,
        allowedIngress: [...plan.allowedIngress],
        retentionDays: plan.retentionDays,
      }));

    this.registerOutputs({ manifest: this.manifest });
  }
}

/** What the constructor builds, decided (and checked) before anything is registered. */
interface ChannelPlan {
  dataClassification: DataClassification;
  allowedIngress: string[];
  retentionDays: number;
  sslPolicy: string;
  existingNetwork?: ExistingNetworkArgs;
  /** The new PrivateNetwork's arguments; unset with an existing network. */
  networkArgs?: PrivateNetworkArgs;
  /** The InternalCertificate's arguments; unset with an ACM certificate. */
  certificateArgs?: InternalCertificateArgs;
  acmCertificateArn?: string;
  securityGroupArgs(vpcId: pulumi.Input<string>): AllowlistedSecurityGroupArgs;
  loadBalancerArgs(
    vpcId: pulumi.Input<string>,
    subnetIds: pulumi.Input<pulumi.Input<string>[]>,
    securityGroupId: pulumi.Input<string>,
    certificate: TlsCertificateSource,
  ): TlsLoadBalancerArgs;
  /** The PhiRuntimeGuardrails' arguments; unset without runtime guardrails. */
  guardrailsArgs?(
    vpcId: pulumi.Input<string>,
    auditBucketNames: pulumi.Input<string>[],
    accessLogBucketNames: pulumi.Input<string>[],
  ): PhiRuntimeGuardrailsArgs;
  /** The PrivateDatabase's arguments; unset without a database. */
  databaseArgs?(
    vpcId: pulumi.Input<string>,
    subnetIds: pulumi.Input<pulumi.Input<string>[]>,
  ): PrivateDatabaseArgs;
}

/** PhiChannel's own default (the others are its children's); docs/components-channel.md states it. */
export const DEFAULT_MUTUAL_TLS = false;
export const DEFAULT_RUNTIME_GUARDRAILS = false;

/** The channel's listener: HTTPS/TLS on the TlsLoadBalancer's default port, so the allowlist must cover it. */
const LISTENER_PORT = DEFAULT_LISTENER_PORT;
/** 1-24 characters, so the derived load balancer and target group names fit AWS's 32-character limit. */
const CHANNEL_NAME = /^[a-z][a-z0-9-]{0,23}$/;

/**
 * Stand-ins, during validation, for what exists only once the children are created (the VPC and subnets
 * of a new network, the security group, the internal certificate). Nothing reads them but the checks.
 */
const PENDING = "(pending)";
const PENDING_SUBNETS = [PENDING, PENDING];
const pendingCertificate = (): InternalCertificate =>
  Object.create(InternalCertificate.prototype) as InternalCertificate;

/**
 * The order problems are listed in: PhiChannel's fields as its own checks run, whichever child found the
 * problem. Problems under a child's name come last.
 */
const FIELD_ORDER = [
  "name",
  "args",
  "dataClassification",
  "tags",
  "allowedIngress",
  "allowedSources",
  "retentionDays",
  "minimumRetentionDays",
  "loadBalancerType",
  "mutualTls",
  "sslPolicy",
  "targetPort",
  "deletionProtection",
  "network",
  "certificate",
  "database",
  "runtimeGuardrails",
];

/**
 * Checks the arguments without creating anything, as the constructor does, and returns every problem
 * (none: valid). The checks of what the channel builds (network, certificate, load balancer, security
 * group) are those components' own, run on the arguments the channel will give them and reported under
 * the channel's field names.
 */
export function validatePhiChannelArgs(name: string, args: PhiChannelArgs): ConfigProblem[] {
  return runChecks(COMPONENT, name, (c) => planChannel(c, name, args)).problems;
}

function planChannel(c: ConfigChecks, name: string, args: PhiChannelArgs): ChannelPlan {
  const fail = (field: string, value: unknown, problem: string, fix: string): never =>
    c.stop(field, value, problem, fix);
  if (typeof name !== "string" || !CHANNEL_NAME.test(name)) {
    c.report(
      "name",
      name,
      "is not a valid channel name",
      "use 1-24 lowercase letters, digits or '-', starting with a letter",
    );
  }
  if (args === undefined || args === null) fail("args", args, "is missing", "pass { allowedSources }");

  const dataClassification = args.dataClassification ?? DEFAULT_DATA_CLASSIFICATION;
  if (!DATA_CLASSIFICATIONS.includes(dataClassification)) {
    c.report(
      "dataClassification",
      dataClassification,
      "is not a known classification",
      `use one of ${DATA_CLASSIFICATIONS.join(", ")}`,
    );
  }
  const userTags = args.tags as unknown;
  if (
    userTags !== undefined &&
    (userTags === null || typeof userTags !== "object" || Array.isArray(userTags))
  ) {
    c.report("tags", userTags, "is not a map of strings", 'pass an object such as { team: "records" }');
  } else {
    for (const key of Object.keys(args.tags ?? {}).filter((k) => k.startsWith(RESERVED_TAG_PREFIX))) {
      c.report(
        `tags["${key}"]`,
        args.tags![key],
        "is reserved",
        key === DATA_CLASSIFICATION_TAG
          ? "set dataClassification instead"
          : `remove it: ${RESERVED_TAG_PREFIX}* tags are set by the components`,
      );
    }
  }
  // Every component gets the channel tag; the classification is reserved, so components' own
  // classification (e.g. "audit-log" on log buckets) still wins where it applies.
  const tags = { ...(c.hasProblemAt("tags") ? {} : args.tags), [CHANNEL_TAG]: name };

  // The allowlist: the channel derives its security group's rules from it, and listens on tcp/443.
  const allowedIngress = args.allowedIngress ?? [...DEFAULT_ALLOWED_INGRESS];
  const allowlist = c.section(() => {
    if (!Array.isArray(allowedIngress) || allowedIngress.length === 0) {
      fail("allowedIngress", allowedIngress, EMPTY_ALLOWLIST_REFUSAL.problem, EMPTY_ALLOWLIST_REFUSAL.fix);
    }
    let allowlist: AllowlistEntry[] = [];
    try {
      allowlist = parseAllowlist(allowedIngress);
    } catch (e) {
      if (!(e instanceof AllowlistSyntaxError)) throw e;
      const refusal = allowlistEntryRefusal(e);
      fail(`allowedIngress[${allowedIngress.indexOf(e.entry)}]`, e.entry, refusal.problem, refusal.fix);
    }
    if (!checkGrant("tcp", LISTENER_PORT, LISTENER_PORT, allowlist).allowed) {
      fail(
        "allowedIngress",
        allowedIngress,
        `does not allow the listener port tcp/${LISTENER_PORT}`,
        `include "tcp/${LISTENER_PORT}"`,
      );
    }
    return allowlist;
  });
  // A refused allowlist is reported once; the children are checked on the default one meanwhile.
  const grantedIngress = allowlist ? allowedIngress : [...DEFAULT_ALLOWED_INGRESS];
  const entries = allowlist ?? parseAllowlist(grantedIngress);

  // The sources' form is the channel's; whether a CIDR is private is the security group's rule.
  const peers = c.section(() => {
    if (!Array.isArray(args.allowedSources) || args.allowedSources.length === 0) {
      fail(
        "allowedSources",
        args.allowedSources,
        "must list at least one client source",
        'name the clients, e.g. ["10.20.0.0/16"]',
      );
    }
    return args.allowedSources.map((source, i) => sourcePeer(c, `allowedSources[${i}]`, source));
  });

  const mutualTls = args.mutualTls ?? DEFAULT_MUTUAL_TLS;
  if (typeof mutualTls !== "boolean")
    c.report("mutualTls", mutualTls, "must be a boolean", "use true or false");

  // Network: an existing one is described by its block (the load balancer's egress bound); a new one is
  // the PrivateNetwork's to check.
  let existingNetwork: ExistingNetworkArgs | undefined;
  let networkArgs: PrivateNetworkArgs | undefined;
  const retentionDays = args.retentionDays ?? DEFAULT_MINIMUM_RETENTION_DAYS;
  let vpcCidr = DEFAULT_CHANNEL_CIDR;
  const net = args.network as unknown;
  if (net !== undefined && net !== null && typeof net !== "object") {
    c.report(
      "network",
      net,
      "is not an object",
      "pass { vpcId, subnetIds, cidrBlock } or settings for a new PrivateNetwork",
    );
  } else if (net && "vpcId" in net) {
    existingNetwork = net as ExistingNetworkArgs;
    vpcCidr = existingNetwork.cidrBlock;
    const refusal =
      vpcCidr === undefined
        ? { problem: "is required with vpcId", fix: `pass the VPC's IPv4 block, e.g. "${DEFAULT_VPC_CIDR}"` }
        : vpcCidrRefusal(vpcCidr);
    if (refusal) c.report("network.cidrBlock", vpcCidr, refusal.problem, refusal.fix);
  } else {
    networkArgs = {
      ...(net as PrivateNetworkArgs | null | undefined),
      cidrBlock: (net as PrivateNetworkArgs | null | undefined)?.cidrBlock ?? DEFAULT_CHANNEL_CIDR,
      flowLogRetentionDays: retentionDays,
      minimumRetentionDays: args.minimumRetentionDays,
      tags,
    };
    vpcCidr = networkArgs.cidrBlock!;
  }

  // Certificate: its form is the channel's; the ARN is the TlsLoadBalancer's to check, the internal
  // certificate's settings the InternalCertificate's.
  let certificateArgs: InternalCertificateArgs | undefined;
  let acmCertificateArn: string | undefined;
  c.section(() => {
    const cert = (args.certificate ?? { internal: { dnsNames: [`${name}.phi.internal`] } }) as Record<
      string,
      unknown
    >;
    if (cert !== null && typeof cert === "object" && "acmCertificateArn" in cert && !("internal" in cert)) {
      if (typeof cert.acmCertificateArn !== "string") {
        const { problem, fix } = ACM_CERTIFICATE_ARN_REFUSAL;
        fail("certificate.acmCertificateArn", cert.acmCertificateArn, problem, fix);
      }
      if (mutualTls === true) {
        fail(
          "mutualTls",
          mutualTls,
          "needs the channel's internal CA as client trust anchor",
          "use an internal certificate, or build a TlsLoadBalancer with mutualTls.caCertificatePem",
        );
      }
      acmCertificateArn = cert.acmCertificateArn as string;
    } else if (
      cert !== null &&
      typeof cert === "object" &&
      "internal" in cert &&
      !("acmCertificateArn" in cert) &&
      cert.internal !== null &&
      typeof cert.internal === "object"
    ) {
      const { dnsNames, keyAlgorithm, ecdsaCurve, rsaBits } = cert.internal as InternalCertificateArgs;
      certificateArgs = { dnsNames, keyAlgorithm, ecdsaCurve, rsaBits, tags };
    } else {
      fail(
        "certificate",
        cert,
        "must set exactly one of acmCertificateArn and internal",
        'use { internal: { dnsNames: [...] } } or { acmCertificateArn: "arn:aws:acm:..." }',
      );
    }
  });

  // The security group: each source on each allowlisted entry; egress only to targets inside the VPC.
  const targetPort = args.targetPort ?? DEFAULT_TARGET_PORT;
  const ingress: IngressRuleArgs[] = [];
  const ingressOrigin: { source: number; entry: number }[] = [];
  (peers ?? []).forEach((peer, i) => {
    if (peer === undefined) return;
    entries.forEach((entry, j) => {
      const all = entry.range.from === ALL_PORTS.from && entry.range.to === ALL_PORTS.to;
      ingress.push({
        protocol: String(entry.protocol),
        ...(all ? {} : { fromPort: entry.range.from, toPort: entry.range.to }),
        source: peer,
        description: `${name}: allowedSources[${i}] on ${entry.text}`,
      });
      ingressOrigin.push({ source: i, entry: j });
    });
  });
  const securityGroupArgs = (vpcId: pulumi.Input<string>): AllowlistedSecurityGroupArgs => ({
    vpcId,
    ingress,
    egress: [
      {
        protocol: "tcp",
        port: targetPort,
        destination: { cidrBlock: vpcCidr },
        description: `${name}: load balancer to targets in the channel VPC`,
      },
    ],
    allowedIngress: grantedIngress,
    description: `phi-channels ${name} load balancer`,
    dataClassification,
    tags,
  });
  const sslPolicy = args.sslPolicy ?? DEFAULT_ELB_SECURITY_POLICY;
  const loadBalancerArgs = (
    vpcId: pulumi.Input<string>,
    subnetIds: pulumi.Input<pulumi.Input<string>[]>,
    securityGroupId: pulumi.Input<string>,
    certificate: TlsCertificateSource,
  ): TlsLoadBalancerArgs => ({
    type: args.loadBalancerType ?? DEFAULT_LOAD_BALANCER_TYPE,
    vpcId,
    subnetIds,
    securityGroupIds: [securityGroupId],
    allowedIngress: grantedIngress,
    listenerPort: LISTENER_PORT,
    sslPolicy,
    certificate,
    targetPort,
    deletionProtection: args.deletionProtection,
    accessLogRetentionDays: retentionDays,
    minimumRetentionDays: args.minimumRetentionDays,
    mutualTls: mutualTls === true ? { mode: "verify" } : undefined,
    dataClassification,
    tags,
  });

  // The children's own checks, on the arguments they will get, under the channel's field names.
  if (networkArgs) {
    c.include(validatePrivateNetworkArgs(`${name}-network`, networkArgs), networkField);
  }
  // The default certificate's DNS name is the channel name: a refused name is reported once, as the name.
  if (certificateArgs && !(args.certificate === undefined && c.hasProblemAt("name"))) {
    c.include(validateInternalCertificateArgs(`${name}-cert`, certificateArgs), certificateField);
  }
  const listenerCertificate: TlsCertificateSource =
    acmCertificateArn !== undefined
      ? { certificateArn: acmCertificateArn }
      : { internal: pendingCertificate() };
  c.include(
    validateTlsLoadBalancerArgs(
      name,
      loadBalancerArgs(
        existingNetwork ? existingNetwork.vpcId : PENDING,
        existingNetwork ? existingNetwork.subnetIds : PENDING_SUBNETS,
        PENDING,
        listenerCertificate,
      ),
    ),
    (p) => loadBalancerField(p, args, grantedIngress),
  );
  c.include(
    validateAllowlistedSecurityGroupArgs(
      `${name}-lb`,
      securityGroupArgs(existingNetwork ? existingNetwork.vpcId : PENDING),
    ),
    (p) => securityGroupField(p, args, ingressOrigin, targetPort, vpcCidr),
  );
  let databaseArgs: ChannelPlan["databaseArgs"];
  const database = args.database as unknown;
  if (
    database !== undefined &&
    (database === null || typeof database !== "object" || Array.isArray(database))
  ) {
    c.report(
      "database",
      database,
      "is not an object",
      'omit it, or pass PrivateDatabase settings such as { engine: "postgres" }',
    );
  } else if (database !== undefined) {
    const own = database as ChannelDatabaseArgs;
    databaseArgs = (vpcId, subnetIds) => ({
      ...own,
      vpcId,
      subnetIds,
      allowedSources: own.allowedSources ?? [vpcCidr],
      tags,
    });
    c.include(validatePrivateDatabaseArgs(`${name}-db`, databaseArgs(PENDING, PENDING_SUBNETS)), (p) =>
      p.field === "tags" || p.field.startsWith("tags.") ? undefined : `database.${p.field}`,
    );
  }
  let guardrailsArgs: ChannelPlan["guardrailsArgs"];
  const guardrails = (args.runtimeGuardrails ?? DEFAULT_RUNTIME_GUARDRAILS) as unknown;
  if (guardrails !== false) {
    if (
      guardrails !== true &&
      (guardrails === null || typeof guardrails !== "object" || Array.isArray(guardrails))
    ) {
      c.report(
        "runtimeGuardrails",
        guardrails,
        "is not a boolean or an object",
        "use true, false or { policyConfig } (the parsed policies/config/<stack>.json)",
      );
    } else {
      const own = guardrails === true ? {} : (guardrails as ChannelGuardrailsArgs);
      guardrailsArgs = (vpcId, auditBucketNames, accessLogBucketNames) => ({
        ...own,
        auditBucketNames,
        accessLogBucketNames,
        vpcId,
        scopeTag: { key: CHANNEL_TAG, value: name },
        tags,
      });
      c.include(
        validatePhiRuntimeGuardrailsArgs(`${name}-guardrails`, guardrailsArgs(PENDING, [PENDING], [PENDING])),
        (p) =>
          p.component !== "PhiRuntimeGuardrails"
            ? undefined
            : (tagsField(p.field) ?? `runtimeGuardrails.${p.field}`),
      );
    }
  }
  sortByField(c.problems);

  return {
    guardrailsArgs,
    databaseArgs,
    dataClassification,
    allowedIngress: grantedIngress,
    retentionDays,
    sslPolicy,
    existingNetwork,
    networkArgs,
    certificateArgs,
    acmCertificateArn,
    securityGroupArgs,
    loadBalancerArgs,
  };
}

/** One allowed source as a security-group peer, or undefined (reported) when it is no source. */
function sourcePeer(c: ConfigChecks, field: string, source: unknown): RulePeer | undefined {
  if (typeof source === "string") {
    const cls = classifyCidr(source);
    if (cls.kind === "invalid") {
      c.report(field, source, INVALID_CIDR_PROBLEM, 'write e.g. "10.20.0.0/16"');
      return undefined;
    }
    return cls.family === "ipv6" ? { ipv6CidrBlock: source } : { cidrBlock: source };
  }
  if (source && typeof source === "object") {
    const s = source as Record<string, unknown>;
    const keys = Object.keys(s).filter((k) => s[k] !== undefined);
    if (
      keys.length === 1 &&
      (keys[0] === "securityGroupId" || keys[0] === "prefixListId") &&
      s[keys[0]] !== ""
    ) {
      return source as RulePeer;
    }
  }
  c.report(
    field,
    source,
    "is not a source",
    "use a private CIDR string, { securityGroupId } or { prefixListId }",
  );
  return undefined;
}

/** `field` of a child's `tags` argument (the channel's tags), or undefined. */
function tagsField(field: string): string | undefined {
  return field === "tags" || field.startsWith("tags.") || field.startsWith("tags[") ? field : undefined;
}

/** The PrivateNetwork's fields are the channel's `network.*`, but for the flow-log retention and tags. */
function networkField(p: ConfigProblem): string | undefined {
  if (p.component !== "PrivateNetwork") return undefined;
  if (p.field === "flowLogRetentionDays") return "retentionDays";
  if (p.field === "minimumRetentionDays") return p.field;
  if (p.field === "args") return "network";
  return tagsField(p.field) ?? `network.${p.field}`;
}

/** The InternalCertificate's fields are the channel's `certificate.internal.*`, but for its tags. */
function certificateField(p: ConfigProblem): string | undefined {
  if (p.component !== "InternalCertificate") return undefined;
  if (p.field === "args") return "certificate.internal";
  return tagsField(p.field) ?? `certificate.internal.${p.field}`;
}

/** Where the TlsLoadBalancer's (and its access-log bucket's) fields come from among the channel's. */
function loadBalancerField(
  p: ConfigProblem,
  args: PhiChannelArgs,
  allowedIngress: readonly string[],
): string | ParentField | undefined {
  const f = p.field;
  if (p.component === "ImmutableLogBucket") {
    return f === "retentionDays" || f === "minimumRetentionDays" ? f : tagsField(f);
  }
  if (p.component !== "TlsLoadBalancer") return undefined;
  const same = [
    "sslPolicy",
    "targetPort",
    "deletionProtection",
    "dataClassification",
    "minimumRetentionDays",
  ];
  if (same.includes(f)) return f;
  if (f === "type") return "loadBalancerType";
  if (f === "accessLogRetentionDays") return "retentionDays";
  if (f === "vpcId" || f === "subnetIds") return `network.${f}`;
  if (f === "listenerPort") return { field: "allowedIngress", value: allowedIngress };
  if (f === "allowedIngress" || f.startsWith("allowedIngress[")) return f;
  if (f === "certificate.certificateArn") return "certificate.acmCertificateArn";
  if (f === "certificate") return f;
  if (f === "mutualTls" || f.startsWith("mutualTls.")) return { field: "mutualTls", value: args.mutualTls };
  return tagsField(f);
}

/**
 * Where the security group's fields come from: each ingress rule is one source on one allowlist entry,
 * its single egress rule the target port into the VPC block. The group's fix for a public range names
 * its exception list, which the channel does not offer.
 */
function securityGroupField(
  p: ConfigProblem,
  args: PhiChannelArgs,
  ingressOrigin: readonly { source: number; entry: number }[],
  targetPort: unknown,
  vpcCidr: unknown,
): string | ParentField | undefined {
  if (p.component !== "AllowlistedSecurityGroup") return undefined;
  const channelFix = p.fix.replace(PUBLIC_CIDR_EXCEPTION_HINT, "");
  const rule = /^(ingress|egress)\[(\d+)\]\.?(.*)$/.exec(p.field);
  if (rule?.[1] === "ingress") {
    const origin = ingressOrigin[Number(rule[2])];
    if (origin === undefined) return undefined;
    if (rule[3].startsWith("source")) {
      const field = `allowedSources[${origin.source}]`;
      return { field, value: args.allowedSources[origin.source], fix: channelFix };
    }
    return { field: `allowedIngress[${origin.entry}]`, value: p.value };
  }
  if (rule?.[1] === "egress") {
    return rule[3].startsWith("destination")
      ? { field: "network.cidrBlock", value: vpcCidr, fix: channelFix }
      : { field: "targetPort", value: targetPort };
  }
  if (p.field === "vpcId") return "network.vpcId";
  if (p.field === "allowedIngress" || p.field.startsWith("allowedIngress[")) return p.field;
  return tagsField(p.field);
}

/**
 * Orders problems by {@link FIELD_ORDER}, then by field (`allowedSources[2]` before `allowedSources[10]`);
 * the sort is stable, so one field's problems keep their order.
 */
function sortByField(problems: ConfigProblem[]): void {
  const rank = (p: ConfigProblem) => {
    if (p.component !== COMPONENT) return FIELD_ORDER.length;
    const i = FIELD_ORDER.indexOf(p.field.split(/[.[]/)[0]);
    return i < 0 ? FIELD_ORDER.length : i;
  };
  const own = (p: ConfigProblem) => (p.component === COMPONENT ? p.field : "");
  problems.sort((a, b) => rank(a) - rank(b) || own(a).localeCompare(own(b), "en", { numeric: true }));
}
