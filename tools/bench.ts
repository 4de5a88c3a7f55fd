/**
 * `npm run bench`: measures what the policy pack costs every `pulumi preview`, as ratios against a floor
 * measured in the same run (never absolute thresholds: the machine is shared and noisy).
 *
 *   a. pack start: spawn of the CLI runner → port line, real pack vs a one-policy plain-JS floor pack,
 *      interleaved (ABBA), median of >= 5 starts each; optionally the "before" (TypeScript sources);
 *   b. throughput: N mixed resources sent one by one over Analyze to both packs (chunks interleaved,
 *      median of per-chunk ratios), plus AnalyzeStack of the whole set;
 *   c. offline check: wall time of `npm run check -- --stack prod`; c'. the check of the prod stack against
 *      the same program under mocks alone; c''. the same for a generated N-resource program (paired ratios);
 *   d. test suite: wall time of `npm test` (--suite), or the last recorded one.
 *
 * Prints a table on stdout, progress on stderr, and writes every raw sample to reports/bench.json
 * (atomically). Exit 0 when measured (targets missed or not), 1 when the real pack could not be measured,
 * 2 on usage errors.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { parseOrExitCode } from "./lib/cli";
import { OutPathError, checkOutFile, writeReportFile } from "./lib/out-dir";
import {
  encodeProperties,
  startPolicyPack,
  type AnalyzerInfo,
  type AnalyzerResourceInput,
  type PolicyPackProcess,
} from "./lib/analyzer-client";
import {
  createFloorPack,
  createSourcePack,
  defaultConfig,
  FLOOR_POLICY_NAME,
  REAL_PACK_DIR,
  realPackProblem,
  removePack,
  REPO_ROOT,
  timeStart,
} from "./bench/packs";
import { generateResources } from "./bench/resources";
import { measureCheckOverhead, type CheckOverhead } from "./bench/check-overhead";
import { GENERATED_STACK, removeGeneratedProgram, writeGeneratedProgram } from "./bench/programs";
import { median, msSince, pairedRatio, round } from "./bench/stats";

export const TARGETS = {
  startRatio: 1.2,
  throughputRatio: 1.2,
  checkMs: 10_000,
  checkOverheadRatio: 1.5,
  generatedCheckOverheadRatio: 2,
  suiteMs: 180_000,
} as const;

export interface BenchOptions {
  starts: number;
  resources: number;
  suite: boolean;
  out: string;
  sourcePack: boolean;
  pack: string;
  seed: number;
  programResources: number;
  checkReps: number;
}

interface Row {
  metric: string;
  ours: string;
  baseline: string;
  ratio: string;
  target: string;
  met: "yes" | "NO" | "n/a";
}

const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

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
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
}

async function openPack(dir: string): Promise<{ pack: PolicyPackProcess; info: AnalyzerInfo }> {
  const pack = await startPolicyPack(dir, { startTimeoutMs: 120_000, callTimeoutMs: 300_000 });
  const info = await pack.getAnalyzerInfo();
  await pack.configure(defaultConfig(info));
  return { pack, info };
}

// ---------------------------------------------------------------------------------------------- a. starts

interface StartResult {
  warmup: Record<string, number>;
  samples: Record<string, number[]>;
  medians: Record<string, number>;
  /** Median of real/floor ratios of back-to-back pairs. */
  pairedRatio: number;
  sourceError?: string;
}

async function measureStarts(
  packs: { real: string; floor: string; source?: string },
  starts: number,
): Promise<StartResult> {
  const names = Object.keys(packs).filter((k) => packs[k as keyof typeof packs]) as (keyof typeof packs)[];
  const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const warmup: Record<string, number> = {};
  log(
    `pack start: one untimed warm-up each (file cache), then ${starts} interleaved starts of ${names.join(", ")}`,
  );
  for (const n of names) warmup[n] = round(await timeStart(packs[n]!), 1);
  for (let i = 0; i < starts; i++) {
    // ABBA: each pack goes first equally often, so a load trend does not favour either.
    const order = i % 2 === 0 ? names : [...names].reverse();
    for (const n of order) samples[n].push(round(await timeStart(packs[n]!), 1));
    log(`  start ${i + 1}/${starts}: ${names.map((n) => `${n} ${samples[n][i]} ms`).join(", ")}`);
  }
  const medians = Object.fromEntries(names.map((n) => [n, round(median(samples[n]), 1)]));
  return { warmup, samples, medians, pairedRatio: round(pairedRatio(samples.real, samples.floor), 3) };
}

