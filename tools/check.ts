/**
 * `phi-channels check`: the offline policy check. Runs a Pulumi Node.js program (the project in --cwd, one
 * process per stack) under Pulumi's mocks in preview mode, as `pulumi preview` would run it, serves the
 * real policy pack exactly as the CLI does, sends Configure / Analyze / AnalyzeStack over the analyzer
 * protocol, prints a summary grouped by HIPAA control and writes the evidence. See docs/check.md.
 *
 * Exit codes: EXIT_CODES in evidence/model.ts (0 pass, 1 fail, 2 usage/config error, 3 internal or program
 * error, 4 incomplete, 5 not applicable); nothing is written on 2 or 3. With several stacks the worst wins.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Command, Option } from "commander";
import { parseOrExitCode } from "./lib/cli";
import { startPolicyPack, type PolicyPackProcess } from "./lib/analyzer-client";
import {
  ProgramError,
  StackConfigError,
  gitCommitOf,
  listStacks,
  loadStackConfig,
  resolveProject,
  runStackProgram,
  type CapturedStack,
  type PulumiProject,
  type StackConfig,
} from "./lib/mock-program";
import { analyzeCaptured, Progress } from "./lib/offline-run";
import { PACK_DIR } from "./lib/package-root";
import { PolicyConfigError, loadPolicyConfig, resolvePolicyConfigFile } from "./lib/policy-config";
import {
  buildEvidence,
  BUNDLE_LAYOUT,
  EXIT_CODES,
  EXIT_CODES_HELP,
  exitCodeOf,
  headlineCounts,
  renderJson,
  VERDICT_LABELS,
  writeEvidence,
  type Evidence,
  type Verdict,
} from "./evidence";
import { OutPathError, checkOutDir, fsErrorMessage } from "./lib/out-dir";
import type { PolicyRun } from "./evidence/run";

/** A usage error: exit 2, message already names the field, the value and the fix. */
class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export interface CheckOptions {
  /** The Pulumi program's directory (or one below the project), like pulumi's -C. Default: the cwd. */
  cwd?: string;
  stack?: string;
  all?: boolean;
  policyConfig?: string;
  out?: string;
  json?: boolean;
  quiet?: boolean;
  /** A module of the user's own mock answers. */
  mocks?: string;
  pack?: string;
  /** Removed (the check runs the program in --cwd); kept only to say so. */
  stacksDir?: string;
}

interface StackPlan {
  stack: string;
  policyConfigFile?: string;
  outDir: string;
  config: StackConfig;
}

const STACK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

function rel(p: string): string {
  const r = path.relative(process.cwd(), p);
  return r && !r.startsWith("..") ? r : p;
}

export interface StackResult {
  stack: string;
  outDir: string;
  evidence: Evidence;
  run: PolicyRun;
  placeholderKeys: string[];
  policyConfigFile?: string;
  /** The project directory's commit, undefined when it is not in a git work tree. */
  gitCommit?: string;
}

/**
 * What the evidence says about the user's program: their project's file (relative to their project
 * directory), their directory's commit, their SDK versions, and what could not be analysed offline.
 */
function describeProgram(run: PolicyRun, captured: CapturedStack, commit: string | undefined): void {
  run.programFile = captured.programFile;
  if (commit) {
    run.gitCommit = commit;
  } else {
    delete run.gitCommit;
    run.gitCommitMissing = "not a git repository";
  }
  Object.assign(run.toolVersions, captured.sdkVersions);
  if (run.notAnalysed === undefined) run.notAnalysed = captured.notAnalysed;
}

