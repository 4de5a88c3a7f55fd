/**
 * b. Throughput: N mixed resources sent one by one over Analyze to the real pack, the floor, a reference
 * (the floor plus declining policies) and, when given, the peer pack awsguard, in chunks whose order
 * rotates; then AnalyzeStack of the whole set.
 */
import {
  encodeProperties,
  startPolicyPack,
  type AnalyzerInfo,
  type AnalyzerResourceInput,
  type PolicyConfigMap,
  type PolicyPackProcess,
} from "../lib/analyzer-client";
import { log } from "./log";
import { createFloorPack, defaultConfig, FLOOR_POLICY_NAME } from "./packs";
import { generateResources } from "./resources";
import { median, msSince, pairedRatio, round } from "./stats";

interface OpenPack {
  pack: PolicyPackProcess;
  info: AnalyzerInfo;
  config: PolicyConfigMap;
}

async function openPack(dir: string): Promise<OpenPack> {
  const pack = await startPolicyPack(dir, { startTimeoutMs: 120_000, callTimeoutMs: 300_000 });
  try {
    const info = await pack.getAnalyzerInfo();
    const config = defaultConfig(info);
    await pack.configure(config);
    return { pack, info, config };
  } catch (e) {
    await pack.close();
    throw e;
  }
}

type ThroughputPack = "real" | "floor" | "ref" | "awsguard";
type StackPack = "real" | "floor" | "awsguard";

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
    /** With awsguard: median over chunks of awsguard/floor and of real/awsguard. */
    awsguardPairedRatio?: number;
    realOverAwsguardPairedRatio?: number;
  };
  analyzeStack: {
    samplesMs: Partial<Record<StackPack, number[]>> & { real: number[]; floor: number[] };
    medianMs: Partial<Record<StackPack, number>> & { real: number; floor: number };
    msPerResource: Partial<Record<StackPack, number>> & { real: number; floor: number };
    pairedRatio: number;
    awsguardPairedRatio?: number;
    realOverAwsguardPairedRatio?: number;
  };
  policies: { real: string[]; floor: string[]; awsguard?: string[] };
  /** Why the awsguard pack given could not be started or configured (then it is left out). */
  awsguardError?: string;
  /** With awsguard: the enforcement level each of its policies was configured with (all mandatory). */
  awsguardLevels?: Record<string, string>;
  /** Diagnostics per policy over the Analyze pass (proves the policies ran). */
  diagnostics: {
    real: Record<string, number>;
    floor: Record<string, number>;
    awsguard?: Record<string, number>;
    stack: Record<string, number>;
  };
  /** Resources where the floor's ingress verdict differs from phi-ingress-allowlisted-ports (should be 0). */
  ingressDisagreements: number;
}

