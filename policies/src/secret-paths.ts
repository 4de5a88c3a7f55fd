/**
 * Which property values were secrets on the wire. @pulumi/policy unwraps secrets before policies see
 * them, so a message could otherwise echo one. The deserialiser (deserialize-cache.ts, and the test
 * harness) remembers the wire form of each props object; a policy asks only when it is about to name a
 * value in a message, so the walk costs nothing on the common path.
 */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

const wireOf = new WeakMap<object, unknown>();

/** Records the wire form (a protobuf Struct or its plain JSON) a props object was deserialised from. */
export function rememberWire(props: object, wire: unknown): void {
  wireOf.set(props, wire);
}

/** `ingress[1].fromPort` → ["ingress", 1, "fromPort"]. */
function segments(path: string): Array<string | number> {
  const out: Array<string | number> = [];
  for (const part of path.split(".")) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) return [part];
    if (m[1]) out.push(m[1]);
    for (const i of m[2].matchAll(/\[(\d+)\]/g)) out.push(Number(i[1]));
  }
  return out;
}

const isSecretWire = (v: unknown) =>
  v !== null && typeof v === "object" && (v as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;

/**
 * True when the value at `path` (or anything on the way to it) was a secret, or when it cannot be told
 * (no wire form recorded): callers then leave the value out of the message.
 */
export function mayBeSecret(props: object, path: string): boolean {
  const derived = derivedOf.get(props);
  if (derived) return derived(path);
  return walkWire(props, path, false);
}

/**
 * Walks the wire form of `props` along `path`: true at a secret on the way, `offWire` where the path leaves
 * the wire form, true when no wire form was recorded.
 */
function walkWire(props: object, path: string, offWire: boolean): boolean {
  let wire = wireOf.get(props);
  if (wire === undefined) return true;
  if (typeof (wire as { toJavaScript?: unknown }).toJavaScript === "function") {
    wire = (wire as { toJavaScript(): unknown }).toJavaScript();
    wireOf.set(props, wire);
  }
  let cur = wire;
  for (const s of segments(path)) {
    if (isSecretWire(cur)) return true;
    if (cur === null || typeof cur !== "object") return offWire;
    cur = (cur as Record<string | number, unknown>)[s];
    if (offWire && cur === undefined) return true;
  }
  return isSecretWire(cur);
}

/** Forms built from another resource's props (policies/src/shapes/): their secrecy is asked of the source. */
const derivedOf = new WeakMap<object, (path: string) => boolean>();

/** Records how to tell, for a path of `derived`, whether its value may have been a secret. */
export function rememberDerived(derived: object, maySecret: (path: string) => boolean): void {
  derivedOf.set(derived, maySecret);
}

/**
 * Like {@link mayBeSecret}, but also true when the path does not lead to a value of the wire form (a value
 * that was moved or computed: whether it came from a secret cannot be told).
 */
export function mayBeSecretOrElsewhere(props: object, path: string): boolean {
  return walkWire(props, path, true);
}
