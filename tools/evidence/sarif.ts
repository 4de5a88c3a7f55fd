/**
 * `evidence.sarif`: SARIF 2.1.0 for GitHub code scanning.
 *
 * - One rule per (pack, policy); id `<pack>/<policy>`. Help = description + remediation; our pack's rules
 *   carry the HIPAA reference in `properties` and `properties.tags`.
 * - Levels: mandatory → error, advisory → warning, remediate → note (the engine fixed the resource);
 *   not decidable at preview → note, so the open question stays visible in the PR. Passed and
 *   not-applicable results are omitted: code scanning closes an alert when its result disappears.
 * - Location: the stack program file (evidence.metadata.programFile, "Pulumi.yaml" when unknown); the
 *   resource URN is the logical location.
 * - `partialFingerprints` hash pack + policy + URN, so the same finding keeps its alert across runs.
 * - A finding under an exemption in effect carries an external, accepted suppression with who, why and
 *   until when; once expired it is an ordinary (unsuppressed) result again.
 */
import { compareStrings, sha256Hex } from "./canonical";
import {
  DRIFT_STATUS_LABELS,
  type Evidence,
  notAnalysedLabel,
  type PolicyEvidence,
  type PolicyResult,
  type ResultExemption,
} from "./model";

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
import type { EnforcementLevel } from "./run";

export const SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json";
export const SARIF_TOOL_NAME = "phi-channels-evidence";

type SarifLevel = "error" | "warning" | "note" | "none";

export function sarifLevel(result: Pick<PolicyResult, "status" | "enforcementLevel">): SarifLevel {
  if (result.status === "undecided-at-preview") return "note";
  if (result.status !== "failed") return "none";
  return levelOf(result.enforcementLevel ?? "mandatory");
}

function levelOf(level: EnforcementLevel): SarifLevel {
  return level === "mandatory" ? "error" : level === "advisory" ? "warning" : "note";
}

/** GitHub's `security-severity` (0–10) from a policy's severity. */
const SECURITY_SEVERITY: Record<string, string> = { low: "3.0", medium: "5.5", high: "8.0", critical: "9.5" };

/** Who, why and until when, for a SARIF suppression. */
export function exemptionJustification(e: ResultExemption): string {
  return `${e.reason} (${e.ticket}, approved by ${e.approvedBy}, until ${e.expires})`;
}

export const ruleId = (pack: string, policy: string) => `${pack}/${policy}`;

/** The rule for resources that should have been analysed and were not (verdict incomplete). */
export const NOT_ANALYSED_RULE = {
  id: `${SARIF_TOOL_NAME}/not-analysed`,
  name: "not-analysed",
  shortDescription: { text: "Resource not analysed" },
  fullDescription: {
    text: "A resource that should have been analysed by the policy pack was not (e.g. a remote component offline, or no answer from the pack); the verdict is incomplete.",
  },
  help: {
    text: "Run a real `pulumi preview --policy-pack` for this stack, or model the component so it can be analysed offline.",
    markdown:
      "Run a real `pulumi preview --policy-pack` for this stack, or model the component so it can be analysed offline.",
  },
  defaultConfiguration: { level: "warning" },
  properties: { tags: ["compliance", "phi-channels"] },
} as const;

/** The rule for drift on a field a policy decides (state reviews): the actual state left the declared one. */
export const DRIFT_RULE = {
  id: `${SARIF_TOOL_NAME}/drift`,
  name: "drift",
  shortDescription: { text: "Drift on a field a policy decides" },
  fullDescription: {
    text: "A policy finds differently in the resource's actual state (the outputs the last refresh wrote) than in its declared state (the program's inputs): the resource was changed outside Pulumi.",
  },
  help: {
    text: "Bring the resource back to its declared state (`pulumi up`), or declare the change in the program if it is intended and compliant.",
    markdown:
      "Bring the resource back to its declared state (`pulumi up`), or declare the change in the program if it is intended and compliant.",
  },
  defaultConfiguration: { level: "warning" },
  properties: { tags: ["compliance", "drift", "phi-channels"] },
} as const;

export function findingFingerprint(pack: string, policy: string, urn: string): string {
  return sha256Hex(`${pack}\u0000${policy}\u0000${urn}`);
}

function rule(p: PolicyEvidence) {
  const description = p.description ?? p.policy;
  const helpText = [description, p.remediation ? `Remediation: ${p.remediation}` : undefined]
    .filter(Boolean)
    .join("\n\n");
  const tags = ["compliance", "pulumi-policy", p.policyPack];
  if (p.hipaa) tags.push("HIPAA", p.hipaa.controlReference, p.hipaa.reference);
  const properties: Record<string, unknown> = {
    tags: [...new Set(tags)].sort(compareStrings),
    policyPack: p.policyPack,
  };
  if (p.hipaa) {
    properties.hipaaControl = p.hipaa.controlReference;
    properties.hipaaReference = p.hipaa.reference;
    properties.hipaaSpecification = p.hipaa.specification;
  }
  if (p.severity) {
    properties.severity = p.severity;
    const ss = SECURITY_SEVERITY[p.severity.toLowerCase()];
    if (ss) properties["security-severity"] = ss;
  }
  return {
    id: ruleId(p.policyPack, p.policy),
    name: p.policy,
    shortDescription: { text: description },
    fullDescription: { text: description },
    help: {
      text: helpText,
      markdown: [
        description,
        p.remediation ? `**Remediation:** ${p.remediation}` : undefined,
        p.hipaa ? `**HIPAA:** ${p.hipaa.reference} (${p.hipaa.specification})` : undefined,
      ]
        .filter(Boolean)
        .join("\n\n"),
    },
    defaultConfiguration: { level: levelOf(p.enforcementLevel ?? "mandatory") },
    properties,
  };
}

