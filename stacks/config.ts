/**
 * Validation of the stack configuration (`phi-channels:channels`, `phi-channels:network`). Structure and
 * spelling are checked here, with error messages that name the config key path the operator edits; the
 * security rules come from the shared rules module, so a stack file is refused for the same reasons the
 * policy pack would block the deployment.
 */
import {
  AllowlistSyntaxError,
  assessElbSecurityPolicy,
  checkKeyAlgorithm,
  classifyCidr,
  DEFAULT_MINIMUM_RETENTION_DAYS,
  parseAllowlistEntry,
  strongElbSecurityPolicies,
  isAcmCertificateArn,
  PRIVATE_RANGE_DESCRIPTION,
} from "../policies/src/rules";
import type { ChannelSource, PhiChannelArgs } from "../components/PhiChannel";
import { formatValue, PORT_MAX, PORT_MIN } from "../components/errors";

/** The config namespace (Pulumi project name). */
export const CONFIG_NAMESPACE = "phi-channels";

/** Raised for a bad stack configuration value; names the key path, the value (unless secret) and the fix. */
export class StackConfigError extends Error {
  constructor(
    readonly key: string,
    value: unknown,
    readonly problem: string,
    readonly fix: string,
    secret = false,
  ) {
    // A missing value is "(unset)", not "[secret]": there is nothing to hide.
    super(
      `${key} = ${secret && value !== undefined ? "[secret]" : formatValue(value)} ${problem}. Fix: ${fix}`,
    );
    this.name = "StackConfigError";
  }
}

/** One validated channel: its name and the PhiChannel arguments. */
export interface ChannelConfig {
  name: string;
  args: PhiChannelArgs;
}

/** Stack-wide network: an existing VPC for every channel, or settings for each channel's own VPC. */
export type NetworkConfig =
  | { vpcId: string; subnetIds: string[]; cidrBlock: string }
  | { cidrBlock?: string; availabilityZoneCount?: number; interfaceEndpoints?: string[] };

export interface StackConfig {
  channels: ChannelConfig[];
  network?: NetworkConfig;
}

const CHANNEL_KEYS = [
  "name",
  "allowedIngress",
  "allowedSources",
  "certificate",
  "retentionDays",
  "minimumRetentionDays",
  "loadBalancerType",
  "mutualTls",
  "network",
  "sslPolicy",
  "targetPort",
  "deletionProtection",
  "dataClassification",
  "tags",
] as const;
const EXISTING_NETWORK_KEYS = ["vpcId", "subnetIds", "cidrBlock"];
const NEW_NETWORK_KEYS = ["cidrBlock", "availabilityZoneCount", "interfaceEndpoints"];
const NAME_PATTERN = /^[a-z][a-z0-9-]{0,23}$/;

type Obj = Record<string, unknown>;

class Checker {
  constructor(private readonly secret: boolean) {}

  fail(key: string, value: unknown, problem: string, fix: string): never {
    throw new StackConfigError(key, value, problem, fix, this.secret);
  }

  object(key: string, value: unknown, allowed: readonly string[]): Obj {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      this.fail(key, value, "must be an object", `write a mapping with keys ${allowed.join(", ")}`);
    }
    const obj = value as Obj;
    for (const k of Object.keys(obj)) {
      if (!allowed.includes(k)) {
        this.fail(
          `${key}.${k}`,
          obj[k],
          "is not a known setting",
          `remove it or use one of ${allowed.join(", ")}`,
        );
      }
    }
    return obj;
  }

  string(key: string, value: unknown, fix: string): string {
    if (typeof value !== "string" || value.trim() === "")
      this.fail(key, value, "must be a non-empty string", fix);
    return value as string;
  }

  integer(key: string, value: unknown, min: number, max: number, fix: string): number {
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
      this.fail(key, value, `must be a whole number between ${min} and ${max}`, fix);
    }
    return value as number;
  }

  boolean(key: string, value: unknown): boolean {
    if (typeof value !== "boolean")
      this.fail(key, value, "must be true or false", "write true or false (no quotes)");
    return value as boolean;
  }

  array(key: string, value: unknown, fix: string, nonEmpty = true): unknown[] {
    if (!Array.isArray(value) || (nonEmpty && value.length === 0)) {
      this.fail(key, value, nonEmpty ? "must be a non-empty list" : "must be a list", fix);
    }
    return value as unknown[];
  }
}

/**
 * Validates the raw `channels` and `network` config values. `secret` redacts values in errors (set when
 * either key is stored as a secret).
 */