// ------------------------------------------------------------------------------------------ b. throughput

type ThroughputPack = "real" | "floor" | "ref";

interface ThroughputResult {
  resources: number;
  chunkSize: number;
  warmupResources: number;
  /** ref: the floor plus as many declining policies as ours has resource policies, less one. */
  refDecliningPolicies: number;
  analyze: {
    chunkMs: Partial<Record<ThroughputPack, number[]>>;
    totalMs: Partial<Record<ThroughputPack, number>>;
    msPerResource: Partial<Record<ThroughputPack, number>>;
    /** Median over chunks of real/floor, each pair measured back to back. */
    pairedRatio: number;
    /** Median over chunks of ref/floor: what the library alone costs for our number of policies. */
    refPairedRatio: number;
    /** Median over chunks of real/ref: what our policy code costs beyond the library. */
    realOverRefPairedRatio: number;
  };
  analyzeStack: {
    samplesMs: { real: number[]; floor: number[] };
    medianMs: { real: number; floor: number };
    msPerResource: { real: number; floor: number };
    pairedRatio: number;
  };
  policies: { real: string[]; floor: string[] };
  /** Diagnostics per policy over the Analyze pass (proves the policies ran). */
  diagnostics: { real: Record<string, number>; floor: Record<string, number>; stack: Record<string, number> };
  /** Resources where the floor's ingress verdict differs from phi-ingress-allowlisted-ports (should be 0). */
  ingressDisagreements: number;
}

