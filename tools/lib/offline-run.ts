/**
 * One offline policy run: the captured stack (see mock-program.ts) sent through a running pack — Configure,
 * Analyze for every resource, AnalyzeStack — and normalised into a PolicyRun for the evidence. Secret values
 * are redacted from every message before they enter the run.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { isUndecidedAtPreviewMessage } from "../evidence/build";
import type {
  Diagnostic,
  EnforcementLevel,
  NotAnalysedResource,
  PolicyOutcome,
  PolicyRun,
} from "../evidence/run";
import type { PolicyResource } from "@pulumi/policy";
import { AUDIT_BUCKET_POLICY, auditTrailDetails, FLOW_LOGS_POLICY } from "../../policies/src/audit-report";
import { DEFAULT_MINIMUM_RETENTION_DAYS } from "../../policies/src/rules";
import { rememberWire } from "../../policies/src/secret-paths";
import { HIPAA_PACK } from "../evidence/model";
import {
  decodeValue,
  defaultUrn,
  encodeValue,
  SECRET_SIG,
  SPECIAL_SIG_KEY,
  secretLeaves,
  unknownPaths,
  type AnalyzeResult,
  type AnalyzerInfo,
  type AnalyzerResourceInput,
  type PolicyPackProcess,
} from "./analyzer-client";
import { REPO_ROOT, SECURE_PLACEHOLDER, type CapturedResource, type CapturedStack } from "./mock-program";
import { packageVersion as phiChannelsVersion } from "./package-root";
import { flattenPolicyConfig, type LoadedPolicyConfig } from "./policy-config";

const REDACTED = "[secret]";

/** Progress on stderr: stack, phase, resources analyzed n/N. */
export class Progress {
  private readonly tty = Boolean(process.stderr.isTTY);
  private lastLen = 0;
  constructor(private readonly enabled: boolean) {}

  line(msg: string): void {
    if (!this.enabled) return;
    this.clear();
    process.stderr.write(`${msg}\n`);
  }

  /** n/N counter: rewritten in place on a TTY, a line per quarter otherwise. */
  count(prefix: string, n: number, total: number): void {
    if (!this.enabled) return;
    if (this.tty) {
      const text = `${prefix} ${n}/${total}`;
      process.stderr.write(`\r${text}${" ".repeat(Math.max(0, this.lastLen - text.length))}`);
      this.lastLen = text.length;
      if (n === total) this.clear(true);
      return;
    }
    const step = Math.max(1, Math.ceil(total / 4));
    if (n === total || n % step === 0) process.stderr.write(`${prefix} ${n}/${total}\n`);
  }

  private clear(newline = false): void {
    if (this.tty && this.lastLen > 0) {
      process.stderr.write(newline ? "\n" : `\r${" ".repeat(this.lastLen)}\r`);
      this.lastLen = 0;
    }
  }
}

