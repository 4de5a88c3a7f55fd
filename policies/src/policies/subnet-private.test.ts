import { subnetPrivate as policy } from "./subnet-private";
import {
  runResource,
  runStack,
  UNKNOWN_BOOL,
  UNKNOWN_STRING,
  urnOf,
  type StackResourceSpec,
} from "../testing/harness";

describe("phi-subnet-private (resource)", () => {
  it("blocks mapPublicIpOnLaunch; default subnets must opt out explicitly", async () => {
    expect(
      (await runResource(policy, "aws:ec2/subnet:Subnet", { cidrBlock: "10.0.1.0/24" })).diagnostics,
    ).toEqual([]);
    expect(
      (
        await runResource(policy, "aws:ec2/subnet:Subnet", {
          mapPublicIpOnLaunch: true,
          vpcId: UNKNOWN_STRING,
        })
      ).mandatory,
    ).toHaveLength(1);
    expect(
      (await runResource(policy, "aws:ec2/subnet:Subnet", { mapPublicIpOnLaunch: UNKNOWN_BOOL })).advisory,
    ).toHaveLength(1);
    expect((await runResource(policy, "aws:ec2/defaultSubnet:DefaultSubnet", {})).mandatory).toHaveLength(1);
    expect(
      (await runResource(policy, "aws:ec2/defaultSubnet:DefaultSubnet", { mapPublicIpOnLaunch: false }))
        .diagnostics,
    ).toEqual([]);
    expect((await runResource(policy, "aws:ec2/vpc:Vpc", {})).notApplicable).toHaveLength(1);
  });
});

const igw: StackResourceSpec = {
  type: "aws:ec2/internetGateway:InternetGateway",
  name: "igw",
  props: { id: "igw-0abc" },
};
const subnet = (name: string): StackResourceSpec => ({
  type: "aws:ec2/subnet:Subnet",
  name,
  props: { id: `subnet-${name}` },
});
const table = (name: string, routes: unknown[], deps?: Record<string, string[]>): StackResourceSpec => ({
  type: "aws:ec2/routeTable:RouteTable",
  name,
  props: { id: `rtb-${name}`, routes },
  deps,
});
const assoc = (name: string, t: string, s: string): StackResourceSpec => ({
  type: "aws:ec2/routeTableAssociation:RouteTableAssociation",
  name,
  props: { routeTableId: `rtb-${t}`, subnetId: `subnet-${s}` },
});

describe("phi-subnet-private (stack)", () => {
  it("passes routes through NAT and endpoints", async () => {
    const v = await runStack(policy, [
      igw,
      subnet("app"),
      table("private", [{ cidrBlock: "0.0.0.0/0", natGatewayId: "nat-1" }]),
      assoc("a", "private", "app"),
    ]);
    expect(v.diagnostics).toEqual([]);
  });

  it("blocks inline, standalone, default-table and egress-only IGW routes, by id prefix, id match or dependency", async () => {
    const cases: StackResourceSpec[][] = [
      [
        igw,
        subnet("app"),
        table("t", [{ cidrBlock: "0.0.0.0/0", gatewayId: "igw-0abc" }]),
        assoc("a", "t", "app"),
      ],
      [
        igw,
        subnet("app"),
        table("t", [{ cidrBlock: "0.0.0.0/0", gatewayId: UNKNOWN_STRING }], { routes: ["igw"] }),
        assoc("a", "t", "app"),
      ],
      [
        igw,
        subnet("app"),
        table("t", []),
        assoc("a", "t", "app"),
        {
          type: "aws:ec2/route:Route",
          name: "r",
          props: { routeTableId: "rtb-t", destinationCidrBlock: "0.0.0.0/0", gatewayId: UNKNOWN_STRING },
          deps: { gatewayId: ["igw"] },
        },
      ],
      [
        igw,
        {
          type: "aws:ec2/defaultRouteTable:DefaultRouteTable",
          name: "main",
          props: { routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: "igw-0abc" }] },
        },
      ],
      [
        subnet("app"),
        table("t", [{ ipv6CidrBlock: "::/0", egressOnlyGatewayId: "eigw-1" }]),
        assoc("a", "t", "app"),
      ],
    ];
    for (const specs of cases) expect((await runStack(policy, specs)).mandatory).toHaveLength(1);
  });

  it("exempts a NAT subnet by resource name, only when its table serves exempt subnets alone", async () => {
    const base = [
      igw,
      subnet("nat-public"),
      subnet("app"),
      table("public", [{ cidrBlock: "0.0.0.0/0", gatewayId: "igw-0abc" }]),
      assoc("a1", "public", "nat-public"),
    ];
    expect((await runStack(policy, base, { exemptSubnets: ["nat-public"] })).diagnostics).toEqual([]);
    expect((await runStack(policy, base)).mandatory).toHaveLength(1);
    expect(
      (await runStack(policy, [...base, assoc("a2", "public", "app")], { exemptSubnets: ["nat-public"] }))
        .mandatory,
    ).toHaveLength(1);
  });

  it("unknown gateway without a dependency is advisory", async () => {
    const v = await runStack(policy, [
      subnet("app"),
      table("t", [{ cidrBlock: "0.0.0.0/0", gatewayId: UNKNOWN_STRING }]),
      assoc("a", "t", "app"),
    ]);
    expect(v.mandatory).toEqual([]);
    expect(v.advisory).toHaveLength(1);
  });
});

