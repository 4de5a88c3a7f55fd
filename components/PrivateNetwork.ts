import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import ipaddr from "ipaddr.js";
import { classifyCidr, PRIVATE_IPV4_RANGE_LIST, type Refusal } from "../policies/src/rules";
import { checkedOrThrow, PhiConfigError, runChecks, type ConfigChecks, type ConfigProblem } from "./errors";
import {
  DEFAULT_RETENTION_DAYS,
  ImmutableLogBucket,
  validateImmutableLogBucketArgs,
} from "./ImmutableLogBucket";
import { mergeTags } from "./tags";

const COMPONENT = "PrivateNetwork";

/**
 * The defaults of {@link PrivateNetworkArgs}; docs/components-storage-network-tls.md states them
 * (test/docs-components.test.ts). The VPC block: RFC 1918, 65,536 addresses.
 */
export const DEFAULT_VPC_CIDR = "10.0.0.0/16";
/** Fewer Availability Zones than this and one AZ outage takes the channel down. */
export const MINIMUM_AVAILABILITY_ZONE_COUNT = 2;
export const DEFAULT_AVAILABILITY_ZONE_COUNT = MINIMUM_AVAILABILITY_ZONE_COUNT;
/** Bits added to the VPC prefix for each subnet when `subnetPrefixLength` is unset (a /16 gives /20s). */
export const DEFAULT_SUBNET_EXTRA_BITS = 4;
export const DEFAULT_ENABLE_NAT_GATEWAY = false;
export const DEFAULT_INTERFACE_ENDPOINTS: readonly string[] = Object.freeze([]);
/** The flow-log bucket's: {@link DEFAULT_RETENTION_DAYS}. */
export const DEFAULT_FLOW_LOG_RETENTION_DAYS = DEFAULT_RETENTION_DAYS;
/** AWS limits: VPC and subnet blocks are between /16 and /28. */
const MIN_PREFIX = 16;
const MAX_PREFIX = 28;
/** Interface endpoints listen on HTTPS only. */
const ENDPOINT_PORT = 443;

export interface PrivateNetworkArgs {
  /**
   * IPv4 block of the VPC. Default: `"10.0.0.0/16"`. Must lie entirely inside a private range (RFC 1918 or
   * RFC 6598, per the shared `classifyCidr` rule), be a network address and have a prefix from /16 to /28.
   */
  cidrBlock?: string;
  /**
   * Number of Availability Zones, one private subnet each. Default: 2 (also the minimum), so one AZ outage
   * does not take the channel down (HIPAA 164.308(a)(7) contingency plan).
   */
  availabilityZoneCount?: number;
  /**
   * Prefix length of each subnet. Default: VPC prefix + 4 (a /16 VPC gets /20 subnets, leaving room for
   * 16 subnets). Must be from the VPC prefix + enough bits for the AZ count, up to /28.
   */
  subnetPrefixLength?: number;
  /**
   * Default: `false`, and true is refused. A NAT gateway needs a public subnet with a route to an internet
   * gateway, which the `phi-subnet-private` policy flags; reach AWS services through `interfaceEndpoints`
   * (and the S3 gateway endpoint that is always created) instead.
   */
  enableNatGateway?: boolean;
  /**
   * AWS services to reach through interface endpoints, by short name ("logs", "sts", "kms", "ecr.api",
   * "ecr.dkr", "secretsmanager", ...). Default: `[]` (only the S3 gateway endpoint). Each endpoint has private
   * DNS enabled and a security group admitting tcp/443 from the VPC block only.
   */
  interfaceEndpoints?: string[];
  /** Object Lock retention (days) of the flow-log bucket, COMPLIANCE mode. Default: 2190 (6 years). */
  flowLogRetentionDays?: number;
  /** Floor for `flowLogRetentionDays`. Default: 2190 (the policy pack's floor). */
  minimumRetentionDays?: number;
  /**
   * Extra tags for every resource. `phi-channels:data-classification` is always `phi` on the network and
   * `audit-log` on the flow-log bucket, and cannot be overridden.
   */
  tags?: Record<string, string>;
}

