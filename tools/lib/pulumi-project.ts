/**
 * A Pulumi project as the Pulumi CLI reads it: `Pulumi.yaml` (name, runtime, main, stackConfigDir, project
 * config) and `Pulumi.<stack>.yaml`, with config presented to the program the way the CLI presents it
 * (namespaced keys, string values, objects JSON-encoded, secrets marked).
 *
 * Pure file reading: no Pulumi runtime is loaded here, so the CLI can validate before starting anything.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";

/** Value given to `secure:` config offline: the ciphertext cannot be decrypted without the stack's key. */
export const SECURE_PLACEHOLDER = "offline-check-secret-placeholder";

/** A usage or config problem (exit 2): the message names the file, the field, the value and the fix. */
export class StackConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StackConfigError";
  }
}

/** How the program is found and run, as the Node.js language host would. */
export interface ProgramSpec {
  /** The program's working directory: `main` when it is a directory, else the project directory. */
  workDir: string;
  /** `main` when it names a file (absolute), else undefined: the package.json / index lookup applies. */
  entry?: string;
  /** `runtime.options.typescript` (default true): load `.ts` through ts-node, as Pulumi does. */
  typescript: boolean;
}

export interface PulumiProject {
  /** Directory holding Pulumi.yaml. */
  dir: string;
  /** The Pulumi.yaml (or .yml) file. */
  file: string;
  name: string;
  /** Where Pulumi.<stack>.yaml files live (`stackConfigDir`, default the project directory). */
  stackConfigDir: string;
  program: ProgramSpec;
  /** Project-level config declarations, by full key (`<project>:key` or `ns:key`). */
  config: Record<string, ProjectConfigEntry>;
}

export interface ProjectConfigEntry {
  type?: "string" | "integer" | "boolean" | "array";
  /** The default (or `value:` for namespaced keys), when declared. */
  value?: unknown;
  hasValue: boolean;
  secret: boolean;
}

export interface StackConfig {
  project: string;
  stack: string;
  /** The stack file the config came from. */
  file: string;
  /** `namespace:key` → string value, as the CLI hands it to programs (objects JSON-encoded). */
  config: Record<string, string>;
  /** Keys whose value is secret (`secure:` in the file, or `secret: true` in Pulumi.yaml). */
  secretKeys: string[];
  /** Keys whose `secure:` value was replaced by {@link SECURE_PLACEHOLDER}. */
  placeholderKeys: string[];
  /** ESC environments the stack imports: their values are not available offline. */
  environments: string[];
  /** `aws:region` when set. */
  region?: string;
}

const PROJECT_FILES = ["Pulumi.yaml", "Pulumi.yml"];
const PROJECT_NAME = /^[A-Za-z0-9_.-]+$/;
const CONFIG_TYPES = ["string", "integer", "boolean", "array"] as const;
const TYPED_KEYS = ["type", "description", "default", "value", "secret", "items"];

function show(p: string): string {
  const r = path.relative(process.cwd(), p);
  return r && !r.startsWith("..") && !path.isAbsolute(r) ? r : p;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function readYaml(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new StackConfigError(
      `${show(file)}: cannot be read (${(err as Error).message}). Fix: check the file.`,
    );
  }
  try {
    return parseYaml(text);
  } catch (err) {
    const first = (err as Error).message.split("\n")[0];
    throw new StackConfigError(`${show(file)}: not valid YAML (${first}). Fix: correct the syntax.`);
  }
}

/** The Pulumi.yaml in `dir` or, as the Pulumi CLI does, in the nearest directory above it. */
export function findProjectFile(dir: string): string | undefined {
  let d = path.resolve(dir);
  for (;;) {
    for (const f of PROJECT_FILES) {
      const file = path.join(d, f);
      if (fs.existsSync(file)) return file;
    }
    const up = path.dirname(d);
    if (up === d) return undefined;
    d = up;
  }
}

const OTHER_RUNTIME_FIX =
  'Fix: for Python, Go, .NET, Java and YAML programs run "pulumi preview --policy-pack ' +
  'node_modules/phi-channels/policies --event-log events.ndjson", then ' +
  '"phi-channels evidence --event-log events.ndjson" to write the evidence.';

