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
  type PhiChannelArgs,
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

describe("PhiChannel: its children's checks, under its own field names", () => {
  const sources = { allowedSources: ["10.20.0.0/16"] };
  const existing = { vpcId: "vpc-0abc", subnetIds: ["subnet-1", "subnet-2"], cidrBlock: "10.40.0.0/16" };
  const only = (args: Partial<PhiChannelArgs>) => validatePhiChannelArgs("claims", { ...sources, ...args });

  test("the new network's (PrivateNetwork): network.<field>", () => {
    expect(only({ network: { availabilityZoneCount: 1 } })).toEqual([
      {
        component: "PhiChannel",
        resourceName: "claims",
        field: "network.availabilityZoneCount",
        value: 1,
        problem:
          "must be a whole number of at least 2, so the channel survives the loss of one Availability Zone",
        fix: "omit it (default 2) or set 2 or more",
      },
    ]);
  });

  test("the certificate's (InternalCertificate): certificate.internal.<field>, the fix renamed too", () => {
    expect(
      only({
        certificate: { internal: { dnsNames: ["x.phi.internal"], keyAlgorithm: "RSA", rsaBits: 1024 } },
      }),
    ).toEqual([
      {
        component: "PhiChannel",
        resourceName: "claims",
        field: "certificate.internal.rsaBits",
        value: 1024,
        problem: "is refused: RSA keys must be at least 2048 bits",
        fix: "set certificate.internal.rsaBits to 2048, 3072 or 4096",
      },
    ]);
    // A size checkKeyAlgorithm accepts but ACM cannot import: the InternalCertificate's own rule.
    expect(
      only({
        certificate: { internal: { dnsNames: ["x.phi.internal"], keyAlgorithm: "RSA", rsaBits: 2049 } },
      }).map((p) => p.field),
    ).toEqual(["certificate.internal.rsaBits"]);
  });

  test("the load balancer's (TlsLoadBalancer): its type is loadBalancerType, mutualTls keeps the channel's value", () => {
    expect(only({ loadBalancerType: "classic" as never })).toEqual([
      {
        component: "PhiChannel",
        resourceName: "claims",
        field: "loadBalancerType",
        value: "classic",
        problem: "is not a load balancer type",
        fix: 'use "application" or "network"',
      },
    ]);
    expect(only({ loadBalancerType: "network", mutualTls: true })).toEqual([
      {
        component: "PhiChannel",
        resourceName: "claims",
        field: "mutualTls",
        value: true,
        problem:
          "is not supported on network load balancers (NLB TLS listeners cannot verify client certificates)",
        fix: "use an application load balancer for mutual TLS, or terminate mTLS at the targets",
      },
    ]);
    expect(only({ deletionProtection: "yes" as never }).map((p) => [p.field, p.problem])).toEqual([
      ["deletionProtection", "must be a boolean"],
    ]);
  });

  test("an existing network's ids are checked by the load balancer and the group that use them", () => {
    expect(where(only({ network: { ...existing, subnetIds: ["subnet-1"] } }))).toEqual([
      'PhiChannel "claims" network.subnetIds',
    ]);
    expect(where(only({ network: { ...existing, vpcId: "" } }))).toEqual([
      'PhiChannel "claims" network.vpcId',
    ]);
    expect(only({ network: { ...existing, cidrBlock: "8.8.0.0/16" } })).toEqual([
      {
        component: "PhiChannel",
        resourceName: "claims",
        field: "network.cidrBlock",
        value: "8.8.0.0/16",
        problem: "is not inside a private range, so hosts would hold publicly routable addresses",
        fix: 'use a block inside 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10 such as "10.0.0.0/16"',
      },
    ]);
  });

  test("one refusal per mistake, though several children check the same value", () => {
    // Both log buckets (access and flow logs) refuse the retention; the load balancer and the group the port.
    expect(where(only({ retentionDays: 30 }))).toEqual(['PhiChannel "claims" retentionDays']);
    expect(where(only({ minimumRetentionDays: 0 }))).toEqual(['PhiChannel "claims" minimumRetentionDays']);
    expect(where(only({ targetPort: 70000 }))).toEqual(['PhiChannel "claims" targetPort']);
    expect(where(only({ tags: { team: 7 as never } }))).toEqual(['PhiChannel "claims" tags.team']);
    expect(where(only({ network: { cidrBlock: "8.8.0.0/16" } }))).toEqual([
      'PhiChannel "claims" network.cidrBlock',
    ]);
  });

  test("sources are judged even when the allowlist is refused", () => {
    expect(where(only({ allowedIngress: ["tcp/443", "tcpp/1"], allowedSources: ["8.8.8.8/32"] }))).toEqual([
      'PhiChannel "claims" allowedIngress[1]',
      'PhiChannel "claims" allowedSources[0]',
    ]);
  });

  test("reserved tag keys: every phi-channels:* key, not only the classification", () => {
    expect(only({ tags: { "phi-channels:owner": "me" } })).toEqual([
      {
        component: "PhiChannel",
        resourceName: "claims",
        field: 'tags["phi-channels:owner"]',
        value: "me",
        problem: "is reserved",
        fix: "remove it: phi-channels:* tags are set by the components",
      },
    ]);
  });

  test("a refused name is reported once, not again as the default certificate's DNS name", () => {
    expect(where(validatePhiChannelArgs("Bad_Name", sources))).toEqual(['PhiChannel "Bad_Name" name']);
  });
});

