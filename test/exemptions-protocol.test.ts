/**
 * Exemptions and `protect` over the analyzer protocol: the real pack (policies/bin, as the CLI starts it),
 * configured with an exemption validated by the same schema the CLI enforces, analyzing a violating
 * resource. Dates are far from today (2099 / 2020), so no clock is needed in the pack process.
 */
import {
  type AnalyzerInfo,
  type AnalyzerResourceInput,
  type PolicyPackProcess,
} from "../tools/lib/analyzer-client";
import { validatePolicyConfig } from "../tools/lib/policy-config";
import { parseExemptionNote } from "../policies/src/exemptions-format";
import { PACK_START_TIMEOUT_MS, startTestPack } from "./support/policy-pack";

const SG = "aws:ec2/securityGroup:SecurityGroup";
const POLICY = "phi-ingress-allowlisted-ports";

const sftp: AnalyzerResourceInput = {
  type: SG,
  name: "legacy-sftp",
  properties: {
    vpcId: "vpc-0123456789abcdef0",
    description: "vendor sftp",
    ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/16"] }],
    egress: [],
  },
};

/** An expiry within the default maxExemptionDays (365) of the day the test runs. */
const SOON = new Date(Date.now() + 100 * 86_400_000).toISOString().slice(0, 10);

const exemption = (expires: string) => ({
  resource: "legacy-sftp",
  reason: "vendor SFTP endpoint until migration to the HTTPS API",
  ticket: "SEC-123",
  expires,
  approvedBy: "jane.doe@example.com",
});

let pack: PolicyPackProcess;
let info: AnalyzerInfo;

beforeAll(async () => {
  ({ pack, info } = await startTestPack());
}, PACK_START_TIMEOUT_MS);

afterAll(async () => {
  await pack?.close();
});

const configure = (overrides: Record<string, unknown>) =>
  pack.configure(validatePolicyConfig(overrides, info.policies, "test config"));

test("GetAnalyzerInfo serves the exemption options; every policy keeps its kind", () => {
  for (const p of info.policies) {
    expect(Object.keys(p.configSchema?.properties ?? {})).toEqual(
      expect.arrayContaining(["exemptions", "allowBroadExemptions"]),
    );
  }
  expect(info.policies.find((p) => p.name === POLICY)!.kind).toBe("resource");
  expect(info.policies.find((p) => p.name === "phi-audit-log-bucket-immutable")!.kind).toBe("stack");
});

test("the CLI-equivalent config validation rejects an exemption without a ticket", () => {
  const { ticket: _t, ...noTicket } = exemption(SOON);
  expect(() =>
    validatePolicyConfig({ [POLICY]: { exemptions: [noTicket] } }, info.policies, "f.json"),
  ).toThrow(/exemptions\[0\]\.ticket/);
});

test("an exemption in effect turns the violation into an advisory carrying the note", async () => {
  await configure({});
  const plain = (await pack.analyze(sftp)).diagnostics.filter((d) => d.policyName === POLICY);
  expect(plain.map((d) => d.enforcementLevel)).toEqual(["mandatory"]);

  await configure({ [POLICY]: { exemptions: [exemption(SOON)] } });
  const exempted = (await pack.analyze(sftp)).diagnostics.filter((d) => d.policyName === POLICY);
  expect(exempted.map((d) => d.enforcementLevel)).toEqual(["advisory"]);
  const original = plain[0].message.split("\n").slice(1).join("\n");
  expect(exempted[0].message.split("\n").slice(1).join("\n")).toBe(
    `exempted until ${SOON}: vendor SFTP endpoint until migration to the HTTPS API (SEC-123, approved by jane.doe@example.com) — ${original}`,
  );
  // It matches a resource, so the stack check has nothing to say.
  const stack = await pack.analyzeStack([sftp]);
  expect(stack.diagnostics.filter((d) => d.policyName === POLICY)).toEqual([]);
});

