import { kmsKeyRotation } from "./kms-key-rotation";
import { certificateKeyStrength } from "./certificate-key-strength";
import { runResource, UNKNOWN_NUMBER } from "../testing/harness";

describe("phi-kms-key-rotation", () => {
  it("requires rotation on symmetric keys only", async () => {
    expect(
      (await runResource(kmsKeyRotation, "aws:kms/key:Key", { enableKeyRotation: true })).diagnostics,
    ).toEqual([]);
    expect((await runResource(kmsKeyRotation, "aws:kms/key:Key", {})).mandatory).toHaveLength(1);
    expect(
      (
        await runResource(kmsKeyRotation, "aws:kms/key:Key", {
          customerMasterKeySpec: "RSA_2048",
          keyUsage: "SIGN_VERIFY",
        })
      ).notApplicable,
    ).toHaveLength(1);
  });
});

describe("phi-certificate-key-strength", () => {
  it("checks tls.PrivateKey and ACM certificates", async () => {
    const K = "tls:index/privateKey:PrivateKey";
    expect(
      (await runResource(certificateKeyStrength, K, { algorithm: "ECDSA", ecdsaCurve: "P256" })).diagnostics,
    ).toEqual([]);
    expect((await runResource(certificateKeyStrength, K, { algorithm: "ECDSA" })).mandatory).toHaveLength(1);
    expect(
      (await runResource(certificateKeyStrength, K, { algorithm: "RSA", rsaBits: 1024 })).mandatory,
    ).toHaveLength(1);
    expect((await runResource(certificateKeyStrength, K, { algorithm: "ED25519" })).mandatory).toHaveLength(
      1,
    );
    expect(
      (await runResource(certificateKeyStrength, K, { algorithm: "RSA", rsaBits: UNKNOWN_NUMBER })).advisory,
    ).toHaveLength(1);
    const C = "aws:acm/certificate:Certificate";
    expect(
      (await runResource(certificateKeyStrength, C, { keyAlgorithm: "EC_prime256v1" })).diagnostics,
    ).toEqual([]);
    expect(
      (await runResource(certificateKeyStrength, C, { keyAlgorithm: "RSA_1024" })).mandatory,
    ).toHaveLength(1);
  });
});
