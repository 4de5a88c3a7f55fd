/** Which resources an exemption's `resource` selects: an exact name or a URN pattern with `*` wildcards. */

const URN_PREFIX = "urn:pulumi:";

export type Matcher =
  | { kind: "name"; name: string }
  | { kind: "urn"; pattern: RegExp }
  | { kind: "broad" }
  | { kind: "malformed"; problem: string };

/** Parses `resource`: an exact name, a URN pattern, one that matches everything, or malformed. */
export function matcherOf(resource: string): Matcher {
  if (typeof resource !== "string" || resource.trim() === "")
    return { kind: "malformed", problem: "resource is empty; name one resource or a URN pattern" };
  if (/\s/.test(resource))
    return { kind: "malformed", problem: "resource contains whitespace; use the exact name or URN" };
  if (/^\*+$/.test(resource)) return { kind: "broad" };
  if (!resource.startsWith(URN_PREFIX)) {
    if (resource.includes("*"))
      return {
        kind: "malformed",
        problem:
          'resource is a name with a wildcard; wildcards are only allowed in URN patterns ("urn:pulumi:<stack>::<project>::<type>::<name>")',
      };
    return { kind: "name", name: resource };
  }
  const rest = resource.slice(URN_PREFIX.length);
  if (/^[*:]*$/.test(rest)) return { kind: "broad" };
  const parts = rest.split("::");
  if (parts.length < 4 || parts.slice(0, 3).some((p) => p === "") || parts.slice(3).join("::") === "")
    return {
      kind: "malformed",
      problem:
        'resource is not a URN pattern of the form "urn:pulumi:<stack>::<project>::<type>::<name>" (use * for any part)',
    };
  if (/^\*+$/.test(parts.slice(3).join("::"))) return { kind: "broad" };
  const source = resource
    .split("*")
    .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return { kind: "urn", pattern: new RegExp(`^${source}$`) };
}

/** True when the matcher selects the resource. A "broad" matcher selects everything. */
export function matches(m: Matcher, urn: string, name: string): boolean {
  switch (m.kind) {
    case "name":
      return name === m.name;
    case "urn":
      return m.pattern.test(urn);
    case "broad":
      return true;
    case "malformed":
      return false;
  }
}

/** The last `::` segment of a URN (its name). */
export function nameFromUrn(urn: string): string {
  const parts = urn.split("::");
  return parts.length >= 4 ? parts.slice(3).join("::") : urn;
}
