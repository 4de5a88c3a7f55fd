/**
 * Integers as the AWS provider reads them. The Pulumi bridge converts decimal text given for a numeric
 * input to the number (`"2190"` is 2190 days, `"443"` port 443), so such text must decide exactly as the
 * number does: no false block. Only canonical decimal text is read (an optional minus, no leading zeros,
 * no sign `+`, spaces, exponent or fraction): Terraform's SDK parses integer text with base prefixes
 * (`strconv.ParseInt(s, 0, 0)`), so `"010"` is 8 there and `"0x1bb"` 443, while other conversions refuse
 * them. Whatever could be read two ways is not read at all, and callers fail closed on it.
 */
const INTEGER_TEXT = /^-?(0|[1-9][0-9]*)$/;

/** An integer written as a number or as canonical decimal text; undefined for anything else. */
export function parseInteger(raw: unknown): number | undefined {
  if (typeof raw === "number") return Number.isSafeInteger(raw) ? raw : undefined;
  if (typeof raw !== "string" || !INTEGER_TEXT.test(raw)) return undefined;
  const n = Number(raw);
  return Number.isSafeInteger(n) ? n + 0 : undefined;
}
