/**
 * PolicyRun → Evidence. Pure and deterministic: every list is sorted, nothing reads the clock or the
 * environment. Only our pack (`phi-channels-hipaa`) is mapped to HIPAA controls; other packs' results are
 * reported as they came.
 */
import hipaa from "../../policies/src/data/hipaa.json";
import { controlOf } from "../../policies/src/framework";
import { CHECKED_AT_UP } from "../../policies/src/policy-kit";
import { readExemptions } from "../../policies/src/exemptions";
import {
  daysBetween,
  isCalendarDate,
  parseExemptionNote,
  statusOn,
  utcDay,
} from "../../policies/src/exemptions-format";
import { canonicalJson, compareStrings, sha256Hex, sortKeys } from "./canonical";
import {
  type ControlId,
  type ControlSummary,
  type DriftEvidence,
  EVIDENCE_SCHEMA_VERSION,
  EXPIRING_SOON_DAYS,
  type Evidence,
  type ExemptionEvidence,
  HIPAA_PACK,
  type HipaaMapping,
  type NotAnalysedEvidence,
  type PolicyEvidence,
  type PolicyResult,
  type ResourceEvidence,
  type ResultExemption,
  type ResultStatus,
  type Verdict,
} from "./model";
import type { Diagnostic, EnforcementLevel, PolicyInfo, PolicyRun } from "./run";
import { parseUrn, stackUrn } from "./urn";

const STATUS_RANK: Record<ResultStatus, number> = {
  failed: 3,
  "undecided-at-preview": 2,
  passed: 1,
  "not-applicable": 0,
};

const LEVEL_RANK: Record<EnforcementLevel, number> = { mandatory: 3, advisory: 2, remediate: 1, disabled: 0 };

/**
 * True for a finding that says its deciding value is unknown at preview: @pulumi/policy's own "can't run
 * policy … during preview" advisory, or our policies' CHECKED_AT_UP advisory.
 */
export function isUndecidedAtPreviewMessage(message: string): boolean {
  return /\bduring preview: /.test(message) || message.includes(CHECKED_AT_UP);
}

export function hipaaMapping(reference: string | undefined): HipaaMapping | undefined {
  if (!reference) return undefined;
  const control = controlOf(reference) as ControlId | undefined;
  if (!control) return undefined;
  const standard = hipaa.controls[control];
  const spec =
    Object.values(hipaa.implementationSpecifications).find((s) => s.reference === reference) ?? standard;
  return { control, controlReference: standard.reference, reference, specification: spec.specification };
}

/** The exemption a finding of our pack was reported under, read from the pack's note (one format, one parser). */
export function exemptionOf(d: Pick<Diagnostic, "policyPackName" | "message">): ResultExemption | undefined {
  if (d.policyPackName !== HIPAA_PACK) return undefined;
  const note = parseExemptionNote(d.message);
  if (!note) return undefined;
  return {
    ticket: note.ticket,
    reason: note.reason,
    approvedBy: note.approvedBy,
    expires: note.expires,
    status: note.status,
  };
}

const exemptionKey = (
  policy: string,
  e: Pick<ResultExemption, "ticket" | "reason" | "approvedBy" | "expires">,
) => [policy, e.ticket, e.reason, e.approvedBy, e.expires].join("\u0000");

/**
 * Our pack's exemptions: those declared in the recorded policy config, merged with those findings were
 * reported under (matched on policy, ticket, reason, approver and expiry).
 */
