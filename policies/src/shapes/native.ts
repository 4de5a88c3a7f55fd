/**
 * The AWS Cloud Control provider's (`aws-native`) resources as the classic @pulumi/aws resources the
 * policies judge. aws-native properties are the CloudFormation schema's in camelCase; each mapper here
 * builds the classic shape(s) from them, keeping unknown values unknown (values.ts). Pure renames are
 * data (data/native-shapes.json); this file holds the mappers that restructure.
 *
 * `fields` pairs a classic field path with the native one, so messages name what the program wrote.
 */
import shapeData from "../data/native-shapes.json";
import { isUnknown, sameText } from "../policy-kit";
import {
  APIGATEWAY_DOMAIN_NAME,
  APIGATEWAYV2_DOMAIN_NAME,
  CLOUDFRONT_DISTRIBUTION,
  DOCDB_CLUSTER_PARAMETER_GROUP,
  EC2_INSTANCE,
  EC2_LAUNCH_TEMPLATE,
  ECS_SERVICE,
  ECS_TASK_SET,
  EIP,
  FLOW_LOG,
  KINESIS_STREAM,
  LB_LISTENER,
  LB_LOAD_BALANCER,
  LB_TARGET_GROUP,
  MEMORYDB_CLUSTER,
  NATIVE,
  NEPTUNE_CLUSTER,
  RDS_CLUSTER_INSTANCE,
  RDS_CLUSTER_PARAMETER_GROUP,
  RDS_INSTANCE,
  RDS_PARAMETER_GROUP,
  REDSHIFT_PARAMETER_GROUP,
  S3_BUCKET,
  S3_BUCKET_POLICY,
  S3_PUBLIC_ACCESS_BLOCK,
  S3_SSE,
  SNS_TOPIC_POLICY,
  SQS_QUEUE_POLICY,
} from "../tokens";
import { SECURITY_GROUP, VPC_EGRESS_RULE, VPC_INGRESS_RULE } from "../grants";
import {
  asList,
  compact,
  firstSet,
  get,
  isObject,
  mapList,
  mapObject,
  type Raw,
  renamed,
  statusIs,
  tagMap,
  UNKNOWN_VALUE,
} from "./values";

/** One classic resource a native resource is judged as. */
export interface MappedShape {
  type: string;
  props: Raw;
  /** Classic field path prefixes and the native ones they come from, for messages. */
  fields: readonly (readonly [string, string])[];
  /** Classic top-level property → the native top-level properties it is computed from (dependencies). */
  deps?: Readonly<Record<string, readonly string[]>>;
  /** Classic top-level property → the index of another shape of the same resource it refers to. */
  sibling?: Readonly<Record<string, number>>;
  /** Said in messages that name `noteFor` (a native field), e.g. that a value is CloudFormation's default. */
  note?: string;
  noteFor?: string;
}

export type ShapeMapper = (props: Raw) => MappedShape[];

interface RenameSpec {
  as: string;
  fields: Readonly<Record<string, string>>;
}

/** A pure rename (data/native-shapes.json): top-level fields copied under their classic names. */
function renameMapper(spec: RenameSpec): ShapeMapper {
  const pairs = Object.entries(spec.fields)
    .filter(([n, c]) => n !== c)
    .map(([n, c]) => [c, n] as const);
  const deps = Object.fromEntries(Object.entries(spec.fields).map(([n, c]) => [c, [n]]));
  return (props) => [{ type: spec.as, props: renamed(props, spec.fields), fields: pairs, deps }];
}

// ---------------------------------------------------------------------------------------------------
// EC2 security groups.

/**
 * No `securityGroupEgress`: "if you do not add egress rules, we add egress rules that allow all outbound
 * IPv4 and IPv6 traffic" (AWS::EC2::SecurityGroup, CloudFormation template reference).
 */
const DEFAULT_EGRESS = {
  protocol: "-1",
  fromPort: 0,
  toPort: 0,
  cidrBlocks: ["0.0.0.0/0"],
  ipv6CidrBlocks: ["::/0"],
};

