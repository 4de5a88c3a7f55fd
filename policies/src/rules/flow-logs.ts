/** The only flow-log traffic type that records every packet; phi-vpc-flow-logs and the runtime guardrails require it. */
export const REQUIRED_FLOW_LOG_TRAFFIC_TYPE = "ALL";
