import { setupPulumiMocks, promiseOf } from "../support/pulumi-mocks";
import { TlsLoadBalancer, type TlsLoadBalancerArgs } from "../../components/TlsLoadBalancer";
import { InternalCertificate } from "../../components/InternalCertificate";
import { PhiConfigError } from "../../components/errors";
import { DEFAULT_ELB_SECURITY_POLICY, strongElbSecurityPolicies } from "../../policies/src/rules";

const mocks = setupPulumiMocks();
beforeEach(() => mocks.reset());

const LB = "aws:lb/loadBalancer:LoadBalancer";
const LISTENER = "aws:lb/listener:Listener";
const TG = "aws:lb/targetGroup:TargetGroup";
const TRUST = "aws:lb/trustStore:TrustStore";
const OBJECT = "aws:s3/bucketObjectv2:BucketObjectv2";
const ACM_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555";

function args(overrides: Partial<TlsLoadBalancerArgs> = {}): TlsLoadBalancerArgs {
  return {
    vpcId: "vpc-1",
    subnetIds: ["subnet-a", "subnet-b"],
    ingress: [{ protocol: "tcp", port: 443, source: { cidrBlock: "10.20.0.0/16" }, description: "clients" }],
    egress: [
      { protocol: "tcp", port: 443, destination: { cidrBlock: "10.0.0.0/16" }, description: "targets" },
    ],
    certificate: { certificateArn: ACM_ARN },
    ...overrides,
  };
}

