/**
 * The library's skip for types a policy declined on sight (policies/src/type-skip.ts): the same verdicts
 * and reasons as without it, over the wire and under concurrent requests, and the skip really offered to
 * @pulumi/policy's own `getPulumiType`.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import type { AnalyzerResourceInput, PolicyPackProcess } from "../tools/lib/analyzer-client";
import { policies } from "../policies/src/policies";
import {
  currentRequestType,
  POLICY_SCOPES,
  serialisedWithType,
  typeOnlyReason,
  withRequestType,
} from "../policies/src/type-skip";
import { PACK_START_TIMEOUT_MS, startTestPack } from "./support/policy-pack";

// The library's own reader of `__pulumiType` (internal, so not in its typings).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { getPulumiType } = require("@pulumi/policy/policy") as {
  getPulumiType(obj: unknown): string | undefined;
};

const KMS = "aws:kms/key:Key";
const SG = "aws:ec2/securityGroup:SecurityGroup";

function resourcePolicy(name: string): ResourceValidationPolicy {
  const p = policies.find((x) => x.name === name) as ResourceValidationPolicy | undefined;
  if (!p) throw new Error(`no policy ${name}`);
  return p;
}

/** Calls a policy's validateResource as the library does, returning the not-applicable reason if any. */
function run(p: ResourceValidationPolicy, type: string, props: Record<string, unknown>): string | undefined {
  const validate = p.validateResource as (args: unknown, report: () => void) => void;
  try {
    validate(
      {
        type,
        props,
        urn: `urn:pulumi:test::phi-channels::${type}::r`,
        name: "r",
        opts: {},
        stackTags: new Map(),
        isType: () => false,
        asType: () => undefined,
        getConfig: () => ({}),
        notApplicable: (reason?: string) => {
          throw Object.assign(new Error("na"), { reason });
        },
      },
      () => {},
    );
    return undefined;
  } catch (e) {
    return (e as { reason?: string }).reason;
  }
}

describe("scopes (data)", () => {
  it("every resource policy has a scope, and only they", () => {
    const resourcePolicies = policies
      .filter((p) => (p as ResourceValidationPolicy).validateResource)
      .map((p) => p.name);
    expect(Object.keys(POLICY_SCOPES).sort()).toEqual([...resourcePolicies].sort());
    expect(resourcePolicies).not.toContain("phi-vpc-flow-logs");
    expect(resourcePolicies).toHaveLength(18);
  });

  it("the reason is the one @pulumi/policy gives a policy bound to one type", () => {
    expect(typeOnlyReason("KMS keys")).toBe("Policy only applies to resources of type 'KMS keys'");
  });
});

describe("the skip offered to @pulumi/policy", () => {
  it("names the scope only for a type declined on sight, and only during a request of that type", () => {
    const p = resourcePolicy("phi-kms-key-rotation");
    expect(withRequestType("aws:s3/bucket:Bucket", () => getPulumiType(p.validateResource))).toBeUndefined();
    expect(run(p, "aws:s3/bucket:Bucket", {})).toBe("Policy only applies to resources of type 'KMS keys'");
    expect(withRequestType("aws:s3/bucket:Bucket", () => getPulumiType(p.validateResource))).toBe("KMS keys");
    // Not for the type it judges, nor outside a request.
    expect(run(p, KMS, { enableKeyRotation: true })).toBeUndefined();
    expect(withRequestType(KMS, () => getPulumiType(p.validateResource))).toBeUndefined();
    expect(getPulumiType(p.validateResource)).toBeUndefined();
  });

  it("is not offered for a type the policy declined after reading its properties", () => {
    const p = resourcePolicy("phi-kms-key-rotation");
    expect(run(p, KMS, { customerMasterKeySpec: "RSA_2048" })).toBe(
      "only symmetric encryption keys support automatic rotation",
    );
    expect(withRequestType(KMS, () => getPulumiType(p.validateResource))).toBeUndefined();
  });
});

describe("a type in scope declined on sight", () => {
  // Policy, type, and the reason it gives on the type alone: AWS's, not the scope's.
  const cases: Array<[string, string, string]> = [
    [
      "phi-data-in-transit-encrypted",
      "aws:neptune/cluster:Cluster",
      "Neptune accepts only HTTPS connections (TLS 1.2 or later) to its cluster and instance endpoints on every engine version AWS still runs (1.0.4.0 and later), so there is no setting to enforce",
    ],
    [
      "phi-data-in-transit-encrypted",
      "aws:mq/broker:Broker",
      "Amazon MQ brokers offer only TLS endpoints (ActiveMQ: AMQP, MQTT, OpenWire, STOMP and WebSocket over SSL; RabbitMQ: AMQPS on 5671 and HTTPS) and encrypt the traffic between brokers with TLS, so there is no setting to enforce",
    ],
    [
      "phi-data-at-rest-encrypted",
      "aws:msk/serverlessCluster:ServerlessCluster",
      "Amazon MSK always encrypts data at rest, and a serverless cluster takes no KMS key, so there is no setting to enforce (nor a customer managed key to require)",
    ],
    [
      "phi-ingress-allowlisted-ports",
      "aws:ec2/networkAcl:NetworkAcl",
      "network ACLs are stateless filters under security groups and open no port by themselves; security groups are checked",
    ],
  ];

  it.each(cases)(
    "%s keeps its own reason for %s, and does not offer it to the library",
    (name, type, reason) => {
      const p = resourcePolicy(name);
      expect(run(p, type, {})).toBe(reason);
      expect(run(p, type, {})).toBe(reason);
      expect(withRequestType(type, () => getPulumiType(p.validateResource))).toBeUndefined();
    },
  );

  it("the same policy offers a type outside its scope", () => {
    const p = resourcePolicy("phi-data-in-transit-encrypted");
    expect(run(p, KMS, {})).toBe("Policy only applies to resources of type 'data services'");
    expect(withRequestType(KMS, () => getPulumiType(p.validateResource))).toBe("data services");
  });
});

