import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import {
  ACM_CERTIFICATE_ARN_REFUSAL,
  AllowlistSyntaxError,
  allowlistEntryRefusal,
  checkGrant,
  DEFAULT_ALLOWED_INGRESS,
  DEFAULT_ELB_SECURITY_POLICY,
  elbSecurityPolicyRefusal,
  isAcmCertificateArn,
  isListenerPort,
  isTlsVersion,
  parseAllowlist,
  PORT_RANGE_PROBLEM,
  tlsVersionRank,
  type AllowlistEntry,
  type TlsVersion,
} from "../policies/src/rules";
import {
  AllowlistedSecurityGroup,
  validateAllowlistedSecurityGroupArgs,
  type EgressRuleArgs,
  type IngressRuleArgs,
} from "./AllowlistedSecurityGroup";
import { checkedOrThrow, runChecks, type ConfigChecks, type ConfigProblem } from "./errors";
import { ImmutableLogBucket, validateImmutableLogBucketArgs } from "./ImmutableLogBucket";
import { InternalCertificate } from "./InternalCertificate";
import { DEFAULT_DATA_CLASSIFICATION, mergeTags, type DataClassification } from "./tags";

const COMPONENT = "TlsLoadBalancer";

/** The defaults of {@link TlsLoadBalancerArgs}; docs/components-channel.md states them (test/docs-components.test.ts). */
export const DEFAULT_LOAD_BALANCER_TYPE = "application";
export const DEFAULT_LISTENER_PORT = 443;
export const DEFAULT_TARGET_PORT = 443;
export const DEFAULT_TARGET_TYPE = "ip";
export const DEFAULT_MINIMUM_TLS_VERSION: TlsVersion = "1.2";
export const DEFAULT_HEALTH_CHECK_PATH = "/health";
export const DEFAULT_DELETION_PROTECTION = true;

/** The listener certificate: an existing ACM certificate, or one issued by an {@link InternalCertificate}. */
export type TlsCertificateSource =
  { certificateArn: pulumi.Input<string> } | { internal: InternalCertificate };

/** Mutual TLS on the listener (ALB only): clients must present a certificate the trust store verifies. */
export interface MutualTlsArgs {
  /** Only `"verify"`: `"passthrough"` would hand unverified client certificates to the targets. */
  mode: "verify";
  /**
   * PEM bundle of the client CAs. Default: the `internal` certificate's CA, so services holding
   * certificates from the channel's CA are accepted. Required with an ACM `certificateArn`.
   */
  caCertificatePem?: pulumi.Input<string>;
}

export interface TlsLoadBalancerArgs {
  /** `"application"` (HTTPS listener) or `"network"` (TLS listener). Default: `"application"`. */
  type?: "application" | "network";
  /** VPC of the target group. */
  vpcId: pulumi.Input<string>;
  /** Private subnets the load balancer lives in. It is always internal (no internet-facing scheme). */
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Existing security groups to attach. Exactly one of `securityGroupIds` and `ingress` must be given:
   * every load balancer gets a security group (NLBs can only get one at creation time).
   */
  securityGroupIds?: pulumi.Input<string>[];
  /**
   * Ingress rules for an {@link AllowlistedSecurityGroup} built for this load balancer, checked against
   * `allowedIngress`. Default: none (use `securityGroupIds` instead).
   */
  ingress?: IngressRuleArgs[];
  /** Egress rules for the built security group. Default: none (all outbound denied); declare the targets. */
  egress?: EgressRuleArgs[];
  /** The channel allowlist. Default: `DEFAULT_ALLOWED_INGRESS` (`["tcp/443"]`). */
  allowedIngress?: readonly string[];
  /** Public CIDRs the policy pack's exception list permits. Default: `[]`. */
  allowedPublicCidrs?: readonly string[];
  /** Listener port; must be allowlisted as TCP. Default: 443. */
  listenerPort?: number;
  /**
   * ELB security policy. Default: `ELBSecurityPolicy-TLS13-1-3-2021-06` (TLS 1.3 only). Policies the
   * shared TLS table does not rate strong for `minimumTlsVersion` (and unknown names) are refused.
   */
  sslPolicy?: string;
  /** Lowest TLS version the policy may accept. Default: `"1.2"` (HIPAA guidance: NIST SP 800-52r2). */
  minimumTlsVersion?: "1.2" | "1.3";
  /** Listener certificate; exactly one of `{ certificateArn }` and `{ internal }`. Required. */
  certificate: TlsCertificateSource;
  /** Port the targets listen on (TLS to the targets too). Default: 443. */
  targetPort?: number;
  /** Target type. Default: `"ip"`. */
  targetType?: "ip" | "instance";
  /** HTTPS health-check path. Default: `"/health"`. */
  healthCheckPath?: string;
  /** Deletion protection. Default: `true` (a PHI channel is not deleted by accident). */
  deletionProtection?: boolean;
  /** Access-log retention (Object Lock COMPLIANCE). Default: the ImmutableLogBucket's 2190 days. */
  accessLogRetentionDays?: number;
  /** Retention floor the log bucket enforces. Default: the ImmutableLogBucket's (2190 days). */
  minimumRetentionDays?: number;
  /** Mutual TLS (ALB only). Default: off. */
  mutualTls?: MutualTlsArgs;
  /** Data classification tag value. Default: `"phi"`. */
  dataClassification?: DataClassification;
  /** Extra tags on every resource; the classification tags cannot be overridden. Default: none. */
  tags?: Record<string, string>;
}

