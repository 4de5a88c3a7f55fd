/** How exemptions change what a policy reports, and the stack-level report of the exemptions themselves. */
import type { PolicyResource, ReportViolation } from "@pulumi/policy";
import { formatExempted, statusOn } from "../exemptions-format";
import { matches } from "./match";
import { type CheckedExemption, exemptionFor, readExemptions } from "./reader";

type ObjectReport = (v: { message: string; urn?: string; enforcementLevel?: string }) => void;

/** Label for messages: position and ticket (config values, never resource property values). */
function label(c: CheckedExemption): string {
  const t = typeof c.exemption.ticket === "string" ? ` (${c.exemption.ticket})` : "";
  return `exemptions[${c.index}]${t}`;
}

/**
 * A reportViolation that puts the exemption note in front of findings on exempted resources: advisory
 * while in effect, unchanged level once expired. `resolve` finds the resource (name) a finding is about.
 */
export function exemptingReporter(
  report: ReportViolation,
  description: string,
  list: readonly CheckedExemption[],
  day: string,
  resolve: (urn: string | undefined) => { urn: string; name: string } | undefined,
): ReportViolation {
  const asObject = report as unknown as ObjectReport;
  const fn = (message: unknown, urn?: string): void => {
    const isObject = message !== null && typeof message === "object";
    const obj = (isObject ? message : {}) as { message?: string; urn?: string; enforcementLevel?: string };
    const targetUrn = isObject ? obj.urn : urn;
    const target = resolve(targetUrn);
    const found = target && exemptionFor(list, target.urn, target.name, day);
    if (!found) {
      (report as unknown as (m: unknown, u?: string) => void)(message, urn);
      return;
    }
    let text = isObject ? (obj.message ?? "") : typeof message === "string" ? message : "";
    if (isObject && text.startsWith(`${description}\n`)) text = text.slice(description.length + 1);
    const noted = formatExempted(found.exemption, found.status, text);
    if (found.status === "active") {
      asObject({ ...obj, message: `${description}\n${noted}`, urn: targetUrn, enforcementLevel: "advisory" });
    } else if (isObject) {
      asObject({ ...obj, message: `${description}\n${noted}` });
    } else {
      report(noted, urn);
    }
  };
  return fn as ReportViolation;
}

/**
 * Checks a policy's exemptions against the stack and reports problems: malformed, too broad or matching no
 * resource is a mandatory violation, expired is an advisory reminder.
 */
export function reportExemptionProblems(
  config: Record<string, unknown>,
  resources: readonly PolicyResource[],
  report: ReportViolation,
  description: string,
  day: string,
): void {
  const { exemptions, problems } = readExemptions(config, day);
  const asObject = report as unknown as ObjectReport;
  const mandatory = (m: string) =>
    asObject({ message: `${description}\n${m}`, enforcementLevel: "mandatory" });
  for (const p of problems) mandatory(`invalid exemption config: ${p}`);
  for (const c of exemptions) {
    if (c.problems.length > 0) {
      mandatory(`${label(c)} is invalid and exempts nothing: ${c.problems.join("; ")}`);
      continue;
    }
    if (!resources.some((r) => matches(c.matcher, r.urn, r.name))) {
      mandatory(
        `${label(c)} for resource "${c.exemption.resource}" matches no resource in this stack; remove it, or correct the name or URN pattern`,
      );
      continue;
    }
    if (statusOn(c.exemption.expires, day) === "expired") {
      asObject({
        message: `${description}\n${label(c)} expired on ${c.exemption.expires}; the violations it covered are enforced again. Remove it, or renew it with a new approval.`,
        enforcementLevel: "advisory",
      });
    }
  }
}
