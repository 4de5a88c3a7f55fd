/**
 * What AWS documents about encryption in transit and at rest for the data services that carry PHI, and the
 * small decisions the pack (and components) make from it: which parameter enforces TLS for an engine and
 * with which values, what an engine's default parameter group does for a version, whether a value is one a
 * requirement accepts. The facts live in `../data/data-services.json` with their sources; this module only
 * types and reads them, so a new service is a table entry.
 */
import data from "../data/data-services.json";

/** A field that must hold one of `accepted` (or be non-empty), judged by `default` when unset. */
export interface FieldRequirement {
  /** Dotted; a segment `list[key=value]` is the entry of `list` whose `key` is `value` (CloudFormation-style lists). */
  path: string;
  accepted?: readonly (string | boolean)[];
  /** The requirement is any non-empty value (a KMS key id). */
  nonEmpty?: boolean;
  /** What AWS applies when the field is unset; null when AWS documents none (unset then fails). */
  default: string | boolean | null;
  /** The default depends on another field (ElastiCache's at-rest default differs by engine). */
  defaultBy?: { path: string; unset: string; values: Readonly<Record<string, string | boolean>> };
  /** Other fields that satisfy the requirement on their own (a KMS key implies encryption). */
  satisfiedBy?: readonly { path: string; accepted?: readonly (string | boolean)[]; nonEmpty?: boolean }[];
  /** Judged only when this other field passes (the transit mode matters only with transit encryption on). */
  onlyIf?: { path: string; accepted: readonly (string | boolean)[] };
  /** The remediation value, one AWS accepts for that resource. */
  set: string;
  /** What goes wrong when the requirement is not met. */
  problem: string;
}

export interface ServiceVariant {
  values: readonly string[];
  requirements?: readonly FieldRequirement[];
  /** AWS cannot encrypt this variant: always a violation, with the alternative. */
  unsupported?: string;
  /** This variant is encrypted by construction (why): not applicable. */
  secure?: string;
}

/** One resource type (or several spellings of it) and what it must set. */
export interface ServiceEntry {
  service: string;
  tokens: readonly string[];
  notApplicableWhenSet?: readonly { path: string; reason: string }[];
  requirements?: readonly FieldRequirement[];
  /** The requirements depend on an engine-like field. */
  selector?: { path: string; variants: readonly ServiceVariant[] };
  unsupported?: string;
  /** The service encrypts by construction (why): not applicable, as a `secure` variant. */
  secure?: string;
  /** Where a customer managed KMS key is named (phi-data-at-rest-encrypted's requireCustomerManagedKeys). */
  customerManagedKey?: CustomerManagedKey;
  sources: readonly string[];
}

/** requireCustomerManagedKeys: the field that names the key, and what else a customer managed key needs. */
export interface CustomerManagedKey {
  path: string;
  awsManagedAliases: readonly string[];
  /** Judged only for these values of another field (Amazon MQ: ActiveMQ brokers; RabbitMQ cannot use one). */
  onlyIf?: { path: string; accepted: readonly (string | boolean)[] };
  /** Fields that must also be set for the key to be used (Amazon MQ: useAwsOwnedKey false). */
  requires?: readonly FieldRequirement[];
}

/** How an engine's default parameter group treats TLS. */
export type DefaultEnforcement = { enforces: boolean } | { enforcesFromVersion: string };

export interface RelationalEngine {
  label: string;
  names: readonly string[];
  /** Parameter-group engines: the TLS parameter. Oracle instead names an option and its setting. */
  parameter?: string;
  option?: string;
  setting?: string;
  /** Values that enforce TLS (compared case-insensitively). */
  enforcing: readonly string[];
  /** The value the remediation names. */
  set: string;
  familyPattern?: string;
  familyExample?: string;
  supportedFromVersion?: string;
  default: DefaultEnforcement;
  sources: readonly string[];
}

export interface DatabaseEntry {
  service: string;
  token: string;
  engineField?: string;
  engineDefault?: string;
  versionField?: string;
  engines: readonly string[];
  groupField: string;
  groupTokens: readonly string[];
  optionField?: string;
  optionTokens?: readonly string[];
}

interface DataServices {
  sources: Readonly<Record<string, string>>;
  relational: {
    engines: Readonly<Record<string, RelationalEngine>>;
    unsupported: Readonly<Record<string, string>>;
    databases: readonly DatabaseEntry[];
    parameterGroups: readonly { service: string; token: string }[];
  };
  inTransit: readonly ServiceEntry[];
  atRest: readonly ServiceEntry[];
}

function withoutComments<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutComments) as T;
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (k !== "$comment") out[k] = withoutComments(v);
    return out as T;
  }
  return value;
}

export const DATA_SERVICES: DataServices = withoutComments(data as unknown as DataServices);

export const RELATIONAL_ENGINES = DATA_SERVICES.relational.engines;

const ENGINE_BY_NAME = new Map<string, string>(
  Object.entries(RELATIONAL_ENGINES).flatMap(([key, e]) => e.names.map((n): [string, string] => [n, key])),
);

