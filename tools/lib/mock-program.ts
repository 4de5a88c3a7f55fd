/**
 * Runs a Pulumi Node.js program under Pulumi's mock runtime in preview mode, the way `pulumi preview` runs
 * it: the project's `Pulumi.yaml` says where the program is, `Pulumi.<stack>.yaml` (over the project's
 * config defaults) gives its config, the program runs in its own working directory, TypeScript loads
 * through ts-node as Pulumi's Node.js host does, and the mocks are registered on the program's *own*
 * `@pulumi/pulumi` (resolved from the program directory). Every resource registration is captured as the
 * engine would see it: the raw input Struct (unknowns and secrets preserved), parent, options, provider.
 *
 * Pulumi's runtime is a process-wide singleton, so {@link runStackProgram} runs each stack in a fresh child
 * process (`mock-program-worker`) and exchanges JSON over IPC. {@link runStackProgramInProcess} is what the
 * worker calls.
 */
import { execFileSync, fork, spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { inspect } from "node:util";
import { AwsMocks, DEFAULT_MOCK_REGION, type UserMocks } from "./aws-mocks";
import { PACKAGE_ROOT } from "./package-root";
import {
  SECURE_PLACEHOLDER,
  StackConfigError,
  findProjectFile,
  listStacks,
  loadProject,
  loadStackConfig,
  type PulumiProject,
  type StackConfig,
} from "./pulumi-project";

export { SECURE_PLACEHOLDER, StackConfigError, listStacks, loadProject, loadStackConfig };
export type { PulumiProject, StackConfig };

/** The phi-channels package root (from tools/lib as TypeScript, or dist/tools/lib compiled). */
export const REPO_ROOT = PACKAGE_ROOT;

/** One resource registration as captured from the mock monitor. */
export interface CapturedResource {
  type: string;
  name: string;
  urn: string;
  /** Parent URN, "" at stack level. */
  parent: string;
  custom: boolean;
  /** A multi-language component (e.g. awsx 3): its children are created by a plugin, not under mocks. */
  remote?: boolean;
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

export interface NotAnalysedResource {
  urn: string;
  type: string;
  name: string;
  reason: string;
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
  /** Program entry file that was run (absolute). */
  program: string;
  /** The project directory (holding Pulumi.yaml). */
  projectDir: string;
  /** {@link program} relative to {@link projectDir}, with "/" separators. */
  programFile: string;
  /** Resources registered but not analysable offline (remote components), with the reason. */
  notAnalysed: NotAnalysedResource[];
  /** Versions of the program's own Pulumi packages (`@pulumi/pulumi`, `@pulumi/aws`, ...). */
  sdkVersions: Record<string, string>;
}

export interface RunStackOptions {
  stack: string;
  /** The project directory, or any directory below it (default: this repository, the sample stacks). */
  cwd?: string;
  /** Already loaded project (else read from {@link cwd}). */
  project?: PulumiProject;
  /** A module of the user's own mock answers (`check --mocks`). */
  mocks?: string;
  /** Child process deadline (default 120 s). */
  timeoutMs?: number;
  /** Each line the program writes to its stdout or stderr. */
  onOutput?: (line: string) => void;
}

/** What the worker receives over IPC. */
export interface WorkerRequest {
  project: PulumiProject;
  config: StackConfig;
  mocks?: string;
}

/** A problem running the program (exit 3): the program's own error, located in the user's file. */
export class ProgramError extends Error {
  constructor(
    message: string,
    /** `file:line:column` in the user's program, relative to the project directory. */
    readonly location?: string,
    /** The user's own frames, innermost first. */
    readonly frames: string[] = [],
  ) {
    super(message);
    this.name = "ProgramError";
  }
}

function show(p: string): string {
  const r = path.relative(process.cwd(), p);
  return r && !r.startsWith("..") && !path.isAbsolute(r) ? r : p;
}

/** Finds and reads the project for a directory, as `pulumi -C DIR` does. */
export function resolveProject(cwd: string): PulumiProject {
  const dir = path.resolve(cwd);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new StackConfigError(
      `--cwd = "${cwd}": not a directory. Fix: pass the directory of your Pulumi program (where Pulumi.yaml is).`,
    );
  }
  const file = findProjectFile(dir);
  if (!file) {
    throw new StackConfigError(
      `--cwd = "${cwd}": no Pulumi.yaml in ${show(dir)} or any directory above it. ` +
        `Fix: run in your Pulumi program's directory, or pass --cwd <dir with Pulumi.yaml>.`,
    );
  }
  return loadProject(file);
}

/** The 40-character commit of the git work tree holding `dir`, or undefined when there is none. */
export function gitCommitOf(dir: string): string | undefined {
  try {
    const out = execFileSync("git", ["rev-parse", "HEAD"], { cwd: dir, stdio: ["ignore", "pipe", "ignore"] })
      .toString()
      .trim();
    return /^[0-9a-f]{40}$/.test(out) ? out : undefined;
  } catch {
    return undefined;
  }
}

// ------------------------------------------------------------------------------------------ in the worker

interface RawRegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getRemote?(): boolean;
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

interface PackageJson {
  main?: string;
  type?: string;
  exports?: string | Record<string, unknown>;
}

function readPackageJson(dir: string): { dir: string; pkg: PackageJson } | undefined {
  for (let d = dir; ;) {
    const file = path.join(d, "package.json");
    if (fs.existsSync(file)) {
      try {
        return { dir: d, pkg: JSON.parse(fs.readFileSync(file, "utf8")) as PackageJson };
      } catch {
        return { dir: d, pkg: {} };
      }
    }
    const up = path.dirname(d);
    if (up === d) return undefined;
    d = up;
  }
}

/** The entry point, as Pulumi's Node.js host picks it: `main` file, else package.json exports/main, else dir. */
function programEntry(spec: PulumiProject["program"]): { target: string; pkg: PackageJson } {
  const found = readPackageJson(spec.workDir);
  const pkg = found?.pkg ?? {};
  if (spec.entry) return { target: spec.entry, pkg };
  const root = found?.dir ?? spec.workDir;
  const declared =
    typeof pkg.exports === "string"
      ? pkg.exports
      : pkg.exports && typeof pkg.exports === "object"
        ? ((e) =>
            typeof e === "string"
              ? e
              : e && typeof e === "object"
                ? ((e as Record<string, unknown>).default ??
                  (e as Record<string, unknown>).require ??
                  (e as Record<string, unknown>).import)
                : undefined)((pkg.exports as Record<string, unknown>)["."])
        : pkg.main;
  if (typeof declared === "string" && fs.existsSync(path.join(root, declared))) {
    return { target: path.join(root, declared), pkg };
  }
  return { target: spec.workDir.endsWith(path.sep) ? spec.workDir : spec.workDir + path.sep, pkg };
}

function semverAtLeast(version: string, major: number, minor: number): boolean {
  const [a, b] = version.split(".").map((n) => parseInt(n, 10));
  return a > major || (a === major && b >= minor);
}

/**
 * ts-node for the user's TypeScript, resolved as Pulumi resolves it (from the program's @pulumi/pulumi,
 * falling back to the copies it vendors), with Pulumi's compiler defaults. Transpile-only: type checking
 * is `tsc`'s job (and `pulumi preview`'s); offline we only need the program to run.
 */
function registerTypeScript(pulumiDir: string, workDir: string, esm: boolean): void {
  const fromPulumi = createRequire(path.join(pulumiDir, "package.json"));
  const resolveOr = (id: string, vendored: string) => {
    try {
      return fromPulumi.resolve(id);
    } catch {
      return path.join(pulumiDir, "vendor", vendored);
    }
  };
  const typescriptPath = resolveOr("typescript", path.join("typescript@3.8.3", "typescript.js"));
  const tsNodePath = resolveOr("ts-node", "ts-node@7.0.1");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require(typescriptPath) as {
    version: string;
    parseConfigFileTextToJson(
      f: string,
      t: string,
    ): { config?: { compilerOptions?: Record<string, unknown> } };
  };
  const tsConfigPath = path.resolve(workDir, process.env.PULUMI_NODEJS_TSCONFIG_PATH ?? "tsconfig.json");
  const skipProject = !fs.existsSync(tsConfigPath);
  let compilerOptions: Record<string, unknown> = {};
  if (!skipProject) {
    try {
      compilerOptions =
        ts.parseConfigFileTextToJson(tsConfigPath, fs.readFileSync(tsConfigPath, "utf8")).config
          ?.compilerOptions ?? {};
    } catch {
      compilerOptions = {};
    }
  }
  const nodeNext = semverAtLeast(ts.version, 4, 7);
  const options = {
    compiler: typescriptPath,
    transpileOnly: true,
    project: tsConfigPath,
    skipProject,
    compilerOptions: {
      target: esm ? "ES2022" : "ES2020",
      module: nodeNext ? "nodenext" : "commonjs",
      moduleResolution: nodeNext ? "nodenext" : "node",
      sourceMap: "true",
      ...compilerOptions,
      // Output paths are in memory here; TypeScript 6 refuses to infer rootDir (TS5011) when ts-node sets
      // its own outDir, which would stop a program that `tsc` builds fine.
      rootDir: (compilerOptions.rootDir as string | undefined) ?? path.parse(workDir).root,
    },
  };
  if (esm) {
    // As Pulumi's automatic ESM mode: ts-node's ESM hooks through module.register (needs ts-node/esm).
    const hooks = path.join(pulumiDir, "cmd", "run", "hooks.js");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require("node:module") as { register?: (s: string, p: string, o: object) => void };
    if (!fs.existsSync(hooks) || typeof mod.register !== "function") {
      throw new StackConfigError(
        `${workDir}: a TypeScript ES module program ("type": "module") needs ts-node/esm and Node.js ≥ 20.6. ` +
          `Fix: install ts-node in the program, or compile it to JavaScript and point "main" at the output.`,
      );
    }
    // Pulumi's hooks register ts-node before they receive these options, so ts-node reads its environment.
    process.env.TS_NODE_TRANSPILE_ONLY = "true";
    mod.register(pathToFileURL(hooks).href, pathToFileURL(hooks).href, { data: options });
    return;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tsn = require(tsNodePath) as { register(o: object): unknown };
  tsn.register(options);
}

/** Frames of `stack` in the user's own files (inside the project, outside node_modules), relative. */
function userFrames(stack: string, projectDir: string): string[] {
  const frames: string[] = [];
  const re = /((?:file:\/\/)?\/[^\s():]+):(\d+):(\d+)/g;
  for (const line of stack.split("\n")) {
    re.lastIndex = 0;
    const m = re.exec(line);
    if (!m) continue;
    const file = m[1].replace(/^file:\/\//, "");
    const rel = path.relative(projectDir, file);
    if (rel.startsWith("..") || path.isAbsolute(rel) || rel.split(path.sep).includes("node_modules"))
      continue;
    const at = `${rel.split(path.sep).join("/")}:${m[2]}:${m[3]}`;
    const fn = /^\s*at (\S+) \(/.exec(line)?.[1];
    frames.push(fn && !fn.startsWith("Object.<anonymous>") ? `${at} (${fn})` : at);
  }
  return frames;
}

/** The program's error, its message and where in the user's files it was raised. */
export function describeProgramError(err: unknown, projectDir: string): ProgramError {
  // Errors from the ES module loader thread arrive as plain objects with a name and a message.
  const like = err as { name?: unknown; message?: unknown; stack?: unknown } | null;
  if (!(err instanceof Error) && like && typeof like === "object" && typeof like.message === "string") {
    const e = new Error(like.message);
    e.name = typeof like.name === "string" ? like.name : "Error";
    e.stack = typeof like.stack === "string" ? like.stack : "";
    return describeProgramError(e, projectDir);
  }
  if (!(err instanceof Error)) {
    return new ProgramError(
      `the program threw a non-Error value: ${inspect(err, { depth: 2, breakLength: Infinity })}`,
    );
  }
  const stack = err.stack ?? "";
  const frames = userFrames(stack, projectDir);
  // TypeScript reports `file(line,col): error TS…`; a JavaScript SyntaxError starts its stack `file:line`.
  const tsAt = /^(\S+?)\((\d+),(\d+)\): error/m.exec(err.message);
  const jsAt = /^(\/\S+?):(\d+)\n/.exec(stack);
  if (frames.length === 0 && tsAt) {
    const file = path.relative(projectDir, path.resolve(projectDir, tsAt[1])).split(path.sep).join("/");
    frames.push(`${file}:${tsAt[2]}:${tsAt[3]}`);
  } else if (frames.length === 0 && jsAt && !path.relative(projectDir, jsAt[1]).startsWith("..")) {
    frames.push(`${path.relative(projectDir, jsAt[1]).split(path.sep).join("/")}:${jsAt[2]}`);
  }
  let message = `${err.name && !err.message.startsWith(err.name) ? `${err.name}: ` : ""}${err.message}`;
  // Pulumi's RunError and ResourceError carry the message only; TSError carries its location in it.
  if (err.name === "TSError") message = err.message.replace(/^⨯ /, "");
  message = message.split("\nRequire stack:")[0].trimEnd();
  if ((err as { code?: string }).code === "MODULE_NOT_FOUND" || /Cannot find module/.test(err.message)) {
    message += `\nFix: install the program's dependencies (npm install in ${show(projectDir)}).`;
  }
  return new ProgramError(message, frames[0]?.split(" ")[0], frames);
}

/**
 * Runs the program in this process. Only call once per process: the Pulumi runtime cannot be reset.
 * Config and mocks are installed on the program's own @pulumi/pulumi before the program is loaded.
 */
export async function runStackProgramInProcess(req: WorkerRequest): Promise<CapturedStack> {
  const { project, config: cfg } = req;
  const workDir = project.program.workDir;
  process.chdir(workDir);
  const programRequire = createRequire(path.join(workDir, "__phi_channels_check__.js"));
  let pulumiMain: string;
  try {
    pulumiMain = programRequire.resolve("@pulumi/pulumi");
  } catch {
    throw new StackConfigError(
      `${show(workDir)}: @pulumi/pulumi is not installed for this program. ` +
        `Fix: install the program's dependencies (npm install in ${show(project.dir)}).`,
    );
  }
  let pulumiDir = path.dirname(pulumiMain);
  while (!fs.existsSync(path.join(pulumiDir, "package.json"))) pulumiDir = path.dirname(pulumiDir);
  const fromPulumi = (id: string) => programRequire(path.join(pulumiDir, id)) as unknown;

  const pulumi = programRequire("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
  const settings = fromPulumi("runtime/settings") as { waitForRPCs?(): Promise<void> };
  const rpc = fromPulumi("runtime/rpc") as {
    serializeProperties(
      label: string,
      props: Record<string, unknown>,
      opts?: object,
    ): Promise<Record<string, unknown>>;
  };

  const { target, pkg } = programEntry(project.program);
  const esm = pkg.type === "module";
  const isTs = (f: string) => /\.[cm]?tsx?$/.test(f);
  const dirHasOnlyTs = (d: string) =>
    !fs.existsSync(path.join(d, "index.js")) && fs.existsSync(path.join(d, "index.ts"));
  const needsTs =
    project.program.typescript &&
    (isTs(target) || (target.endsWith(path.sep) && dirHasOnlyTs(target)) || !!req.mocks?.match(/\.tsx?$/));
  if (needsTs) registerTypeScript(pulumiDir, workDir, esm);

  let userMocks: UserMocks | undefined;
  if (req.mocks) userMocks = loadUserMocks(req.mocks, programRequire);

  const region = cfg.region ?? DEFAULT_MOCK_REGION;
  pulumi.runtime.setAllConfig(cfg.config, cfg.secretKeys);
  await pulumi.runtime.setMocks(
    new AwsMocks(region, { typesFrom: workDir, overrides: userMocks }),
    cfg.project,
    cfg.stack,
    true,
  );

  const resources: CapturedResource[] = [];
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(req: RawRegisterRequest, cb: RegisterCallback): Promise<void>;
  };
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (r, callback) =>
    original(r, (err, res) => {
      if (!err && res) {
        const propertyDependencies: Record<string, string[]> = {};
        r.getPropertydependenciesMap().forEach((v, k) => (propertyDependencies[k] = v.getUrnsList()));
        const captured: CapturedResource = {
          type: r.getType(),
          name: r.getName(),
          urn: res.getUrn(),
          parent: r.getParent(),
          custom: r.getCustom(),
          inputs: r.getObject()?.toJavaScript() ?? {},
          protect: r.getProtect() ?? false,
          retainOnDelete: r.getRetainondelete() ?? false,
          ignoreChanges: r.getIgnorechangesList(),
          additionalSecretOutputs: r.getAdditionalsecretoutputsList(),
          aliases: r.getAliasurnsList(),
          dependencies: r.getDependenciesList(),
          propertyDependencies,
          provider: r.getProvider(),
          outputs: res.getObject()?.toJavaScript() ?? {},
        };
        if (typeof r.getRemote === "function" && r.getRemote()) captured.remote = true;
        if (r.getDeletebeforereplacedefined()) captured.deleteBeforeReplace = r.getDeletebeforereplace();
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
  let programFile = target;
  try {
    let exported: unknown;
    if (esm) {
      let main = target;
      if (main.endsWith(path.sep)) {
        const index = ["index.js", "index.mjs", "index.ts", "index.mts"].find((f) =>
          fs.existsSync(path.join(main, f)),
        );
        if (!index)
          throw new StackConfigError(
            `${show(main)}: no index.js, index.mjs, index.ts or index.mts. Fix: add the program's entry point or set "main" in Pulumi.yaml.`,
          );
        main = path.join(main, index);
      }
      programFile = main;
      // A real dynamic import (tsc would turn `import()` into require in CommonJS output).
      const dynamicImport = new Function("u", "return import(u)") as (
        u: string,
      ) => Promise<Record<string, unknown>>;
      let mod = await dynamicImport(pathToFileURL(main).href);
      if (Object.getOwnPropertyDescriptor(mod, "default") !== undefined) {
        if (Object.keys(mod).length !== 1) {
          throw new ProgramError(
            "expected entrypoint module to have either a default export or named exports but not both",
          );
        }
        mod = mod.default as Record<string, unknown>;
      }
      exported = mod;
    } else {
      try {
        programFile = programRequire.resolve(target);
      } catch {
        throw new StackConfigError(
          `${show(project.file)}: no program entry point found in ${show(target)} ` +
            `(looked for package.json "main", index.ts and index.js). Fix: add index.ts or set "main" in Pulumi.yaml.`,
        );
      }
      exported = programRequire(programFile);
    }
    // As Pulumi: an exported function (`export = async () => {...}`) is the program; its result the outputs.
    const result = await (typeof exported === "function" ? (exported as () => unknown)() : exported);
    // Let every registration, including ones waiting on other resources' outputs, reach the monitor.
    await settings.waitForRPCs?.();
    await new Promise((r) => setImmediate(r));
    await settings.waitForRPCs?.();
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
  const notAnalysed = resources
    .filter((r) => r.remote)
    .map((r) => ({
      urn: r.urn,
      type: r.type,
      name: r.name,
      reason:
        `remote (multi-language) component: the ${r.type.split(":")[0]} plugin creates its resources, which ` +
        `mocks cannot, so none of them was analysed offline. Check them with "pulumi preview --policy-pack ` +
        `node_modules/phi-channels/policies".`,
    }));
  const versionOf = (p: string) => {
    try {
      return (
        JSON.parse(fs.readFileSync(programRequire.resolve(`${p}/package.json`), "utf8")) as {
          version: string;
        }
      ).version;
    } catch {
      return undefined;
    }
  };
  const sdkVersions: Record<string, string> = {};
  for (const p of ["@pulumi/pulumi", "@pulumi/aws", "@pulumi/awsx", "@pulumi/tls"]) {
    const v = versionOf(p);
    if (v) sdkVersions[p] = v;
  }
  return {
    project: cfg.project,
    stack: cfg.stack,
    region,
    resources,
    outputs,
    secretKeys: cfg.secretKeys,
    placeholderKeys: cfg.placeholderKeys,
    program: programFile,
    projectDir: project.dir,
    programFile: path.relative(project.dir, programFile).split(path.sep).join("/"),
    notAnalysed,
    sdkVersions,
  };
}

/** The user's `--mocks` module: `calls` and/or `resources` maps (or a default export holding them). */
function loadUserMocks(file: string, programRequire: NodeJS.Require): UserMocks {
  let mod: Record<string, unknown>;
  try {
    mod = programRequire(file) as Record<string, unknown>;
  } catch (err) {
    throw new StackConfigError(
      `--mocks = "${file}": cannot be loaded (${(err as Error).message.split("\n")[0]}). Fix: correct the module.`,
    );
  }
  const m = (
    mod && typeof mod === "object" && "default" in mod && !("calls" in mod) && !("resources" in mod)
      ? mod.default
      : mod
  ) as Record<string, unknown> | undefined;
  const bad = (field: string, value: unknown) =>
    new StackConfigError(
      `--mocks = "${file}": ${field} is ${Array.isArray(value) ? "an array" : value === null ? "null" : `a ${typeof value}`}, not a map of answers. ` +
        `Fix: export "calls" (by invoke token) and/or "resources" (by resource type), each an object of ` +
        `answers or functions returning them.`,
    );
  if (!m || typeof m !== "object" || (!("calls" in m) && !("resources" in m))) throw bad("the module", m);
  for (const key of ["calls", "resources"] as const) {
    const v = m[key];
    if (v === undefined) continue;
    if (!v || typeof v !== "object" || Array.isArray(v)) throw bad(key, v);
    for (const [token, answer] of Object.entries(v)) {
      if (typeof answer !== "function" && (answer === null || typeof answer !== "object")) {
        throw bad(`${key}["${token}"]`, answer);
      }
    }
  }
  return m as UserMocks;
}

// ------------------------------------------------------------------------------------------ in the parent

/** Serialised error from the worker: config errors keep their kind so the CLI can exit 2. */
export interface WorkerFailure {
  kind: "config" | "program";
  name: string;
  message: string;
  location?: string;
  frames?: string[];
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

/**
 * Starts the worker: compiled JavaScript runs as it is; from TypeScript sources (tests, development) our
 * own modules load through a namespaced tsx registration that is removed once they are loaded, so the
 * user's program still loads exactly as Pulumi loads it (ts-node), never through our loader. The worker's
 * modules are therefore imported statically, never required lazily.
 */
function startWorker(env: NodeJS.ProcessEnv): ChildProcess {
  const compiled = __filename.endsWith(".js");
  const stdio: ["ignore", "pipe", "pipe", "ipc"] = ["ignore", "pipe", "pipe", "ipc"];
  if (compiled) {
    return fork(path.join(__dirname, "mock-program-worker.js"), [], { execArgv: [], stdio, env });
  }
  const tsxApi = require.resolve("tsx/cjs/api", { paths: [REPO_ROOT] });
  const worker = path.join(__dirname, "mock-program-worker.ts");
  const bootstrap =
    `const api = require(${JSON.stringify(tsxApi)}).register({ namespace: "phi-channels-check" });` +
    `api.require(${JSON.stringify(worker)}, ${JSON.stringify(worker)});` +
    // Everything the worker needs is loaded now (statically imported); the user's program must not see tsx.
    `api.unregister();`;
  return spawn(process.execPath, ["-e", bootstrap], { stdio, env });
}

/** Runs the stack's program in a fresh child process and returns what it registered. */
export function runStackProgram(opts: RunStackOptions): Promise<CapturedStack> {
  const project = opts.project ?? resolveProject(opts.cwd ?? REPO_ROOT);
  // Fail fast, in this process, on a missing or bad stack file.
  const config = loadStackConfig(project, opts.stack);
  const timeout = opts.timeoutMs ?? 120_000;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PULUMI_CONFIG: undefined,
    PULUMI_CONFIG_SECRET_KEYS: undefined,
  };
  // Our own loaders must not reach the user's program.
  if (env.NODE_OPTIONS)
    env.NODE_OPTIONS = env.NODE_OPTIONS.replace(/--(import|require|loader)[= ]\S*tsx\S*/g, "");
  return new Promise((resolve, reject) => {
    const child = startWorker(env);
    let stderr = "";
    let settled = false;
    // The program's own console output, line by line (Pulumi shows it too); the tail explains a crash.
    const forward = (stream: NodeJS.ReadableStream) => {
      let partial = "";
      stream.setEncoding("utf8");
      stream.on("data", (d: string) => {
        stderr = (stderr + d).slice(-8000);
        const lines = (partial + d).split("\n");
        partial = lines.pop() ?? "";
        for (const line of lines) opts.onOutput?.(line);
      });
      stream.on("end", () => partial && opts.onOutput?.(partial));
    };
    forward(child.stdout!);
    forward(child.stderr!);
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
          reject(
            new ProgramError(
              `the program for stack "${opts.stack}" did not finish within ${timeout / 1000} s`,
            ),
          ),
        ),
      timeout,
    );
    child.on("message", (msg: WorkerMessage) => {
      finish(() => {
        if (msg.ok) resolve(msg.result);
        else if (msg.error.kind === "config") reject(new StackConfigError(msg.error.message));
        else reject(new ProgramError(msg.error.message, msg.error.location, msg.error.frames));
      });
    });
    child.on("error", (err) => finish(() => reject(err)));
    child.on("exit", (code, signal) =>
      finish(() =>
        reject(
          new ProgramError(
            `the program for stack "${opts.stack}" ended the process (${signal ?? `exit code ${code}`}) ` +
              `before it finished${stderr.trim() ? `:\n${stderr.trim()}` : ""}`,
          ),
        ),
      ),
    );
    const request: WorkerRequest = {
      project,
      config,
      mocks: opts.mocks ? path.resolve(opts.mocks) : undefined,
    };
    child.send(request);
  });
}
