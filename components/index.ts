/**
 * phi-channels components: secure-by-default Pulumi building blocks for internal channels that carry
 * electronic PHI. Every component validates its arguments with the same rules the policy pack enforces
 * (`policies/src/rules`) and throws {@link PhiConfigError}, listing every problem, before creating anything.
 * `validate<Name>Args(name, args)` returns those problems without creating anything.
 */
export { PhiConfigError, describeProblem, throwIfProblems, type ConfigProblem } from "./errors";
export {
  DEFAULT_RETENTION_DAYS,
  DEFAULT_RETENTION_MODE,
  ImmutableLogBucket,
  validateImmutableLogBucketArgs,
  type ImmutableLogBucketArgs,
} from "./ImmutableLogBucket";
export {
  DEFAULT_AVAILABILITY_ZONE_COUNT,
  DEFAULT_ENABLE_NAT_GATEWAY,
  DEFAULT_FLOW_LOG_RETENTION_DAYS,
  DEFAULT_INTERFACE_ENDPOINTS,
  DEFAULT_SUBNET_EXTRA_BITS,
  DEFAULT_VPC_CIDR,
  MINIMUM_AVAILABILITY_ZONE_COUNT,
  PrivateNetwork,
  validatePrivateNetworkArgs,
  type PrivateNetworkArgs,
} from "./PrivateNetwork";
export {
  DEFAULT_CA_ECDSA_CURVE,
  DEFAULT_CA_KEY_ALGORITHM,
  DEFAULT_CA_RSA_BITS,
  DEFAULT_CA_VALIDITY_HOURS,
  DEFAULT_EARLY_RENEWAL_HOURS,
  DEFAULT_ECDSA_CURVE,
  DEFAULT_KEY_ALGORITHM,
  DEFAULT_RSA_BITS,
  DEFAULT_SUBJECT_ORGANIZATION,
  DEFAULT_VALIDITY_HOURS,
  InternalCertificate,
  validateInternalCertificateArgs,
  type InternalCertificateArgs,
} from "./InternalCertificate";
export {
  DEFAULT_ALLOWED_PUBLIC_CIDRS,
  DEFAULT_EGRESS,
  DEFAULT_SECURITY_GROUP_DESCRIPTION,
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
  DEFAULT_RUNTIME_GUARDRAILS,
  PhiChannel,
  validatePhiChannelArgs,
  type ChannelCertificateArgs,
  type ChannelGuardrailsArgs,
  type ChannelSource,
  type ExistingNetworkArgs,
  type PhiChannelArgs,
  type PhiChannelManifest,
} from "./PhiChannel";
export {
  AUDIT_LOG_TAGS,
  COMPONENT_TAG,
  DATA_CLASSIFICATION_TAG,
  DATA_CLASSIFICATIONS,
  DEFAULT_DATA_CLASSIFICATION,
  mergeTags,
  PHI_TAGS,
  RESERVED_TAG_KEYS,
  RESERVED_TAG_PREFIX,
  type DataClassification,
} from "./tags";
export {
  DATABASE_ENGINES,
  CONNECTION_LOGGING_PARAMETERS,
  databaseParameters,
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
export {
  DEFAULT_ACCESS_SCOPE,
  DEFAULT_DATA_SERVICE_RULES,
  PhiRuntimeGuardrails,
  validatePhiRuntimeGuardrailsArgs,
  type GuardrailScopeTag,
  type PhiRuntimeGuardrailsArgs,
} from "./PhiRuntimeGuardrails";
