/**
 * fast-check arbitraries for every resource shape the pack reads, written in "marker" form: values a
 * preview would not know are the {@link UNKNOWN} symbol and secrets are {@link SecretValue}s, exactly as
 * tools/lib/analyzer-client encodes them for the wire. {@link toHarness} converts the same value for the
 * in-process harness, so both paths see one generated resource.
 *
 * Every field draws from valid values and from the ways inputs go wrong: unknown, secret, null, missing,
 * wrong types (numbers as strings, objects, arrays), huge/negative/reversed port ranges, odd protocol
 * spellings and IPv4/IPv6 CIDRs (private, public, split halves, ULA, malformed, octal-looking, host bits).
 */
import fc from "fast-check";
import { SecretValue, UNKNOWN } from "../../tools/lib/analyzer-client";
import { secret as harnessSecret, UNKNOWN_STRING } from "../../policies/src/testing/harness";

export { UNKNOWN, SecretValue };

export const T = {
  sg: "aws:ec2/securityGroup:SecurityGroup",
  defaultSg: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
  sgRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  vpcIngress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  vpcEgress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  listeners: ["aws:lb/listener:Listener", "aws:alb/listener:Listener"],
  targetGroups: ["aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup"],
  loadBalancers: ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"],
  classicElb: "aws:elb/loadBalancer:LoadBalancer",
  buckets: ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"],
  objectLocks: [
    "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
    "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2",
  ],
  kmsKey: "aws:kms/key:Key",
  privateKey: "tls:index/privateKey:PrivateKey",
  acmCertificate: "aws:acm/certificate:Certificate",
  subnet: "aws:ec2/subnet:Subnet",
  defaultSubnet: "aws:ec2/defaultSubnet:DefaultSubnet",
  cloudFront: "aws:cloudfront/distribution:Distribution",
  cloudFrontMultitenant: "aws:cloudfront/multitenantDistribution:MultitenantDistribution",
  cloudFrontVpcOrigin: "aws:cloudfront/vpcOrigin:VpcOrigin",
  restApi: "aws:apigateway/restApi:RestApi",
  apiStage: "aws:apigateway/stage:Stage",
  apiV2Stage: "aws:apigatewayv2/stage:Stage",
  apiV2Api: "aws:apigatewayv2/api:Api",
  apiGatewayDomain: "aws:apigateway/domainName:DomainName",
  apiGatewayV2Domain: "aws:apigatewayv2/domainName:DomainName",
  openSearch: "aws:opensearch/domain:Domain",
  elasticsearch: "aws:elasticsearch/domain:Domain",
  transferServer: "aws:transfer/server:Server",
  classicSslNegotiation: "aws:elb/sslNegotiationPolicy:SslNegotiationPolicy",
  classicLbPolicy: "aws:elb/loadBalancerPolicy:LoadBalancerPolicy",
  vpc: "aws:ec2/vpc:Vpc",
  flowLog: "aws:ec2/flowLog:FlowLog",
  routeTable: "aws:ec2/routeTable:RouteTable",
  route: "aws:ec2/route:Route",
  routeTableAssociation: "aws:ec2/routeTableAssociation:RouteTableAssociation",
  internetGateway: "aws:ec2/internetGateway:InternetGateway",
  bucketVersioning: "aws:s3/bucketVersioningV2:BucketVersioningV2",
  publicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
  rdsInstance: "aws:rds/instance:Instance",
  mskCluster: "aws:msk/cluster:Cluster",
  launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
  ecsService: "aws:ecs/service:Service",
  eksCluster: "aws:eks/cluster:Cluster",
  eip: "aws:ec2/eip:Eip",
  serverlessSecurityPolicy: "aws:opensearch/serverlessSecurityPolicy:ServerlessSecurityPolicy",
  queue: "aws:sqs/queue:Queue",
  queuePolicy: "aws:sqs/queuePolicy:QueuePolicy",
  topic: "aws:sns/topic:Topic",
  topicPolicy: "aws:sns/topicPolicy:TopicPolicy",
  bucketSse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  bucketLogging: "aws:s3/bucketLogging:BucketLogging",
  firewallLogging: "aws:networkfirewall/loggingConfiguration:LoggingConfiguration",
  wafLogging: "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
  logDeliveryDestination: "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination",
  prefixList: "aws:ec2/managedPrefixList:ManagedPrefixList",
  prefixListEntry: "aws:ec2/managedPrefixListEntry:ManagedPrefixListEntry",
  trail: "aws:cloudtrail/trail:Trail",
  defaultRouteTable: "aws:ec2/defaultRouteTable:DefaultRouteTable",
  rdsCluster: "aws:rds/cluster:Cluster",
  rdsGlobalCluster: "aws:rds/globalCluster:GlobalCluster",
  rdsParameterGroup: "aws:rds/parameterGroup:ParameterGroup",
  rdsClusterParameterGroup: "aws:rds/clusterParameterGroup:ClusterParameterGroup",
  rdsOptionGroup: "aws:rds/optionGroup:OptionGroup",
  docdbCluster: "aws:docdb/cluster:Cluster",
  docdbClusterParameterGroup: "aws:docdb/clusterParameterGroup:ClusterParameterGroup",
  redshiftCluster: "aws:redshift/cluster:Cluster",
  redshiftParameterGroup: "aws:redshift/parameterGroup:ParameterGroup",
  elasticacheCluster: "aws:elasticache/cluster:Cluster",
  elasticacheReplicationGroup: "aws:elasticache/replicationGroup:ReplicationGroup",
  memorydbCluster: "aws:memorydb/cluster:Cluster",
  memorydbMultiRegionCluster: "aws:memorydb/multiRegionCluster:MultiRegionCluster",
  daxCluster: "aws:dax/cluster:Cluster",
  dmsEndpoint: "aws:dms/endpoint:Endpoint",
  neptuneCluster: "aws:neptune/cluster:Cluster",
  neptuneGlobalCluster: "aws:neptune/globalCluster:GlobalCluster",
  kinesisStream: "aws:kinesis/stream:Stream",
  docdbElasticCluster: "aws:docdb/elasticCluster:ElasticCluster",
  serverlessWorkgroup: "aws:redshiftserverless/workgroup:Workgroup",
  mqBroker: "aws:mq/broker:Broker",
  serverlessCache: "aws:elasticache/serverlessCache:ServerlessCache",
  mskServerlessCluster: "aws:msk/serverlessCluster:ServerlessCluster",
  serverlessNamespace: "aws:redshiftserverless/namespace:Namespace",
} as const;

export const GRANT_TYPES: readonly string[] = [T.sg, T.defaultSg, T.sgRule, T.vpcIngress, T.vpcEgress];

/** A generated resource in marker form. `props` never holds `undefined` (missing keys are absent). */
export interface GenResource {
  type: string;
  name: string;
  props: Record<string, unknown>;
}

/** Drops `undefined` values (a missing field) from an object, recursively. */
export function compact(v: unknown): unknown {
  if (v === UNKNOWN || v instanceof SecretValue)
    return v instanceof SecretValue ? new SecretValue(compact(v.value)) : v;
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : compact(x)));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = compact(x);
  return out;
}

/** Marker form → what the in-process harness takes (sentinel strings, harness secret wrappers). */
export function toHarness(v: unknown): unknown {
  if (v === UNKNOWN) return UNKNOWN_STRING;
  if (v instanceof SecretValue) return harnessSecret(toHarness(v.value));
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map(toHarness);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = toHarness(x);
  return out;
}

/** True when no UNKNOWN occurs anywhere in the value (secrets are known values). */
export function fullyKnown(v: unknown): boolean {
  if (v === UNKNOWN) return false;
  if (v instanceof SecretValue) return fullyKnown(v.value);
  if (v === null || typeof v !== "object") return true;
  return Object.values(v).every(fullyKnown);
}

// ---------------------------------------------------------------------------------------------------
// Noise: the ways a single field goes wrong.

const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>({}, [], { value: 443 }, [443], ["tcp"], true, false, 0, -1, "", " ", "null"),
  fc.integer({ min: -5, max: 70000 }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
  fc.dictionary(fc.constantFrom("a", "protocol", "value", "cidr"), fc.constantFrom<unknown>(1, "x", null), {
    maxKeys: 2,
  }),
);

/** A field drawn mostly from `valid`, otherwise unknown, a secret, null, missing or a wrong type. */
export function field<V>(valid: fc.Arbitrary<V>, weight = 12): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight, arbitrary: valid as fc.Arbitrary<unknown> },
    { weight: 1, arbitrary: fc.constant(UNKNOWN) },
    { weight: 1, arbitrary: valid.map((v) => new SecretValue(v)) },
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: wrongType },
  );
}

/** A list of `elem`, or the list itself going wrong. */
export function list(elem: fc.Arbitrary<unknown>, maxLength = 3): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 12, arbitrary: field(fc.array(elem, { maxLength }), 10) },
    { weight: 1, arbitrary: elem },
  );
}

// ---------------------------------------------------------------------------------------------------
// Protocols, ports, CIDRs.

export const ODD_PROTOCOLS: readonly unknown[] = [
  "TCP",
  "Tcp",
  "6",
  6,
  "-1",
  -1,
  "all",
  "ALL",
  " tcp",
  "tcp\u0000",
  "58",
  "icmpv6",
  "999",
  "",
  "tcp ",
  "udp",
  "UDP",
  "17",
  17,
  "icmp",
  "1",
  1,
  "sctp",
  "132",
  "gre",
  "esp",
  "50",
  "ah",
  "igmp",
  "0",
  "255",
  "256",
  256,
  -2,
  "-2",
  6.5,
  "6.0",
  "0x6",
  "t cp",
  "tcp/443",
  "ipv6-icmp",
  "All",
  "any",
  "*",
];

export const protocol: fc.Arbitrary<unknown> = field(
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom<unknown>("tcp", "tcp", "tcp", "udp", "-1", "icmp") },
    { weight: 4, arbitrary: fc.constantFrom<unknown>(...ODD_PROTOCOLS) },
    { weight: 1, arbitrary: fc.integer({ min: -3, max: 300 }) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 300 }).map(String) },
  ),
);

const portValue: fc.Arbitrary<number> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.constantFrom(443, 443, 22, 80, 53, 0, 1, 1023, 1024, 8443, 8444, 8446, 65535, -1),
  },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 65535 }) },
  { weight: 1, arbitrary: fc.integer({ min: -100000, max: 200000 }) },
  { weight: 1, arbitrary: fc.constantFrom(65536, 70000, -2, -65535, 2 ** 31, 2 ** 53, 443.5, 1e12, -0) },
);

/** One port bound: mostly numbers, sometimes their canonical string form, or noise. */
const portBound: fc.Arbitrary<unknown> = field(
  fc.oneof(
    { weight: 6, arbitrary: portValue },
    {
      weight: 2,
      arbitrary: portValue
        .filter((n) => Number.isInteger(n) && Math.abs(n) < 1e6)
        .map((n) => String(n === 0 ? 0 : n)),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom<unknown>(" 443", "443.0", "4e2", "0x1bb", "+443", "443-443", "*"),
    },
  ),
);

/** fromPort/toPort pairs: equal, ordered, reversed, wide, or independent. */
export const portPair: fc.Arbitrary<{ fromPort: unknown; toPort: unknown }> = fc.oneof(
  portBound.map((p) => ({ fromPort: p, toPort: p })),
  fc.tuple(portValue, portValue).map(([a, b]) => ({ fromPort: Math.min(a, b), toPort: Math.max(a, b) })),
  fc.tuple(portValue, portValue).map(([a, b]) => ({ fromPort: Math.max(a, b), toPort: Math.min(a, b) })),
  fc.constantFrom(
    { fromPort: 0, toPort: 65535 },
    { fromPort: 443, toPort: 444 },
    { fromPort: 8443, toPort: 8445 },
    { fromPort: 8443, toPort: 8446 },
    { fromPort: 1024, toPort: 65535 },
    { fromPort: 1023, toPort: 65535 },
    { fromPort: -1, toPort: -1 },
    { fromPort: -1, toPort: 443 },
    { fromPort: 0, toPort: 0 },
  ),
  fc.tuple(portBound, portBound).map(([fromPort, toPort]) => ({ fromPort, toPort })),
);

