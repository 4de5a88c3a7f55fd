/**
 * phi-channels components: secure-by-default Pulumi building blocks for internal channels that carry
 * electronic PHI. Every component validates its arguments with the same rules the policy pack enforces
 * (`policies/src/rules`) and throws {@link PhiConfigError} before creating anything.
 */
export { PhiConfigError } from "./errors";
export { ImmutableLogBucket, type ImmutableLogBucketArgs } from "./ImmutableLogBucket";
export { PrivateNetwork, type PrivateNetworkArgs } from "./PrivateNetwork";
export { InternalCertificate, type InternalCertificateArgs } from "./InternalCertificate";
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
  TlsLoadBalancer,
  type MutualTlsArgs,
  type TlsCertificateSource,
  type TlsLoadBalancerArgs,
} from "./TlsLoadBalancer";
export {
  CHANNEL_TAG,
  DEFAULT_CHANNEL_CIDR,
  PhiChannel,
  type ChannelCertificateArgs,
  type ChannelSource,
  type ExistingNetworkArgs,
  type PhiChannelArgs,
  type PhiChannelManifest,
} from "./PhiChannel";
export * from "./tags";