async function measureThroughput(
  realDir: string,
  floorDir: string,
  n: number,
  seed: number,
  temp: string[],
): Promise<ThroughputResult> {
  log(`throughput: generating ${n} resources (seed ${seed})`);
  // Encode once, outside the timed loop: the engine's encoding cost is not the pack's.
  const resources: AnalyzerResourceInput[] = generateResources(n, seed).map((r) => ({
    ...r,
    properties: encodeProperties(r.properties as Record<string, unknown>),
  }));
  const opened: Partial<Record<ThroughputPack, { pack: PolicyPackProcess; info: AnalyzerInfo }>> = {};
  try {
    opened.real = await openPack(realDir);
    opened.floor = await openPack(floorDir);
    const resourcePolicies = opened.real.info.policies.filter((p) => p.kind !== "stack").length;
    const declining = Math.max(0, resourcePolicies - 1);
    const refDir = createFloorPack(undefined, declining);
    temp.push(refDir);
    opened.ref = await openPack(refDir);
    const packs = opened as Record<ThroughputPack, { pack: PolicyPackProcess; info: AnalyzerInfo }>;
    const names: ThroughputPack[] = ["real", "floor", "ref"];

    const warm = Math.min(100, n);
    log(
      `throughput: ${warm} untimed warm-up resources per pack (JIT); ref = floor + ${declining} declining policies`,
    );
    for (const r of resources.slice(0, warm)) for (const name of names) await packs[name].pack.analyze(r);

    const chunkSize = Math.max(1, Math.ceil(n / 10));
    const chunkMs: Record<ThroughputPack, number[]> = { real: [], floor: [], ref: [] };
    const diagnostics = {
      real: {} as Record<string, number>,
      floor: {} as Record<string, number>,
      stack: {} as Record<string, number>,
    };
    const ingressVerdict = { real: new Map<string, boolean>(), floor: new Map<string, boolean>() };
    const count = (into: Record<string, number>, name: string) => (into[name] = (into[name] ?? 0) + 1);
    for (let start = 0, c = 0; start < n; start += chunkSize, c++) {
      const chunk = resources.slice(start, start + chunkSize);
      // Rotate the order every chunk so no pack always runs first (or last) in a round.
      const order = names.map((_, i) => names[(i + c) % names.length]);
      for (const which of order) {
        const pack = packs[which].pack;
        const t0 = process.hrtime.bigint();
        for (const r of chunk) {
          const res = await pack.analyze(r);
          if (which === "ref") continue;
          const policy = which === "real" ? "phi-ingress-allowlisted-ports" : FLOOR_POLICY_NAME;
          let violates = false;
          for (const d of res.diagnostics) {
            count(diagnostics[which], d.policyName);
            if (d.policyName === policy && d.enforcementLevel === "mandatory") violates = true;
          }
          ingressVerdict[which].set(r.urn!, violates);
        }
        chunkMs[which].push(round(msSince(t0), 2));
      }
      log(
        `  analyze chunk ${c + 1}: ${names.map((w) => `${w} ${chunkMs[w][c]} ms`).join(", ")} (${chunk.length} resources)`,
      );
    }
    let ingressDisagreements = 0;
    for (const [urn, v] of ingressVerdict.real)
      if (ingressVerdict.floor.get(urn) !== v) ingressDisagreements++;

    const rounds = 3;
    const stackMs = { real: [] as number[], floor: [] as number[] };
    log(`throughput: AnalyzeStack of ${n} resources, ${rounds} interleaved rounds`);
    for (let i = 0; i < rounds; i++) {
      const order = i % 2 === 0 ? (["real", "floor"] as const) : (["floor", "real"] as const);
      for (const which of order) {
        const t0 = process.hrtime.bigint();
        const res = await packs[which].pack.analyzeStack(resources);
        stackMs[which].push(round(msSince(t0), 1));
        if (which === "real" && i === 0)
          for (const d of res.diagnostics) count(diagnostics.stack, d.policyName);
      }
      log(`  analyzeStack ${i + 1}: real ${stackMs.real[i]} ms, floor ${stackMs.floor[i]} ms`);
    }
    const total = (xs: number[]) =>
      round(
        xs.reduce((x, y) => x + y, 0),
        1,
      );
    const totalMs = { real: total(chunkMs.real), floor: total(chunkMs.floor), ref: total(chunkMs.ref) };
    const medianMs = { real: round(median(stackMs.real), 1), floor: round(median(stackMs.floor), 1) };
    return {
      resources: n,
      chunkSize,
      warmupResources: warm,
      refDecliningPolicies: declining,
      analyze: {
        chunkMs,
        totalMs,
        msPerResource: {
          real: round(totalMs.real / n, 4),
          floor: round(totalMs.floor / n, 4),
          ref: round(totalMs.ref / n, 4),
        },
        pairedRatio: round(pairedRatio(chunkMs.real, chunkMs.floor), 3),
        refPairedRatio: round(pairedRatio(chunkMs.ref, chunkMs.floor), 3),
        realOverRefPairedRatio: round(pairedRatio(chunkMs.real, chunkMs.ref), 3),
      },
      analyzeStack: {
        samplesMs: stackMs,
        medianMs,
        msPerResource: { real: round(medianMs.real / n, 4), floor: round(medianMs.floor / n, 4) },
        pairedRatio: round(pairedRatio(stackMs.real, stackMs.floor), 3),
      },
      policies: {
        real: packs.real.info.policies.map((p) => p.name),
        floor: packs.floor.info.policies.map((p) => p.name),
      },
      diagnostics,
      ingressDisagreements,
    };
  } finally {
    await Promise.all(Object.values(opened).map((o) => o.pack.close()));
  }
}

// ------------------------------------------------------------------------------- c, d. spawned commands

interface CommandTiming {
  command: string;
  wallMs: number;
  exitCode: number | null;
  outputTail: string;
}

function timeCommand(command: string, args: string[], timeoutMs: number): Promise<CommandTiming> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(command, args, {
      cwd: REPO_ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      env: process.env,
    });
    let out = "";
    const keep = (d: Buffer) => {
      out = (out + d.toString("utf8")).slice(-4000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({
        command: [command, ...args].join(" "),
        wallMs: round(msSince(t0), 0),
        exitCode: code,
        outputTail: out.trim(),
      });
    });
  });
}

const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

type Availability<T> = ({ available: true } & T) | { available: false; reason: string };

async function measureCheck(): Promise<Availability<CommandTiming>> {
  if (!fs.existsSync(path.join(REPO_ROOT, "tools", "check.ts"))) {
    return { available: false, reason: "tools/check.ts does not exist" };
  }
  log("offline check: npm run check -- --stack prod");
  const t = await timeCommand(NPM, ["run", "--silent", "check", "--", "--stack", "prod"], 300_000);
  // 0 = no mandatory violation, 1 = violations found: both are complete runs. Anything else is not.
  if (t.exitCode !== 0 && t.exitCode !== 1) {
    const last = t.outputTail.split("\n").slice(-3).join(" | ");
    return { available: false, reason: `exit ${t.exitCode ?? "killed"} after ${t.wallMs} ms: ${last}` };
  }
  return { available: true, ...t };
}

