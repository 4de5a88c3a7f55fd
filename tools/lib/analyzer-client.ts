/**
 * Drives a CrossGuard policy pack the way the Pulumi CLI does, without the CLI: the pack is launched with
 * `node <@pulumi/pulumi>/cmd/run-policy-pack <engine-address> <pack-dir>` (cwd = pack dir), prints its gRPC
 * port on stdout, and is then spoken to over the analyzer protocol (`@pulumi/pulumi/proto`).
 *
 * Properties are encoded as the engine encodes them for analyzers: unknowns as the unknown sentinel,
 * secrets as signature objects (the engine keeps secrets for analyzers), resource references downgraded to
 * their id (custom resources) or URN (components).
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as analyzerpb from "@pulumi/pulumi/proto/analyzer_pb";
import * as analyzergrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";

/** Engine wire constants (`@pulumi/pulumi/runtime/rpc`). */
export const UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const SPECIAL_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
export const OUTPUT_VALUE_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";

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

export function toAnalyzeRequest(r: AnalyzerResourceInput): analyzerpb.AnalyzeRequest {
  const req = new analyzerpb.AnalyzeRequest();
  req.setType(r.type);
  req.setName(r.name);
  req.setUrn(r.urn ?? defaultUrn(r.type, r.name));
  req.setProperties(encodeProperties(r.properties));
  req.setOptions(toOptions(r));
  const prov = toProvider(r.provider);
  if (prov) req.setProvider(prov);
  return req;
}

export function toAnalyzerResource(r: AnalyzerResourceInput): analyzerpb.AnalyzerResource {
  const res = new analyzerpb.AnalyzerResource();
  res.setType(r.type);
  res.setName(r.name);
  res.setUrn(r.urn ?? defaultUrn(r.type, r.name));
  res.setProperties(encodeProperties(r.properties));
  res.setOptions(toOptions(r));
  const prov = toProvider(r.provider);
  if (prov) res.setProvider(prov);
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
  };
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

