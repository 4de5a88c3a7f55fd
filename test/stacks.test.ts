import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { setupPulumiMocks, promiseOf } from "./support/pulumi-mocks";
import { definePhiStack } from "../stacks/program";
import { parseStackConfig, StackConfigError } from "../stacks/config";
import type { PhiChannelManifest } from "../components/PhiChannel";

const mocks = setupPulumiMocks({ stack: "test" });

/** Loads a stack file's `config:` the way the CLI passes it: strings as-is, everything else as JSON. */
function loadStackConfig(config: Record<string, unknown>, secretKeys: string[] = []): void {
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    flat[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  pulumi.runtime.setAllConfig(flat, secretKeys);
}

function stackFile(stack: string): Record<string, unknown> {
  const text = readFileSync(path.join(__dirname, "..", "stacks", `Pulumi.${stack}.yaml`), "utf8");
  return (parse(text) as { config: Record<string, unknown> }).config;
}

async function runStack(config: Record<string, unknown>) {
  mocks.reset();
  loadStackConfig(config);
  const outputs = definePhiStack();
  await mocks.settle();
  const manifests = (await promiseOf(outputs.channels as pulumi.Output<PhiChannelManifest[]>)) ?? [];
  return { outputs, manifests };
}

const count = (type: string) => mocks.byType(type).length;

describe("stack files", () => {
  test("prod: claims-api (ALB, mTLS) and hl7-feed (NLB) with production defaults", async () => {
    const config = stackFile("prod");
    expect(config["aws:region"]).toBe("us-east-1");
    const { manifests } = await runStack(config);

    expect(manifests.map((m) => m.channel)).toEqual(["claims-api", "hl7-feed"]);
    expect(count("phi:channel:PhiChannel")).toBe(2);
    expect(count("phi:network:PrivateNetwork")).toBe(2);
    expect(count("aws:ec2/vpc:Vpc")).toBe(2);
    expect(count("aws:lb/loadBalancer:LoadBalancer")).toBe(2);
    expect(count("aws:lb/listener:Listener")).toBe(2);
    expect(count("aws:lb/trustStore:TrustStore")).toBe(1);
    expect(count("phi:storage:ImmutableLogBucket")).toBe(4);

    const lbs = mocks.byType("aws:lb/loadBalancer:LoadBalancer");
    expect(
      lbs.every((lb) => lb.inputs.internal === true && lb.inputs.enableDeletionProtection === true),
    ).toBe(true);
    expect(Object.fromEntries(lbs.map((lb) => [lb.name, lb.inputs.loadBalancerType]))).toEqual({
      "claims-api": "application",
      "hl7-feed": "network",
    });
    const listeners = mocks.byType("aws:lb/listener:Listener");
    expect(Object.fromEntries(listeners.map((l) => [l.name, [l.inputs.protocol, l.inputs.port]]))).toEqual({
      "claims-api-https": ["HTTPS", 443],
      "hl7-feed-tls": ["TLS", 443],
    });
    expect(listeners.every((l) => l.inputs.sslPolicy === "ELBSecurityPolicy-TLS13-1-3-2021-06")).toBe(true);
    expect(mocks.one("aws:lb/listener:Listener", "claims-api-https").inputs.mutualAuthentication.mode).toBe(
      "verify",
    );

    // Only tcp/443 ingress, from the configured private sources.
    const ingress = mocks.byType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
    const channelIngress = ingress.filter((r) => /^(claims-api|hl7-feed)-lb-in-/.test(r.name));
    expect(channelIngress.map((r) => r.inputs.cidrIpv4).sort()).toEqual([
      "10.20.0.0/16",
      "10.21.0.0/16",
      "10.30.8.0/22",
    ]);
    expect(channelIngress.every((r) => r.inputs.fromPort === 443 && r.inputs.toPort === 443)).toBe(true);

    for (const m of manifests) {
      expect(m.retentionDays).toBe(2190);
      expect(m.allowedIngress).toEqual(["tcp/443"]);
      expect(m.flowLogBucket).toEqual(expect.any(String));
    }
    // Object Lock retention of every log bucket is the configured 2190 days.
    const lockDays = mocks
      .byType("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration")
      .map((r) => r.inputs.rule?.defaultRetention);
    expect(lockDays).toHaveLength(4);
    for (const d of lockDays) expect(d).toMatchObject({ mode: "COMPLIANCE", days: 2190 });
  });

  test("dev: 30-day retention and no deletion protection", async () => {
    const { manifests } = await runStack(stackFile("dev"));
    expect(manifests.length).toBeGreaterThanOrEqual(1);
    for (const m of manifests) expect(m.retentionDays).toBe(30);
    const lbs = mocks.byType("aws:lb/loadBalancer:LoadBalancer");
    expect(lbs).toHaveLength(manifests.length);
    expect(
      lbs.every((lb) => lb.inputs.internal === true && lb.inputs.enableDeletionProtection === false),
    ).toBe(true);
    const lockDays = mocks
      .byType("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration")
      .map((r) => r.inputs.rule?.defaultRetention?.days);
    expect(lockDays.length).toBe(manifests.length * 2);
    expect(new Set(lockDays)).toEqual(new Set([30]));
  });
});

describe("runtimeGuardrails in the stack config", () => {
  const channel = { name: "claims", allowedSources: ["10.0.0.0/8"] };
  const pack = { "phi-ingress-allowlisted-ports": { allowedIngress: ["tcp/443", "tcp/5432"] } };
  const guardrailsOf = (runtimeGuardrails: unknown) =>
    parseStackConfig([{ ...channel, runtimeGuardrails }], undefined, false, pack).channels[0].args
      .runtimeGuardrails;

  test("true: the stack's pack config, nothing left out", () => {
    expect(guardrailsOf(true)).toEqual({ policyConfig: pack });
  });

  test("{ omitRules }: the same pack config, with those rules left out; {} omits nothing", () => {
    expect(guardrailsOf({ omitRules: ["dax-at-rest", "dax-in-transit"] })).toEqual({
      policyConfig: pack,
      omitRules: ["dax-at-rest", "dax-in-transit"],
    });
    expect(guardrailsOf({})).toEqual({ policyConfig: pack });
    expect(guardrailsOf(false)).toBe(false);
  });

  test("the stack deploys the guardrails without the omitted rules", async () => {
    await runStack({
      "aws:region": "us-east-1",
      "phi-channels:channels": [
        { ...channel, runtimeGuardrails: { omitRules: ["dax-at-rest", "dax-in-transit"] } },
      ],
    });
    const ids = mocks
      .byType("aws:cfg/rule:Rule")
      .map((r) => (r.inputs.source as { sourceIdentifier: string }).sourceIdentifier);
    expect(ids).not.toContain("DAX_ENCRYPTION_ENABLED");
    expect(ids).not.toContain("DAX_TLS_ENDPOINT_ENCRYPTION");
    expect(ids).toContain("DMS_ENDPOINT_SSL_CONFIGURED");
    expect(ids).toContain("NEPTUNE_CLUSTER_ENCRYPTED");
    // 24 rules less the two DAX rules (OPENSEARCH_HTTPS_REQUIRED is left out under any TLS setting).
    expect(ids).toHaveLength(22);
  });
});

describe("bad stack config", () => {
  const good = { name: "ok", allowedSources: ["10.0.0.0/8"] };
  const refuse = (channels: unknown, key: string, secretKeys: string[] = []) => {
    mocks.reset();
    loadStackConfig({ "aws:region": "us-east-1", "phi-channels:channels": channels }, secretKeys);
    let error: unknown;
    try {
      definePhiStack();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StackConfigError);
    const err = error as StackConfigError;
    expect(err.key).toBe(key);
    expect(err.message.startsWith(`${key} = `)).toBe(true);
    expect(err.message).toContain("Fix: ");
    return err;
  };

  afterEach(async () => {
    await mocks.settle();
  });

  test("a public source names the key path and value", () => {
    const err = refuse(
      [good, { name: "claims", allowedSources: ["10.0.0.0/8", "0.0.0.0/0"] }],
      "phi-channels:channels[1].allowedSources[1]",
    );
    expect(err.message).toContain('"0.0.0.0/0"');
    expect(mocks.resources).toHaveLength(0);
  });

  test("missing channels, an empty list, unknown keys, duplicates", () => {
    mocks.reset();
    pulumi.runtime.setAllConfig({ "aws:region": "us-east-1" });
    expect(() => definePhiStack()).toThrow(StackConfigError);
    refuse([], "phi-channels:channels");
    refuse([{ ...good, allowedSource: ["10.0.0.0/8"] }], "phi-channels:channels[0].allowedSource");
    refuse([good, good], "phi-channels:channels[1].name");
  });

  test("weak TLS, mTLS on NLB, short retention, bad ports", () => {
    refuse([{ ...good, sslPolicy: "ELBSecurityPolicy-2016-08" }], "phi-channels:channels[0].sslPolicy");
    refuse([{ ...good, loadBalancerType: "network", mutualTls: true }], "phi-channels:channels[0].mutualTls");
    refuse([{ ...good, retentionDays: 30 }], "phi-channels:channels[0].retentionDays");
    refuse([{ ...good, allowedIngress: ["tcp/443", "-1/*"] }], "phi-channels:channels[0].allowedIngress[1]");
    refuse(
      [
        {
          ...good,
          certificate: { internal: { dnsNames: ["x.phi.internal"], keyAlgorithm: "RSA", rsaBits: 1024 } },
        },
      ],
      "phi-channels:channels[0].certificate.internal.rsaBits",
    );
  });

  test("component refusals are reported under the config key", () => {
    const err = refuse([{ ...good, allowedIngress: ["tcp/22"] }], "phi-channels:channels[0].allowedIngress");
    expect(err.message).toContain("tcp/443");
    expect(mocks.resources).toHaveLength(0);
  });

  test("a target port out of range states the same range as the components", () => {
    const err = refuse([{ ...good, targetPort: 0 }], "phi-channels:channels[0].targetPort");
    expect(err.message).toBe(
      "phi-channels:channels[0].targetPort = 0 must be a whole number between 1 and 65535. Fix: use the port your targets serve TLS on, e.g. 443",
    );
  });

  test("a missing value is (unset), never called [secret]", () => {
    const err = new StackConfigError("phi-channels:channels", undefined, "is missing", "set it", true);
    expect(err.message).toBe("phi-channels:channels = (unset) is missing. Fix: set it");
    expect(new StackConfigError("k", "v", "is bad", "fix", true).message).toBe(
      "k = [secret] is bad. Fix: fix",
    );
  });

  test("a reserved tag key and a misspelt nested key", () => {
    refuse(
      [{ ...good, tags: { "phi-channels:owner": "me" } }],
      'phi-channels:channels[0].tags["phi-channels:owner"]',
    );
    const err = refuse(
      [{ ...good, certificate: { internal: { dnsName: ["x.phi.internal"] } } }],
      "phi-channels:channels[0].certificate.internal.dnsName",
    );
    expect(err.message).toBe(
      'phi-channels:channels[0].certificate.internal.dnsName = ["x.phi.internal"] is not a known setting. Fix: remove it or use one of dnsNames, keyAlgorithm, ecdsaCurve, rsaBits',
    );
  });

  test("a value of the wrong type names the type and the fix", () => {
    const err = refuse([{ ...good, targetPort: "443" }], "phi-channels:channels[0].targetPort");
    expect(err.message).toBe(
      'phi-channels:channels[0].targetPort = "443" must be a number. Fix: write a number without quotes',
    );
  });

  test("every problem at once, one line each, in the order of the fields", () => {
    const err = refuse(
      [
        { ...good, name: "a", sslPolicy: "ELBSecurityPolicy-Made-Up", retentionDays: 30 },
        { ...good, name: "b", allowedSources: ["8.8.8.8/32"] },
      ],
      "phi-channels:channels[0].retentionDays",
    );
    expect(err.problems.map((p) => p.key)).toEqual([
      "phi-channels:channels[0].retentionDays",
      "phi-channels:channels[0].sslPolicy",
      "phi-channels:channels[1].allowedSources[0]",
    ]);
    expect(err.message.split("\n")).toEqual([
      "phi-channels:channels[0].retentionDays = 30 is refused: the default retention is 30 days, below the minimum of 2190 days. Fix: set retentionDays to at least 2190",
      `phi-channels:channels[0].sslPolicy = "ELBSecurityPolicy-Made-Up" is not a known ELB security policy (unknown policies are refused). Fix: ${err.problems[1].fix}`,
      'phi-channels:channels[1].allowedSources[0] = "8.8.8.8/32" is a public address range. Fix: use private address space (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, fc00::/7)',
    ]);
    expect(err.problems[1].fix).toMatch(/^use one of ELBSecurityPolicy-TLS13-1-3-2021-06, /);
  });

  test("the stack-wide network is named as phi-channels:network, once for all its channels", () => {
    const two = [
      { name: "a", allowedSources: ["10.0.0.0/8"] },
      { name: "b", allowedSources: ["10.0.0.0/8"] },
    ];
    let error: unknown;
    try {
      parseStackConfig(two, { cidrBlock: "8.8.0.0/16" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StackConfigError);
    expect((error as StackConfigError).problems.map((p) => p.key)).toEqual([
      "phi-channels:network.cidrBlock",
    ]);
    // A channel's own network is the channel's key.
    expect(() => parseStackConfig([{ ...two[0], network: { cidrBlock: "8.8.0.0/16" } }], undefined)).toThrow(
      /^phi-channels:channels\[0\]\.network\.cidrBlock = "8\.8\.0\.0\/16" is not inside a private range/,
    );
    // An unknown key in it is refused before anything else.
    expect(() => parseStackConfig(two, { cidrBlock: "10.0.0.0/16", natGateway: true })).toThrow(
      /^phi-channels:network\.natGateway = true is not a known setting\. Fix: remove it or use one of cidrBlock, availabilityZoneCount, interfaceEndpoints$/,
    );
  });

  test("a valid stack-wide existing network reaches every channel", () => {
    const network = {
      vpcId: "vpc-0123456789abcdef0",
      subnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
      cidrBlock: "10.40.0.0/16",
    };
    const parsed = parseStackConfig(
      [
        { name: "a", allowedSources: ["10.0.0.0/8"] },
        { name: "b", allowedSources: ["10.0.0.0/8"], network: { cidrBlock: "10.60.0.0/16" } },
      ],
      network,
    );
    expect(parsed.channels.map((c) => c.args.network)).toEqual([network, { cidrBlock: "10.60.0.0/16" }]);
  });

  test("runtimeGuardrails: an unknown rule key in omitRules, in the component's words", () => {
    const err = refuse(
      [{ ...good, runtimeGuardrails: { omitRules: ["dax-at-rest", "DAX_ENCRYPTION_ENABLED"] } }],
      "phi-channels:channels[0].runtimeGuardrails.omitRules[1]",
    );
    expect(err.message).toBe(
      'phi-channels:channels[0].runtimeGuardrails.omitRules[1] = "DAX_ENCRYPTION_ENABLED" is not a key of ' +
        "policies/src/data/config-rules.json. Fix: use one of sg-authorized-ports, sg-restricted-ssh, " +
        "sg-restricted-common-ports, elbv2-security-policy, alb-http-to-https, elb-logging, s3-default-lock, " +
        "s3-ssl-requests-only, vpc-flow-logs, rds-storage-encrypted, elasticache-in-transit, " +
        "elasticache-at-rest, msk-in-cluster-tls, redshift-require-tls, sns-encrypted-kms, opensearch-at-rest, " +
        "opensearch-node-to-node, opensearch-https-required, dax-at-rest, dax-in-transit, docdb-at-rest, " +
        "rds-cluster-at-rest, dms-endpoint-ssl, neptune-at-rest",
    );
    expect(mocks.resources).toHaveLength(0);
  });

  test("runtimeGuardrails: only omitRules is taken; wrong types name the fix", () => {
    // The pack config is the stack's: a second copy in YAML is refused, not merged.
    expect(
      refuse(
        [{ ...good, runtimeGuardrails: { omitRules: [], policyConfig: {} } }],
        "phi-channels:channels[0].runtimeGuardrails.policyConfig",
      ).message,
    ).toBe(
      "phi-channels:channels[0].runtimeGuardrails.policyConfig = {} is not a known setting. Fix: remove it or use one of omitRules",
    );
    expect(
      refuse([{ ...good, runtimeGuardrails: "yes" }], "phi-channels:channels[0].runtimeGuardrails").message,
    ).toBe(
      'phi-channels:channels[0].runtimeGuardrails = "yes" must be true or false or a mapping. Fix: write true to ' +
        "deploy PhiRuntimeGuardrails parameterised from policies/config/<stack>.json, " +
        "{ omitRules: [<keys of policies/src/data/config-rules.json>] } to deploy them without those rules, or false",
    );
    expect(
      refuse(
        [{ ...good, runtimeGuardrails: { omitRules: "dax-at-rest" } }],
        "phi-channels:channels[0].runtimeGuardrails.omitRules",
      ).message,
    ).toBe(
      'phi-channels:channels[0].runtimeGuardrails.omitRules = "dax-at-rest" must be a list. Fix: list keys of ' +
        "policies/src/data/config-rules.json, e.g. [dax-at-rest, dax-in-transit]",
    );
    expect(
      refuse(
        [{ ...good, runtimeGuardrails: { omitRules: [5] } }],
        "phi-channels:channels[0].runtimeGuardrails.omitRules[0]",
      ).message,
    ).toBe(
      "phi-channels:channels[0].runtimeGuardrails.omitRules[0] = 5 must be text. Fix: write a key of " +
        "policies/src/data/config-rules.json, e.g. dax-at-rest",
    );
  });

  test("values of secret config keys are never echoed", () => {
    const err = refuse(
      [{ name: "claims", allowedSources: ["203.0.113.77/32"] }],
      "phi-channels:channels[0].allowedSources[0]",
      ["phi-channels:channels"],
    );
    expect(err.message).not.toContain("203.0.113.77");
    expect(err.message).toContain("[secret]");
    // Neither in a schema error, nor on any line of a longer message, nor kept on the error.
    const many = refuse(
      [{ name: "claims", allowedSources: ["203.0.113.77/32"], tags: { owner: 203 } }],
      "phi-channels:channels[0].tags.owner",
      ["phi-channels:channels"],
    );
    expect(many.message).toBe(
      "phi-channels:channels[0].tags.owner = [secret] must be text. Fix: quote the value",
    );
    const lines = refuse(
      [{ name: "claims", allowedSources: ["203.0.113.77/32", "198.51.100.7/32"] }],
      "phi-channels:channels[0].allowedSources[0]",
      ["phi-channels:channels"],
    );
    expect(lines.message.split("\n")).toHaveLength(2);
    expect(lines.message).not.toMatch(/203\.0\.113\.77|198\.51\.100\.7/);
    expect(JSON.stringify(lines.problems)).not.toMatch(/203\.0\.113\.77|198\.51\.100\.7/);
  });
});
