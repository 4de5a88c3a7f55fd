/**
 * The analyzer protocol's wire form, as the engine speaks it to a policy pack: properties encoded as the
 * engine encodes them for analyzers (unknowns as the unknown sentinel, secrets as signature objects, since
 * the engine keeps secrets for analyzers; resource references downgraded to their id for custom resources
 * or URN for components), and the request and response messages of `@pulumi/pulumi/proto`. No processes,
 * no sockets: see analyzer-process.ts.
 */
import * as analyzerpb from "@pulumi/pulumi/proto/analyzer_pb";
import {
  specialOutputValueSig,
  specialResourceSig,
  specialSecretSig,
  specialSigKey,
  unknownValue,
} from "@pulumi/pulumi/runtime/rpc";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

/** Engine wire constants, from `@pulumi/pulumi/runtime/rpc` so they follow the engine's own. */
export const UNKNOWN_SENTINEL = unknownValue;
export const SPECIAL_SIG_KEY = specialSigKey;
export const SECRET_SIG = specialSecretSig;
export const RESOURCE_SIG = specialResourceSig;
export const OUTPUT_VALUE_SIG = specialOutputValueSig;

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";
export type Severity = "low" | "medium" | "high" | "critical";

/** Marks a value a real preview would not know. */
export const UNKNOWN: unique symbol = Symbol("pulumi.unknown");

/** A value the engine would send wrapped as a secret. */
export class SecretValue<T = unknown> {
  constructor(readonly value: T) {}
}

export function secret<T>(value: T): SecretValue<T> {
  return new SecretValue(value);
}

/**
 * Converts a plain value (with {@link UNKNOWN} and {@link secret} markers) to the engine's wire form.
 * Values already in wire form (signature objects, the unknown sentinel) pass through, except resource
 * references and output values, which are downgraded as the engine does for analyzers.
 */
export function encodeValue(value: unknown): unknown {
  if (value === UNKNOWN) return UNKNOWN_SENTINEL;
  if (value instanceof SecretValue) return { [SPECIAL_SIG_KEY]: SECRET_SIG, value: encodeValue(value.value) };
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : encodeValue(v)));
  const obj = value as Record<string, unknown>;
  const sig = obj[SPECIAL_SIG_KEY];
  if (sig === RESOURCE_SIG) {
    // The engine marshals analyzer properties without resource references: id for custom resources.
    const id = obj.id;
    return typeof id === "string" && id !== "" ? id : obj.urn;
  }
  if (sig === OUTPUT_VALUE_SIG) {
    if (!("value" in obj)) return UNKNOWN_SENTINEL;
    const inner = encodeValue(obj.value);
    return obj.secret ? { [SPECIAL_SIG_KEY]: SECRET_SIG, value: inner } : inner;
  }
  if (sig === SECRET_SIG) return { [SPECIAL_SIG_KEY]: SECRET_SIG, value: encodeValue(obj.value) };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v !== undefined) out[k] = encodeValue(v);
  }
  return out;
}

/** Encodes a property map into the google.protobuf.Struct the engine sends. */
export function encodeProperties(value: Record<string, unknown> | Struct): Struct {
  if (value instanceof Struct) return value;
  return Struct.fromJavaScript(encodeValue(value) as Record<string, never>);
}

/** Turns a wire-form value back into markers: the sentinel becomes {@link UNKNOWN}, secrets {@link SecretValue}. */
export function decodeValue(value: unknown): unknown {
  if (value === UNKNOWN_SENTINEL) return UNKNOWN;
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(decodeValue);
  const obj = value as Record<string, unknown>;
  if (obj[SPECIAL_SIG_KEY] === SECRET_SIG) return new SecretValue(decodeValue(obj.value));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = decodeValue(v);
  return out;
}

