/**
 * Reads the exemptions in a policy's config. The CLI has validated them already, but config can reach the
 * pack unvalidated, so the pack validates again, with ajv against the very schema object it serves
 * (schema.ts): one definition of what an exemption is. On top it checks what a schema cannot express: a
 * real calendar date, a well-formed URN pattern, breadth, and (given the day of the run) an expiry no
 * further ahead than maxExemptionDays.
 */
import type { ErrorObject, ValidateFunction } from "ajv";
import {
  daysBetween,
  type Exemption,
  type ExemptionStatus,
  isCalendarDate,
  statusOn,
} from "../exemptions-format";
import { type Matcher, matcherOf, matches } from "./match";
import {
  ALLOW_BROAD_OPTION,
  DEFAULT_MAX_EXEMPTION_DAYS,
  EXEMPTIONS_OPTION,
  exemptionsSchema,
  MAX_DAYS_OPTION,
} from "./schema";

export interface CheckedExemption {
  index: number;
  exemption: Exemption;
  matcher: Matcher;
  /** Problems that make it invalid (it then suppresses nothing). */
  problems: string[];
  broad: boolean;
}

const ITEM = exemptionsSchema.items;
/** The fields in the schema's order: problems are listed in this order. */
const FIELDS = Object.keys(ITEM.properties) as (keyof Exemption)[];
const FIELD_LIST = ITEM.required.join(", ");

let validator: ValidateFunction | undefined;

/**
 * ajv's errors for `raw` against exemptionsSchema. ajv is loaded and the schema compiled on first use only:
 * most runs configure no exemptions, and the pack's start stays as fast as it was.
 */
function schemaErrors(raw: unknown): ErrorObject[] {
  if (!validator) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { default: Ajv } = require("ajv") as typeof import("ajv");
    validator = new Ajv({ allErrors: true, strict: true }).compile(exemptionsSchema);
  }
  return validator(raw) ? [] : [...(validator.errors ?? [])];
}

