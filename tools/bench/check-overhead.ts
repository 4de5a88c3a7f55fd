/**
 * What `phi-channels check` adds to running a program: the full check (program under mocks, pack start,
 * Analyze/AnalyzeStack, evidence) against the same program run under the same mocks alone, in one
 * process, interleaved, as a median of paired ratios. Both go through runStackProgram's worker, so the
 * difference is the check's own cost.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runCheck } from "../check";
import { resolveProject, runStackProgram } from "../lib/mock-program";
import { median, msSince, pairedRatio, round } from "./stats";

export interface CheckOverhead {
  cwd: string;
  stack: string;
  resources: number;
  checkMs: number[];
  mocksOnlyMs: number[];
  medianCheckMs: number;
  medianMocksOnlyMs: number;
  pairedRatio: number;
}

/** Runs `fn` with the check's summary (stdout) swallowed, so the bench's own table stays readable. */
async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    return await fn();
  } finally {
    process.stdout.write = write;
  }
}

export async function measureCheckOverhead(
  cwd: string,
  stack: string,
  reps: number,
  log: (msg: string) => void,
): Promise<CheckOverhead> {
  const project = resolveProject(cwd);
  const outParent = fs.mkdtempSync(path.join(os.tmpdir(), "phi-bench-check-"));
  const checkMs: number[] = [];
  const mocksOnlyMs: number[] = [];
  let resources = 0;
  try {
    for (let i = 0; i < reps; i++) {
      // Alternate which goes first, so a warming disk cache favours neither.
      const order = i % 2 === 0 ? ["mocks", "check"] : ["check", "mocks"];
      for (const which of order) {
        const t0 = process.hrtime.bigint();
        if (which === "mocks") {
          const captured = await runStackProgram({ project, stack });
          mocksOnlyMs.push(round(msSince(t0), 1));
          resources = captured.resources.length;
        } else {
          const code = await quietly(() =>
            runCheck({ cwd, stack, quiet: true, out: path.join(outParent, `run-${i}`) }),
          );
          checkMs.push(round(msSince(t0), 1));
          if (code !== 0 && code !== 1) throw new Error(`check --cwd ${cwd} --stack ${stack} exited ${code}`);
        }
      }
      log(`check overhead ${project.name}/${stack}: ${i + 1}/${reps}`);
    }
  } finally {
    fs.rmSync(outParent, { recursive: true, force: true });
  }
  return {
    cwd,
    stack,
    resources,
    checkMs,
    mocksOnlyMs,
    medianCheckMs: median(checkMs),
    medianMocksOnlyMs: median(mocksOnlyMs),
    pairedRatio: round(pairedRatio(checkMs, mocksOnlyMs), 3),
  };
}
