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