/** A config value for a message (config is not secret), shortened. */
function show(value: unknown): string {
  const s = JSON.stringify(value) ?? String(value);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

const characters = (n: unknown) => `${String(n)} character${n === 1 ? "" : "s"}`;

/** The fix, from the field's own description in the schema: "write why the violation is accepted (one line)". */
function fixFor(field: string): string {
  const d = (ITEM.properties as Record<string, { description: string }>)[field].description.replace(
    /\.$/,
    "",
  );
  return `write ${d[0].toLowerCase()}${d.slice(1)}`;
}

/** Where a problem is listed: the entry's own first, then by field in the schema's order, then unknown fields. */
type Placed =
  | { at: "entry"; problem: string }
  | { at: "field"; field: string; problem: string }
  | { at: "extra"; problem: string };

/** The problem one schema error describes, naming the field, its value and the fix. */
function problemOf(err: ErrorObject, item: unknown): Placed {
  const p = err.params as Record<string, unknown>;
  const field = err.instancePath.split("/")[2];
  if (field === undefined) {
    if (err.keyword === "required") {
      const missing = String(p.missingProperty);
      return { at: "field", field: missing, problem: `${missing} is missing; ${fixFor(missing)}` };
    }
    if (err.keyword === "additionalProperties")
      return { at: "extra", problem: `${String(p.additionalProperty)} is not an exemption field; remove it` };
    const what = err.keyword === "type" ? "is not an object" : (err.message ?? "is invalid");
    return { at: "entry", problem: `the entry ${show(item)} ${what}; write { ${FIELD_LIST} }` };
  }
  const value = show((item as Record<string, unknown>)[field]);
  const what =
    err.keyword === "type"
      ? `is not a ${String(p.type)}`
      : err.keyword === "minLength"
        ? `is shorter than ${characters(p.limit)}`
        : err.keyword === "maxLength"
          ? `is longer than ${characters(p.limit)}`
          : err.keyword === "pattern"
            ? `does not match ${String(p.pattern)}`
            : (err.message ?? "is invalid");
  return { at: "field", field, problem: `${field} ${value} ${what}; ${fixFor(field)}` };
}

/** The schema's problems by entry index (at most one per field), and the fields the schema rejected. */
function schemaProblems(list: unknown[]): Map<number, { problems: string[]; rejected: Set<string> }> {
  const placed = new Map<number, Placed[]>();
  for (const err of schemaErrors(list)) {
    const index = Number(err.instancePath.split("/")[1]);
    placed.set(index, [...(placed.get(index) ?? []), problemOf(err, list[index])]);
  }
  const out = new Map<number, { problems: string[]; rejected: Set<string> }>();
  for (const [index, all] of placed) {
    const byField = new Map<string, string>();
    for (const x of all) if (x.at === "field" && !byField.has(x.field)) byField.set(x.field, x.problem);
    const problems = [
      ...all.filter((x) => x.at === "entry").map((x) => x.problem),
      ...FIELDS.filter((f) => byField.has(f)).map((f) => byField.get(f)!),
      ...all.filter((x) => x.at === "extra").map((x) => x.problem),
    ];
    out.set(index, { problems, rejected: new Set(byField.keys()) });
  }
  return out;
}

/** The configured horizon, or the default when unset or not a positive integer. */
export function maxExemptionDaysOf(config: Record<string, unknown>): number {
  const v = config[MAX_DAYS_OPTION];
  return typeof v === "number" && Number.isInteger(v) && v >= 1 ? v : DEFAULT_MAX_EXEMPTION_DAYS;
}

/** The exemptions in a policy's config, each checked (see the module comment). */
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
  // The CLI sends the schema default, [], for every policy: nothing to validate, so ajv is not loaded.
  if (raw === undefined || raw === null || (Array.isArray(raw) && raw.length === 0))
    return { exemptions: [], allowBroad, problems: [] };
  if (!Array.isArray(raw)) {
    const problems = schemaErrors(raw).map((err) =>
      err.keyword === "type"
        ? `${EXEMPTIONS_OPTION} is not a list; write ${EXEMPTIONS_OPTION}: [{ ${FIELD_LIST} }]`
        : `${EXEMPTIONS_OPTION} ${err.message ?? "is invalid"}; write ${EXEMPTIONS_OPTION}: [{ ${FIELD_LIST} }]`,
    );
    return { exemptions: [], allowBroad, problems };
  }
  const schema = schemaProblems(raw);
  const exemptions = raw.map((item, index): CheckedExemption => {
    const problems = [...(schema.get(index)?.problems ?? [])];
    const rejected = schema.get(index)?.rejected ?? new Set<string>();
    const isEntry = item !== null && typeof item === "object" && !Array.isArray(item);
    const e = (isEntry ? item : {}) as Record<string, unknown>;
    if (!rejected.has("expires") && typeof e.expires === "string") {
      if (!isCalendarDate(e.expires))
        problems.push(`expires "${e.expires}" is not a calendar date; use a real day as YYYY-MM-DD`);
      else if (day !== undefined) {
        const ahead = daysBetween(day, e.expires);
        if (ahead > maxDays)
          problems.push(
            `expires "${e.expires}" is ${ahead} days after ${day}, more than maxExemptionDays (${maxDays}); choose an expiry at most ${maxDays} days ahead and renew it with a new approval, or raise maxExemptionDays in this policy's config`,
          );
      }
    }
    const matcher = matcherOf(typeof e.resource === "string" ? e.resource : "");
    if (matcher.kind === "malformed" && typeof e.resource === "string" && !rejected.has("resource"))
      problems.push(matcher.problem);
    const broad = matcher.kind === "broad";
    if (broad && !allowBroad)
      problems.push(
        `resource "${String(e.resource)}" matches every resource, which switches the policy off; name one resource, or set allowBroadExemptions: true if that is really approved`,
      );
    return { index, exemption: e as unknown as Exemption, matcher, problems, broad };
  });
  return { exemptions, allowBroad, problems: [] };
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
