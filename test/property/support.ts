/**
 * Shared plumbing of the property suites: the fixed seed (env FC_SEED, replay with FC_PATH), run counts
 * (scaled by FC_SCALE), an assertion wrapper whose message always carries seed and path, and the helpers
 * that derive fully-known resources and "one other field made unknown" variants.
 */
import Ajv from "ajv";
import fc from "fast-check";
import { SecretValue, UNKNOWN, type GenResource } from "./arbitraries";

/**
 * The harness (policies/src/testing/harness.ts) compiles the policy's config schema with ajv on every
 * runResource/runStack call (ajv caches by schema object identity and the harness builds a fresh object
 * each time): ~5 ms per call, which would make 10,000s of calls take minutes. Compiled validators are
 * memoised here per ajv instance and schema text; validation results are identical.
 */
const compileCache = new WeakMap<object, Map<string, unknown>>();
const originalCompile = Ajv.prototype.compile;
Ajv.prototype.compile = function memoisedCompile(this: Ajv, schema: unknown, meta?: boolean) {
  let cache = compileCache.get(this);
  if (!cache) compileCache.set(this, (cache = new Map()));
  const key = `${meta ? 1 : 0}${JSON.stringify(schema)}`;
  let validate = cache.get(key);
  if (!validate) cache.set(key, (validate = originalCompile.call(this, schema as object, meta)));
  return validate as ReturnType<typeof originalCompile>;
} as typeof Ajv.prototype.compile;

export const SEED = Number(process.env.FC_SEED ?? 20260607);
const SCALE = Number(process.env.FC_SCALE ?? 1);

/** Number of runs for a property, scaled by FC_SCALE (at least 1). */
export function runs(n: number): number {
  return Math.max(1, Math.round(n * SCALE));
}

/**
 * fc.assert with the suite's seed. On failure the thrown message starts with the seed and path to
 * replay (`FC_SEED=<seed> FC_PATH=<path> npx jest <file>`), followed by fast-check's own report.
 */
export async function check<Ts extends [unknown, ...unknown[]]>(
  name: string,
  property: fc.IAsyncPropertyWithHooks<Ts> | fc.IPropertyWithHooks<Ts>,
  numRuns: number,
): Promise<void> {
  const params: fc.Parameters<Ts> = { seed: SEED, numRuns, endOnFailure: false };
  if (process.env.FC_PATH) params.path = process.env.FC_PATH;
  const details = await fc.check(property as fc.IAsyncProperty<Ts>, params);
  if (details.failed) {
    const replay = `FC_SEED=${details.seed} FC_PATH=${details.counterexamplePath ?? ""}`;
    throw new Error(
      `property "${name}" failed (seed ${details.seed}, path ${details.counterexamplePath}); replay with ${replay}\n` +
        fc.defaultReportMessage(details) +
        (details.errorInstance instanceof Error ? `\nproperty error: ${details.errorInstance.message}` : ""),
    );
  }
}

/** Replaces every UNKNOWN with a missing field (objects) or null (lists): a fully-known resource. */
export function withoutUnknowns(v: unknown): unknown {
  if (v instanceof SecretValue) return new SecretValue(withoutUnknowns(v.value));
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map((x) => (x === UNKNOWN ? null : withoutUnknowns(x)));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (x !== UNKNOWN) out[k] = withoutUnknowns(x);
  return out;
}

export function known(r: GenResource): GenResource {
  return { ...r, props: withoutUnknowns(r.props) as Record<string, unknown> };
}

export type Path = (string | number)[];

/** Every path in the props tree (objects, lists, leaves; inside secrets too), parents before children. */
export function allPaths(v: unknown, prefix: Path = [], into: Path[] = []): Path[] {
  if (v instanceof SecretValue) return allPaths(v.value, prefix, into);
  if (v === null || typeof v !== "object") return into;
  const entries: [string | number, unknown][] = Array.isArray(v)
    ? v.map((x, i) => [i, x])
    : Object.entries(v);
  for (const [k, x] of entries) {
    into.push([...prefix, k]);
    allPaths(x, [...prefix, k], into);
  }
  return into;
}

function isPrefix(a: Path, b: Path): boolean {
  return a.length <= b.length && a.every((k, i) => b[i] === k);
}

/** True when `p` is independent of every deciding path (neither an ancestor, nor equal, nor a descendant). */
export function independentOf(p: Path, deciding: Path[]): boolean {
  return deciding.every((d) => !isPrefix(p, d) && !isPrefix(d, p));
}

/** A copy of `props` with the value at `p` (which may be a new key of an object) replaced by UNKNOWN. */
export function setUnknown(props: Record<string, unknown>, p: Path): Record<string, unknown> {
  return setAt(props, p, UNKNOWN);
}

/** Marks a key as absent for {@link setAt}: the program did not set the field. */
export const ABSENT: unique symbol = Symbol("absent");

/** A copy of `props` with the value at `p` replaced by `value` (or the key removed, for ABSENT). */
export function setAt(props: Record<string, unknown>, p: Path, value: unknown): Record<string, unknown> {
  const copy = structuredCloneMarkers(props) as Record<string, unknown>;
  let cur: unknown = copy;
  for (let i = 0; i < p.length - 1; i++) {
    cur = (cur as Record<string | number, unknown>)[p[i]];
    if (cur instanceof SecretValue) cur = cur.value;
  }
  const parent = cur as Record<string | number, unknown>;
  const key = p[p.length - 1];
  if (value !== ABSENT) parent[key] = value;
  else if (Array.isArray(parent)) parent[key as number] = null;
  else delete parent[key];
  return copy;
}

/** The value at `p` (through secrets), undefined when a step is missing. */
export function valueAt(props: unknown, p: Path): unknown {
  let cur: unknown = props;
  for (const k of p) {
    if (cur instanceof SecretValue) cur = cur.value;
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string | number, unknown>)[k];
  }
  return cur instanceof SecretValue ? cur.value : cur;
}

function structuredCloneMarkers(v: unknown): unknown {
  if (v === UNKNOWN) return v;
  if (v instanceof SecretValue) return new SecretValue(structuredCloneMarkers(v.value));
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map(structuredCloneMarkers);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, structuredCloneMarkers(x)]));
}

/** Value at a path (through secrets), for messages. */
export function show(props: unknown): string {
  return JSON.stringify(props, (_k, v: unknown) =>
    v === UNKNOWN ? "<UNKNOWN>" : v instanceof SecretValue ? { "<secret>": v.value } : v,
  );
}

/** Counts generated resources per suite, reported once at the end. */
export class Tally {
  private readonly counts = new Map<string, number>();
  add(what: string, n = 1): void {
    this.counts.set(what, (this.counts.get(what) ?? 0) + n);
  }
  get total(): number {
    let t = 0;
    for (const n of this.counts.values()) t += n;
    return t;
  }
  report(suite: string, startedAt: number): string {
    const parts = [...this.counts].map(([k, n]) => `${k}: ${n}`).join(", ");
    return `${suite}: ${this.total} generated resources (${parts}) in ${((Date.now() - startedAt) / 1000).toFixed(1)} s, seed ${SEED}`;
  }
}
