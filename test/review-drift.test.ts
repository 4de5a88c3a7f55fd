/**
 * How `reviewExport` (tools/review.ts) drives a pack and locates drift, against a scripted stand-in for the
 * pack (in process, no gRPC): what Analyze and AnalyzeStack receive, which fields decide a policy's
 * drift (alone, or together when no single one does), stack-policy drift attributed to the resource whose
 * field makes the difference, encrypted values, and what is never compared.
 */
import type {
  AnalyzeResult,
  AnalyzerInfo,
  AnalyzerResourceInput,
  PolicyConfigMap,
  PolicyPackProcess,
} from "../tools/lib/analyzer-client";
import { parseStackExport } from "../tools/lib/stack-export";
import { reviewExport } from "../tools/review";
import { buildEvidence } from "../tools/evidence/build";

const PACK = "phi-channels-hipaa";
const P = "urn:pulumi:prod::phi-channels::";
const STACK_URN = `${P}pulumi:pulumi:Stack::phi-channels-prod`;
const PROVIDER_URN = `${P}pulumi:providers:aws::default_7_48_0`;
const SECRET = {
  "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
  ciphertext: "AAEAAQ-CIPHER",
};

const policy = (name: string, kind: "resource" | "stack") => ({
  name,
  displayName: name,
  description: `${name} description`,
  enforcementLevel: "mandatory" as const,
  kind,
  tags: [],
  remediationSteps: "",
  url: "",
});
const INFO: AnalyzerInfo = {
  name: PACK,
  version: "0.1.0",
  displayName: PACK,
  description: "",
  supportsConfig: true,
  policies: [
    policy("p-port", "resource"),
    policy("p-pair", "resource"),
    policy("p-key", "resource"),
    policy("s-flow", "stack"),
  ],
};

type Props = Record<string, unknown>;
const props = (r: AnalyzerResourceInput) => r.properties as Props;
const diag = (policyName: string, message: string, urn?: string, enforcementLevel = "mandatory") => ({
  policyName,
  policyPackName: PACK,
  policyPackVersion: "0.1.0",
  description: "",
  message,
  enforcementLevel: enforcementLevel as "mandatory",
  ...(urn ? { urn } : {}),
});

/**
 * A pack with four policies: p-port fails port 22; p-pair fails x = 1 and y = 1 together; p-key cannot
 * decide an unknown (encrypted) key; s-flow fails a VPC no flow log points at (by vpcId).
 */
function fakePack() {
  const analyzed: AnalyzerResourceInput[] = [];
  const stacks: AnalyzerResourceInput[][] = [];
  const pack: PolicyPackProcess = {
    port: 0,
    pid: 0,
    logs: () => "",
    getAnalyzerInfo: async () => INFO,
    configure: async (_c: PolicyConfigMap) => undefined,
    async analyze(r) {
      analyzed.push(r);
      const p = props(r);
      const out: AnalyzeResult = { diagnostics: [], notApplicable: [] };
      if (p.port === 22) out.diagnostics.push(diag("p-port", "p-port: port 22 is open"));
      if (p.x === 1 && p.y === 1) out.diagnostics.push(diag("p-pair", "p-pair: x and y are both 1"));
      if (r.type === "aws:kms/key:Key") {
        const k = p.keySpec as Props | undefined;
        if (k && typeof k === "object" && k.value === "04da6b54-80e4-46f7-96ec-b56ff0331ba9") {
          out.diagnostics.push(
            diag(
              "p-key",
              "can't run policy 'p-key' during preview: keySpec is unknown",
              undefined,
              "advisory",
            ),
          );
        }
      } else out.notApplicable.push({ policyName: "p-key", reason: "not a key" });
      return out;
    },
    async analyzeStack(resources) {
      stacks.push(resources);
      const flows = resources.filter((r) => r.type === "aws:ec2/flowLog:FlowLog").map((r) => props(r).vpcId);
      return {
        diagnostics: resources
          .filter((r) => r.type === "aws:ec2/vpc:Vpc" && !flows.includes(props(r).id))
          .map((r) => diag("s-flow", `s-flow: no flow log for ${props(r).id}`, r.urn)),
        notApplicable: [],
      };
    },
    close: async () => undefined,
  };
  return { pack, analyzed, stacks };
}

const custom = (type: string, name: string, inputs: Props, outputs: Props, extra: Props = {}) => ({
  urn: `${P}${type}::${name}`,
  custom: true,
  id: `${name}-id`,
  type,
  inputs,
  outputs,
  parent: STACK_URN,
  provider: `${PROVIDER_URN}::0000`,
  ...extra,
});

function exportOf(resources: Array<Record<string, unknown>>): string {
  return JSON.stringify({
    version: 3,
    deployment: {
      manifest: { time: "2026-05-04T09:12:44Z", version: "v3.248.0" },
      resources: [
        { urn: STACK_URN, custom: false, type: "pulumi:pulumi:Stack", outputs: { port: 22 } },
        {
          urn: PROVIDER_URN,
          custom: true,
          id: "0000",
          type: "pulumi:providers:aws",
          inputs: { region: "us-east-1", port: 443 },
          outputs: { region: "us-east-1", port: 22 },
        },
        {
          urn: `${P}phi:network:Group::g`,
          custom: false,
          type: "phi:network:Group",
          parent: STACK_URN,
          outputs: { port: 22 },
        },
        ...resources,
      ],
    },
  });
}

