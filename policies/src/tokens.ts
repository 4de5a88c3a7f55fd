/**
 * Pulumi type tokens the pack reads, as strings so the pack never loads @pulumi/aws. Where @pulumi/aws
 * has aliases (`aws:lb/…` and `aws:alb/…`, `Bucket` and `BucketV2`, sub-resources and their `…V2`), both
 * spellings are listed; checked against node_modules/@pulumi/aws (7.x) `__pulumiType` values.
 */
export const LB_LISTENER = ["aws:lb/listener:Listener", "aws:alb/listener:Listener"] as const;
export const LB_TARGET_GROUP = ["aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup"] as const;
export const LB_LOAD_BALANCER = [
  "aws:lb/loadBalancer:LoadBalancer",
  "aws:alb/loadBalancer:LoadBalancer",
] as const;
export const CLASSIC_ELB = "aws:elb/loadBalancer:LoadBalancer";
export const CLASSIC_SSL_NEGOTIATION_POLICY = "aws:elb/sslNegotiationPolicy:SslNegotiationPolicy";
export const CLASSIC_LOAD_BALANCER_POLICY = "aws:elb/loadBalancerPolicy:LoadBalancerPolicy";
export const CLASSIC_LISTENER_POLICY = "aws:elb/listenerPolicy:ListenerPolicy";
export const CLOUDFRONT_DISTRIBUTION = "aws:cloudfront/distribution:Distribution";
export const CLOUDFRONT_MULTITENANT_DISTRIBUTION =
  "aws:cloudfront/multitenantDistribution:MultitenantDistribution";
export const CLOUDFRONT_VPC_ORIGIN = "aws:cloudfront/vpcOrigin:VpcOrigin";
export const APIGATEWAY_REST_API = "aws:apigateway/restApi:RestApi";
export const APIGATEWAY_DOMAIN_NAME = "aws:apigateway/domainName:DomainName";
export const APIGATEWAY_STAGE = "aws:apigateway/stage:Stage";
export const APIGATEWAYV2_API = "aws:apigatewayv2/api:Api";
export const APIGATEWAYV2_DOMAIN_NAME = "aws:apigatewayv2/domainName:DomainName";
export const APIGATEWAYV2_STAGE = "aws:apigatewayv2/stage:Stage";
export const OPENSEARCH_DOMAIN = "aws:opensearch/domain:Domain";
export const ELASTICSEARCH_DOMAIN = "aws:elasticsearch/domain:Domain";
export const TRANSFER_SERVER = "aws:transfer/server:Server";

export const S3_BUCKET = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"] as const;
export const S3_VERSIONING = [
  "aws:s3/bucketVersioning:BucketVersioning",
  "aws:s3/bucketVersioningV2:BucketVersioningV2",
] as const;
export const S3_SSE = [
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
] as const;
export const S3_OBJECT_LOCK = [
  "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
  "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2",
] as const;
export const S3_PUBLIC_ACCESS_BLOCK = ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"] as const;
export const S3_BUCKET_POLICY = ["aws:s3/bucketPolicy:BucketPolicy"] as const;

export const VPC = "aws:ec2/vpc:Vpc";
export const FLOW_LOG = "aws:ec2/flowLog:FlowLog";
export const CLOUDTRAIL = "aws:cloudtrail/trail:Trail";
export const SUBNET = "aws:ec2/subnet:Subnet";
export const DEFAULT_SUBNET = "aws:ec2/defaultSubnet:DefaultSubnet";
export const ROUTE_TABLE = "aws:ec2/routeTable:RouteTable";
export const DEFAULT_ROUTE_TABLE = "aws:ec2/defaultRouteTable:DefaultRouteTable";
export const ROUTE = "aws:ec2/route:Route";
export const ROUTE_TABLE_ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation";
export const MAIN_ROUTE_TABLE_ASSOCIATION = "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation";
export const INTERNET_GATEWAY = "aws:ec2/internetGateway:InternetGateway";
export const EGRESS_ONLY_INTERNET_GATEWAY = "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway";
export const KMS_KEY = "aws:kms/key:Key";
export const ACM_CERTIFICATE = "aws:acm/certificate:Certificate";
export const TLS_PRIVATE_KEY = "tls:index/privateKey:PrivateKey";
export const MANAGED_PREFIX_LIST = "aws:ec2/managedPrefixList:ManagedPrefixList";
export const MANAGED_PREFIX_LIST_ENTRY = "aws:ec2/managedPrefixListEntry:ManagedPrefixListEntry";

