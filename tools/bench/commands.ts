/**
 * c, d. Spawned commands: wall time of `npm run check -- --stack prod`, and of `npm test` (--suite) or the
 * last recorded one (reports/test-duration.json, or jest's own timing in reports/jest-results.json).
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { writeFileAtomically } from "../lib/atomic-write";
import { log } from "./log";
import { REPO_ROOT } from "./packs";
import { msSince, round } from "./stats";

export interface CommandTiming {
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

export type Availability<T> = ({ available: true } & T) | { available: false; reason: string };

export async function measureCheck(): Promise<Availability<CommandTiming>> {
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

export interface SuiteTiming {
  wallMs: number;
  source: string;
  measuredAt?: string;
  exitCode?: number | null;
  passed?: boolean;
  outputTail?: string;
}

export async function measureSuite(run: boolean): Promise<Availability<SuiteTiming>> {
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
    writeFileAtomically(SUITE_RECORD, JSON.stringify(record, null, 2) + "\n");
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
