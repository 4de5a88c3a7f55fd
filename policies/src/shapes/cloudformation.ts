/**
 * The resources of a CloudFormation template given inline (`aws.cloudformation.Stack` templateBody, JSON
 * or YAML), as aws-native resources: a template resource of type `AWS::EC2::SecurityGroup` is what
 * aws-native calls `aws-native:ec2:SecurityGroup`, with its properties in camelCase. Intrinsic functions
 * (`{"Ref": …}`, `{"Fn::GetAtt": …}`, YAML's `!Ref`, `!Sub`, …) are values CloudFormation computes when
 * it deploys, so they read as unknown; the resources they name are kept as dependencies.
 */
import type { Tags } from "yaml";
import shapeData from "../data/native-shapes.json";
import { isObject, type Raw, UNKNOWN_VALUE } from "./values";

/** CloudFormation resource type → aws-native token (data/native-shapes.json). */
export const CLOUDFORMATION_TYPES: Readonly<Record<string, string>> = shapeData.cloudFormationTypes;

/** A template resource the pack judges. */
export interface TemplateResource {
  logicalId: string;
  cfnType: string;
  nativeType: string;
  /** Its properties in aws-native's camelCase; intrinsic functions are unknown. */
  props: Raw;
  /** aws-native top-level property → logical ids of the template resources it refers to. */
  refs: Record<string, string[]>;
}

export type ParsedTemplate =
  | { kind: "unknown" }
  | { kind: "absent" }
  | { kind: "invalid"; reason: string }
  | {
      kind: "template";
      resources: TemplateResource[];
      /** Logical ids of nested stacks (their templates are not judged). */
      nestedStacks: string[];
      /** True when the template declares a Transform (macros change what is deployed). */
      transform: boolean;
    };

const INTRINSICS = [
  "Ref",
  "Condition",
  "GetAtt",
  "Sub",
  "Join",
  "Select",
  "Split",
  "FindInMap",
  "If",
  "Equals",
  "And",
  "Or",
  "Not",
  "Base64",
  "Cidr",
  "GetAZs",
  "ImportValue",
  "Transform",
  "ToJsonString",
  "Length",
  "ForEach",
];

const keyOf = (name: string) => (name === "Ref" || name === "Condition" ? name : `Fn::${name}`);

/** YAML short forms (`!Ref X`, `!GetAtt A.B`, `!Sub [...]`) as the long forms JSON templates use. */
const shortFormTags = (): Tags =>
  INTRINSICS.flatMap((name) => [
    { tag: `!${name}`, resolve: (v: string) => ({ [keyOf(name)]: v }) },
    {
      tag: `!${name}`,
      collection: "seq" as const,
      resolve: (v: { toJSON(): unknown }) => ({ [keyOf(name)]: v.toJSON() }),
    },
    {
      tag: `!${name}`,
      collection: "map" as const,
      resolve: (v: { toJSON(): unknown }) => ({ [keyOf(name)]: v.toJSON() }),
    },
  ]) as unknown as Tags;

let yaml: typeof import("yaml") | undefined;

/** YAML with CloudFormation's tags; the library loads on the first YAML template (the pack starts without it). */
function parseYaml(text: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  yaml ??= require("yaml") as typeof import("yaml");
  return yaml.parse(text, { customTags: shortFormTags(), prettyErrors: false });
}

/** `OriginSSLProtocols` → `originSslProtocols`, `KMSMasterKeyID` → `kmsMasterKeyId` (aws-native's names). */
export function camelCase(key: string): string {
  const words = key.match(/[A-Z]+(?![a-z])|[A-Z][a-z0-9]*|[a-z0-9]+/g);
  if (!words) return key;
  return words
    .map((w, i) => (i === 0 ? w.toLowerCase() : w[0].toUpperCase() + w.slice(1).toLowerCase()))
    .join("");
}

/** Properties whose values are documents or maps of names, not CloudFormation properties. */
const OPAQUE = new Set(["PolicyDocument", "KeyPolicy", "Parameters", "Metadata"]);

