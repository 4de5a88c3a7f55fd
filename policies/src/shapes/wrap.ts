/**
 * {@link withShapes}: a policy that also judges the resources of other provider token families (aws-native,
 * CloudFormation templates) as the classic resources they are, without touching the policy's file.
 *
 * A resource policy judges a native resource as each of its classic forms, with the same urn and name (so
 * exemptions and findings name the real resource); a form the policy declines as not applicable does not
 * hide the others. A stack policy sees `args.resources` with the classic forms added, their property
 * dependencies carried over (to the classic forms of what they depended on), so cross-resource checks
 * follow them. Messages name the native fields and say where the form comes from.
 */
import type {
  PolicyResource,
  ReportViolation,
  ResourceValidation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { Findings, outputs, rawProps } from "../policy-kit";
import { CFN_TEMPLATE_INLINE_DESCRIPTION, CLOUDFORMATION_STACK } from "../tokens";
import { inNativeTerms, isShaped, type Judged, judgedAs, sourcesOf, templateOf } from "./index";

type PackPolicy = ResourceValidationPolicy | StackValidationPolicy;

/** phi-cfn-template-inline reports an unknown templateBody itself. */
const OWN_TEMPLATE_POLICY_DESCRIPTION = CFN_TEMPLATE_INLINE_DESCRIPTION;

class Declined extends Error {
  constructor(readonly reason?: string) {
    super(reason);
  }
}

/**
 * In a stack policy each classic form has its own urn, `<urn of the real resource>#<form>`, so policies
 * that key on urns keep them apart; findings are reported at the real resource.
 */
const FORM_MARK = "#form:";

function realUrn(urn: string | undefined): string | undefined {
  if (urn === undefined) return urn;
  const i = urn.indexOf(FORM_MARK);
  return i < 0 ? urn : urn.slice(0, i);
}

/** A reporter that rewrites each message in the native resource's terms. */
function translating(report: ReportViolation, judgedFor: (urn?: string) => readonly Judged[]) {
  return ((message: unknown, urn?: string) => {
    if (message && typeof message === "object") {
      const m = message as { message?: string; urn?: string };
      const j = judgedFor(m.urn);
      return (report as unknown as (v: unknown) => void)(
        m.message && j.length
          ? { ...m, urn: realUrn(m.urn), message: inNativeTerms(m.message, j, true) }
          : { ...m, urn: realUrn(m.urn) },
      );
    }
    const j = judgedFor(urn);
    return report(
      typeof message === "string" && j.length ? inNativeTerms(message, j) : (message as string),
      realUrn(urn),
    );
  }) as ReportViolation;
}

function shapedResourceValidation(v: ResourceValidation, description: string): ResourceValidation {
  const shaped = async (args: ResourceValidationArgs, report: ReportViolation) => {
    // A template unknown at preview may hold anything this policy judges: undecided, never a pass.
    const template = args.type === CLOUDFORMATION_STACK ? templateOf(rawProps(args.props)) : undefined;
    const templateUnknown = template?.kind === "unknown";
    const forms = judgedAs(args.type, args.props);
    const declined: string[] = [];
    let judged = 0;
    const run = async (type: string, props: unknown, j: readonly Judged[]) => {
      const inner = {
        ...args,
        type,
        props,
        notApplicable: (reason?: string): never => {
          throw new Declined(reason);
        },
      } as ResourceValidationArgs;
      try {
        await v(inner, j.length ? translating(report, () => j) : report);
        judged++;
      } catch (e) {
        if (!(e instanceof Declined)) throw e;
        if (e.reason) declined.push(e.reason);
      }
    };
    // The stack resource itself is judged too (phi-cfn-template-inline reads it).
    if (args.type === CLOUDFORMATION_STACK) await run(args.type, args.props, []);
    for (const f of forms) await run(f.shape.type, f.shape.props, [f]);
    if (templateUnknown && description !== OWN_TEMPLATE_POLICY_DESCRIPTION) {
      const f = new Findings();
      f.unknown("templateBody", "the resources of the template");
      f.report(report, description);
      return;
    }
    if (judged === 0)
      args.notApplicable(
        forms.length === 0
          ? `${args.type} has no resource this policy covers`
          : [...new Set(declined)].join("; "),
      );
  };
  // Classic tokens: one lookup, then the policy itself (no promise added).
  return (args, report) => (isShaped(args.type) ? shaped(args, report) : v(args, report));
}

interface Expansion {
  resources: PolicyResource[];
  /** The form's urn → what it was judged as. */
  judgedByUrn: Map<string, Judged>;
}

const expansions = new WeakMap<readonly PolicyResource[], Expansion | null>();

/** The stack's resources with the classic forms of its shaped ones added (once per AnalyzeStack call). */
export function expandResources(resources: readonly PolicyResource[]): Expansion | null {
  if (expansions.has(resources)) return expansions.get(resources)!;
  let result: Expansion | null = null;
  if (resources.some((r) => isShaped(r.type))) {
    const added: PolicyResource[] = [];
    const judgedByUrn = new Map<string, Judged>();
    // Native source (a real resource, or a template resource keyed "<urn>#<logicalId>") → its classic forms.
    const formsOf = new Map<string, PolicyResource[]>();
    const pending: { form: PolicyResource; judged: Judged; owner: PolicyResource }[] = [];
    const keyOf = (r: PolicyResource, logicalId?: string) => (logicalId ? `${r.urn}#${logicalId}` : r.urn);
    for (const r of resources) {
      if (!isShaped(r.type)) continue;
      const sources = sourcesOf(r.type, outputs(r));
      const all = judgedAs(r.type, outputs(r));
      all.forEach((j, index) => {
        const s = sources[j.source];
        const name = s.logicalId ? `${r.name}/${s.logicalId}` : r.name;
        const urn = `${r.urn}${FORM_MARK}${index}`;
        const form = {
          type: j.shape.type,
          name,
          urn,
          props: j.shape.props,
          opts: r.opts,
          dependencies: [] as PolicyResource[],
          propertyDependencies: {} as Record<string, PolicyResource[]>,
          isType: r.isType,
          asType: r.asType,
        } as unknown as PolicyResource;
        added.push(form);
        const key = keyOf(r, s.logicalId);
        formsOf.set(key, [...(formsOf.get(key) ?? []), form]);
        pending.push({ form, judged: j, owner: r });
        judgedByUrn.set(urn, j);
      });
    }
    for (const { form, judged, owner } of pending) {
      const s = sourcesOf(owner.type, outputs(owner))[judged.source];
      const siblings = formsOf.get(keyOf(owner, s.logicalId)) ?? [];
      const nativeDeps = (prop: string): PolicyResource[] => {
        if (s.logicalId) return (s.refs?.[prop] ?? []).flatMap((id) => formsOf.get(keyOf(owner, id)) ?? []);
        return (owner.propertyDependencies?.[prop] ?? []).flatMap((d) => [d, ...(formsOf.get(d.urn) ?? [])]);
      };
      for (const [classic, natives] of Object.entries(judged.shape.deps ?? {})) {
        const deps = natives.flatMap(nativeDeps);
        if (deps.length) form.propertyDependencies[classic] = deps;
      }
      for (const [classic, index] of Object.entries(judged.shape.sibling ?? {})) {
        const target = siblings[index];
        if (target)
          form.propertyDependencies[classic] = [...(form.propertyDependencies[classic] ?? []), target];
      }
      form.dependencies.push(...new Set(Object.values(form.propertyDependencies).flat()));
    }
    result = { resources: [...resources, ...added], judgedByUrn };
  }
  expansions.set(resources, result);
  return result;
}

/** The policy with other provider token families judged as classic resources (see the file comment). */
export function withShapes<P extends PackPolicy>(policy: P): P {
  const innerStack = (policy as StackValidationPolicy).validateStack;
  const innerResource = (policy as ResourceValidationPolicy).validateResource;
  const wrapped: Record<string, unknown> = { ...policy };
  if (innerStack) {
    wrapped.validateStack = async (args: StackValidationArgs, report: ReportViolation) => {
      const expansion = expandResources(args.resources);
      if (!expansion) return innerStack(args, report);
      const reporter = translating(report, (urn) => {
        const j = urn === undefined ? undefined : expansion.judgedByUrn.get(urn);
        return j ? [j] : [];
      });
      return innerStack({ ...args, resources: expansion.resources }, reporter);
    };
  }
  if (innerResource) {
    wrapped.validateResource = Array.isArray(innerResource)
      ? innerResource.map((v) => shapedResourceValidation(v, policy.description))
      : shapedResourceValidation(innerResource, policy.description);
  }
  return wrapped as unknown as P;
}
