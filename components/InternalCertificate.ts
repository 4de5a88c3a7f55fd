import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { checkKeyAlgorithm } from "../policies/src/rules";
import { checkedOrThrow, runChecks, type ConfigChecks, type ConfigProblem } from "./errors";
import { checkTagMap, mergeTags } from "./tags";

const COMPONENT = "InternalCertificate";

export type CertificateKeyAlgorithm = "ECDSA" | "RSA";
export type CertificateEcdsaCurve = "P256" | "P384";

/** RSA sizes ACM imports and ELB listeners serve that also meet the project floor. */
export const SUPPORTED_RSA_BITS: readonly number[] = [2048, 3072, 4096];

/**
 * The defaults of {@link InternalCertificateArgs}; docs/components-storage-network-tls.md states them
 * (test/docs-components.test.ts). The CA outlives its leaves, so it gets the stronger key.
 */
export const DEFAULT_KEY_ALGORITHM: CertificateKeyAlgorithm = "ECDSA";
export const DEFAULT_ECDSA_CURVE: CertificateEcdsaCurve = "P256";
export const DEFAULT_RSA_BITS = 2048;
export const DEFAULT_CA_KEY_ALGORITHM: CertificateKeyAlgorithm = "ECDSA";
export const DEFAULT_CA_ECDSA_CURVE: CertificateEcdsaCurve = "P384";
export const DEFAULT_CA_RSA_BITS = 3072;
export const DEFAULT_VALIDITY_HOURS = 8760;
export const DEFAULT_EARLY_RENEWAL_HOURS = 720;
export const DEFAULT_CA_VALIDITY_HOURS = 43800;
export const DEFAULT_SUBJECT_ORGANIZATION = "phi-channels";

/** Key usages of the CA: signs certificates and revocation lists only. */
export const CA_ALLOWED_USES: readonly string[] = ["cert_signing", "crl_signing", "digital_signature"];
/** Key usages of the leaf: a TLS server certificate and nothing else. */
export const LEAF_ALLOWED_USES: readonly string[] = ["server_auth", "digital_signature", "key_encipherment"];

/** @pulumi/tls PrivateKey outputs that carry key material. */
const PRIVATE_KEY_SECRET_OUTPUTS = ["privateKeyPem", "privateKeyPemPkcs8", "privateKeyOpenssh"];

export interface InternalCertificateArgs {
  /**
   * DNS names of the server certificate (subject alternative names). Required, non-empty, each a valid
   * DNS name; a wildcard is allowed only as the whole left-most label (`*.svc.internal`). The first name
   * is the subject common name unless `subject.commonName` is set.
   */
  dnsNames: string[];
  /**
   * Leaf key algorithm. Default: `"ECDSA"` (fast handshakes, small keys). ED25519 is refused: ELB cannot
   * serve it.
   */
  keyAlgorithm?: CertificateKeyAlgorithm;
  /** Leaf ECDSA curve. Default: `"P256"`; "P384" also accepted. Others (P224, P521) are refused. */
  ecdsaCurve?: CertificateEcdsaCurve;
  /**
   * Leaf RSA key size when `keyAlgorithm` is "RSA". Default: 2048 (3072 and 4096 also accepted; below 2048
   * refused).
   */
  rsaBits?: number;
  /**
   * CA key algorithm. Default: `"ECDSA"`, with curve P384: the CA outlives its leaves, so it gets the
   * stronger curve.
   */
  caKeyAlgorithm?: CertificateKeyAlgorithm;
  /** CA ECDSA curve. Default: `"P384"`. */
  caEcdsaCurve?: CertificateEcdsaCurve;
  /** CA RSA key size when `caKeyAlgorithm` is "RSA". Default: 3072. */
  caRsaBits?: number;
  /** Leaf validity in hours. Default: 8760 (1 year): short-lived, so a leaked key expires soon. */
  validityHours?: number;
  /**
   * Hours before expiry at which `readyForRenewal` turns true and the next `pulumi up` replaces the leaf.
   * Default: 720 (30 days), leaving a month to deploy. Must be below `validityHours`.
   */
  earlyRenewalHours?: number;
  /** CA validity in hours. Default: 43800 (5 years). Must be at least `validityHours`. */
  caValidityHours?: number;
  /**
   * Subject of the leaf (and organization of the CA). Default: organization `"phi-channels"`, common
   * name `dnsNames[0]`.
   */
  subject?: { organization?: string; commonName?: string };
  /** Extra tags for the ACM certificate; the data-classification tag is always `phi`. */
  tags?: Record<string, string>;
}