describe("the stack validation offered to @pulumi/policy", () => {
  const p = resourcePolicy("phi-lb-internal") as ResourceValidationPolicy & { validateStack?: unknown };

  it("is withdrawn once the policy's config, seen inside a request, carries no exemptions", () => {
    expect(typeof p.validateStack).toBe("function");
    // Outside a request the config is a caller's, not the pack's: nothing is concluded.
    run(p, KMS, {});
    expect(typeof p.validateStack).toBe("function");
    withRequestType("aws:s3/bucket:Bucket", () => run(p, "aws:s3/bucket:Bucket", {}));
    expect(p.validateStack).toBeUndefined();
  });

  it("a stack policy keeps its stack validation", () => {
    const stack = policies.find((x) => x.name === "phi-vpc-flow-logs") as { validateStack?: unknown };
    withRequestType("aws:s3/bucket:Bucket", () => undefined);
    expect(typeof stack.validateStack).toBe("function");
  });
});

describe("serialisedWithType", () => {
  it("runs requests one at a time, each with its own type until its work settles", async () => {
    const seen: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const handler = serialisedWithType(function (call) {
      const type = call.request!.getType!() as string;
      seen.push(`start ${type} as ${currentRequestType()}`);
      return (async () => {
        if (type === "first") await gate;
        seen.push(`end ${type} as ${currentRequestType()}`);
      })();
    });
    const req = (type: string) => ({ request: { getType: () => type } });
    const a = handler(req("first"), () => {});
    const b = handler(req("second"), () => {});
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toEqual(["start first as first"]);
    release();
    await Promise.all([a, b]);
    expect(seen).toEqual([
      "start first as first",
      "end first as first",
      "start second as second",
      "end second as second",
    ]);
    expect(currentRequestType()).toBeUndefined();
  });

  it("a handler that throws fails its call and does not stop the next", async () => {
    const failures: unknown[] = [];
    const ran: Array<string | undefined> = [];
    const handler = serialisedWithType(function (call) {
      if (call.request!.getType!() === "bad") throw new Error("broken handler");
      ran.push(currentRequestType());
      return Promise.resolve();
    });
    const bad = handler({ request: { getType: () => "bad" } }, (e: unknown) => failures.push(e));
    const good = handler({ request: { getType: () => "good" } }, () => {});
    await Promise.all([bad, good]);
    expect(failures.map((e) => (e as Error).message)).toEqual(["broken handler"]);
    expect(ran).toEqual(["good"]);
    expect(currentRequestType()).toBeUndefined();
  });

  it("a handler that does not return its work as a promise turns the context off", async () => {
    const handler = serialisedWithType(() => undefined);
    await handler({ request: { getType: () => "x" } }, () => {});
    const seenLater: Array<string | undefined> = [];
    await serialisedWithType(function () {
      seenLater.push(currentRequestType());
      return Promise.resolve();
    })({ request: { getType: () => "z" } }, () => {});
    expect(seenLater).toEqual([undefined]);
  });
});

describe("over the analyzer protocol", () => {
  let pack: PolicyPackProcess;
  beforeAll(async () => {
    ({ pack } = await startTestPack());
    await pack.configure({});
  }, PACK_START_TIMEOUT_MS);
  afterAll(async () => {
    await pack?.close();
  });

  const key = (name: string): AnalyzerResourceInput => ({
    type: KMS,
    name,
    properties: { enableKeyRotation: true },
  });
  const group = (name: string, port: number): AnalyzerResourceInput => ({
    type: SG,
    name,
    properties: {
      vpcId: "vpc-0123456789abcdef0",
      description: "test",
      ingress: [{ protocol: "tcp", fromPort: port, toPort: port, cidrBlocks: ["10.0.0.0/16"] }],
      egress: [],
    },
  });

  it("gives the same reason for the first resource of a declined type and for the next", async () => {
    const first = await pack.analyze(key("k1"));
    const second = await pack.analyze(key("k2"));
    for (const r of [first, second]) {
      expect(r.notApplicable).toContainEqual({
        policyName: "phi-ingress-allowlisted-ports",
        reason: "Policy only applies to resources of type 'security-group ingress'",
      });
      expect(r.diagnostics).toEqual([]);
    }
    expect(second.notApplicable).toEqual(first.notApplicable);
  });

  it("keeps every verdict when requests of different types arrive at once", async () => {
    const inputs = Array.from({ length: 30 }, (_, i) =>
      i % 2 === 0 ? group(`sg${i}`, i % 4 === 0 ? 22 : 443) : key(`k${i}`),
    );
    const results = await Promise.all(inputs.map((r) => pack.analyze(r)));
    results.forEach((r, i) => {
      const ingress = r.diagnostics.filter((d) => d.policyName === "phi-ingress-allowlisted-ports");
      const na = r.notApplicable.map((n) => n.policyName);
      if (i % 2 === 1) {
        expect(ingress).toEqual([]);
        expect(na).toContain("phi-ingress-allowlisted-ports");
        expect(na).not.toContain("phi-kms-key-rotation");
      } else {
        expect(na).not.toContain("phi-ingress-allowlisted-ports");
        expect(na).toContain("phi-kms-key-rotation");
        expect(ingress).toHaveLength(i % 4 === 0 ? 1 : 0);
      }
    });
  });
});
