/**
 * b. Throughput: N mixed resources sent one by one over Analyze to the real pack, the floor and a reference
 * (the floor plus declining policies), in chunks whose order rotates; then AnalyzeStack of the whole set.
 */
import {
  encodeProperties,
  startPolicyPack,
  type AnalyzerInfo,
  type AnalyzerResourceInput,
  type PolicyPackProcess,
} from "../lib/analyzer-client";
import { log } from "./log";
import { createFloorPack, defaultConfig, FLOOR_POLICY_NAME } from "./packs";
import { generateResources } from "./resources";
import { median, msSince, pairedRatio, round } from "./stats";

async function openPack(dir: string): Promise<{ pack: PolicyPackProcess; info: AnalyzerInfo }> {
  const pack = await startPolicyPack(dir, { startTimeoutMs: 120_000, callTimeoutMs: 300_000 });
  const info = await pack.getAnalyzerInfo();
  await pack.configure(defaultConfig(info));
  return { pack, info };
}

type ThroughputPack = "real" | "floor" | "ref";

export interface ThroughputResult {
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

export async function measureThroughput(
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
