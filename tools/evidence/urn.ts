/** Pulumi URNs: `urn:pulumi:<stack>::<project>::<qualified type>::<name>`. */
export interface ParsedUrn {
  stack: string;
  project: string;
  /** The resource's own type (the last `$`-separated segment of the qualified type). */
  type: string;
  name: string;
}

export function parseUrn(urn: string): ParsedUrn | undefined {
  if (!urn.startsWith("urn:pulumi:")) return undefined;
  const parts = urn.slice("urn:pulumi:".length).split("::");
  if (parts.length < 4) return undefined;
  const [stack, project, qualifiedType, ...rest] = parts;
  const segments = qualifiedType.split("$");
  return { stack, project, type: segments[segments.length - 1], name: rest.join("::") };
}

/** The URN of the stack resource itself; stack-wide results that name no resource are filed under it. */
export function stackUrn(project: string, stack: string): string {
  return `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`;
}