export function renderSarif(evidence: Evidence): string {
  const m = evidence.metadata;
  const rules = evidence.policies.map(rule);
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const results = evidence.resources.flatMap((resource) =>
    resource.results
      .filter((r) => r.status === "failed" || r.status === "undecided-at-preview")
      .map((r) => {
        const id = ruleId(r.policyPack, r.policy);
        const prefix =
          r.status !== "undecided-at-preview"
            ? ""
            : m.operation === "analyze"
              ? "Not decidable: "
              : "Not decidable at preview: ";
        const text = `${prefix}${resource.name} (${resource.type}): ${r.message ?? r.policy}`;
        return {
          ruleId: id,
          ruleIndex: index.get(id)!,
          level: sarifLevel(r),
          message: { text },
          locations: [
            {
              physicalLocation: { artifactLocation: { uri: m.programFile }, region: { startLine: 1 } },
              logicalLocations: [{ fullyQualifiedName: resource.urn, name: resource.name, kind: "resource" }],
            },
          ],
          partialFingerprints: {
            "policyFinding/v1": findingFingerprint(r.policyPack, r.policy, resource.urn),
          },
          // An exemption in effect is an accepted, externally approved suppression; an expired one is not.
          ...(r.exemption?.status === "active"
            ? {
                suppressions: [
                  {
                    kind: "external",
                    status: "accepted",
                    justification: exemptionJustification(r.exemption),
                  },
                ],
              }
            : {}),
          properties: {
            status: r.status,
            enforcementLevel: r.enforcementLevel ?? "mandatory",
            resourceUrn: resource.urn,
            resourceType: resource.type,
            ...(r.hipaa ? { hipaaReference: r.hipaa.reference, hipaaControl: r.hipaa.controlReference } : {}),
            ...(r.exemption
              ? {
                  exemptionStatus: r.exemption.status,
                  exemptionTicket: r.exemption.ticket,
                  exemptionExpires: r.exemption.expires,
                }
              : {}),
          },
        };
      }),
  );
  // Resources that should have been analysed and were not: one warning each, under a rule of this tool.
  if (evidence.notAnalysed.length > 0) {
    rules.push(NOT_ANALYSED_RULE as unknown as ReturnType<typeof rule>);
    const ruleIndex = rules.length - 1;
    for (const n of evidence.notAnalysed) {
      results.push({
        ruleId: NOT_ANALYSED_RULE.id,
        ruleIndex,
        level: "warning",
        message: { text: `${capitalise(notAnalysedLabel(m.source))}: ${n.name} (${n.type}): ${n.reason}` },
        locations: [
          {
            physicalLocation: { artifactLocation: { uri: m.programFile }, region: { startLine: 1 } },
            logicalLocations: [{ fullyQualifiedName: n.urn, name: n.name, kind: "resource" }],
          },
        ],
        partialFingerprints: {
          "policyFinding/v1": findingFingerprint(SARIF_TOOL_NAME, "not-analysed", n.urn),
        },
        properties: { status: "not-analysed", resourceUrn: n.urn, resourceType: n.type } as never,
      } as (typeof results)[number]);
    }
  }
  // Drift (state reviews): one warning per drifted policy on a resource, under a rule of this tool.
  const drifted = evidence.resources.flatMap((resource) =>
    (resource.drift ?? []).map((d) => ({ resource, d })),
  );
  if (drifted.length > 0) {
    rules.push(DRIFT_RULE as unknown as ReturnType<typeof rule>);
    const ruleIndex = rules.length - 1;
    for (const { resource, d } of drifted) {
      results.push({
        ruleId: DRIFT_RULE.id,
        ruleIndex,
        level: "warning",
        message: {
          text:
            `Drift: ${resource.name} (${resource.type}): field ${d.fields.join(", ")}: ${d.policy} ` +
            `${DRIFT_STATUS_LABELS[d.declared]} on the declared state, ${DRIFT_STATUS_LABELS[d.actual]} on the actual state`,
        },
        locations: [
          {
            physicalLocation: { artifactLocation: { uri: m.programFile }, region: { startLine: 1 } },
            logicalLocations: [{ fullyQualifiedName: resource.urn, name: resource.name, kind: "resource" }],
          },
        ],
        partialFingerprints: {
          "policyFinding/v1": findingFingerprint(
            SARIF_TOOL_NAME,
            `drift/${d.policyPack}/${d.policy}`,
            resource.urn,
          ),
        },
        properties: {
          status: "drift",
          resourceUrn: resource.urn,
          resourceType: resource.type,
          fields: d.fields,
          policy: ruleId(d.policyPack, d.policy),
        } as never,
      } as (typeof results)[number]);
    }
  }
  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: SARIF_TOOL_NAME,
            ...(m.toolVersions["phi-channels"] ? { version: m.toolVersions["phi-channels"] } : {}),
            informationUri: "https://www.pulumi.com/docs/iac/using-pulumi/crossguard/",
            rules,
          },
        },
        // One code-scanning category per project/stack, so the stacks' alerts do not close each other's.
        automationDetails: { id: `${m.project}/${m.stack}/` },
        columnKind: "utf16CodeUnits",
        results,
        properties: {
          verdict: evidence.verdict,
          operation: m.operation,
          source: m.source,
          policyConfigSha256: m.policyConfigSha256,
          ...(m.gitCommit ? { gitCommit: m.gitCommit } : {}),
        },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
