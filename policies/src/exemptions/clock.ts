/** "Today" for exemption expiry: the UTC day of the run. */
import { utcDay } from "../exemptions-format";

let clock: (() => Date) | undefined;

/**
 * Fixes "now" for tests. Deliberately not an environment variable: whoever runs `pulumi preview` controls
 * the environment and could keep expired exemptions alive.
 */
export function setExemptionClockForTesting(now: (() => Date) | undefined): void {
  clock = now;
}

// The real clock's day, kept until the next UTC midnight: today() runs once per policy per resource.
let day = "";
let nextMidnight = 0;

export function today(): string {
  if (clock) return utcDay(clock());
  const now = Date.now();
  if (now >= nextMidnight) {
    day = utcDay(new Date(now));
    nextMidnight = Date.parse(`${day}T00:00:00Z`) + 86_400_000;
  }
  return day;
}
