import { ingressPrivateSources as policy } from "./ingress-private-sources";
import {
  runResource,
  runStack,
  secret,
  UNKNOWN_ARRAY,
  UNKNOWN_STRING,
  urnOf,
  type StackResourceSpec,
  type Verdict,
} from "../testing/harness";

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

describe("phi-ingress-private-sources (stack): managed prefix lists of the stack", () => {
  const LIST = "aws:ec2/managedPrefixList:ManagedPrefixList";
  const ENTRY = "aws:ec2/managedPrefixListEntry:ManagedPrefixListEntry";
  /** The valid fixtures: a private list, and a group whose only source is that list. */
  const list = (props: Record<string, unknown> = {}, deps?: Record<string, string[]>): StackResourceSpec => ({
    type: LIST,
    name: "clients",
    props: {
      id: "pl-0aaa",
      name: "clients",
      addressFamily: "IPv4",
      maxEntries: 5,
      entries: [{ cidr: "10.1.0.0/16", description: "app" }],
      ...props,
    },
    deps,
  });
  const group = (rule: Record<string, unknown> = {}, deps?: Record<string, string[]>): StackResourceSpec => ({
    type: SG,
    name: "web",
    props: {
      ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, prefixListIds: ["pl-0aaa"], ...rule }],
    },
    deps,
  });
  const entry = (props: Record<string, unknown>, deps?: Record<string, string[]>): StackResourceSpec => ({
    type: ENTRY,
    name: "clients-extra",
    props: { prefixListId: "pl-0aaa", cidr: "10.2.0.0/16", ...props },
    deps,
  });
  const lines = (v: Verdict) =>
    v.diagnostics.map(
      (d) => `${d.enforcementLevel} at ${d.urn?.split("::").pop()}: ${d.message.split("\n")[1]}`,
    );
  const PRIVATE = "10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, fc00::/7";
  const blocked = (ref: string, entryPath: string, what = "is not within a private range") =>
    `mandatory at web: ${ref} references managed prefix list clients, whose entry ${entryPath} ${what}; ingress sources must lie within ${PRIVATE}`;

  it("a rule referencing a private list of the stack passes", async () => {
    expect((await runStack(policy, [list(), group()])).diagnostics).toEqual([]);
    expect((await runStack(policy, [list(), group(), entry({})])).diagnostics).toEqual([]);
  });

  it.each<[string, StackResourceSpec[], string[]]>([
    [
      "inline entry 0.0.0.0/0",
      [list({ entries: [{ cidr: "0.0.0.0/0" }] }), group()],
      [blocked("ingress[0].prefixListIds[0]", "clients.entries[0].cidr")],
    ],
    [
      "inline entry ::/0",
      [list({ addressFamily: "IPv6", entries: [{ cidr: "::/0" }] }), group()],
      [blocked("ingress[0].prefixListIds[0]", "clients.entries[0].cidr")],
    ],
    [
      "a public range among private entries",
      [list({ entries: [{ cidr: "10.1.0.0/16" }, { cidr: "198.51.100.0/24" }] }), group()],
      [blocked("ingress[0].prefixListIds[0]", "clients.entries[1].cidr")],
    ],
    [
      "an entry that is not a CIDR",
      [list({ entries: [{ cidr: "not-a-cidr" }] }), group()],
      [
        blocked(
          "ingress[0].prefixListIds[0]",
          "clients.entries[0].cidr",
          "is not a valid CIDR block, so it cannot be shown to be private",
        ),
      ],
    ],
    [
      "a ManagedPrefixListEntry 0.0.0.0/0 matched by id",
      [list(), group(), entry({ cidr: "0.0.0.0/0" })],
      [blocked("ingress[0].prefixListIds[0]", "clients-extra.cidr")],
    ],
    [
      "a ManagedPrefixListEntry 0.0.0.0/0 wired by dependency at preview",
      [
        list({ id: UNKNOWN_STRING }),
        group({ prefixListIds: [UNKNOWN_STRING] }, { ingress: ["clients"] }),
        entry({ cidr: "0.0.0.0/0", prefixListId: UNKNOWN_STRING }, { prefixListId: ["clients"] }),
      ],
      [blocked("ingress[0].prefixListIds[0]", "clients-extra.cidr")],
    ],
    [
      "a public list wired to the group by dependency at preview",
      [
        list({ id: UNKNOWN_STRING, entries: [{ cidr: "0.0.0.0/0" }] }),
        group({ prefixListIds: [UNKNOWN_STRING] }, { ingress: ["clients"] }),
      ],
      [blocked("ingress[0].prefixListIds[0]", "clients.entries[0].cidr")],
    ],
  ])("blocks %s", async (_label, specs, expected) => {
    expect(lines(await runStack(policy, specs))).toEqual(expected);
  });

  it("blocks in every rule resource type", async () => {
    const publicList = list({ entries: [{ cidr: "0.0.0.0/0" }] });
    for (const [rule, ref] of [
      [
        {
          type: RULE,
          name: "web",
          props: { type: "ingress", protocol: "tcp", fromPort: 443, toPort: 443, prefixListIds: ["pl-0aaa"] },
        },
        "prefixListIds[0]",
      ],
      [
        {
          type: VPC_IN,
          name: "web",
          props: { ipProtocol: "tcp", fromPort: 443, toPort: 443, prefixListId: "pl-0aaa" },
        },
        "prefixListId",
      ],
      [{ type: DSG, name: "web", props: group().props }, "ingress[0].prefixListIds[0]"],
    ] as const) {
      const v = await runStack(policy, [publicList, rule]);
      expect(lines(v)).toEqual([blocked(ref, "clients.entries[0].cidr")]);
      expect(v.mandatory[0].urn).toBe(urnOf(rule.type, "web"));
    }
  });

  it("a list outside the stack (AWS-managed, e.g. com.amazonaws.us-east-1.s3) is accepted as documented", async () => {
    const v = await runStack(policy, [
      list({ entries: [{ cidr: "0.0.0.0/0" }] }),
      group({ prefixListIds: ["pl-63a5400a"] }),
    ]);
    expect(v.diagnostics).toEqual([]);
    expect((await runStack(policy, [group()])).notApplicable).toEqual([
      "no managed prefix list in this stack",
    ]);
  });

  it("allowedPublicCidrs admits a listed public entry", async () => {
    const specs = [list({ entries: [{ cidr: "198.51.100.0/25" }] }), group()];
    expect((await runStack(policy, specs, { allowedPublicCidrs: ["198.51.100.0/24"] })).diagnostics).toEqual(
      [],
    );
  });

  it("what is unknown at preview and decides is advisory, re-checked at pulumi up", async () => {
    const atUp = (path: string, what: string) =>
      `advisory at web: ${path} (${what}): it is not known at preview; this policy checks it again at \`pulumi up\``;
    expect(lines(await runStack(policy, [list({ entries: [{ cidr: UNKNOWN_STRING }] }), group()]))).toEqual([
      atUp(
        "clients.entries[0].cidr",
        "entry of managed prefix list clients, referenced by ingress[0].prefixListIds[0]",
      ),
    ]);
    expect(lines(await runStack(policy, [list({ entries: UNKNOWN_ARRAY }), group()]))).toEqual([
      atUp(
        "clients.entries",
        "entry of managed prefix list clients, referenced by ingress[0].prefixListIds[0]",
      ),
    ]);
    // An unknown id without a dependency could name the public list of the stack: undecided.
    const publicList = list({ entries: [{ cidr: "0.0.0.0/0" }] });
    expect(lines(await runStack(policy, [publicList, group({ prefixListIds: [UNKNOWN_STRING] })]))).toEqual([
      atUp(
        "ingress[0].prefixListIds[0]",
        "ingress source prefix list: it may be a list of this stack with an entry that is not private",
      ),
    ]);
    // ... and could name only private lists: decided, it passes.
    expect(
      (await runStack(policy, [list(), group({ prefixListIds: [UNKNOWN_STRING] })])).diagnostics,
    ).toEqual([]);
    // A public entry whose list is unknown without a dependency may belong to the referenced list.
    expect(
      lines(
        await runStack(policy, [list(), group(), entry({ prefixListId: UNKNOWN_STRING, cidr: "0.0.0.0/0" })]),
      ),
    ).toEqual([
      atUp(
        "clients-extra.prefixListId",
        "entry of managed prefix list clients, referenced by ingress[0].prefixListIds[0]",
      ),
    ]);
  });

  it("a SecurityGroupRule whose type is unknown: advisory if ingress; egress references are not ingress", async () => {
    const publicList = list({ entries: [{ cidr: "0.0.0.0/0" }] });
    const rule = (type: unknown): StackResourceSpec => ({
      type: RULE,
      name: "web",
      props: { type, protocol: "tcp", fromPort: 443, toPort: 443, prefixListIds: ["pl-0aaa"] },
    });
    const v = await runStack(policy, [publicList, rule(UNKNOWN_STRING)]);
    expect(v.mandatory).toEqual([]);
    expect(lines(v)).toEqual([
      `advisory at web: type (if ingress: prefixListIds[0] references managed prefix list clients, whose entry clients.entries[0].cidr is not within a private range; ingress sources must lie within ${PRIVATE}): it is not known at preview; this policy checks it again at \`pulumi up\``,
    ]);
    expect((await runStack(policy, [publicList, rule("egress")])).diagnostics).toEqual([]);
    const egressOnly = { ...group(), props: { egress: group().props.ingress } };
    expect((await runStack(policy, [publicList, egressOnly])).diagnostics).toEqual([]);
  });

  it("the resource part still accepts the reference, where the list cannot be seen", async () => {
    expect((await runResource(policy, SG, group().props)).diagnostics).toEqual([]);
  });
});