/**
 * A VPC with only private subnets: no internet gateway, no NAT, no public IPs, AWS services reached over
 * VPC endpoints, the main route table and the default security group stripped of all routes and rules, and every flow (ACCEPT and REJECT)
 * logged to an {@link ImmutableLogBucket}. HIPAA 164.312(e)(1) transmission security and 164.312(b)
 * audit controls.
 */
export class PrivateNetwork extends pulumi.ComponentResource {
  public readonly vpc: aws.ec2.Vpc;
  public readonly vpcId: pulumi.Output<string>;
  public readonly cidrBlock: string;
  public readonly subnets: aws.ec2.Subnet[];
  public readonly subnetIds: pulumi.Output<string[]>;
  public readonly availabilityZones: pulumi.Output<string[]>;
  public readonly routeTableIds: pulumi.Output<string[]>;
  /** Id of the VPC's main route table, adopted with an empty route list (see the constructor). */
  public readonly mainRouteTableId: pulumi.Output<string>;
  public readonly s3EndpointId: pulumi.Output<string>;
  /** Interface endpoint ids by service short name. */
  public readonly interfaceEndpointIds: pulumi.Output<Record<string, string>>;
  /** Security group of the interface endpoints; undefined when there are none. */
  public readonly endpointSecurityGroupId: pulumi.Output<string> | undefined;
  public readonly flowLogId: pulumi.Output<string>;
  public readonly logBucket: ImmutableLogBucket;
  public readonly defaultSecurityGroupId: pulumi.Output<string>;

