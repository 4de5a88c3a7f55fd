/**
 * Small helpers every policy uses: reading properties without tripping @pulumi/policy's unknown-value
 * proxy, reporting findings at the right level, and merging config with schema defaults.
 *
 * Why not just read `args.props`? It is a proxy that throws `UnknownValueError` on the first unknown value
 * touched, and @pulumi/policy then replaces the WHOLE result of the policy with one advisory ("can't run
 * during preview"): every mandatory violation decidable from known values would be lost (fail open).
 * Policies therefore unwrap the proxy once (`rawProps`) and test each deciding value with `isUnknown`.
 *
 * Only type imports from @pulumi/policy: this module must stay free of side effects and fast to load.
 */
import type {
  PolicyConfigSchema,
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  StackValidationArgs,
} from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";

/**
 * The sentinels the engine sends for values that are unknown at preview (one per value kind). They equal
 * the constants in `@pulumi/policy/proxy` (a test pins them); copied so this module loads nothing.
 */
export const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set([
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", // boolean
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421", // number
  "04da6b54-80e4-46f7-96ec-b56ff0331ba9", // string
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", // array
  "030794c1-ac77-496b-92df-f27374a8bd58", // asset
  "e48ece36-62e2-4504-bad9-02848725956a", // archive
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff", // object
]);

/** The key `@pulumi/policy/proxy` answers with the proxied object itself. */
export const SPECIAL_PROXY_TARGET = "__getSpecialProxyTarget";

/** Marker for a value that will only be known at `pulumi up`. */
export const UNKNOWN: unique symbol = Symbol("unknown at preview");
export type Unknown = typeof UNKNOWN;

export function isUnknown(value: unknown): boolean {
  return typeof value === "string" && UNKNOWN_SENTINELS.has(value);
}

/**
 * The plain object behind @pulumi/policy's unknown-checking proxy (or the object itself when it is not a
 * proxy, as in tests). Reading it never throws; unknown values show up as sentinel strings.
 */
export function rawProps(props: unknown): Record<string, unknown> {
  if (props === null || typeof props !== "object") return {};
  const target = (props as Record<string, unknown>)[SPECIAL_PROXY_TARGET];
  const obj = target && typeof target === "object" ? target : props;
  return obj as Record<string, unknown>;
}

/** True when `obj[key]` is an unknown sentinel. Works on proxies and plain objects without throwing. */
export function isUnknownAt(obj: unknown, key: string | number): boolean {
  if (obj === null || typeof obj !== "object") return false;
  return isUnknown((rawProps(obj) as Record<string | number, unknown>)[key]);
}

/** `obj[key]` with unknown sentinels mapped to UNKNOWN; undefined when obj is not an object. */
export function field(obj: unknown, key: string | number): unknown {
  if (obj === null || typeof obj !== "object") return undefined;
  const v = (obj as Record<string | number, unknown>)[key];
  return isUnknown(v) ? UNKNOWN : v;
}

/**
 * A list-valued field: the array (elements may be UNKNOWN), [] when unset or null, UNKNOWN when the list
 * itself is unknown, and "invalid" for any other shape (callers fail closed on it).
 */
export function listField(obj: unknown, key: string): unknown[] | Unknown | "invalid" {
  const v = field(obj, key);
  if (v === UNKNOWN) return UNKNOWN;
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) return "invalid";
  return v.map((e) => (isUnknown(e) ? UNKNOWN : e));
}

/** A nested object field: the object, undefined when unset, UNKNOWN when unknown. */
export function objectField(obj: unknown, key: string): Record<string, unknown> | undefined | Unknown {
  const v = field(obj, key);
  if (v === UNKNOWN) return UNKNOWN;
  if (v === null || typeof v !== "object" || Array.isArray(v)) return undefined;
  return v as Record<string, unknown>;
}

/** Case-insensitive string comparison for enum-like AWS values; false for non-strings and unknowns. */
export function sameText(value: unknown, expected: string): boolean {
  return typeof value === "string" && value.toUpperCase() === expected.toUpperCase();
}

/** True for `true` and the string "true" (the engine may pass booleans from YAML as strings). */
export function isTrue(value: unknown): boolean {
  return value === true || (typeof value === "string" && value.toLowerCase() === "true");
}

/**
 * The pack's one principle for values unknown at preview: a check is decided now when every value the
 * unknown fields could take gives the same answer. `values` holds each deciding field (UNKNOWN where it is
 * unknown); `candidates` lists for each field values that reach every answer `judge` can give through it
 * (one per class of equivalent values: for Object Lock days, unset, enough and too few). Returns the
 * answer all combinations agree on, or UNKNOWN when they differ.
 */
export function decideForEvery<K extends string>(
  values: Record<K, unknown>,
  candidates: Record<K, readonly unknown[]>,
  judge: (v: Record<K, unknown>) => boolean,
): boolean | Unknown {
  let combos: Record<K, unknown>[] = [{ ...values }];
  for (const key of Object.keys(values) as K[]) {
    if (values[key] !== UNKNOWN) continue;
    combos = combos.flatMap((c) => candidates[key].map((v) => ({ ...c, [key]: v })));
  }
  const first = judge(combos[0]);
  return combos.every((c) => judge(c) === first) ? first : UNKNOWN;
}

