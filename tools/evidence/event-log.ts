/**
 * `pulumi preview|up --event-log <file>` (NDJSON, one engine event per line) → PolicyRun.
 *
 * Used: preludeEvent, policyEvent, policyAnalyzeSummaryEvent, policyAnalyzeStackSummaryEvent,
 * policyRemediateSummaryEvent, summaryEvent, and the URNs/`planning` flag of resource events. Other kinds
 * and unknown fields are ignored. The stack config in preludeEvent is NOT copied (it may hold secrets).
 */
import { isUndecidedAtPreviewMessage } from "./build";
import { compareStrings } from "./canonical";
import type {
  Diagnostic,
  EnforcementLevel,
  PolicyInfo,
  PolicyOutcome,
  PolicyPackInfo,
  PolicyRun,
} from "./run";
import { HIPAA_PACK } from "./model";
import { parseUrn } from "./urn";

export class EventLogError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`event log line ${line}: ${message}`);
    this.name = "EventLogError";
  }
}

export interface EventLogOptions {
  /** Overrides what the log says (or fails to say) about preview vs update. */
  operation?: "preview" | "update";
  /** Full policy metadata for packs we know (ours), merged over the names seen in the log. */
  knownPacks?: PolicyPackInfo[];
  policyConfig?: PolicyRun["policyConfig"];
  gitCommit?: string;
  programFile?: string;
  toolVersions?: Record<string, string>;
}

/** ANSI escapes and Pulumi's `<{%fg 1%}>` colour directives. */
export function stripColour(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, "").replace(/<\{%[^%]*%\}>/g, "");
}

const LEVELS: Record<string, EnforcementLevel> = {
  warning: "advisory",
  advisory: "advisory",
  mandatory: "mandatory",
  remediate: "remediate",
  disabled: "disabled",
};

type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);
/** One line of an engine event stream: its number, its time (Unix seconds) and one event kind. */
export type EngineEvent = Obj & { sequence: number; timestamp: number };

function str(ev: Obj, kind: string, field: string, line: number, optional = false): string | undefined {
  const v = ev[field];
  if (v === undefined && optional) return undefined;
  if (typeof v !== "string") {
    throw new EventLogError(
      line,
      `${kind}.${field} is ${JSON.stringify(v) ?? "missing"}; expected a string as written by \`pulumi --event-log\``,
    );
  }
  return v;
}

function names(ev: Obj, kind: string, field: string, line: number): string[] {
  const v = ev[field];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    throw new EventLogError(
      line,
      `${kind}.${field} is ${JSON.stringify(v)}; expected an array of policy names`,
    );
  }
  return v.map((x) => {
    if (typeof x === "string") return x;
    // Tolerate `{name}` objects some engine versions might write.
    if (isObj(x) && typeof x.name === "string") return x.name;
    if (isObj(x) && typeof x.policyName === "string") return x.policyName;
    throw new EventLogError(line, `${kind}.${field} holds ${JSON.stringify(x)}; expected policy names`);
  });
}

/**
 * The engine events of an NDJSON file (`--event-log`, `pulumi policy analyze --json`), one per non-empty line,
 * each checked to be an object with a sequence number and a timestamp. Never echoes a line back.
 */
export function engineEvents(text: string): Array<{ line: number; event: EngineEvent }> {
  const out: Array<{ line: number; event: EngineEvent }> = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    const raw = lines[i].trim();
    if (raw === "") continue;
    let event: unknown;
    try {
      event = JSON.parse(raw);
    } catch {
      // The parser's message quotes the input; a binary or secret-bearing file must not be echoed back.
      throw new EventLogError(
        n,
        `not valid JSON${looksBinary(raw) ? " (the file looks binary)" : ""}; every line must be one engine event from \`pulumi preview --event-log <file>\``,
      );
    }
    if (!isObj(event)) {
      throw new EventLogError(
        n,
        `expected a JSON object (an engine event), found ${Array.isArray(event) ? "an array" : event === null ? "null" : `a ${typeof event}`}`,
      );
    }
    if (typeof event.sequence !== "number") {
      throw new EventLogError(
        n,
        `"sequence" is ${JSON.stringify(event.sequence) ?? "missing"}; expected a number`,
      );
    }
    if (typeof event.timestamp !== "number") {
      throw new EventLogError(
        n,
        `"timestamp" is ${JSON.stringify(event.timestamp) ?? "missing"}; expected Unix seconds (a number)`,
      );
    }
    out.push({ line: n, event: event as EngineEvent });
  }
  return out;
}

