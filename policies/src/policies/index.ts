/**
 * The pack's policies, in the order they are served. No side effects: tools require this module (compiled:
 * policies/bin/policies) to read names, levels, frameworks and config schemas without starting a server.
 */
import type { PolicyConfigSchema, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { ingressAllowlistedPorts, ingressAllowlistedPortsConfigSchema } from "./ingress-allowlisted-ports";
import { ingressPrivateSources, ingressPrivateSourcesConfigSchema } from "./ingress-private-sources";
import { egressRestricted, egressRestrictedConfigSchema } from "./egress-restricted";
import { tlsListenersOnly, tlsListenersOnlyConfigSchema } from "./tls-listeners-only";
import { tlsStrongPolicy, tlsStrongPolicyConfigSchema } from "./tls-strong-policy";
import { lbInternal } from "./lb-internal";
import { lbAccessLogs } from "./lb-access-logs";
import { auditLogBucketImmutable, auditLogBucketImmutableConfigSchema } from "./audit-log-bucket-immutable";
import { vpcFlowLogs } from "./vpc-flow-logs";
import { subnetPrivate, subnetPrivateConfigSchema } from "./subnet-private";
import { kmsKeyRotation } from "./kms-key-rotation";
import { certificateKeyStrength } from "./certificate-key-strength";
import { lbDeletionProtection } from "./lb-deletion-protection";
import { lbMutualTls } from "./lb-mutual-tls";
import { noPublicEndpoints } from "./no-public-endpoints";
import { resourcePoliciesRequireTls } from "./resource-policies-require-tls";
import { accessLoggingEnabled } from "./access-logging-enabled";
import { auditTrailIntegrity } from "./audit-trail-integrity";
import { dataInTransitEncrypted } from "./data-in-transit-encrypted";
import { dataAtRestEncrypted, dataAtRestEncryptedConfigSchema } from "./data-at-rest-encrypted";
import { cfnTemplateInline, cfnTemplateInlineConfigSchema } from "./cfn-template-inline";
import { withExemptions } from "../exemptions";
import { withShapes } from "../shapes/wrap";

export type PackPolicy = ResourceValidationPolicy | StackValidationPolicy;

/**
 * Every policy judges aws-native resources and inline CloudFormation templates as the classic resources
 * they are (../shapes/wrap.ts), and takes exemptions (reason, ticket, approver, expiry) in its own config: see ../exemptions.ts. */
export const policies: PackPolicy[] = [
  ingressAllowlistedPorts,
  ingressPrivateSources,
  egressRestricted,
  tlsListenersOnly,
  tlsStrongPolicy,
  lbInternal,
  lbAccessLogs,
  auditLogBucketImmutable,
  vpcFlowLogs,
  subnetPrivate,
  kmsKeyRotation,
  certificateKeyStrength,
  lbDeletionProtection,
  lbMutualTls,
  noPublicEndpoints,
  resourcePoliciesRequireTls,
  accessLoggingEnabled,
  auditTrailIntegrity,
  dataInTransitEncrypted,
  dataAtRestEncrypted,
  cfnTemplateInline,
].map((p) => withExemptions<PackPolicy>(withShapes(p)));

/** Config schemas by policy name: the very objects the pack serves, for validating config files with ajv. */
export const configSchemas: Readonly<Record<string, PolicyConfigSchema>> = Object.fromEntries(
  policies.filter((p) => p.configSchema).map((p) => [p.name, p.configSchema!]),
);

export {
  ingressAllowlistedPortsConfigSchema,
  ingressPrivateSourcesConfigSchema,
  egressRestrictedConfigSchema,
  tlsListenersOnlyConfigSchema,
  tlsStrongPolicyConfigSchema,
  auditLogBucketImmutableConfigSchema,
  subnetPrivateConfigSchema,
  dataAtRestEncryptedConfigSchema,
  cfnTemplateInlineConfigSchema,
};