  constructor(name: string, args: PrivateNetworkArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    const settings = checkedOrThrow(COMPONENT, name, (c) => checkNetworkArgs(c, name, args));
    super("phi:network:PrivateNetwork", name, {}, opts);
    this.cidrBlock = settings.cidrBlock;

    const tags = mergeTags("phi", args.tags, COMPONENT);
    const named = (suffix: string) => ({ ...tags, Name: `${name}-${suffix}` });
    const child = { parent: this };
    const region = aws.getRegionOutput({}, child).region;

    this.vpc = new aws.ec2.Vpc(
      name,
      {
        cidrBlock: settings.cidrBlock,
        enableDnsHostnames: true,
        enableDnsSupport: true,
        assignGeneratedIpv6CidrBlock: false,
        tags: named("vpc"),
      },
      child,
    );
    const vpcId = this.vpc.id;

    const azNames = aws.getAvailabilityZonesOutput({ state: "available" }, child).names;
    const azCount = settings.availabilityZoneCount;
    const zones = azNames.apply((names) => {
      if (names.length < azCount) {
        throw new PhiConfigError(
          COMPONENT,
          name,
          "availabilityZoneCount",
          azCount,
          `exceeds the ${names.length} available Availability Zones in this region`,
          `set availabilityZoneCount to at most ${names.length}`,
        );
      }
      return names.slice(0, azCount);
    });

    this.subnets = [];
    const routeTables: aws.ec2.RouteTable[] = [];
    for (let i = 0; i < azCount; i++) {
      const subnet = new aws.ec2.Subnet(
        `${name}-private-${i}`,
        {
          vpcId,
          cidrBlock: settings.subnetCidrs[i],
          availabilityZone: zones[i],
          mapPublicIpOnLaunch: false,
          assignIpv6AddressOnCreation: false,
          tags: named(`private-${i}`),
        },
        child,
      );
      // One table per subnet and no routes beyond the implicit local one: nothing leaves the VPC except
      // through endpoints.
      const table = new aws.ec2.RouteTable(
        `${name}-private-${i}`,
        { vpcId, tags: named(`private-${i}`) },
        child,
      );
      new aws.ec2.RouteTableAssociation(
        `${name}-private-${i}`,
        { subnetId: subnet.id, routeTableId: table.id },
        child,
      );
      this.subnets.push(subnet);
      routeTables.push(table);
    }

    // The main route table serves every subnet without an explicit association (one added later by hand,
    // or by another program). Adopting it with an empty route list makes a route added to it outside
    // Pulumi, e.g. 0.0.0.0/0 to an internet gateway, drift that `pulumi up --refresh` removes.
    const mainTable = new aws.ec2.DefaultRouteTable(
      `${name}-main`,
      { defaultRouteTableId: this.vpc.defaultRouteTableId, routes: [], tags: named("main") },
      child,
    );

    const s3Endpoint = new aws.ec2.VpcEndpoint(
      `${name}-s3`,
      {
        vpcId,
        serviceName: pulumi.interpolate`com.amazonaws.${region}.s3`,
        vpcEndpointType: "Gateway",
        routeTableIds: routeTables.map((t) => t.id),
        tags: named("s3"),
      },
      child,
    );

    const interfaceEndpointIds: Record<string, pulumi.Output<string>> = {};
    let endpointSg: aws.ec2.SecurityGroup | undefined;
    if (settings.interfaceEndpoints.length > 0) {
      endpointSg = new aws.ec2.SecurityGroup(
        `${name}-endpoints`,
        {
          vpcId,
          description: `HTTPS from ${settings.cidrBlock} to the interface endpoints of ${name}`,
          ingress: [
            {
              description: "HTTPS from inside the VPC",
              protocol: "tcp",
              fromPort: ENDPOINT_PORT,
              toPort: ENDPOINT_PORT,
              cidrBlocks: [settings.cidrBlock],
            },
          ],
          // Endpoints only answer; security groups are stateful, so no egress rule is needed.
          egress: [],
          tags: named("endpoints"),
        },
        child,
      );
      for (const service of settings.interfaceEndpoints) {
        const endpoint = new aws.ec2.VpcEndpoint(
          `${name}-${service.replace(/\./g, "-")}`,
          {
            vpcId,
            serviceName: pulumi.interpolate`com.amazonaws.${region}.${service}`,
            vpcEndpointType: "Interface",
            privateDnsEnabled: true,
            subnetIds: this.subnets.map((s) => s.id),
            securityGroupIds: [endpointSg.id],
            tags: named(service),
          },
          child,
        );
        interfaceEndpointIds[service] = endpoint.id;
      }
    }

    // Adopting the default group with empty rule lists removes AWS's allow-all-within-group rules, so
    // nothing launched without an explicit group can talk.
    const defaultSg = new aws.ec2.DefaultSecurityGroup(
      `${name}-default`,
      { vpcId, ingress: [], egress: [], tags: named("default-deny") },
      child,
    );

    this.logBucket = new ImmutableLogBucket(
      `${name}-flow-logs`,
      {
        purpose: "vpc-flow-logs",
        retentionDays: args.flowLogRetentionDays,
        minimumRetentionDays: args.minimumRetentionDays,
        tags: args.tags,
      },
      child,
    );

    const flowLog = new aws.ec2.FlowLog(
      `${name}-flow-log`,
      {
        vpcId,
        trafficType: "ALL",
        logDestinationType: "s3",
        logDestination: this.logBucket.bucketArn,
        maxAggregationInterval: 60,
        tags: named("flow-log"),
      },
      // After the bucket policy and key exist, or the delivery check fails.
      { ...child, dependsOn: [this.logBucket] },
    );

    this.vpcId = vpcId;
    this.subnetIds = pulumi.all(this.subnets.map((s) => s.id));
    this.availabilityZones = zones;
    this.routeTableIds = pulumi.all(routeTables.map((t) => t.id));
    this.mainRouteTableId = mainTable.id;
    this.s3EndpointId = s3Endpoint.id;
    this.interfaceEndpointIds = pulumi.all(interfaceEndpointIds);
    this.endpointSecurityGroupId = endpointSg?.id;
    this.flowLogId = flowLog.id;
    this.defaultSecurityGroupId = defaultSg.id;
    this.registerOutputs({
      vpcId: this.vpcId,
      subnetIds: this.subnetIds,
      routeTableIds: this.routeTableIds,
      mainRouteTableId: this.mainRouteTableId,
      s3EndpointId: this.s3EndpointId,
      interfaceEndpointIds: this.interfaceEndpointIds,
      flowLogId: this.flowLogId,
      logBucketName: this.logBucket.bucketName,
      defaultSecurityGroupId: this.defaultSecurityGroupId,
    });
  }
}

