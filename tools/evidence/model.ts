/**
 * The evidence document (`evidence.json`). `evidence.schema.json` beside this file is its committed JSON
 * Schema; a test keeps the two in step. Everything is sorted so the same run yields the same bytes; the
 * only time-dependent field is `metadata.timestamp`, taken from the run.
 */
import type {
  DriftStatus,
  EnforcementLevel,
  NotCarriedField,
  RunOperation,
  RunSource,
  StateExportInfo,
} from "./run";

export const EVIDENCE_SCHEMA_VERSION = 2;

/** The pack whose policies are mapped to HIPAA; results of other packs are reported as-is. */
export const HIPAA_PACK = "phi-channels-hipaa";

export type ResultStatus = "passed" | "failed" | "not-applicable" | "undecided-at-preview";
/**
 * - pass: the pack governed at least one resource and found no mandatory violation;
 * - fail: mandatory violation(s);
 * - not-applicable: the pack ran and no resource is governed by any of its policies;
 * - incomplete: something that should have been analysed was not (never a pass).
 */
export type Verdict = "pass" | "fail" | "not-applicable" | "incomplete";

/** Exit codes of `check` and `evidence` (README "Exit codes"). */
export const EXIT_CODES = {
  pass: 0,
  fail: 1,
  usage: 2,
  internal: 3,
  incomplete: 4,
  "not-applicable": 5,
} as const;

export function exitCodeOf(verdict: Verdict): number {
  return EXIT_CODES[verdict];
}

/** The exit codes as `--help` states them. */
export const EXIT_CODES_HELP =
  "Exit codes: 0 pass; 1 fail (mandatory violations); 2 usage, config or input error (nothing written);\n" +
  "3 internal or program error (nothing written); 4 incomplete (something was not analysed);\n" +
  "5 not applicable (no resource is governed by any policy).";

export const VERDICT_LABELS: Record<Verdict, string> = {
  pass: "PASS",
  fail: "FAIL",
  "not-applicable": "NOT APPLICABLE",
  incomplete: "INCOMPLETE",
};
export type ControlId = "a1" | "b" | "c1" | "d" | "e1";

/** A resource that should have been analysed and was not (see PolicyRun.notAnalysed). */
export interface NotAnalysedEvidence {
  urn: string;
  type: string;
  name: string;
  reason: string;
}

export interface HipaaMapping {
  /** The standard the result is summarised under, e.g. "e1". */
  control: ControlId;
  /** The standard's paragraph, e.g. "§164.312(e)(1)". */
  controlReference: string;
  /** The paragraph the policy cites; may be an implementation specification beneath the standard. */
  reference: string;
  specification: string;
}

export interface PolicyResult {
  policyPack: string;
  policy: string;
  status: ResultStatus;
  /** For failed and undecided results: the level the finding was reported at. */
  enforcementLevel?: EnforcementLevel;
  /** For failed and undecided results: the policy's messages, sorted, joined by newlines. */
  message?: string;
  /** For failed and undecided results: the policy's remediation steps, when the pack publishes them. */
  remediation?: string;
  /** For not-applicable results: why the policy did not apply. */
  reason?: string;
  /** What the policy judged on this resource, in words (stack policies: e.g. Object Lock mode and retention). */
  detail?: string;
  hipaa?: HipaaMapping;
  /** For failed and undecided results the pack reported under an exemption (advisory while active). */
  exemption?: ResultExemption;
}

/** The exemption a finding was reported under, as the pack's note states it (policies/src/exemptions-format.ts). */
export interface ResultExemption {
  ticket: string;
  reason: string;
  approvedBy: string;
  /** Last day in effect (UTC), YYYY-MM-DD. */
  expires: string;
  status: "active" | "expired";
}

/**
 * One exemption of our pack: declared in the policy config (`resource` set) and/or seen on findings.
 * `status` is what the pack applied; for exemptions no finding carried, it is judged on the run's UTC day.
 */
export interface ExemptionEvidence {
  policyPack: string;
  policy: string;
  /** The declared resource name or URN pattern; absent when only seen on findings (no config recorded). */
  resource?: string;
  ticket: string;
  reason: string;
  approvedBy: string;
  expires: string;
  status: "active" | "expired" | "invalid";
  /** Whole days from the run's UTC day to `expires` (0 = last day; negative once expired); absent when invalid. */
  daysRemaining?: number;
  /** True for an active exemption that ends within EXPIRING_SOON_DAYS days. */
  expiresSoon?: boolean;
  /** Why an invalid exemption exempts nothing. */
  problems?: string[];
  /** URNs of the results reported under it, sorted. */
  appliedTo: string[];
}

export interface ResourceEvidence {
  urn: string;
  type: string;
  name: string;
  /** Worst status of its results: failed > undecided-at-preview > passed > not-applicable. */
  status: ResultStatus;
  /** Input property paths a real preview would not know (offline runs). */
  unknownInputs?: string[];
  /** State reviews: judged property paths whose value is encrypted in the export (a policy reading one cannot decide). */
  encryptedValues?: string[];
  /** State reviews: policies whose findings differ between the declared state (inputs) and the actual one (outputs). */
  drift?: DriftEvidence[];
  results: PolicyResult[];
}

