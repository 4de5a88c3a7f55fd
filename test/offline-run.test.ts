/**
 * The offline run's counts (issue 10 §2): a stack policy that fails on N resources is N violations, on
 * those N resources, and none on the stack itself (it used to add one phantom "violation without a
 * message" per policy on pulumi:pulumi:Stack).
 */
import * as path from "node:path";
import { buildEvidence } from "../tools/evidence/build";
import { renderMarkdown } from "../tools/evidence/markdown";
import { renderSarif } from "../tools/evidence/sarif";
import {
  startPolicyPack,
  type AnalyzeResult,
  type AnalyzerInfo,
  type PolicyPackProcess,
} from "../tools/lib/analyzer-client";
import { analyzeCaptured } from "../tools/lib/offline-run";
import { REPO_ROOT, type CapturedResource, type CapturedStack } from "../tools/lib/mock-program";
import { loadPolicyConfig } from "../tools/lib/policy-config";

const PACK_DIR = path.resolve(process.env.PHI_POLICY_PACK_DIR ?? path.join(REPO_ROOT, "policies"));
const STACK_URN = "urn:pulumi:test::phi::pulumi:pulumi:Stack::phi-test";

function resource(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  custom = true,
): CapturedResource {
  return {
    type,
    name,
    urn: type === "pulumi:pulumi:Stack" ? STACK_URN : `urn:pulumi:test::phi::${type}::${name}`,
    parent: type === "pulumi:pulumi:Stack" ? "" : STACK_URN,
    custom,
    inputs,
    protect: false,
    retainOnDelete: false,
    ignoreChanges: [],
    additionalSecretOutputs: [],
    aliases: [],
    dependencies: [],
    propertyDependencies: {},
    provider: "",
    outputs: { ...inputs },
  };
}

function stackOf(resources: CapturedResource[]): CapturedStack {
  return {
    project: "phi",
    stack: "test",
    region: "us-east-1",
    resources: [resource("pulumi:pulumi:Stack", "phi-test", {}, false), ...resources],
    outputs: {},
    secretKeys: [],
    placeholderKeys: [],
    program: path.join(REPO_ROOT, "stacks", "program.ts"),
    projectDir: REPO_ROOT,
    programFile: "stacks/program.ts",
    notAnalysed: [],
    sdkVersions: {},
  };
}

describe("a stack policy failing on N resources counts exactly N", () => {
  test("with a stub pack: N diagnostics naming N resources → N mandatory violations, none on the stack", async () => {
    const names = ["a", "b", "c", "d", "e"];
    const buckets = names.map((n) => resource("aws:s3/bucketV2:BucketV2", n, { bucket: n }));
    const stub: PolicyPackProcess = {
      port: 0,
      pid: 0,
      logs: () => "",
      getAnalyzerInfo: async () => info,
      configure: async () => undefined,
      analyze: async (): Promise<AnalyzeResult> => ({
        diagnostics: [],
        notApplicable: [{ policyName: "stub-resource-policy", reason: "not a listener" }],
      }),
      analyzeStack: async (): Promise<AnalyzeResult> => ({
        diagnostics: buckets.map((b) => ({
          policyName: "stub-stack-policy",
          policyPackName: "stub-pack",
          policyPackVersion: "1.0.0",
          description: "stub",
          message: `bucket ${b.name} is not locked`,
          enforcementLevel: "mandatory",
          urn: b.urn,
        })),
        notApplicable: [],
      }),
      close: async () => undefined,
    };
    const info: AnalyzerInfo = {
      name: "stub-pack",
      version: "1.0.0",
      displayName: "stub",
      description: "stub",
      supportsConfig: true,
      policies: [
        {
          name: "stub-stack-policy",
          displayName: "",
          description: "stub",
          enforcementLevel: "mandatory",
          kind: "stack",
          tags: [],
          remediationSteps: "",
          url: "",
        },
        {
          name: "stub-resource-policy",
          displayName: "",
          description: "stub",
          enforcementLevel: "mandatory",
          kind: "resource",
          tags: [],
          remediationSteps: "",
          url: "",
        },
      ],
    };
    const run = await analyzeCaptured(stub, info, stackOf(buckets), {
      effective: {
        "stub-stack-policy": { enforcementLevel: "mandatory" },
        "stub-resource-policy": { enforcementLevel: "mandatory" },
      },
    });
    const e = buildEvidence(run);
    expect(e.totals.mandatoryViolations).toBe(5);
    expect(e.totals.failed).toBe(5);
    const failedOn = e.resources.filter((r) => r.status === "failed").map((r) => r.name);
    expect(failedOn).toEqual(names);
    const stack = e.resources.find((r) => r.urn === STACK_URN)!;
    expect(stack.results.filter((r) => r.status === "failed")).toEqual([]);
    expect(JSON.stringify(e)).not.toContain("without a message");
    expect(renderMarkdown(e)).toContain("**Verdict: FAIL**: 5 mandatory violation(s)");
    const sarif = JSON.parse(renderSarif(e));
    expect(sarif.runs[0].results.filter((r: { level: string }) => r.level === "error")).toHaveLength(5);
  });
});