/** Every string/number leaf found inside a secret wrapper of a wire-form or marker value. */
export function secretLeaves(value: unknown, inSecret = false, into: Set<string> = new Set()): Set<string> {
  if (value instanceof SecretValue) return secretLeaves(value.value, true, into);
  if (value === null || value === undefined || value === UNKNOWN || value === UNKNOWN_SENTINEL) return into;
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
    if (inSecret && typeof value !== "boolean") into.add(String(value));
    return into;
  }
  if (Array.isArray(value)) {
    for (const v of value) secretLeaves(v, inSecret, into);
    return into;
  }
  if (typeof value === "object") {
    const obj = value as Record<string, unknown>;
    if (obj[SPECIAL_SIG_KEY] === SECRET_SIG) return secretLeaves(obj.value, true, into);
    for (const v of Object.values(obj)) secretLeaves(v, inSecret, into);
  }
  return into;
}

/** Property paths (`a.b[0].c`) whose value is unknown, in a wire-form or marker value. */
export function unknownPaths(value: unknown, prefix = "", into: string[] = []): string[] {
  if (value === UNKNOWN || value === UNKNOWN_SENTINEL) {
    into.push(prefix || "<root>");
    return into;
  }
  if (value instanceof SecretValue) return unknownPaths(value.value, prefix, into);
  if (value === null || typeof value !== "object") return into;
  if (Array.isArray(value)) {
    value.forEach((v, i) => unknownPaths(v, `${prefix}[${i}]`, into));
    return into;
  }
  const obj = value as Record<string, unknown>;
  if (obj[SPECIAL_SIG_KEY] === SECRET_SIG) return unknownPaths(obj.value, prefix, into);
  for (const [k, v] of Object.entries(obj)) unknownPaths(v, prefix ? `${prefix}.${k}` : k, into);
  return into;
}

const LEVEL_TO_PB: Record<EnforcementLevel, analyzerpb.EnforcementLevel> = {
  advisory: analyzerpb.EnforcementLevel.ADVISORY,
  mandatory: analyzerpb.EnforcementLevel.MANDATORY,
  disabled: analyzerpb.EnforcementLevel.DISABLED,
  remediate: analyzerpb.EnforcementLevel.REMEDIATE,
};

export function enforcementLevelName(level: analyzerpb.EnforcementLevel): EnforcementLevel {
  for (const [name, value] of Object.entries(LEVEL_TO_PB))
    if (value === level) return name as EnforcementLevel;
  throw new Error(`unknown enforcement level enum value ${level}`);
}

function severityName(s: analyzerpb.PolicySeverity): Severity | undefined {
  switch (s) {
    case analyzerpb.PolicySeverity.POLICY_SEVERITY_LOW:
      return "low";
    case analyzerpb.PolicySeverity.POLICY_SEVERITY_MEDIUM:
      return "medium";
    case analyzerpb.PolicySeverity.POLICY_SEVERITY_HIGH:
      return "high";
    case analyzerpb.PolicySeverity.POLICY_SEVERITY_CRITICAL:
      return "critical";
    default:
      return undefined;
  }
}

export interface PolicyFramework {
  name: string;
  version: string;
  reference: string;
  specification: string;
}

export interface PolicyConfigSchema {
  properties: Record<string, unknown>;
  required: string[];
}

/** One policy as GetAnalyzerInfo describes it. */
export interface PolicyMetadata {
  name: string;
  displayName: string;
  description: string;
  enforcementLevel: EnforcementLevel;
  kind: "resource" | "stack" | "unknown";
  severity?: Severity;
  framework?: PolicyFramework;
  tags: string[];
  remediationSteps: string;
  url: string;
  configSchema?: PolicyConfigSchema;
}

export interface AnalyzerInfo {
  name: string;
  version: string;
  displayName: string;
  description: string;
  supportsConfig: boolean;
  policies: PolicyMetadata[];
  /**
   * The pack's initial config (the third argument of `new PolicyPack`), by policy name or `all`; present
   * only when the pack has one. The engine applies it in Configure: pack defaults, then `all`, then per policy.
   */
  initialConfig?: Record<
    string,
    { enforcementLevel: EnforcementLevel; properties?: Record<string, unknown> }
  >;
}

