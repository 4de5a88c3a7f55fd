/**
 * The normalised result of one policy run, whatever produced it: the offline check (analyzer gRPC
 * responses) or a real `pulumi preview/up --event-log`. Evidence (JSON, Markdown, SARIF) is built
 * from this and nothing else, so both sources yield the same documents.
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

export interface PolicyRun {
  source: "offline" | "event-log";
  operation: "preview" | "update";
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
}

export interface NotAnalysedResource {
  urn: string;
  type: string;
  name: string;
  /** Why it was not analysed, in words for the auditor. */
  reason: string;
}
