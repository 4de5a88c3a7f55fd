/**
 * `npm run bench`: measures what the policy pack costs every `pulumi preview`, as ratios against a floor
 * measured in the same run (never absolute thresholds: the machine is shared and noisy).
 *
 *   a. pack start: spawn of the CLI runner → port line, real pack vs a one-policy plain-JS floor pack,
 *      interleaved (ABBA), median of >= 5 starts each; optionally the "before" (TypeScript sources);
 *   b. throughput: N mixed resources sent one by one over Analyze to both packs (chunks interleaved,
 *      median of per-chunk ratios), plus AnalyzeStack of the whole set; the peer pack @pulumi/awsguard 0.3.1
 *      (installed on demand into a cache dir, every policy mandatory) is measured beside them (issue 12 §5);
 *   c. offline check: wall time of `npm run check -- --stack prod`; c'. the check of the prod stack against
 *      the same program under mocks alone; c''. the same for a generated N-resource program (paired ratios);
 *   d. test suite: wall time of `npm test` (--suite), or the last recorded one.
 *
 * Prints a table on stdout, progress on stderr, and writes every raw sample to reports/bench.json
 * (atomically). Exit 0 when measured (targets missed or not), 1 when the real pack could not be measured,
 * 2 on usage errors.
 *
 * This file is the CLI; the rest is in tools/bench/: run.ts (the run and its report), starts.ts (a),
 * throughput.ts (b), commands.ts (c, d), check-overhead.ts (c′, c″), render.ts (the table), packs.ts,
 * awsguard.ts (the peer pack's cache install), resources.ts, programs.ts and stats.ts.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { parseOrExitCode } from "./lib/cli";
import { OutPathError, checkOutFile } from "./lib/out-dir";
import { AWSGUARD_DIR_ENV, awsguardDirProblem, defaultAwsguardDir } from "./bench/awsguard";
import { REAL_PACK_DIR } from "./bench/packs";
import { type BenchOptions, isBenchReport, runBench } from "./bench/run";

function intOption(field: string, min: number, max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value)) {
      throw new InvalidArgumentError(
        `${field} must be a whole number, got ${JSON.stringify(value)}. Fix: e.g. ${field} ${min}.`,
      );
    }
    const n = Number(value);
    if (n < min || n > max) {
      throw new InvalidArgumentError(
        `${field} must be between ${min} and ${max}, got ${n}. Fix: e.g. ${field} ${min}.`,
      );
    }
    return n;
  };
}

export function buildCli(): Command {
  return new Command("bench")
    .description(
      "Benchmark the phi-channels-hipaa policy pack against a one-policy plain-JavaScript floor pack started the " +
        "same way, in the same run: pack start (median of interleaved starts), Analyze throughput and AnalyzeStack " +
        "over N mixed resources, the offline check, and the test suite. Prints a table of ratios and targets, and " +
        "writes raw samples and medians to --out. Exit codes: 0 measured (whether or not targets are met), " +
        "1 the real pack could not be measured, 2 usage error.",
    )
    .addOption(
      new Option("--starts <n>", "cold starts per pack, interleaved (min 5)")
        .default(5)
        .argParser(intOption("--starts", 5, 200)),
    )
    .addOption(
      new Option("--resources <n>", "resources sent over Analyze (and in the AnalyzeStack)")
        .default(3000)
        .argParser(intOption("--resources", 10, 200_000)),
    )
    .addOption(
      new Option("--program-resources <n>", "resources of the generated program checked for c''")
        .default(1000)
        .argParser(intOption("--program-resources", 10, 100_000)),
    )
    .addOption(
      new Option("--check-reps <n>", "paired runs of check vs mocks alone, per program (c', c'')")
        .default(3)
        .argParser(intOption("--check-reps", 1, 50)),
    )
    .addOption(
      new Option("--seed <n>", "seed of the resource mix")
        .default(1)
        .argParser(intOption("--seed", 0, 2 ** 31)),
    )
    .addOption(
      new Option(
        "--suite",
        "also time `npm test` and record it in reports/test-duration.json (otherwise the last recorded time is reported, with its source)",
      ).default(false),
    )
    .addOption(
      new Option(
        "--source-pack",
        "also time starts of the pack run from its TypeScript sources (the 'before')",
      ).default(false),
    )
    .addOption(
      new Option(
        "--out <file>",
        "JSON report: a new file, or a previous bench report (replaced); anything else is refused (exit 2)",
      ).default(path.join("reports", "bench.json")),
    )
    .addOption(
      new Option("--pack <dir>", "policy pack directory (compiled)").default(
        path.relative(process.cwd(), REAL_PACK_DIR) || ".",
      ),
    )
    .addOption(
      new Option(
        "--no-awsguard",
        "leave out the peer pack @pulumi/awsguard 0.3.1 (otherwise installed on first use, ~250 MB, and measured in a and b beside the floor)",
      ),
    )
    .addOption(
      new Option(
        "--awsguard-dir <dir>",
        "cache directory of the awsguard pack (installed there atomically when missing or incomplete, reused when complete)",
      ).default(
        defaultAwsguardDir(),
        `$${AWSGUARD_DIR_ENV}, else \${XDG_CACHE_HOME:-~/.cache}/phi-channels/bench/awsguard-0.3.1`,
      ),
    )
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
}

async function main(argv: string[]): Promise<number> {
  const cli = buildCli();
  const stop = parseOrExitCode(cli, argv, "options only, e.g. --starts 7");
  if (stop !== undefined) return stop;
  const opts = cli.opts<BenchOptions>();
  const packDir = path.resolve(opts.pack);
  if (!fs.existsSync(path.join(packDir, "PulumiPolicy.yaml"))) {
    process.stderr.write(
      `error: --pack ${JSON.stringify(opts.pack)} has no PulumiPolicy.yaml. Fix: point --pack at a policy pack directory (default policies).\n`,
    );
    return 2;
  }
  if (!opts.out.endsWith(".json") || (fs.existsSync(opts.out) && fs.statSync(opts.out).isDirectory())) {
    process.stderr.write(
      `error: --out ${JSON.stringify(opts.out)} must be a .json file path. Fix: e.g. --out reports/bench.json.\n`,
    );
    return 2;
  }
  const awsguardProblem = opts.awsguard ? awsguardDirProblem(path.resolve(opts.awsguardDir)) : undefined;
  if (awsguardProblem !== undefined) {
    process.stderr.write(
      `error: --awsguard-dir: ${awsguardProblem}. Fix: point --awsguard-dir (or $${AWSGUARD_DIR_ENV}) at a new or empty directory, or pass --no-awsguard.\n`,
    );
    return 2;
  }
  try {
    // Refused before measuring: the report replaces only a previous report of ours.
    checkOutFile(opts.out, isBenchReport);
  } catch (e) {
    if (!(e instanceof OutPathError)) throw e;
    process.stderr.write(`error: ${e.message}\n`);
    return 2;
  }
  return runBench(opts);
}

if (require.main === module) {
  main(process.argv).then(
    (code) => process.stdout.write("", () => process.exit(code)),
    (err: Error) => {
      process.stderr.write(`error: ${err.stack ?? err.message}\n`);
      process.exit(1);
    },
  );
}
