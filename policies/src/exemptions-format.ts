/**
 * The one place the text of an exemption note is written and read. The pack prefixes every finding it
 * lowers (or re-raises) because of an exemption with this note; the evidence builder parses it back. Both
 * import this module, so the format cannot drift between them.
 *
 *   exempted until 2026-09-30: <reason> (<ticket>, approved by <who>) — <original message>
 *   exemption expired on 2026-03-31: <reason> (<ticket>, approved by <who>) — <original message>
 *
 * Parsing is unambiguous because the schema constrains the delimiting fields: the ticket and the approver
 * cannot contain parentheses, commas or newlines, the reason cannot contain a newline, and the date is
 * YYYY-MM-DD. No side effects and no imports: tools load it without the pack.
 */

/** One exemption as declared in a policy's config (`exemptions[]`). */
export interface Exemption {
  /** A Pulumi resource name, or a URN pattern (`urn:pulumi:` …) in which `*` matches any characters. */
  resource: string;
  /** Why the violation is accepted (at least 10 characters, one line). */
  reason: string;
  /** The tracking ticket, e.g. `SEC-123`, or an https URL. */
  ticket: string;
  /** Last day (UTC) the exemption is in effect, YYYY-MM-DD. */
  expires: string;
  /** Who approved it (a name or e-mail address). */
  approvedBy: string;
}

export type ExemptionStatus = "active" | "expired";

/** Jira-style key (`SEC-123`) or an https URL without whitespace, parentheses or commas. */
export const TICKET_PATTERN = "^(?:[A-Z][A-Z0-9]+-[0-9]+|https://[^\\s(),]+)$";
/** YYYY-MM-DD; whether it is a real calendar day is checked by {@link isCalendarDate}. */
export const DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";
/** One line. */
export const REASON_PATTERN = "^[^\\r\\n]*\\S[^\\r\\n]*$";
/** One line, no parentheses or commas (they delimit the note), no surrounding whitespace. */
export const APPROVER_PATTERN = "^[^\\s(),](?:[^\\r\\n(),]*[^\\s(),])?$";

const SEPARATOR = " — ";
const ACTIVE = "exempted until";
const EXPIRED = "exemption expired on";

/** True for a YYYY-MM-DD string naming a real day (rejects 2026-02-30, 2026-13-01). */
export function isCalendarDate(value: string): boolean {
  if (!new RegExp(DATE_PATTERN).test(value)) return false;
  const [y, m, d] = value.split("-").map(Number);
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/** The UTC calendar day of a time, YYYY-MM-DD. */
export function utcDay(time: Date): string {
  return time.toISOString().slice(0, 10);
}

/** Whole days from UTC day `from` to UTC day `to` (both YYYY-MM-DD); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** `expires` is the last day in effect: expired once the UTC day is after it. */
export function statusOn(expires: string, today: string): ExemptionStatus {
  return today > expires ? "expired" : "active";
}

/** The note without the original message. */
export function exemptionNote(e: Exemption, status: ExemptionStatus): string {
  return `${status === "active" ? ACTIVE : EXPIRED} ${e.expires}: ${e.reason} (${e.ticket}, approved by ${e.approvedBy})`;
}

/** A finding's text with the note in front. */
export function formatExempted(e: Exemption, status: ExemptionStatus, original: string): string {
  return `${exemptionNote(e, status)}${SEPARATOR}${original}`;
}

export interface ParsedExemptionNote {
  status: ExemptionStatus;
  expires: string;
  reason: string;
  ticket: string;
  approvedBy: string;
  /** The finding's own text after the note. */
  original: string;
}

const NOTE = new RegExp(
  `^(${ACTIVE}|${EXPIRED}) ([0-9]{4}-[0-9]{2}-[0-9]{2}): ([^\\r\\n]+?) ` +
    `\\(((?:[A-Z][A-Z0-9]+-[0-9]+|https://[^\\s(),]+)), approved by ([^\\r\\n(),]+)\\)${SEPARATOR}`,
);

/**
 * The exemption note in a diagnostic message, if any. The note starts a line: the message is either the
 * note line itself or `<policy description>\n<note line>` (the engine's shape for every finding).
 */
export function parseExemptionNote(message: string): ParsedExemptionNote | undefined {
  for (const line of message.split("\n")) {
    const m = NOTE.exec(line);
    if (!m) continue;
    const start = message.indexOf(line) + m[0].length;
    return {
      status: m[1] === ACTIVE ? "active" : "expired",
      expires: m[2],
      reason: m[3],
      ticket: m[4],
      approvedBy: m[5],
      original: message.slice(start),
    };
  }
  return undefined;
}