/** The engine key (`postgres`, `aurora-mysql`, …) of an AWS engine name; undefined for unknown names. */
export function relationalEngineKey(engineName: unknown): string | undefined {
  return typeof engineName === "string" ? ENGINE_BY_NAME.get(engineName.toLowerCase()) : undefined;
}

/** Why AWS accepts this engine name but the pack cannot verify its transport encryption, if so. */
export function unsupportedEngineReason(engineName: unknown): string | undefined {
  return typeof engineName === "string"
    ? DATA_SERVICES.relational.unsupported[engineName.toLowerCase()]
    : undefined;
}

/**
 * The TLS-enforcing parameter and the value to give it for an engine name (for components that build a
 * parameter group); undefined for engines that enforce TLS otherwise (Oracle) or are unknown.
 */
export function tlsParameterFor(engineName: string): { name: string; value: string } | undefined {
  const key = relationalEngineKey(engineName);
  const e = key ? RELATIONAL_ENGINES[key] : undefined;
  return e?.parameter ? { name: e.parameter, value: e.set } : undefined;
}

/** Numeric comparison of dotted versions ("15.4" vs "15"): missing parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map((x) => parseInt(x, 10));
  const pb = b.split(".").map((x) => parseInt(x, 10));
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = Number.isFinite(pa[i]) ? pa[i] : 0;
    const y = Number.isFinite(pb[i]) ? pb[i] : 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** The leading numeric version of an engine version ("8.0.mysql_aurora.3.05" → "8.0"), if any. */
export function numericVersion(version: unknown): string | undefined {
  if (typeof version !== "string") return undefined;
  return /^\d+(\.\d+)*/.exec(version)?.[0];
}

/** True for AWS's default group names: `default.postgres16`, `default:oracle-ee-19` (option groups). */
export function isDefaultGroupName(name: unknown): boolean {
  return typeof name === "string" && /^default[.:]/i.test(name);
}

/** The version a parameter-group family names for an engine ("postgres16" → "16"), if it is that engine's. */
export function familyVersion(engine: RelationalEngine, family: unknown): string | undefined {
  if (typeof family !== "string" || !engine.familyPattern) return undefined;
  return new RegExp(engine.familyPattern, "i").exec(family)?.[1];
}

/** The engine key whose family pattern matches (the group's family decides the engine), if any. */
export function engineOfFamily(family: unknown, candidates: readonly string[]): string | undefined {
  if (typeof family !== "string") return undefined;
  return candidates.find((k) => {
    const p = RELATIONAL_ENGINES[k].familyPattern;
    return p !== undefined && new RegExp(p, "i").test(family);
  });
}

/** True when a parameter (or option setting) value is one that enforces TLS for the engine. */
export function enforcesTls(engine: RelationalEngine, value: unknown): boolean {
  const text = typeof value === "number" || typeof value === "boolean" ? String(value) : value;
  return typeof text === "string" && engine.enforcing.some((e) => e.toUpperCase() === text.toUpperCase());
}

/** The enforcing setting as a message names it: `rds.force_ssl = 1`. */
export function enforcingSetting(engine: RelationalEngine): string {
  return engine.parameter
    ? `${engine.parameter} = ${engine.set}`
    : `option ${engine.option} with ${engine.setting} = ${engine.set}`;
}

export type DefaultVerdict = { enforces: true } | { enforces: false; why: string };

/**
 * What the engine's default parameter group does. `version` is the default group's family version (from
 * its name) or else the engine version; with a version-dependent default and no version, it is not known
 * to enforce (fail closed).
 */
export function defaultGroupEnforcement(
  engine: RelationalEngine,
  version: string | undefined,
): DefaultVerdict {
  const d = engine.default;
  const name = engine.parameter ?? engine.setting ?? "";
  if ("enforces" in d) {
    return d.enforces
      ? { enforces: true }
      : { enforces: false, why: `whose ${name} does not enforce TLS for ${engine.label}` };
  }
  if (version === undefined)
    return {
      enforces: false,
      why: `whose ${name} enforces TLS only from ${engine.label} ${d.enforcesFromVersion}, and the engine version is not set`,
    };
  if (compareVersions(version, d.enforcesFromVersion) >= 0) return { enforces: true };
  return {
    enforces: false,
    why: `whose ${name} enforces TLS only from ${engine.label} ${d.enforcesFromVersion}`,
  };
}

/** True when `value` is one of `accepted`: booleans by truth (also "true"/"false"), strings in any case. */
export function isAccepted(value: unknown, accepted: readonly (string | boolean)[]): boolean {
  return accepted.some((a) => {
    if (typeof a === "boolean") {
      if (a) return value === true || (typeof value === "string" && value.toLowerCase() === "true");
      return value === false || (typeof value === "string" && value.toLowerCase() === "false");
    }
    return typeof value === "string" && value.toUpperCase() === a.toUpperCase();
  });
}

/** `["TLS"]` → `"TLS"`; `[true]` → `true`; several → `"a", "b" or "c"`. */
export function describeValues(values: readonly (string | boolean)[]): string {
  const shown = values.map((v) => (typeof v === "string" ? `"${v}"` : String(v)));
  return shown.length <= 1 ? (shown[0] ?? "") : `${shown.slice(0, -1).join(", ")} or ${shown.at(-1)}`;
}
