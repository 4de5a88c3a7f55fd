/**
 * Judges data-service resources against the table in data/data-services.json (read through
 * rules/data-services.ts): the field requirements shared by phi-data-in-transit-encrypted and
 * phi-data-at-rest-encrypted, and the relational databases' parameter and option groups, followed across the
 * stack by name, id, ARN or property dependency.
 *
 * Every read goes through policy-kit (never the unknown-checking proxy), deciding fields first: a violation
 * decidable from known values is reported even when other fields are unknown at preview.
 */
import type { PolicyResource } from "@pulumi/policy";
import {
  dependenciesOf,
  field,
  Findings,
  listField,
  outputs,
  sameText,
  StackIndex,
  UNKNOWN,
} from "./policy-kit";
import {
  DATA_SERVICES,
  type DatabaseEntry,
  defaultGroupEnforcement,
  describeValues,
  enforcesTls,
  enforcingSetting,
  engineOfFamily,
  familyVersion,
  type FieldRequirement,
  isAccepted,
  isDefaultGroupName,
  numericVersion,
  RELATIONAL_ENGINES,
  type RelationalEngine,
  relationalEngineKey,
  type ServiceEntry,
  unsupportedEngineReason,
  compareVersions,
  type CustomerManagedKey,
} from "./rules";

type Read = { value: unknown } | { unknownAt: string };

/** `configParameters[parameterKey=require_ssl]`: a list, the entry field that names an entry, its name. */
const ENTRY_SEGMENT = /^([A-Za-z0-9_]+)\[([A-Za-z0-9_]+)=([^\]]+)\]$/;

/**
 * The entry of a list whose key field is exactly `name` (AWS's spelling: another one names no parameter),
 * UNKNOWN when an unknown list or entry may be it, undefined when none is (or the field is not a list:
 * unset, so it fails closed).
 */
function listEntry(block: unknown, list: string, key: string, name: string): unknown {
  const entries = listField(block, list);
  if (entries === UNKNOWN) return UNKNOWN;
  if (entries === "invalid") return undefined;
  let found: unknown;
  let maybe = false;
  for (const e of entries) {
    const k = field(e, key);
    if (e === UNKNOWN || k === UNKNOWN) maybe = true;
    else if (k === name) found = e;
  }
  return found ?? (maybe ? UNKNOWN : undefined);
}

/** One step down a path: a field, or a list entry named by an {@link ENTRY_SEGMENT}. */
function step(block: unknown, segment: string): unknown {
  const entry = ENTRY_SEGMENT.exec(segment);
  return entry ? listEntry(block, entry[1], entry[2], entry[3]) : field(block, segment);
}

/** The value at a dotted path; `unknownAt` names the first unknown segment. Absent blocks read as unset. */
export function readPath(props: unknown, dotted: string): Read {
  const segments = dotted.split(".");
  let block: unknown = props;
  for (let i = 0; i < segments.length - 1; i++) {
    const next = step(block, segments[i]);
    if (next === UNKNOWN) return { unknownAt: segments.slice(0, i + 1).join(".") };
    if (next === null || typeof next !== "object" || Array.isArray(next)) return { value: undefined };
    block = next;
  }
  const v = step(block, segments[segments.length - 1]);
  return v === UNKNOWN ? { unknownAt: dotted } : { value: v };
}

function isUnset(value: unknown): boolean {
  return value === undefined || value === null || value === "";
}

function describeDefault(value: string | boolean | null): string {
  return value === null ? "AWS documents no default" : `AWS defaults to ${describeValues([value])}`;
}

/** The default that applies to an unset field, or UNKNOWN when the field deciding it is unknown. */
function defaultOf(req: FieldRequirement, props: unknown): string | boolean | null | typeof UNKNOWN {
  if (!req.defaultBy) return req.default;
  const by = readPath(props, req.defaultBy.path);
  if ("unknownAt" in by) return UNKNOWN;
  const key = isUnset(by.value) ? req.defaultBy.unset : String(by.value).toLowerCase();
  return key in req.defaultBy.values ? req.defaultBy.values[key] : req.default;
}

function meets(
  value: unknown,
  rule: { accepted?: readonly (string | boolean)[]; nonEmpty?: boolean },
): boolean {
  return rule.nonEmpty ? !isUnset(value) : isAccepted(value, rule.accepted ?? []);
}

