/** Small, dependency-free statistics for noisy timings: medians, not means, so one stalled sample does not move the result. */

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Median of per-pair ratios a[i]/b[i]: each pair was measured back to back, so both saw the same machine load. */
export function pairedRatio(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length)
    throw new RangeError(`paired samples differ in length (${a.length} vs ${b.length})`);
  return median(a.map((x, i) => x / b[i]));
}

export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Elapsed ms since `t0` (from process.hrtime.bigint()). */
export function msSince(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}