export function isOneOf(type: string, tokens: readonly string[]): boolean {
  return tokens.includes(type);
}

// Resources that can have an endpoint reachable from the internet (phi-no-public-endpoints). None has an
// alias or a deprecated spelling in @pulumi/aws 7.48; `elasticsearch/domain` is the legacy OpenSearch one.
export const RDS_INSTANCE = "aws:rds/instance:Instance";
export const RDS_CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance";
export const RDS_SHARD_GROUP = "aws:rds/shardGroup:ShardGroup";
export const NEPTUNE_CLUSTER_INSTANCE = "aws:neptune/clusterInstance:ClusterInstance";
export const REDSHIFT_CLUSTER = "aws:redshift/cluster:Cluster";
export const REDSHIFT_SERVERLESS_WORKGROUP = "aws:redshiftserverless/workgroup:Workgroup";
export const MQ_BROKER = "aws:mq/broker:Broker";
export const MSK_CLUSTER = "aws:msk/cluster:Cluster";
export const DMS_REPLICATION_INSTANCE = "aws:dms/replicationInstance:ReplicationInstance";
export const DMS_INSTANCE_PROFILE = "aws:dms/instanceProfile:InstanceProfile";
export const OPENSEARCH_SERVERLESS_SECURITY_POLICY =
  "aws:opensearch/serverlessSecurityPolicy:ServerlessSecurityPolicy";
export const EC2_INSTANCE = "aws:ec2/instance:Instance";
export const EC2_SPOT_INSTANCE_REQUEST = "aws:ec2/spotInstanceRequest:SpotInstanceRequest";
export const EC2_SPOT_FLEET_REQUEST = "aws:ec2/spotFleetRequest:SpotFleetRequest";
export const EC2_LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
export const EC2_LAUNCH_CONFIGURATION = "aws:ec2/launchConfiguration:LaunchConfiguration";
export const EIP = "aws:ec2/eip:Eip";
export const EIP_ASSOCIATION = "aws:ec2/eipAssociation:EipAssociation";
export const ECS_SERVICE = "aws:ecs/service:Service";
export const ECS_TASK_SET = "aws:ecs/taskSet:TaskSet";
export const EVENT_TARGET = "aws:cloudwatch/eventTarget:EventTarget";
export const SCHEDULER_SCHEDULE = "aws:scheduler/schedule:Schedule";
export const PIPE = "aws:pipes/pipe:Pipe";
export const EKS_CLUSTER = "aws:eks/cluster:Cluster";
export const APPRUNNER_SERVICE = "aws:apprunner/service:Service";
export const LAMBDA_FUNCTION_URL = "aws:lambda/functionUrl:FunctionUrl";

// Queues and topics with their separate policy resources (phi-resource-policies-require-tls).
export const SQS_QUEUE = "aws:sqs/queue:Queue";
export const SQS_QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy";
export const SNS_TOPIC = "aws:sns/topic:Topic";
export const SNS_TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy";

/** Data services (phi-data-in-transit-encrypted, phi-data-at-rest-encrypted); @pulumi/aws 7.x has no aliases for them. */
export const RDS_CLUSTER = "aws:rds/cluster:Cluster";
export const RDS_GLOBAL_CLUSTER = "aws:rds/globalCluster:GlobalCluster";
export const RDS_PARAMETER_GROUP = "aws:rds/parameterGroup:ParameterGroup";
export const RDS_CLUSTER_PARAMETER_GROUP = "aws:rds/clusterParameterGroup:ClusterParameterGroup";
export const RDS_OPTION_GROUP = "aws:rds/optionGroup:OptionGroup";
export const DOCDB_CLUSTER = "aws:docdb/cluster:Cluster";
export const DOCDB_CLUSTER_PARAMETER_GROUP = "aws:docdb/clusterParameterGroup:ClusterParameterGroup";
export const REDSHIFT_PARAMETER_GROUP = "aws:redshift/parameterGroup:ParameterGroup";
export const ELASTICACHE_CLUSTER = "aws:elasticache/cluster:Cluster";
export const ELASTICACHE_REPLICATION_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup";
export const MEMORYDB_CLUSTER = "aws:memorydb/cluster:Cluster";
export const MEMORYDB_MULTI_REGION_CLUSTER = "aws:memorydb/multiRegionCluster:MultiRegionCluster";
export const DAX_CLUSTER = "aws:dax/cluster:Cluster";
export const DMS_ENDPOINT = "aws:dms/endpoint:Endpoint";
export const NEPTUNE_CLUSTER = "aws:neptune/cluster:Cluster";
export const NEPTUNE_GLOBAL_CLUSTER = "aws:neptune/globalCluster:GlobalCluster";
export const KINESIS_STREAM = "aws:kinesis/stream:Stream";
export const DOCDB_ELASTIC_CLUSTER = "aws:docdb/elasticCluster:ElasticCluster";
export const ELASTICACHE_SERVERLESS_CACHE = "aws:elasticache/serverlessCache:ServerlessCache";
export const MSK_SERVERLESS_CLUSTER = "aws:msk/serverlessCluster:ServerlessCluster";
export const REDSHIFT_SERVERLESS_NAMESPACE = "aws:redshiftserverless/namespace:Namespace";

