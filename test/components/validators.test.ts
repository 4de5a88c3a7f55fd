import { setupPulumiMocks } from "../support/pulumi-mocks";
import {
  AllowlistedSecurityGroup,
  ImmutableLogBucket,
  InternalCertificate,
  PhiChannel,
  PhiConfigError,
  PrivateNetwork,
  validateAllowlistedSecurityGroupArgs,
  validateImmutableLogBucketArgs,
  validateInternalCertificateArgs,
  validatePhiChannelArgs,
  validatePrivateNetworkArgs,
  validateTlsLoadBalancerArgs,
  type ConfigProblem,
} from "../../components";

// Every component's validate<Name>Args returns ALL problems, and its constructor throws them together.
const mocks = setupPulumiMocks();
beforeEach(() => mocks.reset());

const ACM_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555";
const where = (problems: ConfigProblem[]) =>
  problems.map((p) => `${p.component} "${p.resourceName}" ${p.field}`);

describe("validators return every problem", () => {
  test("valid arguments: no problems", () => {
    expect(validateImmutableLogBucketArgs("logs", { purpose: "general" })).toEqual([]);
    expect(validatePrivateNetworkArgs("net", {})).toEqual([]);
    expect(validateInternalCertificateArgs("cert", { dnsNames: ["api.internal.example"] })).toEqual([]);
    expect(
      validateAllowlistedSecurityGroupArgs("sg", {
        vpcId: "vpc-1",
        ingress: [
          { protocol: "tcp", port: 443, source: { cidrBlock: "10.0.0.0/8" }, description: "clients" },
        ],
      }),
    ).toEqual([]);
    expect(
      validateTlsLoadBalancerArgs("lb", {
        vpcId: "vpc-1",
        subnetIds: ["subnet-a", "subnet-b"],
        securityGroupIds: ["sg-1"],
        certificate: { certificateArn: ACM_ARN },
      }),
    ).toEqual([]);
    expect(validatePhiChannelArgs("claims", { allowedSources: ["10.20.0.0/16"] })).toEqual([]);
  });

  test("ImmutableLogBucket: purpose, transition and tags at once", () => {
    const problems = validateImmutableLogBucketArgs("logs", {
      purpose: "nope" as never,
      transitionToColderStorageAfterDays: 0,
      tags: { team: 7 as never },
    });
    expect(problems).toEqual([
      {
        component: "ImmutableLogBucket",
        resourceName: "logs",
        field: "purpose",
        value: "nope",
        problem: "is not a known log bucket purpose",
        fix: 'set purpose to one of "alb-access-logs", "nlb-access-logs", "vpc-flow-logs", "general"',
      },
      {
        component: "ImmutableLogBucket",
        resourceName: "logs",
        field: "transitionToColderStorageAfterDays",
        value: 0,
        problem: "must be a positive whole number of days",
        fix: "omit it to keep objects in S3 Standard, or set a positive integer such as 90",
      },
      {
        component: "ImmutableLogBucket",
        resourceName: "logs",
        field: "tags.team",
        value: 7,
        problem: "is not a string",
        fix: "tag values must be strings",
      },
    ]);
  });

  test("PrivateNetwork: layout, NAT, endpoints and the flow-log bucket under this component's names", () => {
    expect(
      where(
        validatePrivateNetworkArgs("net", {
          cidrBlock: "8.8.0.0/16",
          enableNatGateway: true,
          interfaceEndpoints: ["s3"],
          flowLogRetentionDays: 30,
        }),
      ),
    ).toEqual([
      'PrivateNetwork "net" cidrBlock',
      'PrivateNetwork "net" enableNatGateway',
      'PrivateNetwork "net" interfaceEndpoints[0]',
      'PrivateNetwork "net" flowLogRetentionDays',
    ]);
  });

  test("InternalCertificate: names, key, hours and subject at once", () => {
    expect(
      where(
        validateInternalCertificateArgs("cert", {
          dnsNames: [],
          keyAlgorithm: "RSA",
          rsaBits: 1024,
          validityHours: 0,
          subject: { organization: "" },
        }),
      ),
    ).toEqual([
      'InternalCertificate "cert" dnsNames',
      'InternalCertificate "cert" rsaBits',
      'InternalCertificate "cert" validityHours',
      'InternalCertificate "cert" subject.organization',
    ]);
  });

  test("AllowlistedSecurityGroup: each refused rule, not only the first", () => {
    expect(
      where(
        validateAllowlistedSecurityGroupArgs("sg", {
          vpcId: "",
          ingress: [
            { protocol: "tcp", port: 22, source: { cidrBlock: "10.0.0.0/8" }, description: "ssh" },
            { protocol: "tcp", port: 443, source: { cidrBlock: "8.8.8.8/32" }, description: "public" },
          ],
        }),
      ),
    ).toEqual([
      'AllowlistedSecurityGroup "sg" vpcId',
      'AllowlistedSecurityGroup "sg" ingress[0].port',
      'AllowlistedSecurityGroup "sg" ingress[1].source.cidrBlock',
    ]);
  });

  test("TlsLoadBalancer: its own problems and its access-log bucket's, under the bucket's name", () => {
    expect(
      where(
        validateTlsLoadBalancerArgs("lb", {
          vpcId: "vpc-1",
          subnetIds: ["subnet-a"],
          securityGroupIds: ["sg-1"],
          certificate: { certificateArn: "arn:aws:iam::123456789012:server-certificate/x" },
          sslPolicy: "ELBSecurityPolicy-2016-08",
          targetPort: 0,
          accessLogRetentionDays: 30,
        }),
      ),
    ).toEqual([
      'TlsLoadBalancer "lb" subnetIds',
      'TlsLoadBalancer "lb" targetPort',
      'TlsLoadBalancer "lb" sslPolicy',
      'TlsLoadBalancer "lb" certificate.certificateArn',
      'ImmutableLogBucket "lb-logs" retentionDays',
    ]);
  });

  test("PhiChannel: its own problems at once", () => {
    expect(
      where(
        validatePhiChannelArgs("claims", {
          allowedSources: ["0.0.0.0/0"],
          loadBalancerType: "network",
          mutualTls: true,
          sslPolicy: "ELBSecurityPolicy-2016-08",
          targetPort: 70000,
          network: { cidrBlock: "8.8.0.0/16" },
        }),
      ),
    ).toEqual([
      'PhiChannel "claims" allowedSources[0]',
      'PhiChannel "claims" mutualTls',
      'PhiChannel "claims" sslPolicy',
      'PhiChannel "claims" targetPort',
      'PhiChannel "claims" network.cidrBlock',
    ]);
  });
});

