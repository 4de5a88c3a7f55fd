/**
 * Validation of the stack configuration (`phi-channels:channels`, `phi-channels:network`). Its shape is a
 * JSON Schema (config.schema.json: types, and no unknown keys); what the values may be is PhiChannel's
 * to decide, so every channel is handed to validatePhiChannelArgs and its problems are reported under
 * the config key path the operator edits. A stack file is refused for the same reasons, in the same
 * words, as the component and the policy pack would refuse the deployment.
 */
import Ajv, { type ErrorObject } from "ajv";
import { validatePhiChannelArgs, type PhiChannelArgs } from "../components/PhiChannel";
import { formatValue, type ConfigProblem } from "../components/errors";
import schema from "./config.schema.json";

/** The config namespace (Pulumi project name). */
export const CONFIG_NAMESPACE = "phi-channels";

/** One refusal of one config value; the value itself is not kept, as it may be secret. */
export interface StackConfigProblem {
  readonly key: string;
  readonly problem: string;
  readonly fix: string;
}

/** A problem as found, with the value its message shows (or redacts). */
type Found = StackConfigProblem & { readonly value: unknown };

/**
 * Raised for a bad stack configuration: one line per problem, each naming the key path, the value
 * (`[secret]` when the key is secret) and the fix. `key`, `problem` and `fix` are the first problem's.
 */
export class StackConfigError extends Error {
  readonly problems: readonly StackConfigProblem[];

  constructor(
    readonly key: string,
    value: unknown,
    readonly problem: string,
    readonly fix: string,
    secret = false,
    further: readonly Found[] = [],
  ) {
    const found: Found[] = [{ key, value, problem, fix }, ...further];
    super(found.map((p) => describe(p, secret)).join("\n"));
    this.name = "StackConfigError";
    this.problems = found.map((p) => ({ key: p.key, problem: p.problem, fix: p.fix }));
  }

  /** One error for every problem found. */
  static of(found: readonly Found[], secret: boolean): StackConfigError {
    const [first, ...further] = found;
    return new StackConfigError(first.key, first.value, first.problem, first.fix, secret, further);
  }
}

function describe(p: Found, secret: boolean): string {
  // A missing value is "(unset)", not "[secret]": there is nothing to hide.
  const shown = secret && p.value !== undefined ? "[secret]" : formatValue(p.value);
  return `${p.key} = ${shown} ${p.problem}. Fix: ${p.fix}`;
}

/** One validated channel: its name and the PhiChannel arguments. */
export interface ChannelConfig {
  name: string;
  args: PhiChannelArgs;
}

/** Stack-wide network: an existing VPC for every channel, or settings for each channel's own VPC. */
export type NetworkConfig =
  | { vpcId: string; subnetIds: string[]; cidrBlock: string }
  | { cidrBlock?: string; availabilityZoneCount?: number; interfaceEndpoints?: string[] };

export interface StackConfig {
  channels: ChannelConfig[];
  network?: NetworkConfig;
}

/** A channel as the stack file writes it: its name and PhiChannel's arguments. */
type ChannelEntry = PhiChannelArgs & { name: string };

const ajv = new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true });
// The schema's own annotation: the fix its error messages give.
ajv.addKeyword({ keyword: "fix", schemaType: "string" });
const validateShape = ajv.compile<{ channels: ChannelEntry[]; network?: NetworkConfig }>(schema);

/**
 * Validates the raw `channels` and `network` config values: their shape, then each channel as PhiChannel
 * does. Throws one {@link StackConfigError} listing every problem. `secret` redacts values in the
 * message (set when either key is stored as a secret). `packConfig` (the parsed
 * `policies/config/<stack>.json`) parameterises the channels' `runtimeGuardrails` (`true`, or
 * `{ omitRules }`).
 */
export function parseStackConfig(
  channelsRaw: unknown,
  networkRaw: unknown,
  secret = false,
  packConfig?: Record<string, unknown>,
): StackConfig {
  const config = { channels: channelsRaw, ...(networkRaw === undefined ? {} : { network: networkRaw }) };
  if (!validateShape(config)) {
    throw StackConfigError.of(shapeProblems(validateShape.errors ?? [], config), secret);
  }

  const found: Found[] = [];
  const firstIndex = new Map<string, number>();
  config.channels.forEach(({ name }, i) => {
    const first = firstIndex.get(name);
    if (first === undefined) firstIndex.set(name, i);
    else {
      found.push({
        key: `${CONFIG_NAMESPACE}:channels[${i}].name`,
        value: name,
        problem: `duplicates ${CONFIG_NAMESPACE}:channels[${first}].name`,
        fix: "give every channel a unique name",
      });
    }
  });

  const channels = config.channels.map(({ name, ...own }, i): ChannelConfig => {
    const args: PhiChannelArgs = { ...own };
    // The guardrails watch for what the stack's pack enforces: its config, not a second copy in YAML.
    // The object form only names rules to leave out (the schema admits omitRules alone); PhiChannel
    // judges the keys.
    const guardrails = own.runtimeGuardrails;
    if (guardrails === true) args.runtimeGuardrails = { policyConfig: packConfig ?? {} };
    else if (typeof guardrails === "object") {
      args.runtimeGuardrails = {
        policyConfig: packConfig ?? {},
        ...(guardrails.omitRules === undefined ? {} : { omitRules: guardrails.omitRules }),
      };
    }
    if (own.network === undefined && config.network !== undefined) args.network = config.network;
    for (const p of validatePhiChannelArgs(name, args)) {
      const key = configKey(p, i, name, own.network !== undefined);
      // The stack-wide network is one key, however many channels it is refused for.
      if (!found.some((f) => f.key === key)) found.push({ ...p, key });
    }
    return { name, args };
  });
  if (found.length > 0) throw StackConfigError.of(found, secret);
  return { channels, network: config.network };
}

