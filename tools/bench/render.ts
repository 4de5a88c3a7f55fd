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
