/**
 * Checks on policy config values that a JSON schema cannot express (a port range written backwards, a
 * protocol with no ports given a port, an IPv4 octet above 255). The pack runs them at analysis time, so
 * a bad config blocks with a clear message instead of crashing a policy; the offline check runs the same
 * functions when it validates a config file, so the error comes before anything is analysed.
 */
import { AllowlistSyntaxError, allowlistEntryRefusal, parseAllowlistEntry } from "./rules/allowlist";
import { INVALID_CIDR_PROBLEM, parseCidrStrict } from "./rules/cidr";

export interface ConfigProblem {
  /** Option path, e.g. `allowedIngress[1]`. */
  path: string;
  value: unknown;
  problem: string;
  fix: string;
}

type ItemCheck = (item: unknown) => Omit<ConfigProblem, "path" | "value"> | undefined;

const allowlistEntry: ItemCheck = (item) => {
  try {
    parseAllowlistEntry(String(item));
    return undefined;
  } catch (e) {
    if (!(e instanceof AllowlistSyntaxError)) throw e;
    return allowlistEntryRefusal(e);
  }
};

const cidrBlock: ItemCheck = (item) =>
  typeof item === "string" && parseCidrStrict(item)
    ? undefined
    : {
        problem: INVALID_CIDR_PROBLEM,
        fix: `write an IPv4 block in dotted decimal without leading zeros and a prefix of 0-32 (e.g. "203.0.113.0/24"), or an IPv6 block with a prefix of 0-128`,
      };

/** Options whose array items get a semantic check, by option name (the same name in every policy). */
const ITEM_CHECKS: Readonly<Record<string, ItemCheck>> = {
  allowedIngress: allowlistEntry,
  allowedPublicCidrs: cidrBlock,
  allowedDestinationCidrs: cidrBlock,
};

/**
 * Problems by option list: a policy's options are the same objects on every resource (the pack's config,
 * or the schema's defaults), so each list is checked once. Lists are not changed after Configure.
 */
const problemsByList = new WeakMap<readonly unknown[], Map<string, ConfigProblem[]>>();

function listProblems(option: string, list: readonly unknown[], check: ItemCheck): ConfigProblem[] {
  let byOption = problemsByList.get(list);
  const known = byOption?.get(option);
  if (known) return known;
  const problems: ConfigProblem[] = [];
  list.forEach((item, i) => {
    const found = check(item);
    if (found) problems.push({ path: `${option}[${i}]`, value: item, ...found });
  });
  if (!byOption) problemsByList.set(list, (byOption = new Map()));
  byOption.set(option, problems);
  return problems;
}

/** Problems in one policy's options (already schema-valid or not); empty when they can be used. */
export function configProblems(options: Record<string, unknown>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const [option, check] of Object.entries(ITEM_CHECKS)) {
    const list = options[option];
    if (!Array.isArray(list)) continue;
    problems.push(...listProblems(option, list, check));
  }
  return problems;
}

/**
 * Reports every config problem of a policy as a violation. True when there were any: the policy then
 * judges nothing else, since its options cannot be trusted (fail closed).
 */
export function reportConfigProblems(options: object, reportViolation: (message: string) => void): boolean {
  const problems = configProblems(options as Record<string, unknown>);
  for (const p of problems) reportViolation(configProblemMessage(p));
  return problems.length > 0;
}

/** The violation message for a config problem. Config values are not secret, so the value is shown. */
export function configProblemMessage(p: ConfigProblem): string {
  return `policy config ${p.path} = ${JSON.stringify(p.value)} ${p.problem}; nothing can be checked against it until it is fixed. Fix: ${p.fix}`;
}