export function parseStackConfig(channelsRaw: unknown, networkRaw: unknown, secret = false): StackConfig {
  const c = new Checker(secret);
  const ns = CONFIG_NAMESPACE;
  const network = networkRaw === undefined ? undefined : parseNetwork(c, `${ns}:network`, networkRaw);

  const list = c.array(
    `${ns}:channels`,
    channelsRaw,
    `list the channels, e.g. channels: [{ name: claims-api, allowedSources: ["10.20.0.0/16"] }]`,
  );
  const seen = new Map<string, number>();
  const channels = list.map((raw, i) => {
    const key = `${ns}:channels[${i}]`;
    const ch = c.object(key, raw, CHANNEL_KEYS);
    const name = c.string(`${key}.name`, ch.name, "give the channel a name, e.g. claims-api");
    if (!NAME_PATTERN.test(name)) {
      c.fail(
        `${key}.name`,
        name,
        "is not a valid channel name",
        "use 1-24 lowercase letters, digits or '-', starting with a letter",
      );
    }
    if (seen.has(name)) {
      c.fail(
        `${key}.name`,
        name,
        `duplicates ${ns}:channels[${seen.get(name)}].name`,
        "give every channel a unique name",
      );
    }
    seen.set(name, i);
    return { name, args: parseChannel(c, key, name, ch, network) };
  });
  return { channels, network };
}

function parseNetwork(c: Checker, key: string, raw: unknown): NetworkConfig {
  if (raw !== null && typeof raw === "object" && "vpcId" in raw) {
    const n = c.object(key, raw, EXISTING_NETWORK_KEYS);
    const vpcId = c.string(`${key}.vpcId`, n.vpcId, "write the VPC id, e.g. vpc-0abc...");
    if (!/^vpc-[0-9a-f]{8,17}$/.test(vpcId))
      c.fail(`${key}.vpcId`, vpcId, "is not a VPC id", "write vpc- followed by hex digits");
    const subnets = c.array(
      `${key}.subnetIds`,
      n.subnetIds,
      "list the private subnet ids (two or more availability zones)",
    );
    subnets.forEach((s, i) => {
      if (typeof s !== "string" || !/^subnet-[0-9a-f]{8,17}$/.test(s)) {
        c.fail(`${key}.subnetIds[${i}]`, s, "is not a subnet id", "write subnet- followed by hex digits");
      }
    });
    const cidrBlock = privateVpcCidr(c, `${key}.cidrBlock`, n.cidrBlock);
    return { vpcId, subnetIds: subnets as string[], cidrBlock };
  }
  const n = c.object(key, raw, NEW_NETWORK_KEYS);
  const out: { cidrBlock?: string; availabilityZoneCount?: number; interfaceEndpoints?: string[] } = {};
  if (n.cidrBlock !== undefined) out.cidrBlock = privateVpcCidr(c, `${key}.cidrBlock`, n.cidrBlock);
  if (n.availabilityZoneCount !== undefined) {
    out.availabilityZoneCount = c.integer(
      `${key}.availabilityZoneCount`,
      n.availabilityZoneCount,
      2,
      6,
      "use 2 or 3",
    );
  }
  if (n.interfaceEndpoints !== undefined) {
    out.interfaceEndpoints = c
      .array(
        `${key}.interfaceEndpoints`,
        n.interfaceEndpoints,
        'list service names, e.g. ["ecr.api", "logs"]',
        false,
      )
      .map((e, i) => c.string(`${key}.interfaceEndpoints[${i}]`, e, 'write a service name, e.g. "logs"'));
  }
  return out;
}

function privateVpcCidr(c: Checker, key: string, value: unknown): string {
  const cidr = c.string(key, value, 'write a private IPv4 CIDR, e.g. "10.0.0.0/16"');
  const cls = classifyCidr(cidr);
  if (cls.kind !== "private" || cls.family !== "ipv4") {
    c.fail(
      key,
      cidr,
      "must be a private IPv4 CIDR",
      'use a block inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16, e.g. "10.0.0.0/16"',
    );
  }
  return cidr;
}

