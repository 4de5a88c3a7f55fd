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
  let wire = wireOf.get(props);
  if (wire === undefined) return true;
  if (typeof (wire as { toJavaScript?: unknown }).toJavaScript === "function") {
    wire = (wire as { toJavaScript(): unknown }).toJavaScript();
    wireOf.set(props, wire);
  }
  let cur = wire;
  for (const s of segments(path)) {
    if (isSecretWire(cur)) return true;
    if (cur === null || typeof cur !== "object") return false;
    cur = (cur as Record<string | number, unknown>)[s];
  }
  return isSecretWire(cur);
}

function containsSecret(v: unknown): boolean {
  if (isSecretWire(v)) return true;
  if (v === null || typeof v !== "object") return false;
  return Object.values(v as Record<string, unknown>).some(containsSecret);
}

/**
 * True when it is known that no value of `props` was a secret on the wire (false when it cannot be told).
 * The shapes wrapper asks it once per native resource, before building its classic forms.
 */
export function knownFreeOfSecrets(props: object): boolean {
  let wire = wireOf.get(props);
  if (wire === undefined) return false;
  if (typeof (wire as { toJavaScript?: unknown }).toJavaScript === "function") {
    wire = (wire as { toJavaScript(): unknown }).toJavaScript();
    wireOf.set(props, wire);
  }
  return !containsSecret(wire);
}

/** Records that `derived` (built from props free of secrets) holds no secret: it is its own wire form. */
export function rememberFreeOfSecrets(derived: object): void {
  wireOf.set(derived, derived);
}
