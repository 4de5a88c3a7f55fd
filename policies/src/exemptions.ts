/**
 * Exemptions with a reason, a ticket, an approver and an expiry date, declared in the config of the policy
 * they exempt (so each names exactly one policy and can never cover all policies):
 *
 *   "phi-ingress-allowlisted-ports": { "exemptions": [{ "resource": "legacy-sftp-sg", "reason": "…",
 *     "ticket": "SEC-123", "expires": "2026-09-30", "approvedBy": "jane.doe@example.com" }] }
 *
 * {@link withExemptions} wraps a policy without touching its file:
 * - its configSchema gains `exemptions` and `allowBroadExemptions` (the CLI and the offline check validate
 *   them with the same schema);
 * - a finding on a resource a valid exemption matches is reported as advisory with the note from
 *   exemptions-format.ts in front while the exemption is in effect, and at the policy's own level with an
 *   "expired" note afterwards;
 * - it also becomes a stack policy (the server runs `validateResource` in Analyze and `validateStack` in
 *   AnalyzeStack independently), which checks its own exemptions against the whole stack: malformed, too
 *   broad or matching no resource is a mandatory violation, expired is an advisory reminder. Each policy
 *   checks only its own config, so nothing is shared between calls or across Configure.
 *
 * Invalid exemptions never suppress anything (fail closed). There is deliberately no resource-tag form: the
 * person changing a resource could exempt it in the same change, without the review the central policy
 * config gets (docs/exemptions.md).
 */
