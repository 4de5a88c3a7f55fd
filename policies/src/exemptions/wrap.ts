/** {@link withExemptions}: a policy with exemptions, without touching the policy's file. */
import type {
  ReportViolation,
  ResourceValidation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { TypeVerdicts, withoutStackTrace } from "../not-applicable";
import {
  currentConfigGeneration,
  currentRequestType,
  POLICY_SCOPES,
  skipTypesDeclinedOnSight,
  typeOnlyReason,
} from "../type-skip";
import { today } from "./clock";
import { nameFromUrn } from "./match";
import { readExemptions } from "./reader";
import { exemptingReporter, reportExemptionProblems } from "./report";
import { ALLOW_BROAD_OPTION, EXEMPTIONS_OPTION, MAX_DAYS_OPTION, schemaWithExemptions } from "./schema";

/**
 * What a resource policy's config said about exemptions, as seen inside an Analyze request (where the
 * config is the pack's, set by Configure): with none, its stack validation has nothing to report.
 */
class ExemptionsSeen {
  private generation: number | undefined;
  private none = false;

  /** What readExemptions made of the config: with no exemptions and no problems, there is nothing to report. */
  record(read: { exemptions: readonly unknown[]; problems: readonly unknown[] }): void {
    if (currentRequestType() === undefined) return;
    this.generation = currentConfigGeneration();
    this.none = read.exemptions.length === 0 && read.problems.length === 0;
  }

  /** True when the current config is known to carry no exemptions (readExemptions then reports nothing). */
  knownNone(): boolean {
    return this.none && this.generation === currentConfigGeneration();
  }
}

type PackPolicy = ResourceValidationPolicy | StackValidationPolicy;

/** The policy's config without the exemption options (what the wrapped policy itself reads). */
function ownConfig(all: Record<string, unknown>): Record<string, unknown> {
  const { [EXEMPTIONS_OPTION]: _e, [ALLOW_BROAD_OPTION]: _a, [MAX_DAYS_OPTION]: _m, ...rest } = all ?? {};
  return rest;
}

function configOf(args: { getConfig<T extends object>(): T }): Record<string, unknown> {
  return (args.getConfig<Record<string, unknown>>() ?? {}) as Record<string, unknown>;
}

function wrapResourceValidation(
  v: ResourceValidation,
  description: string,
  scope: string | undefined,
  seen: ExemptionsSeen,
): ResourceValidation {
  const verdicts = new TypeVerdicts();
  const outOfScopeReason = scope === undefined ? undefined : typeOnlyReason(scope);
  const wrapped = (args: ResourceValidationArgs, report: ReportViolation) => {
    const notApplicable = withoutStackTrace(args.notApplicable);
    // A type this policy has declined on sight is declined again at once, without reading exemptions.
    if (verdicts.declinedOnSight(args.type)) return notApplicable(verdicts.reasonFor(args.type));
    const config = configOf(args);
    const day = today();
    const read = readExemptions(config, day);
    seen.record(read);
    const { exemptions } = read;
    const inner = verdicts.observe(
      {
        ...args,
        notApplicable,
        getConfig: <T extends object>() => ownConfig(config) as T,
      },
      outOfScopeReason,
    );
    if (exemptions.length === 0) return v(inner, report);
    const self = { urn: args.urn, name: args.name };
    return v(
      inner,
      exemptingReporter(report, description, exemptions, day, (u) =>
        u === undefined || u === args.urn ? self : { urn: u, name: nameFromUrn(u) },
      ),
    );
  };
  return scope === undefined ? wrapped : skipTypesDeclinedOnSight(wrapped, verdicts, scope);
}

/**
 * The policy with exemptions (see exemptions.ts). Name, description, level, framework and the rest are
 * unchanged; the config schema gains the exemption options.
 */
export function withExemptions<P extends PackPolicy>(policy: P): P {
  const description = policy.description;
  const innerStack = (policy as StackValidationPolicy).validateStack;
  const innerResource = (policy as ResourceValidationPolicy).validateResource;

  const validateStack = async (args: StackValidationArgs, report: ReportViolation): Promise<void> => {
    const config = configOf(args);
    const day = today();
    reportExemptionProblems(config, args.resources, report, description, day);
    if (!innerStack) return;
    const { exemptions } = readExemptions(config, day);
    const byUrn = new Map(args.resources.map((r) => [r.urn, r]));
    const inner = {
      ...args,
      notApplicable: withoutStackTrace(args.notApplicable),
      getConfig: <T extends object>() => ownConfig(config) as T,
    };
    const reporter =
      exemptions.length === 0
        ? report
        : exemptingReporter(report, description, exemptions, day, (u) => {
            if (u === undefined) return undefined;
            return { urn: u, name: byUrn.get(u)?.name ?? nameFromUrn(u) };
          });
    await innerStack(inner, reporter);
  };

  const wrapped: Record<string, unknown> = {
    ...policy,
    configSchema: schemaWithExemptions(policy.configSchema),
    validateStack,
  };
  if (innerResource) {
    const seen = new ExemptionsSeen();
    const scope = POLICY_SCOPES[policy.name];
    wrapped.validateResource = Array.isArray(innerResource)
      ? innerResource.map((v) => wrapResourceValidation(v, description, scope, seen))
      : wrapResourceValidation(innerResource, description, scope, seen);
    if (!innerStack) {
      // Its stack validation only reports exemption problems: with no exemptions configured, @pulumi/policy
      // is told there is none, and does not build the stack's resource list for it (what it reports is the
      // same: nothing).
      Object.defineProperty(wrapped, "validateStack", {
        enumerable: true,
        configurable: true,
        get: () => (seen.knownNone() ? undefined : validateStack),
      });
    }
  }
  return wrapped as unknown as P;
}
