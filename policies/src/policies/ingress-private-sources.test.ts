import { ingressPrivateSources as policy } from "./ingress-private-sources";
import { runResource, secret, UNKNOWN_ARRAY, UNKNOWN_STRING } from "../testing/harness";

const SG = "aws:ec2/securityGroup:SecurityGroup";
const DSG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup";
const RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
const VPC_IN = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";

const sg = (cidrBlocks: unknown[], ipv6CidrBlocks: unknown[] = []) => ({
  ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks, ipv6CidrBlocks }],
});

describe("phi-ingress-private-sources", () => {
  it.each([
    ["10.0.0.0/8"],
    ["172.16.5.0/24"],
    ["192.168.1.1/32"],
    ["100.64.0.0/10"],
    ["fd00::/8"],
    ["fc00::/7"],
  ])("accepts private %s in every resource type", async (cidr) => {
    const v6 = cidr.includes(":");
    for (const [type, props] of [
      [SG, v6 ? sg([], [cidr]) : sg([cidr])],
      [DSG, v6 ? sg([], [cidr]) : sg([cidr])],
      [
        RULE,
        {
          type: "ingress",
          protocol: "tcp",
          fromPort: 443,
          toPort: 443,
          [v6 ? "ipv6CidrBlocks" : "cidrBlocks"]: [cidr],
        },
      ],
      [VPC_IN, { ipProtocol: "tcp", fromPort: 443, toPort: 443, [v6 ? "cidrIpv6" : "cidrIpv4"]: cidr }],
    ] as const) {
      expect((await runResource(policy, type, props as Record<string, unknown>)).diagnostics).toEqual([]);
    }
  });

  it("accepts security-group references, prefix lists and self", async () => {
    expect(
      (
        await runResource(policy, SG, {
          ingress: [
            {
              protocol: "tcp",
              fromPort: 443,
              toPort: 443,
              securityGroups: ["sg-1"],
              self: true,
              prefixListIds: ["pl-1"],
            },
          ],
        })
      ).diagnostics,
    ).toEqual([]);
    expect(
      (
        await runResource(policy, RULE, {
          type: "ingress",
          protocol: "tcp",
          fromPort: 443,
          toPort: 443,
          sourceSecurityGroupId: "sg-1",
        })
      ).diagnostics,
    ).toEqual([]);
    expect(
      (
        await runResource(policy, VPC_IN, {
          ipProtocol: "tcp",
          fromPort: 443,
          toPort: 443,
          prefixListId: "pl-1",
        })
      ).diagnostics,
    ).toEqual([]);
    expect(
      (
        await runResource(policy, VPC_IN, {
          ipProtocol: "tcp",
          fromPort: 443,
          toPort: 443,
          referencedSecurityGroupId: UNKNOWN_STRING,
        })
      ).diagnostics,
    ).toEqual([]);
  });

  it.each([
    [["0.0.0.0/0"], []],
    [[], ["::/0"]],
    [["0.0.0.0/1", "128.0.0.0/1"], []],
    [[], ["2000::/3"]],
    [["8.8.8.0/24"], []],
    [["10.0.0.0/7"], []],
    [["010.0.0.0/8"], []],
    [["10.0.0.0"], []],
    [["not-a-cidr"], []],
    [[], ["fe80::/10"]],
  ])("blocks %p %p", async (v4, v6) => {
    const v = await runResource(policy, SG, sg(v4, v6));
    expect(v.mandatory).toHaveLength(v4.length + v6.length);
    const r = await runResource(policy, VPC_IN, {
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      ...(v4.length ? { cidrIpv4: v4[0] } : { cidrIpv6: v6[0] }),
    });
    expect(r.mandatory).toHaveLength(1);
  });

  it("names the offending entry by path among several", async () => {
    const v = await runResource(policy, SG, {
      ingress: [
        { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/8"] },
        { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.1.0.0/16", "198.51.100.0/24"] },
      ],
    });
    expect(v.mandatory).toHaveLength(1);
    expect(v.mandatory[0].message).toContain("ingress[1].cidrBlocks[1] is not within a private range");
  });

  it("allowedPublicCidrs admits listed public ranges and their subnets only", async () => {
    const config = { allowedPublicCidrs: ["198.51.100.0/24"] };
    expect((await runResource(policy, SG, sg(["198.51.100.0/25"]), config)).diagnostics).toEqual([]);
    expect((await runResource(policy, SG, sg(["198.51.0.0/16"]), config)).mandatory).toHaveLength(1);
    await expect(runResource(policy, SG, sg([]), { allowedPublicCidrs: ["anywhere"] })).rejects.toThrow(
      /invalid config/,
    );
  });

  it("ignores egress", async () => {
    expect(
      (
        await runResource(policy, SG, {
          egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
        })
      ).diagnostics,
    ).toEqual([]);
  });

  it("public source is mandatory even with unknown ports and protocol", async () => {
    const v = await runResource(policy, RULE, {
      type: "ingress",
      protocol: UNKNOWN_STRING,
      fromPort: UNKNOWN_STRING,
      toPort: 1,
      cidrBlocks: ["0.0.0.0/0"],
    });
    expect(v.mandatory).toHaveLength(1);
  });

  it("unknown sources are advisory, re-checked at pulumi up", async () => {
    const v = await runResource(policy, SG, sg([UNKNOWN_STRING]));
    expect(v.mandatory).toEqual([]);
    expect(v.advisory[0].message).toContain("ingress[0].cidrBlocks[0]");
    expect(v.advisory[0].message).toContain("`pulumi up`");
    const l = await runResource(policy, RULE, {
      type: "ingress",
      protocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrBlocks: UNKNOWN_ARRAY,
    });
    expect(l.advisory).toHaveLength(1);
  });

  it("secrets and values never appear in messages", async () => {
    const v = await runResource(
      policy,
      SG,
      sg([secret("203.0.113.77/32"), "198.18.0.1/31"], [secret("2001:db8:7777::/48")]),
    );
    expect(v.mandatory).toHaveLength(3);
    for (const s of ["203.0.113.77", "198.18.0.1", "2001:db8:7777"]) expect(v.text).not.toContain(s);
  });
});

describe("phi-ingress-private-sources with an invalid allowedPublicCidrs entry", () => {
  it("blocks with a message naming the config entry instead of silently ignoring it", async () => {
    const v = await runResource(policy, SG, sg(["10.0.0.0/8"]), { allowedPublicCidrs: ["999.0.0.0/8"] });
    expect(v.mandatory).toHaveLength(1);
    expect(v.text).toContain('policy config allowedPublicCidrs[0] = "999.0.0.0/8" is not a valid CIDR block');
  });
});
