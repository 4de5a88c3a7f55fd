import * as pulumi from "@pulumi/pulumi";
import {
  AllowlistSyntaxError,
  assessElbSecurityPolicy,
  checkGrant,
  checkKeyAlgorithm,
  classifyCidr,
  DEFAULT_ALLOWED_INGRESS,
  DEFAULT_ELB_SECURITY_POLICY,
  DEFAULT_MINIMUM_RETENTION_DAYS,
  parseAllowlist,
  strongElbSecurityPolicies,
  type AllowlistEntry,
  isAcmCertificateArn,
  PRIVATE_RANGE_DESCRIPTION,
} from "../policies/src/rules";
import {
  AllowlistedSecurityGroup,
  validateAllowlistedSecurityGroupArgs,
  type AllowlistedSecurityGroupArgs,
  type IngressRuleArgs,
  type RulePeer,
} from "./AllowlistedSecurityGroup";
import {
  checkedOrThrow,
  PORT_RANGE_PROBLEM,
  runChecks,
  type ConfigChecks,
  type ConfigProblem,
} from "./errors";
import { dnsNameProblem, InternalCertificate } from "./InternalCertificate";
import { DEFAULT_VPC_CIDR, PrivateNetwork, type PrivateNetworkArgs } from "./PrivateNetwork";
import { DATA_CLASSIFICATION_TAG, type DataClassification } from "./tags";
import {
  DEFAULT_LOAD_BALANCER_TYPE,
  DEFAULT_TARGET_PORT,
  TlsLoadBalancer,
  type TlsCertificateSource,
} from "./TlsLoadBalancer";

const COMPONENT = "PhiChannel";