function collectExemptions(
  run: PolicyRun,
  applied: Array<{ policy: string; urn: string; exemption: ResultExemption }>,
): ExemptionEvidence[] {
  const day = utcDay(new Date(run.timestamp));
  const out: ExemptionEvidence[] = [];
  const byKey = new Map<string, ExemptionEvidence[]>();
  const config = (run.policyConfig[HIPAA_PACK] ?? {}) as Record<string, unknown>;
  for (const policy of Object.keys(config).sort(compareStrings)) {
    const pc = config[policy];
    if (!pc || typeof pc !== "object" || !("exemptions" in pc)) continue;
    for (const c of readExemptions(pc as Record<string, unknown>, day).exemptions) {
      const e = c.exemption as unknown as Record<string, unknown>;
      const str = (k: string) => (typeof e[k] === "string" ? (e[k] as string) : "");
      const entry: ExemptionEvidence = {
        policyPack: HIPAA_PACK,
        policy,
        resource: str("resource"),
        ticket: str("ticket"),
        reason: str("reason"),
        approvedBy: str("approvedBy"),
        expires: str("expires"),
        status: c.problems.length > 0 ? "invalid" : statusOn(str("expires"), day),
        appliedTo: [],
      };
      if (c.problems.length > 0) entry.problems = [...c.problems];
      out.push(entry);
      const k = exemptionKey(policy, entry);
      byKey.set(k, [...(byKey.get(k) ?? []), entry]);
    }
  }
  for (const a of applied) {
    const k = exemptionKey(a.policy, a.exemption);
    let entries = byKey.get(k);
    if (!entries) {
      const entry: ExemptionEvidence = {
        policyPack: HIPAA_PACK,
        policy: a.policy,
        ticket: a.exemption.ticket,
        reason: a.exemption.reason,
        approvedBy: a.exemption.approvedBy,
        expires: a.exemption.expires,
        status: a.exemption.status,
        appliedTo: [],
      };
      out.push(entry);
      entries = [entry];
      byKey.set(k, entries);
    }
    for (const entry of entries) {
      // What the pack applied is authoritative (its clock decided, not the run's timestamp).
      if (entry.status !== "invalid") entry.status = a.exemption.status;
      if (!entry.appliedTo.includes(a.urn)) entry.appliedTo.push(a.urn);
    }
  }
  for (const e of out) {
    e.appliedTo.sort(compareStrings);
    if (e.status !== "invalid" && isCalendarDate(e.expires)) {
      e.daysRemaining = daysBetween(day, e.expires);
      e.expiresSoon = e.status === "active" && e.daysRemaining < EXPIRING_SOON_DAYS;
    }
  }
  return out.sort(
    (a, b) =>
      compareStrings(a.policy, b.policy) ||
      compareStrings(a.ticket, b.ticket) ||
      compareStrings(a.resource ?? "", b.resource ?? "") ||
      compareStrings(a.expires, b.expires),
  );
}

const key = (pack: string, policy: string, urn: string) => `${pack}\u0000${policy}\u0000${urn}`;
const policyKey = (pack: string, policy: string) => `${pack}\u0000${policy}`;

interface Cell {
  pack: string;
  policy: string;
  urn: string;
  passed: boolean;
  failedWithoutMessage: boolean;
  notApplicable?: string;
  detail?: string;
  violations: Diagnostic[];
  undecided: Diagnostic[];
}

