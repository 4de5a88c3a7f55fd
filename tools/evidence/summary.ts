/**
 * The one-line verdict every output leads with (console of check and evidence, evidence.md), so the
 * headline reads the same everywhere and agrees with the sections below it.
 */
import { type Evidence, VERDICT_LABELS } from "./model";

/** Result and resource counts, without the verdict word. */
export function headlineCounts(e: Evidence): string {
  const t = e.totals;
  // A review of existing state has no preview: what cannot be decided there stays undecided.
  const undecided = e.metadata.operation === "analyze" ? "not decidable" : "not decidable at preview";
  return (
    `${t.mandatoryViolations} mandatory violation(s), ${t.advisoryViolations} advisory, ` +
    `${t.undecidedAtPreview} ${undecided}, ${t.passed} passed, ${t.notApplicable} not applicable ` +
    `(policy results); resources: ${t.resourcesChecked} checked, ${t.resourcesNotApplicable} not applicable, ` +
    `${t.resourcesNotAnalysed} not analysed, ${t.resources} in all (the stack resource included)` +
    (t.resourcesDrifted !== undefined ? `; ${t.resourcesDrifted} drifted` : "")
  );
}

/** `PASS: …`, `FAIL: …`, `NOT APPLICABLE: …` or `INCOMPLETE: …`. */
export function headline(e: Evidence): string {
  return `${VERDICT_LABELS[e.verdict]}: ${headlineCounts(e)}`;
}
