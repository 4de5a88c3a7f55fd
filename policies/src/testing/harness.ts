/**
 * In-process stand-in for @pulumi/policy's analyzer server (server.js, 1.21.0), so unit tests assert the
 * verdict the engine would receive: props deserialised (secrets unwrapped) and wrapped in the real
 * unknown-checking proxy, the enforcement level resolved from config / policy / pack, UnknownValueError
 * turned into the server's "can't run during preview" advisory, and reportViolation's string and object
 * forms producing the same diagnostics. Config is validated with ajv against the policy's own configSchema
 * (the CLI rejects what fails it) and defaults are filled in, as the engine does.
 */
import Ajv, { type ValidateFunction } from "ajv";
import { rememberWire } from "../secret-paths";
import type {
  EnforcementLevel,
  PolicyResource,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const proxy = require("@pulumi/policy/proxy") as {
  unknownCheckingProxy<T>(o: T): T;
  UnknownValueError: new (...a: unknown[]) => Error;
  unknownStringValue: string;
  unknownNumberValue: string;
  unknownBooleanValue: string;
  unknownArrayValue: string;
  unknownObjectValue: string;
};

export const UNKNOWN_STRING = proxy.unknownStringValue;
export const UNKNOWN_NUMBER = proxy.unknownNumberValue;
export const UNKNOWN_BOOL = proxy.unknownBooleanValue;
export const UNKNOWN_ARRAY = proxy.unknownArrayValue;
export const UNKNOWN_OBJECT = proxy.unknownObjectValue;

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** A value as the engine sends a secret; the server unwraps it before policies see it. */
export function secret<T>(value: T): T {
  return { [SIG_KEY]: SECRET_SIG, value } as unknown as T;
}

function deserialize(v: unknown): unknown {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map(deserialize);
  const o = v as Record<string, unknown>;
  if (o[SIG_KEY] === SECRET_SIG) return deserialize(o.value);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) if (x !== undefined) out[k] = deserialize(x);
  // As the pack's deserialiser does: which values were secrets (policies/src/secret-paths.ts).
  rememberWire(out, v);
  return out;
}

export interface Diagnostic {
  policyName: string;
  message: string;
  enforcementLevel: EnforcementLevel;
  urn?: string;
}

export interface Verdict {
  diagnostics: Diagnostic[];
  notApplicable: string[];
  /** Diagnostics at mandatory level (what blocks a deployment). */
  mandatory: Diagnostic[];
  advisory: Diagnostic[];
  /** All messages joined, for "does not leak" assertions. */
  text: string;
}

type AnyPolicy = ResourceValidationPolicy | StackValidationPolicy;
type Config = Record<string, unknown> & { enforcementLevel?: EnforcementLevel };

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false });
// Compiling a schema costs milliseconds; property tests resolve config thousands of times.
const validators = new WeakMap<object, ValidateFunction>();

/** Validates and defaults a policy's config as the engine does; throws on config the CLI would reject. */
export function resolveConfig(policy: AnyPolicy, config: Config = {}): Config {
  const { enforcementLevel, ...props } = structuredClone(config);
  const schema = policy.configSchema;
  if (schema) {
    let validate = validators.get(schema);
    if (!validate) {
      validate = ajv.compile({
        type: "object",
        properties: schema.properties,
        required: schema.required ?? [],
        additionalProperties: false,
      });
      validators.set(schema, validate);
    }
    if (!validate(props))
      throw new Error(`invalid config for ${policy.name}: ${ajv.errorsText(validate.errors)}`);
  } else if (Object.keys(props).length) {
    throw new Error(`${policy.name} takes no config`);
  }
  return { ...props, ...(enforcementLevel ? { enforcementLevel } : {}) };
}

class NotApplicable extends Error {
  constructor(readonly reason?: string) {
    super(reason);
  }
}

function makeReport(policy: AnyPolicy, level: EnforcementLevel, ds: Diagnostic[]) {
  return (message: unknown, urn?: string) => {
    if (message && typeof message === "object") {
      const m = message as { message?: string; enforcementLevel?: EnforcementLevel; urn?: string };
      ds.push({
        policyName: policy.name,
        message: m.message || policy.description,
        enforcementLevel: m.enforcementLevel || level,
        urn: m.urn,
      });
    } else {
      ds.push({
        policyName: policy.name,
        message: message ? `${policy.description}\n${message}` : policy.description,
        enforcementLevel: level,
        urn,
      });
    }
  };
}

function finish(ds: Diagnostic[], notApplicable: string[]): Verdict {
  return {
    diagnostics: ds,
    notApplicable,
    mandatory: ds.filter((d) => d.enforcementLevel === "mandatory"),
    advisory: ds.filter((d) => d.enforcementLevel === "advisory"),
    text: ds.map((d) => d.message).join("\n") + "\n" + notApplicable.join("\n"),
  };
}

