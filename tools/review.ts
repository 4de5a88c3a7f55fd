/**
 * `phi-channels review --state FILE`: the regular review of a deployed stack. Reads the output of
 * `pulumi stack export`, serves the real policy pack as the CLI does and sends every resource through it
 * over the analyzer protocol (Configure, Analyze, AnalyzeStack), judging each resource's actual state: the
 * outputs the last `pulumi refresh` or `pulumi up` wrote. Where a policy's findings on the declared state
 * (the inputs the program gave) differ, the fields that make the difference are reported as drift. Writes
 * the evidence bundle with source `state`. See docs/review.md.
 *
 * What goes to the pack, as the engine sends it (pkg/resource/deploy: step_generator.go for a deployment,
 * analyze_snapshot.go for `pulumi policy analyze`): every resource not marked for deletion, providers,
 * components and the stack resource included. Analyze gets a custom resource's outputs (a deployment sends
 * its inputs, which at preview is all there is), providers, components and the stack their inputs, as the
 * engine does; AnalyzeStack gets every resource's outputs, as the engine does.
 *
 * Exit codes: EXIT_CODES in evidence/model.ts; nothing is written on 2 or 3.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { Command, Option } from "commander";
import {
  secretLeaves,
  startPolicyPack,
  type AnalyzeResult,
  type AnalyzerInfo,
  type AnalyzerResourceInput,
  type PolicyPackProcess,
} from "./lib/analyzer-client";
import { parseOrExitCode } from "./lib/cli";
import {
  analyzeWithPack,
  auditDetailsOf,
  levelsOf,
  packsOf,
  Progress,
  redact,
  toolVersionsOfRun,
} from "./lib/offline-run";
import { OutPathError, checkOutDir, fsErrorMessage } from "./lib/out-dir";
import { PACK_DIR } from "./lib/package-root";
import {
  PolicyConfigError,
  flattenPolicyConfig,
  loadPolicyConfig,
  resolvePolicyConfigFile,
  type LoadedPolicyConfig,
} from "./lib/policy-config";
import {
  StackExportError,
  parseStackExport,
  providerUrnOf,
  type ExportedResource,
  type StackExport,
} from "./lib/stack-export";
import { programFile } from "./evidence";
import { canonicalJson, compareStrings } from "./evidence/canonical";
import { isUndecidedAtPreviewMessage } from "./evidence/build";
import {
  buildEvidence,
  BUNDLE_LAYOUT,
  DRIFT_STATUS_LABELS,
  EXIT_CODES,
  EXIT_CODES_HELP,
  exitCodeOf,
  headlineCounts,
  renderJson,
  VERDICT_LABELS,
  writeEvidence,
  type Evidence,
} from "./evidence/index";
import type { DriftFinding, DriftStatus, NotAnalysedResource, PolicyRun } from "./evidence/run";

class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export interface ReviewOptions {
  /** The `pulumi stack export` file. */
  state: string;
  policyConfig?: string;
  out?: string;
  json?: boolean;
  quiet?: boolean;
  pack?: string;
  gitCommit?: string;
  program?: string;
}

/** Most AnalyzeStack probes one review spends on locating the fields behind a stack policy's drift. */
const MAX_STACK_PROBES = 200;

const isProvider = (r: ExportedResource) => r.type.startsWith("pulumi:providers:");
/** Custom resources other than providers are judged on their outputs; drift is theirs to have. */
const judgedOnOutputs = (r: ExportedResource) => r.custom && !isProvider(r);
const equal = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);

function rel(p: string): string {
  const r = path.relative(process.cwd(), p);
  return r && !r.startsWith("..") ? r : p;
}

