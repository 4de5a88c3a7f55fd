import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { renderPolicyDocument, type PolicyDocumentArgs } from "./iam-policy-document";
import { invokeResultFields, outputTypeFields, resourceOutputFields, type FieldDecl } from "./sdk-types";

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
  private readonly typesFrom: string[];
  private readonly overrides: UserMocks;

  constructor(
    readonly region: string = DEFAULT_MOCK_REGION,
    options: AwsMocksOptions = {},
  ) {
    this.typesFrom = [...(options.typesFrom ? [options.typesFrom] : []), process.cwd(), __dirname];
    this.overrides = options.overrides ?? {};
  }

  newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: State } {
    const builtIn = this.builtInResource(args);
    const own = this.overrides.resources?.[args.type];
    if (own === undefined) return builtIn;
    const answer = (typeof own === "function" ? own(args) : own) ?? {};
    return {
      id: answer.id ?? builtIn.id,
      state: { ...builtIn.state, ...(answer.state ?? {}) },
    };
  }

  private builtInResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: State } {
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
      case "aws:rds/clusterParameterGroup:ClusterParameterGroup":
      case "aws:rds/parameterGroup:ParameterGroup":
      case "aws:rds/subnetGroup:SubnetGroup":
        // The engine auto-names these (name = <resource name>-<suffix>); the name is what others reference.
        id = (inputs.name as string | undefined) ?? `${name}-${hex(seed, 7)}`;
        Object.assign(state, {
          name: id,
          arn: arn("rds", `${type.includes("ubnet") ? "subgrp" : "pg"}:${id}`),
        });
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
    if (args.custom !== false) this.fillIdentifiers(type, name, state);
    state.id = id;
    return { id, state };
  }

  /**
   * Outputs AWS always computes (ARN, DNS names, endpoints) that the SDK declares and nothing answered, so
   * `.apply(s => s.split(...))` on them works offline. Other outputs stay absent: inventing one (a key
   * pair, a TLS policy, a flag) would describe a resource the program did not ask for.
   */
  private fillIdentifiers(type: string, name: string, state: State): void {
    const fields = resourceOutputFields(type, this.typesFrom);
    if (!fields) return;
    const service = type.split(":")[1]?.split("/")[0] ?? "service";
    for (const f of fields) {
      if (f.name in state || f.name === "id" || f.name === "urn") continue;
      if (f.type !== "pulumi.Output<string>") continue;
      if (!IDENTIFIER_FIELD.test(f.name)) continue;
      state[f.name] = this.plausibleString(f.name, `${type}::${name}`, service, name);
    }
  }

  /** A deterministic, well-formed string for a field, from its name. */
  private plausibleString(field: string, seed: string, service: string, hint: string): string {
    const r = this.region;
    const h = hex(`${seed}::${field}`, 17);
    if (/^arn$|Arn$/.test(field)) return `arn:aws:${service}:${r}:${MOCK_ACCOUNT_ID}:${hint}`;
    if (/^(accountId|ownerId|awsAccountId)$/.test(field)) return MOCK_ACCOUNT_ID;
    if (/^region$/.test(field)) return r;
    if (/^availabilityZone$/.test(field)) return `${r}a`;
    if (/(dnsName|DnsName|domainName|DomainName|^endpoint$|Endpoint$|^publicDns$|^privateDns$)/.test(field))
      return `${hint.toLowerCase().replace(/[^a-z0-9-]/g, "-")}-${h.slice(0, 8)}.${service}.${r}.amazonaws.com`;
    if (/(^url$|Url$)/.test(field))
      return `https://${hint.toLowerCase().replace(/[^a-z0-9-]/g, "-")}-${h.slice(0, 8)}.example.com`;
    if (/(^id$|Id$)/.test(field)) {
      const base = field === "id" ? hint : field.slice(0, -2);
      return `${ID_PREFIXES[base] ?? base.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}-${h}`;
    }
    if (/(^name$|Name$)/.test(field)) return `${hint}-${h.slice(0, 7)}`;
    return "";
  }

  /** A value for every required field of a declared type that `value` lacks (depth-limited). */
  private fill(
    pkg: string,
    fields: FieldDecl[],
    value: State,
    seed: string,
    service: string,
    depth: number,
    hint = "resource",
  ): State {
    for (const f of fields) {
      if (f.optional || value[f.name] !== undefined) continue;
      const v = this.valueOfType(pkg, f, `${seed}.${f.name}`, service, depth, hint);
      if (v !== undefined) value[f.name] = v;
    }
    return value;
  }

  private valueOfType(
    pkg: string,
    f: FieldDecl,
    seed: string,
    service: string,
    depth: number,
    hint: string,
  ): unknown {
    const t = f.type.replace(/\s+/g, " ").trim();
    if (t === "string") return this.plausibleString(f.name, seed, service, `${hint}/${hex(seed, 8)}`);
    if (t === "number") return 0;
    if (t === "boolean") return false;
    if (t.endsWith("[]")) return [];
    if (/^\{ ?\[key: string\]/.test(t)) return {};
    const literal = /^"([^"]*)"/.exec(t);
    if (literal) return literal[1];
    if (/^outputs\.\w+\.\w+$/.test(t) && depth < 3) {
      const nested = outputTypeFields(pkg, t, this.typesFrom);
      return nested ? this.fill(pkg, nested, {}, seed, service, depth + 1, hint) : {};
    }
    return undefined;
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    const builtIn = this.builtInCall(args);
    const own = this.overrides.calls?.[args.token];
    const answer =
      own === undefined ? builtIn : { ...builtIn, ...((typeof own === "function" ? own(args) : own) ?? {}) };
    // Every field the SDK declares as always present gets a value, so no program crashes on a missing one.
    const [pkg, mod] = args.token.split(":");
    const fields = invokeResultFields(args.token, this.typesFrom);
    const service = (mod ?? "").split("/")[0];
    return fields
      ? this.fill(
          pkg,
          fields,
          answer,
          args.token,
          service === "index" ? pkg : service,
          0,
          dataSourceNoun(args.token),
        )
      : answer;
  }

  private builtInCall(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    const r = (args.inputs.region as string | undefined) ?? this.region;
    const a = MOCK_ACCOUNT_ID;
    const inputs = { ...args.inputs };
    const seed = `${args.token}::${JSON.stringify(args.inputs)}`;
    const filter = (name: string): string[] | undefined =>
      (inputs.filters as Array<{ name: string; values: string[] }> | undefined)?.find((f) => f.name === name)
        ?.values;
    const defaultVpcId = `vpc-${hex(`default-vpc::${r}`, 17)}`;
    const zones = [`${r}a`, `${r}b`, `${r}c`];
    const subnetIds = (vpcId: string) => zones.map((z) => `subnet-${hex(`${vpcId}::${z}`, 17)}`);
    switch (args.token) {
      case "aws:index/getCallerIdentity:getCallerIdentity":
        return {
          accountId: a,
          arn: `arn:aws:iam::${a}:user/offline-check`,
          userId: "AIDAOFFLINECHECK",
          id: a,
        };
      case "aws:index/getRegion:getRegion":
        return { name: r, region: r, id: r, description: r, endpoint: `ec2.${r}.amazonaws.com` };
      case "aws:index/getPartition:getPartition":
        return { partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: "aws" };
      case "aws:index/getAvailabilityZones:getAvailabilityZones":
        return {
          ...inputs,
          names: zones,
          zoneIds: ["use1-az1", "use1-az2", "use1-az4"],
          id: r,
          groupNames: [r],
        };
      case "aws:index/getDefaultTags:getDefaultTags":
        return { id: "aws", tags: {} };
      case "aws:elb/getServiceAccount:getServiceAccount":
      case "aws:lb/getServiceAccount:getServiceAccount": {
        const acct = ELB_ACCOUNTS[r] ?? ELB_ACCOUNTS[DEFAULT_MOCK_REGION];
        return { id: acct, arn: `arn:aws:iam::${acct}:root`, region: r };
      }
      case "aws:iam/getPolicyDocument:getPolicyDocument": {
        const doc = renderPolicyDocument(inputs as PolicyDocumentArgs);
        return { ...inputs, ...doc, id: hex(doc.minifiedJson, 10) };
      }
      case "aws:ec2/getVpc:getVpc": {
        const id = (inputs.id as string | undefined) ?? filter("vpc-id")?.[0] ?? defaultVpcId;
        const isDefault = id === defaultVpcId;
        const cidrBlock = isDefault ? "172.31.0.0/16" : "10.0.0.0/16";
        return {
          ...inputs,
          id,
          arn: `arn:aws:ec2:${r}:${a}:vpc/${id}`,
          cidrBlock,
          default: isDefault,
          state: "available",
          ownerId: a,
          instanceTenancy: "default",
          enableDnsHostnames: true,
          enableDnsSupport: true,
          mainRouteTableId: `rtb-${hex(`${id}::main`, 17)}`,
          dhcpOptionsId: `dopt-${hex(`${id}::dopt`, 17)}`,
          cidrBlockAssociations: [
            { associationId: `vpc-cidr-assoc-${hex(id, 17)}`, cidrBlock, state: "associated" },
          ],
          tags: (inputs.tags as object | undefined) ?? {},
          region: r,
        };
      }
      case "aws:ec2/getSubnets:getSubnets":
      case "aws:ec2/getSubnetIds:getSubnetIds": {
        const vpcId = (inputs.vpcId as string | undefined) ?? filter("vpc-id")?.[0] ?? defaultVpcId;
        return {
          ...inputs,
          id: r,
          ids: subnetIds(vpcId),
          region: r,
          tags: (inputs.tags as object | undefined) ?? {},
        };
      }
      case "aws:ec2/getSubnet:getSubnet": {
        const vpcId = (inputs.vpcId as string | undefined) ?? filter("vpc-id")?.[0] ?? defaultVpcId;
        const ids = subnetIds(vpcId);
        const id = (inputs.id as string | undefined) ?? filter("subnet-id")?.[0] ?? ids[0];
        const index = Math.max(0, ids.indexOf(id));
        const zone = (inputs.availabilityZone as string | undefined) ?? zones[index];
        return {
          ...inputs,
          id,
          arn: `arn:aws:ec2:${r}:${a}:subnet/${id}`,
          vpcId,
          availabilityZone: zone,
          availabilityZoneId: `use1-az${index + 1}`,
          cidrBlock: vpcId === defaultVpcId ? `172.31.${index * 16}.0/20` : `10.0.${index * 16}.0/20`,
          mapPublicIpOnLaunch: vpcId === defaultVpcId,
          defaultForAz: vpcId === defaultVpcId,
          state: "available",
          ownerId: a,
          region: r,
          tags: (inputs.tags as object | undefined) ?? {},
        };
      }
      case "aws:ec2/getAmi:getAmi": {
        const pattern = filter("name")?.[0] ?? (inputs.nameRegex as string | undefined) ?? "offline-mock-ami";
        const id = `ami-${hex(seed, 17)}`;
        const arm = /arm64|aarch64/.test(pattern);
        return {
          ...inputs,
          id,
          imageId: id,
          arn: `arn:aws:ec2:${r}::image/${id}`,
          name: pattern.replace(/\*/g, "2026.0.20260101").replace(/[\^$\\]/g, ""),
          architecture: arm ? "arm64" : "x86_64",
          ownerId:
            ((inputs.owners as string[] | undefined) ?? [])[0]?.replace(/^amazon$/, "137112412989") ??
            "137112412989",
          imageOwnerAlias: "amazon",
          imageType: "machine",
          platformDetails: "Linux/UNIX",
          rootDeviceName: "/dev/xvda",
          rootDeviceType: "ebs",
          virtualizationType: "hvm",
          hypervisor: "xen",
          enaSupport: true,
          state: "available",
          creationDate: "2026-01-01T00:00:00.000Z",
          blockDeviceMappings: [
            {
              deviceName: "/dev/xvda",
              ebs: { volume_size: "8", volume_type: "gp3", encrypted: "false" },
              noDevice: "",
              virtualName: "",
            },
          ],
          tags: {},
          region: r,
        };
      }
      case "aws:ec2/getAmiIds:getAmiIds":
        return { ...inputs, id: r, ids: [`ami-${hex(seed, 17)}`], region: r };
      case "aws:ssm/getParameter:getParameter": {
        const name = String(inputs.name ?? "parameter");
        const value = /\/aws\/service\/.*ami/.test(name)
          ? `ami-${hex(name, 17)}`
          : `offline-mock-value-of-${name.replace(/^\//, "")}`;
        return {
          ...inputs,
          id: name,
          name,
          arn: `arn:aws:ssm:${r}:${a}:parameter${name.startsWith("/") ? "" : "/"}${name}`,
          type: "String",
          value,
          insecureValue: value,
          version: 1,
          region: r,
        };
      }
      case "aws:secretsmanager/getSecretVersion:getSecretVersion": {
        const secretId = String(inputs.secretId ?? "secret");
        return {
          ...inputs,
          id: `${secretId}|AWSCURRENT`,
          arn: secretId.startsWith("arn:")
            ? secretId
            : `arn:aws:secretsmanager:${r}:${a}:secret:${secretId}-${hex(secretId, 6)}`,
          secretString: "offline-check-secret-placeholder",
          versionId: uuid(secretId),
          versionStages: ["AWSCURRENT"],
        };
      }
      case "aws:route53/getZone:getZone": {
        const zoneName = String(inputs.name ?? "example.com").replace(/\.?$/, ".");
        const zoneId = (inputs.zoneId as string | undefined) ?? `Z${hex(zoneName, 13).toUpperCase()}`;
        return {
          ...inputs,
          id: zoneId,
          zoneId,
          name: zoneName,
          arn: `arn:aws:route53:::hostedzone/${zoneId}`,
          nameServers: ["ns-1.awsdns-00.com.", "ns-2.awsdns-00.net."],
          privateZone: Boolean(inputs.privateZone),
        };
      }
      case "aws:acm/getCertificate:getCertificate": {
        const domain = String(inputs.domain ?? "example.com");
        const arn = `arn:aws:acm:${r}:${a}:certificate/${uuid(domain)}`;
        return { ...inputs, id: arn, arn, domain, status: "ISSUED" };
      }
      case "aws:kms/getKey:getKey": {
        const keyId = uuid(String(inputs.keyId));
        return {
          ...inputs,
          id: keyId,
          arn: `arn:aws:kms:${r}:${a}:key/${keyId}`,
          keyState: "Enabled",
          enabled: true,
        };
      }
      case "aws:iam/getRole:getRole":
        return { ...inputs, id: inputs.name, arn: `arn:aws:iam::${a}:role/${String(inputs.name)}` };
      case "aws:iam/getPolicy:getPolicy": {
        const arn = (inputs.arn as string | undefined) ?? `arn:aws:iam::aws:policy/${String(inputs.name)}`;
        return { ...inputs, id: arn, arn };
      }
      case "aws:s3/getBucket:getBucket": {
        const bucket = String(inputs.bucket);
        return {
          ...inputs,
          id: bucket,
          arn: `arn:aws:s3:::${bucket}`,
          bucketDomainName: `${bucket}.s3.amazonaws.com`,
          bucketRegionalDomainName: `${bucket}.s3.${r}.amazonaws.com`,
          region: r,
        };
      }
      case "aws:ecr/getAuthorizationToken:getAuthorizationToken":
        return {
          ...inputs,
          id: r,
          userName: "AWS",
          password: "offline-check-secret-placeholder",
          authorizationToken: Buffer.from("AWS:offline-check-secret-placeholder").toString("base64"),
          proxyEndpoint: `https://${a}.dkr.ecr.${r}.amazonaws.com`,
          expiresAt: "2027-01-01T00:00:00Z",
        };
      case "aws:cloudfront/getCachePolicy:getCachePolicy":
      case "aws:cloudfront/getOriginRequestPolicy:getOriginRequestPolicy":
      case "aws:cloudfront/getResponseHeadersPolicy:getResponseHeadersPolicy": {
        const policyName = String(inputs.name ?? inputs.id ?? "policy");
        const id =
          (inputs.id as string | undefined) ?? MANAGED_CLOUDFRONT_POLICIES[policyName] ?? uuid(policyName);
        return { ...inputs, id, name: policyName, etag: hex(id, 14).toUpperCase() };
      }
      default:
        return inputs;
    }
  }
}