/**
 * A private CA and a server certificate it signs, imported into ACM for internal ALB/NLB listeners.
 * Keys are ECDSA P-256/P-384 or RSA >= 2048 (the shared `checkKeyAlgorithm` rule), private keys are
 * secret outputs, and the CA bundle is exposed for trust stores and backends. HIPAA 164.312(d) entity
 * authentication and 164.312(e)(1) transmission security.
 */
export class InternalCertificate extends pulumi.ComponentResource {
  public readonly acmCertificate: aws.acm.Certificate;
  public readonly certificateArn: pulumi.Output<string>;
  /** PEM of the leaf certificate. */
  public readonly certificatePem: pulumi.Output<string>;
  /** PEM of the CA certificate: the trust bundle for clients, backends and ELB trust stores. */
  public readonly caCertificatePem: pulumi.Output<string>;
  /** PEM of the leaf private key. Always a secret output. */
  public readonly privateKeyPem: pulumi.Output<string>;
  /** True once the leaf is within `earlyRenewalHours` of expiry; the next update re-issues it. */
  public readonly readyForRenewal: pulumi.Output<boolean>;

  constructor(name: string, args: InternalCertificateArgs, opts?: pulumi.ComponentResourceOptions) {
    const s = checkedOrThrow(COMPONENT, name, (c) => checkCertificateArgs(c, args));
    super("phi:tls:InternalCertificate", name, {}, opts);
    const child = { parent: this };
    const secretKey = { parent: this, additionalSecretOutputs: PRIVATE_KEY_SECRET_OUTPUTS };

    const caKey = new tls.PrivateKey(`${name}-ca`, keyArgs(s.caKey), secretKey);
    const caCert = new tls.SelfSignedCert(
      `${name}-ca`,
      {
        privateKeyPem: caKey.privateKeyPem,
        isCaCertificate: true,
        // Can sign leaf certificates only, never another CA.
        maxPathLength: 0,
        setSubjectKeyId: true,
        allowedUses: [...CA_ALLOWED_USES],
        validityPeriodHours: s.caValidityHours,
        subject: {
          organization: s.organization,
          commonName: `${s.organization} internal CA ${name}`.slice(0, 64),
        },
      },
      child,
    );

    const leafKey = new tls.PrivateKey(`${name}-leaf`, keyArgs(s.leafKey), secretKey);
    const csr = new tls.CertRequest(
      `${name}-leaf`,
      {
        privateKeyPem: leafKey.privateKeyPem,
        dnsNames: s.dnsNames,
        subject: { organization: s.organization, commonName: s.commonName },
      },
      child,
    );
    const leafCert = new tls.LocallySignedCert(
      `${name}-leaf`,
      {
        certRequestPem: csr.certRequestPem,
        caPrivateKeyPem: caKey.privateKeyPem,
        caCertPem: caCert.certPem,
        isCaCertificate: false,
        allowedUses: [...LEAF_ALLOWED_USES],
        validityPeriodHours: s.validityHours,
        earlyRenewalHours: s.earlyRenewalHours,
      },
      child,
    );

    this.privateKeyPem = pulumi.secret(leafKey.privateKeyPem);
    this.acmCertificate = new aws.acm.Certificate(
      name,
      {
        privateKey: this.privateKeyPem,
        certificateBody: leafCert.certPem,
        certificateChain: caCert.certPem,
        tags: mergeTags("phi", args.tags, COMPONENT),
      },
      { parent: this, additionalSecretOutputs: ["privateKey"] },
    );

    this.certificateArn = this.acmCertificate.arn;
    this.certificatePem = leafCert.certPem;
    this.caCertificatePem = caCert.certPem;
    this.readyForRenewal = leafCert.readyForRenewal;
    this.registerOutputs({
      certificateArn: this.certificateArn,
      certificatePem: this.certificatePem,
      caCertificatePem: this.caCertificatePem,
      privateKeyPem: this.privateKeyPem,
      readyForRenewal: this.readyForRenewal,
    });
  }
}

interface KeySpec {
  algorithm: CertificateKeyAlgorithm;
  ecdsaCurve: CertificateEcdsaCurve;
  rsaBits: number;
}

function keyArgs(k: KeySpec): tls.PrivateKeyArgs {
  return k.algorithm === "RSA"
    ? { algorithm: "RSA", rsaBits: k.rsaBits }
    : { algorithm: "ECDSA", ecdsaCurve: k.ecdsaCurve };
}

