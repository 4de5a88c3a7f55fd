/**
 * The normalised result of one policy run, whatever produced it: the offline check (analyzer gRPC
 * responses), a real `pulumi preview/up --event-log`, the review of a `pulumi stack export` (analyzer
 * gRPC responses over the state) or `pulumi policy analyze --json`. Evidence (JSON, Markdown, SARIF) is
 * built from this and nothing else, so every source yields the same documents.
 */
export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";

export interface PolicyInfo {
  name: string;
  description?: string;
  enforcementLevel?: EnforcementLevel;
  severity?: string;
  remediationSteps?: string;
  tags?: string[];
  framework?: { name: string; version: string; reference: string; specification: string };
  /** "resource" or "stack" when known. */
  kind?: "resource" | "stack";
}

export interface PolicyPackInfo {
  name: string;
  version: string;
  versionTag?: string;
  /** Full metadata when known (offline: from GetAnalyzerInfo); from an event log only names seen. */
  policies: PolicyInfo[];
}

export interface ResourceRef {
  urn: string;
  type: string;
  name: string;
}

export interface Diagnostic {
  policyPackName: string;
  policyPackVersion: string;
  policyName: string;
  /** Already free of secret values: producers redact before building a PolicyRun. */
  message: string;
  enforcementLevel: EnforcementLevel;
  severity?: string;
  /** Absent for stack-wide diagnostics that name no resource. */
  urn?: string;
  /** True when the policy could not decide because a deciding value is unknown at preview. */
  undecidedAtPreview?: boolean;
}

/** Policies the analyzer reported as passed, failed or not applicable for one resource (or the stack). */
export interface PolicyOutcome {
  policyPackName: string;
  urn?: string;
  passed: string[];
  failed: string[];
  notApplicable: Array<{ policyName: string; reason: string }>;
}

/** Where a run came from: see EvidenceMetadata.source. */
export type RunSource = "offline" | "event-log" | "state" | "policy-analyze";
/** preview / update of a program, or analyze: the policies run over a stack's existing state. */
export type RunOperation = "preview" | "update" | "analyze";

export interface PolicyRun {
  source: RunSource;
  operation: RunOperation;
  project: string;
  stack: string;
  /** ISO-8601 UTC time the run was made. */
  timestamp: string;
  gitCommit?: string;
  /** Why there is no gitCommit, in words (e.g. "not a git repository"). */
  gitCommitMissing?: string;
  packs: PolicyPackInfo[];
  /** Effective policy config per pack name, as sent to Configure (or taken from the event log). */
  policyConfig: Record<string, Record<string, unknown>>;
  resources: ResourceRef[];
  diagnostics: Diagnostic[];
  outcomes: PolicyOutcome[];
  /** Resource inputs a real preview would not know, by URN (property paths), for the report. */
  unknownInputs?: Record<string, string[]>;
  toolVersions: Record<string, string>;
  /** The stack program file, relative to the repository root (e.g. `stacks/index.ts`); SARIF locates results there. */
  programFile?: string;
  /**
   * Resources that should have been analysed but were not: remote (multi-language) components, which
   * create no children under mocks, or resources the pack never answered for. Non-empty → verdict
   * `incomplete` (or `fail` when there are mandatory violations).
   */
  notAnalysed?: NotAnalysedResource[];
  /**
   * What a policy judged on a resource, in words (e.g. an audit-log bucket's Object Lock mode and
   * retention). A detail on a resource the policy reported nothing on makes that result a pass there.
   */
  resultDetails?: Array<{ policyPackName: string; policyName: string; urn: string; detail: string }>;
  /**
   * State reviews: where a resource's actual state (outputs, as the last refresh wrote them) and its declared
   * state (inputs) get different findings from a policy, and the fields that make the difference.
   */
  drift?: DriftFinding[];
  /** State reviews: property paths of the judged values that are encrypted in the export, by URN. */
  encryptedValues?: Record<string, string[]>;
  /** State reviews: what the export itself says (format version, when and by which CLI it was written). */
  stateExport?: StateExportInfo;
  /** Evidence fields the input cannot carry, and why (e.g. `pulumi policy analyze --json` has no passes). */
  notCarried?: NotCarriedField[];
  /** Why this input cannot prove a pass even without a mandatory violation; the verdict is then incomplete. */
  cannotPass?: string;
}

export interface DriftFinding {
  urn: string;
  policyPackName: string;
  policyName: string;
  /** Top-level properties whose actual value, put in place of the declared one, changes the findings. */
  fields: string[];
  /** The policy's result on the declared state (inputs) and on the actual state (outputs). */
  declared: DriftStatus;
  actual: DriftStatus;
}

export type DriftStatus = "passed" | "failed" | "not-applicable" | "undecided";

export interface StateExportInfo {
  /** The deployment format version of the export (`version`). */
  deploymentVersion: number;
  /** Features a version 4 export declares (`features`). */
  features: string[];
  /** `deployment.manifest.time`: when the CLI wrote this state. */
  writtenAt?: string;
  /** `deployment.manifest.version`: the CLI version that wrote it. */
  writtenBy?: string;
  /** `deployment.secrets_providers.type`. */
  secretsProvider?: string;
  /** How the export holds secret values: encrypted (the default), plaintext (`--show-secrets`) or none at all. */
  secrets: "encrypted" | "plaintext" | "none";
  /** Resources marked for deletion (`delete: true`), which are not analysed, as the engine skips them. */
  resourcesPendingDeletion: number;
}

export interface NotCarriedField {
  /** The evidence field (or fields) the input cannot fill. */
  field: string;
  why: string;
}

export interface NotAnalysedResource {
  urn: string;
  type: string;
  name: string;
  /** Why it was not analysed, in words for the auditor. */
  reason: string;
}
