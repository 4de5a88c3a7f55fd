import { policies } from "../policies";
import {
  runResource,
  runStack,
  secret,
  type StackResourceSpec,
  UNKNOWN_ARRAY,
  UNKNOWN_BOOL,
  UNKNOWN_OBJECT,
  UNKNOWN_STRING,
} from "../testing/harness";
import { setExemptionClockForTesting } from "../exemptions";
import { camelCase, parseTemplate } from "./cloudformation";

const policy = (name: string) => {
  const p = policies.find((x) => x.name === name);
  if (!p) throw new Error(`no policy ${name}`);
  return p;
};

const SG = "aws-native:ec2:SecurityGroup";
const SG_INGRESS = "aws-native:ec2:SecurityGroupIngress";
const SG_EGRESS = "aws-native:ec2:SecurityGroupEgress";
const LB = "aws-native:elasticloadbalancingv2:LoadBalancer";
const LISTENER = "aws-native:elasticloadbalancingv2:Listener";
const TARGET_GROUP = "aws-native:elasticloadbalancingv2:TargetGroup";
const BUCKET = "aws-native:s3:Bucket";
const BUCKET_POLICY = "aws-native:s3:BucketPolicy";
const DISTRIBUTION = "aws-native:cloudfront:Distribution";
const REST_DOMAIN = "aws-native:apigateway:DomainName";
const HTTP_DOMAIN = "aws-native:apigatewayv2:DomainName";
const KMS_KEY = "aws-native:kms:Key";
const FLOW_LOG = "aws-native:ec2:FlowLog";
const VPC = "aws-native:ec2:Vpc";
const STACK = "aws:cloudformation/stack:Stack";

const CERT = "arn:aws:acm:us-east-1:111122223333:certificate/0e7e8c1e-8f1e-4d6e-9c1e-111122223333";

