/**
 * Evidence for auditors from a normalised PolicyRun: `evidence.json` (schema in evidence.schema.json),
 * `evidence.md`, `evidence.sarif` and `SHA256SUMS`, written atomically.
 */
export { buildEvidence, hipaaMapping, isUndecidedAtPreviewMessage } from "./build";
export { canonicalJson, sha256Hex } from "./canonical";
export { loadOurPack, loadOurPolicyMetadata } from "./catalog";
export { EventLogError, parseEventLog, stripColour, type EventLogOptions } from "./event-log";
export { MARKDOWN_MARKER, renderMarkdown } from "./markdown";
export * from "./model";
export type * from "./run";
export { renderSarif, sarifLevel } from "./sarif";
export {
  BUNDLE_LAYOUT,
  BUNDLE_MARKER,
  EVIDENCE_FILES,
  renderBundle,
  renderJson,
  renderSums,
  SUMS_FILE,
  writeEvidence,
  type WriteOptions,
} from "./write";
export {
  buildIntoto,
  EVIDENCE_PREDICATE_TYPE,
  INTOTO_FILE,
  INTOTO_STATEMENT_TYPE,
  renderIntoto,
} from "./intoto";
export { headline, headlineCounts } from "./summary";