export function buildEvidence(run: PolicyRun): Evidence {
  const timestamp = new Date(run.timestamp);
  if (Number.isNaN(timestamp.getTime())) {
    throw new Error(`run.timestamp: "${run.timestamp}" is not a date; pass an ISO-8601 UTC time`);
  }
  const theStack = stackUrn(run.project, run.stack);

  // Policy metadata, by pack and name.
  const infos = new Map<string, { info: PolicyInfo; packVersion: string }>();
  const packVersion = new Map(run.packs.map((p) => [p.name, p.version]));
  for (const pack of run.packs) {
    for (const info of pack.policies)
      infos.set(policyKey(pack.name, info.name), { info, packVersion: pack.version });
  }
  const ensurePolicy = (pack: string, policy: string) => {
    const k = policyKey(pack, policy);
    if (!infos.has(k))
      infos.set(k, { info: { name: policy }, packVersion: packVersion.get(pack) ?? "unknown" });
  };

  // One cell per (pack, policy, resource) the run says anything about.
  const cells = new Map<string, Cell>();
  const cell = (pack: string, policy: string, urn: string | undefined): Cell => {
    const u = urn ?? theStack;
    ensurePolicy(pack, policy);
    const k = key(pack, policy, u);
    let c = cells.get(k);
    if (!c) {
      c = { pack, policy, urn: u, passed: false, failedWithoutMessage: false, violations: [], undecided: [] };
      cells.set(k, c);
    }
    return c;
  };
  for (const o of run.outcomes) {
    for (const p of o.passed) cell(o.policyPackName, p, o.urn).passed = true;
    for (const p of o.failed) cell(o.policyPackName, p, o.urn).failedWithoutMessage = true;
    for (const na of o.notApplicable) cell(o.policyPackName, na.policyName, o.urn).notApplicable = na.reason;
  }
  // Per-resource details of stack policies: the policy judged the resource, so a resource it reported
  // nothing on passed it there, and the policy's stack-wide pass gives way to these results.
  const detailed = new Set<string>();
  for (const d of run.resultDetails ?? []) {
    const c = cell(d.policyPackName, d.policyName, d.urn);
    c.detail = c.detail ? `${c.detail}\n${d.detail}` : d.detail;
    c.passed = true;
    detailed.add(policyKey(d.policyPackName, d.policyName));
  }
  for (const d of run.diagnostics) {
    if (d.enforcementLevel === "disabled") continue;
    const c = cell(d.policyPackName, d.policyName, d.urn);
    const undecided =
      d.undecidedAtPreview ?? (d.enforcementLevel === "advisory" && isUndecidedAtPreviewMessage(d.message));
    (undecided ? c.undecided : c.violations).push(d);
  }

  for (const k of detailed) {
    const [pack, policy] = k.split("\u0000");
    const onStack = cells.get(key(pack, policy, theStack));
    if (
      onStack &&
      onStack.violations.length === 0 &&
      onStack.undecided.length === 0 &&
      !onStack.failedWithoutMessage
    )
      cells.delete(key(pack, policy, theStack));
  }

  // Resources: those the run lists, plus any a result names.
  const resources = new Map<string, ResourceEvidence>();
  const addResource = (urn: string, type?: string, name?: string) => {
    if (resources.has(urn)) return;
    const parsed = parseUrn(urn);
    resources.set(urn, {
      urn,
      type: type ?? parsed?.type ?? "unknown",
      name: name ?? parsed?.name ?? urn,
      status: "not-applicable",
      results: [],
    });
  };
  for (const r of run.resources) addResource(r.urn, r.type, r.name);
  for (const n of run.notAnalysed ?? []) addResource(n.urn, n.type, n.name);
  for (const c of cells.values()) addResource(c.urn);
  for (const [urn, paths] of Object.entries(run.unknownInputs ?? {})) {
    addResource(urn);
    if (paths.length > 0) resources.get(urn)!.unknownInputs = [...new Set(paths)].sort(compareStrings);
  }
  for (const [urn, paths] of Object.entries(run.encryptedValues ?? {})) {
    addResource(urn);
    if (paths.length > 0) resources.get(urn)!.encryptedValues = [...new Set(paths)].sort(compareStrings);
  }

  const mappingOf = (pack: string, policy: string) =>
    pack === HIPAA_PACK
      ? hipaaMapping(infos.get(policyKey(pack, policy))?.info.framework?.reference)
      : undefined;

  const applied: Array<{ policy: string; urn: string; exemption: ResultExemption }> = [];
  for (const c of cells.values()) {
    const info = infos.get(policyKey(c.pack, c.policy))!.info;
    const result: PolicyResult = { policyPack: c.pack, policy: c.policy, status: "passed" };
    const findings = c.violations.length > 0 ? c.violations : c.undecided;
    if (c.violations.length > 0 || c.failedWithoutMessage) {
      result.status = "failed";
    } else if (c.undecided.length > 0) {
      result.status = "undecided-at-preview";
    } else if (c.passed) {
      result.status = "passed";
    } else {
      result.status = "not-applicable";
      result.reason = c.notApplicable ?? "the policy reported nothing for this resource";
    }
    if (result.status === "failed" || result.status === "undecided-at-preview") {
      // A failure the analyzer reported without a diagnostic fails closed at the policy's level or mandatory.
      const levels = findings.map((d) => d.enforcementLevel);
      result.enforcementLevel =
        levels.length > 0
          ? levels.reduce((a, b) => (LEVEL_RANK[b] > LEVEL_RANK[a] ? b : a))
          : (info.enforcementLevel ?? "mandatory");
      const messages = [...new Set(findings.map((d) => d.message))].sort(compareStrings);
      result.message =
        messages.length > 0 ? messages.join("\n") : "the policy reported a violation without a message";
      if (info.remediationSteps) result.remediation = info.remediationSteps;
      const exempted = [...findings]
        .sort((a, b) => compareStrings(a.message, b.message))
        .map(exemptionOf)
        .find((e) => e !== undefined);
      if (exempted) {
        result.exemption = exempted;
        applied.push({ policy: c.policy, urn: c.urn, exemption: exempted });
      }
    }
    if (c.detail && result.status !== "not-applicable") result.detail = c.detail;
    const mapping = mappingOf(c.pack, c.policy);
    if (mapping) result.hipaa = mapping;
    resources.get(c.urn)!.results.push(result);
  }

  for (const d of run.drift ?? []) {
    addResource(d.urn);
    const r = resources.get(d.urn)!;
    const entry: DriftEvidence = {
      policyPack: d.policyPackName,
      policy: d.policyName,
      fields: [...new Set(d.fields)].sort(compareStrings),
      declared: d.declared,
      actual: d.actual,
    };
    const mapping = mappingOf(d.policyPackName, d.policyName);
    if (mapping) entry.hipaa = mapping;
    (r.drift ??= []).push(entry);
  }
  for (const r of resources.values()) {
    r.drift?.sort((a, b) => compareStrings(a.policyPack, b.policyPack) || compareStrings(a.policy, b.policy));
  }

  const sortedResources = [...resources.values()].sort((a, b) => compareStrings(a.urn, b.urn));
  for (const r of sortedResources) {
    r.results.sort(
      (a, b) => compareStrings(a.policyPack, b.policyPack) || compareStrings(a.policy, b.policy),
    );
    r.status = r.results.reduce<ResultStatus>(
      (worst, x) => (STATUS_RANK[x.status] > STATUS_RANK[worst] ? x.status : worst),
      "not-applicable",
    );
  }
  const allResults = sortedResources.flatMap((r) => r.results);

  const policies: PolicyEvidence[] = [...infos.entries()]
    .map(([k, { info, packVersion: version }]) => {
      const [pack] = k.split("\u0000");
      const mine = allResults.filter((x) => x.policyPack === pack && x.policy === info.name);
      const p: PolicyEvidence = {
        policyPack: pack,
        policyPackVersion: version,
        policy: info.name,
        passed: mine.filter((x) => x.status === "passed").length,
        failed: mine.filter((x) => x.status === "failed").length,
        notApplicable: mine.filter((x) => x.status === "not-applicable").length,
        undecidedAtPreview: mine.filter((x) => x.status === "undecided-at-preview").length,
      };
      if (info.description) p.description = info.description;
      if (info.enforcementLevel) p.enforcementLevel = info.enforcementLevel;
      if (info.severity) p.severity = info.severity;
      if (info.remediationSteps) p.remediation = info.remediationSteps;
      if (info.kind) p.kind = info.kind;
      const mapping = mappingOf(pack, info.name);
      if (mapping) p.hipaa = mapping;
      return p;
    })
    .sort((a, b) => compareStrings(a.policyPack, b.policyPack) || compareStrings(a.policy, b.policy));

  const controls: ControlSummary[] = (Object.keys(hipaa.controls) as ControlId[]).map((control) => {
    const counts = {
      passed: 0,
      failed: 0,
      failedMandatory: 0,
      failedAdvisory: 0,
      notApplicable: 0,
      undecidedAtPreview: 0,
    };
    for (const r of sortedResources) {
      const mine = r.results.filter((x) => x.hipaa?.control === control);
      if (mine.length === 0) continue;
      const worst = mine.reduce<ResultStatus>(
        (w, x) => (STATUS_RANK[x.status] > STATUS_RANK[w] ? x.status : w),
        "not-applicable",
      );
      if (worst === "failed") {
        counts.failed++;
        const mandatory = mine.some((x) => x.status === "failed" && x.enforcementLevel === "mandatory");
        if (mandatory) counts.failedMandatory++;
        else counts.failedAdvisory++;
      } else if (worst === "undecided-at-preview") counts.undecidedAtPreview++;
      else if (worst === "passed") counts.passed++;
      else counts.notApplicable++;
    }
    return {
      control,
      reference: hipaa.controls[control].reference,
      specification: hipaa.controls[control].specification,
      policies: policies.filter((p) => p.hipaa?.control === control).map((p) => p.policy),
      resourcesChecked: counts.passed + counts.failed + counts.undecidedAtPreview,
      ...counts,
    };
  });

  const failed = allResults.filter((x) => x.status === "failed");
  const mandatoryViolations = failed.filter((x) => x.enforcementLevel === "mandatory").length;
  const policyConfig = sortKeys(run.policyConfig);

  const notAnalysedByUrn = new Map<string, NotAnalysedEvidence>();
  for (const n of run.notAnalysed ?? []) {
    const prev = notAnalysedByUrn.get(n.urn);
    const reason = prev && prev.reason !== n.reason ? `${prev.reason}; ${n.reason}` : n.reason;
    notAnalysedByUrn.set(n.urn, { urn: n.urn, type: n.type, name: n.name, reason });
  }
  const notAnalysed = [...notAnalysedByUrn.values()].sort((a, b) => compareStrings(a.urn, b.urn));
  const governed = (r: ResourceEvidence) => r.results.some((x) => x.status !== "not-applicable");
  const resourcesChecked = sortedResources.filter(governed).length;
  const resourcesNotAnalysed = notAnalysed.length;
  const resourcesNotApplicable = sortedResources.filter(
    (r) => !governed(r) && !notAnalysedByUrn.has(r.urn),
  ).length;
  const { verdict, verdictReasons } = decideVerdict({
    mandatoryViolations,
    notAnalysed: resourcesNotAnalysed,
    resourcesChecked,
    answered: run.outcomes.length > 0 || run.diagnostics.length > 0,
    cannotPass: run.cannotPass,
  });

  return {
    metadata: {
      schemaVersion: EVIDENCE_SCHEMA_VERSION,
      project: run.project,
      stack: run.stack,
      ...(run.gitCommit
        ? { gitCommit: run.gitCommit }
        : run.gitCommitMissing
          ? { gitCommitMissing: run.gitCommitMissing }
          : {}),
      timestamp: timestamp.toISOString(),
      source: run.source,
      operation: run.operation,
      programFile: run.programFile ?? "Pulumi.yaml",
      framework: { name: hipaa.framework.name, version: hipaa.framework.version, mappedPack: HIPAA_PACK },
      packs: run.packs
        .map((p) => ({
          name: p.name,
          version: p.version,
          ...(p.versionTag ? { versionTag: p.versionTag } : {}),
        }))
        .sort((a, b) => compareStrings(a.name, b.name) || compareStrings(a.version, b.version)),
      policyConfig,
      policyConfigSha256: sha256Hex(canonicalJson(policyConfig)),
      toolVersions: sortKeys(run.toolVersions),
      ...(run.stateExport
        ? {
            stateExport: { ...run.stateExport, features: [...run.stateExport.features].sort(compareStrings) },
          }
        : {}),
      ...(run.notCarried ? { notCarried: run.notCarried.map((n) => ({ field: n.field, why: n.why })) } : {}),
    },
    verdict,
    verdictReasons,
    totals: {
      resources: sortedResources.length,
      resourcesChecked,
      resourcesNotApplicable,
      resourcesNotAnalysed,
      results: allResults.length,
      passed: allResults.filter((x) => x.status === "passed").length,
      failed: failed.length,
      notApplicable: allResults.filter((x) => x.status === "not-applicable").length,
      undecidedAtPreview: allResults.filter((x) => x.status === "undecided-at-preview").length,
      mandatoryViolations,
      advisoryViolations: failed.filter((x) => x.enforcementLevel === "advisory").length,
      remediated: failed.filter((x) => x.enforcementLevel === "remediate").length,
      ...(run.source === "state"
        ? { resourcesDrifted: sortedResources.filter((r) => (r.drift ?? []).length > 0).length }
        : {}),
    },
    controls,
    policies,
    resources: sortedResources,
    exemptions: collectExemptions(run, applied),
    notAnalysed,
  };
}

