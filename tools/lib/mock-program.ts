/**
 * Runs a stack program under Pulumi's mock runtime in preview mode, with the stack's config from
 * `Pulumi.<stack>.yaml`, and captures every resource registration as the engine would see it: the raw
 * input Struct (unknowns and secrets preserved), parent, protect flag, dependencies and provider.
 *
 * Pulumi's runtime is a process-wide singleton, so {@link runStackProgram} runs each stack in a fresh child
 * process (`mock-program-worker.ts` under tsx) and exchanges JSON over the IPC channel.
 * {@link runStackProgramInProcess} is what the worker calls.
 */
import { fork } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import type * as RpcModule from "@pulumi/pulumi/runtime/rpc";
import type * as AwsMocksModule from "./aws-mocks";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
export const DEFAULT_STACKS_DIR = path.join(REPO_ROOT, "stacks");
/** Program used when the stacks directory has none of its own. */
export const DEFAULT_PROGRAM = path.join(DEFAULT_STACKS_DIR, "program.ts");
/** Value given to `secure:` config offline: the ciphertext cannot be decrypted without the stack's key. */
export const SECURE_PLACEHOLDER = "offline-check-secret-placeholder";

/** A usage or config problem (exit 2): bad stack name, unreadable config, program rejecting its config. */
export class StackConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StackConfigError";
  }
}

export interface StackConfig {
  project: string;
  stack: string;
  /** The stack file the config came from. */
  file: string;
  /** `namespace:key` → string value, as the CLI hands it to programs (objects JSON-encoded). */
  config: Record<string, string>;
  /** Keys whose value is secret (`secure:` in the file). */
  secretKeys: string[];
  /** Keys whose `secure:` value was replaced by {@link SECURE_PLACEHOLDER}. */
  placeholderKeys: string[];
  /** `aws:region` or the mocks' default. */
  region?: string;
}

/** One resource registration as captured from the mock monitor. */
export interface CapturedResource {
  type: string;
  name: string;
  urn: string;
  /** Parent URN, "" at stack level. */
  parent: string;
  custom: boolean;
  /** Raw input Struct as JSON (engine wire form: unknown sentinel, secret signature objects, resource refs). */
  inputs: Record<string, unknown>;
  protect: boolean;
  retainOnDelete: boolean;
  deleteBeforeReplace?: boolean;
  ignoreChanges: string[];
  additionalSecretOutputs: string[];
  aliases: string[];
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  /** Provider reference `urn::id`, "" for the default provider. */
  provider: string;
  /** Id the mocks returned. */
  id?: string;
  /** State the mocks returned (inputs echoed plus plausible ids, ARNs, names); secrets here are unwrapped. */
  outputs: Record<string, unknown>;
}

export interface CapturedStack {
  project: string;
  stack: string;
  region: string;
  resources: CapturedResource[];
  /** Stack outputs in wire form (unknowns and secrets preserved). */
  outputs: Record<string, unknown>;
  secretKeys: string[];
  placeholderKeys: string[];
  /** Program file that was run. */
  program: string;
}

export interface RunStackOptions {
  stack: string;
  /** Directory with `Pulumi.<stack>.yaml` (default `stacks/`). */
  stacksDir?: string;
  /** Program module exporting `definePhiStack` (default `<stacksDir>/program.ts`, else `stacks/program.ts`). */
  program?: string;
  /** Project name (default: `name` in the repository's Pulumi.yaml). */
  project?: string;
  /** Child process deadline (default 120 s). */
  timeoutMs?: number;
}

/** Stack names found as `Pulumi.<name>.yaml` in a directory, sorted. */
export function listStacks(stacksDir: string = DEFAULT_STACKS_DIR): string[] {
  if (!fs.existsSync(stacksDir)) return [];
  return fs
    .readdirSync(stacksDir)
    .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

export function projectName(): string {
  const file = path.join(REPO_ROOT, "Pulumi.yaml");
  const doc = parseYaml(fs.readFileSync(file, "utf8")) as { name?: string };
  if (!doc?.name) throw new StackConfigError(`${file}: "name" is missing. Fix: set the project name.`);
  return doc.name;
}

function containsSecure(value: unknown): boolean {
  if (value === null || typeof value !== "object") return false;
  if (!Array.isArray(value) && Object.keys(value).length === 1 && "secure" in value) return true;
  return Object.values(value as object).some(containsSecure);
}

function replaceSecure(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (!Array.isArray(value) && Object.keys(value).length === 1 && "secure" in value)
    return SECURE_PLACEHOLDER;
  if (Array.isArray(value)) return value.map(replaceSecure);
  return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, replaceSecure(v)]));
}