export interface StartOptions {
  /** Address passed as the runner's first argument. @pulumi/policy does not dial it; the CLI passes its own. */
  engineAddress?: string;
  /** How long to wait for the port line (default 60 s: the runner registers ts-node first). */
  startTimeoutMs?: number;
  /** Per-call deadline (default 60 s). */
  callTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

export interface PolicyPackProcess {
  readonly port: number;
  readonly pid: number;
  /** Everything the pack wrote to stdout after the port line, and to stderr (its logs). */
  logs(): string;
  getAnalyzerInfo(): Promise<AnalyzerInfo>;
  configure(config: PolicyConfigMap): Promise<void>;
  analyze(resource: AnalyzerResourceInput): Promise<AnalyzeResult>;
  analyzeStack(resources: AnalyzerResourceInput[]): Promise<AnalyzeResult>;
  /** Closes the channel and kills the process; idempotent. */
  close(): Promise<void>;
}

/**
 * Path of the CLI's policy-pack runner, resolved from the pack directory as the Pulumi CLI resolves it
 * (`@pulumi/pulumi/cmd/run-policy-pack` from the pack's own or an enclosing `node_modules`).
 */
export function runPolicyPackPath(packDir: string): string {
  const pkg = require.resolve("@pulumi/pulumi/package.json", { paths: [path.resolve(packDir)] });
  return path.join(path.dirname(pkg), "cmd", "run-policy-pack");
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Synchronous last resort: never leave a pack process behind when this process ends.
  process.on("exit", () => {
    for (const child of live) {
      try {
        child.kill("SIGKILL");
      } catch {
        // already gone
      }
    }
  });
}

type Unary<Req, Res> = (
  req: Req,
  meta: grpc.Metadata,
  opts: grpc.CallOptions,
  cb: (err: grpc.ServiceError | null, res: Res) => void,
) => grpc.ClientUnaryCall;

/** Launches a policy pack exactly as the Pulumi CLI does and connects an analyzer client to it. */
export async function startPolicyPack(packDir: string, opts: StartOptions = {}): Promise<PolicyPackProcess> {
  const dir = path.resolve(packDir);
  const startTimeout = opts.startTimeoutMs ?? 60_000;
  const callTimeout = opts.callTimeoutMs ?? 60_000;
  installExitHook();
  const child = spawn(process.execPath, [runPolicyPackPath(dir), opts.engineAddress ?? "127.0.0.1:0", dir], {
    cwd: dir,
    env: opts.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  live.add(child);
  child.once("exit", () => live.delete(child));

  let stdout = "";
  let stderr = "";
  let afterPort = "";
  let port: number | undefined;
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (d: string) => (stderr += d));

  try {
    port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new Error(
            `policy pack at ${dir} did not print its gRPC port within ${startTimeout} ms.\nstderr:\n${stderr.trim()}`,
          ),
        );
      }, startTimeout);
      child.stdout!.setEncoding("utf8");
      child.stdout!.on("data", (d: string) => {
        if (port !== undefined) {
          afterPort += d;
          return;
        }
        stdout += d;
        const lines = stdout.split("\n");
        for (let i = 0; i < lines.length - 1; i++) {
          if (/^\d+$/.test(lines[i].trim())) {
            clearTimeout(timer);
            afterPort += [...lines.slice(0, i), ...lines.slice(i + 1)].join("\n");
            resolve(Number(lines[i].trim()));
            return;
          }
        }
      });
      child.once("error", (err) => {
        clearTimeout(timer);
        reject(new Error(`could not launch the policy pack runner: ${err.message}`));
      });
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        // Give stderr a moment to drain into the message.
        setImmediate(() =>
          reject(
            new Error(
              `policy pack at ${dir} exited (${signal ?? `code ${code}`}) before printing its port.\n` +
                `stderr:\n${stderr.trim() || "(empty)"}\nstdout:\n${stdout.trim() || "(empty)"}`,
            ),
          ),
        );
      });
    });
  } catch (err) {
    child.kill("SIGKILL");
    throw err;
  }

  const client = new analyzergrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
    "grpc.max_receive_message_length": 400 * 1024 * 1024,
    "grpc.max_send_message_length": 400 * 1024 * 1024,
  });
  let closed = false;

  function call<Req, Res>(method: Unary<Req, Res>, req: Req, what: string): Promise<Res> {
    if (closed) return Promise.reject(new Error(`${what}: policy pack process already closed`));
    return new Promise<Res>((resolve, reject) => {
      method.call(
        client,
        req,
        new grpc.Metadata(),
        { deadline: Date.now() + callTimeout },
        (err: grpc.ServiceError | null, res: Res) => {
          if (err) {
            const logs = stderr.trim() ? `\npack stderr:\n${stderr.trim()}` : "";
            reject(new Error(`${what} failed: ${err.details || err.message}${logs}`));
          } else resolve(res);
        },
      );
    });
  }

  const c = client as unknown as {
    getAnalyzerInfo: Unary<Empty, analyzerpb.AnalyzerInfo>;
    configure: Unary<analyzerpb.ConfigureAnalyzerRequest, Empty>;
    analyze: Unary<analyzerpb.AnalyzeRequest, analyzerpb.AnalyzeResponse>;
    analyzeStack: Unary<analyzerpb.AnalyzeStackRequest, analyzerpb.AnalyzeResponse>;
  };

  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });

  return {
    port,
    pid: child.pid!,
    logs: () => `${afterPort}${stderr}`,
    async getAnalyzerInfo() {
      return decodeAnalyzerInfo(await call(c.getAnalyzerInfo, new Empty(), "GetAnalyzerInfo"));
    },
    async configure(config) {
      await call(c.configure, toConfigureRequest(config), "Configure");
    },
    async analyze(resource) {
      const resp = await call(
        c.analyze,
        toAnalyzeRequest(resource),
        `Analyze(${resource.type}::${resource.name})`,
      );
      return decodeAnalyzeResponse(resp);
    },
    async analyzeStack(resources) {
      const req = new analyzerpb.AnalyzeStackRequest();
      req.setResourcesList(resources.map(toAnalyzerResource));
      return decodeAnalyzeResponse(await call(c.analyzeStack, req, "AnalyzeStack"));
    },
    async close() {
      if (!closed) {
        closed = true;
        client.close();
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 2000);
        await exited;
        clearTimeout(timer);
      }
      await exited;
    },
  };
}