/** Human summary: violations grouped by HIPAA control, then the verdict. */
export function renderSummary(result: StackResult, quiet: boolean): string {
  const e = result.evidence;
  const lines: string[] = [];
  const failed = e.resources.flatMap((r) =>
    r.results.filter((x) => x.status === "failed").map((x) => ({ resource: r, result: x })),
  );
  if (!quiet) {
    const pack = e.metadata.packs.map((p) => `${p.name}@${p.version}`).join(", ");
    lines.push(
      `${e.metadata.project}/${e.metadata.stack}: ${e.totals.resources} resources, ${e.policies.length} policies (${pack})`,
    );
    lines.push(`policy config: ${result.policyConfigFile ? rel(result.policyConfigFile) : "pack defaults"}`);
    lines.push(
      `program: ${e.metadata.programFile}; git commit: ${result.gitCommit ?? "not a git repository"}`,
    );
    lines.push("");
  }
  for (const c of e.controls) {
    const mine = failed.filter((f) => f.result.hipaa?.control === c.control);
    if (quiet && mine.length === 0) continue;
    lines.push(
      `${c.reference} ${c.specification}: ${c.resourcesChecked} checked, ${c.passed} passed, ` +
        `${c.failedMandatory} failed mandatory, ${c.failedAdvisory} failed advisory, ` +
        `${c.undecidedAtPreview} not decidable at preview, ${c.notApplicable} not applicable`,
    );
    for (const f of mine) lines.push(...violationLines(f.resource, f.result));
  }
  const unmapped = failed.filter((f) => !f.result.hipaa);
  if (unmapped.length > 0) {
    lines.push("Not mapped to a HIPAA control:");
    for (const f of unmapped) lines.push(...violationLines(f.resource, f.result));
  }
  if (!quiet) {
    const unknown = e.resources.filter((r) => r.unknownInputs && r.unknownInputs.length > 0);
    if (unknown.length > 0) {
      lines.push("");
      lines.push(`Unknown at preview (checked again at pulumi up): inputs of ${unknown.length} resource(s):`);
      for (const r of unknown) lines.push(`  ${r.type} "${r.name}": ${r.unknownInputs!.join(", ")}`);
    }
    if (result.placeholderKeys.length > 0) {
      lines.push(
        `Secret config ${result.placeholderKeys.join(", ")} cannot be decrypted offline; a placeholder value was used.`,
      );
    }
    lines.push(
      `Evidence: ${rel(result.outDir)}/ (evidence.json, evidence.md, evidence.sarif, evidence.intoto.json, SHA256SUMS)`,
    );
  }
  if (e.notAnalysed.length > 0) {
    lines.push(`Not analysed offline (${e.notAnalysed.length}), so the verdict cannot be a pass:`);
    for (const n of e.notAnalysed) lines.push(`  ${n.type} "${n.name}": ${n.reason}`);
  }
  lines.push(`${VERDICT_LABELS[e.verdict]} ${e.metadata.stack}: ${headlineCounts(e)}`);
  if (e.verdict !== "pass" && e.verdict !== "fail") lines.push(`  ${e.verdictReasons.join("; ")}`);
  return lines.join("\n") + "\n";
}

function violationLines(
  resource: Evidence["resources"][number],
  result: Evidence["resources"][number]["results"][number],
): string[] {
  const out = [
    `  ✖ ${(result.enforcementLevel ?? "mandatory").toUpperCase()} ${result.policy}: ${resource.type} "${resource.name}"`,
  ];
  for (const l of (result.message ?? "").split("\n")) out.push(`      ${l}`);
  if (result.remediation) out.push(`      Remediation: ${result.remediation.split("\n").join("\n      ")}`);
  return out;
}

function planStacks(opts: CheckOptions): { plans: StackPlan[]; project: PulumiProject; packDir: string } {
  if (opts.stacksDir !== undefined) {
    throw new UsageError(
      `--stacks-dir = "${opts.stacksDir}": the option was removed; the check now runs your own program as ` +
        `"pulumi preview" does. Fix: pass --cwd <directory with Pulumi.yaml> (and --stack <name>).`,
    );
  }
  if (opts.stack !== undefined && opts.all) {
    throw new UsageError(`--stack = "${opts.stack}" and --all were both given. Fix: pass one of them.`);
  }
  let project: PulumiProject;
  try {
    project = resolveProject(opts.cwd ?? process.cwd());
  } catch (err) {
    if (err instanceof StackConfigError) throw new UsageError(err.message);
    throw err;
  }
  if (opts.mocks !== undefined && !fs.existsSync(path.resolve(opts.mocks))) {
    throw new UsageError(
      `--mocks = "${opts.mocks}": file not found. Fix: pass a JavaScript or TypeScript module exporting ` +
        `"calls" and/or "resources" (see --help).`,
    );
  }
  const packDir = path.resolve(opts.pack ?? PACK_DIR);
  const single = opts.stack !== undefined;
  if (!single && opts.policyConfig !== undefined) {
    throw new UsageError(
      `--policy-config = "${opts.policyConfig}" needs a single stack: a policy config belongs to one stack. ` +
        `Fix: add --stack <name>, or drop it to use policies/config/<stack>.json per stack.`,
    );
  }
  let stacks: string[];
  if (single) {
    const s = opts.stack!;
    if (!STACK_NAME.test(s)) {
      throw new UsageError(
        `--stack = "${s}" is not a stack name. Fix: use letters, digits, "-", "_" or ".".`,
      );
    }
    stacks = [s];
  } else {
    stacks = listStacks(project);
    if (stacks.length === 0) {
      throw new UsageError(
        `--all: no Pulumi.<stack>.yaml in ${rel(project.stackConfigDir)} (project "${project.name}"). ` +
          `Fix: create one ("pulumi config set" does; "config: {}" is enough) or pass --stack <name>.`,
      );
    }
  }
  const plans = stacks.map((stack) => {
    let config: StackConfig;
    try {
      config = loadStackConfig(project, stack);
    } catch (err) {
      if (err instanceof StackConfigError) throw new UsageError(err.message);
      throw err;
    }
    const policyConfigFile = resolvePolicyConfigFile(opts.policyConfig, project.dir, stack);
    const outDir = opts.out
      ? single
        ? path.resolve(opts.out)
        : path.resolve(opts.out, stack)
      : path.join(project.dir, "reports", stack);
    return { stack, policyConfigFile, outDir, config };
  });
  const main = (() => {
    try {
      return (JSON.parse(fs.readFileSync(path.join(packDir, "package.json"), "utf8")) as { main?: string })
        .main;
    } catch {
      return undefined;
    }
  })();
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
  return { plans, project, packDir };
}

