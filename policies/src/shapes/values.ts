/**
 * Copying values from one provider's shape to another without losing what is unknown at preview: an
 * unknown sentinel (or an unknown whole sub-object) is carried over as it is, so the policies still see
 * "unknown" where the engine said so, and a known value of the wrong shape is kept as it is, so the
 * policies still fail closed on it.
 */
import { isUnknown, sameText } from "../policy-kit";

/** The sentinel the engine sends for an unknown string (any sentinel reads as unknown; see policy-kit). */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export type Raw = Record<string, unknown>;

export function isObject(v: unknown): v is Raw {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** `obj[key]`; an unknown `obj` makes every field of it unknown; undefined for anything else. */
export function get(obj: unknown, key: string): unknown {
  if (isUnknown(obj)) return obj;
  return isObject(obj) ? obj[key] : undefined;
}

/** Walks a dotted path with {@link get}. */
export function getPath(obj: unknown, dotted: string): unknown {
  let cur = obj;
  for (const k of dotted.split(".")) cur = get(cur, k);
  return cur;
}

/** A list mapped element by element: unknown list / elements kept, unset stays unset, other shapes kept. */
export function mapList(v: unknown, fn: (element: Raw, index: number) => unknown): unknown {
  if (v === undefined || v === null || isUnknown(v) || !Array.isArray(v)) return v;
  return v.map((e, i) => (isUnknown(e) || !isObject(e) ? e : fn(e, i)));
}

/** An object mapped as a whole: unknown kept, unset stays unset, other shapes kept. */
export function mapObject(v: unknown, fn: (o: Raw) => unknown): unknown {
  if (!isObject(v)) return v;
  return fn(v);
}

/** A scalar as a one-element list (`cidrIp` → `cidrBlocks`); unset stays unset, unknown stays unknown. */
export function asList(v: unknown): unknown {
  if (v === undefined || v === null || v === "") return undefined;
  return isUnknown(v) ? v : [v];
}

/** `status: "Enabled"` → true; unknown stays unknown, unset stays unset. */
export function statusIs(v: unknown, enabled: string): unknown {
  if (v === undefined || v === null || isUnknown(v)) return v;
  return sameText(v, enabled);
}

/** The first of the values that is set (unknown counts as set). */
export function firstSet(...vs: unknown[]): unknown {
  return vs.find((v) => v !== undefined && v !== null && v !== "");
}

/** An object without its unset fields (so "unset" reads as unset, not as a field set to undefined). */
export function compact(o: Raw): Raw {
  const out: Raw = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out;
}

/** Top-level fields copied under new names (`{ keySpec: "customerMasterKeySpec" }`). */
export function renamed(props: Raw, renames: Readonly<Record<string, string>>): Raw {
  const out: Raw = {};
  for (const [from, to] of Object.entries(renames)) if (props[from] !== undefined) out[to] = props[from];
  return out;
}

/**
 * CloudFormation's tag list (`[{ key, value }]`) as the classic provider's map. An unknown list, or an
 * entry whose key is unknown, makes the whole map unknown (any tag may then be the one a policy reads).
 */
export function tagMap(v: unknown): unknown {
  if (v === undefined || v === null || isUnknown(v) || !Array.isArray(v)) return v;
  const out: Raw = {};
  for (const e of v) {
    if (isUnknown(e) || !isObject(e) || isUnknown(e.key)) return UNKNOWN_VALUE;
    if (typeof e.key === "string") out[e.key] = e.value;
  }
  return out;
}