/** Every data-service token, for the test that checks data/data-services.json against this file. */
export const DATA_SERVICE_TOKENS: readonly string[] = [
  RDS_INSTANCE,
  RDS_CLUSTER,
  RDS_GLOBAL_CLUSTER,
  RDS_PARAMETER_GROUP,
  RDS_CLUSTER_PARAMETER_GROUP,
  RDS_OPTION_GROUP,
  DOCDB_CLUSTER,
  DOCDB_CLUSTER_PARAMETER_GROUP,
  REDSHIFT_CLUSTER,
  REDSHIFT_PARAMETER_GROUP,
  ELASTICACHE_CLUSTER,
  ELASTICACHE_REPLICATION_GROUP,
  MEMORYDB_CLUSTER,
  MEMORYDB_MULTI_REGION_CLUSTER,
  DAX_CLUSTER,
  MSK_CLUSTER,
  DMS_ENDPOINT,
  OPENSEARCH_DOMAIN,
  ELASTICSEARCH_DOMAIN,
  SQS_QUEUE,
  SNS_TOPIC,
  NEPTUNE_CLUSTER,
  NEPTUNE_GLOBAL_CLUSTER,
  KINESIS_STREAM,
  DOCDB_ELASTIC_CLUSTER,
  REDSHIFT_SERVERLESS_WORKGROUP,
  MQ_BROKER,
  ELASTICACHE_SERVERLESS_CACHE,
  MSK_SERVERLESS_CLUSTER,
  REDSHIFT_SERVERLESS_NAMESPACE,
];

/**
 * Pulumi AWS Cloud Control provider (`aws-native`) tokens the pack judges as the classic resources above
 * (policies/src/shapes/). Checked against @pulumi/aws-native 1.79 `__pulumiType` values; the pure
 * renames among them are listed in data/native-shapes.json.
 */