// One valid fixture per resource; each case changes one field.
const sg = {
  groupDescription: "app",
  vpcId: "vpc-1",
  securityGroupIngress: [{ ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIp: "10.0.0.0/16" }],
  securityGroupEgress: [{ ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIp: "10.0.0.0/16" }],
};
const listener = {
  loadBalancerArn: "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/lb/1",
  protocol: "HTTPS",
  port: 443,
  sslPolicy: "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
  certificates: [{ certificateArn: CERT }],
  defaultActions: [{ type: "forward", targetGroupArn: "arn:tg" }],
  mutualAuthentication: { mode: "verify", trustStoreArn: "arn:aws:elasticloadbalancing:ts" },
};
const distribution = {
  distributionConfig: {
    enabled: true,
    defaultCacheBehavior: { targetOriginId: "o", viewerProtocolPolicy: "https-only" },
    viewerCertificate: {
      acmCertificateArn: CERT,
      sslSupportMethod: "sni-only",
      minimumProtocolVersion: "TLSv1.2_2021",
    },
    origins: [
      {
        id: "o",
        domainName: "origin.example.com",
        customOriginConfig: { originProtocolPolicy: "https-only", originSslProtocols: ["TLSv1.2"] },
      },
    ],
  },
};
const kmsKey = { enableKeyRotation: true, keySpec: "SYMMETRIC_DEFAULT", keyUsage: "ENCRYPT_DECRYPT" };
const logBucket = {
  bucketName: "phi-audit-logs",
  arn: "arn:aws:s3:::phi-audit-logs",
  objectLockEnabled: true,
  objectLockConfiguration: {
    objectLockEnabled: "Enabled",
    rule: { defaultRetention: { mode: "COMPLIANCE", days: 2190 } },
  },
  versioningConfiguration: { status: "Enabled" },
  bucketEncryption: {
    serverSideEncryptionConfiguration: [{ serverSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
  },
  publicAccessBlockConfiguration: {
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  },
  tags: [{ key: "phi-channels:data-classification", value: "audit-log" }],
};
const tlsOnlyPolicy = {
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: ["arn:aws:s3:::phi-audit-logs", "arn:aws:s3:::phi-audit-logs/*"],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
  ],
};
const flowLogs = {
  resourceType: "VPC",
  resourceId: "vpc-1",
  trafficType: "ALL",
  logDestinationType: "s3",
  logDestination: "arn:aws:s3:::phi-audit-logs",
};

/** A compliant channel built only from aws-native resources. */
function nativeChannel(): StackResourceSpec[] {
  return [
    { type: VPC, name: "vpc", props: { vpcId: "vpc-1", cidrBlock: "10.0.0.0/16" } },
    { type: FLOW_LOG, name: "flow-logs", props: flowLogs, deps: { logDestination: ["audit-logs"] } },
    { type: SG, name: "app-sg", props: sg },
    {
      type: LB,
      name: "lb",
      props: {
        scheme: "internal",
        type: "application",
        subnets: ["subnet-1"],
        loadBalancerAttributes: [
          { key: "access_logs.s3.enabled", value: "true" },
          { key: "access_logs.s3.bucket", value: "phi-audit-logs" },
          { key: "deletion_protection.enabled", value: "true" },
          { key: "routing.http.drop_invalid_header_fields.enabled", value: "true" },
        ],
      },
    },
    { type: LISTENER, name: "listener", props: listener, deps: { loadBalancerArn: ["lb"] } },
    { type: TARGET_GROUP, name: "tg", props: { protocol: "HTTPS", port: 443, targetType: "ip" } },
    { type: BUCKET, name: "audit-logs", props: logBucket },
    {
      type: BUCKET_POLICY,
      name: "audit-logs-policy",
      props: { bucket: "phi-audit-logs", policyDocument: tlsOnlyPolicy },
      deps: { bucket: ["audit-logs"] },
    },
    { type: KMS_KEY, name: "key", props: kmsKey },
  ];
}

/** Every policy over every resource (resource part) and the whole stack (stack part). */
async function judgeAll(specs: StackResourceSpec[]) {
  const out: { policy: string; resource?: string; message: string; level: string }[] = [];
  for (const p of policies) {
    for (const s of specs) {
      const v = await runResource(p, s.type, s.props);
      for (const d of v.diagnostics)
        out.push({ policy: p.name, resource: s.name, message: d.message, level: d.enforcementLevel });
    }
    const v = await runStack(p, specs);
    for (const d of v.diagnostics)
      out.push({ policy: p.name, message: d.message, level: d.enforcementLevel });
  }
  return out;
}

describe("aws-native resources are judged as the classic resources they are", () => {
  it("a compliant channel built with aws-native resources passes every policy", async () => {
    expect(await judgeAll(nativeChannel())).toEqual([]);
  });

  it("a native security group open to 0.0.0.0/0 on port 22 is blocked by both ingress policies", async () => {
    const open = {
      ...sg,
      securityGroupIngress: [{ ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIp: "0.0.0.0/0" }],
    };
    const ports = await runResource(policy("phi-ingress-allowlisted-ports"), SG, open);
    expect(ports.mandatory).toHaveLength(1);
    expect(ports.mandatory[0].message).toContain("securityGroupIngress[0]");
    expect(ports.mandatory[0].message).toContain(
      "aws-native:ec2:SecurityGroup, judged as aws:ec2/securityGroup:SecurityGroup",
    );
    const sources = await runResource(policy("phi-ingress-private-sources"), SG, open);
    expect(sources.mandatory).toHaveLength(1);
    expect(sources.mandatory[0].message).toContain(
      "securityGroupIngress[0].cidrIp is not within a private range",
    );
  });

  it("values are named as for classic resources, unless some value of the resource was a secret", async () => {
    const p = policy("phi-ingress-allowlisted-ports");
    const rule = { ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIp: "203.0.113.77/32" };
    const known = await runResource(p, SG, { ...sg, securityGroupIngress: [rule] });
    expect(known.mandatory[0].message).toContain(
      "securityGroupIngress[0] opens tcp/22, which is outside the allowlist",
    );
    const hidden = await runResource(p, SG, {
      ...sg,
      securityGroupIngress: [{ ...rule, fromPort: secret(22), cidrIp: secret("203.0.113.77/32") }],
    });
    expect(hidden.mandatory[0].message).toContain("its protocol or ports are secret, so not shown");
    const sources = await runResource(policy("phi-ingress-private-sources"), SG, {
      ...sg,
      securityGroupIngress: [{ ...rule, cidrIp: secret("203.0.113.77/32") }],
    });
    expect(sources.mandatory).toHaveLength(1);
    expect(hidden.text + sources.text).not.toContain("203.0.113.77");
  });

  it("IPv6 and separate ingress resources are judged too", async () => {
    const v6 = {
      ...sg,
      securityGroupIngress: [{ ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv6: "::/0" }],
    };
    const v = await runResource(policy("phi-ingress-private-sources"), SG, v6);
    expect(v.mandatory[0].message).toContain(
      "securityGroupIngress[0].cidrIpv6 is not within a private range",
    );
    const rule = { groupId: "sg-1", ipProtocol: "-1", cidrIp: "0.0.0.0/0" };
    expect(
      (await runResource(policy("phi-ingress-allowlisted-ports"), SG_INGRESS, rule)).mandatory,
    ).toHaveLength(1);
    expect(
      (await runResource(policy("phi-ingress-private-sources"), SG_INGRESS, rule)).mandatory,
    ).toHaveLength(1);
    // phi-egress-restricted is advisory by default.
    const egress = await runResource(policy("phi-egress-restricted"), SG_EGRESS, rule);
    expect(egress.advisory.map((d) => d.message.split("\n")[1])).toEqual([
      "the rule allows every protocol and port",
      "cidrIp is not within a private range; egress destinations must lie within 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, fc00::/7",
    ]);
    // An ingress rule is not an egress rule.
    expect((await runResource(policy("phi-egress-restricted"), SG_INGRESS, rule)).notApplicable).toHaveLength(
      1,
    );
  });

  it("a native security group without securityGroupEgress keeps EC2's allow-all egress rule", async () => {
    const { securityGroupEgress: _e, ...noEgress } = sg;
    const empty = await runResource(policy("phi-egress-restricted"), SG, { ...sg, securityGroupEgress: [] });
    expect(empty.advisory).toHaveLength(3);
    const v = await runResource(policy("phi-egress-restricted"), SG, noEgress);
    expect(v.advisory).toHaveLength(3);
    expect(v.advisory[0].message).toContain("securityGroupEgress[0] allows every protocol and port");
    expect(v.advisory[1].message).toContain("securityGroupEgress[0].cidrIp is not within a private range");
    expect(v.advisory[2].message).toContain("securityGroupEgress[0].cidrIpv6 is not within a private range");
    expect(v.advisory[0].message).toContain(
      "securityGroupEgress is unset, so EC2 adds its default rules allowing all egress to 0.0.0.0/0 and ::/0",
    );
  });

  it("a native HTTP listener is blocked by phi-tls-listeners-only", async () => {
    const v = await runResource(policy("phi-tls-listeners-only"), LISTENER, {
      ...listener,
      protocol: "HTTP",
      port: 80,
    });
    expect(v.mandatory).toHaveLength(1);
    expect(v.mandatory[0].message).toContain("aws-native:elasticloadbalancingv2:Listener");
  });

  it("a native CloudFront distribution allowing TLSv1 and allow-all is blocked", async () => {
    const weak = structuredClone(distribution);
    weak.distributionConfig.viewerCertificate.minimumProtocolVersion = "TLSv1";
    const strong = await runResource(policy("phi-tls-strong-policy"), DISTRIBUTION, weak);
    expect(strong.mandatory).toHaveLength(1);
    expect(strong.mandatory[0].message).toContain(
      "distributionConfig.viewerCertificate.minimumProtocolVersion",
    );
    const allowAll = structuredClone(distribution);
    allowAll.distributionConfig.defaultCacheBehavior.viewerProtocolPolicy = "allow-all";
    const listeners = await runResource(policy("phi-tls-listeners-only"), DISTRIBUTION, allowAll);
    expect(listeners.mandatory).toHaveLength(1);
    expect(listeners.mandatory[0].message).toContain(
      "distributionConfig.defaultCacheBehavior.viewerProtocolPolicy",
    );
  });

  it("a native CloudFront distribution without viewerCertificate uses the default certificate (TLSv1)", async () => {
    const none = structuredClone(distribution) as { distributionConfig: Record<string, unknown> };
    delete none.distributionConfig.viewerCertificate;
    expect((await runResource(policy("phi-tls-strong-policy"), DISTRIBUTION, none)).mandatory).toHaveLength(
      1,
    );
  });

  it("API Gateway domain names on TLS_1_0 are blocked (v1 securityPolicy, v2 each domainNameConfigurations entry)", async () => {
    const rest = {
      domainName: "api.example.com",
      regionalCertificateArn: CERT,
      endpointConfiguration: { types: ["REGIONAL"] },
    };
    const p = policy("phi-tls-strong-policy");
    expect(
      (await runResource(p, REST_DOMAIN, { ...rest, securityPolicy: "TLS_1_0" })).mandatory,
    ).toHaveLength(1);
    const http = {
      domainName: "api.example.com",
      domainNameConfigurations: [
        { certificateArn: CERT, endpointType: "REGIONAL", securityPolicy: "TLS_1_2" },
        { certificateArn: CERT, endpointType: "REGIONAL", securityPolicy: "TLS_1_0" },
      ],
    };
    // Under the strict profile no v2 policy qualifies: each entry is judged and named.
    const v = await runResource(p, HTTP_DOMAIN, http);
    expect(v.mandatory).toHaveLength(2);
    expect(v.mandatory[1].message).toContain("domainNameConfigurations[1].securityPolicy accepts TLS 1.0");
    const nist = await runResource(p, HTTP_DOMAIN, http, { tlsProfile: "nist-800-52r2" });
    expect(nist.mandatory).toHaveLength(2);
    expect(nist.mandatory[1].message).toContain("domainNameConfigurations[1].securityPolicy accepts TLS 1.0");
  });

  it("a native KMS key without rotation is blocked (enableKeyRotation defaults to false)", async () => {
    const { enableKeyRotation: _r, ...unset } = kmsKey;
    const p = policy("phi-kms-key-rotation");
    expect((await runResource(p, KMS_KEY, unset)).mandatory).toHaveLength(1);
    expect((await runResource(p, KMS_KEY, { ...kmsKey, enableKeyRotation: false })).mandatory).toHaveLength(
      1,
    );
    expect((await runResource(p, KMS_KEY, kmsKey)).diagnostics).toEqual([]);
    expect(
      (await runResource(p, KMS_KEY, { ...kmsKey, keySpec: "RSA_2048", keyUsage: "SIGN_VERIFY" }))
        .notApplicable,
    ).toHaveLength(1);
  });

  it("a native log bucket without Object Lock is blocked by phi-audit-log-bucket-immutable", async () => {
    const channel = nativeChannel();
    const bucket = channel.find((s) => s.name === "audit-logs")!;
    const { objectLockEnabled: _l, objectLockConfiguration: _c, ...unlocked } = logBucket;
    bucket.props = unlocked;
    const v = await runStack(policy("phi-audit-log-bucket-immutable"), channel);
    expect(v.mandatory.length).toBeGreaterThan(0);
    expect(v.mandatory.map((d) => d.message).join("\n")).toContain("objectLockEnabled is not true");
    expect(v.mandatory[0].urn).toBe("urn:pulumi:test::phi::aws-native:s3:Bucket::audit-logs");
  });

  it("a native load balancer's attributes decide access logs, deletion protection and header dropping", async () => {
    const lb = nativeChannel().find((s) => s.name === "lb")!.props;
    const noAttrs = { ...lb, loadBalancerAttributes: [] };
    const logs = await runResource(policy("phi-lb-access-logs"), LB, noAttrs);
    expect(logs.mandatory).toHaveLength(1);
    expect(logs.mandatory[0].message).toContain("loadBalancerAttributes[access_logs.s3.*] is not set");
    const deletion = await runResource(policy("phi-lb-deletion-protection"), LB, noAttrs);
    expect(deletion.advisory[0].message).toContain(
      "loadBalancerAttributes[deletion_protection.enabled] is not true",
    );
    const internet = await runResource(policy("phi-lb-internal"), LB, { ...lb, scheme: "internet-facing" });
    expect(internet.mandatory).toHaveLength(1);
    const unset = { ...lb } as Record<string, unknown>;
    delete unset.scheme;
    expect((await runResource(policy("phi-lb-internal"), LB, unset)).mandatory).toHaveLength(1);
  });
});

describe("exemptions name the real resource", () => {
  beforeAll(() => setExemptionClockForTesting(() => new Date("2026-06-15T23:59:59Z")));
  afterAll(() => setExemptionClockForTesting(undefined));
  const exemption = {
    resource: "legacy-sftp",
    reason: "vendor SFTP endpoint until migration to the HTTPS API",
    ticket: "SEC-123",
    expires: "2026-09-30",
    approvedBy: "jane.doe@example.com",
  };
  const open = {
    ...sg,
    securityGroupIngress: [{ ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIp: "10.0.0.0/16" }],
  };

  it("an exemption for a native resource's name turns its finding advisory", async () => {
    const p = policy("phi-ingress-allowlisted-ports");
    const v = await runResource(p, SG, open, { exemptions: [exemption] }, "legacy-sftp");
    expect(v.mandatory).toEqual([]);
    expect(v.advisory).toHaveLength(1);
    expect(v.advisory[0].message).toContain("exempted until 2026-09-30");
    expect(v.advisory[0].message).toContain("securityGroupIngress[0] opens tcp/22");
    const other = await runResource(p, SG, open, { exemptions: [exemption] }, "another-sg");
    expect(other.mandatory).toHaveLength(1);
  });

  it("a stack finding on a native bucket is exempted by the bucket's name", async () => {
    const channel = nativeChannel();
    const bucket = channel.find((s) => s.name === "audit-logs")!;
    const { objectLockEnabled: _l, objectLockConfiguration: _c, ...unlocked } = logBucket;
    bucket.props = unlocked;
    const v = await runStack(policy("phi-audit-log-bucket-immutable"), channel, {
      exemptions: [{ ...exemption, resource: "audit-logs" }],
    });
    expect(v.mandatory).toEqual([]);
    expect(v.advisory.length).toBeGreaterThan(0);
    expect(v.advisory.every((d) => d.urn === "urn:pulumi:test::phi::aws-native:s3:Bucket::audit-logs")).toBe(
      true,
    );
  });
});

describe("unknown values at preview", () => {
  it("a decidable violation stays mandatory while other fields are unknown", async () => {
    const v = await runResource(policy("phi-ingress-private-sources"), SG, {
      ...sg,
      vpcId: UNKNOWN_STRING,
      securityGroupIngress: [
        { ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIp: "0.0.0.0/0" },
        { ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIp: UNKNOWN_STRING },
      ],
    });
    expect(v.mandatory).toHaveLength(1);
    expect(v.advisory).toHaveLength(1);
    expect(v.advisory[0].message).toContain("securityGroupIngress[1].cidrIp");
  });

  it("an unknown whole list or sub-object stays unknown (advisory, never a pass)", async () => {
    const ingress = await runResource(policy("phi-ingress-private-sources"), SG, {
      ...sg,
      securityGroupIngress: UNKNOWN_ARRAY,
    });
    expect(ingress.mandatory).toHaveLength(0);
    expect(ingress.advisory).toHaveLength(1);
    const cf = await runResource(policy("phi-tls-strong-policy"), DISTRIBUTION, {
      distributionConfig: { ...distribution.distributionConfig, viewerCertificate: UNKNOWN_OBJECT },
    });
    expect(cf.mandatory).toHaveLength(0);
    expect(cf.advisory.length).toBeGreaterThan(0);
    const key = await runResource(policy("phi-kms-key-rotation"), KMS_KEY, {
      ...kmsKey,
      enableKeyRotation: UNKNOWN_BOOL,
    });
    expect(key.advisory).toHaveLength(1);
    const lb = await runResource(policy("phi-lb-deletion-protection"), LB, {
      scheme: "internal",
      loadBalancerAttributes: UNKNOWN_ARRAY,
    });
    expect(lb.advisory).toHaveLength(1);
    expect(lb.advisory[0].message).toContain("it is not known at preview");
  });
});

describe("CloudFormation templates given inline", () => {
  const openSgJson = JSON.stringify({
    AWSTemplateFormatVersion: "2010-09-09",
    Resources: {
      WebSg: {
        Type: "AWS::EC2::SecurityGroup",
        Properties: {
          GroupDescription: "web",
          VpcId: { Ref: "VpcId" },
          SecurityGroupIngress: [{ IpProtocol: "tcp", FromPort: 22, ToPort: 22, CidrIp: "0.0.0.0/0" }],
          SecurityGroupEgress: [{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, CidrIp: "10.0.0.0/8" }],
        },
      },
    },
  });

  it("a JSON template's security group open on 22 is blocked, naming the stack resource and logical id", async () => {
    const v = await runResource(
      policy("phi-ingress-allowlisted-ports"),
      STACK,
      { templateBody: openSgJson },
      {},
      "infra",
    );
    expect(v.mandatory).toHaveLength(1);
    expect(v.mandatory[0].message).toContain("template resource WebSg (AWS::EC2::SecurityGroup");
    const stack = await runStack(policy("phi-ingress-private-sources"), [
      { type: STACK, name: "infra", props: { templateBody: openSgJson } },
    ]);
    expect(stack.mandatory).toHaveLength(0);
  });

  const yamlTemplate = `
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Vpc: { Type: String }
Resources:
  Lb:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Scheme: internal
      Subnets: [!Ref SubnetA]
  HttpListener:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref Lb
      Protocol: HTTP
      Port: 80
      DefaultActions:
        - Type: forward
          TargetGroupArn: !GetAtt Tg.TargetGroupArn
  Logs:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "logs-\${AWS::AccountId}"
      VersioningConfiguration:
        Status: Suspended
      Tags:
        - Key: phi-channels:data-classification
          Value: audit-log
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: web
      VpcId: !Ref Vpc
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 22
          ToPort: 22
          CidrIp: 0.0.0.0/0
`;

  it("a YAML template with short-form tags: listener, security group and bucket are judged", async () => {
    const props = { templateBody: yamlTemplate };
    const listeners = await runResource(policy("phi-tls-listeners-only"), STACK, props, {}, "infra");
    expect(listeners.mandatory).toHaveLength(1);
    expect(listeners.mandatory[0].message).toContain("template resource HttpListener");
    expect((await runResource(policy("phi-ingress-allowlisted-ports"), STACK, props)).mandatory).toHaveLength(
      1,
    );
    // The bucket receives the load balancer's logs? No: it is judged as a bucket for data at rest etc.
    const parsed = parseTemplate(yamlTemplate, (v) => v === "04da6b54-80e4-46f7-96ec-b56ff0331ba9");
    expect(parsed.kind).toBe("template");
    if (parsed.kind !== "template") return;
    const logs = parsed.resources.find((r) => r.logicalId === "Logs")!;
    expect(logs.props).toEqual({
      bucketName: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
      versioningConfiguration: { status: "Suspended" },
      tags: [{ key: "phi-channels:data-classification", value: "audit-log" }],
    });
    // Tagged as an audit-log bucket, it is judged as one: versioning suspended is blocked.
    const audit = await runStack(policy("phi-audit-log-bucket-immutable"), [
      { type: STACK, name: "infra", props },
    ]);
    const text = audit.mandatory.map((d) => d.message).join("\n");
    expect(text).toContain("versioningConfiguration.status is not Enabled");
    expect(text).toContain("template resource Logs (AWS::S3::Bucket");
    const listener = parsed.resources.find((r) => r.logicalId === "HttpListener")!;
    expect(listener.refs).toEqual({ loadBalancerArn: ["Lb"], defaultActions: ["Tg"] });
  });

  it("a template's log bucket is followed from its load balancer (Ref) and judged", async () => {
    const template = {
      Resources: {
        Lb: {
          Type: "AWS::ElasticLoadBalancingV2::LoadBalancer",
          Properties: {
            Scheme: "internal",
            LoadBalancerAttributes: [
              { Key: "access_logs.s3.enabled", Value: "true" },
              { Key: "access_logs.s3.bucket", Value: { Ref: "Logs" } },
            ],
          },
        },
        Logs: { Type: "AWS::S3::Bucket", Properties: { VersioningConfiguration: { Status: "Enabled" } } },
      },
    };
    const v = await runStack(policy("phi-audit-log-bucket-immutable"), [
      { type: STACK, name: "infra", props: { templateBody: JSON.stringify(template) } },
    ]);
    expect(v.mandatory.length).toBeGreaterThan(0);
    const text = v.mandatory.map((d) => d.message).join("\n");
    expect(text).toContain("template resource Logs (AWS::S3::Bucket");
    expect(text).not.toContain("template resource Lb");
    expect(v.mandatory[0].urn).toBe("urn:pulumi:test::phi::aws:cloudformation/stack:Stack::infra");
    expect(text).toContain("objectLockEnabled is not true");
  });

  it("camelCase follows aws-native's names", () => {
    expect(camelCase("OriginSSLProtocols")).toBe("originSslProtocols");
    expect(camelCase("KMSMasterKeyID")).toBe("kmsMasterKeyId");
    expect(camelCase("SSEAlgorithm")).toBe("sseAlgorithm");
    expect(camelCase("CidrIpv6")).toBe("cidrIpv6");
    expect(camelCase("DBParameterGroupName")).toBe("dbParameterGroupName");
  });

  const p = () => policy("phi-cfn-template-inline");

  it("a template given only by URL is advisory by default and mandatory with requireInlineTemplate", async () => {
    const props = { templateUrl: "https://s3.amazonaws.com/bucket/template.yaml" };
    const byDefault = await runResource(p(), STACK, props);
    expect(byDefault.mandatory).toHaveLength(0);
    expect(byDefault.advisory).toHaveLength(1);
    expect(byDefault.advisory[0].message).toContain("given only by templateUrl");
    const required = await runResource(p(), STACK, props, { requireInlineTemplate: true });
    expect(required.mandatory).toHaveLength(1);
  });

  it("an unparseable templateBody is a violation; an unknown one is undecided at preview", async () => {
    const bad = await runResource(p(), STACK, { templateBody: "Resources: [unclosed" });
    expect(bad.mandatory).toHaveLength(1);
    expect(bad.mandatory[0].message).toContain("templateBody cannot be read as a CloudFormation template");
    expect(bad.text).not.toContain("unclosed");
    const noResources = await runResource(p(), STACK, { templateBody: "{}" });
    expect(noResources.mandatory[0].message).toContain("it has no Resources section");
    const unknown = await runResource(p(), STACK, { templateBody: UNKNOWN_STRING });
    expect(unknown.mandatory).toHaveLength(0);
    expect(unknown.advisory).toHaveLength(1);
    expect(unknown.advisory[0].message).toContain("templateBody");
    // Every other policy cannot judge it yet either: undecided, never a pass.
    const other = await runResource(policy("phi-ingress-allowlisted-ports"), STACK, {
      templateBody: UNKNOWN_STRING,
    });
    expect(other.mandatory).toHaveLength(0);
    expect(other.advisory).toHaveLength(1);
    expect(other.advisory[0].message).toContain(
      "templateBody (the resources of the template): it is not known at preview",
    );
  });

  it("nested stacks and transforms are reported like a URL-only template", async () => {
    const body = JSON.stringify({
      Transform: "AWS::Serverless-2016-10-31",
      Resources: { Child: { Type: "AWS::CloudFormation::Stack", Properties: { TemplateURL: "https://x" } } },
    });
    const v = await runResource(p(), STACK, { templateBody: body });
    expect(v.advisory.map((d) => d.message).join("\n")).toContain(
      "template resource Child is a nested stack",
    );
    expect(v.advisory).toHaveLength(2);
    const inline = await runResource(p(), STACK, { templateBody: openSgJson });
    expect(inline.diagnostics).toEqual([]);
  });
});

describe("aws-native data services and networks", () => {
  const db = {
    engine: "postgres",
    engineVersion: "16.3",
    storageEncrypted: true,
    publiclyAccessible: false,
    dbParameterGroupName: "pg",
  };
  const group = {
    dbParameterGroupName: "pg",
    family: "postgres16",
    parameters: { "rds.force_ssl": "1" },
  };
  const dbStack = (g: Record<string, unknown>): StackResourceSpec[] => [
    { type: "aws-native:rds:DbInstance", name: "db", props: db, deps: { dbParameterGroupName: ["pg"] } },
    { type: "aws-native:rds:DbParameterGroup", name: "pg", props: g },
  ];

  it("an RDS DbInstance: storageEncrypted and publiclyAccessible decide", async () => {
    const T = "aws-native:rds:DbInstance";
    expect((await runResource(policy("phi-data-at-rest-encrypted"), T, db)).diagnostics).toEqual([]);
    const plain = await runResource(policy("phi-data-at-rest-encrypted"), T, {
      ...db,
      storageEncrypted: false,
    });
    expect(plain.mandatory[0].message).toContain("Amazon RDS: storageEncrypted is not true");
    const open = await runResource(policy("phi-no-public-endpoints"), T, { ...db, publiclyAccessible: true });
    expect(open.mandatory[0].message).toContain("publiclyAccessible is true");
  });

  it("an RDS DbParameterGroup's parameters map decides TLS for the instance that names it", async () => {
    const p = policy("phi-data-in-transit-encrypted");
    expect((await runStack(p, dbStack(group))).diagnostics).toEqual([]);
    const off = await runStack(p, dbStack({ ...group, parameters: { "rds.force_ssl": "0" } }));
    expect(off.mandatory).toHaveLength(1);
    expect(off.mandatory[0].message).toContain(
      "dbParameterGroupName is parameter group pg, which sets rds.force_ssl to a value that does not enforce TLS",
    );
    expect(off.mandatory[0].urn).toBe("urn:pulumi:test::phi::aws-native:rds:DbInstance::db");
  });

  it("an ElastiCache ReplicationGroup without transit encryption is blocked", async () => {
    const v = await runResource(
      policy("phi-data-in-transit-encrypted"),
      "aws-native:elasticache:ReplicationGroup",
      {
        engine: "redis",
        transitEncryptionEnabled: false,
        atRestEncryptionEnabled: true,
      },
    );
    expect(v.mandatory[0].message).toContain("Amazon ElastiCache: transitEncryptionEnabled is not true");
  });

  it("an MSK cluster accepting plaintext clients and an unencrypted DbCluster are blocked", async () => {
    const msk = await runResource(policy("phi-data-in-transit-encrypted"), "aws-native:msk:Cluster", {
      clusterName: "events",
      encryptionInfo: { encryptionInTransit: { clientBroker: "TLS_PLAINTEXT", inCluster: true } },
    });
    expect(msk.mandatory).toHaveLength(1);
    expect(msk.mandatory[0].message).toContain("encryptionInfo.encryptionInTransit.clientBroker");
    const cluster = await runResource(policy("phi-data-at-rest-encrypted"), "aws-native:rds:DbCluster", {
      engine: "aurora-postgresql",
      storageEncrypted: false,
    });
    expect(cluster.mandatory).toHaveLength(1);
    expect(cluster.mandatory[0].message).toContain("storageEncrypted is not true");
  });

  it("an SNS TopicPolicy is judged once per topic it names", async () => {
    const arn = (n: string) => `arn:aws:sns:us-east-1:111122223333:${n}`;
    const v = await runStack(policy("phi-resource-policies-require-tls"), [
      { type: "aws-native:sns:Topic", name: "a", props: { topicArn: arn("a") } },
      { type: "aws-native:sns:Topic", name: "b", props: { topicArn: arn("b") } },
      {
        type: "aws-native:sns:TopicPolicy",
        name: "tp",
        props: { topics: [arn("a"), arn("b")], policyDocument: { Version: "2012-10-17", Statement: [] } },
      },
    ]);
    expect(v.mandatory.map((d) => d.urn)).toEqual([
      "urn:pulumi:test::phi::aws-native:sns:Topic::a",
      "urn:pulumi:test::phi::aws-native:sns:Topic::b",
    ]);
  });

  it("a queue whose QueueInlinePolicy does not deny requests without TLS is blocked", async () => {
    const url = "https://sqs.us-east-1.amazonaws.com/111122223333/q";
    const v = await runStack(policy("phi-resource-policies-require-tls"), [
      {
        type: "aws-native:sqs:Queue",
        name: "q",
        props: { queueUrl: url, arn: "arn:aws:sqs:us-east-1:111122223333:q" },
      },
      {
        type: "aws-native:sqs:QueueInlinePolicy",
        name: "qp",
        props: { queue: url, policyDocument: { Version: "2012-10-17", Statement: [] } },
        deps: { queue: ["q"] },
      },
    ]);
    expect(v.mandatory).toHaveLength(1);
    expect(v.mandatory[0].message).toContain(
      'does not deny every request with aws:SecureTransport = "false"',
    );
  });

  it("a subnet routed to an internet gateway and a VPC whose only flow log is a subnet's are blocked", async () => {
    const network: StackResourceSpec[] = [
      { type: VPC, name: "vpc", props: { vpcId: "vpc-1", cidrBlock: "10.0.0.0/16" } },
      { type: "aws-native:ec2:Subnet", name: "sub", props: { subnetId: "subnet-1", vpcId: "vpc-1" } },
      { type: "aws-native:ec2:InternetGateway", name: "igw", props: { internetGatewayId: "igw-1" } },
      { type: "aws-native:ec2:RouteTable", name: "rt", props: { routeTableId: "rtb-1", vpcId: "vpc-1" } },
      {
        type: "aws-native:ec2:Route",
        name: "r",
        props: { routeTableId: "rtb-1", destinationCidrBlock: "0.0.0.0/0", gatewayId: "igw-1" },
      },
      {
        type: "aws-native:ec2:SubnetRouteTableAssociation",
        name: "a",
        props: { subnetId: "subnet-1", routeTableId: "rtb-1" },
      },
    ];
    const routes = await runStack(policy("phi-subnet-private"), network);
    expect(routes.mandatory).toHaveLength(1);
    expect(routes.mandatory[0].message).toContain("route routes to an internet gateway");
    const subnetLog = { ...flowLogs, resourceType: "Subnet", resourceId: "subnet-1" };
    const logs = await runStack(policy("phi-vpc-flow-logs"), [
      network[0],
      { type: FLOW_LOG, name: "fl", props: subnetLog },
    ]);
    expect(logs.mandatory.map((d) => d.message.split("\n")[1])).toEqual(["VPC has no flow log"]);
  });
});

describe("more aws-native families: one valid fixture each, one deciding field changed per case", () => {
  const KEY = "arn:aws:kms:us-east-1:111122223333:key/1111-2222";
  const LOG_GROUP = "arn:aws:logs:us-east-1:111122223333:log-group:api-access";
  const search = {
    domainName: "search",
    engineVersion: "OpenSearch_2.13",
    nodeToNodeEncryptionOptions: { enabled: true },
    encryptionAtRestOptions: { enabled: true, kmsKeyId: KEY },
    domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: "Policy-Min-TLS-1-2-PFS-2023-10" },
    vpcOptions: { subnetIds: ["subnet-1"], securityGroupIds: ["sg-1"] },
  };
  const warehouse = {
    clusterType: "multi-node",
    dbName: "phi",
    masterUsername: "admin",
    nodeType: "ra3.xlplus",
    clusterIdentifier: "wh",
    encrypted: true,
    kmsKeyId: KEY,
    clusterParameterGroupName: "wh-params",
    publiclyAccessible: false,
  };
  const transfer = {
    protocols: ["SFTP"],
    securityPolicyName: "TransferSecurityPolicy-2024-01",
    endpointType: "VPC",
    endpointDetails: { subnetIds: ["subnet-1"], vpcId: "vpc-1" },
  };
  const restApi = {
    name: "api",
    endpointConfiguration: { types: ["REGIONAL"] },
    securityPolicy: "SecurityPolicy_TLS13_1_3_2025_09",
    endpointAccessMode: "STRICT",
    disableExecuteApiEndpoint: false,
  };
  const network = (assignPublicIp: unknown) => ({
    awsvpcConfiguration: { assignPublicIp, subnets: ["subnet-1"] },
  });

  interface Case {
    /** What the case changes. */
    change: string;
    props: Record<string, unknown>;
    /** The finding (second line of the one mandatory message). */
    finding: string;
  }
  interface Family {
    type: string;
    policy: string;
    valid: Record<string, unknown>;
    cases: Case[];
  }

  const FAMILIES: Family[] = [
    {
      type: "aws-native:opensearchservice:Domain",
      policy: "phi-data-in-transit-encrypted",
      valid: search,
      cases: [
        {
          change: "nodeToNodeEncryptionOptions.enabled false",
          props: { ...search, nodeToNodeEncryptionOptions: { enabled: false } },
          finding:
            "Amazon OpenSearch Service: nodeToNodeEncryptionOptions.enabled is not true, so nodes exchange data without TLS; set nodeToNodeEncryptionOptions.enabled: true",
        },
      ],
    },
    {
      type: "aws-native:opensearchservice:Domain",
      policy: "phi-data-at-rest-encrypted",
      valid: search,
      cases: [
        {
          change: "encryptionAtRestOptions unset",
          props: { ...search, encryptionAtRestOptions: undefined },
          finding:
            "Amazon OpenSearch Service: encryptionAtRestOptions.enabled is not set and AWS defaults to false, so indices, logs, swap and snapshots are not encrypted; set encryptionAtRestOptions.enabled: true",
        },
      ],
    },
    {
      type: "aws-native:opensearchservice:Domain",
      policy: "phi-no-public-endpoints",
      valid: search,
      cases: [
        {
          change: "no vpcOptions",
          props: { ...search, vpcOptions: undefined },
          finding:
            "vpcOptions.subnetIds is not set, and AWS's default is public, so the OpenSearch domain has an endpoint reachable from the internet; set vpcOptions { subnetIds: [private subnets], securityGroupIds } (a domain without VPC options has a public endpoint; VPC access is chosen at creation)",
        },
      ],
    },
    {
      type: "aws-native:redshift:Cluster",
      policy: "phi-data-at-rest-encrypted",
      valid: warehouse,
      cases: [
        {
          change: "encrypted false",
          props: { ...warehouse, encrypted: false },
          finding:
            "Amazon Redshift: encrypted is not true, so the data warehouse and its snapshots are not encrypted; set encrypted: true",
        },
      ],
    },
    {
      type: "aws-native:redshift:Cluster",
      policy: "phi-no-public-endpoints",
      valid: warehouse,
      cases: [
        {
          change: "publiclyAccessible true",
          props: { ...warehouse, publiclyAccessible: true },
          finding:
            "publiclyAccessible is true, so the Redshift cluster has an endpoint reachable from the internet; set publiclyAccessible: false",
        },
      ],
    },
    {
      type: "aws-native:docdb:DbClusterParameterGroup",
      policy: "phi-data-in-transit-encrypted",
      valid: { name: "docdb-params", family: "docdb5.0", description: "tls", parameters: { tls: "enabled" } },
      cases: [
        {
          change: "tls disabled",
          props: {
            name: "docdb-params",
            family: "docdb5.0",
            description: "tls",
            parameters: { tls: "disabled" },
          },
          finding:
            "Amazon DocumentDB (family: DocumentDB): parameters[0] sets tls to a value that does not enforce TLS (enforcing: enabled or fips-140-3 or tls1.2+ or tls1.3+); set it to enabled",
        },
      ],
    },
    {
      type: "aws-native:memorydb:Cluster",
      policy: "phi-data-in-transit-encrypted",
      valid: { clusterName: "cache", aclName: "acl", nodeType: "db.r7g.large", tlsEnabled: true },
      cases: [
        {
          change: "tlsEnabled false",
          props: { clusterName: "cache", aclName: "acl", nodeType: "db.r7g.large", tlsEnabled: false },
          finding:
            "Amazon MemoryDB: tlsEnabled is not true, so clients connect without TLS; set tlsEnabled: true",
        },
        {
          change: "tlsEnabled unset (CloudFormation documents no default)",
          props: { clusterName: "cache", aclName: "acl", nodeType: "db.r7g.large" },
          finding:
            "Amazon MemoryDB: tlsEnabled is not true, so clients connect without TLS; set tlsEnabled: true",
        },
      ],
    },
    {
      type: "aws-native:memorydb:MultiRegionCluster",
      policy: "phi-data-in-transit-encrypted",
      valid: { nodeType: "db.r7g.large", tlsEnabled: true },
      cases: [
        {
          change: "tlsEnabled unset",
          props: { nodeType: "db.r7g.large" },
          finding:
            "Amazon MemoryDB: tlsEnabled is not set and AWS documents no default, so clients may connect without TLS; set tlsEnabled: true",
        },
      ],
    },
    {
      type: "aws-native:dms:Endpoint",
      policy: "phi-data-in-transit-encrypted",
      valid: {
        endpointType: "source",
        engineName: "postgres",
        sslMode: "verify-full",
        certificateArn: "arn:aws:dms:c",
      },
      cases: [
        {
          change: "sslMode none",
          props: { endpointType: "source", engineName: "postgres", sslMode: "none" },
          finding:
            'AWS DMS: for this engineName, sslMode is not "require", "verify-ca" or "verify-full", so DMS connects to the database without TLS; set sslMode: "verify-full" (with certificateArn) or "require"',
        },
        {
          change: "a Kafka target in plaintext",
          props: {
            endpointType: "target",
            engineName: "kafka",
            kafkaSettings: { securityProtocol: "plaintext" },
          },
          finding:
            'AWS DMS: for this engineName, kafkaSettings.securityProtocol is not "ssl-encryption", "ssl-authentication" or "sasl-ssl", so DMS writes to the brokers in plaintext; set kafkaSettings.securityProtocol: "ssl-encryption", "ssl-authentication" or "sasl-ssl"',
        },
      ],
    },
    {
      type: "aws-native:elasticache:CacheCluster",
      policy: "phi-data-in-transit-encrypted",
      valid: {
        cacheNodeType: "cache.t4g.small",
        numCacheNodes: 1,
        engine: "memcached",
        transitEncryptionEnabled: true,
      },
      cases: [
        {
          change: "transitEncryptionEnabled unset",
          props: { cacheNodeType: "cache.t4g.small", numCacheNodes: 1, engine: "memcached" },
          finding:
            "Amazon ElastiCache: for this engine, transitEncryptionEnabled is not set and AWS defaults to false, so clients connect without TLS; set transitEncryptionEnabled: true (Memcached 1.6.12 or later, in a VPC)",
        },
      ],
    },
    {
      type: "aws-native:transfer:Server",
      policy: "phi-no-public-endpoints",
      valid: transfer,
      cases: [
        {
          change: "endpointType PUBLIC",
          props: { ...transfer, endpointType: "PUBLIC", endpointDetails: undefined },
          finding:
            'endpointType is not VPC or VPC_ENDPOINT, so the Transfer Family server has an endpoint reachable from the internet; set endpointType: "VPC" with endpointDetails { subnetIds, vpcId } and no addressAllocationIds',
        },
        {
          change: "Elastic IPs on the VPC endpoint",
          props: {
            ...transfer,
            endpointDetails: { ...transfer.endpointDetails, addressAllocationIds: ["eipalloc-1"] },
          },
          finding:
            "endpointDetails.addressAllocationIds is not empty, so the Transfer Family server has an endpoint reachable from the internet; set endpointDetails.addressAllocationIds: [] (Elastic IPs make a VPC endpoint internet-facing)",
        },
      ],
    },
    {
      type: "aws-native:transfer:Server",
      policy: "phi-tls-strong-policy",
      valid: transfer,
      cases: [
        {
          change: "FTPS offered",
          props: { ...transfer, protocols: ["FTPS"] },
          finding:
            "protocols include FTPS and securityPolicyName does not meet the strict profile (TLS >= 1.2, forward-secret AEAD ciphers only); no policy AWS accepts here meets the strict profile: every published Transfer Family policy offers ECDHE CBC-SHA256/SHA384 suites on FTPS: serve SFTP only (remove FTPS from protocols), select tlsProfile nist-800-52r2, or record an exemption",
        },
      ],
    },
    {
      type: "aws-native:ec2:Instance",
      policy: "phi-no-public-endpoints",
      valid: {
        imageId: "ami-1",
        networkInterfaces: [{ deviceIndex: "0", subnetId: "subnet-1", associatePublicIpAddress: false }],
      },
      cases: [
        {
          change: "networkInterfaces[1] with a public IP",
          props: {
            imageId: "ami-1",
            networkInterfaces: [
              { deviceIndex: "0", subnetId: "subnet-1", associatePublicIpAddress: false },
              { deviceIndex: "1", subnetId: "subnet-1", associatePublicIpAddress: true },
            ],
          },
          finding:
            "networkInterfaces[1].associatePublicIpAddress is true, so the EC2 instance has an endpoint reachable from the internet; set networkInterfaces[1].associatePublicIpAddress: false",
        },
      ],
    },
    {
      type: "aws-native:ec2:LaunchTemplate",
      policy: "phi-no-public-endpoints",
      valid: {
        launchTemplateData: { networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: false }] },
      },
      cases: [
        {
          change: "associatePublicIpAddress true",
          props: {
            launchTemplateData: { networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: true }] },
          },
          finding:
            'launchTemplateData.networkInterfaces[0].associatePublicIpAddress is true, so the launch template has an endpoint reachable from the internet; set launchTemplateData.networkInterfaces[].associatePublicIpAddress: "false" (a string in the launch template)',
        },
      ],
    },
    {
      type: "aws-native:ecs:Service",
      policy: "phi-no-public-endpoints",
      valid: { cluster: "c", taskDefinition: "td", networkConfiguration: network("DISABLED") },
      cases: [
        {
          change: "assignPublicIp ENABLED",
          props: { cluster: "c", taskDefinition: "td", networkConfiguration: network("ENABLED") },
          finding:
            "networkConfiguration.awsvpcConfiguration.assignPublicIp is ENABLED, so the ECS service or task set has an endpoint reachable from the internet; set networkConfiguration.awsvpcConfiguration.assignPublicIp: false",
        },
        {
          change: "assignPublicIp a value AWS rejects",
          props: { cluster: "c", taskDefinition: "td", networkConfiguration: network("YES") },
          finding:
            "networkConfiguration.awsvpcConfiguration.assignPublicIp is not a value AWS accepts there, so whether the ECS service or task set is public cannot be told; set networkConfiguration.awsvpcConfiguration.assignPublicIp: false",
        },
      ],
    },
    {
      type: "aws-native:ecs:TaskSet",
      policy: "phi-no-public-endpoints",
      valid: {
        cluster: "c",
        service: "s",
        taskDefinition: "td",
        networkConfiguration: { awsVpcConfiguration: { assignPublicIp: "DISABLED", subnets: ["subnet-1"] } },
      },
      cases: [
        {
          change: "assignPublicIp ENABLED",
          props: {
            cluster: "c",
            service: "s",
            taskDefinition: "td",
            networkConfiguration: {
              awsVpcConfiguration: { assignPublicIp: "ENABLED", subnets: ["subnet-1"] },
            },
          },
          finding:
            "networkConfiguration.awsVpcConfiguration.assignPublicIp is ENABLED, so the ECS service or task set has an endpoint reachable from the internet; set networkConfiguration.awsVpcConfiguration.assignPublicIp: false",
        },
      ],
    },
    {
      type: "aws-native:eks:Cluster",
      policy: "phi-no-public-endpoints",
      valid: {
        roleArn: "arn:aws:iam::111122223333:role/eks",
        resourcesVpcConfig: {
          subnetIds: ["subnet-1"],
          endpointPublicAccess: false,
          endpointPrivateAccess: true,
        },
      },
      cases: [
        {
          change: "endpointPublicAccess unset (EKS's default is true)",
          props: {
            roleArn: "arn:aws:iam::111122223333:role/eks",
            resourcesVpcConfig: { subnetIds: ["subnet-1"], endpointPrivateAccess: true },
          },
          finding:
            "resourcesVpcConfig.endpointPublicAccess is not set, and AWS's default is public, so the EKS cluster API endpoint has an endpoint reachable from the internet; set resourcesVpcConfig { endpointPublicAccess: false, endpointPrivateAccess: true } (EKS rejects turning both off)",
        },
      ],
    },
    {
      type: "aws-native:lambda:Url",
      policy: "phi-no-public-endpoints",
      valid: { targetFunctionArn: "arn:aws:lambda:us-east-1:111122223333:function:f", authType: "AWS_IAM" },
      cases: [
        {
          change: "authType NONE",
          props: { targetFunctionArn: "arn:aws:lambda:us-east-1:111122223333:function:f", authType: "NONE" },
          finding:
            'authType is not AWS_IAM, so the Lambda function URL has an endpoint reachable from the internet; set authType: "AWS_IAM" (NONE lets anyone on the internet invoke the function)',
        },
      ],
    },
    {
      type: "aws-native:amazonmq:Broker",
      policy: "phi-no-public-endpoints",
      valid: {
        brokerName: "mq",
        deploymentMode: "SINGLE_INSTANCE",
        engineType: "ACTIVEMQ",
        hostInstanceType: "mq.m5.large",
        publiclyAccessible: false,
      },
      cases: [
        {
          change: "publiclyAccessible true",
          props: {
            brokerName: "mq",
            deploymentMode: "SINGLE_INSTANCE",
            engineType: "ACTIVEMQ",
            hostInstanceType: "mq.m5.large",
            publiclyAccessible: true,
          },
          finding:
            "publiclyAccessible is true, so the Amazon MQ broker has an endpoint reachable from the internet; set publiclyAccessible: false",
        },
      ],
    },
    {
      type: "aws-native:dms:InstanceProfile",
      policy: "phi-no-public-endpoints",
      valid: { instanceProfileName: "p", publiclyAccessible: false },
      cases: [
        {
          change: "publiclyAccessible unset (DMS's default is true)",
          props: { instanceProfileName: "p" },
          finding:
            "publiclyAccessible is not set, and AWS's default is public, so the DMS instance profile has an endpoint reachable from the internet; set publiclyAccessible: false",
        },
      ],
    },
    {
      type: "aws-native:neptune:DbInstance",
      policy: "phi-no-public-endpoints",
      valid: { dbInstanceClass: "db.r6g.large", dbClusterIdentifier: "graph", publiclyAccessible: false },
      cases: [
        {
          change: "publiclyAccessible true",
          props: { dbInstanceClass: "db.r6g.large", dbClusterIdentifier: "graph", publiclyAccessible: true },
          finding:
            "publiclyAccessible is true, so the Neptune cluster instance has an endpoint reachable from the internet; set publiclyAccessible: false",
        },
      ],
    },
    {
      type: "aws-native:rds:DbShardGroup",
      policy: "phi-no-public-endpoints",
      valid: { dbClusterIdentifier: "limitless", maxAcu: 768, publiclyAccessible: false },
      cases: [
        {
          change: "publiclyAccessible unset (the network decides)",
          props: { dbClusterIdentifier: "limitless", maxAcu: 768 },
          finding:
            "publiclyAccessible is not set, and AWS's default depends on the network (or is not documented), so the Aurora Limitless DB shard group may be public; set publiclyAccessible: false",
        },
      ],
    },
    {
      type: "aws-native:redshiftserverless:Workgroup",
      policy: "phi-no-public-endpoints",
      valid: { workgroupName: "wg", publiclyAccessible: false },
      cases: [
        {
          change: "publiclyAccessible true",
          props: { workgroupName: "wg", publiclyAccessible: true },
          finding:
            "publiclyAccessible is true, so the Redshift Serverless workgroup has an endpoint reachable from the internet; set publiclyAccessible: false",
        },
      ],
    },
    {
      type: "aws-native:redshiftserverless:Workgroup",
      policy: "phi-data-in-transit-encrypted",
      valid: {
        workgroupName: "wg",
        configParameters: [{ parameterKey: "require_ssl", parameterValue: "true" }],
      },
      cases: [
        {
          change: "require_ssl false",
          props: {
            workgroupName: "wg",
            configParameters: [{ parameterKey: "require_ssl", parameterValue: "false" }],
          },
          finding:
            'Amazon Redshift Serverless: configParameters[parameterKey=require_ssl].parameterValue is not true, so clients may connect to the workgroup without TLS; set configParameters[parameterKey=require_ssl].parameterValue: "true", i.e. a configParameters entry { parameterKey: "require_ssl", parameterValue: "true" } (the key as AWS spells it)',
        },
      ],
    },
    {
      type: "aws-native:neptune:DbCluster",
      policy: "phi-data-at-rest-encrypted",
      valid: { dbClusterIdentifier: "graph", storageEncrypted: true, kmsKeyId: KEY },
      cases: [
        {
          change: "storageEncrypted unset (a key alone does not encrypt)",
          props: { dbClusterIdentifier: "graph", kmsKeyId: KEY },
          finding:
            "Amazon Neptune: storageEncrypted is not set and AWS defaults to false, so the cluster storage, backups and snapshots are not encrypted; set storageEncrypted: true (only at creation; kmsKeyId alone does not encrypt)",
        },
      ],
    },
    {
      type: "aws-native:kinesis:Stream",
      policy: "phi-data-at-rest-encrypted",
      valid: { name: "events", streamEncryption: { encryptionType: "KMS", keyId: KEY } },
      cases: [
        {
          change: "no streamEncryption",
          props: { name: "events" },
          finding:
            'Amazon Kinesis Data Streams: streamEncryption.encryptionType is not set and AWS defaults to "NONE", so records are stored unencrypted; set streamEncryption.encryptionType: "KMS" with streamEncryption.keyId',
        },
      ],
    },
    {
      type: "aws-native:apprunner:Service",
      policy: "phi-no-public-endpoints",
      valid: {
        sourceConfiguration: {},
        networkConfiguration: { ingressConfiguration: { isPubliclyAccessible: false } },
      },
      cases: [
        {
          change: "no networkConfiguration (App Runner's default is public)",
          props: { sourceConfiguration: {} },
          finding:
            "networkConfiguration.ingressConfiguration.isPubliclyAccessible is not set, and AWS's default is public, so the App Runner service has an endpoint reachable from the internet; set networkConfiguration.ingressConfiguration.isPubliclyAccessible: false, with an App Runner VPC ingress connection",
        },
      ],
    },
    {
      type: "aws-native:opensearchserverless:SecurityPolicy",
      policy: "phi-no-public-endpoints",
      valid: {
        name: "net",
        type: "network",
        policy: JSON.stringify([
          {
            Rules: [{ ResourceType: "collection", Resource: ["collection/phi"] }],
            AllowFromPublic: false,
            SourceVPCEs: ["vpce-1"],
          },
        ]),
      },
      cases: [
        {
          change: "AllowFromPublic true",
          props: {
            name: "net",
            type: "network",
            policy: JSON.stringify([
              {
                Rules: [{ ResourceType: "collection", Resource: ["collection/phi"] }],
                AllowFromPublic: true,
              },
            ]),
          },
          finding:
            "policy has a rule with AllowFromPublic true, so the OpenSearch Serverless network policy has an endpoint reachable from the internet; set AllowFromPublic: false with SourceVPCEs (or SourceServices) in every rule",
        },
      ],
    },
    {
      type: "aws-native:ec2:Eip",
      policy: "phi-no-public-endpoints",
      valid: { domain: "vpc" },
      cases: [
        {
          change: "instanceId set",
          props: { domain: "vpc", instanceId: "i-1" },
          finding:
            "instanceId is set (an Elastic IP is a public IPv4 address), so the Elastic IP has an endpoint reachable from the internet; set no Elastic IP on an instance (reach it through an internal load balancer or a VPC endpoint)",
        },
      ],
    },
    {
      type: "aws-native:ec2:EipAssociation",
      policy: "phi-no-public-endpoints",
      valid: { allocationId: "eipalloc-1" },
      cases: [
        {
          change: "networkInterfaceId set",
          props: { allocationId: "eipalloc-1", networkInterfaceId: "eni-1" },
          finding:
            "networkInterfaceId is set (an Elastic IP is a public IPv4 address), so the Elastic IP association has an endpoint reachable from the internet; set no Elastic IP association to a network interface",
        },
      ],
    },
    {
      type: "aws-native:msk:Cluster",
      policy: "phi-no-public-endpoints",
      valid: {
        clusterName: "events",
        brokerNodeGroupInfo: { connectivityInfo: { publicAccess: { type: "DISABLED" } } },
      },
      cases: [
        {
          change: "public access through service-provided EIPs",
          props: {
            clusterName: "events",
            brokerNodeGroupInfo: { connectivityInfo: { publicAccess: { type: "SERVICE_PROVIDED_EIPS" } } },
          },
          finding:
            'brokerNodeGroupInfo.connectivityInfo.publicAccess.type is not DISABLED, so the MSK cluster has an endpoint reachable from the internet; set brokerNodeGroupInfo.connectivityInfo.publicAccess.type: "DISABLED"',
        },
      ],
    },
    {
      type: "aws-native:apigateway:RestApi",
      policy: "phi-tls-strong-policy",
      valid: restApi,
      cases: [
        {
          change: "securityPolicy TLS_1_0",
          props: { ...restApi, securityPolicy: "TLS_1_0" },
          finding:
            "securityPolicy (endpointConfiguration.types REGIONAL, disableExecuteApiEndpoint not true) accepts TLS 1.0, below the floor of TLS 1.2; use one of: SecurityPolicy_TLS13_1_3_2025_09, SecurityPolicy_TLS13_1_3_FIPS_2025_09, SecurityPolicy_TLS13_1_2_FIPS_PFS_PQ_2025_09, SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09 (a SecurityPolicy_* policy also needs endpointAccessMode BASIC or STRICT)",
        },
      ],
    },
    {
      type: "aws-native:apigateway:Stage",
      policy: "phi-access-logging-enabled",
      valid: {
        restApiId: "api",
        stageName: "prod",
        accessLogSetting: { destinationArn: LOG_GROUP, format: "$context.requestId" },
      },
      cases: [
        {
          change: "no accessLogSetting",
          props: { restApiId: "api", stageName: "prod" },
          finding:
            "accessLogSetting is not set, so requests through this API Gateway REST API stage are not recorded; set accessLogSetting { destinationArn: <CloudWatch Logs log group or Firehose stream ARN>, format }",
        },
        {
          change: "no format",
          props: { restApiId: "api", stageName: "prod", accessLogSetting: { destinationArn: LOG_GROUP } },
          finding:
            "accessLogSetting.format is not set, so this API Gateway REST API stage records no access logs",
        },
      ],
    },
    {
      type: "aws-native:apigatewayv2:Stage",
      policy: "phi-access-logging-enabled",
      valid: {
        apiId: "a",
        stageName: "$default",
        accessLogSettings: { destinationArn: LOG_GROUP, format: "$context.requestId" },
      },
      cases: [
        {
          change: "no destinationArn",
          props: { apiId: "a", stageName: "$default", accessLogSettings: { format: "$context.requestId" } },
          finding:
            "accessLogSettings.destinationArn is not set, so this API Gateway v2 (HTTP or WebSocket API) stage records no access logs",
        },
      ],
    },
    {
      type: "aws-native:cloudtrail:Trail",
      policy: "phi-audit-trail-integrity",
      valid: { isLogging: true, s3BucketName: "phi-audit-logs", enableLogFileValidation: true },
      cases: [
        {
          change: "isLogging false",
          props: { isLogging: false, s3BucketName: "phi-audit-logs", enableLogFileValidation: true },
          finding: "isLogging is not true, so the trail is stopped and records nothing",
        },
        {
          change: "enableLogFileValidation unset",
          props: { isLogging: true, s3BucketName: "phi-audit-logs" },
          finding:
            "enableLogFileValidation is not true (it defaults to false), so no digest proves that the delivered log files were not altered or deleted",
        },
      ],
    },
    {
      type: "aws-native:certificatemanager:Certificate",
      policy: "phi-certificate-key-strength",
      valid: { domainName: "api.example.com", keyAlgorithm: "EC_prime256v1" },
      cases: [
        {
          change: "keyAlgorithm RSA_1024",
          props: { domainName: "api.example.com", keyAlgorithm: "RSA_1024" },
          finding: "keyAlgorithm is not one of RSA_2048, RSA_3072, RSA_4096, EC_prime256v1, EC_secp384r1",
        },
      ],
    },
  ];

  describe.each(FAMILIES)("$type under $policy", ({ type, policy: name, valid, cases }) => {
    it("the valid fixture passes", async () => {
      expect((await runResource(policy(name), type, valid)).diagnostics).toEqual([]);
    });
    it.each(cases)("$change is blocked", async ({ props, finding }) => {
      const v = await runResource(policy(name), type, props);
      expect(v.advisory).toEqual([]);
      expect(v.mandatory.map((d) => d.message.split("\n")[1])).toEqual([finding]);
    });
  });
});

