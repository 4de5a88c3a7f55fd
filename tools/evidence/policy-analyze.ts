/**
 * `pulumi policy analyze --json` → PolicyRun. The command (Pulumi CLI v3.229.0 and later; the format here is
 * that of pkg/cmd/pulumi/policy/policy_analyze.go) runs local packs over a stack's existing state and, with
 * `--json`, writes engine events as NDJSON: one `policyEvent` per violation (remediation policies'
 * advisories included), one `policyRemediationEvent` per change a remediation policy would make (the state
 * is not changed), and a final `summaryEvent` with the packs and their versions. It writes no prelude, no
 * resource events and no per-resource summaries, so NOT_CARRIED lists what the evidence cannot have.
 */
import { compareStrings } from "./canonical";
import { EventLogError, engineEvents, isObj, policyEventDiagnostic, type EngineEvent } from "./event-log";
import type { Diagnostic, NotCarriedField, PolicyInfo, PolicyPackInfo, PolicyRun } from "./run";
import { parseUrn } from "./urn";

/** Evidence fields `pulumi policy analyze --json` cannot fill, and why; recorded in every such bundle. */
export const NOT_CARRIED: NotCarriedField[] = [
  {
    field: "resources[].results (passed and not-applicable)",
    why: "the output has one event per violation and none per resource analysed, so passes and non-applicable policies are not known",
  },
  {
    field: "totals.resources, totals.resourcesChecked, controls[].resourcesChecked",
    why: "only resources with a violation are named; how many the policies checked is not recorded",
  },
  {
    field: "notAnalysed",
    why: "no per-resource answer is recorded, so a resource the pack never answered for cannot be told from one that passed",
  },
  {
    field: "metadata.policyConfig",
    why: "the output does not record the --policy-pack-config given; it is the one passed to --policy-config, or the pack defaults",
  },
  {
    field: "metadata.programFile",
    why: "the analysis does not run the program, so the output names no program file; SARIF results are located at the file --program names, else the one Pulumi.yaml's main names",
  },
];

/** Why such a bundle cannot pass on its own. */
export const CANNOT_PASS =
  "pulumi policy analyze --json records violations only, not which resources passed, so its absence of violations " +
  'is not a pass (see "Not carried by this input"); `phi-channels review` on a `pulumi stack export` records every result';

export type EngineEventsKind = "event-log" | "policy-analyze";

/** A refusal of the output as a whole (a line's problem is an EventLogError naming the line). */
export class PolicyAnalyzeError extends Error {
  constructor(message: string) {
    super(`pulumi policy analyze output: ${message}`);
    this.name = "PolicyAnalyzeError";
  }
}

const RESOURCE_EVENTS = ["resourcePreEvent", "resOutputsEvent", "resOpFailedEvent"];
const ANALYZE_EVENTS = new Set(["policyEvent", "policyRemediationEvent", "summaryEvent"]);
const kindsOf = (e: EngineEvent) => Object.keys(e).filter((k) => k !== "sequence" && k !== "timestamp");

/**
 * Which engine event stream this is: a preview/update event log (it has a prelude or resource events) or
 * `pulumi policy analyze --json` (a summaryEvent and only policy events besides). Undefined for neither.
 */
export function engineEventsKind(events: EngineEvent[]): EngineEventsKind | undefined {
  if (events.some((e) => isObj(e.preludeEvent) || RESOURCE_EVENTS.some((k) => isObj(e[k])))) {
    return "event-log";
  }
  const kinds = events.flatMap(kindsOf);
  if (kinds.includes("summaryEvent") && kinds.every((k) => ANALYZE_EVENTS.has(k))) return "policy-analyze";
  return undefined;
}

export interface PolicyAnalyzeOptions {
  /** Full metadata for packs we know (ours), merged over the names seen. */
  knownPacks?: PolicyPackInfo[];
  policyConfig?: PolicyRun["policyConfig"];
  gitCommit?: string;
  programFile?: string;
  toolVersions?: Record<string, string>;
  /** Project and stack, when no event names a resource (no violation). */
  project?: string;
  stack?: string;
}

