/**
 * The data-source answers the offline check gives programs (tools/lib/aws-mocks.ts): plausible values for
 * the common AWS lookups, getPolicyDocument rendered as the provider renders it, every declared field of
 * any other data source filled so no program crashes on one, and the user's own answers winning.
 */
import { AwsMocks, MOCK_ACCOUNT_ID } from "../tools/lib/aws-mocks";

const mocks = new AwsMocks("eu-west-1");
const call = (token: string, inputs: Record<string, unknown> = {}) =>
  mocks.call({ token, inputs, provider: "" } as Parameters<AwsMocks["call"]>[0]);

describe("iam.getPolicyDocument renders the policy JSON", () => {
  test("one value as a string, several in the provider's reverse order, principals and conditions as maps", () => {
    const r = call("aws:iam/getPolicyDocument:getPolicyDocument", {
      statements: [
        {
          sid: "ReadSite",
          actions: ["s3:GetObject", "s3:ListBucket"],
          resources: ["arn:aws:s3:::site/*"],
          principals: [{ type: "Service", identifiers: ["cloudfront.amazonaws.com"] }],
          conditions: [
            {
              test: "StringEquals",
              variable: "AWS:SourceArn",
              values: ["arn:aws:cloudfront::123456789012:distribution/E1"],
            },
          ],
        },
        {
          effect: "Deny",
          actions: ["s3:*"],
          resources: ["*"],
          principals: [{ type: "*", identifiers: ["*"] }],
        },
      ],
    });
    const expected = {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "ReadSite",
          Effect: "Allow",
          Action: ["s3:ListBucket", "s3:GetObject"],
          Resource: "arn:aws:s3:::site/*",
          Principal: { Service: "cloudfront.amazonaws.com" },
          Condition: {
            StringEquals: { "AWS:SourceArn": "arn:aws:cloudfront::123456789012:distribution/E1" },
          },
        },
        { Effect: "Deny", Action: "s3:*", Resource: "*", Principal: "*" },
      ],
    };
    expect(r.json).toBe(JSON.stringify(expected, null, 2));
    expect(r.minifiedJson).toBe(JSON.stringify(expected));
  });

  test("source documents come first; the document's own and override statements replace same-Sid ones", () => {
    const source = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Sid: "A", Effect: "Allow", Action: "s3:GetObject", Resource: "*" },
        { Sid: "B", Effect: "Allow", Action: "s3:PutObject", Resource: "*" },
      ],
    });
    const override = JSON.stringify({
      Statement: [{ Sid: "B", Effect: "Deny", Action: "s3:PutObject", Resource: "*" }],
    });
    const r = call("aws:iam/getPolicyDocument:getPolicyDocument", {
      sourcePolicyDocuments: [source],
      overridePolicyDocuments: [override],
      statements: [{ sid: "A", actions: ["s3:GetObjectVersion"], resources: ["*"] }],
    });
    expect(JSON.parse(r.minifiedJson as string)).toEqual({
      Version: "2012-10-17",
      Statement: [
        { Sid: "A", Effect: "Allow", Action: "s3:GetObjectVersion", Resource: "*" },
        { Sid: "B", Effect: "Deny", Action: "s3:PutObject", Resource: "*" },
      ],
    });
  });
});

describe("the common lookups", () => {
  test("the default VPC, its subnets (one per zone) and one subnet agree with each other", () => {
    const vpc = call("aws:ec2/getVpc:getVpc", { default: true });
    expect(vpc).toMatchObject({ cidrBlock: "172.31.0.0/16", default: true, ownerId: MOCK_ACCOUNT_ID });
    expect(vpc.id).toMatch(/^vpc-[0-9a-f]{17}$/);
    const subnets = call("aws:ec2/getSubnets:getSubnets", {
      filters: [{ name: "vpc-id", values: [vpc.id] }],
    });
    const ids = subnets.ids as string[];
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^subnet-[0-9a-f]{17}$/);
    expect(call("aws:ec2/getSubnet:getSubnet", { id: ids[1] })).toMatchObject({
      id: ids[1],
      vpcId: vpc.id,
      cidrBlock: "172.31.16.0/20",
      availabilityZone: "eu-west-1b",
      mapPublicIpOnLaunch: true,
    });
  });

  test("identity, region, partition, zones and the regional ELB log-delivery account", () => {
    expect(call("aws:index/getCallerIdentity:getCallerIdentity")).toMatchObject({
      accountId: "123456789012",
    });
    expect(call("aws:index/getRegion:getRegion")).toMatchObject({ name: "eu-west-1", region: "eu-west-1" });
    expect(call("aws:index/getPartition:getPartition")).toMatchObject({
      partition: "aws",
      dnsSuffix: "amazonaws.com",
    });
    expect(call("aws:index/getAvailabilityZones:getAvailabilityZones").names).toEqual([
      "eu-west-1a",
      "eu-west-1b",
      "eu-west-1c",
    ]);
    expect(call("aws:elb/getServiceAccount:getServiceAccount")).toMatchObject({
      id: "156460612806",
      arn: "arn:aws:iam::156460612806:root",
    });
  });

  test("AMIs by filter and by the public SSM parameter; other SSM parameters get a marked value", () => {
    const ami = call("aws:ec2/getAmi:getAmi", {
      owners: ["amazon"],
      filters: [{ name: "name", values: ["al2023-ami-*-arm64"] }],
    });
    expect(ami.id).toMatch(/^ami-[0-9a-f]{17}$/);
    expect(ami).toMatchObject({
      imageId: ami.id,
      architecture: "arm64",
      ownerId: "137112412989",
      state: "available",
    });
    const latest = call("aws:ssm/getParameter:getParameter", {
      name: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
    });
    expect(latest.value).toMatch(/^ami-[0-9a-f]{17}$/);
    expect(call("aws:ssm/getParameter:getParameter", { name: "/team/db-host" })).toMatchObject({
      name: "/team/db-host",
      type: "String",
      value: "offline-mock-value-of-team/db-host",
      arn: "arn:aws:ssm:eu-west-1:123456789012:parameter/team/db-host",
    });
  });
});

