/**
 * What a resource of another provider token family is judged as: the classic @pulumi/aws resources the
 * policies know. aws-native resources map through native.ts; an `aws.cloudformation.Stack` with an inline
 * template maps each template resource to its aws-native type first (cloudformation.ts). Every other token
 * is judged as itself (one Map lookup: {@link isShaped}).
 */
import { isUnknown, rawProps } from "../policy-kit";
import { mayBeSecret, mayBeSecretOrElsewhere, rememberDerived } from "../secret-paths";
import { CLOUDFORMATION_STACK } from "../tokens";
import { parseTemplate, type ParsedTemplate, type TemplateResource } from "./cloudformation";
import { type MappedShape, NATIVE_SHAPES } from "./native";
import type { Raw } from "./values";

export { NATIVE_SHAPES, type MappedShape } from "./native";
export { CLOUDFORMATION_TYPES, parseTemplate, type ParsedTemplate } from "./cloudformation";

/** One form a resource is judged as. */
export interface Judged {
  shape: MappedShape;
  /** Where it comes from, for messages: `aws-native:ec2:SecurityGroup` or a template resource. */
  origin: string;
  /** Set for a template resource: its logical id. */
  logicalId?: string;
  /** The aws-native resource it comes from (its index among the shapes of the same source). */
  source: number;
}

/** A native resource (real, or a template resource) whose shapes are judged. */
export interface ShapeSource {
  nativeType: string;
  props: Raw;
  origin: string;
  logicalId?: string;
  refs?: Record<string, string[]>;
}

export function isShaped(type: string): boolean {
  return NATIVE_SHAPES.has(type) || type === CLOUDFORMATION_STACK;
}

const templates = new WeakMap<object, ParsedTemplate>();

/** The stack's parsed templateBody (parsed once per props object, whichever policy asks first). */
export function templateOf(props: Raw): ParsedTemplate {
  let t = templates.get(props);
  if (!t) {
    t = parseTemplate(props.templateBody, isUnknown);
    templates.set(props, t);
  }
  return t;
}

function templateSource(r: TemplateResource): ShapeSource {
  return {
    nativeType: r.nativeType,
    props: r.props,
    origin: `template resource ${r.logicalId} (${r.cfnType}, as ${r.nativeType})`,
    logicalId: r.logicalId,
    refs: r.refs,
  };
}

/** The native resources behind a resource of a shaped type (one, or a template's). */
export function sourcesOf(type: string, props: unknown): ShapeSource[] {
  const raw = rawProps(props);
  if (type !== CLOUDFORMATION_STACK) return [{ nativeType: type, props: raw, origin: type }];
  const t = templateOf(raw);
  return t.kind === "template" ? t.resources.map(templateSource) : [];
}

const judgedCache = new WeakMap<object, Judged[]>();

/** Every classic form of a resource of a shaped type (cached per props object: every policy asks). */
export function judgedAs(type: string, props: unknown): Judged[] {
  const raw = rawProps(props);
  const cached = judgedCache.get(raw);
  if (cached) return cached;
  const out: Judged[] = [];
  sourcesOf(type, raw).forEach((s, source) => {
    for (const shape of NATIVE_SHAPES.get(s.nativeType)?.(s.props) ?? [])
      out.push({ shape, origin: s.origin, logicalId: s.logicalId, source });
  });
  // A form's value may be named in a message when its native field was not a secret (asked by the native
  // path; a value that was moved or computed counts as secret). A template's, when templateBody was not.
  for (const j of out)
    rememberDerived(
      j.shape.props,
      j.logicalId !== undefined
        ? () => mayBeSecret(raw, "templateBody")
        : (p) => mayBeSecretOrElsewhere(raw, translated(p, [j])),
    );
  judgedCache.set(raw, out);
  return out;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

const patterns = new WeakMap<object, [RegExp, string][]>();

function patternsOf(shape: MappedShape): [RegExp, string][] {
  let p = patterns.get(shape.fields);
  if (!p) {
    // Longest first, so `ingress[` wins over `ingress`; a field name only where it starts a word.
    p = [...shape.fields]
      .sort((a, b) => b[0].length - a[0].length)
      .map(([c, n]) => [
        new RegExp(`(?<![A-Za-z0-9_])${escape(c)}${/[[.]$/.test(c) ? "" : "(?![A-Za-z0-9_])"}`, "g"),
        n,
      ]);
    patterns.set(shape.fields, p);
  }
  return p;
}

/** Classic field names in `text` replaced by the native ones, in one pass (a native name is not renamed again). */
function translated(text: string, judged: readonly Judged[]): string {
  const ps = judged.flatMap((j) => patternsOf(j.shape));
  if (ps.length === 0) return text;
  const all = new RegExp(ps.map(([r]) => r.source).join("|"), "g");
  return text.replace(all, (m) => ps.find(([r]) => new RegExp(`^(?:${r.source})$`).test(m))?.[1] ?? m);
}

/**
 * A finding about a classic form in the words of the native resource: its field names where they differ,
 * and where it comes from. Replacements are applied in one pass, so a native name is never renamed again.
 */
export function inNativeTerms(message: string, judged: readonly Judged[], keepFirstLine = false): string {
  if (judged.length === 0) return message;
  // An object-form report starts with the policy's description, which stays as it is.
  const cut = keepFirstLine ? message.indexOf("\n") + 1 : 0;
  const out = message.slice(0, cut) + translated(message.slice(cut), judged);
  const origins = [...new Set(judged.map((j) => `${j.origin}, judged as ${j.shape.type}`))];
  const notes = [
    ...new Set(
      judged
        .filter((j) => j.shape.note && (!j.shape.noteFor || out.includes(j.shape.noteFor)))
        .map((j) => j.shape.note!),
    ),
  ];
  return `${out}\n[${origins.join("; ")}${notes.length ? `; ${notes.join("; ")}` : ""}]`;
}