describe("with the real pack", () => {
  let pack: PolicyPackProcess;
  let info: AnalyzerInfo;
  beforeAll(async () => {
    pack = await startPolicyPack(PACK_DIR);
    info = await pack.getAnalyzerInfo();
  }, 60_000);
  afterAll(async () => {
    await pack?.close();
  });

  test("three audit-log buckets without object lock: exactly three violations of phi-audit-log-bucket-immutable", async () => {
    const tagged = (n: string) =>
      resource("aws:s3/bucketV2:BucketV2", n, {
        bucket: n,
        tags: { "phi-channels:data-classification": "audit-log" },
      });
    const run = await analyzeCaptured(
      pack,
      info,
      stackOf([tagged("logs-a"), tagged("logs-b"), tagged("logs-c")]),
      loadPolicyConfig(undefined, info.policies),
    );
    const e = buildEvidence(run);
    const failed = e.resources.flatMap((r) =>
      r.results
        .filter((x) => x.status === "failed")
        .map((x) => `${r.name} ${x.policy} ${x.enforcementLevel}`),
    );
    expect(failed).toEqual([
      "logs-a phi-audit-log-bucket-immutable mandatory",
      "logs-b phi-audit-log-bucket-immutable mandatory",
      "logs-c phi-audit-log-bucket-immutable mandatory",
    ]);
    expect(e.totals.mandatoryViolations).toBe(3);
    expect(e.verdict).toBe("fail");
  }, 60_000);

  test("stack policies report on each resource they judge: the bucket's facts, the flow log's rejection", async () => {
    const TLS_DENY = JSON.stringify({
      Statement: [
        {
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: "*",
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ],
    });
    const run = await analyzeCaptured(
      pack,
      info,
      stackOf([
        resource("aws:s3/bucketV2:BucketV2", "audit", {
          bucket: "audit-logs-1",
          arn: "arn:aws:s3:::audit-logs-1",
          objectLockEnabled: true,
          tags: { "phi-channels:data-classification": "audit-log" },
        }),
        resource("aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2", "audit-lock", {
          bucket: "audit-logs-1",
          rule: { defaultRetention: { mode: "COMPLIANCE", days: 2200 } },
        }),
        resource("aws:s3/bucketVersioningV2:BucketVersioningV2", "audit-ver", {
          bucket: "audit-logs-1",
          versioningConfiguration: { status: "Enabled" },
        }),
        resource("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "audit-pab", {
          bucket: "audit-logs-1",
          blockPublicAcls: true,
          blockPublicPolicy: true,
          ignorePublicAcls: true,
          restrictPublicBuckets: true,
        }),
        resource("aws:s3/bucketPolicy:BucketPolicy", "audit-tls", {
          bucket: "audit-logs-1",
          policy: TLS_DENY,
        }),
        resource("aws:ec2/vpc:Vpc", "main", { id: "vpc-1", cidrBlock: "10.0.0.0/16" }),
        resource("aws:ec2/flowLog:FlowLog", "main-flow", {
          vpcId: "vpc-1",
          trafficType: "ALL",
          logDestinationType: "cloud-watch-logs",
          logDestination: "arn:aws:logs:us-east-1:111122223333:log-group:flow",
        }),
      ]),
      loadPolicyConfig(undefined, info.policies),
    );
    const e = buildEvidence(run);
    const result = (name: string, policy: string) =>
      e.resources.find((r) => r.name === name)!.results.find((x) => x.policy === policy);
    expect(result("audit", "phi-audit-log-bucket-immutable")).toMatchObject({
      status: "passed",
      detail:
        "bucket audit-logs-1; Object Lock enabled (COMPLIANCE, 2200 days); versioning Enabled; public access block " +
        'with all four flags true; TLS-only bucket policy (denies aws:SecureTransport = "false"); default encryption SSE-S3; no forceDestroy; ' +
        "log sources: none in this stack (tagged audit-log)",
    });
    expect(result("main-flow", "phi-vpc-flow-logs")).toMatchObject({
      status: "failed",
      enforcementLevel: "mandatory",
      message: expect.stringContaining(
        "flow log of VPC main is rejected: delivered to CloudWatch Logs, which cannot be locked (an S3 bucket with Object Lock is required)",
      ),
      detail:
        "flow log of VPC main: rejected, delivered to CloudWatch Logs, which cannot be locked (an S3 bucket with Object Lock is required)",
    });
    // The VPC itself passes nothing: its finding is on the rejected flow log.
    expect(result("main", "phi-vpc-flow-logs")).toBeUndefined();
    // The stack policies' results are on the resources they judged, not a "passed" row on the stack.
    const stack = e.resources.find((r) => r.type === "pulumi:pulumi:Stack")!;
    expect(stack.results.map((r) => r.policy)).not.toContain("phi-audit-log-bucket-immutable");
    expect(stack.results.map((r) => r.policy)).not.toContain("phi-vpc-flow-logs");
    expect(e.totals.mandatoryViolations).toBe(1);
  }, 60_000);

  test("a stack no policy governs (a public bucket, nothing else) is NOT APPLICABLE, not a pass", async () => {
    const run = await analyzeCaptured(
      pack,
      info,
      stackOf([
        resource("aws:s3/bucketV2:BucketV2", "public-site", { bucket: "public-site", acl: "public-read" }),
      ]),
      loadPolicyConfig(undefined, info.policies),
    );
    const e = buildEvidence(run);
    expect(e.verdict).toBe("not-applicable");
    expect(e.totals).toMatchObject({ passed: 0, failed: 0, resourcesChecked: 0, mandatoryViolations: 0 });
  }, 60_000);
});
