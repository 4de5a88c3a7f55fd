/**
 * OPENSEARCH_HTTPS_REQUIRED's tlsPolicies when the OpenSearch table has strong policies. AWS publishes no
 * cipher suites for its OpenSearch policies, so the real table has none (guardrails.test.ts); these
 * hypothetical entries, with documented ciphers, show the list follows the floor and the profile.
 */
import { openSearchTlsPoliciesParameter } from "./guardrails";

jest.mock("../data/tls-service-policies.json", () => ({
  ...jest.requireActual("../data/tls-service-policies.json"),
  // Hypothetical entries with documented ciphers (the real OpenSearch table has none).
  openSearch: jest.requireActual("../testing/hypothetical-opensearch-policies.json"),
}));

describe("openSearchTlsPoliciesParameter over a table with documented ciphers", () => {
  test("strict at TLS 1.2: the AEAD policies, TLS 1.3-only first", () => {
    expect(openSearchTlsPoliciesParameter("1.2", "strict")).toBe("Hypothetical-TLS13,Hypothetical-TLS12-GCM");
  });

  test("a TLS 1.3 floor: the TLS 1.3-only policy", () => {
    expect(openSearchTlsPoliciesParameter("1.3", "strict")).toBe("Hypothetical-TLS13");
  });

  test("nist-800-52r2 also admits ECDHE CBC-SHA256", () => {
    expect(openSearchTlsPoliciesParameter("1.2", "nist-800-52r2")).toBe(
      "Hypothetical-TLS13,Hypothetical-TLS12-CBC,Hypothetical-TLS12-GCM",
    );
  });
});