describe("phi-subnet-private (stack): MainRouteTableAssociation", () => {
  const main = (t: string, props: Record<string, unknown> = {}, deps?: Record<string, string[]>) => ({
    type: "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation",
    name: `main-${t}`,
    props: { vpcId: "vpc-1", routeTableId: `rtb-${t}`, ...props },
    deps,
  });
  // A NAT subnet's table: passes on its own when the subnet is exempt.
  const natSetup = [
    igw,
    subnet("nat-public"),
    table("public", [{ cidrBlock: "0.0.0.0/0", gatewayId: "igw-0abc" }]),
    assoc("a1", "public", "nat-public"),
  ];
  const exempt = { exemptSubnets: ["nat-public"] };

  it("a table with an internet route made main is blocked, even when it serves only exempt subnets", async () => {
    expect((await runStack(policy, natSetup, exempt)).diagnostics).toEqual([]);
    const v = await runStack(policy, [...natSetup, main("public")], exempt);
    expect(v.mandatory).toHaveLength(1);
    expect(v.mandatory[0].message).toContain(
      "routes[0] routes to an internet gateway in a route table made main by a MainRouteTableAssociation",
    );
    expect(v.mandatory[0].urn).toBe(urnOf("aws:ec2/routeTable:RouteTable", "public"));
    // The same, with a standalone ec2.Route and the association wired by dependency at preview.
    const viaRoute = await runStack(
      policy,
      [
        igw,
        subnet("nat-public"),
        table("public", []),
        assoc("a1", "public", "nat-public"),
        {
          type: "aws:ec2/route:Route",
          name: "r",
          props: { routeTableId: "rtb-public", destinationCidrBlock: "0.0.0.0/0", gatewayId: "igw-0abc" },
        },
        main("public", { routeTableId: UNKNOWN_STRING }, { routeTableId: ["public"] }),
      ],
      exempt,
    );
    expect(viaRoute.mandatory).toHaveLength(1);
    expect(viaRoute.mandatory[0].urn).toBe(urnOf("aws:ec2/route:Route", "r"));
  });

  it("a clean table made main passes, and so does a main association beside an exempt NAT table", async () => {
    const clean = [subnet("app"), table("private", []), assoc("a", "private", "app"), main("private")];
    expect((await runStack(policy, clean)).diagnostics).toEqual([]);
    expect((await runStack(policy, [...natSetup, ...clean], exempt)).diagnostics).toEqual([]);
    // PrivateNetwork adopts the default (main) table with an empty route list.
    const adopted = {
      type: "aws:ec2/defaultRouteTable:DefaultRouteTable",
      name: "net-main",
      props: { defaultRouteTableId: UNKNOWN_STRING, routes: [] },
    };
    expect((await runStack(policy, [...clean, adopted])).diagnostics).toEqual([]);
  });

  it("a main association whose table is unknown at preview makes an exempt internet route advisory", async () => {
    const v = await runStack(policy, [...natSetup, main("x", { routeTableId: UNKNOWN_STRING })], exempt);
    expect(v.mandatory).toEqual([]);
    expect(v.advisory).toHaveLength(1);
    expect(v.advisory[0].message).toContain("whether a MainRouteTableAssociation makes this table main");
    expect(v.advisory[0].message).toContain("checks it again at `pulumi up`");
    // Without exemptions the route is blocked whatever the association names.
    expect(
      (await runStack(policy, [...natSetup, main("x", { routeTableId: UNKNOWN_STRING })])).mandatory,
    ).toHaveLength(1);
  });
});

