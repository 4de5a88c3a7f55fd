/**
 * Policy config files in the CLI's `--policy-pack-config` format:
 * `{ "<policy>": "<level>" | { "enforcementLevel"?: "<level>", ...properties }, "all"?: "<level>" }`.
 *
 * Validated with ajv against each policy's own `configSchema` (as GetAnalyzerInfo reports it, i.e. what the
 * CLI enforces) plus the enforcement-level enum. Returns the effective config sent to Configure: every
 * policy, its level, and its properties with schema defaults applied.
 */
import { configProblems } from "../../policies/src/config-checks";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv, { type ErrorObject } from "ajv";
import addFormats from "ajv-formats";
import type { EnforcementLevel, PolicyConfigMap, PolicyMetadata } from "./analyzer-client";

export const ENFORCEMENT_LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/** One or more problems in a policy config file (exit 2). Each line names file, JSON path, value and fix. */
export class PolicyConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
    this.name = "PolicyConfigError";
  }
}

export interface LoadedPolicyConfig {
  /** File read, if any. */
  file?: string;
  /** SHA-256 of the file's bytes, if a file was read. */
  fileSha256?: string;
  /** The file's content as parsed. */
  raw: Record<string, unknown>;
  /** Effective per-policy config (every policy of the pack), for Configure and the evidence. */
  effective: PolicyConfigMap;
}

/** `policies/config/<stack>.json` under the repository root. */
export function defaultPolicyConfigFile(repoRoot: string, stack: string): string {
  return path.join(repoRoot, "policies", "config", `${stack}.json`);
}

/** Picks the config file: the explicit one (must exist) or the stack default when it exists. */
export function resolvePolicyConfigFile(
  explicit: string | undefined,
  repoRoot: string,
  stack: string,
): string | undefined {
  if (explicit !== undefined) {
    const file = path.resolve(explicit);
    if (!fs.existsSync(file)) {
      throw new PolicyConfigError([
        `--policy-config = "${explicit}": file not found. Fix: pass an existing JSON file, or omit the option to use ` +
          `policies/config/${stack}.json when it exists.`,
      ]);
    }
    return file;
  }
  const def = defaultPolicyConfigFile(repoRoot, stack);
  return fs.existsSync(def) ? def : undefined;
}

function show(value: unknown): string {
  if (value === undefined) return "(missing)";
  const s = JSON.stringify(value);
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

function jsonPath(base: string, instancePath: string): string {
  const parts = instancePath
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  return parts.reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : `${acc}.${p}`), base);
}