/**
 * Drift on a field a policy decides: the policy's findings on the resource's actual state (the outputs the
 * last `pulumi refresh` wrote) differ from its findings on the declared state (the inputs the program
 * gave), and putting the actual value of `fields` in place of the declared one makes that difference.
 */
export interface DriftEvidence {
  policyPack: string;
  policy: string;
  /** Top-level properties, sorted; several when no one of them alone makes the difference. */
  fields: string[];
  declared: DriftStatus;
  actual: DriftStatus;
  hipaa?: HipaaMapping;
}

export interface PolicyEvidence {
  policyPack: string;
  policyPackVersion: string;
  policy: string;
  description?: string;
  enforcementLevel?: EnforcementLevel;
  severity?: string;
  remediation?: string;
  kind?: "resource" | "stack";
  hipaa?: HipaaMapping;
  passed: number;
  failed: number;
  notApplicable: number;
  undecidedAtPreview: number;
}

export interface ControlSummary {
  control: ControlId;
  reference: string;
  specification: string;
  /** Our policies summarised under this control, sorted. */
  policies: string[];
  /**
   * Resources a policy of this control applies to: passed + failed + undecidedAtPreview, each resource
   * counted once, by its worst result. Resources none of them applies to are counted in notApplicable.
   */
  resourcesChecked: number;
  passed: number;
  /** failedMandatory + failedAdvisory (+ remediated). */
  failed: number;
  failedMandatory: number;
  failedAdvisory: number;
  notApplicable: number;
  undecidedAtPreview: number;
}

export interface EvidenceMetadata {
  schemaVersion: number;
  project: string;
  stack: string;
  gitCommit?: string;
  /** Why there is no gitCommit (e.g. "not a git repository"). */
  gitCommitMissing?: string;
  /** ISO-8601 UTC. */
  timestamp: string;
  /**
   * offline (check: the program under mocks), event-log (a real `pulumi preview|up`), state (review of a
   * `pulumi stack export`) or policy-analyze (`pulumi policy analyze --json`).
   */
  source: RunSource;
  /** preview or update of a program; analyze for a stack's existing state (state, policy-analyze). */
  operation: RunOperation;
  /** The stack program file results are located at (SARIF), or "Pulumi.yaml" when unknown. */
  programFile: string;
  framework: { name: string; version: string; mappedPack: string };
  packs: Array<{ name: string; version: string; versionTag?: string }>;
  /** Effective policy config per pack, keys sorted. */
  policyConfig: Record<string, Record<string, unknown>>;
  /** SHA-256 (hex) of the canonical JSON (sorted keys, no whitespace) of `policyConfig`. */
  policyConfigSha256: string;
  toolVersions: Record<string, string>;
  /** State reviews: the export's format version, age, writer and how it holds secrets. */
  stateExport?: StateExportInfo;
  /** Evidence fields the input could not carry (policy-analyze), so their absence is not read as a finding. */
  notCarried?: NotCarriedField[];
}

/** How a resource that was not analysed is labelled: offline, that is what could not be done without a cloud. */
export function notAnalysedLabel(source: EvidenceMetadata["source"]): string {
  return source === "offline" ? "not analysed offline" : "not analysed";
}

/** How the report names the state a result was reached on. */
export const DRIFT_STATUS_LABELS: Record<DriftStatus, string> = {
  passed: "passes",
  failed: "fails",
  "not-applicable": "does not apply",
  undecided: "cannot decide",
};

/** An active exemption ending within this many days is flagged in the evidence. */
export const EXPIRING_SOON_DAYS = 30;

export interface Evidence {
  metadata: EvidenceMetadata;
  verdict: Verdict;
  /** Why the verdict is what it is, in words (e.g. "2 mandatory violation(s)"). */
  verdictReasons: string[];
  totals: {
    /** Every resource of the run, the stack resource (`pulumi:pulumi:Stack`) included. */
    resources: number;
    /** Resources at least one policy applies to (a result passed, failed or not decidable). */
    resourcesChecked: number;
    /** Resources no policy applies to (only not-applicable results, or none). */
    resourcesNotApplicable: number;
    /** Resources that should have been analysed and were not (listed in notAnalysed). */
    resourcesNotAnalysed: number;
    results: number;
    passed: number;
    failed: number;
    notApplicable: number;
    undecidedAtPreview: number;
    mandatoryViolations: number;
    advisoryViolations: number;
    remediated: number;
    /** State reviews: resources with drift on a field a policy decides (see ResourceEvidence.drift). */
    resourcesDrifted?: number;
  };
  controls: ControlSummary[];
  policies: PolicyEvidence[];
  resources: ResourceEvidence[];
  /** Every exemption of our pack (declared or applied), sorted by policy, ticket, resource. */
  exemptions: ExemptionEvidence[];
  /** Resources that should have been analysed and were not, sorted by URN. */
  notAnalysed: NotAnalysedEvidence[];
}