describe("one wording per refusal, whichever component refuses", () => {
  const lb = (args: Partial<Parameters<typeof validateTlsLoadBalancerArgs>[1]>) =>
    validateTlsLoadBalancerArgs("lb", {
      vpcId: "vpc-1",
      subnetIds: ["subnet-a", "subnet-b"],
      securityGroupIds: ["sg-1"],
      certificate: { certificateArn: ACM_ARN },
      ...args,
    });
  const channel = (args: Partial<PhiChannelArgs>) =>
    validatePhiChannelArgs("claims", { allowedSources: ["10.20.0.0/16"], ...args });
  const wording = (problems: ConfigProblem[]) => problems.map((p) => [p.field, p.problem, p.fix]);

  test("an unknown ELB security policy", () => {
    const problem = "is not a known ELB security policy (unknown policies are refused)";
    expect(wording(lb({ sslPolicy: "made-up" }))[0].slice(0, 2)).toEqual(["sslPolicy", problem]);
    expect(wording(channel({ sslPolicy: "made-up" }))[0].slice(0, 2)).toEqual(["sslPolicy", problem]);
    expect(wording(channel({ sslPolicy: "made-up" }))).toEqual(wording(lb({ sslPolicy: "made-up" })));
  });

  test("a target port out of range", () => {
    const expected = [
      [
        "targetPort",
        "must be a whole number between 1 and 65535",
        "use the port your targets serve TLS on, e.g. 443",
      ],
    ];
    expect(wording(lb({ targetPort: 0 }))).toEqual(expected);
    expect(wording(channel({ targetPort: 0 }))).toEqual(expected);
  });

  test("a malformed allowlist entry", () => {
    const expected = [
      "allowedIngress[1]",
      'is not a valid allowlist entry (unknown protocol "tcpp")',
      'write "<protocol>/<port>", "<protocol>/<from>-<to>" with from <= to, or "<protocol>/*" for protocols without ports, e.g. "tcp/443"',
    ];
    const allowedIngress = ["tcp/443", "tcpp/1"];
    expect(wording(lb({ allowedIngress }))).toEqual([expected]);
    expect(wording(channel({ allowedIngress }))).toEqual([expected]);
    expect(
      wording(validateAllowlistedSecurityGroupArgs("sg", { vpcId: "vpc-1", ingress: [], allowedIngress })),
    ).toEqual([expected]);
  });
});