describe("more aws-native families: across resources, unknown at preview, in templates", () => {
  const warehouse = {
    clusterType: "single-node",
    dbName: "phi",
    masterUsername: "admin",
    nodeType: "ra3.xlplus",
    encrypted: true,
    clusterParameterGroupName: "wh-params",
    publiclyAccessible: false,
  };
  const whGroup = (requireSsl: string) => ({
    parameterGroupName: "wh-params",
    parameterGroupFamily: "redshift-2.0",
    description: "tls",
    parameters: [{ parameterName: "require_ssl", parameterValue: requireSsl }],
  });
  const whStack = (requireSsl: string): StackResourceSpec[] => [
    {
      type: "aws-native:redshift:Cluster",
      name: "wh",
      props: warehouse,
      deps: { clusterParameterGroupName: ["wh-params"] },
    },
    { type: "aws-native:redshift:ClusterParameterGroup", name: "wh-params", props: whGroup(requireSsl) },
  ];

  it("a Redshift cluster's ClusterParameterGroup decides require_ssl", async () => {
    const p = policy("phi-data-in-transit-encrypted");
    expect((await runStack(p, whStack("true"))).diagnostics).toEqual([]);
    const off = await runStack(p, whStack("false"));
    expect(off.mandatory.map((d) => d.urn)).toEqual([
      "urn:pulumi:test::phi::aws-native:redshift:Cluster::wh",
    ]);
    expect(off.mandatory[0].message).toContain(
      "clusterParameterGroupName is parameter group wh-params, which sets require_ssl to a value that does not enforce TLS",
    );
  });

  it("a native trail is an audit-log source: its bucket must be immutable", async () => {
    const trail = { isLogging: true, s3BucketName: "phi-audit-logs", enableLogFileValidation: true };
    const channel = nativeChannel();
    const audit = policy("phi-audit-log-bucket-immutable");
    const withTrail = [...channel, { type: "aws-native:cloudtrail:Trail", name: "trail", props: trail }];
    expect((await runStack(audit, withTrail)).diagnostics).toEqual([]);
    const { objectLockEnabled: _l, objectLockConfiguration: _c, ...unlocked } = logBucket;
    const v = await runStack(audit, [
      { type: BUCKET, name: "trail-logs", props: { ...unlocked, bucketName: "trail-logs", arn: undefined } },
      { type: "aws-native:cloudtrail:Trail", name: "trail", props: { ...trail, s3BucketName: "trail-logs" } },
    ]);
    expect(v.mandatory.map((d) => d.urn)).toContain("urn:pulumi:test::phi::aws-native:s3:Bucket::trail-logs");
    expect(v.mandatory.map((d) => d.message).join("\n")).toContain("CloudTrail");
  });

  it("a decidable violation stays mandatory while other fields are unknown; unknown alone is advisory", async () => {
    const T = "aws-native:opensearchservice:Domain";
    const domain = {
      domainName: "search",
      nodeToNodeEncryptionOptions: { enabled: UNKNOWN_BOOL },
      encryptionAtRestOptions: UNKNOWN_OBJECT,
      vpcOptions: { subnetIds: UNKNOWN_ARRAY },
    };
    const transit = await runResource(policy("phi-data-in-transit-encrypted"), T, domain);
    expect(transit.mandatory).toEqual([]);
    expect(transit.advisory.map((d) => d.message.split("\n")[1])).toEqual([
      "nodeToNodeEncryptionOptions.enabled (Amazon OpenSearch Service): it is not known at preview; this policy checks it again at `pulumi up`",
    ]);
    const rest = await runResource(policy("phi-data-at-rest-encrypted"), T, domain);
    expect(rest.mandatory).toEqual([]);
    expect(rest.advisory).toHaveLength(1);
    const open = await runResource(policy("phi-no-public-endpoints"), T, domain);
    expect(open.mandatory).toEqual([]);
    expect(open.advisory).toHaveLength(1);
    // ECS: a known ENABLED is mandatory even with the subnets unknown.
    const service = await runResource(policy("phi-no-public-endpoints"), "aws-native:ecs:Service", {
      networkConfiguration: { awsvpcConfiguration: { assignPublicIp: "ENABLED", subnets: UNKNOWN_ARRAY } },
    });
    expect(service.mandatory).toHaveLength(1);
    const unknownIp = await runResource(policy("phi-no-public-endpoints"), "aws-native:ecs:Service", {
      networkConfiguration: { awsvpcConfiguration: { assignPublicIp: UNKNOWN_STRING } },
    });
    expect(unknownIp.mandatory).toEqual([]);
    expect(unknownIp.advisory).toHaveLength(1);
    expect(unknownIp.advisory[0].message).toContain(
      "networkConfiguration.awsvpcConfiguration.assignPublicIp",
    );
  });

  it("a native Neptune cluster is not applicable in transit; a restored one is told where its encryption comes from", async () => {
    const transit = await runResource(
      policy("phi-data-in-transit-encrypted"),
      "aws-native:neptune:DbCluster",
      {
        dbClusterIdentifier: "graph",
      },
    );
    expect(transit.diagnostics).toEqual([]);
    expect(transit.notApplicable).toEqual([
      "Neptune accepts only HTTPS connections (TLS 1.2 or later) to its cluster and instance endpoints on every engine version AWS still runs (1.0.4.0 and later), so there is no setting to enforce",
    ]);
    const restored = await runResource(policy("phi-data-at-rest-encrypted"), "aws-native:neptune:DbCluster", {
      dbClusterIdentifier: "graph",
      snapshotIdentifier: "graph-snapshot",
    });
    expect(restored.mandatory.map((d) => d.message.split("\n").slice(1))).toEqual([
      [
        "Amazon Neptune: storageEncrypted is not set and AWS defaults to false, so the cluster storage, backups and snapshots are not encrypted; set storageEncrypted: true (only at creation; kmsKeyId alone does not encrypt)",
        "[aws-native:neptune:DbCluster, judged as aws:neptune/cluster:Cluster; snapshotIdentifier or sourceDbClusterIdentifier is set, so the cluster takes its encryption from that source, which this policy cannot see (CloudFormation asks not to set StorageEncrypted then); restore from an encrypted source and record an exemption]",
      ],
    ]);
  });

  it("a native DocumentDB elastic cluster is always encrypted; requireCustomerManagedKeys asks for kmsKeyId", async () => {
    const T = "aws-native:docdbelastic:Cluster";
    const cluster = {
      clusterName: "docs",
      adminUserName: "admin",
      authType: "SECRET_ARN",
      shardCapacity: 2,
      shardCount: 1,
    };
    const rest = policy("phi-data-at-rest-encrypted");
    expect((await runResource(rest, T, cluster)).diagnostics).toEqual([]);
    const cmk = await runResource(rest, T, cluster, { requireCustomerManagedKeys: true });
    expect(cmk.mandatory.map((d) => d.message.split("\n")[1])).toEqual([
      "Amazon DocumentDB elastic cluster: kmsKeyId is not set, so an AWS managed key encrypts the data (requireCustomerManagedKeys); set kmsKeyId to the ARN of a customer managed KMS key with rotation on",
    ]);
    expect(
      (
        await runResource(
          rest,
          T,
          { ...cluster, kmsKeyId: "arn:aws:kms:us-east-1:111122223333:key/1" },
          {
            requireCustomerManagedKeys: true,
          },
        )
      ).diagnostics,
    ).toEqual([]);
  });

  it("native Amazon MQ brokers, serverless caches and Redshift Serverless namespaces are always encrypted; requireCustomerManagedKeys reads their keys", async () => {
    const rest = policy("phi-data-at-rest-encrypted");
    const CMK = { requireCustomerManagedKeys: true };
    const KEY_ARN = "arn:aws:kms:us-east-1:111122223333:key/1";
    const finding = async (type: string, props: Record<string, unknown>) =>
      (await runResource(rest, type, props, CMK)).mandatory.map((d) => d.message.split("\n")[1]);
    // One valid fixture per type; each case changes one field.
    const MQ = "aws-native:amazonmq:Broker";
    const broker = {
      brokerName: "mq",
      deploymentMode: "SINGLE_INSTANCE",
      engineType: "ACTIVEMQ",
      hostInstanceType: "mq.m5.large",
      publiclyAccessible: false,
      encryptionOptions: { useAwsOwnedKey: false, kmsKeyId: KEY_ARN },
    };
    const CACHE = "aws-native:elasticache:ServerlessCache";
    const cache = { serverlessCacheName: "cache", engine: "valkey", kmsKeyId: KEY_ARN };
    const NAMESPACE = "aws-native:redshiftserverless:Namespace";
    const namespace = { namespaceName: "phi", kmsKeyId: KEY_ARN };
    for (const [type, props] of [
      [MQ, broker],
      [CACHE, cache],
      [NAMESPACE, namespace],
    ] as const) {
      expect((await runResource(rest, type, props)).diagnostics).toEqual([]);
      expect((await runResource(rest, type, props, CMK)).diagnostics).toEqual([]);
    }
    expect(await finding(MQ, { ...broker, encryptionOptions: { useAwsOwnedKey: true } })).toEqual([
      "Amazon MQ: encryptionOptions.useAwsOwnedKey is not false, so an AWS owned key encrypts the data (requireCustomerManagedKeys); set encryptionOptions.useAwsOwnedKey: false with encryptionOptions.kmsKeyId set to the ARN of a customer managed KMS key with rotation on (only at creation)",
    ]);
    // CloudFormation spells the engine RABBITMQ; RabbitMQ brokers only use an AWS owned key.
    expect(
      (
        await runResource(
          rest,
          MQ,
          { ...broker, engineType: "RABBITMQ", encryptionOptions: { useAwsOwnedKey: true } },
          CMK,
        )
      ).diagnostics,
    ).toEqual([]);
    expect(await finding(CACHE, { ...cache, kmsKeyId: undefined })).toEqual([
      "Amazon ElastiCache Serverless: kmsKeyId is not set, so an AWS managed key encrypts the data (requireCustomerManagedKeys); set kmsKeyId to the ARN of a customer managed KMS key with rotation on",
    ]);
    expect(await finding(NAMESPACE, { ...namespace, kmsKeyId: "alias/aws/redshift" })).toEqual([
      "Amazon Redshift Serverless: kmsKeyId names the AWS managed key (requireCustomerManagedKeys); set it to the ARN of a customer managed KMS key with rotation on",
    ]);
  });

  it("native Amazon MQ brokers, serverless caches and MSK Serverless clusters accept only TLS: not applicable in transit", async () => {
    const transit = policy("phi-data-in-transit-encrypted");
    const broker = await runResource(transit, "aws-native:amazonmq:Broker", {
      brokerName: "mq",
      engineType: "RABBITMQ",
      hostInstanceType: "mq.m5.large",
    });
    expect(broker.diagnostics).toEqual([]);
    expect(broker.notApplicable).toEqual([
      "Amazon MQ brokers offer only TLS endpoints (ActiveMQ: AMQP, MQTT, OpenWire, STOMP and WebSocket over SSL; RabbitMQ: AMQPS on 5671 and HTTPS) and encrypt the traffic between brokers with TLS, so there is no setting to enforce",
    ]);
    const cache = await runResource(transit, "aws-native:elasticache:ServerlessCache", {
      serverlessCacheName: "cache",
      engine: "valkey",
    });
    expect(cache.diagnostics).toEqual([]);
    expect(cache.notApplicable).toEqual([
      "ElastiCache serverless caches always have encryption in transit enabled (AWS offers no setting to turn it off), so there is no setting to enforce",
    ]);
    const kafka = await runResource(transit, "aws-native:msk:ServerlessCluster", {
      clusterName: "events",
      clientAuthentication: { sasl: { iam: { enabled: true } } },
      vpcConfigs: [{ subnetIds: ["subnet-1"] }],
    });
    expect(kafka.diagnostics).toEqual([]);
    expect(kafka.notApplicable).toEqual([
      "MSK Serverless requires IAM access control on every cluster, whose clients connect over TLS (SASL_SSL), and a serverless cluster has no plaintext setting, so there is no setting to enforce",
    ]);
  });

  it("a template's serverless cache and Redshift Serverless namespace are judged under requireCustomerManagedKeys (PascalCase)", async () => {
    const templateBody = JSON.stringify({
      Resources: {
        Cache: {
          Type: "AWS::ElastiCache::ServerlessCache",
          Properties: { ServerlessCacheName: "cache", Engine: "valkey" },
        },
        Warehouse: {
          Type: "AWS::RedshiftServerless::Namespace",
          Properties: { NamespaceName: "phi", KmsKeyId: "arn:aws:kms:us-east-1:111122223333:key/1" },
        },
        Events: { Type: "AWS::MSK::ServerlessCluster", Properties: { ClusterName: "events" } },
      },
    });
    const rest = await runResource(
      policy("phi-data-at-rest-encrypted"),
      STACK,
      { templateBody },
      { requireCustomerManagedKeys: true },
      "infra",
    );
    expect(rest.mandatory.map((d) => d.message.split("\n").slice(1))).toEqual([
      [
        "Amazon ElastiCache Serverless: kmsKeyId is not set, so an AWS managed key encrypts the data (requireCustomerManagedKeys); set kmsKeyId to the ARN of a customer managed KMS key with rotation on",
        "[template resource Cache (AWS::ElastiCache::ServerlessCache, as aws-native:elasticache:ServerlessCache), judged as aws:elasticache/serverlessCache:ServerlessCache]",
      ],
    ]);
    expect(rest.advisory).toEqual([]);
  });

  it("a template's Kinesis stream, Redshift Serverless workgroup and Neptune cluster are judged (PascalCase)", async () => {
    const templateBody = JSON.stringify({
      Resources: {
        Events: { Type: "AWS::Kinesis::Stream", Properties: { Name: "events", ShardCount: 1 } },
        Encrypted: {
          Type: "AWS::Kinesis::Stream",
          Properties: {
            Name: "audit",
            StreamEncryption: { EncryptionType: "KMS", KeyId: "alias/aws/kinesis" },
          },
        },
        Analytics: {
          Type: "AWS::RedshiftServerless::Workgroup",
          Properties: {
            WorkgroupName: "analytics",
            ConfigParameters: [{ ParameterKey: "require_ssl", ParameterValue: "false" }],
          },
        },
        Graph: { Type: "AWS::Neptune::DBCluster", Properties: { StorageEncrypted: true } },
      },
    });
    const rest = await runResource(
      policy("phi-data-at-rest-encrypted"),
      STACK,
      { templateBody },
      {},
      "infra",
    );
    expect(rest.mandatory.map((d) => d.message.split("\n").slice(1))).toEqual([
      [
        'Amazon Kinesis Data Streams: streamEncryption.encryptionType is not set and AWS defaults to "NONE", so records are stored unencrypted; set streamEncryption.encryptionType: "KMS" with streamEncryption.keyId',
        "[template resource Events (AWS::Kinesis::Stream, as aws-native:kinesis:Stream), judged as aws:kinesis/stream:Stream]",
      ],
    ]);
    expect(rest.advisory).toEqual([]);
    const transit = await runResource(
      policy("phi-data-in-transit-encrypted"),
      STACK,
      { templateBody },
      {},
      "infra",
    );
    expect(transit.mandatory.map((d) => d.message.split("\n")[1])).toEqual([
      'Amazon Redshift Serverless: configParameters[parameterKey=require_ssl].parameterValue is not true, so clients may connect to the workgroup without TLS; set configParameters[parameterKey=require_ssl].parameterValue: "true", i.e. a configParameters entry { parameterKey: "require_ssl", parameterValue: "true" } (the key as AWS spells it)',
    ]);
  });

  it("a template's OpenSearch domain, Redshift cluster and trail are judged (PascalCase properties)", async () => {
    const templateBody = JSON.stringify({
      Resources: {
        Search: {
          Type: "AWS::OpenSearchService::Domain",
          Properties: {
            NodeToNodeEncryptionOptions: { Enabled: false },
            EncryptionAtRestOptions: { Enabled: true },
            DomainEndpointOptions: {
              EnforceHTTPS: true,
              TLSSecurityPolicy: "Policy-Min-TLS-1-2-PFS-2023-10",
            },
            VPCOptions: { SubnetIds: [{ Ref: "Subnet" }] },
          },
        },
        Params: {
          Type: "AWS::Redshift::ClusterParameterGroup",
          Properties: {
            ParameterGroupName: "wh-params",
            ParameterGroupFamily: "redshift-2.0",
            Description: "tls",
            Parameters: [{ ParameterName: "require_ssl", ParameterValue: "false" }],
          },
        },
        Warehouse: {
          Type: "AWS::Redshift::Cluster",
          Properties: {
            ClusterType: "single-node",
            NodeType: "ra3.xlplus",
            DBName: "phi",
            MasterUsername: "admin",
            ClusterParameterGroupName: { Ref: "Params" },
            Encrypted: true,
            PubliclyAccessible: true,
          },
        },
        Trail: {
          Type: "AWS::CloudTrail::Trail",
          Properties: { IsLogging: true, S3BucketName: "phi-audit-logs" },
        },
      },
    });
    const stack = { type: STACK, name: "infra", props: { templateBody } };
    const transit = await runResource(
      policy("phi-data-in-transit-encrypted"),
      STACK,
      { templateBody },
      {},
      "infra",
    );
    // The parameter group is judged on its own too (as a classic one is), beside the domain.
    expect(transit.mandatory.map((d) => d.message.split("\n")[1])).toEqual([
      "Amazon OpenSearch Service: nodeToNodeEncryptionOptions.enabled is not true, so nodes exchange data without TLS; set nodeToNodeEncryptionOptions.enabled: true",
      "Amazon Redshift (family: Redshift): parameters[0] sets require_ssl to a value that does not enforce TLS (enforcing: true); set it to true",
    ]);
    expect(transit.mandatory[0].message).toContain(
      "[template resource Search (AWS::OpenSearchService::Domain, as aws-native:opensearchservice:Domain), judged as aws:opensearch/domain:Domain]",
    );
    const open = await runResource(policy("phi-no-public-endpoints"), STACK, { templateBody }, {}, "infra");
    expect(open.mandatory.map((d) => d.message.split("\n")[1])).toEqual([
      "publiclyAccessible is true, so the Redshift cluster has an endpoint reachable from the internet; set publiclyAccessible: false",
    ]);
    const trail = await runResource(
      policy("phi-audit-trail-integrity"),
      STACK,
      { templateBody },
      {},
      "infra",
    );
    expect(trail.mandatory.map((d) => d.message.split("\n")[1])).toEqual([
      "enableLogFileValidation is not true (it defaults to false), so no digest proves that the delivered log files were not altered or deleted",
    ]);
    // The cluster's group is followed through its Ref, and its PascalCase Parameters are read.
    const groups = await runStack(policy("phi-data-in-transit-encrypted"), [stack]);
    expect(groups.mandatory.map((d) => d.message).join("\n")).toContain(
      "sets require_ssl to a value that does not enforce TLS",
    );
  });
});
