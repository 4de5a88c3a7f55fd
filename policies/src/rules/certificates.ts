import type { Refusal } from "./refusal";
import { parseInteger } from "./numbers";

/** Key algorithms ALB/NLB listeners can serve and that meet the project's floor. ED25519 is refused: ELB cannot use it. */
export type KeyVerdict = { ok: true } | { ok: false; reason: string; fix: string };

export const MIN_RSA_BITS = 2048;

/** An ACM certificate ARN in any partition: `arn:aws:acm:<region>:<account>:certificate/<id>`. */
export const ACM_CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/\S+$/;

export function isAcmCertificateArn(value: unknown): value is string {
  return typeof value === "string" && ACM_CERTIFICATE_ARN.test(value);
}

/** The one wording for a value that is not an ACM certificate ARN. */
export const ACM_CERTIFICATE_ARN_REFUSAL: Refusal = {
  problem: "is not an ACM certificate ARN",
  fix: "pass arn:aws:acm:<region>:<account>:certificate/<id>",
};
export const APPROVED_ECDSA_CURVES: readonly string[] = ["P256", "P384"];

/**
 * Checks a @pulumi/tls PrivateKey's algorithm (`RSA`, `ECDSA`, `ED25519`) with its `rsaBits` or
 * `ecdsaCurve`. Mirrors the provider defaults: RSA without rsaBits is 2048, ECDSA without a curve is P224.
 */
export function checkKeyAlgorithm(algorithm: unknown, rsaBits?: unknown, ecdsaCurve?: unknown): KeyVerdict {
  const alg = typeof algorithm === "string" ? algorithm.toUpperCase() : algorithm;
  if (alg === "RSA") {
    const bits = rsaBits === undefined || rsaBits === null ? 2048 : rsaBits;
    const n = parseInteger(bits); // 2048 or "2048" (numbers.ts)
    if (n !== undefined && n >= MIN_RSA_BITS) return { ok: true };
    return {
      ok: false,
      reason: `RSA keys must be at least ${MIN_RSA_BITS} bits`,
      fix: `set rsaBits to 2048, 3072 or 4096`,
    };
  }
  if (alg === "ECDSA") {
    const curve = ecdsaCurve === undefined || ecdsaCurve === null ? "P224" : ecdsaCurve;
    if (typeof curve === "string" && APPROVED_ECDSA_CURVES.includes(curve.toUpperCase())) return { ok: true };
    return {
      ok: false,
      reason: `ECDSA keys must use curve P256 or P384`,
      fix: `set ecdsaCurve to "P256" or "P384"`,
    };
  }
  if (alg === "ED25519") {
    return {
      ok: false,
      reason: "ED25519 keys cannot be served by ALB/NLB listeners",
      fix: `use algorithm "ECDSA" (P256/P384) or "RSA" (>= 2048 bits)`,
    };
  }
  return {
    ok: false,
    reason: "the key algorithm is not RSA or ECDSA",
    fix: `use algorithm "ECDSA" (P256/P384) or "RSA" (>= 2048 bits)`,
  };
}