/** The diagnostic of one `policyEvent` (its pack and policy recorded through `seen`). */
export function policyEventDiagnostic(
  ev: Obj,
  n: number,
  seen: (
    pack: string,
    version: string | undefined,
    versionTag: string | undefined,
    policy: string,
    severity?: string,
  ) => string,
): Diagnostic {
  const k = "policyEvent";
  const policyName = str(ev, k, "policyName", n)!;
  const packName = str(ev, k, "policyPackName", n)!;
  const level = str(ev, k, "enforcementLevel", n)!;
  const enforcementLevel = LEVELS[level];
  if (!enforcementLevel) {
    throw new EventLogError(
      n,
      `policyEvent.enforcementLevel is "${level}"; expected "warning", "mandatory" or "remediate"`,
    );
  }
  const urn = str(ev, k, "resourceUrn", n, true);
  const severity = typeof ev.severity === "string" && ev.severity !== "" ? ev.severity : undefined;
  const version = seen(
    packName,
    str(ev, k, "policyPackVersion", n, true),
    str(ev, k, "policyPackVersionTag", n, true),
    policyName,
    severity,
  );
  const message = stripColour(str(ev, k, "message", n)!).trim();
  return {
    policyPackName: packName,
    policyPackVersion: version,
    policyName,
    message,
    enforcementLevel,
    ...(severity ? { severity } : {}),
    ...(urn ? { urn } : {}),
    ...(enforcementLevel === "advisory" && isUndecidedAtPreviewMessage(message)
      ? { undecidedAtPreview: true }
      : {}),
  };
}