import type {
  PolicyConfigSchema,
  PolicyResource,
  ReportViolation,
  ResourceValidation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import {
  APPROVER_PATTERN,
  DATE_PATTERN,
  daysBetween,
  type Exemption,
  type ExemptionStatus,
  formatExempted,
  isCalendarDate,
  REASON_PATTERN,
  statusOn,
  TICKET_PATTERN,
  utcDay,
} from "./exemptions-format";
import { withoutStackTrace } from "./not-applicable";

export const EXEMPTIONS_OPTION = "exemptions";
export const ALLOW_BROAD_OPTION = "allowBroadExemptions";
export const MAX_DAYS_OPTION = "maxExemptionDays";
/** How far ahead an exemption may expire unless the policy's config says otherwise. */
export const DEFAULT_MAX_EXEMPTION_DAYS = 365;

/** The `exemptions` option every policy's configSchema gets (one shared object). */
export const exemptionsSchema = {
  type: "array",
  description:
    "Accepted violations of this policy, each for one resource (its name, or a URN pattern where * matches any characters), with a reason, a ticket, an approver and the last day (UTC) it is in effect. An exempted violation is reported as advisory until then, and at the policy's level afterwards.",
  default: [],
  items: {
    type: "object",
    additionalProperties: false,
    required: ["resource", "reason", "ticket", "expires", "approvedBy"],
    properties: {
      resource: {
        type: "string",
        minLength: 1,
        maxLength: 1024,
        description:
          'Resource name, or URN pattern "urn:pulumi:<stack>::<project>::<type>::<name>" with * wildcards.',
      },
      reason: {
        type: "string",
        minLength: 10,
        maxLength: 500,
        pattern: REASON_PATTERN,
        description: "Why the violation is accepted (one line).",
      },
      ticket: {
        type: "string",
        maxLength: 300,
        pattern: TICKET_PATTERN,
        description: "Tracking ticket: a key such as SEC-123, or an https URL.",
      },
      expires: {
        type: "string",
        pattern: DATE_PATTERN,
        description: "Last day the exemption is in effect (UTC), YYYY-MM-DD.",
      },
      approvedBy: {
        type: "string",
        minLength: 2,
        maxLength: 200,
        pattern: APPROVER_PATTERN,
        description: "Who approved it (name or e-mail; no parentheses or commas).",
      },
    },
  },
} as const;

export const allowBroadExemptionsSchema = {
  type: "boolean",
  description:
    'Allow exemptions whose resource matches every resource ("*", or a URN pattern whose name is only wildcards). Off by default: such an exemption switches the policy off.',
  default: false,
} as const;

export const maxExemptionDaysSchema = {
  type: "integer",
  minimum: 1,
  maximum: 3650,
  description:
    "Longest time ahead, in days from the day of the run (UTC), an exemption's expires may lie. An exemption expiring later is refused and exempts nothing. Default 365.",
  default: DEFAULT_MAX_EXEMPTION_DAYS,
} as const;

/** A policy's configSchema plus the exemption options. */
export function schemaWithExemptions(schema: PolicyConfigSchema | undefined): PolicyConfigSchema {
  const properties = { ...(schema?.properties ?? {}) };
  for (const key of [EXEMPTIONS_OPTION, ALLOW_BROAD_OPTION, MAX_DAYS_OPTION]) {
    if (key in properties) throw new Error(`configSchema already declares "${key}"`);
  }
  return {
    ...schema,
    properties: {
      ...properties,
      [EXEMPTIONS_OPTION]: exemptionsSchema as never,
      [ALLOW_BROAD_OPTION]: allowBroadExemptionsSchema,
      [MAX_DAYS_OPTION]: maxExemptionDaysSchema,
    },
  };
}

// ---- clock ----------------------------------------------------------------------------------------------

let clock: () => Date = () => new Date();

/**
 * Fixes "now" for tests. Deliberately not an environment variable: whoever runs `pulumi preview` controls
 * the environment and could keep expired exemptions alive.
 */
export function setExemptionClockForTesting(now: (() => Date) | undefined): void {
  clock = now ?? (() => new Date());
}

export function today(): string {
  return utcDay(clock());
}

// ---- matching ---------------------------------------------------------------------------------------------

const URN_PREFIX = "urn:pulumi:";

export type Matcher =
  | { kind: "name"; name: string }
  | { kind: "urn"; pattern: RegExp }
  | { kind: "broad" }
  | { kind: "malformed"; problem: string };

/** Parses `resource`: an exact name, a URN pattern, one that matches everything, or malformed. */
export function matcherOf(resource: string): Matcher {
  if (typeof resource !== "string" || resource.trim() === "")
    return { kind: "malformed", problem: "resource is empty; name one resource or a URN pattern" };
  if (/\s/.test(resource))
    return { kind: "malformed", problem: "resource contains whitespace; use the exact name or URN" };
  if (/^\*+$/.test(resource)) return { kind: "broad" };
  if (!resource.startsWith(URN_PREFIX)) {
    if (resource.includes("*"))
      return {
        kind: "malformed",
        problem:
          'resource is a name with a wildcard; wildcards are only allowed in URN patterns ("urn:pulumi:<stack>::<project>::<type>::<name>")',
      };
    return { kind: "name", name: resource };
  }
  const rest = resource.slice(URN_PREFIX.length);
  if (/^[*:]*$/.test(rest)) return { kind: "broad" };
  const parts = rest.split("::");
  if (parts.length < 4 || parts.slice(0, 3).some((p) => p === "") || parts.slice(3).join("::") === "")
    return {
      kind: "malformed",
      problem:
        'resource is not a URN pattern of the form "urn:pulumi:<stack>::<project>::<type>::<name>" (use * for any part)',
    };
  if (/^\*+$/.test(parts.slice(3).join("::"))) return { kind: "broad" };
  const source = resource
    .split("*")
    .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return { kind: "urn", pattern: new RegExp(`^${source}$`) };
}

/** True when the matcher selects the resource. A "broad" matcher selects everything. */
export function matches(m: Matcher, urn: string, name: string): boolean {
  switch (m.kind) {
    case "name":
      return name === m.name;
    case "urn":
      return m.pattern.test(urn);
    case "broad":
      return true;
    case "malformed":
      return false;
  }
}

// ---- reading config ---------------------------------------------------------------------------------------

export interface CheckedExemption {
  index: number;
  exemption: Exemption;
  matcher: Matcher;
  /** Problems that make it invalid (it then suppresses nothing). */
  problems: string[];
  broad: boolean;
}

const FIELDS: (keyof Exemption)[] = ["resource", "reason", "ticket", "expires", "approvedBy"];
const PATTERNS: Partial<Record<keyof Exemption, string>> = {
  reason: REASON_PATTERN,
  ticket: TICKET_PATTERN,
  expires: DATE_PATTERN,
  approvedBy: APPROVER_PATTERN,
};

/** The configured horizon, or the default when unset or not a positive integer. */
export function maxExemptionDaysOf(config: Record<string, unknown>): number {
  const v = config[MAX_DAYS_OPTION];
  return typeof v === "number" && Number.isInteger(v) && v >= 1 ? v : DEFAULT_MAX_EXEMPTION_DAYS;
}

/**
 * The exemptions in a policy's config, each checked. The CLI has validated the schema already; this checks
 * it again (config can reach the pack unvalidated) and adds what a schema cannot express: a real calendar
 * date, a well-formed URN pattern, breadth, and (given the day of the run) an expiry no further ahead
 * than maxExemptionDays.
 */
export function readExemptions(
  config: Record<string, unknown>,
  day?: string,
): {
  exemptions: CheckedExemption[];
  allowBroad: boolean;
  problems: string[];
} {
  const raw = config[EXEMPTIONS_OPTION];
  const allowBroad = config[ALLOW_BROAD_OPTION] === true;
  const maxDays = maxExemptionDaysOf(config);
  if (raw === undefined || raw === null) return { exemptions: [], allowBroad, problems: [] };
  if (!Array.isArray(raw))
    return {
      exemptions: [],
      allowBroad,
      problems: [
        "exemptions is not a list; write exemptions: [{ resource, reason, ticket, expires, approvedBy }]",
      ],
    };
  const exemptions = raw.map((item, index): CheckedExemption => {
    const problems: string[] = [];
    const e = (item && typeof item === "object" ? item : {}) as Record<string, unknown>;
    for (const f of FIELDS) {
      const v = e[f];
      if (typeof v !== "string" || v === "") problems.push(`${f} is missing; add it`);
      else if (PATTERNS[f] && !new RegExp(PATTERNS[f]!).test(v))
        problems.push(`${f} does not match ${PATTERNS[f]}`);
    }
    if (typeof e.reason === "string" && e.reason.length < 10)
      problems.push("reason is shorter than 10 characters; say why the violation is accepted");
    for (const k of Object.keys(e))
      if (!(FIELDS as string[]).includes(k)) problems.push(`${k} is not an exemption field; remove it`);
    if (
      typeof e.expires === "string" &&
      new RegExp(DATE_PATTERN).test(e.expires) &&
      !isCalendarDate(e.expires)
    )
      problems.push(`expires "${e.expires}" is not a calendar date; use a real day as YYYY-MM-DD`);
    else if (day !== undefined && typeof e.expires === "string" && isCalendarDate(e.expires)) {
      const ahead = daysBetween(day, e.expires);
      if (ahead > maxDays)
        problems.push(
          `expires "${e.expires}" is ${ahead} days after ${day}, more than maxExemptionDays (${maxDays}); choose an expiry at most ${maxDays} days ahead and renew it with a new approval, or raise maxExemptionDays in this policy's config`,
        );
    }
    const matcher = matcherOf(typeof e.resource === "string" ? e.resource : "");
    if (matcher.kind === "malformed" && typeof e.resource === "string") problems.push(matcher.problem);
    const broad = matcher.kind === "broad";
    if (broad && !allowBroad)
      problems.push(
        `resource "${String(e.resource)}" matches every resource, which switches the policy off; name one resource, or set allowBroadExemptions: true if that is really approved`,
      );
    return { index, exemption: e as unknown as Exemption, matcher, problems, broad };
  });
  return { exemptions, allowBroad, problems: [] };
}

/** Label for messages: position and ticket (config values, never resource property values). */
function label(c: CheckedExemption): string {
  const t = typeof c.exemption.ticket === "string" ? ` (${c.exemption.ticket})` : "";
  return `exemptions[${c.index}]${t}`;
}

/**
 * The exemption that applies to a resource: valid ones only; an active one wins over an expired one, then
 * the latest expiry, then the first declared.
 */
export function exemptionFor(
  list: readonly CheckedExemption[],
  urn: string,
  name: string,
  day: string,
): { exemption: Exemption; status: ExemptionStatus } | undefined {
  let best: { exemption: Exemption; status: ExemptionStatus } | undefined;
  for (const c of list) {
    if (c.problems.length > 0 || !matches(c.matcher, urn, name)) continue;
    const status = statusOn(c.exemption.expires, day);
    if (
      !best ||
      (status === "active" && best.status === "expired") ||
      (status === best.status && c.exemption.expires > best.exemption.expires)
    )
      best = { exemption: c.exemption, status };
  }
  return best;
}

// ---- reporting ------------------------------------------------------------------------------------------

type ObjectReport = (v: { message: string; urn?: string; enforcementLevel?: string }) => void;

/**
 * A reportViolation that puts the exemption note in front of findings on exempted resources: advisory
 * while in effect, unchanged level once expired. `resolve` finds the resource (name) a finding is about.
 */
export function exemptingReporter(
  report: ReportViolation,
  description: string,
  list: readonly CheckedExemption[],
  day: string,
  resolve: (urn: string | undefined) => { urn: string; name: string } | undefined,
): ReportViolation {
  const asObject = report as unknown as ObjectReport;
  const fn = (message: unknown, urn?: string): void => {
    const isObject = message !== null && typeof message === "object";
    const obj = (isObject ? message : {}) as { message?: string; urn?: string; enforcementLevel?: string };
    const targetUrn = isObject ? obj.urn : urn;
    const target = resolve(targetUrn);
    const found = target && exemptionFor(list, target.urn, target.name, day);
    if (!found) {
      (report as unknown as (m: unknown, u?: string) => void)(message, urn);
      return;
    }
    let text = isObject ? (obj.message ?? "") : typeof message === "string" ? message : "";
    if (isObject && text.startsWith(`${description}\n`)) text = text.slice(description.length + 1);
    const noted = formatExempted(found.exemption, found.status, text);
    if (found.status === "active") {
      asObject({ ...obj, message: `${description}\n${noted}`, urn: targetUrn, enforcementLevel: "advisory" });
    } else if (isObject) {
      asObject({ ...obj, message: `${description}\n${noted}` });
    } else {
      report(noted, urn);
    }
  };
  return fn as ReportViolation;
}

/** Checks a policy's exemptions against the stack and reports problems (see the module comment). */
export function reportExemptionProblems(
  config: Record<string, unknown>,
  resources: readonly PolicyResource[],
  report: ReportViolation,
  description: string,
  day: string,
): void {
  const { exemptions, problems } = readExemptions(config, day);
  const asObject = report as unknown as ObjectReport;
  const mandatory = (m: string) =>
    asObject({ message: `${description}\n${m}`, enforcementLevel: "mandatory" });
  for (const p of problems) mandatory(`invalid exemption config: ${p}`);
  for (const c of exemptions) {
    if (c.problems.length > 0) {
      mandatory(`${label(c)} is invalid and exempts nothing: ${c.problems.join("; ")}`);
      continue;
    }
    if (!resources.some((r) => matches(c.matcher, r.urn, r.name))) {
      mandatory(
        `${label(c)} for resource "${c.exemption.resource}" matches no resource in this stack; remove it, or correct the name or URN pattern`,
      );
      continue;
    }
    if (statusOn(c.exemption.expires, day) === "expired") {
      asObject({
        message: `${description}\n${label(c)} expired on ${c.exemption.expires}; the violations it covered are enforced again. Remove it, or renew it with a new approval.`,
        enforcementLevel: "advisory",
      });
    }
  }
}

// ---- wrapping ---------------------------------------------------------------------------------------------

type PackPolicy = ResourceValidationPolicy | StackValidationPolicy;

/** The policy's config without the exemption options (what the wrapped policy itself reads). */
function ownConfig(all: Record<string, unknown>): Record<string, unknown> {
  const { [EXEMPTIONS_OPTION]: _e, [ALLOW_BROAD_OPTION]: _a, [MAX_DAYS_OPTION]: _m, ...rest } = all ?? {};
  return rest;
}

function configOf(args: { getConfig<T extends object>(): T }): Record<string, unknown> {
  return (args.getConfig<Record<string, unknown>>() ?? {}) as Record<string, unknown>;
}

function wrapResourceValidation(v: ResourceValidation, description: string): ResourceValidation {
  return (args: ResourceValidationArgs, report: ReportViolation) => {
    const config = configOf(args);
    const day = today();
    const { exemptions } = readExemptions(config, day);
    const inner = {
      ...args,
      notApplicable: withoutStackTrace(args.notApplicable),
      getConfig: <T extends object>() => ownConfig(config) as T,
    };
    if (exemptions.length === 0) return v(inner, report);
    const self = { urn: args.urn, name: args.name };
    return v(
      inner,
      exemptingReporter(report, description, exemptions, day, (u) =>
        u === undefined || u === args.urn ? self : { urn: u, name: nameFromUrn(u) },
      ),
    );
  };
}

/** The last `::` segment of a URN (its name). */
export function nameFromUrn(urn: string): string {
  const parts = urn.split("::");
  return parts.length >= 4 ? parts.slice(3).join("::") : urn;
}

/**
 * The policy with exemptions (see the module comment). Name, description, level, framework and the rest
 * are unchanged; the config schema gains the exemption options.
 */
export function withExemptions<P extends PackPolicy>(policy: P): P {
  const description = policy.description;
  const innerStack = (policy as StackValidationPolicy).validateStack;
  const innerResource = (policy as ResourceValidationPolicy).validateResource;

  const validateStack = async (args: StackValidationArgs, report: ReportViolation): Promise<void> => {
    const config = configOf(args);
    const day = today();
    reportExemptionProblems(config, args.resources, report, description, day);
    if (!innerStack) return;
    const { exemptions } = readExemptions(config, day);
    const byUrn = new Map(args.resources.map((r) => [r.urn, r]));
    const inner = {
      ...args,
      notApplicable: withoutStackTrace(args.notApplicable),
      getConfig: <T extends object>() => ownConfig(config) as T,
    };
    const reporter =
      exemptions.length === 0
        ? report
        : exemptingReporter(report, description, exemptions, day, (u) => {
            if (u === undefined) return undefined;
            return { urn: u, name: byUrn.get(u)?.name ?? nameFromUrn(u) };
          });
    await innerStack(inner, reporter);
  };

  const wrapped: Record<string, unknown> = {
    ...policy,
    configSchema: schemaWithExemptions(policy.configSchema),
    validateStack,
  };
  if (innerResource) {
    wrapped.validateResource = Array.isArray(innerResource)
      ? innerResource.map((v) => wrapResourceValidation(v, description))
      : wrapResourceValidation(innerResource, description);
  }
  return wrapped as unknown as P;
}