/** `aws:ec2/getInstance:getInstance` → "instance": what an ARN of the looked-up thing names. */
function dataSourceNoun(token: string): string {
  const member = token.split(":")[2] ?? "resource";
  const noun = member.replace(/^get/, "");
  return (
    (noun.charAt(0).toLowerCase() + noun.slice(1)).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`) ||
    "resource"
  );
}

/** Output fields the mocks give a plausible value when nothing answered (see fillIdentifiers). */
const IDENTIFIER_FIELD = /^(arn|dnsName|domainName|publicDns|privateDns|endpoint|url|hostedZoneId|zoneId)$/;

/** AWS id prefixes for `<thing>Id` fields. */
const ID_PREFIXES: Record<string, string> = {
  vpc: "vpc",
  subnet: "subnet",
  securityGroup: "sg",
  image: "ami",
  ami: "ami",
  routeTable: "rtb",
  internetGateway: "igw",
  natGateway: "nat",
  networkInterface: "eni",
  instance: "i",
  allocation: "eipalloc",
  snapshot: "snap",
  volume: "vol",
  keyPair: "key",
  prefixList: "pl",
  transitGateway: "tgw",
  vpcEndpoint: "vpce",
};

/** AWS-managed CloudFront policies by name (their ids are fixed and public). */
const MANAGED_CLOUDFRONT_POLICIES: Record<string, string> = {
  "Managed-CachingOptimized": "658327ea-f89d-4fab-a63d-7e88639e58f6",
  "Managed-CachingDisabled": "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
};

/** A user's own answers (`check --mocks FILE`): per invoke token and per resource type. */
export interface UserMocks {
  /** Invoke answers by token, e.g. `"aws:ec2/getAmi:getAmi"`; fields given win over the built-in answer. */
  calls?: Record<
    string,
    Record<string, unknown> | ((args: pulumi.runtime.MockCallArgs) => Record<string, unknown>)
  >;
  /** Resource answers by type token; `state` fields given win over the built-in state. */
  resources?: Record<
    string,
    | { id?: string; state?: Record<string, unknown> }
    | ((args: pulumi.runtime.MockResourceArgs) => { id?: string; state?: Record<string, unknown> })
  >;
}

export interface AwsMocksOptions {
  /** Directory the provider SDKs (for declared result shapes) are resolved from; default the cwd. */
  typesFrom?: string;
  /** The user's own answers, over the built-in ones. */
  overrides?: UserMocks;
}
