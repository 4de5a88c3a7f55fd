/**
 * Raised when a component argument would produce something the policy pack blocks. The message names the
 * component, the field, the offending value and the fix, e.g.
 * `AllowlistedSecurityGroup "api": ingress[0].fromPort = 22 is not allowlisted (allowed: tcp/443). Fix: ...`.
 * Values from secret inputs must never be passed as `value`.
 */
export class PhiConfigError extends Error {
  constructor(
    readonly component: string,
    readonly resourceName: string,
    readonly field: string,
    readonly value: unknown,
    readonly problem: string,
    readonly fix: string,
    /** Every problem found, this one first; further lines of the message, one per problem. */
    readonly problems: readonly ConfigProblem[] = [{ component, resourceName, field, value, problem, fix }],
  ) {
    super(problems.map(describeProblem).join("\n"));
    this.name = "PhiConfigError";
  }

  static of(problems: readonly ConfigProblem[]): PhiConfigError {
    const [p] = problems;
    return new PhiConfigError(p.component, p.resourceName, p.field, p.value, p.problem, p.fix, problems);
  }
}

/** How error messages show a (non-secret) value: JSON where possible, `(unset)` for undefined. */
export function formatValue(value: unknown): string {
  if (value === undefined) return "(unset)";
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** One refusal of one argument: what PhiConfigError reports, one per problem found. */
export interface ConfigProblem {
  readonly component: string;
  readonly resourceName: string;
  readonly field: string;
  readonly value: unknown;
  readonly problem: string;
  readonly fix: string;
}

/** The one line a problem reads as, e.g. `TlsLoadBalancer "api": listenerPort = 0 must be ... Fix: use 443`. */
export function describeProblem(p: ConfigProblem): string {
  return `${p.component} "${p.resourceName}": ${p.field} = ${formatValue(p.value)} ${p.problem}. Fix: ${p.fix}`;
}

/** Thrown by {@link ConfigChecks.stop} to end the checks that cannot go on; never escapes {@link runChecks}. */
class ChecksStopped extends Error {}

/**
 * Collects every problem of one component's arguments. `report` records a problem and lets the remaining
 * checks run; `stop` records one the remaining checks cannot run past (e.g. `args` missing).
 */
export class ConfigChecks {
  readonly problems: ConfigProblem[] = [];
  constructor(
    readonly component: string,
    readonly resourceName: string,
  ) {}

  report(field: string, value: unknown, problem: string, fix: string): void {
    this.problems.push({
      component: this.component,
      resourceName: this.resourceName,
      field,
      value,
      problem,
      fix,
    });
  }

  stop(field: string, value: unknown, problem: string, fix: string): never {
    this.report(field, value, problem, fix);
    throw new ChecksStopped();
  }

  /** Runs one group of checks; a `stop` inside it ends only that group, the checks after it still run. */
  section<T>(checks: () => T): T | undefined {
    try {
      return checks();
    } catch (e) {
      if (!(e instanceof ChecksStopped)) throw e;
      return undefined;
    }
  }

  /** Adds a child component's problems as they are, under the child's own component and resource name. */
  addAll(problems: readonly ConfigProblem[]): void {
    this.problems.push(...problems);
  }

  /**
   * Adds a child component's problems as this component's own. `parentField` names, for each, the field of
   * this component it comes from (e.g. `retentionDays` -> `flowLogRetentionDays`), optionally with the
   * value as this component's caller wrote it and the fix in this component's terms; by default the fix
   * is the child's with the child's field name replaced. A problem it returns undefined for is no field of
   * this component's and is added as it is, under the child's name. A field this component already
   * reported (or a part of it, or a field it is part of) is not reported again: one refusal per mistake.
   */
  include(
    problems: readonly ConfigProblem[],
    parentField: (p: ConfigProblem) => string | ParentField | undefined = (p) => p.field,
  ): void {
    for (const p of problems) {
      const mapped = parentField(p);
      if (mapped === undefined) {
        this.problems.push(p);
        continue;
      }
      const to: ParentField = typeof mapped === "string" ? { field: mapped } : mapped;
      if (this.hasProblemAt(to.field)) continue;
      this.report(
        to.field,
        "value" in to ? to.value : p.value,
        p.problem,
        to.fix ?? (to.field === p.field ? p.fix : p.fix.split(p.field).join(to.field)),
      );
    }
  }

  /** True when this component reported a problem at `field`, inside it, or at a field containing it. */
  hasProblemAt(field: string): boolean {
    const within = (inner: string, outer: string) =>
      inner === outer || inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`);
    return this.problems.some(
      (p) =>
        p.component === this.component &&
        p.resourceName === this.resourceName &&
        (within(p.field, field) || within(field, p.field)),
    );
  }
}

/** Where {@link ConfigChecks.include} puts a child's problem: the parent's field, value and fix. */
export interface ParentField {
  readonly field: string;
  /** The value as the parent's caller wrote it. Default: the child's value. */
  readonly value?: unknown;
  /** The fix in the parent's terms. Default: the child's, with the child's field name replaced. */
  readonly fix?: string;
}

/** Runs `checks` and returns its result (when it ran to the end) and every problem it found. */
export function runChecks<T>(
  component: string,
  resourceName: string,
  checks: (c: ConfigChecks) => T,
): { result: T | undefined; problems: ConfigProblem[] } {
  const c = new ConfigChecks(component, resourceName);
  try {
    return { result: checks(c), problems: c.problems };
  } catch (e) {
    if (!(e instanceof ChecksStopped)) throw e;
    return { result: undefined, problems: c.problems };
  }
}

/** Runs `checks`; throws a {@link PhiConfigError} listing every problem, else returns the result. */
export function checkedOrThrow<T>(
  component: string,
  resourceName: string,
  checks: (c: ConfigChecks) => T,
): T {
  const { result, problems } = runChecks(component, resourceName, checks);
  throwIfProblems(problems);
  return result as T;
}

/** Throws one {@link PhiConfigError} for all `problems` (its fields are the first one's), if there are any. */
export function throwIfProblems(problems: readonly ConfigProblem[]): void {
  if (problems.length > 0) throw PhiConfigError.of(problems);
}