const octet = fc.integer({ min: 0, max: 255 });

function v4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

/** IPv4 blocks around the private-range edges, plus random ones. */
const ipv4Cidr: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(octet, octet, octet, fc.integer({ min: 8, max: 32 }))
    .map(([a, b, c, p]) => `10.${a}.${b}.${c}/${p}`),
  fc
    .tuple(fc.integer({ min: 14, max: 33 }), octet, fc.integer({ min: 10, max: 32 }))
    .map(([b, c, p]) => `172.${b}.${c}.0/${p}`),
  fc.tuple(octet, fc.integer({ min: 14, max: 32 })).map(([c, p]) => `192.168.${c}.0/${p}`),
  fc
    .tuple(fc.integer({ min: 60, max: 130 }), fc.integer({ min: 8, max: 32 }))
    .map(([b, p]) => `100.${b}.0.0/${p}`),
  fc
    .tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 32 }))
    .map(([n, p]) => `${v4(n)}/${p}`),
  fc.constantFrom(
    "0.0.0.0/0",
    "0.0.0.0/1",
    "128.0.0.0/1",
    "10.0.0.0/7",
    "11.0.0.0/8",
    "10.0.0.0/8",
    "172.16.0.0/12",
    "172.16.0.0/11",
    "172.32.0.0/12",
    "192.168.0.0/15",
    "192.168.0.0/16",
    "100.64.0.0/10",
    "100.64.0.0/9",
    "100.128.0.0/10",
    "203.0.113.0/24",
    "203.0.113.7/32",
    "198.51.100.0/24",
    "10.1.2.3/8",
    "10.255.255.255/32",
    "192.168.1.1/16",
    "11.0.0.1/7",
  ),
);

const hex16 = fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16));

const ipv6Cidr: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(fc.integer({ min: 0xfc00, max: 0xfdff }), hex16, fc.integer({ min: 7, max: 128 }))
    .map(([a, b, p]) => `${a.toString(16)}:${b}::/${p}`),
  fc
    .tuple(fc.array(hex16, { minLength: 8, maxLength: 8 }), fc.integer({ min: 0, max: 128 }))
    .map(([g, p]) => `${g.join(":")}/${p}`),
  fc.constantFrom(
    "::/0",
    "::/1",
    "8000::/1",
    "fc00::/7",
    "fc00::/6",
    "fd00::/8",
    "fe00::/7",
    "fd12:3456:789a::/48",
    "fe80::/10",
    "2001:db8::/32",
    "2001:db8::1/128",
    "::ffff:10.0.0.0/104",
    "::ffff:0:0/96",
    "FD00::/8",
    "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128",
    "fc00:0:0:0:0:0:0:0/7",
    "::1/128",
    "fd00::1/7",
  ),
);

const malformedCidr: fc.Arbitrary<string> = fc.constantFrom(
  "010.0.0.0/8",
  "10.0.0.0",
  "10.0.0/8",
  "10.0.0.256/8",
  "10.0.0.0/33",
  " 10.0.0.0/8",
  "10.0.0.0/8 ",
  "",
  "10.0.0.0/-1",
  "10.0.0.0/",
  "/8",
  "0x0a.0.0.0/8",
  "10.0.0.0/8/8",
  "fc00:::/7",
  "fd00::/129",
  "fd00::%eth0/64",
  "fd00::g/64",
  "10.0.0.0/08",
  "1.2.3.4.5/32",
  "sg-0123456789abcdef0",
  "pl-12345678",
  "any",
  "0/0",
);

export const cidrText: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: ipv4Cidr },
  { weight: 3, arbitrary: ipv6Cidr },
  { weight: 2, arbitrary: malformedCidr },
);

export const ipv4Block: fc.Arbitrary<unknown> = field(
  fc.oneof({ weight: 4, arbitrary: ipv4Cidr }, { weight: 1, arbitrary: cidrText }),
);
export const ipv6Block: fc.Arbitrary<unknown> = field(
  fc.oneof({ weight: 4, arbitrary: ipv6Cidr }, { weight: 1, arbitrary: cidrText }),
);

// ---------------------------------------------------------------------------------------------------
// Security groups and rules.

const sgId = fc.constantFrom("sg-0123456789abcdef0", "sg-0fedcba9876543210");
const prefixListId = fc.constantFrom("pl-0123456789abcdef0", "pl-63a5400a");
const description = field(fc.constantFrom("web", "PHI API", "", "ssh for debugging"), 6);

/** One inline rule of a SecurityGroup/DefaultSecurityGroup (`ingress[i]` / `egress[i]`). */
export const inlineRule: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 20,
    arbitrary: fc
      .record({
        protocol,
        ports: portPair,
        cidrBlocks: list(ipv4Block),
        ipv6CidrBlocks: list(ipv6Block, 2),
        securityGroups: fc.option(list(field(sgId), 2), { nil: undefined }),
        prefixListIds: fc.option(list(field(prefixListId), 1), { nil: undefined }),
        self: fc.option(field(fc.boolean(), 4), { nil: undefined }),
        description,
      })
      .map(({ ports, ...r }) => ({ ...r, ...ports })),
  },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(UNKNOWN, null, "tcp/443", 443, []) },
);

const vpcId = field(fc.constantFrom("vpc-0123456789abcdef0"), 10);

function securityGroup(type: string): fc.Arbitrary<GenResource> {
  return fc
    .record({
      name: field(fc.constantFrom("phi-api", "phi-db"), 8),
      description,
      vpcId,
      ingress: list(inlineRule, 3),
      egress: list(inlineRule, 2),
      revokeRulesOnDelete: fc.option(field(fc.boolean()), { nil: undefined }),
      tags: fc.option(field(fc.constant({ phi: "true" })), { nil: undefined }),
    })
    .map((props) => ({ type, name: "sg", props: compact(props) as Record<string, unknown> }));
}

const direction = field(
  fc.constantFrom<unknown>("ingress", "ingress", "egress", "INGRESS", "Egress", " egress", "both"),
  10,
);

export const securityGroupRule: fc.Arbitrary<GenResource> = fc
  .record({
    type: direction,
    protocol,
    ports: portPair,
    cidrBlocks: list(ipv4Block),
    ipv6CidrBlocks: list(ipv6Block, 2),
    sourceSecurityGroupId: fc.option(field(sgId), { freq: 3, nil: undefined }),
    prefixListIds: fc.option(list(field(prefixListId), 1), { freq: 3, nil: undefined }),
    self: fc.option(field(fc.boolean(), 4), { freq: 3, nil: undefined }),
    securityGroupId: field(sgId, 10),
    description,
  })
  .map(({ ports, ...r }) => ({
    type: T.sgRule,
    name: "rule",
    props: compact({ ...r, ...ports }) as Record<string, unknown>,
  }));

function vpcRule(type: string): fc.Arbitrary<GenResource> {
  return fc
    .record({
      ipProtocol: protocol,
      ports: portPair,
      cidrIpv4: fc.option(ipv4Block, { freq: 5, nil: undefined }),
      cidrIpv6: fc.option(ipv6Block, { freq: 2, nil: undefined }),
      referencedSecurityGroupId: fc.option(field(sgId), { freq: 2, nil: undefined }),
      prefixListId: fc.option(field(prefixListId), { freq: 2, nil: undefined }),
      securityGroupId: field(sgId, 10),
      description,
    })
    .map(({ ports, ...r }) => ({
      type,
      name: "vpc-rule",
      props: compact({ ...r, ...ports }) as Record<string, unknown>,
    }));
}

/** Every resource type that writes security-group grants, in equal measure. */
export const grantResource: fc.Arbitrary<GenResource> = fc.oneof(
  securityGroup(T.sg),
  securityGroup(T.defaultSg),
  securityGroupRule,
  vpcRule(T.vpcIngress),
  vpcRule(T.vpcEgress),
);

// ---------------------------------------------------------------------------------------------------
// Load balancers.

const arn = (kind: string) =>
  fc.constantFrom(`arn:aws:${kind}:us-east-1:123456789012:thing/phi/0123456789abcdef`);
const lbProtocolName = field(
  fc.constantFrom<unknown>(
    "HTTPS",
    "TLS",
    "HTTP",
    "TCP",
    "UDP",
    "TCP_UDP",
    "GENEVE",
    "https",
    "tls",
    "Https",
    " HTTPS",
    "SSL",
    "",
  ),
);
const sslPolicyName = field(
  fc.constantFrom<unknown>(
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "ELBSecurityPolicy-2016-08",
    "ELBSecurityPolicy-TLS-1-2-2017-01",
    "ELBSecurityPolicy-FS-1-2-Res-2020-10",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-0-2021-06",
    "elbsecuritypolicy-tls13-1-2-2021-06",
    "ELBSecurityPolicy-Made-Up",
    "",
  ),
);
const lbPort = field(fc.oneof(fc.constantFrom(443, 80, 8443), fc.integer({ min: -1, max: 70000 })));

const defaultAction = fc.oneof(
  fc.record({
    type: field(fc.constantFrom<unknown>("redirect", "REDIRECT", "forward", "fixed-response")),
    redirect: field(
      fc.record({
        protocol: field(fc.constantFrom<unknown>("HTTPS", "HTTP", "https", "#{protocol}")),
        port: field(fc.constantFrom("443", "80")),
        statusCode: fc.constant("HTTP_301"),
      }),
    ),
    targetGroupArn: fc.option(field(arn("elasticloadbalancing")), { nil: undefined }),
  }),
  fc.constantFrom<unknown>(UNKNOWN, null, "forward"),
);

function listener(type: string): fc.Arbitrary<GenResource> {
  return fc
    .record({
      protocol: lbProtocolName,
      port: lbPort,
      sslPolicy: fc.option(sslPolicyName, { freq: 3, nil: undefined }),
      certificateArn: fc.option(field(arn("acm")), { nil: undefined }),
      loadBalancerArn: field(arn("elasticloadbalancing")),
      defaultActions: list(defaultAction, 2),
      alpnPolicy: fc.option(field(fc.constantFrom("HTTP2Preferred", "None")), { freq: 5, nil: undefined }),
      mutualAuthentication: fc.option(
        field(
          fc.record({
            mode: field(fc.constantFrom<unknown>("verify", "passthrough", "off", "VERIFY", "")),
            trustStoreArn: fc.option(field(arn("elasticloadbalancing")), { freq: 4, nil: undefined }),
          }),
        ),
        { freq: 3, nil: undefined },
      ),
    })
    .map((props) => ({ type, name: "listener", props: compact(props) as Record<string, unknown> }));
}

function targetGroup(type: string): fc.Arbitrary<GenResource> {
  return fc
    .record({
      protocol: fc.option(lbProtocolName, { freq: 8, nil: undefined }),
      port: fc.option(lbPort, { freq: 8, nil: undefined }),
      targetType: fc.option(field(fc.constantFrom<unknown>("instance", "ip", "lambda", "LAMBDA", "alb")), {
        nil: undefined,
      }),
      vpcId,
      protocolVersion: fc.option(field(fc.constantFrom("HTTP1", "HTTP2", "GRPC")), {
        freq: 5,
        nil: undefined,
      }),
      healthCheck: fc.option(
        field(
          fc.record({
            protocol: lbProtocolName,
            path: field(fc.constantFrom("/health")),
            port: field(fc.constantFrom("traffic-port", "443")),
          }),
        ),
        { nil: undefined },
      ),
    })
    .map((props) => ({ type, name: "tg", props: compact(props) as Record<string, unknown> }));
}

