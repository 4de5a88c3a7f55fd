/**
 * `npm run evidence -- --event-log <file> [--out <dir>] [--operation preview|update]`
 *
 * Converts the event log of a real `pulumi preview|up --event-log <file>`, or the output of
 * `pulumi policy analyze --json` (detected, or named with --policy-analyze), into the evidence files
 * (evidence.json, evidence.md, evidence.sarif, evidence.intoto.json, SHA256SUMS). `pulumi preview --json`
 * has no policy events; the event log does. Exit codes: EXIT_CODES in evidence/model.ts (0 pass, 1 fail,
 * 2 usage/input error, 3 internal error, 4 incomplete, 5 not applicable); nothing is written on 2 or 3.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { Command, Option } from "commander";
import { parseOrExitCode } from "./lib/cli";
import { packageVersion } from "./lib/package-root";
import YAML from "yaml";
import { OutPathError, checkOutDir, fsErrorMessage } from "./lib/out-dir";
import { PolicyConfigError, flattenPolicyConfig, loadPolicyConfig } from "./lib/policy-config";
import {
  buildEvidence,
  BUNDLE_LAYOUT,
  type Evidence,
  EventLogError,
  EXIT_CODES,
  EXIT_CODES_HELP,
  exitCodeOf,
  HIPAA_PACK,
  loadOurPack,
  loadOurPolicyMetadata,
  notAnalysedLabel,
  parseEventLog,
  type PolicyRun,
  writeEvidence,
} from "./evidence/index";
import { headline } from "./evidence/summary";
import { engineEvents } from "./evidence/event-log";
import { engineEventsKind, parsePolicyAnalyze, PolicyAnalyzeError } from "./evidence/policy-analyze";

export * from "./evidence/index";

class UsageError extends Error {}

const progress = (quiet: boolean, text: string) => {
  if (!quiet) process.stderr.write(`evidence: ${text}\n`);
};

/** The stack program, from Pulumi.yaml's `main` (a directory means its index.ts); else Pulumi.yaml. */
export function programFile(cwd: string): string {
  try {
    const project = YAML.parse(readFileSync(join(cwd, "Pulumi.yaml"), "utf8")) as { main?: unknown };
    if (typeof project?.main === "string") {
      const main = project.main.replace(/^\.\//, "");
      const candidate = main.endsWith("/") || !/\.[cm]?[jt]s$/.test(main) ? join(main, "index.ts") : main;
      if (existsSync(join(cwd, candidate))) return candidate.split("\\").join("/");
    }
  } catch {
    // No or unreadable Pulumi.yaml: fall through to the project file itself.
  }
  return "Pulumi.yaml";
}

function gitCommit(): string | undefined {
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

export function summary(evidence: Evidence, files: string[]): string {
  const m = evidence.metadata;
  const lines = [`${m.project}/${m.stack} ${m.operation} (${m.source}): ${headline(evidence)}`];
  for (const c of evidence.controls) {
    lines.push(
      `  ${c.reference} ${c.specification}: ${c.resourcesChecked} checked, ${c.passed} passed, ` +
        `${c.failedMandatory} failed mandatory, ${c.failedAdvisory} failed advisory, ` +
        `${c.undecidedAtPreview} not decidable at preview, ${c.notApplicable} not applicable`,
    );
  }
  for (const r of evidence.resources) {
    for (const x of r.results) {
      if (x.status !== "failed") continue;
      lines.push(
        `  ${(x.enforcementLevel ?? "mandatory").toUpperCase()} ${x.policyPack}/${x.policy} ` +
          `${x.hipaa ? `[${x.hipaa.reference}] ` : ""}on ${r.name} (${r.type}): ${(x.message ?? "").split("\n").join("; ")}`,
      );
    }
  }
  for (const n of evidence.notAnalysed) {
    lines.push(`  ${notAnalysedLabel(m.source).toUpperCase()} ${n.type} "${n.name}": ${n.reason}`);
  }
  lines.push(`Wrote ${files.join(", ")}`);
  return lines.join("\n");
}

/** Builds the `evidence` command (also mounted as a subcommand of the phi-channels CLI). */
export function buildCli(): Command {
  return new Command("evidence")
    .description(
      "Convert the event log of `pulumi preview|up --event-log <file>` into evidence: evidence.json, evidence.md, " +
        "evidence.sarif, evidence.intoto.json and SHA256SUMS.\n" +
        "Refuses a log without results from phi-channels-hipaa (preview run without --policy-pack) and a log\n" +
        "without a summaryEvent (run cut short). Needs Pulumi CLI v3.197.0 or later.\n" +
        "Also reads the output of `pulumi policy analyze --json` (Pulumi CLI v3.229.0 or later), recognised\n" +
        "by its events or named with --policy-analyze: it records violations only, so its bundle fails or is\n" +
        "incomplete, never a pass (what it cannot carry is listed in the evidence; docs/review.md).\n" +
        EXIT_CODES_HELP,
    )
    .option(
      "--event-log <file>",
      "NDJSON event log written by `pulumi preview|up --event-log <file>` (or `pulumi policy analyze --json` output)",
    )
    .option("--policy-analyze <file>", "the output of `pulumi policy analyze --json` (NDJSON engine events)")
    .option(
      "--project <name>",
      "project, for `pulumi policy analyze` output that names no resource (no violation)",
    )
    .option(
      "--stack <name>",
      "stack, for `pulumi policy analyze` output that names no resource (no violation)",
    )
    .option(
      "--out <dir>",
      "evidence directory (default reports/<stack>): must be new, empty, or a previous evidence bundle; replaced whole",
      undefined,
    )
    .addOption(
      new Option("--operation <operation>", "preview or update (default: read from the log)").choices([
        "preview",
        "update",
      ]),
    )
    .option(
      "--policy-config <file>",
      `policy config given to the pack (--policy-pack-config); validated as \`check\` validates it and recorded for ${HIPAA_PACK}`,
    )
    .option(
      "--program <file>",
      "stack program file results are located at in SARIF (default: from Pulumi.yaml)",
    )
    .option("--git-commit <sha>", "commit the run was made from (default: git rev-parse HEAD)")
    .option("--quiet", "print only errors")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
}

export interface EvidenceOptions {
  eventLog?: string;
  policyAnalyze?: string;
  project?: string;
  stack?: string;
  out?: string;
  operation?: "preview" | "update";
  policyConfig?: string;
  program?: string;
  gitCommit?: string;
  quiet?: boolean;
}

/** Parses argv (user arguments, no node/script) and runs; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildCli().name("npm run evidence --");
  const stop = parseOrExitCode(program, argv, "options only, e.g. --event-log events.ndjson", "user");
  if (stop !== undefined) return stop;
  return runEvidence(program.opts<EvidenceOptions>());
}

/**
 * A whole-file JSON document is not an engine event stream: say what it is instead of "line 1: not JSON".
 * Never quotes the content (a stack export holds secrets).
 */
function refuseJsonDocument(text: string, flag: string, file: string): void {
  if (!/^\s*\{\s*(\n|$)/.test(text)) return;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return;
  }
  const o = (doc ?? {}) as Record<string, unknown>;
  const what =
    "deployment" in o && "version" in o
      ? "a stack export (`pulumi stack export`); review it with `phi-channels review --state " + file + "`"
      : "metadata" in o && "verdict" in o
        ? "a phi-channels evidence.json, already evidence"
        : "steps" in o || "changeSummary" in o
          ? "the output of `pulumi preview --json`, which has no policy events; run `pulumi preview --policy-pack <pack> --event-log <file>` instead"
          : "one JSON document, not NDJSON engine events";
  throw new UsageError(
    `${flag} ${file}: ${what}. Neither a preview/update event log nor \`pulumi policy analyze --json\` output; ` +
      "pass the file written by `pulumi preview --event-log <file>` or `pulumi policy analyze --json > <file>`",
  );
}

/** Converts one event log (or `pulumi policy analyze --json` output) into an evidence bundle; returns the exit code. */
export async function runEvidence(opts: EvidenceOptions): Promise<number> {
  const quiet = opts.quiet === true;
  const write = async (run: PolicyRun) => {
    const evidence = buildEvidence(run);
    const out = opts.out ?? join("reports", evidence.metadata.stack);
    progress(quiet, `writing ${out}`);
    const files = await writeEvidence(out, evidence);
    if (!quiet) process.stdout.write(`${summary(evidence, files)}\n`);
    return exitCodeOf(evidence.verdict);
  };
  try {
    if (opts.gitCommit !== undefined && !/^[0-9a-f]{7,64}$/.test(opts.gitCommit)) {
      throw new UsageError(
        `--git-commit "${opts.gitCommit}" is not a hexadecimal commit id; pass e.g. $GITHUB_SHA`,
      );
    }
    if ((opts.eventLog === undefined) === (opts.policyAnalyze === undefined)) {
      throw new UsageError(
        opts.eventLog === undefined
          ? "no input: pass --event-log <file> (written by `pulumi preview|up --event-log <file>`) or --policy-analyze <file> " +
              "(the output of `pulumi policy analyze --json`)"
          : "--event-log and --policy-analyze were both given; pass one input",
      );
    }
    const flag = opts.eventLog !== undefined ? "--event-log" : "--policy-analyze";
    const file = (opts.eventLog ?? opts.policyAnalyze)!;
    // Refuse an unsafe --out before reading anything, so a mistake costs nothing.
    if (opts.out !== undefined) checkOutDir(opts.out, BUNDLE_LAYOUT);
    progress(quiet, `reading ${file}`);
    const st = statSync(file, { throwIfNoEntry: false });
    if (!st) {
      throw new UsageError(
        `${flag} ${file}: no such file; pass the file written by \`pulumi preview --event-log <file>\``,
      );
    }
    if (!st.isFile()) {
      throw new UsageError(
        `${flag} ${file}: is a ${st.isDirectory() ? "directory" : "special file"}, not a file; ` +
          `pass the file written by \`pulumi preview --event-log <file>\``,
      );
    }
    const text = readFileSync(file, "utf8");
    refuseJsonDocument(text, flag, file);
    const kind = engineEventsKind(engineEvents(text).map((e) => e.event));
    if (opts.policyAnalyze !== undefined && kind !== "policy-analyze") {
      throw new UsageError(
        kind === "event-log"
          ? `--policy-analyze ${file}: this is the event log of a preview or update (it has prelude or resource events), ` +
              "not `pulumi policy analyze --json` output; pass it with --event-log"
          : `--policy-analyze ${file}: not the output of \`pulumi policy analyze --json\`, which holds policy events and ends ` +
              "with a summaryEvent; run `pulumi policy analyze --policy-pack <pack> --json > analyze.ndjson` and pass that file",
      );
    }
    const analyze = kind === "policy-analyze";
    if (analyze && opts.operation !== undefined) {
      throw new UsageError(
        `--operation ${opts.operation}: \`pulumi policy analyze\` output has no preview or update; omit it`,
      );
    }
    if (!analyze && (opts.project !== undefined || opts.stack !== undefined)) {
      throw new UsageError(
        "--project and --stack are for `pulumi policy analyze` output; an event log names its stack. Omit them",
      );
    }
    if (opts.policyConfig !== undefined && !existsSync(opts.policyConfig)) {
      throw new PolicyConfigError([
        `--policy-config = "${opts.policyConfig}": file not found. Fix: pass the file given to --policy-pack-config, or omit it.`,
      ]);
    }
    if (opts.policyConfig !== undefined) {
      progress(quiet, `validating ${opts.policyConfig} against the ${HIPAA_PACK} policies`);
    }
    // Validated exactly as `check` validates it; without a file, the pack's defaults (what the pack ran with).
    const loaded = loadPolicyConfig(opts.policyConfig, loadOurPolicyMetadata());
    const policyConfig: PolicyRun["policyConfig"] = { [HIPAA_PACK]: flattenPolicyConfig(loaded.effective) };
    if (analyze) {
      progress(quiet, `${file}: the output of \`pulumi policy analyze --json\``);
      const run = parsePolicyAnalyze(text, {
        knownPacks: [loadOurPack()],
        policyConfig,
        gitCommit: opts.gitCommit ?? gitCommit(),
        programFile: opts.program ?? programFile(process.cwd()),
        toolVersions: {
          "phi-channels": packageVersion(),
          node: process.version,
          "pulumi policy analyze": "--json output",
        },
        project: opts.project,
        stack: opts.stack,
      });
      if (!run.packs.some((p) => p.name === HIPAA_PACK)) {
        throw new UsageError(
          `--policy-analyze ${file}: holds no results from ${HIPAA_PACK} (its summaryEvent lists the packs ` +
            `${run.packs.map((p) => p.name).join(", ") || "(none)"}). Run \`pulumi policy analyze --policy-pack <dir of ${HIPAA_PACK}> --json\` and pass its output.`,
        );
      }
      return await write(run);
    }
    let run: PolicyRun = parseEventLog(text, {
      operation: opts.operation,
      policyConfig,
      gitCommit: opts.gitCommit ?? gitCommit(),
      programFile: opts.program ?? programFile(process.cwd()),
      toolVersions: { "phi-channels": packageVersion(), node: process.version },
    });
    progress(quiet, `parsed ${run.resources.length} resources, ${run.diagnostics.length} policy findings`);
    const ours =
      run.diagnostics.some((d) => d.policyPackName === HIPAA_PACK) ||
      run.outcomes.some((o) => o.policyPackName === HIPAA_PACK);
    if (!ours) {
      throw new UsageError(
        `--event-log ${file}: holds no results from ${HIPAA_PACK} (no policy event and no ` +
          `policyAnalyzeSummaryEvent for it). Was the preview run with --policy-pack? Run ` +
          `\`pulumi preview --policy-pack <dir of ${HIPAA_PACK}> --event-log <file>\` (Pulumi CLI v3.197.0 or later) and pass that log.`,
      );
    }
    progress(quiet, `loading ${HIPAA_PACK} policy metadata`);
    // Re-parse with our metadata so our findings are mapped to HIPAA.
    run = parseEventLog(text, {
      operation: opts.operation,
      policyConfig,
      knownPacks: [loadOurPack()],
      gitCommit: run.gitCommit,
      programFile: run.programFile,
      toolVersions: run.toolVersions,
    });
    return await write(run);
  } catch (e) {
    if (
      e instanceof UsageError ||
      e instanceof EventLogError ||
      e instanceof PolicyAnalyzeError ||
      e instanceof PolicyConfigError ||
      e instanceof OutPathError
    ) {
      process.stderr.write(
        `evidence: error: ${e.message.split("\n").join("\nevidence: error: ")}\nNothing was written.\n`,
      );
      return EXIT_CODES.usage;
    }
    const err = e as NodeJS.ErrnoException;
    const fsError = fsErrorMessage(e);
    if (fsError) {
      process.stderr.write(`evidence: error: ${fsError}\nNothing was written.\n`);
      return EXIT_CODES.usage;
    }
    process.stderr.write(
      `evidence: internal error: ${err?.stack ?? String(e)}\nNothing was written. Please report this.\n`,
    );
    return EXIT_CODES.internal;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`evidence: internal error: ${(e as Error).stack ?? e}\n`);
      process.exit(EXIT_CODES.internal);
    },
  );
}