/** Reads `Pulumi.<stack>.yaml` the way the CLI presents config to a program. */
export function loadStackConfig(
  stack: string,
  stacksDir = DEFAULT_STACKS_DIR,
  project = projectName(),
): StackConfig {
  const file = path.join(stacksDir, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file)) {
    const known = listStacks(stacksDir);
    throw new StackConfigError(
      `--stack = "${stack}": no stack file ${path.relative(process.cwd(), file) || file}. ` +
        `Fix: use one of ${known.length ? known.map((s) => `"${s}"`).join(", ") : "(none found)"} or add the file.`,
    );
  }
  let doc: { config?: Record<string, unknown> } | null;
  try {
    doc = parseYaml(fs.readFileSync(file, "utf8")) as typeof doc;
  } catch (err) {
    throw new StackConfigError(
      `${file}: not valid YAML (${(err as Error).message}). Fix: correct the syntax.`,
    );
  }
  const raw = doc?.config ?? {};
  if (typeof raw !== "object" || Array.isArray(raw)) {
    throw new StackConfigError(
      `${file}: "config" = ${JSON.stringify(raw)} is not a map. Fix: use "key: value" entries.`,
    );
  }
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  const placeholderKeys: string[] = [];
  for (const [rawKey, value] of Object.entries(raw)) {
    const key = rawKey.includes(":") ? rawKey : `${project}:${rawKey}`;
    if (containsSecure(value)) {
      secretKeys.push(key);
      placeholderKeys.push(key);
    }
    const v = replaceSecure(value);
    config[key] =
      typeof v === "string" ? v : v !== null && typeof v === "object" ? JSON.stringify(v) : String(v);
  }
  return {
    project,
    stack,
    file,
    config,
    secretKeys,
    placeholderKeys,
    region: config["aws:region"],
  };
}

export function resolveProgram(opts: RunStackOptions): string {
  if (opts.program) return path.resolve(opts.program);
  const local = path.join(opts.stacksDir ?? DEFAULT_STACKS_DIR, "program.ts");
  return fs.existsSync(local) ? path.resolve(local) : DEFAULT_PROGRAM;
}

interface RawRegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
  getProtect(): boolean | undefined;
  getRetainondelete(): boolean | undefined;
  getDeletebeforereplace(): boolean;
  getDeletebeforereplacedefined(): boolean;
  getIgnorechangesList(): string[];
  getAdditionalsecretoutputsList(): string[];
  getAliasurnsList(): string[];
  getDependenciesList(): string[];
  getProvider(): string;
  getPropertydependenciesMap(): { forEach(cb: (v: { getUrnsList(): string[] }, k: string) => void): void };
}

type RegisterCallback = (
  err: unknown,
  res:
    | {
        getUrn(): string;
        getId(): string;
        getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
      }
    | undefined,
) => void;

/**
 * Runs the program in this process. Only call once per process: the Pulumi runtime cannot be reset.
 * Config is installed before the program module is loaded.
 */
export async function runStackProgramInProcess(opts: RunStackOptions): Promise<CapturedStack> {
  const stacksDir = opts.stacksDir ?? DEFAULT_STACKS_DIR;
  const cfg = loadStackConfig(opts.stack, stacksDir, opts.project ?? projectName());
  const program = resolveProgram(opts);
  if (!fs.existsSync(program)) throw new Error(`stack program ${program} does not exist`);

  // Loaded lazily (require) so that config errors above, and the parent CLI process, need no Pulumi runtime.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
  const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
  const rpc = require("@pulumi/pulumi/runtime/rpc") as typeof RpcModule;
  const { AwsMocks, DEFAULT_MOCK_REGION } = require("./aws-mocks") as typeof AwsMocksModule;
  /* eslint-enable @typescript-eslint/no-require-imports */

  const region = cfg.region ?? DEFAULT_MOCK_REGION;
  pulumi.runtime.setAllConfig(cfg.config, cfg.secretKeys);
  await pulumi.runtime.setMocks(new AwsMocks(region), cfg.project, cfg.stack, true);

  const resources: CapturedResource[] = [];
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(req: RawRegisterRequest, cb: RegisterCallback): Promise<void>;
  };
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) =>
    original(req, (err, res) => {
      if (!err && res) {
        const propertyDependencies: Record<string, string[]> = {};
        req.getPropertydependenciesMap().forEach((v, k) => (propertyDependencies[k] = v.getUrnsList()));
        const captured: CapturedResource = {
          type: req.getType(),
          name: req.getName(),
          urn: res.getUrn(),
          parent: req.getParent(),
          custom: req.getCustom(),
          inputs: req.getObject()?.toJavaScript() ?? {},
          protect: req.getProtect() ?? false,
          retainOnDelete: req.getRetainondelete() ?? false,
          ignoreChanges: req.getIgnorechangesList(),
          additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
          aliases: req.getAliasurnsList(),
          dependencies: req.getDependenciesList(),
          propertyDependencies,
          provider: req.getProvider(),
          outputs: res.getObject()?.toJavaScript() ?? {},
        };
        if (req.getDeletebeforereplacedefined()) captured.deleteBeforeReplace = req.getDeletebeforereplace();
        if (res.getId()) captured.id = res.getId();
        resources.push(captured);
      }
      callback(err, res);
    });

  const failures: unknown[] = [];
  const onFailure = (e: unknown) => failures.push(e);
  process.on("unhandledRejection", onFailure);
  process.on("uncaughtException", onFailure);
  let outputs: Record<string, unknown> = {};
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(program) as {
      definePhiStack?: () => unknown;
      default?: { definePhiStack?: () => unknown };
    };
    const define = mod.definePhiStack ?? mod.default?.definePhiStack;
    if (typeof define !== "function") {
      throw new StackConfigError(
        `${program}: does not export definePhiStack(). Fix: export the stack definition.`,
      );
    }
    const result = await define();
    // Let every registration, including ones waiting on other resources' outputs, reach the monitor.
    await settings.waitForRPCs();
    await new Promise((r) => setImmediate(r));
    await settings.waitForRPCs();
    if (result && typeof result === "object") {
      outputs = await rpc.serializeProperties("stack outputs", result as Record<string, unknown>, {
        keepOutputValues: false,
      });
    }
  } catch (err) {
    failures.unshift(err);
  } finally {
    process.off("unhandledRejection", onFailure);
    process.off("uncaughtException", onFailure);
  }
  if (failures.length > 0) throw failures[0];

  // Registration order depends on promise timing; sort for deterministic evidence.
  resources.sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
  return {
    project: cfg.project,
    stack: cfg.stack,
    region,
    resources,
    outputs,
    secretKeys: cfg.secretKeys,
    placeholderKeys: cfg.placeholderKeys,
    program,
  };
}

