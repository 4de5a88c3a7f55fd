/**
 * The analyzer client the tools and tests use: the wire codec (analyzer-wire.ts) and the policy-pack
 * process client (analyzer-process.ts), under the one name they have always imported.
 */
export * from "./analyzer-wire";
export * from "./analyzer-process";
