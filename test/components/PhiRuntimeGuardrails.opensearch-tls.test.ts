/**
 * OPENSEARCH_HTTPS_REQUIRED's tlsPolicies when the OpenSearch table has strong policies. AWS publishes no
 * cipher suites for its OpenSearch policies, so with the real table the rule is left out
 * (PhiRuntimeGuardrails.test.ts); these hypothetical entries, with documented ciphers, show that the rule
 * is then deployed and that its list follows the pack's TLS floor and profile.
 */
import { PhiRuntimeGuardrails, type PhiRuntimeGuardrailsArgs } from "../../components/PhiRuntimeGuardrails";
import { setupPulumiMocks } from "../support/pulumi-mocks";

jest.mock("../../policies/src/data/tls-service-policies.json", () => ({
  ...jest.requireActual("../../policies/src/data/tls-service-policies.json"),
  // Hypothetical entries with documented ciphers (the real OpenSearch table has none).
  openSearch: jest.requireActual("../../policies/src/testing/hypothetical-opensearch-policies.json"),
}));

const mocks = setupPulumiMocks();
beforeEach(() => mocks.reset());

const args = (minimumTlsVersion: string, tlsProfile: string): PhiRuntimeGuardrailsArgs => ({
  policyConfig: { "phi-tls-strong-policy": { minimumTlsVersion, tlsProfile } },
  auditBucketNames: ["access-logs"],
  vpcId: "vpc-0123",
  scopeTag: { key: "phi-channels:channel", value: "claims" },
});

async function openSearchRule(minimumTlsVersion: string, tlsProfile: string) {
  const component = new PhiRuntimeGuardrails("claims", args(minimumTlsVersion, tlsProfile));
  await mocks.settle();
  const found = mocks
    .byType("aws:cfg/rule:Rule")
    .filter(
      (r) =>
        (r.inputs.source as { sourceIdentifier: string }).sourceIdentifier === "OPENSEARCH_HTTPS_REQUIRED",
    );
  expect(found).toHaveLength(1);
  expect(component.omittedRules).toEqual({});
  return found[0].inputs;
}

describe("PhiRuntimeGuardrails: OPENSEARCH_HTTPS_REQUIRED's tlsPolicies from the floor and profile", () => {
  test("TLS 1.2, strict: the AEAD policies, TLS 1.3-only first; scoped to the tag (configuration changes)", async () => {
    const inputs = await openSearchRule("1.2", "strict");
    expect(JSON.parse(inputs.inputParameters as string)).toEqual({
      tlsPolicies: "Hypothetical-TLS13,Hypothetical-TLS12-GCM",
    });
    expect(inputs.scope).toEqual({ tagKey: "phi-channels:channel", tagValue: "claims" });
  });

  test("TLS 1.3: the TLS 1.3-only policy", async () => {
    const inputs = await openSearchRule("1.3", "strict");
    expect(JSON.parse(inputs.inputParameters as string)).toEqual({ tlsPolicies: "Hypothetical-TLS13" });
  });

  test("nist-800-52r2: the ECDHE CBC-SHA256 policy too", async () => {
    const inputs = await openSearchRule("1.2", "nist-800-52r2");
    expect(JSON.parse(inputs.inputParameters as string)).toEqual({
      tlsPolicies: "Hypothetical-TLS13,Hypothetical-TLS12-CBC,Hypothetical-TLS12-GCM",
    });
  });
});