function valueAt(root: unknown, instancePath: string): unknown {
  let cur = root;
  for (const p of instancePath.split("/").slice(1)) {
    const key = p.replace(/~1/g, "/").replace(/~0/g, "~");
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function fixFor(err: ErrorObject, schemaProps: Record<string, unknown>): string {
  const p = err.params as Record<string, unknown>;
  switch (err.keyword) {
    case "enum":
      return `use one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
    case "const":
      return `use ${JSON.stringify(p.allowedValue)}`;
    case "type":
      return `use a value of type ${String(p.type)}`;
    case "pattern":
      return `use a value matching ${String(p.pattern)}`;
    case "format":
      return `use a valid ${String(p.format)}`;
    case "minimum":
    case "exclusiveMinimum":
    case "maximum":
    case "exclusiveMaximum":
      return `use a value ${String(p.comparison)} ${String(p.limit)}`;
    case "minLength":
    case "maxLength":
    case "minItems":
    case "maxItems":
      return `use ${err.keyword.startsWith("min") ? "at least" : "at most"} ${String(p.limit)} ${err.keyword.endsWith("Length") ? "characters" : "items"}`;
    case "uniqueItems":
      return `remove the duplicate at items ${String(p.i)} and ${String(p.j)}`;
    case "required":
      return `add "${String(p.missingProperty)}"`;
    case "additionalProperties":
      return `remove "${String(p.additionalProperty)}" (options: ${["enforcementLevel", ...Object.keys(schemaProps)].join(", ")})`;
    default:
      return `change it so that it ${err.message ?? "matches the policy's configSchema"}`;
  }
}

/**
 * Validates a parsed config object against the pack's policies and returns the effective config.
 * `source` names the file (or "policy config") in messages.
 */
export function validatePolicyConfig(
  raw: unknown,
  policies: Pick<PolicyMetadata, "name" | "enforcementLevel" | "configSchema">[],
  source: string,
): PolicyConfigMap {
  const problems: string[] = [];
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new PolicyConfigError([
      `${source}: $ = ${show(raw)} is not an object. Fix: use { "<policy-name>": "<level>" | { ...options } }.`,
    ]);
  }
  const cfg = raw as Record<string, unknown>;
  const byName = new Map(policies.map((p) => [p.name, p]));
  const levels = ENFORCEMENT_LEVELS.map((l) => JSON.stringify(l)).join(", ");
  const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false });
  addFormats(ajv);

  let allLevel: EnforcementLevel | undefined;
  if ("all" in cfg) {
    if (typeof cfg.all === "string" && (ENFORCEMENT_LEVELS as string[]).includes(cfg.all)) {
      allLevel = cfg.all as EnforcementLevel;
    } else {
      problems.push(
        `${source}: $.all = ${show(cfg.all)} is not an enforcement level. Fix: use one of ${levels}.`,
      );
    }
  }
  for (const key of Object.keys(cfg)) {
    if (key !== "all" && !byName.has(key)) {
      problems.push(
        `${source}: $.${key} is not a policy of this pack. Fix: remove it or use one of ${[...byName.keys()].join(", ")}.`,
      );
    }
  }

  const effective: PolicyConfigMap = {};
  for (const policy of policies) {
    const entry = cfg[policy.name];
    const at = `$.${policy.name}`;
    let level: EnforcementLevel = allLevel ?? policy.enforcementLevel;
    let props: Record<string, unknown> = {};
    if (typeof entry === "string") {
      if ((ENFORCEMENT_LEVELS as string[]).includes(entry)) level = entry as EnforcementLevel;
      else
        problems.push(
          `${source}: ${at} = ${show(entry)} is not an enforcement level. Fix: use one of ${levels}.`,
        );
    } else if (entry !== undefined && entry !== null && typeof entry === "object" && !Array.isArray(entry)) {
      const { enforcementLevel, ...rest } = entry as Record<string, unknown>;
      if (enforcementLevel !== undefined) {
        if (
          typeof enforcementLevel === "string" &&
          (ENFORCEMENT_LEVELS as string[]).includes(enforcementLevel)
        ) {
          level = enforcementLevel as EnforcementLevel;
        } else {
          problems.push(
            `${source}: ${at}.enforcementLevel = ${show(enforcementLevel)} is not an enforcement level. Fix: use one of ${levels}.`,
          );
        }
      }
      props = structuredClone(rest);
    } else if (entry !== undefined) {
      problems.push(
        `${source}: ${at} = ${show(entry)} is neither an enforcement level nor an object. ` +
          `Fix: use one of ${levels} or { "enforcementLevel": ..., <options> }.`,
      );
    }

    const schemaProps = policy.configSchema?.properties ?? {};
    const schema = {
      type: "object",
      properties: schemaProps,
      required: policy.configSchema?.required ?? [],
      // Options the policy does not declare would be silently ignored by the pack: reject them.
      additionalProperties: false,
    };
    const validate = ajv.compile(schema);
    if (!validate(props)) {
      for (const err of validate.errors ?? []) {
        const field = jsonPath(at, err.instancePath);
        const value = valueAt(props, err.instancePath);
        const target =
          err.keyword === "required"
            ? `${field}.${String((err.params as { missingProperty: string }).missingProperty)}`
            : err.keyword === "additionalProperties"
              ? `${field}.${String((err.params as { additionalProperty: string }).additionalProperty)}`
              : field;
        const shown =
          err.keyword === "additionalProperties"
            ? show(
                (props as Record<string, unknown>)[
                  (err.params as { additionalProperty: string }).additionalProperty
                ],
              )
            : err.keyword === "required"
              ? "(missing)"
              : show(value);
        problems.push(
          `${source}: ${target} = ${shown} ${err.message ?? "is invalid"}. Fix: ${fixFor(err, schemaProps)}.`,
        );
      }
    }
    for (const issue of configProblems(props)) {
      problems.push(
        `${source}: ${at}.${issue.path} = ${show(issue.value)} ${issue.problem}. Fix: ${issue.fix}.`,
      );
    }
    effective[policy.name] = { enforcementLevel: level, properties: props };
  }
  if (problems.length > 0) throw new PolicyConfigError(problems);
  return effective;
}

/** Reads and validates a config file; with no file, returns the pack's defaults. */
export function loadPolicyConfig(
  file: string | undefined,
  policies: Pick<PolicyMetadata, "name" | "enforcementLevel" | "configSchema">[],
): LoadedPolicyConfig {
  if (file === undefined) {
    return { raw: {}, effective: validatePolicyConfig({}, policies, "pack defaults") };
  }
  if (fs.statSync(file, { throwIfNoEntry: false })?.isDirectory()) {
    throw new PolicyConfigError([
      `${file}: is a directory, not a file. Fix: pass the policy config JSON file.`,
    ]);
  }
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    throw new PolicyConfigError([
      `${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? "error"}). Fix: check the path.`,
    ]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString("utf8"));
  } catch (err) {
    // The parser's message quotes the input: never echo a file's content (it may be binary or secret).
    const binary = bytes.includes(0) || bytes.toString("utf8").includes("\ufffd");
    const where = /position (\d+)/.exec((err as Error).message)?.[1];
    throw new PolicyConfigError([
      `${file}: not valid JSON${binary ? " (the file looks binary)" : where ? ` (at character ${where})` : ""}. Fix: correct the syntax.`,
    ]);
  }
  const effective = validatePolicyConfig(raw, policies, file);
  return {
    file,
    fileSha256: createHash("sha256").update(bytes).digest("hex"),
    raw: raw as Record<string, unknown>,
    effective,
  };
}

/** The effective config in the shape evidence records: policy → { enforcementLevel, ...properties }. */
export function flattenPolicyConfig(config: PolicyConfigMap): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(config).sort()) {
    out[name] = { enforcementLevel: config[name].enforcementLevel, ...(config[name].properties ?? {}) };
  }
  return out;
}
