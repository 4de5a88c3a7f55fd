import { buildEvidence } from "../../tools/evidence/build";
import { canonicalJson, sha256Hex } from "../../tools/evidence/canonical";
import { renderJson } from "../../tools/evidence/write";
import { BUCKET, LISTENER, SG, VPC, evidenceValidator, sampleRun } from "./support";

const STACK = "urn:pulumi:dev::phi-channels::pulumi:pulumi:Stack::phi-channels-dev";

describe("buildEvidence", () => {
  const evidence = buildEvidence(sampleRun());
  const result = (urn: string, policy: string) =>
    evidence.resources.find((r) => r.urn === urn)?.results.find((x) => x.policy === policy);

  it("fails the verdict on a mandatory violation and counts each level", () => {
    expect(evidence.verdict).toBe("fail");
    expect(evidence.totals).toMatchObject({
      mandatoryViolations: 1,
      advisoryViolations: 2,
      undecidedAtPreview: 1,
      passed: 1,
      notApplicable: 2,
      resources: 5,
    });
  });

  it("passes the verdict when only advisories and undecidable checks remain", () => {
    const run = sampleRun();
    run.diagnostics = run.diagnostics.filter((d) => d.enforcementLevel !== "mandatory");
    run.outcomes[0].failed = ["phi-egress-restricted"];
    run.outcomes[0].passed = ["phi-ingress-allowlisted-ports"];
    const e = buildEvidence(run);
    expect(e.verdict).toBe("pass");
    expect(e.totals.mandatoryViolations).toBe(0);
    expect(
      e.resources.find((r) => r.urn === SG)?.results.find((x) => x.policy === "phi-ingress-allowlisted-ports")
        ?.status,
    ).toBe("passed");
  });

  it("records failed results with message, remediation, level and HIPAA reference", () => {
    expect(result(SG, "phi-ingress-allowlisted-ports")).toEqual({
      policyPack: "phi-channels-hipaa",
      policy: "phi-ingress-allowlisted-ports",
      status: "failed",
      enforcementLevel: "mandatory",
      message: "ingress[0] opens tcp 0-65535 | all ports",
      remediation: "Open only tcp/443.",
      hipaa: {
        control: "a1",
        controlReference: "§164.312(a)(1)",
        reference: "§164.312(a)(1)",
        specification: "Access control",
      },
    });
    expect(result(SG, "phi-egress-restricted")).toMatchObject({
      status: "failed",
      enforcementLevel: "advisory",
    });
  });

  it("marks undecidable checks, not-applicable policies and files stack policies under the stack", () => {
    expect(result(LISTENER, "phi-tls-listeners-only")).toMatchObject({
      status: "undecided-at-preview",
      enforcementLevel: "advisory",
      hipaa: { control: "e1", reference: "§164.312(e)(2)(ii)", specification: "Encryption" },
    });
    expect(result(SG, "phi-tls-listeners-only")).toMatchObject({
      status: "not-applicable",
      reason: "not a listener",
    });
    expect(result(VPC, "phi-ingress-allowlisted-ports")).toMatchObject({
      status: "not-applicable",
      reason: "opens no ingress",
    });
    expect(result(STACK, "phi-audit-trail")).toMatchObject({ status: "passed", hipaa: { control: "b" } });
    expect(evidence.resources.find((r) => r.urn === LISTENER)?.unknownInputs).toEqual(["sslPolicy"]);
    expect(evidence.resources.find((r) => r.urn === SG)?.status).toBe("failed");
  });

  it("reports other packs as-is, without a HIPAA mapping", () => {
    const other = result(BUCKET, "s3-bucket-logging-enabled");
    expect(other).toMatchObject({
      policyPack: "aws-compliance-ready-policies",
      status: "failed",
      enforcementLevel: "advisory",
    });
    expect(other?.hipaa).toBeUndefined();
    expect(evidence.policies.find((p) => p.policy === "s3-bucket-logging-enabled")?.hipaa).toBeUndefined();
  });

  it("summarises every §164.312 control by each resource's worst result", () => {
    const byRef = Object.fromEntries(evidence.controls.map((c) => [c.reference, c]));
    expect(Object.keys(byRef)).toEqual([
      "§164.312(a)(1)",
      "§164.312(b)",
      "§164.312(c)(1)",
      "§164.312(d)",
      "§164.312(e)(1)",
    ]);
    // (a)(1): the SG failed, the VPC is not applicable (and so not counted as checked).
    expect(byRef["§164.312(a)(1)"]).toMatchObject({
      resourcesChecked: 1,
      failedMandatory: 1,
      failedAdvisory: 0,
      passed: 0,
      failed: 1,
      notApplicable: 1,
      undecidedAtPreview: 0,
    });
    // (b): the stack passed the stack policy.
    expect(byRef["§164.312(b)"]).toMatchObject({
      resourcesChecked: 1,
      passed: 1,
      failed: 0,
      policies: ["phi-audit-trail"],
    });
    // (e)(1): the SG failed egress (tls n/a there), the listener is undecidable.
    expect(byRef["§164.312(e)(1)"]).toMatchObject({
      resourcesChecked: 2,
      failed: 1,
      undecidedAtPreview: 1,
      passed: 0,
      notApplicable: 0,
      policies: ["phi-egress-restricted", "phi-tls-listeners-only"],
    });
    expect(byRef["§164.312(d)"]).toMatchObject({ resourcesChecked: 0, policies: [] });
  });

  it("counts results per policy", () => {
    expect(evidence.policies.find((p) => p.policy === "phi-tls-listeners-only")).toMatchObject({
      passed: 0,
      failed: 0,
      notApplicable: 1,
      undecidedAtPreview: 1,
      severity: "critical",
    });
  });

  it("fails closed when the analyzer reports a failure without a diagnostic", () => {
    const run = sampleRun({ diagnostics: [] });
    run.outcomes[0].failed = ["phi-ingress-allowlisted-ports"];
    const e = buildEvidence(run);
    const r = e.resources
      .find((x) => x.urn === SG)
      ?.results.find((x) => x.policy === "phi-ingress-allowlisted-ports");
    expect(r).toMatchObject({ status: "failed", enforcementLevel: "mandatory" });
    expect(e.verdict).toBe("fail");
  });

  it("records metadata with a canonical SHA-256 of the policy config", () => {
    const m = evidence.metadata;
    expect(m).toMatchObject({
      project: "phi-channels",
      stack: "dev",
      source: "offline",
      operation: "preview",
      programFile: "stacks/index.ts",
    });
    expect(m.packs).toEqual([
      { name: "aws-compliance-ready-policies", version: "0.0.13" },
      { name: "phi-channels-hipaa", version: "0.1.0" },
    ]);
    expect(Object.keys(m.policyConfig["phi-channels-hipaa"])).toEqual([
      "all",
      "phi-ingress-allowlisted-ports",
    ]);
    expect(m.policyConfigSha256).toBe(
      sha256Hex(
        '{"phi-channels-hipaa":{"all":"mandatory","phi-ingress-allowlisted-ports":{"allowedIngress":["tcp/443"]}}}',
      ),
    );
    expect(canonicalJson({ b: 1, a: { d: 2, c: 3 } })).toBe('{"a":{"c":3,"d":2},"b":1}');
  });

  it("is deterministic: shuffled input gives identical bytes", () => {
    const run = sampleRun();
    const shuffled = sampleRun({
      resources: [...run.resources].reverse(),
      diagnostics: [...run.diagnostics].reverse(),
      outcomes: [...run.outcomes].reverse(),
      packs: [...run.packs].reverse(),
      policyConfig: {
        "phi-channels-hipaa": {
          all: "mandatory",
          "phi-ingress-allowlisted-ports": { allowedIngress: ["tcp/443"] },
        },
      },
    });
    expect(renderJson(buildEvidence(shuffled))).toBe(renderJson(buildEvidence(run)));
  });

  it("normalises the timestamp to UTC and rejects a non-date", () => {
    expect(buildEvidence(sampleRun({ timestamp: "2026-01-01T12:00:00+02:00" })).metadata.timestamp).toBe(
      "2026-01-01T10:00:00.000Z",
    );
    expect(() => buildEvidence(sampleRun({ timestamp: "yesterday" }))).toThrow(/run.timestamp: "yesterday"/);
  });

  it("produces evidence.json that validates against the committed schema", () => {
    const validate = evidenceValidator();
    expect(validate(JSON.parse(renderJson(evidence)))).toBe(true);
    expect(validate.errors ?? null).toBeNull();
    // The schema is strict: an unknown member or a bad status is rejected.
    const tampered = JSON.parse(renderJson(evidence));
    tampered.resources[0].results[0].status = "ok";
    expect(validate(tampered)).toBe(false);
    const extra = JSON.parse(renderJson(evidence));
    extra.metadata.secret = "x";
    expect(validate(extra)).toBe(false);
    const missing = JSON.parse(renderJson(evidence));
    delete missing.resources.find((r: { urn: string }) => r.urn === SG).results[0].message;
    expect(validate(missing)).toBe(false);
  });
});