function isIntrinsic(v: Raw): string | undefined {
  const keys = Object.keys(v);
  if (keys.length !== 1) return undefined;
  const k = keys[0];
  return k === "Ref" || k === "Condition" || k.startsWith("Fn::") ? k : undefined;
}

/** Logical ids an intrinsic function refers to (Ref, GetAtt, Sub's `${X}` / `${X.Attr}`), at any depth. */
function refsIn(v: unknown, out: Set<string>): void {
  if (Array.isArray(v)) return v.forEach((e) => refsIn(e, out));
  if (!isObject(v)) return;
  for (const [k, x] of Object.entries(v)) {
    if (k === "Ref" && typeof x === "string") out.add(x);
    else if (k === "Fn::GetAtt") {
      const target = typeof x === "string" ? x.split(".")[0] : Array.isArray(x) ? x[0] : undefined;
      if (typeof target === "string") out.add(target);
    } else if (k === "Fn::Sub") {
      const text = typeof x === "string" ? x : Array.isArray(x) ? x[0] : undefined;
      if (typeof text === "string") for (const m of text.matchAll(/\$\{([A-Za-z0-9]+)[.}]/g)) out.add(m[1]);
      if (Array.isArray(x)) refsIn(x[1], out);
    } else refsIn(x, out);
  }
}

/** A template value in aws-native's form: keys in camelCase (except inside documents), intrinsics unknown. */
function convert(v: unknown, opaque: boolean, refs: Set<string>): unknown {
  if (Array.isArray(v)) return v.map((e) => convert(e, opaque, refs));
  if (!isObject(v)) return v;
  if (isIntrinsic(v)) {
    refsIn(v, refs);
    return UNKNOWN_VALUE;
  }
  const out: Raw = {};
  for (const [k, x] of Object.entries(v))
    out[opaque ? k : camelCase(k)] = convert(x, opaque || OPAQUE.has(k), refs);
  return out;
}

/** Parses a templateBody: JSON or YAML (with short-form tags). Never echoes the text in a reason. */
export function parseTemplate(body: unknown, isUnknown: (v: unknown) => boolean): ParsedTemplate {
  if (body === undefined || body === null || body === "") return { kind: "absent" };
  if (isUnknown(body)) return { kind: "unknown" };
  let doc: unknown = body;
  if (typeof body === "string") {
    try {
      doc = /^\s*\{/.test(body) ? JSON.parse(body) : parseYaml(body);
    } catch (e) {
      const at = /line (\d+)/.exec((e as Error).message)?.[1];
      return { kind: "invalid", reason: `it is not valid JSON or YAML${at ? ` (line ${at})` : ""}` };
    }
  }
  if (!isObject(doc)) return { kind: "invalid", reason: "it is not a JSON or YAML object" };
  const resources = doc.Resources;
  if (!isObject(resources)) return { kind: "invalid", reason: "it has no Resources section" };
  const out: TemplateResource[] = [];
  const nestedStacks: string[] = [];
  for (const [logicalId, r] of Object.entries(resources)) {
    if (!isObject(r) || typeof r.Type !== "string")
      return { kind: "invalid", reason: `resource ${logicalId} has no Type` };
    if (r.Type === "AWS::CloudFormation::Stack") nestedStacks.push(logicalId);
    const nativeType = CLOUDFORMATION_TYPES[r.Type];
    if (!nativeType) continue;
    const props: Raw = {};
    const refs: Record<string, string[]> = {};
    const properties = r.Properties;
    if (properties !== undefined && properties !== null && !isObject(properties))
      return { kind: "invalid", reason: `resource ${logicalId} has Properties that are not an object` };
    for (const [k, v] of Object.entries(properties ?? {})) {
      const found = new Set<string>();
      const key = camelCase(k);
      props[key] = convert(v, OPAQUE.has(k), found);
      if (found.size) refs[key] = [...found];
    }
    out.push({ logicalId, cfnType: r.Type, nativeType, props, refs });
  }
  return { kind: "template", resources: out, nestedStacks, transform: doc.Transform !== undefined };
}