interface ValidatedCertificateSettings {
  dnsNames: string[];
  leafKey: KeySpec;
  caKey: KeySpec;
  validityHours: number;
  earlyRenewalHours: number;
  caValidityHours: number;
  organization: string;
  commonName: string | undefined;
}

const DNS_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;

/** Why `name` is not a valid certificate DNS name, or undefined when it is. */
export function dnsNameProblem(name: unknown): string | undefined {
  if (typeof name !== "string" || name.length === 0) return "is not a non-empty string";
  if (name.length > 253) return "is longer than 253 characters";
  const labels = name.endsWith(".") ? name.slice(0, -1).split(".") : name.split(".");
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (label === "*") {
      if (i !== 0) return "has a wildcard that is not the whole left-most label";
      if (labels.length < 3) return "has a wildcard directly under a top-level name";
      continue;
    }
    if (label.includes("*"))
      return "has a partial-label wildcard (only a whole left-most `*` label is allowed)";
    if (!DNS_LABEL.test(label))
      return `has an invalid label "${label}" (letters, digits and inner hyphens, 1-63 characters)`;
  }
  return undefined;
}

/**
 * Checks the arguments without creating anything, as the constructor does, and returns every problem
 * (none: valid).
 */
export function validateInternalCertificateArgs(
  name: string,
  args: InternalCertificateArgs,
): ConfigProblem[] {
  return runChecks(COMPONENT, name, (c) => checkCertificateArgs(c, args)).problems;
}

function checkCertificateArgs(c: ConfigChecks, args: InternalCertificateArgs): ValidatedCertificateSettings {
  const fail = (field: string, value: unknown, problem: string, fix: string): never =>
    c.stop(field, value, problem, fix);
  if (args === undefined || args === null || typeof args !== "object") {
    fail("args", args, "is missing", `pass { dnsNames: ["service.internal.example"] }`);
  }

  const dnsNames: unknown = args.dnsNames;
  const names = (Array.isArray(dnsNames) ? dnsNames : []) as unknown[];
  c.section(() => {
    if (!Array.isArray(dnsNames) || dnsNames.length === 0) {
      fail(
        "dnsNames",
        dnsNames,
        "must be a non-empty list of DNS names",
        `set dnsNames, e.g. ["api.internal.example"]`,
      );
    }
    const seen = new Set<string>();
    names.forEach((n, i) => {
      const problem = dnsNameProblem(n);
      if (problem)
        fail(
          `dnsNames[${i}]`,
          n,
          problem,
          `use a name such as "api.internal.example" or "*.svc.internal.example"`,
        );
      const key = (n as string).toLowerCase();
      if (seen.has(key)) fail(`dnsNames[${i}]`, n, "is listed twice", "list each name once");
      seen.add(key);
    });
  });

  const leafKey = c.section(() =>
    checkKey(fail, "", args.keyAlgorithm, args.ecdsaCurve, args.rsaBits, {
      algorithm: DEFAULT_KEY_ALGORITHM,
      ecdsaCurve: DEFAULT_ECDSA_CURVE,
      rsaBits: DEFAULT_RSA_BITS,
    }),
  );
  const caKey = c.section(() =>
    checkKey(fail, "ca", args.caKeyAlgorithm, args.caEcdsaCurve, args.caRsaBits, {
      algorithm: DEFAULT_CA_KEY_ALGORITHM,
      ecdsaCurve: DEFAULT_CA_ECDSA_CURVE,
      rsaBits: DEFAULT_CA_RSA_BITS,
    }),
  );

  const hours = c.section(() => {
    const positiveInt = (field: string, value: unknown, fallback: number, allowZero = false): number => {
      const v = value ?? fallback;
      if (typeof v !== "number" || !Number.isInteger(v) || v < (allowZero ? 0 : 1)) {
        fail(
          field,
          value,
          `must be a ${allowZero ? "non-negative" : "positive"} whole number of hours`,
          `omit it (default ${fallback}) or set an integer`,
        );
      }
      return v as number;
    };
    const validityHours = positiveInt("validityHours", args.validityHours, DEFAULT_VALIDITY_HOURS);
    const earlyRenewalHours = positiveInt(
      "earlyRenewalHours",
      args.earlyRenewalHours,
      DEFAULT_EARLY_RENEWAL_HOURS,
      true,
    );
    const caValidityHours = positiveInt("caValidityHours", args.caValidityHours, DEFAULT_CA_VALIDITY_HOURS);
    if (earlyRenewalHours >= validityHours) {
      fail(
        "earlyRenewalHours",
        earlyRenewalHours,
        `is not below validityHours (${validityHours}), so the certificate would be due for renewal as soon as it is issued`,
        `set earlyRenewalHours below ${validityHours}, e.g. ${Math.floor(validityHours / 12)}`,
      );
    }
    if (caValidityHours < validityHours) {
      fail(
        "caValidityHours",
        caValidityHours,
        `is shorter than validityHours (${validityHours}), so the leaf would outlive the CA that vouches for it`,
        `set caValidityHours to at least ${validityHours}`,
      );
    }
    return { validityHours, earlyRenewalHours, caValidityHours };
  });

  const subjectFields = c.section(() => {
    const subject: unknown = args.subject ?? {};
    if (subject === null || typeof subject !== "object")
      fail("subject", subject, "is not an object", "pass { organization, commonName }");
    const { organization = DEFAULT_SUBJECT_ORGANIZATION, commonName } = subject as {
      organization?: unknown;
      commonName?: unknown;
    };
    if (typeof organization !== "string" || organization.length === 0 || organization.length > 64) {
      fail(
        "subject.organization",
        organization,
        "must be a string of 1-64 characters",
        `omit it (default "${DEFAULT_SUBJECT_ORGANIZATION}") or shorten it`,
      );
    }
    if (
      commonName !== undefined &&
      (typeof commonName !== "string" || commonName.length === 0 || commonName.length > 64)
    ) {
      fail(
        "subject.commonName",
        commonName,
        "must be a string of 1-64 characters",
        "omit it to use dnsNames[0]",
      );
    }
    const firstName = typeof names[0] === "string" ? names[0] : "";
    const cn = (commonName as string | undefined) ?? (firstName.length <= 64 ? firstName : undefined);
    return { organization: organization as string, commonName: cn };
  });

  checkTagMap(c, args.tags);

  return {
    dnsNames: names as string[],
    leafKey: leafKey!,
    caKey: caKey!,
    ...hours!,
    ...subjectFields!,
  };
}

