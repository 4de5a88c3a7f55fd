import * as pulumi from "@pulumi/pulumi";
import { expectRefusal } from "../support/refusal";
import {
  dnsNameProblem,
  InternalCertificate,
  InternalCertificateArgs,
} from "../../components/InternalCertificate";
import { DATA_CLASSIFICATION_TAG } from "../../components/tags";
import { promiseOf, setupPulumiMocks } from "../support/pulumi-mocks";

const mocks = setupPulumiMocks();
beforeEach(() => mocks.reset());

const T = {
  key: "tls:index/privateKey:PrivateKey",
  ca: "tls:index/selfSignedCert:SelfSignedCert",
  csr: "tls:index/certRequest:CertRequest",
  leaf: "tls:index/locallySignedCert:LocallySignedCert",
  acm: "aws:acm/certificate:Certificate",
};

async function build(name: string, args: InternalCertificateArgs) {
  const cert = new InternalCertificate(name, args);
  await mocks.settle();
  return cert;
}

describe("InternalCertificate resources", () => {
  test("defaults: ECDSA P384 CA, ECDSA P256 leaf, 1-year leaf, 30-day early renewal, 5-year CA", async () => {
    await build("api", { dnsNames: ["api.internal.example", "*.api.internal.example"] });
    expect(mocks.one(T.key, "api-ca").inputs).toEqual({ algorithm: "ECDSA", ecdsaCurve: "P384" });
    expect(mocks.one(T.key, "api-leaf").inputs).toEqual({ algorithm: "ECDSA", ecdsaCurve: "P256" });

    const caKeyPem = mocks.one(T.key, "api-ca").outputs.privateKeyPem;
    const ca = mocks.one(T.ca, "api-ca");
    expect(ca.inputs).toMatchObject({
      privateKeyPem: caKeyPem,
      isCaCertificate: true,
      maxPathLength: 0,
      allowedUses: ["cert_signing", "crl_signing", "digital_signature"],
      validityPeriodHours: 43800,
      subject: { organization: "phi-channels", commonName: "phi-channels internal CA api" },
    });

    const csr = mocks.one(T.csr, "api-leaf");
    expect(csr.inputs).toEqual({
      privateKeyPem: mocks.one(T.key, "api-leaf").outputs.privateKeyPem,
      dnsNames: ["api.internal.example", "*.api.internal.example"],
      subject: { organization: "phi-channels", commonName: "api.internal.example" },
    });

    const leaf = mocks.one(T.leaf, "api-leaf");
    expect(leaf.inputs).toEqual({
      certRequestPem: csr.outputs.certRequestPem,
      caPrivateKeyPem: caKeyPem,
      caCertPem: ca.outputs.certPem,
      isCaCertificate: false,
      allowedUses: ["server_auth", "digital_signature", "key_encipherment"],
      validityPeriodHours: 8760,
      earlyRenewalHours: 720,
    });
  });

  test("imported into ACM with key, body and CA chain; outputs wired", async () => {
    const cert = await build("api", { dnsNames: ["api.internal.example"], tags: { team: "ops" } });
    const acm = mocks.one(T.acm, "api");
    const leaf = mocks.one(T.leaf, "api-leaf");
    const ca = mocks.one(T.ca, "api-ca");
    expect(acm.inputs).toEqual({
      privateKey: mocks.one(T.key, "api-leaf").outputs.privateKeyPem,
      certificateBody: leaf.outputs.certPem,
      certificateChain: ca.outputs.certPem,
      tags: {
        team: "ops",
        [DATA_CLASSIFICATION_TAG]: "phi",
        "phi-channels:component": "InternalCertificate",
      },
    });
    expect(await promiseOf(cert.certificateArn)).toBe(acm.outputs.arn);
    expect(await promiseOf(cert.certificatePem)).toBe(leaf.outputs.certPem);
    expect(await promiseOf(cert.caCertificatePem)).toBe(ca.outputs.certPem);
    expect(await promiseOf(cert.readyForRenewal)).toBe(false);
    expect(cert.acmCertificate).toBeDefined();
    for (const r of mocks.resources.filter((x) => x.custom)) {
      expect(r.parent).toBe(mocks.one("phi:tls:InternalCertificate").urn);
    }
  });

  test("private key output is secret and key material is marked secret on every resource", async () => {
    const cert = await build("api", { dnsNames: ["api.internal.example"] });
    expect(await pulumi.isSecret(cert.privateKeyPem)).toBe(true);
    expect(await promiseOf(cert.privateKeyPem)).toBe(mocks.one(T.key, "api-leaf").outputs.privateKeyPem);
    expect(await pulumi.isSecret(cert.certificatePem)).toBe(false);
    for (const key of mocks.byType(T.key)) expect(key.additionalSecretOutputs).toContain("privateKeyPem");
    expect(mocks.one(T.acm).additionalSecretOutputs).toContain("privateKey");
    // The key reaches ACM, the CSR and the CA signer only as a secret.
    expect(mocks.one(T.acm).secretInputs).toEqual(["privateKey"]);
    expect(mocks.one(T.csr).secretInputs).toEqual(["privateKeyPem"]);
    expect(mocks.one(T.leaf).secretInputs).toEqual(["caPrivateKeyPem"]);
  });

  test("RSA leaf and CA, custom validity and subject", async () => {
    await build("rsa", {
      dnsNames: ["db.internal.example"],
      keyAlgorithm: "RSA",
      rsaBits: 3072,
      caKeyAlgorithm: "RSA",
      caRsaBits: 4096,
      validityHours: 2160,
      earlyRenewalHours: 168,
      caValidityHours: 8760,
      subject: { organization: "Clinic", commonName: "db" },
    });
    expect(mocks.one(T.key, "rsa-leaf").inputs).toEqual({ algorithm: "RSA", rsaBits: 3072 });
    expect(mocks.one(T.key, "rsa-ca").inputs).toEqual({ algorithm: "RSA", rsaBits: 4096 });
    expect(mocks.one(T.leaf).inputs).toMatchObject({ validityPeriodHours: 2160, earlyRenewalHours: 168 });
    expect(mocks.one(T.ca).inputs).toMatchObject({
      validityPeriodHours: 8760,
      subject: { organization: "Clinic" },
    });
    expect(mocks.one(T.csr).inputs.subject).toEqual({ organization: "Clinic", commonName: "db" });
  });

  test("ECDSA P384 leaf", async () => {
    await build("p384", { dnsNames: ["x.internal.example"], ecdsaCurve: "P384" });
    expect(mocks.one(T.key, "p384-leaf").inputs).toEqual({ algorithm: "ECDSA", ecdsaCurve: "P384" });
  });
});