const config = {
  effective: Object.fromEntries(
    INFO.policies.map((p) => [p.name, { enforcementLevel: "mandatory" as const }]),
  ),
};

describe("reviewExport against a scripted pack", () => {
  const resources = [
    custom(
      "aws:ec2/securityGroup:SecurityGroup",
      "opened",
      { port: 443 },
      { port: 22, arn: "arn:sg:opened" },
    ),
    custom("aws:ec2/securityGroup:SecurityGroup", "same", { port: 443 }, { port: 443, arn: "arn:sg:same" }),
    custom("aws:ec2/securityGroup:SecurityGroup", "pair", { x: 0, y: 0, z: 0 }, { x: 1, y: 1, z: 1 }),
    custom(
      "aws:ec2/securityGroup:SecurityGroup",
      "looked-up",
      { port: 443 },
      { port: 22 },
      { external: true },
    ),
    custom("aws:kms/key:Key", "logs", { keySpec: "SYMMETRIC_DEFAULT" }, { keySpec: SECRET }),
    custom("aws:ec2/vpc:Vpc", "net", { cidrBlock: "10.0.0.0/16" }, { cidrBlock: "10.0.0.0/16", id: "vpc-1" }),
    custom("aws:ec2/flowLog:FlowLog", "flow", { vpcId: "vpc-1" }, { vpcId: "vpc-2" }),
  ];

  let run: Awaited<ReturnType<typeof reviewExport>>;
  let fake: ReturnType<typeof fakePack>;
  beforeAll(async () => {
    fake = fakePack();
    run = await reviewExport(fake.pack, INFO, parseStackExport(exportOf(resources), "state.json"), config);
  });

  it("Analyze gets a custom resource's outputs, providers, components and the stack their inputs", () => {
    const first = (name: string) => fake.analyzed.find((r) => r.name === name)!;
    expect(props(first("opened"))).toEqual({ port: 22, arn: "arn:sg:opened" });
    expect(props(first("default_7_48_0"))).toEqual({ region: "us-east-1", port: 443 });
    expect(props(first("g"))).toEqual({});
    expect(props(first("phi-channels-prod"))).toEqual({});
    expect(first("opened").provider).toEqual({
      type: "pulumi:providers:aws",
      name: "default_7_48_0",
      urn: PROVIDER_URN,
      properties: { region: "us-east-1", port: 443 },
    });
  });

  it("AnalyzeStack gets every resource's outputs, the stack and components included", () => {
    const actual = fake.stacks[0];
    expect(actual.map((r) => r.name)).toEqual([
      "phi-channels-prod",
      "default_7_48_0",
      "g",
      "opened",
      "same",
      "pair",
      "looked-up",
      "logs",
      "net",
      "flow",
    ]);
    expect(props(actual.find((r) => r.name === "phi-channels-prod")!)).toEqual({ port: 22 });
    expect(props(actual.find((r) => r.name === "flow")!)).toEqual({ vpcId: "vpc-2" });
  });

  it("names the one deciding field, the fields that decide together, and the stack policy's resource", () => {
    expect(run.drift).toEqual([
      {
        urn: `${P}aws:ec2/flowLog:FlowLog::flow`,
        policyPackName: PACK,
        policyName: "s-flow",
        fields: ["vpcId"],
        declared: "passed",
        actual: "failed",
      },
      {
        urn: `${P}aws:ec2/securityGroup:SecurityGroup::opened`,
        policyPackName: PACK,
        policyName: "p-port",
        fields: ["port"],
        declared: "passed",
        actual: "failed",
      },
      {
        urn: `${P}aws:ec2/securityGroup:SecurityGroup::pair`,
        policyPackName: PACK,
        policyName: "p-pair",
        fields: ["x", "y", "z"],
        declared: "passed",
        actual: "failed",
      },
      {
        urn: `${P}aws:kms/key:Key::logs`,
        policyPackName: PACK,
        policyName: "p-key",
        fields: ["keySpec"],
        declared: "passed",
        actual: "undecided",
      },
    ]);
  });

  it("never compares providers, components, the stack or resources read with .get()", () => {
    const drifted = new Set((run.drift ?? []).map((d) => d.urn));
    for (const name of ["default_7_48_0", "g", "phi-channels-prod", "looked-up"]) {
      expect([...drifted].some((u) => u.endsWith(`::${name}`))).toBe(false);
    }
  });

  it("evidence: the actual state decides the verdict; drift, encrypted values and not decidable are recorded", () => {
    const e = buildEvidence(run);
    expect(e.verdict).toBe("fail");
    expect(e.totals.resourcesDrifted).toBe(4);
    const key = e.resources.find((r) => r.name === "logs")!;
    expect(key.encryptedValues).toEqual(["outputs.keySpec"]);
    expect(key.results.find((r) => r.policy === "p-key")!.status).toBe("undecided-at-preview");
    const looked = e.resources.find((r) => r.name === "looked-up")!;
    expect(looked.results.find((r) => r.policy === "p-port")!.status).toBe("failed");
    expect(JSON.stringify(e)).not.toContain("AAEAAQ-CIPHER");
  });
});