/** Reads and validates a project file. Every problem is a {@link StackConfigError} naming field and fix. */
export function loadProject(file: string): PulumiProject {
  const dir = path.dirname(path.resolve(file));
  const doc = readYaml(file);
  const where = show(file);
  if (!isMap(doc)) {
    throw new StackConfigError(`${where}: not a project file (expected a map with "name" and "runtime").`);
  }
  const name = doc.name;
  if (typeof name !== "string" || !PROJECT_NAME.test(name)) {
    throw new StackConfigError(
      `${where}: name = ${JSON.stringify(name ?? null)} is not a project name. ` +
        `Fix: set "name" to letters, digits, "-", "_" or ".".`,
    );
  }
  const runtime = doc.runtime;
  const runtimeName = isMap(runtime) ? runtime.name : runtime;
  if (runtimeName !== "nodejs") {
    throw new StackConfigError(
      `${where}: runtime = ${JSON.stringify(runtimeName ?? null)}: "phi-channels check" runs Node.js programs ` +
        `(runtime: nodejs) under mocks. ${OTHER_RUNTIME_FIX}`,
    );
  }
  const options = isMap(runtime) && isMap(runtime.options) ? runtime.options : {};
  const typescript = options.typescript === undefined ? true : options.typescript;
  if (typeof typescript !== "boolean") {
    throw new StackConfigError(
      `${where}: runtime.options.typescript = ${JSON.stringify(typescript)} is not a boolean. Fix: use true or false.`,
    );
  }

  let program: ProgramSpec = { workDir: dir, typescript };
  if (doc.main !== undefined && doc.main !== null) {
    if (typeof doc.main !== "string" || doc.main === "") {
      throw new StackConfigError(
        `${where}: main = ${JSON.stringify(doc.main)} is not a path. Fix: give the program's file or directory, relative to Pulumi.yaml.`,
      );
    }
    const main = path.resolve(dir, doc.main);
    if (!fs.existsSync(main)) {
      throw new StackConfigError(
        `${where}: main = "${doc.main}": ${show(main)} does not exist. Fix: point "main" at the program's file or directory.`,
      );
    }
    // As the language host: a directory is the program's working directory; a file is the entry point.
    program = fs.statSync(main).isDirectory()
      ? { workDir: main, typescript }
      : { workDir: dir, entry: main, typescript };
  }

  let stackConfigDir = dir;
  if (doc.stackConfigDir !== undefined && doc.stackConfigDir !== null) {
    if (typeof doc.stackConfigDir !== "string" || doc.stackConfigDir === "") {
      throw new StackConfigError(
        `${where}: stackConfigDir = ${JSON.stringify(doc.stackConfigDir)} is not a path. Fix: give a directory relative to Pulumi.yaml.`,
      );
    }
    stackConfigDir = path.resolve(dir, doc.stackConfigDir);
    if (!fs.existsSync(stackConfigDir) || !fs.statSync(stackConfigDir).isDirectory()) {
      throw new StackConfigError(
        `${where}: stackConfigDir = "${doc.stackConfigDir}" is not a directory. Fix: create it or correct the path.`,
      );
    }
  }

  return {
    dir,
    file: path.resolve(file),
    name,
    stackConfigDir,
    program,
    config: projectConfig(doc.config, name, where),
  };
}

function fullKey(key: string, project: string): string {
  return key.includes(":") ? key : `${project}:${key}`;
}

/** `config:` of Pulumi.yaml: `key: value` (a default) or `key: {type, default | value, secret, ...}`. */
function projectConfig(raw: unknown, project: string, where: string): Record<string, ProjectConfigEntry> {
  if (raw === undefined || raw === null) return {};
  if (!isMap(raw)) {
    throw new StackConfigError(
      `${where}: config = ${JSON.stringify(raw)} is not a map. Fix: use "key: value" entries.`,
    );
  }
  const out: Record<string, ProjectConfigEntry> = {};
  for (const [key, decl] of Object.entries(raw)) {
    const full = fullKey(key, project);
    if (isMap(decl) && Object.keys(decl).some((k) => TYPED_KEYS.includes(k))) {
      const type = decl.type;
      if (type !== undefined && !CONFIG_TYPES.includes(type as (typeof CONFIG_TYPES)[number])) {
        throw new StackConfigError(
          `${where}: config.${key}.type = ${JSON.stringify(type)} is not a config type. ` +
            `Fix: use one of ${CONFIG_TYPES.map((t) => `"${t}"`).join(", ")}.`,
        );
      }
      const hasDefault = "default" in decl;
      const hasValue = "value" in decl;
      const value = hasValue ? decl.value : decl.default;
      const entry: ProjectConfigEntry = {
        type: type as ProjectConfigEntry["type"],
        value,
        hasValue: hasDefault || hasValue,
        secret: decl.secret === true,
      };
      if (entry.hasValue && entry.type) checkType(entry.type, value, `${where}: config.${key}`, "default");
      out[full] = entry;
    } else {
      out[full] = { value: decl, hasValue: true, secret: false };
    }
  }
  return out;
}

function checkType(
  type: NonNullable<ProjectConfigEntry["type"]>,
  value: unknown,
  field: string,
  what: string,
): void {
  const ok =
    type === "string"
      ? typeof value === "string" || typeof value === "number" || typeof value === "boolean"
      : type === "integer"
        ? (typeof value === "number" && Number.isInteger(value)) ||
          (typeof value === "string" && /^-?\d+$/.test(value))
        : type === "boolean"
          ? typeof value === "boolean" || value === "true" || value === "false"
          : Array.isArray(value);
  if (!ok) {
    throw new StackConfigError(
      `${field} ${what} ${JSON.stringify(value)} is not of type "${type}" (declared in Pulumi.yaml). ` +
        `Fix: give a value of that type, or change the declared type.`,
    );
  }
}