export function parsePolicyAnalyze(text: string, options: PolicyAnalyzeOptions = {}): PolicyRun {
  const events = engineEvents(text);
  if (events.length === 0) {
    throw new PolicyAnalyzeError(
      "the file holds no events. `pulumi policy analyze --json` writes none when the stack has no resources " +
        "(it says so on stderr) or when it failed before analysing; pass the output of a finished run",
    );
  }
  const packs = new Map<
    string,
    { version: string; versionTag?: string; policies: Map<string, PolicyInfo> }
  >();
  const pack = (name: string, version?: string, versionTag?: string) => {
    let p = packs.get(name);
    if (!p) {
      p = { version: "unknown", policies: new Map() };
      packs.set(name, p);
    }
    if (version && p.version === "unknown") p.version = version.replace(/^v(?=\d)/, "");
    if (versionTag && !p.versionTag) p.versionTag = versionTag;
    return p;
  };
  const diagnostics: Diagnostic[] = [];
  const urns = new Set<string>();
  let summary: Record<string, unknown> | undefined;
  let firstTimestamp = Infinity;
  for (const { line: n, event } of events) {
    firstTimestamp = Math.min(firstTimestamp, event.timestamp);
    if (isObj(event.policyEvent)) {
      const d = policyEventDiagnostic(event.policyEvent, n, (name, version, versionTag, policy, severity) => {
        const p = pack(name, version, versionTag);
        p.policies.set(policy, {
          ...(p.policies.get(policy) ?? { name: policy }),
          ...(severity ? { severity } : {}),
        });
        return p.version;
      });
      if (d.urn && parseUrn(d.urn)) urns.add(d.urn);
      diagnostics.push(d);
    }
    if (isObj(event.policyRemediationEvent)) {
      const ev = event.policyRemediationEvent;
      const name = typeof ev.policyPackName === "string" ? ev.policyPackName : undefined;
      const policy = typeof ev.policyName === "string" ? ev.policyName : undefined;
      const urn = typeof ev.resourceUrn === "string" ? ev.resourceUrn : undefined;
      if (!name || !policy || !urn) {
        throw new EventLogError(
          n,
          "policyRemediationEvent needs string policyPackName, policyName and resourceUrn, as `pulumi policy analyze --json` writes them",
        );
      }
      const p = pack(name, typeof ev.policyPackVersion === "string" ? ev.policyPackVersion : undefined);
      if (!p.policies.has(policy)) p.policies.set(policy, { name: policy });
      if (parseUrn(urn)) urns.add(urn);
      // Names only: the before/after values may be sensitive (the CLI masks secrets, not everything else).
      const before = isObj(ev.before) ? ev.before : {};
      const after = isObj(ev.after) ? ev.after : {};
      const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])]
        .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
        .sort(compareStrings);
      diagnostics.push({
        policyPackName: name,
        policyPackVersion: p.version,
        policyName: policy,
        message:
          "the policy would remediate this resource (pulumi policy analyze does not change the state)" +
          (changed.length > 0 ? `; properties it would change: ${changed.join(", ")}` : ""),
        enforcementLevel: "remediate",
        urn,
      });
    }
    if (isObj(event.summaryEvent)) summary = event.summaryEvent;
  }
  if (!summary) {
    throw new PolicyAnalyzeError(
      "no summaryEvent, so `pulumi policy analyze` was cut short (a finished run always ends with one); run it again and let it finish",
    );
  }
  const pp = isObj(summary.PolicyPacks)
    ? summary.PolicyPacks
    : isObj(summary.policyPacks)
      ? summary.policyPacks
      : {};
  for (const [name, version] of Object.entries(pp)) {
    if (typeof version === "string") pack(name, version);
  }
  for (const d of diagnostics) d.policyPackVersion = packs.get(d.policyPackName)!.version;

  const parsed = [...urns].sort(compareStrings).map((u) => parseUrn(u)!);
  const project = parsed[0]?.project ?? options.project;
  const stack = parsed[0]?.stack ?? options.stack;
  if (!project || !stack) {
    throw new PolicyAnalyzeError(
      "no event names a resource (no violation), so the project and stack are unknown; pass --project <name> and --stack <name>",
    );
  }
  if (parsed.some((u) => u.project !== project || u.stack !== stack)) {
    throw new PolicyAnalyzeError(
      "the events name resources of more than one stack; pass the output of one run",
    );
  }
  if (options.project && options.project !== project) {
    throw new PolicyAnalyzeError(
      `--project "${options.project}" disagrees with the resources' project "${project}"`,
    );
  }
  if (options.stack && options.stack !== stack) {
    throw new PolicyAnalyzeError(`--stack "${options.stack}" disagrees with the resources' stack "${stack}"`);
  }

  for (const known of options.knownPacks ?? []) {
    const p = packs.get(known.name);
    if (!p) continue;
    for (const info of known.policies) {
      const seen = p.policies.get(info.name);
      p.policies.set(info.name, {
        ...info,
        ...(seen?.severity && !info.severity ? { severity: seen.severity } : {}),
      });
    }
  }
  const mandatory = diagnostics.some((d) => d.enforcementLevel === "mandatory");
  // A failed result with no mandatory violation means the analysis itself stopped on an error.
  const failedRun = summary.result === "failed" && !mandatory;
  return {
    source: "policy-analyze",
    operation: "analyze",
    project,
    stack,
    timestamp: new Date((Number.isFinite(firstTimestamp) ? firstTimestamp : 0) * 1000).toISOString(),
    ...(options.gitCommit ? { gitCommit: options.gitCommit } : {}),
    packs: [...packs.entries()]
      .map(([name, p]) => ({
        name,
        version: p.version,
        ...(p.versionTag ? { versionTag: p.versionTag } : {}),
        policies: [...p.policies.values()].sort((a, b) => compareStrings(a.name, b.name)),
      }))
      .sort((a, b) => compareStrings(a.name, b.name)),
    policyConfig: options.policyConfig ?? {},
    resources: [...urns].sort(compareStrings).map((urn) => {
      const u = parseUrn(urn)!;
      return { urn, type: u.type, name: u.name };
    }),
    diagnostics,
    outcomes: [],
    toolVersions: options.toolVersions ?? {},
    ...(options.programFile ? { programFile: options.programFile } : {}),
    notCarried: NOT_CARRIED,
    cannotPass: failedRun
      ? "pulumi policy analyze reported its run as failed without a mandatory violation: the analysis stopped on an error (see its stderr)"
      : CANNOT_PASS,
  };
}