/** Text appended to every finding whose deciding value is unknown at preview. */
export const CHECKED_AT_UP = "it is not known at preview; this policy checks it again at `pulumi up`";

/**
 * Collects a policy's findings and reports them: violations at the policy's own level, undecidable
 * checks as advisories that say they are re-checked at `pulumi up`.
 *
 * The advisory uses the object form of reportViolation, which @pulumi/policy's server (1.21.0,
 * makeReportViolationFun) honours: `enforcementLevel` there overrides the policy's level. We only ever
 * lower it to advisory, never raise it.
 */
export class Findings {
  private readonly violations: string[] = [];
  private readonly undecidable: string[] = [];

  violation(message: string): void {
    this.violations.push(message);
  }

  /** `path` names the unknown field; never pass its value. */
  unknown(path: string, what?: string): void {
    this.undecidable.push(`${path}${what ? ` (${what})` : ""}: ${CHECKED_AT_UP}`);
  }

  get count(): number {
    return this.violations.length + this.undecidable.length;
  }

  /** Violations only (decided from known values). */
  get violationCount(): number {
    return this.violations.length;
  }

  /** Adds this collector's undecidable checks to `other` (its violations stay here). */
  copyUnknownsTo(other: Findings): void {
    other.undecidable.push(...this.undecidable);
  }

  /** Reports violations first, then undecidable checks. `urn` is for stack policies. */
  report(reportViolation: ReportViolation, description: string, urn?: string): void {
    for (const m of this.violations) reportViolation(m, urn);
    for (const m of this.undecidable) reportAdvisory(reportViolation, description, m, urn);
  }
}

/** Reports an advisory regardless of the policy's level (see Findings). Same message shape as a string report. */
export function reportAdvisory(
  reportViolation: ReportViolation,
  description: string,
  message: string,
  urn?: string,
): void {
  const report = reportViolation as unknown as (v: {
    message: string;
    urn?: string;
    enforcementLevel: "advisory";
  }) => void;
  report({ message: `${description}\n${message}`, urn, enforcementLevel: "advisory" });
}

/** Schema defaults merged under the configured values, as the engine does before calling a policy. */
export function configWithDefaults<T extends object>(
  args: ResourceValidationArgs | StackValidationArgs,
  schema: PolicyConfigSchema,
): T {
  const defaults: Record<string, unknown> = {};
  for (const [k, p] of Object.entries(schema.properties)) {
    if ((p as PolicyConfigJSONSchema).default !== undefined) defaults[k] = p.default;
  }
  const configured = (args.getConfig<Record<string, unknown>>() ?? {}) as Record<string, unknown>;
  const merged: Record<string, unknown> = { ...defaults };
  for (const [k, v] of Object.entries(configured)) if (v !== undefined) merged[k] = v;
  return merged as T;
}

/** `ingress[1].cidrBlocks[0]`-style path for messages: the field, never its value. */
export function path(...parts: (string | number)[]): string {
  let out = "";
  for (const p of parts) out += typeof p === "number" ? `[${p}]` : out ? `.${p}` : p;
  return out;
}

/** Short form for reporting a not-applicable verdict with the types a policy covers. */
export function notCovered(
  args: { type: string; notApplicable(reason?: string): never },
  covered: string,
): never {
  return args.notApplicable(`${args.type} is not one of the types this policy covers (${covered})`);
}

/**
 * Stack-level lookup tables, built once per AnalyzeStack call so every policy stays linear in the
 * number of resources.
 */
export class StackIndex {
  readonly byType = new Map<string, PolicyResource[]>();
  readonly byUrn = new Map<string, PolicyResource>();

  constructor(readonly resources: readonly PolicyResource[]) {
    for (const r of resources) {
      const list = this.byType.get(r.type);
      if (list) list.push(r);
      else this.byType.set(r.type, [r]);
      this.byUrn.set(r.urn, r);
    }
  }

  ofTypes(types: readonly string[]): PolicyResource[] {
    const out: PolicyResource[] = [];
    for (const t of types) out.push(...(this.byType.get(t) ?? []));
    return out;
  }
}

/** Raw output properties of a stack resource (never throws on unknowns). */
export function outputs(r: PolicyResource): Record<string, unknown> {
  return rawProps(r.props);
}

/**
 * Resources a top-level property of `r` was computed from, restricted to `types`. Used to follow wiring
 * at preview, when the referenced id/name/ARN is still unknown.
 */
export function dependenciesOf(
  r: PolicyResource,
  prop: string,
  types: ReadonlySet<string>,
): PolicyResource[] {
  const deps = r.propertyDependencies?.[prop] ?? [];
  return deps.filter((d) => types.has(d.type));
}
