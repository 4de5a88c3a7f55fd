/**
 * `evidence.md`: the auditor's report, also posted as the pull-request comment. Order: verdict and
 * violations first, then one table per HIPAA control, then other packs, then the full pass list.
 */
import { compareStrings } from "./canonical";
import {
  DRIFT_STATUS_LABELS,
  type Evidence,
  EXPIRING_SOON_DAYS,
  HIPAA_PACK,
  notAnalysedLabel,
  type PolicyResult,
  type ResourceEvidence,
  VERDICT_LABELS,
} from "./model";
import { headlineCounts } from "./summary";

/** First line of every report; the PR workflow finds its own comment by it. */
export const MARKDOWN_MARKER = "<!-- phi-channels-evidence -->";

/** A table cell: pipes escaped, newlines as <br>, backticks kept, never empty. */
export function cell(text: string | number | undefined): string {
  const s = String(text ?? "").trim();
  if (s === "") return "—";
  return s.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");
}

const code = (s: string) => (s.includes("`") ? s : `\`${s}\``);

function table(header: string[], rows: Array<Array<string | number | undefined>>): string[] {
  return [
    `| ${header.join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
  ];
}

interface Row {
  resource: ResourceEvidence;
  result: PolicyResult;
}

function rows(evidence: Evidence, keep: (r: PolicyResult) => boolean): Row[] {
  return evidence.resources.flatMap((resource) =>
    resource.results.filter(keep).map((result) => ({ resource, result })),
  );
}

const resourceLabel = (r: ResourceEvidence) => `${r.name} (${r.type})`;
const statusLabel = (r: PolicyResult) =>
  r.status === "failed" ? `FAILED (${r.enforcementLevel ?? "mandatory"})` : r.status;
const detail = (r: PolicyResult) =>
  r.status === "not-applicable"
    ? r.reason
    : r.status === "passed"
      ? (r.detail ?? "")
      : [r.message, r.detail].filter(Boolean).join("\n");

function daysRemainingCell(e: Evidence["exemptions"][number]): string {
  if (e.daysRemaining === undefined) return "—";
  if (e.daysRemaining < 0) return `expired ${-e.daysRemaining} day(s) ago`;
  return `${e.daysRemaining}${e.expiresSoon ? ` ⚠️ expires within ${EXPIRING_SOON_DAYS} days` : ""}`;
}

/**
 * State reviews: policies whose findings on the actual state (outputs) differ from those on the declared
 * state (inputs), with the fields that make the difference.
 */
function driftSection(evidence: Evidence): string[] {
  const drifted = evidence.resources.flatMap((r) => (r.drift ?? []).map((d) => ({ resource: r, d })));
  const out = ["## Drift", ""];
  if (drifted.length === 0) {
    out.push(
      "None: on every resource, each policy finds the same in the declared state (inputs) as in the actual state " +
        "(outputs, as the last refresh or update wrote them).",
      "",
    );
    return out;
  }
  out.push(
    "A policy finds differently in the declared state (the inputs the program gave) than in the actual state " +
      "(the outputs the last refresh or update wrote): the resource was changed outside Pulumi, on these fields. " +
      "The verdict judges the actual state.",
    "",
    ...table(
      ["Resource", "Field", "Policy", "HIPAA", "Declared state", "Actual state"],
      drifted.map(({ resource, d }) => [
        resourceLabel(resource),
        d.fields.map(code).join(", "),
        code(d.policy),
        d.hipaa?.reference ?? `not mapped (${d.policyPack})`,
        DRIFT_STATUS_LABELS[d.declared],
        DRIFT_STATUS_LABELS[d.actual],
      ]),
    ),
    "",
  );
  return out;
}

export function renderMarkdown(evidence: Evidence): string {
  const m = evidence.metadata;
  const out: string[] = [MARKDOWN_MARKER];
  out.push(`# HIPAA policy evidence: ${m.project} / ${m.stack}`, "");
  // Only a pass gets a check mark; not-applicable and incomplete are verdicts of their own, never a pass.
  const mark: Record<Evidence["verdict"], string> = {
    pass: "✅ ",
    fail: "❌ ",
    "not-applicable": "",
    incomplete: "⚠️ ",
  };
  out.push(
    `${mark[evidence.verdict]}**Verdict: ${VERDICT_LABELS[evidence.verdict]}**: ${headlineCounts(evidence)}.`,
    "",
  );
  out.push(`Why: ${evidence.verdictReasons.join("; ")}.`, "");
  out.push(
    `${m.operation} of \`${m.project}/${m.stack}\` (source: ${m.source}) at ${m.timestamp}` +
      `${m.gitCommit ? `, commit \`${m.gitCommit}\`` : m.gitCommitMissing ? `, commit: ${m.gitCommitMissing}` : ""}; packs: ` +
      (m.packs.length > 0 ? m.packs.map((p) => `${p.name}@${p.version}`).join(", ") : "none") +
      ".",
    "",
  );

  // Violations first: mandatory before advisory, then by resource and policy (already sorted).
  const violations = rows(evidence, (r) => r.status === "failed").sort(
    (a, b) =>
      Number(b.result.enforcementLevel === "mandatory") - Number(a.result.enforcementLevel === "mandatory") ||
      compareStrings(a.result.enforcementLevel ?? "", b.result.enforcementLevel ?? "") ||
      compareStrings(a.resource.urn, b.resource.urn) ||
      compareStrings(a.result.policyPack, b.result.policyPack) ||
      compareStrings(a.result.policy, b.result.policy),
  );
  out.push("## Violations", "");
  if (violations.length === 0) out.push("None.", "");
  else {
    out.push(
      ...table(
        ["Level", "HIPAA", "Policy", "Resource", "Message", "Remediation"],
        violations.map(({ resource, result }) => [
          result.enforcementLevel,
          result.hipaa?.reference ?? `not mapped (${result.policyPack})`,
          code(result.policy),
          resourceLabel(resource),
          result.message,
          result.remediation,
        ]),
      ),
      "",
    );
  }
  if (evidence.notAnalysed.length > 0) {
    out.push(
      "## Not analysed",
      "",
      `These resources should have been analysed and were not (${notAnalysedLabel(m.source)}), so the verdict cannot be a pass.`,
      "",
      ...table(
        ["Resource", "URN", "Why"],
        evidence.notAnalysed.map((n) => [`${n.name} (${n.type})`, code(n.urn), n.reason]),
      ),
      "",
    );
  }
  if (m.source === "state") out.push(...driftSection(evidence));
  if (m.notCarried && m.notCarried.length > 0) {
    out.push(
      "## Not carried by this input",
      "",
      "The input has no place for these fields, so their absence here is not a finding.",
      "",
      ...table(
        ["Field", "Why"],
        m.notCarried.map((n) => [n.field, n.why]),
      ),
      "",
    );
  }
  const undecided = rows(evidence, (r) => r.status === "undecided-at-preview");
  if (undecided.length > 0) {
    if (m.operation === "analyze") {
      out.push(
        "## Not decidable",
        "",
        "A value the policy needs is encrypted in the export or unknown in the state; no later run re-checks it.",
        "",
      );
    } else out.push("## Not decidable at preview", "", "Re-checked by the pack at `pulumi up`.", "");
    out.push(
      ...table(
        ["HIPAA", "Policy", "Resource", "Why"],
        undecided.map(({ resource, result }) => [
          result.hipaa?.reference ?? `not mapped (${result.policyPack})`,
          code(result.policy),
          resourceLabel(resource),
          result.message,
        ]),
      ),
      "",
    );
  }

  out.push("## Exemptions", "");
  if (evidence.exemptions.length === 0) out.push("None declared or applied.", "");
  else {
    out.push(
      "Accepted violations of this pack, from the policy config: reported as advisory until they expire, " +
        "at the policy's level afterwards; invalid ones exempt nothing.",
      "",
      ...table(
        [
          "Status",
          "Policy",
          "Resource",
          "Reason",
          "Ticket",
          "Approved by",
          "Until (UTC)",
          "Days remaining",
          "Applied to",
        ],
        evidence.exemptions.map((e) => [
          e.status === "invalid" ? `invalid: ${(e.problems ?? []).join("; ")}` : e.status,
          code(e.policy),
          e.resource !== undefined ? code(e.resource) : "not recorded",
          e.reason,
          e.ticket,
          e.approvedBy,
          e.expires,
          daysRemainingCell(e),
          e.appliedTo.length > 0 ? e.appliedTo.map(code).join("\n") : "no finding",
        ]),
      ),
      "",
    );
  }

  out.push("## Controls (45 CFR §164.312)", "");
  out.push(
    ...table(
      [
        "Control",
        "Specification",
        "Resources checked",
        "Passed",
        "Failed (mandatory)",
        "Failed (advisory)",
        "Not decidable at preview",
        "Not applicable",
      ],
      evidence.controls.map((c) => [
        c.reference,
        c.specification,
        c.resourcesChecked,
        c.passed,
        c.failedMandatory,
        c.failedAdvisory,
        c.undecidedAtPreview,
        c.notApplicable,
      ]),
    ),
    "",
  );
  for (const c of evidence.controls) {
    out.push(`### ${c.reference} ${c.specification}`, "");
    out.push(`Policies: ${c.policies.length > 0 ? c.policies.map(code).join(", ") : "none"}.`, "");
    // Not-applicable results (resource types a policy does not cover) are counted in the summary and
    // listed in evidence.json; as rows they would bury the results an auditor reads.
    const inControl = (r: PolicyResult) => r.hipaa?.control === c.control;
    const mine = rows(evidence, (r) => inControl(r) && r.status !== "not-applicable");
    const notApplicable = rows(evidence, (r) => inControl(r) && r.status === "not-applicable").length;
    if (notApplicable > 0) {
      out.push(
        `${notApplicable} not-applicable result(s) omitted here; they are listed in evidence.json.`,
        "",
      );
    }
    if (mine.length === 0) {
      out.push("No results.", "");
      continue;
    }
    out.push(
      ...table(
        ["Resource", "Policy", "Reference", "Status", "Detail"],
        mine.map(({ resource, result }) => [
          resourceLabel(resource),
          code(result.policy),
          result.hipaa?.reference,
          statusLabel(result),
          detail(result),
        ]),
      ),
      "",
    );
  }

  const others = rows(evidence, (r) => r.policyPack !== HIPAA_PACK);
  if (others.length > 0) {
    out.push("## Other policy packs (not mapped to HIPAA)", "");
    out.push(
      ...table(
        ["Pack", "Policy", "Resource", "Status", "Detail"],
        others.map(({ resource, result }) => [
          result.policyPack,
          code(result.policy),
          resourceLabel(resource),
          statusLabel(result),
          detail(result),
        ]),
      ),
      "",
    );
  }

  const passes = rows(evidence, (r) => r.status === "passed");
  out.push("## Passed", "");
  if (passes.length === 0) out.push("No passing results.", "");
  else {
    out.push(
      ...table(
        ["Resource", "URN", "Pack", "Policy", "HIPAA"],
        passes.map(({ resource, result }) => [
          resourceLabel(resource),
          code(resource.urn),
          result.policyPack,
          code(result.policy),
          result.hipaa?.reference ?? "not mapped",
        ]),
      ),
      "",
    );
  }

  const encrypted = evidence.resources.filter((r) => r.encryptedValues && r.encryptedValues.length > 0);
  if (encrypted.length > 0) {
    out.push(
      "## Values encrypted in the export",
      "",
      "Secret values the stack export holds as ciphertext: they were sent to the pack as secrets of an unknown " +
        "value, so a policy that reads one cannot decide (its result is listed as not decidable). The values are " +
        "not in this report.",
      "",
      ...table(
        ["Resource", "Properties"],
        encrypted.map((r) => [resourceLabel(r), r.encryptedValues!.join(", ")]),
      ),
      "",
    );
  }

  const unknown = evidence.resources.filter((r) => r.unknownInputs && r.unknownInputs.length > 0);
  if (unknown.length > 0) {
    out.push(
      "## Inputs not known at preview",
      "",
      "Computed by the provider at `pulumi up`. A result that depended on one of them is listed under " +
        '"Not decidable at preview"; the other results did not need them.',
      "",
    );
    out.push(
      ...table(
        ["Resource", "Properties"],
        unknown.map((r) => [resourceLabel(r), r.unknownInputs!.join(", ")]),
      ),
      "",
    );
  }

  out.push("## Run", "");
  out.push(
    ...table(
      ["Field", "Value"],
      [
        ["Project", m.project],
        ["Stack", m.stack],
        ["Operation", m.operation],
        ["Source", m.source],
        ["Git commit", m.gitCommit ?? m.gitCommitMissing ?? "not recorded"],
        ...(m.stateExport
          ? [
              [
                "Stack export",
                `deployment version ${m.stateExport.deploymentVersion}` +
                  (m.stateExport.features.length > 0
                    ? ` (features: ${m.stateExport.features.join(", ")})`
                    : "") +
                  `, written ${m.stateExport.writtenAt ?? "at an unrecorded time"}` +
                  (m.stateExport.writtenBy ? ` by ${m.stateExport.writtenBy}` : "") +
                  `; secrets ${m.stateExport.secrets}` +
                  (m.stateExport.secretsProvider
                    ? ` (${m.stateExport.secretsProvider} secrets provider)`
                    : "") +
                  `; ${m.stateExport.resourcesPendingDeletion} resource(s) pending deletion, not analysed`,
              ],
            ]
          : []),
        ["Timestamp (UTC)", m.timestamp],
        ["Policy packs", m.packs.map((p) => `${p.name}@${p.version}`).join(", ") || "none"],
        ["Policy config SHA-256", m.policyConfigSha256],
        ["TLS profile", tlsProfileOf(m.policyConfig)],
        [
          "Tool versions",
          Object.entries(m.toolVersions)
            .map(([k, v]) => `${k} ${v}`)
            .join(", "),
        ],
      ],
    ),
    "",
  );
  out.push(
    "Verify this bundle: `sha256sum -c SHA256SUMS` in its directory checks every file; " +
      "`gh attestation verify evidence.json --repo <owner>/<repo>` checks the signature CI made over " +
      '`evidence.intoto.json` (README, "Verifying a bundle").',
    "",
  );
  return out.join("\n");
}

/** The TLS profile phi-tls-strong-policy judged with, from the recorded config (defaults applied when recorded). */
function tlsProfileOf(policyConfig: Record<string, Record<string, unknown>>): string {
  const entry = policyConfig[HIPAA_PACK]?.["phi-tls-strong-policy"];
  const profile =
    entry && typeof entry === "object" ? (entry as Record<string, unknown>).tlsProfile : undefined;
  return typeof profile === "string"
    ? `${profile} (phi-tls-strong-policy tlsProfile)`
    : "not recorded (the pack's default is strict)";
}
