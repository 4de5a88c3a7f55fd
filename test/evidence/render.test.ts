import { buildEvidence } from "../../tools/evidence/build";
import { cell, MARKDOWN_MARKER, renderMarkdown } from "../../tools/evidence/markdown";
import { findingFingerprint, renderSarif } from "../../tools/evidence/sarif";
import { BUCKET, LISTENER, SG, sampleRun, sarifValidator } from "./support";

const evidence = buildEvidence(sampleRun());

describe("renderMarkdown", () => {
  const md = renderMarkdown(evidence);
  const at = (text: string) => {
    const i = md.indexOf(text);
    expect(i).toBeGreaterThanOrEqual(0);
    return i;
  };

  it("opens with the marker and the verdict, then the violations, then the controls, then the passes", () => {
    expect(md.startsWith(`${MARKDOWN_MARKER}\n# HIPAA policy evidence: phi-channels / dev`)).toBe(true);
    const verdict = at("**Verdict: FAIL**: 1 mandatory violation(s), 2 advisory, 1 not decidable at preview");
    const violations = at("## Violations");
    const controls = at("## Controls (45 CFR §164.312)");
    const others = at("## Other policy packs (not mapped to HIPAA)");
    const passes = at("## Passed");
    expect(verdict).toBeLessThan(violations);
    expect(violations).toBeLessThan(controls);
    expect(controls).toBeLessThan(others);
    expect(others).toBeLessThan(passes);
  });

  it("lists mandatory violations before advisories (then by resource URN), escaping pipes in cells", () => {
    const section = md.slice(md.indexOf("## Violations"), md.indexOf("## Not decidable at preview"));
    const rows = section.split("\n").filter((l) => l.startsWith("| mandatory") || l.startsWith("| advisory"));
    expect(rows).toEqual([
      "| mandatory | §164.312(a)(1) | `phi-ingress-allowlisted-ports` | claims-lb (aws:ec2/securityGroup:SecurityGroup) | ingress[0] opens tcp 0-65535 \\| all ports | Open only tcp/443. |",
      "| advisory | §164.312(e)(1) | `phi-egress-restricted` | claims-lb (aws:ec2/securityGroup:SecurityGroup) | egress[0] allows every protocol | Replace allow-all egress. |",
      "| advisory | not mapped (aws-compliance-ready-policies) | `s3-bucket-logging-enabled` | claims-logs (aws:s3/bucketV2:BucketV2) | S3 buckets should have access logging enabled. | — |",
    ]);
  });

  it("has one table per control with its counts, and a pass list", () => {
    for (const c of evidence.controls) expect(md).toContain(`### ${c.reference} ${c.specification}`);
    // Checked, passed, failed mandatory, failed advisory (the SG's egress), not decidable, not applicable.
    expect(md).toContain("| §164.312(e)(1) | Transmission security | 2 | 0 | 0 | 1 | 1 | 0 |");
    const e1 = md.slice(md.indexOf("### §164.312(e)(1)"), md.indexOf("## Other policy packs"));
    expect(e1).toContain(
      "| claims-https (aws:lb/listener:Listener) | `phi-tls-listeners-only` | §164.312(e)(2)(ii) | undecided-at-preview |",
    );
    expect(e1).toContain(
      "| claims-lb (aws:ec2/securityGroup:SecurityGroup) | `phi-egress-restricted` | §164.312(e)(1) | FAILED (advisory) |",
    );
    expect(md.slice(md.indexOf("### §164.312(d)"))).toMatch(
      /^### §164.312\(d\) Person or entity authentication\n\nPolicies: none\.\n\nNo results\./,
    );
    const passes = md.slice(md.indexOf("## Passed"), md.indexOf("## Inputs not known"));
    expect(passes).toContain("`phi-audit-trail` | §164.312(b) |");
    expect(passes.split("\n").filter((l) => l.startsWith("| pulumi") || l.includes("`urn:")).length).toBe(1);
    expect(md).toContain("| claims-https (aws:lb/listener:Listener) | sslPolicy |");
  });

  it("keeps not-applicable results out of the control tables but says how many were omitted", () => {
    const a1 = md.slice(md.indexOf("### §164.312(a)(1)"), md.indexOf("### §164.312(b)"));
    expect(a1).toContain("1 not-applicable result(s) omitted here; they are listed in evidence.json.");
    expect(a1).not.toContain("not-applicable |");
    expect(a1).not.toContain("opens no ingress");
    const json = evidence.resources.flatMap((r) => r.results).filter((r) => r.status === "not-applicable");
    expect(json.map((r) => r.policy).sort()).toEqual([
      "phi-ingress-allowlisted-ports",
      "phi-tls-listeners-only",
    ]);
  });

  it("escapes table cells", () => {
    expect(cell("a | b\nc")).toBe("a \\| b<br>c");
    expect(cell("C:\\x|y")).toBe("C:\\\\x\\|y");
    expect(cell("")).toBe("—");
  });

  it("names the TLS profile from the recorded config in the run table", () => {
    expect(md).toContain("| TLS profile | not recorded (the pack's default is strict) |");
    const nist = sampleRun({
      policyConfig: {
        "phi-channels-hipaa": {
          "phi-tls-strong-policy": {
            enforcementLevel: "mandatory",
            minimumTlsVersion: "1.2",
            tlsProfile: "nist-800-52r2",
          },
        },
      },
    });
    expect(renderMarkdown(buildEvidence(nist))).toContain(
      "| TLS profile | nist-800-52r2 (phi-tls-strong-policy tlsProfile) |",
    );
  });

  it("reports a clean run as PASS with no violations", () => {
    const run = sampleRun({ diagnostics: [] });
    run.outcomes = run.outcomes.map((o) => ({ ...o, passed: [...o.passed, ...o.failed], failed: [] }));
    const clean = renderMarkdown(buildEvidence(run));
    expect(clean).toContain("✅ **Verdict: PASS**: 0 mandatory violation(s)");
    expect(clean).toContain("## Violations\n\nNone.");
  });
});