/** Checks one requirement; the message names the service, the field and the fix, never the value. */
function checkRequirement(
  f: Findings,
  service: string,
  req: FieldRequirement,
  siblings: readonly FieldRequirement[],
  props: unknown,
  selectorPath?: string,
): void {
  if (req.onlyIf) {
    // With the gate unknown the requirement is judged anyway: if the gate fails, so does the resource.
    const gate = readPath(props, req.onlyIf.path);
    const gateDefault = siblings.find((s) => s.path === req.onlyIf!.path)?.default ?? null;
    if (
      !("unknownAt" in gate) &&
      !isAccepted(isUnset(gate.value) ? gateDefault : gate.value, req.onlyIf.accepted)
    )
      return;
  }
  const r = readPath(props, req.path);
  if ("unknownAt" in r) return f.unknown(r.unknownAt, service);
  const unset = isUnset(r.value);
  let effective: unknown = r.value;
  if (unset && !req.nonEmpty) {
    const d = defaultOf(req, props);
    if (d === UNKNOWN)
      return f.unknown(req.defaultBy!.path, `${service}: decides the default of ${req.path}`);
    effective = d;
  }
  if (meets(effective, req)) return;
  let undecided: string | undefined;
  for (const alt of req.satisfiedBy ?? []) {
    const a = readPath(props, alt.path);
    if ("unknownAt" in a) undecided ??= a.unknownAt;
    else if (meets(a.value, alt)) return;
  }
  if (undecided) return f.unknown(undecided, `${service}: may satisfy ${req.path}`);
  // The message names every field that decided it: the selector, the field the default depends on, and
  // the fields that could have satisfied the requirement instead.
  const byField = req.defaultBy ? ` for this ${req.defaultBy.path}` : "";
  let what = req.nonEmpty
    ? `${req.path} is not set`
    : unset
      ? `${req.path} is not set and ${describeDefault(defaultOf(req, props) as string | boolean | null)}${byField}`
      : `${req.path} is not ${describeValues(req.accepted ?? [])}`;
  if (req.satisfiedBy?.length)
    what += ` (nor does ${req.satisfiedBy.map((a) => a.path).join(" or ")} satisfy it)`;
  const context = selectorPath ? `for this ${selectorPath}, ` : "";
  f.violation(`${service}: ${context}${what}, so ${req.problem}; set ${req.path}: ${req.set}`);
}

export interface EntryOptions {
  /** phi-data-at-rest-encrypted's requireCustomerManagedKeys. */
  requireCustomerManagedKey?: boolean;
}

/**
 * Judges a resource against its table entry. Returns the not-applicable reason when the entry does not
 * judge this resource (a member of a group, a variant that is encrypted by construction).
 */
export function checkEntry(
  f: Findings,
  entry: ServiceEntry,
  props: unknown,
  options: EntryOptions = {},
): string | undefined {
  const service = entry.service;
  for (const na of entry.notApplicableWhenSet ?? []) {
    const r = readPath(props, na.path);
    if ("unknownAt" in r) {
      f.unknown(r.unknownAt, `${service}: decides whether this resource is judged here`);
      return undefined;
    }
    if (!isUnset(r.value)) return na.reason;
  }
  if (entry.secure) return entry.secure;
  if (entry.unsupported) {
    f.violation(`${service}: ${entry.unsupported}`);
    return undefined;
  }
  let requirements = entry.requirements ?? [];
  let selectorPath: string | undefined;
  if (entry.selector) {
    const sel = entry.selector;
    const r = readPath(props, sel.path);
    if ("unknownAt" in r) {
      f.unknown(r.unknownAt, `${service}: decides which settings apply`);
      return undefined;
    }
    if (isUnset(r.value)) {
      f.violation(
        `${service}: ${sel.path} is not set, so this policy cannot tell which encryption settings apply; set ${sel.path}`,
      );
      return undefined;
    }
    const variant = sel.variants.find((v) => v.values.some((x) => sameText(r.value, x)));
    if (!variant) {
      f.violation(
        `${service}: ${sel.path} is not one this policy knows (unknown names fail closed; known: ${sel.variants.flatMap((v) => v.values).join(", ")})`,
      );
      return undefined;
    }
    if (variant.secure) return variant.secure;
    if (variant.unsupported) {
      f.violation(`${service}: for this ${sel.path}, ${variant.unsupported}`);
      return undefined;
    }
    requirements = variant.requirements ?? [];
    selectorPath = sel.path;
  }
  for (const req of requirements) checkRequirement(f, service, req, requirements, props, selectorPath);
  if (options.requireCustomerManagedKey && entry.customerManagedKey)
    checkCustomerManagedKey(f, service, entry.customerManagedKey, props);
  return undefined;
}

