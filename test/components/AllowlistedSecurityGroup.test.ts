import { setupPulumiMocks, promiseOf } from "../support/pulumi-mocks";
import {
  AllowlistedSecurityGroup,
  type AllowlistedSecurityGroupArgs,
  type IngressRuleArgs,
} from "../../components/AllowlistedSecurityGroup";
import { PhiConfigError } from "../../components/errors";
import { DATA_CLASSIFICATION_TAG, COMPONENT_TAG } from "../../components/tags";

const mocks = setupPulumiMocks();
beforeEach(() => mocks.reset());

const SG = "aws:ec2/securityGroup:SecurityGroup";
const IN = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const OUT = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";

const https = (source: IngressRuleArgs["source"], extra: Partial<IngressRuleArgs> = {}): IngressRuleArgs => ({
  protocol: "tcp",
  port: 443,
  source,
  description: "clients to the channel",
  ...extra,
});

function base(overrides: Partial<AllowlistedSecurityGroupArgs> = {}): AllowlistedSecurityGroupArgs {
  return { vpcId: "vpc-123", ingress: [https({ cidrBlock: "10.20.0.0/16" })], ...overrides };
}

describe("AllowlistedSecurityGroup resources", () => {
  test("creates the group with no inline rules and one rule resource per declared rule", async () => {
    const sg = new AllowlistedSecurityGroup("api", {
      vpcId: "vpc-123",
      ingress: [
        https({ cidrBlock: "10.20.0.0/16" }, { protocol: "TCP" }),
        https({ ipv6CidrBlock: "fd00:1::/64" }, { protocol: "6" }),
        https({ securityGroupId: "sg-client" }),
        https({ prefixListId: "pl-1234" }),
        https({ self: true }),
      ],
      egress: [
        { protocol: "tcp", port: 443, destination: { cidrBlock: "10.0.0.0/16" }, description: "to targets" },
      ],
      tags: { team: "claims" },
    });
    await mocks.settle();

    const group = mocks.one(SG, "api");
    expect(group.inputs.vpcId).toBe("vpc-123");
    expect(group.inputs.revokeRulesOnDelete).toBe(true);
    // Inline rules stay unmanaged so they cannot overwrite the standalone rules.
    expect(group.inputs.ingress).toBeUndefined();
    expect(group.inputs.egress).toBeUndefined();
    expect(group.inputs.tags).toEqual({
      team: "claims",
      [DATA_CLASSIFICATION_TAG]: "phi",
      [COMPONENT_TAG]: "AllowlistedSecurityGroup",
    });

    const ingress = mocks.byType(IN);
    expect(ingress).toHaveLength(5);
    const sgId = await promiseOf(sg.securityGroupId);
    expect(sgId).toBe(group.id);
    for (const rule of ingress) {
      expect(rule.inputs.ipProtocol).toBe("tcp");
      expect(rule.inputs.fromPort).toBe(443);
      expect(rule.inputs.toPort).toBe(443);
      expect(rule.inputs.securityGroupId).toBe(sgId);
      expect(rule.inputs.description).toBe("clients to the channel");
    }
    const byName = (n: string) => mocks.one(IN, n).inputs;
    expect(byName("api-in-0").cidrIpv4).toBe("10.20.0.0/16");
    expect(byName("api-in-1").cidrIpv6).toBe("fd00:1::/64");
    expect(byName("api-in-2").referencedSecurityGroupId).toBe("sg-client");
    expect(byName("api-in-3").prefixListId).toBe("pl-1234");
    expect(byName("api-in-4").referencedSecurityGroupId).toBe(sgId);
    expect(byName("api-in-0").cidrIpv6).toBeUndefined();

    const egress = mocks.one(OUT, "api-out-0");
    expect(egress.inputs).toMatchObject({
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: "10.0.0.0/16",
      securityGroupId: sgId,
    });
    expect(mocks.byType(OUT)).toHaveLength(1);
    expect(mocks.byType("aws:ec2/securityGroupRule:SecurityGroupRule")).toHaveLength(0);
    expect(sg.ingressRules).toHaveLength(5);
    expect(sg.egressRules).toHaveLength(1);
  });

  test("defaults to no egress rule at all (outbound denied)", async () => {
    new AllowlistedSecurityGroup("quiet", base());
    await mocks.settle();
    expect(mocks.byType(OUT)).toHaveLength(0);
    expect(mocks.byType(IN)).toHaveLength(1);
  });

  test("accepts a range fully covered by a custom allowlist and an allowed public partner range", async () => {
    new AllowlistedSecurityGroup("partner", {
      vpcId: "vpc-1",
      allowedIngress: ["tcp/443", "tcp/8443-8445"],
      allowedPublicCidrs: ["203.0.113.0/24"],
      ingress: [https({ cidrBlock: "203.0.113.16/28" }, { port: undefined, fromPort: 8443, toPort: 8445 })],
    });
    await mocks.settle();
    expect(mocks.one(IN).inputs).toMatchObject({ fromPort: 8443, toPort: 8445, cidrIpv4: "203.0.113.16/28" });
  });

  test("icmp allowed as icmp/* becomes a whole-protocol rule", async () => {
    new AllowlistedSecurityGroup("ping", {
      vpcId: "vpc-1",
      allowedIngress: ["tcp/443", "icmp/*"],
      ingress: [{ protocol: "ICMP", source: { cidrBlock: "10.0.0.0/8" }, description: "path MTU discovery" }],
    });
    await mocks.settle();
    expect(mocks.one(IN).inputs).toMatchObject({ ipProtocol: "icmp", fromPort: -1, toPort: -1 });
  });
});