const bucketRef = fc.constantFrom(
  "phi-audit-logs",
  "arn:aws:s3:::phi-audit-logs",
  "arn:aws:s3:::phi-audit-logs/prefix",
  "other-bucket",
  "phi-audit-logs-v2",
);

const accessLogs = field(
  fc.record({
    bucket: field(bucketRef),
    enabled: fc.option(field(fc.constantFrom<unknown>(true, false, "true", "false", "TRUE")), {
      nil: undefined,
    }),
    prefix: fc.option(field(fc.constantFrom("lb", "")), { nil: undefined }),
    interval: fc.option(field(fc.constantFrom(5, 60)), { nil: undefined }),
  }),
);

const classicListener = fc.oneof(
  fc.record({
    lbProtocol: field(fc.constantFrom<unknown>("https", "ssl", "http", "tcp", "HTTPS", "SSL", "Ssl", "")),
    instanceProtocol: field(fc.constantFrom<unknown>("https", "ssl", "http", "tcp", "HTTPS", "")),
    lbPort: lbPort,
    instancePort: lbPort,
    sslCertificateId: fc.option(field(arn("acm")), { nil: undefined }),
  }),
  fc.constantFrom<unknown>(UNKNOWN, null, "https"),
);

export const classicElb: fc.Arbitrary<GenResource> = fc
  .record({
    listeners: list(classicListener, 3),
    internal: fc.option(field(fc.constantFrom<unknown>(true, false, "true")), { nil: undefined }),
    accessLogs: fc.option(accessLogs, { nil: undefined }),
    subnets: field(fc.constant(["subnet-0123456789abcdef0"])),
    crossZoneLoadBalancing: fc.option(field(fc.boolean()), { nil: undefined }),
  })
  .map((props) => ({ type: T.classicElb, name: "elb", props: compact(props) as Record<string, unknown> }));

function loadBalancer(type: string): fc.Arbitrary<GenResource> {
  return fc
    .record({
      internal: fc.option(field(fc.constantFrom<unknown>(true, false, "true")), { nil: undefined }),
      loadBalancerType: fc.option(
        field(fc.constantFrom<unknown>("application", "network", "gateway", "APPLICATION")),
        { nil: undefined },
      ),
      dropInvalidHeaderFields: fc.option(field(fc.boolean()), { nil: undefined }),
      enableDeletionProtection: fc.option(field(fc.boolean()), { nil: undefined }),
      accessLogs: fc.option(accessLogs, { freq: 4, nil: undefined }),
      connectionLogs: fc.option(accessLogs, { freq: 2, nil: undefined }),
    })
    .map((props) => ({ type, name: "lb", props: compact(props) as Record<string, unknown> }));
}

export const loadBalancerResource: fc.Arbitrary<GenResource> = fc.oneof(
  listener(T.listeners[0]),
  listener(T.listeners[1]),
  targetGroup(T.targetGroups[0]),
  targetGroup(T.targetGroups[1]),
  classicElb,
  loadBalancer(T.loadBalancers[0]),
  loadBalancer(T.loadBalancers[1]),
);

// ---------------------------------------------------------------------------------------------------
// S3 buckets and object lock.

const retention = field(
  fc.record({
    defaultRetention: field(
      fc.record({
        mode: field(fc.constantFrom<unknown>("COMPLIANCE", "GOVERNANCE", "compliance", "Compliance", "")),
        days: fc.option(
          field(
            fc.oneof(
              fc.constantFrom(2190, 2191, 2189, 1, 0, -1, 36500),
              fc.integer({ min: -10, max: 40000 }),
              // Decimal text the provider reads as the number, and text it may read otherwise.
              fc.constantFrom<unknown>("2190", "2189", "30", "02190", "2190.0", " 2190"),
            ),
          ),
          { nil: undefined },
        ),
        years: fc.option(field(fc.constantFrom<unknown>(6, 7, 5, 0, 100, "6", "5")), {
          freq: 3,
          nil: undefined,
        }),
      }),
    ),
  }),
);

const TLS_ONLY_POLICY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: ["arn:aws:s3:::phi-audit-logs", "arn:aws:s3:::phi-audit-logs/*"],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
  ],
});

function bucket(type: string): fc.Arbitrary<GenResource> {
  return fc
    .record({
      bucket: field(fc.constantFrom("phi-audit-logs", "phi-audit-logs-v2", "other-bucket")),
      arn: fc.option(field(fc.constantFrom("arn:aws:s3:::phi-audit-logs")), { nil: undefined }),
      forceDestroy: fc.option(field(fc.constantFrom<unknown>(true, false, "true", "false")), {
        nil: undefined,
      }),
      objectLockEnabled: fc.option(field(fc.constantFrom<unknown>(true, false, "true", "Enabled")), {
        nil: undefined,
      }),
      objectLockConfiguration: fc.option(
        field(
          fc.record({
            objectLockEnabled: field(fc.constantFrom<unknown>("Enabled", "Disabled", true)),
            rule: fc.option(retention, { nil: undefined }),
          }),
        ),
        { freq: 3, nil: undefined },
      ),
      serverSideEncryptionConfiguration: fc.option(
        field(
          fc.record({
            rule: field(
              fc.record({
                applyServerSideEncryptionByDefault: field(
                  fc.record({
                    sseAlgorithm: field(fc.constantFrom<unknown>("AES256", "aws:kms", "aws:kms:dsse")),
                  }),
                ),
              }),
            ),
          }),
        ),
        { freq: 4, nil: undefined },
      ),
      logging: fc.option(field(fc.record({ targetBucket: field(bucketRef) })), { freq: 4, nil: undefined }),
      versioning: fc.option(
        field(
          fc.record({
            enabled: field(fc.boolean()),
            mfaDelete: fc.option(field(fc.boolean()), { nil: undefined }),
          }),
        ),
        { nil: undefined },
      ),
      policy: fc.option(
        field(
          fc.constantFrom<unknown>(TLS_ONLY_POLICY, "{not json", "{}", JSON.stringify({ Statement: {} })),
        ),
        { nil: undefined },
      ),
      tags: fc.option(
        field(
          fc.constantFrom(
            { purpose: "audit-logs" },
            { "phi-channels:data-classification": "audit-log" },
            { "phi-channels:data-classification": "AUDIT-LOG" },
          ),
        ),
        { nil: undefined },
      ),
    })
    .map((props) => ({ type, name: "bucket", props: compact(props) as Record<string, unknown> }));
}

function objectLock(type: string): fc.Arbitrary<GenResource> {
  return fc
    .record({
      bucket: field(bucketRef),
      objectLockEnabled: fc.option(field(fc.constantFrom<unknown>("Enabled", "Disabled")), {
        nil: undefined,
      }),
      rule: fc.option(retention, { freq: 6, nil: undefined }),
      expectedBucketOwner: fc.option(field(fc.constantFrom("123456789012")), { freq: 4, nil: undefined }),
    })
    .map((props) => ({ type, name: "lock", props: compact(props) as Record<string, unknown> }));
}

export const s3Resource: fc.Arbitrary<GenResource> = fc.oneof(
  bucket(T.buckets[0]),
  bucket(T.buckets[1]),
  objectLock(T.objectLocks[0]),
  objectLock(T.objectLocks[1]),
);

// ---------------------------------------------------------------------------------------------------
// Keys, certificates, subnets and the TLS settings of other services.

function resource(type: string, name: string, props: fc.Arbitrary<Record<string, unknown>>) {
  return props.map((p) => ({ type, name, props: compact(p) as Record<string, unknown> }));
}

const opt = <V>(a: fc.Arbitrary<V>, freq = 2) => fc.option(a, { freq, nil: undefined });

export const kmsKey: fc.Arbitrary<GenResource> = resource(
  T.kmsKey,
  "key",
  fc.record({
    description: opt(description),
    customerMasterKeySpec: opt(
      field(fc.constantFrom<unknown>("SYMMETRIC_DEFAULT", "symmetric_default", "RSA_2048", "ECC_NIST_P256")),
    ),
    keyUsage: opt(field(fc.constantFrom<unknown>("ENCRYPT_DECRYPT", "SIGN_VERIFY", "GENERATE_VERIFY_MAC"))),
    enableKeyRotation: opt(field(fc.constantFrom<unknown>(true, false, "true", "false")), 4),
    rotationPeriodInDays: opt(field(fc.constantFrom(90, 365, 2560))),
    deletionWindowInDays: opt(field(fc.constantFrom(7, 30))),
  }),
);

// ---------------------------------------------------------------------------------------------------
// aws-native (Cloud Control) shapes of the same resources: the CloudFormation properties in camelCase,
// judged as the classic resources (policies/src/shapes/).

export const N = {
  sg: "aws-native:ec2:SecurityGroup",
  sgIngress: "aws-native:ec2:SecurityGroupIngress",
  sgEgress: "aws-native:ec2:SecurityGroupEgress",
  listener: "aws-native:elasticloadbalancingv2:Listener",
  loadBalancer: "aws-native:elasticloadbalancingv2:LoadBalancer",
  bucket: "aws-native:s3:Bucket",
  kmsKey: "aws-native:kms:Key",
  searchDomain: "aws-native:opensearchservice:Domain",
  ecsService: "aws-native:ecs:Service",
  trail: "aws-native:cloudtrail:Trail",
  cfnStack: "aws:cloudformation/stack:Stack",
} as const;

/** One `securityGroupIngress` / `securityGroupEgress` entry (scalar peers: cidrIp, cidrIpv6, one group). */
function nativeRuleFields(direction: "ingress" | "egress") {
  const peer = direction === "ingress" ? "sourceSecurityGroupId" : "destinationSecurityGroupId";
  const prefixList = direction === "ingress" ? "sourcePrefixListId" : "destinationPrefixListId";
  return fc
    .record({
      ipProtocol: protocol,
      ports: portPair,
      cidrIp: opt(ipv4Block, 5),
      cidrIpv6: opt(ipv6Block, 2),
      [peer]: opt(field(sgId)),
      [prefixList]: opt(field(prefixListId), 1),
      description,
    })
    .map(({ ports, ...r }) => ({ ...r, ...(ports as object) }));
}

const nativeInlineRule = (direction: "ingress" | "egress") =>
  fc.oneof(
    { weight: 20, arbitrary: nativeRuleFields(direction) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(UNKNOWN, null, "tcp/443", 443, []) },
  );

export const nativeSecurityGroup: fc.Arbitrary<GenResource> = resource(
  N.sg,
  "native-sg",
  fc.record({
    groupDescription: description,
    vpcId,
    securityGroupIngress: list(nativeInlineRule("ingress"), 3),
    securityGroupEgress: opt(list(nativeInlineRule("egress"), 2), 6),
  }),
);

function nativeRuleResource(type: string, direction: "ingress" | "egress"): fc.Arbitrary<GenResource> {
  return nativeRuleFields(direction).chain((rule) =>
    resource(type, "native-rule", fc.constant({ ...rule, groupId: "sg-0123456789abcdef0" })),
  );
}

export const nativeListener: fc.Arbitrary<GenResource> = resource(
  N.listener,
  "native-listener",
  fc.record({
    protocol: lbProtocolName,
    port: lbPort,
    sslPolicy: opt(sslPolicyName, 3),
    certificates: opt(list(fc.record({ certificateArn: field(arn("acm")) }), 1)),
    loadBalancerArn: field(arn("elasticloadbalancing")),
    defaultActions: list(
      fc.oneof(
        fc.record({
          type: field(fc.constantFrom<unknown>("redirect", "forward", "fixed-response")),
          redirectConfig: field(
            fc.record({
              protocol: field(fc.constantFrom<unknown>("HTTPS", "HTTP", "https", "#{protocol}")),
              port: field(fc.constantFrom("443", "80")),
              statusCode: fc.constant("HTTP_301"),
            }),
          ),
        }),
        fc.constantFrom<unknown>(UNKNOWN, null, "forward"),
      ),
      2,
    ),
  }),
);