describe("InternalCertificate refuses", () => {
  const refuse = (args: unknown, field: string, text: RegExp) =>
    expectRefusal(
      () => new InternalCertificate("bad", args as InternalCertificateArgs),
      field,
      text,
      () => mocks.resources.length,
    );
  const ok = { dnsNames: ["api.internal.example"] };

  test("ED25519 leaf", () =>
    refuse(
      { ...ok, keyAlgorithm: "ED25519" },
      "keyAlgorithm",
      /"ED25519" is refused: ED25519 keys cannot be served/,
    ));
  test("ED25519 CA", () =>
    refuse({ ...ok, caKeyAlgorithm: "ed25519" }, "caKeyAlgorithm", /cannot be served/));
  test("unknown algorithm", () => refuse({ ...ok, keyAlgorithm: "DSA" }, "keyAlgorithm", /not RSA or ECDSA/));
  test("lower-case algorithm", () => refuse({ ...ok, keyAlgorithm: "ecdsa" }, "keyAlgorithm", /upper case/));
  test("RSA 1024", () =>
    refuse(
      { ...ok, keyAlgorithm: "RSA", rsaBits: 1024 },
      "rsaBits",
      /= 1024 is refused: RSA keys must be at least 2048/,
    ));
  test("RSA 2049", () =>
    refuse({ ...ok, keyAlgorithm: "RSA", rsaBits: 2049 }, "rsaBits", /2048, 3072 or 4096/));
  test("CA RSA 1024", () =>
    refuse({ ...ok, caKeyAlgorithm: "RSA", caRsaBits: 1024 }, "caRsaBits", /at least 2048/));
  test("ECDSA P224", () =>
    refuse(
      { ...ok, ecdsaCurve: "P224" },
      "ecdsaCurve",
      /"P224" is refused: ECDSA keys must use curve P256 or P384/,
    ));
  test("ECDSA P521 CA", () => refuse({ ...ok, caEcdsaCurve: "P521" }, "caEcdsaCurve", /P256 or P384/));
  test("empty dnsNames", () => refuse({ dnsNames: [] }, "dnsNames", /non-empty list/));
  test("missing dnsNames", () => refuse({}, "dnsNames", /\(unset\) must be a non-empty list/));
  test.each([
    ["api.*.example", /not the whole left-most label/],
    ["a*.internal.example", /partial-label wildcard/],
    ["*.example", /top-level/],
    ["-bad.example", /invalid label/],
    ["bad_name.example", /invalid label/],
    ["", /non-empty string/],
  ])("invalid DNS name %p", (n, text) => refuse({ dnsNames: ["ok.example", n] }, "dnsNames[1]", text));
  test("duplicate DNS name", () => refuse({ dnsNames: ["a.example", "A.example"] }, "dnsNames[1]", /twice/));
  test("earlyRenewalHours equal to validityHours", () =>
    refuse(
      { ...ok, validityHours: 720, earlyRenewalHours: 720 },
      "earlyRenewalHours",
      /= 720 is not below validityHours \(720\)/,
    ));
  test("earlyRenewalHours above default validity", () =>
    refuse({ ...ok, earlyRenewalHours: 9000 }, "earlyRenewalHours", /below 8760/));
  test("non-integer validity", () =>
    refuse({ ...ok, validityHours: 1.5 }, "validityHours", /positive whole number/));
  test("CA shorter than leaf", () =>
    refuse({ ...ok, caValidityHours: 100 }, "caValidityHours", /outlive the CA/));
  test("overlong organization", () =>
    refuse({ ...ok, subject: { organization: "x".repeat(65) } }, "subject.organization", /1-64/));
});

describe("dnsNameProblem", () => {
  test.each(["api.internal.example", "*.svc.internal.example", "a-b.c1.example.", "localhost"])(
    "accepts %p",
    (n) => expect(dnsNameProblem(n)).toBeUndefined(),
  );
  test("rejects names over 253 characters", () =>
    expect(dnsNameProblem(`${"a".repeat(60)}.`.repeat(5) + "example")).toMatch(/253/));
});
