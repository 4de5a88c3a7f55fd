/**
 * phi-channels components: secure-by-default Pulumi building blocks for internal channels that carry
 * electronic PHI. Every component validates its arguments with the same rules the policy pack enforces
 * (`policies/src/rules`) and throws {@link PhiConfigError}, listing every problem, before creating anything.
 * `validate<Name>Args(name, args)` returns those problems without creating anything.
 */
export { PhiConfigError, describeProblem, throwIfProblems, type ConfigProblem } from "./errors";
export {
  ImmutableLogBucket,
  validateImmutableLogBucketArgs,
  type ImmutableLogBucketArgs,
} from "./ImmutableLogBucket";
export { PrivateNetwork, validatePrivateNetworkArgs, type PrivateNetworkArgs } from "./PrivateNetwork";
export {
  InternalCertificate,
  validateInternalCertificateArgs,
  type InternalCertificateArgs,
} from "./InternalCertificate";
export {
  AllowlistedSecurityGroup,
  validateAllowlistedSecurityGroupArgs,
  type AllowlistedSecurityGroupArgs,
  type EgressRuleArgs,
  type IngressRuleArgs,
  type RuleArgs,
  type RulePeer,
} from "./AllowlistedSecurityGroup";
export {
  DEFAULT_DELETION_PROTECTION,
  DEFAULT_HEALTH_CHECK_PATH,
  DEFAULT_LISTENER_PORT,
  DEFAULT_LOAD_BALANCER_TYPE,
  DEFAULT_MINIMUM_TLS_VERSION,
  DEFAULT_TARGET_PORT,
  DEFAULT_TARGET_TYPE,
  TlsLoadBalancer,
  validateTlsLoadBalancerArgs,
  type MutualTlsArgs,
  type TlsCertificateSource,
  type TlsLoadBalancerArgs,
} from "./TlsLoadBalancer";
export {
  CHANNEL_TAG,
  DEFAULT_CHANNEL_CIDR,
  DEFAULT_MUTUAL_TLS,
  PhiChannel,
  validatePhiChannelArgs,
  type ChannelCertificateArgs,
  type ChannelSource,
  type ExistingNetworkArgs,
  type PhiChannelArgs,
  type PhiChannelManifest,
} from "./PhiChannel";
export * from "./tags";
export {
  DATABASE_ENGINES,
  DATABASE_PARAMETERS,
  DEFAULT_DATABASE_ALLOWED_INGRESS,
  DEFAULT_DATABASE_ENGINE,
  DEFAULT_DATABASE_ENGINE_VERSION,
  DEFAULT_DATABASE_PORT,
  PrivateDatabase,
  validatePrivateDatabaseArgs,
  type DatabaseEngine,
  type DatabaseSource,
  type PrivateDatabaseArgs,
} from "./PrivateDatabase";