/**
 * The verdict never passes on nothing: mandatory violations fail; otherwise anything not analysed makes
 * the run incomplete; a pack that governed no resource is not applicable; only then pass.
 */
export function decideVerdict(c: {
  mandatoryViolations: number;
  notAnalysed: number;
  resourcesChecked: number;
  /** False when the packs reported nothing at all (no outcome, no finding). */
  answered: boolean;
  /** Why the input cannot prove a pass (it records violations only); without a violation: incomplete. */
  cannotPass?: string;
}): { verdict: Verdict; verdictReasons: string[] } {
  const reasons: string[] = [];
  if (c.mandatoryViolations > 0) reasons.push(`${c.mandatoryViolations} mandatory violation(s)`);
  if (c.notAnalysed > 0)
    reasons.push(`${c.notAnalysed} resource(s) that should have been analysed were not (see "Not analysed")`);
  if (c.cannotPass) reasons.push(c.cannotPass);
  else if (!c.answered) reasons.push("the policy packs reported no result at all");
  if (c.mandatoryViolations > 0) return { verdict: "fail", verdictReasons: reasons };
  if (c.notAnalysed > 0 || !c.answered || c.cannotPass)
    return { verdict: "incomplete", verdictReasons: reasons };
  if (c.resourcesChecked === 0) {
    return {
      verdict: "not-applicable",
      verdictReasons: ["no resource is governed by any policy: every result is not applicable"],
    };
  }
  return {
    verdict: "pass",
    verdictReasons: [`no mandatory violation on the ${c.resourcesChecked} resource(s) the policies apply to`],
  };
}
