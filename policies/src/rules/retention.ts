import { parseInteger } from "./numbers";

/**
 * The only Object Lock mode that counts: GOVERNANCE can be bypassed by any principal with
 * s3:BypassGovernanceRetention.
 */
export const REQUIRED_RETENTION_MODE = "COMPLIANCE";

/** 6 years: HIPAA's documentation retention period (45 CFR 164.316(b)(2)(i)). */
export const DEFAULT_MINIMUM_RETENTION_DAYS = 2190;

export type RetentionVerdict = { ok: true; days: number } | { ok: false; reason: string };

/**
 * Checks an S3 Object Lock default retention (`mode` plus `days` or `years`). Only COMPLIANCE mode
 * counts: GOVERNANCE can be bypassed by any principal with s3:BypassGovernanceRetention.
 */
export function checkDefaultRetention(
  mode: unknown,
  days: unknown,
  years: unknown,
  minimumDays: number = DEFAULT_MINIMUM_RETENTION_DAYS,
): RetentionVerdict {
  if (typeof mode !== "string" || mode.toUpperCase() !== REQUIRED_RETENTION_MODE) {
    return {
      ok: false,
      reason: "the default retention mode must be COMPLIANCE (GOVERNANCE can be bypassed)",
    };
  }
  // Days as the provider reads them: 2190 or "2190" (numbers.ts).
  const d = parseInteger(days);
  const y = parseInteger(years);
  let effective: number | undefined;
  if (d !== undefined && d > 0) effective = d;
  else if (y !== undefined && y > 0) effective = y * 365;
  if (effective === undefined)
    return { ok: false, reason: "the default retention sets neither days nor years" };
  if (effective < minimumDays) {
    return {
      ok: false,
      reason: `the default retention is ${effective} days, below the minimum of ${minimumDays} days`,
    };
  }
  return { ok: true, days: effective };
}