/** Serialised error from the worker: config errors keep their kind so the CLI can exit 2. */
export interface WorkerFailure {
  kind: "config" | "program";
  name: string;
  message: string;
  stack?: string;
}

export type WorkerMessage = { ok: true; result: CapturedStack } | { ok: false; error: WorkerFailure };

/** Errors the program raises for bad stack config (components' PhiConfigError, our StackConfigError, Config). */
export function isConfigError(err: unknown): boolean {
  const e = err as { name?: string; message?: string; constructor?: { name?: string } } | undefined;
  if (!e || typeof e !== "object") return false;
  const names = [e.name, e.constructor?.name];
  if (
    names.some((n) => n === "PhiConfigError" || n === "StackConfigError" || /^Config\w*Error$/.test(n ?? ""))
  )
    return true;
  return /^(Missing required configuration variable|Configuration '[^']*' value)/.test(e.message ?? "");
}

/** Runs the stack program in a fresh child process (tsx) and returns what it registered. */
export function runStackProgram(opts: RunStackOptions): Promise<CapturedStack> {
  const stacksDir = path.resolve(opts.stacksDir ?? DEFAULT_STACKS_DIR);
  // Fail fast, in this process, on a missing/bad stack file.
  loadStackConfig(opts.stack, stacksDir, opts.project ?? projectName());
  const worker = path.join(__dirname, "mock-program-worker.ts");
  const timeout = opts.timeoutMs ?? 120_000;
  return new Promise((resolve, reject) => {
    const child = fork(worker, [], {
      cwd: REPO_ROOT,
      execArgv: ["--import", "tsx"],
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      env: { ...process.env, PULUMI_CONFIG: undefined, PULUMI_CONFIG_SECRET_KEYS: undefined },
    });
    let stderr = "";
    let settled = false;
    child.stdout!.on("data", () => undefined);
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (d: string) => (stderr += d));
    const killOnExit = () => child.kill("SIGKILL");
    process.once("exit", killOnExit);
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      process.off("exit", killOnExit);
      if (child.exitCode === null) child.kill("SIGKILL");
      fn();
    };
    const timer = setTimeout(
      () =>
        finish(() =>
          reject(new Error(`stack program for "${opts.stack}" did not finish within ${timeout} ms`)),
        ),
      timeout,
    );
    child.on("message", (msg: WorkerMessage) => {
      finish(() => {
        if (msg.ok) resolve(msg.result);
        else if (msg.error.kind === "config") reject(new StackConfigError(msg.error.message));
        else {
          const e = new Error(`stack program for "${opts.stack}" failed: ${msg.error.message}`);
          e.stack = msg.error.stack ?? e.stack;
          reject(e);
        }
      });
    });
    child.on("error", (err) => finish(() => reject(err)));
    child.on("exit", (code, signal) =>
      finish(() =>
        reject(
          new Error(
            `stack program worker for "${opts.stack}" exited (${signal ?? `code ${code}`}) without a result.\n${stderr.trim()}`,
          ),
        ),
      ),
    );
    child.send({ ...opts, stacksDir });
  });
}