/**
 * An internal ALB or NLB that only speaks TLS: one HTTPS (ALB) or TLS (NLB) listener with a strong ELB
 * security policy, TLS to the targets, access logs into an {@link ImmutableLogBucket} (HIPAA 164.312(b)
 * audit controls) and optional mutual TLS (164.312(d) authentication). There is no plaintext listener,
 * not even a redirect (164.312(e)(1) transmission security).
 */
export class TlsLoadBalancer extends pulumi.ComponentResource {
  readonly loadBalancer: aws.lb.LoadBalancer;
  readonly loadBalancerArn: pulumi.Output<string>;
  readonly dnsName: pulumi.Output<string>;
  readonly listeners: aws.lb.Listener[];
  readonly listenerArns: pulumi.Output<string[]>;
  readonly targetGroup: aws.lb.TargetGroup;
  readonly targetGroupArns: pulumi.Output<string[]>;
  /** The first attached security group (the built one when `ingress` was given). */
  readonly securityGroupId: pulumi.Output<string>;
  readonly securityGroup: AllowlistedSecurityGroup | undefined;
  readonly logBucket: ImmutableLogBucket;
  readonly trustStore: aws.lb.TrustStore | undefined;
  readonly sslPolicy: string;
  readonly listenerPort: number;
  readonly targetPort: number;

