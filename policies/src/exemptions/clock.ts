/** "Today" for exemption expiry: the UTC day of the run. */
import { utcDay } from "../exemptions-format";

let clock: () => Date = () => new Date();

/**
 * Fixes "now" for tests. Deliberately not an environment variable: whoever runs `pulumi preview` controls
 * the environment and could keep expired exemptions alive.
 */
export function setExemptionClockForTesting(now: (() => Date) | undefined): void {
  clock = now ?? (() => new Date());
}

export function today(): string {
  return utcDay(clock());
}
