/**
 * a. Pack start: spawn of the CLI runner → port line, for each pack, interleaved (ABBA) after one untimed
 * warm-up each; medians and the median of back-to-back real/floor ratios.
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
  sourceError?: string;
}

export async function measureStarts(
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