  constructor(name: string, args: TlsLoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
    const plan = checkedOrThrow(COMPONENT, name, (c) => planLoadBalancer(c, name, args));
    super("phi:loadbalancer:TlsLoadBalancer", name, {}, opts);

    const isAlb = plan.type === "application";
    const tags = mergeTags(args.dataClassification ?? DEFAULT_DATA_CLASSIFICATION, args.tags, COMPONENT);
    this.sslPolicy = plan.sslPolicy;
    this.listenerPort = plan.listenerPort;
    this.targetPort = plan.targetPort;

    if (args.ingress !== undefined) {
      this.securityGroup = new AllowlistedSecurityGroup(
        `${name}-sg`,
        {
          vpcId: args.vpcId,
          ingress: args.ingress,
          egress: args.egress,
          allowedIngress: args.allowedIngress,
          allowedPublicCidrs: args.allowedPublicCidrs,
          description: `phi-channels ${plan.type} load balancer ${name}`,
          dataClassification: args.dataClassification,
          tags: args.tags,
        },
        { parent: this },
      );
    }
    const securityGroupIds: pulumi.Input<string>[] = this.securityGroup
      ? [this.securityGroup.securityGroupId]
      : args.securityGroupIds!;
    this.securityGroupId = pulumi.output(securityGroupIds[0]);

    // Tags go through unchanged: the log bucket sets its own "audit-log" classification.
    this.logBucket = new ImmutableLogBucket(
      `${name}-logs`,
      {
        purpose: isAlb ? "alb-access-logs" : "nlb-access-logs",
        retentionDays: args.accessLogRetentionDays,
        minimumRetentionDays: args.minimumRetentionDays,
        tags: args.tags,
      },
      { parent: this },
    );

    const certificateArn =
      "internal" in args.certificate
        ? args.certificate.internal.certificateArn
        : args.certificate.certificateArn;

    let trustStoreArn: pulumi.Output<string> | undefined;
    if (args.mutualTls) {
      const caPem =
        args.mutualTls.caCertificatePem ??
        (args.certificate as { internal: InternalCertificate }).internal.caCertificatePem;
      this.trustStore = this.createTrustStore(name, caPem, tags);
      trustStoreArn = this.trustStore.arn;
    }

    this.loadBalancer = new aws.lb.LoadBalancer(
      name,
      {
        internal: true,
        loadBalancerType: plan.type,
        subnets: args.subnetIds,
        securityGroups: securityGroupIds,
        enableDeletionProtection: plan.deletionProtection,
        ...(isAlb ? { dropInvalidHeaderFields: true, desyncMitigationMode: "strictest" } : {}),
        accessLogs: { bucket: this.logBucket.bucketName, enabled: true, prefix: name },
        ...(isAlb && args.mutualTls
          ? {
              connectionLogs: {
                bucket: this.logBucket.bucketName,
                enabled: true,
                prefix: `${name}-connections`,
              },
            }
          : {}),
        tags,
      },
      // The bucket policy must allow ELB log delivery before AWS validates the access-log settings.
      { parent: this, dependsOn: [this.logBucket] },
    );
    this.loadBalancerArn = this.loadBalancer.arn;
    this.dnsName = this.loadBalancer.dnsName;

    this.targetGroup = new aws.lb.TargetGroup(
      `${name}-tg`,
      {
        vpcId: args.vpcId,
        port: plan.targetPort,
        protocol: isAlb ? "HTTPS" : "TLS",
        targetType: plan.targetType,
        healthCheck: {
          enabled: true,
          protocol: "HTTPS",
          path: plan.healthCheckPath,
          port: "traffic-port",
          // NLB HTTPS health checks accept only 200-399 matchers.
          matcher: "200-399",
        },
        tags,
      },
      { parent: this },
    );
    this.targetGroupArns = pulumi.output([this.targetGroup.arn]);

    const listener = new aws.lb.Listener(
      `${name}-${isAlb ? "https" : "tls"}`,
      {
        loadBalancerArn: this.loadBalancer.arn,
        port: plan.listenerPort,
        protocol: isAlb ? "HTTPS" : "TLS",
        sslPolicy: plan.sslPolicy,
        certificateArn,
        defaultActions: [{ type: "forward", targetGroupArn: this.targetGroup.arn }],
        ...(trustStoreArn ? { mutualAuthentication: { mode: "verify", trustStoreArn } } : {}),
        tags,
      },
      { parent: this },
    );
    this.listeners = [listener];
    this.listenerArns = pulumi.output([listener.arn]);

    this.registerOutputs({
      loadBalancer: this.loadBalancer,
      loadBalancerArn: this.loadBalancerArn,
      dnsName: this.dnsName,
      listenerArns: this.listenerArns,
      targetGroupArns: this.targetGroupArns,
      securityGroupId: this.securityGroupId,
      logBucket: this.logBucket,
    });
  }