/**
 * The config key a PhiChannel problem is about: `phi-channels:channels[i].<field>`, or
 * `phi-channels:network.<...>` for the stack-wide network a channel without its own uses.
 */
function configKey(p: ConfigProblem, index: number, name: string, ownNetwork: boolean): string {
  const channel = `${CONFIG_NAMESPACE}:channels[${index}]`;
  if (p.component !== "PhiChannel" || p.resourceName !== name) {
    return `${channel}.${p.component} "${p.resourceName}" ${p.field}`;
  }
  if (p.field === "args") return channel;
  if (!ownNetwork && /^network(\.|\[|$)/.test(p.field)) return `${CONFIG_NAMESPACE}:${p.field}`;
  return `${channel}.${p.field}`;
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: "text",
  number: "a number",
  integer: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "a mapping",
};

const TYPE_FIXES: Readonly<Record<string, string>> = {
  string: "quote the value",
  number: "write a number without quotes",
  integer: "write a whole number without quotes",
  boolean: "write true or false (no quotes)",
  array: "write a list",
  object: "write a mapping of settings",
};

interface AnnotatedSchema {
  fix?: string;
  title?: string;
  properties?: Record<string, AnnotatedSchema>;
}

/** The schema's errors as config problems, one per key (the first error found there). */
function shapeProblems(errors: readonly ErrorObject[], config: unknown): Found[] {
  const found = new Map<string, Found>();
  for (const e of errors) {
    const p = shapeProblem(e, config);
    if (p && !found.has(p.key)) found.set(p.key, p);
  }
  return [...found.values()];
}

function shapeProblem(e: ErrorObject, config: unknown): Found | undefined {
  const at = pointer(e.instancePath);
  const schemaAt = (e.parentSchema ?? {}) as AnnotatedSchema;
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "if":
      return undefined; // the then/else branch's own errors say what is wrong
    case "additionalProperties": {
      const extra = String(params.additionalProperty);
      const known = Object.keys(schemaAt.properties ?? {});
      return {
        key: keyOf([...at, extra]),
        value: valueAt(config, [...at, extra]),
        problem: "is not a known setting",
        fix: `remove it or use one of ${known.join(", ")}`,
      };
    }
    case "required": {
      const missing = String(params.missingProperty);
      return {
        key: keyOf([...at, missing]),
        value: undefined,
        problem: "is required",
        fix: schemaAt.properties?.[missing]?.fix ?? `add ${missing}`,
      };
    }
    case "type": {
      const types = String(params.type).split(",");
      return {
        key: keyOf(at),
        value: e.data,
        problem: `must be ${types.map((t) => TYPE_NAMES[t] ?? t).join(" or ")}`,
        fix: schemaAt.fix ?? TYPE_FIXES[types[0]] ?? `write ${types.join(" or ")}`,
      };
    }
    case "minItems":
      return {
        key: keyOf(at),
        value: e.data,
        problem: "must be a non-empty list",
        fix: schemaAt.fix ?? "list at least one entry",
      };
    case "pattern":
      return {
        key: keyOf(at),
        value: e.data,
        problem: `is not ${schemaAt.title ?? "in the expected form"}`,
        fix: schemaAt.fix ?? `write a value matching ${String(params.pattern)}`,
      };
    default:
      return {
        key: keyOf(at),
        value: e.data,
        problem: `is not valid (${e.message ?? e.keyword})`,
        fix: schemaAt.fix ?? "see the config keys in docs/components-channel.md",
      };
  }
}

/** A JSON pointer's segments (`/channels/0/name` -> ["channels", "0", "name"]). */
function pointer(instancePath: string): string[] {
  return instancePath
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** `phi-channels:channels[0].allowedSources[1]` for ["channels", "0", "allowedSources", "1"]. */
function keyOf(segments: readonly string[]): string {
  const [top, ...rest] = segments;
  return rest.reduce(
    (key, s) => (/^\d+$/.test(s) ? `${key}[${s}]` : `${key}.${s}`),
    top === undefined ? CONFIG_NAMESPACE : `${CONFIG_NAMESPACE}:${top}`,
  );
}

function valueAt(root: unknown, segments: readonly string[]): unknown {
  let at = root;
  for (const s of segments) {
    if (at === null || typeof at !== "object") return undefined;
    at = (at as Record<string, unknown>)[s];
  }
  return at;
}