/** The engine's view of an exported resource with the given properties. */
function analyzerInput(
  r: ExportedResource,
  properties: Record<string, unknown>,
  byUrn: Map<string, ExportedResource>,
): AnalyzerResourceInput {
  const provider = r.provider ? byUrn.get(providerUrnOf(r.provider)) : undefined;
  return {
    type: r.type,
    name: r.name,
    urn: r.urn,
    properties,
    options: {
      protect: r.protect,
      ignoreChanges: r.ignoreChanges,
      additionalSecretOutputs: r.additionalSecretOutputs,
      aliases: r.aliases,
      parent: r.parent,
    },
    // As the engine: the provider's inputs (its configuration).
    ...(provider
      ? {
          provider: {
            type: provider.type,
            name: provider.name,
            urn: provider.urn,
            properties: provider.inputs,
          },
        }
      : {}),
    parent: r.parent,
    dependencies: r.dependencies,
    propertyDependencies: r.propertyDependencies,
  };
}

/** The properties Analyze judges: the outputs of custom resources, the inputs of everything else. */
const actualProps = (r: ExportedResource) => (judgedOnOutputs(r) ? r.outputs : r.inputs);
/** AnalyzeStack's declared view: the outputs, each declared input in place of its output. */
const declaredStackProps = (r: ExportedResource) =>
  judgedOnOutputs(r) ? { ...r.outputs, ...r.inputs } : r.outputs;

/** Top-level properties on which the declared and the actual state disagree. */
function differingKeys(declared: Record<string, unknown>, actual: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(declared), ...Object.keys(actual)]);
  return [...keys].filter((k) => !equal(declared[k], actual[k])).sort(compareStrings);
}

/** `declared` with property `k` as the actual state has it (or without it, when the actual state has none). */
function withActual(declared: Record<string, unknown>, actual: Record<string, unknown>, k: string) {
  const probe = { ...declared };
  if (k in actual) probe[k] = actual[k];
  else delete probe[k];
  return probe;
}

const undecided = (message: string) =>
  /can't run .* during preview/.test(message) || isUndecidedAtPreviewMessage(message);

/** A policy's findings on one resource, as comparable text: every message with its level. */
function findings(result: AnalyzeResult, policy: string, urn: string): string {
  return result.diagnostics
    .filter((d) => d.policyName === policy && (!d.urn || d.urn === urn))
    .map((d) => `${undecided(d.message) ? "undecided" : d.enforcementLevel}\u0000${d.message}`)
    .sort(compareStrings)
    .join("\u0001");
}

function statusOf(result: AnalyzeResult, policy: string, urn: string): DriftStatus {
  const mine = result.diagnostics.filter((d) => d.policyName === policy && (!d.urn || d.urn === urn));
  if (mine.some((d) => !undecided(d.message))) return "failed";
  if (mine.length > 0) return "undecided";
  if (result.notApplicable.some((n) => n.policyName === policy)) return "not-applicable";
  return "passed";
}

/** Stack-policy findings by policy and URN ("" for the stack), as comparable text. */
function stackFindings(result: AnalyzeResult): Map<string, string> {
  const out = new Map<string, string[]>();
  for (const d of result.diagnostics) {
    const k = `${d.policyName}\u0000${d.urn ?? ""}`;
    out.set(k, [...(out.get(k) ?? []), `${d.enforcementLevel}\u0000${d.message}`]);
  }
  return new Map([...out].map(([k, v]) => [k, v.sort(compareStrings).join("\u0001")]));
}

