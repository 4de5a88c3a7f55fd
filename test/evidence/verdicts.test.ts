/**
 * Verdicts that cannot pass on nothing (issue 10 §2): not-applicable and incomplete are verdicts of their
 * own, with their own exit codes, and the evidence CLI refuses event logs that prove nothing.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildEvidence } from "../../tools/evidence/build";
import { renderMarkdown } from "../../tools/evidence/markdown";
import type { Evidence } from "../../tools/evidence/model";
import { renderSarif } from "../../tools/evidence/sarif";
import { evidenceValidator, FIXTURES, runCli, sampleRun, SG, VPC } from "./support";

type Event = Record<string, unknown> & { sequence: number; timestamp: number };
const events = (name: string): Event[] =>
  readFileSync(join(FIXTURES, name), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Event);
const kindOf = (e: Event) => Object.keys(e).find((k) => k !== "sequence" && k !== "timestamp")!;
const BUCKET_URN =
  "urn:pulumi:dev::phi-channels::phi-channels:index:PhiChannel$aws:s3/bucketV2:BucketV2::claims-logs";

function writeLog(list: Event[]): string {
  const file = join(mkdtempSync(join(tmpdir(), "verdict-log-")), "events.ndjson");
  writeFileSync(file, list.map((e) => JSON.stringify(e)).join("\n") + "\n");
  return file;
}
const outDir = () => join(mkdtempSync(join(tmpdir(), "verdict-out-")), "out");

describe("buildEvidence verdicts", () => {
  it("not-applicable when the pack ran and every outcome is not applicable; never a pass or a ✅", () => {
    const run = sampleRun({
      diagnostics: [],
      outcomes: [
        {
          policyPackName: "phi-channels-hipaa",
          urn: SG,
          passed: [],
          failed: [],
          notApplicable: [
            { policyName: "phi-ingress-allowlisted-ports", reason: "not a security group rule" },
          ],
        },
        {
          policyPackName: "phi-channels-hipaa",
          urn: VPC,
          passed: [],
          failed: [],
          notApplicable: [{ policyName: "phi-ingress-allowlisted-ports", reason: "not a security group" }],
        },
      ],
      unknownInputs: {},
    });
    const e = buildEvidence(run);
    expect(e.verdict).toBe("not-applicable");
    expect(e.verdictReasons).toEqual([
      "no resource is governed by any policy: every result is not applicable",
    ]);
    expect(e.totals).toMatchObject({
      passed: 0,
      notApplicable: 2,
      resourcesChecked: 0,
      mandatoryViolations: 0,
    });
    expect(evidenceValidator()(e)).toBe(true);
    const md = renderMarkdown(e);
    expect(md).toContain("**Verdict: NOT APPLICABLE**: 0 mandatory violation(s)");
    expect(md).not.toContain("✅");
    expect(md).not.toMatch(/Verdict: PASS/);
    const sarif = JSON.parse(renderSarif(e));
    expect(sarif.runs[0].properties.verdict).toBe("not-applicable");
  });

  it("incomplete when something was not analysed; each is listed with its reason in JSON, Markdown and SARIF", () => {
    const ALB = "urn:pulumi:dev::phi-channels::awsx:lb:ApplicationLoadBalancer::web";
    const reason = "remote (multi-language) component: creates no children under mocks, not analysed offline";
    const run = sampleRun({
      diagnostics: [],
      notAnalysed: [{ urn: ALB, type: "awsx:lb:ApplicationLoadBalancer", name: "web", reason }],
    });
    for (const o of run.outcomes) o.failed = [];
    const e = buildEvidence(run);
    expect(e.verdict).toBe("incomplete");
    expect(e.notAnalysed).toEqual([
      { urn: ALB, type: "awsx:lb:ApplicationLoadBalancer", name: "web", reason },
    ]);
    expect(e.totals.resourcesNotAnalysed).toBe(1);
    expect(evidenceValidator()(e)).toBe(true);
    const md = renderMarkdown(e);
    expect(md).toContain("⚠️ **Verdict: INCOMPLETE**");
    expect(md).not.toContain("✅");
    expect(md).toContain(`| web (awsx:lb:ApplicationLoadBalancer) | \`${ALB}\` | ${reason} |`);
    const sarif = JSON.parse(renderSarif(e));
    expect(sarif.runs[0].properties.verdict).toBe("incomplete");
    expect(sarif.runs[0].results).toContainEqual(
      expect.objectContaining({
        ruleId: "phi-channels-evidence/not-analysed",
        level: "warning",
        message: { text: `Not analysed offline: web (awsx:lb:ApplicationLoadBalancer): ${reason}` },
      }),
    );
  });

  it("fail wins over incomplete, and the not-analysed list is still shown", () => {
    const ALB = "urn:pulumi:dev::phi-channels::awsx:lb:ApplicationLoadBalancer::web";
    const e = buildEvidence(
      sampleRun({
        notAnalysed: [{ urn: ALB, type: "awsx:lb:ApplicationLoadBalancer", name: "web", reason: "remote" }],
      }),
    );
    expect(e.verdict).toBe("fail");
    expect(e.verdictReasons).toEqual([
      "1 mandatory violation(s)",
      '1 resource(s) that should have been analysed were not (see "Not analysed")',
    ]);
    expect(renderMarkdown(e)).toContain("## Not analysed");
  });

  it("incomplete when the packs reported nothing at all", () => {
    const e = buildEvidence(sampleRun({ diagnostics: [], outcomes: [] }));
    expect(e.verdict).toBe("incomplete");
    expect(e.verdictReasons).toEqual(["the policy packs reported no result at all"]);
  });
});

describe("npm run evidence: verdict exit codes and refusals", () => {
  const clean = events("preview-clean.ndjson");

  it("exits 5 with NOT APPLICABLE when the pack answered but no policy applies", () => {
    const list = clean.map((e) =>
      kindOf(e) === "policyAnalyzeSummaryEvent"
        ? { ...e, policyAnalyzeSummaryEvent: { ...(e.policyAnalyzeSummaryEvent as object), passed: [] } }
        : e,
    );
    const out = outDir();
    const r = runCli(["--event-log", writeLog(list), "--out", out]);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.status).toBe(5);
    expect(r.stdout).toContain(
      "phi-channels/dev preview (event-log): NOT APPLICABLE: 0 mandatory violation(s)",
    );
    const e = JSON.parse(readFileSync(join(out, "evidence.json"), "utf8")) as Evidence;
    expect(e.verdict).toBe("not-applicable");
  });

  it("exits 4 with INCOMPLETE when a custom resource has no summary from the pack", () => {
    // The bucket is a custom resource (the engine writes custom: true) with no policyAnalyzeSummaryEvent.
    const list = clean.map((e) => {
      const pre = e.resourcePreEvent as
        { metadata: { urn: string; new: Record<string, unknown> } } | undefined;
      if (!pre || pre.metadata.urn !== BUCKET_URN) return e;
      return {
        ...e,
        resourcePreEvent: {
          ...pre,
          metadata: { ...pre.metadata, new: { ...pre.metadata.new, custom: true } },
        },
      };
    });
    const out = outDir();
    const r = runCli(["--event-log", writeLog(list), "--out", out]);
    expect(r.status).toBe(4);
    expect(r.stdout).toContain("INCOMPLETE: 0 mandatory violation(s)");
    expect(r.stdout).toContain(
      'NOT ANALYSED aws:s3/bucketV2:BucketV2 "claims-logs": phi-channels-hipaa never answered for it',
    );
    const e = JSON.parse(readFileSync(join(out, "evidence.json"), "utf8")) as Evidence;
    expect(e.verdict).toBe("incomplete");
    expect(e.notAnalysed.map((n) => n.urn)).toEqual([BUCKET_URN]);
  });

  it("does not ask for answers about components and provider resources", () => {
    const PROVIDER = "urn:pulumi:dev::phi-channels::pulumi:providers:aws::default_7_48_0";
    const provider: Event = {
      sequence: 100,
      timestamp: 1767261600,
      resourcePreEvent: {
        metadata: {
          op: "same",
          urn: PROVIDER,
          type: "pulumi:providers:aws",
          new: { urn: PROVIDER, custom: true },
        },
      },
    };
    const list = [clean[0], provider, ...clean.slice(1)];
    const r = runCli(["--event-log", writeLog(list), "--out", outDir(), "--quiet"]);
    expect(r.status).toBe(0);
  });

  it("refuses a log with no results from phi-channels-hipaa (preview without --policy-pack): exit 2, nothing written", () => {
    const policyKinds = ["policyEvent", "policyAnalyzeSummaryEvent", "policyAnalyzeStackSummaryEvent"];
    const list = clean
      .filter((e) => !policyKinds.includes(kindOf(e)))
      .map((e) => (kindOf(e) === "summaryEvent" ? { ...e, summaryEvent: { maybeCorrupt: false } } : e));
    const out = outDir();
    const r = runCli(["--event-log", writeLog(list), "--out", out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("holds no results from phi-channels-hipaa");
    expect(r.stderr).toContain("Was the preview run with --policy-pack?");
    expect(r.stderr).toContain("Nothing was written.");
    expect(existsSync(out)).toBe(false);
    expect(r.stdout).toBe("");
  });

  it("refuses a log cut short (no summaryEvent), even though it ends with a cancelEvent", () => {
    const list = clean.filter((e) => kindOf(e) !== "summaryEvent");
    expect(kindOf(list[list.length - 1])).toBe("cancelEvent");
    const out = outDir();
    const r = runCli(["--event-log", writeLog(list), "--out", out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("no summaryEvent, so the preview or update was cut short or interrupted");
    expect(existsSync(out)).toBe(false);
  });

  it("refuses a log that holds only a prelude and a cancelEvent", () => {
    const list = clean.filter((e) => ["preludeEvent", "cancelEvent"].includes(kindOf(e)));
    const r = runCli(["--event-log", writeLog(list), "--out", outDir()]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("no summaryEvent");
  });

  it("validates --policy-config exactly as check does, and records the effective config", () => {
    const dir = mkdtempSync(join(tmpdir(), "verdict-config-"));
    const bad = join(dir, "bad.json");
    writeFileSync(
      bad,
      JSON.stringify({
        "phi-tls-strong-policy": { minimumTlsVersion: "1.1" },
        "phi-no-such-policy": "mandatory",
      }),
    );
    const out = outDir();
    const r = runCli([
      "--event-log",
      join(FIXTURES, "preview-clean.ndjson"),
      "--policy-config",
      bad,
      "--out",
      out,
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /bad\.json: \$\.phi-tls-strong-policy\.minimumTlsVersion = "1\.1" .*Fix: use one of "1\.2", "1\.3"/,
    );
    expect(r.stderr).toContain(
      "$.phi-no-such-policy is not a policy of this pack. Fix: remove it or use one of",
    );
    expect(existsSync(out)).toBe(false);

    const good = join(dir, "good.json");
    writeFileSync(good, JSON.stringify({ "phi-lb-internal": "advisory" }));
    const ok = runCli([
      "--event-log",
      join(FIXTURES, "preview-clean.ndjson"),
      "--policy-config",
      good,
      "--out",
      out,
    ]);
    expect(ok.status).toBe(0);
    const e = JSON.parse(readFileSync(join(out, "evidence.json"), "utf8")) as Evidence;
    const cfg = e.metadata.policyConfig["phi-channels-hipaa"] as Record<string, Record<string, unknown>>;
    expect(cfg["phi-lb-internal"].enforcementLevel).toBe("advisory");
    // Schema defaults applied, as check records them.
    expect(cfg["phi-audit-log-bucket-immutable"]).toMatchObject({
      minimumRetentionDays: 2190,
      maxExemptionDays: 365,
    });
    // The TLS profile the pack judged with is recorded, and shown in the Markdown run table.
    expect(cfg["phi-tls-strong-policy"]).toMatchObject({ minimumTlsVersion: "1.2", tlsProfile: "strict" });
    expect(readFileSync(join(out, "evidence.md"), "utf8")).toContain(
      "| TLS profile | strict (phi-tls-strong-policy tlsProfile) |",
    );
  });

  it("says a directory is a directory, and never echoes a binary log back", () => {
    const dir = mkdtempSync(join(tmpdir(), "verdict-dir-"));
    const r = runCli(["--event-log", dir, "--out", outDir()]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("is a directory, not a file");
    expect(r.stderr).not.toContain("no such file");

    const bin = join(dir, "events.ndjson");
    writeFileSync(bin, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x53, 0x45, 0x43, 0x52, 0x45, 0x54, 0x00, 0xff]));
    const b = runCli(["--event-log", bin, "--out", outDir()]);
    expect(b.status).toBe(2);
    expect(b.stderr).toContain("event log line 1: not valid JSON (the file looks binary)");
    // The temporary directory's random name may hold any letters: judge the message without it.
    const withoutPaths = (text: string) => text.split(dir).join("<dir>");
    expect(withoutPaths(b.stderr)).not.toContain("SECRET");
    expect(withoutPaths(b.stderr)).not.toContain("PK");

    // The same for a policy config: named as a directory, binary content not echoed.
    const asDir = runCli([
      "--event-log",
      join(FIXTURES, "preview-clean.ndjson"),
      "--policy-config",
      dir,
      "--out",
      outDir(),
    ]);
    expect(asDir.status).toBe(2);
    expect(asDir.stderr).toContain(`${dir}: is a directory, not a file`);
    const binConfig = runCli([
      "--event-log",
      join(FIXTURES, "preview-clean.ndjson"),
      "--policy-config",
      bin,
      "--out",
      outDir(),
    ]);
    expect(binConfig.status).toBe(2);
    expect(binConfig.stderr).toContain("not valid JSON (the file looks binary)");
    expect(withoutPaths(binConfig.stderr)).not.toContain("SECRET");
  });
});

describe("check the not-applicable rule on an empty directory bundle", () => {
  it("an empty --out directory receives the bundle", () => {
    const out = outDir();
    mkdirSync(out);
    const r = runCli(["--event-log", join(FIXTURES, "preview-clean.ndjson"), "--out", out, "--quiet"]);
    expect(r.status).toBe(0);
    expect(readdirSync(out).sort()).toContain("evidence.intoto.json");
  });
});
