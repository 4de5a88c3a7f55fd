/**
 * Exemptions with a reason, a ticket, an approver and an expiry date, declared in the config of the policy
 * they exempt (so each names exactly one policy and can never cover all policies):
 *
 *   "phi-ingress-allowlisted-ports": { "exemptions": [{ "resource": "legacy-sftp-sg", "reason": "…",
 *     "ticket": "SEC-123", "expires": "2026-09-30", "approvedBy": "jane.doe@example.com" }] }
 *
 * {@link withExemptions} wraps a policy without touching its file:
 * - its configSchema gains `exemptions` and `allowBroadExemptions` (the CLI and the offline check validate
 *   them with the same schema);
 * - a finding on a resource a valid exemption matches is reported as advisory with the note from
 *   exemptions-format.ts in front while the exemption is in effect, and at the policy's own level with an
 *   "expired" note afterwards;
 * - it also becomes a stack policy (the server runs `validateResource` in Analyze and `validateStack` in
 *   AnalyzeStack independently), which checks its own exemptions against the whole stack: malformed, too
 *   broad or matching no resource is a mandatory violation, expired is an advisory reminder. Each policy
 *   checks only its own config, so nothing is shared between calls or across Configure.
 *
 * Invalid exemptions never suppress anything (fail closed). There is deliberately no resource-tag form: the
 * person changing a resource could exempt it in the same change, without the review the central policy
 * config gets (docs/exemptions.md).
 *
 * The parts, in exemptions/: schema.ts (the options' JSON Schema, served in configSchema), reader.ts (reads
 * and validates a policy's exemptions against that schema), match.ts (resource name / URN patterns),
 * clock.ts (the day of the run), report.ts (how findings and exemption problems are reported), wrap.ts.
 */
export {
  ALLOW_BROAD_OPTION,
  allowBroadExemptionsSchema,
  DEFAULT_MAX_EXEMPTION_DAYS,
  EXEMPTIONS_OPTION,
  exemptionsSchema,
  MAX_DAYS_OPTION,
  maxExemptionDaysSchema,
  schemaWithExemptions,
} from "./exemptions/schema";
export { setExemptionClockForTesting, today } from "./exemptions/clock";
export { type Matcher, matcherOf, matches, nameFromUrn } from "./exemptions/match";
export { type CheckedExemption, exemptionFor, maxExemptionDaysOf, readExemptions } from "./exemptions/reader";
export { exemptingReporter, reportExemptionProblems } from "./exemptions/report";
export { withExemptions } from "./exemptions/wrap";
