import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildEvidence } from "../../tools/evidence/build";
import { EventLogError, parseEventLog, stripColour } from "../../tools/evidence/event-log";
import type { Evidence } from "../../tools/evidence/model";
import { evidenceValidator, FIXTURES, HIPAA_PACK_FIXTURE, runCli, sarifValidator } from "./support";

const fixture = (name: string) => readFileSync(join(FIXTURES, name), "utf8");
const DEV = "urn:pulumi:dev::phi-channels::";
const SG = `${DEV}phi-channels:index:PhiChannel$aws:ec2/securityGroup:SecurityGroup::claims-lb`;
const LISTENER = `${DEV}phi-channels:index:PhiChannel$aws:lb/listener:Listener::claims-https`;
const BUCKET = `${DEV}phi-channels:index:PhiChannel$aws:s3/bucketV2:BucketV2::claims-logs`;
const result = (e: Evidence, urn: string, policy: string) =>
  e.resources.find((r) => r.urn === urn)?.results.find((x) => x.policy === policy);

describe("parseEventLog", () => {
  it("reads a preview with violations: project, stack, operation, findings without colour codes", () => {
    const run = parseEventLog(fixture("preview-violations.ndjson"), { knownPacks: [HIPAA_PACK_FIXTURE] });
    expect(run).toMatchObject({
      source: "event-log",
      operation: "preview",
      project: "phi-channels",
      stack: "dev",
    });
    expect(run.timestamp).toBe("2026-01-01T10:00:00.000Z");
    expect(run.packs.map((p) => `${p.name}@${p.version}`)).toEqual(["phi-channels-hipaa@0.1.0"]);
    expect(run.resources.map((r) => r.type)).toContain("aws:ec2/securityGroup:SecurityGroup");
    expect(run.resources).toHaveLength(6);
    const mandatory = run.diagnostics.find((d) => d.policyName === "phi-ingress-allowlisted-ports");
    expect(mandatory).toMatchObject({ enforcementLevel: "mandatory", urn: SG });
    expect(mandatory?.message).toBe(
      "PHI ingress must be limited to allowlisted ports.\ningress[0] opens tcp 0-65535 | all ports from 10.0.0.0/8",
    );
    expect(run.diagnostics.find((d) => d.policyName === "phi-egress-restricted")?.enforcementLevel).toBe(
      "advisory",
    );
    expect(run.diagnostics.find((d) => d.policyName === "phi-tls-listeners-only")).toMatchObject({
      undecidedAtPreview: true,
      urn: LISTENER,
    });
    // The stack config in the prelude (which may hold secrets) is not carried over.
    expect(JSON.stringify(run)).not.toContain("alarmEmail");
  });

  it("converts to evidence with our pack mapped to HIPAA", () => {
    const e = buildEvidence(
      parseEventLog(fixture("preview-violations.ndjson"), { knownPacks: [HIPAA_PACK_FIXTURE] }),
    );
    expect(e.verdict).toBe("fail");
    expect(result(e, SG, "phi-ingress-allowlisted-ports")).toMatchObject({
      status: "failed",
      enforcementLevel: "mandatory",
      remediation: "Open only tcp/443.",
      hipaa: { reference: "§164.312(a)(1)" },
    });
    expect(result(e, LISTENER, "phi-tls-listeners-only")).toMatchObject({
      status: "undecided-at-preview",
      hipaa: { control: "e1" },
    });
    expect(result(e, SG, "phi-ingress-private-sources")?.status).toBe("passed");
    expect(evidenceValidator()(JSON.parse(JSON.stringify(e)))).toBe(true);
  });

  it("tells an update from a preview", () => {
    const run = parseEventLog(fixture("update.ndjson"));
    expect(run).toMatchObject({ operation: "update", stack: "prod" });
    expect(parseEventLog(fixture("update.ndjson"), { operation: "preview" }).operation).toBe("preview");
  });

  it("reports other packs as-is next to ours", () => {
    const run = parseEventLog(fixture("multi-pack.ndjson"), { knownPacks: [HIPAA_PACK_FIXTURE] });
    expect(run.packs.map((p) => `${p.name}@${p.version}`)).toEqual([
      "aws-compliance-ready-policies@0.0.13",
      "phi-channels-hipaa@0.1.0",
    ]);
    const e = buildEvidence(run);
    expect(e.verdict).toBe("pass");
    const other = result(e, BUCKET, "s3-bucket-logging-enabled");
    expect(other).toMatchObject({
      policyPack: "aws-compliance-ready-policies",
      status: "failed",
      enforcementLevel: "advisory",
    });
    expect(other?.hipaa).toBeUndefined();
    expect(result(e, BUCKET, "s3-bucket-versioning-enabled")?.status).toBe("passed");
    expect(e.policies.find((p) => p.policy === "s3-bucket-logging-enabled")?.severity).toBe("medium");
  });

  it("names the line of a malformed event", () => {
    expect(() => parseEventLog(fixture("malformed-json.ndjson"))).toThrow(
      /^event log line 4: not valid JSON/,
    );
    expect(() => parseEventLog(fixture("not-an-object.ndjson"))).toThrow(
      /^event log line 3: expected a JSON object/,
    );
    const bad =
      '{"sequence":0,"timestamp":1,"policyEvent":{"policyName":"p","policyPackName":"x","message":"m","enforcementLevel":"loud"}}';
    expect(() => parseEventLog(`\n${bad}\n`)).toThrow(/line 2: policyEvent.enforcementLevel is "loud"/);
    expect(() => parseEventLog('{"timestamp":1}')).toThrow(EventLogError);
    expect(() => parseEventLog("")).toThrow(/holds no events/);
  });

  it("tolerates unknown event kinds and fields", () => {
    const extra =
      fixture("preview-clean.ndjson") +
      '{"sequence":99,"timestamp":1767261700,"futureEvent":{"x":1},"extra":true}\n';
    expect(buildEvidence(parseEventLog(extra)).verdict).toBe("pass");
  });

  it("strips ANSI and Pulumi colour codes", () => {
    expect(stripColour("\u001b[31mred\u001b[0m <{%fg 1%}>x<{%reset%}>")).toBe("red x");
  });
});