function packageVersion(pkg: string): string {
  try {
    const file = require.resolve(`${pkg}/package.json`, { paths: [REPO_ROOT] });
    return (JSON.parse(fs.readFileSync(file, "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

function gitCommit(): string | undefined {
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "ignore"] })
      .toString()
      .trim();
  } catch {
    return undefined;
  }
}

/** Replaces every known secret value in a message. Longest first, so overlapping values vanish whole. */
export function redact(message: string, secrets: string[]): string {
  let out = message;
  for (const s of secrets) if (s !== "") out = out.split(s).join(REDACTED);
  return out;
}

function secretsOf(captured: CapturedStack): string[] {
  const set = new Set<string>([SECURE_PLACEHOLDER]);
  for (const r of captured.resources) secretLeaves(r.inputs, false, set);
  secretLeaves(captured.outputs, false, set);
  return [...set].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
}

function defaultProvider(captured: CapturedStack, r: CapturedResource): AnalyzerResourceInput["provider"] {
  const pkg = r.type.split(":")[0];
  if (!r.custom || pkg === "pulumi") return undefined;
  const version = packageVersion(`@pulumi/${pkg}`);
  const name = `default_${version.replace(/\./g, "_")}`;
  const type = `pulumi:providers:${pkg}`;
  return {
    type,
    name,
    urn: `urn:pulumi:${captured.stack}::${captured.project}::${type}::${name}`,
    properties: pkg === "aws" ? { region: captured.region, version } : { version },
  };
}

/** The engine's view of a captured resource, for Analyze (inputs) or AnalyzeStack (outputs). */
function toAnalyzerInput(captured: CapturedStack, r: CapturedResource): AnalyzerResourceInput {
  let provider = defaultProvider(captured, r);
  if (r.provider) {
    const urn = r.provider.split("::").slice(0, -1).join("::");
    const p = captured.resources.find((x) => x.urn === urn);
    if (p) provider = { type: p.type, name: p.name, urn: p.urn, properties: p.inputs };
  }
  return {
    type: r.type,
    name: r.name,
    urn: r.urn,
    properties: encodeValue(r.inputs) as Record<string, unknown>,
    options: {
      protect: r.protect,
      ignoreChanges: r.ignoreChanges,
      deleteBeforeReplace: r.deleteBeforeReplace,
      additionalSecretOutputs: r.additionalSecretOutputs,
      aliases: r.aliases,
      parent: r.parent,
    },
    provider,
    parent: r.parent,
    dependencies: r.dependencies,
    propertyDependencies: r.propertyDependencies,
  };
}

/**
 * AnalyzeStack sees resource outputs. A preview's outputs are its inputs plus what the provider computes;
 * the mocks' plausible ids/ARNs/names stand in for the computed part (inputs keep secrets and unknowns).
 */
function withMockOutputs(input: AnalyzerResourceInput, r: CapturedResource): AnalyzerResourceInput {
  const props = { ...(input.properties as Record<string, unknown>) };
  for (const [k, v] of Object.entries(r.outputs ?? {})) if (!(k in props) && k !== "urn") props[k] = v;
  return { ...input, properties: props };
}

/** The enforcement level the config gives a policy (mandatory when it names none). */
export function levelsOf(config: Pick<LoadedPolicyConfig, "effective">): (name: string) => EnforcementLevel {
  return (name) => config.effective[name]?.enforcementLevel ?? "mandatory";
}

/** What one pass through the pack returned, normalised: every message redacted of the known secrets. */
export interface PackAnalysis {
  /** Analyze's answer per resource, in the order given. */
  results: AnalyzeResult[];
  stackResult: AnalyzeResult;
  diagnostics: Diagnostic[];
  outcomes: PolicyOutcome[];
}

/**
 * Analyze for every resource (a few calls in flight), then AnalyzeStack, with the pack already configured;
 * the answers normalised into diagnostics and per-resource outcomes as the evidence reads them.
 */
export async function analyzeWithPack(
  pack: PolicyPackProcess,
  info: AnalyzerInfo,
  config: Pick<LoadedPolicyConfig, "effective">,
  inputs: AnalyzerResourceInput[],
  stackInputs: AnalyzerResourceInput[],
  secrets: string[],
  progress: Progress,
  label: string,
): Promise<PackAnalysis> {
  const level = levelsOf(config);
  const resourcePolicies = info.policies.filter((p) => p.kind !== "stack" && level(p.name) !== "disabled");
  const stackPolicies = info.policies.filter((p) => p.kind === "stack" && level(p.name) !== "disabled");

  const results: AnalyzeResult[] = new Array(inputs.length);
  let done = 0;
  let next = 0;
  progress.count(`[${label}] analyzing resources`, 0, inputs.length);
  const worker = async () => {
    while (next < inputs.length) {
      const i = next++;
      results[i] = await pack.analyze(inputs[i]);
      progress.count(`[${label}] analyzing resources`, ++done, inputs.length);
    }
  };
  // A few calls in flight keep the pack busy while responses are decoded here.
  await Promise.all(Array.from({ length: Math.min(4, inputs.length) }, worker));

  progress.line(`[${label}] analyzing the stack (${stackInputs.length} resources)`);
  const stackResult = await pack.analyzeStack(stackInputs);

  const diagnostics: Diagnostic[] = [];
  const outcomes: PolicyOutcome[] = [];
  const toDiag = (d: AnalyzeResult["diagnostics"][number], urn: string | undefined): Diagnostic => {
    const message = redact(d.message, secrets);
    const diag: Diagnostic = {
      policyPackName: d.policyPackName,
      policyPackVersion: d.policyPackVersion,
      policyName: d.policyName,
      message,
      enforcementLevel: d.enforcementLevel,
    };
    if (d.severity) diag.severity = d.severity;
    if (urn) diag.urn = urn;
    if (/can't run .* during preview/.test(message) || isUndecidedAtPreviewMessage(message)) {
      diag.undecidedAtPreview = true;
    }
    return diag;
  };
  const outcome = (
    urn: string | undefined,
    result: AnalyzeResult,
    policies: typeof resourcePolicies,
    diags: Diagnostic[],
  ): PolicyOutcome => {
    const violated = new Set(diags.filter((d) => !d.undecidedAtPreview).map((d) => d.policyName));
    const mentioned = new Set(diags.map((d) => d.policyName));
    const notApplicable = result.notApplicable
      .filter((n) => !mentioned.has(n.policyName))
      .map((n) => ({ policyName: n.policyName, reason: redact(n.reason, secrets) }));
    const na = new Set(notApplicable.map((n) => n.policyName));
    const o: PolicyOutcome = {
      policyPackName: info.name,
      passed: policies.map((p) => p.name).filter((n) => !mentioned.has(n) && !na.has(n)),
      failed: [...violated].sort(),
      notApplicable,
    };
    if (urn) o.urn = urn;
    return o;
  };

  inputs.forEach((r, i) => {
    const urn = r.urn ?? defaultUrn(r.type, r.name);
    const diags = results[i].diagnostics.map((d) => toDiag(d, d.urn || urn));
    diagnostics.push(...diags);
    outcomes.push(
      outcome(
        urn,
        results[i],
        resourcePolicies,
        diags.filter((d) => d.urn === urn),
      ),
    );
  });
  const stackDiags = stackResult.diagnostics.map((d) => toDiag(d, d.urn || undefined));
  diagnostics.push(...stackDiags);
  // Stack policies that reported nothing anywhere passed (filed under the stack). A stack policy that
  // reported on a resource failed there, and on nothing else: only findings that name no resource fail
  // on the stack itself (counting the others there too made one phantom violation per policy).
  const onStack = stackDiags.filter((d) => d.urn === undefined);
  const stackOutcome = outcome(undefined, stackResult, stackPolicies, onStack);
  const mentionedAnywhere = new Set(stackDiags.map((d) => d.policyName));
  stackOutcome.passed = stackOutcome.passed.filter((n) => !mentionedAnywhere.has(n));
  stackOutcome.notApplicable = stackOutcome.notApplicable.filter((n) => !mentionedAnywhere.has(n.policyName));
  outcomes.push(stackOutcome);
  return { results, stackResult, diagnostics, outcomes };
}

/** The pack as the evidence records it: every policy with the level this run gave it. */
export function packsOf(info: AnalyzerInfo, level: (name: string) => EnforcementLevel): PolicyRun["packs"] {
  return [
    {
      name: info.name,
      version: info.version,
      policies: info.policies.map((p) => ({
        name: p.name,
        description: p.description,
        enforcementLevel: level(p.name),
        severity: p.severity,
        remediationSteps: p.remediationSteps || undefined,
        tags: p.tags,
        framework: p.framework,
        kind: p.kind === "unknown" ? undefined : p.kind,
      })),
    },
  ];
}

/** Versions of the runtime and SDKs a run through the pack used. */
export function toolVersionsOfRun(): Record<string, string> {
  return {
    node: process.version,
    "phi-channels": phiChannelsVersion(),
    "@pulumi/pulumi": packageVersion("@pulumi/pulumi"),
    "@pulumi/policy": packageVersion("@pulumi/policy"),
    "@pulumi/aws": packageVersion("@pulumi/aws"),
  };
}

/**
 * Configure → Analyze every resource → AnalyzeStack for one captured stack, normalised into a PolicyRun
 * (messages redacted of every known secret value). Exported for the pack integration tests.
 */
export async function analyzeCaptured(
  pack: PolicyPackProcess,
  info: AnalyzerInfo,
  captured: CapturedStack,
  config: Pick<LoadedPolicyConfig, "effective">,
  progress: Progress = new Progress(false),
): Promise<PolicyRun> {
  const stack = captured.stack;
  await pack.configure(config.effective);
  const secrets = secretsOf(captured);
  const level = levelsOf(config);

  const inputs = captured.resources.map((r) => toAnalyzerInput(captured, r));
  const stackInputs = inputs.map((input, i) => withMockOutputs(input, captured.resources[i]));
  const { results, diagnostics, outcomes } = await analyzeWithPack(
    pack,
    info,
    config,
    inputs,
    stackInputs,
    secrets,
    progress,
    stack,
  );

  const unknownInputs: Record<string, string[]> = {};
  for (const r of captured.resources) {
    const paths = unknownPaths(decodeValue(r.inputs));
    if (paths.length > 0) unknownInputs[r.urn] = paths;
  }

  return {
    source: "offline",
    operation: "preview",
    project: captured.project,
    stack,
    timestamp: new Date().toISOString(),
    gitCommit: gitCommit(),
    packs: packsOf(info, level),
    policyConfig: { [info.name]: flattenPolicyConfig(config.effective) },
    resources: captured.resources.map((r) => ({ urn: r.urn, type: r.type, name: r.name })),
    diagnostics,
    outcomes,
    unknownInputs,
    toolVersions: { ...toolVersionsOfRun(), "phi-channels check": "offline (mock runtime, preview)" },
    programFile: path.relative(REPO_ROOT, captured.program).split(path.sep).join("/"),
    notAnalysed: notAnalysedOf(captured, results),
    resultDetails: auditDetailsOf(info, stackInputs, config, level).map((d) => ({
      ...d,
      detail: redact(d.detail, secrets),
    })),
  };
}

/** Wire secrets unwrapped (as @pulumi/policy does before policies see them); unknown sentinels kept. */
function unwrapSecrets(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  const obj = value as Record<string, unknown>;
  if (obj[SPECIAL_SIG_KEY] === SECRET_SIG) return unwrapSecrets(obj.value);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = unwrapSecrets(v);
  return out;
}

/**
 * Per-resource details of our audit-trail stack policies (audit-log buckets, VPCs, flow logs), computed
 * with the pack's own rules over the resources AnalyzeStack received: the protocol cannot carry a pass
 * on a resource (policies/src/audit-report.ts).
 */
export function auditDetailsOf(
  info: AnalyzerInfo,
  stackInputs: AnalyzerResourceInput[],
  config: Pick<LoadedPolicyConfig, "effective">,
  level: (name: string) => string,
): NonNullable<PolicyRun["resultDetails"]> {
  if (info.name !== HIPAA_PACK) return [];
  const byUrn = new Map<string, PolicyResource>();
  const resources = stackInputs.map((i) => {
    const props = unwrapSecrets(i.properties) as Record<string, unknown>;
    // As the pack's deserialiser does, so details never name a value that was a secret.
    rememberWire(props, i.properties);
    const r = {
      type: i.type,
      name: i.name,
      urn: i.urn,
      props,
      opts: { protect: i.options?.protect === true },
      propertyDependencies: {} as Record<string, PolicyResource[]>,
      dependencies: [] as PolicyResource[],
    } as unknown as PolicyResource;
    if (i.urn) byUrn.set(i.urn, r);
    return r;
  });
  stackInputs.forEach((i, n) => {
    const r = resources[n] as unknown as {
      propertyDependencies: Record<string, PolicyResource[]>;
      dependencies: PolicyResource[];
    };
    for (const [k, urns] of Object.entries(i.propertyDependencies ?? {}))
      r.propertyDependencies[k] = urns.map((u) => byUrn.get(u)).filter((x): x is PolicyResource => !!x);
    r.dependencies = (i.dependencies ?? []).map((u) => byUrn.get(u)).filter((x): x is PolicyResource => !!x);
  });
  const props = (name: string) => (config.effective[name]?.properties ?? {}) as Record<string, unknown>;
  const bucketConfig = props(AUDIT_BUCKET_POLICY);
  const flowConfig = props(FLOW_LOGS_POLICY);
  const days = (v: unknown, fallback: number) => (typeof v === "number" ? v : fallback);
  return auditTrailDetails(resources, {
    minimumRetentionDays: days(bucketConfig.minimumRetentionDays, DEFAULT_MINIMUM_RETENTION_DAYS),
    externalLogBuckets: Array.isArray(bucketConfig.externalLogBuckets)
      ? (bucketConfig.externalLogBuckets as string[])
      : [],
    flowLogMinimumRetentionDays: days(flowConfig.minimumRetentionDays, DEFAULT_MINIMUM_RETENTION_DAYS),
  })
    .filter((d) => level(d.policy) !== "disabled")
    .map((d) => ({ policyPackName: info.name, policyName: d.policy, urn: d.urn, detail: d.detail }));
}

/**
 * What should have been analysed and was not: what the program run reports (remote components, which
 * create no children under mocks), and any resource the pack returned no response for.
 */
function notAnalysedOf(captured: CapturedStack, results: AnalyzeResult[]): NotAnalysedResource[] {
  const reported = (captured as CapturedStack & { notAnalysed?: NotAnalysedResource[] }).notAnalysed ?? [];
  const out = reported.map((n) => ({ urn: n.urn, type: n.type, name: n.name, reason: n.reason }));
  captured.resources.forEach((r, i) => {
    if (!results[i]) {
      out.push({ urn: r.urn, type: r.type, name: r.name, reason: "the policy pack never answered for it" });
    }
  });
  return out;
}
