/**
 * Our pack's policy metadata (description, level, severity, remediation, HIPAA framework) for event-log
 * runs, whose events carry only policy names. Read from the pack's exported policy list in source.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { PACK_DIR } from "../lib/package-root";
import { HIPAA_PACK } from "./model";
import type { EnforcementLevel, PolicyInfo, PolicyPackInfo } from "./run";

// Compiled beside this file (dist/policies/src/policies) or, from the sources, policies/src/policies.
const POLICIES_MODULE = join(__dirname, "..", "..", "policies", "src", "policies");
// The pack's manifest ships outside dist/, at the package root.
const PACK_MANIFEST = join(PACK_DIR, "package.json");

interface PolicyLike {
  name: string;
  description?: string;
  enforcementLevel?: EnforcementLevel;
  severity?: string;
  remediationSteps?: string;
  tags?: string[];
  framework?: { name: string; version: string; reference: string; specification: string };
  validateResource?: unknown;
  validateStack?: unknown;
}

const isPolicy = (x: unknown): x is PolicyLike =>
  x !== null && typeof x === "object" && typeof (x as PolicyLike).name === "string";

/** Metadata of one policy object as the pack exports it. */
export function policyInfoOf(p: PolicyLike): PolicyInfo {
  return {
    name: p.name,
    ...(p.description ? { description: p.description } : {}),
    ...(p.enforcementLevel ? { enforcementLevel: p.enforcementLevel } : {}),
    ...(p.severity ? { severity: p.severity } : {}),
    ...(p.remediationSteps ? { remediationSteps: p.remediationSteps } : {}),
    ...(p.tags ? { tags: [...p.tags] } : {}),
    ...(p.framework ? { framework: { ...p.framework } } : {}),
    // Resource first, as @pulumi/policy's GetAnalyzerInfo does: every policy of our pack also has a
    // validateStack, which checks its exemptions (policies/src/exemptions.ts).
    ...(p.validateResource
      ? { kind: "resource" as const }
      : p.validateStack
        ? { kind: "stack" as const }
        : {}),
  };
}

/** The policy array among a module's exports (default or named). */
export function policiesOf(mod: unknown): PolicyLike[] | undefined {
  if (Array.isArray(mod) && mod.every(isPolicy)) return mod;
  if (mod === null || typeof mod !== "object") return undefined;
  for (const v of Object.values(mod as Record<string, unknown>)) {
    if (Array.isArray(v) && v.length > 0 && v.every(isPolicy)) return v;
  }
  return undefined;
}

function requirePolicies(): PolicyLike[] {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const policies = policiesOf(require(POLICIES_MODULE));
    if (!policies) throw new Error(`${POLICIES_MODULE} exports no array of policies`);
    return policies;
  } catch (e) {
    const missingIndex =
      (e as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND" &&
      (e as Error).message.startsWith(`Cannot find module '${POLICIES_MODULE}'`);
    if (!missingIndex)
      throw new Error(`cannot load the pack's policy list from ${POLICIES_MODULE}: ${(e as Error).message}`, {
        cause: e,
      });
  }
  // No index module (yet): collect the policy objects each policy file exports.
  const found = new Map<string, PolicyLike>();
  for (const file of readdirSync(POLICIES_MODULE).sort()) {
    if (!file.endsWith(".ts") || file.endsWith(".test.ts") || file.endsWith(".d.ts")) continue;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(join(POLICIES_MODULE, file)) as Record<string, unknown>;
    for (const v of Object.values(mod)) {
      if (isPolicy(v) && (v.validateResource || v.validateStack)) found.set(v.name, v);
    }
  }
  return [...found.values()];
}

/** Our pack's metadata; throws naming the module when the policy list cannot be loaded. */
export function loadOurPack(): PolicyPackInfo {
  const policies = requirePolicies();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const manifest = require(PACK_MANIFEST) as { name: string; version: string };
  if (manifest.name !== HIPAA_PACK)
    throw new Error(`${PACK_MANIFEST}: name is "${manifest.name}", expected "${HIPAA_PACK}"`);
  return {
    name: HIPAA_PACK,
    version: manifest.version,
    policies: policies.map(policyInfoOf).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  };
}

/**
 * Name, level and config schema of each of our policies, as the pack serves them in GetAnalyzerInfo, so a
 * `--policy-config` file is validated exactly as `check` validates it (tools/lib/policy-config.ts).
 */
export function loadOurPolicyMetadata(): Array<{
  name: string;
  enforcementLevel: EnforcementLevel;
  configSchema?: { properties: Record<string, unknown>; required: string[] };
}> {
  return requirePolicies().map((p) => {
    const schema = (p as { configSchema?: { properties?: Record<string, unknown>; required?: string[] } })
      .configSchema;
    return {
      name: p.name,
      // The pack's own default level (policies/src/index.ts) applies to policies that set none.
      enforcementLevel: p.enforcementLevel ?? "mandatory",
      ...(schema
        ? { configSchema: { properties: schema.properties ?? {}, required: schema.required ?? [] } }
        : {}),
    };
  });
}