/** requireCustomerManagedKeys: the key field names a key that is not AWS managed (and what it needs is set). */
function checkCustomerManagedKey(
  f: Findings,
  service: string,
  cmk: CustomerManagedKey,
  props: unknown,
): void {
  if (cmk.onlyIf) {
    const gate = readPath(props, cmk.onlyIf.path);
    if ("unknownAt" in gate)
      return f.unknown(gate.unknownAt, `${service}: decides whether a customer managed key applies`);
    if (!isAccepted(gate.value, cmk.onlyIf.accepted)) return;
  }
  const before = f.violationCount;
  for (const req of cmk.requires ?? []) checkRequirement(f, service, req, cmk.requires!, props);
  // A failed prerequisite already names the key field in its remediation: one finding, one fix.
  if (f.violationCount > before) return;
  const r = readPath(props, cmk.path);
  if ("unknownAt" in r) f.unknown(r.unknownAt, `${service}: customer managed key`);
  else if (isUnset(r.value))
    f.violation(
      `${service}: ${cmk.path} is not set, so an AWS managed key encrypts the data (requireCustomerManagedKeys); set ${cmk.path} to the ARN of a customer managed KMS key with rotation on`,
    );
  else if (
    typeof r.value === "string" &&
    cmk.awsManagedAliases.some((a) => r.value === a || (r.value as string).endsWith(`:${a}`))
  )
    f.violation(
      `${service}: ${cmk.path} names the AWS managed key (requireCustomerManagedKeys); set it to the ARN of a customer managed KMS key with rotation on`,
    );
}

/** Token → table entries (a token can appear once per concern). */
export function entriesByToken(entries: readonly ServiceEntry[]): ReadonlyMap<string, ServiceEntry> {
  const map = new Map<string, ServiceEntry>();
  for (const e of entries)
    for (const t of e.tokens) {
      if (map.has(t)) throw new Error(`data-services.json lists ${t} twice in one concern`);
      map.set(t, e);
    }
  return map;
}

// ---- relational databases --------------------------------------------------------------------------------

export const DATABASES: ReadonlyMap<string, DatabaseEntry> = new Map(
  DATA_SERVICES.relational.databases.map((d) => [d.token, d]),
);
export const PARAMETER_GROUPS: ReadonlyMap<string, string> = new Map(
  DATA_SERVICES.relational.parameterGroups.map((g) => [g.token, g.service]),
);

type EngineRead =
  | { kind: "engine"; key: string; engine: RelationalEngine }
  | { kind: "unknown"; path: string }
  | { kind: "unset" }
  | { kind: "rejected"; message: string };

/** The database's engine, judged against the engines its resource type takes. */
function engineOf(db: DatabaseEntry, props: unknown): EngineRead {
  let name: unknown = db.engineDefault;
  if (db.engineField) {
    const r = readPath(props, db.engineField);
    if ("unknownAt" in r) return { kind: "unknown", path: r.unknownAt };
    if (!isUnset(r.value)) name = r.value;
  }
  if (isUnset(name)) return { kind: "unset" };
  const key = relationalEngineKey(name);
  if (key && db.engines.includes(key)) return { kind: "engine", key, engine: RELATIONAL_ENGINES[key] };
  const unsupported = unsupportedEngineReason(name);
  return {
    kind: "rejected",
    message: unsupported
      ? `${db.service}: ${db.engineField}: ${unsupported}`
      : `${db.service}: ${db.engineField} is not an engine this policy knows for this resource type (unknown names fail closed; known: ${db.engines.flatMap((k) => RELATIONAL_ENGINES[k].names).join(", ")})`,
  };
}

/** `Amazon RDS (engine: RDS for PostgreSQL)`: the engine field decides which setting applies, so it is named. */
function label(db: DatabaseEntry, engine: RelationalEngine): string {
  return `${db.service} (${db.engineField ?? "engine"}: ${engine.label})`;
}

function groupFieldOf(db: DatabaseEntry, engine: RelationalEngine): string {
  return engine.option ? db.optionField! : db.groupField;
}

function groupNoun(engine: RelationalEngine): string {
  return engine.option ? "option group" : "parameter group";
}