const SUITE_RECORD = path.join(REPO_ROOT, "reports", "test-duration.json");
const JEST_RESULTS = path.join(REPO_ROOT, "reports", "jest-results.json");

interface SuiteTiming {
  wallMs: number;
  source: string;
  measuredAt?: string;
  exitCode?: number | null;
  passed?: boolean;
  outputTail?: string;
}

async function measureSuite(run: boolean): Promise<Availability<SuiteTiming>> {
  if (run) {
    log("test suite: npm test (this takes a while)");
    const t = await timeCommand(NPM, ["test", "--", "--ci"], 15 * 60_000);
    const record = {
      command: t.command,
      wallMs: t.wallMs,
      exitCode: t.exitCode,
      measuredAt: new Date().toISOString(),
      // Why a failed run failed (the working tree may be mid-change); the time is still a valid measurement.
      outputTail: t.exitCode === 0 ? undefined : t.outputTail.split("\n").slice(-40).join("\n"),
    };
    writeAtomically(SUITE_RECORD, JSON.stringify(record, null, 2) + "\n");
    return {
      available: true,
      wallMs: t.wallMs,
      exitCode: t.exitCode,
      passed: t.exitCode === 0,
      measuredAt: record.measuredAt,
      outputTail: record.outputTail,
      source: "this run (`npm test -- --ci`, wall time)",
    };
  }
  if (fs.existsSync(SUITE_RECORD)) {
    const r = JSON.parse(fs.readFileSync(SUITE_RECORD, "utf8")) as {
      wallMs: number;
      measuredAt: string;
      exitCode: number | null;
    };
    return {
      available: true,
      wallMs: r.wallMs,
      exitCode: r.exitCode,
      passed: r.exitCode === 0,
      measuredAt: r.measuredAt,
      source: `${path.relative(REPO_ROOT, SUITE_RECORD)} (recorded by \`npm run bench -- --suite\` at ${r.measuredAt}, wall time)`,
    };
  }
  if (fs.existsSync(JEST_RESULTS)) {
    const j = JSON.parse(fs.readFileSync(JEST_RESULTS, "utf8")) as {
      startTime: number;
      success: boolean;
      testResults: { endTime?: number; perfStats?: { end?: number } }[];
    };
    // Jest 30 records each file's end as `endTime`; older versions as `perfStats.end`.
    const end = Math.max(...j.testResults.map((t) => t.endTime ?? t.perfStats?.end ?? j.startTime));
    if (!(end > j.startTime)) {
      return {
        available: false,
        reason: `${path.relative(REPO_ROOT, JEST_RESULTS)} records no test file end times`,
      };
    }
    return {
      available: true,
      wallMs: end - j.startTime,
      passed: j.success,
      measuredAt: new Date(j.startTime).toISOString(),
      source: `${path.relative(REPO_ROOT, JEST_RESULTS)} (jest's own start→last-file-end; excludes npm/jest startup)`,
    };
  }
  return {
    available: false,
    reason:
      "not run (pass --suite) and no recorded time in reports/test-duration.json or reports/jest-results.json",
  };
}

// --------------------------------------------------------------------------------------------- output

/** Names the tool in every report, so `--out` recognises (and may replace) only a report of ours. */
export const BENCH_REPORT_TAG = "phi-channels bench";

/** A previous report of ours: tagged, or (before the tag) with this report's own top-level shape. */
export function isBenchReport(content: string): boolean {
  try {
    const r = JSON.parse(content) as Record<string, unknown>;
    if (r === null || typeof r !== "object") return false;
    if (r.generatedBy === BENCH_REPORT_TAG) return true;
    return r.schemaVersion === 1 && "targets" in r && "realPack" in r && "machine" in r;
  } catch {
    return false;
  }
}

