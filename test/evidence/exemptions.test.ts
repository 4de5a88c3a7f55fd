/**
 * Exemptions in the evidence: findings the real (wrapped) pack policies report under an exemption are
 * recognised from the pack's note, recorded per result and in the top-level list with who, why and until
 * when, shown in the Markdown report and suppressed in SARIF while in effect.
 */
import { buildEvidence } from "../../tools/evidence/build";
import { renderMarkdown } from "../../tools/evidence/markdown";
import { renderSarif } from "../../tools/evidence/sarif";
import type { Diagnostic, PolicyRun } from "../../tools/evidence/run";
import { policies } from "../../policies/src/policies";
import { setExemptionClockForTesting } from "../../policies/src/exemptions";
import type { Exemption } from "../../policies/src/exemptions-format";
import { runResource, urnOf } from "../../policies/src/testing/harness";
import { evidenceValidator, sampleRun, sarifValidator } from "./support";

const SG = "aws:ec2/securityGroup:SecurityGroup";
const SSH = { ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/16"] }] };
const ingress = policies.find((p) => p.name === "phi-ingress-allowlisted-ports")!;

const ACTIVE: Exemption = {
  resource: "legacy-sftp",
  reason: "vendor SFTP endpoint until migration to the HTTPS API",
  ticket: "SEC-123",
  expires: "2026-09-30",
  approvedBy: "jane.doe@example.com",
};
const EXPIRED: Exemption = {
  resource: "urn:pulumi:test::phi::aws:ec2/securityGroup:SecurityGroup::old-*",
  reason: "bastion kept for the data migration",
  ticket: "https://tracker.example.com/browse/OPS-7",
  expires: "2026-03-31",
  approvedBy: "Sam Lee",
};
const IMPOSSIBLE: Exemption = { ...ACTIVE, resource: "other", ticket: "SEC-9", expires: "2026-02-30" };

let run: PolicyRun;

beforeAll(async () => {
  setExemptionClockForTesting(() => new Date("2026-06-15T08:00:00Z"));
  const config = { exemptions: [ACTIVE, EXPIRED, IMPOSSIBLE] };
  const diagnostics: Diagnostic[] = [];
  for (const name of ["legacy-sftp", "old-bastion"]) {
    const v = await runResource(ingress, SG, SSH, config, name);
    for (const d of v.diagnostics)
      diagnostics.push({
        policyPackName: "phi-channels-hipaa",
        policyPackVersion: "0.1.0",
        policyName: d.policyName,
        message: d.message,
        enforcementLevel: d.enforcementLevel,
        urn: urnOf(SG, name),
      });
  }
  setExemptionClockForTesting(undefined);
  run = sampleRun({
    timestamp: "2026-06-15T08:00:00.000Z",
    policyConfig: {
      "phi-channels-hipaa": {
        "phi-ingress-allowlisted-ports": {
          enforcementLevel: "mandatory",
          allowedIngress: ["tcp/443"],
          ...config,
        },
      },
    },
    resources: [
      { urn: urnOf(SG, "legacy-sftp"), type: SG, name: "legacy-sftp" },
      { urn: urnOf(SG, "old-bastion"), type: SG, name: "old-bastion" },
    ],
    diagnostics,
    outcomes: [],
    unknownInputs: {},
  });
});

describe("exemptions in evidence.json", () => {
  it("records the exemption on each result and keeps the levels the pack reported", () => {
    const e = buildEvidence(run);
    const result = (name: string) =>
      e.resources
        .find((r) => r.name === name)!
        .results.find((r) => r.policy === "phi-ingress-allowlisted-ports")!;
    expect(result("legacy-sftp")).toMatchObject({
      status: "failed",
      enforcementLevel: "advisory",
      exemption: {
        ticket: "SEC-123",
        reason: ACTIVE.reason,
        approvedBy: "jane.doe@example.com",
        expires: "2026-09-30",
        status: "active",
      },
    });
    expect(result("old-bastion")).toMatchObject({
      status: "failed",
      enforcementLevel: "mandatory",
      exemption: { ticket: EXPIRED.ticket, expires: "2026-03-31", status: "expired" },
    });
    expect(e.verdict).toBe("fail");
    expect(e.totals.mandatoryViolations).toBe(1);
    expect(evidenceValidator()(e)).toBe(true);
  });

  it("lists every declared exemption with its status and the resources it was applied to", () => {
    const e = buildEvidence(run);
    expect(e.exemptions).toEqual([
      {
        policyPack: "phi-channels-hipaa",
        policy: "phi-ingress-allowlisted-ports",
        resource: "legacy-sftp",
        ticket: "SEC-123",
        reason: ACTIVE.reason,
        approvedBy: "jane.doe@example.com",
        expires: "2026-09-30",
        status: "active",
        // 2026-06-15 (the run) to 2026-09-30.
        daysRemaining: 107,
        expiresSoon: false,
        appliedTo: [urnOf(SG, "legacy-sftp")],
      },
      {
        policyPack: "phi-channels-hipaa",
        policy: "phi-ingress-allowlisted-ports",
        resource: "other",
        ticket: "SEC-9",
        reason: ACTIVE.reason,
        approvedBy: "jane.doe@example.com",
        expires: "2026-02-30",
        status: "invalid",
        problems: ['expires "2026-02-30" is not a calendar date; use a real day as YYYY-MM-DD'],
        appliedTo: [],
      },
      {
        policyPack: "phi-channels-hipaa",
        policy: "phi-ingress-allowlisted-ports",
        resource: EXPIRED.resource,
        ticket: EXPIRED.ticket,
        reason: EXPIRED.reason,
        approvedBy: "Sam Lee",
        expires: "2026-03-31",
        status: "expired",
        // Expired on 2026-03-31, 76 days before the run.
        daysRemaining: -76,
        expiresSoon: false,
        appliedTo: [urnOf(SG, "old-bastion")],
      },
    ]);
  });

  it("without recorded config, exemptions seen on findings are still listed", () => {
    const e = buildEvidence({ ...run, policyConfig: {} });
    expect(e.exemptions.map((x) => [x.ticket, x.status, x.resource])).toEqual([
      ["SEC-123", "active", undefined],
      [EXPIRED.ticket, "expired", undefined],
    ]);
    expect(evidenceValidator()(e)).toBe(true);
  });

  it("the schema rejects an exemption without who, why or until when", () => {
    const e = buildEvidence(run);
    const validate = evidenceValidator();
    for (const field of ["approvedBy", "reason", "expires", "ticket"]) {
      const broken = structuredClone(e);
      const r = broken.resources.find((x) => x.name === "legacy-sftp")!.results[0];
      delete (r.exemption as unknown as Record<string, unknown>)[field];
      expect(validate(broken)).toBe(false);
    }
    const noList = structuredClone(e) as unknown as Record<string, unknown>;
    delete noList.exemptions;
    expect(validate(noList)).toBe(false);
  });
});

describe("exemptions in evidence.md and SARIF", () => {
  it("the Markdown report has an Exemptions section: status, who, why, until when, where", () => {
    const md = renderMarkdown(buildEvidence(run));
    const section = md.slice(md.indexOf("## Exemptions"), md.indexOf("## Controls"));
    expect(section).toContain(
      `| active | \`phi-ingress-allowlisted-ports\` | \`legacy-sftp\` | ${ACTIVE.reason} | SEC-123 | jane.doe@example.com | 2026-09-30 | 107 | \`${urnOf(SG, "legacy-sftp")}\` |`,
    );
    expect(section).toContain(`| expired | \`phi-ingress-allowlisted-ports\` | \`${EXPIRED.resource}\``);
    expect(section).toMatch(
      /\| invalid: expires "2026-02-30" is not a calendar date[^|]*\| `phi-ingress-allowlisted-ports` \| `other` \|.*\| no finding \|/,
    );
    expect(renderMarkdown(buildEvidence(sampleRun()))).toContain(
      "## Exemptions\n\nNone declared or applied.",
    );
  });

  it("SARIF suppresses only findings under an exemption in effect, and validates against SARIF 2.1.0", () => {
    const sarif = JSON.parse(renderSarif(buildEvidence(run)));
    const results = sarif.runs[0].results as Array<Record<string, unknown>>;
    const of = (name: string) =>
      results.find((r) => (r.properties as { resourceUrn: string }).resourceUrn === urnOf(SG, name))!;
    expect(of("legacy-sftp").level).toBe("warning");
    expect(of("legacy-sftp").suppressions).toEqual([
      {
        kind: "external",
        status: "accepted",
        justification: `${ACTIVE.reason} (SEC-123, approved by jane.doe@example.com, until 2026-09-30)`,
      },
    ]);
    expect(of("old-bastion").level).toBe("error");
    expect(of("old-bastion").suppressions).toBeUndefined();
    const validate = sarifValidator();
    expect(validate(sarif)).toBe(true);
  });
});
