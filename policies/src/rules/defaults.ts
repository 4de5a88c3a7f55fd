import network from "../data/network.json";

/** The channel allowlist when none is configured: HTTPS only. */
export const DEFAULT_ALLOWED_INGRESS: readonly string[] = Object.freeze([...network.defaultAllowedIngress]);