/** Stack names found as `Pulumi.<name>.yaml` in the project's stack config directory, sorted. */
export function listStacks(project: Pick<PulumiProject, "stackConfigDir">): string[] {
  if (!fs.existsSync(project.stackConfigDir)) return [];
  return [
    ...new Set(
      fs
        .readdirSync(project.stackConfigDir)
        .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined),
    ),
  ].sort();
}

export function stackFile(project: Pick<PulumiProject, "stackConfigDir">, stack: string): string | undefined {
  for (const ext of ["yaml", "yml"]) {
    const file = path.join(project.stackConfigDir, `Pulumi.${stack}.${ext}`);
    if (fs.existsSync(file)) return file;
  }
  return undefined;
}

function containsSecure(value: unknown): boolean {
  if (!isMap(value) && !Array.isArray(value)) return false;
  if (isMap(value) && Object.keys(value).length === 1 && "secure" in value) return true;
  return Object.values(value as object).some(containsSecure);
}

function replaceSecure(value: unknown): unknown {
  if (isMap(value) && Object.keys(value).length === 1 && "secure" in value) return SECURE_PLACEHOLDER;
  if (Array.isArray(value)) return value.map(replaceSecure);
  if (isMap(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceSecure(v)]));
  return value;
}

function asConfigString(v: unknown): string {
  return typeof v === "string" ? v : v !== null && typeof v === "object" ? JSON.stringify(v) : String(v);
}

/**
 * Reads `Pulumi.<stack>.yaml` over the project's config defaults, the way the CLI presents config to a
 * program: bare keys are in the project's namespace, other namespaces (`aws:region`) stay as written.
 */
export function loadStackConfig(project: PulumiProject, stack: string): StackConfig {
  const file = stackFile(project, stack);
  if (!file) {
    const known = listStacks(project);
    throw new StackConfigError(
      `--stack = "${stack}": no stack file Pulumi.${stack}.yaml in ${show(project.stackConfigDir)}. ` +
        `Fix: use one of ${known.length ? known.map((s) => `"${s}"`).join(", ") : "(none found)"}, ` +
        `or create it ("pulumi config set" does; "config: {}" is enough).`,
    );
  }
  const where = show(file);
  const doc = readYaml(file);
  if (doc !== null && doc !== undefined && !isMap(doc)) {
    throw new StackConfigError(`${where}: not a stack file (expected a map with "config").`);
  }
  const raw = (doc as Record<string, unknown> | null)?.config ?? {};
  if (!isMap(raw)) {
    throw new StackConfigError(
      `${where}: "config" = ${JSON.stringify(raw)} is not a map. Fix: use "key: value" entries.`,
    );
  }
  const envRaw = (doc as Record<string, unknown> | null)?.environment;
  const environments = Array.isArray(envRaw)
    ? envRaw.map(String)
    : isMap(envRaw) && Array.isArray(envRaw.imports)
      ? envRaw.imports.map((e) => (typeof e === "string" ? e : JSON.stringify(e)))
      : [];

  const config: Record<string, string> = {};
  const secretKeys = new Set<string>();
  const placeholderKeys: string[] = [];
  const set = new Set<string>();
  for (const [rawKey, value] of Object.entries(raw)) {
    const key = fullKey(rawKey, project.name);
    if (containsSecure(value)) {
      secretKeys.add(key);
      placeholderKeys.push(key);
    }
    const decl = project.config[key];
    if (decl?.type && !containsSecure(value))
      checkType(decl.type, value, `${where}: config.${rawKey}`, "value");
    config[key] = asConfigString(replaceSecure(value));
    set.add(key);
  }
  const missing: string[] = [];
  for (const [key, decl] of Object.entries(project.config)) {
    if (decl.secret) secretKeys.add(key);
    if (set.has(key)) continue;
    if (decl.hasValue) {
      if (containsSecure(decl.value)) {
        secretKeys.add(key);
        placeholderKeys.push(key);
      }
      config[key] = asConfigString(replaceSecure(decl.value));
    } else if (decl.type) missing.push(key);
  }
  if (missing.length > 0) {
    throw new StackConfigError(
      missing
        .map(
          (k) =>
            `${where}: config ${k} is missing: Pulumi.yaml declares it without a default. ` +
            `Fix: set it in ${path.basename(file)} (pulumi config set ${k.startsWith(`${project.name}:`) ? k.slice(project.name.length + 1) : k} <value>).`,
        )
        .join("\n"),
    );
  }
  return {
    project: project.name,
    stack,
    file,
    config,
    secretKeys: [...secretKeys].sort(),
    placeholderKeys: placeholderKeys.sort(),
    environments,
    region: config["aws:region"],
  };
}
