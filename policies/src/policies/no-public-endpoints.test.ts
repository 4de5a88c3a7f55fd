import { noPublicEndpoints as policy } from "./no-public-endpoints";
import { runResource, secret, UNKNOWN_BOOL, UNKNOWN_OBJECT, UNKNOWN_STRING } from "../testing/harness";

/** Each finding as "<level>: <finding line>" (the policy description is the first line of every message). */
async function findings(type: string, props: Record<string, unknown>): Promise<string[]> {
  const v = await runResource(policy, type, props);
  expect(v.notApplicable).toEqual([]);
  return v.diagnostics.map((d) => `${d.enforcementLevel}: ${d.message.split("\n")[1]}`);
}

const AT_UP = "it is not known at preview; this policy checks it again at `pulumi up`";

type Case = [label: string, change: Record<string, unknown>, expected: string[]];

/**
 * One compliant fixture per resource type and cases that change one field of it. Every token @pulumi/aws
 * 7.48 has for these resources is listed (none has an alias; elasticsearch/domain is the legacy domain).
 */
const TYPES: [type: string, valid: Record<string, unknown>, cases: Case[]][] = [
  [
    "aws:rds/instance:Instance",
    { engine: "postgres", instanceClass: "db.t3.micro", publiclyAccessible: false },
    [
      [
        "publiclyAccessible true",
        { publiclyAccessible: true },
        [
          "mandatory: publiclyAccessible is true, so the RDS DB instance has an endpoint reachable from the internet; set publiclyAccessible: false",
        ],
      ],
      [
        'publiclyAccessible "true" (a string from config)',
        { publiclyAccessible: "true" },
        [
          "mandatory: publiclyAccessible is true, so the RDS DB instance has an endpoint reachable from the internet; set publiclyAccessible: false",
        ],
      ],
      ["publiclyAccessible unset (the provider sends false)", { publiclyAccessible: undefined }, []],
      [
        "publiclyAccessible unknown",
        { publiclyAccessible: UNKNOWN_BOOL },
        [`advisory: publiclyAccessible (whether the RDS DB instance is public): ${AT_UP}`],
      ],
      [
        "publiclyAccessible not a boolean",
        { publiclyAccessible: "yes" },
        [
          "mandatory: publiclyAccessible is not a value AWS accepts there, so whether the RDS DB instance is public cannot be told; set publiclyAccessible: false",
        ],
      ],
      [
        "publiclyAccessible true with other fields unknown",
        { publiclyAccessible: true, engine: UNKNOWN_STRING, dbSubnetGroupName: UNKNOWN_STRING },
        [
          "mandatory: publiclyAccessible is true, so the RDS DB instance has an endpoint reachable from the internet; set publiclyAccessible: false",
        ],
      ],
    ],
  ],
  [
    "aws:rds/clusterInstance:ClusterInstance",
    { clusterIdentifier: "phi", instanceClass: "db.r6g.large", engine: "aurora-postgresql" },
    [
      [
        "publiclyAccessible true",
        { publiclyAccessible: true },
        [
          "mandatory: publiclyAccessible is true, so the Aurora DB cluster instance has an endpoint reachable from the internet; set publiclyAccessible: false",
        ],
      ],
    ],
  ],
  [
    "aws:rds/shardGroup:ShardGroup",
    { dbClusterIdentifier: "phi", dbShardGroupIdentifier: "shards", maxAcu: 768, publiclyAccessible: false },
    [
      [
        "publiclyAccessible unset (AWS decides by the VPC's internet gateway)",
        { publiclyAccessible: undefined },
        [
          "mandatory: publiclyAccessible is not set, and AWS's default depends on the network (or is not documented), so the Aurora Limitless DB shard group may be public; set publiclyAccessible: false",
        ],
      ],
      [
        "publiclyAccessible true",
        { publiclyAccessible: true },
        [
          "mandatory: publiclyAccessible is true, so the Aurora Limitless DB shard group has an endpoint reachable from the internet; set publiclyAccessible: false",
        ],
      ],
    ],
  ],
  [
    "aws:neptune/clusterInstance:ClusterInstance",
    { clusterIdentifier: "graph", instanceClass: "db.r6g.large" },
    [
      [
        "publiclyAccessible true",
        { publiclyAccessible: true },
        [
          "mandatory: publiclyAccessible is true, so the Neptune cluster instance has an endpoint reachable from the internet; set publiclyAccessible: false",
        ],
      ],
    ],
  ],
  [
    "aws:redshift/cluster:Cluster",
    { clusterIdentifier: "dw", nodeType: "ra3.xlplus" },
    [
      [
        "publiclyAccessible true",
        { publiclyAccessible: true },
        [
          "mandatory: publiclyAccessible is true, so the Redshift cluster has an endpoint reachable from the internet; set publiclyAccessible: false",
        ],
      ],
    ],
  ],
  [
    "aws:redshiftserverless/workgroup:Workgroup",
    { namespaceName: "dw", workgroupName: "dw", publiclyAccessible: false },
    [
      [
        "publiclyAccessible unset (no documented default)",
        { publiclyAccessible: undefined },
        [
          "mandatory: publiclyAccessible is not set, and AWS's default depends on the network (or is not documented), so the Redshift Serverless workgroup may be public; set publiclyAccessible: false",
        ],
      ],
      [
        "publiclyAccessible true",
        { publiclyAccessible: true },
        [
          "mandatory: publiclyAccessible is true, so the Redshift Serverless workgroup has an endpoint reachable from the internet; set publiclyAccessible: false",
        ],
      ],
    ],
  ],
  [
    "aws:mq/broker:Broker",
    { brokerName: "mq", engineType: "ActiveMQ", hostInstanceType: "mq.m5.large" },
    [
      [
        "publiclyAccessible true",
        { publiclyAccessible: true },
        [
          "mandatory: publiclyAccessible is true, so the Amazon MQ broker has an endpoint reachable from the internet; set publiclyAccessible: false",
        ],
      ],
    ],
  ],
  [
    "aws:msk/cluster:Cluster",
    {
      clusterName: "events",
      brokerNodeGroupInfo: {
        clientSubnets: ["subnet-1", "subnet-2"],
        instanceType: "kafka.m5.large",
        securityGroups: ["sg-1"],
        connectivityInfo: { publicAccess: { type: "DISABLED" } },
      },
    },
    [
      [
        "publicAccess.type SERVICE_PROVIDED_EIPS",
        {
          brokerNodeGroupInfo: {
            clientSubnets: ["subnet-1", "subnet-2"],
            instanceType: "kafka.m5.large",
            securityGroups: ["sg-1"],
            connectivityInfo: { publicAccess: { type: "SERVICE_PROVIDED_EIPS" } },
          },
        },
        [
          'mandatory: brokerNodeGroupInfo.connectivityInfo.publicAccess.type is not DISABLED, so the MSK cluster has an endpoint reachable from the internet; set brokerNodeGroupInfo.connectivityInfo.publicAccess.type: "DISABLED"',
        ],
      ],
      [
        "no connectivityInfo (public access starts off)",
        {
          brokerNodeGroupInfo: {
            clientSubnets: ["subnet-1", "subnet-2"],
            instanceType: "kafka.m5.large",
            securityGroups: ["sg-1"],
          },
        },
        [],
      ],
      [
        "connectivityInfo unknown",
        {
          brokerNodeGroupInfo: {
            clientSubnets: ["subnet-1", "subnet-2"],
            instanceType: "kafka.m5.large",
            securityGroups: ["sg-1"],
            connectivityInfo: UNKNOWN_OBJECT,
          },
        },
        [`advisory: brokerNodeGroupInfo.connectivityInfo (whether the MSK cluster is public): ${AT_UP}`],
      ],
    ],
  ],
  [
    "aws:dms/replicationInstance:ReplicationInstance",
    { replicationInstanceClass: "dms.t3.medium", replicationInstanceId: "dms", publiclyAccessible: false },
    [
      [
        "publiclyAccessible unset (the DMS API default is true)",
        { publiclyAccessible: undefined },
        [
          "mandatory: publiclyAccessible is not set, and AWS's default is public, so the DMS replication instance has an endpoint reachable from the internet; set publiclyAccessible: false",
        ],
      ],
    ],
  ],
  [
    "aws:dms/instanceProfile:InstanceProfile",
    { instanceProfileName: "dms", publiclyAccessible: false },
    [
      [
        "publiclyAccessible unset (default true)",
        { publiclyAccessible: undefined },
        [
          "mandatory: publiclyAccessible is not set, and AWS's default is public, so the DMS instance profile has an endpoint reachable from the internet; set publiclyAccessible: false",
        ],
      ],
    ],
  ],
  ...["aws:opensearch/domain:Domain", "aws:elasticsearch/domain:Domain"].map(
    (type): [string, Record<string, unknown>, Case[]] => [
      type,
      { domainName: "phi-search", vpcOptions: { subnetIds: ["subnet-1"], securityGroupIds: ["sg-1"] } },
      [
        [
          "no vpcOptions (a public domain)",
          { vpcOptions: undefined },
          [
            "mandatory: vpcOptions.subnetIds is not set, and AWS's default is public, so the OpenSearch domain has an endpoint reachable from the internet; set vpcOptions { subnetIds: [private subnets], securityGroupIds } (a domain without VPC options has a public endpoint; VPC access is chosen at creation)",
          ],
        ],
        [
          "vpcOptions without subnets",
          { vpcOptions: { subnetIds: [] } },
          [
            "mandatory: vpcOptions.subnetIds is empty, so the OpenSearch domain has an endpoint reachable from the internet; set vpcOptions { subnetIds: [private subnets], securityGroupIds } (a domain without VPC options has a public endpoint; VPC access is chosen at creation)",
          ],
        ],
        [
          "vpcOptions unknown",
          { vpcOptions: UNKNOWN_OBJECT },
          [`advisory: vpcOptions (whether the OpenSearch domain is public): ${AT_UP}`],
        ],
        ["subnet ids unknown (still a VPC domain)", { vpcOptions: { subnetIds: [UNKNOWN_STRING] } }, []],
      ],
    ],
  ),
  [
    "aws:opensearch/serverlessSecurityPolicy:ServerlessSecurityPolicy",
    {
      name: "phi-network",
      type: "network",
      policy: JSON.stringify([
        {
          Rules: [{ ResourceType: "collection", Resource: ["collection/phi"] }],
          AllowFromPublic: false,
          SourceVPCEs: ["vpce-0123"],
        },
      ]),
    },
    [
      [
        "a rule with AllowFromPublic true",
        {
          policy: JSON.stringify([
            { Rules: [{ ResourceType: "collection", Resource: ["collection/phi"] }], AllowFromPublic: true },
          ]),
        },
        [
          "mandatory: policy has a rule with AllowFromPublic true, so the OpenSearch Serverless network policy has an endpoint reachable from the internet; set AllowFromPublic: false with SourceVPCEs (or SourceServices) in every rule",
        ],
      ],
      [
        "an encryption policy (not a network policy)",
        {
          type: "encryption",
          policy: JSON.stringify({
            Rules: [{ ResourceType: "collection", Resource: ["collection/phi"] }],
            AWSOwnedKey: true,
          }),
        },
        [],
      ],
      [
        "type unknown with a public rule",
        { type: UNKNOWN_STRING, policy: JSON.stringify({ Rules: [], AllowFromPublic: true }) },
        [
          `advisory: type (policy opens the OpenSearch Serverless network policy if it is a network policy): ${AT_UP}`,
        ],
      ],
      [
        "policy unknown",
        { policy: UNKNOWN_STRING },
        [`advisory: policy (whether the OpenSearch Serverless network policy is public): ${AT_UP}`],
      ],
      [
        "policy not JSON",
        { policy: "{not json" },
        [
          "mandatory: policy is not a value AWS accepts there, so whether the OpenSearch Serverless network policy is public cannot be told; set AllowFromPublic: false with SourceVPCEs (or SourceServices) in every rule",
        ],
      ],
    ],
  ],
  ...["aws:ec2/instance:Instance", "aws:ec2/spotInstanceRequest:SpotInstanceRequest"].map(
    (type): [string, Record<string, unknown>, Case[]] => [
      type,
      { ami: "ami-0123", instanceType: "t3.micro", associatePublicIpAddress: false },
      [
        [
          "associatePublicIpAddress true",
          { associatePublicIpAddress: true },
          [
            "mandatory: associatePublicIpAddress is true, so the EC2 instance has an endpoint reachable from the internet; set associatePublicIpAddress: false",
          ],
        ],
        [
          "associatePublicIpAddress unset (the subnet decides: phi-subnet-private)",
          { associatePublicIpAddress: undefined },
          [],
        ],
      ],
    ],
  ),
  [
    "aws:ec2/launchTemplate:LaunchTemplate",
    { imageId: "ami-0123", networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "false" }] },
    [
      [
        'associatePublicIpAddress "true" (the provider takes a string)',
        { networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "true" }] },
        [
          'mandatory: networkInterfaces[0].associatePublicIpAddress is true, so the launch template has an endpoint reachable from the internet; set networkInterfaces[].associatePublicIpAddress: "false" (a string in the launch template)',
        ],
      ],
      [
        "the second interface public",
        {
          networkInterfaces: [
            { deviceIndex: 0, associatePublicIpAddress: "false" },
            { deviceIndex: 1, associatePublicIpAddress: "true" },
          ],
        },
        [
          'mandatory: networkInterfaces[1].associatePublicIpAddress is true, so the launch template has an endpoint reachable from the internet; set networkInterfaces[].associatePublicIpAddress: "false" (a string in the launch template)',
        ],
      ],
      ["no networkInterfaces (the subnet decides)", { networkInterfaces: undefined }, []],
      [
        "networkInterfaces unknown",
        { networkInterfaces: UNKNOWN_STRING },
        [`advisory: networkInterfaces (whether the launch template is public): ${AT_UP}`],
      ],
      [
        "one interface unknown",
        { networkInterfaces: [UNKNOWN_OBJECT] },
        [`advisory: networkInterfaces[0] (whether the launch template is public): ${AT_UP}`],
      ],
    ],
  ],
  [
    "aws:ec2/launchConfiguration:LaunchConfiguration",
    { imageId: "ami-0123", instanceType: "t3.micro" },
    [
      [
        "associatePublicIpAddress true",
        { associatePublicIpAddress: true },
        [
          "mandatory: associatePublicIpAddress is true, so the launch configuration has an endpoint reachable from the internet; set associatePublicIpAddress: false",
        ],
      ],
    ],
  ],
  [
    "aws:ec2/spotFleetRequest:SpotFleetRequest",
    {
      iamFleetRole: "arn:aws:iam::123456789012:role/fleet",
      targetCapacity: 1,
      launchSpecifications: [{ ami: "ami-0123", instanceType: "t3.micro", associatePublicIpAddress: false }],
    },
    [
      [
        "associatePublicIpAddress true",
        {
          launchSpecifications: [
            { ami: "ami-0123", instanceType: "t3.micro", associatePublicIpAddress: true },
          ],
        },
        [
          "mandatory: launchSpecifications[0].associatePublicIpAddress is true, so the spot fleet launch specification has an endpoint reachable from the internet; set launchSpecifications[].associatePublicIpAddress: false",
        ],
      ],
    ],
  ],
  [
    "aws:ec2/eip:Eip",
    { domain: "vpc" },
    [
      [
        "on an instance",
        { instance: "i-0123" },
        [
          "mandatory: instance is set (an Elastic IP is a public IPv4 address), so the Elastic IP has an endpoint reachable from the internet; set no Elastic IP on an instance (reach it through an internal load balancer or a VPC endpoint)",
        ],
      ],
      [
        "on a network interface",
        { networkInterface: "eni-0123" },
        [
          "mandatory: networkInterface is set (an Elastic IP is a public IPv4 address), so the Elastic IP has an endpoint reachable from the internet; set no Elastic IP on a network interface (a NAT gateway takes its Elastic IP through allocationId instead)",
        ],
      ],
      [
        "instance unknown",
        { instance: UNKNOWN_STRING },
        [`advisory: instance (whether the Elastic IP is public): ${AT_UP}`],
      ],
    ],
  ],
  [
    "aws:ec2/eipAssociation:EipAssociation",
    { allocationId: "eipalloc-0123" },
    [
      [
        "to an instance",
        { instanceId: "i-0123" },
        [
          "mandatory: instanceId is set (an Elastic IP is a public IPv4 address), so the Elastic IP association has an endpoint reachable from the internet; set no Elastic IP association to an instance",
        ],
      ],
      [
        "to a network interface",
        { networkInterfaceId: "eni-0123" },
        [
          "mandatory: networkInterfaceId is set (an Elastic IP is a public IPv4 address), so the Elastic IP association has an endpoint reachable from the internet; set no Elastic IP association to a network interface",
        ],
      ],
    ],
  ],
  ...["aws:ecs/service:Service", "aws:ecs/taskSet:TaskSet"].map(
    (type): [string, Record<string, unknown>, Case[]] => [
      type,
      { cluster: "phi", networkConfiguration: { subnets: ["subnet-1"], assignPublicIp: false } },
      [
        [
          "assignPublicIp true",
          { networkConfiguration: { subnets: ["subnet-1"], assignPublicIp: true } },
          [
            "mandatory: networkConfiguration.assignPublicIp is true, so the ECS service or task set has an endpoint reachable from the internet; set networkConfiguration.assignPublicIp: false",
          ],
        ],
        ["no networkConfiguration", { networkConfiguration: undefined }, []],
        [
          "networkConfiguration unknown",
          { networkConfiguration: UNKNOWN_OBJECT },
          [`advisory: networkConfiguration (whether the ECS service or task set is public): ${AT_UP}`],
        ],
      ],
    ],
  ),
  [
    "aws:cloudwatch/eventTarget:EventTarget",
    {
      rule: "nightly",
      arn: "arn:aws:ecs:us-east-1:123456789012:cluster/phi",
      ecsTarget: {
        taskDefinitionArn: "arn:td",
        networkConfiguration: { subnets: ["subnet-1"], assignPublicIp: false },
      },
    },
    [
      [
        "assignPublicIp true",
        {
          ecsTarget: {
            taskDefinitionArn: "arn:td",
            networkConfiguration: { subnets: ["subnet-1"], assignPublicIp: true },
          },
        },
        [
          "mandatory: ecsTarget.networkConfiguration.assignPublicIp is true, so the EventBridge ECS target has an endpoint reachable from the internet; set ecsTarget.networkConfiguration.assignPublicIp: false",
        ],
      ],
    ],
  ],
  [
    "aws:scheduler/schedule:Schedule",
    {
      scheduleExpression: "rate(1 day)",
      target: {
        arn: "arn:aws:ecs:us-east-1:123456789012:cluster/phi",
        roleArn: "arn:aws:iam::123456789012:role/s",
        ecsParameters: { taskDefinitionArn: "arn:td", networkConfiguration: { subnets: ["subnet-1"] } },
      },
    },
    [
      [
        "assignPublicIp true",
        {
          target: {
            arn: "arn:aws:ecs:us-east-1:123456789012:cluster/phi",
            roleArn: "arn:aws:iam::123456789012:role/s",
            ecsParameters: {
              taskDefinitionArn: "arn:td",
              networkConfiguration: { subnets: ["subnet-1"], assignPublicIp: true },
            },
          },
        },
        [
          "mandatory: target.ecsParameters.networkConfiguration.assignPublicIp is true, so the EventBridge Scheduler ECS target has an endpoint reachable from the internet; set target.ecsParameters.networkConfiguration.assignPublicIp: false",
        ],
      ],
    ],
  ],
  [
    "aws:pipes/pipe:Pipe",
    {
      source: "arn:aws:sqs:us-east-1:123456789012:in",
      target: "arn:aws:ecs:us-east-1:123456789012:cluster/phi",
      targetParameters: {
        ecsTaskParameters: {
          taskDefinitionArn: "arn:td",
          networkConfiguration: {
            awsVpcConfiguration: { subnets: ["subnet-1"], assignPublicIp: "DISABLED" },
          },
        },
      },
    },
    [
      [
        "assignPublicIp ENABLED",
        {
          targetParameters: {
            ecsTaskParameters: {
              taskDefinitionArn: "arn:td",
              networkConfiguration: {
                awsVpcConfiguration: { subnets: ["subnet-1"], assignPublicIp: "ENABLED" },
              },
            },
          },
        },
        [
          'mandatory: targetParameters.ecsTaskParameters.networkConfiguration.awsVpcConfiguration.assignPublicIp is not DISABLED, so the EventBridge Pipes ECS target has an endpoint reachable from the internet; set targetParameters.ecsTaskParameters.networkConfiguration.awsVpcConfiguration.assignPublicIp: "DISABLED"',
        ],
      ],
    ],
  ],
  [
    "aws:eks/cluster:Cluster",
    {
      roleArn: "arn:aws:iam::123456789012:role/eks",
      vpcConfig: { subnetIds: ["subnet-1"], endpointPublicAccess: false, endpointPrivateAccess: true },
    },
    [
      [
        "endpointPublicAccess unset (EKS defaults to a public endpoint)",
        { vpcConfig: { subnetIds: ["subnet-1"], endpointPrivateAccess: true } },
        [
          "mandatory: vpcConfig.endpointPublicAccess is not set, and AWS's default is public, so the EKS cluster API endpoint has an endpoint reachable from the internet; set vpcConfig { endpointPublicAccess: false, endpointPrivateAccess: true } (EKS rejects turning both off)",
        ],
      ],
      [
        "endpointPublicAccess true",
        { vpcConfig: { subnetIds: ["subnet-1"], endpointPublicAccess: true, endpointPrivateAccess: true } },
        [
          "mandatory: vpcConfig.endpointPublicAccess is true, so the EKS cluster API endpoint has an endpoint reachable from the internet; set vpcConfig { endpointPublicAccess: false, endpointPrivateAccess: true } (EKS rejects turning both off)",
        ],
      ],
    ],
  ],
  [
    "aws:apprunner/service:Service",
    {
      serviceName: "api",
      networkConfiguration: { ingressConfiguration: { isPubliclyAccessible: false } },
    },
    [
      [
        "no networkConfiguration (App Runner services are public by default)",
        { networkConfiguration: undefined },
        [
          "mandatory: networkConfiguration.ingressConfiguration.isPubliclyAccessible is not set, and AWS's default is public, so the App Runner service has an endpoint reachable from the internet; set networkConfiguration.ingressConfiguration.isPubliclyAccessible: false, with an App Runner VPC ingress connection",
        ],
      ],
    ],
  ],
  [
    "aws:transfer/server:Server",
    {
      endpointType: "VPC",
      endpointDetails: { subnetIds: ["subnet-1"], vpcId: "vpc-1" },
      protocols: ["SFTP"],
    },
    [
      [
        "endpointType unset (defaults to PUBLIC)",
        { endpointType: undefined, endpointDetails: undefined },
        [
          'mandatory: endpointType is not set, and AWS\'s default is public, so the Transfer Family server has an endpoint reachable from the internet; set endpointType: "VPC" with endpointDetails { subnetIds, vpcId } and no addressAllocationIds',
        ],
      ],
      [
        "endpointType PUBLIC",
        { endpointType: "PUBLIC", endpointDetails: undefined },
        [
          'mandatory: endpointType is not VPC or VPC_ENDPOINT, so the Transfer Family server has an endpoint reachable from the internet; set endpointType: "VPC" with endpointDetails { subnetIds, vpcId } and no addressAllocationIds',
        ],
      ],
      [
        "a VPC endpoint with Elastic IPs (internet-facing)",
        {
          endpointDetails: { subnetIds: ["subnet-1"], vpcId: "vpc-1", addressAllocationIds: ["eipalloc-1"] },
        },
        [
          "mandatory: endpointDetails.addressAllocationIds is not empty, so the Transfer Family server has an endpoint reachable from the internet; set endpointDetails.addressAllocationIds: [] (Elastic IPs make a VPC endpoint internet-facing)",
        ],
      ],
      [
        "endpointType VPC_ENDPOINT",
        { endpointType: "VPC_ENDPOINT", endpointDetails: { vpcEndpointId: "vpce-1" } },
        [],
      ],
    ],
  ],
  [
    "aws:lambda/functionUrl:FunctionUrl",
    { functionName: "claims", authorizationType: "AWS_IAM" },
    [
      [
        "authorizationType NONE",
        { authorizationType: "NONE" },
        [
          'mandatory: authorizationType is not AWS_IAM, so the Lambda function URL has an endpoint reachable from the internet; set authorizationType: "AWS_IAM" (NONE lets anyone on the internet invoke the function)',
        ],
      ],
    ],
  ],
];

