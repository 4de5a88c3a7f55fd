/**
 * `phi-channels evidence` on the output of `pulumi policy analyze --json` (NDJSON engine events: one
 * policyEvent per violation, policyRemediationEvent, a final summaryEvent): recognised automatically or
 * named with --policy-analyze, turned into evidence that lists what the output cannot carry and never passes
 * on the absence of violations. In process: the command reads files and needs no pack.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildEvidence } from "../tools/evidence/build";
import { engineEvents } from "../tools/evidence/event-log";
import { renderMarkdown } from "../tools/evidence/markdown";
import type { Evidence } from "../tools/evidence/model";
import { engineEventsKind, NOT_CARRIED, parsePolicyAnalyze } from "../tools/evidence/policy-analyze";
import { main as evidence } from "../tools/evidence";
import { evidenceValidator, FIXTURES, HIPAA_PACK_FIXTURE } from "./evidence/support";

const STATE = path.join(__dirname, "fixtures", "state");
const ANALYZE = path.join(STATE, "policy-analyze-public-lb.ndjson");
const LB_URN =
  "urn:pulumi:prod::phi-channels::phi:channel:PhiChannel$phi:loadbalancer:TlsLoadBalancer$aws:lb/loadBalancer:LoadBalancer::hl7-feed";
const SUMMARY_ONLY =
  '{"sequence":0,"timestamp":1778058771,"summaryEvent":{"maybeCorrupt":false,"durationSeconds":0,"resourceChanges":null,"PolicyPacks":{"phi-channels-hipaa":"0.1.0"},"isPreview":false}}\n';
const kinds = (text: string) => engineEventsKind(engineEvents(text).map((e) => e.event));

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "phi-analyze-"));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const out = jest.spyOn(process.stdout, "write").mockImplementation((s) => ((stdout += String(s)), true));
  const err = jest.spyOn(process.stderr, "write").mockImplementation((s) => ((stderr += String(s)), true));
  try {
    return { code: await evidence(args), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

const file = (name: string, text: string) => {
  const f = path.join(tmp, name);
  fs.writeFileSync(f, text);
  return f;
};

describe("recognising the input", () => {
  it("tells policy analyze output from a preview event log, and neither from both", () => {
    expect(kinds(fs.readFileSync(ANALYZE, "utf8"))).toBe("policy-analyze");
    expect(kinds(SUMMARY_ONLY)).toBe("policy-analyze");
    expect(kinds(fs.readFileSync(path.join(FIXTURES, "preview-violations.ndjson"), "utf8"))).toBe(
      "event-log",
    );
    expect(kinds('{"sequence":0,"timestamp":1,"cancelEvent":{}}\n')).toBeUndefined();
    expect(kinds('{"sequence":0,"timestamp":1,"policyEvent":{}}\n')).toBeUndefined();
  });
});

describe("parsePolicyAnalyze", () => {
  it("a violation becomes a failed result; what the output cannot carry is listed; the run cannot pass", () => {
    const r = parsePolicyAnalyze(fs.readFileSync(ANALYZE, "utf8"), { knownPacks: [HIPAA_PACK_FIXTURE] });
    expect(r).toMatchObject({
      source: "policy-analyze",
      operation: "analyze",
      project: "phi-channels",
      stack: "prod",
    });
    expect(r.timestamp).toBe("2026-05-06T09:12:51.000Z");
    expect(r.resources).toEqual([
      { urn: LB_URN, type: "aws:lb/loadBalancer:LoadBalancer", name: "hl7-feed" },
    ]);
    expect(r.diagnostics).toEqual([
      {
        policyPackName: "phi-channels-hipaa",
        policyPackVersion: "0.1.0",
        policyName: "phi-lb-internal",
        message:
          "Load balancers in front of PHI channels must be internal, and application load balancers must drop invalid HTTP header fields.\ninternal is not true, so the load balancer is internet-facing",
        enforcementLevel: "mandatory",
        severity: "high",
        urn: LB_URN,
      },
    ]);
    expect(r.outcomes).toEqual([]);
    expect(r.notCarried!.map((n) => n.field)).toEqual([
      "resources[].results (passed and not-applicable)",
      "totals.resources, totals.resourcesChecked, controls[].resourcesChecked",
      "notAnalysed",
      "metadata.policyConfig",
      "metadata.programFile",
    ]);
    const e = buildEvidence(r);
    expect(e.verdict).toBe("fail");
    expect(e.metadata.notCarried).toEqual(NOT_CARRIED);
  });

  it("no violation: incomplete, never a pass; project and stack must then be given", () => {
    expect(() => parsePolicyAnalyze(SUMMARY_ONLY)).toThrow(
      "no event names a resource (no violation), so the project and stack are unknown; pass --project <name> and --stack <name>",
    );
    const e = buildEvidence(parsePolicyAnalyze(SUMMARY_ONLY, { project: "phi-channels", stack: "prod" }));
    expect(e.verdict).toBe("incomplete");
    expect(e.verdictReasons).toEqual([
      "pulumi policy analyze --json records violations only, not which resources passed, so its absence of violations " +
        'is not a pass (see "Not carried by this input"); `phi-channels review` on a `pulumi stack export` records every result',
    ]);
    expect(renderMarkdown(e)).toContain("## Not carried by this input");
  });

  it("a run reported failed without a mandatory violation stopped on an error", () => {
    const failed = SUMMARY_ONLY.replace('"isPreview":false', '"isPreview":false,"result":"failed"');
    const e = buildEvidence(parsePolicyAnalyze(failed, { project: "phi-channels", stack: "prod" }));
    expect(e.verdict).toBe("incomplete");
    expect(e.verdictReasons[0]).toContain("reported its run as failed without a mandatory violation");
  });

  it("a remediation is a finding at level remediate, naming the properties but never their values", () => {
    const remediation = JSON.stringify({
      sequence: 0,
      timestamp: 1778058771,
      policyRemediationEvent: {
        resourceUrn: LB_URN,
        color: "never",
        policyName: "phi-lb-internal",
        policyPackName: "phi-channels-hipaa",
        policyPackVersion: "0.1.0",
        policyPackVersionTag: "",
        before: { internal: false, name: "hl7-SENTINEL-before" },
        after: { internal: true, name: "hl7-SENTINEL-before" },
      },
    });
    const r = parsePolicyAnalyze(`${remediation}\n${SUMMARY_ONLY.replace('"sequence":0', '"sequence":1')}`);
    expect(r.diagnostics).toEqual([
      {
        policyPackName: "phi-channels-hipaa",
        policyPackVersion: "0.1.0",
        policyName: "phi-lb-internal",
        message:
          "the policy would remediate this resource (pulumi policy analyze does not change the state); properties it would change: internal",
        enforcementLevel: "remediate",
        urn: LB_URN,
      },
    ]);
  });

  it("refuses output cut short (no summaryEvent) and an empty file", () => {
    const cut = fs.readFileSync(ANALYZE, "utf8").split("\n")[0];
    expect(() => parsePolicyAnalyze(cut)).toThrow(
      "no summaryEvent, so `pulumi policy analyze` was cut short",
    );
    expect(() => parsePolicyAnalyze("")).toThrow("the file holds no events.");
  });
});

describe("phi-channels evidence with policy analyze output", () => {
  it("--event-log recognises it and writes a failing bundle with source policy-analyze (exit 1)", async () => {
    const out = path.join(tmp, "auto");
    const r = await run([
      "--event-log",
      ANALYZE,
      "--out",
      out,
      "--policy-config",
      "policies/config/prod.json",
    ]);
    expect(r.stderr).toContain("the output of `pulumi policy analyze --json`");
    expect(r.code).toBe(1);
    const e = JSON.parse(fs.readFileSync(path.join(out, "evidence.json"), "utf8")) as Evidence;
    expect(evidenceValidator()(e)).toBe(true);
    expect(e.metadata).toMatchObject({ source: "policy-analyze", operation: "analyze", stack: "prod" });
    expect(e.totals).toMatchObject({ resources: 1, mandatoryViolations: 1 });
    expect(e.resources[0].results.find((x) => x.policy === "phi-lb-internal")).toMatchObject({
      status: "failed",
      hipaa: { reference: "§164.312(a)(1)" },
    });
    expect(r.stdout).toContain("phi-channels/prod analyze (policy-analyze): FAIL: 1 mandatory violation(s)");
  });

  it("--policy-analyze with --stack/--project for a clean run: exit 4, incomplete", async () => {
    const out = path.join(tmp, "clean");
    const r = await run([
      "--policy-analyze",
      file("clean.ndjson", SUMMARY_ONLY),
      "--project",
      "phi-channels",
      "--stack",
      "prod",
      "--out",
      out,
    ]);
    expect(r.code).toBe(4);
    const e = JSON.parse(fs.readFileSync(path.join(out, "evidence.json"), "utf8")) as Evidence;
    expect(e.verdict).toBe("incomplete");
    expect(e.resources).toEqual([]);
  });

  it("refuses, exit 2 and nothing written: the wrong kind, neither kind, a stack export, both inputs or none", async () => {
    const cases: Array<[string[], string]> = [
      [
        ["--policy-analyze", path.join(FIXTURES, "preview-clean.ndjson")],
        "this is the event log of a preview or update (it has prelude or resource events), not `pulumi policy analyze --json` output; pass it with --event-log",
      ],
      [
        ["--policy-analyze", file("cancel.ndjson", '{"sequence":0,"timestamp":1,"cancelEvent":{}}\n')],
        "not the output of `pulumi policy analyze --json`, which holds policy events and ends with a summaryEvent",
      ],
      [
        ["--event-log", path.join(STATE, "prod.json")],
        "a stack export (`pulumi stack export`); review it with `phi-channels review --state",
      ],
      [
        ["--event-log", ANALYZE, "--policy-analyze", ANALYZE],
        "--event-log and --policy-analyze were both given",
      ],
      [[], "no input: pass --event-log <file>"],
      [
        [
          "--policy-analyze",
          file("other.ndjson", SUMMARY_ONLY.replace("phi-channels-hipaa", "other-pack")),
          "--project",
          "phi-channels",
          "--stack",
          "prod",
        ],
        "holds no results from phi-channels-hipaa (its summaryEvent lists the packs other-pack)",
      ],
      [
        ["--policy-analyze", file("nameless.ndjson", SUMMARY_ONLY)],
        "evidence: error: pulumi policy analyze output: no event names a resource (no violation), so the project and stack are unknown",
      ],
      [
        ["--event-log", ANALYZE, "--operation", "preview"],
        "`pulumi policy analyze` output has no preview or update; omit it",
      ],
      [
        ["--event-log", path.join(FIXTURES, "preview-clean.ndjson"), "--stack", "prod"],
        "--project and --stack are for `pulumi policy analyze` output",
      ],
    ];
    for (const [args, message] of cases) {
      const out = path.join(tmp, "refused");
      const r = await run([...args, "--out", out]);
      expect([args, r.code]).toEqual([args, 2]);
      expect(r.stderr).toContain(message);
      expect(r.stderr).toContain("Nothing was written.");
      expect(fs.existsSync(out)).toBe(false);
    }
  });
});