/** The remediation for a database whose group does not enforce TLS. */
function remedy(db: DatabaseEntry, engine: RelationalEngine): string {
  const fieldName = groupFieldOf(db, engine);
  const family = engine.familyExample ? ` (family such as ${engine.familyExample})` : "";
  let text = `set ${fieldName} to ${engine.option ? "an" : "a"} ${groupNoun(engine)}${family} of this stack with ${enforcingSetting(engine)}`;
  const d = engine.default;
  if ("enforcesFromVersion" in d && db.versionField)
    text += `, or ${db.versionField} ${d.enforcesFromVersion} or later with the default group`;
  return text;
}

/** MariaDB before 10.5 has no require_secure_transport: say so rather than name a parameter AWS rejects. */
function unsupportedVersionNote(engine: RelationalEngine, version: string | undefined): string {
  return engine.supportedFromVersion && version && compareVersions(version, engine.supportedFromVersion) < 0
    ? ` (${engine.parameter} exists from ${engine.label} ${engine.supportedFromVersion}: upgrade first)`
    : "";
}

/**
 * Resource part: what the database decides on its own, i.e. its engine and an unset or default group. A
 * named group is judged by the stack part, which can see it.
 */
export function checkDatabase(f: Findings, db: DatabaseEntry, props: unknown): void {
  const e = engineOf(db, props);
  if (e.kind === "unknown") return f.unknown(e.path, `${db.service}: decides which TLS setting applies`);
  if (e.kind === "unset")
    return f.violation(
      `${db.service}: ${db.engineField} is not set, so this policy cannot tell which TLS setting applies; set ${db.engineField}`,
    );
  if (e.kind === "rejected") return f.violation(e.message);
  const { engine } = e;
  const fieldName = groupFieldOf(db, engine);
  const g = readPath(props, fieldName);
  // Unknown at preview: the stack part follows it when it comes from a group of the stack; at `pulumi up`
  // the name is known and judged here (default) or there (named).
  if ("unknownAt" in g)
    return f.unknown(g.unknownAt, `${db.service}: the ${groupNoun(engine)} that enforces TLS`);
  if (!isUnset(g.value) && !isDefaultGroupName(g.value)) return; // a named group: the stack part
  let version: string | undefined;
  if (typeof g.value === "string") version = familyVersion(engine, g.value.replace(/^default[.:]/i, ""));
  if (version === undefined && db.versionField && "enforcesFromVersion" in engine.default) {
    const v = readPath(props, db.versionField);
    if ("unknownAt" in v)
      return f.unknown(v.unknownAt, `${db.service}: decides the default ${engine.parameter}`);
    version = numericVersion(v.value);
  }
  const verdict = defaultGroupEnforcement(engine, version);
  if (verdict.enforces) return;
  const which = isUnset(g.value)
    ? `${fieldName} is not set, so the default ${groupNoun(engine)} applies`
    : `${fieldName} names a default ${groupNoun(engine)}`;
  f.violation(
    `${label(db, engine)}: ${which}, ${verdict.why}${unsupportedVersionNote(engine, version)}; ${remedy(db, engine)}`,
  );
}

/** Resource part for a parameter group: an explicit value that switches TLS enforcement off. */
export function checkParameterGroup(
  f: Findings,
  service: string,
  props: unknown,
  notApplicable: (reason: string) => never,
): void {
  const family = field(props, "family");
  const params = listField(props, "parameters");
  // A malformed list fails whatever the family; otherwise the family decides which parameter applies.
  if (params === "invalid" && family === UNKNOWN) return f.violation(`${service}: parameters is not a list`);
  if (family === UNKNOWN) return f.unknown("family", `${service}: decides which TLS parameter applies`);
  const key = engineOfFamily(
    family,
    Object.keys(RELATIONAL_ENGINES).filter((k) => RELATIONAL_ENGINES[k].parameter),
  );
  if (!key) return notApplicable(`${service}: this family has no TLS parameter this policy judges`);
  const engine = RELATIONAL_ENGINES[key];
  if (params === UNKNOWN) return f.unknown("parameters", service);
  if (params === "invalid") return f.violation(`${service}: parameters is not a list`);
  params.forEach((p, i) => {
    if (p === UNKNOWN) return f.unknown(`parameters[${i}]`, service);
    const name = field(p, "name");
    if (name === UNKNOWN) return f.unknown(`parameters[${i}].name`, service);
    if (typeof name !== "string" || name.toLowerCase() !== engine.parameter!.toLowerCase()) return;
    const value = field(p, "value");
    if (value === UNKNOWN) return f.unknown(`parameters[${i}].value`, service);
    if (!enforcesTls(engine, value))
      f.violation(
        `${service} (family: ${engine.label}): parameters[${i}] sets ${engine.parameter} to a value that does not enforce TLS (enforcing: ${engine.enforcing.join(" or ")}); set it to ${engine.set}`,
      );
  });
}