export const NATIVE = {
  SECURITY_GROUP: "aws-native:ec2:SecurityGroup",
  SECURITY_GROUP_INGRESS: "aws-native:ec2:SecurityGroupIngress",
  SECURITY_GROUP_EGRESS: "aws-native:ec2:SecurityGroupEgress",
  LOAD_BALANCER: "aws-native:elasticloadbalancingv2:LoadBalancer",
  LISTENER: "aws-native:elasticloadbalancingv2:Listener",
  TARGET_GROUP: "aws-native:elasticloadbalancingv2:TargetGroup",
  BUCKET: "aws-native:s3:Bucket",
  BUCKET_POLICY: "aws-native:s3:BucketPolicy",
  DISTRIBUTION: "aws-native:cloudfront:Distribution",
  APIGATEWAY_DOMAIN_NAME: "aws-native:apigateway:DomainName",
  APIGATEWAYV2_DOMAIN_NAME: "aws-native:apigatewayv2:DomainName",
  KMS_KEY: "aws-native:kms:Key",
  FLOW_LOG: "aws-native:ec2:FlowLog",
  VPC: "aws-native:ec2:Vpc",
  SUBNET: "aws-native:ec2:Subnet",
  ROUTE_TABLE: "aws-native:ec2:RouteTable",
  ROUTE: "aws-native:ec2:Route",
  SUBNET_ROUTE_TABLE_ASSOCIATION: "aws-native:ec2:SubnetRouteTableAssociation",
  INTERNET_GATEWAY: "aws-native:ec2:InternetGateway",
  DB_INSTANCE: "aws-native:rds:DbInstance",
  DB_CLUSTER: "aws-native:rds:DbCluster",
  DB_PARAMETER_GROUP: "aws-native:rds:DbParameterGroup",
  DB_CLUSTER_PARAMETER_GROUP: "aws-native:rds:DbClusterParameterGroup",
  ELASTICACHE_REPLICATION_GROUP: "aws-native:elasticache:ReplicationGroup",
  MSK_CLUSTER: "aws-native:msk:Cluster",
  SQS_QUEUE: "aws-native:sqs:Queue",
  QUEUE_INLINE_POLICY: "aws-native:sqs:QueueInlinePolicy",
  SNS_TOPIC: "aws-native:sns:Topic",
  TOPIC_POLICY: "aws-native:sns:TopicPolicy",
  TOPIC_INLINE_POLICY: "aws-native:sns:TopicInlinePolicy",
  DOCDB_CLUSTER_PARAMETER_GROUP: "aws-native:docdb:DbClusterParameterGroup",
  REDSHIFT_CLUSTER: "aws-native:redshift:Cluster",
  REDSHIFT_CLUSTER_PARAMETER_GROUP: "aws-native:redshift:ClusterParameterGroup",
  MEMORYDB_CLUSTER: "aws-native:memorydb:Cluster",
  MEMORYDB_MULTI_REGION_CLUSTER: "aws-native:memorydb:MultiRegionCluster",
  DMS_ENDPOINT: "aws-native:dms:Endpoint",
  DMS_INSTANCE_PROFILE: "aws-native:dms:InstanceProfile",
  OPENSEARCH_DOMAIN: "aws-native:opensearchservice:Domain",
  OPENSEARCH_SERVERLESS_SECURITY_POLICY: "aws-native:opensearchserverless:SecurityPolicy",
  ELASTICACHE_CACHE_CLUSTER: "aws-native:elasticache:CacheCluster",
  TRANSFER_SERVER: "aws-native:transfer:Server",
  EC2_INSTANCE: "aws-native:ec2:Instance",
  LAUNCH_TEMPLATE: "aws-native:ec2:LaunchTemplate",
  EIP: "aws-native:ec2:Eip",
  EIP_ASSOCIATION: "aws-native:ec2:EipAssociation",
  ECS_SERVICE: "aws-native:ecs:Service",
  ECS_TASK_SET: "aws-native:ecs:TaskSet",
  EKS_CLUSTER: "aws-native:eks:Cluster",
  LAMBDA_URL: "aws-native:lambda:Url",
  MQ_BROKER: "aws-native:amazonmq:Broker",
  NEPTUNE_DB_INSTANCE: "aws-native:neptune:DbInstance",
  NEPTUNE_DB_CLUSTER: "aws-native:neptune:DbCluster",
  KINESIS_STREAM: "aws-native:kinesis:Stream",
  DOCDB_ELASTIC_CLUSTER: "aws-native:docdbelastic:Cluster",
  RDS_DB_SHARD_GROUP: "aws-native:rds:DbShardGroup",
  REDSHIFT_SERVERLESS_WORKGROUP: "aws-native:redshiftserverless:Workgroup",
  APPRUNNER_SERVICE: "aws-native:apprunner:Service",
  REST_API: "aws-native:apigateway:RestApi",
  REST_STAGE: "aws-native:apigateway:Stage",
  HTTP_API: "aws-native:apigatewayv2:Api",
  HTTP_STAGE: "aws-native:apigatewayv2:Stage",
  CLOUDTRAIL_TRAIL: "aws-native:cloudtrail:Trail",
  ACM_CERTIFICATE: "aws-native:certificatemanager:Certificate",
} as const;

/** A CloudFormation stack, whose inline template the pack judges resource by resource. */
export const CLOUDFORMATION_STACK = "aws:cloudformation/stack:Stack";
/** phi-cfn-template-inline's description (the shapes wrapper leaves that policy's own report to it). */
export const CFN_TEMPLATE_INLINE_DESCRIPTION =
  "CloudFormation stacks give their template inline (templateBody), so the pack can judge the resources they create.";