const attributeEntry = (key: string, value: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 10, arbitrary: fc.record({ key: fc.constant(key), value }) },
    { weight: 1, arbitrary: fc.record({ key: field(fc.constant(key)), value }) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(UNKNOWN, null) },
  );

export const nativeLoadBalancer: fc.Arbitrary<GenResource> = resource(
  N.loadBalancer,
  "native-lb",
  fc.record({
    scheme: opt(field(fc.constantFrom<unknown>("internal", "internet-facing", "INTERNAL", ""))),
    type: opt(field(fc.constantFrom<unknown>("application", "network", "gateway"))),
    subnets: field(fc.constant(["subnet-0123456789abcdef0"])),
    loadBalancerAttributes: opt(
      field(
        fc
          .tuple(
            opt(
              attributeEntry("access_logs.s3.enabled", field(fc.constantFrom<unknown>("true", "false"))),
              4,
            ),
            opt(attributeEntry("access_logs.s3.bucket", field(bucketRef)), 4),
            opt(
              attributeEntry("deletion_protection.enabled", field(fc.constantFrom<unknown>("true", "false"))),
            ),
            opt(
              attributeEntry(
                "routing.http.drop_invalid_header_fields.enabled",
                field(fc.constantFrom<unknown>("true", "false")),
              ),
            ),
          )
          .map((entries) => entries.filter((e) => e !== undefined)),
      ),
      6,
    ),
  }),
);

export const nativeBucket: fc.Arbitrary<GenResource> = resource(
  N.bucket,
  "native-bucket",
  fc.record({
    bucketName: field(fc.constantFrom("phi-audit-logs", "other-bucket")),
    arn: opt(field(fc.constantFrom("arn:aws:s3:::phi-audit-logs"))),
    objectLockEnabled: opt(field(fc.constantFrom<unknown>(true, false, "true"))),
    objectLockConfiguration: opt(
      field(
        fc.record({
          objectLockEnabled: opt(field(fc.constantFrom<unknown>("Enabled", "Disabled")), 6),
          rule: opt(retention, 6),
        }),
      ),
    ),
    versioningConfiguration: opt(
      field(fc.record({ status: field(fc.constantFrom<unknown>("Enabled", "Suspended", "enabled")) })),
    ),
    publicAccessBlockConfiguration: opt(
      field(
        fc.record({
          blockPublicAcls: field(fc.boolean()),
          blockPublicPolicy: field(fc.boolean()),
          ignorePublicAcls: field(fc.boolean()),
          restrictPublicBuckets: field(fc.boolean()),
        }),
      ),
    ),
    tags: opt(field(fc.constant([{ key: "phi-channels:data-classification", value: "audit-log" }]))),
  }),
);

export const nativeKmsKey: fc.Arbitrary<GenResource> = resource(
  N.kmsKey,
  "native-key",
  fc.record({
    keySpec: opt(field(fc.constantFrom<unknown>("SYMMETRIC_DEFAULT", "RSA_2048", "HMAC_256"))),
    keyUsage: opt(field(fc.constantFrom<unknown>("ENCRYPT_DECRYPT", "SIGN_VERIFY"))),
    enableKeyRotation: opt(field(fc.constantFrom<unknown>(true, false, "true", "false")), 4),
  }),
);

/** OpenSearch domain: node-to-node and at-rest encryption, the endpoint's TLS policy, VPC or public. */
export const nativeSearchDomain: fc.Arbitrary<GenResource> = resource(
  N.searchDomain,
  "native-search",
  fc.record({
    domainName: opt(field(fc.constantFrom("search"))),
    nodeToNodeEncryptionOptions: opt(field(fc.record({ enabled: opt(field(fc.boolean()), 6) })), 6),
    encryptionAtRestOptions: opt(
      field(
        fc.record({
          enabled: opt(field(fc.boolean()), 6),
          kmsKeyId: opt(field(fc.constantFrom("arn:aws:kms:us-east-1:111122223333:key/1", "alias/aws/es"))),
        }),
      ),
      6,
    ),
    domainEndpointOptions: opt(
      field(
        fc.record({
          enforceHttps: opt(field(fc.boolean()), 6),
          tlsSecurityPolicy: opt(
            field(
              fc.constantFrom<unknown>(
                "Policy-Min-TLS-1-0-2019-07",
                "Policy-Min-TLS-1-2-2019-07",
                "Policy-Min-TLS-1-2-PFS-2023-10",
                "policy-min-tls-1-2-pfs-2023-10",
              ),
            ),
            6,
          ),
        }),
      ),
      6,
    ),
    vpcOptions: opt(field(fc.record({ subnetIds: list(field(fc.constantFrom("subnet-1", "subnet-2"))) })), 6),
  }),
);

/** ECS service: awsvpcConfiguration.assignPublicIp as CloudFormation spells it (ENABLED / DISABLED). */
export const nativeEcsService: fc.Arbitrary<GenResource> = resource(
  N.ecsService,
  "native-service",
  fc.record({
    cluster: opt(field(fc.constantFrom("phi"))),
    networkConfiguration: opt(
      field(
        fc.record({
          awsvpcConfiguration: opt(
            field(
              fc.record({
                assignPublicIp: opt(
                  field(fc.constantFrom<unknown>("ENABLED", "DISABLED", "enabled", "true", true, false)),
                  6,
                ),
                subnets: opt(list(field(fc.constantFrom("subnet-1")))),
              }),
            ),
            6,
          ),
        }),
      ),
      6,
    ),
  }),
);

/** CloudTrail trail: isLogging (required by CloudFormation), log file validation, its bucket. */
export const nativeTrail: fc.Arbitrary<GenResource> = resource(
  N.trail,
  "native-trail",
  fc.record({
    isLogging: opt(field(fc.constantFrom<unknown>(true, false, "true", "false")), 8),
    enableLogFileValidation: opt(field(fc.constantFrom<unknown>(true, false, "true")), 4),
    s3BucketName: opt(field(fc.constantFrom("phi-audit-logs", "other-bucket")), 8),
  }),
);

const OPEN_SSH_TEMPLATE = JSON.stringify({
  Resources: {
    WebSg: {
      Type: "AWS::EC2::SecurityGroup",
      Properties: {
        GroupDescription: "web",
        VpcId: { Ref: "Vpc" },
        SecurityGroupIngress: [{ IpProtocol: "tcp", FromPort: 22, ToPort: 22, CidrIp: "0.0.0.0/0" }],
      },
    },
  },
});
const UNROTATED_KEY_TEMPLATE = [
  "Resources:",
  "  Key:",
  "    Type: AWS::KMS::Key",
  "    Properties:",
  "      EnableKeyRotation: false",
  "      KeyPolicy: { Version: '2012-10-17', Statement: [] }",
  "  Http:",
  "    Type: AWS::ElasticLoadBalancingV2::Listener",
  "    Properties: { LoadBalancerArn: !Ref Lb, Protocol: HTTP, Port: 80 }",
  "",
].join("\n");

/** A CloudFormation stack: inline templates (judged), unreadable bodies, URL-only templates. */
export const cfnStack: fc.Arbitrary<GenResource> = resource(
  N.cfnStack,
  "cfn-stack",
  fc.record({
    templateBody: opt(
      field(fc.constantFrom<unknown>(OPEN_SSH_TEMPLATE, UNROTATED_KEY_TEMPLATE, "Resources: [", "{}", "[]")),
      6,
    ),
    templateUrl: opt(field(fc.constantFrom("https://s3.amazonaws.com/templates/t.yaml"))),
  }),
);

/** The aws-native resources, in equal measure. */
export const nativeResource: fc.Arbitrary<GenResource> = fc.oneof(
  nativeSecurityGroup,
  nativeRuleResource(N.sgIngress, "ingress"),
  nativeRuleResource(N.sgEgress, "egress"),
  nativeListener,
  nativeLoadBalancer,
  nativeBucket,
  nativeKmsKey,
  nativeSearchDomain,
  nativeEcsService,
  nativeTrail,
  cfnStack,
);

export const privateKey: fc.Arbitrary<GenResource> = resource(
  T.privateKey,
  "tls-key",
  fc.record({
    algorithm: field(fc.constantFrom<unknown>("RSA", "ECDSA", "ED25519", "rsa", "ecdsa", "DSA", "")),
    rsaBits: opt(field(fc.constantFrom<unknown>(1024, 2048, 2047, 3072, 4096, 2048.5, "2048"))),
    ecdsaCurve: opt(field(fc.constantFrom<unknown>("P224", "P256", "P384", "P521", "p256", ""))),
  }),
);

export const acmCertificate: fc.Arbitrary<GenResource> = resource(
  T.acmCertificate,
  "cert",
  fc.record({
    domainName: field(fc.constantFrom("phi.example.internal")),
    keyAlgorithm: opt(
      field(
        fc.constantFrom<unknown>(
          "RSA_2048",
          "RSA_1024",
          "RSA_4096",
          "EC_prime256v1",
          "EC_secp384r1",
          "rsa_2048",
          "",
        ),
      ),
      4,
    ),
    validationMethod: opt(field(fc.constantFrom("DNS", "EMAIL"))),
  }),
);

function subnet(type: string): fc.Arbitrary<GenResource> {
  return resource(
    type,
    "subnet",
    fc.record({
      vpcId,
      cidrBlock: opt(ipv4Block, 4),
      availabilityZone: opt(field(fc.constantFrom("us-east-1a"))),
      mapPublicIpOnLaunch: opt(field(fc.constantFrom<unknown>(true, false, "true", "false", "TRUE")), 6),
      assignIpv6AddressOnCreation: opt(field(fc.boolean()), 3),
      ipv6Native: opt(field(fc.boolean()), 1),
      id: opt(field(fc.constant("subnet-0123456789abcdef0")), 3),
    }),
  );
}

const viewerCertificate = opt(
  field(
    fc.record({
      cloudfrontDefaultCertificate: opt(field(fc.constantFrom<unknown>(true, false, "true")), 4),
      acmCertificateArn: opt(field(arn("acm"))),
      minimumProtocolVersion: opt(
        field(
          fc.constantFrom<unknown>(
            "TLSv1",
            "TLSv1.2_2021",
            "TLSv1.2_2018",
            "TLSv1.3_2025",
            "SSLv3",
            "TLSv9",
            "",
          ),
        ),
        4,
      ),
      sslSupportMethod: opt(field(fc.constantFrom("sni-only", "vip"))),
    }),
  ),
  8,
);

const viewerProtocolPolicy = field(
  fc.constantFrom<unknown>("https-only", "redirect-to-https", "allow-all", "HTTPS-ONLY", "https", ""),
);

const cacheBehavior = fc.record({
  pathPattern: field(fc.constantFrom("/api/*", "/docs/*")),
  targetOriginId: field(fc.constantFrom("api", "docs")),
  viewerProtocolPolicy,
});

const originSslProtocols = list(
  field(fc.constantFrom<unknown>("TLSv1.2", "TLSv1.1", "TLSv1", "SSLv3", "TLSv1.3", "tlsv1.2")),
  2,
);

const customOriginConfig = fc.record({
  httpPort: field(fc.constantFrom(80)),
  httpsPort: field(fc.constantFrom(443, 8443)),
  originProtocolPolicy: field(
    fc.constantFrom<unknown>("https-only", "http-only", "match-viewer", "HTTPS-ONLY", "https"),
  ),
  originSslProtocols,
});

const cdnOrigin = fc.record({
  originId: field(fc.constantFrom("api", "docs")),
  domainName: field(fc.constantFrom("api.phi.example", "docs.s3.amazonaws.com")),
  customOriginConfig: opt(field(customOriginConfig), 6),
});

