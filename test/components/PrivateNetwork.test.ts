import { expectRefusal } from "../support/refusal";
import { PrivateNetwork, PrivateNetworkArgs } from "../../components/PrivateNetwork";
import { DATA_CLASSIFICATION_TAG } from "../../components/tags";
import { promiseOf, setupPulumiMocks } from "../support/pulumi-mocks";

const mocks = setupPulumiMocks();
beforeEach(() => mocks.reset());

const T = {
  vpc: "aws:ec2/vpc:Vpc",
  subnet: "aws:ec2/subnet:Subnet",
  routeTable: "aws:ec2/routeTable:RouteTable",
  mainRouteTable: "aws:ec2/defaultRouteTable:DefaultRouteTable",
  association: "aws:ec2/routeTableAssociation:RouteTableAssociation",
  endpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  defaultSg: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
  flowLog: "aws:ec2/flowLog:FlowLog",
  bucket: "aws:s3/bucket:Bucket",
  lock: "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
};

async function build(name: string, args: PrivateNetworkArgs = {}) {
  const net = new PrivateNetwork(name, args);
  await mocks.settle();
  return net;
}

describe("PrivateNetwork resources", () => {
  test("VPC with DNS, default private CIDR, phi tags", async () => {
    const net = await build("net", { tags: { team: "ops" } });
    const vpc = mocks.one(T.vpc);
    expect(vpc.inputs).toMatchObject({
      cidrBlock: "10.0.0.0/16",
      enableDnsHostnames: true,
      enableDnsSupport: true,
    });
    expect(vpc.inputs.tags).toMatchObject({ team: "ops", [DATA_CLASSIFICATION_TAG]: "phi" });
    expect(await promiseOf(net.vpcId)).toBe(vpc.id);
    expect(vpc.parent).toBe(mocks.one("phi:network:PrivateNetwork").urn);
  });

  test("private subnets in 2 distinct AZs, no public IPs, non-overlapping /20 blocks", async () => {
    const net = await build("net");
    const subnets = mocks.byType(T.subnet);
    expect(subnets).toHaveLength(2);
    for (const s of subnets) {
      expect(s.inputs.mapPublicIpOnLaunch).toBe(false);
      expect(s.inputs.assignIpv6AddressOnCreation).toBe(false);
      expect(s.inputs.vpcId).toBe(mocks.one(T.vpc).id);
    }
    expect(subnets.map((s) => s.inputs.availabilityZone)).toEqual(["us-east-1a", "us-east-1b"]);
    expect(subnets.map((s) => s.inputs.cidrBlock)).toEqual(["10.0.0.0/20", "10.0.16.0/20"]);
    expect(await promiseOf(net.subnetIds)).toEqual(subnets.map((s) => s.id));
    expect(await promiseOf(net.availabilityZones)).toEqual(["us-east-1a", "us-east-1b"]);
  });

  test("three AZs and custom CIDR/prefix", async () => {
    await build("net3", { cidrBlock: "172.20.0.0/22", availabilityZoneCount: 3, subnetPrefixLength: 24 });
    const subnets = mocks.byType(T.subnet);
    expect(subnets.map((s) => s.inputs.availabilityZone)).toEqual(["us-east-1a", "us-east-1b", "us-east-1c"]);
    expect(subnets.map((s) => s.inputs.cidrBlock)).toEqual([
      "172.20.0.0/24",
      "172.20.1.0/24",
      "172.20.2.0/24",
    ]);
  });

  test("subnets past an octet boundary, above 128.0.0.0", async () => {
    await build("net23", { cidrBlock: "192.168.248.0/21", availabilityZoneCount: 3, subnetPrefixLength: 23 });
    expect(mocks.byType(T.subnet).map((s) => s.inputs.cidrBlock)).toEqual([
      "192.168.248.0/23",
      "192.168.250.0/23",
      "192.168.252.0/23",
    ]);
  });

  test("one route table per subnet, associated, with no routes and no internet or NAT gateway", async () => {
    const net = await build("net");
    const tables = mocks.byType(T.routeTable);
    const subnets = mocks.byType(T.subnet);
    expect(tables).toHaveLength(2);
    for (const t of tables) expect(t.inputs.routes ?? []).toEqual([]);
    const associations = mocks.byType(T.association);
    expect(associations.map((a) => [a.inputs.subnetId, a.inputs.routeTableId])).toEqual(
      subnets.map((s, i) => [s.id, tables[i].id]),
    );
    expect(await promiseOf(net.routeTableIds)).toEqual(tables.map((t) => t.id));
    const types = mocks.resources.map((r) => r.type);
    for (const banned of [
      "aws:ec2/internetGateway:InternetGateway",
      "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway",
      "aws:ec2/natGateway:NatGateway",
      "aws:ec2/eip:Eip",
      "aws:ec2/route:Route",
    ]) {
      expect(types).not.toContain(banned);
    }
    expect(JSON.stringify(mocks.resources.map((r) => r.inputs))).not.toMatch(/gatewayId|natGatewayId/);
  });

  test("the VPC's main route table is adopted with an empty route list, so hand-added routes are reverted", async () => {
    // The shared mocks only return `mainRouteTableId`; give the VPC a distinct `defaultRouteTableId` (as AWS
    // does) so the test shows which output the table is adopted by.
    const awsMocks = mocks.mocks;
    const newResource = awsMocks.newResource;
    awsMocks.newResource = (args) => {
      const result = newResource.call(awsMocks, args);
      if (args.type === T.vpc) result.state.defaultRouteTableId = `rtb-default-of-${args.name}`;
      return result;
    };
    let net: PrivateNetwork;
    try {
      net = await build("net", { tags: { team: "ops" } });
    } finally {
      awsMocks.newResource = newResource;
    }
    const vpc = mocks.one(T.vpc);
    const main = mocks.one(T.mainRouteTable);
    expect(main.name).toBe("net-main");
    // An explicit [] (not unset): only an empty list makes the provider remove routes it did not create.
    expect(main.inputs.routes).toEqual([]);
    expect(main.inputs.defaultRouteTableId).toBe("rtb-default-of-net");
    expect(main.inputs.defaultRouteTableId).not.toBe(vpc.outputs.mainRouteTableId);
    expect(main.dependencies).toContain(vpc.urn);
    expect(main.parent).toBe(mocks.one("phi:network:PrivateNetwork").urn);
    expect(main.inputs.tags).toMatchObject({
      team: "ops",
      [DATA_CLASSIFICATION_TAG]: "phi",
      Name: "net-main",
    });
    // It is not one of the subnets' tables and gets no S3 endpoint route.
    expect(mocks.one(T.endpoint).inputs.routeTableIds).not.toContain(main.id);
    expect(await promiseOf(net.mainRouteTableId)).toBe(main.id);
  });

  test("S3 gateway endpoint on every route table; no interface endpoints by default", async () => {
    const net = await build("net");
    const s3 = mocks.one(T.endpoint);
    expect(s3.inputs).toMatchObject({
      serviceName: "com.amazonaws.us-east-1.s3",
      vpcEndpointType: "Gateway",
      vpcId: mocks.one(T.vpc).id,
    });
    expect(s3.inputs.routeTableIds).toEqual(mocks.byType(T.routeTable).map((t) => t.id));
    expect(mocks.byType(T.sg)).toHaveLength(0);
    expect(net.endpointSecurityGroupId).toBeUndefined();
    expect(await promiseOf(net.s3EndpointId)).toBe(s3.id);
  });

  test("interface endpoints with private DNS in every subnet behind a tcp/443-from-VPC group", async () => {
    const net = await build("net", { interfaceEndpoints: ["logs", "ecr.api"] });
    const iface = mocks.byType(T.endpoint).filter((e) => e.inputs.vpcEndpointType === "Interface");
    expect(iface.map((e) => e.inputs.serviceName)).toEqual([
      "com.amazonaws.us-east-1.logs",
      "com.amazonaws.us-east-1.ecr.api",
    ]);
    const sg = mocks.one(T.sg);
    expect(sg.inputs.ingress).toEqual([
      expect.objectContaining({ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/16"] }),
    ]);
    expect(sg.inputs.egress).toEqual([]);
    const subnetIds = mocks.byType(T.subnet).map((s) => s.id);
    for (const e of iface) {
      expect(e.inputs.privateDnsEnabled).toBe(true);
      expect(e.inputs.subnetIds).toEqual(subnetIds);
      expect(e.inputs.securityGroupIds).toEqual([sg.id]);
    }
    expect(await promiseOf(net.interfaceEndpointIds)).toEqual({ logs: iface[0].id, "ecr.api": iface[1].id });
    expect(await promiseOf(net.endpointSecurityGroupId!)).toBe(sg.id);
  });

  test("default security group adopted with no ingress and no egress", async () => {
    const net = await build("net");
    const dsg = mocks.one(T.defaultSg);
    expect(dsg.inputs.vpcId).toBe(mocks.one(T.vpc).id);
    expect(dsg.inputs.ingress).toEqual([]);
    expect(dsg.inputs.egress).toEqual([]);
    expect(await promiseOf(net.defaultSecurityGroupId)).toBe(dsg.id);
  });

  test("flow log of ALL traffic to the immutable flow-log bucket", async () => {
    const net = await build("net", { flowLogRetentionDays: 2555 });
    const bucket = mocks.one(T.bucket);
    const flowLog = mocks.one(T.flowLog);
    expect(flowLog.inputs).toMatchObject({
      vpcId: mocks.one(T.vpc).id,
      trafficType: "ALL",
      logDestinationType: "s3",
      logDestination: bucket.outputs.arn,
      maxAggregationInterval: 60,
    });
    // Waits for the bucket's policy and key, or the delivery check at creation fails.
    expect(flowLog.dependencies).toEqual(
      expect.arrayContaining([
        mocks.one("aws:s3/bucketPolicy:BucketPolicy").urn,
        mocks.one("aws:kms/key:Key").urn,
      ]),
    );
    expect(await promiseOf(net.flowLogId)).toBe(flowLog.id);
    expect(await promiseOf(net.logBucket.bucketArn)).toBe(bucket.outputs.arn);
    expect(mocks.one(T.lock).inputs.rule.defaultRetention).toEqual({ mode: "COMPLIANCE", days: 2555 });
    // The flow-log bucket is a KMS-encrypted, delivery.logs-writable bucket owned by this network.
    expect(mocks.one("phi:storage:ImmutableLogBucket").parent).toBe(
      mocks.one("phi:network:PrivateNetwork").urn,
    );
    expect(mocks.byType("aws:kms/key:Key")).toHaveLength(1);
  });
});

describe("PrivateNetwork refuses", () => {
  const refuse = (args: unknown, field: string, text: RegExp) =>
    expectRefusal(
      () => new PrivateNetwork("bad", args as PrivateNetworkArgs),
      field,
      text,
      () => mocks.resources.length,
    );

  test("public CIDR", () =>
    refuse({ cidrBlock: "54.0.0.0/16" }, "cidrBlock", /"54.0.0.0\/16" is not inside a private range/));
  test("CIDR straddling a private range", () =>
    refuse({ cidrBlock: "10.0.0.0/7" }, "cidrBlock", /not inside a private range/));
  test.each(["10.0.0.0", "10.0.0/16", "010.0.0.0/16", "banana", ""])("malformed CIDR %p", (c) =>
    refuse({ cidrBlock: c }, "cidrBlock", /not a valid CIDR block/),
  );
  test("IPv6 CIDR", () => refuse({ cidrBlock: "fd00::/48" }, "cidrBlock", /IPv6/));
  test("host bits set", () => refuse({ cidrBlock: "10.0.1.0/16" }, "cidrBlock", /host bits.*"10.0.0.0\/16"/));
  test("prefix outside AWS limits", () => refuse({ cidrBlock: "10.0.0.0/8" }, "cidrBlock", /\/16 to \/28/));
  test.each([1, 0, 2.5])("AZ count %p", (n) =>
    refuse({ availabilityZoneCount: n }, "availabilityZoneCount", /at least 2/),
  );
  test("subnets that do not fit", () =>
    refuse(
      { cidrBlock: "10.0.0.0/16", availabilityZoneCount: 3, subnetPrefixLength: 17 },
      "subnetPrefixLength",
      /between 18 and 28/,
    ));
  test("subnet prefix beyond /28", () =>
    refuse({ subnetPrefixLength: 29 }, "subnetPrefixLength", /at most \/28/));
  test("NAT gateway", () =>
    refuse({ enableNatGateway: true }, "enableNatGateway", /phi-subnet-private.*interfaceEndpoints/));
  test("bad endpoint name", () =>
    refuse({ interfaceEndpoints: ["logs", "Bad Name"] }, "interfaceEndpoints[1]", /not an AWS service/));
  test("s3 interface endpoint", () =>
    refuse({ interfaceEndpoints: ["s3"] }, "interfaceEndpoints[0]", /S3 gateway endpoint/));
  test("duplicate endpoint", () =>
    refuse({ interfaceEndpoints: ["sts", "sts"] }, "interfaceEndpoints[1]", /twice/));
  test("flow-log retention below minimum", () =>
    refuse(
      { flowLogRetentionDays: 90 },
      "flowLogRetentionDays",
      /below the minimum of 2190.*Fix: set flowLogRetentionDays/,
    ));
});