interface ValidatedNetworkSettings {
  cidrBlock: string;
  availabilityZoneCount: number;
  subnetCidrs: string[];
  interfaceEndpoints: string[];
}

/** Service short names as used in `com.amazonaws.<region>.<service>`. */
const SERVICE_NAME = /^[a-z0-9]+(?:[.-][a-z0-9]+)*$/;

/**
 * Checks the arguments without creating anything, as the constructor does, and returns every problem
 * (none: valid). The flow-log bucket's problems are included under this component's field names.
 */
export function validatePrivateNetworkArgs(name: string, args: PrivateNetworkArgs): ConfigProblem[] {
  return runChecks(COMPONENT, name, (c) => checkNetworkArgs(c, name, args)).problems;
}

function checkNetworkArgs(c: ConfigChecks, name: string, args: PrivateNetworkArgs): ValidatedNetworkSettings {
  const fail = (field: string, value: unknown, problem: string, fix: string): never =>
    c.stop(field, value, problem, fix);
  if (args === null || typeof args !== "object")
    fail("args", args, "is not an object", "pass {} for the defaults");

  // The address layout: block, zone count and subnet size depend on each other, so checked as one.
  const layout = c.section(() => {
    const cidrBlock = args.cidrBlock ?? DEFAULT_VPC_CIDR;
    const refusal = vpcCidrRefusal(cidrBlock);
    if (refusal) fail("cidrBlock", args.cidrBlock, refusal.problem, refusal.fix);
    const [addr, vpcPrefix] = ipaddr.parseCIDR(cidrBlock) as [ipaddr.IPv4, number];
    if (vpcPrefix < MIN_PREFIX || vpcPrefix > MAX_PREFIX) {
      fail(
        "cidrBlock",
        cidrBlock,
        `has prefix /${vpcPrefix}; AWS VPC blocks are /${MIN_PREFIX} to /${MAX_PREFIX}`,
        `use a prefix between /${MIN_PREFIX} and /${MAX_PREFIX - 2}`,
      );
    }
    const networkAddress = ipaddr.IPv4.networkAddressFromCIDR(cidrBlock).toString();
    if (networkAddress !== addr.toString()) {
      fail(
        "cidrBlock",
        cidrBlock,
        "has host bits set",
        `use the network address "${networkAddress}/${vpcPrefix}"`,
      );
    }

    const azCount = args.availabilityZoneCount ?? DEFAULT_AVAILABILITY_ZONE_COUNT;
    if (
      typeof azCount !== "number" ||
      !Number.isInteger(azCount) ||
      azCount < MINIMUM_AVAILABILITY_ZONE_COUNT
    ) {
      fail(
        "availabilityZoneCount",
        args.availabilityZoneCount,
        `must be a whole number of at least ${MINIMUM_AVAILABILITY_ZONE_COUNT}, so the channel survives the loss of one Availability Zone`,
        `omit it (default ${DEFAULT_AVAILABILITY_ZONE_COUNT}) or set ${MINIMUM_AVAILABILITY_ZONE_COUNT} or more`,
      );
    }

    const bitsForAzs = Math.ceil(Math.log2(azCount));
    const subnetPrefix =
      args.subnetPrefixLength ?? Math.min(vpcPrefix + DEFAULT_SUBNET_EXTRA_BITS, MAX_PREFIX);
    if (
      typeof subnetPrefix !== "number" ||
      !Number.isInteger(subnetPrefix) ||
      subnetPrefix < vpcPrefix + bitsForAzs ||
      subnetPrefix > MAX_PREFIX
    ) {
      fail(
        "subnetPrefixLength",
        subnetPrefix,
        `does not fit ${azCount} subnets inside ${cidrBlock} (AWS subnets are at most /${MAX_PREFIX})`,
        `set subnetPrefixLength between ${vpcPrefix + bitsForAzs} and ${MAX_PREFIX}, or use a larger cidrBlock`,
      );
    }
    const subnetCidrs = Array.from({ length: azCount }, (_, i) => nthSubnet(cidrBlock, subnetPrefix, i));
    return { cidrBlock, availabilityZoneCount: azCount, subnetCidrs };
  });

  if ((args.enableNatGateway ?? DEFAULT_ENABLE_NAT_GATEWAY) !== false) {
    c.report(
      "enableNatGateway",
      args.enableNatGateway,
      "is refused: a NAT gateway needs a public subnet routed to an internet gateway, which the phi-subnet-private policy blocks",
      `omit enableNatGateway and reach AWS services through interfaceEndpoints (e.g. ["logs", "sts", "kms", "ecr.api", "ecr.dkr"]) and the S3 gateway endpoint`,
    );
  }

  const endpoints = c.section(() => checkEndpoints(fail, args));

  // The flow-log bucket's own checks, reported under this component's field names.
  c.include(
    validateImmutableLogBucketArgs(`${name}-flow-logs`, {
      purpose: "vpc-flow-logs",
      retentionDays: args.flowLogRetentionDays,
      minimumRetentionDays: args.minimumRetentionDays,
      tags: args.tags,
    }),
    (p) => (p.field === "retentionDays" ? "flowLogRetentionDays" : p.field),
  );

  return { ...layout!, interfaceEndpoints: endpoints! };
}

