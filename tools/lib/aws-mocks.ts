import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";

/** Fixed identity for offline runs: the AWS documentation account and a deterministic region. */
export const MOCK_ACCOUNT_ID = "123456789012";
export const DEFAULT_MOCK_REGION = "us-east-1";

/** Regional ELB log-delivery accounts (AWS docs, "Enable access logs for your ALB"); a few for realism. */
const ELB_ACCOUNTS: Record<string, string> = {
  "us-east-1": "127311923021",
  "us-east-2": "033677994240",
  "us-west-1": "027434742980",
  "us-west-2": "797873946194",
  "eu-west-1": "156460612806",
  "eu-central-1": "054676820928",
};

function hex(seed: string, length: number): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, length);
}

function uuid(seed: string): string {
  const h = hex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

type State = Record<string, unknown>;

/**
 * Plausible, deterministic ids, ARNs and names per resource type, so stack-level wiring (bucket names,
 * ARNs) resolves offline the way it would after `pulumi up`. Inputs are echoed back as outputs.
 */
export class AwsMocks implements pulumi.runtime.Mocks {
  constructor(readonly region: string = DEFAULT_MOCK_REGION) {}

  newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: State } {
    const { type, name } = args;
    const inputs: State = { ...args.inputs };
    const seed = `${type}::${name}`;
    const r = this.region;
    const a = MOCK_ACCOUNT_ID;
    const arn = (service: string, resource: string, region = r) =>
      `arn:aws:${service}:${region}:${a}:${resource}`;
    const state: State = { ...inputs };
    let id = `${name}-${hex(seed, 8)}`;

    switch (type) {
      case "aws:s3/bucket:Bucket":
      case "aws:s3/bucketV2:BucketV2": {
        const bucket =
          (inputs.bucket as string | undefined) ?? `${name.toLowerCase()}-${hex(seed, 7)}`.slice(0, 63);
        id = bucket;
        Object.assign(state, {
          bucket,
          arn: `arn:aws:s3:::${bucket}`,
          bucketDomainName: `${bucket}.s3.amazonaws.com`,
          bucketRegionalDomainName: `${bucket}.s3.${r}.amazonaws.com`,
          region: r,
        });
        break;
      }
      case "aws:ec2/vpc:Vpc":
        id = `vpc-${hex(seed, 17)}`;
        Object.assign(state, {
          arn: arn("ec2", `vpc/${id}`),
          defaultSecurityGroupId: `sg-${hex(seed + "dsg", 17)}`,
          mainRouteTableId: `rtb-${hex(seed + "main", 17)}`,
          defaultRouteTableId: `rtb-${hex(seed + "main", 17)}`,
          ownerId: a,
        });
        break;
      case "aws:ec2/subnet:Subnet":
        id = `subnet-${hex(seed, 17)}`;
        state.arn = arn("ec2", `subnet/${id}`);
        break;
      case "aws:ec2/securityGroup:SecurityGroup":
      case "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup":
        id = `sg-${hex(seed, 17)}`;
        state.arn = arn("ec2", `security-group/${id}`);
        break;
      case "aws:ec2/securityGroupRule:SecurityGroupRule":
        id = `sgrule-${hex(seed, 10)}`;
        break;
      case "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":
      case "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule":
        id = `sgr-${hex(seed, 17)}`;
        Object.assign(state, { arn: arn("ec2", `security-group-rule/${id}`), securityGroupRuleId: id });
        break;
      case "aws:ec2/routeTable:RouteTable":
        id = `rtb-${hex(seed, 17)}`;
        state.arn = arn("ec2", `route-table/${id}`);
        break;
      case "aws:ec2/vpcEndpoint:VpcEndpoint":
        id = `vpce-${hex(seed, 17)}`;
        Object.assign(state, { arn: arn("ec2", `vpc-endpoint/${id}`), prefixListId: `pl-${hex(seed, 8)}` });
        break;
      case "aws:ec2/flowLog:FlowLog":
        id = `fl-${hex(seed, 17)}`;
        state.arn = arn("ec2", `vpc-flow-log/${id}`);
        break;
      case "aws:ec2/internetGateway:InternetGateway":
        id = `igw-${hex(seed, 17)}`;
        break;
      case "aws:ec2/natGateway:NatGateway":
        id = `nat-${hex(seed, 17)}`;
        break;
      case "aws:ec2/eip:Eip":
        id = `eipalloc-${hex(seed, 17)}`;
        state.publicIp = "198.51.100.10";
        break;
      case "aws:kms/key:Key": {
        id = uuid(seed);
        Object.assign(state, { keyId: id, arn: arn("kms", `key/${id}`) });
        break;
      }
      case "aws:kms/alias:Alias":
        id = (inputs.name as string | undefined) ?? `alias/${name}`;
        state.arn = arn("kms", id);
        break;
      case "aws:lb/loadBalancer:LoadBalancer":
      case "aws:alb/loadBalancer:LoadBalancer": {
        const kind = inputs.loadBalancerType === "network" ? "net" : "app";
        const lbName = (inputs.name as string | undefined) ?? name.slice(0, 32);
        const suffix = `${kind}/${lbName}/${hex(seed, 16)}`;
        id = arn("elasticloadbalancing", `loadbalancer/${suffix}`);
        Object.assign(state, {
          arn: id,
          arnSuffix: suffix,
          name: lbName,
          dnsName: `internal-${lbName}-${hex(seed, 10)}.${r}.elb.amazonaws.com`,
          zoneId: "Z35SXDOTRQ7X7K",
        });
        break;
      }
      case "aws:lb/targetGroup:TargetGroup":
      case "aws:alb/targetGroup:TargetGroup": {
        const tgName = (inputs.name as string | undefined) ?? name.slice(0, 32);
        const suffix = `targetgroup/${tgName}/${hex(seed, 16)}`;
        id = arn("elasticloadbalancing", suffix);
        Object.assign(state, { arn: id, arnSuffix: suffix, name: tgName });
        break;
      }
      case "aws:lb/listener:Listener":
      case "aws:alb/listener:Listener":
        id = arn(
          "elasticloadbalancing",
          `listener/app/${name.slice(0, 32)}/${hex(seed, 16)}/${hex(seed + "l", 16)}`,
        );
        state.arn = id;
        break;
      case "aws:lb/trustStore:TrustStore":
        id = arn("elasticloadbalancing", `truststore/${name.slice(0, 32)}/${hex(seed, 16)}`);
        Object.assign(state, { arn: id, arnSuffix: id.split(":").pop() });
        break;
      case "aws:acm/certificate:Certificate":
        id = arn("acm", `certificate/${uuid(seed)}`);
        Object.assign(state, { arn: id, status: "ISSUED" });
        break;
      case "aws:iam/role:Role":
        id = (inputs.name as string | undefined) ?? `${name}-${hex(seed, 7)}`;
        Object.assign(state, {
          arn: `arn:aws:iam::${a}:role/${id}`,
          name: id,
          uniqueId: `AROA${hex(seed, 17).toUpperCase()}`,
        });
        break;
      case "tls:index/privateKey:PrivateKey":
        // Placeholder PEM text, never real key material: offline runs must not mint keys.
        Object.assign(state, {
          privateKeyPem: `-----BEGIN PRIVATE KEY-----\nMOCK-${hex(seed, 32)}\n-----END PRIVATE KEY-----\n`,
          publicKeyPem: `-----BEGIN PUBLIC KEY-----\nMOCK-${hex(seed + "pub", 32)}\n-----END PUBLIC KEY-----\n`,
          publicKeyFingerprintSha256: `SHA256:${hex(seed, 43)}`,
        });
        break;
      case "tls:index/selfSignedCert:SelfSignedCert":
      case "tls:index/locallySignedCert:LocallySignedCert":
        Object.assign(state, {
          certPem: `-----BEGIN CERTIFICATE-----\nMOCK-${hex(seed, 32)}\n-----END CERTIFICATE-----\n`,
          validityStartTime: "2026-01-01T00:00:00Z",
          validityEndTime: "2027-01-01T00:00:00Z",
          readyForRenewal: false,
        });
        break;
      case "tls:index/certRequest:CertRequest":
        state.certRequestPem = `-----BEGIN CERTIFICATE REQUEST-----\nMOCK-${hex(seed, 32)}\n-----END CERTIFICATE REQUEST-----\n`;
        break;
      default: {
        if (type.startsWith("aws:") && state.arn === undefined) {
          const service = type.split(":")[1].split("/")[0];
          state.arn = arn(service, `${name}`);
        }
      }
    }
    state.id = id;
    return { id, state };
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    const r = this.region;
    switch (args.token) {
      case "aws:index/getCallerIdentity:getCallerIdentity":
        return {
          accountId: MOCK_ACCOUNT_ID,
          arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/offline-check`,
          userId: "AIDAOFFLINECHECK",
          id: MOCK_ACCOUNT_ID,
        };
      case "aws:index/getRegion:getRegion":
        return { name: r, region: r, id: r, description: r, endpoint: `ec2.${r}.amazonaws.com` };
      case "aws:index/getPartition:getPartition":
        return { partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: "aws" };
      case "aws:index/getAvailabilityZones:getAvailabilityZones":
        return {
          names: [`${r}a`, `${r}b`, `${r}c`],
          zoneIds: ["use1-az1", "use1-az2", "use1-az4"],
          id: r,
        };
      case "aws:elb/getServiceAccount:getServiceAccount": {
        const acct =
          ELB_ACCOUNTS[(args.inputs.region as string | undefined) ?? r] ?? ELB_ACCOUNTS[DEFAULT_MOCK_REGION];
        return { id: acct, arn: `arn:aws:iam::${acct}:root` };
      }
      default:
        return { ...args.inputs };
    }
  }
}