function levelOf(policy: AnyPolicy, config: Config): EnforcementLevel {
  let level = config.enforcementLevel || policy.enforcementLevel || "mandatory";
  if (level === "remediate") level = "mandatory";
  return level;
}

function handle(e: unknown, policy: AnyPolicy, ds: Diagnostic[], na: string[]): void {
  if (e instanceof proxy.UnknownValueError) {
    ds.push({
      policyName: policy.name,
      message: `can't run policy '${policy.name}' during preview: ${(e as Error).message}`,
      enforcementLevel: "advisory",
    });
  } else if (e instanceof NotApplicable) {
    na.push(e.reason ?? "Policy does not apply");
  } else {
    throw e;
  }
}

/** Runs one resource policy on one resource, as Analyze does. */
export async function runResource(
  policy: AnyPolicy,
  type: string,
  props: Record<string, unknown>,
  config: Config = {},
  name = "res",
): Promise<Verdict> {
  const cfg = resolveConfig(policy, config);
  const level = levelOf(policy, cfg);
  const ds: Diagnostic[] = [];
  const na: string[] = [];
  const p = policy as ResourceValidationPolicy;
  if (level === "disabled" || typeof p.validateResource !== "function") return finish(ds, na);
  const { enforcementLevel: _e, ...policyConfig } = cfg;
  const wrapped = proxy.unknownCheckingProxy(deserialize(props) as Record<string, unknown>);
  const args = {
    type,
    props: wrapped,
    urn: `urn:pulumi:test::phi::${type}::${name}`,
    name,
    opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: {}, additionalSecretOutputs: [] },
    stackTags: new Map<string, string>(),
    isType: () => false,
    asType: () => undefined,
    getConfig: () => policyConfig,
    notApplicable: (reason?: string): never => {
      throw new NotApplicable(reason);
    },
  };
  try {
    await Promise.resolve(p.validateResource(args as never, makeReport(policy, level, ds) as never));
  } catch (e) {
    handle(e, policy, ds, na);
  }
  return finish(ds, na);
}

/** A resource for runStack. `deps` maps a top-level property to the names of resources it was computed from. */
export interface StackResourceSpec {
  type: string;
  name: string;
  props: Record<string, unknown>;
  deps?: Record<string, string[]>;
  /** The `protect` resource option (default false). */
  protect?: boolean;
}

export function urnOf(type: string, name: string): string {
  return `urn:pulumi:test::phi::${type}::${name}`;
}

/** Runs one stack policy over a set of resources (outputs), as AnalyzeStack does. */
export async function runStack(
  policy: AnyPolicy,
  specs: StackResourceSpec[],
  config: Config = {},
): Promise<Verdict> {
  const cfg = resolveConfig(policy, config);
  const level = levelOf(policy, cfg);
  const ds: Diagnostic[] = [];
  const na: string[] = [];
  const p = policy as StackValidationPolicy;
  if (level === "disabled" || typeof p.validateStack !== "function") return finish(ds, na);
  const { enforcementLevel: _e, ...policyConfig } = cfg;
  const byName = new Map<string, PolicyResource>();
  const resources: PolicyResource[] = specs.map((s) => {
    const r = {
      type: s.type,
      name: s.name,
      urn: urnOf(s.type, s.name),
      props: proxy.unknownCheckingProxy(deserialize(s.props) as Record<string, unknown>),
      opts: {
        protect: s.protect ?? false,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: {},
        additionalSecretOutputs: [],
      },
      dependencies: [],
      propertyDependencies: {},
      isType: () => false,
      asType: () => undefined,
    } as unknown as PolicyResource;
    if (byName.has(s.name)) throw new Error(`duplicate resource name ${s.name} in test`);
    byName.set(s.name, r);
    return r;
  });
  specs.forEach((s, i) => {
    for (const [prop, names] of Object.entries(s.deps ?? {})) {
      resources[i].propertyDependencies[prop] = names.map((n) => {
        const d = byName.get(n);
        if (!d) throw new Error(`dependency ${n} not found in test`);
        return d;
      });
      resources[i].dependencies.push(...resources[i].propertyDependencies[prop]);
    }
  });
  const args = {
    resources,
    stackTags: new Map<string, string>(),
    getConfig: () => policyConfig,
    notApplicable: (reason?: string): never => {
      throw new NotApplicable(reason);
    },
  };
  try {
    await Promise.resolve(p.validateStack(args as never, makeReport(policy, level, ds) as never));
  } catch (e) {
    handle(e, policy, ds, na);
  }
  return finish(ds, na);
}