const cloudFrontCommon = {
  enabled: field(fc.boolean()),
  viewerCertificate,
  defaultCacheBehavior: opt(
    field(fc.record({ targetOriginId: field(fc.constantFrom("api")), viewerProtocolPolicy })),
    8,
  ),
  origins: opt(list(cdnOrigin, 2), 6),
};

export const cloudFrontDistribution: fc.Arbitrary<GenResource> = resource(
  T.cloudFront,
  "cdn",
  fc.record({
    ...cloudFrontCommon,
    orderedCacheBehaviors: opt(list(cacheBehavior, 2)),
    loggingConfig: opt(field(fc.record({ bucket: field(bucketRef.map((b) => `${b}.s3.amazonaws.com`)) }))),
  }),
);

export const cloudFrontMultitenant: fc.Arbitrary<GenResource> = resource(
  T.cloudFrontMultitenant,
  "cdn-mt",
  fc.record({ ...cloudFrontCommon, cacheBehaviors: opt(list(cacheBehavior, 2)) }),
);

export const cloudFrontVpcOrigin: fc.Arbitrary<GenResource> = resource(
  T.cloudFrontVpcOrigin,
  "vpc-origin",
  fc.record({
    vpcOriginEndpointConfig: opt(
      field(
        fc.record({
          name: field(fc.constantFrom("api")),
          arn: field(arn("elasticloadbalancing")),
          httpPort: field(fc.constantFrom(80)),
          httpsPort: field(fc.constantFrom(443)),
          originProtocolPolicy: customOriginConfig.map((c) => c.originProtocolPolicy),
          originSslProtocols: opt(
            field(fc.record({ items: originSslProtocols, quantity: field(fc.constantFrom(1)) })),
            6,
          ),
        }),
      ),
      8,
    ),
  }),
);

const endpointTypes = opt(
  field(
    fc.record({
      types: field(
        fc.constantFrom<unknown>("EDGE", "REGIONAL", "PRIVATE", "regional", ["REGIONAL"], "GLOBAL"),
      ),
    }),
  ),
  4,
);

const apiGatewayPolicy = field(
  fc.constantFrom<unknown>(
    "TLS_1_0",
    "TLS_1_2",
    "SecurityPolicy_TLS13_1_3_2025_09",
    "SecurityPolicy_TLS13_2025_EDGE",
    "SecurityPolicy_TLS13_1_2_PQ_2025_09",
    "tls_1_2",
    "TLS_9_9",
    "",
  ),
);

export const restApi: fc.Arbitrary<GenResource> = resource(
  T.restApi,
  "rest-api",
  fc.record({
    name: field(fc.constantFrom("claims")),
    securityPolicy: opt(apiGatewayPolicy, 6),
    endpointAccessMode: opt(field(fc.constantFrom("BASIC", "STRICT"))),
    endpointConfiguration: endpointTypes,
    disableExecuteApiEndpoint: opt(field(fc.constantFrom<unknown>(true, false, "true")), 4),
  }),
);

const accessLogSettings = opt(
  field(
    fc.record({
      destinationArn: opt(field(arn("logs")), 8),
      format: opt(field(fc.constantFrom('{"requestId":"$context.requestId"}', "")), 8),
    }),
  ),
  6,
);

export const apiStage: fc.Arbitrary<GenResource> = resource(
  T.apiStage,
  "stage",
  fc.record({
    restApi: field(fc.constantFrom("api-1")),
    stageName: field(fc.constantFrom("prod")),
    accessLogSettings,
  }),
);

export const apiV2Stage: fc.Arbitrary<GenResource> = resource(
  T.apiV2Stage,
  "stage-v2",
  fc.record({
    apiId: field(fc.constantFrom("api-2")),
    name: field(fc.constantFrom("$default")),
    accessLogSettings,
  }),
);

export const apiV2Api: fc.Arbitrary<GenResource> = resource(
  T.apiV2Api,
  "http-api",
  fc.record({
    protocolType: field(fc.constantFrom("HTTP", "WEBSOCKET")),
    target: opt(field(arn("lambda"))),
  }),
);

export const apiGatewayDomain: fc.Arbitrary<GenResource> = resource(
  T.apiGatewayDomain,
  "api-domain",
  fc.record({
    domainName: field(fc.constantFrom("api.phi.example")),
    securityPolicy: opt(apiGatewayPolicy, 6),
    regionalCertificateArn: opt(field(arn("acm"))),
    endpointConfiguration: endpointTypes,
  }),
);

export const apiGatewayV2Domain: fc.Arbitrary<GenResource> = resource(
  T.apiGatewayV2Domain,
  "api-domain-v2",
  fc.record({
    domainName: field(fc.constantFrom("api.phi.example")),
    domainNameConfiguration: opt(
      field(
        fc.record({
          certificateArn: field(arn("acm")),
          endpointType: field(fc.constantFrom("REGIONAL")),
          securityPolicy: opt(apiGatewayPolicy, 6),
        }),
      ),
      8,
    ),
  }),
);

function searchDomain(type: string): fc.Arbitrary<GenResource> {
  return resource(
    type,
    "search",
    fc.record({
      domainName: field(fc.constantFrom("phi-search")),
      domainEndpointOptions: opt(
        field(
          fc.record({
            enforceHttps: opt(field(fc.constantFrom<unknown>(true, false, "true")), 6),
            tlsSecurityPolicy: opt(
              field(
                fc.constantFrom<unknown>(
                  "Policy-Min-TLS-1-2-PFS-2023-10",
                  "Policy-Min-TLS-1-2-2019-07",
                  "Policy-Min-TLS-1-0-2019-07",
                  "Policy-Made-Up",
                  "",
                ),
              ),
              6,
            ),
          }),
        ),
        8,
      ),
    }),
  );
}

export const transferServer: fc.Arbitrary<GenResource> = resource(
  T.transferServer,
  "sftp",
  fc.record({
    protocols: opt(list(field(fc.constantFrom<unknown>("SFTP", "FTPS", "FTP", "AS2", "ftps")), 2)),
    securityPolicyName: opt(
      field(
        fc.constantFrom<unknown>(
          "TransferSecurityPolicy-2024-01",
          "TransferSecurityPolicy-2018-11",
          "TransferSecurityPolicy-2020-06",
          "TransferSecurityPolicy-FIPS-2024-05",
          "TransferSecurityPolicy-Nope",
          "",
        ),
      ),
      6,
    ),
  }),
);

const sslAttribute = fc.oneof(
  fc.record({
    name: field(
      fc.constantFrom<unknown>(
        "Reference-Security-Policy",
        "Protocol-TLSv1",
        "Protocol-TLSv1.2",
        "ECDHE-RSA-AES128-GCM-SHA256",
        "AES128-SHA",
        "Server-Defined-Cipher-Order",
      ),
    ),
    value: field(
      fc.constantFrom<unknown>(
        "true",
        "false",
        true,
        "ELBSecurityPolicy-TLS-1-2-2017-01",
        "ELBSecurityPolicy-2016-08",
        "ELBSecurityPolicy-Made-Up",
      ),
    ),
  }),
  fc.constantFrom<unknown>(UNKNOWN, null, "Protocol-TLSv1.2"),
);

export const classicSslNegotiationPolicy: fc.Arbitrary<GenResource> = resource(
  T.classicSslNegotiation,
  "ssl-negotiation",
  fc.record({
    loadBalancer: field(fc.constantFrom("phi-elb")),
    lbPort: opt(lbPort),
    attributes: opt(list(sslAttribute, 4), 6),
  }),
);

export const classicLoadBalancerPolicy: fc.Arbitrary<GenResource> = resource(
  T.classicLbPolicy,
  "lb-policy",
  fc.record({
    loadBalancerName: field(fc.constantFrom("phi-elb")),
    policyName: field(fc.constantFrom("phi-tls")),
    policyTypeName: field(
      fc.constantFrom<unknown>(
        "SSLNegotiationPolicyType",
        "sslnegotiationpolicytype",
        "ProxyProtocolPolicyType",
      ),
    ),
    policyAttributes: opt(list(sslAttribute, 4), 6),
  }),
);

// Resources that may have a public endpoint (phi-no-public-endpoints): one per way the setting is written.

const flag = field(fc.constantFrom<unknown>(true, false, "true", "false", "yes"));

const rdsInstance = resource(
  T.rdsInstance,
  "db",
  fc.record({
    engine: field(fc.constantFrom("postgres", "mysql")),
    instanceClass: field(fc.constantFrom("db.t3.micro")),
    publiclyAccessible: opt(flag, 6),
  }),
);

const mskCluster = resource(
  T.mskCluster,
  "kafka",
  fc.record({
    clusterName: field(fc.constantFrom("events")),
    brokerNodeGroupInfo: field(
      fc.record({
        instanceType: field(fc.constantFrom("kafka.m5.large")),
        connectivityInfo: opt(
          field(
            fc.record({
              publicAccess: opt(
                field(
                  fc.record({
                    type: opt(
                      field(fc.constantFrom<unknown>("DISABLED", "SERVICE_PROVIDED_EIPS", "disabled")),
                      6,
                    ),
                  }),
                ),
                6,
              ),
            }),
          ),
          6,
        ),
      }),
    ),
  }),
);

const launchTemplate = resource(
  T.launchTemplate,
  "lt",
  fc.record({
    imageId: field(fc.constantFrom("ami-0123")),
    networkInterfaces: opt(
      list(
        fc.record({
          deviceIndex: field(fc.constantFrom(0, 1)),
          associatePublicIpAddress: opt(field(fc.constantFrom<unknown>("true", "false", true, "")), 6),
        }),
      ),
      6,
    ),
  }),
);

const ecsService = resource(
  T.ecsService,
  "svc",
  fc.record({
    cluster: field(fc.constantFrom("phi")),
    networkConfiguration: opt(
      field(fc.record({ subnets: field(fc.constant(["subnet-1"])), assignPublicIp: opt(flag, 6) })),
      6,
    ),
  }),
);

const eksCluster = resource(
  T.eksCluster,
  "eks",
  fc.record({
    roleArn: field(arn("iam")),
    vpcConfig: field(
      fc.record({
        subnetIds: field(fc.constant(["subnet-1"])),
        endpointPublicAccess: opt(flag, 6),
        endpointPrivateAccess: opt(flag),
      }),
    ),
  }),
);

const eip = resource(
  T.eip,
  "eip",
  fc.record({
    domain: opt(field(fc.constantFrom("vpc"))),
    instance: opt(field(fc.constantFrom("i-0123456789abcdef0", ""))),
    networkInterface: opt(field(fc.constantFrom("eni-0123456789abcdef0"))),
  }),
);

const serverlessSecurityPolicy = resource(
  T.serverlessSecurityPolicy,
  "aoss-network",
  fc.record({
    name: field(fc.constantFrom("phi-network")),
    type: field(fc.constantFrom<unknown>("network", "encryption", "NETWORK")),
    policy: field(
      fc.constantFrom<unknown>(
        JSON.stringify([{ Rules: [], AllowFromPublic: false, SourceVPCEs: ["vpce-1"] }]),
        JSON.stringify([{ Rules: [], AllowFromPublic: true }]),
        JSON.stringify({ Rules: [], AWSOwnedKey: true }),
        "{not json",
      ),
    ),
  }),
);

export const publicEndpointResource: fc.Arbitrary<GenResource> = fc.oneof(
  rdsInstance,
  mskCluster,
  launchTemplate,
  ecsService,
  eksCluster,
  eip,
  serverlessSecurityPolicy,
);