export function writeAtomically(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

function fmtMs(ms: number): string {
  return ms >= 10_000 ? `${round(ms / 1000, 1)} s` : `${round(ms, ms < 10 ? 3 : 0)} ms`;
}

function ratioRow(metric: string, ours: string, baseline: string, ratio: number, target: number): Row {
  return {
    metric,
    ours,
    baseline,
    ratio: `${ratio.toFixed(2)}x`,
    target: `<= ${target}x`,
    met: ratio <= target ? "yes" : "NO",
  };
}

export function renderTable(rows: Row[]): string {
  const header: Row = {
    metric: "metric",
    ours: "ours",
    baseline: "floor/baseline",
    ratio: "ratio",
    target: "target",
    met: "n/a",
  };
  const cells = (r: Row) => [r.metric, r.ours, r.baseline, r.ratio, r.target, r === header ? "met?" : r.met];
  const all = [header, ...rows].map(cells);
  const widths = all[0].map((_, i) => Math.max(...all.map((c) => c[i].length)));
  const line = (c: string[]) =>
    c
      .map((s, i) => s.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  return [line(all[0]), widths.map((w) => "-".repeat(w)).join("  "), ...all.slice(1).map(line)].join("\n");
}

// ----------------------------------------------------------------------------------------------- main

export async function runBench(opts: BenchOptions): Promise<number> {
  const packDir = path.resolve(opts.pack);
  const outFile = path.resolve(opts.out);
  const problem = packDir === REAL_PACK_DIR ? realPackProblem() : {};
  if (problem.fatal) {
    process.stderr.write(`error: cannot measure the real pack: ${problem.fatal}\n`);
    return 1;
  }
  if (problem.warning) log(`warning: ${problem.warning}`);

  const temp: string[] = [];
  const cleanup = () => temp.forEach(removePack);
  const onSignal = (sig: NodeJS.Signals) => {
    cleanup();
    process.stderr.write(`[bench] interrupted (${sig}); temp packs removed, nothing written\n`);
    process.exit(130);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  const rows: Row[] = [];
  const report: Record<string, unknown> = {
    generatedBy: BENCH_REPORT_TAG,
    schemaVersion: 1,
    generatedAt: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      node: process.version,
      platform: `${os.platform()} ${os.arch()}`,
      loadavgAtStart: os.loadavg(),
    },
    options: opts,
    targets: TARGETS,
    realPack: { dir: path.relative(REPO_ROOT, packDir) || ".", staleBuildWarning: problem.warning },
  };
  let realMeasured = false;
  try {
    const floorDir = createFloorPack();
    temp.push(floorDir);
    let sourceDir: string | undefined;
    let sourceError: string | undefined;
    if (opts.sourcePack) {
      try {
        sourceDir = createSourcePack();
        temp.push(sourceDir);
      } catch (e) {
        sourceError = (e as Error).message;
        log(`source pack not available: ${sourceError}`);
      }
    }

    try {
      const start = await measureStarts({ real: packDir, floor: floorDir, source: sourceDir }, opts.starts);
      if (sourceError) start.sourceError = sourceError;
      report.start = start;
      realMeasured = true;
      rows.push(
        ratioRow(
          "a. pack start (spawn -> port)",
          fmtMs(start.medians.real),
          fmtMs(start.medians.floor),
          start.pairedRatio,
          TARGETS.startRatio,
        ),
      );
      if (start.medians.source !== undefined) {
        rows.push({
          metric: "a'. before: pack from TS sources",
          ours: fmtMs(start.medians.source),
          baseline: fmtMs(start.medians.floor),
          ratio: `${(start.medians.source / start.medians.floor).toFixed(2)}x`,
          target: "(reference)",
          met: "n/a",
        });
      }
    } catch (e) {
      report.start = { error: (e as Error).message };
      rows.push(unavailable("a. pack start (spawn -> port)", (e as Error).message));
    }

    try {
      const t = await measureThroughput(packDir, floorDir, opts.resources, opts.seed, temp);
      report.throughput = t;
      realMeasured = true;
      const ms = t.analyze.msPerResource;
      rows.push(
        ratioRow(
          `b. Analyze x${t.resources} (ms/resource)`,
          `${fmtMs(ms.real!)} (${t.policies.real.length} policies)`,
          `${fmtMs(ms.floor!)} (1 policy)`,
          t.analyze.pairedRatio,
          TARGETS.throughputRatio,
        ),
        {
          metric: `b'. floor + ${t.refDecliningPolicies} declining policies`,
          ours: fmtMs(ms.ref!),
          baseline: fmtMs(ms.floor!),
          ratio: `${t.analyze.refPairedRatio.toFixed(2)}x`,
          target: "(reference)",
          met: "n/a",
        },
        {
          metric: "b''. ours vs that reference",
          ours: fmtMs(ms.real!),
          baseline: fmtMs(ms.ref!),
          ratio: `${t.analyze.realOverRefPairedRatio.toFixed(2)}x`,
          target: "(reference)",
          met: "n/a",
        },
        ratioRow(
          `b. AnalyzeStack of ${t.resources}`,
          fmtMs(t.analyzeStack.medianMs.real),
          fmtMs(t.analyzeStack.medianMs.floor),
          t.analyzeStack.pairedRatio,
          TARGETS.throughputRatio,
        ),
      );
    } catch (e) {
      report.throughput = { error: (e as Error).message };
      rows.push(unavailable("b. Analyze throughput", (e as Error).message));
    }
  } finally {
    cleanup();
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
  }

  const check = await measureCheck().catch((e: Error): Availability<CommandTiming> => ({
    available: false,
    reason: e.message,
  }));
  report.check = check;
  rows.push(
    check.available
      ? absoluteRow("c. npm run check -- --stack prod", check.wallMs, TARGETS.checkMs)
      : unavailable("c. npm run check -- --stack prod", check.reason),
  );

  const overheads: CheckOverhead[] = [];
  report.checkOverhead = overheads;
  for (const [label, target, make] of [
    [
      "c'. check prod vs its program under mocks",
      TARGETS.checkOverheadRatio,
      () => ({ cwd: REPO_ROOT, stack: "prod" }),
    ],
    [
      `c''. check of a generated ${opts.programResources}-resource program vs its mock run`,
      TARGETS.generatedCheckOverheadRatio,
      () => ({ cwd: writeGeneratedProgram(opts.programResources), stack: GENERATED_STACK }),
    ],
  ] as const) {
    const { cwd, stack } = make();
    try {
      const o: CheckOverhead = await measureCheckOverhead(cwd, stack, opts.checkReps, log);
      overheads.push(o);
      rows.push(
        ratioRow(
          `${label} (${o.resources} resources)`,
          fmtMs(o.medianCheckMs),
          `${fmtMs(o.medianMocksOnlyMs)} (mocks only)`,
          o.pairedRatio,
          target,
        ),
      );
    } catch (e) {
      rows.push(unavailable(label, (e as Error).message));
    } finally {
      if (cwd !== REPO_ROOT) removeGeneratedProgram(cwd);
    }
  }

  const suite = await measureSuite(opts.suite).catch((e: Error): Availability<SuiteTiming> => ({
    available: false,
    reason: e.message,
  }));
  report.suite = suite;
  rows.push(
    suite.available
      ? {
          ...absoluteRow("d. npm test", suite.wallMs, TARGETS.suiteMs),
          baseline: opts.suite ? "this run" : "recorded",
        }
      : unavailable("d. npm test", suite.reason),
  );

  report.machine = { ...(report.machine as object), loadavgAtEnd: os.loadavg() };
  report.table = rows;
  writeReportFile(outFile, JSON.stringify(report, null, 2) + "\n", isBenchReport);

  const notes: string[] = [];
  if (suite.available)
    notes.push(`d. from ${suite.source}${suite.passed === false ? " — the suite FAILED in that run" : ""}`);
  if (!check.available) notes.push(`c. not available: ${check.reason}`);
  if (problem.warning) notes.push(`warning: ${problem.warning}`);
  const t = report.throughput as ThroughputResult | undefined;
  if (t && "ingressDisagreements" in t && t.ingressDisagreements > 0) {
    notes.push(
      `floor and phi-ingress-allowlisted-ports disagreed on ${t.ingressDisagreements} resource(s) of the mix`,
    );
  }
  process.stdout.write(`\n${renderTable(rows)}\n\n${notes.map((n) => `${n}\n`).join("")}`);
  process.stdout.write(`raw samples and medians: ${path.relative(process.cwd(), outFile)}\n`);
  if (!realMeasured) {
    process.stderr.write("error: the real pack could not be measured (see the table)\n");
    return 1;
  }
  return 0;
}

function absoluteRow(metric: string, ms: number, targetMs: number): Row {
  return {
    metric,
    ours: fmtMs(ms),
    baseline: "-",
    ratio: "-",
    target: `<= ${fmtMs(targetMs)}`,
    met: ms <= targetMs ? "yes" : "NO",
  };
}

function unavailable(metric: string, reason: string): Row {
  const short = reason.split("\n")[0].slice(0, 100);
  return { metric, ours: "not available", baseline: short, ratio: "-", target: "-", met: "n/a" };
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