export interface AnalyzerDiagnostic {
  policyName: string;
  policyPackName: string;
  policyPackVersion: string;
  description: string;
  message: string;
  enforcementLevel: EnforcementLevel;
  urn?: string;
  severity?: Severity;
}

export interface AnalyzeResult {
  diagnostics: AnalyzerDiagnostic[];
  notApplicable: Array<{ policyName: string; reason: string }>;
}

/** Resource options as the engine sends them to analyzers. */
export interface AnalyzerResourceOptionsInput {
  protect?: boolean;
  ignoreChanges?: string[];
  deleteBeforeReplace?: boolean;
  additionalSecretOutputs?: string[];
  aliases?: string[];
  parent?: string;
}

export interface AnalyzerProviderInput {
  type: string;
  name: string;
  urn: string;
  properties?: Record<string, unknown> | Struct;
}

/** A resource to analyze. `properties` may use {@link UNKNOWN} and {@link secret}, or be a raw Struct. */
export interface AnalyzerResourceInput {
  type: string;
  name: string;
  /** Defaults to `urn:pulumi:<stack>::<project>::<type>::<name>` with stack "test" and project "phi-channels". */
  urn?: string;
  properties: Record<string, unknown> | Struct;
  options?: AnalyzerResourceOptionsInput;
  provider?: AnalyzerProviderInput;
  /** AnalyzeStack only. */
  parent?: string;
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
}

/** Per-policy config as sent in Configure: the level and the properties (schema defaults applied). */
export type PolicyConfigMap = Record<
  string,
  { enforcementLevel: EnforcementLevel; properties?: Record<string, unknown> }
>;

export function defaultUrn(type: string, name: string, stack = "test", project = "phi-channels"): string {
  return `urn:pulumi:${stack}::${project}::${type}::${name}`;
}

function toOptions(r: AnalyzerResourceInput): analyzerpb.AnalyzerResourceOptions {
  const o = r.options ?? {};
  const opts = new analyzerpb.AnalyzerResourceOptions();
  opts.setProtect(o.protect ?? false);
  opts.setIgnorechangesList(o.ignoreChanges ?? []);
  opts.setDeletebeforereplacedefined(o.deleteBeforeReplace !== undefined);
  opts.setDeletebeforereplace(o.deleteBeforeReplace ?? false);
  opts.setAdditionalsecretoutputsList(o.additionalSecretOutputs ?? []);
  opts.setAliasesList(o.aliases ?? []);
  opts.setParent(o.parent ?? r.parent ?? "");
  return opts;
}

function toProvider(p: AnalyzerProviderInput | undefined): analyzerpb.AnalyzerProviderResource | undefined {
  if (!p) return undefined;
  const prov = new analyzerpb.AnalyzerProviderResource();
  prov.setType(p.type);
  prov.setName(p.name);
  prov.setUrn(p.urn);
  prov.setProperties(encodeProperties(p.properties ?? {}));
  return prov;
}

/** The fields an AnalyzeRequest and a stack's AnalyzerResource share, set the same way on both. */
function setResourceFields<T extends analyzerpb.AnalyzeRequest | analyzerpb.AnalyzerResource>(
  msg: T,
  r: AnalyzerResourceInput,
): T {
  msg.setType(r.type);
  msg.setName(r.name);
  msg.setUrn(r.urn ?? defaultUrn(r.type, r.name));
  msg.setProperties(encodeProperties(r.properties));
  msg.setOptions(toOptions(r));
  const prov = toProvider(r.provider);
  if (prov) msg.setProvider(prov);
  return msg;
}

export function toAnalyzeRequest(r: AnalyzerResourceInput): analyzerpb.AnalyzeRequest {
  return setResourceFields(new analyzerpb.AnalyzeRequest(), r);
}

export function toAnalyzerResource(r: AnalyzerResourceInput): analyzerpb.AnalyzerResource {
  const res = setResourceFields(new analyzerpb.AnalyzerResource(), r);
  res.setParent(r.parent ?? "");
  res.setDependenciesList(r.dependencies ?? []);
  const deps = res.getPropertydependenciesMap();
  for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) {
    const pd = new analyzerpb.AnalyzerPropertyDependencies();
    pd.setUrnsList(urns);
    deps.set(k, pd);
  }
  return res;
}