describe("npm run evidence (spawned CLI)", () => {
  const outDir = () => join(mkdtempSync(join(tmpdir(), "evidence-cli-")), "out");

  it("exits 1 on mandatory violations, names the policy and resource, writes all four files", () => {
    const out = outDir();
    const r = runCli([
      "--event-log",
      join(FIXTURES, "preview-violations.ndjson"),
      "--out",
      out,
      "--git-commit",
      "abcdef1234567",
    ]);
    expect(r.stderr).toContain("evidence: reading");
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("phi-channels/dev preview (event-log): FAIL: 1 mandatory");
    expect(r.stdout).toContain(
      "MANDATORY phi-channels-hipaa/phi-ingress-allowlisted-ports [§164.312(a)(1)] on claims-lb",
    );
    expect(readdirSync(out).sort()).toEqual([
      ".phi-channels-evidence",
      "SHA256SUMS",
      "evidence.intoto.json",
      "evidence.json",
      "evidence.md",
      "evidence.sarif",
    ]);
    const e = JSON.parse(readFileSync(join(out, "evidence.json"), "utf8")) as Evidence;
    expect(evidenceValidator()(e)).toBe(true);
    expect(e.metadata).toMatchObject({
      gitCommit: "abcdef1234567",
      source: "event-log",
      operation: "preview",
      programFile: expect.any(String),
    });
    // Our real pack's metadata is used: remediation and HIPAA mapping come from the policy objects.
    expect(result(e, SG, "phi-ingress-allowlisted-ports")).toMatchObject({
      status: "failed",
      hipaa: { reference: "§164.312(a)(1)" },
      remediation: expect.stringMatching(/\S/),
    });
    expect(readFileSync(join(out, "evidence.md"), "utf8")).toContain(
      "`phi-ingress-allowlisted-ports` | claims-lb",
    );
    const sarif = JSON.parse(readFileSync(join(out, "evidence.sarif"), "utf8"));
    expect(sarifValidator()(sarif)).toBe(true);
    expect(
      sarif.runs[0].results.some(
        (x: { level: string; ruleId: string }) =>
          x.level === "error" && x.ruleId.endsWith("/phi-ingress-allowlisted-ports"),
      ),
    ).toBe(true);
  });

  it("exits 0 on a clean preview, and is deterministic apart from the timestamp", () => {
    const [a, b] = [outDir(), outDir()];
    const args = (out: string) => [
      "--event-log",
      join(FIXTURES, "multi-pack.ndjson"),
      "--out",
      out,
      "--quiet",
    ];
    const ra = runCli(args(a));
    expect(ra.stderr).toBe("");
    expect(ra.status).toBe(0);
    // Same log, one second later in its events: only the timestamp may differ.
    const shifted = fixture("multi-pack.ndjson").replace(
      /"timestamp": (\d+)/g,
      (_, t) => `"timestamp": ${Number(t) + 1}`,
    );
    const log = join(mkdtempSync(join(tmpdir(), "evidence-log-")), "shifted.ndjson");
    writeFileSync(log, shifted);
    expect(runCli(["--event-log", log, "--out", b, "--quiet"]).status).toBe(0);
    for (const f of ["evidence.json", "evidence.md", "evidence.sarif"]) {
      const strip = (s: string) => s.replace(/2026-01-01T10:00:0[01]\.000Z/g, "<ts>");
      const [x, y] = [readFileSync(join(a, f), "utf8"), readFileSync(join(b, f), "utf8")];
      expect(strip(y)).toBe(strip(x));
      if (f !== "evidence.sarif") expect(y).not.toBe(x);
    }
    const e = JSON.parse(readFileSync(join(a, "evidence.json"), "utf8")) as Evidence;
    expect(e.metadata.packs.map((p) => p.name)).toEqual([
      "aws-compliance-ready-policies",
      "phi-channels-hipaa",
    ]);
    expect(e.controls.find((c) => c.control === "a1")?.resourcesChecked).toBeGreaterThan(0);
  });

  it("exits 2 on a malformed log, naming the line, and writes nothing", () => {
    const out = outDir();
    const r = runCli(["--event-log", join(FIXTURES, "malformed-json.ndjson"), "--out", out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("event log line 4: not valid JSON");
    expect(r.stderr).toContain("Nothing was written.");
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(join(out, ".."))).toEqual([]);
  });

  it("exits 2 on usage errors and 0 on --help", () => {
    const help = runCli(["--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("--event-log <file>");
    expect(runCli([]).status).toBe(2);
    const op = runCli([
      "--event-log",
      join(FIXTURES, "update.ndjson"),
      "--operation",
      "deploy",
      "--out",
      outDir(),
    ]);
    expect(op.status).toBe(2);
    expect(op.stderr).toMatch(/--operation.*deploy/);
    const missing = runCli(["--event-log", join(FIXTURES, "nope.ndjson"), "--out", outDir()]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("nope.ndjson: no such file");
  });
});