function inlineRule(rule: Raw, direction: "ingress" | "egress"): Raw {
  const peerGroup =
    direction === "ingress"
      ? firstSet(rule.sourceSecurityGroupId, rule.sourceSecurityGroupName)
      : rule.destinationSecurityGroupId;
  const prefixList = direction === "ingress" ? rule.sourcePrefixListId : rule.destinationPrefixListId;
  return compact({
    protocol: rule.ipProtocol,
    fromPort: rule.fromPort,
    toPort: rule.toPort,
    cidrBlocks: asList(rule.cidrIp),
    ipv6CidrBlocks: asList(rule.cidrIpv6),
    securityGroups: asList(peerGroup),
    prefixListIds: asList(prefixList),
  });
}

const SG_FIELDS = [
  ["ingress[", "securityGroupIngress["],
  ["egress[", "securityGroupEgress["],
  ["ingress is", "securityGroupIngress is"],
  ["egress is", "securityGroupEgress is"],
  ["ingress (", "securityGroupIngress ("],
  ["egress (", "securityGroupEgress ("],
  ["cidrBlocks[0]", "cidrIp"],
  ["ipv6CidrBlocks[0]", "cidrIpv6"],
  ["cidrBlocks", "cidrIp"],
  ["ipv6CidrBlocks", "cidrIpv6"],
  ["prefixListIds[0]", "sourcePrefixListId / destinationPrefixListId"],
  [".protocol", ".ipProtocol"],
] as const;

const securityGroup: ShapeMapper = (p) => {
  // An empty list adds no egress rule either, so EC2's default stays (CloudFormation's known workaround
  // is a rule to 127.0.0.1/32).
  const egress = p.securityGroupEgress;
  const egressUnset =
    egress === undefined || egress === null || (Array.isArray(egress) && egress.length === 0);
  return [
    {
      type: SECURITY_GROUP,
      props: compact({
        id: p.groupId,
        vpcId: p.vpcId,
        name: p.groupName,
        ingress: mapList(p.securityGroupIngress, (r) => inlineRule(r, "ingress")),
        egress: egressUnset
          ? [DEFAULT_EGRESS]
          : mapList(p.securityGroupEgress, (r) => inlineRule(r, "egress")),
      }),
      fields: SG_FIELDS,
      deps: { ingress: ["securityGroupIngress"], egress: ["securityGroupEgress"], vpcId: ["vpcId"] },
      note: egressUnset
        ? "securityGroupEgress is unset, so EC2 adds its default rules allowing all egress to 0.0.0.0/0 and ::/0 (judged as egress[0])"
        : undefined,
      noteFor: "securityGroupEgress[0]",
    },
  ];
};

const RULE_FIELDS = [
  ["cidrIpv4", "cidrIp"],
  ["referencedSecurityGroupId", "sourceSecurityGroupId / destinationSecurityGroupId"],
  ["prefixListId", "sourcePrefixListId / destinationPrefixListId"],
  ["securityGroupId", "groupId"],
] as const;