  /**
   * The trust store reads its CA bundle from S3. The bundle is public certificate material, but its
   * integrity decides who may connect (HIPAA 164.312(c)(1)), so the bucket is private, versioned, TLS-only
   * and encrypted, and the trust store pins the object version.
   */
  private createTrustStore(
    name: string,
    caPem: pulumi.Input<string>,
    tags: Record<string, string>,
  ): aws.lb.TrustStore {
    const bucket = new aws.s3.Bucket(`${name}-ca`, { tags }, { parent: this });
    const ownership = new aws.s3.BucketOwnershipControls(
      `${name}-ca`,
      { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
      { parent: this },
    );
    const publicAccess = new aws.s3.BucketPublicAccessBlock(
      `${name}-ca`,
      {
        bucket: bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      { parent: this },
    );
    const versioning = new aws.s3.BucketVersioning(
      `${name}-ca`,
      { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
      { parent: this },
    );
    const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-ca`,
      { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
      { parent: this },
    );
    const policy = new aws.s3.BucketPolicy(
      `${name}-ca`,
      {
        bucket: bucket.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "DenyInsecureTransport",
              Effect: "Deny",
              Principal: "*",
              Action: "s3:*",
              Resource: [bucket.arn, pulumi.interpolate`${bucket.arn}/*`],
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
          ],
        }),
      },
      { parent: this, dependsOn: [publicAccess] },
    );
    const bundle = new aws.s3.BucketObjectv2(
      `${name}-ca-bundle`,
      {
        bucket: bucket.id,
        key: "ca-bundle.pem",
        content: caPem,
        contentType: "application/x-pem-file",
        serverSideEncryption: "AES256",
        tags,
      },
      { parent: this, dependsOn: [ownership, versioning, encryption, policy] },
    );
    return new aws.lb.TrustStore(
      `${name}-trust`,
      {
        caCertificatesBundleS3Bucket: bucket.id,
        caCertificatesBundleS3Key: bundle.key,
        caCertificatesBundleS3ObjectVersion: bundle.versionId,
        tags,
      },
      { parent: this },
    );
  }
}

/**
 * Checks the arguments without creating anything, as the constructor does, and returns every problem
 * (none: valid), including those of the access-log bucket and of the security group built from `ingress`.
 */
export function validateTlsLoadBalancerArgs(name: string, args: TlsLoadBalancerArgs): ConfigProblem[] {
  return runChecks(COMPONENT, name, (c) => planLoadBalancer(c, name, args)).problems;
}

interface LoadBalancerPlan {
  type: "application" | "network";
  listenerPort: number;
  targetPort: number;
  targetType: "ip" | "instance";
  sslPolicy: string;
  healthCheckPath: string;
  deletionProtection: boolean;
}

function planLoadBalancer(c: ConfigChecks, name: string, args: TlsLoadBalancerArgs): LoadBalancerPlan {
  const fail = (field: string, value: unknown, problem: string, fix: string): never =>
    c.stop(field, value, problem, fix);
  if (args === undefined || args === null)
    fail("args", args, "is missing", "pass { vpcId, subnetIds, certificate }");
  const type = args.type ?? DEFAULT_LOAD_BALANCER_TYPE;
  if (type !== "application" && type !== "network") {
    c.report("type", type, "is not a load balancer type", 'use "application" or "network"');
  }
  if (args.vpcId === undefined || args.vpcId === null || args.vpcId === "") {
    c.report("vpcId", args.vpcId, "is required", "pass the channel VPC id");
  }
  if (args.subnetIds === undefined || args.subnetIds === null) {
    c.report("subnetIds", args.subnetIds, "is required", "pass the private subnets of the channel VPC");
  }
  if (Array.isArray(args.subnetIds) && args.subnetIds.length < 2 && type === "application") {
    c.report(
      "subnetIds",
      args.subnetIds,
      "must name at least two subnets",
      "give subnets in two availability zones",
    );
  }

  // Security groups: exactly one source.
  const hasIds = args.securityGroupIds !== undefined;
  const hasIngress = args.ingress !== undefined;
  if (hasIds === hasIngress) {
    c.report(
      hasIds ? "securityGroupIds" : "ingress",
      hasIds ? "(both set)" : undefined,
      hasIds ? "conflicts with ingress" : "is required",
      "set either securityGroupIds (existing groups) or ingress (an AllowlistedSecurityGroup is built)",
    );
  }
  if (hasIds && (!Array.isArray(args.securityGroupIds) || args.securityGroupIds.length === 0)) {
    c.report(
      "securityGroupIds",
      args.securityGroupIds,
      "must be a non-empty list",
      "pass at least one group id",
    );
  }
  if (!hasIngress && args.egress !== undefined) {
    c.report(
      "egress",
      "(set)",
      "only applies to the security group built from ingress",
      "set the rules on your own group",
    );
  }

  // Listener port must be allowlisted, with the same rule the pack applies to security groups.
  const allowedText = args.allowedIngress ?? DEFAULT_ALLOWED_INGRESS;
  const listenerPort = c.section(() => {
    let allowlist: AllowlistEntry[];
    try {
      allowlist = parseAllowlist(allowedText);
    } catch (e) {
      if (!(e instanceof AllowlistSyntaxError)) throw e;
      const refusal = allowlistEntryRefusal(e);
      return fail(`allowedIngress[${allowedText.indexOf(e.entry)}]`, e.entry, refusal.problem, refusal.fix);
    }
    const port = args.listenerPort ?? DEFAULT_LISTENER_PORT;
    if (!isListenerPort(port)) fail("listenerPort", port, PORT_RANGE_PROBLEM, "use 443");
    const grant = checkGrant("tcp", port, port, allowlist);
    if (!grant.allowed) {
      fail(
        "listenerPort",
        port,
        `is not allowlisted (allowed: ${allowedText.join(", ")})`,
        "use 443, or add the port to the channel allowlist and the policy pack's config",
      );
    }
    return port;
  });
  const targetPort = args.targetPort ?? DEFAULT_TARGET_PORT;
  if (!isListenerPort(targetPort)) {
    c.report(
      "targetPort",
      targetPort,
      PORT_RANGE_PROBLEM,
      "use the port your targets serve TLS on, e.g. 443",
    );
  }
  const targetType = args.targetType ?? DEFAULT_TARGET_TYPE;
  if (targetType !== "ip" && targetType !== "instance") {
    c.report("targetType", targetType, "is not supported", 'use "ip" or "instance"');
  }

  // TLS policy, judged by the shared table.
  const sslPolicy = args.sslPolicy ?? DEFAULT_ELB_SECURITY_POLICY;
  c.section(() => {
    const requested: unknown = args.minimumTlsVersion ?? DEFAULT_MINIMUM_TLS_VERSION;
    const minimumTlsVersion =
      isTlsVersion(requested) && tlsVersionRank(requested) >= tlsVersionRank(DEFAULT_MINIMUM_TLS_VERSION)
        ? requested
        : fail("minimumTlsVersion", requested, "is below the floor", 'use "1.2" or "1.3"');
    const refusal = elbSecurityPolicyRefusal(sslPolicy, minimumTlsVersion);
    if (refusal) fail("sslPolicy", sslPolicy, refusal.problem, refusal.fix);
  });

  // Certificate: exactly one form.
  const cert = c.section(() => {
    const cert = args.certificate as Record<string, unknown> | undefined;
    const forms =
      cert && typeof cert === "object"
        ? ["certificateArn", "internal"].filter((k) => cert[k] !== undefined)
        : [];
    if (forms.length !== 1) {
      fail(
        "certificate",
        forms.length === 0 ? cert : forms,
        forms.length === 0 ? "names no certificate" : "sets both certificateArn and internal",
        "set exactly one of { certificateArn } (ACM) or { internal } (an InternalCertificate)",
      );
    }
    if (typeof cert!.certificateArn === "string" && !isAcmCertificateArn(cert!.certificateArn)) {
      const { problem, fix } = ACM_CERTIFICATE_ARN_REFUSAL;
      fail("certificate.certificateArn", cert!.certificateArn, problem, fix);
    }
    if (cert!.internal !== undefined && !(cert!.internal instanceof InternalCertificate)) {
      fail(
        "certificate.internal",
        "(not an InternalCertificate)",
        "is not an InternalCertificate",
        "pass the component instance",
      );
    }
    return cert!;
  });

  // Mutual TLS.
  const mutualTls = args.mutualTls;
  if (mutualTls !== undefined) {
    c.section(() => {
      if (type !== "application") {
        fail(
          "mutualTls",
          mutualTls.mode,
          "is not supported on network load balancers (NLB TLS listeners cannot verify client certificates)",
          "use an application load balancer for mutual TLS, or terminate mTLS at the targets",
        );
      }
      if (mutualTls.mode !== "verify") {
        fail(
          "mutualTls.mode",
          mutualTls.mode,
          'must be "verify"',
          'set mode: "verify" (passthrough skips verification)',
        );
      }
      if (mutualTls.caCertificatePem === undefined && cert !== undefined && cert.internal === undefined) {
        fail(
          "mutualTls.caCertificatePem",
          undefined,
          "is required with an ACM certificateArn",
          "pass the PEM bundle of the CAs that issue client certificates",
        );
      }
    });
  }

  const healthCheckPath = args.healthCheckPath ?? DEFAULT_HEALTH_CHECK_PATH;
  if (typeof healthCheckPath !== "string" || !healthCheckPath.startsWith("/")) {
    c.report("healthCheckPath", healthCheckPath, "must be an absolute path", 'use e.g. "/health"');
  }
  const deletionProtection = args.deletionProtection ?? DEFAULT_DELETION_PROTECTION;
  if (typeof deletionProtection !== "boolean") {
    c.report("deletionProtection", deletionProtection, "must be a boolean", "omit it (default true)");
  }
  c.addAll(
    validateImmutableLogBucketArgs(`${name}-logs`, {
      purpose: type === "application" ? "alb-access-logs" : "nlb-access-logs",
      retentionDays: args.accessLogRetentionDays,
      minimumRetentionDays: args.minimumRetentionDays,
      tags: args.tags,
    }),
  );
  if (hasIngress && listenerPort !== undefined) {
    // The group is built after this component registers; check its rules now so nothing is half-made
    // (once the shared allowlist is valid, so an allowlist mistake is reported once).
    c.addAll(
      validateAllowlistedSecurityGroupArgs(`${name}-sg`, {
        vpcId: args.vpcId,
        ingress: args.ingress!,
        egress: args.egress,
        allowedIngress: args.allowedIngress,
        allowedPublicCidrs: args.allowedPublicCidrs,
      }),
    );
  }
  return {
    type,
    listenerPort: listenerPort!,
    targetPort,
    targetType,
    sslPolicy,
    healthCheckPath,
    deletionProtection,
  };
}