describe("renderSarif", () => {
  const sarif = JSON.parse(renderSarif(evidence));
  const run = sarif.runs[0];

  it("validates against the official SARIF 2.1.0 schema", () => {
    const validate = sarifValidator();
    const ok = validate(sarif);
    expect(validate.errors ?? null).toBeNull();
    expect(ok).toBe(true);
    // The validator is real: a result with a bad level is rejected.
    const bad = JSON.parse(renderSarif(evidence));
    bad.runs[0].results[0].level = "fatal";
    expect(validate(bad)).toBe(false);
  });

  it("has one rule per policy with help text and the HIPAA reference", () => {
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual([
      "aws-compliance-ready-policies/s3-bucket-logging-enabled",
      "phi-channels-hipaa/phi-audit-trail",
      "phi-channels-hipaa/phi-egress-restricted",
      "phi-channels-hipaa/phi-ingress-allowlisted-ports",
      "phi-channels-hipaa/phi-tls-listeners-only",
    ]);
    const tls = run.tool.driver.rules[4];
    expect(tls.help.text).toBe(
      "Listeners carrying PHI must use TLS.\n\nRemediation: Use HTTPS | TLS listeners.",
    );
    expect(tls.properties).toMatchObject({
      hipaaReference: "§164.312(e)(2)(ii)",
      hipaaControl: "§164.312(e)(1)",
      "security-severity": "9.5",
    });
    expect(tls.properties.tags).toEqual(expect.arrayContaining(["HIPAA", "§164.312(e)(2)(ii)"]));
    expect(run.tool.driver.rules[0].properties.tags).not.toContain("HIPAA");
  });

  it("maps levels (mandatory→error, advisory→warning, undecided→note), omits passes, locates at the program", () => {
    const levels = run.results.map((r: { ruleId: string; level: string }) => `${r.ruleId}=${r.level}`).sort();
    expect(levels).toEqual([
      "aws-compliance-ready-policies/s3-bucket-logging-enabled=warning",
      "phi-channels-hipaa/phi-egress-restricted=warning",
      "phi-channels-hipaa/phi-ingress-allowlisted-ports=error",
      "phi-channels-hipaa/phi-tls-listeners-only=note",
    ]);
    for (const r of run.results) {
      expect(r.locations[0].physicalLocation.artifactLocation.uri).toBe("stacks/index.ts");
      expect(run.tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
    }
    const sg = run.results.find((r: { ruleId: string }) =>
      r.ruleId.endsWith("/phi-ingress-allowlisted-ports"),
    );
    expect(sg.locations[0].logicalLocations[0].fullyQualifiedName).toBe(SG);
    expect(sg.partialFingerprints["policyFinding/v1"]).toBe(
      findingFingerprint("phi-channels-hipaa", "phi-ingress-allowlisted-ports", SG),
    );
    expect(run.automationDetails.id).toBe("phi-channels/dev/");
  });

  it("falls back to Pulumi.yaml and keeps fingerprints stable across runs", () => {
    const later = buildEvidence(sampleRun({ programFile: undefined, timestamp: "2026-02-01T00:00:00Z" }));
    const again = JSON.parse(renderSarif(later)).runs[0];
    expect(again.results[0].locations[0].physicalLocation.artifactLocation.uri).toBe("Pulumi.yaml");
    const fp = (r: { results: Array<{ partialFingerprints: Record<string, string> }> }) =>
      r.results.map((x) => x.partialFingerprints["policyFinding/v1"]);
    expect(fp(again)).toEqual(fp(run));
    expect(new Set(fp(run)).size).toBe(run.results.length);
    expect(fp(run)).toContain(findingFingerprint("phi-channels-hipaa", "phi-tls-listeners-only", LISTENER));
    expect(fp(run)).toContain(
      findingFingerprint("aws-compliance-ready-policies", "s3-bucket-logging-enabled", BUCKET),
    );
  });
});