export const trail: fc.Arbitrary<GenResource> = resource(
  T.trail,
  "trail",
  fc.record({
    s3BucketName: field(bucketRef),
    enableLogging: opt(field(fc.constantFrom<unknown>(true, false, "true", "false", "0")), 6),
    enableLogFileValidation: opt(field(fc.constantFrom<unknown>(true, false, "true", "false")), 6),
    isMultiRegionTrail: opt(field(fc.boolean())),
  }),
);

// ---------------------------------------------------------------------------------------------------
// Data services: databases with their parameter and option groups, caches, streams, queues and topics.

const bool = field(fc.constantFrom<unknown>(true, false, "true", "false"));
const kmsKeyRef = field(
  fc.constantFrom(
    "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    "alias/aws/rds",
    "alias/aws/sqs",
    "",
  ),
);
/** Group names: the stack's own groups (`pg`, `cpg`, …), a default group, and one outside the stack. */
const groupRef = (own: string) =>
  field(
    fc.constantFrom(
      own,
      `arn:aws:rds:us-east-1:123456789012:pg:${own}`,
      "default.postgres14",
      "shared-group",
    ),
  );
const engineVersion = field(
  fc.constantFrom("14.10", "16.3", "8.0.36", "9.7.0", "10.4.34", "11.8.1", "5.0.0"),
);

const dsRdsInstance = resource(
  T.rdsInstance,
  "db",
  fc.record({
    engine: opt(
      field(
        fc.constantFrom<unknown>(
          "postgres",
          "mysql",
          "mariadb",
          "sqlserver-se",
          "oracle-ee",
          "db2-se",
          "postgress",
        ),
      ),
      8,
    ),
    engineVersion: opt(engineVersion, 6),
    parameterGroupName: opt(groupRef("pg"), 4),
    optionGroupName: opt(field(fc.constantFrom("og", "default:oracle-ee-19")), 2),
    storageEncrypted: opt(bool, 6),
    kmsKeyId: opt(kmsKeyRef),
    replicateSourceDb: opt(field(fc.constantFrom("source-db")), 1),
  }),
);

const rdsCluster = resource(
  T.rdsCluster,
  "aurora",
  fc.record({
    engine: field(
      fc.constantFrom<unknown>("aurora-postgresql", "aurora-mysql", "postgres", "mysql", "aurora"),
    ),
    engineVersion: opt(engineVersion, 4),
    engineMode: opt(field(fc.constantFrom<unknown>("provisioned", "serverless", ""))),
    dbClusterParameterGroupName: opt(groupRef("cpg"), 4),
    storageEncrypted: opt(bool, 6),
    kmsKeyId: opt(kmsKeyRef),
  }),
);

const rdsGlobalCluster = resource(
  T.rdsGlobalCluster,
  "global",
  fc.record({
    storageEncrypted: opt(bool, 6),
    sourceDbClusterIdentifier: opt(field(fc.constantFrom("arn:aws:rds:us-east-1:123456789012:cluster:c"))),
  }),
);

const docdbCluster = resource(
  T.docdbCluster,
  "docs",
  fc.record({
    engine: opt(field(fc.constantFrom<unknown>("docdb", "mongodb"))),
    dbClusterParameterGroupName: opt(
      field(fc.constantFrom("docs-pg", "default.docdb5.0", "shared-group")),
      4,
    ),
    storageEncrypted: opt(bool, 6),
    kmsKeyId: opt(kmsKeyRef),
  }),
);

const redshiftCluster = resource(
  T.redshiftCluster,
  "dw",
  fc.record({
    clusterParameterGroupName: opt(
      field(fc.constantFrom("dw-pg", "default.redshift-2.0", "shared-group")),
      6,
    ),
    encrypted: opt(bool, 4),
    kmsKeyId: opt(kmsKeyRef),
  }),
);

const parameter = (names: readonly string[], values: readonly unknown[]) =>
  fc.record({ name: field(fc.constantFrom(...names)), value: field(fc.constantFrom(...values)) });

function parameterGroup(type: string, name: string, families: readonly string[], p: fc.Arbitrary<unknown>) {
  return resource(
    type,
    name,
    fc.record({
      name: field(fc.constant(name)),
      arn: opt(field(fc.constant(`arn:aws:rds:us-east-1:123456789012:pg:${name}`))),
      family: field(fc.constantFrom(...families)),
      parameters: opt(list(p, 2), 6),
    }),
  );
}

const rdsParameterGroup = parameterGroup(
  T.rdsParameterGroup,
  "pg",
  ["postgres14", "postgres16", "mysql8.0", "mariadb10.11", "sqlserver-se-16.0", "oracle-ee-19"],
  parameter(["rds.force_ssl", "require_secure_transport", "log_connections"], ["1", "0", "ON", "OFF", 1]),
);
const rdsClusterParameterGroup = parameterGroup(
  T.rdsClusterParameterGroup,
  "cpg",
  ["aurora-postgresql16", "aurora-mysql8.0", "postgres16", "mysql8.0"],
  parameter(["rds.force_ssl", "require_secure_transport"], ["1", "0", "ON", "OFF"]),
);
const docdbClusterParameterGroup = parameterGroup(
  T.docdbClusterParameterGroup,
  "docs-pg",
  ["docdb5.0", "docdb4.0"],
  parameter(["tls", "audit_logs"], ["enabled", "disabled", "tls1.2+", "fips-140-3"]),
);
const redshiftParameterGroup = parameterGroup(
  T.redshiftParameterGroup,
  "dw-pg",
  ["redshift-2.0", "redshift-1.0"],
  parameter(["require_ssl", "enable_user_activity_logging"], ["true", "false", true]),
);

const rdsOptionGroup = resource(
  T.rdsOptionGroup,
  "og",
  fc.record({
    name: field(fc.constant("og")),
    options: opt(
      list(
        fc.record({
          optionName: field(fc.constantFrom("NATIVE_NETWORK_ENCRYPTION", "SSL", "S3_INTEGRATION")),
          optionSettings: opt(
            list(
              fc.record({
                name: field(fc.constantFrom("SQLNET.ENCRYPTION_SERVER", "SQLNET.CRYPTO_CHECKSUM_SERVER")),
                value: field(fc.constantFrom("REQUIRED", "REQUESTED", "required", "ACCEPTED")),
              }),
              2,
            ),
            6,
          ),
        }),
        2,
      ),
      6,
    ),
  }),
);

const elasticacheReplicationGroup = resource(
  T.elasticacheReplicationGroup,
  "cache",
  fc.record({
    engine: opt(field(fc.constantFrom<unknown>("redis", "valkey"))),
    transitEncryptionEnabled: opt(bool, 6),
    transitEncryptionMode: opt(field(fc.constantFrom<unknown>("required", "preferred", "Required"))),
    atRestEncryptionEnabled: opt(bool, 4),
    kmsKeyId: opt(kmsKeyRef),
    globalReplicationGroupId: opt(field(fc.constantFrom("global-ds")), 1),
  }),
);

const elasticacheCluster = resource(
  T.elasticacheCluster,
  "node",
  fc.record({
    engine: opt(field(fc.constantFrom<unknown>("memcached", "redis", "valkey", "memcache")), 8),
    transitEncryptionEnabled: opt(bool, 4),
    replicationGroupId: opt(field(fc.constantFrom("cache")), 1),
  }),
);

const memorydbCluster = resource(T.memorydbCluster, "memdb", fc.record({ tlsEnabled: opt(bool, 4) }));
const memorydbMultiRegionCluster = resource(
  T.memorydbMultiRegionCluster,
  "memdb-mr",
  fc.record({ tlsEnabled: opt(bool, 4) }),
);

const daxCluster = resource(
  T.daxCluster,
  "dax",
  fc.record({
    clusterEndpointEncryptionType: opt(field(fc.constantFrom<unknown>("TLS", "NONE", "tls"))),
    serverSideEncryption: opt(field(fc.record({ enabled: opt(bool, 6) })), 4),
  }),
);

const dsMskCluster = resource(
  T.mskCluster,
  "kafka",
  fc.record({
    encryptionInfo: opt(
      field(
        fc.record({
          encryptionAtRestKmsKeyArn: opt(kmsKeyRef),
          encryptionInTransit: opt(
            field(
              fc.record({
                clientBroker: opt(field(fc.constantFrom<unknown>("TLS", "TLS_PLAINTEXT", "PLAINTEXT")), 4),
                inCluster: opt(bool, 4),
              }),
            ),
            6,
          ),
        }),
      ),
      6,
    ),
  }),
);

const dmsEndpoint = resource(
  T.dmsEndpoint,
  "dms",
  fc.record({
    engineName: field(
      fc.constantFrom<unknown>(
        "postgres",
        "mysql",
        "oracle",
        "sqlserver",
        "kafka",
        "s3",
        "redis",
        "postgresql",
      ),
    ),
    sslMode: opt(field(fc.constantFrom<unknown>("none", "require", "verify-ca", "verify-full")), 6),
    kafkaSettings: opt(
      field(
        fc.record({ securityProtocol: opt(field(fc.constantFrom<unknown>("plaintext", "sasl-ssl")), 4) }),
      ),
    ),
  }),
);

const dsQueue = resource(
  T.queue,
  "queue",
  fc.record({
    sqsManagedSseEnabled: opt(bool, 4),
    kmsMasterKeyId: opt(field(fc.constantFrom("alias/aws/sqs", "alias/phi"))),
  }),
);
const dsTopic = resource(
  T.topic,
  "topic",
  fc.record({ kmsMasterKeyId: opt(field(fc.constantFrom("alias/aws/sns", "alias/phi", "")), 6) }),
);

const neptuneCluster = resource(
  T.neptuneCluster,
  "graph",
  fc.record({
    engineVersion: opt(field(fc.constantFrom("1.3.2.0", "1.4.5.1"))),
    storageEncrypted: opt(bool, 6),
    kmsKeyArn: opt(kmsKeyRef),
  }),
);

const neptuneGlobalCluster = resource(
  T.neptuneGlobalCluster,
  "graph-global",
  fc.record({
    storageEncrypted: opt(bool, 4),
    sourceDbClusterIdentifier: opt(
      field(fc.constantFrom("arn:aws:rds:us-east-1:123456789012:cluster:graph", "")),
      4,
    ),
  }),
);

const kinesisStream = resource(
  T.kinesisStream,
  "events",
  fc.record({
    encryptionType: opt(field(fc.constantFrom<unknown>("KMS", "NONE")), 6),
    kmsKeyId: opt(field(fc.constantFrom("alias/aws/kinesis", "alias/phi", "")), 6),
  }),
);

const docdbElasticCluster = resource(
  T.docdbElasticCluster,
  "docs-elastic",
  fc.record({ kmsKeyId: opt(kmsKeyRef) }),
);

const serverlessWorkgroup = resource(
  T.serverlessWorkgroup,
  "workgroup",
  fc.record({
    publiclyAccessible: opt(bool, 4),
    configParameters: opt(
      list(
        field(
          fc.record({
            parameterKey: field(
              fc.constantFrom<unknown>("require_ssl", "enable_user_activity_logging", "requireSsl"),
            ),
            parameterValue: field(fc.constantFrom<unknown>("true", "false", "TRUE")),
          }),
        ),
      ),
      6,
    ),
  }),
);

const mqBroker = resource(
  T.mqBroker,
  "mq",
  fc.record({
    engineType: field(fc.constantFrom<unknown>("ActiveMQ", "RabbitMQ", "ACTIVEMQ")),
    encryptionOptions: opt(
      field(
        fc.record({
          useAwsOwnedKey: opt(bool, 6),
          kmsKeyId: opt(field(fc.constantFrom("alias/aws/mq", "alias/phi", "")), 6),
        }),
      ),
      6,
    ),
  }),
);

const serverlessCache = resource(
  T.serverlessCache,
  "cache",
  fc.record({
    engine: field(fc.constantFrom<unknown>("valkey", "redis", "memcached")),
    kmsKeyId: opt(kmsKeyRef),
  }),
);

