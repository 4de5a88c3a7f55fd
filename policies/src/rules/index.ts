/**
 * The rules shared by the policy pack and the components, so the two cannot drift. Pure functions over
 * plain values: no @pulumi/aws import, so the pack stays fast to start.
 */
export * from "./protocols";
export * from "./numbers";
export * from "./ports";
export * from "./allowlist";
export * from "./cidr";
export * from "./tls";
export * from "./certificates";
export * from "./retention";
export * from "./tags";
export * from "./data-services";
export { DEFAULT_ALLOWED_INGRESS } from "./defaults";
export type { Refusal } from "./refusal";
export * from "./iam-policy";
export * from "./cloudfront";
export * from "./flow-logs";
export * from "./guardrails";