export function parseEventLog(text: string, options: EventLogOptions = {}): PolicyRun {
  const packs = new Map<
    string,
    { version: string; versionTag?: string; policies: Map<string, PolicyInfo> }
  >();
  const pack = (name: string, version: string | undefined, versionTag?: string) => {
    let p = packs.get(name);
    if (!p) {
      p = { version: version ?? "unknown", versionTag, policies: new Map() };
      packs.set(name, p);
    }
    if (version && p.version === "unknown") p.version = version;
    if (versionTag && !p.versionTag) p.versionTag = versionTag;
    return p;
  };
  const seenPolicy = (packName: string, policy: string, patch: Partial<PolicyInfo> = {}) => {
    const p = pack(packName, undefined);
    const info = p.policies.get(policy) ?? { name: policy };
    p.policies.set(policy, { ...info, ...patch });
  };

  const urns = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  const outcomes = new Map<string, PolicyOutcome>();
  let firstTimestamp: number | undefined;
  let sawPrelude = false;
  let planning: boolean | undefined;
  let isPreview: boolean | undefined;
  let events = 0;
  let sawSummary = false;
  const mustBeAnswered = new Set<string>();
  const answered = new Set<string>();

  const outcome = (packName: string, urn: string | undefined) => {
    const k = `${packName}\u0000${urn ?? ""}`;
    let o = outcomes.get(k);
    if (!o) {
      o = { policyPackName: packName, ...(urn ? { urn } : {}), passed: [], failed: [], notApplicable: [] };
      outcomes.set(k, o);
    }
    return o;
  };
  const addUrn = (u: unknown) => {
    if (typeof u === "string" && parseUrn(u)) urns.add(u);
  };

  for (const { line: n, event } of engineEvents(text)) {
    events++;
    if (firstTimestamp === undefined || event.timestamp < firstTimestamp) firstTimestamp = event.timestamp;

    if (isObj(event.preludeEvent)) {
      sawPrelude = true;
      // Not in the apitype today; honoured if an engine ever writes it.
      if (typeof event.preludeEvent.isPreview === "boolean") isPreview = event.preludeEvent.isPreview;
    }
    for (const kind of ["resourcePreEvent", "resOutputsEvent", "resOpFailedEvent"]) {
      const ev = event[kind];
      if (!isObj(ev)) continue;
      if (isObj(ev.metadata)) {
        addUrn(ev.metadata.urn);
        const meta = ev.metadata;
        const state = isObj(meta.new) ? meta.new : isObj(meta.old) ? meta.old : undefined;
        // The engine analyses every resource it registers; custom resources (`custom: true`) must each have
        // a policyAnalyzeSummaryEvent from the pack. Deletes, reads and refreshes are not analysed.
        // Provider resources are left out: no policy of ours judges them.
        if (
          typeof meta.urn === "string" &&
          state?.custom === true &&
          !(typeof meta.type === "string" && meta.type.startsWith("pulumi:providers:")) &&
          typeof meta.op === "string" &&
          ANALYSED_OPS.has(meta.op)
        )
          mustBeAnswered.add(meta.urn);
      }
      if (kind !== "resOpFailedEvent") planning = (planning ?? false) || ev.planning === true;
    }
    if (isObj(event.diagnosticEvent)) addUrn(event.diagnosticEvent.urn);

    if (isObj(event.policyEvent)) {
      const d = policyEventDiagnostic(
        event.policyEvent,
        n,
        (packName, version, versionTag, policy, severity) => {
          pack(packName, version, versionTag);
          seenPolicy(packName, policy, severity ? { severity } : {});
          return packs.get(packName)!.version;
        },
      );
      if (d.urn) addUrn(d.urn);
      diagnostics.push(d);
    }
    for (const k of [
      "policyAnalyzeSummaryEvent",
      "policyAnalyzeStackSummaryEvent",
      "policyRemediateSummaryEvent",
    ]) {
      const ev = event[k];
      if (!isObj(ev)) continue;
      const packName = str(ev, k, "policyPackName", n)!;
      pack(packName, str(ev, k, "policyPackVersion", n, true), str(ev, k, "policyPackVersionTag", n, true));
      const urn = k === "policyAnalyzeStackSummaryEvent" ? undefined : str(ev, k, "resourceUrn", n, true);
      if (urn) addUrn(urn);
      if (urn && k === "policyAnalyzeSummaryEvent") answered.add(`${packName}\u0000${urn}`);
      const o = outcome(packName, urn);
      for (const p of names(ev, k, "passed", n)) {
        seenPolicy(packName, p);
        o.passed.push(p);
      }
      for (const p of names(ev, k, "failed", n)) {
        seenPolicy(packName, p);
        o.failed.push(p);
      }
    }
    if (isObj(event.summaryEvent)) {
      sawSummary = true;
      const ev = event.summaryEvent;
      if (typeof ev.isPreview === "boolean") isPreview = ev.isPreview;
      // Pascal-cased in the engine's JSON ("PolicyPacks"); maps pack name → version.
      const pp = isObj(ev.PolicyPacks) ? ev.PolicyPacks : isObj(ev.policyPacks) ? ev.policyPacks : undefined;
      for (const [name, version] of Object.entries(pp ?? {})) {
        if (typeof version === "string") pack(name, version.replace(/^v(?=\d)/, ""));
      }
    }
  }

  if (events === 0)
    throw new EventLogError(
      0,
      "the file holds no events; pass the file written by `pulumi preview --event-log <file>`",
    );
  if (!sawSummary) {
    throw new EventLogError(
      0,
      "the log has no summaryEvent, so the preview or update was cut short or interrupted (a finished run always " +
        "ends with one; the cancelEvent every stream ends with proves nothing); run `pulumi preview --policy-pack " +
        "<pack> --event-log <file>` again and let it finish",
    );
  }
  const parsed = [...urns].map(parseUrn).find((u) => u !== undefined);
  if (!parsed) {
    throw new EventLogError(
      0,
      "no resource URN in the log, so project and stack are unknown; pass the complete log of a preview or update",
    );
  }
  const operation =
    options.operation ??
    (isPreview !== undefined
      ? isPreview
        ? "preview"
        : "update"
      : planning !== undefined
        ? planning
          ? "preview"
          : "update"
        : undefined);
  if (!operation) {
    throw new EventLogError(
      0,
      `cannot tell preview from update (${sawPrelude ? "no resource events" : "no prelude or resource events"}); pass --operation preview|update`,
    );
  }

  // Merge our full metadata over the names seen.
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

  const packList: PolicyPackInfo[] = [...packs.entries()]
    .map(([name, p]) => ({
      name,
      version: p.version,
      ...(p.versionTag ? { versionTag: p.versionTag } : {}),
      policies: [...p.policies.values()].sort((a, b) => compareStrings(a.name, b.name)),
    }))
    .sort((a, b) => compareStrings(a.name, b.name));
  for (const d of diagnostics) d.policyPackVersion = packs.get(d.policyPackName)!.version;

  return {
    source: "event-log",
    operation,
    project: parsed.project,
    stack: parsed.stack,
    timestamp: new Date(firstTimestamp! * 1000).toISOString(),
    ...(options.gitCommit ? { gitCommit: options.gitCommit } : {}),
    packs: packList,
    policyConfig: options.policyConfig ?? {},
    resources: [...urns].sort(compareStrings).map((urn) => {
      const u = parseUrn(urn)!;
      return { urn, type: u.type, name: u.name };
    }),
    diagnostics,
    outcomes: [...outcomes.values()],
    toolVersions: options.toolVersions ?? {},
    ...(options.programFile ? { programFile: options.programFile } : {}),
    notAnalysed: [...mustBeAnswered]
      .filter((urn) => parseUrn(urn) && packs.has(HIPAA_PACK) && !answered.has(`${HIPAA_PACK}\u0000${urn}`))
      .sort(compareStrings)
      .map((urn) => {
        const u = parseUrn(urn)!;
        return {
          urn,
          type: u.type,
          name: u.name,
          reason: `${HIPAA_PACK} never answered for it: the log has no policyAnalyzeSummaryEvent for this resource (Pulumi CLI older than v3.197.0, or the run was cut short)`,
        };
      }),
  };
}

/** Engine step ops whose resources go through Analyze. */
const ANALYSED_OPS: ReadonlySet<string> = new Set([
  "same",
  "create",
  "update",
  "replace",
  "create-replacement",
  "import",
  "import-replacement",
]);

/** NUL or other C0 control characters (tab excepted) mean the line is not text. */
function looksBinary(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0008\u000e-\u001f\ufffd]/.test(text);
}
