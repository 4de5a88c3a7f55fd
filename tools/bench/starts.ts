/**
 * a. Pack start: spawn of the CLI runner → port line, for each pack, interleaved (ABBA) after one untimed
 * warm-up each; medians and the median of back-to-back real/floor ratios (and awsguard/floor, real/awsguard).
 * The awsguard pack is optional: if its warm-up start fails it is left out, with the reason.
 */
import { log } from "./log";
import { timeStart } from "./packs";
import { median, pairedRatio, round } from "./stats";

export interface StartResult {
  warmup: Record<string, number>;
  samples: Record<string, number[]>;
  medians: Record<string, number>;
  /** Median of real/floor ratios of back-to-back pairs. */
  pairedRatio: number;
  /** With awsguard: medians of awsguard/floor and real/awsguard ratios of the same rounds. */
  awsguardPairedRatio?: number;
  realOverAwsguardPairedRatio?: number;
  awsguardError?: string;
  sourceError?: string;
}

export async function measureStarts(
  packs: { real: string; floor: string; source?: string; awsguard?: string },
  starts: number,
): Promise<StartResult> {
  let names = Object.keys(packs).filter((k) => packs[k as keyof typeof packs]) as (keyof typeof packs)[];
  const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const warmup: Record<string, number> = {};
  log(
    `pack start: one untimed warm-up each (file cache), then ${starts} interleaved starts of ${names.join(", ")}`,
  );
  let awsguardError: string | undefined;
  for (const n of names) {
    try {
      warmup[n] = round(await timeStart(packs[n]!), 1);
    } catch (e) {
      if (n !== "awsguard") throw e;
      awsguardError = (e as Error).message.split("\n")[0];
      log(`pack start: awsguard left out: ${awsguardError}`);
    }
  }
  if (awsguardError) {
    names = names.filter((n) => n !== "awsguard");
    delete samples.awsguard;
  }
  for (let i = 0; i < starts; i++) {
    // ABBA: each pack goes first equally often, so a load trend does not favour either.
    const order = i % 2 === 0 ? names : [...names].reverse();
    for (const n of order) samples[n].push(round(await timeStart(packs[n]!), 1));
    log(`  start ${i + 1}/${starts}: ${names.map((n) => `${n} ${samples[n][i]} ms`).join(", ")}`);
  }
  const medians = Object.fromEntries(names.map((n) => [n, round(median(samples[n]), 1)]));
  const result: StartResult = {
    warmup,
    samples,
    medians,
    pairedRatio: round(pairedRatio(samples.real, samples.floor), 3),
  };
  if (samples.awsguard) {
    result.awsguardPairedRatio = round(pairedRatio(samples.awsguard, samples.floor), 3);
    result.realOverAwsguardPairedRatio = round(pairedRatio(samples.real, samples.awsguard), 3);
  }
  if (awsguardError) result.awsguardError = awsguardError;
  return result;
}