async function mapLimit<T, R>(items: T[], limit: number, f: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * Drift on fields a policy decides. A resource policy drifted on a resource when its findings on the actual
 * state (Analyze over the outputs) differ from those on the declared state (Analyze over the inputs); the
 * deciding fields are the top-level properties whose actual value, put into the declared state alone, moves
 * the findings away from the declared ones (all differing properties when no single one does). Stack
 * policies likewise, over AnalyzeStack with one resource's declared inputs in place of its outputs.
 */
async function findDrift(...args: Parameters<typeof locateDrift>): Promise<DriftFinding[]> {
  // Found concurrently; sorted so the same export gives the same evidence.
  return (await locateDrift(...args)).sort(
    (a, b) => compareStrings(a.urn, b.urn) || compareStrings(a.policyName, b.policyName),
  );
}

async function locateDrift(
  pack: PolicyPackProcess,
  info: AnalyzerInfo,
  resources: ExportedResource[],
  actual: { results: AnalyzeResult[]; stackResult: AnalyzeResult },
  byUrn: Map<string, ExportedResource>,
  progress: Progress,
  label: string,
): Promise<DriftFinding[]> {
  const drift: DriftFinding[] = [];
  const resourcePolicies = new Set(info.policies.filter((p) => p.kind !== "stack").map((p) => p.name));
  const candidates = resources
    .map((r, i) => ({ r, i }))
    .filter(({ r }) => judgedOnOutputs(r) && !r.external && differingKeys(r.inputs, r.outputs).length > 0);
  progress.line(`[${label}] comparing the declared state (inputs) of ${candidates.length} resources`);
  const declared = await mapLimit(candidates, 4, ({ r }) => pack.analyze(analyzerInput(r, r.inputs, byUrn)));

  await mapLimit(
    candidates.map((c, n) => ({ ...c, declared: declared[n] })),
    2,
    async ({ r, i, declared: d }) => {
      const a = actual.results[i];
      const policies = [...new Set([...a.diagnostics, ...d.diagnostics].map((x) => x.policyName))]
        .filter((p) => resourcePolicies.has(p) && findings(a, p, r.urn) !== findings(d, p, r.urn))
        .sort(compareStrings);
      if (policies.length === 0) return;
      const keys = differingKeys(r.inputs, r.outputs);
      const deciding = new Map<string, string[]>(policies.map((p) => [p, []]));
      for (const k of keys) {
        const probe = await pack.analyze(analyzerInput(r, withActual(r.inputs, r.outputs, k), byUrn));
        for (const p of policies) {
          if (findings(probe, p, r.urn) !== findings(d, p, r.urn)) deciding.get(p)!.push(k);
        }
      }
      for (const p of policies) {
        const fields = deciding.get(p)!;
        drift.push({
          urn: r.urn,
          policyPackName: info.name,
          policyName: p,
          fields: fields.length > 0 ? fields : keys,
          declared: statusOf(d, p, r.urn),
          actual: statusOf(a, p, r.urn),
        });
      }
    },
  );

  // Stack policies: the declared view swaps each resource's declared inputs in for its outputs.
  const stackPolicies = new Set(info.policies.filter((p) => p.kind === "stack").map((p) => p.name));
  const stackView = (swap?: { urn: string; key: string }) =>
    resources.map((r) => {
      let props = declaredStackProps(r);
      if (swap && swap.urn === r.urn) props = withActual(props, r.outputs, swap.key);
      return analyzerInput(r, props, byUrn);
    });
  const swappable = resources
    .filter((r) => judgedOnOutputs(r) && !r.external)
    .flatMap((r) =>
      Object.keys(r.inputs)
        .filter((k) => !equal(r.inputs[k], r.outputs[k]))
        .map((key) => ({ urn: r.urn, key })),
    );
  if (swappable.length === 0 || stackPolicies.size === 0) return drift;
  const declaredStack = stackFindings(await pack.analyzeStack(stackView()));
  const actualStack = stackFindings(actual.stackResult);
  const changed = [...new Set([...declaredStack.keys(), ...actualStack.keys()])]
    .filter((k) => stackPolicies.has(k.split("\u0000")[0]) && declaredStack.get(k) !== actualStack.get(k))
    .sort(compareStrings);
  if (changed.length === 0) return drift;
  const probes = swappable.slice(0, MAX_STACK_PROBES);
  const moved = new Map<string, Array<{ urn: string; key: string }>>(changed.map((k) => [k, []]));
  for (const swap of probes) {
    const probe = stackFindings(await pack.analyzeStack(stackView(swap)));
    for (const k of changed) if (probe.get(k) !== declaredStack.get(k)) moved.get(k)!.push(swap);
  }
  const stackStatus = (m: Map<string, string>, k: string): DriftStatus => {
    const text = m.get(k);
    if (text === undefined) return "passed";
    return text.split("\u0001").every((f) => undecided(f.split("\u0000")[1] ?? "")) ? "undecided" : "failed";
  };
  for (const k of changed) {
    const [policy, findingUrn] = k.split("\u0000");
    const swaps = moved.get(k)!;
    // The drift belongs to the resource whose field makes the difference; several, or none found: the finding's.
    const byResource = new Map<string, string[]>();
    for (const s of swaps) byResource.set(s.urn, [...(byResource.get(s.urn) ?? []), s.key]);
    const target = byResource.size === 1 ? [...byResource.keys()][0] : findingUrn || resources[0].urn;
    const fields =
      byResource.size === 1
        ? byResource.get(target)!
        : swaps.length > 0
          ? swaps.map((s) => `${byUrn.get(s.urn)?.name ?? s.urn}.${s.key}`)
          : swappable.filter((s) => s.urn === target).map((s) => s.key);
    drift.push({
      urn: target,
      policyPackName: info.name,
      policyName: policy,
      fields: fields.length > 0 ? fields : ["(not located)"],
      declared: stackStatus(declaredStack, k),
      actual: stackStatus(actualStack, k),
    });
  }
  return drift;
}

/** Plaintext secret values of the export (`--show-secrets`), longest first, for redaction. */
function secretsOf(exported: StackExport): string[] {
  const set = new Set<string>();
  for (const r of exported.resources) {
    secretLeaves(r.inputs, false, set);
    secretLeaves(r.outputs, false, set);
  }
  return [...set].sort((a, b) => b.length - a.length || compareStrings(a, b));
}

/**
 * Configure, then the actual state through Analyze and AnalyzeStack, then the declared state where it
 * differs; normalised into a PolicyRun with source `state`. Exported for the tests.
 */
export async function reviewExport(
  pack: PolicyPackProcess,
  info: AnalyzerInfo,
  exported: StackExport,
  config: Pick<LoadedPolicyConfig, "effective">,
  progress: Progress = new Progress(false),
): Promise<PolicyRun> {
  const label = `${exported.project}/${exported.stack}`;
  await pack.configure(config.effective);
  const secrets = secretsOf(exported);
  const level = levelsOf(config);
  const byUrn = new Map(exported.resources.map((r) => [r.urn, r]));
  const inputs = exported.resources.map((r) => analyzerInput(r, actualProps(r), byUrn));
  const stackInputs = exported.resources.map((r) => analyzerInput(r, r.outputs, byUrn));
  const analysis = await analyzeWithPack(pack, info, config, inputs, stackInputs, secrets, progress, label);
  const drift = await findDrift(pack, info, exported.resources, analysis, byUrn, progress, label);

  const encryptedValues: Record<string, string[]> = {};
  for (const r of exported.resources) {
    const paths = [
      ...r.encryptedInputs.map((p) => `inputs.${p}`),
      ...r.encryptedOutputs.map((p) => `outputs.${p}`),
    ];
    if (paths.length > 0) encryptedValues[r.urn] = paths;
  }
  const notAnalysed: NotAnalysedResource[] = exported.pendingOperations.map((op) => ({
    urn: op.urn,
    type: op.type,
    name: op.name,
    reason:
      `the export records a pending ${op.operation} operation the engine never finished, so this resource's state is ` +
      "not known. Fix: run `pulumi refresh` (or `pulumi cancel` if an update is still running), then export again.",
  }));
  exported.resources.forEach((r, i) => {
    if (!analysis.results[i]) {
      notAnalysed.push({
        urn: r.urn,
        type: r.type,
        name: r.name,
        reason: "the policy pack never answered for it",
      });
    }
  });

  return {
    source: "state",
    operation: "analyze",
    project: exported.project,
    stack: exported.stack,
    timestamp: new Date().toISOString(),
    packs: packsOf(info, level),
    policyConfig: { [info.name]: flattenPolicyConfig(config.effective) },
    resources: exported.resources.map((r) => ({ urn: r.urn, type: r.type, name: r.name })),
    diagnostics: analysis.diagnostics,
    outcomes: analysis.outcomes,
    toolVersions: {
      ...toolVersionsOfRun(),
      "phi-channels review": `stack export, deployment version ${exported.deploymentVersion}`,
    },
    notAnalysed,
    resultDetails: auditDetailsOf(info, stackInputs, config, level).map((d) => ({
      ...d,
      detail: redact(d.detail, secrets),
    })),
    drift,
    encryptedValues,
    stateExport: {
      deploymentVersion: exported.deploymentVersion,
      features: exported.features,
      ...(exported.manifest.time ? { writtenAt: exported.manifest.time } : {}),
      ...(exported.manifest.version ? { writtenBy: `pulumi ${exported.manifest.version}` } : {}),
      ...(exported.secretsProvider ? { secretsProvider: exported.secretsProvider } : {}),
      secrets: exported.secrets,
      resourcesPendingDeletion: exported.pendingDeletion,
    },
  };
}

function gitCommitOfCwd(): string | undefined {
  try {
    const sha = execFileSync("git", ["rev-parse", "HEAD"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
    return /^[0-9a-f]{40}$/.test(sha) ? sha : undefined;
  } catch {
    return undefined;
  }
}

function checkPack(packDir: string): void {
  let main: string | undefined;
  try {
    main = (JSON.parse(fs.readFileSync(path.join(packDir, "package.json"), "utf8")) as { main?: string })
      .main;
  } catch {
    main = undefined;
  }
  if (
    !fs.existsSync(path.join(packDir, "PulumiPolicy.yaml")) ||
    !main ||
    !fs.existsSync(path.join(packDir, main))
  ) {
    throw new UsageError(
      `--pack = "${rel(packDir)}": not a built policy pack (needs PulumiPolicy.yaml and package.json "main" built). ` +
        `Fix: run "npm run build:pack" (done by npm ci), or pass --pack <dir>.`,
    );
  }
}

function readExport(file: string): StackExport {
  const st = fs.statSync(file, { throwIfNoEntry: false });
  if (!st) {
    throw new UsageError(
      `--state = "${file}": no such file. Fix: pass the file written by \`pulumi stack export --stack <stack> --file state.json\`.`,
    );
  }
  if (!st.isFile()) {
    throw new UsageError(
      `--state = "${file}": is a ${st.isDirectory() ? "directory" : "special file"}, not a file. ` +
        "Fix: pass the file written by `pulumi stack export --file state.json`.",
    );
  }
  return parseStackExport(fs.readFileSync(file, "utf8"), file);
}

/** The human summary: what was reviewed, violations by HIPAA control, drift, then the verdict. */
export function renderReviewSummary(
  e: Evidence,
  outDir: string,
  policyConfigFile: string | undefined,
  quiet: boolean,
): string {
  const lines: string[] = [];
  const m = e.metadata;
  const s = m.stateExport;
  if (!quiet) {
    lines.push(
      `${m.project}/${m.stack}: state export of ${e.totals.resources} resources` +
        (s
          ? ` (deployment version ${s.deploymentVersion}${s.writtenAt ? `, written ${s.writtenAt}` : ""}${s.writtenBy ? ` by ${s.writtenBy}` : ""})`
          : "") +
        `, ${e.policies.length} policies (${m.packs.map((p) => `${p.name}@${p.version}`).join(", ")})`,
    );
    lines.push(`policy config: ${policyConfigFile ? rel(policyConfigFile) : "pack defaults"}`);
    lines.push("");
  }
  const failed = e.resources.flatMap((r) =>
    r.results.filter((x) => x.status === "failed").map((x) => ({ resource: r, result: x })),
  );
  for (const c of e.controls) {
    const mine = failed.filter((f) => f.result.hipaa?.control === c.control);
    if (quiet && mine.length === 0) continue;
    lines.push(
      `${c.reference} ${c.specification}: ${c.resourcesChecked} checked, ${c.passed} passed, ` +
        `${c.failedMandatory} failed mandatory, ${c.failedAdvisory} failed advisory, ` +
        `${c.undecidedAtPreview} not decidable, ${c.notApplicable} not applicable`,
    );
    for (const f of mine) {
      lines.push(
        `  ✖ ${(f.result.enforcementLevel ?? "mandatory").toUpperCase()} ${f.result.policy}: ${f.resource.type} "${f.resource.name}"`,
      );
      for (const l of (f.result.message ?? "").split("\n")) lines.push(`      ${l}`);
      if (f.result.remediation)
        lines.push(`      Remediation: ${f.result.remediation.split("\n").join("\n      ")}`);
    }
  }
  const drifted = e.resources.filter((r) => (r.drift ?? []).length > 0);
  lines.push("");
  if (drifted.length === 0) {
    lines.push(
      "Drift: none on a field a policy decides (every policy finds the same in the inputs and the outputs).",
    );
  } else {
    lines.push(
      `Drift on fields a policy decides (declared inputs vs actual outputs), ${drifted.length} resource(s):`,
    );
    for (const r of drifted) {
      for (const d of r.drift!) {
        lines.push(
          `  ⚠ DRIFT ${r.type} "${r.name}": field ${d.fields.join(", ")}: ${d.policy} ` +
            `${DRIFT_STATUS_LABELS[d.declared]} on the declared state, ${DRIFT_STATUS_LABELS[d.actual]} on the actual state`,
        );
      }
    }
  }
  const encrypted = e.resources.filter((r) => (r.encryptedValues ?? []).length > 0);
  if (!quiet && encrypted.length > 0) {
    const n = encrypted.reduce((sum, r) => sum + r.encryptedValues!.length, 0);
    lines.push(
      `Encrypted in the export: ${n} secret value(s) on ${encrypted.length} resource(s); a policy that reads one cannot ` +
        "decide (listed as not decidable).",
    );
  }
  if (e.notAnalysed.length > 0) {
    lines.push(`Not analysed (${e.notAnalysed.length}), so the verdict cannot be a pass:`);
    for (const n of e.notAnalysed) lines.push(`  ${n.type} "${n.name}": ${n.reason}`);
  }
  if (!quiet) {
    lines.push(
      `Evidence: ${rel(outDir)}/ (evidence.json, evidence.md, evidence.sarif, evidence.intoto.json, SHA256SUMS)`,
    );
  }
  lines.push(`${VERDICT_LABELS[e.verdict]} ${m.stack}: ${headlineCounts(e)}`);
  if (e.verdict !== "pass" && e.verdict !== "fail") lines.push(`  ${e.verdictReasons.join("; ")}`);
  return `${lines.join("\n")}\n`;
}

/** Runs the review; returns the exit code. Writes nothing unless the export was read and reviewed. */
export async function runReview(opts: ReviewOptions): Promise<number> {
  const progress = new Progress(!opts.quiet && !opts.json);
  let pack: PolicyPackProcess | undefined;
  try {
    if (opts.gitCommit !== undefined && !/^[0-9a-f]{7,64}$/.test(opts.gitCommit)) {
      throw new UsageError(
        `--git-commit = "${opts.gitCommit}": not a hexadecimal commit id. Fix: pass e.g. $GITHUB_SHA, or omit it.`,
      );
    }
    // An unsafe --out is refused before anything is read; writeEvidence checks again just before writing.
    if (opts.out !== undefined) checkOutDir(path.resolve(opts.out), BUNDLE_LAYOUT);
    const packDir = path.resolve(opts.pack ?? PACK_DIR);
    checkPack(packDir);
    const exported = readExport(opts.state);
    const outDir = path.resolve(opts.out ?? path.join("reports", `review-${exported.stack}`));
    checkOutDir(outDir, BUNDLE_LAYOUT);
    const policyConfigFile = resolvePolicyConfigFile(opts.policyConfig, process.cwd(), exported.stack);
    progress.line(
      `${exported.project}/${exported.stack}: ${exported.resources.length} resources in ${rel(opts.state)} ` +
        `(deployment version ${exported.deploymentVersion}); starting policy pack ${rel(packDir)}`,
    );

    pack = await startPolicyPack(packDir);
    const info = await pack.getAnalyzerInfo();
    const config = loadPolicyConfig(policyConfigFile, info.policies);
    progress.line(`policy pack ${info.name}@${info.version}: ${info.policies.length} policies`);
    const run = await reviewExport(pack, info, exported, config, progress);
    const commit = opts.gitCommit ?? gitCommitOfCwd();
    if (commit) run.gitCommit = commit;
    else run.gitCommitMissing = "not a git repository";
    run.programFile = opts.program ?? programFile(process.cwd());
    const evidence = buildEvidence(run);
    progress.line(`[${exported.stack}] writing evidence to ${rel(outDir)}`);
    await writeEvidence(outDir, evidence);
    process.stdout.write(
      opts.json
        ? renderJson(evidence)
        : renderReviewSummary(evidence, outDir, policyConfigFile, Boolean(opts.quiet)),
    );
    return exitCodeOf(evidence.verdict);
  } catch (err) {
    if (
      err instanceof UsageError ||
      err instanceof StackExportError ||
      err instanceof PolicyConfigError ||
      err instanceof OutPathError
    ) {
      process.stderr.write(`error: ${err.message.split("\n").join("\nerror: ")}\nNothing was written.\n`);
      return EXIT_CODES.usage;
    }
    const fsError = fsErrorMessage(err);
    if (fsError) {
      process.stderr.write(`error: ${fsError}\nNothing was written.\n`);
      return EXIT_CODES.usage;
    }
    process.stderr.write(`error: ${(err as Error)?.stack ?? String(err)}\nNothing was written.\n`);
    return EXIT_CODES.internal;
  } finally {
    if (pack) await pack.close();
  }
}

export function buildCli(): Command {
  return new Command("review")
    .description(
      "Regular review of a deployed stack. Reads the output of `pulumi stack export`, sends every resource and " +
        "the whole stack through the real phi-channels-hipaa pack over the analyzer protocol, judging each " +
        "resource's actual state (the outputs the last `pulumi refresh` or `pulumi up` wrote), and reports drift " +
        "where a policy finds differently in the declared inputs. Writes the evidence (evidence.json, evidence.md, " +
        "evidence.sarif, evidence.intoto.json, SHA256SUMS) with source `state`. No cloud credentials or Pulumi CLI " +
        "needed.\n\n" +
        "  pulumi stack export --stack prod --file state.json\n" +
        "  phi-channels review --state state.json\n\n" +
        "Reads deployment versions 3 and 4. Secret values stay encrypted: a policy that needs one cannot decide, " +
        "and none is ever printed. What counts as drift: docs/review.md.\n\n" +
        EXIT_CODES_HELP,
    )
    .addOption(
      new Option("--state <file>", "the output of `pulumi stack export` (JSON)").makeOptionMandatory(),
    )
    .addOption(
      new Option(
        "--policy-config <file>",
        "policy config JSON (CLI --policy-pack-config format). Default: policies/config/<stack>.json if it exists",
      ),
    )
    .addOption(
      new Option(
        "--out <dir>",
        "evidence directory (default reports/review-<stack>/). It must be new, empty, or a previous evidence bundle " +
          "(replaced whole); anything else is refused (exit 2)",
      ),
    )
    .addOption(new Option("--json", "print the evidence JSON on stdout instead of the summary"))
    .addOption(new Option("--quiet", "print only violations, drift and the verdict"))
    .addOption(new Option("--git-commit <sha>", "commit the review belongs to (default: git rev-parse HEAD)"))
    .addOption(
      new Option(
        "--program <file>",
        "stack program file results are located at in SARIF (default: from Pulumi.yaml here)",
      ),
    )
    .addOption(
      new Option("--pack <dir>", "policy pack directory (default: the pack shipped with phi-channels)"),
    )
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
}

/** Parses argv (user arguments) and runs; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const cli = buildCli();
  const stop = parseOrExitCode(cli, argv, "options only, e.g. --state state.json", "user");
  if (stop !== undefined) return stop;
  return runReview(cli.opts<ReviewOptions>());
}
