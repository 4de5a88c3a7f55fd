/**
 * The exemption options every policy's configSchema gets. These objects are the one definition: the pack
 * serves them in GetAnalyzerInfo (the CLI and the offline check validate config with them) and the pack's
 * own reader (reader.ts) validates with the very same objects.
 */
import type { PolicyConfigSchema } from "@pulumi/policy";
import { APPROVER_PATTERN, DATE_PATTERN, REASON_PATTERN, TICKET_PATTERN } from "../exemptions-format";

export const EXEMPTIONS_OPTION = "exemptions";
export const ALLOW_BROAD_OPTION = "allowBroadExemptions";
export const MAX_DAYS_OPTION = "maxExemptionDays";
/** How far ahead an exemption may expire unless the policy's config says otherwise. */
export const DEFAULT_MAX_EXEMPTION_DAYS = 365;

/** The `exemptions` option every policy's configSchema gets (one shared object). */
export const exemptionsSchema = {
  type: "array",
  description:
    "Accepted violations of this policy, each for one resource (its name, or a URN pattern where * matches any characters), with a reason, a ticket, an approver and the last day (UTC) it is in effect. An exempted violation is reported as advisory until then, and at the policy's level afterwards.",
  default: [],
  items: {
    type: "object",
    additionalProperties: false,
    required: ["resource", "reason", "ticket", "expires", "approvedBy"],
    properties: {
      resource: {
        type: "string",
        minLength: 1,
        maxLength: 1024,
        description:
          'Resource name, or URN pattern "urn:pulumi:<stack>::<project>::<type>::<name>" with * wildcards.',
      },
      reason: {
        type: "string",
        minLength: 10,
        maxLength: 500,
        pattern: REASON_PATTERN,
        description: "Why the violation is accepted (one line).",
      },
      ticket: {
        type: "string",
        maxLength: 300,
        pattern: TICKET_PATTERN,
        description: "Tracking ticket: a key such as SEC-123, or an https URL.",
      },
      expires: {
        type: "string",
        pattern: DATE_PATTERN,
        description: "Last day the exemption is in effect (UTC), YYYY-MM-DD.",
      },
      approvedBy: {
        type: "string",
        minLength: 2,
        maxLength: 200,
        pattern: APPROVER_PATTERN,
        description: "Who approved it (name or e-mail; no parentheses or commas).",
      },
    },
  },
} as const;

export const allowBroadExemptionsSchema = {
  type: "boolean",
  description:
    'Allow exemptions whose resource matches every resource ("*", or a URN pattern whose name is only wildcards). Off by default: such an exemption switches the policy off.',
  default: false,
} as const;

export const maxExemptionDaysSchema = {
  type: "integer",
  minimum: 1,
  maximum: 3650,
  description:
    "Longest time ahead, in days from the day of the run (UTC), an exemption's expires may lie. An exemption expiring later is refused and exempts nothing. Default 365.",
  default: DEFAULT_MAX_EXEMPTION_DAYS,
} as const;

/** A policy's configSchema plus the exemption options. */
export function schemaWithExemptions(schema: PolicyConfigSchema | undefined): PolicyConfigSchema {
  const properties = { ...(schema?.properties ?? {}) };
  for (const key of [EXEMPTIONS_OPTION, ALLOW_BROAD_OPTION, MAX_DAYS_OPTION]) {
    if (key in properties) throw new Error(`configSchema already declares "${key}"`);
  }
  return {
    ...schema,
    properties: {
      ...properties,
      [EXEMPTIONS_OPTION]: exemptionsSchema as never,
      [ALLOW_BROAD_OPTION]: allowBroadExemptionsSchema,
      [MAX_DAYS_OPTION]: maxExemptionDaysSchema,
    },
  };
}