/** Groups of some tokens, by every name they can be referenced by: name, id, ARN and the ARN's last part. */
class GroupIndex {
  private readonly byRef = new Map<string, PolicyResource>();
  readonly types: ReadonlySet<string>;

  constructor(stack: StackIndex, tokens: readonly string[]) {
    this.types = new Set(tokens);
    for (const g of stack.ofTypes(tokens)) {
      const o = outputs(g);
      for (const k of ["name", "id", "arn"]) {
        const v = field(o, k);
        if (typeof v !== "string" || v === "") continue;
        this.byRef.set(v, g);
        if (v.startsWith("arn:")) this.byRef.set(v.slice(v.lastIndexOf(":") + 1), g);
      }
    }
  }

  get(ref: string): PolicyResource | undefined {
    return (
      this.byRef.get(ref) ??
      (ref.startsWith("arn:") ? this.byRef.get(ref.slice(ref.lastIndexOf(":") + 1)) : undefined)
    );
  }
}

/** Judges a parameter group of the stack for a database's engine. */
function judgeParameterGroup(
  f: Findings,
  db: DatabaseEntry,
  engine: RelationalEngine,
  group: PolicyResource,
  dbVersion: string | undefined,
): void {
  const o = outputs(group);
  const prefix = `${label(db, engine)}: ${db.groupField} is parameter group ${group.name}, which`;
  const params = listField(o, "parameters");
  if (params === UNKNOWN) return f.unknown(`${group.name}.parameters`, `${db.service}: TLS parameter`);
  if (params === "invalid")
    return f.violation(`${prefix} has parameters that are not a list; ${remedy(db, engine)}`);
  for (let i = 0; i < params.length; i++) {
    const p = params[i];
    const name = field(p, "name");
    if (p === UNKNOWN || name === UNKNOWN)
      return f.unknown(`${group.name}.parameters[${i}]`, `${db.service}: TLS parameter`);
    if (typeof name !== "string" || name.toLowerCase() !== engine.parameter!.toLowerCase()) continue;
    const value = field(p, "value");
    if (value === UNKNOWN)
      return f.unknown(`${group.name}.parameters[${i}].value`, `${db.service}: TLS parameter`);
    if (enforcesTls(engine, value)) return;
    return f.violation(
      `${prefix} sets ${engine.parameter} to a value that does not enforce TLS (enforcing: ${engine.enforcing.join(" or ")}); set ${enforcingSetting(engine)} in it`,
    );
  }
  // Not set in the group: the engine default for the group's family applies.
  const family = field(o, "family");
  if (family === UNKNOWN && "enforcesFromVersion" in engine.default)
    return f.unknown(`${group.name}.family`, `${db.service}: decides the default ${engine.parameter}`);
  const version = familyVersion(engine, family) ?? dbVersion;
  const verdict = defaultGroupEnforcement(engine, version);
  if (verdict.enforces) return;
  f.violation(
    `${prefix} does not set ${engine.parameter}, so the engine default applies, ${verdict.why}${unsupportedVersionNote(engine, version)}; set ${enforcingSetting(engine)} in it`,
  );
}