const mskServerlessCluster = resource(
  T.mskServerlessCluster,
  "kafka",
  fc.record({ clusterName: field(fc.constantFrom("events")) }),
);

const serverlessNamespace = resource(
  T.serverlessNamespace,
  "namespace",
  fc.record({ kmsKeyId: opt(field(fc.constantFrom("alias/aws/redshift", "alias/phi", "")), 6) }),
);

/** Data services judged on their own fields. */
export const dataServiceResource: fc.Arbitrary<GenResource> = fc.oneof(
  dsRdsInstance,
  rdsCluster,
  rdsGlobalCluster,
  docdbCluster,
  redshiftCluster,
  rdsParameterGroup,
  rdsClusterParameterGroup,
  docdbClusterParameterGroup,
  redshiftParameterGroup,
  elasticacheReplicationGroup,
  elasticacheCluster,
  memorydbCluster,
  memorydbMultiRegionCluster,
  daxCluster,
  dsMskCluster,
  dmsEndpoint,
  dsQueue,
  dsTopic,
  neptuneCluster,
  neptuneGlobalCluster,
  kinesisStream,
  docdbElasticCluster,
  serverlessWorkgroup,
  mqBroker,
  serverlessCache,
  mskServerlessCluster,
  serverlessNamespace,
);

/** Databases and the groups they name, for stacks ({@link databaseStack}). */
export const databaseStackResource: fc.Arbitrary<GenResource> = fc.oneof(
  dsRdsInstance,
  rdsCluster,
  docdbCluster,
  redshiftCluster,
  rdsParameterGroup,
  rdsClusterParameterGroup,
  docdbClusterParameterGroup,
  redshiftParameterGroup,
  rdsOptionGroup,
);

/** Every other resource the pack judges on its own: keys, certificates, subnets, service TLS settings. */
export const otherResource: fc.Arbitrary<GenResource> = fc.oneof(
  trail,
  kmsKey,
  privateKey,
  acmCertificate,
  subnet(T.subnet),
  subnet(T.defaultSubnet),
  cloudFrontDistribution,
  cloudFrontMultitenant,
  cloudFrontVpcOrigin,
  restApi,
  apiStage,
  apiV2Stage,
  apiV2Api,
  apiGatewayDomain,
  apiGatewayV2Domain,
  searchDomain(T.openSearch),
  searchDomain(T.elasticsearch),
  transferServer,
  classicSslNegotiationPolicy,
  classicLoadBalancerPolicy,
  publicEndpointResource,
  dataServiceResource,
);

// ---------------------------------------------------------------------------------------------------
// Stack members that only matter in relation to others: VPCs, flow logs, routing, S3 sub-resources.

const vpcIdValue = "vpc-0123456789abcdef0";
const igwId = "igw-0123456789abcdef0";
const rtbId = "rtb-0123456789abcdef0";

const vpc = resource(T.vpc, "vpc", fc.record({ id: field(fc.constant(vpcIdValue)), cidrBlock: ipv4Block }));

const flowLog = resource(
  T.flowLog,
  "flow-log",
  fc.record({
    vpcId: field(fc.constantFrom(vpcIdValue, "vpc-other")),
    trafficType: field(fc.constantFrom<unknown>("ALL", "REJECT", "ACCEPT", "all")),
    logDestinationType: opt(field(fc.constantFrom<unknown>("s3", "cloud-watch-logs", "S3")), 6),
    logDestination: opt(field(bucketRef), 6),
  }),
);

const internetGateway = resource(
  T.internetGateway,
  "igw",
  fc.record({ id: field(fc.constant(igwId)), vpcId }),
);

const routeEntry = fc.record({
  cidrBlock: opt(field(fc.constantFrom("0.0.0.0/0", "10.0.0.0/8")), 6),
  ipv6CidrBlock: opt(field(fc.constantFrom("::/0", "2001:db8::/32", "")), 2),
  gatewayId: opt(field(fc.constantFrom(igwId, "local", "vgw-0123", ""))),
  natGatewayId: opt(field(fc.constantFrom("nat-0123456789abcdef0"))),
  egressOnlyGatewayId: opt(field(fc.constantFrom("eigw-0123"))),
});

const routeTable = resource(
  T.routeTable,
  "rtb",
  fc.record({ id: field(fc.constant(rtbId)), vpcId, routes: opt(list(routeEntry, 3), 6) }),
);

const route = resource(
  T.route,
  "route",
  fc.record({ routeTableId: field(fc.constantFrom(rtbId, "rtb-other")) }).chain((r) =>
    routeEntry.map(({ cidrBlock, ipv6CidrBlock, ...e }) => ({
      ...r,
      ...e,
      destinationCidrBlock: cidrBlock,
      destinationIpv6CidrBlock: ipv6CidrBlock,
    })),
  ),
);

const defaultRouteTable = resource(
  T.defaultRouteTable,
  "default-rtb",
  fc.record({
    vpcId,
    defaultRouteTableId: opt(field(fc.constant(rtbId))),
    routes: opt(list(routeEntry, 2), 6),
  }),
);

// Managed prefix lists and their entries, referenced by security-group rules (prefixListId above).
const prefixListCidr = field(fc.oneof(ipv4Cidr, ipv6Cidr, malformedCidr), 14);

const prefixList = resource(
  T.prefixList,
  "prefix-list",
  fc.record({
    id: field(fc.constantFrom("pl-0123456789abcdef0", "pl-0fedcba987654321f")),
    name: field(fc.constantFrom("clients", "partners")),
    addressFamily: opt(field(fc.constantFrom("IPv4", "IPv6")), 4),
    maxEntries: opt(field(fc.constantFrom(5, 20)), 4),
    entries: opt(
      list(
        fc.oneof(
          { weight: 8, arbitrary: fc.record({ cidr: prefixListCidr, description: opt(description) }) },
          { weight: 1, arbitrary: fc.constantFrom<unknown>(UNKNOWN, null, "10.0.0.0/8") },
        ),
        3,
      ),
      6,
    ),
  }),
);

const prefixListEntry = resource(
  T.prefixListEntry,
  "prefix-list-entry",
  fc.record({
    prefixListId: field(fc.constantFrom("pl-0123456789abcdef0", "pl-63a5400a")),
    cidr: prefixListCidr,
    description: opt(description),
  }),
);

const routeTableAssociation = resource(
  T.routeTableAssociation,
  "rta",
  fc.record({
    routeTableId: field(fc.constantFrom(rtbId)),
    subnetId: opt(field(fc.constantFrom("subnet-0123456789abcdef0")), 6),
  }),
);

const bucketVersioning = resource(
  T.bucketVersioning,
  "versioning",
  fc.record({
    bucket: field(bucketRef),
    versioningConfiguration: field(
      fc.record({ status: field(fc.constantFrom<unknown>("Enabled", "Suspended", "Disabled", "enabled")) }),
    ),
  }),
);

const publicAccessBlock = resource(
  T.publicAccessBlock,
  "pab",
  fc.record({
    bucket: field(bucketRef),
    blockPublicAcls: field(fc.constantFrom<unknown>(true, true, false, "true")),
    blockPublicPolicy: field(fc.constantFrom<unknown>(true, true, false)),
    ignorePublicAcls: field(fc.constantFrom<unknown>(true, true, false)),
    restrictPublicBuckets: field(fc.constantFrom<unknown>(true, true, false)),
  }),
);

/**
 * Bucket policy statements in the shapes AWS evaluates (issue 13 §2): every action or one, the bucket and
 * its objects or only one of them, everyone or one principal (or NotPrincipal), `Bool` or `BoolIfExists`
 * with "false" or false, a second condition that narrows the deny, and Allow statements to the world.
 */
const BUCKET_ARN = "arn:aws:s3:::phi-audit-logs";
const policyStatement = fc.record(
  {
    Effect: fc.constantFrom("Deny", "Deny", "Allow"),
    Principal: fc.constantFrom<unknown>("*", { AWS: "*" }, { AWS: "arn:aws:iam::111122223333:role/app" }),
    NotPrincipal: fc.constantFrom<unknown>({ AWS: "arn:aws:iam::111122223333:root" }),
    Action: fc.constantFrom<unknown>("s3:*", "*", ["s3:*"], "s3:PutObject", ["s3:GetObject", "s3:PutObject"]),
    NotAction: fc.constantFrom<unknown>("s3:GetObject"),
    Resource: fc.constantFrom<unknown>([BUCKET_ARN, `${BUCKET_ARN}/*`], BUCKET_ARN, `${BUCKET_ARN}/*`, "*"),
    Condition: fc.constantFrom<unknown>(
      { Bool: { "aws:SecureTransport": "false" } },
      { Bool: { "aws:SecureTransport": false } },
      { BoolIfExists: { "aws:SecureTransport": "false" } },
      { Bool: { "aws:SecureTransport": "false" }, StringNotEquals: { "aws:SourceVpce": "vpce-1a2b3c" } },
      { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } },
    ),
  },
  { requiredKeys: ["Effect", "Resource"] },
);
const bucketPolicyDocument = fc
  .array(policyStatement, { minLength: 1, maxLength: 3 })
  .map((Statement) => JSON.stringify({ Version: "2012-10-17", Statement }));

const bucketPolicy = resource(
  T.bucketPolicy,
  "bucket-policy",
  fc.record({
    bucket: field(bucketRef),
    policy: field(
      fc.oneof(
        { weight: 2, arbitrary: fc.constantFrom<unknown>(TLS_ONLY_POLICY, "{}", "{not json") },
        { weight: 3, arbitrary: bucketPolicyDocument },
      ),
    ),
  }),
);

// Queues and topics with their policy resources (phi-resource-policies-require-tls).

const queueUrlValue = "https://sqs.us-east-1.amazonaws.com/123456789012/claims";
const queueArnValue = "arn:aws:sqs:us-east-1:123456789012:claims";
const topicArnValue = "arn:aws:sns:us-east-1:123456789012:alerts";
const tlsDeny = (action: string, res: string) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Deny",
        Principal: "*",
        Action: action,
        Resource: res,
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  });
const queuePolicyText = field(
  fc.constantFrom<unknown>(
    tlsDeny("sqs:*", queueArnValue),
    tlsDeny("sqs:SendMessage", queueArnValue),
    tlsDeny("sqs:*", "*"),
    "{}",
    "{not json",
  ),
);
const topicPolicyText = field(
  fc.constantFrom<unknown>(tlsDeny("sns:*", topicArnValue), tlsDeny("sns:Publish", topicArnValue), "{}"),
);

const queue = resource(
  T.queue,
  "queue",
  fc.record({
    name: field(fc.constantFrom("claims")),
    arn: opt(field(fc.constant(queueArnValue)), 6),
    url: opt(field(fc.constant(queueUrlValue)), 6),
    policy: opt(queuePolicyText),
  }),
);

const queuePolicy = resource(
  T.queuePolicy,
  "queue-policy",
  fc.record({
    queueUrl: field(fc.constantFrom(queueUrlValue, "https://sqs.eu-west-1.amazonaws.com/210987654321/other")),
    policy: queuePolicyText,
  }),
);

const topic = resource(
  T.topic,
  "topic",
  fc.record({
    name: field(fc.constantFrom("alerts")),
    arn: opt(field(fc.constant(topicArnValue)), 6),
    policy: opt(topicPolicyText),
  }),
);

const topicPolicy = resource(
  T.topicPolicy,
  "topic-policy",
  fc.record({ arn: field(fc.constantFrom(topicArnValue)), policy: topicPolicyText }),
);

const bucketSse = resource(
  T.bucketSse,
  "bucket-sse",
  fc.record({
    bucket: field(bucketRef),
    rules: list(
      fc.record({
        applyServerSideEncryptionByDefault: opt(
          field(
            fc.record({
              sseAlgorithm: field(
                fc.constantFrom<unknown>("AES256", "aws:kms", "aws:kms:dsse", "aes256", "KMS"),
              ),
              kmsMasterKeyId: opt(field(fc.oneof(fc.constant("alias/aws/s3"), arn("kms")))),
            }),
          ),
          8,
        ),
      }),
      2,
    ),
  }),
);