describe("AllowlistedSecurityGroup refuses", () => {
  const refuse = (args: AllowlistedSecurityGroupArgs, field: string, valueText?: string) => {
    let error: unknown;
    try {
      new AllowlistedSecurityGroup("bad", args);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PhiConfigError);
    const err = error as PhiConfigError;
    expect(err.field).toBe(field);
    expect(err.message).toContain(`AllowlistedSecurityGroup "bad": ${field} = `);
    expect(err.message).toContain("Fix: ");
    if (valueText !== undefined) expect(err.message).toContain(valueText);
    return err;
  };

  afterEach(async () => {
    await mocks.settle();
    // Nothing is created for refused arguments.
    expect(mocks.resources).toHaveLength(0);
  });

  test("an unlisted port (22)", () => {
    const err = refuse(
      base({ ingress: [https({ cidrBlock: "10.0.0.0/8" }, { port: 22 })] }),
      "ingress[0].port",
      "22",
    );
    expect(err.message).toContain("tcp/443");
  });

  test("a range 440-444 with only 443 allowed", () => {
    const err = refuse(
      base({
        ingress: [https({ cidrBlock: "10.0.0.0/8" }, { port: undefined, fromPort: 440, toPort: 444 })],
      }),
      "ingress[0].fromPort",
    );
    expect(err.message).toContain("tcp/440-442, tcp/444");
  });

  test("a missing port on TCP (would open every port)", () => {
    refuse(
      base({ ingress: [https({ cidrBlock: "10.0.0.0/8" }, { port: undefined })] }),
      "ingress[0].fromPort",
    );
  });

  test.each(["0.0.0.0/0", "0.0.0.0/1", "8.8.8.8/32"])("public IPv4 source %s", (cidr) => {
    refuse(
      base({ ingress: [https({ cidrBlock: "10.0.0.0/8" }), https({ cidrBlock: cidr })] }),
      "ingress[1].source.cidrBlock",
      JSON.stringify(cidr),
    );
  });

  test("public IPv6 source ::/0", () => {
    refuse(
      base({ ingress: [https({ ipv6CidrBlock: "::/0" })] }),
      "ingress[0].source.ipv6CidrBlock",
      '"::/0"',
    );
  });

  test("an invalid CIDR (octal trick) and a family mix-up", () => {
    refuse(base({ ingress: [https({ cidrBlock: "010.0.0.0/8" })] }), "ingress[0].source.cidrBlock");
    refuse(base({ ingress: [https({ cidrBlock: "fd00::/8" })] }), "ingress[0].source.cidrBlock");
  });

  test("an allowed-public range only when listed", () => {
    refuse(base({ ingress: [https({ cidrBlock: "203.0.113.0/24" })] }), "ingress[0].source.cidrBlock");
    refuse(base({ allowedPublicCidrs: ["0.0.0.0/0"] }), "allowedPublicCidrs[0]");
  });

  test.each(["-1", "all", "ALL"])("protocol %s", (protocol) => {
    refuse(base({ ingress: [https({ cidrBlock: "10.0.0.0/8" }, { protocol })] }), "ingress[0].protocol");
  });

  test('unknown protocol "tcpp"', () => {
    refuse(
      base({ ingress: [https({ cidrBlock: "10.0.0.0/8" }, { protocol: "tcpp" })] }),
      "ingress[0].protocol",
      '"tcpp"',
    );
  });

  test("udp/443 when only tcp/443 is allowed", () => {
    refuse(base({ ingress: [https({ cidrBlock: "10.0.0.0/8" }, { protocol: "udp" })] }), "ingress[0].port");
  });

  test("missing or empty descriptions", () => {
    refuse(
      base({ ingress: [https({ cidrBlock: "10.0.0.0/8" }, { description: "" })] }),
      "ingress[0].description",
    );
    refuse(
      base({
        ingress: [https({ cidrBlock: "10.0.0.0/8" }, { description: undefined as unknown as string })],
      }),
      "ingress[0].description",
    );
    refuse(
      base({
        egress: [{ protocol: "tcp", port: 443, destination: { cidrBlock: "10.0.0.0/16" }, description: " " }],
      }),
      "egress[0].description",
    );
    refuse(base({ description: "" }), "description");
  });

  test("egress to anywhere on all ports", () => {
    refuse(
      base({
        egress: [
          {
            protocol: "tcp",
            fromPort: 0,
            toPort: 65535,
            destination: { cidrBlock: "0.0.0.0/0" },
            description: "x",
          },
        ],
      }),
      "egress[0].destination.cidrBlock",
    );
    refuse(
      base({ egress: [{ protocol: "-1", destination: { ipv6CidrBlock: "::/0" }, description: "x" }] }),
      "egress[0].protocol",
    );
    refuse(
      base({ egress: [{ protocol: "icmpv6", destination: { ipv6CidrBlock: "::/0" }, description: "x" }] }),
      "egress[0].destination.ipv6CidrBlock",
    );
  });

  test("a source with two forms or none", () => {
    refuse(
      base({ ingress: [https({ cidrBlock: "10.0.0.0/8", securityGroupId: "sg-1" } as never)] }),
      "ingress[0].source",
    );
    refuse(base({ ingress: [https(undefined as never)] }), "ingress[0].source");
  });

  test("a malformed allowlist entry", () => {
    refuse(base({ allowedIngress: ["tcp/443", "https"] }), "allowedIngress[1]", '"https"');
  });
});
