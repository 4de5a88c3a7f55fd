/**
 * The sample stacks (components from `components/`, config from `stacks/Pulumi.<stack>.yaml`) rendered under
 * Pulumi's mocks in preview mode and sent through the real pack: no mandatory violation. Deliberately
 * broken variants of the same captured resources (one property flipped, as a hand edit or a component
 * regression would) are blocked by the right policy.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { analyzeCaptured } from "../tools/lib/offline-run";
import {
  SPECIAL_SIG_KEY,
  SECRET_SIG,
  type AnalyzerInfo,
  type PolicyPackProcess,
} from "../tools/lib/analyzer-client";
import {
  REPO_ROOT,
  runStackProgram,
  type CapturedResource,
  type CapturedStack,
} from "../tools/lib/mock-program";
import {
  loadPolicyConfig,
  resolvePolicyConfigFile,
  type LoadedPolicyConfig,
} from "../tools/lib/policy-config";
import type { PolicyRun } from "../tools/evidence/run";
import { startTestPack } from "./support/policy-pack";

const STACKS = ["dev", "prod"] as const;

let pack: PolicyPackProcess;
let info: AnalyzerInfo;
const captured: Record<string, CapturedStack> = {};
const configs: Record<string, LoadedPolicyConfig> = {};

beforeAll(async () => {
  const packP = startTestPack();
  // Each stack in its own process (the Pulumi runtime is a singleton), overlapping the pack's start-up.
  const runs = STACKS.map((stack) => runStackProgram({ stack }));
  ({ pack, info } = await packP);
  const results = await Promise.all(runs);
  STACKS.forEach((stack, i) => {
    captured[stack] = results[i];
    configs[stack] = loadPolicyConfig(resolvePolicyConfigFile(undefined, REPO_ROOT, stack), info.policies);
  });
}, 120_000);

afterAll(async () => {
  await pack?.close();
});

/** Unwraps a secret wrapper, if any (wire form). */
function plain(v: unknown): unknown {
  return v && typeof v === "object" && (v as Record<string, unknown>)[SPECIAL_SIG_KEY] === SECRET_SIG
    ? (v as { value: unknown }).value
    : v;
}

function ofType(stack: CapturedStack, ...types: string[]): CapturedResource[] {
  return stack.resources.filter((r) => types.includes(r.type));
}

/** A copy of the stack with one resource's inputs changed by `edit`. */
function variant(
  stack: CapturedStack,
  target: CapturedResource,
  edit: (inputs: Record<string, unknown>) => void,
) {
  const copy = structuredClone(stack);
  const r = copy.resources.find((x) => x.urn === target.urn)!;
  // Inputs win over the mocks' echoed outputs in AnalyzeStack too, so editing the inputs is enough.
  edit(r.inputs);
  return copy;
}

function mandatory(run: PolicyRun): Array<{ policy: string; urn?: string }> {
  return run.diagnostics
    .filter((d) => d.enforcementLevel === "mandatory")
    .map((d) => ({ policy: d.policyName, urn: d.urn }));
}

describe.each(STACKS)("stack %s", (stack) => {
  let run: PolicyRun;
  beforeAll(async () => {
    run = await analyzeCaptured(pack, info, captured[stack], configs[stack]);
  }, 60_000);

  test("renders the channels' resources under mocks", () => {
    const s = captured[stack];
    expect(s.stack).toBe(stack);
    const types = new Set(s.resources.map((r) => r.type));
    for (const t of [
      "phi:channel:PhiChannel",
      "aws:ec2/securityGroup:SecurityGroup",
      "aws:lb/loadBalancer:LoadBalancer",
      "aws:lb/listener:Listener",
      "aws:s3/bucket:Bucket",
      "aws:ec2/flowLog:FlowLog",
    ]) {
      expect(types).toContain(t);
    }
    // Every resource hangs under a channel or is the channel itself.
    const channels = ofType(s, "phi:channel:PhiChannel");
    expect(channels.length).toBeGreaterThanOrEqual(1);
    for (const r of s.resources) expect(r.urn).toMatch(new RegExp(`^urn:pulumi:${stack}::phi-channels::`));
  });

  test("uses the stack's policy config from policies/config when present", () => {
    const file = path.join(REPO_ROOT, "policies", "config", `${stack}.json`);
    expect(configs[stack].file).toBe(fs.existsSync(file) ? file : undefined);
  });

  test("produces 0 mandatory violations, and every resource was analyzed", () => {
    expect(mandatory(run)).toEqual([]);
    const analyzed = new Set(run.outcomes.map((o) => o.urn).filter(Boolean));
    expect(analyzed).toEqual(new Set(captured[stack].resources.map((r) => r.urn)));
    // Real work was done: resource policies passed on the listeners and security groups.
    const listener = ofType(captured[stack], "aws:lb/listener:Listener")[0];
    const outcome = run.outcomes.find((o) => o.urn === listener.urn)!;
    expect(outcome.passed).toEqual(
      expect.arrayContaining(["phi-tls-listeners-only", "phi-tls-strong-policy"]),
    );
  });

  test("a listener flipped to HTTP is blocked by phi-tls-listeners-only", async () => {
    const listener = ofType(captured[stack], "aws:lb/listener:Listener", "aws:alb/listener:Listener").find(
      (r) => ["HTTPS", "TLS"].includes(String(plain(r.inputs.protocol))),
    )!;
    expect(listener).toBeDefined();
    const broken = variant(captured[stack], listener, (i) => {
      i.protocol = "HTTP";
      i.port = 80;
      delete i.sslPolicy;
      delete i.certificateArn;
    });
    const r = await analyzeCaptured(pack, info, broken, configs[stack]);
    expect(mandatory(r)).toContainEqual({ policy: "phi-tls-listeners-only", urn: listener.urn });
  });

  test("a security group rule moved to port 22 is blocked by phi-ingress-allowlisted-ports", async () => {
    const rule = ofType(captured[stack], "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").find(
      (r) => plain(r.inputs.fromPort) === 443,
    )!;
    expect(rule).toBeDefined();
    const broken = variant(captured[stack], rule, (i) => {
      i.fromPort = 22;
      i.toPort = 22;
    });
    const r = await analyzeCaptured(pack, info, broken, configs[stack]);
    expect(mandatory(r)).toContainEqual({ policy: "phi-ingress-allowlisted-ports", urn: rule.urn });
    // Only that rule: the rest of the stack stays clean.
    expect(new Set(mandatory(r).map((m) => m.urn))).toEqual(new Set([rule.urn]));
  });

  test("an Object Lock configuration in GOVERNANCE mode is blocked by phi-audit-log-bucket-immutable", async () => {
    const lock = ofType(
      captured[stack],
      "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
      "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2",
    )[0];
    expect(lock).toBeDefined();
    const broken = variant(captured[stack], lock, (i) => {
      const rule = plain(i.rule) as { defaultRetention: { mode: string } };
      expect(rule.defaultRetention.mode).toBe("COMPLIANCE");
      rule.defaultRetention.mode = "GOVERNANCE";
    });
    const r = await analyzeCaptured(pack, info, broken, configs[stack]);
    expect(mandatory(r).map((m) => m.policy)).toContain("phi-audit-log-bucket-immutable");
  });
});