const bucketLogging = resource(
  T.bucketLogging,
  "bucket-logging",
  fc.record({ bucket: field(fc.constantFrom("app-data")), targetBucket: field(bucketRef) }),
);

const firewallLogging = resource(
  T.firewallLogging,
  "fw-logging",
  fc.record({
    loggingConfiguration: field(
      fc.record({
        logDestinationConfigs: list(
          fc.record({
            logDestinationType: field(
              fc.constantFrom<unknown>("S3", "CloudWatchLogs", "s3", "KinesisDataFirehose"),
            ),
            logType: field(fc.constantFrom("ALERT", "FLOW")),
            logDestination: field(fc.record({ bucketName: field(bucketRef) })),
          }),
          2,
        ),
      }),
    ),
  }),
);

const wafLogging = resource(
  T.wafLogging,
  "waf-logging",
  fc.record({
    logDestinationConfigs: list(
      field(
        fc.oneof(
          bucketRef.map((b) => (b.startsWith("arn:") ? b : `arn:aws:s3:::${b}`)),
          fc.constant("arn:aws:firehose:us-east-1:123456789012:deliverystream/aws-waf-logs-phi"),
        ),
      ),
      2,
    ),
  }),
);

const logDeliveryDestination = resource(
  T.logDeliveryDestination,
  "log-destination",
  fc.record({
    deliveryDestinationConfiguration: opt(
      field(
        fc.record({
          destinationResourceArn: field(
            fc.oneof(
              bucketRef.map((b) => (b.startsWith("arn:") ? b : `arn:aws:s3:::${b}`)),
              fc.constant("arn:aws:logs:us-east-1:123456789012:log-group:cdn"),
            ),
          ),
        }),
      ),
      8,
    ),
  }),
);

export const relationResource: fc.Arbitrary<GenResource> = fc.oneof(
  prefixList,
  prefixListEntry,
  defaultRouteTable,
  vpc,
  flowLog,
  internetGateway,
  routeTable,
  route,
  routeTableAssociation,
  subnet(T.subnet),
  bucketVersioning,
  publicAccessBlock,
  bucketPolicy,
  queue,
  queuePolicy,
  topic,
  topicPolicy,
  bucketSse,
  bucketLogging,
  firewallLogging,
  wafLogging,
  logDeliveryDestination,
  cloudFrontDistribution,
);

/**
 * Which top-level property of a member may have been computed from which other member (the engine's
 * propertyDependencies at preview, when ids, names and ARNs are still unknown).
 */
const LINKS: Record<string, [prop: string, targets: readonly string[]][]> = {
  [T.rdsInstance]: [
    ["parameterGroupName", [T.rdsParameterGroup]],
    ["optionGroupName", [T.rdsOptionGroup]],
  ],
  [T.rdsCluster]: [["dbClusterParameterGroupName", [T.rdsClusterParameterGroup]]],
  [T.docdbCluster]: [["dbClusterParameterGroupName", [T.docdbClusterParameterGroup]]],
  [T.redshiftCluster]: [["clusterParameterGroupName", [T.redshiftParameterGroup]]],
  [T.flowLog]: [
    ["vpcId", [T.vpc]],
    ["logDestination", T.buckets],
  ],
  [T.route]: [
    ["routeTableId", [T.routeTable]],
    ["gatewayId", [T.internetGateway]],
  ],
  [T.routeTable]: [["routes", [T.internetGateway]]],
  [T.defaultRouteTable]: [
    ["routes", [T.internetGateway]],
    ["vpcId", [T.vpc]],
  ],
  [T.subnet]: [["vpcId", [T.vpc]]],
  [T.prefixListEntry]: [["prefixListId", [T.prefixList]]],
  [T.sg]: [
    ["ingress", [T.prefixList]],
    ["egress", [T.prefixList]],
  ],
  [T.defaultSg]: [
    ["ingress", [T.prefixList]],
    ["egress", [T.prefixList]],
  ],
  [T.sgRule]: [["prefixListIds", [T.prefixList]]],
  [T.vpcIngress]: [["prefixListId", [T.prefixList]]],
  [T.vpcEgress]: [["prefixListId", [T.prefixList]]],
  [T.routeTableAssociation]: [
    ["routeTableId", [T.routeTable]],
    ["subnetId", [T.subnet, T.defaultSubnet]],
  ],
  [T.bucketVersioning]: [["bucket", T.buckets]],
  [T.publicAccessBlock]: [["bucket", T.buckets]],
  [T.bucketPolicy]: [["bucket", T.buckets]],
  [T.queuePolicy]: [["queueUrl", [T.queue]]],
  [T.topicPolicy]: [["arn", [T.topic]]],
  [T.bucketSse]: [["bucket", T.buckets]],
  [T.bucketLogging]: [["targetBucket", T.buckets]],
  [T.firewallLogging]: [["loggingConfiguration", T.buckets]],
  [T.wafLogging]: [["logDestinationConfigs", T.buckets]],
  [T.logDeliveryDestination]: [["deliveryDestinationConfiguration", T.buckets]],
  [T.cloudFront]: [["loggingConfig", T.buckets]],
  [T.objectLocks[0]]: [["bucket", T.buckets]],
  [T.objectLocks[1]]: [["bucket", T.buckets]],
  ...Object.fromEntries(
    [...T.loadBalancers, T.classicElb].map((t) => [
      t,
      [
        ["accessLogs", T.buckets],
        ["connectionLogs", T.buckets],
      ],
    ]),
  ),
};

/** Any covered resource: grants, load balancers, S3 and the other kinds, in roughly equal measure. */
export const anyResource: fc.Arbitrary<GenResource> = fc.oneof(
  grantResource,
  loadBalancerResource,
  s3Resource,
  otherResource,
  nativeResource,
);

export type GenStack = { resources: GenResource[]; deps: Record<string, Record<string, string[]>> };

/**
 * Stacks of `members`: unique names, each link of {@link LINKS} wired through propertyDependencies to a
 * member of the target type some of the time (as at preview, when names and ids are unknown).
 */
function stackOf(members: fc.Arbitrary<GenResource[]>): fc.Arbitrary<GenStack> {
  return fc.tuple(members, fc.array(fc.boolean(), { minLength: 24, maxLength: 24 })).map(([rs, wire]) => {
    const resources = rs.map((r, i) => ({ ...r, name: `${r.name}-${i}` }));
    // S3 bucket names are global: two buckets of one stack never share a name (by `bucket` or `arn`).
    const taken = new Set<string>();
    for (const r of resources) {
      if (!(T.buckets as readonly string[]).includes(r.type)) continue;
      const own = new Set<string>();
      for (const key of ["bucket", "arn"]) {
        const v = r.props[key];
        if (typeof v !== "string") continue;
        const name = v.replace(/^arn:aws:s3:::/, "");
        if (taken.has(name)) r.props = { ...r.props, [key]: `${name}-${r.name}` };
        else own.add(name);
      }
      own.forEach((n) => taken.add(n));
    }
    const deps: Record<string, Record<string, string[]>> = {};
    resources.forEach((r, i) => {
      (LINKS[r.type] ?? []).forEach(([prop, targets], j) => {
        if (!wire[(2 * i + j) % wire.length] || !(prop in r.props)) return;
        const candidates = resources.filter((x) => targets.includes(x.type));
        if (candidates.length === 0) return;
        (deps[r.name] ??= {})[prop] = [candidates[i % candidates.length].name];
      });
    });
    return { resources, deps };
  });
}

/** A stack: a handful of resources of every kind the stack policies relate. */
export const stack: fc.Arbitrary<GenStack> = stackOf(
  fc.array(
    fc.oneof(
      { weight: 3, arbitrary: s3Resource },
      { weight: 2, arbitrary: loadBalancerResource },
      { weight: 1, arbitrary: grantResource },
      { weight: 3, arbitrary: relationResource },
      { weight: 1, arbitrary: fc.oneof(prefixList, prefixListEntry) },
    ),
    { minLength: 1, maxLength: 12 },
  ),
);

/**
 * An audit-log bucket (classified by its tag) that meets every requirement but Object Lock, whose
 * generated retention (inline or as a sub-resource) then decides the verdict.
 */
const auditBucketStack: fc.Arbitrary<GenStack> = stackOf(
  fc
    .tuple(bucket(T.buckets[1]), fc.array(objectLock(T.objectLocks[1]), { maxLength: 1 }))
    .map(([b, locks]) => {
      const ref = { bucket: "phi-audit-logs" };
      const { forceDestroy: _f, versioning: _v, policy: _p, ...props } = b.props;
      return [
        {
          ...b,
          props: {
            ...props,
            ...ref,
            objectLockEnabled: true,
            policy: TLS_ONLY_POLICY,
            tags: { "phi-channels:data-classification": "audit-log" },
          },
        },
        ...locks.map((l) => ({ ...l, props: { ...l.props, ...ref } })),
        {
          type: T.bucketVersioning,
          name: "versioning",
          props: { ...ref, versioningConfiguration: { status: "Enabled" } },
        },
        {
          type: T.publicAccessBlock,
          name: "pab",
          props: {
            ...ref,
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
          },
        },
      ];
    }),
);

/** Security-group grants with the managed prefix lists (and entries) they may reference. */
const prefixListStack: fc.Arbitrary<GenStack> = stackOf(
  fc
    .tuple(
      fc.array(grantResource, { minLength: 1, maxLength: 2 }),
      fc.array(prefixList, { minLength: 1, maxLength: 2 }),
      fc.array(prefixListEntry, { maxLength: 2 }),
    )
    .map(([g, l, e]) => [...g, ...l, ...e]),
);

/** An IPv6 subnet with the routing that decides whether its instances are reachable from the internet. */
const ipv6SubnetStack: fc.Arbitrary<GenStack> = stackOf(
  fc
    .tuple(
      subnet(T.subnet),
      fc.array(fc.oneof(routeTable, route, routeTableAssociation, defaultRouteTable, internetGateway, vpc), {
        minLength: 1,
        maxLength: 4,
      }),
    )
    .map(([s, rest]) => [{ ...s, props: { ...s.props, assignIpv6AddressOnCreation: true } }, ...rest]),
);

/** A stack of databases and the parameter and option groups they may name. */
export const databaseStack: fc.Arbitrary<GenStack> = stackOf(
  fc.array(databaseStackResource, { minLength: 1, maxLength: 8 }),
);

/** Small stacks centred on one decision each: audit-bucket Object Lock, prefix lists, IPv6 subnets. */
export const focusedStack: fc.Arbitrary<GenStack> = fc.oneof(
  auditBucketStack,
  prefixListStack,
  ipv6SubnetStack,
);

// ---------------------------------------------------------------------------------------------------
// Policy configs (valid under each policy's configSchema).

export const ALLOWLISTS: readonly string[][] = [
  ["tcp/443"],
  ["tcp/443", "tcp/8443-8445", "udp/53", "icmp/*"],
  ["tcp/443", "tcp/1024-65535"],
  ["icmpv6/*", "tcp/22", "udp/1000-2000", "sctp/*"],
  [],
];

export const ALLOWED_PUBLIC: readonly string[][] = [
  [],
  ["203.0.113.0/24"],
  ["2001:db8::/32", "198.51.100.0/24"],
];

export const grantConfig = fc.record({
  allowedIngress: fc.constantFrom(...ALLOWLISTS),
  allowedPublicCidrs: fc.constantFrom(...ALLOWED_PUBLIC),
});
export type GrantConfig = { allowedIngress: string[]; allowedPublicCidrs: string[] };