function checkEndpoints(
  fail: (field: string, value: unknown, problem: string, fix: string) => never,
  args: PrivateNetworkArgs,
): string[] {
  const endpoints = args.interfaceEndpoints ?? [...DEFAULT_INTERFACE_ENDPOINTS];
  if (!Array.isArray(endpoints)) {
    fail(
      "interfaceEndpoints",
      endpoints,
      "is not a list",
      `pass service short names such as ["logs", "sts"]`,
    );
  }
  const seen = new Set<string>();
  endpoints.forEach((service, i) => {
    if (typeof service !== "string" || !SERVICE_NAME.test(service)) {
      fail(
        `interfaceEndpoints[${i}]`,
        service,
        "is not an AWS service short name",
        `use names such as "logs", "sts", "ecr.api"`,
      );
    }
    if (service === "s3") {
      fail(
        `interfaceEndpoints[${i}]`,
        service,
        "duplicates the S3 gateway endpoint every PrivateNetwork has",
        `remove "s3"`,
      );
    }
    if (seen.has(service))
      fail(`interfaceEndpoints[${i}]`, service, "is listed twice", "list each service once");
    seen.add(service);
  });

  return endpoints;
}

/**
 * The `index`-th block of `prefix` bits inside `vpcCidr` (already checked: IPv4, a network address, and
 * `index` fits). ipaddr.js reads the 32-bit address back from its decimal (long) form.
 */
function nthSubnet(vpcCidr: string, prefix: number, index: number): string {
  const first = ipaddr.IPv4.networkAddressFromCIDR(vpcCidr)
    .toByteArray()
    .reduce((value, octet) => value * 256 + octet, 0);
  return `${ipaddr.IPv4.parse(String(first + index * 2 ** (32 - prefix))).toString()}/${prefix}`;
}

/**
 * Why `cidr` cannot be a VPC's primary block (it must parse, lie inside a private IPv4 range), or undefined.
 * PhiChannel judges an existing VPC's block with it too.
 */
export function vpcCidrRefusal(cidr: unknown): Refusal | undefined {
  const cls = classifyCidr(cidr);
  if (cls.kind === "invalid") {
    return {
      problem: `is not a valid CIDR block (${cls.reason})`,
      fix: `use an IPv4 block such as "${DEFAULT_VPC_CIDR}"`,
    };
  }
  if (cls.kind !== "private") {
    return {
      problem: "is not inside a private range, so hosts would hold publicly routable addresses",
      fix: `use a block inside ${PRIVATE_IPV4_RANGE_LIST.join(", ")} such as "${DEFAULT_VPC_CIDR}"`,
    };
  }
  if (cls.family !== "ipv4") {
    return {
      problem: "is IPv6; a VPC's primary block must be IPv4",
      fix: `use an IPv4 block such as "${DEFAULT_VPC_CIDR}"`,
    };
  }
  return undefined;
}