describe("constructors throw one PhiConfigError listing every problem", () => {
  test("the first problem is the error's field; the message has one line per problem", () => {
    let error: unknown;
    try {
      new ImmutableLogBucket("logs", {
        purpose: "general",
        retentionDays: 10,
        transitionToColderStorageAfterDays: -1,
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PhiConfigError);
    const e = error as PhiConfigError;
    expect(e.field).toBe("retentionDays");
    expect(e.problems.map((p) => p.field)).toEqual(["retentionDays", "transitionToColderStorageAfterDays"]);
    const lines = e.message.split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe(
      'ImmutableLogBucket "logs": transitionToColderStorageAfterDays = -1 must be a positive whole number of days. Fix: omit it to keep objects in S3 Standard, or set a positive integer such as 90',
    );
    expect(lines[0]).toMatch(/^ImmutableLogBucket "logs": retentionDays = 10 is refused: /);
    expect(mocks.byType("phi:storage:ImmutableLogBucket")).toHaveLength(0);
  });

  test("every component refuses before registering anything", () => {
    expect(() => new PrivateNetwork("net", { enableNatGateway: true, availabilityZoneCount: 1 })).toThrow(
      PhiConfigError,
    );
    expect(() => new InternalCertificate("cert", { dnsNames: [] })).toThrow(PhiConfigError);
    expect(() => new AllowlistedSecurityGroup("sg", { vpcId: "", ingress: [] })).toThrow(PhiConfigError);
    expect(() => new PhiChannel("claims", { allowedSources: [] })).toThrow(PhiConfigError);
    expect(mocks.byType("phi:network:PrivateNetwork")).toHaveLength(0);
    expect(mocks.byType("phi:tls:InternalCertificate")).toHaveLength(0);
    expect(mocks.byType("phi:network:AllowlistedSecurityGroup")).toHaveLength(0);
    expect(mocks.byType("phi:channel:PhiChannel")).toHaveLength(0);
  });
});

describe("shared wording from the rules module", () => {
  test("a public channel source names every private range, 100.64.0.0/10 included", () => {
    expect(validatePhiChannelArgs("claims", { allowedSources: ["8.8.8.8/32"] })).toEqual([
      {
        component: "PhiChannel",
        resourceName: "claims",
        field: "allowedSources[0]",
        value: "8.8.8.8/32",
        problem: "is a public address range",
        fix: "use private address space (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, fc00::/7)",
      },
    ]);
  });

  test("ACM ARNs: the same pattern in PhiChannel and TlsLoadBalancer", () => {
    const govCloud = "arn:aws-us-gov:acm:us-gov-west-1:123456789012:certificate/abc";
    expect(
      validatePhiChannelArgs("claims", {
        allowedSources: ["10.0.0.0/8"],
        certificate: { acmCertificateArn: govCloud },
      }),
    ).toEqual([]);
    const lb = (certificateArn: string) =>
      validateTlsLoadBalancerArgs("lb", {
        vpcId: "vpc-1",
        subnetIds: ["subnet-a", "subnet-b"],
        securityGroupIds: ["sg-1"],
        certificate: { certificateArn },
      }).map((p) => p.field);
    expect(lb(govCloud)).toEqual([]);
    expect(lb("arn:aws:acm:us-east-1:12345:certificate/abc")).toEqual(["certificate.certificateArn"]);
    expect(
      validatePhiChannelArgs("claims", {
        allowedSources: ["10.0.0.0/8"],
        certificate: { acmCertificateArn: "arn:aws:acm:us-east-1:12345:certificate/abc" },
      }).map((p) => p.field),
    ).toEqual(["certificate.acmCertificateArn"]);
  });
});