describe("any other data source: the fields its SDK declares", () => {
  test("ec2.getInstance gets every required field: lists empty, flags false, ARN and DNS well-formed", () => {
    const r = call("aws:ec2/getInstance:getInstance", { instanceId: "i-0abc" });
    expect(r.instanceId).toBe("i-0abc");
    expect(r.securityGroups).toEqual([]);
    expect(r.rootBlockDevices).toEqual([]);
    expect(r.tags).toEqual({});
    expect(r.monitoring).toBe(false);
    expect(r.arn).toMatch(/^arn:aws:ec2:eu-west-1:123456789012:instance\//);
    expect(r.privateDns).toMatch(/\.eu-west-1\.amazonaws\.com$/);
    expect(r.subnetId).toMatch(/^subnet-[0-9a-f]{17}$/);
    // Optional fields stay absent, as the SDK types allow.
    expect("getPasswordData" in r).toBe(false);
  });

  test("nested required objects are filled too (lb.getLoadBalancer accessLogs)", () => {
    const r = call("aws:lb/getLoadBalancer:getLoadBalancer", { name: "web" });
    expect(r.accessLogs).toEqual({ bucket: "", enabled: false, prefix: "" });
    expect(r.subnets).toEqual([]);
  });

  test("a token no SDK here declares is answered with its inputs", () => {
    expect(call("example:index/getThing:getThing", { id: "x" })).toEqual({ id: "x" });
  });
});

describe("the user's own answers (check --mocks)", () => {
  const own = new AwsMocks("us-east-1", {
    overrides: {
      calls: {
        "aws:ec2/getAmi:getAmi": { id: "ami-0123456789abcdef0" },
        "aws:ssm/getParameter:getParameter": (args) => ({ value: `from-vault:${String(args.inputs.name)}` }),
      },
      resources: { "aws:ec2/instance:Instance": { state: { publicIp: "203.0.113.7" } } },
    },
  });

  test("win field by field over the built-in answer", () => {
    const ami = own.call({ token: "aws:ec2/getAmi:getAmi", inputs: {}, provider: "" } as never);
    expect(ami).toMatchObject({ id: "ami-0123456789abcdef0", architecture: "x86_64" });
    const p = own.call({
      token: "aws:ssm/getParameter:getParameter",
      inputs: { name: "/x" },
      provider: "",
    } as never);
    expect(p).toMatchObject({ value: "from-vault:/x", type: "String" });
    const web = own.newResource({
      type: "aws:ec2/instance:Instance",
      name: "web",
      inputs: { ami: "ami-1" },
      custom: true,
    } as never);
    expect(web.state).toMatchObject({ ami: "ami-1", publicIp: "203.0.113.7" });
  });
});

describe("resource outputs", () => {
  test("outputs AWS always computes are filled; ones the program did not ask for are not invented", () => {
    const r = mocks.newResource({
      type: "aws:ec2/instance:Instance",
      name: "web",
      inputs: {},
      custom: true,
    } as never);
    expect(r.state.publicDns).toMatch(/\.amazonaws\.com$/);
    expect(r.state.arn).toMatch(/^arn:aws:ec2:eu-west-1:123456789012:/);
    expect(r.state.keyName).toBeUndefined();
    expect(r.state.iamInstanceProfile).toBeUndefined();
  });
});
