import type { ResourceValidationPolicy } from "@pulumi/policy";
import { hipaaFramework } from "../framework";
import { checkKeyAlgorithm } from "../rules";
import { field, Findings, rawProps, UNKNOWN } from "../policy-kit";
import { ACM_CERTIFICATE, TLS_PRIVATE_KEY } from "../tokens";

/** ACM key algorithms that meet the project's floor (RSA >= 2048, ECDSA P-256/P-384). */
export const APPROVED_ACM_KEY_ALGORITHMS: readonly string[] = [
  "RSA_2048",
  "RSA_3072",
  "RSA_4096",
  "EC_prime256v1",
  "EC_secp384r1",
];

const DESCRIPTION = "Keys behind PHI channel certificates are RSA >= 2048 bits or ECDSA P-256/P-384.";

export const certificateKeyStrength: ResourceValidationPolicy = {
  name: "phi-certificate-key-strength",
  description: DESCRIPTION,
  severity: "high",
  framework: hipaaFramework("e2ii"),
  tags: ["tls", "certificates", "hipaa"],
  remediationSteps:
    'Use algorithm "ECDSA" with ecdsaCurve "P256" or "P384", or "RSA" with rsaBits >= 2048 (tls.PrivateKey); ACM certificates: keyAlgorithm RSA_2048 or stronger, EC_prime256v1 or EC_secp384r1.',
  validateResource: (args, reportViolation) => {
    if (args.type !== TLS_PRIVATE_KEY && args.type !== ACM_CERTIFICATE)
      args.notApplicable(`${args.type} is not a private key or certificate`);
    const props = rawProps(args.props);
    const f = new Findings();
    if (args.type === TLS_PRIVATE_KEY) {
      const alg = field(props, "algorithm");
      const bits = field(props, "rsaBits");
      const curve = field(props, "ecdsaCurve");
      if (alg === UNKNOWN) f.unknown("algorithm");
      else if (bits === UNKNOWN || curve === UNKNOWN) {
        const v = checkKeyAlgorithm(alg, bits === UNKNOWN ? 4096 : bits, curve === UNKNOWN ? "P256" : curve);
        if (!v.ok) f.violation(`algorithm: ${v.reason}; ${v.fix}`);
        else f.unknown(bits === UNKNOWN ? "rsaBits" : "ecdsaCurve");
      } else {
        const v = checkKeyAlgorithm(alg, bits, curve);
        if (!v.ok) f.violation(`${v.reason}; ${v.fix}`);
      }
    } else if (args.type === ACM_CERTIFICATE) {
      const alg = field(props, "keyAlgorithm");
      if (alg === UNKNOWN) f.unknown("keyAlgorithm");
      else if (alg !== undefined && alg !== null && !APPROVED_ACM_KEY_ALGORITHMS.includes(alg as string))
        f.violation(`keyAlgorithm is not one of ${APPROVED_ACM_KEY_ALGORITHMS.join(", ")}`);
    }
    f.report(reportViolation, DESCRIPTION);
  },
};
