import { egressRestricted as policy } from "./egress-restricted";
import { runResource, secret, UNKNOWN_STRING } from "../testing/harness";

const SG = "aws:ec2/securityGroup:SecurityGroup";
const RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
const VPC_OUT = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";

describe("phi-egress-restricted", () => {
  it("is advisory by default", async () => {
    const v = await runResource(policy, SG, {
      egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
    });
    expect(v.advisory).toHaveLength(2);
    expect(v.mandatory).toEqual([]);
  });

  it("can be made mandatory", async () => {
    const v = await runResource(
      policy,
      VPC_OUT,
      { ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv6: "::/0" },
      { enforcementLevel: "mandatory" },
    );
    expect(v.mandatory).toHaveLength(1);
  });

  it("passes private destinations on specific ports", async () => {
    expect(
      (
        await runResource(policy, SG, {
          egress: [
            {
              protocol: "tcp",
              fromPort: 443,
              toPort: 443,
              cidrBlocks: ["10.0.0.0/8"],
              prefixListIds: ["pl-1"],
            },
          ],
        })
      ).diagnostics,
    ).toEqual([]);
    expect(
      (
        await runResource(policy, RULE, {
          type: "egress",
          protocol: "6",
          fromPort: 5432,
          toPort: 5432,
          sourceSecurityGroupId: "sg-1",
        })
      ).diagnostics,
    ).toEqual([]);
  });

  it.each([
    ["all", 0, 0],
    ["-1", 0, 0],
    ["tcp", 0, 65535],
    ["udp", -1, -1],
  ])("flags all ports: %p %p-%p", async (protocol, from, to) => {
    const v = await runResource(policy, RULE, {
      type: "egress",
      protocol,
      fromPort: from,
      toPort: to,
      cidrBlocks: ["10.0.0.0/8"],
    });
    expect(v.advisory).toHaveLength(1);
  });

  it("ignores ingress and allowed destinations", async () => {
    expect(
      (await runResource(policy, RULE, { type: "ingress", protocol: "-1", cidrBlocks: ["0.0.0.0/0"] }))
        .diagnostics,
    ).toEqual([]);
    expect(
      (
        await runResource(
          policy,
          VPC_OUT,
          { ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "198.51.100.0/24" },
          { allowedDestinationCidrs: ["198.51.100.0/24"] },
        )
      ).diagnostics,
    ).toEqual([]);
  });

  it("unknown destination says it is re-checked; values never printed", async () => {
    const u = await runResource(policy, VPC_OUT, {
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: UNKNOWN_STRING,
    });
    expect(u.advisory[0].message).toContain("`pulumi up`");
    const s = await runResource(policy, SG, {
      egress: [{ protocol: "tcp", fromPort: 31337, toPort: 31337, cidrBlocks: [secret("203.0.113.77/32")] }],
    });
    expect(s.advisory).toHaveLength(1);
    expect(s.text).not.toContain("203.0.113.77");
    expect(s.text).not.toContain("31337");
  });
});