export function decodeAnalyzeResponse(resp: analyzerpb.AnalyzeResponse): AnalyzeResult {
  return {
    diagnostics: resp.getDiagnosticsList().map((d) => {
      const diag: AnalyzerDiagnostic = {
        policyName: d.getPolicyname(),
        policyPackName: d.getPolicypackname(),
        policyPackVersion: d.getPolicypackversion(),
        description: d.getDescription(),
        message: d.getMessage(),
        enforcementLevel: enforcementLevelName(d.getEnforcementlevel()),
      };
      if (d.getUrn()) diag.urn = d.getUrn();
      const sev = severityName(d.getSeverity());
      if (sev) diag.severity = sev;
      return diag;
    }),
    notApplicable: resp
      .getNotApplicableList()
      .map((n) => ({ policyName: n.getPolicyName(), reason: n.getReason() })),
  };
}

export function decodeAnalyzerInfo(info: analyzerpb.AnalyzerInfo): AnalyzerInfo {
  return {
    name: info.getName(),
    version: info.getVersion(),
    displayName: info.getDisplayname(),
    description: info.getDescription(),
    supportsConfig: info.getSupportsconfig(),
    policies: info.getPoliciesList().map((p) => {
      const type = p.getPolicyType();
      const meta: PolicyMetadata = {
        name: p.getName(),
        displayName: p.getDisplayname(),
        description: p.getDescription(),
        enforcementLevel: enforcementLevelName(p.getEnforcementlevel()),
        kind:
          type === analyzerpb.PolicyType.POLICY_TYPE_RESOURCE
            ? "resource"
            : type === analyzerpb.PolicyType.POLICY_TYPE_STACK
              ? "stack"
              : "unknown",
        tags: p.getTagsList(),
        remediationSteps: p.getRemediationSteps(),
        url: p.getUrl(),
      };
      const sev = severityName(p.getSeverity());
      if (sev) meta.severity = sev;
      const fw = p.getFramework();
      if (fw) {
        meta.framework = {
          name: fw.getName(),
          version: fw.getVersion(),
          reference: fw.getReference(),
          specification: fw.getSpecification(),
        };
      }
      const schema = p.getConfigschema();
      if (schema) {
        meta.configSchema = {
          properties: (schema.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown>,
          required: schema.getRequiredList(),
        };
      }
      return meta;
    }),
    ...initialConfigOf(info),
  };
}

function initialConfigOf(info: analyzerpb.AnalyzerInfo): Pick<AnalyzerInfo, "initialConfig"> {
  const entries = info.getInitialconfigMap().getEntryList();
  if (entries.length === 0) return {};
  const initialConfig: NonNullable<AnalyzerInfo["initialConfig"]> = {};
  for (const [name] of entries) {
    const c = info.getInitialconfigMap().get(name)!;
    // An unset level reads as ADVISORY (proto3 enum zero), as it does for the engine.
    initialConfig[name] = { enforcementLevel: enforcementLevelName(c.getEnforcementlevel()) };
    const props = c.getProperties();
    if (props) initialConfig[name].properties = props.toJavaScript() as Record<string, unknown>;
  }
  return { initialConfig };
}

export function toConfigureRequest(config: PolicyConfigMap): analyzerpb.ConfigureAnalyzerRequest {
  const req = new analyzerpb.ConfigureAnalyzerRequest();
  const map = req.getPolicyconfigMap();
  for (const [name, c] of Object.entries(config)) {
    const pc = new analyzerpb.PolicyConfig();
    // Always explicit: an unset enum reads as ADVISORY (0) on the pack side.
    pc.setEnforcementlevel(LEVEL_TO_PB[c.enforcementLevel]);
    pc.setProperties(Struct.fromJavaScript((c.properties ?? {}) as Record<string, never>));
    map.set(name, pc);
  }
  return req;
}