/**
 * Validates one key's settings with the shared rule. `prefix` is "" for the leaf and "ca" for the CA, so
 * the fields are named as the caller wrote them (`keyAlgorithm` / `caKeyAlgorithm`, ...).
 */
function checkKey(
  fail: (field: string, value: unknown, problem: string, fix: string) => never,
  prefix: "" | "ca",
  algorithm: unknown,
  ecdsaCurve: unknown,
  rsaBits: unknown,
  defaults: KeySpec,
): KeySpec {
  const field = (f: string) => (prefix ? `${prefix}${f[0].toUpperCase()}${f.slice(1)}` : f);
  // Runtime check on purpose: callers from JavaScript or stack config can pass any string.
  const alg = algorithm ?? defaults.algorithm;
  const curve = ecdsaCurve ?? defaults.ecdsaCurve;
  const bits = rsaBits ?? defaults.rsaBits;
  const verdict = checkKeyAlgorithm(alg, bits, curve);
  if (!verdict.ok) {
    const upper = typeof alg === "string" ? alg.toUpperCase() : alg;
    const culprit = upper === "RSA" ? "rsaBits" : upper === "ECDSA" ? "ecdsaCurve" : "keyAlgorithm";
    const value = culprit === "rsaBits" ? rsaBits : culprit === "ecdsaCurve" ? ecdsaCurve : algorithm;
    fail(field(culprit), value, `is refused: ${verdict.reason}`, verdict.fix);
  }
  if (alg !== "ECDSA" && alg !== "RSA") {
    fail(field("keyAlgorithm"), algorithm, "must be spelled in upper case", `use "ECDSA" or "RSA"`);
  }
  if (alg === "RSA" && !SUPPORTED_RSA_BITS.includes(bits as number)) {
    fail(
      field("rsaBits"),
      rsaBits,
      "is not a size ACM imports and load balancers serve",
      "set rsaBits to 2048, 3072 or 4096",
    );
  }
  if (alg === "ECDSA" && curve !== "P256" && curve !== "P384") {
    fail(field("ecdsaCurve"), ecdsaCurve, "must be spelled in upper case", `use "P256" or "P384"`);
  }
  return {
    algorithm: alg as CertificateKeyAlgorithm,
    ecdsaCurve: curve as CertificateEcdsaCurve,
    rsaBits: bits as number,
  };
}