describe("phi-no-public-endpoints", () => {
  it("covers every token, written down here", () => {
    expect(TYPES.map(([t]) => t)).toEqual([
      "aws:rds/instance:Instance",
      "aws:rds/clusterInstance:ClusterInstance",
      "aws:rds/shardGroup:ShardGroup",
      "aws:neptune/clusterInstance:ClusterInstance",
      "aws:redshift/cluster:Cluster",
      "aws:redshiftserverless/workgroup:Workgroup",
      "aws:mq/broker:Broker",
      "aws:msk/cluster:Cluster",
      "aws:dms/replicationInstance:ReplicationInstance",
      "aws:dms/instanceProfile:InstanceProfile",
      "aws:opensearch/domain:Domain",
      "aws:elasticsearch/domain:Domain",
      "aws:opensearch/serverlessSecurityPolicy:ServerlessSecurityPolicy",
      "aws:ec2/instance:Instance",
      "aws:ec2/spotInstanceRequest:SpotInstanceRequest",
      "aws:ec2/launchTemplate:LaunchTemplate",
      "aws:ec2/launchConfiguration:LaunchConfiguration",
      "aws:ec2/spotFleetRequest:SpotFleetRequest",
      "aws:ec2/eip:Eip",
      "aws:ec2/eipAssociation:EipAssociation",
      "aws:ecs/service:Service",
      "aws:ecs/taskSet:TaskSet",
      "aws:cloudwatch/eventTarget:EventTarget",
      "aws:scheduler/schedule:Schedule",
      "aws:pipes/pipe:Pipe",
      "aws:eks/cluster:Cluster",
      "aws:apprunner/service:Service",
      "aws:transfer/server:Server",
      "aws:lambda/functionUrl:FunctionUrl",
    ]);
  });

  describe.each(TYPES)("%s", (type, valid, cases) => {
    it("the valid fixture passes", async () => {
      expect(await findings(type, valid)).toEqual([]);
    });
    it.each(cases)("%s", async (_label, change, expected) => {
      expect(await findings(type, { ...valid, ...change })).toEqual(expected);
    });
  });

  it("types that have no public endpoint setting are not applicable", async () => {
    for (const type of [
      "aws:rds/cluster:Cluster",
      "aws:s3/bucket:Bucket",
      "aws:ec2/networkInterface:NetworkInterface",
    ]) {
      const v = await runResource(policy, type, { publiclyAccessible: true });
      expect(v.diagnostics).toEqual([]);
      expect(v.notApplicable).toHaveLength(1);
    }
  });

  it("never prints the instance id, secret or not", async () => {
    const v = await runResource(policy, "aws:ec2/eip:Eip", {
      domain: "vpc",
      instance: secret("i-sentinel77"),
    });
    expect(v.mandatory).toHaveLength(1);
    expect(v.text).not.toContain("sentinel77");
  });
});
