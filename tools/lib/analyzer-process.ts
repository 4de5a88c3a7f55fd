/**
 * Drives a CrossGuard policy pack the way the Pulumi CLI does, without the CLI: the pack is launched with
 * `node <@pulumi/pulumi>/cmd/run-policy-pack <engine-address> <pack-dir>` (cwd = pack dir), prints its gRPC
 * port on stdout, and is then spoken to over the analyzer protocol in the wire form of analyzer-wire.ts.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as analyzerpb from "@pulumi/pulumi/proto/analyzer_pb";
import * as analyzergrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import {
  decodeAnalyzeResponse,
  decodeAnalyzerInfo,
  toAnalyzeRequest,
  toAnalyzerResource,
  toConfigureRequest,
  type AnalyzeResult,
  type AnalyzerInfo,
  type AnalyzerResourceInput,
  type PolicyConfigMap,
} from "./analyzer-wire";

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