/** Judges an option group of the stack (Oracle native network encryption). */
function judgeOptionGroup(
  f: Findings,
  db: DatabaseEntry,
  engine: RelationalEngine,
  group: PolicyResource,
): void {
  const fieldName = db.optionField!;
  const prefix = `${label(db, engine)}: ${fieldName} is option group ${group.name}, which`;
  const options = listField(outputs(group), "options");
  if (options === UNKNOWN) return f.unknown(`${group.name}.options`, `${db.service}: network encryption`);
  if (options === "invalid")
    return f.violation(`${prefix} has options that are not a list; ${remedy(db, engine)}`);
  let undecided = false;
  for (let i = 0; i < options.length; i++) {
    const name = field(options[i], "optionName");
    if (options[i] === UNKNOWN || name === UNKNOWN) {
      undecided = true;
      continue;
    }
    if (!sameText(name, engine.option!)) continue;
    const settings = listField(options[i], "optionSettings");
    if (settings === UNKNOWN) return f.unknown(`${group.name}.options[${i}].optionSettings`, db.service);
    if (settings === "invalid") break;
    for (let j = 0; j < settings.length; j++) {
      const sname = field(settings[j], "name");
      if (settings[j] === UNKNOWN || sname === UNKNOWN)
        return f.unknown(`${group.name}.options[${i}].optionSettings[${j}]`, db.service);
      if (!sameText(sname, engine.setting!)) continue;
      const value = field(settings[j], "value");
      if (value === UNKNOWN)
        return f.unknown(`${group.name}.options[${i}].optionSettings[${j}].value`, db.service);
      if (enforcesTls(engine, value)) return;
    }
    return f.violation(
      `${prefix} does not set ${engine.setting} = ${engine.set} in its ${engine.option} option, so unencrypted sessions are still accepted; ${remedy(db, engine)}`,
    );
  }
  if (undecided) return f.unknown(`${group.name}.options`, `${db.service}: network encryption`);
  f.violation(
    `${prefix} has no ${engine.option} option (the SSL option alone leaves the plain listener open); ${remedy(db, engine)}`,
  );
}

/**
 * Stack part: every database whose group field names a group (or is computed from one) is judged against
 * that group. Findings go on the database, naming the group resource, the parameter and the fix.
 */
export function checkDatabaseGroups(
  stack: StackIndex,
  report: (db: PolicyResource, f: Findings) => void,
): void {
  const indexes = new Map<string, GroupIndex>();
  const indexFor = (tokens: readonly string[]) => {
    const key = tokens.join(",");
    let i = indexes.get(key);
    if (!i) indexes.set(key, (i = new GroupIndex(stack, tokens)));
    return i;
  };
  for (const [token, db] of DATABASES) {
    for (const r of stack.byType.get(token) ?? []) {
      const o = outputs(r);
      const e = engineOf(db, o);
      if (e.kind === "rejected" || e.kind === "unset") continue; // the resource part reports it
      const option = e.kind === "engine" && e.engine.option !== undefined;
      const fieldName = option ? db.optionField! : db.groupField;
      const tokens = option ? db.optionTokens! : db.groupTokens;
      const value = field(o, fieldName);
      if (isUnset(value) || isDefaultGroupName(value)) continue; // the resource part judged the default
      const index = indexFor(tokens);
      let groups: PolicyResource[] = [];
      if (typeof value === "string") {
        const g = index.get(value);
        groups = g ? [g] : dependenciesOf(r, fieldName, index.types);
      } else if (value === UNKNOWN) {
        groups = dependenciesOf(r, fieldName, index.types);
      }
      const f = new Findings();
      if (groups.length === 0) {
        if (value === UNKNOWN) {
          // Unset fields are unknown outputs at preview too: only a value computed from something is undecided.
          if ((r.propertyDependencies?.[fieldName] ?? []).length > 0)
            f.unknown(fieldName, `${db.service}: TLS ${option ? "option" : "parameter"} group`);
        } else {
          const engine = e.kind === "engine" ? e.engine : undefined;
          f.violation(
            `${engine ? label(db, engine) : db.service}: ${fieldName} names a group that is not in this stack, so its TLS setting cannot be verified; ${engine ? remedy(db, engine) : `manage the group in this stack with the engine's TLS setting`} (or record an exemption)`,
          );
        }
      }
      for (const g of groups) {
        let engine: RelationalEngine | undefined = e.kind === "engine" ? e.engine : undefined;
        if (!engine) {
          const byFamily = engineOfFamily(field(outputs(g), "family"), db.engines);
          if (!byFamily) {
            f.unknown(
              e.kind === "unknown" ? e.path : (db.engineField ?? "engine"),
              `${db.service}: decides which TLS setting applies`,
            );
            continue;
          }
          engine = RELATIONAL_ENGINES[byFamily];
        }
        if (engine.option) judgeOptionGroup(f, db, engine, g);
        else {
          const v = db.versionField ? field(o, db.versionField) : undefined;
          judgeParameterGroup(f, db, engine, g, numericVersion(v));
        }
      }
      if (f.count > 0) report(r, f);
    }
  }
}