export async function measureThroughput(
  realDir: string,
  floorDir: string,
  n: number,
  seed: number,
  temp: string[],
  /** The awsguard pack directory (installed), or undefined to leave it out. */
  awsguardDir?: string,
): Promise<ThroughputResult> {
  log(`throughput: generating ${n} resources (seed ${seed})`);
  // Encode once, outside the timed loop: the engine's encoding cost is not the pack's.
  const resources: AnalyzerResourceInput[] = generateResources(n, seed).map((r) => ({
    ...r,
    properties: encodeProperties(r.properties as Record<string, unknown>),
  }));
  const opened: Partial<Record<ThroughputPack, OpenPack>> = {};
  try {
    opened.real = await openPack(realDir);
    opened.floor = await openPack(floorDir);
    const resourcePolicies = opened.real.info.policies.filter((p) => p.kind !== "stack").length;
    const declining = Math.max(0, resourcePolicies - 1);
    const refDir = createFloorPack(undefined, declining);
    temp.push(refDir);
    opened.ref = await openPack(refDir);
    let awsguardError: string | undefined;
    if (awsguardDir) {
      try {
        opened.awsguard = await openPack(awsguardDir);
        const notMandatory = Object.entries(opened.awsguard.config).filter(
          ([, c]) => c.enforcementLevel !== "mandatory",
        );
        if (notMandatory.length > 0)
          throw new Error(
            `its config leaves ${notMandatory.length} policies not mandatory (e.g. ${notMandatory[0][0]}: ${notMandatory[0][1].enforcementLevel})`,
          );
      } catch (e) {
        awsguardError = `awsguard pack at ${awsguardDir}: ${(e as Error).message.split("\n")[0]}`;
        log(`throughput: awsguard left out: ${awsguardError}`);
        await opened.awsguard?.pack.close();
        delete opened.awsguard;
      }
    }
    const withAwsguard = opened.awsguard !== undefined;
    const packs = opened as Record<ThroughputPack, OpenPack>;
    const names: ThroughputPack[] = withAwsguard
      ? ["real", "floor", "ref", "awsguard"]
      : ["real", "floor", "ref"];

    const warm = Math.min(100, n);
    log(
      `throughput: ${warm} untimed warm-up resources per pack (JIT); ref = floor + ${declining} declining policies`,
    );
    for (const r of resources.slice(0, warm)) for (const name of names) await packs[name].pack.analyze(r);

    const chunkSize = Math.max(1, Math.ceil(n / 10));
    const chunkMs: Partial<Record<ThroughputPack, number[]>> = Object.fromEntries(names.map((w) => [w, []]));
    const diagnostics: ThroughputResult["diagnostics"] = { real: {}, floor: {}, stack: {} };
    if (withAwsguard) diagnostics.awsguard = {};
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
          if (which === "awsguard") {
            for (const d of res.diagnostics) count(diagnostics.awsguard!, d.policyName);
            continue;
          }
          const policy = which === "real" ? "phi-ingress-allowlisted-ports" : FLOOR_POLICY_NAME;
          let violates = false;
          for (const d of res.diagnostics) {
            count(diagnostics[which], d.policyName);
            if (d.policyName === policy && d.enforcementLevel === "mandatory") violates = true;
          }
          ingressVerdict[which].set(r.urn!, violates);
        }
        chunkMs[which]!.push(round(msSince(t0), 2));
      }
      log(
        `  analyze chunk ${c + 1}: ${names.map((w) => `${w} ${chunkMs[w]![c]} ms`).join(", ")} (${chunk.length} resources)`,
      );
    }
    let ingressDisagreements = 0;
    for (const [urn, v] of ingressVerdict.real)
      if (ingressVerdict.floor.get(urn) !== v) ingressDisagreements++;

    const stackNames: StackPack[] = withAwsguard ? ["real", "floor", "awsguard"] : ["real", "floor"];
    const rounds = 3;
    const stackMs: Partial<Record<StackPack, number[]>> = Object.fromEntries(stackNames.map((w) => [w, []]));
    log(`throughput: AnalyzeStack of ${n} resources, ${rounds} interleaved rounds`);
    for (let i = 0; i < rounds; i++) {
      // Two packs: ABA order; three: rotated, so each goes first once.
      const order =
        stackNames.length === 2
          ? i % 2 === 0
            ? stackNames
            : [...stackNames].reverse()
          : stackNames.map((_, k) => stackNames[(k + i) % stackNames.length]);
      for (const which of order) {
        const t0 = process.hrtime.bigint();
        const res = await packs[which].pack.analyzeStack(resources);
        stackMs[which]!.push(round(msSince(t0), 1));
        if (which === "real" && i === 0)
          for (const d of res.diagnostics) count(diagnostics.stack, d.policyName);
      }
      log(`  analyzeStack ${i + 1}: ${stackNames.map((w) => `${w} ${stackMs[w]![i]} ms`).join(", ")}`);
    }
    const total = (xs: number[]) =>
      round(
        xs.reduce((x, y) => x + y, 0),
        1,
      );
    const totalMs = Object.fromEntries(names.map((w) => [w, total(chunkMs[w]!)])) as Partial<
      Record<ThroughputPack, number>
    >;
    const msPerResource = Object.fromEntries(names.map((w) => [w, round(totalMs[w]! / n, 4)])) as Partial<
      Record<ThroughputPack, number>
    >;
    const medianMs = Object.fromEntries(stackNames.map((w) => [w, round(median(stackMs[w]!), 1)])) as Record<
      StackPack,
      number
    >;
    const stackMsPerResource = Object.fromEntries(
      stackNames.map((w) => [w, round(medianMs[w] / n, 4)]),
    ) as Record<StackPack, number>;
    const ratio = (a: number[] | undefined, b: number[] | undefined) =>
      a && b ? round(pairedRatio(a, b), 3) : undefined;
    return {
      resources: n,
      chunkSize,
      warmupResources: warm,
      refDecliningPolicies: declining,
      analyze: {
        chunkMs,
        totalMs,
        msPerResource,
        pairedRatio: ratio(chunkMs.real, chunkMs.floor)!,
        refPairedRatio: ratio(chunkMs.ref, chunkMs.floor)!,
        realOverRefPairedRatio: ratio(chunkMs.real, chunkMs.ref)!,
        awsguardPairedRatio: ratio(chunkMs.awsguard, chunkMs.floor),
        realOverAwsguardPairedRatio: ratio(chunkMs.real, chunkMs.awsguard),
      },
      analyzeStack: {
        samplesMs: stackMs as ThroughputResult["analyzeStack"]["samplesMs"],
        medianMs,
        msPerResource: stackMsPerResource,
        pairedRatio: ratio(stackMs.real, stackMs.floor)!,
        awsguardPairedRatio: ratio(stackMs.awsguard, stackMs.floor),
        realOverAwsguardPairedRatio: ratio(stackMs.real, stackMs.awsguard),
      },
      policies: {
        real: packs.real.info.policies.map((p) => p.name),
        floor: packs.floor.info.policies.map((p) => p.name),
        ...(withAwsguard ? { awsguard: packs.awsguard.info.policies.map((p) => p.name) } : {}),
      },
      ...(awsguardError ? { awsguardError } : {}),
      ...(withAwsguard
        ? {
            awsguardLevels: Object.fromEntries(
              Object.entries(packs.awsguard.config).map(([k, c]) => [k, c.enforcementLevel]),
            ),
          }
        : {}),
      diagnostics,
      ingressDisagreements,
    };
  } finally {
    await Promise.all(Object.values(opened).map((o) => o.pack.close()));
  }
}