test("an expired exemption is mandatory again; one matching nothing is a mandatory stack violation", async () => {
  await configure({ [POLICY]: { exemptions: [exemption("2020-01-31")] } });
  const d = (await pack.analyze(sftp)).diagnostics.filter((x) => x.policyName === POLICY);
  expect(d.map((x) => x.enforcementLevel)).toEqual(["mandatory"]);
  expect(parseExemptionNote(d[0].message)).toMatchObject({ status: "expired", ticket: "SEC-123" });

  // Reconfigured for another stack: nothing from the previous configuration survives.
  await configure({ [POLICY]: { exemptions: [{ ...exemption(SOON), resource: "gone" }] } });
  const again = (await pack.analyze(sftp)).diagnostics.filter((x) => x.policyName === POLICY);
  expect(again.map((x) => x.enforcementLevel)).toEqual(["mandatory"]);
  const stack = (await pack.analyzeStack([sftp])).diagnostics.filter((x) => x.policyName === POLICY);
  expect(stack.map((x) => x.enforcementLevel)).toEqual(["mandatory"]);
  expect(stack[0].message).toMatch(/exemptions\[0\] \(SEC-123\) for resource "gone" matches no resource/);
});

test("an exemption expiring beyond maxExemptionDays is refused and exempts nothing", async () => {
  await configure({ [POLICY]: { exemptions: [exemption("2099-12-31")] } });
  const d = (await pack.analyze(sftp)).diagnostics.filter((x) => x.policyName === POLICY);
  expect(d.map((x) => x.enforcementLevel)).toEqual(["mandatory"]);
  expect(parseExemptionNote(d[0].message)).toBeUndefined();
  const stack = (await pack.analyzeStack([sftp])).diagnostics.filter((x) => x.policyName === POLICY);
  expect(stack.map((x) => x.enforcementLevel)).toEqual(["mandatory"]);
  expect(stack[0].message).toMatch(
    /exemptions\[0\] \(SEC-123\) is invalid and exempts nothing: expires "2099-12-31" is \d+ days after \d{4}-\d{2}-\d{2}, more than maxExemptionDays \(365\)/,
  );
});

test("protect reaches the pack: requireProtect blocks an unprotected audit-log bucket", async () => {
  const bucket = (protect: boolean): AnalyzerResourceInput => ({
    type: "aws:s3/bucketV2:BucketV2",
    name: "audit",
    options: { protect },
    properties: {
      bucket: "audit",
      arn: "arn:aws:s3:::audit",
      objectLockEnabled: true,
      forceDestroy: false,
      tags: { "phi-channels:data-classification": "audit-log" },
    },
  });
  await configure({ "phi-audit-log-bucket-immutable": { requireProtect: true } });
  const unprotected = (await pack.analyzeStack([bucket(false)])).diagnostics.filter(
    (d) => d.policyName === "phi-audit-log-bucket-immutable",
  );
  expect(unprotected.map((d) => d.message).join("\n")).toMatch(/not protected \(requireProtect is set\)/);
  const protectedOnes = (await pack.analyzeStack([bucket(true)])).diagnostics.filter(
    (d) => d.policyName === "phi-audit-log-bucket-immutable",
  );
  expect(protectedOnes.map((d) => d.message).join("\n")).not.toMatch(/not protected/);
  expect(protectedOnes.length).toBe(unprotected.length - 1);
});

test("exemptions set by a later Configure are checked at AnalyzeStack, with no Analyze in between", async () => {
  // Seen without exemptions first: the pack then tells @pulumi/policy this policy has no stack check.
  await configure({});
  await pack.analyze(sftp);
  expect((await pack.analyzeStack([sftp])).diagnostics.filter((x) => x.policyName === POLICY)).toEqual([]);
  // A new config must not be judged by the old one.
  await configure({ [POLICY]: { exemptions: [{ ...exemption(SOON), resource: "gone" }] } });
  const stack = (await pack.analyzeStack([sftp])).diagnostics.filter((x) => x.policyName === POLICY);
  expect(stack.map((x) => x.enforcementLevel)).toEqual(["mandatory"]);
  expect(stack[0].message).toMatch(/exemptions\[0\] \(SEC-123\) for resource "gone" matches no resource/);
});