function parseChannel(
  c: Checker,
  key: string,
  name: string,
  ch: Obj,
  network: NetworkConfig | undefined,
): PhiChannelArgs {
  const args: PhiChannelArgs = { allowedSources: [] };

  if (ch.allowedIngress !== undefined) {
    const entries = c.array(
      `${key}.allowedIngress`,
      ch.allowedIngress,
      'list allowlist entries, e.g. ["tcp/443"]',
    );
    args.allowedIngress = entries.map((e, i) => {
      const k = `${key}.allowedIngress[${i}]`;
      const text = c.string(k, e, 'write e.g. "tcp/443"');
      try {
        parseAllowlistEntry(text);
      } catch (err) {
        if (!(err instanceof AllowlistSyntaxError)) throw err;
        c.fail(k, text, "is not a valid allowlist entry", 'write "<protocol>/<port>", e.g. "tcp/443"');
      }
      return text;
    });
  }

  const sources = c.array(
    `${key}.allowedSources`,
    ch.allowedSources,
    "list the clients: private CIDRs, { securityGroupId: sg-... } or { prefixListId: pl-... }",
  );
  args.allowedSources = sources.map((s, i): ChannelSource => {
    const k = `${key}.allowedSources[${i}]`;
    if (typeof s === "string") {
      const cls = classifyCidr(s);
      if (cls.kind === "invalid") c.fail(k, s, "is not a valid CIDR block", 'write e.g. "10.20.0.0/16"');
      if (cls.kind !== "private") {
        c.fail(k, s, "is a public address range", `use ${PRIVATE_RANGE_DESCRIPTION}`);
      }
      return s;
    }
    if (s !== null && typeof s === "object" && "securityGroupId" in s) {
      const o = c.object(k, s, ["securityGroupId"]);
      const id = c.string(`${k}.securityGroupId`, o.securityGroupId, "write sg- followed by hex digits");
      if (!/^sg-[0-9a-f]{8,17}$/.test(id))
        c.fail(`${k}.securityGroupId`, id, "is not a security group id", "write sg- followed by hex digits");
      return { securityGroupId: id };
    }
    if (s !== null && typeof s === "object" && "prefixListId" in s) {
      const o = c.object(k, s, ["prefixListId"]);
      const id = c.string(`${k}.prefixListId`, o.prefixListId, "write pl- followed by hex digits");
      if (!/^pl-[0-9a-f]{8,17}$/.test(id))
        c.fail(`${k}.prefixListId`, id, "is not a prefix list id", "write pl- followed by hex digits");
      return { prefixListId: id };
    }
    return c.fail(
      k,
      s,
      "is not a source",
      'use a private CIDR string, { securityGroupId: "sg-..." } or { prefixListId: "pl-..." }',
    );
  });

  if (ch.certificate !== undefined) {
    const k = `${key}.certificate`;
    const cert = c.object(k, ch.certificate, ["acmCertificateArn", "internal"]);
    const forms = Object.keys(cert);
    if (forms.length !== 1) {
      c.fail(k, forms, "must set exactly one of acmCertificateArn and internal", "keep one of the two");
    }
    if (cert.acmCertificateArn !== undefined) {
      const arn = c.string(
        `${k}.acmCertificateArn`,
        cert.acmCertificateArn,
        "write arn:aws:acm:<region>:<account>:certificate/<id>",
      );
      if (!isAcmCertificateArn(arn)) {
        c.fail(
          `${k}.acmCertificateArn`,
          arn,
          "is not an ACM certificate ARN",
          "write arn:aws:acm:<region>:<account>:certificate/<id>",
        );
      }
      args.certificate = { acmCertificateArn: arn };
    } else {
      const ik = `${k}.internal`;
      const internal = c.object(ik, cert.internal, ["dnsNames", "keyAlgorithm", "ecdsaCurve", "rsaBits"]);
      const dnsNames = c
        .array(`${ik}.dnsNames`, internal.dnsNames, `list DNS names, e.g. ["${name}.phi.internal"]`)
        .map((d, i) => {
          const dn = c.string(`${ik}.dnsNames[${i}]`, d, `write e.g. "${name}.phi.internal"`);
          if (!/^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i.test(dn)) {
            c.fail(`${ik}.dnsNames[${i}]`, dn, "is not a DNS name", `write e.g. "${name}.phi.internal"`);
          }
          return dn;
        });
      const alg = internal.keyAlgorithm ?? "ECDSA";
      if (alg !== "ECDSA" && alg !== "RSA")
        c.fail(`${ik}.keyAlgorithm`, alg, "is not supported", 'use "ECDSA" or "RSA"');
      const verdict = checkKeyAlgorithm(
        alg,
        internal.rsaBits,
        internal.ecdsaCurve ?? (alg === "ECDSA" ? "P256" : undefined),
      );
      if (!verdict.ok) {
        const field = alg === "RSA" ? "rsaBits" : "ecdsaCurve";
        c.fail(`${ik}.${field}`, internal[field], `is refused: ${verdict.reason}`, verdict.fix);
      }
      args.certificate = {
        internal: {
          dnsNames,
          ...(internal.keyAlgorithm !== undefined ? { keyAlgorithm: alg as "ECDSA" | "RSA" } : {}),
          ...(internal.ecdsaCurve !== undefined
            ? { ecdsaCurve: internal.ecdsaCurve as "P256" | "P384" }
            : {}),
          ...(internal.rsaBits !== undefined ? { rsaBits: internal.rsaBits as number } : {}),
        },
      };
    }
  }

  const minimum =
    ch.minimumRetentionDays === undefined
      ? DEFAULT_MINIMUM_RETENTION_DAYS
      : c.integer(
          `${key}.minimumRetentionDays`,
          ch.minimumRetentionDays,
          1,
          36500,
          "use 2190 (6 years) in production",
        );
  if (ch.minimumRetentionDays !== undefined) args.minimumRetentionDays = minimum;
  if (ch.retentionDays !== undefined) {
    args.retentionDays = c.integer(`${key}.retentionDays`, ch.retentionDays, 1, 36500, "use 2190 (6 years)");
  }
  const retention = args.retentionDays ?? DEFAULT_MINIMUM_RETENTION_DAYS;
  if (retention < minimum) {
    c.fail(
      `${key}.retentionDays`,
      retention,
      `is below the minimum of ${minimum} days`,
      `set retentionDays to ${minimum} or more (HIPAA documentation retention: 2190 days)`,
    );
  }

  if (ch.loadBalancerType !== undefined) {
    if (ch.loadBalancerType !== "application" && ch.loadBalancerType !== "network") {
      c.fail(
        `${key}.loadBalancerType`,
        ch.loadBalancerType,
        "is not a load balancer type",
        'use "application" or "network"',
      );
    }
    args.loadBalancerType = ch.loadBalancerType;
  }
  if (ch.mutualTls !== undefined) {
    args.mutualTls = c.boolean(`${key}.mutualTls`, ch.mutualTls);
    if (args.mutualTls && args.loadBalancerType === "network") {
      c.fail(
        `${key}.mutualTls`,
        true,
        "is not supported on network load balancers",
        'use loadBalancerType "application" for mutual TLS',
      );
    }
    if (args.mutualTls && args.certificate && "acmCertificateArn" in args.certificate) {
      c.fail(
        `${key}.mutualTls`,
        true,
        "needs the channel's internal CA to verify clients",
        "use an internal certificate for mTLS channels",
      );
    }
  }
  if (ch.sslPolicy !== undefined) {
    const policy = c.string(`${key}.sslPolicy`, ch.sslPolicy, "omit it for the TLS 1.3 default");
    const assessment = assessElbSecurityPolicy(policy, "1.2");
    if (!assessment.strong) {
      c.fail(
        `${key}.sslPolicy`,
        policy,
        assessment.known
          ? `is too weak: ${assessment.problems.join(" ")}`
          : "is not a known ELB security policy",
        `use one of ${strongElbSecurityPolicies("1.2").join(", ")}`,
      );
    }
    args.sslPolicy = policy;
  }
  if (ch.targetPort !== undefined)
    args.targetPort = c.integer(`${key}.targetPort`, ch.targetPort, PORT_MIN, PORT_MAX, "use 443");
  if (ch.deletionProtection !== undefined)
    args.deletionProtection = c.boolean(`${key}.deletionProtection`, ch.deletionProtection);
  if (ch.dataClassification !== undefined) {
    if (!["phi", "audit-log", "internal"].includes(ch.dataClassification as string)) {
      c.fail(
        `${key}.dataClassification`,
        ch.dataClassification,
        "is not a classification",
        'use "phi" (default), "audit-log" or "internal"',
      );
    }
    args.dataClassification = ch.dataClassification as PhiChannelArgs["dataClassification"];
  }
  if (ch.tags !== undefined) {
    const tags = c.object(`${key}.tags`, ch.tags, Object.keys(ch.tags as Obj));
    for (const [k, v] of Object.entries(tags)) {
      if (typeof v !== "string") c.fail(`${key}.tags.${k}`, v, "must be a string", "quote the value");
      if (k.startsWith("phi-channels:"))
        c.fail(
          `${key}.tags.${k}`,
          v,
          "uses a reserved tag key",
          "phi-channels:* tags are set by the components; remove it",
        );
    }
    args.tags = tags as Record<string, string>;
  }

  const net = ch.network !== undefined ? parseNetwork(c, `${key}.network`, ch.network) : network;
  if (net !== undefined) args.network = net;
  return args;
}