/** Runs the check; returns the exit code. Writes nothing unless every stack validated and ran. */
export async function runCheck(opts: CheckOptions): Promise<number> {
  const progress = new Progress(!opts.quiet);
  let pack: PolicyPackProcess | undefined;
  try {
    const { plans, project, packDir } = planStacks(opts);
    // An unsafe --out is refused before anything runs; writeEvidence checks again just before writing.
    for (const p of plans) checkOutDir(p.outDir, BUNDLE_LAYOUT);
    progress.line(
      `project ${project.name} (${rel(project.file)}): starting policy pack ${rel(packDir)} and ` +
        `${plans.length} stack program(s) under mocks: ${plans.map((p) => p.stack).join(", ")}`,
    );
    for (const p of plans) {
      if (p.config.environments.length > 0) {
        progress.line(
          `[${p.stack}] note: config from ESC environment(s) ${p.config.environments.join(", ")} is not available offline`,
        );
      }
    }

    // The pack's start-up and the programs' runs overlap; nothing is written until all of them succeeded.
    const packP = startPolicyPack(packDir);
    const capturedP = plans.map((p) =>
      runStackProgram({
        stack: p.stack,
        project,
        mocks: opts.mocks,
        onOutput: (line) => progress.line(`[${p.stack}] program: ${line}`),
      }),
    );
    // Avoid unhandled rejections while we await in order.
    capturedP.forEach((c) => c.catch(() => undefined));
    packP.catch(() => undefined);

    const captured: CapturedStack[] = [];
    for (let i = 0; i < plans.length; i++) {
      captured.push(await capturedP[i]);
      progress.line(
        `[${plans[i].stack}] ${captured[i].programFile} registered ${captured[i].resources.length} resources`,
      );
    }
    pack = await packP;
    const info = await pack.getAnalyzerInfo();
    progress.line(`policy pack ${info.name}@${info.version}: ${info.policies.length} policies`);
    const configs = plans.map((p) => loadPolicyConfig(p.policyConfigFile, info.policies));

    const commit = gitCommitOf(project.dir);
    const results: StackResult[] = [];
    for (let i = 0; i < plans.length; i++) {
      const run = await analyzeCaptured(pack, info, captured[i], configs[i], progress);
      describeProgram(run, captured[i], commit);
      results.push({
        stack: plans[i].stack,
        outDir: plans[i].outDir,
        evidence: buildEvidence(run),
        run,
        placeholderKeys: captured[i].placeholderKeys,
        policyConfigFile: plans[i].policyConfigFile,
        gitCommit: commit,
      });
    }
    await pack.close();
    pack = undefined;

    for (const r of results) {
      progress.line(`[${r.stack}] writing evidence to ${rel(r.outDir)}`);
      await writeEvidence(r.outDir, r.evidence);
    }
    if (opts.json) {
      const doc =
        results.length === 1 && !opts.all && opts.stack
          ? results[0].evidence
          : results.map((r) => r.evidence);
      process.stdout.write(opts.stack ? renderJson(doc as Evidence) : `${JSON.stringify(doc, null, 2)}\n`);
    } else {
      process.stdout.write(results.map((r) => renderSummary(r, Boolean(opts.quiet))).join("\n"));
    }
    return worstExitCode(results.map((r) => r.evidence.verdict));
  } catch (err) {
    if (
      err instanceof UsageError ||
      err instanceof PolicyConfigError ||
      err instanceof StackConfigError ||
      err instanceof OutPathError
    ) {
      process.stderr.write(`error: ${err.message.split("\n").join("\nerror: ")}\n`);
      return EXIT_CODES.usage;
    }
    if (err instanceof ProgramError) {
      const lines = [`the program failed: ${err.message}`];
      for (const f of err.frames.slice(0, 8)) lines.push(`    at ${f}`);
      if (err.frames.length === 0)
        lines.push("(no location in your program's files: the error was raised in a library)");
      lines.push("Nothing was written.");
      process.stderr.write(`error: ${lines.join("\n").split("\n").join("\nerror: ")}\n`);
      return EXIT_CODES.internal;
    }
    const fsError = fsErrorMessage(err);
    if (fsError) {
      process.stderr.write(`error: ${fsError}\n`);
      return EXIT_CODES.usage;
    }
    process.stderr.write(`error: ${(err as Error)?.stack ?? String(err)}\nNothing was written.\n`);
    return EXIT_CODES.internal;
  } finally {
    if (pack) await pack.close();
  }
}

