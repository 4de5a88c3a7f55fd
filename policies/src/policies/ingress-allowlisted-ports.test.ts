import { ingressAllowlistedPorts as policy } from "./ingress-allowlisted-ports";
import {
  runResource,
  secret,
  UNKNOWN_ARRAY,
  UNKNOWN_NUMBER,
  UNKNOWN_OBJECT,
  UNKNOWN_STRING,
} from "../testing/harness";

const SG = "aws:ec2/securityGroup:SecurityGroup";
const DSG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup";
const RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
const VPC_IN = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";

const inline = (protocol: unknown, fromPort: unknown, toPort: unknown) => ({
  ingress: [{ protocol, fromPort, toPort, cidrBlocks: ["10.0.0.0/16"] }],
});

describe("phi-ingress-allowlisted-ports", () => {
  it("passes tcp/443 in every resource type", async () => {
    for (const [type, props] of [
      [SG, inline("tcp", 443, 443)],
      [DSG, inline("tcp", 443, 443)],
      [
        RULE,
        {
          type: "ingress",
          protocol: "tcp",
          fromPort: 443,
          toPort: 443,
          securityGroupId: "sg-1",
          cidrBlocks: ["10.0.0.0/8"],
        },
      ],
      [VPC_IN, { ipProtocol: "tcp", fromPort: 443, toPort: 443, referencedSecurityGroupId: "sg-2" }],
    ] as const) {
      const v = await runResource(policy, type, props as Record<string, unknown>);
      expect(v.diagnostics).toEqual([]);
      expect(v.notApplicable).toEqual([]);
    }
  });

  it.each([
    ["tcp", 22, 22],
    ["TCP", 22, 22],
    ["6", 22, 22],
    [6, 22, 22],
    ["Tcp", 440, 444],
    ["tcp", 0, 65535],
    ["tcp", -1, -1],
    ["tcp", 444, 443],
    ["tcp", "443", "x"],
    ["-1", 0, 0],
    [-1, 443, 443],
    ["all", 443, 443],
    ["ALL", 0, 0],
    ["tcpp", 443, 443],
    ["udp", 443, 443],
    ["17", 443, 443],
    ["58", 0, 0],
    ["icmpv6", -1, -1],
    ["icmp", 443, 443],
    ["999", 443, 443],
  ])(
    "blocks protocol %p ports %p-%p in SecurityGroup, DefaultSecurityGroup, SecurityGroupRule, vpc rule",
    async (protocol, from, to) => {
      for (const [type, props] of [
        [SG, inline(protocol, from, to)],
        [DSG, inline(protocol, from, to)],
        [RULE, { type: "ingress", protocol, fromPort: from, toPort: to, cidrBlocks: ["10.0.0.0/8"] }],
        [VPC_IN, { ipProtocol: protocol, fromPort: from, toPort: to, cidrIpv4: "10.0.0.0/8" }],
      ] as const) {
        const v = await runResource(policy, type, props as Record<string, unknown>);
        expect(v.mandatory).toHaveLength(1);
      }
    },
  );

  it("treats missing tcp ports as every port (vpc rule)", async () => {
    const v = await runResource(policy, VPC_IN, { ipProtocol: "tcp", cidrIpv4: "10.0.0.0/8" });
    expect(v.mandatory).toHaveLength(1);
  });

  it("reports only the bad rule of several, by path", async () => {
    const v = await runResource(policy, SG, {
      ingress: [
        { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/8"] },
        { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/8"] },
        { protocol: "6", fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/8"] },
      ],
    });
    expect(v.mandatory).toHaveLength(1);
    expect(v.mandatory[0].message).toContain(
      "ingress[1] opens tcp/22, which is outside the allowlist (allowed: tcp/443)",
    );
  });

  it("ignores egress rules (checked by phi-egress-restricted)", async () => {
    const sg = await runResource(policy, SG, {
      egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
    });
    expect(sg.diagnostics).toEqual([]);
    const rule = await runResource(policy, RULE, { type: "egress", protocol: "-1", fromPort: 0, toPort: 0 });
    expect(rule.diagnostics).toEqual([]);
    // An egress rule resource is not governed by an ingress policy at all: not applicable, never "passed".
    expect(rule.notApplicable).toEqual(["an egress rule; egress is checked by phi-egress-restricted"]);
    // A security group is governed even when it has only egress rules (it could open ingress).
    expect(sg.notApplicable).toEqual([]);
  });

  it("honours a configured allowlist, including ranges and port-less protocols", async () => {
    const config = { allowedIngress: ["tcp/443", "tcp/8443-8445", "icmp/*"] };
    expect((await runResource(policy, SG, inline("tcp", 8443, 8445), config)).diagnostics).toEqual([]);
    expect((await runResource(policy, SG, inline("icmp", -1, -1), config)).diagnostics).toEqual([]);
    expect((await runResource(policy, SG, inline("1", 8, 0), config)).diagnostics).toEqual([]);
    const wide = await runResource(policy, SG, inline("tcp", 8443, 8446), config);
    expect(wide.mandatory[0].message).toContain("allowed: tcp/443, tcp/8443-8445, icmp/*");
    expect(
      (await runResource(policy, SG, inline("tcp", 443, 443), { allowedIngress: [] })).mandatory,
    ).toHaveLength(1);
  });

  it("config schema rejects malformed entries, as the CLI would", async () => {
    await expect(
      runResource(policy, SG, inline("tcp", 443, 443), { allowedIngress: ["tcp:443"] }),
    ).rejects.toThrow(/invalid config/);
    await expect(
      runResource(policy, SG, inline("tcp", 443, 443), { allowedIngress: "tcp/443" }),
    ).rejects.toThrow(/invalid config/);
    await expect(
      runResource(policy, SG, inline("tcp", 443, 443), { allowedPorts: ["tcp/443"] }),
    ).rejects.toThrow(/invalid config/);
  });

  it.each(["all/*", "ALL/*", "tcp/65536", "tcp/443-70000"])(
    "the config schema refuses %s, as the parser does",
    async (entry) => {
      await expect(
        runResource(policy, SG, inline("tcp", 443, 443), { allowedIngress: [entry] }),
      ).rejects.toThrow(/invalid config/);
    },
  );

  it("port 22 with an unknown source is still mandatory", async () => {
    const v = await runResource(policy, SG, {
      ingress: [
        {
          protocol: "tcp",
          fromPort: 22,
          toPort: 22,
          cidrBlocks: UNKNOWN_ARRAY,
          securityGroups: [UNKNOWN_STRING],
        },
      ],
      vpcId: UNKNOWN_STRING,
      name: UNKNOWN_STRING,
    });
    expect(v.mandatory).toHaveLength(1);
    expect(v.advisory).toHaveLength(0);
  });

  it("a known bad bound decides even when the other bound is unknown", async () => {
    const v = await runResource(policy, RULE, {
      type: "ingress",
      protocol: "tcp",
      fromPort: 22,
      toPort: UNKNOWN_NUMBER,
    });
    expect(v.mandatory).toHaveLength(1);
  });

  it("protocol -1 needs no ports: mandatory with unknown ports", async () => {
    const v = await runResource(policy, VPC_IN, {
      ipProtocol: "-1",
      fromPort: UNKNOWN_NUMBER,
      toPort: UNKNOWN_NUMBER,
    });
    expect(v.mandatory).toHaveLength(1);
  });

  it("unknown deciding values give an advisory that says pulumi up re-checks", async () => {
    for (const props of [
      inline(UNKNOWN_STRING, 443, 443),
      inline("tcp", 443, UNKNOWN_NUMBER),
      { ingress: UNKNOWN_ARRAY },
      { ingress: [UNKNOWN_OBJECT] },
    ]) {
      const v = await runResource(policy, SG, props);
      expect(v.mandatory).toEqual([]);
      expect(v.advisory).toHaveLength(1);
      expect(v.advisory[0].message).toContain("checks it again at `pulumi up`");
    }
  });

  it("a bad rule is mandatory next to an unknown rule", async () => {
    const v = await runResource(policy, SG, {
      ingress: [UNKNOWN_OBJECT, { protocol: "all", fromPort: 0, toPort: 0 }],
    });
    expect(v.mandatory).toHaveLength(1);
    expect(v.mandatory[0].message).toContain("ingress[1]");
    expect(v.advisory).toHaveLength(1);
  });

  it("SecurityGroupRule with unknown type: a bad grant is advisory, a good one passes", async () => {
    const bad = await runResource(policy, RULE, {
      type: UNKNOWN_STRING,
      protocol: "tcp",
      fromPort: 22,
      toPort: 22,
    });
    expect(bad.mandatory).toEqual([]);
    expect(bad.advisory).toHaveLength(1);
    const good = await runResource(policy, RULE, {
      type: UNKNOWN_STRING,
      protocol: "tcp",
      fromPort: 443,
      toPort: 443,
    });
    expect(good.diagnostics).toEqual([]);
  });

  it("never puts property values in messages, secret or not", async () => {
    const v = await runResource(policy, SG, {
      name: "SENTINEL-NAME",
      ingress: [
        {
          protocol: secret("SENTINELPROTO"),
          fromPort: 31337,
          toPort: 31337,
          cidrBlocks: [secret("203.0.113.77/32")],
        },
        {
          protocol: "tcp",
          fromPort: secret(31337),
          toPort: 31338,
          cidrBlocks: ["203.0.113.77/32"],
          description: "SENTINEL-DESC",
        },
      ],
    });
    expect(v.mandatory).toHaveLength(2);
    for (const s of ["SENTINEL", "31337", "31338", "203.0.113.77"]) expect(v.text).not.toContain(s);
  });

  it("network ACLs and other types are not applicable", async () => {
    for (const type of [
      "aws:ec2/networkAcl:NetworkAcl",
      "aws:ec2/networkAclRule:NetworkAclRule",
      "aws:s3/bucket:Bucket",
    ]) {
      const v = await runResource(policy, type, { protocol: "-1" });
      expect(v.diagnostics).toEqual([]);
      expect(v.notApplicable).toHaveLength(1);
    }
  });

  it("can be disabled by config", async () => {
    const v = await runResource(policy, SG, inline("-1", 0, 0), { enforcementLevel: "disabled" });
    expect(v.diagnostics).toEqual([]);
  });
});

describe("phi-ingress-allowlisted-ports with a config the schema accepts but the parser refuses", () => {
  it.each(["tcp/443-80", "icmp/443"])("%s blocks with a message naming the config entry", async (entry) => {
    const v = await runResource(policy, SG, inline("tcp", 443, 443), { allowedIngress: ["tcp/443", entry] });
    expect(v.mandatory).toHaveLength(1);
    expect(v.text).toContain(`policy config allowedIngress[1] = ${JSON.stringify(entry)}`);
    expect(v.text).toContain("Fix: ");
  });
});

describe("phi-ingress-allowlisted-ports: decided from the known fields whatever the unknown ones are", () => {
  const U = UNKNOWN_STRING;
  const lines = (v: Awaited<ReturnType<typeof runResource>>) =>
    v.diagnostics.map((d) => `${d.enforcementLevel}: ${d.message.split("\n")[1]}`);
  const protocolAtUp =
    "advisory: ingress[0].protocol (protocol): it is not known at preview; this policy checks it again at `pulumi up`";

  it.each<[string, unknown, unknown, string[], string[]]>([
    [
      "port 22 is outside tcp/443 whatever the protocol",
      22,
      22,
      ["tcp/443"],
      [
        "mandatory: ingress[0] opens port 22 outside the allowlist (allowed: tcp/443) whatever ingress[0].protocol turns out to be",
      ],
    ],
    [
      "port 22 with an unknown upper bound, still outside",
      22,
      U,
      ["tcp/443"],
      [
        "mandatory: ingress[0] opens ports 22-(unknown) outside the allowlist (allowed: tcp/443) whatever ingress[0].protocol turns out to be",
      ],
    ],
    [
      "unset ports (every port) are outside tcp/443",
      undefined,
      undefined,
      ["tcp/443"],
      [
        "mandatory: ingress[0] opens every port outside the allowlist (allowed: tcp/443) whatever ingress[0].protocol turns out to be",
      ],
    ],
    ["port 443 passes as tcp: undecided", 443, 443, ["tcp/443"], [protocolAtUp]],
    ["port 22 passes as udp/22: undecided", 22, 22, ["tcp/443", "udp/22"], [protocolAtUp]],
    ["any port passes as icmp (icmp/* allowed): undecided", 22, 22, ["tcp/443", "icmp/*"], [protocolAtUp]],
    ["unknown ports could be 443: undecided", U, U, ["tcp/443"], [protocolAtUp]],
    [
      "with nothing allowed, every grant is outside",
      U,
      U,
      [],
      [
        "mandatory: ingress[0] opens ports (unknown)-(unknown) outside the allowlist (allowed: nothing) whatever ingress[0].protocol turns out to be",
      ],
    ],
  ])("unknown protocol: %s", async (_label, fromPort, toPort, allowedIngress, expected) => {
    const v = await runResource(policy, SG, inline(U, fromPort, toPort), { allowedIngress });
    expect(lines(v)).toEqual(expected);
  });

  it("unknown protocol with port 22 is mandatory in every resource type", async () => {
    for (const [type, props] of [
      [DSG, inline(U, 22, 22)],
      [RULE, { type: "ingress", protocol: U, fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/8"] }],
      [VPC_IN, { ipProtocol: U, fromPort: 22, toPort: 22, cidrIpv4: "10.0.0.0/8" }],
    ] as const) {
      const v = await runResource(policy, type, props as Record<string, unknown>);
      expect(v.mandatory.map((d) => d.message.split("\n")[1])).toEqual([
        `${type === DSG ? "ingress[0]" : "the rule"} opens port 22 outside the allowlist (allowed: tcp/443) whatever ${
          type === DSG ? "ingress[0].protocol" : type === RULE ? "protocol" : "ipProtocol"
        } turns out to be`,
      ]);
    }
  });

  it("unknown protocol with secret ports: mandatory without showing them", async () => {
    const v = await runResource(policy, SG, inline(U, secret(31337), secret(31337)));
    expect(lines(v)).toEqual([
      "mandatory: ingress[0] opens ports outside the allowlist (allowed: tcp/443) whatever ingress[0].protocol turns out to be; its ports are secret, so not shown",
    ]);
  });

  it("known protocol with both ports unknown: decided when no port of that protocol is allowed", async () => {
    expect(lines(await runResource(policy, SG, inline("udp", U, U)))).toEqual([
      "mandatory: ingress[0] opens udp ports (ingress[0].fromPort and ingress[0].toPort unknown), and no udp port is allowlisted, which is outside the allowlist (allowed: tcp/443)",
    ]);
    expect(lines(await runResource(policy, SG, inline("tcp", U, U)))).toEqual([
      "advisory: ingress[0].fromPort (port range): it is not known at preview; this policy checks it again at `pulumi up`",
    ]);
  });

  it("an unset bound opens every port whatever the other is", async () => {
    expect(lines(await runResource(policy, SG, inline("tcp", undefined, U)))).toEqual([
      "mandatory: ingress[0] opens every tcp port, which is outside the allowlist (allowed: tcp/443)",
    ]);
    const all = { allowedIngress: ["tcp/0-65535"] };
    expect(lines(await runResource(policy, SG, inline("tcp", undefined, U), all))).toEqual([]);
  });

  it.each<[unknown, unknown, number]>([
    ["443", "443", 0],
    ["22", "22", 1],
    ["-1", "-1", 1],
    ["0443", "0443", 1],
    ["443.0", "443", 1],
    ["+443", "443", 1],
  ])("ports written as text %p-%p: read as the provider reads them", async (fromPort, toPort, violations) => {
    for (const [type, props] of [
      [SG, inline("tcp", fromPort, toPort)],
      [VPC_IN, { ipProtocol: "tcp", fromPort, toPort, cidrIpv4: "10.0.0.0/8" }],
    ] as const) {
      expect((await runResource(policy, type, props as Record<string, unknown>)).mandatory).toHaveLength(
        violations,
      );
    }
  });
});
