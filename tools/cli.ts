#!/usr/bin/env node
/**
 * The `phi-channels` command: one bin for the subcommands, each of which keeps its own `--help`, options
 * and exit codes. `npm run check` / `npm run evidence` / `npm run review` in this repository run this same
 * file, compiled.
 */
import { buildCli as buildCheckCli, runCheck } from "./check";
import { main as runEvidence } from "./evidence";
import { parseOrExitCode } from "./lib/cli";
import { packageVersion } from "./lib/package-root";
import { main as runReview } from "./review";

interface Subcommand {
  summary: string;
  run(argv: string[]): Promise<number>;
}

const SUBCOMMANDS: Record<string, Subcommand> = {
  check: {
    summary: "run a Pulumi Node.js program under mocks, offline, against the phi-channels-hipaa pack",
    async run(argv) {
      const cli = buildCheckCli();
      const stop = parseOrExitCode(cli, argv, "see phi-channels check --help", "user");
      return stop ?? runCheck(cli.opts());
    },
  },
  evidence: {
    summary:
      "turn a `pulumi preview|up --event-log` file or `pulumi policy analyze --json` output into evidence (JSON, Markdown, SARIF, checksums)",
    async run(argv) {
      return runEvidence(argv);
    },
  },
  review: {
    summary:
      "review a deployed stack's `pulumi stack export` against the pack (actual state, drift) and write evidence",
    async run(argv) {
      return runReview(argv);
    },
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(SUBCOMMANDS).map((n) => n.length));
  return [
    "Usage: phi-channels <command> [options]",
    "",
    "HIPAA §164.312 technical safeguards for PHI channels on Pulumi: policy checks and auditor evidence.",
    "",
    "Commands:",
    ...Object.entries(SUBCOMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    "",
    "Options:",
    "  -V, --version  print the phi-channels version",
    "  -h, --help     print this help; `phi-channels <command> --help` for a command's options",
    "",
  ].join("\n");
}

export async function runCli(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "-h" || name === "--help" || name === "help") {
    if (name === "help" && rest[0] && SUBCOMMANDS[rest[0]]) return SUBCOMMANDS[rest[0]].run(["--help"]);
    (name === undefined ? process.stderr : process.stdout).write(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === "-V" || name === "--version") {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  const sub = SUBCOMMANDS[name];
  if (!sub) {
    process.stderr.write(
      `error: unknown command "${name}". Fix: use one of ${Object.keys(SUBCOMMANDS).join(", ")}; ` +
        `run phi-channels --help for usage.\n`,
    );
    return 2;
  }
  return sub.run(rest);
}

if (require.main === module) {
  // Exit through process.exit so the exit hooks stop the pack and program workers.
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));
  runCli(process.argv.slice(2)).then(
    (code) => process.stdout.write("", () => process.exit(code)),
    (err: unknown) => {
      process.stderr.write(`phi-channels: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
      process.exit(3);
    },
  );
}