/** Several stacks: fail before incomplete before not-applicable before pass. */
export function worstExitCode(verdicts: Verdict[]): number {
  for (const v of ["fail", "incomplete", "not-applicable"] as const) {
    if (verdicts.includes(v)) return exitCodeOf(v);
  }
  return EXIT_CODES.pass;
}

export function buildCli(): Command {
  return new Command("check")
    .description(
      "Offline HIPAA policy check of a Pulumi Node.js program (TypeScript or JavaScript), run the way\n" +
        '"pulumi preview" runs it: from the Pulumi.yaml in --cwd (or a directory above), with the config of\n' +
        "Pulumi.<stack>.yaml over the project's config defaults, under Pulumi's mocks (preview mode) on the\n" +
        "program's own @pulumi/pulumi. Every resource and the whole stack go through the real phi-channels-hipaa\n" +
        "pack over the analyzer protocol; the violations are printed by HIPAA control and the evidence is written\n" +
        "(evidence.json, evidence.md, evidence.sarif,\n" +
        "evidence.intoto.json, SHA256SUMS). No cloud credentials or Pulumi CLI needed.\n\n" +
        "Data sources (getAmi, getVpc, getSubnets, ssm.getParameter, iam.getPolicyDocument, ...) get plausible\n" +
        "answers; every other one gets the fields its SDK declares. Give your own with --mocks FILE, a JS/TS\n" +
        "module exporting `calls` (by invoke token) and/or `resources` (by resource type), e.g.\n" +
        '  export const calls = { "aws:ec2/getAmi:getAmi": { id: "ami-0123456789abcdef0" } };\n' +
        '  export const resources = { "aws:ec2/instance:Instance": (args) => ({ state: { publicIp: "203.0.113.7" } }) };\n' +
        'Fields you give win over the built-in answer. Stack references: answer type "pulumi:pulumi:StackReference"\n' +
        "with { state: { outputs: { ... } } }.\n\n" +
        "Remote (multi-language) components, such as awsx 3's, create their resources in a plugin, not under\n" +
        "mocks: they are listed as not analysed and the result is incomplete; check them with\n" +
        '"pulumi preview --policy-pack node_modules/phi-channels/policies". Programs in other languages: run\n' +
        '"pulumi preview --policy-pack ... --event-log events.ndjson", then "phi-channels evidence".\n\n' +
        `${EXIT_CODES_HELP}\nWith --all the worst verdict wins (fail, incomplete, not applicable, pass).`,
    )
    .addOption(
      new Option(
        "--cwd <dir>",
        "the Pulumi program's directory, like pulumi -C (default: the current directory; Pulumi.yaml is looked up from there)",
      ),
    )
    .addOption(
      new Option("--stack <name>", "check one stack (Pulumi.<name>.yaml in the project's stackConfigDir)"),
    )
    .addOption(
      new Option("--all", "check every Pulumi.<stack>.yaml found (the default when --stack is not given)"),
    )
    .addOption(
      new Option(
        "--policy-config <file>",
        "policy config JSON (CLI --policy-pack-config format); single stack only. Default: <project>/policies/config/<stack>.json if it exists",
      ),
    )
    .addOption(
      new Option(
        "--out <dir>",
        "evidence directory (default <project>/reports/<stack>/); with --all, evidence goes to <dir>/<stack>/. It must " +
          "be new, empty, or a previous evidence bundle (replaced whole); anything else is refused (exit 2)",
      ),
    )
    .addOption(
      new Option("--json", "print the evidence JSON on stdout instead of the summary (an array with --all)"),
    )
    .addOption(new Option("--quiet", "print only violations and the verdict"))
    .addOption(
      new Option("--mocks <file>", "JS/TS module with your own invoke and resource answers (see above)"),
    )
    .addOption(
      new Option("--pack <dir>", "policy pack directory (default: the pack shipped with phi-channels)"),
    )
    .addOption(new Option("--stacks-dir <dir>", "removed: use --cwd").hideHelp())
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
}

async function main(argv: string[]): Promise<number> {
  const cli = buildCli();
  const stop = parseOrExitCode(cli, argv, "use --stack <name>");
  if (stop !== undefined) return stop;
  return runCheck(cli.opts<CheckOptions>());
}

if (require.main === module) {
  // Exit through process.exit so the exit hooks kill the pack and program workers.
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));
  void main(process.argv).then((code) => {
    // Let stdout drain before exiting (piped output is asynchronous).
    process.stdout.write("", () => process.exit(code));
  });
}
