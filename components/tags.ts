/**
 * Tags every phi-channels component puts on what it creates, so inventories, cost reports and the
 * auditors' evidence can tell which resources hold or carry PHI (HIPAA 164.310(d)(1) device and media
 * inventory) without reading the program.
 */

import { AUDIT_LOG_CLASSIFICATION, DATA_CLASSIFICATION_TAG } from "../policies/src/rules/tags";
import type { ConfigChecks } from "./errors";

/** Tag key naming the data classification of a resource (from the rules module, which the pack reads). */
export { DATA_CLASSIFICATION_TAG };
/** Every tag key the components set starts with this; callers' tags may not use it (PhiChannel refuses them). */
export const RESERVED_TAG_PREFIX = "phi-channels:";
/** Tag key naming the phi-channels component type that created a resource. */
export const COMPONENT_TAG = `${RESERVED_TAG_PREFIX}component`;

/**
 * `phi`: holds or carries electronic PHI. `audit-log`: audit trail (access logs, flow logs) that may
 * contain client addresses and request lines and must be retained immutably. `internal`: neither.
 */
export type DataClassification = "phi" | typeof AUDIT_LOG_CLASSIFICATION | "internal";
export const DATA_CLASSIFICATIONS: readonly DataClassification[] = [
  "phi",
  AUDIT_LOG_CLASSIFICATION,
  "internal",
];
/** What a component that guards or carries a channel is classified as unless told otherwise. */
export const DEFAULT_DATA_CLASSIFICATION: DataClassification = "phi";

export const PHI_TAGS: Readonly<Record<string, string>> = Object.freeze({ [DATA_CLASSIFICATION_TAG]: "phi" });
export const AUDIT_LOG_TAGS: Readonly<Record<string, string>> = Object.freeze({
  [DATA_CLASSIFICATION_TAG]: AUDIT_LOG_CLASSIFICATION,
});

/** Tag keys callers cannot override: a caller must not be able to downgrade a classification. */
export const RESERVED_TAG_KEYS: readonly string[] = [DATA_CLASSIFICATION_TAG, COMPONENT_TAG];

/**
 * Merges caller tags with the classification and component tags. The reserved keys always win, so a
 * caller's `{"phi-channels:data-classification": "internal"}` cannot relabel a PHI resource.
 */
export function mergeTags(
  classification: DataClassification,
  userTags: Record<string, string> | undefined,
  component?: string,
): Record<string, string> {
  const merged: Record<string, string> = { ...(userTags ?? {}) };
  merged[DATA_CLASSIFICATION_TAG] = classification;
  if (component !== undefined) merged[COMPONENT_TAG] = component;
  return merged;
}

/** The one check of a `tags` argument: a map of string values (unset is fine). */
export function checkTagMap(c: ConfigChecks, tags: unknown): void {
  if (tags === undefined) return;
  if (tags === null || typeof tags !== "object" || Array.isArray(tags)) {
    c.report("tags", tags, "is not a map of strings", 'pass an object such as { team: "records" }');
    return;
  }
  for (const [k, v] of Object.entries(tags)) {
    if (typeof v !== "string") c.report(`tags.${k}`, v, "is not a string", "tag values must be strings");
  }
}