/** Tag key naming the channel every resource belongs to. */
export const CHANNEL_TAG = "phi-channels:channel";

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
  /** Audit-log retention (access and flow logs, Object Lock COMPLIANCE). Default: 2190 days (6 years). */
  retentionDays?: number;
  /** Retention floor the log buckets enforce. Default: 2190 days; lower only for non-production stacks. */
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
  /** Classification of what the channel carries. Default: `"phi"`. */
  dataClassification?: DataClassification;
  /** Extra tags on every resource. The classification and channel tags cannot be overridden. */
  tags?: Record<string, string>;
}

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
  readonly manifest: pulumi.Output<PhiChannelManifest>;

  constructor(name: string, args: PhiChannelArgs, opts?: pulumi.ComponentResourceOptions) {
    const plan = checkedOrThrow(COMPONENT, name, (c) => planChannel(c, name, args));
    super("phi:channel:PhiChannel", name, {}, opts);

    // Every component gets the channel tag; the classification is reserved, so components' own
    // classification (e.g. "audit-log" on log buckets) still wins where it applies.
    const tags = { ...(args.tags ?? {}), [CHANNEL_TAG]: name };
    const dataClassification = plan.dataClassification;

    let vpcId: pulumi.Input<string>;
    let subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    if (plan.existingNetwork) {
      vpcId = plan.existingNetwork.vpcId;
      subnetIds = plan.existingNetwork.subnetIds;
    } else {
      this.network = new PrivateNetwork(
        `${name}-network`,
        {
          ...(args.network as PrivateNetworkArgs | undefined),
          cidrBlock: plan.vpcCidr,
          flowLogRetentionDays: plan.retentionDays,
          minimumRetentionDays: args.minimumRetentionDays,
          tags,
        },
        { parent: this },
      );
      vpcId = this.network.vpcId;
      subnetIds = this.network.subnetIds;
    }

    this.securityGroup = new AllowlistedSecurityGroup(
      `${name}-lb`,
      { ...plan.securityGroup, vpcId, dataClassification, tags },
      { parent: this },
    );

    let certificate: TlsCertificateSource;
    let certificateArn: pulumi.Input<string>;
    if (plan.internalCertificate) {
      this.certificate = new InternalCertificate(
        `${name}-cert`,
        { ...plan.internalCertificate, tags },
        { parent: this },
      );
      certificate = { internal: this.certificate };
      certificateArn = this.certificate.certificateArn;
    } else {
      certificate = { certificateArn: plan.acmCertificateArn! };
      certificateArn = plan.acmCertificateArn!;
    }

    this.loadBalancer = new TlsLoadBalancer(
      name,
      {
        type: plan.loadBalancerType,
        vpcId,
        subnetIds,
        securityGroupIds: [this.securityGroup.securityGroupId],
        allowedIngress: plan.allowedIngress,
        listenerPort: 443,
        sslPolicy: plan.sslPolicy,
        certificate,
        targetPort: plan.targetPort,
        deletionProtection: args.deletionProtection,
        accessLogRetentionDays: plan.retentionDays,
        minimumRetentionDays: args.minimumRetentionDays,
        mutualTls: plan.mutualTls ? { mode: "verify" } : undefined,
        dataClassification,
        tags,
      },
      { parent: this },
    );

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

interface ChannelPlan {
  dataClassification: DataClassification;
  allowedIngress: string[];
  retentionDays: number;
  loadBalancerType: "application" | "network";
  mutualTls: boolean;
  sslPolicy: string;
  targetPort: number;
  vpcCidr: string;
  existingNetwork?: ExistingNetworkArgs;
  internalCertificate?: {
    dnsNames: string[];
    keyAlgorithm?: "ECDSA" | "RSA";
    ecdsaCurve?: "P256" | "P384";
    rsaBits?: number;
  };
  acmCertificateArn?: string;
  securityGroup: Omit<AllowlistedSecurityGroupArgs, "vpcId">;
}

/** PhiChannel's own default (the others are its children's); docs/components-channel.md states it. */
export const DEFAULT_MUTUAL_TLS = false;

const DATA_CLASSIFICATIONS: readonly DataClassification[] = ["phi", "audit-log", "internal"];

/**
 * Checks the arguments without creating anything, as the constructor does, and returns every problem
 * (none: valid), including those of the security group the channel builds.
 */
export function validatePhiChannelArgs(name: string, args: PhiChannelArgs): ConfigProblem[] {
  return runChecks(COMPONENT, name, (c) => planChannel(c, name, args)).problems;
}

function planChannel(c: ConfigChecks, name: string, args: PhiChannelArgs): ChannelPlan {
  const fail = (field: string, value: unknown, problem: string, fix: string): never =>
    c.stop(field, value, problem, fix);
  if (typeof name !== "string" || !/^[a-z][a-z0-9-]{0,23}$/.test(name)) {
    c.report(
      "name",
      name,
      "is not a valid channel name",
      "use 1-24 lowercase letters, digits or '-', starting with a letter",
    );
  }
  if (args === undefined || args === null) fail("args", args, "is missing", "pass { allowedSources }");

  const dataClassification = args.dataClassification ?? "phi";
  if (!DATA_CLASSIFICATIONS.includes(dataClassification)) {
    c.report(
      "dataClassification",
      dataClassification,
      "is not a known classification",
      `use one of ${DATA_CLASSIFICATIONS.join(", ")}`,
    );
  }
  if (args.tags && DATA_CLASSIFICATION_TAG in args.tags) {
    c.report(
      `tags["${DATA_CLASSIFICATION_TAG}"]`,
      args.tags[DATA_CLASSIFICATION_TAG],
      "is reserved",
      "set dataClassification instead",
    );
  }

  const allowedIngress = args.allowedIngress ?? [...DEFAULT_ALLOWED_INGRESS];
  const allowlist = c.section(() => {
    if (!Array.isArray(allowedIngress) || allowedIngress.length === 0) {
      fail("allowedIngress", allowedIngress, "must be a non-empty list", 'use ["tcp/443"]');
    }
    let allowlist: AllowlistEntry[] = [];
    try {
      allowlist = parseAllowlist(allowedIngress);
    } catch (e) {
      if (!(e instanceof AllowlistSyntaxError)) throw e;
      fail(
        `allowedIngress[${allowedIngress.indexOf(e.entry)}]`,
        e.entry,
        "is not a valid allowlist entry",
        e.message,
      );
    }
    if (!checkGrant("tcp", 443, 443, allowlist).allowed) {
      fail("allowedIngress", allowedIngress, "does not allow the listener port tcp/443", 'include "tcp/443"');
    }
    return allowlist;
  });

  const peers = c.section(() => {
    if (!Array.isArray(args.allowedSources) || args.allowedSources.length === 0) {
      fail(
        "allowedSources",
        args.allowedSources,
        "must list at least one client source",
        'name the clients, e.g. ["10.20.0.0/16"]',
      );
    }
    return args.allowedSources.map((source, i): RulePeer => {
      const field = `allowedSources[${i}]`;
      if (typeof source === "string") {
        const c = classifyCidr(source);
        if (c.kind === "invalid")
          fail(field, source, "is not a valid CIDR block", 'write e.g. "10.20.0.0/16"');
        if (c.kind !== "private") {
          fail(field, source, "is a public address range", `use ${PRIVATE_RANGE_DESCRIPTION}`);
        }
        return c.kind !== "invalid" && c.family === "ipv6"
          ? { ipv6CidrBlock: source }
          : { cidrBlock: source };
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
      return fail(
        field,
        source,
        "is not a source",
        "use a private CIDR string, { securityGroupId } or { prefixListId }",
      );
    });
  });

  const retentionDays = args.retentionDays ?? DEFAULT_MINIMUM_RETENTION_DAYS;
  c.section(() => {
    const minimum = args.minimumRetentionDays ?? DEFAULT_MINIMUM_RETENTION_DAYS;
    if (!Number.isInteger(minimum) || minimum < 1) {
      fail("minimumRetentionDays", minimum, "must be a positive whole number of days", "omit it (2190 days)");
    }
    if (!Number.isInteger(retentionDays) || retentionDays < minimum) {
      fail(
        "retentionDays",
        retentionDays,
        `must be a whole number of days >= ${minimum}`,
        `use ${minimum} or more (HIPAA: 6 years = 2190)`,
      );
    }
  });

  const loadBalancerType = args.loadBalancerType ?? DEFAULT_LOAD_BALANCER_TYPE;
  if (loadBalancerType !== "application" && loadBalancerType !== "network") {
    c.report(
      "loadBalancerType",
      loadBalancerType,
      "is not a load balancer type",
      'use "application" or "network"',
    );
  }
  const mutualTls = args.mutualTls ?? DEFAULT_MUTUAL_TLS;
  if (typeof mutualTls !== "boolean")
    c.report("mutualTls", mutualTls, "must be a boolean", "use true or false");
  else if (mutualTls && loadBalancerType === "network") {
    c.report(
      "mutualTls",
      mutualTls,
      "is not supported on network load balancers",
      'use loadBalancerType "application" for mutual TLS',
    );
  }
  const sslPolicy = args.sslPolicy ?? DEFAULT_ELB_SECURITY_POLICY;
  if (!assessElbSecurityPolicy(sslPolicy, "1.2").strong) {
    c.report(
      "sslPolicy",
      sslPolicy,
      "is not a strong ELB security policy",
      `use one of ${strongElbSecurityPolicies("1.2").join(", ")}`,
    );
  }
  const targetPort = args.targetPort ?? DEFAULT_TARGET_PORT;
  if (!Number.isInteger(targetPort) || targetPort < 1 || targetPort > 65535) {
    c.report("targetPort", targetPort, PORT_RANGE_PROBLEM, "use 443");
  }
  if (args.deletionProtection !== undefined && typeof args.deletionProtection !== "boolean") {
    c.report("deletionProtection", args.deletionProtection, "must be a boolean", "omit it (default true)");
  }

  // Network.
  let existingNetwork: ExistingNetworkArgs | undefined;
  let vpcCidr = DEFAULT_CHANNEL_CIDR;
  c.section(() => {
    const net = args.network as Record<string, unknown> | undefined;
    if (net !== undefined && net !== null && "vpcId" in net) {
      existingNetwork = args.network as ExistingNetworkArgs;
      if (existingNetwork.subnetIds === undefined)
        fail("network.subnetIds", undefined, "is required with vpcId", "pass the private subnet ids");
      vpcCidr = existingNetwork.cidrBlock;
    } else if (net !== undefined && net !== null && net.cidrBlock !== undefined) {
      vpcCidr = net.cidrBlock as string;
    }
    const vpcClass = classifyCidr(vpcCidr);
    if (vpcClass.kind !== "private" || vpcClass.family !== "ipv4") {
      fail("network.cidrBlock", vpcCidr, "must be a private IPv4 CIDR", 'use e.g. "10.0.0.0/16"');
    }
  });

  // Certificate.
  let internalCertificate: ChannelPlan["internalCertificate"];
  let acmCertificateArn: string | undefined;
  c.section(() => {
    const cert = args.certificate ?? { internal: { dnsNames: [`${name}.phi.internal`] } };
    if ("acmCertificateArn" in cert && !("internal" in cert)) {
      if (typeof cert.acmCertificateArn !== "string" || !isAcmCertificateArn(cert.acmCertificateArn)) {
        fail(
          "certificate.acmCertificateArn",
          cert.acmCertificateArn,
          "is not an ACM certificate ARN",
          "pass arn:aws:acm:<region>:<account>:certificate/<id>",
        );
      }
      if (mutualTls) {
        fail(
          "mutualTls",
          mutualTls,
          "needs the channel's internal CA as client trust anchor",
          "use an internal certificate, or build a TlsLoadBalancer with mutualTls.caCertificatePem",
        );
      }
      acmCertificateArn = cert.acmCertificateArn;
    } else if (
      "internal" in cert &&
      !("acmCertificateArn" in cert) &&
      cert.internal &&
      typeof cert.internal === "object"
    ) {
      const { dnsNames, keyAlgorithm, ecdsaCurve, rsaBits } = cert.internal;
      if (
        !Array.isArray(dnsNames) ||
        dnsNames.length === 0 ||
        dnsNames.some((d) => typeof d !== "string" || d === "")
      ) {
        fail(
          "certificate.internal.dnsNames",
          dnsNames,
          "must list at least one DNS name",
          `use e.g. ["${name}.phi.internal"]`,
        );
      }
      dnsNames.forEach((d, j) => {
        const problem = dnsNameProblem(d);
        if (problem)
          fail(`certificate.internal.dnsNames[${j}]`, d, problem, `use e.g. "${name}.phi.internal"`);
      });
      const verdict = checkKeyAlgorithm(
        keyAlgorithm ?? "ECDSA",
        rsaBits,
        ecdsaCurve ?? (keyAlgorithm === "RSA" ? undefined : "P256"),
      );
      if (!verdict.ok)
        fail(
          "certificate.internal.keyAlgorithm",
          { keyAlgorithm, ecdsaCurve, rsaBits },
          `is refused: ${verdict.reason}`,
          verdict.fix,
        );
      internalCertificate = { dnsNames, keyAlgorithm, ecdsaCurve, rsaBits };
    } else {
      fail(
        "certificate",
        cert,
        "must set exactly one of acmCertificateArn and internal",
        'use { internal: { dnsNames: [...] } } or { acmCertificateArn: "arn:aws:acm:..." }',
      );
    }
  });

  // Security group: each source on each allowlisted entry; egress only to targets inside the VPC.
  const ingress: IngressRuleArgs[] = [];
  (peers ?? []).forEach((peer, i) => {
    for (const entry of allowlist ?? []) {
      const all = entry.range.from === 0 && entry.range.to === 65535;
      ingress.push({
        protocol: String(entry.protocol),
        ...(all ? {} : { fromPort: entry.range.from, toPort: entry.range.to }),
        source: peer,
        description: `${name}: allowedSources[${i}] on ${entry.text}`,
      });
    }
  });
  const securityGroup: Omit<AllowlistedSecurityGroupArgs, "vpcId"> = {
    ingress,
    egress: [
      {
        protocol: "tcp",
        port: targetPort,
        destination: { cidrBlock: vpcCidr },
        description: `${name}: load balancer to targets in the channel VPC`,
      },
    ],
    allowedIngress,
    description: `phi-channels ${name} load balancer`,
  };
  // The group is created after this component registers; validate it now so nothing is half-made. Its
  // rules derive from the channel's arguments, so only once those are valid: one refusal per mistake.
  if (c.problems.length === 0) {
    c.addAll(validateAllowlistedSecurityGroupArgs(`${name}-lb`, { ...securityGroup, vpcId: "(pending)" }));
  }

  return {
    dataClassification,
    allowedIngress,
    retentionDays,
    loadBalancerType,
    mutualTls,
    sslPolicy,
    targetPort,
    vpcCidr,
    existingNetwork,
    internalCertificate,
    acmCertificateArn,
    securityGroup,
  };
}
