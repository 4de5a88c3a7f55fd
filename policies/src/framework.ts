import type { PolicyComplianceFramework } from "@pulumi/policy";
import hipaa from "./data/hipaa.json";

export type HipaaControl = keyof typeof hipaa.controls;
export type HipaaSpecification = keyof typeof hipaa.implementationSpecifications;

export const HIPAA_CONTROLS = hipaa.controls;

/**
 * The `framework` block for a policy: the exact paragraph it enforces. Pass a standard (`"e1"`) or an
 * implementation specification beneath one (`"e2ii"`); evidence summarises both under the standard.
 */
export function hipaaFramework(ref: HipaaControl | HipaaSpecification): PolicyComplianceFramework {
  const entry =
    ref in hipaa.controls
      ? hipaa.controls[ref as HipaaControl]
      : hipaa.implementationSpecifications[ref as HipaaSpecification];
  return {
    name: hipaa.framework.name,
    version: hipaa.framework.version,
    reference: entry.reference,
    specification: entry.specification,
  };
}

/** The standard (one of the five §164.312 controls) a framework reference belongs to. */
export function controlOf(reference: string): HipaaControl | undefined {
  for (const [id, c] of Object.entries(hipaa.controls))
    if (c.reference === reference) return id as HipaaControl;
  for (const s of Object.values(hipaa.implementationSpecifications)) {
    if (s.reference === reference) return s.control as HipaaControl;
  }
  return undefined;
}