describe("phi-subnet-private (stack): IPv6 addresses on a subnet routed to an internet gateway", () => {
  const SUBNET = "aws:ec2/subnet:Subnet";
  /** The valid fixtures: an IPv6 subnet whose table sends ::/0 out through an egress-only gateway. */
  const v6subnet = (
    props: Record<string, unknown> = {},
    deps?: Record<string, string[]>,
  ): StackResourceSpec => ({
    type: SUBNET,
    name: "app",
    props: { id: "subnet-app", vpcId: "vpc-1", assignIpv6AddressOnCreation: true, ...props },
    deps,
  });
  const v6table = (route: Record<string, unknown> = {}): StackResourceSpec =>
    table("t", [{ ipv6CidrBlock: "::/0", egressOnlyGatewayId: "eigw-1", ...route }]);
  const toIgw = { egressOnlyGatewayId: undefined, gatewayId: "igw-0abc" };
  const lines = (v: Awaited<ReturnType<typeof runStack>>) =>
    v.diagnostics.map(
      (d) => `${d.enforcementLevel} at ${d.urn?.split("::").pop()}: ${d.message.split("\n")[1]}`,
    );
  const exempt = { exemptSubnets: ["app"] };
  const REACHABLE = (flag: string, where: string) =>
    `mandatory at app: ${flag} is true and the subnet's route table sends IPv6 traffic to an internet gateway (${where}), so every instance gets a globally routable IPv6 address reachable from the internet`;

  it("an egress-only internet gateway admits no inbound connection: only the route itself is judged", async () => {
    // The existing rule blocks any route to an (egress-only) internet gateway; the subnet adds nothing.
    expect(lines(await runStack(policy, [v6subnet(), v6table(), assoc("a", "t", "app")]))).toEqual([
      "mandatory at t: routes[0] routes to an internet gateway; only route tables serving exempt subnets (exemptSubnets) may, and never a main route table",
    ]);
    expect(lines(await runStack(policy, [v6subnet(), v6table(), assoc("a", "t", "app")], exempt))).toEqual(
      [],
    );
  });

  it("an exempt subnet with IPv6 addresses and ::/0 to an internet gateway is blocked, like mapPublicIpOnLaunch", async () => {
    const v = await runStack(policy, [igw, v6subnet(), v6table(toIgw), assoc("a", "t", "app")], exempt);
    expect(lines(v)).toEqual([REACHABLE("assignIpv6AddressOnCreation", "t.routes[0]")]);
    expect(v.mandatory[0].urn).toBe(urnOf(SUBNET, "app"));
  });

  it.each<[string, StackResourceSpec[], string[]]>([
    [
      "assignIpv6AddressOnCreation false",
      [igw, v6subnet({ assignIpv6AddressOnCreation: false }), v6table(toIgw), assoc("a", "t", "app")],
      [],
    ],
    [
      "an IPv4 route only",
      [
        igw,
        v6subnet(),
        table("t", [{ cidrBlock: "0.0.0.0/0", gatewayId: "igw-0abc" }]),
        assoc("a", "t", "app"),
      ],
      [],
    ],
    [
      "ipv6Native",
      [
        igw,
        v6subnet({ assignIpv6AddressOnCreation: undefined, ipv6Native: true }),
        v6table(toIgw),
        assoc("a", "t", "app"),
      ],
      [REACHABLE("ipv6Native", "t.routes[0]")],
    ],
    [
      "a standalone ec2.Route with destinationIpv6CidrBlock, gateway by dependency",
      [
        igw,
        v6subnet(),
        table("t", []),
        assoc("a", "t", "app"),
        {
          type: "aws:ec2/route:Route",
          name: "r6",
          props: { routeTableId: "rtb-t", destinationIpv6CidrBlock: "::/0", gatewayId: UNKNOWN_STRING },
          deps: { gatewayId: ["igw"] },
        },
      ],
      [REACHABLE("assignIpv6AddressOnCreation", "r6")],
    ],
    [
      "no association: the VPC's default (main) route table",
      [
        igw,
        v6subnet(),
        {
          type: "aws:ec2/defaultRouteTable:DefaultRouteTable",
          name: "main",
          props: { vpcId: "vpc-1", routes: [{ ipv6CidrBlock: "::/0", gatewayId: "igw-0abc" }] },
        },
      ],
      [REACHABLE("assignIpv6AddressOnCreation", "main.routes[0]")],
    ],
    [
      "no association: a table made main by a MainRouteTableAssociation",
      [
        igw,
        v6subnet(),
        v6table(toIgw),
        {
          type: "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation",
          name: "m",
          props: { vpcId: "vpc-1", routeTableId: "rtb-t" },
        },
      ],
      [REACHABLE("assignIpv6AddressOnCreation", "t.routes[0]")],
    ],
    [
      "no association, and the main table of another VPC",
      [
        igw,
        v6subnet(),
        {
          type: "aws:ec2/defaultRouteTable:DefaultRouteTable",
          name: "main",
          props: { vpcId: "vpc-2", routes: [{ ipv6CidrBlock: "::/0", gatewayId: "igw-0abc" }] },
        },
      ],
      [],
    ],
  ])("exempt subnet, %s", async (_label, specs, expected) => {
    const found = lines(await runStack(policy, specs, exempt)).filter((l) => l.includes(" at app:"));
    expect(found).toEqual(expected);
  });

  it("what is unknown at preview and decides is advisory", async () => {
    const atUp = (path: string, what: string) =>
      `advisory at app: ${path} (${what}): it is not known at preview; this policy checks it again at \`pulumi up\``;
    const run = async (specs: StackResourceSpec[]) =>
      lines(await runStack(policy, specs, exempt)).filter((l) => l.includes(" at app:"));
    expect(
      await run([
        igw,
        v6subnet({ assignIpv6AddressOnCreation: UNKNOWN_BOOL }),
        v6table(toIgw),
        assoc("a", "t", "app"),
      ]),
    ).toEqual([
      atUp(
        "assignIpv6AddressOnCreation",
        "the subnet's route table may send IPv6 traffic to an internet gateway (t.routes[0])",
      ),
    ]);
    expect(
      await run([
        igw,
        v6subnet(),
        v6table({ ...toIgw, ipv6CidrBlock: UNKNOWN_STRING }),
        assoc("a", "t", "app"),
      ]),
    ).toEqual([
      atUp(
        "t.routes[0]",
        "whether the subnet's IPv6 traffic reaches an internet gateway; assignIpv6AddressOnCreation is true",
      ),
    ]);
    expect(
      await run([
        v6subnet(),
        v6table({ egressOnlyGatewayId: undefined, gatewayId: UNKNOWN_STRING }),
        assoc("a", "t", "app"),
      ]),
    ).toEqual([
      atUp(
        "t.routes[0]",
        "whether the subnet's IPv6 traffic reaches an internet gateway; assignIpv6AddressOnCreation is true",
      ),
    ]);
    // Unknown assignment and a table that cannot reach the internet: decided, nothing to report.
    expect(
      await run([v6subnet({ assignIpv6AddressOnCreation: UNKNOWN_BOOL }), v6table(), assoc("a", "t", "app")]),
    ).toEqual([]);
  });
});
