import { egressRestricted as policy } from "./egress-restricted";
import { runResource, runStack, secret, UNKNOWN_STRING, type StackResourceSpec } from "../testing/harness";

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

  describe("one port bound unknown at preview (level raised to mandatory to tell violations from deferred checks)", () => {
    const mandatory = { enforcementLevel: "mandatory" as const };
    const rule = (ports: Record<string, unknown>) =>
      runResource(policy, VPC_OUT, { ipProtocol: "tcp", cidrIpv4: "10.0.0.0/8", ...ports }, mandatory);
    const inline = (ports: Record<string, unknown>) =>
      runResource(
        policy,
        SG,
        { egress: [{ protocol: "udp", cidrBlocks: ["10.0.0.0/8"], ...ports }] },
        mandatory,
      );

    // The known bound alone decides: probed as a single port it is already malformed or every port.
    it.each([
      [
        "toPort out of range",
        { fromPort: UNKNOWN_STRING, toPort: 70000 },
        /the rule has a malformed port range: toPort .*fromPort/,
      ],
      [
        "fromPort negative",
        { fromPort: -5, toPort: UNKNOWN_STRING },
        /the rule has a malformed port range: fromPort .*toPort/,
      ],
      [
        "fromPort not an integer",
        { fromPort: 1.5, toPort: UNKNOWN_STRING },
        /malformed port range: fromPort/,
      ],
      [
        "fromPort -1",
        { fromPort: -1, toPort: UNKNOWN_STRING },
        /the rule allows every port: fromPort .*toPort/,
      ],
      ["fromPort unset", { toPort: UNKNOWN_STRING }, /the rule allows every port: fromPort .*toPort/],
    ])("rule resource, %s: mandatory", async (_what, ports, message) => {
      const v = await rule(ports);
      expect(v.mandatory).toHaveLength(1);
      expect(v.mandatory[0].message).toMatch(message);
      expect(v.advisory).toEqual([]);
    });

    it("inline egress[i]: a known bad bound is mandatory and named with its rule", async () => {
      const v = await inline({ fromPort: UNKNOWN_STRING, toPort: "65536" });
      expect(v.mandatory).toHaveLength(1);
      expect(v.mandatory[0].message).toMatch(/egress\[0\] has a malformed port range: egress\[0\]\.toPort/);
      const all = await inline({ fromPort: UNKNOWN_STRING, toPort: -1 });
      expect(all.mandatory[0].message).toMatch(/egress\[0\] allows every port/);
    });

    it.each([
      ["fromPort", { fromPort: UNKNOWN_STRING, toPort: 443 }],
      ["fromPort", { fromPort: UNKNOWN_STRING, toPort: 0 }],
      ["toPort", { fromPort: 65535, toPort: UNKNOWN_STRING }],
    ])("a known good bound leaves the decision to %s (advisory naming it)", async (unknownField, ports) => {
      const v = await rule(ports);
      expect(v.mandatory).toEqual([]);
      expect(v.advisory).toHaveLength(1);
      expect(v.advisory[0].message).toMatch(
        new RegExp(`^${unknownField} \\(port range\\): .*not known at preview.*\`pulumi up\``, "m"),
      );
      const i = await inline(ports);
      expect(i.mandatory).toEqual([]);
      expect(i.advisory[0].message).toContain(`egress[0].${unknownField} (port range)`);
    });

    it("both bounds unknown: advisory naming both", async () => {
      const v = await rule({ fromPort: UNKNOWN_STRING, toPort: UNKNOWN_STRING });
      expect(v.mandatory).toEqual([]);
      expect(v.advisory).toHaveLength(1);
      expect(v.text).toContain("fromPort and toPort (port range)");
    });

    it("a known bad destination stays mandatory next to an unknown port", async () => {
      const v = await rule({ cidrIpv4: "0.0.0.0/0", fromPort: UNKNOWN_STRING, toPort: 443 });
      expect(v.mandatory).toHaveLength(1);
      expect(v.advisory).toHaveLength(1);
    });

    it("with the rule's direction unknown, a decidable port problem is reported under type", async () => {
      const v = await runResource(
        policy,
        RULE,
        {
          type: UNKNOWN_STRING,
          protocol: "tcp",
          fromPort: UNKNOWN_STRING,
          toPort: 70000,
          cidrBlocks: ["10.0.0.0/8"],
        },
        mandatory,
      );
      expect(v.mandatory).toEqual([]);
      expect(v.text).toMatch(/type \(if egress: the rule has a malformed port range/);
    });

    it("never prints the port values", async () => {
      const v = await rule({ fromPort: UNKNOWN_STRING, toPort: 70123 });
      expect(v.text).not.toContain("70123");
    });
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

describe("phi-egress-restricted (stack): destinations in managed prefix lists of the stack", () => {
  const list = (entries: unknown[]): StackResourceSpec => ({
    type: "aws:ec2/managedPrefixList:ManagedPrefixList",
    name: "partners",
    props: { id: "pl-0bbb", name: "partners", addressFamily: "IPv4", maxEntries: 5, entries },
  });
  const rule: StackResourceSpec = {
    type: VPC_OUT,
    name: "to-partners",
    props: { ipProtocol: "tcp", fromPort: 443, toPort: 443, prefixListId: "pl-0bbb" },
  };
  const lines = (v: Awaited<ReturnType<typeof runStack>>) =>
    v.diagnostics.map((d) => `${d.enforcementLevel}: ${d.message.split("\n")[1]}`);
  const OPEN =
    "prefixListId references managed prefix list partners, whose entry partners.entries[0].cidr is not within a private range; egress destinations must lie within 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, fc00::/7";

  it("a private list passes; 0.0.0.0/0 in the list is a finding at the policy's level", async () => {
    expect((await runStack(policy, [list([{ cidr: "10.9.0.0/16" }]), rule])).diagnostics).toEqual([]);
    expect(lines(await runStack(policy, [list([{ cidr: "0.0.0.0/0" }]), rule]))).toEqual([
      `advisory: ${OPEN}`,
    ]);
    expect(
      lines(await runStack(policy, [list([{ cidr: "0.0.0.0/0" }]), rule], { enforcementLevel: "mandatory" })),
    ).toEqual([`mandatory: ${OPEN}`]);
  });

  it("allowedDestinationCidrs admits a listed public entry; ingress references are not egress", async () => {
    const partner = [list([{ cidr: "203.0.113.0/24" }]), rule];
    const config = { allowedDestinationCidrs: ["203.0.113.0/24"] };
    expect((await runStack(policy, partner, config)).diagnostics).toEqual([]);
    const ingress = { ...rule, type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" };
    expect((await runStack(policy, [list([{ cidr: "0.0.0.0/0" }]), ingress])).diagnostics).toEqual([]);
  });
});
