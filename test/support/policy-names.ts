/**
 * The pack's policies, in the order it serves them: written down here, not read from the pack, so the
 * tests that compare against it fail when a policy is added, dropped or renamed without them.
 */
export const ALL_POLICY_NAMES: readonly string[] = [
  "phi-ingress-allowlisted-ports",
  "phi-ingress-private-sources",
  "phi-egress-restricted",
  "phi-tls-listeners-only",
  "phi-tls-strong-policy",
  "phi-lb-internal",
  "phi-lb-access-logs",
  "phi-audit-log-bucket-immutable",
  "phi-vpc-flow-logs",
  "phi-subnet-private",
  "phi-kms-key-rotation",
  "phi-certificate-key-strength",
  "phi-lb-deletion-protection",
  "phi-lb-mutual-tls",
  "phi-no-public-endpoints",
  "phi-resource-policies-require-tls",
  "phi-access-logging-enabled",
  "phi-audit-trail-integrity",
  "phi-data-in-transit-encrypted",
  "phi-data-at-rest-encrypted",
  "phi-cfn-template-inline",
];
