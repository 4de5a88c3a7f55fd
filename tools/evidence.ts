/**
 * `npm run evidence -- --event-log <file> [--out <dir>] [--operation preview|update]`
 *
 * Converts the event log of a real `pulumi preview|up --event-log <file>` into the evidence files
 * (evidence.json, evidence.md, evidence.sarif, SHA256SUMS). `pulumi preview --json` has no policy events;
 * the event log does. Exit 0 = no mandatory violation, 1 = mandatory violations, 2 = usage, input or
 * write error (nothing written).
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { Command, Option } from "commander";
import { parseOrExitCode } from "./lib/cli";
import YAML from "yaml";
import {
  buildEvidence,
  type Evidence,
  EventLogError,
  HIPAA_PACK,
  loadOurPack,
  parseEventLog,
  type PolicyRun,
  writeEvidence,
} from "./evidence/index";

export * from "./evidence/index";

class UsageError extends Error {}

const progress = (quiet: boolean, text: string) => {
  if (!quiet) process.stderr.write(`evidence: ${text}\n`);
};

function readJsonObject(file: string, flag: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(
      `${flag} ${file}: cannot read it (${(e as NodeJS.ErrnoException).code}); pass an existing JSON file`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${flag} ${file}: not valid JSON (${(e as Error).message}); fix the file`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new UsageError(`${flag} ${file}: expected a JSON object of policy name → level or settings`);
  }
  return value as Record<string, unknown>;
}

/** The stack program, from Pulumi.yaml's `main` (a directory means its index.ts); else Pulumi.yaml. */
function programFile(cwd: string): string {
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

function rootVersion(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require("../package.json") as { version: string }).version;
}

export function summary(evidence: Evidence, files: string[]): string {
  const m = evidence.metadata;
  const t = evidence.totals;
  const lines = [
    `${m.project}/${m.stack} ${m.operation} (${m.source}): ${evidence.verdict.toUpperCase()}: ` +
      `${t.mandatoryViolations} mandatory, ${t.advisoryViolations} advisory, ${t.undecidedAtPreview} not decidable at preview, ` +
      `${t.passed} passed over ${t.resources} resources`,
  ];
  for (const c of evidence.controls) {
    lines.push(
      `  ${c.reference} ${c.specification}: ${c.resourcesChecked} checked, ${c.passed} passed, ${c.failed} failed, ` +
        `${c.notApplicable} not applicable, ${c.undecidedAtPreview} not decidable at preview`,
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
  lines.push(`Wrote ${files.join(", ")}`);
  return lines.join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const program = new Command()
    .name("npm run evidence --")
    .description(
      "Convert the event log of `pulumi preview|up --event-log <file>` into evidence: evidence.json, evidence.md, " +
        "evidence.sarif and SHA256SUMS.\nExit codes: 0 no mandatory violation, 1 mandatory violations, 2 usage or input error.",
    )
    .requiredOption(
      "--event-log <file>",
      "NDJSON event log written by `pulumi preview|up --event-log <file>`",
    )
    .option("--out <dir>", "evidence directory (replaced atomically)", undefined)
    .addOption(
      new Option("--operation <operation>", "preview or update (default: read from the log)").choices([
        "preview",
        "update",
      ]),
    )
    .option(
      "--policy-config <file>",
      `policy config given to the pack (--policy-pack-config); recorded for ${HIPAA_PACK}`,
    )
    .option(
      "--program <file>",
      "stack program file results are located at in SARIF (default: from Pulumi.yaml)",
    )
    .option("--git-commit <sha>", "commit the run was made from (default: git rev-parse HEAD)")
    .option("--quiet", "print only errors")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  const stop = parseOrExitCode(program, argv, "options only, e.g. --event-log events.ndjson", "user");
  if (stop !== undefined) return stop;
  const opts = program.opts<{
    eventLog: string;
    out?: string;
    operation?: "preview" | "update";
    policyConfig?: string;
    program?: string;
    gitCommit?: string;
    quiet?: boolean;
  }>();
  const quiet = opts.quiet === true;
  try {
    if (opts.gitCommit !== undefined && !/^[0-9a-f]{7,64}$/.test(opts.gitCommit)) {
      throw new UsageError(
        `--git-commit "${opts.gitCommit}" is not a hexadecimal commit id; pass e.g. $GITHUB_SHA`,
      );
    }
    progress(quiet, `reading ${opts.eventLog}`);
    if (!existsSync(opts.eventLog) || !statSync(opts.eventLog).isFile()) {
      throw new UsageError(
        `--event-log ${opts.eventLog}: no such file; pass the file written by \`pulumi preview --event-log <file>\``,
      );
    }
    const text = readFileSync(opts.eventLog, "utf8");
    const policyConfig: PolicyRun["policyConfig"] = opts.policyConfig
      ? { [HIPAA_PACK]: readJsonObject(opts.policyConfig, "--policy-config") }
      : {};
    let run: PolicyRun = parseEventLog(text, {
      operation: opts.operation,
      policyConfig,
      gitCommit: opts.gitCommit ?? gitCommit(),
      programFile: opts.program ?? programFile(process.cwd()),
      toolVersions: { "phi-channels": rootVersion(), node: process.version },
    });
    progress(quiet, `parsed ${run.resources.length} resources, ${run.diagnostics.length} policy findings`);
    if (run.packs.some((p) => p.name === HIPAA_PACK)) {
      progress(quiet, `loading ${HIPAA_PACK} policy metadata`);
      const ours = loadOurPack();
      // Re-parse with our metadata so our findings are mapped to HIPAA.
      run = parseEventLog(text, {
        operation: opts.operation,
        policyConfig,
        knownPacks: [ours],
        gitCommit: run.gitCommit,
        programFile: run.programFile,
        toolVersions: run.toolVersions,
      });
    }
    const evidence = buildEvidence(run);
    const out = opts.out ?? join("reports", evidence.metadata.stack);
    progress(quiet, `writing ${out}`);
    const files = await writeEvidence(out, evidence);
    if (!quiet) process.stdout.write(`${summary(evidence, files)}\n`);
    return evidence.verdict === "fail" ? 1 : 0;
  } catch (e) {
    if (e instanceof UsageError || e instanceof EventLogError) {
      process.stderr.write(`evidence: error: ${e.message}\nNothing was written.\n`);
      return 2;
    }
    process.stderr.write(`evidence: error: ${(e as Error).message}\nNothing was written.\n`);
    return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`evidence: ${(e as Error).stack ?? e}\n`);
      process.exit(2);
    },
  );
}
