/**
 * The one-line verdict every output leads with (console of check and evidence, evidence.md), so the
 * headline reads the same everywhere and agrees with the sections below it.
 */
import { type Evidence, VERDICT_LABELS } from "./model";

/** Result and resource counts, without the verdict word. */
export function headlineCounts(e: Evidence): string {
  const t = e.totals;
  return (
    `${t.mandatoryViolations} mandatory violation(s), ${t.advisoryViolations} advisory, ` +
    `${t.undecidedAtPreview} not decidable at preview, ${t.passed} passed, ${t.notApplicable} not applicable ` +
    `(policy results); resources: ${t.resourcesChecked} checked, ${t.resourcesNotApplicable} not applicable, ` +
    `${t.resourcesNotAnalysed} not analysed, ${t.resources} in all (the stack resource included)`
  );
}

/** `PASS: …`, `FAIL: …`, `NOT APPLICABLE: …` or `INCOMPLETE: …`. */
export function headline(e: Evidence): string {
  return `${VERDICT_LABELS[e.verdict]}: ${headlineCounts(e)}`;
}
