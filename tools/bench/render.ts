/** The report's table: one row per metric, ratios against the floor or an absolute target. */
import { round } from "./stats";

export interface Row {
  metric: string;
  ours: string;
  baseline: string;
  ratio: string;
  target: string;
  met: "yes" | "NO" | "n/a";
}

export function fmtMs(ms: number): string {
  return ms >= 10_000 ? `${round(ms / 1000, 1)} s` : `${round(ms, ms < 10 ? 3 : 0)} ms`;
}

export function ratioRow(metric: string, ours: string, baseline: string, ratio: number, target: number): Row {
  return {
    metric,
    ours,
    baseline,
    ratio: `${ratio.toFixed(2)}x`,
    target: `<= ${target}x`,
    met: ratio <= target ? "yes" : "NO",
  };
}

export function absoluteRow(metric: string, ms: number, targetMs: number): Row {
  return {
    metric,
    ours: fmtMs(ms),
    baseline: "-",
    ratio: "-",
    target: `<= ${fmtMs(targetMs)}`,
    met: ms <= targetMs ? "yes" : "NO",
  };
}

export function unavailable(metric: string, reason: string): Row {
  const short = reason.split("\n")[0].slice(0, 100);
  return { metric, ours: "not available", baseline: short, ratio: "-", target: "-", met: "n/a" };
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

/** What the awsguard rows read from b (a structural subset of ThroughputResult). */
export interface PeerThroughput {
  resources: number;
  analyze: {
    msPerResource: { real?: number; floor?: number; awsguard?: number };
    pairedRatio: number;
    awsguardPairedRatio?: number;
    realOverAwsguardPairedRatio?: number;
  };
  analyzeStack: {
    medianMs: { real: number; floor: number; awsguard?: number };
    awsguardPairedRatio?: number;
    realOverAwsguardPairedRatio?: number;
  };
  policies: { awsguard?: string[] };
}

export const AWSGUARD_LABEL = "awsguard 0.3.1";

function notMeasured(metric: string, reason: string, target: string): Row {
  return { ...unavailable(metric, reason), ours: "not measured", target };
}

/**
 * The peer-pack rows of b (issue 12 §5): awsguard against the floor, and the two targets: with all checks in
 * place ours at most `allChecksRatio` x the floor and no more than `awsguardRatio` x awsguard, per resource.
 * `awsguardMissing` says why awsguard was not measured (the ratio rows then say so, without a ratio).
 */
export function peerThroughputRows(
  t: PeerThroughput,
  awsguardMissing: string | undefined,
  targets: { allChecksRatio: number; awsguardRatio: number },
): Row[] {
  const ms = t.analyze.msPerResource;
  const allChecks = ratioRow(
    "b. issue 12: ours vs floor, all checks",
    fmtMs(ms.real!),
    fmtMs(ms.floor!),
    t.analyze.pairedRatio,
    targets.allChecksRatio,
  );
  const a = t.analyze;
  if (
    awsguardMissing !== undefined ||
    ms.awsguard === undefined ||
    a.realOverAwsguardPairedRatio === undefined
  ) {
    const reason = awsguardMissing ?? "no awsguard samples";
    return [
      notMeasured(`b. ${AWSGUARD_LABEL} Analyze (ms/resource)`, reason, "(reference)"),
      allChecks,
      notMeasured(`b. issue 12: ours vs ${AWSGUARD_LABEL}`, reason, `<= ${targets.awsguardRatio}x`),
    ];
  }
  const s = t.analyzeStack;
  const policies = t.policies.awsguard?.length ?? 0;
  const rows: Row[] = [
    {
      metric: `b. ${AWSGUARD_LABEL} Analyze (ms/resource)`,
      ours: `${fmtMs(ms.awsguard)} (${policies} policies, mandatory)`,
      baseline: fmtMs(ms.floor!),
      ratio: `${a.awsguardPairedRatio!.toFixed(2)}x`,
      target: "(reference)",
      met: "n/a",
    },
    allChecks,
    ratioRow(
      `b. issue 12: ours vs ${AWSGUARD_LABEL}`,
      fmtMs(ms.real!),
      `${fmtMs(ms.awsguard)} (awsguard)`,
      a.realOverAwsguardPairedRatio,
      targets.awsguardRatio,
    ),
  ];
  if (s.medianMs.awsguard !== undefined && s.realOverAwsguardPairedRatio !== undefined) {
    rows.push(
      {
        metric: `b. ${AWSGUARD_LABEL} AnalyzeStack of ${t.resources}`,
        ours: fmtMs(s.medianMs.awsguard),
        baseline: fmtMs(s.medianMs.floor),
        ratio: `${s.awsguardPairedRatio!.toFixed(2)}x`,
        target: "(reference)",
        met: "n/a",
      },
      {
        metric: `b. AnalyzeStack: ours vs ${AWSGUARD_LABEL}`,
        ours: fmtMs(s.medianMs.real),
        baseline: `${fmtMs(s.medianMs.awsguard)} (awsguard)`,
        ratio: `${s.realOverAwsguardPairedRatio.toFixed(2)}x`,
        target: "(reference)",
        met: "n/a",
      },
    );
  }
  return rows;
}

/** a'': awsguard's start against the floor's, a reference (it loads @pulumi/aws 4 and aws-sdk v2 lazily). */
export function peerStartRow(
  start: { medians: Record<string, number>; awsguardPairedRatio?: number },
  awsguardMissing: string | undefined,
): Row {
  const metric = `a''. ${AWSGUARD_LABEL} pack start`;
  if (
    awsguardMissing !== undefined ||
    start.awsguardPairedRatio === undefined ||
    !("awsguard" in start.medians)
  )
    return notMeasured(metric, awsguardMissing ?? "no awsguard samples", "(reference)");
  return {
    metric,
    ours: fmtMs(start.medians.awsguard),
    baseline: fmtMs(start.medians.floor),
    ratio: `${start.awsguardPairedRatio.toFixed(2)}x`,
    target: "(reference)",
    met: "n/a",
  };
}
