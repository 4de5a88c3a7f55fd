// INTERFACE STUB: the TLS helper replaces the body with the full data-table implementation.
export type TlsVersion = "1.0" | "1.1" | "1.2" | "1.3";

export interface TlsPolicyAssessment {
  /** True when the name is in the data table. Unknown names are never strong (fail closed). */
  known: boolean;
  /** True when all four strength conditions hold. */
  strong: boolean;
  /** Lowest protocol version the policy accepts, when known. */
  minVersion?: TlsVersion;
  /** One human-readable sentence per failed condition; empty when strong. */
  problems: string[];
}

/** ELB (ALB/NLB) security policy strength, from the data table. */
export function assessElbSecurityPolicy(
  name: unknown,
  minimumTlsVersion: TlsVersion = "1.2",
): TlsPolicyAssessment {
  const strong = ["ELBSecurityPolicy-TLS13-1-3-2021-06", "ELBSecurityPolicy-TLS13-1-2-2021-06"];
  const ok =
    typeof name === "string" &&
    strong.includes(name) &&
    (minimumTlsVersion !== "1.3" || name.includes("1-3-2021"));
  return { known: ok, strong: ok, problems: ok ? [] : ["stub: unknown policy"] };
}

/** Strong ELB policies for the given floor, TLS 1.3-only first; used in messages and docs. */
export function strongElbSecurityPolicies(minimumTlsVersion: TlsVersion = "1.2"): string[] {
  return minimumTlsVersion === "1.3"
    ? ["ELBSecurityPolicy-TLS13-1-3-2021-06"]
    : ["ELBSecurityPolicy-TLS13-1-3-2021-06", "ELBSecurityPolicy-TLS13-1-2-2021-06"];
}

export const DEFAULT_ELB_SECURITY_POLICY = "ELBSecurityPolicy-TLS13-1-3-2021-06";