describe("TlsLoadBalancer (application)", () => {
  test("internal ALB with hardened settings, access logs and a single HTTPS listener", async () => {
    const lb = new TlsLoadBalancer("claims", args());
    await mocks.settle();

    const alb = mocks.one(LB);
    const bucketName = await promiseOf(lb.logBucket.bucketName);
    expect(bucketName).toEqual(expect.any(String));
    expect(alb.inputs).toMatchObject({
      internal: true,
      loadBalancerType: "application",
      subnets: ["subnet-a", "subnet-b"],
      dropInvalidHeaderFields: true,
      desyncMitigationMode: "strictest",
      enableDeletionProtection: true,
      accessLogs: { bucket: bucketName, enabled: true, prefix: "claims" },
    });
    expect(alb.inputs.connectionLogs).toBeUndefined();
    const sgId = await promiseOf(lb.securityGroupId);
    expect(alb.inputs.securityGroups).toEqual([sgId]);
    expect(mocks.one("aws:ec2/securityGroup:SecurityGroup").id).toBe(sgId);
    expect(mocks.one("phi:storage:ImmutableLogBucket").name).toBe("claims-logs");

    const listeners = mocks.byType(LISTENER);
    expect(listeners).toHaveLength(1);
    expect(mocks.byType("aws:alb/listener:Listener")).toHaveLength(0);
    const listener = listeners[0].inputs;
    expect(listener).toMatchObject({
      port: 443,
      protocol: "HTTPS",
      sslPolicy: DEFAULT_ELB_SECURITY_POLICY,
      certificateArn: ACM_ARN,
      loadBalancerArn: alb.id,
    });
    expect(listener.mutualAuthentication).toBeUndefined();

    const tg = mocks.one(TG);
    expect(tg.inputs).toMatchObject({
      protocol: "HTTPS",
      port: 443,
      targetType: "ip",
      vpcId: "vpc-1",
      healthCheck: { enabled: true, protocol: "HTTPS", path: "/health", matcher: "200-399" },
    });
    expect(listener.defaultActions).toEqual([{ type: "forward", targetGroupArn: tg.id }]);

    expect(await promiseOf(lb.listenerArns)).toEqual([listeners[0].id]);
    expect(await promiseOf(lb.targetGroupArns)).toEqual([tg.id]);
    expect(await promiseOf(lb.loadBalancerArn)).toBe(alb.id);
    expect(await promiseOf(lb.dnsName)).toBe(alb.outputs.dnsName);
    expect(mocks.byType(TRUST)).toHaveLength(0);
  });

  test("mutual TLS: trust store from the internal CA in a private, versioned, TLS-only bucket", async () => {
    const cert = new InternalCertificate("claims-cert", { dnsNames: ["claims.phi.internal"] });
    const lb = new TlsLoadBalancer(
      "claims",
      args({ certificate: { internal: cert }, mutualTls: { mode: "verify" } }),
    );
    await mocks.settle();

    const trust = mocks.one(TRUST);
    const object = mocks.one(OBJECT);
    expect(object.inputs.content).toBe(await promiseOf(cert.caCertificatePem));
    expect(object.inputs.content).toContain("BEGIN CERTIFICATE");
    expect(object.inputs.serverSideEncryption).toBe("AES256");
    expect(trust.inputs.caCertificatesBundleS3Bucket).toBe(object.inputs.bucket);
    expect(trust.inputs.caCertificatesBundleS3Key).toBe("ca-bundle.pem");

    const bucket = mocks.one("aws:s3/bucket:Bucket", "claims-ca");
    expect(object.inputs.bucket).toBe(bucket.id);
    expect(
      mocks.one("aws:s3/bucketVersioning:BucketVersioning", "claims-ca").inputs.versioningConfiguration,
    ).toEqual({
      status: "Enabled",
    });
    expect(
      mocks.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "claims-ca").inputs,
    ).toMatchObject({
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    expect(
      mocks.one(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "claims-ca",
      ).inputs.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm,
    ).toBe("AES256");
    const policy = JSON.parse(mocks.one("aws:s3/bucketPolicy:BucketPolicy", "claims-ca").inputs.policy);
    expect(policy.Statement[0]).toMatchObject({
      Effect: "Deny",
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });

    const listener = mocks.one(LISTENER).inputs;
    expect(listener.mutualAuthentication).toEqual({ mode: "verify", trustStoreArn: trust.id });
    expect(listener.certificateArn).toBe(await promiseOf(cert.certificateArn));
    const alb = mocks.one(LB).inputs;
    expect(alb.connectionLogs).toEqual({
      bucket: await promiseOf(lb.logBucket.bucketName),
      enabled: true,
      prefix: "claims-connections",
    });
  });

  test("existing security groups, custom ports and deletion protection off", async () => {
    new TlsLoadBalancer(
      "ops",
      args({
        ingress: undefined,
        egress: undefined,
        securityGroupIds: ["sg-existing"],
        allowedIngress: ["tcp/8443"],
        listenerPort: 8443,
        targetPort: 9443,
        targetType: "instance",
        healthCheckPath: "/ready",
        deletionProtection: false,
      }),
    );
    await mocks.settle();
    expect(mocks.byType("aws:ec2/securityGroup:SecurityGroup")).toHaveLength(0);
    expect(mocks.one(LB).inputs).toMatchObject({
      securityGroups: ["sg-existing"],
      enableDeletionProtection: false,
    });
    expect(mocks.one(LISTENER).inputs.port).toBe(8443);
    expect(mocks.one(TG).inputs).toMatchObject({
      port: 9443,
      targetType: "instance",
      healthCheck: { path: "/ready" },
    });
  });
});

describe("TlsLoadBalancer (network)", () => {
  test("internal NLB with one TLS listener, a TLS target group and an HTTPS health check", async () => {
    const lb = new TlsLoadBalancer("hl7", args({ type: "network" }));
    await mocks.settle();
    const nlb = mocks.one(LB).inputs;
    expect(nlb).toMatchObject({
      internal: true,
      loadBalancerType: "network",
      enableDeletionProtection: true,
      accessLogs: { bucket: await promiseOf(lb.logBucket.bucketName), enabled: true },
    });
    // ALB-only attributes are not sent to an NLB.
    expect(nlb.dropInvalidHeaderFields).toBeUndefined();
    expect(nlb.desyncMitigationMode).toBeUndefined();
    expect(nlb.securityGroups).toHaveLength(1);
    const listeners = mocks.byType(LISTENER);
    expect(listeners).toHaveLength(1);
    expect(listeners[0].inputs).toMatchObject({
      protocol: "TLS",
      port: 443,
      sslPolicy: DEFAULT_ELB_SECURITY_POLICY,
    });
    expect(mocks.one(TG).inputs).toMatchObject({
      protocol: "TLS",
      healthCheck: { protocol: "HTTPS", path: "/health" },
    });
  });
});

describe("TlsLoadBalancer refuses", () => {
  const refuse = (a: TlsLoadBalancerArgs, field: string, text?: string) => {
    let error: unknown;
    try {
      new TlsLoadBalancer("bad", a);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PhiConfigError);
    const err = error as PhiConfigError;
    expect(err.field).toBe(field);
    if (text !== undefined) expect(err.message).toContain(text);
    return err;
  };

  afterEach(async () => {
    await mocks.settle();
    expect(mocks.resources.filter((r) => r.name.startsWith("bad"))).toHaveLength(0);
  });

  test("a weak TLS policy, listing the strong ones", () => {
    const err = refuse(
      args({ sslPolicy: "ELBSecurityPolicy-2016-08" }),
      "sslPolicy",
      "ELBSecurityPolicy-2016-08",
    );
    for (const p of strongElbSecurityPolicies("1.2")) expect(err.message).toContain(p);
  });

  test("an unknown TLS policy name", () => {
    refuse(args({ sslPolicy: "ELBSecurityPolicy-Made-Up" }), "sslPolicy", "not a known");
  });

  test("a TLS 1.2 policy when the floor is 1.3", () => {
    const err = refuse(
      args({ sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06", minimumTlsVersion: "1.3" }),
      "sslPolicy",
    );
    expect(err.message).toContain("ELBSecurityPolicy-TLS13-1-3-2021-06");
  });

  test("mutual TLS on an NLB", () => {
    refuse(args({ type: "network", mutualTls: { mode: "verify", caCertificatePem: "pem" } }), "mutualTls");
  });

  test("mutual TLS with an ACM certificate and no CA bundle", () => {
    refuse(args({ mutualTls: { mode: "verify" } }), "mutualTls.caCertificatePem");
  });

  test("both and neither certificate forms", () => {
    const cert = new InternalCertificate("both-cert", { dnsNames: ["x.phi.internal"] });
    refuse(
      args({ certificate: { certificateArn: ACM_ARN, internal: cert } as never }),
      "certificate",
      "both",
    );
    refuse(args({ certificate: {} as never }), "certificate", "no certificate");
    refuse(args({ certificate: undefined as never }), "certificate");
    refuse(
      args({ certificate: { certificateArn: "arn:aws:iam::123456789012:server-certificate/x" } }),
      "certificate.certificateArn",
    );
  });

  test("a listener port that is not allowlisted", () => {
    refuse(args({ listenerPort: 8443 }), "listenerPort", "tcp/443");
  });

  test("neither security groups nor ingress, or both", () => {
    refuse(args({ ingress: undefined, egress: undefined }), "ingress");
    refuse(args({ securityGroupIds: ["sg-1"] }), "securityGroupIds");
  });

  test("bad ingress rules before anything is created", () => {
    const err = refuse(
      args({
        ingress: [{ protocol: "tcp", port: 22, source: { cidrBlock: "10.0.0.0/8" }, description: "ssh" }],
      }),
      "ingress[0].port",
    );
    expect(err.resourceName).toBe("bad-sg");
    refuse(
      args({
        ingress: [{ protocol: "tcp", port: 443, source: { cidrBlock: "0.0.0.0/0" }, description: "x" }],
      }),
      "ingress[0].source.cidrBlock",
    );
  });

  test("access-log retention below the log bucket's floor", () => {
    let error: unknown;
    try {
      new TlsLoadBalancer("bad", args({ accessLogRetentionDays: 30 }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PhiConfigError);
    expect((error as PhiConfigError).value).toBe(30);
  });
});
