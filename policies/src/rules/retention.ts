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
  if (typeof mode !== "string" || mode.toUpperCase() !== "COMPLIANCE") {
    return {
      ok: false,
      reason: "the default retention mode must be COMPLIANCE (GOVERNANCE can be bypassed)",
    };
  }
  let effective: number | undefined;
  if (typeof days === "number" && Number.isInteger(days) && days > 0) effective = days;
  else if (typeof years === "number" && Number.isInteger(years) && years > 0) effective = years * 365;
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