function ruleResource(direction: "ingress" | "egress"): ShapeMapper {
  return (p) => [
    {
      type: direction === "ingress" ? VPC_INGRESS_RULE : VPC_EGRESS_RULE,
      props: compact({
        securityGroupId: firstSet(p.groupId, p.groupName),
        ipProtocol: p.ipProtocol,
        fromPort: p.fromPort,
        toPort: p.toPort,
        cidrIpv4: p.cidrIp,
        cidrIpv6: p.cidrIpv6,
        referencedSecurityGroupId:
          direction === "ingress"
            ? firstSet(p.sourceSecurityGroupId, p.sourceSecurityGroupName)
            : p.destinationSecurityGroupId,
        prefixListId: direction === "ingress" ? p.sourcePrefixListId : p.destinationPrefixListId,
      }),
      fields: RULE_FIELDS,
      deps: {
        securityGroupId: ["groupId", "groupName"],
        prefixListId: ["sourcePrefixListId", "destinationPrefixListId"],
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------------
// Elastic Load Balancing v2.

/**
 * The value of one `loadBalancerAttributes` key: unset when no entry has it, unknown when the list or an
 * entry that may hold it is unknown (a known entry for the key decides).
 */
function attribute(list: unknown, key: string): unknown {
  if (list === undefined || list === null) return undefined;
  if (isUnknown(list) || !Array.isArray(list)) return UNKNOWN_VALUE;
  let value: unknown;
  let maybe = false;
  for (const e of list) {
    if (isUnknown(e) || !isObject(e) || isUnknown(e.key)) maybe = true;
    else if (e.key === key) value = e.value;
  }
  return value !== undefined ? value : maybe ? UNKNOWN_VALUE : undefined;
}

const LB_FIELDS = [
  ["accessLogs.enabled", "loadBalancerAttributes[access_logs.s3.enabled]"],
  ["accessLogs.bucket", "loadBalancerAttributes[access_logs.s3.bucket]"],
  ["accessLogs", "loadBalancerAttributes[access_logs.s3.*]"],
  ["connectionLogs.bucket", "loadBalancerAttributes[connection_logs.s3.bucket]"],
  ["enableDeletionProtection", "loadBalancerAttributes[deletion_protection.enabled]"],
  ["dropInvalidHeaderFields", "loadBalancerAttributes[routing.http.drop_invalid_header_fields.enabled]"],
  ["internal is not true", "scheme is not internal"],
  ["loadBalancerType", "type"],
] as const;

const loadBalancer: ShapeMapper = (p) => {
  const attrs = p.loadBalancerAttributes;
  const logsEnabled = attribute(attrs, "access_logs.s3.enabled");
  const logsBucket = attribute(attrs, "access_logs.s3.bucket");
  const connBucket = attribute(attrs, "connection_logs.s3.bucket");
  const internal =
    p.scheme === undefined || p.scheme === null
      ? false
      : isUnknown(p.scheme)
        ? p.scheme
        : sameText(p.scheme, "internal");
  return [
    {
      type: LB_LOAD_BALANCER[0],
      props: compact({
        arn: p.loadBalancerArn,
        id: p.loadBalancerArn,
        name: p.loadBalancerName ?? p.name,
        loadBalancerType: p.type,
        internal,
        subnets: p.subnets,
        subnetMappings: p.subnetMappings,
        securityGroups: p.securityGroups,
        ipAddressType: p.ipAddressType,
        accessLogs:
          logsEnabled === undefined && logsBucket === undefined
            ? undefined
            : compact({
                enabled: logsEnabled,
                bucket: logsBucket,
                prefix: attribute(attrs, "access_logs.s3.prefix"),
              }),
        connectionLogs:
          connBucket === undefined
            ? undefined
            : compact({ enabled: attribute(attrs, "connection_logs.s3.enabled"), bucket: connBucket }),
        enableDeletionProtection: attribute(attrs, "deletion_protection.enabled"),
        dropInvalidHeaderFields: attribute(attrs, "routing.http.drop_invalid_header_fields.enabled"),
      }),
      fields: LB_FIELDS,
      deps: {
        accessLogs: ["loadBalancerAttributes"],
        connectionLogs: ["loadBalancerAttributes"],
        subnets: ["subnets"],
        securityGroups: ["securityGroups"],
      },
    },
  ];
};

const LISTENER_FIELDS = [
  [".redirect.", ".redirectConfig."],
  ["certificateArn", "certificates[0].certificateArn"],
] as const;

const listener: ShapeMapper = (p) => [
  {
    type: LB_LISTENER[0],
    props: compact({
      arn: p.listenerArn,
      loadBalancerArn: p.loadBalancerArn,
      protocol: p.protocol,
      port: p.port,
      sslPolicy: p.sslPolicy,
      alpnPolicy: Array.isArray(p.alpnPolicy) ? p.alpnPolicy[0] : p.alpnPolicy,
      certificateArn: isUnknown(p.certificates)
        ? p.certificates
        : Array.isArray(p.certificates)
          ? get(p.certificates[0], "certificateArn")
          : undefined,
      mutualAuthentication: p.mutualAuthentication,
      defaultActions: mapList(p.defaultActions, (a) =>
        compact({
          type: a.type,
          targetGroupArn: a.targetGroupArn,
          redirect: a.redirectConfig,
          forward: a.forwardConfig,
          fixedResponse: a.fixedResponseConfig,
        }),
      ),
    }),
    fields: LISTENER_FIELDS,
    deps: { loadBalancerArn: ["loadBalancerArn"], defaultActions: ["defaultActions"] },
  },
];

const targetGroup: ShapeMapper = (p) => [
  {
    type: LB_TARGET_GROUP[0],
    props: compact({
      arn: p.targetGroupArn,
      protocol: p.protocol,
      protocolVersion: p.protocolVersion,
      port: p.port,
      targetType: p.targetType,
      vpcId: p.vpcId,
      healthCheck: compact({ protocol: p.healthCheckProtocol, port: p.healthCheckPort }),
    }),
    fields: [["healthCheck.protocol", "healthCheckProtocol"]],
  },
];

// ---------------------------------------------------------------------------------------------------
// S3.

const BUCKET_FIELDS = [
  ["versioning", "versioningConfiguration.status"],
  ["logging.targetBucket", "loggingConfiguration.destinationBucketName"],
  ["serverSideEncryptionConfiguration", "bucketEncryption.serverSideEncryptionConfiguration"],
  ["public access block", "publicAccessBlockConfiguration"],
  ["applyServerSideEncryptionByDefault", "serverSideEncryptionByDefault"],
] as const;

/** Index of the bucket itself among a native bucket's shapes (its sub-resources refer to it). */
const BUCKET = 0;

const bucket: ShapeMapper = (p) => {
  const name = firstSet(p.bucketName, p.id);
  const logging = mapObject(p.loggingConfiguration, (l) =>
    // Without a destination, S3 writes the logs to the bucket itself (AWS::S3::Bucket LoggingConfiguration).
    compact({ targetBucket: firstSet(l.destinationBucketName, name), targetPrefix: l.logFilePrefix }),
  );
  const shapes: MappedShape[] = [
    {
      type: S3_BUCKET[0],
      props: compact({
        bucket: name,
        arn: p.arn,
        objectLockEnabled: p.objectLockEnabled,
        objectLockConfiguration: p.objectLockConfiguration,
        versioning: mapObject(p.versioningConfiguration, (v) =>
          compact({ enabled: statusIs(v.status, "Enabled") }),
        ),
        logging,
        tags: tagMap(p.tags),
      }),
      fields: BUCKET_FIELDS,
      deps: { logging: ["loggingConfiguration"] },
    },
  ];
  const sse = get(p.bucketEncryption, "serverSideEncryptionConfiguration");
  if (p.bucketEncryption !== undefined && p.bucketEncryption !== null)
    shapes.push({
      type: S3_SSE[0],
      props: compact({
        bucket: name,
        rules: mapList(sse, (r) =>
          compact({
            applyServerSideEncryptionByDefault: r.serverSideEncryptionByDefault,
            bucketKeyEnabled: r.bucketKeyEnabled,
          }),
        ),
      }),
      fields: [
        ["rules", "bucketEncryption.serverSideEncryptionConfiguration"],
        ["applyServerSideEncryptionByDefault", "serverSideEncryptionByDefault"],
      ],
      sibling: { bucket: BUCKET },
    });
  if (p.publicAccessBlockConfiguration !== undefined && p.publicAccessBlockConfiguration !== null) {
    const pab = p.publicAccessBlockConfiguration;
    shapes.push({
      type: S3_PUBLIC_ACCESS_BLOCK[0],
      props: compact({
        bucket: name,
        blockPublicAcls: get(pab, "blockPublicAcls"),
        blockPublicPolicy: get(pab, "blockPublicPolicy"),
        ignorePublicAcls: get(pab, "ignorePublicAcls"),
        restrictPublicBuckets: get(pab, "restrictPublicBuckets"),
      }),
      fields: [],
      sibling: { bucket: BUCKET },
    });
  }
  return shapes;
};

const bucketPolicy: ShapeMapper = (p) => [
  {
    type: S3_BUCKET_POLICY[0],
    props: compact({ bucket: p.bucket, policy: p.policyDocument }),
    fields: [[".policy", ".policyDocument"]],
    deps: { bucket: ["bucket"], policy: ["policyDocument"] },
  },
];

// ---------------------------------------------------------------------------------------------------
// CloudFront, API Gateway.

const DISTRIBUTION_FIELDS = [
  ["defaultCacheBehavior", "distributionConfig.defaultCacheBehavior"],
  ["orderedCacheBehaviors", "distributionConfig.cacheBehaviors"],
  [
    "viewerCertificate.cloudfrontDefaultCertificate",
    "distributionConfig.viewerCertificate.cloudFrontDefaultCertificate",
  ],
  ["viewerCertificate", "distributionConfig.viewerCertificate"],
  ["origins", "distributionConfig.origins"],
  ["loggingConfig", "distributionConfig.logging"],
] as const;

const distribution: ShapeMapper = (p) => {
  const c = p.distributionConfig;
  const cert = get(c, "viewerCertificate");
  return [
    {
      type: CLOUDFRONT_DISTRIBUTION,
      props: compact({
        arn: p.arn,
        enabled: get(c, "enabled"),
        defaultCacheBehavior: get(c, "defaultCacheBehavior"),
        orderedCacheBehaviors: get(c, "cacheBehaviors"),
        // CloudFront's default certificate when viewerCertificate is unset (AWS::CloudFront::Distribution).
        viewerCertificate:
          cert === undefined || cert === null
            ? isUnknown(c)
              ? c
              : { cloudfrontDefaultCertificate: true }
            : mapObject(cert, (v) =>
                compact({
                  acmCertificateArn: v.acmCertificateArn,
                  iamCertificateId: v.iamCertificateId,
                  cloudfrontDefaultCertificate: v.cloudFrontDefaultCertificate,
                  minimumProtocolVersion: v.minimumProtocolVersion,
                  sslSupportMethod: v.sslSupportMethod,
                }),
              ),
        origins: get(c, "origins"),
        loggingConfig: get(c, "logging"),
        webAclId: get(c, "webAclId"),
      }),
      fields: DISTRIBUTION_FIELDS,
      deps: { loggingConfig: ["distributionConfig"], origins: ["distributionConfig"] },
    },
  ];
};

const restDomainName: ShapeMapper = (p) => [
  {
    type: APIGATEWAY_DOMAIN_NAME,
    props: compact({
      domainName: p.domainName,
      securityPolicy: p.securityPolicy,
      endpointConfiguration: p.endpointConfiguration,
      certificateArn: p.certificateArn,
      regionalCertificateArn: p.regionalCertificateArn,
      mutualTlsAuthentication: p.mutualTlsAuthentication,
    }),
    fields: [],
  },
];

/** One classic v2 domain name per entry of `domainNameConfigurations` (classic has one configuration). */
const httpDomainName: ShapeMapper = (p) => {
  const list = p.domainNameConfigurations;
  const base = { domainName: p.domainName, mutualTlsAuthentication: p.mutualTlsAuthentication };
  if (!Array.isArray(list) || list.length === 0)
    return [
      {
        type: APIGATEWAYV2_DOMAIN_NAME,
        props: compact({ ...base, domainNameConfiguration: isUnknown(list) ? list : {} }),
        fields: [["domainNameConfiguration", "domainNameConfigurations"]],
      },
    ];
  return list.map((conf, i) => ({
    type: APIGATEWAYV2_DOMAIN_NAME,
    props: compact({ ...base, domainNameConfiguration: conf }),
    fields: [["domainNameConfiguration", `domainNameConfigurations[${i}]`]],
  }));
};

// ---------------------------------------------------------------------------------------------------
// VPC flow logs and routing.

const FLOW_LOG_TARGETS: Readonly<Record<string, string>> = {
  VPC: "vpcId",
  Subnet: "subnetId",
  NetworkInterface: "eniId",
  TransitGateway: "transitGatewayId",
  TransitGatewayAttachment: "transitGatewayAttachmentId",
};

const flowLog: ShapeMapper = (p) => {
  const target: Raw = {};
  if (isUnknown(p.resourceType)) target.vpcId = UNKNOWN_VALUE;
  else {
    const key = Object.keys(FLOW_LOG_TARGETS).find((k) => sameText(p.resourceType, k));
    if (key) target[FLOW_LOG_TARGETS[key]] = p.resourceId;
  }
  return [
    {
      type: FLOW_LOG,
      props: compact({
        ...target,
        // CloudFormation's default destination is CloudWatch Logs, as the classic provider's.
        logDestinationType: p.logDestinationType,
        logDestination: p.logDestination,
        logGroupName: p.logGroupName,
        trafficType: p.trafficType,
      }),
      fields: [
        ["vpcId", "resourceId"],
        ["subnetId", "resourceId"],
      ],
      deps: { vpcId: ["resourceId"], subnetId: ["resourceId"], logDestination: ["logDestination"] },
    },
  ];
};

// ---------------------------------------------------------------------------------------------------
// Databases.

const dbInstance: ShapeMapper = (p) => {
  const inCluster = p.dbClusterIdentifier !== undefined && p.dbClusterIdentifier !== null;
  const common = {
    engine: p.engine,
    engineVersion: p.engineVersion,
    publiclyAccessible: p.publiclyAccessible,
    dbSubnetGroupName: p.dbSubnetGroupName,
  };
  if (inCluster)
    return [
      {
        type: RDS_CLUSTER_INSTANCE,
        props: compact({ ...common, clusterIdentifier: p.dbClusterIdentifier }),
        fields: [["clusterIdentifier", "dbClusterIdentifier"]],
        deps: { clusterIdentifier: ["dbClusterIdentifier"] },
      },
    ];
  return [
    {
      type: RDS_INSTANCE,
      props: compact({
        ...common,
        storageEncrypted: p.storageEncrypted,
        kmsKeyId: p.kmsKeyId,
        parameterGroupName: p.dbParameterGroupName,
        optionGroupName: p.optionGroupName,
      }),
      fields: [["parameterGroupName", "dbParameterGroupName"]],
      deps: { parameterGroupName: ["dbParameterGroupName"], optionGroupName: ["optionGroupName"] },
    },
  ];
};

/** `parameters: { name: value }` (CloudFormation's map) → `parameter: [{ name, value }]`. */
function parameterList(v: unknown): unknown {
  if (!isObject(v)) return v;
  return Object.entries(v).map(([name, value]) => ({ name, value }));
}

function parameterGroup(type: string, nameField: string): ShapeMapper {
  return (p) => [
    {
      type,
      props: compact({ name: p[nameField], family: p.family, parameters: parameterList(p.parameters) }),
      fields: [["name", nameField]],
    },
  ];
}

/**
 * AWS::Redshift::ClusterParameterGroup `parameters: [{ parameterName, parameterValue }]`. A template keeps
 * `Parameters` as it is written (cloudformation.ts treats the key as a document), so its PascalCase keys
 * are read too.
 */
const redshiftParameterGroup: ShapeMapper = (p) => [
  {
    type: REDSHIFT_PARAMETER_GROUP,
    props: compact({
      name: p.parameterGroupName,
      family: p.parameterGroupFamily,
      parameters: mapList(p.parameters, (e) =>
        compact({
          name: firstSet(e.parameterName, e.ParameterName),
          value: firstSet(e.parameterValue, e.ParameterValue),
        }),
      ),
    }),
    fields: [
      [".name", ".parameterName"],
      [".value", ".parameterValue"],
    ],
  },
];

/**
 * AWS::MemoryDB::Cluster documents no default for `TLSEnabled` (the classic provider sends true), so an
 * unset one is judged as false: setting it true is always accepted, at creation.
 */
const memoryDbCluster: ShapeMapper = (p) => {
  const unset = p.tlsEnabled === undefined || p.tlsEnabled === null;
  return [
    {
      type: MEMORYDB_CLUSTER,
      props: compact({ tlsEnabled: unset ? false : p.tlsEnabled }),
      fields: [],
      note: unset
        ? "tlsEnabled is unset and CloudFormation documents no default for AWS::MemoryDB::Cluster TLSEnabled, so it is judged as false"
        : undefined,
      noteFor: "tlsEnabled",
    },
  ];
};

/**
 * AWS::Neptune::DBCluster: a cluster restored from a snapshot or another cluster takes its encryption
 * from the source, and CloudFormation asks for StorageEncrypted not to be set then: the note says so.
 */
const neptuneDbCluster: ShapeMapper = (p) => {
  const restored = firstSet(p.snapshotIdentifier, p.sourceDbClusterIdentifier) !== undefined;
  return [
    {
      type: NEPTUNE_CLUSTER,
      props: compact({
        clusterIdentifier: p.dbClusterIdentifier,
        storageEncrypted: p.storageEncrypted,
        kmsKeyArn: p.kmsKeyId,
      }),
      fields: [
        ["clusterIdentifier", "dbClusterIdentifier"],
        ["kmsKeyArn", "kmsKeyId"],
      ],
      deps: {
        clusterIdentifier: ["dbClusterIdentifier"],
        storageEncrypted: ["storageEncrypted"],
        kmsKeyArn: ["kmsKeyId"],
      },
      note: restored
        ? "snapshotIdentifier or sourceDbClusterIdentifier is set, so the cluster takes its encryption from that source, which this policy cannot see (CloudFormation asks not to set StorageEncrypted then); restore from an encrypted source and record an exemption"
        : undefined,
      noteFor: "storageEncrypted",
    },
  ];
};

/** AWS::Kinesis::Stream `streamEncryption { encryptionType, keyId }`; without it the stream is unencrypted. */
const kinesisStream: ShapeMapper = (p) => [
  {
    type: KINESIS_STREAM,
    props: compact({
      name: p.name,
      encryptionType: get(p.streamEncryption, "encryptionType"),
      kmsKeyId: get(p.streamEncryption, "keyId"),
    }),
    fields: [
      ["encryptionType", "streamEncryption.encryptionType"],
      ["kmsKeyId", "streamEncryption.keyId"],
    ],
    deps: { name: ["name"], encryptionType: ["streamEncryption"], kmsKeyId: ["streamEncryption"] },
  },
];

// ---------------------------------------------------------------------------------------------------
// Compute that can have a public address.

/**
 * One classic instance per entry of `networkInterfaces` (classic has one `associatePublicIpAddress`);
 * without interfaces the subnet decides (phi-subnet-private), as for a classic instance without the field.
 */
const ec2Instance: ShapeMapper = (p) => {
  const list = p.networkInterfaces;
  if (!Array.isArray(list) || list.length === 0)
    return [
      {
        type: EC2_INSTANCE,
        props: compact({
          subnetId: p.subnetId,
          associatePublicIpAddress: isUnknown(list) ? list : undefined,
        }),
        fields: [["associatePublicIpAddress", "networkInterfaces"]],
      },
    ];
  return list.map((ni, i) => ({
    type: EC2_INSTANCE,
    props: compact({
      subnetId: get(ni, "subnetId"),
      associatePublicIpAddress: get(ni, "associatePublicIpAddress"),
    }),
    fields: [["associatePublicIpAddress", `networkInterfaces[${i}].associatePublicIpAddress`]],
  }));
};

/** Only `instanceId` (the classic `instance`): the native Eip has no network interface field. */
const eip: ShapeMapper = (p) => [
  {
    type: EIP,
    props: compact({ instance: p.instanceId }),
    // Not the bare word: the remediation says "an instance".
    fields: [["instance is set", "instanceId is set"]],
    deps: { instance: ["instanceId"] },
  },
];

const launchTemplate: ShapeMapper = (p) => [
  {
    type: EC2_LAUNCH_TEMPLATE,
    props: compact({
      name: p.launchTemplateName,
      networkInterfaces: get(p.launchTemplateData, "networkInterfaces"),
    }),
    fields: [["networkInterfaces", "launchTemplateData.networkInterfaces"]],
    deps: { networkInterfaces: ["launchTemplateData"] },
  },
];

/** CloudFormation's `AssignPublicIp: ENABLED | DISABLED` (default DISABLED) as the classic boolean. */
function assignPublicIp(v: unknown): unknown {
  if (v === undefined || v === null || isUnknown(v)) return v;
  if (sameText(v, "ENABLED")) return true;
  if (sameText(v, "DISABLED")) return false;
  // Any other value (a boolean, "true") is not one AWS accepts: a list, which the policy reads as a value
  // AWS does not accept (failing closed), never as the classic boolean.
  return [v];
}

/** ECS services (`awsvpcConfiguration`) and task sets (`awsVpcConfiguration`: CloudFormation spells them apart). */
function ecsNetworked(type: string, key: string): ShapeMapper {
  return (p) => [
    {
      type,
      props: compact({
        networkConfiguration: mapObject(p.networkConfiguration, (nc) => {
          const vpc = nc[key];
          if (vpc === undefined || vpc === null) return {};
          if (!isObject(vpc)) return vpc;
          return compact({
            assignPublicIp: assignPublicIp(vpc.assignPublicIp),
            subnets: vpc.subnets,
            securityGroups: vpc.securityGroups,
          });
        }),
      }),
      fields: [
        [
          "networkConfiguration.assignPublicIp is true",
          `networkConfiguration.${key}.assignPublicIp is ENABLED`,
        ],
        ["networkConfiguration.assignPublicIp", `networkConfiguration.${key}.assignPublicIp`],
      ],
      deps: { networkConfiguration: ["networkConfiguration"] },
    },
  ];
}

// ---------------------------------------------------------------------------------------------------
// Queue and topic policies.

/** One classic policy resource per queue / topic the native one names. */
function policyPerTarget(type: string, listKey: string, targetKey: string): ShapeMapper {
  return (p) => {
    const list = p[listKey];
    const targets = Array.isArray(list) ? list : [list];
    return targets.map((t, i) => ({
      type,
      props: compact({ [targetKey]: t, policy: p.policyDocument }),
      fields: [
        [".policy", ".policyDocument"],
        [targetKey, Array.isArray(list) ? `${listKey}[${i}]` : listKey],
      ],
      deps: { [targetKey]: [listKey], policy: ["policyDocument"] },
    }));
  };
}

function inlinePolicy(type: string, sourceKey: string, targetKey: string): ShapeMapper {
  return (p) => [
    {
      type,
      props: compact({ [targetKey]: p[sourceKey], policy: p.policyDocument }),
      fields: [
        [".policy", ".policyDocument"],
        [targetKey, sourceKey],
      ],
      deps: { [targetKey]: [sourceKey], policy: ["policyDocument"] },
    },
  ];
}

/** Every native token the pack maps, with its mapper. */
export const NATIVE_SHAPES: ReadonlyMap<string, ShapeMapper> = new Map<string, ShapeMapper>([
  [NATIVE.SECURITY_GROUP, securityGroup],
  [NATIVE.SECURITY_GROUP_INGRESS, ruleResource("ingress")],
  [NATIVE.SECURITY_GROUP_EGRESS, ruleResource("egress")],
  [NATIVE.LOAD_BALANCER, loadBalancer],
  [NATIVE.LISTENER, listener],
  [NATIVE.TARGET_GROUP, targetGroup],
  [NATIVE.BUCKET, bucket],
  [NATIVE.BUCKET_POLICY, bucketPolicy],
  [NATIVE.DISTRIBUTION, distribution],
  [NATIVE.APIGATEWAY_DOMAIN_NAME, restDomainName],
  [NATIVE.APIGATEWAYV2_DOMAIN_NAME, httpDomainName],
  [NATIVE.FLOW_LOG, flowLog],
  [NATIVE.DB_INSTANCE, dbInstance],
  [NATIVE.DB_PARAMETER_GROUP, parameterGroup(RDS_PARAMETER_GROUP, "dbParameterGroupName")],
  [
    NATIVE.DB_CLUSTER_PARAMETER_GROUP,
    parameterGroup(RDS_CLUSTER_PARAMETER_GROUP, "dbClusterParameterGroupName"),
  ],
  [NATIVE.DOCDB_CLUSTER_PARAMETER_GROUP, parameterGroup(DOCDB_CLUSTER_PARAMETER_GROUP, "name")],
  [NATIVE.REDSHIFT_CLUSTER_PARAMETER_GROUP, redshiftParameterGroup],
  [NATIVE.MEMORYDB_CLUSTER, memoryDbCluster],
  [NATIVE.NEPTUNE_DB_CLUSTER, neptuneDbCluster],
  [NATIVE.KINESIS_STREAM, kinesisStream],
  [NATIVE.EC2_INSTANCE, ec2Instance],
  [NATIVE.EIP, eip],
  [NATIVE.LAUNCH_TEMPLATE, launchTemplate],
  [NATIVE.ECS_SERVICE, ecsNetworked(ECS_SERVICE, "awsvpcConfiguration")],
  [NATIVE.ECS_TASK_SET, ecsNetworked(ECS_TASK_SET, "awsVpcConfiguration")],
  [NATIVE.QUEUE_INLINE_POLICY, inlinePolicy(SQS_QUEUE_POLICY, "queue", "queueUrl")],
  [NATIVE.TOPIC_POLICY, policyPerTarget(SNS_TOPIC_POLICY, "topics", "arn")],
  [NATIVE.TOPIC_INLINE_POLICY, inlinePolicy(SNS_TOPIC_POLICY, "topicArn", "arn")],
  ...Object.entries(shapeData.renames as Record<string, RenameSpec>).map(
    ([token, spec]) => [token, renameMapper(spec)] as const,
  ),
]);
